"""End to end on the real-world corpus: `tierwise inspect` and `tierwise score -o` on
every file of ../shared/corpus/xlsx-real, run by two long-lived worker processes
(tests/cli_workers.py) capped at 2 GiB of address space, with a time limit per command;
a worker that crashes or hangs is replaced and the file reported.

Each file either works (exit 0, and the annotated workbook re-opens with openpyxl and
fastexcel) or ends with exit 1 and exactly one stderr line starting "tierwise:". A
traceback, a hang, a crash or a second line is a failure. Run with -s for the counts.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.cli_workers import Outcome, run_commands

REPO = Path(__file__).resolve().parents[1]
TIMEOUT_S = 60
MEMORY_LIMIT = 2 << 30
WORKERS = 2

REASONS = (
    ("password-protected", r"password-protected"),
    ("zip bomb / huge sheet", r"looks like a zip bomb"),
    ("XML DTD refused", r"declares a DTD"),
    ("empty", r"is empty|empty zip archive|has no sheets"),
    ("not a spreadsheet", r"is not a spreadsheet|too old to read"),
    ("damaged", r"is damaged|not well-formed"),
    ("no partner table", r"no partner column|no header row naming a partner|no sheet Tierwise"),
    ("engine could not read", r"could not be read"),
    ("writer check failed", r"failed its check|lost the sheet"),
)
NO_PARTNER = re.compile(r"no partner column|no header row naming a partner")

# Run in one capped child for all the files without a partner column: the first text
# header on the sheet the reader chose, one JSON line per file as it goes (so a crash
# costs only the file it happened on).
_FIRST_HEADERS = r"""
import json, re, sys
import fastexcel
for line in sys.stdin:
    path, sheet = json.loads(line)
    header = None
    try:
        book = fastexcel.read_excel(path)
        name = sheet if sheet in book.sheet_names else 0
        grid = book.load_sheet(name, header_row=None, n_rows=30, dtypes="string").to_polars()
        for row in grid.rows():
            texts = [v.strip() for v in row if isinstance(v, str) and v.strip()]
            texts = [t for t in texts if not re.fullmatch(r"[-+0-9.,:/ %$]+", t)]
            texts = [t for t in texts if "=" not in t and len(t) < 80]
            if texts:
                header = texts[0]
                break
    except Exception:
        pass
    print(json.dumps(header), flush=True)
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _first_headers(todo: list[tuple[str, str]]) -> list[str | None]:
    """The first text header of each (file, sheet), None where it could not be read."""
    found: list[str | None] = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    while len(found) < len(todo):
        rest = todo[len(found) :]
        proc = subprocess.run(
            [sys.executable, "-c", _FIRST_HEADERS],
            input="".join(json.dumps(item) + "\n" for item in rest),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S * len(rest),
            preexec_fn=_limit,
            env=env,
        )
        answers = [json.loads(line) for line in proc.stdout.splitlines()]
        found.extend(answers)
        if len(answers) < len(rest):
            found.append(None)  # the file it died on
    return found


def _real_process(argv: list[str]) -> str:
    """Run one command as `python -m tierwise.cli` in a capped process: "worked",
    "refused" (exit 1, one stderr line), or what went wrong."""
    env = {k: v for k, v in os.environ.items() if k != "TIERWISE_DEBUG"}
    env["PYTHONPATH"] = str(REPO)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tierwise.cli", *argv[:3], argv[3] + ".real.xlsx", *argv[4:]],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT_S,
            preexec_fn=_limit,
            env=env,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    err = proc.stderr.strip()
    if proc.returncode == 0:
        return "worked"
    if proc.returncode == 1 and err.startswith("tierwise: ") and "\n" not in err:
        return "refused"
    return f"exit {proc.returncode}: {err[-300:]}"


def _refusal(outcome: Outcome) -> str:
    """'refused: <reason>' for a clean exit 1, else 'FAILED: <why>'."""
    err = outcome.stderr.strip()
    if outcome.failure:
        return f"FAILED: {outcome.failure}"
    if outcome.exit_code != 1:
        return f"FAILED: exit {outcome.exit_code}"
    if "\n" in err or not err.startswith("tierwise: ") or "Traceback" in err:
        return "FAILED: not one clear line"
    if "unexpected error" in err:
        return "FAILED: unexpected error"
    for reason, pattern in REASONS:
        if re.search(pattern, err):
            return f"refused: {reason}"
    return "refused: other"


def _openpyxl_names(path: Path) -> list[str] | str:
    """The sheet names openpyxl (read-only) lists after reading a few rows, or its error."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
        names = list(wb.sheetnames)
        for ws in wb.worksheets[:3]:
            for _ in ws.iter_rows(max_row=50):
                pass
        wb.close()
    except Exception as err:
        return f"{type(err).__name__}: {err}"
    return names


def _reopens(out: Path, source: Path) -> str | None:
    """None if the output opens with fastexcel (with a readable Tierwise Portfolio sheet)
    and with openpyxl (read-only), else why not. Where openpyxl cannot read the input
    either (backslash part names, strict OOXML, odd styles), the output, which keeps
    those parts byte for byte, is not held to more than the input."""
    import fastexcel

    try:
        book = fastexcel.read_excel(str(out))
        fast = list(book.sheet_names)
        book.load_sheet(fast.index("Tierwise Portfolio")).to_polars()
    except Exception as err:
        return f"fastexcel: {type(err).__name__}: {err}"
    names = _openpyxl_names(out)
    if names == fast:
        return None
    before = _openpyxl_names(source)
    if isinstance(before, str) or before == []:
        return None  # openpyxl could not read the input either
    return f"openpyxl: {names}"


def _inspected(outcome: Outcome) -> str:
    if outcome.exit_code == 0 and not outcome.failure:
        try:
            doc = json.loads(outcome.stdout)
            if "partner" in doc["source"]["mapping"].values():
                return "read"
        except (ValueError, KeyError):
            pass
        return "FAILED: inspect output"
    return _refusal(outcome)


def _scored(outcome: Outcome, out: Path, source: Path) -> str:
    if outcome.exit_code == 0 and not outcome.failure:
        why_not = _reopens(out, source) if out.is_file() else "no output written"
        return "worked" if why_not is None else f"FAILED: output {why_not}"
    if out.exists():
        return "FAILED: output left after a failure"
    return _refusal(outcome)


def _corpus_files(corpus: Path) -> list[Path]:
    skip = {"SOURCES.md", "index.tsv"}
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in skip)


@pytest.mark.slow
def test_every_corpus_file_works_or_is_refused_in_one_line(
    corpus_dir: Path, tmp_path: Path
) -> None:
    files = _corpus_files(corpus_dir)
    run = {"workers": WORKERS, "timeout": TIMEOUT_S, "memory": MEMORY_LIMIT}
    inspects = run_commands([["inspect", str(f), "--json"] for f in files], **run)

    # Files without a partner column are scored with --map "<first text header>=partner".
    no_partner = [i for i, o in enumerate(inspects) if NO_PARTNER.search(o.stderr)]
    sheets = [re.search(r"on sheet '([^']*)'", inspects[i].stderr) for i in no_partner]
    firsts = _first_headers(
        [(str(files[i]), m.group(1) if m else "") for i, m in zip(no_partner, sheets, strict=True)]
    )
    maps = {i: h for i, h in zip(no_partner, firsts, strict=True) if h}
    outs = [tmp_path / f"{n:03d}-{f.stem[:40]}.xlsx" for n, f in enumerate(files)]
    commands = []
    for i, (f, out) in enumerate(zip(files, outs, strict=True)):
        extra = ["--map", f"{maps[i]}=partner"] if i in maps else []
        commands.append(["score", str(f), "-o", str(out), "-q", *extra])
    scores = run_commands(commands, **run)

    results = {
        str(f.relative_to(corpus_dir)): (_inspected(i), _scored(s, out, f), s.stderr.strip()[-300:])
        for f, i, s, out in zip(files, inspects, scores, outs, strict=True)
    }
    lines = [f"corpus: {len(files)} files ({len(maps)} scored with --map first-header=partner)"]
    for title, k in (("inspect", 0), ("score -o", 1)):
        lines.append(f" {title}:")
        counts = Counter(r[k] for r in results.values())
        lines += [f"  {n:4d}  {outcome}" for outcome, n in sorted(counts.items())]
    summary = "\n".join(lines)
    print("\n" + summary)
    # The workers see only what click writes; a few real processes per outcome also
    # catch anything a library prints straight to the stderr file descriptor.
    picked: dict[str, list[int]] = {}
    for i, r in enumerate(results.values()):
        picked.setdefault(r[1], [])
        if len(picked[r[1]]) < 2:
            picked[r[1]].append(i)
    for outcome, indices in picked.items():
        for i in indices:
            real = _real_process(commands[i])
            name = str(files[i].relative_to(corpus_dir))
            if real != outcome.split(":")[0]:
                results[name] = (results[name][0], f"FAILED: real process {real}", "")
    failures = {name: r for name, r in results.items() if "FAILED" in r[0] + r[1]}
    assert not failures, summary + "\n" + "\n".join(f"{k}: {v}" for k, v in failures.items())
    worked = sum(r[1] == "worked" for r in results.values())
    assert worked > len(files) // 4, summary
