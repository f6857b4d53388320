"""The factory's arguments take effect; the Component mounts the pipeline in another project."""

from __future__ import annotations

import datetime as dt
import re
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest

from nyc_mobility import build_definitions
from nyc_mobility.defs.retention import purge
from nyc_mobility.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def defs(tmp_path_factory) -> dg.Definitions:
    return build_definitions(
        target="prod",
        data_dir=tmp_path_factory.mktemp("defs"),
        cron="15 4 * * 1",
        log_retention_days=9,
        partitions_start="2023-06",
        data_origin="official",
    )


def test_every_dbt_model_is_an_asset_grouped_by_layer(defs):
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["stg_tlc__yellow_taxi"] == "staging"
    assert groups["int_trips__unioned"] == "intermediate"
    assert groups["fct_trips"] == groups["dim_weather"] == "marts"
    assert groups["metricflow_time_spine"] == "semantic"
    assert groups["raw/tlc/yellow_tripdata"] == groups["raw/tlc/fhvhv_tripdata"] == "raw"
    assert groups["hvfhs_licenses"] == groups["congestion_relief_zones"] == "seeds"
    assert groups["qa_trips__quarantine"] == "quality"
    models = {
        k for k, g in groups.items() if g in {"staging", "intermediate", "marts", "semantic", "quality"}
    }
    assert models - {"semantic/kpi_daily"} == set(dbt_model_names())
    assert len(models) == 27
    # the zone shapes asset (landed with their grid) is the dbt source the zone grid's staging reads
    from nyc_mobility.defs.assets.raw import ZONE_SHAPES_KEY

    assert ZONE_SHAPES_KEY in graph.get(dg.AssetKey("stg_zones__taxi_zone_grid")).parent_keys
    for model in ("int_citibike__station_zones", "int_tlc__coordinate_zones"):
        assert groups[model] == "intermediate"
        assert dg.AssetKey("stg_zones__taxi_zone_grid") in graph.get(dg.AssetKey(model)).parent_keys, model


def dbt_model_names() -> list[str]:
    from nyc_mobility.dbt.manifest import model_names

    return model_names()


def test_the_semantic_and_serving_layers_sit_downstream_of_the_facts(defs):
    graph = defs.resolve_asset_graph()
    kpi = graph.get(dg.AssetKey(["semantic", "kpi_daily"]))
    assert kpi.group_name == "semantic"
    assert {dg.AssetKey("fct_trips"), dg.AssetKey("fct_hourly_mobility")} <= kpi.parent_keys
    assert kpi.metadata["metric_count"] >= 50
    assert "`rain_demand_lift`" in kpi.metadata["metric_catalog"].value
    snapshot = graph.get(dg.AssetKey(["serving", "warehouse_snapshot"]))
    assert snapshot.group_name == "serving"
    assert dg.AssetKey(["semantic", "kpi_daily"]) in snapshot.parent_keys
    assert dg.AssetKey("qa_trips__publisher_reconciliation") in snapshot.parent_keys
    job = defs.resolve_job_def("dbt_build")
    assert {dg.AssetKey(["serving", "warehouse_snapshot"]), dg.AssetKey(["semantic", "kpi_daily"])} <= set(
        job.asset_layer.executable_asset_keys
    )


def test_raw_assets_are_upstream_of_staging(defs):
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey("stg_citibike__trips")).parent_keys
    assert parents == {dg.AssetKey(["raw", "citibike", "tripdata"])}


def test_raw_files_and_incremental_models_share_the_monthly_partitions(defs):
    graph = defs.resolve_asset_graph()
    yellow = graph.get(dg.AssetKey(["raw", "tlc", "yellow_tripdata"]))
    keys = yellow.partitions_def.get_partition_keys()
    assert keys[0] == "2023-06" and "2024-11" in keys  # partitions_start from the factory
    for key in ("fct_trips", "int_trips__unioned", "fct_hourly_mobility", "qa_trips__quarantine"):
        node = graph.get(dg.AssetKey(key))
        assert node.partitions_def == yellow.partitions_def, key
        assert node.backfill_policy == dg.BackfillPolicy.single_run(), key
    for key in ("dim_weather", "dim_location", "stg_tlc__yellow_taxi"):
        assert graph.get(dg.AssetKey(key)).partitions_def is None, key
    assert graph.get(dg.AssetKey(["raw", "zones", "taxi_zone_lookup"])).partitions_def is None
    # A backfill of the build job over a range is one run (the job's policy is single-run).
    assert defs.resolve_job_def("dbt_build").backfill_policy == dg.BackfillPolicy.single_run()


def test_sensors_schedules_and_freshness_checks_are_defined(defs):
    assert {s.name for s in defs.sensors} == {
        "raw_files_sensor",
        "run_failure_alerts",
        "freshness_checks_sensor",
    }
    assert {s.name for s in defs.schedules} == {
        "daily_dbt_build",
        "daily_log_retention",
        "weekly_full_history_tests",
        "daily_weather_report",
    }
    graph = defs.resolve_asset_graph()
    fresh = {k.asset_key.to_user_string() for k in graph.asset_check_keys if k.name == "freshness_check"}
    assert fresh == {
        "raw/tlc/yellow_tripdata",
        "raw/tlc/fhv_tripdata",
        "raw/tlc/fhvhv_tripdata",
        "raw/tlc/green_tripdata",
        "raw/citibike/tripdata",
        "raw/weather/open_meteo_hourly",
        "fct_trips",
    }
    # What the daily build rebuilds carries a freshness policy (the daemon evaluates it): warn after
    # 26 h, fail after two missed nightly builds; the monthly facts have none (their check says more).
    for key in ("fct_hourly_mobility", "semantic/kpi_daily", "serving/warehouse_snapshot"):
        policy = graph.get(dg.AssetKey.from_user_string(key)).freshness_policy
        assert policy == dg.FreshnessPolicy.time_window(
            fail_window=dt.timedelta(hours=50), warn_window=dt.timedelta(hours=26)
        ), key
    assert graph.get(dg.AssetKey("fct_trips")).freshness_policy is None
    # Freshness is evaluated by its sensor, not by every build.
    build_checks = defs.resolve_job_def("dbt_build").asset_layer.asset_graph.asset_check_keys
    assert not any(k.name == "freshness_check" for k in build_checks)


def test_in_sample_mode_the_partitions_are_the_sample_months_and_nothing_goes_stale(tmp_path):
    """What the UI shows agrees with the sample: its months as partitions, no freshness to miss."""
    defs = build_definitions(data_dir=tmp_path, sample_start="2024-09", sample_end="2024-11")
    graph = defs.resolve_asset_graph()
    for key in ("raw/tlc/yellow_tripdata", "raw/tlc/fhvhv_tripdata", "fct_trips"):
        node = graph.get(dg.AssetKey.from_user_string(key))
        assert node.partitions_def.get_partition_keys() == ["2024-09", "2024-10", "2024-11"], key
    assert not [k for k in graph.asset_check_keys if k.name == "freshness_check"]
    assert "freshness_checks_sensor" not in {s.name for s in defs.sensors}
    assert all(graph.get(key).freshness_policy is None for key in graph.get_all_asset_keys())
    widened = build_definitions(data_dir=tmp_path, partitions_start="2024-06")
    keys = widened.resolve_asset_graph().get(dg.AssetKey("fct_trips")).partitions_def.get_partition_keys()
    assert keys[0] == "2024-06" and keys[-1] == "2024-11"


def test_sample_partition_never_overwrites_landed_files(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    settings = Settings(data_dir=tmp_path)
    landed = settings.raw_dir / "tlc_fhv" / "month=2024-05" / "fhv_tripdata_2024-05.parquet"
    landed.parent.mkdir(parents=True)
    pq.write_table(pa.table({"pickup_datetime": pa.array([0], pa.timestamp("us"))}), landed)
    before = landed.read_bytes()
    job = build_definitions(data_dir=tmp_path, partitions_start="2024-01").resolve_job_def("raw_monthly")
    result = job.execute_in_process(partition_key="2024-05", instance=dg.DagsterInstance.ephemeral())
    assert result.success
    assert landed.read_bytes() == before
    assert (settings.raw_dir / "tlc_yellow" / "month=2024-05" / "yellow_tripdata_2024-05.parquet").exists()
    fhv = [
        event.materialization
        for event in result.get_asset_materialization_events()
        if event.asset_key == dg.AssetKey(["raw", "tlc", "fhv_tripdata"])
    ]
    assert fhv[0].partition == "2024-05"
    assert fhv[0].metadata["action"].value == "kept (already landed)"
    assert fhv[0].metadata["rows"].value == 1


def test_zone_shapes_feed_the_station_zone_model(defs):
    graph = defs.resolve_asset_graph()
    assert (
        dg.AssetKey(["raw", "zones", "taxi_zone_shapes"])
        in graph.get(dg.AssetKey("stg_zones__taxi_zone_grid")).parent_keys
    )
    assert graph.get(dg.AssetKey("int_citibike__station_zones")).parent_keys >= {
        dg.AssetKey("stg_zones__taxi_zone_grid"),
        dg.AssetKey("stg_citibike__trips"),
    }


def test_descriptions_and_column_schemas_come_from_dbt(defs):
    spec = next(s for s in defs.resolve_all_asset_specs() if s.key == dg.AssetKey("fct_trips"))
    assert "One row per valid trip" in spec.description
    columns = {c.name: c for c in spec.metadata["dagster/column_schema"].columns}
    assert "trip_id" in columns and columns["trip_id"].description


def test_dbt_tests_are_asset_checks(defs):
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert ("fct_trips", "unique_fct_trips_trip_id") in checks
    assert len(checks) > 90


def test_schedule_uses_the_cron_argument_in_utc(defs):
    schedule = defs.resolve_schedule_def("daily_dbt_build")
    assert schedule.cron_schedule == "15 4 * * 1"
    assert schedule.execution_timezone == "UTC"
    job = defs.resolve_job_def("dbt_build")
    assert schedule.job_name == job.name


def test_target_and_paths_reach_dbt(defs, tmp_path):
    resource = defs.resources["dbt"]
    assert resource.target == "prod"
    settings = Settings(**defs.metadata["nyc_mobility/settings"].data)
    assert settings.log_retention_days == 9 and settings.engine == "duckdb"
    assert settings.warehouse_path.name == "nyc_mobility.duckdb"


def test_invalid_arguments_fail_fast(tmp_path):
    with pytest.raises(ValueError, match="cron"):
        build_definitions(data_dir=tmp_path, cron="not a cron")
    with pytest.raises(ValueError):
        build_definitions(data_dir=tmp_path, target="staging")  # type: ignore[arg-type]


def _finished_run(instance: dg.DagsterInstance) -> str:
    @dg.asset
    def tiny() -> int:
        return 1

    return dg.materialize([tiny], instance=instance).run_id


def test_log_retention_deletes_old_finished_runs_and_their_logs(tmp_path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        old = _finished_run(instance)
        log_dir = Path(instance.compute_log_manager._base_dir) / old
        log_dir.mkdir(parents=True, exist_ok=True)
        (log_dir / "step.out").write_text("compute log")
        running = instance.create_run_for_job(
            dg.GraphDefinition(name="g", node_defs=[]).to_job(), run_id=None
        )
        instance.handle_run_event(
            running.run_id,
            dg.DagsterEvent(event_type_value="PIPELINE_START", job_name=running.job_name),
        )
        artifacts = (
            Settings(data_dir=tmp_path / "data", log_retention_days=30).dbt_artifacts_dir / "runs" / "x"
        )
        artifacts.mkdir(parents=True)

        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=10)
        kept = purge(instance, Settings(data_dir=tmp_path / "data", log_retention_days=30), now=later)
        assert kept.runs_deleted == 0 and instance.get_run_by_id(old) is not None

        much_later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=31)
        report = purge(instance, Settings(data_dir=tmp_path / "data", log_retention_days=30), now=much_later)
        assert report.runs_deleted == 1
        assert instance.get_run_by_id(old) is None
        assert instance.all_logs(old) == []
        assert not log_dir.exists()
        assert instance.get_run_by_id(running.run_id) is not None  # never a run that is not finished
        assert report.artifact_dirs_deleted == 1 and not artifacts.exists()


def _load_dg_project(tmp_path, monkeypatch, defs_yaml: str) -> dg.Definitions:
    """A fresh dg project elsewhere whose defs folder mounts the pipeline with ``defs_yaml``."""
    project = tmp_path / "other_project"
    defs_dir = project / "src" / "other_project" / "defs" / "mobility"
    defs_dir.mkdir(parents=True)
    (project / "src" / "other_project" / "__init__.py").write_text("")
    (project / "src" / "other_project" / "defs" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        textwrap.dedent("""
        [project]
        name = "other-project"
        version = "0.0.1"

        [tool.dg]
        directory_type = "project"

        [tool.dg.project]
        root_module = "other_project"
        defs_module = "other_project.defs"
    """)
    )
    (defs_dir / "defs.yaml").write_text(defs_yaml)
    monkeypatch.syspath_prepend(str(project / "src"))
    for name in [m for m in sys.modules if m.startswith("other_project")]:
        monkeypatch.delitem(sys.modules, name)
    return dg.load_from_defs_folder(path_within_project=project)


def test_component_mounts_the_pipeline_from_another_project(tmp_path, monkeypatch):
    defs = _load_dg_project(
        tmp_path,
        monkeypatch,
        textwrap.dedent("""
        type: nyc_mobility.components.NycMobilityPipeline
        attributes:
          data_dir: warehouse_data
          target: prod
          cron: "45 6 * * *"
          log_retention_days: 14
          engine: spark
    """),
    )
    assert defs.resources["dbt"].target == "spark"  # the engine picks the profile's target
    assert defs.resolve_schedule_def("daily_dbt_build").cron_schedule == "45 6 * * *"
    settings = defs.metadata["nyc_mobility/settings"].data
    assert settings["data_dir"] == str(tmp_path / "other_project" / "warehouse_data")
    assert settings["log_retention_days"] == 14 and settings["engine"] == "spark"
    assert dg.AssetKey("fct_trips") in defs.resolve_asset_graph().get_all_asset_keys()


def _doc_blocks(language: str) -> list[str]:
    """The code blocks of the 'Mounting as a code location' section of docs/operations.md."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("## Mounting as a code location", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


def test_the_documented_factory_example_works():
    (block,) = _doc_blocks("python")
    namespace: dict = {}
    exec(block, namespace)
    defs = namespace["defs"]
    assert defs.resolve_schedule_def("daily_dbt_build").cron_schedule == "0 5 * * *"
    assert defs.metadata["nyc_mobility/settings"].data["target"] == "prod"


def test_the_documented_component_example_works(tmp_path, monkeypatch):
    (block,) = _doc_blocks("yaml")
    defs = _load_dg_project(tmp_path, monkeypatch, block)
    settings = defs.metadata["nyc_mobility/settings"].data
    assert settings["target"] == "prod"
    assert settings["data_dir"] == str(tmp_path / "other_project" / "data" / "nyc_mobility")


def test_component_is_registered_through_the_entry_point():
    from importlib.metadata import entry_points

    names = {ep.value for ep in entry_points(group="dagster_dg_cli.registry_modules")}
    assert "nyc_mobility.components" in names
