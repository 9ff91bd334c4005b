"""Where `tierwise score` spends its time and memory, stage by stage, in one process.

Runs what `score --json` and `score -o` run (read, score, JSON, annotated workbook) on
one tracker, timing each stage and reading the process's resident and peak memory
(VmRSS, VmHWM) after it, and the highest resident memory during it (`stage_peak_mb`:
the peak is reset at each stage boundary through /proc/self/clear_refs). Stages inside
the reader are timed by wrapping its functions: this is instrumentation, not a test.

    .venv/bin/python benchmarks/stages.py benchmarks/data/tracker_10000_s20260331_v4.xlsx
    .venv/bin/python benchmarks/stages.py TRACKER --json     # for run.py
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

AS_OF = date(2026, 3, 31)


def memory_mb() -> tuple[float, float]:
    """(resident, peak) MB of this process, from /proc (peak since exec, not inherited)."""
    values = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def reset_peak() -> None:
    """Start VmHWM again from the current resident memory (Linux 4.0+)."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


class Stages:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.nested: list[dict] = []  # finished inside the stage now running
        self.last = time.perf_counter()
        self.stage_peak = 0.0  # the highest VmHWM read since the last top-level mark
        self.peak = 0.0  # the process's peak, as VmHWM would say without the resets

    def mark(self, name: str) -> None:
        """A stage that ran since the previous top-level mark (listed before the stages
        nested in it)."""
        now = time.perf_counter()
        row = self._row(name, now - self.last)
        row["stage_peak_mb"] = self.stage_peak
        self.stage_peak = 0.0
        self.rows.append(row)
        self.rows.extend(self.nested)
        self.nested = []
        self.last = now

    def _peak_since_reset(self) -> tuple[float, float]:
        """(resident, peak since the last reset) MB; folds the peak into the running
        ones, then resets it."""
        rss, peak = memory_mb()
        reset_peak()
        self.stage_peak = max(self.stage_peak, peak)
        self.peak = max(self.peak, peak)
        return rss, peak

    def _row(self, name: str, seconds: float) -> dict:
        rss, _ = self._peak_since_reset()
        return {"stage": name, "seconds": seconds, "rss_mb": rss, "peak_mb": self.peak}

    def wrap(self, owner: object, name: str, label: str) -> None:
        """Time each call of owner.name as a stage nested in the current one."""
        inner = getattr(owner, name)

        @functools.wraps(inner)
        def timed(*args, **kwargs):
            self._peak_since_reset()  # what ran before belongs to the enclosing stage
            start = time.perf_counter()
            result = inner(*args, **kwargs)
            seconds = time.perf_counter() - start
            _, peak = memory_mb()
            row = self._row(f"  {label}", seconds)
            row["stage_peak_mb"] = peak
            self.nested.append(row)
            return result

        setattr(owner, name, timed)


def run(tracker: Path) -> list[dict]:
    reset_peak()
    stages = Stages()
    stages.mark("interpreter started")
    from tierwise.cli import _allocator_settings

    _allocator_settings()  # as the CLI does, before polars loads
    import polars  # noqa: F401

    stages.mark("import polars")
    import fastexcel  # noqa: F401

    from tierwise import (
        cli,  # noqa: F401
        outputs,
    )
    from tierwise.io import annotate, reader, safety
    from tierwise.pipeline import read
    from tierwise.report.document import result_json_parts

    stages.mark("import tierwise (cli, reader, scoring, writer)")
    stages.wrap(safety, "check_file", "safety check (zip, sheet extents)")
    stages.wrap(reader._ExcelBook, "load", "calamine loads a sheet (as text)")
    stages.wrap(reader, "_typed", "typing the columns")
    stages.wrap(annotate, "verify_workbook", "verify the written file")
    # Neither output shows the cells of a workbook's tracker: they go before scoring.
    reading = read(tracker, as_of=AS_OF)
    reading = replace(reading, tracker=reading.tracker.without_cells())
    stages.mark("read_tracker, of which:")
    ev = reading.judged()
    stages.mark("score")
    size = sum(len(part) for part in result_json_parts(ev))
    stages.mark(f"JSON document ({size / 1e6:.1f} MB)")
    with tempfile.TemporaryDirectory() as folder:
        outputs.write_annotated(ev, Path(folder) / "out.xlsx")
    stages.mark("write_annotated, of which:")
    return stages.rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tracker", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON for run.py")
    args = parser.parse_args(argv)
    rows = run(args.tracker)
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'stage':<52} {'s':>7} {'RSS MB':>7} {'peak MB':>8} {'in stage':>9}")
    for row in rows:
        print(
            f"{row['stage']:<52} {row['seconds']:7.3f} {row['rss_mb']:7.0f} "
            f"{row['peak_mb']:8.0f} {row['stage_peak_mb']:9.0f}"
        )


if __name__ == "__main__":
    sys.exit(main())
