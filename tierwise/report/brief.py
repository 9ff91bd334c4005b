"""`tierwise brief FILE [--since OLD]`: one printed page for the CEO, in Markdown (to paste
into an email or a doc) or HTML (to print).

The numbers are the portfolio sheet's (the same tables, on the decided tiers where the
workbook records decisions); the page holds six blocks: the portfolio against the
1 / 3-5 / many model, the strategic initiative's health, the top moves and what they
free, the biggest risks, what Tierwise could not see (motivations and rules not
assessed, reading warnings), and what changed since the last review.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from tierwise import catalogue
from tierwise.fields import MOTIVATIONS
from tierwise.report.diff import VERDICT, Review, decision_counts, flag_names
from tierwise.report.portfolio_sheet import (
    action_list,
    flag_counts,
    tier_counts,
)
from tierwise.report.score import not_assessed
from tierwise.scoring import portfolio_after
from tierwise.scoring.motivations import assessed
from tierwise.scoring.portfolio import after_tiers, check_limits
from tierwise.scoring.words import and_join, fmt_number

if TYPE_CHECKING:
    from tierwise.pipeline import Evaluation

MOVES: Final = 5  # top moves on the page
RISKS: Final = 4
CHANGES: Final = 5
NAME: Final = 34  # characters of a partner name on the page
WARNINGS: Final = 3  # reading warnings quoted on the page
UNSEEN: Final = "What Tierwise could not see"


@dataclass
class Brief:
    """What the page says, independent of Markdown or HTML."""

    title: str
    subtitle: str
    # (tier as shown, designated, after, the model's number)
    tiers: list[tuple[str, int, int, str]]
    after_name: str
    strategic: list[str]
    moves: list[tuple[str, str, str, str, str]]  # partner, from → to, action, frees, why
    more_moves: int
    freed: str
    risks: list[str]
    # What Tierwise could not see: motivations and rules not assessed, reading warnings.
    unseen: list[str] = field(default_factory=list)
    # Said where no partner moves (so the page agrees with the tier table).
    no_moves: str = "Nothing to change: every partner keeps its tier."
    changes: list[str] = field(default_factory=list)
    since: str = ""
    # Said first, under the title, when the sheet does not look like a partner tracker.
    doubt: str = ""


def plain_reason(reason: str) -> str:
    """A why-line led by a flag code ("WHY_BOTHER: ...") led by its plain name instead."""
    code, sep, rest = reason.partition(": ")
    return f"{catalogue.FLAGS[code].name}: {rest}" if sep and code in catalogue.FLAGS else reason


def _partners(n: int) -> str:
    return "1 partner" if n == 1 else f"{n} partners"


def _cut(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_brief(ev: Evaluation, review: Review | None = None) -> Brief:
    """The page's content for `ev` (and what changed, when `review` is given)."""
    decisions = ev.tracker.decisions
    decided = decisions.filter(pl.col("decision").is_not_null()).height > 0
    scored = ev.scored
    portfolio = portfolio_after(scored, decisions, ev.rubric) if decided else scored.portfolio
    partners = after_tiers(ev.scored.partners, decisions if decided else None)
    limits = check_limits(ev.rubric)
    model = {
        "strategic": limits["STRATEGIC_PARTNERS"],
        "tactical": limits["TACTICAL_PARTNERS"],
        "casual": "many",
        "exit": "0",
        "none": "0",
    }
    tiers = [
        ("No tier recorded" if t == "none" else t.capitalize(), d, a, model.get(t, ""))
        for t, d, a in tier_counts(partners).iter_rows()
    ]

    strategic = partners.filter(pl.col("designated_tier") == "strategic").sort(
        "score", descending=True
    )
    checks = {c.code: c for c in portfolio.designated}
    # What the recommendation follows comes first: declared, or proposed to be declared.
    health = [portfolio.strategy.words()]
    # Not assessed, the check says what the strategy's line already says.
    if "STRATEGIC_INITIATIVES" in checks and checks["STRATEGIC_INITIATIVES"].assessed:
        health.append(checks["STRATEGIC_INITIATIVES"].detail)
    if strategic.height:
        named = ", ".join(
            f"{_cut(p['partner'], NAME)} {p['score']:.0f}"
            + (f" ({flag_names(p['flags'])})" if p["flags"] else "")
            for p in strategic.head(4).iter_rows(named=True)
        )
        more = f" and {strategic.height - 4} more" if strategic.height > 4 else ""
        health.append(f"Strategic partners (score, flags): {named}{more}.")
    else:
        health.append("No partner is labelled strategic.")

    actions = action_list(partners, decisions if decided else None)
    moves = [
        (
            _cut(a["partner"], NAME),
            f"{a['from'] or 'none'} → {a['to']}",
            catalogue.ACTIONS[a["action"]].name,
            a["resources"] or "-",
            _cut(plain_reason(a["reason"] or ""), 70),
        )
        for a in actions.head(MOVES).iter_rows(named=True)
    ]
    freed = portfolio.reallocate.words()

    failing = [
        f"{catalogue.CHECKS[c.code].name}: {c.detail}" for c in portfolio.designated if not c.ok
    ]
    counts = flag_counts(partners)
    flagged = [
        f"{_partners(counts[code])} flagged {catalogue.FLAGS[code].name}: "
        f"{catalogue.FLAGS[code].meaning}"
        for code in sorted(catalogue.FLAGS, key=lambda c: -counts[c])
        if counts[code]
    ]
    # The worst tier-discipline failures and the commonest mistakes, half and half.
    half = RISKS // 2
    risks = failing[: max(half, RISKS - len(flagged))] + flagged[: max(half, RISKS - len(failing))]
    source = ev.tracker.source
    brief = Brief(
        title=f"Partner portfolio brief: {Path(source.file).name}",
        subtitle=f"As of {ev.as_of.isoformat()} · {_partners(partners.height)}"
        + (" · on the decided tiers" if decided else ""),
        tiers=tiers,
        after_name="Decided" if decided else "Recommended",
        strategic=health,
        moves=moves,
        more_moves=max(actions.height - MOVES, 0),
        freed=freed,
        risks=[_cut(r, 150) for r in risks[:RISKS]],
        unseen=_unseen(ev),
        no_moves=_no_moves(partners),
        doubt=source.doubt or "",
    )
    if review is not None:
        brief.since = f"{review.old_label} (as of {review.old_as_of.isoformat()})"
        brief.changes = _changes(review)
    return brief


def _no_moves(partners: pl.DataFrame) -> str:
    """What the page says when no partner moves, agreeing with the tier table: partners
    with no tier recorded are recommended casual without a move."""
    untiered = partners.filter(pl.col("designated_tier").is_null()).height
    if not untiered:
        return "Nothing to change: every partner keeps its tier."
    if untiered == partners.height:
        return (
            f"No move: no partner has a tier recorded, so all {_partners(untiered)} count "
            "as casual (the field's); record a tier for any that should be more."
        )
    return (
        f"No move: {_partners(untiered)} with no tier recorded count as casual (the "
        "field's); every other partner keeps its tier."
    )


def _unseen(ev: Evaluation) -> list[str]:
    """What Tierwise could not see on this tracker, for a reader of this page alone: the
    motivations no column records, the rules not assessed, and the reading warnings."""
    which = assessed(ev.rubric, frozenset(ev.tracker.frame.columns))
    missing = [m for m in MOTIVATIONS if not which[m]]
    out = []
    if missing:
        out.append(
            f"Motivations not assessed (no column records them): {and_join(missing)}. "
            "A partner whose motivations are mostly unknown is not moved: it collects evidence."
        )
    rules = not_assessed(ev)
    if rules:
        out.append(f"Not assessed (the tracker lacks the columns): {', '.join(rules)}.")
    # A sheet that does not look like a tracker is said under the title, not again here.
    warnings = [w for w in ev.warnings if w.message != ev.tracker.source.doubt]
    for w in warnings[:WARNINGS]:
        out.append(_cut(f"Reading warning, {w.where}: {w.message}", 150))
    if len(warnings) > WARNINGS:
        out.append(
            f"…and {len(warnings) - WARNINGS} more reading warnings: see `tierwise inspect`."
        )
    return out


def _changes(review: Review) -> list[str]:
    d = review.diff
    out = []
    if d.decisions.height:
        counts = decision_counts(d)
        tally = ", ".join(f"{counts[k]} {VERDICT[k]}" for k in (True, False, None) if counts[k])
        missed = [
            r["partner"] for r in d.decisions.iter_rows(named=True) if r["carried_out"] is False
        ]
        tail = f" (not: {', '.join(_cut(n, NAME) for n in missed[:3])})" if missed else ""
        out.append(f"Last review's {d.decisions.height} decisions: {tally}{tail}.")
    if d.added.height or d.removed.height:
        out.append(f"{_partners(d.added.height)} added, {d.removed.height} removed.")
    if d.tier_changes.height:
        moved = ", ".join(
            f"{_cut(r['partner'], NAME)} {r['from'] or 'none'} → {r['to'] or 'none'}"
            for r in d.tier_changes.head(3).iter_rows(named=True)
        )
        more = f" and {d.tier_changes.height - 3} more" if d.tier_changes.height > 3 else ""
        out.append(f"Tier labels changed: {moved}{more}.")
    if d.score_changes.height:
        moved = ", ".join(
            f"{_cut(r['partner'], NAME)} {r['from']:.0f} → {r['to']:.0f}"
            for r in d.score_changes.head(3).iter_rows(named=True)
            if r["from"] is not None and r["to"] is not None
        )
        out.append(f"Biggest score moves: {moved}.")
    if d.flags_raised.height or d.flags_cleared.height:
        raised, cleared = d.flags_raised.height, d.flags_cleared.height
        out.append(f"Flags raised on {_partners(raised)}, cleared on {_partners(cleared)}.")
    if "fte" in d.totals:
        t = d.totals["fte"]
        out.append(f"FTE on partners: {fmt_number(t['old'], 1)} → {fmt_number(t['new'], 1)}.")
    return out[:CHANGES] or ["Nothing changed."]


# -- Markdown -------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text safe inside Markdown: table pipes and markup characters escaped."""
    return "".join("\\" + ch if ch in "\\`*[]<>|#" else ch for ch in text)


def brief_markdown(brief: Brief) -> str:
    lines = [f"# {_md(brief.title)}", "", f"_{_md(brief.subtitle)}_", ""]
    if brief.doubt:
        lines += [f"> **Warning:** {_md(brief.doubt)}", ""]
    lines += ["## Portfolio against the 1 / 3-5 / many model", ""]
    lines += [f"| Tier | Designated | {brief.after_name} | Model |", "|---|---:|---:|---:|"]
    lines += [f"| {t} | {d} | {a} | {m} |" for t, d, a, m in brief.tiers]
    lines += ["", "## Strategic initiative", ""] + [f"- {_md(s)}" for s in brief.strategic]
    lines += ["", f"## Top moves ({_md(brief.freed)})", ""]
    if brief.moves:
        lines += ["| Partner | Tier | Action | FTE / budget | Why |", "|---|---|---|---|---|"]
        lines += [f"| {' | '.join(_md(c) for c in m)} |" for m in brief.moves]
        if brief.more_moves:
            lines += ["", f"…and {brief.more_moves} more in the workbook."]
    else:
        lines.append(_md(brief.no_moves))
    lines += ["", "## Biggest risks", ""] + (
        [f"- {_md(r)}" for r in brief.risks] or ["- None found."]
    )
    if brief.unseen:
        lines += ["", f"## {UNSEEN}", ""] + [f"- {_md(u)}" for u in brief.unseen]
    if brief.since:
        lines += ["", f"## What changed since {_md(brief.since)}", ""]
        lines += [f"- {_md(c)}" for c in brief.changes]
    return "\n".join(lines) + "\n"


# -- HTML -----------------------------------------------------------------------------

_CSS: Final = """
@page { size: A4; margin: 14mm; }
body { font: 9.5pt/1.3 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 182mm; margin: 0 auto; }
h1 { font-size: 16pt; color: #1F4E79; margin: 0 0 2pt; }
h2 { font-size: 11pt; color: #1F4E79; margin: 8pt 0 3pt; border-bottom: 1px solid #B7C9E2; }
p.sub { color: #666; margin: 0 0 6pt; }
p.warn { color: #9C0006; background: #FFC7CE; padding: 3pt 5pt; margin: 0 0 6pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { text-align: left; padding: 1.5pt 4pt; border-bottom: 1px solid #E3E9F2;
         vertical-align: top; }
th { background: #EEF3FA; }
td.n, th.n { text-align: right; }
ul { margin: 2pt 0; padding-left: 14pt; }
li { margin: 1pt 0; }
"""


def brief_html(brief: Brief) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(brief.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(brief.title)}</h1>",
        f'<p class="sub">{e(brief.subtitle)}</p>',
        *(
            [f'<p class="warn"><strong>Warning:</strong> {e(brief.doubt)}</p>']
            if brief.doubt
            else []
        ),
        "<h2>Portfolio against the 1 / 3-5 / many model</h2>",
        _row(["Tier", "Designated", brief.after_name, "Model"], "th"),
    ]
    parts += [_row([t, str(d), str(a), m]) for t, d, a, m in brief.tiers]
    parts += ["</table>", "<h2>Strategic initiative</h2>", _ul(brief.strategic)]
    parts.append(f"<h2>Top moves <small>({e(brief.freed)})</small></h2>")
    if brief.moves:
        parts.append("<table>" + _row(["Partner", "Tier", "Action", "FTE / budget", "Why"], "th"))
        parts += [_row(list(m)) for m in brief.moves]
        parts.append("</table>")
        if brief.more_moves:
            parts.append(f'<p class="sub">…and {brief.more_moves} more in the workbook.</p>')
    else:
        parts.append(f"<p>{e(brief.no_moves)}</p>")
    parts += ["<h2>Biggest risks</h2>", _ul(brief.risks or ["None found."])]
    if brief.unseen:
        parts += [f"<h2>{e(UNSEEN)}</h2>", _ul(brief.unseen)]
    if brief.since:
        parts += [f"<h2>What changed since {e(brief.since)}</h2>", _ul(brief.changes)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _row(cells: list[str], tag: str = "td") -> str:
    """A table row; in the tier table (four cells) the counts are right-aligned."""
    out = []
    for i, cell in enumerate(cells):
        attr = ' class="n"' if len(cells) == 4 and i > 0 else ""
        out.append(f"<{tag}{attr}>{html.escape(cell)}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


def _ul(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
