from pathlib import Path

import pytest
from pydantic import ValidationError

from nyc_mobility.settings import Settings


def test_defaults_resolve_to_absolute_user_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.warehouse_path == tmp_path / "data" / "warehouse" / "nyc_mobility.duckdb"
    assert settings.raw_dir == tmp_path / "data" / "raw"


def test_from_env_reads_prefixed_variables(tmp_path):
    env = {
        "NYC_MOBILITY_DATA_DIR": str(tmp_path),
        "NYC_MOBILITY_TARGET": "prod",
        "NYC_MOBILITY_CRON": "15 4 * * 1",
        "NYC_MOBILITY_LOG_RETENTION_DAYS": "7",
    }
    settings = Settings.from_env(env)
    assert (settings.data_dir, settings.target, settings.cron, settings.log_retention_days) == (
        tmp_path,
        "prod",
        "15 4 * * 1",
        7,
    )


def test_overrides_win_over_environment(tmp_path):
    settings = Settings.from_env({"NYC_MOBILITY_TARGET": "prod"}, target="dev", data_dir=tmp_path)
    assert settings.target == "dev"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target": "staging"},
        {"cron": "every day"},
        {"log_retention_days": 0},
        {"sample_start": "2024-13"},
        {"data_origin": "s3"},
        {"source": "s3"},
        {"unknown": 1},
    ],
)
def test_invalid_settings_are_rejected(kwargs):
    with pytest.raises(ValidationError):
        Settings(**kwargs)


def test_explicit_duckdb_path_is_kept(tmp_path):
    assert Settings(duckdb_path=Path(tmp_path / "x.duckdb")).warehouse_path == tmp_path / "x.duckdb"


@pytest.mark.parametrize("path", ["/tmp/it's", "/tmp/a\nb", "/tmp/$HOME"])
def test_paths_that_could_break_out_of_sql_literals_are_refused(path):
    with pytest.raises(ValidationError, match="unsupported character"):
        Settings(data_dir=path)


def test_validation_errors_never_echo_what_was_passed():
    secret = "hooks.example.com/services/T0/B0/SECRETXYZ"
    cases = [
        {"alert_webhook_url": secret},
        {"webserver_url": f"ftp://{secret}"},
        {"log_retention_days": "SECRETXYZ"},
        {"alert_sinks": "SECRETXYZ"},
        {"unknown_field": "SECRETXYZ"},
    ]
    for kwargs in cases:
        with pytest.raises(ValidationError) as error:
            Settings(**kwargs)
        assert "SECRETXYZ" not in str(error.value), kwargs


def test_public_dump_shows_no_credentials():
    settings = Settings(
        webserver_url="https://admin:hunter2@dagster.example.com:3000/?token=SECRETXYZ",
        alert_sinks="webhook",
        alert_webhook_url="https://hooks.example.com/services/T0/B0/SECRETXYZ",
        tlc_base_url="https://mirror:pw@mirror.example.com/tlc?sig=SECRETXYZ",
    )
    dumped = str(settings.public_dump())
    assert "hunter2" not in dumped and "SECRETXYZ" not in dumped and ":pw@" not in dumped
    assert "dagster.example.com:3000" in dumped and "mirror.example.com/tlc" in dumped


def test_the_renamed_source_setting_still_works_with_a_warning():
    with pytest.warns(DeprecationWarning, match="'source' is deprecated; use 'data_origin'"):
        assert Settings(source="official").data_origin == "official"
    with pytest.warns(DeprecationWarning, match="NYC_MOBILITY_DATA_ORIGIN"):
        assert Settings.from_env({"NYC_MOBILITY_SOURCE": "official"}).data_origin == "official"
    assert Settings.from_env({"NYC_MOBILITY_DATA_ORIGIN": "official"}).data_origin == "official"
