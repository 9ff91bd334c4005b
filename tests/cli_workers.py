"""Run many `tierwise` command lines fast, each still fenced by a time and memory limit.

Starting one Python process per corpus file costs a second of imports each; here a
few long-lived worker processes (address space capped with RLIMIT_AS) run the CLI
in-process through click's CliRunner, one command at a time. A command that hangs or
kills its worker is reported as such, and a fresh worker takes the next command.
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Outcome:
    """How one command line ended: its exit code and output, or "timeout"/"crash"."""

    argv: tuple[str, ...]
    exit_code: int | None
    stdout: str
    stderr: str
    failure: str = ""  # "timeout" or "crash: ..." when the worker did not answer


def _worker_main() -> None:  # runs inside a worker process
    from click.testing import CliRunner

    from tierwise.cli import main

    for line in sys.stdin:
        argv = json.loads(line)
        result = CliRunner().invoke(main, argv, catch_exceptions=True)
        err = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            err += f"\nTraceback (uncaught): {type(result.exception).__name__}"
        reply = {"code": result.exit_code, "stdout": result.stdout, "stderr": err}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


class _Worker:
    def __init__(self, memory: int) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("TIERWISE_DEBUG", None)

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from tests.cli_workers import _worker_main; _worker_main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            preexec_fn=limit,
            cwd=REPO,
            env=env,
        )

    def run(self, argv: Sequence[str], timeout: float) -> Outcome:
        assert self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write(json.dumps(list(argv)) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return Outcome(tuple(argv), None, "", "", "crash: worker gone")
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            return Outcome(tuple(argv), None, "", "", "timeout")
        line = self.proc.stdout.readline()
        if not line:
            return Outcome(tuple(argv), None, "", "", f"crash: exit {self.proc.wait()}")
        reply = json.loads(line)
        return Outcome(tuple(argv), reply["code"], reply["stdout"], reply["stderr"])

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def run_commands(
    commands: Sequence[Sequence[str]],
    *,
    workers: int = 2,
    timeout: float = 30.0,
    memory: int = 3 << 30,
) -> list[Outcome]:
    """Run each argv (without the leading "tierwise") and return outcomes in order."""
    chunks = [list(range(i, len(commands), workers)) for i in range(workers)]
    results: dict[int, Outcome] = {}

    def drive(indices: list[int]) -> None:
        worker, used = _Worker(memory), False
        try:
            for i in indices:
                outcome = worker.run(commands[i], timeout)
                if "MemoryError" in outcome.stderr and used:
                    # The cap is per process: what earlier commands left in this worker
                    # is not this command's. Judge it again in a fresh worker, alone.
                    worker.close()
                    worker = _Worker(memory)
                    outcome = worker.run(commands[i], timeout)
                results[i], used = outcome, True
                if outcome.failure:
                    worker.close()
                    worker, used = _Worker(memory), False
        finally:
            worker.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(drive, chunks))
    return [results[i] for i in range(len(commands))]
