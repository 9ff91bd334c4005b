"""`tierwise score` over many files: expand globs, score each, compare rubrics.

The command in cli.py only parses options and prints; the work of one file is here so
that a failure in one input is reported and the batch goes on. Output names and the
writing of each format are tierwise.outputs'.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from tierwise import outputs
from tierwise.errors import TierwiseError
from tierwise.io.atomic import same_file
from tierwise.pipeline import Evaluation, evaluate
from tierwise.report.compare import Comparison


@dataclass(frozen=True)
class Options:
    """How every file of a batch is read and scored."""

    sheet: str | int | None = None
    mapping: dict[str, str] | None = None
    profile: str | None = None
    rubric_path: Path | None = None
    as_of: date | None = None
    allow_large: bool = False
    since: Path | None = None  # add a "Tierwise Changes" sheet: what changed since this
    since_as_of: date | None = None  # judge `since`'s dates as of this day

    def judge(self, path: Path, as_of: date | None) -> Evaluation:
        """`path` read and scored with these options, as of another day."""
        return replace(self, as_of=as_of).evaluate(path)

    def evaluate(
        self,
        path: Path,
        rubric_path: Path | None = None,
        step: Callable[[str], None] | None = None,
        cells: Callable[[str], bool] | None = None,
    ) -> Evaluation:
        """`path` read and scored with these options (`rubric_path` instead of theirs;
        `step` and `cells` as for `pipeline.evaluate`)."""
        return evaluate(
            path,
            cells=cells,
            sheet=self.sheet,
            mapping=self.mapping,
            profile=self.profile,
            rubric_path=rubric_path or self.rubric_path,
            as_of=self.as_of,
            allow_large=self.allow_large,
            step=step,
        )


@dataclass(frozen=True)
class FileResult:
    """One file done: its evaluation and a one-line summary; the JSON document and the
    report are built only when asked for (most runs print one or the other, or neither)."""

    path: Path
    output: Path | None
    ev: Evaluation
    summary: str

    @property
    def json_parts(self) -> Iterator[bytes]:
        """docs/CONTRACT.md's JSON document, compact, in pieces (see result_json_parts)."""
        from tierwise.report.document import result_json_parts

        return result_json_parts(self.ev)

    def report(self, top: int | None = None) -> str:
        """The text report, listing the `top` ranked partners (None: the default)."""
        from tierwise.report.score import TOP, score_report

        return score_report(self.ev, TOP if top is None else top)


def expand(patterns: tuple[str, ...] | list[str]) -> tuple[list[Path], list[Path]]:
    """Files and glob patterns -> the files, in order, each once, and the ones given
    again (by any path or link) that are scored once. A glob skips Tierwise's own
    outputs and Excel's `~$NAME` lock files; a pattern matching nothing, or a missing
    file, is an error."""
    seen: dict[Path, None] = {}
    again: list[Path] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(Path(m) for m in glob.glob(pattern, recursive=True))
            matches = [
                m
                for m in matches
                if m.is_file()
                and not outputs.OUTPUT_NAME.search(m.name)
                and not m.name.startswith("~$")
            ]
            if not matches:
                raise TierwiseError(f"no tracker matches {pattern!r}")
        else:
            path = Path(pattern)
            if not path.is_file():
                raise TierwiseError(f"{pattern} does not exist or is not a file")
            matches = [path]
        for m in matches:
            if any(same_file(m, s) for s in seen):
                again.append(m)
            else:
                seen[m] = None
    return list(seen), again


def score_one(
    path: Path,
    options: Options,
    output: Path | None,
    step: Callable[[str], None] | None = None,
    fmt: str | None = None,
) -> FileResult:
    """Score one tracker and write its output (if any) as `fmt` (default: the format
    its suffix names). `step` hears each stage as it starts (reading, scoring, writing)."""
    ev = options.evaluate(path, step=step, cells=outputs.shows_cells(output, fmt))
    since = None
    if options.since is not None and output is not None:
        from tierwise.review import compare_to_file

        if step:
            step(f"comparing with {options.since.name}")
        since = compare_to_file(ev, options.since, options.judge, old_as_of=options.since_as_of)
    if output is not None and step:
        step(f"writing {output.name}")
    written = outputs.write(ev, output, fmt, since) if output is not None else ""
    partners = ev.scored.partners
    flagged = int((partners["flags"].list.len() > 0).sum()) if partners.height else 0
    failing = sum(not c.ok for c in ev.scored.portfolio.designated)
    summary = (
        f"{path}: {partners.height} partners, {flagged} flagged, "
        f"{failing}/{len(ev.scored.portfolio.designated)} portfolio checks failing"
        f"{written}"
    )
    if since is not None:
        d = since.diff
        carried = int(d.decisions["carried_out"].eq(True).sum())
        summary += (
            f"; since {since.old_label}: {d.added.height} added, {d.removed.height} removed, "
            f"{carried} of {d.decisions.height} decisions carried out"
        )
    return FileResult(path, output, ev, summary)


def compare_rubrics(path: Path, options: Options, other: Path) -> Comparison:
    """Score `path` with the options' rubric (A) and with `other` (B)."""
    a = options.evaluate(path)
    b = options.evaluate(path, rubric_path=other)
    a_name = str(options.rubric_path) if options.rubric_path else "default rubric"
    return Comparison(a, b, a_name, str(other))
