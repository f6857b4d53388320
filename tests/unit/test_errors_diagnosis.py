"""Known conditions diagnosed by DuckDB's own wording, naming the right file and the right remedy
(issue 32): a damaged file whose message holds "block" is not "in use", a file another process holds
is, and a path that is no DuckDB database given as the database is said to be that, not a damaged
warehouse to rebuild. Generated files of several kinds, through the metrics CLI and `run`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nyc_mobility.cli import app
from nyc_mobility.errors import explain_text, held_by_another


def _writers(kind: str, path: Path) -> None:
    if kind == "blocks":
        path.write_bytes(b"block lock unlock " * 4000)
    elif kind == "zeros":
        path.write_bytes(b"\0" * 70_000)
    elif kind == "text":
        path.write_text("root:x:0:0:root:/root:/bin/bash\n" * 100)
    elif kind == "parquet":
        pq.write_table(pa.table({"a": [1, 2]}), path)
    elif kind == "truncated":
        con = duckdb.connect(str(path))
        con.execute("create table t as select range as x from range(100000)")
        con.close()
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize("kind", ["blocks", "zeros", "text", "parquet"])
def test_a_file_that_is_no_duckdb_database_is_named_as_such_by_metrics(tmp_path, kind):
    path = tmp_path / f"given.{kind}"
    _writers(kind, path)
    result = CliRunner().invoke(app, ["metrics", "query", "--metrics", "trips", "--database", str(path)])
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert str(path) in out and "not a DuckDB database" in out
    assert "in use" not in out and "--rebuild" not in out and "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["blocks", "zeros", "truncated"])
def test_a_damaged_warehouse_is_damaged_not_in_use(tmp_path, kind):
    from nyc_mobility.run.runner import RunError, check_warehouse
    from nyc_mobility.settings import Settings

    settings = Settings(data_dir=tmp_path)
    settings.warehouse_path.parent.mkdir(parents=True)
    _writers(kind, settings.warehouse_path)
    try:
        check_warehouse(settings, rebuild=False)
    except RunError as error:
        message = str(error)
    else:
        pytest.skip("DuckDB opened this damaged file read-only")  # a cut WAL-less file can still open
    assert "is damaged" in message and "--rebuild" in message and "in use" not in message
    assert message.count("the warehouse") == 1


def test_a_file_another_process_writes_is_in_use_with_its_pid(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(duckdb.Error) as caught:
            duckdb.connect(str(path), read_only=True)
        line = explain_text(str(caught.value))
        assert line == held_by_another(str(caught.value))
        assert f"process {holder.pid}" in line and str(path) in line
        result = CliRunner().invoke(app, ["metrics", "query", "--metrics", "trips", "--database", str(path)])
        assert (
            result.exit_code == 2
            and "in use by process" in result.output
            and "Traceback" not in result.output
        )
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    "text",
    [
        'IO Error: The file "/x/warehouse/nyc_mobility.duckdb" exists, but it is not a valid DuckDB database file! block 7',
        "Corrupt block checksum in a lock-free page",
    ],
)
def test_block_is_not_lock(text):
    assert held_by_another(text) is None
    assert "in use" not in (explain_text(text) or "")
