"""The detail pane: everything about the selected partner, in the order a reviewer reads it."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

from tierwise.fields import MOTIVATIONS

# The playbook's one-line explanation of each flag (PLAYBOOK.md section 3).
FLAG_TEXT: dict[str, str] = {
    "EXEC_LUNCH": "Executives 'did lunch': a big joint revenue number with little pipeline "
    "or revenue behind it.",
    "PRESS_RELEASE": "Press-release partnering: announced, but no specific target market "
    "or no deals since.",
    "VAGUE_AGENDA": "Vague agenda: intent like 'synergy' or 'better serve the market', "
    "nothing specific; or their agenda is blank.",
    "STRATEGIC_IN_NAME_ONLY": "Strategic in name only: labelled strategic without the "
    "sponsor, people, activity or score to match.",
    "WHY_BOTHER": "Why bother? No motivation reaches significance for a partner we invest in.",
}
MOTIVATION_TEXT: dict[str, str] = {
    "share": "Share: gain share in a specified market",
    "access": "Access: reach customers we could not alone",
    "speed": "Speed: shorten sales cycles",
    "ecosystem": "Ecosystem: power in the value chain",
}


def meter(value: float | None, width: int = 10) -> str:
    if value is None:
        return "[$text-muted]not assessed[/]"
    filled = round(value / 100 * width)
    colour = "$success" if value >= 50 else "$warning" if value >= 25 else "$error"
    return f"[{colour}]{'█' * filled}[/][$text-muted]{'░' * (width - filled)}[/] {value:.0f}"


def tier_markup(tier: str | None) -> str:
    if not tier:
        return "[$text-muted]–[/]"
    colour = {"strategic": "$accent", "tactical": "$primary", "exit": "$error"}.get(
        tier, "$foreground"
    )
    return f"[b {colour}]{tier}[/]"


class DetailPane(VerticalScroll):
    """Shows one partner: tiers and decision, motivations, flags, why, and mapped cells."""

    def compose(self):
        yield Static(id="detail-body")

    def show(
        self, partner: dict[str, Any] | None, fields: list[tuple[str, str]] | None = None
    ) -> None:
        """`fields` are (header as written, cell text) pairs from the tracker."""
        body = self.query_one("#detail-body", Static)
        if partner is None:
            body.update(Content.from_markup("[$text-muted]No partner selected.[/]"))
            return
        body.update(Content.from_markup(detail_markup(partner, fields or [])))
        self.scroll_home(animate=False)


def detail_markup(p: dict[str, Any], fields: list[tuple[str, str]]) -> str:
    lines = [
        f"[b]{escape(p.get('partner') or '?')}[/]  [$text-muted]row {p.get('row')}"
        + (f" · {escape(p['partner_type'])}" if p.get("partner_type") else "")
        + "[/]",
        f"{tier_markup(p.get('designated_tier'))} → {tier_markup(p.get('recommended_tier'))}"
        f"  action [b]{escape(p.get('action') or '')}[/]  score [b]{p.get('score') or 0:.1f}[/]",
    ]
    if p.get("decision") or p.get("decision_note"):
        lines.append(f"Decision: {tier_markup(p.get('decision'))}")
        if p.get("decision_note"):
            lines.append(f"  [i]✎ {escape(p['decision_note'])}[/]")
    lines.append("")
    lines.append("[b]Motivations[/]")
    for m in MOTIVATIONS:
        lines.append(f" {MOTIVATION_TEXT[m].split(':')[0]:<9} {meter(p.get(m))}")
    stated = p.get("stated") or []
    if stated:
        lines.append(f" [$text-muted]stated, not evidenced: {escape(', '.join(stated))}[/]")
    flags = p.get("flags") or []
    if flags:
        lines.append("")
        lines.append("[b]Flags[/]")
        for flag in flags:
            lines.append(f" [b $warning]{flag}[/] {escape(FLAG_TEXT.get(flag, ''))}")
    why = p.get("why") or []
    if why:
        lines.append("")
        lines.append("[b]Why[/]")
        lines.extend(f" • {escape(line)}" for line in why)
    if fields:
        lines.append("")
        lines.append("[b]Tracker[/]")
        lines.extend(
            f" [$text-muted]{escape(header)}:[/] {escape(value)}" for header, value in fields
        )
    return "\n".join(lines)
