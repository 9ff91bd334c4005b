"""Tier discipline (docs/PLAYBOOK.md section 2): the seven portfolio checks on one set of
tiers, the resources to reallocate, and the checks after triage decisions.

A check is declared once, here: `@check` registers its computation with its words (an
`Entry`; `tierwise.catalogue.CHECKS` shows them to every view) and its limit in words.
The checks run, and are shown, in registration order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import polars as pl

from tierwise.scoring.frames import collect
from tierwise.scoring.recommend import level
from tierwise.scoring.result import Check, Portfolio, Reallocation, Scored, amounts
from tierwise.scoring.rubric import Rubric
from tierwise.scoring.words import (
    and_join,
    contains_any,
    fmt_money,
    fmt_number,
    money_text,
    number_text,
    or_join,
)
from tierwise.vocabulary import Entry

OUT = "exit"  # a decided or recommended exit leaves the portfolio


def _recorded(frame: pl.DataFrame, column: str) -> bool:
    """A column the tracker holds (a column with no value at all counts as not recorded)."""
    return column in frame.columns and frame[column].null_count() < frame.height


def _names(frame: pl.DataFrame, limit: int = 3, detail: str | None = None) -> str:
    more = frame.height - limit
    frame = frame.head(limit)
    who = [
        (p if p else f"row {r}") + (f" ({d})" if d else "")
        for p, r, d in zip(
            frame["partner"] if "partner" in frame.columns else [None] * frame.height,
            frame["row"],
            frame[detail] if detail else [None] * frame.height,
            strict=True,
        )
    ]
    return and_join(who + ([f"{more} more"] if more > 0 else []))


def _span(low: float, high: float) -> str:
    return f"exactly {low:g}" if low == high else f"{low:g}-{high:g}"


def _rows(frame: pl.DataFrame) -> tuple[int, ...]:
    return tuple(frame["row"].sort().to_list())


def _not_assessed(code: str, what: str) -> Check:
    return Check(code, True, f"Not assessed: the tracker records no {what}", assessed=False)


def _initiatives(code: str, tier: pl.DataFrame, name: str, low: int, high: int) -> Check:
    named = tier.filter(pl.col("initiative").is_not_null())
    initiatives = sorted(set(named["initiative"].to_list()))
    n = len(initiatives)
    ok = low <= n <= high
    unnamed = tier.height - named.height
    listed = and_join([f"'{i}'" for i in initiatives[:4]] + ([f"{n - 4} more"] if n > 4 else []))
    detail = f"{n} {name} initiative{'s' if n != 1 else ''}"
    detail += f": {listed}" if n else ""
    detail += f" (want {_span(low, high)})"
    if unnamed:
        detail += f"; {unnamed} {name} partner{'s' if unnamed != 1 else ''} without one"
    return Check(code, ok, detail, float(n), float(low), float(high), () if ok else _rows(tier))


def _count(code: str, tier: pl.DataFrame, name: str, low: int, high: int) -> Check:
    n = tier.height
    ok = low <= n <= high
    detail = f"{n} {name} partner{'s' if n != 1 else ''} (want {_span(low, high)})"
    if n:
        detail += f": {_names(tier)}"
    rows = _rows(tier) if n > high else ()
    return Check(code, ok, detail, float(n), float(low), float(high), rows)


class Tiers(NamedTuple):
    """The partners in the portfolio (exits are out of it), and those of each tier."""

    frame: pl.DataFrame
    strategic: pl.DataFrame
    tactical: pl.DataFrame
    casual: pl.DataFrame


# A check's computation: its code, the tiers, the rubric's [tiers] -> the Check.
CheckFunction = Callable[[str, Tiers, Mapping[str, Any]], Check]


@dataclass(frozen=True)
class PortfolioCheck:
    """A check: its words, its computation, and its limit in words from the rubric's
    [tiers] ("1-2", "0"). `counted`: a count a recommendation may leave short (promotions
    are on merit, never to fill a slot), said so when it does."""

    words: Entry
    run: CheckFunction
    limit: Callable[[Mapping[str, Any]], str]
    counted: bool = False


# code -> the check, filled by @check in registration order (the order checks are shown in)
CHECK_RULES: dict[str, PortfolioCheck] = {}


def check(
    words: Entry, *, limit: Callable[[Mapping[str, Any]], str], counted: bool = False
) -> Callable[[CheckFunction], CheckFunction]:
    """Declares check `words.code`: the decorated function is its computation (see
    PortfolioCheck)."""

    def register(run: CheckFunction) -> CheckFunction:
        CHECK_RULES[words.code] = PortfolioCheck(words, run, limit, counted)
        return run

    return register


def check_portfolio(partners: pl.DataFrame, tier_column: str, rubric: Rubric) -> list[Check]:
    """Every registered check, in registration order, on the tiers in `tier_column`
    (strategic/tactical/casual; null counts as casual; "exit" is out of the portfolio)."""
    limits = rubric.get("tiers")
    wanted = ("row", "partner", tier_column, "partner_type", "initiative", "owner_team", "fte")
    frame = partners.select([c for c in (*wanted, "budget") if c in partners.columns])
    frame = frame.filter(pl.col(tier_column).ne_missing(OUT))
    tier = pl.col(tier_column)
    tiers = Tiers(
        frame,
        frame.filter(tier == "strategic"),
        frame.filter(tier == "tactical"),
        frame.filter(tier.is_null() | (tier == "casual")),
    )
    return [declared.run(code, tiers, limits) for code, declared in CHECK_RULES.items()]


def check_limits(rubric: Rubric) -> dict[str, str]:
    """Each check's limit in words, from the rubric."""
    limits = rubric.get("tiers")
    return {code: declared.limit(limits) for code, declared in CHECK_RULES.items()}


def _limit_span(key: str) -> Callable[[Mapping[str, Any]], str]:
    """The limit "min-max" (or "n" when they are equal) of [tiers] KEY_min and KEY_max."""

    def words(limits: Mapping[str, Any]) -> str:
        low, high = limits[f"{key}_min"], limits[f"{key}_max"]
        return f"{low}" if low == high else f"{low}-{high}"

    return words


def _none(limits: Mapping[str, Any]) -> str:
    return "0"


def _initiatives_of(tier: str) -> CheckFunction:
    """How many initiatives the partners of `tier` are on ([tiers] TIER_initiatives_*)."""

    def run(code: str, tiers: Tiers, limits: Mapping[str, Any]) -> Check:
        if not _recorded(tiers.frame, "initiative"):
            return _not_assessed(code, "initiative")
        low, high = limits[f"{tier}_initiatives_min"], limits[f"{tier}_initiatives_max"]
        return _initiatives(code, getattr(tiers, tier), tier, low, high)

    return run


def _partners_of(tier: str) -> CheckFunction:
    """How many partners are of `tier` ([tiers] TIER_partners_*)."""

    def run(code: str, tiers: Tiers, limits: Mapping[str, Any]) -> Check:
        low, high = limits[f"{tier}_partners_min"], limits[f"{tier}_partners_max"]
        return _count(code, getattr(tiers, tier), tier, low, high)

    return run


check(
    Entry(
        "STRATEGIC_INITIATIVES",
        label="Strategic inits",
        name="Strategic initiatives",
        meaning="How many initiatives have strategic partners: the playbook allows one.",
        todo="Pick the one market-dominance initiative; move the others' partners to tactical.",
    ),
    limit=_limit_span("strategic_initiatives"),
    counted=True,
)(_initiatives_of("strategic"))
check(
    Entry(
        "STRATEGIC_PARTNERS",
        label="Strategic partners",
        name="Strategic partners",
        meaning="How many partners are strategic, against the rubric's limits.",
        todo="Keep the strongest eligible partners strategic; demote the rest.",
    ),
    limit=_limit_span("strategic_partners"),
    counted=True,
)(_partners_of("strategic"))


@check(
    Entry(
        "STRATEGIC_PARTNER_TYPES",
        label="Strategic types",
        name="Strategic partners of a wrong type",
        meaning="Strategic partners whose type the rubric does not allow at that tier.",
        todo="Demote them to tactical, or record their type if it is wrong.",
    ),
    limit=_none,
)
def _strategic_partner_types(code: str, tiers: Tiers, limits: Mapping[str, Any]) -> Check:
    if not _recorded(tiers.frame, "partner_type"):
        return _not_assessed(code, "partner type")
    types = list(limits["strategic_types"])
    strategic = tiers.strategic
    wrong = strategic.filter(~pl.col("partner_type").is_in(types).fill_null(False))
    wrong = wrong.with_columns(_type=pl.col("partner_type").fill_null("no type"))
    ok = wrong.height == 0
    if not strategic.height:
        detail = "No strategic partners to check"
    elif ok:
        detail = f"Every strategic partner is a {or_join(types)}"
    else:
        detail = (
            f"{wrong.height} strategic partner{'s are' if wrong.height != 1 else ' is'} "
            f"not a {or_join(types)}: {_names(wrong, detail='_type')}"
        )
    return Check(code, ok, detail, float(wrong.height), None, 0.0, _rows(wrong))


check(
    Entry(
        "TACTICAL_INITIATIVES",
        label="Tactical inits",
        name="Tactical initiatives",
        meaning="How many initiatives have tactical partners, against the rubric's limits.",
        todo="Merge or drop tactical programs until their number is within the limits.",
    ),
    limit=_limit_span("tactical_initiatives"),
    counted=True,
)(_initiatives_of("tactical"))
check(
    Entry(
        "TACTICAL_PARTNERS",
        label="Tactical partners",
        name="Tactical partners",
        meaning="How many partners are tactical, against the rubric's limits.",
        todo="Promote or demote at the edges until the count is within the limits.",
    ),
    limit=_limit_span("tactical_partners"),
    counted=True,
)(_partners_of("tactical"))


@check(
    Entry(
        "CASUAL_OWNED_BY_FIELD",
        label="Casual field-owned",
        name="Casual partners not field-owned",
        meaning="Casual partners owned by alliance staff rather than the field.",
        todo="Hand casual partners to the field and free the alliance staff.",
    ),
    limit=_none,
)
def _casual_owned_by_field(code: str, tiers: Tiers, limits: Mapping[str, Any]) -> Check:
    frame, casual = tiers.frame, tiers.casual
    reasons: list[tuple[pl.Expr, pl.Expr]] = []  # (condition, words)
    if _recorded(frame, "owner_team"):
        team = pl.col("owner_team")
        reasons.append((contains_any(team, limits["alliance_teams"]), team))
    if _recorded(frame, "fte"):
        fte = pl.col("fte")
        reasons.append((fte > limits["casual_max_fte"], number_text(fte) + pl.lit(" FTE")))
    if _recorded(frame, "budget"):
        budget = pl.col("budget")
        reasons.append(
            (budget > limits["casual_max_budget"], money_text(budget) + pl.lit(" budget"))
        )
    if not reasons:
        return _not_assessed(code, "owner team, FTE or budget")
    # Worded only for the partners it finds (most casual partners are fine).
    wrong = casual.filter(pl.any_horizontal([cond.fill_null(False) for cond, _ in reasons]))
    wrong = wrong.with_columns(
        _why=pl.concat_str(
            [pl.when(cond).then(words) for cond, words in reasons],
            separator=", ",
            ignore_nulls=True,
        )
    )
    ok = wrong.height == 0
    if ok:
        most = (
            f"{fmt_number(limits['casual_max_fte'])} FTE, {fmt_money(limits['casual_max_budget'])}"
        )
        detail = (
            f"{casual.height} casual partner{'s' if casual.height != 1 else ''}, none run by "
            f"alliance staff or resourced (max {most})"
        )
    else:
        detail = (
            f"{wrong.height} casual partner{'s' if wrong.height != 1 else ''} run by alliance "
            f"staff or resourced: {_names(wrong, detail='_why')}"
        )
    return Check(code, ok, detail, float(wrong.height), None, 0.0, _rows(wrong))


def _share_limit(limits: Mapping[str, Any]) -> str:
    return f"<= {limits['everyone_strategic_percent']:g}% and <= {limits['strategic_partners_max']}"


@check(
    Entry(
        "EVERYONE_STRATEGIC",
        label="Everyone strategic",
        name="Share labelled strategic",
        meaning="The share of partners labelled strategic, against the rubric's cap.",
        todo="Keep the strategic label for the few partners on the one initiative.",
    ),
    limit=_share_limit,
)
def _everyone_strategic(code: str, tiers: Tiers, limits: Mapping[str, Any]) -> Check:
    total, n = tiers.frame.height, tiers.strategic.height
    percent = round(100.0 * n / total, 1) if total else 0.0
    cap, most = limits["everyone_strategic_percent"], limits["strategic_partners_max"]
    ok = percent <= cap and n <= most
    detail = (
        f"{n} of {total} partners ({fmt_number(percent)}%) labelled strategic "
        f"(max {cap:g}% and {most:g})"
    )
    rows = () if ok else _rows(tiers.strategic)
    return Check(code, ok, detail, percent, None, float(cap), rows)


def after_tiers(partners: pl.DataFrame, decisions: pl.DataFrame | None) -> pl.DataFrame:
    """`partners` plus `_after`: the decided tier where a decision exists, else the
    recommended one ("exit" where the recommendation is to exit), and `_moves`: whether
    resources follow (a decision, or an action that moves; `collect` waits)."""
    after = pl.when(pl.col("action") == OUT).then(pl.lit(OUT)).otherwise("recommended_tier")
    moves = pl.col("action").is_in(["promote", "demote", "withdraw", "exit"])
    if decisions is not None and decisions.height:
        chosen = decisions.select(
            pl.col("row").cast(pl.Int64), pl.col("decision").cast(pl.String).alias("_decision")
        ).unique("row", keep="last")
        partners = partners.join(chosen, on="row", how="left")
        after = pl.coalesce(pl.col("_decision"), after)
        moves = moves | pl.col("_decision").is_not_null()
        partners = partners.with_columns(_after=after, _moves=moves).drop("_decision")
    else:
        partners = partners.with_columns(_after=after, _moves=moves)
    return partners


def slim(partners: pl.DataFrame) -> pl.DataFrame:
    """Only the columns the checks and the reallocation read (joins and filters copy
    every column; the reasons are long)."""
    wanted: tuple[str, ...] = (
        "row",
        "partner",
        "designated_tier",
        "recommended_tier",
        "action",
        "partner_type",
    )
    wanted += ("initiative", "owner_team", "fte", "budget")
    return partners.select([c for c in wanted if c in partners.columns])


def _moved_down() -> pl.Expr:
    """Out, a tier down, or withdrawn (investment stopped, whatever the label said)."""
    after = pl.col("_after")
    withdrawn = (pl.col("action") == "withdraw") & (after == "casual")
    return (after == OUT) | (level(after) < level(pl.col("designated_tier"))) | withdrawn


def _norm(rubric: Rubric, tier: pl.Expr, what: str) -> pl.Expr:
    norms = rubric.get("resources")
    table = {t: float(norms[f"{t}_{what}"]) for t in ("strategic", "tactical", "casual")}
    return tier.replace_strict(table, default=0.0, return_dtype=pl.Float64)


def reallocation(partners: pl.DataFrame, rubric: Rubric) -> Reallocation:
    """Net resources by the tier norms (needs `_after` and `_moves`, see `after_tiers`).

    A move down frees what the partner has (its tier's norm where unrecorded) above the
    norm of its new tier (an exit frees all). A promotion needs its new tier's norm above
    what it has; so do the strategic partners kept and the flagged partners kept at a
    tier (a fix). `collect` moves nothing until the evidence is in."""
    after, designated = pl.col("_after"), pl.col("designated_tier")
    exits = after == OUT
    down = pl.col("_moves") & _moved_down()
    up = pl.col("_moves") & ~exits & (level(after) > level(designated))
    stays = ~pl.col("_moves") & (after == designated)
    needy = up | (stays & ((after == "strategic") | (pl.col("action") == "fix")))
    new_tier = pl.when(exits).then(pl.lit(None, pl.String)).otherwise(after)
    columns = {}
    for what in ("fte", "budget"):
        has = pl.col(what)
        norm_after = _norm(rubric, new_tier, what).fill_null(0.0)
        norm_after = pl.when(exits).then(0.0).otherwise(norm_after)
        held = has.fill_null(_norm(rubric, designated.fill_null("casual"), what))
        columns[f"_freed_{what}"] = pl.when(down).then((held - norm_after).clip(0.0)).otherwise(0.0)
        columns[f"_needed_{what}"] = (
            pl.when(needy).then((norm_after - has.fill_null(0.0)).clip(0.0)).otherwise(0.0)
        )
    # Lazily, so the conditions shared by the four columns are computed once.
    frame = collect(partners.lazy().with_columns(_down=down, **columns))
    by_tier: dict[str, dict[str, float]] = {}
    grouped = (
        frame.filter(pl.col("_down"))
        .with_columns(_tier=designated.fill_null("none"))
        .group_by("_tier")
        .agg(pl.col("_freed_fte").sum(), pl.col("_freed_budget").sum())
        .sort("_tier")
    )
    for tier, f, b in grouped.iter_rows():
        if f or b:
            by_tier[tier] = amounts(f, b)
    totals = frame.select(pl.col("^_(freed|needed)_.*$").sum()).row(0, named=True)
    freed = amounts(totals["_freed_fte"], totals["_freed_budget"])
    return Reallocation(
        freed["fte"],
        freed["budget"],
        by_tier,
        amounts(totals["_needed_fte"], totals["_needed_budget"]),
    )


# Why a recommendation may leave a counted check short.
_SHORT = (
    "cannot pass on this tracker: too few partners clear the bar on evidence "
    "(promotions are on merit, never to fill a slot)"
)


def checks_after(partners: pl.DataFrame, rubric: Rubric) -> list[Check]:
    """Checks on `_after`; partners moved down are assumed to have handed their people,
    budget and ownership back (that is what the reallocation line counts). A check the
    recommendation cannot pass says why."""
    released = partners.with_columns(
        [
            pl.when(_moved_down()).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("fte", "budget", "owner_team")
            if c in partners.columns
        ]
    )
    checks = check_portfolio(released, "_after", rubric)
    out = []
    for c in checks:
        low, actual = c.low, c.actual
        if CHECK_RULES[c.code].counted and low is not None and actual is not None and actual < low:
            c = replace(c, detail=f"{c.detail}; {_SHORT}")
        out.append(c)
    return out


def portfolio_after(scored: Scored, decisions: pl.DataFrame, rubric: Rubric) -> Portfolio:
    """The portfolio on the decided tiers (recommended where undecided), without re-scoring."""
    after = after_tiers(slim(scored.partners), decisions)
    return Portfolio(
        designated=scored.portfolio.designated,
        recommended=checks_after(after, rubric),
        reallocate=reallocation(after, rubric),
        notes=list(scored.portfolio.notes),
        flags_not_assessed=scored.portfolio.flags_not_assessed,
        strategy=scored.portfolio.strategy,
    )
