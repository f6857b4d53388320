"""What a dbt step does around the invocation (nyc_mobility.dbt.step), and the run config that
reaches it (the dbt assets' DbtConfig)."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from nyc_mobility.dbt.parse_cache import parse_cache_path
from nyc_mobility.dbt.project import project_dir
from nyc_mobility.dbt.step import prepare_step
from nyc_mobility.raw.preflight import RawFilesError
from nyc_mobility.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "d")


def test_no_step_starts_before_the_raw_files_pass_the_preflight(settings):
    with pytest.raises(RawFilesError, match="taxi zone shapes are not landed"):
        prepare_step(settings, "dbt_monthly_assets", "run-1", (None, None), project_dir())
    assert not settings.warehouse_path.parent.exists()  # nothing written


def test_a_step_gets_its_window_its_own_target_and_the_kept_parse(settings):
    from nyc_mobility.sample import land_zones

    land_zones(settings.raw_dir)
    cache = parse_cache_path(settings, project_dir())
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"kept parse")
    step = prepare_step(
        settings, "dbt_monthly_assets", "run-1", ("2024-10", "2024-11"), project_dir(), full_refresh=True
    )
    values = json.loads(step.args[step.args.index("--vars") + 1])
    assert (values["start_month"], values["end_month"]) == ("2024-10", "2024-11")
    assert "--full-refresh" in step.args and step.export is None
    assert step.target.name == "run-1-dbt_monthly_assets"
    assert (step.target / "partial_parse.msgpack").read_bytes() == b"kept parse"
    assert step.files_checked == 0 and any("no yellow files" in w for w in step.warnings)


def test_full_refresh_is_run_config_of_the_dbt_steps(settings):
    from nyc_mobility.defs.assets.dbt import DbtConfig, build_dbt_assets

    for assets in build_dbt_assets(settings):
        fields = assets.op.config_schema.config_type.fields
        assert set(fields) == set(DbtConfig.model_fields) == {"full_refresh"}
        assert fields["full_refresh"].default_value is False
    assert DbtConfig(full_refresh=True).full_refresh
    assert isinstance(DbtConfig(), dg.Config)
