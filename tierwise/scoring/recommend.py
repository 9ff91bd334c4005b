"""From scores to a recommendation (docs/PLAYBOOK.md section 4): strategy first, evidence
before verdicts. The strategic slots go to partners on the strategic initiative, the
tactical slots to partners on the tactical initiatives, everyone else is casual; then
one action per partner, with what to do in plain words.

Slots are claimed in this order, each group by rank: partners holding the tier on
evidence, partners holding it whose evidence is still open (no move rests on unknowns),
promotions on merit (above the bar by a margin, never to fill a slot), and last the
partners too new to judge (they never take a slot from a partner with evidence).

Ranking is by score, then business (closed revenue and pipeline), evidence, name and
worksheet row, so the result never depends on the order rows arrive in.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from tierwise.fields import MOTIVATIONS, OTHER_CURRENCY
from tierwise.scoring.flags import investment_words
from tierwise.scoring.frames import along, collect
from tierwise.scoring.motivations import EVIDENCE, assessed
from tierwise.scoring.relationship import relied_on
from tierwise.scoring.rubric import Rubric
from tierwise.scoring.strategy import Strategy, initiative_key, key, strategic_candidates
from tierwise.scoring.words import (
    UNIT_SEPARATOR,
    and_join,
    fmt_money,
    fmt_number,
    number_text,
    or_join,
    sentence,
)

RANK_ORDER = (
    ["score", "_business", "_filled", "partner", "row"],
    [True, True, True, False, False],
)
TIER_LEVEL = {"strategic": 3, "tactical": 2, "casual": 1}
# The tier cell's text as written, beside the label read (a reader reads a placeholder
# such as "TBD" as blank; the team is asked to decide it: action collect).
TIER_AS_WRITTEN = "_tier_as_written"
_CLAIM_ORDER = ["_claim", *RANK_ORDER[0]]
_CLAIM_DESC = [False, *RANK_ORDER[1]]
_SLOT_COLUMNS = (
    *RANK_ORDER[0],
    *("partner_type", "tier", "initiative", "_score_high", "_in_grace", "_gtm", "_why_bother"),
)


def level(tier: pl.Expr) -> pl.Expr:
    """strategic 3, tactical 2, casual or no tier 1 (a partner with no tier is casual)."""
    return tier.replace_strict(TIER_LEVEL, default=1, return_dtype=pl.Int64)


def hold_bar(rubric: Rubric) -> pl.Expr:
    """The score a partner needs to keep its designated tier (null for casual)."""
    rec = rubric.get("recommend")
    return (
        pl.when(pl.col("tier") == "strategic")
        .then(pl.lit(float(rec["strategic_min_score"])))
        .when(pl.col("tier") == "tactical")
        .then(pl.lit(float(rec["tactical_min_score"])))
    )


def _claim(holder: pl.Expr, bar: float, margin: float, merit: pl.Expr) -> pl.Expr:
    """0 holds on evidence, 1 holds while its evidence is open, 2 promotion on merit,
    3 holds while too new to judge; null: no claim."""
    return (
        pl.when(holder & (pl.col("score") >= bar))
        .then(0)
        .when(holder & (pl.col("_score_high") >= bar) & ~pl.col("_in_grace"))
        .then(1)
        .when(~holder & (pl.col("score") >= bar + margin) & merit)
        .then(2)
        .when(holder & pl.col("_in_grace"))
        .then(3)
    )


def _names(frame: pl.DataFrame, limit: int = 3) -> str:
    names = frame["partner"].fill_null("an unnamed partner").to_list()
    more = len(names) - limit
    return and_join(names[:limit] + ([f"{more} more"] if more > 0 else []))


def recommend(
    ranked: pl.DataFrame, rubric: Rubric, present: frozenset[str], strategy: Strategy
) -> tuple[pl.DataFrame, Strategy]:
    """Add `recommended_tier` and `_tier_why` to ranked partners; return them with the
    strategy completed by the tactical initiatives chosen."""
    tiers, rec = rubric.get("tiers"), rubric.get("recommend")
    strategic_bar, tactical_bar = rec["strategic_min_score"], rec["tactical_min_score"]
    margin = rec["promote_margin"]
    has_initiative = "initiative" in present
    on_strategic = pl.lit(True)
    if has_initiative:
        wanted = strategy.strategic_initiative
        on_strategic = pl.lit(False)
        if wanted:
            on_strategic = (initiative_key(pl.col("initiative")) == key(wanted)).fill_null(False)
    business = pl.lit(True)
    if {"closed_revenue", "pipeline"} & present:
        # A market-dominance partner is promoted on business, not on connectors alone.
        business = pl.col("_business") > 0

    # The slot-filling filters and sorts: on the columns it reads only (a wide frame's
    # text and list columns would be copied at every step).
    slots = ranked.select(*_SLOT_COLUMNS)
    candidates = strategic_candidates(rubric, slots, present).with_columns(
        _claim=_claim(
            (pl.col("tier") == "strategic").fill_null(False), strategic_bar, margin, business
        )
    )
    strategic = (
        candidates.filter(on_strategic & pl.col("_claim").is_not_null())
        .sort(_CLAIM_ORDER, descending=_CLAIM_DESC)
        .head(tiers["strategic_partners_max"])
    )
    taken = strategic["row"].implode()

    holder_t = pl.col("tier").is_in(["strategic", "tactical"]).fill_null(False)
    open_t = slots.filter(
        pl.col("_gtm") & ~pl.col("_why_bother") & ~pl.col("row").is_in(taken)
    ).with_columns(_claim=_claim(holder_t, tactical_bar, margin, pl.lit(True)))
    open_t = open_t.filter(pl.col("_claim").is_not_null()).sort(
        _CLAIM_ORDER, descending=_CLAIM_DESC
    )
    names = list(strategy.tactical_initiatives)
    if has_initiative:
        if strategy.tactical_declared:
            allowed = initiative_key(pl.col("initiative")).is_in([key(n) for n in names])
        else:
            named = open_t.filter(pl.col("initiative").is_not_null())
            firsts = named.unique(initiative_key(pl.col("initiative")), keep="first")
            firsts = firsts.sort(_CLAIM_ORDER, descending=_CLAIM_DESC)
            names = firsts.head(tiers["tactical_initiatives_max"])["initiative"].to_list()
            allowed = pl.col("initiative").is_null() | initiative_key(pl.col("initiative")).is_in(
                [key(n) for n in names]
            )
        open_t = open_t.filter(allowed.fill_null(False))
    else:
        allowed = pl.lit(True)
    tactical = open_t.head(tiers["tactical_partners_max"])

    claims = pl.concat([strategic.select("row", "_claim"), tactical.select("row", "_claim")])
    frame = ranked.with_columns(_claim=along(ranked, claims))
    in_strategic = pl.col("row").is_in(strategic["row"].implode())
    in_tactical = pl.col("row").is_in(tactical["row"].implode())
    tier_expr = (
        pl.when(~pl.col("_gtm"))
        .then(pl.col("tier").fill_null("casual"))
        .when(in_strategic)
        .then(pl.lit("strategic"))
        .when(in_tactical)
        .then(pl.lit("tactical"))
        .otherwise(pl.lit("casual"))
    )
    words = _Words(rubric, present, strategy, on_strategic, allowed)
    why, casual = words.tier_why(strategic, tactical, in_strategic, in_tactical)
    # The long reasons are worded only for the few partners that need them: not go to
    # market, given a slot, or labelled strategic; everyone else is plain casual.
    few = ~pl.col("_gtm") | in_strategic | in_tactical | (pl.col("tier") == "strategic")
    few = few.fill_null(False)
    worded = collect(frame.lazy().filter(few).select("row", _tier_why=why))
    frame = frame.with_columns(_tier_why=along(frame, worded))
    # Lazily, so the words shared by several branches are computed once (an eager
    # `with_columns` skips common-subexpression elimination).
    frame = collect(
        frame.lazy().with_columns(
            recommended_tier=tier_expr,
            _tier_why=pl.when(few).then(pl.col("_tier_why")).otherwise(casual),
        )
    )
    return frame.drop("_claim"), strategy.with_tactical(names)


class _Words:
    """The reasons for a recommended tier, in the words a VP of Partnerships uses."""

    def __init__(
        self,
        rubric: Rubric,
        present: frozenset[str],
        strategy: Strategy,
        on_strategic: pl.Expr,
        allowed: pl.Expr,
    ) -> None:
        self.rubric, self.present, self.strategy = rubric, present, strategy
        self.on_strategic, self.allowed = on_strategic, allowed.fill_null(False)
        rec = rubric.get("recommend")
        self.s_bar, self.t_bar = rec["strategic_min_score"], rec["tactical_min_score"]
        self.margin = rec["promote_margin"]

    def _initiative(self) -> pl.Expr:
        return pl.when(pl.col("initiative").is_not_null()).then(
            pl.lit(" on '") + pl.col("initiative") + pl.lit("'")
        )

    def kept(self, tier: str, bar: float) -> pl.Expr:
        score = number_text(pl.col("score"), 0)
        how = self.strategy.how if self.strategy.strategic_initiative else ""
        where = pl.concat_str(
            [self._initiative(), pl.lit(f" ({how})") if tier == "strategic" and how else None],
            ignore_nulls=True,
        )
        return (
            pl.when(pl.col("_claim") == 0)
            .then(pl.lit(f"Recommended {tier}: score ") + score + pl.lit(f" ≥ {bar:g}") + where)
            .when(pl.col("_claim") == 1)
            .then(
                pl.lit(f"Kept {tier} while its evidence is collected: with the blanks filled it ")
                + pl.lit(f"could clear the {tier} bar of {bar:g}")
            )
            .when(pl.col("_claim") == 2)
            .then(
                pl.lit(f"Recommended {tier}: score ")
                + score
                + pl.lit(f" clears the {tier} bar of {bar:g} by the promotion margin of ")
                + pl.lit(f"{self.margin:g}")
                + where
            )
            .otherwise(
                pl.lit(f"Kept {tier}: too early to judge, and a {tier} slot is free after the ")
                + pl.lit("partners with evidence")
            )
        )

    def tier_why(
        self,
        strategic: pl.DataFrame,
        tactical: pl.DataFrame,
        in_strategic: pl.Expr,
        in_tactical: pl.Expr,
    ) -> tuple[pl.Expr, pl.Expr]:
        """The reasons for a partner's recommended tier: (for partners not go to market,
        given a slot or labelled strategic; for the other, casual, partners)."""
        tiers = self.rubric.get("tiers")
        score = number_text(pl.col("score"), 0)
        designated = pl.col("tier")
        was_strategic = (designated == "strategic").fill_null(False)
        invested = designated.is_in(["strategic", "tactical"]).fill_null(False)
        types = list(tiers["strategic_types"])
        wrong_type = pl.lit(False)
        if "partner_type" in self.present:
            wrong_type = ~pl.col("partner_type").is_in(types).fill_null(False)
        initiative = self.strategy.strategic_initiative
        label = self.strategy.how
        off_strategy = pl.lit(False)
        if "initiative" in self.present and initiative:
            off_strategy = ~self.on_strategic
        # Why not strategic (for a partner labelled strategic that is not kept there).
        not_strategic = (
            pl.when(wrong_type)
            .then(
                pl.lit("a ")
                + pl.col("partner_type").fill_null("partner of unknown type")
                + pl.lit(f" is not a strategic type ({or_join(types)})")
            )
            .when(off_strategy)
            .then(
                pl.lit(f"the strategic initiative is '{initiative}' ({label}); it is")
                + pl.when(pl.col("initiative").is_null())
                .then(pl.lit(" on no initiative"))
                .otherwise(pl.lit(" on '") + pl.col("initiative") + pl.lit("'"))
            )
            .when(pl.col("_score_high") < self.s_bar)
            .then(
                pl.lit("score ") + score + pl.lit(f" is under the strategic bar of {self.s_bar:g}")
            )
            .otherwise(pl.lit(f"the strategic slots go to {_names(strategic) or 'no one'}"))
        )
        if "initiative" in self.present and self.strategy.tactical_declared:
            outside = pl.lit("its initiative is not one of the declared tactical initiatives")
        else:
            limit = tiers["tactical_initiatives_max"]
            outside = pl.lit(f"its initiative is not among the {limit} strongest")
        weakest = tactical.tail(2)
        cap = f"{tiers['tactical_partners_max']} partners"
        full = pl.lit(f"the tactical slots ({cap}) go to stronger partners, the last being ")
        full = full + pl.lit(_names(weakest) or "no one")
        under = pl.lit("score ") + score + pl.lit(f" is under the tactical bar of {self.t_bar:g}")
        # The tactical bar is on the score (every motivation, less penalties); a tier is
        # also for partners that serve one motivation significantly: a score between the
        # two bars clears one and not the other, and the reason says which.
        sig = self.rubric.get("thresholds.significant")
        unmotivated = (
            pl.when(pl.col("score") >= self.t_bar)
            .then(
                pl.lit("score ")
                + score
                + pl.lit(
                    f" clears the tactical bar of {self.t_bar:g}, but no motivation reaches "
                    f"the significance bar of {sig:g}: a tier is for a partner that serves one "
                    "significantly"
                )
            )
            .otherwise(pl.lit("it serves no motivation significantly"))
        )
        not_tactical = (
            pl.when(pl.col("_why_bother"))
            .then(unmotivated)
            .when(invested & pl.col("_in_grace") & (pl.col("score") < self.t_bar))
            .then(
                pl.lit("too early to judge, but the tactical slots are held by partners with ")
                + pl.lit("evidence, the last being ")
                + pl.lit(_names(weakest) or "no one")
            )
            .when(invested & (pl.col("_score_high") < self.t_bar))
            .then(under)
            .when(~invested & (pl.col("score") < self.t_bar))
            .then(under)
            .when(~invested & (pl.col("score") < self.t_bar + self.margin))
            .then(
                pl.lit("score ")
                + score
                + pl.lit(
                    f" clears the tactical bar of {self.t_bar:g} but not by the promotion "
                    f"margin of {self.margin:g}: promoted on merit, never to fill a slot"
                )
            )
            .when(~self.allowed)
            .then(outside)
            .otherwise(full)
        )
        kind = pl.col("relationship").str.replace("_", " ")
        listed = pl.lit("Listed, not judged: a ") + kind + pl.lit(" relationship, not go-to-market")
        why = (
            pl.when(~pl.col("_gtm"))
            .then(listed)
            .when(in_strategic)
            .then(self.kept("strategic", self.s_bar))
            .when(in_tactical)
            .then(
                pl.concat_str(
                    [
                        self.kept("tactical", self.t_bar),
                        pl.when(was_strategic).then(pl.lit(". Not strategic: ") + not_strategic),
                    ],
                    ignore_nulls=True,
                )
            )
            .when(was_strategic)
            .then(
                pl.lit("Recommended casual. Not strategic: ")
                + not_strategic
                + pl.lit("; not tactical: ")
                + not_tactical
            )
        )
        # Never null and already a sentence: `not_tactical` always has words.
        return why, pl.lit("Recommended casual: ") + not_tactical


def actions(
    frame: pl.DataFrame, rubric: Rubric, present: frozenset[str], headers: Mapping[str, str]
) -> pl.DataFrame:
    # Needs what `recommend` needs plus recommended_tier, flags, fte, budget, unknown,
    # relationship, _invests, _nothing, _known_share, _tier_placeholder, _best_value,
    # _remedy.
    """Add `action`, `todo`, `borderline` and `_action_why`: exit > withdraw > collect >
    promote/demote > fix > keep (the first that applies)."""
    rec, norms = rubric.get("recommend"), rubric.get("resources")
    fte, budget = pl.col("fte").fill_null(0.0), pl.col("budget").fill_null(0.0)
    designated = pl.col("tier").fill_null("casual")
    after = pl.col("recommended_tier")
    up = level(after) > level(pl.col("tier"))
    down = level(after) < level(pl.col("tier"))
    resourced = (fte > 0) | (budget > 0)
    gtm = pl.col("_gtm")
    # Mostly unknown: too few of the four motivations known, a motivation the tracker
    # has no column for counting as unknown as one whose cells are blank.
    mostly_unknown = pl.col("_known_share").fill_null(0.0) < rec["min_known_motivations"]
    # Evidence of nothing (revenue, deals and logos all known zeros) is no unknown: an
    # exit, or a withdrawal, may rest on it.
    nothing = pl.col("_nothing")
    exit_ = gtm & pl.col("_why_bother") & resourced & nothing
    withdraw = (
        gtm
        & pl.col("_why_bother")
        & ~exit_
        & (resourced | (level(pl.col("tier")) > 1))
        & (~mostly_unknown | nothing)
    )
    any_assessed = pl.col("_known_share").is_not_null()
    stake = pl.col("_invests") | up | down
    # Moved down only because the known score is under the bar its best case clears.
    bar = hold_bar(rubric)
    on_unknowns = down & ((pl.col("score") < bar) & (pl.col("_score_high") >= bar)).fill_null(False)
    thin = mostly_unknown & stake
    # A strategic partner with no initiative recorded cannot be on the strategic one:
    # that is a blank to fill, not a verdict.
    no_initiative = pl.lit(False)
    if "initiative" in present:
        no_initiative = down & (pl.col("tier") == "strategic") & pl.col("initiative").is_null()
    # A tier written "TBD" is a decision the team has not made: make it, do not keep it.
    undecided = pl.col("_tier_placeholder")
    to_collect = gtm & (
        (~pl.col("_in_grace") & (on_unknowns | thin))
        | (~any_assessed & (up | down))
        | no_initiative.fill_null(False)
        | undecided
    )
    flagged = pl.col("flags").list.len() > 0
    action = (
        pl.when(~gtm)
        .then(pl.lit("keep"))
        .when(exit_)
        .then(pl.lit("exit"))
        .when(withdraw)
        .then(pl.lit("withdraw"))
        .when(to_collect)
        .then(pl.lit("collect"))
        .when(up)
        .then(pl.lit("promote"))
        .when(down)
        .then(pl.lit("demote"))
        .when(flagged)
        .then(pl.lit("fix"))
        .otherwise(pl.lit("keep"))
    )
    # What it would be on what is known (said beside a collect on thin evidence).
    verdict = (
        pl.when(pl.col("_why_bother") & (resourced | (level(pl.col("tier")) > 1)))
        .then(pl.lit("withdrawn"))
        .when(up)
        .then(pl.lit("promoted to ") + after)
        .when(down)
        .then(pl.lit("demoted to ") + after)
        .otherwise(pl.lit("kept at ") + designated)
    )
    frame = collect(
        frame.lazy().with_columns(
            action=action,
            _no_initiative=no_initiative,
            _thin=thin,
            _verdict=verdict,
        )
    )
    move = designated + pl.lit(" → ") + after
    # List work is slow: the initiative is added to the few lists that lack it, and the
    # cells to fill are worded for the partners that collect only.
    blank = frame.filter(pl.col("_no_initiative").fill_null(False)).select(
        "row", unknown=pl.concat_list(pl.lit(["initiative"]), pl.col("unknown"))
    )
    if blank.height:
        frame = frame.with_columns(unknown=pl.coalesce(along(frame, blank), pl.col("unknown")))
    collecting = frame.filter(pl.col("action") == "collect")
    # What we put in, worded for the partners whose words name it only.
    costly = frame.filter(~gtm | pl.col("action").is_in(["exit", "withdraw"]))
    words = _CollectWords(rubric, present, headers)
    frame = frame.with_columns(
        _fill=along(frame, words.todo(collecting)),
        _cause=along(frame, words.cause(collecting)),
        _resources=along(frame, costly.select("row", _resources=investment_words(tier=False))),
    )
    fill = pl.col("_fill")
    resources = pl.col("_resources").fill_null("its dedicated resources")
    norm_fte = after.replace_strict(
        {t: fmt_number(norms[f"{t}_fte"]) for t in TIER_LEVEL}, default="0"
    )
    norm_budget = after.replace_strict(
        {t: fmt_money(norms[f"{t}_budget"]) for t in TIER_LEVEL}, default="$0"
    )
    a = pl.col("action")
    todo = (
        pl.when(~gtm & relied_on(rubric))
        .then(
            pl.lit("Consider acquiring or outsourcing: we rely on it (") + resources + pl.lit(")")
        )
        .when(~gtm)
        .then(
            pl.lit("Nothing to judge: listed as a ") + pl.col("relationship").str.replace("_", " ")
        )
        .when(a == "exit")
        .then(pl.lit("End the partnership and free ") + resources)
        .when(a == "withdraw")
        .then(
            pl.lit("Stop investing (")
            + resources
            + pl.lit("); hand it to the field as a casual partner")
        )
        .when(a == "collect")
        .then(fill)
        .when(a == "promote")
        .then(
            pl.lit("Promote to ")
            + after
            + pl.lit(": give it an owner and the tier's resources (")
            + norm_fte
            + pl.lit(" FTE, ")
            + norm_budget
            + pl.lit(")")
        )
        .when(a == "demote")
        .then(
            pl.when(after == "casual")
            .then(pl.lit("Move to casual: hand it to the field"))
            .otherwise(pl.lit("Move to ") + after + pl.lit(", with the tier's resources"))
        )
        .when(a == "fix")
        .then(pl.col("_remedy").fill_null(pl.lit("Clear the flags")))
        .when(pl.col("_in_grace") & (level(pl.col("tier")) > 1))
        .then(pl.lit("Judge it when it has a quarter of evidence"))
        .otherwise(pl.lit("Keep at ") + designated)
    )
    why = (
        pl.when(a == "exit")
        .then(pl.lit("Exit: it brings no revenue, deals or logos, and costs ") + resources)
        .when((a == "withdraw") & nothing)
        .then(
            pl.lit("Withdraw: it brings no revenue, deals or logos, yet holds the ")
            + designated
            + pl.lit(" tier")
        )
        .when(a == "withdraw")
        .then(pl.lit("Withdraw: it brings some business but not enough to justify ") + resources)
        .when(a == "collect")
        .then(
            pl.lit("Collect before judging: ")
            + pl.concat_str([pl.col("_cause"), fill], separator=". ", ignore_nulls=True)
        )
        .when(a == "promote")
        .then(pl.lit("Promote ") + move)
        .when(a == "demote")
        .then(pl.lit("Demote ") + move)
        .when(a == "fix")
        .then(
            pl.lit("Fix before trusting the ") + designated + pl.lit(" tier: ") + pl.col("_remedy")
        )
        .otherwise(pl.lit("Keep at ") + designated)
    )
    frame = collect(
        frame.lazy().with_columns(todo=todo, _action_why=why, borderline=_borderline(rubric))
    )
    return frame.drop("_fill", "_cause", "_no_initiative", "_resources", "_thin", "_verdict")


class _CollectWords:
    """What a partner that collects must have filled in, and why, in the tracker's own
    headers: the tier written as a placeholder, the blank cells that leave a motivation
    open, and the motivations no column records."""

    def __init__(self, rubric: Rubric, present: frozenset[str], headers: Mapping[str, str]) -> None:
        self.labels = {f: headers.get(f, f.replace("_", " ")) for f in present}
        which = assessed(rubric, present)
        self.missing = [m for m in MOTIVATIONS if not which[m]]
        self.tier_cell = self.labels.get("designated_tier", "the tier")

    def todo(self, partners: pl.DataFrame) -> pl.DataFrame:
        """(row, _fill): "Decide the tier (...); fill in Closed Revenue and Share Gain;
        record access evidence (...)" (worded once per distinct list of cells)."""
        # An amount left unknown for its currency is there to convert, not to fill in.
        unknown = pl.col("unknown").fill_null([])
        converts = unknown.list.set_intersection(pl.col(OTHER_CURRENCY).fill_null([]))
        keyed = partners.select(
            "row",
            _key=unknown.list.join(UNIT_SEPARATOR) + "|" + converts.list.join(UNIT_SEPARATOR),
        )
        cells = {key_: self._cells(key_) for key_ in keyed["_key"].unique().to_list()}
        fill = pl.col("_key").replace_strict(cells, return_dtype=pl.String)
        missing = None
        if self.missing:
            examples = or_join([_column_to_add(m) for m in self.missing])
            missing = (
                f"record {and_join(self.missing)} evidence: the tracker has no column for "
                f"{'it' if len(self.missing) == 1 else 'them'} (add e.g. {examples})"
            )
        decide = (
            pl.lit(f"decide the tier ({self.tier_cell} reads '") + _tier_written() + pl.lit("')")
        )
        parts = [
            pl.when(pl.col("_tier_placeholder")).then(decide),
            fill,
            pl.when(pl.col("_thin")).then(pl.lit(missing)) if missing else None,
        ]
        joined = pl.concat_str(
            [p for p in parts if p is not None], separator="; ", ignore_nulls=True
        )
        fallback = "Record evidence for it: revenue, new logos, sales cycle or integrations"
        return partners.with_columns(_key=keyed["_key"]).select(
            "row", _fill=pl.coalesce(sentence(joined), pl.lit(fallback))
        )

    def _cells(self, key_: str) -> str | None:
        """ "fill in A and B; convert C to its column's currency" for a `todo` key."""
        unknown, converts = (k.split(UNIT_SEPARATOR) if k else [] for k in key_.split("|"))
        fill = [self.labels.get(f, f) for f in unknown if f not in converts]
        convert = [self.labels.get(f, f) for f in converts]
        words = [f"fill in {and_join(fill)}" if fill else ""]
        if convert:
            whose = "its column's" if len(convert) == 1 else "their columns'"
            words.append(f"convert {and_join(convert)} to {whose} currency")
        return "; ".join(w for w in words if w) or None

    def cause(self, partners: pl.DataFrame) -> pl.DataFrame:
        """(row, _cause): why the partner is not judged yet (null: the cells say it)."""
        known = (pl.col("_known_share").fill_null(0.0) * len(MOTIVATIONS)).round(0).cast(pl.Int64)
        absent = f" ({and_join(self.missing)} not assessed)" if self.missing else ""
        thin = (
            pl.when(known == 0)
            .then(pl.lit(f"no motivation known{absent}"))
            .otherwise(
                known.cast(pl.String)
                + pl.lit(f" of {len(MOTIVATIONS)} motivations known{absent}; as known, ")
                + pl.lit("it would be ")
                + pl.col("_verdict")
            )
        )
        written = (
            pl.lit("the tier is written as '")
            + _tier_written()
            + pl.lit("': the team has not decided it")
        )
        cause = pl.concat_str(
            [
                pl.when(pl.col("_tier_placeholder")).then(written),
                pl.when(pl.col("_thin")).then(thin),
            ],
            separator="; ",
            ignore_nulls=True,
        )
        return partners.select("row", _cause=pl.when(cause != "").then(cause))


def _tier_written() -> pl.Expr:
    """The tier cell's text as written ("TBD"), for the words of a placeholder tier."""
    return pl.col(TIER_AS_WRITTEN).str.strip_chars()


def _column_to_add(motivation: str) -> str:
    """A column to add for a motivation the tracker does not record (for `todo`)."""
    first = EVIDENCE[motivation][0].replace("_", " ")
    return f"{first} with baseline cycle days" if motivation == "speed" else first


def _borderline(rubric: Rubric) -> pl.Expr:
    """Within the rubric's margin of a bar that decides this partner: the bar to keep its
    designated tier, the bar to be promoted one tier, or (for a withdrawal or an exit)
    the significance threshold."""
    rec = rubric.get("recommend")
    m = rec["borderline_margin"]
    s_bar, t_bar, pm = rec["strategic_min_score"], rec["tactical_min_score"], rec["promote_margin"]
    sig = rubric.get("thresholds.significant")
    score = pl.col("score")
    tier = pl.col("tier")

    def near(value: pl.Expr, bar: float) -> pl.Expr:
        return ((value - bar).abs() < m).fill_null(False)

    keep = (
        pl.when(tier == "strategic")
        .then(near(score, s_bar))
        .when(tier == "tactical")
        .then(near(score, t_bar) | near(score, s_bar + pm))
        .otherwise(near(score, t_bar + pm))
    ).fill_null(near(score, t_bar + pm))
    out = pl.col("action").is_in(["exit", "withdraw"]) & near(pl.col("_best_value"), sig)
    return (keep | out) & pl.col("_gtm")
