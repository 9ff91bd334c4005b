"""The four partnering mistakes and WHY_BOTHER (docs/PLAYBOOK.md section 3): each rule gives
(fires, reason): a Boolean expression and the reason in words. The engine computes the
Booleans first and words the reason only where its flag fired.

A flag is declared once, here: `@flag` registers its rule with its words (an `Entry`:
code, label, name, meaning, what to do; `tierwise.catalogue.FLAGS` shows them to every
view) and the columns it needs. The engine runs every registered rule, in registration
order; a flag whose needed columns the tracker does not have never fires and is reported
not assessed (`engine.flags_not_assessed`). Expects the columns engine.py adds before the
rules run (`_stage_basics`, then `score`): `tier`, `_unspecified`, `_in_grace`,
`_started`, `_invests`, `_gtm`, `_value` and `_value_high` (motivations combined, before
penalties, on what is known and at best), `_best`, `_best_value`, `_best_high`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import polars as pl

from tierwise.fields import ANNOUNCED_ON, MOTIVATIONS
from tierwise.scoring.rubric import Rubric
from tierwise.scoring.words import (
    contains_any,
    is_blank,
    money_text,
    number_text,
    quoted,
)
from tierwise.vocabulary import Entry

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

FALSE = pl.lit(False)
NO_WHY = pl.lit(None, pl.String)


class Rule(NamedTuple):
    """A flag rule: where it fires, the reason in words, and what to do about it.
    `shaky`: where it fires only because cells are blank (the best case, which decides
    whether a move rests on unknowns, does not pay its penalty). `steps`: (name, Boolean)
    columns the other expressions read, computed first so each condition (a regex, say)
    is evaluated once rather than in every expression that words it."""

    fires: pl.Expr
    why: pl.Expr
    todo: pl.Expr
    shaky: pl.Expr = FALSE
    steps: tuple[tuple[str, pl.Expr], ...] = ()


class _Steps:
    """Collects a rule's intermediate conditions as named columns (see Rule.steps)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.items: list[tuple[str, pl.Expr]] = []

    def __call__(self, name: str, condition: pl.Expr) -> pl.Expr:
        column = f"_{self.prefix}_{name}"
        self.items.append((column, condition.fill_null(False)))
        return pl.col(column)


NEVER = Rule(FALSE, NO_WHY, NO_WHY)


@dataclass(frozen=True)
class Context:
    """What a rule knows of the tracker besides its rows: the canonical fields it has,
    the motivations it can assess, and the day it is scored as of."""

    present: frozenset[str]
    motivations: frozenset[str]
    as_of: date

    @property
    def have(self) -> frozenset[str]:
        return self.present | self.motivations


RuleFunction = Callable[[Rubric, Context], Rule]


@dataclass(frozen=True)
class Flag:
    """A flag: its words, its rule and what the rule reads. `needs`: groups of fields (or
    motivations), each of which the tracker must have one of for the rule to run;
    `cells`: the fields whose cells a reviewer checks (the triage app shows them under
    the flag)."""

    words: Entry
    rule: RuleFunction
    needs: tuple[tuple[str, ...], ...]
    cells: tuple[str, ...]

    def assessed(self, have: frozenset[str]) -> bool:
        """Whether a tracker that has `have` (its fields and the motivations it can
        assess) has what the rule needs."""
        return all(any(name in have for name in group) for group in self.needs)


RULES: dict[str, Flag] = {}  # code -> the flag, filled by @flag in registration order


def flag(
    words: Entry, *, needs: tuple[tuple[str, ...], ...], cells: tuple[str, ...]
) -> Callable[[RuleFunction], RuleFunction]:
    """Declares flag `words.code`: the decorated function is its rule (see `Flag`)."""

    def register(rule: RuleFunction) -> RuleFunction:
        RULES[words.code] = Flag(words, rule, needs, cells)
        return rule

    return register


def for_tracker(rubric: Rubric, context: Context) -> dict[str, Rule]:
    """Every flag's rule on this tracker, in registration order; NEVER for a flag whose
    needed columns it lacks."""
    return {
        code: declared.rule(rubric, context) if declared.assessed(context.have) else NEVER
        for code, declared in RULES.items()
    }


def _days_since(column: str, as_of: date) -> pl.Expr:
    return (pl.lit(as_of) - pl.col(column)).dt.total_days()


def _joined(reasons: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    """(condition, words) pairs as "a, b and c" over the conditions that hold (null when
    none). The separators come from the Boolean conditions, so each text is built once."""
    if not reasons:
        return NO_WHY
    holds = [cond.fill_null(False) for cond, _ in reasons]
    parts = []
    for i, (_, words) in enumerate(reasons):
        before = pl.any_horizontal(holds[:i]) if i else pl.lit(False)
        after = pl.any_horizontal(holds[i + 1 :]) if i + 1 < len(reasons) else pl.lit(False)
        sep = pl.when(~before).then(pl.lit("")).when(~after).then(pl.lit(" and "))
        parts.append(pl.when(holds[i]).then(sep.otherwise(pl.lit(", ")) + words))
    return pl.when(pl.any_horizontal(holds)).then(pl.concat_str(parts, ignore_nulls=True))


@flag(
    Entry(
        "EXEC_LUNCH",
        label="EL",
        name="Exec lunch",
        meaning=(
            "Executives 'did lunch' and agreed a big joint revenue number; no pipeline followed."
        ),
        todo="Build pipeline against the number, or cut the number to the pipeline there is.",
    ),
    needs=(("revenue_target",), ("pipeline", "closed_revenue")),
    cells=("revenue_target", "pipeline", "closed_revenue", "target_market", "initiative", "origin"),
)
def exec_lunch(rubric: Rubric, context: Context) -> Rule:
    """A big joint target with almost nothing behind it."""
    present = context.present
    backing_cols = [c for c in ("pipeline", "closed_revenue") if c in present]
    rule = rubric.get("flags.exec_lunch")
    blank = rubric.get("text.blank_words")
    step = _Steps("exec_lunch")
    target = pl.col("revenue_target").fill_null(0.0)
    backing = pl.sum_horizontal([pl.col(c).fill_null(0.0) for c in backing_cols])
    fires = step("fires", (target >= rule["min_target"]) & (backing < rule["max_backing"] * target))
    behind = {
        ("pipeline",): pl.lit("Pipeline ") + money_text(pl.col("pipeline")),
        ("closed_revenue",): pl.lit("Closed ") + money_text(pl.col("closed_revenue")),
        ("pipeline", "closed_revenue"): pl.lit("Pipeline and closed ") + money_text(backing),
    }[tuple(backing_cols)]
    share = number_text(backing / target * 100, 0)
    head = behind + pl.lit(" against a ") + money_text(target) + pl.lit(" target (")
    head = head + share + pl.lit("%)")
    signs: list[tuple[pl.Expr, pl.Expr]] = []
    if "target_market" in present:
        signs.append((pl.col("_unspecified"), pl.lit("no target market")))
    if "initiative" in present:
        signs.append(
            (step("no_initiative", is_blank(pl.col("initiative"), blank)), pl.lit("no initiative"))
        )
    if "origin" in present:
        origin = pl.col("origin")
        signs.append(
            (
                step("executive", contains_any(origin, rubric.get("text.executive_origins"))),
                pl.lit("origin ") + quoted(origin, 40) + pl.lit(" reads like an executive meeting"),
            )
        )
    extra = _joined(signs)
    why = pl.concat_str([head, pl.lit("; ") + extra], ignore_nulls=True)
    todo = pl.lit("Reset the lunch number to what the pipeline supports")
    return Rule(fires, why, todo, steps=tuple(step.items))


@flag(
    Entry(
        "PRESS_RELEASE",
        label="PR",
        name="Press-release partnering",
        meaning=(
            "An announced 'strategic alliance' with no specific target market or no deals since."
        ),
        todo="Name the target market and the first deals, or stop calling it an alliance.",
    ),
    needs=(("announced", ANNOUNCED_ON),),
    cells=("announced", "target_market", "pipeline", "deals_won"),
)
def press_release(rubric: Rubric, context: Context) -> Rule:
    """Announced, with no specific target market or nothing to show since."""
    present = context.present
    announced = pl.col("announced").fill_null(False) | pl.col("announced_on").is_not_null()
    on = pl.col("announced_on")
    when_text = (
        pl.when(on.is_not_null())
        .then(pl.lit("Announced ") + on.dt.to_string("%Y-%m-%d"))
        .otherwise(pl.lit("Announced"))
    )
    no_market = announced & pl.col("_unspecified") if "target_market" in present else FALSE
    results = [c for c in ("pipeline", "deals_won", "closed_revenue") if c in present]
    if results:
        nothing = pl.all_horizontal([pl.col(c).fill_null(0.0) <= 0 for c in results])
        days = _days_since("announced_on", context.as_of)
        quiet = (
            announced
            & days.fill_null(-1).ge(rubric.get("flags.press_release.days_after_announcement"))
            & nothing
        )
        # "Nothing sold" read from blanks: the flag stands, but no move rests on it.
        shaky = quiet & ~no_market & pl.any_horizontal([pl.col(c).is_null() for c in results])
    else:
        quiet, days, shaky = FALSE, pl.lit(0), FALSE
    step = _Steps("press_release")
    no_market, quiet = step("no_market", no_market), step("quiet", quiet)
    fires = no_market | quiet
    reasons = [
        pl.when(no_market).then(pl.lit("no target market")),
        pl.when(quiet).then(
            pl.lit("no pipeline and no deals ") + number_text(days, 0) + pl.lit(" days later")
        ),
    ]
    why = pl.concat_str(reasons, separator="; ", ignore_nulls=True)
    todo = _joined(
        [
            (no_market, pl.lit("Name the target market")),
            (quiet, pl.lit("build pipeline behind the announcement")),
        ]
    )
    return Rule(fires, when_text + pl.lit("; ") + why, todo, shaky, tuple(step.items))


def specific(rubric: Rubric, text: pl.Expr) -> pl.Expr:
    """Text that names a market, a customer count or a target ("20 logos", "$2M", "15%").
    A year, a month or a stray number does not make vague text specific."""
    units = sorted({u.lower() for u in rubric.get("text.specific_units")}, key=len, reverse=True)
    unit = "|".join(re.escape(u) + (r"\b" if u[-1].isalnum() else "") for u in units)
    number = r"\d[\d,.]*\s*(?:[a-z\-]+\s+){0,2}?"
    counted = rf"(?i)(?:[$€£]\s*\d|{number}(?:{unit}))" if unit else r"[$€£]\s*\d"
    return text.str.contains(counted).fill_null(False) | contains_any(
        text, rubric.get("text.market_words")
    )


@flag(
    Entry(
        "VAGUE_AGENDA",
        label="VA",
        name="Vague agenda",
        meaning=(
            "Vague intent ('synergies', 'better serve the market'), or the partner's agenda left "
            "blank."
        ),
        todo="Write our objective as a number, a market and a date, and ask the partner theirs.",
    ),
    needs=(("objective", "market_need", "partner_agenda"),),
    cells=("objective", "market_need", "partner_agenda"),
)
def vague_agenda(rubric: Rubric, context: Context) -> Rule:
    """Vague intent with nothing specific; or an invested partner whose own agenda is
    blank or itself vague."""
    present = context.present
    texts = [c for c in ("objective", "market_need") if c in present]
    phrases = rubric.get("text.vague_phrases")
    step = _Steps("vague_agenda")
    vague, vague_why = FALSE, NO_WHY
    if texts:
        text = pl.concat_str([pl.col(c) for c in texts], separator=" | ", ignore_nulls=True)
        vague = step("vague", contains_any(text, phrases) & ~specific(rubric, text))
        label = "Objective" if texts == ["objective"] else "Agenda"
        vague_why = pl.when(vague).then(
            pl.lit(f"{label} ")
            + quoted(text)
            + pl.lit(" is vague: no named market, customer count or target")
        )
    blank_agenda, agenda_why = FALSE, NO_WHY
    if "partner_agenda" in present and "designated_tier" in present:
        agenda = pl.col("partner_agenda")
        invested = pl.col("tier").is_in(["strategic", "tactical"]).fill_null(False)
        left_blank = invested & is_blank(agenda, rubric.get("text.blank_words"))
        hollow = step(
            "hollow",
            invested & ~left_blank & contains_any(agenda, phrases) & ~specific(rubric, agenda),
        )
        blank = step("blank", left_blank)
        blank_agenda = blank | hollow
        agenda_why = (
            pl.when(blank)
            .then(
                pl.lit("Partner agenda left blank for a ")
                + pl.col("tier")
                + pl.lit(" partner: we do not know what they want")
            )
            .when(hollow)
            .then(
                pl.lit("Partner agenda ")
                + quoted(agenda, 40)
                + pl.lit(" is vague: we do not know what they want")
            )
        )
    fires = vague | blank_agenda
    why = pl.concat_str([vague_why, agenda_why], separator="; ", ignore_nulls=True)
    todo = _joined(
        [
            (
                vague,
                pl.lit("Rewrite the objective as a named market, a customer count or a target"),
            ),
            (blank_agenda, pl.lit("get the partner's agenda in writing")),
        ]
    )
    return Rule(fires, why, todo, steps=tuple(step.items))


@flag(
    Entry(
        "STRATEGIC_IN_NAME_ONLY",
        label="SN",
        name="Strategic in name only",
        meaning="Labelled strategic without the sponsor, the people or the joint activity.",
        todo="Staff it as strategic (sponsor, people, activity) or demote it.",
    ),
    needs=(("designated_tier",),),
    cells=("designated_tier", "exec_sponsor", "fte", "last_activity"),
)
def strategic_in_name_only(rubric: Rubric, context: Context) -> Rule:
    """Labelled strategic, but the attention or the value does not match."""
    present, as_of = context.present, context.as_of
    rule = rubric.get("flags.strategic_in_name_only")
    reasons: list[tuple[pl.Expr, pl.Expr]] = []
    remedies: list[str] = []  # what to do about each reason, in the same order
    if "exec_sponsor" in present:
        no_sponsor = is_blank(pl.col("exec_sponsor"), rubric.get("text.blank_words"))
        reasons.append((no_sponsor, pl.lit("no executive sponsor")))
        remedies.append("Name an executive sponsor")
    if "fte" in present:
        fte = pl.col("fte").fill_null(0.0)
        reasons.append((fte < rule["min_fte"], number_text(fte) + pl.lit(" FTE")))
        remedies.append(f"staff it with at least {rule['min_fte']:g} FTE")
    if "last_activity" in present:
        remedies.append("hold a joint business review")
        idle = _days_since("last_activity", as_of)
        reasons.append(
            (
                pl.col("last_activity").is_null() | (idle > rule["max_days_inactive"]),
                pl.when(pl.col("last_activity").is_null())
                .then(pl.lit("no joint activity recorded"))
                .otherwise(
                    pl.lit("no joint activity since ")
                    + pl.col("last_activity").dt.to_string("%Y-%m-%d")
                    + pl.lit(" (")
                    + idle.cast(pl.String)
                    + pl.lit(" days)")
                ),
            )
        )
    if context.motivations:
        # On what is known only: a partner whose evidence is still open is not called low.
        bar = rubric.get("thresholds.strategic_low_score")
        low = (pl.col("_value_high") < bar).fill_null(False) & ~pl.col("_in_grace")
        worth = number_text(pl.col("_value").fill_null(0.0), 0)
        reasons.append((low, pl.lit("motivations worth only ") + worth))
        remedies.append("decide whether it still earns the strategic label")
    if not reasons:
        return NEVER
    step = _Steps("strategic_in_name_only")
    signs = [step(str(i), cond) for i, (cond, _) in enumerate(reasons)]
    reasons = [(sign, words) for sign, (_, words) in zip(signs, reasons, strict=True)]
    fires = (pl.col("tier") == "strategic").fill_null(False) & pl.any_horizontal(signs)
    todo = _joined([(cond, pl.lit(remedy)) for cond, remedy in zip(signs, remedies, strict=True)])
    why = pl.lit("Strategic label but ") + _joined(reasons)
    return Rule(fires, why, todo, steps=tuple(step.items))


def _unmotivated(rubric: Rubric) -> pl.Expr:
    """A go-to-market partner we invest in whose motivations, even at best, reach none
    significantly. Never on unknowns: while a motivation's evidence is open, its best
    case could be significant, and the partner is not judged (see `collect`)."""
    weak = (pl.col("_best_high") < rubric.get("thresholds.significant")).fill_null(False)
    return weak & pl.col("_invests") & pl.col("_gtm")


@flag(
    Entry(
        "WHY_BOTHER",
        label="WB",
        name="Why bother?",
        meaning="We invest in it, yet it significantly advances none of the four motivations.",
        todo=(
            "Withdraw it to the field if it brings some business; exit if it brings none and still "
            "consumes people or budget."
        ),
    ),
    needs=(MOTIVATIONS,),
    cells=("designated_tier", "fte", "budget"),
)
def why_bother(rubric: Rubric, context: Context) -> Rule:
    """No significant motivation for a partner we invest in, once past the grace period."""
    bar = rubric.get("thresholds.significant")
    fires = _unmotivated(rubric) & ~pl.col("_in_grace")
    why = (
        pl.lit(f"No motivation reaches {bar:g} (best: ")
        + pl.col("_best")
        + pl.lit(" ")
        + number_text(pl.col("_best_value"), 0)
        + pl.lit("), yet we invest in it: ")
        + pl.col("_investment")
    )
    return Rule(fires, why, NO_WHY)


def too_early(rubric: Rubric) -> pl.Expr:
    """Where WHY_BOTHER would fire but for the new-partner grace period."""
    return _unmotivated(rubric) & pl.col("_in_grace")


def investment_words(*, tier: bool = True) -> pl.Expr:
    """What we put into a partner, in words: "strategic tier, 1.5 FTE and $200k budget"."""
    parts = [
        (pl.col("fte").fill_null(0.0) > 0, number_text(pl.col("fte")) + pl.lit(" FTE")),
        (pl.col("budget").fill_null(0.0) > 0, money_text(pl.col("budget")) + pl.lit(" budget")),
    ]
    if tier:
        invested = pl.col("tier").is_in(["strategic", "tactical"]).fill_null(False)
        parts.insert(0, (invested, pl.col("tier") + pl.lit(" tier")))
    return _joined(parts)


def best_motivation(assessed: dict[str, bool]) -> tuple[pl.Expr, pl.Expr]:
    """The strongest assessed motivation: (name, value)."""
    names = [m for m in MOTIVATIONS if assessed[m]]
    if not names:
        return pl.lit(None, pl.String), pl.lit(None, pl.Float64)
    value = pl.max_horizontal([pl.col(m) for m in names])
    name: Then | ChainedThen = pl.when(pl.col(names[0]) == value).then(pl.lit(names[0]))
    for m in names[1:]:
        name = name.when(pl.col(m) == value).then(pl.lit(m))
    return name.otherwise(pl.lit(names[0])), value
