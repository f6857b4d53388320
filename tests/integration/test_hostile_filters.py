"""Metric filters cannot run SQL: every hostile filter is refused before DuckDB, the snapshot and the
file system are untouched, and every reader connection can only read (defence in depth)."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from nyc_mobility import metrics
from nyc_mobility.cli.mf import checked_args
from nyc_mobility.metrics.engine import MetricQueryError, reader_connection, single_select
from nyc_mobility.metrics.filters import UnsafeFilterError, safe_filter
from tests.conftest import scalar

pytestmark = pytest.mark.integration

BOROUGH = "{{ Dimension('trip__pickup_borough') }}"


def hostile_filters(target: str) -> list[str]:
    """Stacked statements, file functions, re-attaching the snapshot, settings, Jinja, comments."""
    return [
        f"{BOROUGH} = 'Queens'; delete from fct_trips",
        f"{BOROUGH} = 'Queens'; copy (select 1) to '{target}'",
        f"{BOROUGH} in (select 'Queens' from read_csv('/etc/passwd'))",
        f"{BOROUGH} = (select content from read_text('/etc/passwd'))",
        f"{BOROUGH} = 'x' or exists (select 1 from read_parquet('{target}'))",
        f"1 = 1; attach '{target}' as w; create table w.t as select 1",
        f"{BOROUGH} = 'x'; detach nyc_mobility",
        "1 = 1; install httpfs; load httpfs",
        f"{BOROUGH} = 'x'; pragma database_list",
        f"{BOROUGH} = 'x'; set enable_external_access = true",
        f"{BOROUGH} = getenv('HOME')",
        f"{BOROUGH} = current_setting('home_directory')",
        f"{BOROUGH} = 'x' -- and the rest is a comment",
        f"{BOROUGH} = 'x' /* comment */",
        "pickup_borough = 'Queens'",
        "{{ Dimension('trip__pickup_borough').__class__.__init__.__globals__ }} = 1",
        "{{ config.__class__ }} = 1",
        "{% raw %}1{% endraw %} = 1",
        "{{ 7 * 7 }} = 49",
        "",
        "1 = 1",
        f"{BOROUGH}::json ->> '$.x' = 'y'",
        f"{BOROUGH} = cast('x' as blob)",
        f"{BOROUGH} = 'x' union select 1",
    ]


@pytest.fixture(scope="module")
def service(sample_build):
    svc = metrics.MetricsService(sample_build.settings.serving_path)
    yield svc
    svc.close()


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_hostile_filters_are_refused_and_change_nothing(service, sample_build, tmp_path):
    snapshot = sample_build.settings.serving_path
    before = sha256(snapshot)
    target = tmp_path / "written_by_a_filter.csv"
    for where in hostile_filters(str(target)):
        with pytest.raises(UnsafeFilterError, match="refused filter"):
            service.query(["trips"], ["mode"], where=where)
        with pytest.raises(UnsafeFilterError):
            service.explain(["trips"], ["mode"], where=[f"{BOROUGH} = 'Queens'", where])
    assert not target.exists()
    assert sha256(snapshot) == before
    assert service.query(["trips"]).rows[0][0] == scalar(snapshot, "select count(*) from fct_trips")


def test_ordinary_filters_still_answer_like_sql(service, sample_build):
    snapshot = sample_build.settings.serving_path
    cases = {
        f"{BOROUGH} = 'Queens'": "pickup_borough = 'Queens'",
        f"{BOROUGH} in ('Queens', 'Bronx') and {{{{ Entity('mode') }}}} <> 'citibike'": (
            "pickup_borough in ('Queens', 'Bronx') and mode <> 'citibike'"
        ),
        f"not ({BOROUGH} like 'Man%') or {BOROUGH} is null": (
            "not (pickup_borough like 'Man%') or pickup_borough is null"
        ),
        "{{ TimeDimension('metric_time', 'day') }} between '2024-11-02' and cast('2024-11-03' as date)": (
            "pickup_date between '2024-11-02' and '2024-11-03'"
        ),
        f"{BOROUGH} <> 'Queens;--'": "pickup_borough <> 'Queens;--'",
    }
    for where, sql in cases.items():
        expected = scalar(snapshot, f"select count(*) from fct_trips where {sql}")
        assert expected > 0, sql
        assert service.query(["trips"], where=where).rows[0][0] == expected, where


def test_names_are_names(service):
    for bad in ("trips; drop table fct_trips", "trips)--", "metric_time__day desc"):
        with pytest.raises(MetricQueryError, match="not a metric or group-by name"):
            service.query(["trips"], [bad])


def test_reader_connections_cannot_write_read_files_or_reconfigure(sample_build, tmp_path):
    con = reader_connection(sample_build.settings.serving_path, "nyc_mobility")
    try:
        assert con.execute("select count(*) from fct_trips").fetchall()[0][0] > 0
        attempts = [
            "delete from fct_trips",
            "create table fct_copy as select 1",
            f"attach '{tmp_path / 'other.duckdb'}' as other",
            f"copy (select 1) to '{tmp_path / 'x.csv'}'",
            "select * from read_csv('/etc/passwd')",
            "set enable_external_access = true",
            "set lock_configuration = false",
            "install httpfs",
        ]
        for statement in attempts:
            with pytest.raises(duckdb.Error):
                con.execute(statement)
        # (DuckDB 1.x parses PRAGMA as a SELECT of a table function: read-only, and refused above anyway)
        for statement in (
            "select 1; select 2",
            "delete from fct_trips",
            "call pragma_version()",
            "attach 'x' as y",
            "set threads = 1",
        ):
            with pytest.raises(MetricQueryError, match="expected one SELECT"):
                single_select(con, statement)
    finally:
        con.close()
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "other.duckdb").exists()


def test_the_cli_refuses_with_a_message_not_a_traceback(sample_build, tmp_path):
    from typer.testing import CliRunner

    from nyc_mobility.cli import app

    db = str(sample_build.settings.serving_path)
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        [
            "metrics",
            "query",
            "--metrics",
            "trips",
            "--database",
            db,
            "--where",
            f"1=1; copy (select 1) to '{target}'",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "refused filter" in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_mf_arguments_are_checked_before_mf_runs():
    good = checked_args(["query", "--metrics", "trips", "--where", f"{BOROUGH} = 'Queens'"])
    assert good[-1] == f"{BOROUGH} = 'Queens'"
    assert checked_args([f"--where={BOROUGH} = 'Queens'"]) == [f"--where={BOROUGH} = 'Queens'"]
    for args in (["query", "--where", "1=1; delete from fct_trips"], ["--where=pickup_borough = 'x'"]):
        with pytest.raises(UnsafeFilterError):
            checked_args(args)


def test_the_filter_passed_on_is_rendered_from_the_parse_tree():
    assert safe_filter(f"  {BOROUGH}   =   'Queens'  ") == f"{BOROUGH} = 'Queens'"
    assert safe_filter(f"{BOROUGH} = 'a''b'") == f"{BOROUGH} = 'a''b'"
