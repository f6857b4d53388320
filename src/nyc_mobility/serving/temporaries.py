"""The serving folder's temporaries: a publish writes its new snapshot to a locked temporary file beside
the snapshot and renames it into place, so a reader sees the old snapshot or the new one, never half
of one. A temporary left by a killed publish (no lock held) is recognised and removed by the next
publish or run, never one that another process is still writing.

Publishing must run while no process writes the warehouse: in Dagster it runs in the
``duckdb_warehouse`` pool (one slot), after the models (:mod:`nyc_mobility.serving.publishing`).
"""

from __future__ import annotations

import os
from pathlib import Path


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


def lock_file(fd: int, *, blocking: bool) -> bool:
    """An exclusive ``flock`` on ``fd`` (False: another process holds it and ``blocking`` is off)."""
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
            if lock_file(fd, blocking=False):
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
