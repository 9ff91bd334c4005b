"""Writing an evaluation out: the format table, output names, decision carry-over and the
one call into io for each format.

The views themselves (the JSON document, the portfolio sheet's content) are built in
report/; io only writes plain data (frames, sheet specs, bytes). A new output format is
one row of FORMATS and its writer here: `-o`'s suffixes, `--format`'s choices and
standard output follow from the table.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from tierwise.errors import TierwiseError

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


STDOUT: Final = Path("-")  # `-o -`: CSV or JSON on standard output


def default_output(path: Path, fmt: str = "xlsx") -> Path:
    """Beside the input, a name no other input's output has.

    `NAME.tierwise.xlsx` for `NAME.xlsx` (macro workbooks and templates keep their
    extension, so macros still open), `NAME.tierwise.csv|json` with --format. Any other
    input keeps its extension in the name (`partners.csv` -> `partners.csv.tierwise.xlsx`),
    so `partners.csv` and `partners.xlsx` never write one file. An input that is itself
    an output gets the next number: `NAME.tierwise.xlsx` -> `NAME.tierwise-2.xlsx` ->
    `NAME.tierwise-3.xlsx`; the input is never the output, nor an earlier output."""
    from tierwise.io.atomic import same_file
    from tierwise.io.formats import OOXML_FORMATS

    path = Path(path)
    ext = path.suffix.lower()
    out_ext = f".{fmt}" if fmt != "xlsx" else (ext if ext.lstrip(".") in OOXML_FORMATS else ".xlsx")
    canonical = ext == ".xlsx" or (fmt == "xlsx" and ext == out_ext)
    base, n = path.stem, 1
    earlier = re.fullmatch(r"(.+)\.tierwise(?:-(\d+))?", path.stem)
    if canonical and earlier and ext == out_ext:
        base, n = earlier.group(1), int(earlier.group(2) or 1) + 1
    elif not canonical:
        base = f"{path.stem}{ext}"  # the input's extension keeps the name its own
    candidate = path.with_name(f"{base}{SUFFIX}{'' if n == 1 else f'-{n}'}{out_ext}")
    while candidate == path or same_file(candidate, path):
        n += 1
        candidate = path.with_name(f"{base}{SUFFIX}-{n}{out_ext}")
    return candidate


def output_format(output: str | Path | None, fmt: str | None) -> str:
    """The format to write: --format, else what `-o`'s suffix names, else xlsx. An -o
    suffix naming another format than --format is an error (they must agree)."""
    suffix = Path(output).suffix.lower() if output is not None else ""
    named = SUFFIX_FORMATS.get(suffix)
    if fmt is not None and named is not None and named != fmt:
        raise TierwiseError(
            f"-o {output} is a {suffix} file but --format is {fmt}: make them agree"
        )
    return fmt or named or WORKBOOK


def plan_outputs(
    paths: list[Path], output: str | Path | None, fmt: str, *, force: bool = False
) -> dict[Path, Path]:
    """Where each input's result goes, checked before anything is read (a bad -o fails
    at once): `-o DIR/` is a folder (made when missing), `-o -` is stdout (CSV or JSON,
    one input), a link is followed, an existing workbook Tierwise did not write is
    replaced only with `force`. Refuses any plan that would overwrite an input or write
    two inputs to one file."""
    from tierwise.io.target import check_target, in_folder, is_folder

    folder = output is not None and is_folder(output)  # before a Path drops the slash
    output = Path(output) if output is not None else None
    if output == STDOUT:
        if not FORMATS[fmt].stdout:
            piped = [name for name, f in FORMATS.items() if f.stdout]
            raise TierwiseError(
                f"-o - writes {' or '.join(n.upper() for n in piped)} to stdout: "
                f"add --format {' or '.join(piped)}"
            )
        if len(paths) != 1:
            raise TierwiseError("-o - takes one input; use -o FOLDER/ for several")
        return {paths[0]: STDOUT}
    if output is not None and len(paths) > 1 and not folder:
        raise TierwiseError(
            f"-o {output}: with several inputs, -o must be a folder (end it with /)"
        )
    plan: dict[Path, Path] = {}
    for path in paths:
        if output is None:
            target = default_output(path, fmt)
        elif folder:
            target = in_folder(output, default_output(path, fmt).name)
        else:
            target = output
        hint = "pass -o with a new name" if output is None else "choose another -o"
        try:
            target = check_target(target, paths, force=force)
        except TierwiseError as err:
            raise TierwiseError(str(err).replace("choose another -o", hint)) from None
        if target in plan.values():
            raise TierwiseError(f"two inputs would both be written to {target}; use -o FOLDER/")
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


def _write_workbook(ev: Evaluation, output: Path, since: Review | None) -> str:
    from tierwise.io.working_copy import carry_forward

    # An annotated workbook already there is the team's working copy: its decisions
    # and Log rows go into the new output, never away.
    kept = carry_forward(
        ev.scored.partners, ev.tracker.decisions, Path(ev.tracker.source.file), output
    )
    result = write_annotated(ev, output, decisions=kept.decisions, log=kept.log, since=since)
    return "".join(f" ({n})" for n in [*result.notes, kept.note] if n)


def _write_csv(ev: Evaluation, output: Path, since: Review | None) -> str:
    from tierwise.io import columns, exports

    raw = ev.tracker.raw
    # The tracker's own columns, without Tierwise's from an earlier annotation.
    raw = raw.drop([c for c in raw.columns if c.startswith(columns.PREFIX)])
    partners, decisions = ev.scored.partners, ev.tracker.decisions
    if output == STDOUT:
        exports.csv_to(sys.stdout.buffer, partners, decisions, raw, bom=False)
    else:
        exports.write_csv(partners, decisions, output, raw)
    return ""


def _write_json(ev: Evaluation, output: Path, since: Review | None) -> str:
    from tierwise.io import exports
    from tierwise.report.document import result_json_parts

    if output == STDOUT:
        exports.json_to(sys.stdout.buffer, result_json_parts(ev))
    else:
        exports.write_json(result_json_parts(ev), output)
    return ""


def _always(input_format: str) -> bool:
    return True


def _never(input_format: str) -> bool:
    return False


def _rebuilt(input_format: str) -> bool:
    """A workbook is written into the input's own package when that is OOXML; any
    other input's cells are written out into a new one."""
    from tierwise.io.formats import OOXML_FORMATS

    return input_format not in OOXML_FORMATS


@dataclass(frozen=True)
class Format:
    """An output format: its writer (which returns notes for the user, "" when none;
    `since` is for formats that show the comparison), the `-o` suffixes that name it,
    whether it can be written to standard output (`-o -`), and whether it shows the
    tracker's cells as text (`Tracker.raw`), by the input's format."""

    writer: Callable[[Evaluation, Path, Review | None], str]
    suffixes: tuple[str, ...]
    stdout: bool = True
    cells: Callable[[str], bool] = _always


# --format's choices (WORKBOOK, the annotated workbook, is the default). Only the
# workbook shows `since`.
FORMATS: Final[Mapping[str, Format]] = {
    "xlsx": Format(
        _write_workbook, (".xlsx", ".xlsm", ".xltx", ".xltm"), stdout=False, cells=_rebuilt
    ),
    "csv": Format(_write_csv, (".csv",)),
    "json": Format(_write_json, (".json",), cells=_never),
}
WORKBOOK: Final = "xlsx"
# Output suffix -> the format it names.
SUFFIX_FORMATS: Final = {suffix: name for name, f in FORMATS.items() for suffix in f.suffixes}


def write(ev: Evaluation, output: Path, fmt: str | None = None, since: Review | None = None) -> str:
    """Write `ev` as `fmt` (default: the format `output`'s suffix names, a workbook
    unless another format's; `since` as for write_annotated); returns " -> OUTPUT" and
    any notes, for the summary line. `STDOUT` writes CSV or JSON to standard output (and
    returns "")."""
    notes = FORMATS[_format_of(output, fmt)].writer(ev, output, since)
    return "" if output == STDOUT else f" -> {output}{notes}"


def shows_cells(output: Path | None, fmt: str | None = None) -> Callable[[str], bool]:
    """Whether `write(ev, output, fmt)` shows the tracker's cells as text, by the input's
    format (`pipeline.evaluate`'s `cells`); with no output, nothing shows them."""
    return _never if output is None else FORMATS[_format_of(output, fmt)].cells


def _format_of(output: Path, fmt: str | None) -> str:
    return fmt or SUFFIX_FORMATS.get(output.suffix.lower(), WORKBOOK)


def template_numbers(rubric: Rubric) -> dict[str, Any]:
    """The rubric's values a blank template states, by dotted key (plain data for io)."""
    from tierwise.io.template import RUBRIC_KEYS

    return {key: rubric.get(key) for key in RUBRIC_KEYS}


def write_template(path: Path, rubric: Rubric, *, force: bool = False) -> None:
    """A blank tracker at `path` whose notes and rules state `rubric`'s numbers and the
    catalogue's words."""
    from tierwise import catalogue
    from tierwise.io.template import TemplateWords
    from tierwise.io.template import write_template as write

    words = TemplateWords(
        mistakes=tuple((code, entry.meaning) for code, entry in catalogue.FLAGS.items()),
        tactical_initiatives=catalogue.CHECKS["TACTICAL_INITIATIVES"].name,
    )
    write(path, template_numbers(rubric), words, force=force)
