"""One ``nyc-mobility run`` per data directory at a time.

Two runs on one data directory would both write the warehouse (DuckDB has one writer) and the same
log. The run holds an exclusive ``flock`` on ``DATA_DIR/.nyc-mobility.lock`` (released by the
kernel when the process ends, even killed, so a crash never leaves a stale lock); a second run
refuses with who holds it, or waits for it with ``--wait``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nyc_mobility.errors import KnownError

LOCK_NAME = ".nyc-mobility.lock"


class RunLockedError(KnownError, RuntimeError):
    """Another run holds the data directory."""


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return "another nyc-mobility run"
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("started", 0)))
    return f"another nyc-mobility run (pid {info.get('pid', '?')}, started {started})"


@contextmanager
def data_dir_lock(
    data_dir: Path, *, wait: bool = False, on_wait: Callable[[str], None] = lambda _message: None
) -> Iterator[None]:
    import fcntl

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise RunLockedError(
                    f"{holder} is building {data_dir}; wait for it to finish (or run again with "
                    "--wait), or stop it. Two runs must not write one warehouse."
                ) from None
            on_wait(f"waiting for {holder} to finish with {data_dir} ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "started": time.time()}).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
