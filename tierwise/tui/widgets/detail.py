"""The detail pane: everything about the selected partner, in the order a reviewer reads it."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tierwise import catalogue
from tierwise.fields import MOTIVATIONS
from tierwise.tui.text import markup


def meter(value: float | None, width: int = 10) -> str:
    if value is None:
        return "[$text-muted]not assessed[/]"
    filled = round(value / 100 * width)
    colour = "$success" if value >= 50 else "$warning" if value >= 25 else "$error"
    return f"[{colour}]{'█' * filled}[/][$text-muted]{'░' * (width - filled)}[/] {value:.0f}"


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(scores: list[float | None]) -> str:
    """Scores (0-100) as one bar character each, on the absolute scale; "·" for none."""
    return "".join(
        "·" if v is None else _BARS[min(len(_BARS) - 1, max(0, int(v / 100 * len(_BARS))))]
        for v in scores
    )


_TIER_COLOURS = {"strategic": "$accent", "tactical": "$primary", "exit": "$error"}


class DetailPane(VerticalScroll):
    """Shows one partner: tiers and decision, motivations, flags, why, and mapped cells."""

    def compose(self):
        yield Static(id="detail-body")

    def show(
        self,
        partner: dict[str, Any] | None,
        fields: list[tuple[str, str, str]] | None = None,
        refs: dict[str, str] | None = None,
        *,
        scored: bool = True,
    ) -> None:
        """`fields`: (header as written, cell reference, cell text) from the tracker;
        `refs`: canonical field -> cell reference, for the cells behind each flag;
        `scored=False`: the partner is listed, its scores not in yet."""
        body = self.query_one("#detail-body", Static)
        if partner is None:
            body.update(Content.from_markup("[$text-muted]No partner selected.[/]"))
            return
        body.update(detail_content(partner, fields or [], refs or {}, scored=scored))
        self.scroll_home(animate=False)


class _Lines:
    """Lines of our own markup; every piece of workbook text goes in as a `${vN}`
    variable, which Textual shows literally (see tierwise.tui.text)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.values: dict[str, object] = {}

    def value(self, text: object) -> str:
        name = f"v{len(self.values)}"
        self.values[name] = text
        return "${" + name + "}"

    def tier(self, tier: str | None) -> str:
        if not tier:
            return "[$text-muted]–[/]"
        return f"[b {_TIER_COLOURS.get(tier, '$foreground')}]{self.value(tier)}[/]"

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def content(self) -> Content:
        return markup("\n".join(self.lines), **self.values)


def _history(out: _Lines, p: dict[str, Any]) -> None:
    """The partner's score and tier at each saved review, then now (a sparkline)."""
    past = p.get("past") or []
    if not past:
        return
    scores = [point["score"] for point in past] + [p.get("score")]
    numbers = " → ".join("–" if v is None else f"{v:.0f}" for v in scores)
    out.add(
        f"History [b]{sparkline(scores)}[/] {numbers}  "
        f"[$text-muted]since {out.value(str(past[0]['date']))}[/]"
    )
    tiers = [point["tier"] for point in past] + [p.get("designated_tier")]
    if len(set(tiers)) > 1:
        out.add("  tier " + " → ".join(out.tier(t) for t in tiers))
    if p.get("changed"):
        out.add("  [b $warning]changed since the last review[/]")


def detail_content(
    p: dict[str, Any],
    fields: list[tuple[str, str, str]],
    refs: dict[str, str],
    *,
    scored: bool = True,
) -> Content:
    """The detail pane's text for partner `p` (a row of the session table)."""
    from tierwise.scoring.flags import RULES

    out = _Lines()
    v = out.value
    kind = f" · {v(p['partner_type'])}" if p.get("partner_type") else ""
    out.add(f"[b]{v(p.get('partner') or '?')}[/]  [$text-muted]row {v(p.get('row'))}{kind}[/]")
    if not scored:
        out.add(f"{out.tier(p.get('designated_tier'))} → [$text-muted]scoring…[/]")
        _decision(out, p)
        _tracker(out, fields)
        return out.content()
    out.add(
        f"{out.tier(p.get('designated_tier'))} → {out.tier(p.get('recommended_tier'))}"
        f"  action [b]{v(p.get('action') or '')}[/]  score [b]{p.get('score') or 0:.1f}[/]"
        + ("  [$warning]borderline[/]" if p.get("borderline") else "")
    )
    if p.get("todo"):
        out.add(f"[$text-muted]to do:[/] [b]{v(p['todo'])}[/]")
    if p.get("evidence") is not None:
        unknown = ", ".join(p.get("unknown") or [])
        blanks = f" · blank: {v(unknown)}" if unknown else ""
        seen = f"{p['evidence']:.0%} of the cells its judgment reads hold a value"
        out.add(f"[$text-muted]evidence: {seen}{blanks}[/]")
    _history(out, p)
    _decision(out, p)
    out.add()
    out.add("[b]Motivations[/]")
    for m in MOTIVATIONS:
        out.add(f" {catalogue.MOTIVATIONS[m].name:<9} {meter(p.get(m))}")
    stated = p.get("stated") or []
    if stated:
        out.add(f" [$text-muted]stated, not evidenced: {v(', '.join(stated))}[/]")
    flags = p.get("flags") or []
    why = list(p.get("why") or [])
    if flags:
        out.add()
        out.add("[b]Flags[/]")
        for flag in flags:
            words = catalogue.FLAGS[flag]
            out.add(
                f" [b $warning]{v(words.label)} {v(words.name)}[/] [$text-muted]({v(flag)})[/]"
                f" [i]{v(words.meaning)}[/]"
            )
            out.add(f"   [$text-muted]what to do:[/] {v(words.todo)}")
            reason = next((w for w in why if w.startswith(flag + ":")), None)
            if reason is not None:
                why.remove(reason)
                out.add(f"   {v(catalogue.in_words(reason.removeprefix(flag + ':').strip()))}")
            # The cells the flag reads (its rule's `cells`), for the reviewer to check.
            cells = [refs[f] for f in RULES[flag].cells if f in refs]
            if cells:
                # "Partners!G3 H3 I3": the sheet once, then the cells
                shown = " ".join([cells[0], *(c.rpartition("!")[2] for c in cells[1:])])
                out.add(f"   [$text-muted]cells: {v(shown)}[/]")
    if why:
        out.add()
        out.add("[b]Why[/]")
        for line in why:
            out.add(f" • {v(catalogue.in_words(line))}")
    _tracker(out, fields)
    return out.content()


def _decision(out: _Lines, p: dict[str, Any]) -> None:
    if p.get("decision") or p.get("decision_note"):
        out.add(f"Decision: {out.tier(p.get('decision'))}")
        if p.get("decision_note"):
            out.add(f"  [i]✎ {out.value(p['decision_note'])}[/]")


def _tracker(out: _Lines, fields: list[tuple[str, str, str]]) -> None:
    """The partner's cells as written in the tracker, with their references."""
    if fields:
        v = out.value
        out.add()
        out.add("[b]Tracker[/]")
        for header, ref, value in fields:
            out.add(f" [$text-muted]{v(header)} ({v(ref)}):[/] {v(value)}")
