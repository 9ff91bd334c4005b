"""`score`: a tracker frame and a rubric to ranked judgments with reasons.

The numbers are whole-column polars expressions (motivations.py, flags.py); the
slot-filling (recommend.py) and the checks (portfolio.py) work on the small results.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from tierwise.fields import ANNOUNCED_ON, MOTIVATIONS, OTHER_CURRENCY, tracker_schema
from tierwise.scoring import flags as rules
from tierwise.scoring.frames import by_chunks, collect
from tierwise.scoring.motivations import (
    EVIDENCE,
    STEADY,
    assessed,
    brings_nothing,
    evidence_count,
    evidence_share,
    motivation_columns,
    stated_columns,
    unknown_cells,
)
from tierwise.scoring.portfolio import (
    after_tiers,
    check_portfolio,
    checks_after,
    reallocation,
    slim,
)
from tierwise.scoring.recommend import RANK_ORDER, TIER_AS_WRITTEN, actions, recommend
from tierwise.scoring.relationship import relationship_kind
from tierwise.scoring.result import Portfolio, Scored, ScoreWarning
from tierwise.scoring.rubric import Rubric
from tierwise.scoring.strategy import Strategy
from tierwise.scoring.words import (
    UNIT_SEPARATOR,
    is_blank,
    normalised,
    number_text,
    quoted,
    sentence,
    text_list,
)
from tierwise.tier_labels import LabelMap, unknown_labels

OUTPUT_COLUMNS = (
    "row",
    "partner",
    "partner_type",
    "designated_tier",
    "recommended_tier",
    "action",
    "score",
    *MOTIVATIONS,
    "flags",
    "why",
    "stated",
    "fte",
    "budget",
    "initiative",
    "owner_team",
    "evidence",
    "todo",
    "borderline",
    "unknown",
    "relationship",
    "closed_revenue",
    "pipeline",
)


def _tier(rubric: Rubric, labels: pl.Series) -> pl.Expr:
    """The tier each of `labels` (the tracker's designated_tier column) names through the
    rubric's label map (tierwise.tier_labels); null where blank or unknown."""
    return LabelMap(rubric.labels).tier_expr(pl.col("designated_tier"), labels)


def _designated(rubric: Rubric, tier: pl.Expr) -> pl.Expr:
    """The tier a partner's label names (`tier`, from `_tier`), null when blank."""
    label_blank = is_blank(pl.col("designated_tier"), rubric.get("text.blank_words"))
    return pl.when(label_blank).then(None).otherwise(tier)


def _labels(frame: pl.DataFrame) -> pl.Series:
    """The tracker's tier labels as written (none when it has no tier column)."""
    if "designated_tier" not in frame.columns:
        return pl.Series("designated_tier", [], pl.String)
    return frame.get_column("designated_tier").cast(pl.String, strict=False)


def _placeholder_tier(rubric: Rubric) -> pl.Expr:
    """The tier is written as a placeholder ("TBD", "pending", "?"): not decided yet."""
    text = pl.col(TIER_AS_WRITTEN)
    written = text.str.strip_chars() != ""
    return (written & is_blank(text, rubric.get("text.blank_words"))).fill_null(False)


def designated_tiers(frame: pl.DataFrame, rubric: Rubric) -> pl.DataFrame:
    """`row`, `partner`, `partner_type` and `designated_tier` (labels mapped to tiers as
    `score` maps them) of a tracker frame, without scoring it."""
    lf, _ = _complete(frame)
    return lf.select(
        "row",
        "partner",
        "partner_type",
        _designated(rubric, _tier(rubric, _labels(frame))).alias("designated_tier"),
    ).collect()


def _complete(frame: pl.DataFrame) -> tuple[pl.LazyFrame, frozenset[str]]:
    """Every canonical column, typed; absent ones all null, and `TIER_AS_WRITTEN` (the
    tier cell's text; the label itself where the frame has no such column). Returns the
    fields present. `OTHER_CURRENCY` (the amounts left unknown for their currency) is
    passed on, empty where the frame has none."""
    schema = tracker_schema()
    present = frozenset(c for c in frame.columns if c in schema and c != "row")
    columns = []
    for name, dtype in schema.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype, strict=False))
        elif name == "row":
            columns.append(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("row"))
        else:
            columns.append(pl.lit(None, dtype).alias(name))
    written = next((c for c in (TIER_AS_WRITTEN, "designated_tier") if c in frame.columns), None)
    as_written = pl.col(written).cast(pl.String) if written else pl.lit(None, pl.String)
    converts = (
        pl.col(OTHER_CURRENCY)
        if OTHER_CURRENCY in frame.columns
        else pl.lit([], pl.List(pl.String))
    )
    return frame.lazy().select(
        *columns, as_written.alias(TIER_AS_WRITTEN), converts.alias(OTHER_CURRENCY)
    ), present


def _stage_basics(
    lf: pl.LazyFrame, rubric: Rubric, present: frozenset[str], as_of: date, labels: pl.Series
):
    blank = rubric.get("text.blank_words")
    market = pl.col("target_market")
    if "target_market" in present:
        unspecified = is_blank(market, blank) | normalised(market).is_in(
            [w.lower() for w in rubric.get("text.unspecified_markets")]
        )
    else:
        unspecified = pl.lit(False)
    started = pl.coalesce(pl.col("start_date"), pl.col("agreement_date"))
    age = (pl.lit(as_of) - started).dt.total_days()
    label_blank = is_blank(pl.col("designated_tier"), blank)
    tier = _tier(rubric, labels)
    return lf.with_columns(
        tier=_designated(rubric, tier),
        _unknown_label=~label_blank & tier.is_null(),
        _tier_placeholder=_placeholder_tier(rubric),
        _unspecified=unspecified.fill_null(True),
        _started=started,
        _age=age,
        _in_grace=(age < rubric.get("thresholds.grace_days")).fill_null(False),
        _gtm=relationship_kind(rubric) == "gtm",
    ).with_columns(
        *motivation_columns(rubric, present, pl.col("_unspecified")),
        relationship=relationship_kind(rubric),
        evidence=evidence_share(present),
        _filled=evidence_count(present),
        _business=pl.col("closed_revenue").fill_null(0.0) + pl.col("pipeline").fill_null(0.0),
        # Known to have brought nothing (pipeline is a promise, not business brought).
        _nothing=brings_nothing(present),
        unknown=unknown_cells(rubric, present),
        _invests=(
            pl.col("tier").is_in(["strategic", "tactical"]).fill_null(False)
            | (pl.col("fte").fill_null(0.0) > 0)
            | (pl.col("budget").fill_null(0.0) > 0)
        ),
    )


def _combined(rubric: Rubric, which: dict[str, bool], suffix: str = "") -> pl.Expr:
    """Motivations into one value: mostly the strongest, the rest a weighted mean over
    the assessed motivations. On what is known: an unknown motivation adds nothing (so
    a blank never raises a score), null when none is known; with `suffix` "_high", the
    best cases (an open motivation counts 100)."""
    names = [m for m in MOTIVATIONS if which[m]]
    if not names:
        return pl.lit(None, pl.Float64)
    cols = {m: pl.col(f"_{m}_high" if suffix else m) for m in names}
    best_share = float(rubric.get("score.best_motivation_weight"))
    weights = {m: float(rubric.get(f"score.weights.{m}")) for m in names}
    total = sum(weights.values())
    best = pl.max_horizontal(list(cols.values()))
    if total <= 0:
        return best.round(STEADY)
    mean = pl.sum_horizontal([c.fill_null(0.0) * weights[m] for m, c in cols.items()]) / total
    return (best_share * best + (1 - best_share) * mean).round(STEADY)


def _why_motivations(rubric: Rubric, which: dict[str, bool]) -> list[pl.Expr]:
    out = []
    for m in MOTIVATIONS:
        if which[m]:
            out.append(
                pl.lit(f"{m.capitalize()} ")
                + number_text(pl.col(m), 0)
                + pl.lit(": ")
                + pl.col(f"_{m}_words")
            )
    if which["share"]:
        cap = rubric.get("motivations.share.unspecified_market_cap")
        market = (
            pl.when(pl.col("target_market").is_null())
            .then(pl.lit("no target market"))
            .otherwise(
                pl.lit("target market ")
                + quoted(pl.col("target_market"), 30)
                + pl.lit(" is not a specific market")
            )
        )
        capped = pl.col("_unspecified") & pl.col("share").is_not_null()
        out.append(pl.when(capped).then(pl.lit(f"Share capped at {cap:g}: ") + market))
    for m in MOTIVATIONS:
        level = (
            pl.coalesce(number_text(pl.col(m), 0), pl.lit("unknown"))
            if which[m]
            else pl.lit("not assessed")
        )
        out.append(
            pl.when(pl.col("stated").list.contains(m)).then(
                pl.lit(f"Objective states {m}, not evidenced ({m} ") + level + pl.lit(")")
            )
        )
    return out


def _notes(rubric: Rubric, present: frozenset[str], which: dict[str, bool]) -> list[str]:
    """What the tracker does not record, and which rules that disables."""
    notes: list[str] = []
    for m in MOTIVATIONS:
        if not which[m]:
            cols = " or ".join(EVIDENCE[m])
            if m == "speed":
                cols = "cycle_days with baseline_cycle_days"
            notes.append(f"No evidence column for {m} ({cols}): {m} not assessed.")
    if not any(which.values()):
        notes.append("No motivation can be assessed: scores are 0 and WHY_BOTHER is not assessed.")

    def missing(*cols: str) -> bool:
        return not any(c in present for c in cols)

    if missing("revenue_target") or missing("pipeline", "closed_revenue"):
        notes.append(
            "No revenue target, or no pipeline or closed revenue: EXEC_LUNCH not assessed."
        )
    if missing("announced", ANNOUNCED_ON):
        notes.append("No announcement column: PRESS_RELEASE not assessed.")
    if missing("target_market"):
        notes.append(
            "No target market column: share is not capped for unspecified markets and "
            "PRESS_RELEASE's market rule is not assessed."
        )
    if missing("objective", "market_need"):
        notes.append(
            "No objective or market need column: VAGUE_AGENDA's vague-text rule not assessed."
        )
    if missing("partner_agenda"):
        notes.append("No partner agenda column: VAGUE_AGENDA's blank-agenda rule not assessed.")
    if missing("designated_tier"):
        notes.append(
            "No tier column: every partner is judged as casual; "
            "STRATEGIC_IN_NAME_ONLY not assessed."
        )
    else:
        for col, what in (
            ("exec_sponsor", "executive sponsor"),
            ("fte", "FTE"),
            ("last_activity", "last activity"),
        ):
            if missing(col):
                notes.append(f"No {what} column: STRATEGIC_IN_NAME_ONLY does not check it.")
    if missing("start_date", "agreement_date"):
        notes.append(
            "No start or agreement date: no partner is given the new-partner grace period."
        )
    if missing("initiative"):
        notes.append("No initiative column: initiative checks not assessed.")
    if missing("partner_type"):
        notes.append("No partner type column: any type may fill a strategic slot.")
    if missing("owner_team", "fte", "budget"):
        notes.append("No owner team, FTE or budget column: CASUAL_OWNED_BY_FIELD not assessed.")
    return notes


def flags_not_assessed(present: frozenset[str], which: dict[str, bool]) -> tuple[str, ...]:
    """The flags whose rules cannot run on these columns (each flag's `needs` in
    scoring/flags.py; see `_notes` for the words)."""
    have = present | {m for m, known in which.items() if known}
    return tuple(code for code, flag in rules.RULES.items() if not flag.assessed(have))


def score(
    frame: pl.DataFrame,
    rubric: Rubric,
    *,
    as_of: date,
    decisions: pl.DataFrame | None = None,
    headers: Mapping[str, str] | None = None,
) -> Scored:
    """Score every partner of a tracker frame (see Scored for the columns) as of `as_of`.

    `decisions` (row, decision, decision_note) replace the recommended tiers in the
    recommended-portfolio checks and the reallocation; they never change a score.
    `headers` (field -> the tracker's header) names the cells in the `todo` words.
    """
    lf, present = _complete(frame)
    which = assessed(rubric, present)
    best_name, best_value = rules.best_motivation(which)
    names = [m for m in MOTIVATIONS if which[m]]
    best_high = pl.max_horizontal([pl.col(f"_{m}_high") for m in names]) if names else None
    lf = _stage_basics(lf, rubric, present, as_of, _labels(frame)).with_columns(
        _value=_combined(rubric, which),
        _value_high=_combined(rubric, which, "_high"),
        _best=best_name,
        _best_value=best_value,
        _best_high=best_high if best_high is not None else pl.lit(None, pl.Float64),
        _known_share=_known_share(which),
    )
    fired = rules.for_tracker(rubric, rules.Context(present, frozenset(names), as_of))
    fired_col = {code: pl.col(f"_{code}") for code in rules.RULES}
    penalties = {code: float(rubric.get(f"score.penalty_{code.lower()}")) for code in rules.RULES}
    cap = float(rubric.get("score.penalty_cap"))
    paid = [fired_col[code].cast(pl.Float64) * pen for code, pen in penalties.items()]
    sure = [
        (fired_col[code] & ~rule.shaky.fill_null(False)).cast(pl.Float64) * penalties[code]
        for code, rule in fired.items()
    ]
    penalty = pl.min_horizontal(pl.sum_horizontal(paid), pl.lit(cap))
    penalty_high = pl.min_horizontal(pl.sum_horizontal(sure), pl.lit(cap))
    cut = [
        pl.when(fired_col[code]).then(pl.lit(f"{pen:g} for {code}"))
        for code, pen in penalties.items()
        if pen > 0
    ]
    capped = pl.when(pl.sum_horizontal(paid) > cap).then(pl.lit(f" (capped at {cap:g})"))
    lf = (
        lf.with_columns(*(expr.alias(name) for rule in fired.values() for name, expr in rule.steps))
        .with_columns(
            _early=rules.too_early(rubric),
            **{f"_{code}": rule.fires.fill_null(False) for code, rule in fired.items()},
        )
        .with_columns(
            score=_less(pl.col("_value").fill_null(0.0), penalty),
            # With no motivation assessed at all, anything is possible.
            _score_high=_less(pl.col("_value_high").fill_null(100.0), penalty_high),
            flags=text_list([pl.when(fired_col[code]).then(pl.lit(code)) for code in rules.RULES]),
            _why_bother=fired_col["WHY_BOTHER"],
            _penalties=pl.concat_str(
                [pl.concat_str(cut or [pl.lit("")], separator=", ", ignore_nulls=True), capped],
                ignore_nulls=True,
            ),
        )
        .with_columns(stated_columns(rubric, present))
    )
    data = _ranked(lf, frame.height, fired, _why_head(rubric, which))
    data, strategy = recommend(data, rubric, present, Strategy.of(rubric, data, present))
    data = actions(data, rubric, present, headers or {})
    # Never empty (every partner has a tier sentence), so no `text_list` guard: on
    # these long texts the guard costs about as much as the split.
    joined = pl.concat_str(
        ["_why_head", "_tier_why", "_action_why"], separator=UNIT_SEPARATOR, ignore_nulls=True
    )
    why = by_chunks(
        data.height,
        lambda start, n: data.slice(start, n).select(why=joined.str.split(UNIT_SEPARATOR)),
    )
    data = data.drop("_why_head", "_tier_why", "_action_why").with_columns(why["why"])
    data = data.rename({"designated_tier": "_label"})
    data = data.rename({"tier": "designated_tier"})

    unknown = data.filter(pl.col("_unknown_label").fill_null(False)).select("row", "_label")
    unknown = unknown.sort("row")
    warnings = [
        ScoreWarning(row, "designated_tier", f"Unknown tier label '{label}'; treated as no tier")
        for row, label in zip(unknown["row"].to_list(), unknown["_label"].to_list(), strict=True)
    ]
    partners = data.select(OUTPUT_COLUMNS)
    notes = _notes(rubric, present, which)
    if warnings:
        notes.append(_unknown_note(unknown))
    after = after_tiers(slim(partners), decisions)
    portfolio = Portfolio(
        designated=check_portfolio(partners, "designated_tier", rubric),
        recommended=checks_after(after, rubric),
        reallocate=reallocation(after, rubric),
        notes=notes,
        flags_not_assessed=flags_not_assessed(present, which),
        strategy=strategy,
    )
    return Scored(partners, portfolio, warnings)


def _unknown_note(unknown: pl.DataFrame) -> str:
    """Every unknown tier label (`row`, `_label`) in one note: how many partners and
    labels, each label with its rows."""
    by_label = unknown.group_by("_label", maintain_order=True).agg(pl.col("row"))
    found = [
        (label, [("row " if len(rows) == 1 else "rows ") + str(rows[0]), *map(str, rows[1:])])
        for label, rows in by_label.iter_rows()
    ]
    return (
        f"{unknown.height} partner(s) carry {len(found)} tier label(s) the label map does not "
        f"know: {unknown_labels(found)}; treated as no tier: add them under [labels] in your "
        "rubric."
    )


def _ranked(
    lf: pl.LazyFrame, height: int, fired: Mapping[str, rules.Rule], head: pl.Expr
) -> pl.DataFrame:
    """The partners by rank, with the reasons worded, on only the columns the slot-filling,
    the actions and the result need: sorting and filtering carry every column along, and
    the tracker's text columns are done with. `lf` (of `height` rows) is scored and
    worded a chunk of rows at a time (every step is row by row), so its wide frame of
    every scoring column is never held for all partners at once."""
    skip = ("recommended_tier", "action", "why", "todo", "borderline")
    needed = [c for c in OUTPUT_COLUMNS if c not in skip]
    needed += ["tier", "_unknown_label", "_why_head", "_remedy"]
    needed += ["_why_bother", "_in_grace", "_score_high", "_known_share", "_gtm", "_filled"]
    needed += ["_business", "_best_value", "_nothing", "_invests", "_tier_placeholder"]
    needed += [TIER_AS_WRITTEN, OTHER_CURRENCY]

    def part(start: int, length: int) -> pl.DataFrame:
        worded = (
            _worded(collect(lf.slice(start, length)), fired)
            .lazy()
            .with_columns(_remedy=sentence(pl.col("_remedy")))
            .with_columns(_why_head=head)
        )
        return collect(worded.select(needed))

    ranked = by_chunks(height, part).lazy()
    return collect(ranked.sort(*RANK_ORDER[:1], descending=RANK_ORDER[1]))


def _worded(frame: pl.DataFrame, fired: Mapping[str, rules.Rule]) -> pl.DataFrame:
    """`_why_<code>` (the reason of each flag) and `_remedy` (what to do about them all),
    worded only on the rows where the flag fired: most partners fire few flags. What we
    put into a partner (`_investment`, read by WHY_BOTHER's reason) is worded there too."""
    at = frame.lazy().with_row_index("_at")
    words: dict[str, pl.Series] = {}
    for code, rule in fired.items():
        few = (
            at.filter(pl.col(f"_{code}"))
            .with_columns(_investment=rules.investment_words())
            .select("_at", why=rule.why, todo=rule.todo)
        )
        done = collect(few)
        for name, column in ((f"_why_{code}", "why"), (f"_todo_{code}", "todo")):
            empty = pl.repeat(None, frame.height, dtype=pl.String, eager=True)
            words[name] = empty.scatter(done["_at"], done[column].cast(pl.String))
    todo = [pl.col(f"_todo_{code}") for code in fired]
    frame = frame.with_columns(**words)
    remedy = pl.concat_str(todo, separator="; ", ignore_nulls=True)
    return frame.with_columns(_remedy=remedy).drop(f"_todo_{code}" for code in fired)


def _less(value: pl.Expr, penalty: pl.Expr) -> pl.Expr:
    return (value - penalty).clip(0.0, 100.0).round(STEADY).round(1)


def _known_share(which: dict[str, bool]) -> pl.Expr:
    """The share of the four motivations known for the partner: a motivation the tracker
    has no column for is as unknown as one whose cells are blank (null: none assessed)."""
    names = [m for m in MOTIVATIONS if which[m]]
    if not names:
        return pl.lit(None, pl.Float64)
    known = pl.sum_horizontal([pl.col(m).is_not_null().cast(pl.Float64) for m in names])
    return known / len(MOTIVATIONS)


def _why_head(rubric: Rubric, which: dict[str, bool]) -> pl.Expr:
    """The reasons before the tier and action (score, evidence, stated intent, flags),
    joined by the unit separator so `text_list` can append the rest and split once."""
    grace = rubric.get("thresholds.grace_days")
    if any(which.values()):
        strongest = (
            pl.lit(": strongest motivation ")
            + pl.col("_best")
            + pl.lit(" ")
            + number_text(pl.col("_best_value"), 0)
        )
        head = (
            pl.lit("Score ")
            + number_text(pl.col("score"), 0)
            # Every evidence cell blank: no motivation is known yet (see `collect`).
            + pl.when(pl.col("_best_value").is_null())
            .then(pl.lit(": no motivation known yet, its evidence cells are blank"))
            .otherwise(strongest)
            + pl.when(pl.col("_penalties") != "")
            .then(pl.lit(", less ") + pl.col("_penalties"))
            .otherwise(pl.lit(""))
        )
    else:
        head = pl.lit("Score 0: the tracker holds no evidence for any motivation")
    early = pl.when(pl.col("_early")).then(
        pl.lit("Too early to judge: started ")
        + pl.col("_started").dt.to_string("%Y-%m-%d")
        + pl.lit(", ")
        + pl.col("_age").cast(pl.String)
        + pl.lit(f" days ago (grace period {grace:g} days)")
    )
    # Null where the flag did not fire.
    flag_why = [pl.lit(f"{code}: ") + pl.col(f"_why_{code}") for code in rules.RULES]
    parts = [head, *_why_motivations(rubric, which), early, *flag_why]
    return pl.concat_str(parts, separator=UNIT_SEPARATOR, ignore_nulls=True)
