"""The serving snapshot: readers never open the warehouse the pipeline writes.

DuckDB allows one writing process per file, and a process that merely reads a file still locks
out a writer. So after a successful build the warehouse is published as a snapshot: copied to a
temporary file beside the snapshot, flushed to disk, then moved over it with an atomic rename.
A reader that has the old snapshot open keeps reading it (the rename does not touch its inode);
the next connection sees the new one. A failed or killed build never reaches this step, so the
served copy is always a complete, consistent build.

Publishing must run while no process writes the warehouse: in Dagster it runs in the
``duckdb_warehouse`` pool (one slot), after the models. The temporary copy is locked while it is
written, so one left by a killed publish (no lock held) is recognised and removed by the next
publish or run, never one that another process is still writing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Published:
    path: Path
    bytes: int


def prepare(warehouse: Path, snapshot: Path) -> None:
    """Before a publish: the warehouse exists with its log folded in, the snapshot's folder exists
    and holds no temporary left by a killed publish."""
    if not warehouse.is_file():
        raise FileNotFoundError(f"no warehouse to publish at {warehouse}; build first")
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        _checkpoint(warehouse)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(snapshot)


def publish(warehouse: Path, snapshot: Path) -> Published:
    """Atomically replace ``snapshot`` with a copy of ``warehouse`` (which nobody may be writing)."""
    warehouse, snapshot = Path(warehouse), Path(snapshot)
    prepare(warehouse, snapshot)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{snapshot.name}.", suffix=".tmp", dir=snapshot.parent)
    tmp = Path(tmp_name)
    try:
        _lock(fd, blocking=True)
        with os.fdopen(fd, "wb") as out, warehouse.open("rb") as src:
            shutil.copyfileobj(src, out, length=16 * 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(warehouse, tmp)  # mkstemp creates 0600; readers may be other users
        os.replace(tmp, snapshot)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Published(path=snapshot, bytes=snapshot.stat().st_size)


def _lock(fd: int, *, blocking: bool) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def remove_stale_temporaries(snapshot: Path) -> list[str]:
    """Delete the temporary copies a killed publish left beside ``snapshot`` (unlocked ones only)."""
    removed = []
    for tmp in Path(snapshot).parent.glob(f".{Path(snapshot).name}.*.tmp"):
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _lock(fd, blocking=False):
                for left in (
                    tmp,
                    tmp.with_name(tmp.name + ".duckdb"),
                    tmp.with_name(tmp.name + ".duckdb.wal"),
                ):
                    if left.exists():
                        left.unlink(missing_ok=True)
                        removed.append(f"removed {left} (left by an interrupted publish)")
        finally:
            os.close(fd)
    return removed


def _checkpoint(warehouse: Path) -> None:
    """Fold a leftover write-ahead log into the file so the copy holds every committed change."""
    import duckdb

    con = duckdb.connect(str(warehouse), config={"autoinstall_known_extensions": False})
    try:
        con.execute("checkpoint")
    finally:
        con.close()
