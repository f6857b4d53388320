"""The metrics' reader connections: read-only, locked down, on a file that is a DuckDB database, and
only one SELECT at a time."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nyc_mobility.serving.publishing import allowed_folders
from nyc_mobility.sql_quoting import identifier, literal, literals

if TYPE_CHECKING:
    import duckdb


def reader_connection(database: Path, catalog: str) -> duckdb.DuckDBPyConnection:
    """A connection that can only read ``database`` (attached read-only as ``catalog``).

    Defence in depth for callers who wrap the metrics API in a service: no file, network or
    extension access (``enable_external_access = false``: no ATTACH, COPY, file readers, INSTALL)
    but the snapshot's own parquet parts (``allowed_directories``), and the configuration locked so
    no statement can turn it back on.
    """
    import duckdb

    from nyc_mobility.settings import LOCAL_TIMEZONE, in_process_memory_limit

    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            # A reader lives in someone's process (the build's KPI step, a notebook, an API): bounded,
            # where DuckDB's default is 80 % of the machine (5.5 GB for the KPI table of a real month).
            "memory_limit": in_process_memory_limit(),
        },
    )
    try:
        # the snapshot's monthly tables are views over its parquet parts: the one folder it may read
        con.execute(f"set allowed_directories = [{literals(allowed_folders(Path(database)))}]")
        con.execute(f"attach {literal(database)} as {identifier(catalog)} (read_only)")
        con.execute(f"use {identifier(catalog)}")
        con.execute(f"set TimeZone = '{LOCAL_TIMEZONE}'")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def check_database_file(path: Path) -> None:
    """``path`` must be a DuckDB database file (its header says so), not a parquet, a CSV or anything
    else a caller may pass as the database."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    from nyc_mobility.metrics.engine import MetricQueryError

    if head[:4] == b"PAR1":
        raise MetricQueryError(
            f"{path} is a parquet file, not a DuckDB database: give the serving snapshot "
            "(DATA_DIR/serving/nyc_mobility.duckdb)"
        )
    if head[8:12] != b"DUCK" and Path(path).parent.name == "serving":  # a snapshot the package wrote
        from nyc_mobility.errors import damaged_database

        raise MetricQueryError(
            damaged_database("not a valid DuckDB database file", warehouse=None, snapshot=Path(path))
        )
    if head[8:12] != b"DUCK":
        raise MetricQueryError(
            f"{path} is not a DuckDB database: give the serving snapshot (DATA_DIR/serving/nyc_mobility.duckdb)"
        )


def single_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but exactly one SELECT statement."""
    import duckdb

    from nyc_mobility.metrics.engine import MetricQueryError

    statements = con.extract_statements(sql)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(s.type.name for s in statements) or "none"
        raise MetricQueryError(
            f"refused to run the planned query: expected one SELECT statement, got {kinds}"
        )
