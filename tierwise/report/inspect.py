"""`tierwise inspect`: how a tracker was read, for a person at a terminal."""

from __future__ import annotations

from collections import defaultdict

import click

from tierwise.fields import FIELDS
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

    width = max((len(h) for h in src.header_columns), default=0)
    lines += ["", _heading(f"Mapped columns ({len(src.mapping)})")]
    for header, field in src.mapping.items():
        col = column_letter(src.header_columns.get(header, 0))
        lines.append(f"  {col:>3}  {header:<{width}}  -> {field}")
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
    if fmt in ("csv", "tsv"):
        return []
    from tierwise.io.reader import sheet_names

    return sheet_names(file)
