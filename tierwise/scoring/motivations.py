"""The four motivations (docs/PLAYBOOK.md section 1), each 0-100 from evidence columns.

A piece of evidence scores linearly up to the rubric's `full_*` value. Within a
motivation the strongest piece counts in full and each further piece closes part of
the gap to 100 (by its weight against the motivation's largest weight), so more
evidence never lowers a motivation.

A blank cell is unknown, not 0. A motivation whose pieces are all unknown for a partner
is null for that partner; a missing column is left out; a motivation with none of its
columns is null for everyone ("not assessed"). `_open_<m>` says a motivation still has
unknown pieces: its best case (`_<m>_high`) is then 100, and no move may rest on it.
Some blanks are implied zeros: a partner with no deals and no closed revenue shortened
no sales cycle and gained no share; one with no new logos opened no new market.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tierwise.fields import FIELDS, MOTIVATIONS
from tierwise.scoring.rubric import Rubric
from tierwise.scoring.words import contains_any, money_text, number_text, text_list

# Decimals kept in intermediate values: far below what is shown, far above float noise.
STEADY = 6

# motivation -> the evidence columns any of which makes it assessable (for the notes)
EVIDENCE: dict[str, tuple[str, ...]] = {
    "share": ("closed_revenue", "share_gain", "deals_won"),
    "access": ("new_logos", "sourced_share", "new_markets"),
    "speed": ("cycle_days", "baseline_cycle_days"),
    "ecosystem": ("integrations", "certifications", "marketplace"),
}
EVIDENCE_COLUMNS: tuple[str, ...] = tuple(sorted({c for cs in EVIDENCE.values() for c in cs}))
# Every cell the motivations read: the evidence columns, and pipeline beside closed revenue.
JUDGMENT_INPUTS: tuple[str, ...] = (*EVIDENCE_COLUMNS, "pipeline")

TRUE = pl.lit(True)


@dataclass(frozen=True)
class _Piece:
    column: str  # the column that must exist for this piece to count
    score: pl.Expr  # 0-100 where known
    weight: float
    words: pl.Expr  # how the evidence reads in `why` (null: nothing to say)
    known: pl.Expr  # the evidence is known for this partner (a value, or an implied zero)
    applies: pl.Expr = TRUE  # the piece means something for this partner at all


def _scaled(value: pl.Expr, full: float) -> pl.Expr:
    if full <= 0:
        return pl.lit(100.0)
    return ((value.fill_null(0.0) / full).clip(0.0, 1.0) * 100.0).round(STEADY)


def _count(column: str, noun: str) -> pl.Expr:
    """ "1 new logo", "3 new logos": `noun` is the plural (its last plural word loses the s)."""
    value = pl.col(column).fill_null(0.0)
    words = noun.split()
    plural = max((i for i, w in enumerate(words) if w.endswith("s")), default=None)
    if plural is not None:
        words[plural] = words[plural][:-1]
    one = " ".join(words)
    return number_text(value) + pl.when(value == 1).then(pl.lit(f" {one}")).otherwise(
        pl.lit(f" {noun}")
    )


def _known(column: str) -> pl.Expr:
    return pl.col(column).is_not_null()


def _known_zero(present: frozenset[str], columns: tuple[str, ...]) -> pl.Expr:
    """Every one of `columns` the tracker holds is a known 0 (a blank is unknown, never 0;
    False when it holds none of them)."""
    cols = [c for c in columns if c in present]
    if not cols:
        return pl.lit(False)
    return pl.all_horizontal([(pl.col(c) <= 0).fill_null(False) for c in cols])


def no_wins(present: frozenset[str]) -> pl.Expr:
    """Known to have closed nothing: every deal and revenue column held is a known 0."""
    return _known_zero(present, ("deals_won", "closed_revenue"))


def brings_nothing(present: frozenset[str]) -> pl.Expr:
    """Evidence of nothing (what `exit` rests on): every revenue, deal and logo column the
    tracker holds is a known 0 for the partner."""
    return _known_zero(present, ("closed_revenue", "deals_won", "new_logos"))


def _share_pieces(rubric: Rubric, present: frozenset[str]) -> list[_Piece]:
    m = rubric.get("motivations.share")
    target, closed = pl.col("revenue_target"), pl.col("closed_revenue")
    has_target = (target > 0).fill_null(False) if "revenue_target" in present else pl.lit(False)
    of_target = pl.when(has_target).then(
        pl.lit(" of a ")
        + money_text(target)
        + pl.lit(" target (")
        + number_text(closed.fill_null(0.0) / target * 100, 0)
        + pl.lit("%)")
    )
    # The size of the business is closed revenue and pipeline, a pipeline dollar counting
    # as `pipeline_credit` of a closed one (a promise is not yet business brought).
    pipeline = pl.col("pipeline")
    expected = pl.lit(0.0)
    pipeline_words = pl.lit(None, pl.String)
    if "pipeline" in present:
        expected = pipeline.fill_null(0.0).clip(lower_bound=0.0) * m["pipeline_credit"]
        pipeline_words = pl.when(pipeline > 0).then(money_text(pipeline) + pl.lit(" pipeline"))
    size_words = pl.concat_str(
        [money_text(closed) + pl.lit(" closed"), of_target, pl.lit(", ") + pipeline_words],
        ignore_nulls=True,
    )
    pipeline_only = ~_known("closed_revenue") & _known("pipeline")
    gain = pl.col("share_gain")
    implied = no_wins(present)
    return [
        _Piece(
            "closed_revenue",
            _scaled(closed.fill_null(0.0) + expected, m["full_closed_revenue"]),
            m["weight_closed_revenue"],
            pl.when(_known("closed_revenue")).then(size_words),
            _known("closed_revenue"),
        ),
        # Closed revenue blank: the pipeline still tells the size of the business at
        # least, and the closed revenue stays a cell to fill (the piece above is open).
        _Piece(
            "pipeline",
            _scaled(expected, m["full_closed_revenue"]),
            m["weight_closed_revenue"] if m["pipeline_credit"] > 0 else 0.0,
            pl.when(pipeline_only).then(
                money_text(pipeline) + pl.lit(" pipeline, closed revenue unknown")
            ),
            _known("pipeline"),
            pipeline_only,
        ),
        # Attainment counts only against a real target: no target is no loophole.
        _Piece(
            "closed_revenue",
            _scaled(closed / target, m["full_attainment"]),
            m["weight_attainment"],
            pl.lit(None, pl.String),
            _known("closed_revenue"),
            has_target,
        ),
        _Piece(
            "share_gain",
            _scaled(gain, m["full_share_gain"]),
            m["weight_share_gain"],
            pl.when(_known("share_gain")).then(
                pl.when(gain >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
                + number_text(gain)
                + pl.lit(" pts share gain")
            ),
            _known("share_gain") | implied,
        ),
        _Piece(
            "deals_won",
            _scaled(pl.col("deals_won"), m["full_deals_won"]),
            m["weight_deals_won"],
            pl.when(_known("deals_won")).then(_count("deals_won", "deals won")),
            _known("deals_won"),
        ),
    ]


def _access_pieces(rubric: Rubric) -> list[_Piece]:
    m = rubric.get("motivations.access")
    no_logos = (pl.col("new_logos") <= 0).fill_null(False)
    return [
        _Piece(
            "new_logos",
            _scaled(pl.col("new_logos"), m["full_new_logos"]),
            m["weight_new_logos"],
            pl.when(_known("new_logos")).then(_count("new_logos", "new logos")),
            _known("new_logos"),
        ),
        _Piece(
            "sourced_share",
            _scaled(pl.col("sourced_share"), m["full_sourced_share"]),
            m["weight_sourced_share"],
            pl.when(_known("sourced_share")).then(
                number_text(pl.col("sourced_share")) + pl.lit("% partner-sourced")
            ),
            _known("sourced_share"),
        ),
        _Piece(
            "new_markets",
            _scaled(pl.col("new_markets"), m["full_new_markets"]),
            m["weight_new_markets"],
            pl.when(_known("new_markets")).then(_count("new_markets", "new markets opened")),
            _known("new_markets") | no_logos,
        ),
    ]


def _speed_pieces(rubric: Rubric, present: frozenset[str]) -> list[_Piece]:
    m = rubric.get("motivations.speed")
    default = float(m["default_baseline_days"])
    if "cycle_days" not in present or ("baseline_cycle_days" not in present and default <= 0):
        return []
    baseline = pl.col("baseline_cycle_days")
    if default > 0:
        baseline = baseline.fill_null(default)
    cycle = pl.col("cycle_days")
    measured = cycle.is_not_null() & (cycle >= 0) & (baseline > 0).fill_null(False)
    reduction = pl.when(measured).then((baseline - cycle) / baseline).otherwise(0.0)
    implied = no_wins(present)
    words = (
        pl.when(measured)
        .then(
            pl.lit("cycle ")
            + number_text(cycle, 0)
            + pl.lit(" days vs ")
            + number_text(baseline, 0)
            + pl.lit(" direct (")
            + number_text((reduction * 100).abs(), 0)
            + pl.when(reduction >= 0).then(pl.lit("% shorter)")).otherwise(pl.lit("% longer)"))
        )
        .when(implied)
        .then(pl.lit("no deals, so no cycle to compare"))
    )
    return [
        _Piece(
            "cycle_days",
            _scaled(reduction, m["full_cycle_reduction"]),
            m["weight_cycle_reduction"],
            words,
            measured | implied,
        ),
        # co-sell wins support a measured cycle, never replace it
        _Piece(
            "deals_won",
            _scaled(pl.col("deals_won"), m["full_deals_won"]),
            m["weight_deals_won"],
            pl.when(_known("deals_won")).then(_count("deals_won", "co-sell wins")),
            _known("deals_won") & measured,
        ),
    ]


def _ecosystem_pieces(rubric: Rubric) -> list[_Piece]:
    m = rubric.get("motivations.ecosystem")
    listed = pl.col("marketplace")
    return [
        _Piece(
            "integrations",
            _scaled(pl.col("integrations"), m["full_integrations"]),
            m["weight_integrations"],
            pl.when(_known("integrations")).then(_count("integrations", "integrations")),
            _known("integrations"),
        ),
        _Piece(
            "certifications",
            _scaled(pl.col("certifications"), m["full_certifications"]),
            m["weight_certifications"],
            pl.when(_known("certifications")).then(_count("certifications", "certified")),
            _known("certifications"),
        ),
        _Piece(
            "marketplace",
            listed.fill_null(False).cast(pl.Float64) * 100.0,
            m["weight_marketplace"],
            pl.when(listed)
            .then(pl.lit("on the marketplace"))
            .when(~listed)
            .then(pl.lit("not listed")),
            _known("marketplace"),
        ),
    ]


def _pieces(rubric: Rubric, present: frozenset[str]) -> dict[str, list[_Piece]]:
    found = {
        "share": _share_pieces(rubric, present),
        "access": _access_pieces(rubric),
        "speed": _speed_pieces(rubric, present),
        "ecosystem": _ecosystem_pieces(rubric),
    }
    # Pipeline counts beside closed revenue only: a tracker of promises alone does not
    # assess share.
    needs = {"pipeline": ("pipeline", "closed_revenue")}
    out = {}
    for k, ps in found.items():
        out[k] = [
            p
            for p in ps
            if p.weight > 0 and all(c in present for c in needs.get(p.column, (p.column,)))
        ]
    return out


def assessed(rubric: Rubric, present: frozenset[str]) -> dict[str, bool]:
    """Which motivations this tracker holds evidence columns for."""
    return {k: bool(ps) for k, ps in _pieces(rubric, present).items()}


def motivation_columns(
    rubric: Rubric, present: frozenset[str], unspecified: pl.Expr
) -> list[pl.Expr]:
    """Per motivation m: `m` (Float64, null = not assessed or nothing known for this
    partner), `_m_words` (the evidence as words), `_open_m` (some of its evidence is
    unknown) and `_m_high` (its best case: 100 where open). `unspecified` is True where
    the target market is not specified (share is capped there)."""
    cap = float(rubric.get("motivations.share.unspecified_market_cap"))
    out: list[pl.Expr] = []
    for name, pieces in _pieces(rubric, present).items():
        if not pieces:
            out.append(pl.lit(None, pl.Float64).alias(name))
            out.append(pl.lit(None, pl.String).alias(f"_{name}_words"))
            out.append(pl.lit(False).alias(f"_open_{name}"))
            out.append(pl.lit(None, pl.Float64).alias(f"_{name}_high"))
            continue
        most = max(p.weight for p in pieces)
        gap = pl.lit(1.0)
        for p in pieces:
            factor = 1.0 - p.score / 100.0
            if p.weight != most:
                factor = factor ** (p.weight / most)
            gap = gap * pl.when(p.applies & p.known).then(factor).otherwise(1.0)
        any_known = pl.any_horizontal([p.applies & p.known for p in pieces])
        open_ = pl.any_horizontal([p.applies & ~p.known for p in pieces])
        value = (1.0 - gap) * 100.0
        high = pl.when(open_).then(pl.lit(100.0)).otherwise(value)
        if name == "share":
            value = pl.when(unspecified).then(value.clip(upper_bound=cap)).otherwise(value)
            high = pl.when(unspecified).then(high.clip(upper_bound=cap)).otherwise(high)
        # Rounding away float noise first: vectorised and scalar kernels can differ in the
        # last bit, and 21.25 must not become 21.2 or 21.3 depending on the row's position.
        out.append(pl.when(any_known).then(value.round(STEADY).round(1)).alias(name))
        words = pl.concat_str([p.words for p in pieces], separator=", ", ignore_nulls=True)
        out.append(pl.when(words != "").then(words).alias(f"_{name}_words"))
        out.append(open_.alias(f"_open_{name}"))
        out.append(high.round(STEADY).round(1).alias(f"_{name}_high"))
    return out


def unknown_cells(rubric: Rubric, present: frozenset[str]) -> pl.Expr:
    """`unknown`: the evidence fields (in canonical order) whose blank cells leave a
    motivation open for this partner: what `collect` asks to fill."""
    columns: dict[str, list[pl.Expr]] = {}
    for pieces in _pieces(rubric, present).values():
        for p in pieces:
            columns.setdefault(p.column, []).append(p.applies & ~p.known)
    if "cycle_days" in columns and "baseline_cycle_days" in present:
        columns["baseline_cycle_days"] = [
            pl.col("baseline_cycle_days").is_null() & pl.any_horizontal(columns["cycle_days"])
        ]
        columns["cycle_days"] = [
            pl.col("cycle_days").is_null() & pl.any_horizontal(columns["cycle_days"])
        ]
    order = [c for c in FIELDS if c in columns]
    return text_list([pl.when(pl.any_horizontal(columns[c])).then(pl.lit(c)) for c in order])


def evidence_share(present: frozenset[str]) -> pl.Expr:
    """`evidence`: the share (0-1) of the judgment's inputs actually seen for the partner:
    of every evidence cell the four motivations read (and pipeline), those that hold a
    value. A column the tracker lacks is an input not seen, as a blank cell is: a tracker
    that records closed revenue alone is not judged on full evidence."""
    cols = [c for c in JUDGMENT_INPUTS if c in present]
    if not cols:
        return pl.lit(0.0, pl.Float64)
    filled = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int64) for c in cols])
    return (filled / len(JUDGMENT_INPUTS)).round(2)


def evidence_count(present: frozenset[str]) -> pl.Expr:
    """How many evidence cells hold something other than 0 / No (a tie-break)."""
    cols = [c for c in EVIDENCE_COLUMNS if c in present]
    if not cols:
        return pl.lit(0, pl.Int64)
    filled = []
    for c in cols:
        v = pl.col(c)
        filled.append(v.fill_null(False) if c == "marketplace" else v.fill_null(0) != 0)
    return pl.sum_horizontal([f.cast(pl.Int64) for f in filled])


def stated_columns(rubric: Rubric, present: frozenset[str]) -> pl.Expr:
    """`stated`: motivations the objective mentions but the evidence does not reach
    the significance threshold for (stated, not evidenced)."""
    if "objective" not in present:
        return pl.lit([], pl.List(pl.String)).alias("stated")
    bar = float(rubric.get("thresholds.significant"))
    objective = pl.col("objective")
    items = [
        pl.when(
            contains_any(objective, rubric.get(f"stated.{m}")) & (pl.col(m).fill_null(-1.0) < bar)
        ).then(pl.lit(m))
        for m in MOTIVATIONS
    ]
    return text_list(items).alias("stated")
