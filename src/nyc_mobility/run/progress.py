"""Progress of ``nyc-mobility run``, read from the run's log as dbt writes it.

dbt prints one line when a node starts and one when it ends (``12 of 122 START sql table model
main.fct_trips``, ``12 of 122 OK created ...``); every dbt step begins with ``Running with dbt=`` and
ends with ``Finished running``. :class:`RunProgress` turns those lines into the state a progress
bar shows (phase, nodes done of total, the node running, models built); :func:`follow` feeds it the
lines of a log file as they are written, from a thread. Nothing here changes what the run does.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DBT_STEPS = (
    "dbt upstream (staging, dimensions)",
    "dbt monthly (trips, facts, grid, quality)",
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_NODE = re.compile(
    r"\b(?P<done>\d+) of (?P<total>\d+) (?P<status>START|OK|PASS|WARN|ERROR|FAIL|SKIP)\b(?P<rest>.*)"
)
_NAMED = re.compile(r"\b(?P<kind>model|seed|test|unit_test|snapshot)\s+(?:main\.)?(?P<name>[\w.]+)")


@dataclass
class RunProgress:
    """What a run has done so far, from its log lines."""

    step: int = 0
    """dbt steps started (0: landing raw files and loading the definitions)."""
    finished_steps: int = 0
    total: int = 0
    done: int = 0
    running: list[str] = field(default_factory=list)
    models_built: int = 0
    failures: int = 0
    started: float = field(default_factory=time.monotonic)
    step_started: float = field(default_factory=time.monotonic)
    step_seconds: list[float] = field(default_factory=list)
    step_nodes: list[int] = field(default_factory=list)

    @property
    def phase(self) -> str:
        if self.step == 0:
            return "landing raw files, loading the definitions"
        if self.finished_steps >= len(DBT_STEPS):
            return "KPI table, serving snapshot"
        return DBT_STEPS[min(self.step, len(DBT_STEPS)) - 1]

    def feed(self, line: str) -> bool:
        """Take one log line; True when the state changed."""
        line = _ANSI.sub("", line)
        if "Running with dbt=" in line:
            self.step += 1
            self.total = self.done = 0
            self.running = []
            self.step_started = time.monotonic()
            return True
        if "Finished running" in line:
            self.finished_steps += 1
            self.running = []
            self.step_seconds.append(time.monotonic() - self.step_started)
            self.step_nodes.append(self.done)
            return True
        match = _NODE.search(line)
        if match is None:
            return False
        self.total = int(match["total"])
        named = _NAMED.search(match["rest"])
        if match["status"] == "START":
            if named is not None and named["name"] not in self.running:
                self.running.append(named["name"])
            return True
        self.done += 1
        words = set(re.findall(r"[\w.]+", match["rest"]))
        self.running = [n for n in self.running if n not in words and f"main.{n}" not in words]
        if named is not None and named["kind"] in ("model", "seed") and match["status"] == "OK":
            self.models_built += 1
        if match["status"] in ("ERROR", "FAIL"):
            self.failures += 1
        return True

    def describe(self) -> str:
        """``step 2/4 dbt monthly (incremental facts)``: the three dbt steps, then publishing."""
        index = len(DBT_STEPS) + 1 if self.finished_steps >= len(DBT_STEPS) else self.step
        step = f"step {index}/{len(DBT_STEPS) + 1} " if index > 0 else ""
        failed = f" · [red]{self.failures} failed[/]" if self.failures else ""
        return f"{step}{self.phase}{failed}"


def follow(
    path: Path, progress: RunProgress, on_change: Callable[[RunProgress], None], stop: threading.Event
) -> threading.Thread:
    """Feed ``progress`` every line appended to ``path`` until ``stop``.

    The run writes its log as a new file; a log left by an earlier run is skipped: nothing is read
    until the file differs from what it was when following started (the inode may be reused).
    """

    def identity() -> tuple[int, int, int] | None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    initial = identity()

    def tail() -> None:
        position, pending, started = 0, "", False
        while True:
            stopping = stop.is_set()
            now = identity()
            if now is not None and (started or now != initial):
                if not started or now[1] < position:
                    position, pending, started = 0, "", True
                with path.open("r", encoding="utf-8", errors="replace") as handle:
                    handle.seek(position)
                    chunk = handle.read()
                    position = handle.tell()
                if chunk:
                    lines = (pending + chunk).split("\n")
                    pending = lines.pop()
                    if any([progress.feed(line) for line in lines]):
                        on_change(progress)
            if stopping:
                return
            stop.wait(0.25)

    thread = threading.Thread(target=tail, name="nyc-mobility-progress", daemon=True)
    thread.start()
    return thread
