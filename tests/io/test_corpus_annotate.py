"""Every real-world workbook the reader reads is annotated without losing a part.

Each file is read with its first text column mapped to `partner`, annotated, and the
output is checked: it opens with openpyxl and fastexcel, and every part Tierwise does
not own is byte-identical to the input's. Files run in worker processes with a time
and an address-space limit (a worker that dies or hangs fails the file it was on,
and the rest are run again in a fresh worker).

Run as a script (`python -m tests.io.test_corpus_annotate FILE...`) it is the worker.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "../shared/corpus/xlsx-real"
MEMORY_LIMIT = 2 << 30
FILE_TIMEOUT_S = 20
WORKERS = 2
# A sheet view's tab selection: cleared on the user's sheets, the annotated workbook
# opening on the portfolio sheet.
_UNSELECTED = re.compile(
    rb"""(<(?:[\w.-]+:)?sheetView\b[^>]*?)\s+tabSelected\s*=\s*["'](?:1|true)["']"""
)


def _first_text_column(path: Path) -> tuple[str, str] | None:
    """(sheet, header) of the first visible sheet's first column holding text."""
    import fastexcel
    import polars as pl

    book = fastexcel.read_excel(str(path))
    for name in book.sheet_names:
        sheet = book.load_sheet(name, n_rows=200)
        if getattr(sheet, "visible", "visible") != "visible":
            continue
        frame = sheet.to_polars()
        for col in frame.columns:
            if col.startswith("__UNNAMED__") or not col.strip():
                continue
            if frame[col].dtype == pl.String and frame[col].drop_nulls().len() > 0:
                return name, col
        return None
    return None


def _annotate_one(path: Path, scratch: Path) -> tuple[str, str]:
    import zipfile

    import fastexcel
    from openpyxl import load_workbook

    from tierwise.errors import TierwiseError
    from tierwise.io.package import Package
    from tierwise.io.safety import check_file
    from tierwise.outputs import default_output, write_annotated
    from tierwise.pipeline import evaluate

    try:
        check_file(path)  # never hand a hostile file to calamine unchecked
    except TierwiseError as err:
        return "not read", str(err)[:200]
    try:
        choice = _first_text_column(path)
    except Exception:
        choice = None
    try:
        if choice is None:
            ev = evaluate(path)
        else:
            ev = evaluate(path, sheet=choice[0], mapping={choice[1]: "partner"})
    except TierwiseError as err:
        return "not read", str(err)[:200]
    except Exception as err:  # the reader's problem, not this test's: count it apart
        return "not read (reader error)", f"{type(err).__name__}: {err}"[:200]
    out = scratch / default_output(Path(path.name)).name
    try:
        write_annotated(ev, out)
    except TierwiseError as err:
        return "refused by writer", str(err)[:300]
    except Exception as err:
        return "FAILED: writer crashed", f"{type(err).__name__}: {err}"[:300]

    def openpyxl_sheets(p: Path) -> list[str]:
        wb = load_workbook(p, read_only=True)
        names = list(wb.sheetnames)
        wb.close()
        return names

    try:
        fast = list(fastexcel.read_excel(str(out)).sheet_names)
    except Exception as err:
        return "FAILED: output does not open (fastexcel)", f"{type(err).__name__}: {err}"[:300]
    if ev.tracker.source.sheet not in fast:
        return "FAILED: partner sheet lost", str(fast)
    try:
        names = openpyxl_sheets(out)
    except Exception as err:
        try:
            openpyxl_sheets(path)
        except Exception:
            names = None  # openpyxl cannot open the input either: not Tierwise's doing
        else:
            return "FAILED: output does not open (openpyxl)", f"{type(err).__name__}: {err}"[:300]
    if names is not None and names and names != fast:
        return "FAILED: sheets differ", f"{names} / {fast}"
    if ev.tracker.source.format not in ("xlsx", "xlsm", "xltx", "xltm"):
        return "annotated (new workbook)", ev.tracker.source.format
    with Package(path) as pkg:
        # The parts an annotation edits on purpose: the shared ones and the partner sheet.
        entry = pkg.sheet(ev.tracker.source.sheet)
        edited = {p.replace("\\", "/").lower() for p in pkg.shared_parts()}
        strings = pkg.shared_strings_part()
        if entry is not None:
            # The partner sheet, and the tables on it (widened over Tierwise's columns).
            for part in (entry.part, *pkg.related(entry.part, "table")):
                edited.add(part.replace("\\", "/").lower())
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(out) as b:
        new = {i.filename: i for i in b.infolist()}
        if (
            strings is not None
            and strings in new
            and not _appended(a.read(strings), b.read(strings))
        ):
            return "FAILED: shared strings not kept", strings
        seen = set()
        for info in a.infolist():
            key = info.filename.replace("\\", "/").lower()
            if key in edited or key in seen or info.filename not in new:
                if key not in edited and key not in seen:
                    return "FAILED: part lost", info.filename
                continue
            seen.add(key)
            before, after = a.read(info), b.read(new[info.filename])
            # The one change allowed on the user's other sheets: the workbook opens on
            # the portfolio sheet, so no other tab stays selected (grouped with it).
            if before != after and _UNSELECTED.sub(rb"\1", before) != after:
                return "FAILED: part changed", info.filename
    return "annotated", ""


def _appended(before: bytes, after: bytes) -> bool:
    """Whether a shared strings part was only appended to (its counts aside)."""
    root = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*>")
    old, new = root.split(before, maxsplit=1), root.split(after, maxsplit=1)
    if len(old) != 2 or len(new) != 2:
        return before == after
    kept = old[1][: old[1].rfind(b"</")] if old[1].rstrip().endswith(b"sst>") else old[1]
    return new[0] == old[0] and new[1].startswith(kept)


def worker(paths: list[str]) -> None:
    import signal

    def timeout(*_: object) -> None:
        raise TimeoutError("file took too long")

    signal.signal(signal.SIGALRM, timeout)
    with tempfile.TemporaryDirectory() as scratch:
        for p in paths:
            print(json.dumps({"file": p, "start": True}), flush=True)
            signal.alarm(FILE_TIMEOUT_S)
            try:
                outcome, detail = _annotate_one(Path(p), Path(scratch))
            except TimeoutError:
                outcome, detail = "FAILED: timeout", ""
            signal.alarm(0)
            for f in Path(scratch).iterdir():
                f.unlink()
            print(json.dumps({"file": p, "outcome": outcome, "detail": detail}), flush=True)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(paths: list[str]) -> dict[str, tuple[str, str]]:
    results: dict[str, tuple[str, str]] = {}
    todo = list(paths)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    while todo:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.io.test_corpus_annotate", *todo],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            preexec_fn=_limit_memory,
            timeout=FILE_TIMEOUT_S * 3 + len(todo) * 5,
        )
        started = None
        for line in proc.stdout.splitlines():
            try:
                doc = json.loads(line)
            except json.JSONDecodeError:
                continue
            if doc.get("start"):
                started = doc["file"]
            else:
                results[doc["file"]] = (doc["outcome"], doc["detail"])
                started = None
        if started is not None:  # the worker died on this file
            results[started] = (f"FAILED: worker died (exit {proc.returncode})", proc.stderr[-300:])
        todo = [p for p in todo if p not in results]
        if todo and started is None:
            for p in todo:
                results[p] = ("FAILED: not reached", proc.stderr[-300:])
            todo = []
    return results


@pytest.mark.slow
def test_every_readable_corpus_workbook_annotates_losslessly() -> None:
    if not CORPUS.is_dir():
        pytest.skip("the real-world corpus is not here (../shared/corpus/xlsx-real)")
    files = sorted(
        str(p)
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name not in ("SOURCES.md", "index.tsv")
    )
    chunks = [files[i::WORKERS] for i in range(WORKERS)]
    results: dict[str, tuple[str, str]] = {}
    with ThreadPoolExecutor(WORKERS) as pool:
        for part in pool.map(_run, chunks):
            results.update(part)
    # The memory cap is per process: a file that ran out of memory (or whose worker died)
    # after others in the same worker is judged again alone.
    for path, (outcome, detail) in list(results.items()):
        if "MemoryError" in detail or "memory allocation" in detail or "died" in outcome:
            results.update(_run([path]))
    counts = Counter(outcome for outcome, _ in results.values())
    print(f"\ncorpus: {len(files)} files")
    for outcome, n in sorted(counts.items()):
        print(f"  {n:5d}  {outcome}")
    failures = {f: r for f, r in results.items() if r[0].startswith("FAILED")}
    assert not failures, "\n".join(f"{f}: {o} {d}" for f, (o, d) in failures.items())
    assert counts["annotated"] > 0


if __name__ == "__main__":
    worker(sys.argv[1:])
