"""Publishing proportional to the change: the monthly tables as immutable per-month parquet parts,
and a small serving database of views over them, switched atomically.

The serving folder holds ``nyc_mobility.duckdb`` (the snapshot readers open) and
``parts/<table>/month=YYYY-MM/<generation>.parquet``. In the snapshot, each monthly table (the
incremental marts: the trips, the hourly grid, the quarantine, the quality summary) is a
view over its parts, casting every column back to the warehouse's type; every other table (the
dimensions, seeds, the KPI table...) is copied whole (they are small), every view is re-created
as the warehouse has it, and ``_published_parts`` lists the parts. Relations named ``internal``
(the staging and intermediate models, which the marts are built from) are not published.

A publish for some months (the build's window) writes only those months' parts (a month without
rows gets none: it was deleted) and the parts of rows without a month; the other months' parts are
the current snapshot's, reused as they are. Without months, on a first publish or when a table's
columns changed, every month of it is written. The new snapshot is written to a temporary file and
renamed over the old one: a reader sees the old snapshot or the new one, never half of one. Parts
that neither the new snapshot nor the one it replaced lists are deleted afterwards, so a reader
still holding the previous snapshot keeps reading it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nyc_mobility.serving.temporaries import lock_file, prepare
from nyc_mobility.sql_quoting import identifier, literal

PARTS = "parts"
LISTING = "_published_parts"
NO_MONTH = "none"
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


# Publishing runs in the build's process: its memory is bounded like a reader's, and parts need no
# insertion order (with DuckDB's defaults, 80 % of the machine and ordered COPY, the first publish of
# a 12-month history at half real volume took the run's process to 11.5 GB).
def _config() -> dict[str, object]:
    from nyc_mobility.settings import in_process_memory_limit

    return {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": in_process_memory_limit(),
        "preserve_insertion_order": False,
    }


@dataclass(frozen=True)
class MartsPublished:
    path: Path
    bytes: int
    parts_written: dict[str, list[str]] = field(default_factory=dict)
    parts_reused: int = 0
    parts_deleted: int = 0

    @property
    def written(self) -> int:
        return sum(len(months) for months in self.parts_written.values())


def parts_dir(snapshot: Path) -> Path:
    return Path(snapshot).parent / PARTS


def allowed_folders(snapshot: Path) -> list[str]:
    """The folders a reader of ``snapshot`` must be allowed to read: its parts folder, and the one
    its views name (a copied data directory's snapshot reads the parts it was published with)."""
    import duckdb

    folders = {str(parts_dir(Path(snapshot).absolute()))}
    if Path(snapshot).is_file():
        con = duckdb.connect(":memory:", config=_config())
        try:
            con.execute(f"attach {literal(snapshot)} as published (read_only)")
            rows = con.execute(f"select distinct path from published.{LISTING}").fetchall()
            folders |= {str(Path(path).parents[2]) for (path,) in rows}
        except duckdb.Error:
            pass  # no listing (a whole-file copy) or not readable: the attach will say why
        finally:
            con.close()
    return sorted(folder + os.sep for folder in folders)


def _previous(snapshot: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """The current snapshot's parts: table -> month -> (path, column signature)."""
    import duckdb

    if not snapshot.is_file():
        return {}
    # attached into a fresh database: a reader in this process may hold the file with another config
    con = duckdb.connect(":memory:", config=_config())
    try:
        con.execute(f"attach {literal(snapshot)} as previous (read_only)")
        rows = con.execute(f"select table_name, month, path, columns from previous.{LISTING}").fetchall()
    except duckdb.Error:
        return {}  # unreadable, or a snapshot published as a whole copy: every month is written
    finally:
        con.close()
    listing: dict[str, dict[str, tuple[str, str]]] = {}
    for table, month, path, columns in rows:
        listing.setdefault(table, {})[month] = (path, columns)
    return listing


def publish_marts(
    warehouse: Path,
    snapshot: Path,
    monthly: Mapping[str, str],
    months: Sequence[str] | None = None,
    internal: Collection[str] = (),
) -> MartsPublished:
    """Publish ``warehouse`` as ``snapshot`` (which nobody may be writing); ``monthly`` maps each
    monthly table to its month column, ``months`` are the months that changed (None: all);
    ``internal`` tables and views are left out."""
    import duckdb

    warehouse, snapshot = Path(warehouse), Path(snapshot)
    for month in months or []:
        if not _MONTH.fullmatch(month):
            raise ValueError(f"not a month (YYYY-MM): {month!r}")
    prepare(warehouse, snapshot)
    previous = _previous(snapshot)
    generation = uuid.uuid4().hex[:12]
    # The lock file marks a publish in progress (remove_stale_temporaries leaves locked ones alone);
    # the new snapshot is the database file beside it.
    fd, lock_name = tempfile.mkstemp(prefix=f".{snapshot.name}.", suffix=".tmp", dir=snapshot.parent)
    lock = Path(lock_name)
    tmp = lock.with_name(lock.name + ".duckdb")
    written: dict[str, list[str]] = {}
    listing: list[tuple[str, str, str, str]] = []
    reused = 0
    try:
        lock_file(fd, blocking=True)
        con = duckdb.connect(":memory:", config=_config())
        try:
            con.execute(f"attach {literal(warehouse)} as warehouse (read_only)")
            con.execute(f"attach {literal(tmp)} as {identifier(snapshot.stem)}")
            con.execute(f"use {identifier(snapshot.stem)}")
            tables = [
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where database_name = 'warehouse' "
                    "and schema_name = 'main' order by 1"
                ).fetchall()
            ]
            for table in (t for t in tables if t not in internal):
                if table not in monthly:
                    con.execute(
                        f"create table {identifier(table)} as select * from warehouse.main.{identifier(table)}"
                    )
                    continue
                parts, fresh, kept = _publish_table(
                    con, snapshot, table, monthly[table], months, previous.get(table, {}), generation
                )
                written[table], reused = fresh, reused + kept
                listing += [(table, month, path, columns) for month, (path, columns) in parts.items()]
            con.execute(
                f"create table {LISTING} (table_name varchar, month varchar, path varchar, columns varchar)"
            )
            if listing:
                con.executemany(f"insert into {LISTING} values (?, ?, ?, ?)", listing)
            _recreate_views(con, internal)
            con.execute("checkpoint")
        finally:
            con.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, snapshot)
    except BaseException:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        _remove_parts_of(snapshot, generation)
        raise
    finally:
        os.close(fd)
        lock.unlink(missing_ok=True)
    deleted = _collect_garbage(snapshot, keep={p for _, _, p, _ in listing} | _paths(previous))
    return MartsPublished(snapshot, snapshot.stat().st_size, written, reused, deleted)


def _publish_table(con, snapshot, table, month_column, months, previous, generation):
    """(month -> (path, columns)) of ``table``'s parts, the months written, the parts reused."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = 'warehouse' "
        "and schema_name = 'main' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    signature = ",".join(f"{name} {kind}" for name, kind in columns)
    source = f"warehouse.main.{identifier(table)}"
    column = identifier(month_column)
    present = {r[0] or NO_MONTH for r in con.execute(f"select distinct {column} from {source}").fetchall()}
    same_shape = previous and all(cols == signature for _, cols in previous.values())
    if months is None or not same_shape:
        to_write = sorted(present)
        parts = {}
    else:
        # a month is written again when it changed, has no part yet, or its part is gone from disk
        usable = {m for m, (path, _) in previous.items() if Path(path).is_file()}
        changed = set(months) | {NO_MONTH}
        to_write = sorted(m for m in present if m in changed or m not in usable)
        parts = {m: v for m, v in previous.items() if m in present and m not in to_write}
    for month in to_write:
        folder = parts_dir(snapshot) / table / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{generation}.parquet"
        where = f"{column} is null" if month == NO_MONTH else f"{column} = {literal(month)}"
        con.execute(
            f"copy (select * from {source} where {where}) to {literal(path)} "
            "(format parquet, compression snappy, row_group_size 122880)"  # ~40 % faster to write than zstd
        )
        parts[month] = (str(path), signature)
    files = sorted(path for path, _ in parts.values())
    if files:
        casts = ", ".join(
            f"cast({identifier(name)} as {kind}) as {identifier(name)}" for name, kind in columns
        )
        listed = ", ".join(literal(f) for f in files)
        con.execute(f"create view {identifier(table)} as select {casts} from read_parquet([{listed}])")
    else:
        con.execute(f"create table {identifier(table)} as select * from {source} limit 0")
    return parts, to_write, len(files) - len(to_write)


def _recreate_views(con, internal: Collection[str]) -> None:
    """The warehouse's views but the ``internal`` ones, as it has them (they read the published
    tables by name)."""
    views = con.execute(
        "select view_name, sql from duckdb_views() where database_name = 'warehouse' "
        "and schema_name = 'main' and not internal order by view_name"
    ).fetchall()
    views = [(name, sql) for name, sql in views if name not in internal]
    pending = list(views)
    while pending:  # a view may read another: retry until none can be created
        failed = []
        for name, sql in pending:
            try:
                con.execute(sql)
            except Exception:
                failed.append((name, sql))
        if len(failed) == len(pending):
            names = ", ".join(name for name, _ in failed)
            raise RuntimeError(f"could not publish the views {names}")
        pending = failed


def _paths(listing: dict[str, dict[str, tuple[str, str]]]) -> set[str]:
    return {path for months in listing.values() for path, _ in months.values()}


def _collect_garbage(snapshot: Path, keep: set[str]) -> int:
    root = parts_dir(snapshot)
    deleted = 0
    for path in root.glob("*/month=*/*.parquet") if root.is_dir() else []:
        if str(path) not in keep:
            path.unlink(missing_ok=True)
            deleted += 1
    for folder in sorted(root.glob("*/month=*"), reverse=True) if root.is_dir() else []:
        if not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
    return deleted


def _remove_parts_of(snapshot: Path, generation: str) -> None:
    root = parts_dir(snapshot)
    for path in root.glob(f"*/month=*/{generation}.parquet") if root.is_dir() else []:
        path.unlink(missing_ok=True)
