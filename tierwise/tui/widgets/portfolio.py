"""The portfolio panel: the seven tier-discipline checks as gauges, designated vs after
decisions, flag counts and resources to reallocate. Choosing a check or a flag asks the
app to show the partners behind it (drill-down)."""

from __future__ import annotations

from collections import Counter

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tierwise import catalogue
from tierwise.fields import MOTIVATIONS
from tierwise.scoring.result import Check, Portfolio
from tierwise.tui.text import literal


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2g}"


def limits(check: Check, strategic_max: float | None = None) -> str:
    """The check's limits in short: "1-2", "max 0", "≤25% ≤2". The share labelled
    strategic is also held to the strategic partners' cap (`strategic_max`), which the
    check does not carry: without it a share under its cap could read as failing."""
    if check.code == "EVERYONE_STRATEGIC" and check.high is not None:
        if strategic_max is None:
            return f"max {_num(check.high)}%"
        return f"≤{_num(check.high)}% ≤{_num(strategic_max)}"
    if check.low is not None and check.high is not None:
        if check.low == check.high:
            return f"need {_num(check.low)}"
        return f"{_num(check.low)}-{_num(check.high)}"
    if check.high is not None:
        return f"max {_num(check.high)}"
    if check.low is not None:
        return f"min {_num(check.low)}"
    return ""


def gauge(check: Check) -> str:
    """'[$error]5[/] / max 2' style: the count coloured by whether it passes; a check
    the tracker cannot support reads "n/a", never a tick."""
    if not check.assessed:
        return "[$text-muted] n/a[/]"
    colour = "$success" if check.ok else "$error"
    mark = "✓" if check.ok else "✗"
    actual = _num(check.actual) if check.actual is not None else ""
    if check.code == "EVERYONE_STRATEGIC" and check.actual is not None:
        actual = f"{check.actual:.0f}%"  # a share: "18%", as its limit reads "≤25%"
    return f"[{colour}]{mark}{actual:>3}[/]"


# What the panel's and the table's marks mean (the flags above read in full).
LEGEND = (
    "[$text-muted]✓ passes ✗ fails n/a not assessed · "
    + "SAPE bars: "
    + ", ".join(catalogue.MOTIVATIONS[m].name.lower() for m in MOTIVATIONS)
    + "[/]"
)


class PortfolioPanel(OptionList):
    """One option per check (designated → after decisions), then flags, then reallocation."""

    class DrillDown(Message):
        """Show only these worksheet rows (`rows`), or the partners with `flag`."""

        def __init__(self, label: str, rows: tuple[int, ...] | None, flag: str | None) -> None:
            self.label = label
            self.rows = rows
            self.flag = flag
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._checks: dict[str, tuple[Check | None, Check | None]] = {}
        self.border_title = "Portfolio"

    def show(
        self,
        portfolio: Portfolio,
        flag_counts: Counter[str],
        strategic_max: float | None = None,
    ) -> None:
        """`strategic_max`: the rubric's cap on strategic partners (see `limits`)."""
        highlighted = self.highlighted
        designated = {c.code: c for c in portfolio.designated}
        after = {c.code: c for c in portfolio.recommended}
        self._checks = {code: (designated.get(code), after.get(code)) for code in catalogue.CHECKS}
        options: list[Option | None] = []
        failing = sum(1 for c in after.values() if not c.ok)
        self.border_subtitle = f"after decisions: {failing} failing"
        for code in catalogue.CHECKS:
            d, a = self._checks[code]
            if d is None and a is None:
                continue
            ref = a or d
            assert ref is not None
            name = catalogue.CHECKS[code].label
            left = gauge(d) if d else " " * 4
            right = gauge(a) if a else " " * 4
            options.append(
                Option(
                    f"{name:<19}{left} → {right} [$text-muted]{limits(ref, strategic_max)}[/]",
                    id=f"check:{code}",
                )
            )
        options.append(None)
        for flag in catalogue.FLAGS:
            entry = catalogue.FLAGS[flag]
            if flag in portfolio.flags_not_assessed:
                text = f"[$text-muted]   – {entry.label} {entry.name}: not assessed[/]"
            else:
                n = flag_counts.get(flag, 0)
                colour = "$warning" if n else "$text-muted"
                text = f"[{colour}]{n:>4}[/] {entry.label} {entry.name}"
            options.append(Option(text, id=f"flag:{flag}"))
        options.append(None)
        re = portfolio.reallocate
        options.append(Option(literal(re.words()), id="reallocate", disabled=True))
        options.append(Option(literal(portfolio.strategy.words()), id="strategy", disabled=True))
        options.append(Option(LEGEND, id="legend", disabled=True))
        self.set_options(options)
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        kind, _, key = option_id.partition(":")
        if kind == "flag":
            entry = catalogue.FLAGS[key]
            self.post_message(self.DrillDown(f"{entry.name} ({entry.label})", None, key))
        elif kind == "check":
            d, a = self._checks.get(key, (None, None))
            # Prefer the failure after decisions: that is what is still to fix.
            chosen = a if a is not None and not a.ok else d if d is not None and not d.ok else a
            rows = tuple(chosen.rows) if chosen is not None else ()
            label = f"{catalogue.CHECKS[key].label}: {len(rows)} partners"
            self.post_message(self.DrillDown(label, rows, None))
