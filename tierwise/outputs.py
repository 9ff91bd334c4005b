"""Writing an evaluation out: the format table, output names, decision carry-over and the
one call into io for each format.

The views themselves (the JSON document, the portfolio sheet's content) are built in
report/; io only writes plain data (frames, sheet specs, bytes). A new output format is
one row of FORMATS and its writer here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from tierwise.errors import TierwiseError
from tierwise.io.atomic import same_file

if TYPE_CHECKING:
    import polars as pl

    from tierwise.io.annotate import WriteResult
    from tierwise.io.log import LogEntry
    from tierwise.io.sheetspec import SheetSpec
    from tierwise.pipeline import Evaluation
    from tierwise.report.diff import Review
    from tierwise.scoring.rubric import Rubric

# The writers import the writing half of io (lxml, openpyxl) when first used: `score
# --json` and `inspect` start without it.

SUFFIX: Final = ".tierwise"
# Outputs of earlier runs (NAME.tierwise.xlsx, NAME.tierwise-2.xlsx) are not inputs.
OUTPUT_NAME: Final = re.compile(r"\.tierwise(-\d+)?\.[^.]+$")


def default_output(path: Path, fmt: str = "xlsx") -> Path:
    """Beside the input. xlsx: `NAME.tierwise.xlsx` (`.xlsm` and templates keep their
    extension, so macros still open); an input that is itself `NAME.tierwise.xlsx` gets
    `NAME.tierwise-2.xlsx`: the input is never the output. csv/json: NAME.tierwise.FMT."""
    from tierwise.io.annotate import OOXML

    path = Path(path)
    base = re.sub(r"\.tierwise(-\d+)?$", "", path.stem)
    if fmt != "xlsx":
        return path.with_name(f"{base}{SUFFIX}.{fmt}")
    ext = path.suffix.lower()
    ext = ext if ext.lstrip(".") in OOXML else ".xlsx"
    candidate = path.with_name(f"{base}{SUFFIX}{ext}")
    n = 2
    while candidate == path or (candidate.exists() and same_file(candidate, path)):
        candidate = path.with_name(f"{base}{SUFFIX}-{n}{ext}")
        n += 1
    return candidate


def plan_outputs(paths: list[Path], output: Path | None, fmt: str) -> dict[Path, Path]:
    """Where each input's result goes; refuses any plan that would overwrite an input
    or write two inputs to one file."""
    if output is not None and len(paths) > 1 and not output.is_dir():
        raise TierwiseError(f"-o {output}: with several inputs, -o must be an existing folder")
    plan: dict[Path, Path] = {}
    for path in paths:
        if output is None:
            target = default_output(path, fmt)
        elif output.is_dir():
            target = output / default_output(path, fmt).name
        else:
            target = output
        for other in paths:
            if same_file(target, other):
                hint = "pass -o with a new name" if output is None else "choose another -o"
                raise TierwiseError(f"{target} is an input; Tierwise never overwrites one: {hint}")
        if target in plan.values():
            raise TierwiseError(f"two inputs would both be written to {target}; use -o FOLDER")
        plan[path] = target
    return plan


def write_annotated(
    ev: Evaluation,
    out: Path,
    *,
    decisions: pl.DataFrame | None = None,
    log: Sequence[LogEntry] = (),
    portfolio: SheetSpec | None = None,
    since: Review | None = None,
) -> WriteResult:
    """Write `ev`'s tracker back to `out`, annotated; the input is never modified.

    decisions: `row`, `decision`, `decision_note` to write (rows not in it keep the
    decisions already in an annotated input). The portfolio sheet is built from `ev`
    unless given. `since` (the comparison with an older tracker) adds the "Tierwise
    Changes" sheet and the portfolio sheet's "Since" column. The rubric in use is stored
    in the workbook, and this scoring's snapshot added to its history.
    """
    from tierwise.io import annotate, columns
    from tierwise.io.history import updated_history
    from tierwise.report.changes_sheet import changes_sheet
    from tierwise.report.portfolio_sheet import build_portfolio_sheet

    notes: list[str] = []
    kept = annotate.merge_decisions(ev.tracker.decisions, decisions)
    if portfolio is None:
        try:
            portfolio = build_portfolio_sheet(ev, kept, since)
        except Exception as err:  # a broken summary must not cost the user their triage
            notes.append(f"the {columns.PORTFOLIO_SHEET} sheet could not be built ({err})")
    return annotate.write_annotated(
        ev.tracker,
        ev.scored.partners,
        out,
        decisions=kept,
        log=log,
        sheets=[
            *([portfolio] if portfolio is not None else []),
            *([changes_sheet(since)] if since is not None else []),
        ],
        hidden_sheets=[updated_history(ev.tracker.source.file, ev.scored.partners, ev.as_of)],
        rubric=ev.rubric.to_toml(),
        notes=notes,
    )


def _write_workbook(ev: Evaluation, output: Path, since: Review | None = None) -> str:
    result = write_annotated(ev, output, since=since)
    return "".join(f" ({n})" for n in result.notes)


def _write_csv(ev: Evaluation, output: Path) -> str:
    from tierwise.io import columns, exports

    raw = ev.tracker.raw
    # The tracker's own columns, without Tierwise's from an earlier annotation.
    raw = raw.drop([c for c in raw.columns if c.startswith(columns.PREFIX)])
    exports.write_csv(ev.scored.partners, ev.tracker.decisions, output, raw)
    return ""


def _write_json(ev: Evaluation, output: Path) -> str:
    from tierwise.io import exports
    from tierwise.report.document import result_json_parts

    exports.write_json(result_json_parts(ev), output)
    return ""


# Output suffix -> its writer (which returns notes for the user, "" when none).
FORMATS: Final[Mapping[str, Callable[[Evaluation, Path], str]]] = {
    ".csv": _write_csv,
    ".json": _write_json,
}


def write(ev: Evaluation, output: Path, since: Review | None = None) -> str:
    """Write `ev` in the format `output`'s suffix names (a workbook unless .csv or
    .json; `since` as for write_annotated); returns " -> OUTPUT" and any notes, for
    the summary line."""
    writer = FORMATS.get(output.suffix.lower())
    notes = writer(ev, output) if writer else _write_workbook(ev, output, since)
    return f" -> {output}{notes}"


def template_numbers(rubric: Rubric) -> dict[str, Any]:
    """The rubric's values a blank template states, by dotted key (plain data for io)."""
    from tierwise.io.template import RUBRIC_KEYS

    return {key: rubric.get(key) for key in RUBRIC_KEYS}


def write_template(path: Path, rubric: Rubric, *, force: bool = False) -> None:
    """A blank tracker at `path` whose notes and rules state `rubric`'s numbers."""
    from tierwise.io.template import write_template as write

    write(path, template_numbers(rubric), force=force)
