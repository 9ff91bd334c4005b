"""Every file of the real-world corpus is read, or refused with one clear line.

Each file goes through `tierwise inspect FILE --json` in its own process, with a time
limit and an address-space limit, so a hang, a crash or a memory blow-up in any
library shows up as a failure here instead of taking the test run down.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

TIMEOUT_S = 30
MEMORY_LIMIT = 2 << 30  # address space of each child, bytes
REPO = Path(__file__).resolve().parents[2]

# Refusal reasons, recognised by the one line the CLI prints.
REASONS = (
    ("password-protected", r"password-protected"),
    ("zip bomb / huge sheet", r"looks like a zip bomb"),
    ("empty", r"is empty|empty zip archive|has no sheets"),
    ("not a spreadsheet", r"is not a spreadsheet|too old to read"),
    ("damaged", r"is damaged"),
    ("no partner table", r"no partner column|no header row naming a partner"),
    ("engine could not read", r"could not be read"),
)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _inspect(path: Path) -> tuple[str, str]:
    """(outcome, detail): outcome is "read", "refused: <reason>" or "FAILED: <why>"."""
    pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    env.pop("TIERWISE_DEBUG", None)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tierwise.cli", "inspect", str(path), "--json"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            preexec_fn=_limit_memory,
            env=env,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return "FAILED: timeout", ""
    err = proc.stderr.strip()
    if proc.returncode == 0:
        try:
            doc = json.loads(proc.stdout)
        except json.JSONDecodeError:
            return "FAILED: stdout is not JSON", proc.stdout[:300]
        if "partner" not in doc["source"]["mapping"].values():
            return "FAILED: read without a partner column", proc.stdout[:300]
        return "read", doc["source"]["sheet"]
    if proc.returncode != 1:
        return f"FAILED: exit {proc.returncode}", err[-500:]
    if "\n" in err or not err.startswith("tierwise: ") or "unexpected error" in err:
        return "FAILED: not one clear line", err[-500:]
    for reason, pattern in REASONS:
        if re.search(pattern, err):
            return f"refused: {reason}", err
    return "refused: other", err


def _corpus_files(corpus: Path) -> list[Path]:
    skip = {"SOURCES.md", "index.tsv"}
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in skip)


@pytest.mark.slow
def test_every_corpus_file_is_read_or_refused_in_one_line(corpus_dir: Path) -> None:
    files = _corpus_files(corpus_dir)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        outcomes = dict(zip(files, pool.map(_inspect, files), strict=True))
    counts = Counter(outcome for outcome, _ in outcomes.values())
    print(f"\ncorpus: {len(files)} files")
    for outcome, n in sorted(counts.items()):
        print(f"  {n:4d}  {outcome}")
    failures = {
        str(path.relative_to(corpus_dir)): f"{outcome} {detail}"
        for path, (outcome, detail) in outcomes.items()
        if outcome.startswith("FAILED")
    }
    assert not failures, failures
    assert counts["read"] > 0
