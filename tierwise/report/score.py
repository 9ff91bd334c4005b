"""`tierwise score`: the ranked partners and the portfolio checks, for a person at a
terminal (coloured with click.style; the CLI strips colour when not a tty)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from tierwise import catalogue
from tierwise.fields import MOTIVATIONS
from tierwise.scoring.result import Check, amount_words

if TYPE_CHECKING:
    from tierwise.pipeline import Evaluation

WIDTH = 100
NAME_WIDTH = 28
TIER_WIDTH = 20
SHOW_WARNINGS = 5
TOP = 50  # partners listed by default: a report to read, the workbook holds them all
# Every action of the catalogue has its colour (None: the terminal's own).
ACTION_COLOURS = {
    "exit": "red",
    "withdraw": "red",
    "demote": "yellow",
    "collect": "cyan",
    "promote": "green",
    "fix": "magenta",
    "keep": None,
}


_MOTIVATION_HEADS = " ".join(catalogue.MOTIVATIONS[m].label for m in MOTIVATIONS)


def _heading(text: str) -> str:
    return click.style(text, bold=True)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad + "  ") or [pad]


def _motivation(value: float | None) -> str:
    return "  –" if value is None else f"{value:3.0f}"


def _tiers(designated: str | None, recommended: str) -> str:
    before = designated or "none"
    if before == recommended:
        return before
    return f"{before} → {recommended}"


def _partner_lines(p: dict, rank: int) -> list[str]:
    action = p["action"]
    flags = " ".join(catalogue.FLAGS[f].label for f in p["flags"] or [])
    name = _cut(p["partner"] or f"(row {p['row']})", NAME_WIDTH)
    tiers = _tiers(p["designated_tier"], p["recommended_tier"])
    cells = (
        f"{rank:>3}  {name:<{NAME_WIDTH}} {tiers:<{TIER_WIDTH}}"
        f" {click.style(f'{action:<7}', fg=ACTION_COLOURS[action])}"
        f" {p['score']:5.0f}{'~' if p['borderline'] else ' '}"
        + " ".join(_motivation(p[m]) for m in MOTIVATIONS)
        + ("  " + click.style(flags, fg="yellow") if flags else "")
    )
    lines = [cells]
    flagged = tuple(f"{code}: " for code in p["flags"] or [])
    for reason in p["why"] or []:
        if reason.startswith(flagged) or (flagged and reason.startswith(("Exit", "Demote"))):
            lines.extend(_wrap(catalogue.in_words(reason), 8))
    if action != "keep" and p["todo"]:
        lines.extend(_wrap("→ " + p["todo"], 8))
    return lines


def check_mark(check: Check) -> str:
    """✓ passes, ✗ fails, – not assessed (the tracker lacks its columns): never a tick."""
    if not check.assessed:
        return click.style("–", dim=True)
    return click.style("✓", fg="green") if check.ok else click.style("✗", fg="red")


def _check_lines(designated: Check, recommended: Check) -> list[str]:
    lines = [f"  {catalogue.CHECKS[designated.code].name} ({designated.code})"]
    for label, check in (("designated ", designated), ("recommended", recommended)):
        mark = check_mark(check)
        for i, line in enumerate(textwrap.wrap(check.detail, WIDTH - 20) or [""]):
            lead = f"    {label} {mark} " if i == 0 else " " * 20
            lines.append(lead + line)
    return lines


def _reallocation(ev: Evaluation) -> list[str]:
    r = ev.scored.portfolio.reallocate
    if not any((*r.freed.values(), *r.needed.values())):
        return ["  Nothing to reallocate: no partner is moved, and none needs more."]
    parts = [f"{tier}: {amount_words(v)} freed" for tier, v in r.by_tier.items()]
    return [
        *_wrap(r.words() + " (by the tier norms of the rubric)", 2),
        *_wrap("; ".join(parts), 4),
    ]


def legend() -> str:
    """What the report's columns and abbreviations mean."""
    return (
        "Tier: designated → recommended. Score~ = borderline (within a few points of a bar). "
        "Motivations 0-100 (– = not assessed or not known): "
        + ", ".join(
            f"{catalogue.MOTIVATIONS[m].label} {catalogue.MOTIVATIONS[m].name.lower()}"
            for m in MOTIVATIONS
        )
        + ". → what to do. Flags: "
        + ", ".join(f"{e.label} {e.name}" for e in catalogue.FLAGS.values())
        + "."
    )


def not_assessed(ev: Evaluation) -> list[str]:
    """The flags and checks the tracker cannot support, in plain words with their code."""
    portfolio = ev.scored.portfolio
    flags = [catalogue.FLAGS[code] for code in portfolio.flags_not_assessed]
    checks = [catalogue.CHECKS[c.code] for c in portfolio.designated if not c.assessed]
    return [f"{e.name} ({e.code})" for e in (*flags, *checks)]


def score_report(ev: Evaluation, top: int = TOP) -> str:
    """The `top` ranked partners (0: all; tier, action, score, motivations, flags with
    reasons), then the checks designated vs recommended, resources to reallocate and
    portfolio notes."""
    src = ev.tracker.source
    partners = ev.scored.partners
    lines = [
        _heading(f"Tierwise · {src.file}")
        + f" · sheet {src.sheet} · as of {ev.as_of.isoformat()} · {partners.height} partners",
        *[click.style(line, fg="yellow") for line in _wrap(src.doubt, 0) if src.doubt],
        *_wrap(ev.scored.portfolio.strategy.words(), 0),
        "",
        _heading(
            f"{'#':>3}  {'Partner':<{NAME_WIDTH}} {'Tier':<{TIER_WIDTH}}"
            f" {'Action':<7} {'Score':>5} {_MOTIVATION_HEADS}  Flags"
        ),
    ]
    shown = partners.head(top) if top else partners
    for rank, p in enumerate(shown.iter_rows(named=True), start=1):
        lines.extend(_partner_lines(p, rank))
    if shown.height < partners.height:
        more = partners.height - shown.height
        lines.append(f"  … and {more:,} more partners: --top 0 lists them all")
    lines += [
        "",
    ]
    lines += [*_wrap(legend(), 2)]
    portfolio = ev.scored.portfolio
    lines += [
        "",
        _heading("Portfolio checks (designated vs recommended)"),
        "  ✓ passes · ✗ fails · – not assessed (the tracker lacks the columns)",
    ]
    for designated, recommended in zip(portfolio.designated, portfolio.recommended, strict=True):
        lines.extend(_check_lines(designated, recommended))
    lines += ["", _heading("Resources to reallocate"), *_reallocation(ev)]
    unjudged = not_assessed(ev)
    if portfolio.notes or unjudged:
        lines += ["", _heading("What the tracker does not record")]
        if unjudged:
            lines.extend(_wrap("- Not assessed: " + ", ".join(unjudged) + ".", 2))
        for note in portfolio.notes:
            if note != src.doubt:  # said at the top
                lines.extend(_wrap("- " + note, 2))
    warnings = ev.warnings
    if warnings:
        lines += ["", _heading(f"Warnings ({len(warnings)})")]
        for w in warnings[:SHOW_WARNINGS]:
            lines.extend(_wrap(f"{w.where}: {w.message}", 2))
        if len(warnings) > SHOW_WARNINGS:
            lines.append(f"  … and {len(warnings) - SHOW_WARNINGS} more: see `tierwise inspect`")
    return "\n".join(lines)
