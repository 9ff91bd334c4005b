"""`tierwise inspect`: how a tracker was read, for a person at a terminal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import click

from tierwise.fields import FIELDS
from tierwise.io.formats import named
from tierwise.io.profiles import Profile
from tierwise.io.tracker import Tracker, TrackerWarning, column_letter

# Past this many warnings they are grouped under the column (or sheet) they concern.
GROUP_WARNINGS_OVER = 15


def _heading(text: str) -> str:
    return click.style(text, bold=True)


def inspect_report(tracker: Tracker) -> str:
    """Sheet and header row chosen, the column mapping, unmapped columns, fields the
    tracker does not record, and every warning."""
    src = tracker.source
    lines = [f"{_heading('File:')}       {src.file} ({src.format})"]
    others = [n for n in _sheet_names(src.file, src.format) if n != src.sheet]
    sheet = f"{src.sheet} (sheet {src.sheet_index + 1})"
    if others:
        sheet += f"; other sheets: {', '.join(others)}"
    lines.append(f"{_heading('Sheet:')}      {sheet}")
    lines.append(f"{_heading('Header row:')} {src.header_row}")
    lines.append(f"{_heading('Partners:')}   {tracker.frame.height}")
    if tracker.setup:
        lines.append("Set-up:      read from the workbook's stored Tierwise set-up")

    if src.profile:
        lines.append(f"Profile:     {src.profile} (--profile NAME to choose another)")
    lines += ["", _heading(f"Mapped columns ({len(src.mapping)}), least sure first")]
    lines += _mapping_lines(tracker)
    if src.unmapped:
        lines += ["", _heading(f"Unmapped columns ({len(src.unmapped)}), kept as they are")]
        for header in src.unmapped:
            lines.append(f"  {column_letter(src.header_columns.get(header, 0)):>3}  {header}")
        lines.append('  (map one with --map "Header=field")')
    if src.tierwise_columns:
        lines += ["", _heading("Tierwise columns from an earlier run")]
        lines.append("  " + ", ".join(src.tierwise_columns))

    absent = [f for f in FIELDS if f not in src.mapping.values()]
    if absent:
        lines += ["", _heading(f"Fields this tracker does not record ({len(absent)})")]
        lines += _wrap(", ".join(absent))

    lines += ["", _heading(f"Warnings ({len(tracker.warnings)})")]
    if not tracker.warnings:
        lines.append("  none")
    elif len(tracker.warnings) <= GROUP_WARNINGS_OVER:
        lines += [_warning_line(w) for w in tracker.warnings]
    else:
        for group, items in _grouped(tracker.warnings).items():
            lines.append(f"  {group} ({len(items)})")
            lines += ["  " + _warning_line(w) for w in items]
    return "\n".join(lines)


# What each way a mapping was made means, least sure first.
HOW_SURE: dict[str, str] = {
    "fallback": "a guess: no header names it",
    "values": "read from its values",
    "spelling": "header spelt close to an alias",
    "partial": "an alias plus one word no alias knows",
    "contained": "an alias plus qualifier words",
    "token": "an alias's words, in another form",
    "profile": "the export's mapping profile",
    "exact": "an alias",
    "user": "yours: --map or the stored set-up",
}


def _mapping_lines(tracker: Tracker) -> list[str]:
    src = tracker.source
    headers = src.least_sure_first()
    width = max((len(h) for h in headers), default=0)
    fwidth = max((len(f) for f in src.mapping.values()), default=0)
    lines = []
    for header in headers:
        col = column_letter(src.header_columns.get(header, 0))
        how = src.confidence.get(header, "")
        line = f"  {col:>3}  {header:<{width}}  -> {src.mapping[header]:<{fwidth}}  {how}"
        if header in src.scales:
            line += f", amounts x{src.scales[header]:,.0f} (units in the header)"
        lines.append(line)
    used = [h for h in HOW_SURE if h in src.confidence.values()]
    lines.append("  (" + "; ".join(f"{h}: {HOW_SURE[h]}" for h in used) + ")")
    return lines


def profiles_report(profiles: Mapping[str, Profile]) -> str:
    """`tierwise profiles`: each mapping profile, what it is for and what gives it away."""
    lines = [_heading(f"Mapping profiles ({len(profiles)})")]
    for profile in profiles.values():
        lines.append(f"  {profile.name}: {profile.label or '(your rubric)'}")
        shown = ", ".join(profile.detect[:6]) + (", ..." if len(profile.detect) > 6 else "")
        lines.append(f"      detected by {profile.min_detect}+ of: {shown}")
    lines += [
        "",
        "Chosen with --profile NAME (score, inspect, triage); otherwise detected from the",
        "headers. Add your own as [profiles.NAME] tables in your rubric (`tierwise rubric`).",
    ]
    return "\n".join(lines)


def _warning_line(w: TrackerWarning) -> str:
    return f"  {w.where or '(file)'}: {w.message}" if w.where else f"  {w.message}"


def _grouped(warnings: list[TrackerWarning]) -> dict[str, list[TrackerWarning]]:
    groups: dict[str, list[TrackerWarning]] = defaultdict(list)
    for w in warnings:
        sheet, _, cell = w.where.rpartition("!")
        letters = cell.rstrip("0123456789")
        if not w.where:
            key = "file"
        elif sheet and letters:
            key = f"column {letters} of {sheet}"
        else:
            key = w.where
        groups[key].append(w)
    return groups


def _wrap(text: str, width: int = 88) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + len(word) + 1 > width:
            lines.append("  " + current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append("  " + current)
    return lines


def _sheet_names(file: str, fmt: str) -> list[str]:
    if named(fmt).book is not None:  # not calamine's: a book of one sheet
        return []
    from tierwise.io.reader import sheet_names

    return sheet_names(file)
