"""Tierwise's benchmark suite: every number a ratio to the libraries it builds on.

    python benchmarks/run.py                       # 1k, 10k, 100k; writes benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 1000,10000 --repeat 3 --no-profile

Each measurement is a whole process (interpreter start included), timed wall-clock
and with its own peak RSS (os.wait4), run several times interleaved with the others
so a slow moment of the machine hits every command alike; the table shows medians.
Commands that fail are skipped with their error in the table, never crash the run.
"""

from __future__ import annotations

import argparse
import cProfile  # noqa: F401  (used through `python -m cProfile`)
import json
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from trackers import DATA_DIR, ensure_tracker  # noqa: E402

RESULTS = HERE / "RESULTS.md"
AS_OF = "2026-03-31"  # the trackers' "today", so scoring is reproducible
TIMEOUT_S = 900
TUI_SIZE = 50_000
NOTES_START = "<!-- notes: kept when RESULTS.md is regenerated -->"
NOTES_END = "<!-- /notes -->"

PY = sys.executable
# The Tierwise source the children import: the working tree, or a snapshot of a commit
# (--commit), so edits landing in a shared tree mid-run cannot mix two versions.
CODE: dict[str, Path | str] = {"root": HERE.parent, "label": ""}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CODE["root"]), env.get("PYTHONPATH", "")) if p
    )
    return env


def precompile(package: Path) -> None:
    """Write the bytecode of the code under test, as installing a package does: where
    PYTHONDONTWRITEBYTECODE is set (CI images, containers), every command would
    otherwise compile Tierwise's source again (~45 ms a process)."""
    subprocess.run([PY, "-m", "compileall", "-q", str(package)], check=True)


def use_commit(ref: str) -> None:
    """Export `ref` of the repository into benchmarks/data/ and benchmark that code."""
    repo = HERE.parent
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    root = DATA_DIR / f"code-{sha}"
    if not (root / "tierwise").exists():
        root.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha], cwd=repo, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    CODE["root"] = root
    CODE["label"] = f"commit {sha}"


def code_label() -> str:
    """Which Tierwise was measured: a commit, or the working tree (dirty or not)."""
    if CODE["label"]:
        return str(CODE["label"])
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "the working tree"
    return f"the working tree at {out}"


def tierwise_argv() -> list[str]:
    """The `tierwise` console script beside this interpreter, else the module."""
    script = Path(PY).parent / "tierwise"
    return [str(script)] if script.exists() else [PY, "-m", "tierwise.cli"]


BASELINE_A = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        pass
"""
BASELINE_B = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb.save(sys.argv[2])
"""
BASELINE_C = """
import sys, polars as pl
pl.read_excel(sys.argv[1], engine="calamine")
"""
# The physical floor of issue 18: calamine's own read of every sheet (fastexcel, into
# Arrow, no DataFrame), and a plain re-write of the package (every part inflated and
# deflated again at zlib's default level).
BASELINE_PANDAS = """
import sys, pandas as pd
pd.read_excel(sys.argv[1], sheet_name=None)
"""
BASELINE_RAW = """
import sys, fastexcel
book = fastexcel.read_excel(sys.argv[1])
for name in book.sheet_names:
    book.load_sheet(name, header_row=None)
"""
BASELINE_ZIP = """
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as out:
    for info in src.infolist():
        with src.open(info) as fh, out.open(info.filename, "w", force_zip64=True) as to:
            while chunk := fh.read(1 << 20):
                to.write(chunk)
"""


@dataclass(frozen=True)
class Case:
    """One command to time: `argv(tracker, out)` builds its command line."""

    key: str
    label: str
    argv: Callable[[Path, Path], list[str]]
    per_size: bool = True  # False: independent of the tracker (interpreter start ...)


def cases() -> list[Case]:
    tw = tierwise_argv()
    return [
        Case("python", "`python -c pass`", lambda t, o: [PY, "-c", "pass"], per_size=False),
        Case(
            "import_polars",
            '`python -c "import polars"`',
            lambda t, o: [PY, "-c", "import polars"],
            per_size=False,
        ),
        Case(
            "A",
            "baseline A: openpyxl read-only, every cell",
            lambda t, o: [PY, "-c", BASELINE_A, str(t)],
        ),
        Case(
            "B",
            "baseline B: openpyxl load + save",
            lambda t, o: [PY, "-c", BASELINE_B, str(t), str(o)],
        ),
        Case(
            "C",
            'baseline C: `pl.read_excel(engine="calamine")`',
            lambda t, o: [PY, "-c", BASELINE_C, str(t)],
        ),
        Case(
            "pandas",
            "pandas `read_excel(sheet_name=None)`",
            lambda t, o: [PY, "-c", BASELINE_PANDAS, str(t)],
        ),
        Case(
            "R",
            "calamine raw: fastexcel loads every sheet",
            lambda t, o: [PY, "-c", BASELINE_RAW, str(t)],
        ),
        Case(
            "Z",
            "zip re-write: every part inflated and deflated",
            lambda t, o: [PY, "-c", BASELINE_ZIP, str(t), str(o)],
        ),
        Case(
            "inspect", "`tierwise inspect --json`", lambda t, o: [*tw, "inspect", str(t), "--json"]
        ),
        Case(
            "score_json",
            "`tierwise score --json`",
            lambda t, o: [*tw, "score", str(t), "--json", "--as-of", AS_OF],
        ),
        Case(
            "score_o",
            "`tierwise score -o OUT.xlsx`",
            lambda t, o: [*tw, "score", str(t), "-o", str(o), "--as-of", AS_OF],
        ),
    ]


@dataclass
class Sample:
    seconds: float  # wall clock
    peak_kb: int  # the process's own peak RSS
    cpu: float = 0.0  # user + system CPU seconds: less sensitive than wall time to a busy machine


@dataclass
class Series:
    """Every run of one case at one size."""

    samples: list[Sample] = field(default_factory=list)
    error: str | None = None
    out_bytes: int | None = None  # size of the file it wrote (score -o), and of its input
    in_bytes: int | None = None

    @property
    def seconds(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(s.cpu for s in self.samples) if self.samples else None

    @property
    def peak_mb(self) -> float | None:
        if not self.samples:
            return None
        return statistics.median(s.peak_kb for s in self.samples) / 1024


# Linux carries a process's peak RSS across fork and exec: a child forked from this
# script starts its ru_maxrss at this script's size (~25 MB), above `python -c pass`.
# So each command is forked from a small launcher (`python -S`, ~8 MB), which reports
# the command's own wall time, CPU time and peak RSS on a pipe.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as err:
        os.write(2, ("cannot run %s: %s\\n" % (sys.argv[1], err)).encode())
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
report = "%f %f %d %d" % (
    elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
    os.waitstatus_to_exitcode(status),
)
os.write(int(os.environ["TIERWISE_BENCH_FD"]), report.encode())
"""


def run_once(argv: list[str], timeout: float = TIMEOUT_S) -> tuple[Sample, int, str]:
    """Run `argv` to completion: its wall time, its own peak RSS, exit code, stderr tail."""
    read_end, write_end = os.pipe()
    env = {**child_env(), "TIERWISE_BENCH_FD": str(write_end)}
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [PY, "-S", "-c", _LAUNCHER, *argv],
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=DATA_DIR,
            env=env,
            pass_fds=(write_end,),
            start_new_session=True,  # a timeout kills the command with its launcher
        )
        os.close(write_end)
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            report = b""
            while chunk := os.read(read_end, 256):
                report += chunk
            proc.wait()
        finally:
            timer.cancel()
            os.close(read_end)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace").strip()
    if not report:
        return (
            Sample(0.0, 0, 0.0),
            proc.returncode or -9,
            f"killed (timeout {timeout:.0f}s?) {tail}",
        )
    elapsed, cpu, peak_kb, rc = report.split()
    if int(rc) < 0:
        tail = f"killed by signal {-int(rc)} (timeout {timeout:.0f}s?) {tail}"
    return Sample(float(elapsed), int(peak_kb), float(cpu)), int(rc), tail


def failure_note(rc: int, stderr: str) -> str:
    """One line saying why a command failed, for the table."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    last = lines[-1] if lines else "(no message)"
    last = last.replace("|", "\\|")
    return f"exit {rc}: {last[:160]}"


def measure(
    sizes: list[int],
    repeat_for: Callable[[int], int],
    log: Callable[[str], None],
    only: frozenset[str] | None = None,
) -> dict[tuple[str, int], Series]:
    """Time every case (or the cases keyed in `only`) at every size, interleaved round
    by round."""
    results: dict[tuple[str, int], Series] = {}
    all_cases = [c for c in cases() if only is None or c.key in only]
    for size in sizes:
        tracker = ensure_tracker(size)
        out = DATA_DIR / f"out_{size}.xlsx"
        rounds = repeat_for(size)
        for round_no in range(rounds):
            for case in all_cases:
                key = (case.key, size if case.per_size else 0)
                series = results.setdefault(key, Series())
                if series.error:
                    continue
                # A command that failed at a smaller size is not retried at a larger one.
                if any(k[0] == case.key and s.error and k[1] < size for k, s in results.items()):
                    series.error = "skipped: failed at a smaller size"
                    continue
                out.unlink(missing_ok=True)
                sample, rc, stderr = run_once(case.argv(tracker, out))
                if rc != 0:
                    series.error = failure_note(rc, stderr)
                    log(f"  {size:>7,} {case.key:<14} FAILED {series.error}")
                    continue
                series.samples.append(sample)
                if case.key == "score_o" and out.exists():
                    series.out_bytes, series.in_bytes = out.stat().st_size, tracker.stat().st_size
                log(
                    f"  {size:>7,} {case.key:<14} round {round_no + 1}/{rounds}"
                    f" {sample.seconds:7.2f}s (cpu {sample.cpu:6.2f}s)"
                    f" {sample.peak_kb / 1024:6.0f} MB"
                )
        out.unlink(missing_ok=True)
    return results


# --- the triage app -------------------------------------------------------------------


def measure_tui(log: Callable[[str], None]) -> dict:
    """Run benchmarks/bench_tui.py on the 50k tracker, if its owner has written it.

    It is asked for JSON on stdout (`--json`); a dict of seconds (and maybe notes).
    """
    script = Path(CODE["root"]) / "benchmarks" / "bench_tui.py"
    if not script.exists():
        return {"error": "not measured: benchmarks/bench_tui.py does not exist yet"}
    tracker = ensure_tracker(TUI_SIZE)
    log(f"  triage app on {TUI_SIZE:,} partners (bench_tui.py)")
    proc = subprocess.run(
        [PY, str(script), "--json", str(tracker), "--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=CODE["root"],
        env=child_env(),
    )
    if proc.returncode != 0:
        return {"error": "not measured: bench_tui.py " + failure_note(proc.returncode, proc.stderr)}
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"error": "not measured: bench_tui.py printed no JSON"}


# --- profile --------------------------------------------------------------------------


@dataclass
class Profile:
    label: str
    seconds: float | None = None
    top_cumulative: list[tuple[str, float, float, int]] = field(default_factory=list)
    top_own: list[tuple[str, float, int]] = field(default_factory=list)
    imports: list[tuple[str, float]] = field(default_factory=list)
    heavy_imports: list[str] = field(default_factory=list)
    error: str | None = None


OWN_PREFIX = re.compile(r".*/(tierwise|polars|openpyxl|fastexcel|lxml|textual|click)/")


def _where(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name
    short = OWN_PREFIX.sub(r"\1/", path)
    if short == path:
        short = Path(path).name
    return f"{short}:{line}({name})"


def profile_command(label: str, args: list[str], log: Callable[[str], None]) -> Profile:
    """cProfile one command, plus `-X importtime` to see what start-up costs."""
    result = Profile(label)
    prof_file = DATA_DIR / f"profile_{re.sub(r'[^a-z]+', '_', label.lower()).strip('_')}.prof"
    log(f"  profiling {label}")
    argv = [PY, "-m", "cProfile", "-o", str(prof_file), "-m", "tierwise.cli", *args]
    sample, rc, stderr = run_once(argv)
    # cProfile swallows the command's SystemExit, so a failure shows only on stderr.
    failed = re.search(r"^tierwise: ", stderr, re.MULTILINE)
    if rc != 0 or failed or not prof_file.exists():
        result.error = failure_note(rc or 1, stderr)
        return result
    result.seconds = sample.seconds
    stats = pstats.Stats(str(prof_file))
    raw = stats.stats  # type: ignore[attr-defined]
    by_cum = sorted(raw.items(), key=lambda kv: kv[1][3], reverse=True)
    # Import machinery and click's dispatch only restate the totals: leave them out.
    skip = re.compile(
        r"<built-in method builtins\.(exec|__import__)>|<frozen importlib|cProfile|runpy"
        r"|\(<module>\)|^click/|_bootstrap"
    )
    for func, (_cc, ncalls, tottime, cumtime, _callers) in by_cum:
        where = _where(func)
        if skip.search(where):
            continue
        result.top_cumulative.append((where, cumtime, tottime, ncalls))
        if len(result.top_cumulative) == 25:
            break
    by_own = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)
    result.top_own = [(_where(f), v[2], v[1]) for f, v in by_own[:15]]

    _, rc, stderr = run_once([PY, "-X", "importtime", "-m", "tierwise.cli", *args])
    imports: dict[str, float] = {}
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if not m:
            continue
        # Own time summed by top package: what each library costs at start-up.
        root = m.group(4).split(".")[0]
        imports[root] = imports.get(root, 0) + int(m.group(1)) / 1e6
        if (
            root in {"textual", "openpyxl", "lxml", "fastexcel"}
            and root not in result.heavy_imports
        ):
            result.heavy_imports.append(root)
    result.imports = sorted(imports.items(), key=lambda kv: kv[1], reverse=True)[:10]
    return result


def profiles(size: int, log: Callable[[str], None]) -> list[Profile]:
    tracker = str(ensure_tracker(size))
    out = DATA_DIR / f"out_profile_{size}.xlsx"
    found = [
        profile_command(f"inspect --json ({size:,})", ["inspect", tracker, "--json"], log),
        profile_command(
            f"score --json ({size:,})", ["score", tracker, "--json", "--as-of", AS_OF], log
        ),
    ]
    out.unlink(missing_ok=True)
    found.append(
        profile_command(
            f"score -o ({size:,})", ["score", tracker, "-o", str(out), "--as-of", AS_OF], log
        )
    )
    out.unlink(missing_ok=True)
    return found


def measure_stages(size: int, log: Callable[[str], None]) -> list[dict] | str:
    """benchmarks/stages.py on one tracker: time, RSS and peak after each stage of a
    `score` run in one process (its /proc peak is its own, fork or not)."""
    script = Path(CODE["root"]) / "benchmarks" / "stages.py"
    if not script.exists():
        return "not measured: benchmarks/stages.py is missing"
    log(f"  stages of one score run at {size:,}")
    done = subprocess.run(
        [PY, str(script), str(ensure_tracker(size)), "--json"],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=CODE["root"],
        timeout=TIMEOUT_S,
    )
    if done.returncode != 0:
        return failure_note(done.returncode, done.stderr)
    return json.loads(done.stdout)


def render_stages(stages: dict[int, list[dict] | str]) -> list[str]:
    if not stages:
        return []
    out = [
        "## Where the time and memory go (one process, `benchmarks/stages.py`)",
        "",
        "What `score --json` and `score -o` do, stage by stage, in one process: seconds,",
        "then resident and peak memory after the stage (indented rows are inside the one",
        "above them).",
        "",
    ]
    for size, rows in stages.items():
        out += [f"**{size:,} partners**", ""]
        if isinstance(rows, str):
            out += [rows, ""]
            continue
        out += ["| stage | s | RSS MB | peak MB |", "|---|---:|---:|---:|"]
        for row in rows:
            name = row["stage"].replace("|", "\\|")
            name = ("&nbsp;&nbsp;&nbsp;&nbsp;" + name.strip()) if name.startswith(" ") else name
            out.append(
                f"| {name} | {row['seconds']:.3f} | {row['rss_mb']:.0f} | {row['peak_mb']:.0f} |"
            )
        out.append("")
    return out


# --- report ---------------------------------------------------------------------------


def loadavg() -> str:
    with open("/proc/loadavg") as fh:
        return ", ".join(fh.read().split()[:3])


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = 0.0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem_gb = int(line.split()[1]) / 1024 / 1024
    usable = len(os.sched_getaffinity(0))
    versions = []
    for pkg in ("tierwise", "polars", "fastexcel", "openpyxl", "lxml", "textual", "click"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    return [
        ("CPU", cpu),
        ("cores", f"{os.cpu_count()} ({usable} usable)"),
        ("memory", f"{mem_gb:.1f} GB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("libraries", ", ".join(versions)),
    ]


def _fmt_s(value: float | None) -> str:
    return "—" if value is None else (f"{value:.3f}" if value < 10 else f"{value:.1f}")


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def results_table(results: dict[tuple[str, int], Series], sizes: list[int]) -> list[str]:
    labels = {c.key: c.label for c in cases()}
    lines = []
    ref = [c for c in cases() if not c.per_size]
    lines += ["| reference | time (s) | CPU s | peak MB | runs |", "|---|---:|---:|---:|---:|"]
    for case in ref:
        s = results.get((case.key, 0), Series())
        note = s.error or ""
        lines.append(
            f"| {case.label} | {_fmt_s(s.seconds)} | {_fmt_s(s.cpu)} | {_fmt_mb(s.peak_mb)} | "
            f"{len(s.samples)}{' ' + note if note else ''} |"
        )
    lines.append("")
    for size in sizes:
        a = results.get(("A", size), Series())
        b = results.get(("B", size), Series())
        c = results.get(("C", size), Series())
        r = results.get(("R", size), Series())
        lines += [
            f"**{size:,} partners**",
            "",
            "| command | time (s) | ÷ A | ÷ B | ÷ C | ÷ R | CPU s | peak MB | ÷ B's peak | runs |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for case in cases():
            if not case.per_size:
                continue
            s = results.get((case.key, size))
            if s is None:
                continue
            if s.error and not s.samples:
                lines.append(f"| {labels[case.key]} | {s.error} | | | | | | | | 0 |")
                continue
            lines.append(
                f"| {labels[case.key]} | {_fmt_s(s.seconds)} | {_ratio(s.seconds, a.seconds)} | "
                f"{_ratio(s.seconds, b.seconds)} | {_ratio(s.seconds, c.seconds)} | "
                f"{_ratio(s.seconds, r.seconds)} | "
                f"{_fmt_s(s.cpu)} | {_fmt_mb(s.peak_mb)} | {_ratio(s.peak_mb, b.peak_mb)} | "
                f"{len(s.samples)}{' (then ' + s.error + ')' if s.error else ''} |"
            )
        lines.append("")
    return lines


def _fmt_mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    limit: str
    met: bool | None  # None: not measured
    cpu: str = ""  # the same ratio on CPU seconds, for a busy machine


def targets(results: dict[tuple[str, int], Series], tui: dict) -> list[Target]:
    """The issue's targets, judged on 10k partners (scaling: 100k over 10k)."""

    def get(key: str, size: int = 10_000) -> Series:
        return results.get((key, size), Series())

    def time_target(name: str, key: str, base: str, limit: float) -> Target:
        num, den = get(key), get(base)
        if num.seconds is None or den.seconds is None:
            return Target(name, "not measured", f"≤ {limit}×", None)
        r = num.seconds / den.seconds
        cpu = _ratio(num.cpu, den.cpu)
        shown = f"{r:.2f}× ({num.seconds:.2f} s / {den.seconds:.2f} s)"
        return Target(name, shown, f"≤ {limit}×", r <= limit, cpu)

    found = [
        time_target("`score --json` time ÷ baseline A (10k)", "score_json", "A", 0.3),
        time_target("`score -o` time ÷ baseline B (10k)", "score_o", "B", 0.4),
    ]
    mem, mem_b = get("score_o").peak_mb, get("B").peak_mb
    name = "`score -o` peak memory ÷ baseline B's (10k)"
    if mem is None or mem_b is None:
        found.append(Target(name, "not measured", "≤ 0.5×", None))
    else:
        shown = f"{mem / mem_b:.2f}× ({mem:.0f} MB / {mem_b:.0f} MB)"
        found.append(Target(name, shown, "≤ 0.5×", mem / mem_b <= 0.5))
    found.append(
        time_target(
            "`inspect` time ÷ baseline C (10k; both whole processes, so C includes start-up)",
            "inspect",
            "C",
            1.5,
        )
    )
    for key, label in (
        ("inspect", "inspect"),
        ("score_json", "score --json"),
        ("score_o", "score -o"),
    ):
        s10, s100 = get(key), get(key, 100_000)
        name = f"`{label}` 100k ÷ 10k time (at most linear)"
        if s10.seconds is None or s100.seconds is None:
            found.append(Target(name, "not measured", "≤ 10×", None))
        else:
            r = s100.seconds / s10.seconds
            shown = f"{r:.1f}× ({s10.seconds:.2f} s → {s100.seconds:.2f} s)"
            found.append(Target(name, shown, "≤ 10×", r <= 10, _ratio(s100.cpu, s10.cpu)))
    found += tui_targets(tui)
    return found


def floor_targets(results: dict[tuple[str, int], Series], size: int) -> list[Target]:
    """Issue 18's targets at `size` (100k): Tierwise against the physical floor (calamine's
    raw read R, the zip re-write Z), the output's size and peak memory."""

    def get(key: str, at: int = size) -> Series:
        return results.get((key, at), Series())

    def ratio_target(name: str, key: str, bases: tuple[str, ...], limit: float) -> Target:
        num, dens = get(key), [get(b) for b in bases]
        if num.seconds is None or num.cpu is None or any(d.seconds is None for d in dens):
            return Target(name, "not measured", f"≤ {limit}×", None)
        den = sum(d.seconds or 0.0 for d in dens)
        den_cpu = sum(d.cpu or 0.0 for d in dens)
        r = num.seconds / den
        shown = f"{r:.2f}× ({num.seconds:.2f} s / {den:.2f} s)"
        return Target(name, shown, f"≤ {limit}×", r <= limit, _ratio(num.cpu, den_cpu))

    n = f"{size // 1000}k"
    found = [
        ratio_target(
            f"`score -o` ÷ (calamine raw + zip re-write) ({n})", "score_o", ("R", "Z"), 1.5
        ),
        ratio_target(f"`score --json` ÷ calamine raw ({n})", "score_json", ("R",), 1.6),
        ratio_target(f"`inspect` ÷ calamine raw ({n})", "inspect", ("R",), 1.3),
    ]
    written = get("score_o")
    name = f"`score -o` output size ÷ input size ({n})"
    if written.out_bytes is None or not written.in_bytes:
        found.append(Target(name, "not measured", "≤ 1.6×", None))
    else:
        r = written.out_bytes / written.in_bytes
        shown = f"{r:.2f}× ({written.out_bytes / 1e6:.1f} MB / {written.in_bytes / 1e6:.1f} MB)"
        found.append(Target(name, shown, "≤ 1.6×", r <= 1.6))
    for key, label in (("score_json", "score --json"), ("score_o", "score -o")):
        peak = get(key).peak_mb
        name = f"`{label}` peak memory ({n})"
        if peak is None:
            found.append(Target(name, "not measured", "< 400 MB", None))
            continue
        found.append(Target(name, f"{peak:.0f} MB", "< 400 MB", peak < 400))
        smaller = get(key, size // 10).peak_mb
        if smaller:
            name = f"`{label}` peak memory growth, {size // 10_000}k → {n}"
            growth = peak / smaller
            shown = f"{growth:.1f}× ({smaller:.0f} MB → {peak:.0f} MB)"
            found.append(Target(name, shown, "< 10×", growth < 10))
    return found


def tui_targets(tui: dict) -> list[Target]:
    """Judge the triage app's numbers: first paint after scoring, and each key round."""
    limits = [
        ("first_paint_after_scoring_s", "triage app: first paint after scoring (50k)", 1.0),
        ("sort_s", "triage app: a sort (50k)", 0.1),
        ("filter_s", "triage app: a filter (50k)", 0.1),
        ("decision_s", "triage app: a decision (50k)", 0.1),
    ]
    found = []
    for key, name, limit in limits:
        value = tui.get(key)
        if not isinstance(value, int | float):
            found.append(Target(name, tui.get("error", "not measured"), f"≤ {limit:g} s", None))
        else:
            found.append(
                Target(name, f"{value * 1000:.0f} ms", f"≤ {limit * 1000:.0f} ms", value <= limit)
            )
    return found


def render(
    results: dict[tuple[str, int], Series],
    sizes: list[int],
    repeats: dict[int, int],
    tui: dict,
    profs: list[Profile],
    notes: str,
    elapsed: float,
    load: tuple[str, str] = ("?", "?"),
    stages: dict[int, list[dict] | str] | None = None,
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    runs = ", ".join(f"{repeats[s]} at {s:,}" for s in sizes)
    out = [
        "# Tierwise benchmark results",
        "",
        f"Generated by `python benchmarks/run.py` on {now} (the run took {elapsed / 60:.1f} min). "
        f"Medians of interleaved runs ({runs}); every time is a whole process, interpreter "
        "start included, and peak memory is that process's own peak RSS (`os.wait4`). "
        "Trackers come from `benchmarks/trackers.py` (seeded): a title block, 34 columns "
        "(32 mapped, 2 not), typed values, a Lists sheet with drop-downs.",
        "",
        f"Tierwise measured: {code_label()}.",
        "",
        f"Load average (1, 5, 15 min) at the start: {load[0]}; at the end: {load[1]} "
        f"(on {os.cpu_count()} cores: above that, other work shared the machine and wall "
        "times stretch, while CPU seconds and the ratios of interleaved runs hold better).",
        "",
        "## Targets (issue 7)",
        "",
        "| target | measured (wall time) | limit | | same ratio on CPU s |",
        "|---|---|---|---|---|",
    ]
    for t in targets(results, tui):
        mark = {True: "met", False: "**missed**", None: "not measured"}[t.met]
        out.append(f"| {t.name} | {t.measured} | {t.limit} | {mark} | {t.cpu} |")
    if 100_000 in sizes:
        out += [
            "",
            "## Targets (issue 18: the physical floor, 100k)",
            "",
            "| target | measured (wall time) | limit | | same ratio on CPU s |",
            "|---|---|---|---|---|",
        ]
        for t in floor_targets(results, 100_000):
            mark = {True: "met", False: "**missed**", None: "not measured"}[t.met]
            out.append(f"| {t.name} | {t.measured} | {t.limit} | {mark} | {t.cpu} |")
    out += ["", "## Times and peak memory", ""]
    out += results_table(results, sizes)
    out += ["## Triage app (50,000 partners, `benchmarks/bench_tui.py`)", ""]
    if "error" in tui and len(tui) == 1:
        out.append(tui["error"])
    else:
        out += ["| measurement | value |", "|---|---:|"]
        for key, value in tui.items():
            timed = key.endswith("_s") and isinstance(value, int | float)
            shown = f"{value * 1000:.0f} ms" if timed else str(value)
            out.append(f"| {key} | {shown} |")
    out.append("")
    out += render_stages(stages or {})
    out += render_profiles(profs)
    others = sorted(HERE.glob("RESULTS-*.md"))
    if others:
        out += ["## Other benchmarks", ""]
        out += [f"- [{p.name}]({p.name})" for p in others]
        out.append("")
    out += ["## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine()]
    out += ["", "## Notes", "", NOTES_START, notes.strip(), NOTES_END, ""]
    return "\n".join(out)


def render_profiles(profs: list[Profile]) -> list[str]:
    if not profs:
        return []
    out = ["## Profile (cProfile)", ""]
    for p in profs:
        out.append(f"### `tierwise {p.label}`")
        out.append("")
        if p.error:
            out += [f"not profiled: {p.error}", ""]
            continue
        out.append(
            f"Wall time under cProfile: {p.seconds:.2f} s (profiling overhead included). "
            "Heavy modules imported: "
            f"{', '.join(p.heavy_imports) or 'none of textual, openpyxl, lxml, fastexcel'}."
        )
        out += ["", "| function (by cumulative time) | cumulative s | own s | calls |"]
        out.append("|---|---:|---:|---:|")
        for where, cum, own, calls in p.top_cumulative:
            out.append(f"| `{where}` | {cum:.3f} | {own:.3f} | {calls:,} |")
        out += ["", "| function (by own time) | own s | calls |", "|---|---:|---:|"]
        for where, own, calls in p.top_own:
            out.append(f"| `{where}` | {own:.3f} | {calls:,} |")
        out += ["", "| package imported (`-X importtime`, own time summed) | s |", "|---|---:|"]
        for name, secs in p.imports:
            out.append(f"| `{name}` | {secs:.3f} |")
        out.append("")
    return out


def kept_notes(path: Path) -> str:
    """The hand-written notes block of an existing RESULTS.md."""
    if not path.exists():
        return "(none yet)"
    text = path.read_text(encoding="utf-8")
    start, end = text.find(NOTES_START), text.find(NOTES_END)
    if start < 0 or end < 0:
        return "(none yet)"
    return text[start + len(NOTES_START) : end].strip() or "(none yet)"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="Comma-separated tracker sizes (default: 1000,10000,100000).",
    )
    parser.add_argument(
        "--repeat",
        help="Runs per measurement: N for every size, or one per size (5,5,2). "
        "Default: 5 up to 10k partners, 3 above.",
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="Skip the cProfile and stage-by-stage passes."
    )
    parser.add_argument("--no-tui", action="store_true", help="Skip the triage app benchmark.")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Where to write the table.")
    parser.add_argument(
        "--cases",
        metavar="KEYS",
        help="Only these cases, comma-separated keys (e.g. R,Z,inspect,score_json,score_o: "
        "issue 18's floor ratios in minutes instead of the openpyxl baselines' half hour). "
        f"Keys: {', '.join(c.key for c in cases())}.",
    )
    parser.add_argument(
        "--commit",
        metavar="REF",
        help="Benchmark this commit (exported with git archive) instead of the working tree.",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sizes = sorted(int(s.strip().lower().replace("k", "000")) for s in args.sizes.split(","))
    counts = [int(n) for n in args.repeat.split(",")] if args.repeat else []
    if len(counts) not in (0, 1, len(sizes)):
        raise SystemExit("--repeat takes one count, or one per size")
    repeats = {
        size: (counts[0] if len(counts) == 1 else counts[i])
        if counts
        else (5 if size <= 10_000 else 3)
        for i, size in enumerate(sizes)
    }
    started = time.perf_counter()
    load_start = loadavg()
    if args.commit:
        use_commit(args.commit)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    precompile(Path(CODE["root"]) / "tierwise")
    for size in sorted({*sizes, *([] if args.no_tui else [TUI_SIZE])}):
        log(f"tracker of {size:,} partners: {ensure_tracker(size).name}")
    if shutil.which("tierwise") is None and not (Path(PY).parent / "tierwise").exists():
        log("note: no `tierwise` script beside this Python; using `python -m tierwise.cli`")

    only = frozenset(k.strip() for k in args.cases.split(",")) if args.cases else None
    unknown = sorted((only or set()) - {c.key for c in cases()})
    if unknown:
        raise SystemExit(f"--cases: unknown key(s) {', '.join(unknown)}")
    results = measure(sizes, repeats.__getitem__, log, only)
    tui = {"error": "not measured (--no-tui)"} if args.no_tui else measure_tui(log)
    profs: list[Profile] = []
    stages: dict[int, list[dict] | str] = {}
    if not args.no_profile:
        for size in sizes:
            if size >= 10_000:
                stages[size] = measure_stages(size, log)
        size = 10_000 if 10_000 in sizes else max(sizes)
        if results.get(("score_json", size), Series()).samples:
            profs = profiles(size, log)
        else:
            log("  not profiling: `tierwise score` does not work yet")
    text = render(
        results,
        sizes,
        repeats,
        tui,
        profs,
        kept_notes(args.results),
        time.perf_counter() - started,
        (load_start, loadavg()),
        stages,
    )
    args.results.write_text(text, encoding="utf-8")
    log(f"wrote {args.results} in {(time.perf_counter() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
