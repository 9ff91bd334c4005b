"""`tierwise score` over many files: expand globs, plan outputs, score each, compare rubrics.

The command in cli.py only parses options and prints; the work of one file is here so
that a failure in one input is reported and the batch goes on.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tierwise.errors import TierwiseError
from tierwise.io.atomic import same_file
from tierwise.pipeline import Evaluation, evaluate, result_json_parts

SUFFIX = ".tierwise"
# Outputs of earlier runs (NAME.tierwise.xlsx, NAME.tierwise-2.xlsx) are not inputs.
_OUTPUT_NAME = re.compile(r"\.tierwise(-\d+)?\.[^.]+$")


@dataclass(frozen=True)
class Options:
    """How every file of a batch is read and scored."""

    sheet: str | int | None = None
    mapping: dict[str, str] | None = None
    profile: str | None = None
    rubric_path: Path | None = None
    as_of: date | None = None
    allow_large: bool = False

    def evaluate(
        self,
        path: Path,
        rubric_path: Path | None = None,
        step: Callable[[str], None] | None = None,
    ) -> Evaluation:
        return evaluate(
            path,
            sheet=self.sheet,
            mapping=self.mapping,
            profile=self.profile,
            rubric_path=rubric_path or self.rubric_path,
            as_of=self.as_of,
            allow_large=self.allow_large,
            step=step,
        )


@dataclass(frozen=True)
class Scored:
    """One file done: its evaluation and a one-line summary; the JSON document and the
    report are built only when asked for (most runs print one or the other, or neither)."""

    path: Path
    output: Path | None
    ev: Evaluation
    summary: str

    @property
    def json_parts(self) -> list[bytes]:
        """CONTRACT.md's JSON document, compact, in pieces (see result_json_parts)."""
        return result_json_parts(self.ev)

    def report(self, top: int | None = None) -> str:
        """The text report, listing the `top` ranked partners (None: the default)."""
        from tierwise.report.score import TOP, score_report

        return score_report(self.ev, TOP if top is None else top)


def expand(patterns: tuple[str, ...] | list[str]) -> list[Path]:
    """Files and glob patterns -> the files, in order, each once; a pattern matching
    nothing, or a missing file, is an error."""
    seen: dict[Path, None] = {}
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(Path(m) for m in glob.glob(pattern, recursive=True))
            matches = [m for m in matches if m.is_file() and not _OUTPUT_NAME.search(m.name)]
            if not matches:
                raise TierwiseError(f"no tracker matches {pattern!r}")
        else:
            path = Path(pattern)
            if not path.is_file():
                raise TierwiseError(f"{pattern} does not exist or is not a file")
            matches = [path]
        for m in matches:
            seen.setdefault(m, None)
    return list(seen)


def default_output(path: Path, fmt: str) -> Path:
    """Beside the input: the annotated workbook's own rule for xlsx (macro workbooks keep
    .xlsm; an annotated input gets NAME.tierwise-2.xlsx), NAME.tierwise.csv/json else."""
    from tierwise.io.annotate import default_output as workbook_output

    if fmt == "xlsx":
        return workbook_output(path)
    base = re.sub(r"\.tierwise(-\d+)?$", "", path.stem)
    return path.with_name(f"{base}{SUFFIX}.{fmt}")


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


def score_one(
    path: Path,
    options: Options,
    output: Path | None,
    step: Callable[[str], None] | None = None,
) -> Scored:
    """Score one tracker and write its output (if any) in the format its suffix names.
    `step` hears each stage as it starts (reading, scoring, writing)."""
    ev = options.evaluate(path, step=step)
    if output is not None and step:
        step(f"writing {output.name}")
    written = _write(ev, output) if output is not None else ""
    partners = ev.scored.partners
    flagged = int((partners["flags"].list.len() > 0).sum()) if partners.height else 0
    failing = sum(not c.ok for c in ev.scored.portfolio.designated)
    summary = (
        f"{path}: {partners.height} partners, {flagged} flagged, "
        f"{failing}/{len(ev.scored.portfolio.designated)} portfolio checks failing"
        f"{written}"
    )
    return Scored(path, output, ev, summary)


def _write(ev: Evaluation, output: Path) -> str:
    from tierwise.io.exports import write_csv, write_json

    suffix = output.suffix.lower()
    if suffix == ".csv":
        write_csv(ev.scored.partners, ev.tracker.decisions, output)
    elif suffix == ".json":
        write_json(result_json_parts(ev), output)
    else:
        from tierwise.io.annotate import write_annotated

        result = write_annotated(ev, output)
        notes = "".join(f" ({n})" for n in result.notes)
        return f" -> {output}{notes}"
    return f" -> {output}"


@dataclass(frozen=True)
class Comparison:
    """One tracker scored under two rubrics."""

    a: Evaluation
    b: Evaluation
    a_name: str
    b_name: str

    def changes(self):
        from tierwise.scoring.compare import compare

        return compare(self.a.scored, self.b.scored)

    def to_json(self) -> dict:
        changes = self.changes()
        doc = {
            "rubrics": {"a": self.a_name, "b": self.b_name},
            "changes": [
                {
                    "row": c["row"],
                    "partner": c["partner"],
                    "changed": c["changed"],
                    "a": {k: c[f"{k}_a"] for k in ("recommended_tier", "action", "flags", "score")},
                    "b": {k: c[f"{k}_b"] for k in ("recommended_tier", "action", "flags", "score")},
                }
                for c in changes.iter_rows(named=True)
            ],
            "portfolio": {
                "a": self.a.scored.portfolio.to_json(),
                "b": self.b.scored.portfolio.to_json(),
            },
        }
        return doc

    def report(self) -> str:
        from tierwise.report.compare import compare_report

        return compare_report(self)


def compare_rubrics(path: Path, options: Options, other: Path) -> Comparison:
    """Score `path` with the options' rubric (A) and with `other` (B)."""
    a = options.evaluate(path)
    b = options.evaluate(path, rubric_path=other)
    a_name = str(options.rubric_path) if options.rubric_path else "default rubric"
    return Comparison(a, b, a_name, str(other))
