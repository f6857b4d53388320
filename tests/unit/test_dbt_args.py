import json
from pathlib import Path

import pytest

from nyc_mobility.dbt.args import build_args, dbt_vars, invocation_target_path, landed_trip_tables, vars_arg
from nyc_mobility.months import InvalidMonthError
from nyc_mobility.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "d", duckdb_path=tmp_path / "w.duckdb")


def test_vars_point_dbt_at_the_users_paths(settings, tmp_path):
    assert dbt_vars(settings) == {
        "duckdb_path": str(tmp_path / "w.duckdb"),
        "raw_dir": str(tmp_path / "d" / "raw"),
        "publisher_tolerance": 0.01,
        "publisher_fhv_tolerance": 0.10,
    }


def test_month_window_is_validated_and_normalised(settings):
    values = dbt_vars(settings, start_month="2024-01", end_month=" 2024-03")
    assert (values["start_month"], values["end_month"]) == ("2024-01", "2024-03")
    with pytest.raises(InvalidMonthError):
        dbt_vars(settings, start_month="2024-01'; drop table fct_trips; --")
    with pytest.raises(ValueError, match="after end_month"):
        dbt_vars(settings, start_month="2024-05", end_month="2024-01")


def test_build_args(settings):
    args = build_args(settings)
    assert args[0] == "build"
    assert args[1] == "--vars"
    assert json.loads(args[2])["raw_dir"].endswith("raw")
    assert "--full-refresh" in build_args(settings, full_refresh=True)
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"


def test_threads_flag_only_when_set(tmp_path):
    assert "--threads" not in build_args(Settings(data_dir=tmp_path))
    args = build_args(Settings(data_dir=tmp_path, dbt_threads=3))
    assert args[args.index("--threads") + 1] == "3"


def test_vars_arg_is_stable_json():
    assert vars_arg({"b": 1, "a": "x"}) == ["--vars", '{"a": "x", "b": 1}']


def test_invocation_target_path_is_inside_data_dir_and_sanitised(settings):
    path = invocation_target_path(settings, "../../etc/passwd")
    assert path.parent == settings.dbt_artifacts_dir / "runs"
    assert ".." not in path.name and "/" not in path.name


def test_landed_trip_tables_names_the_trip_sources_with_files(tmp_path):
    raw = tmp_path / "raw"
    assert landed_trip_tables(raw) == []
    (raw / "tlc_yellow" / "month=2024-10").mkdir(parents=True)
    (raw / "tlc_yellow" / "month=2024-10" / "yellow_tripdata_2024-10.parquet").write_bytes(b"PAR1")
    (raw / "tlc_green" / "month=2024-10").mkdir(parents=True)  # a folder without files is no landing
    (raw / "tlc_green" / "month=2024-10" / ".partial.parquet").write_bytes(b"")  # nor a hidden temporary
    (raw / "citibike" / "month=2024-11").mkdir(parents=True)
    (raw / "citibike" / "month=2024-11" / "202411-citibike-tripdata_1.parquet").write_bytes(b"PAR1")
    (raw / "weather" / "month=2024-11").mkdir(parents=True)  # not a trip source
    (raw / "weather" / "month=2024-11" / "open_meteo.json").write_text("{}")
    assert landed_trip_tables(raw) == ["tripdata", "yellow_tripdata"]


def test_a_spark_build_passes_its_sources_session_paths_and_export_folder(tmp_path):
    spark = Settings(data_dir=tmp_path / "d", duckdb_path=tmp_path / "w.duckdb", engine="spark")
    folder = spark.raw_dir / "tlc_yellow" / "month=2024-10"
    folder.mkdir(parents=True)
    (folder / "yellow_tripdata_2024-10.parquet").write_bytes(b"PAR1")
    values = dbt_vars(spark, start_month="2024-10", end_month="2024-10")
    assert values["landed_sources"] == ["yellow_tripdata"]
    assert values["spark_warehouse"] == str(tmp_path / "d" / "spark" / "warehouse")
    assert values["spark_metastore"] == str(tmp_path / "d" / "spark" / "metastore_db")
    assert values["spark_derby_home"] == str(tmp_path / "d" / "spark")  # derby.log, not in the project
    args = build_args(spark, start_month="2024-10", end_month="2024-10", export_dir=tmp_path / "x")
    assert json.loads(args[args.index("--vars") + 1])["export_dir"] == str(tmp_path / "x")
    # DuckDB builds carry none of it
    duck = dbt_vars(Settings(data_dir=tmp_path / "d", duckdb_path=tmp_path / "w.duckdb"))
    assert not {
        "landed_sources",
        "spark_warehouse",
        "spark_metastore",
        "spark_derby_home",
        "export_dir",
    } & set(duck)
    with pytest.raises(ValueError):
        Settings(data_dir=tmp_path, engine="postgres")
