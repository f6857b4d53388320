"""One settings object for paths, dbt target, schedule and retention.

Built from keyword arguments (the factory, the Component) or from ``NYC_MOBILITY_*`` environment
variables (``nyc_mobility.definitions``, the CLI). Every path is the user's choice: nothing is
written inside the installed package.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_CRON = "0 2 * * *"
DEFAULT_FULL_TEST_CRON = "0 4 * * 0"
DEFAULT_REPORT_CRON = "0 6 * * *"
# The embedded sample's default months and size (the CLI and the generator use these too).
SAMPLE_START, SAMPLE_END, SAMPLE_SCALE = "2024-10", "2024-11", 0.002
ENV_PREFIX = "NYC_MOBILITY_"
# Published trip times are New York wall-clock time; every connection of ours evaluates in this zone
# (the dbt profile's TimeZone too), so nothing depends on the host's.
LOCAL_TIMEZONE = "America/New_York"


def in_process_memory_limit() -> str:
    """DuckDB's memory limit for connections opened in the build's or a caller's own process (the
    metric readers, the KPI step, publishing): bounded, where DuckDB's default is 80 % of the machine."""
    return os.environ.get("NYC_MOBILITY_READER_MEMORY_LIMIT", "2GB")


Target = Literal["dev", "prod"]
DataOrigin = Literal["sample", "official"]
Engine = Literal["duckdb", "spark"]
AlertSink = Literal["log", "webhook", "slack"]
# Renamed settings: old name -> new name (the old keyword and environment variable still work,
# with a DeprecationWarning).
DEPRECATED_NAMES = {"source": "data_origin"}


def env_name(field: str) -> str:
    """The environment variable of a settings field: ``NYC_MOBILITY_`` + the field in upper case."""
    return ENV_PREFIX + field.upper()


class Settings(BaseModel):
    """Where the pipeline reads and writes, and how it is scheduled."""

    # Validation errors never echo what was passed: a webhook URL or a token may be in it.
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, hide_input_in_errors=True)

    data_dir: Path = Field(
        default_factory=lambda: Path("data"),
        description="Root of raw files, dbt artifacts, the warehouse, the serving snapshot and reports.",
    )
    duckdb_path: Path | None = Field(
        default=None, description="The warehouse file (default DATA_DIR/warehouse/nyc_mobility.duckdb)."
    )
    target: Target = Field(default="dev", description="dbt target of the shipped profile: dev or prod.")
    engine: Engine = Field(
        default="duckdb",
        description=(
            "What runs the dbt project: duckdb (one machine) or spark (dbt-spark, the `spark` extra; "
            "the profile's spark target, configured by NYC_MOBILITY_SPARK_* variables). Either way the "
            "marts are served from the DuckDB snapshot (docs/scaling-out.md)."
        ),
    )
    cron: str = Field(default=DEFAULT_CRON, description="Cron (UTC) of the daily_dbt_build schedule.")
    full_test_cron: str = Field(
        default=DEFAULT_FULL_TEST_CRON,
        description=(
            "Cron (UTC) of the weekly_full_history_tests schedule: every dbt test over every month "
            "(a month's build tests that month only)."
        ),
    )
    report_cron: str = Field(
        default=DEFAULT_REPORT_CRON,
        description=(
            "Cron (UTC) of the daily_weather_report schedule: the report is rendered again when the "
            "snapshot changed since it was last written (not in every month's build)."
        ),
    )
    log_retention_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Age after which log_retention deletes runs, logs and artifacts.",
    )
    data_origin: DataOrigin = Field(
        default="sample",
        description=(
            "Where raw files come from when a month has none: sample (the embedded generator) or "
            "official (downloaded; `nyc-mobility ingest` lands them)."
        ),
    )
    dbt_threads: int | None = Field(
        default=None, ge=1, le=64, description="dbt --threads (default: the profile's)."
    )
    partitions_start: str = Field(
        default="2024-01",
        description=(
            "First month of the monthly partitions (official data; in sample mode the partitions are "
            "the sample's months unless this is set)."
        ),
    )
    tlc_base_url: str | None = Field(
        default=None, description="Mirror of the TLC trip files (official host by default)."
    )
    citibike_base_url: str | None = Field(default=None, description="Mirror of the Citi Bike archives.")
    open_meteo_base_url: str | None = Field(default=None, description="Mirror of the Open-Meteo archive API.")
    tlc_reports_base_url: str | None = Field(
        default=None, description="Mirror of the TLC's reports folder (data_reports_monthly.csv)."
    )
    publisher_tolerance: float = Field(
        default=0.01,
        gt=0,
        lt=1,
        description=(
            "How far a month's trips in the landed files (valid + quarantined) may be from the TLC's "
            "monthly report (trips per day x days) for yellow, green and HVFHV before it is flagged."
        ),
    )
    publisher_fhv_tolerance: float = Field(
        default=0.10,
        gt=0,
        lt=1,
        description=(
            "The same for FHV, compared with the sum of the report's Black Car, Livery and Lux Limo "
            "classes (approximate: the FHV files and the report count bases differently)."
        ),
    )
    allow_any_host: bool = Field(
        default=False, description="Allow non-official (and non-HTTPS) download hosts."
    )
    sample_start: str = Field(default=SAMPLE_START, description="First month of the embedded sample.")
    sample_end: str = Field(default=SAMPLE_END, description="Last month of the embedded sample.")
    sample_scale: float = Field(
        default=SAMPLE_SCALE, gt=0, le=10, description="Sample size as a fraction of real monthly volume."
    )

    alert_sinks: tuple[AlertSink, ...] = Field(
        default=("log",),
        description="Where run failures are reported: log, webhook, slack (comma-separated in the environment).",
    )
    alert_webhook_url: str | None = Field(
        default=None, description="URL the webhook sink POSTs a JSON alert to (never logged in full)."
    )
    alert_slack_channel: str | None = Field(default=None, description="Slack channel of the slack sink.")
    alert_slack_token_env: str = Field(
        default="SLACK_BOT_TOKEN",
        description="Environment variable holding the Slack bot token (read when an alert is sent).",
    )
    webserver_url: str = Field(
        default="http://127.0.0.1:3000", description="Base URL of the Dagster UI, for links in alerts."
    )
    raw_sensor_interval_seconds: int = Field(
        default=60, ge=1, le=86400, description="How often the raw-file sensor looks for new files."
    )
    report_months: int = Field(
        default=12,
        ge=1,
        le=600,
        description=(
            "Months the weather-impact report covers: the latest ones with trips (so the report "
            "costs the same with any length of history)."
        ),
    )
    raw_settle_seconds: int = Field(
        default=60,
        ge=0,
        le=86400,
        description="A raw file must be unchanged this long before the sensor builds its month.",
    )

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, values: object) -> object:
        if not isinstance(values, dict):
            return values
        values = dict(values)
        for old, new in DEPRECATED_NAMES.items():
            if old in values:
                warnings.warn(
                    f"the setting {old!r} is deprecated; use {new!r} (environment: {env_name(new)})",
                    DeprecationWarning,
                    stacklevel=2,
                )
                value = values.pop(old)
                values.setdefault(new, value)
        return values

    @field_validator("alert_sinks", mode="before")
    @classmethod
    def _split_sinks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("alert_webhook_url", "webserver_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s) URL (starting with http:// or https://)")
        return value.rstrip("/") if value else value

    @field_validator("partitions_start", "sample_start", "sample_end")
    @classmethod
    def _valid_month(cls, value: str) -> str:
        from nyc_mobility.months import format_month, parse_month

        return format_month(parse_month(value))

    @field_validator("data_dir", "duckdb_path", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        text = str(value)
        # Paths reach dbt vars and SQL string literals (read_parquet('...')): refuse what could break out.
        # dbt-duckdb formats source locations as string.Template ($name), hence '$' too.
        if any(ch in text for ch in ("'", '"', "$", "\n", "\r", "\x00")):
            raise ValueError(f"unsupported character in path {text!r} (quotes, '$' and control characters)")
        # dbt reads the raw files through DuckDB globs: `[`, `*`, `?`, `{` in the path would make it read
        # other folders than the ones the preflight checked.
        glob = sorted({ch for ch in text if ch in "[]*?{}"})
        if glob:
            raise ValueError(
                f"unsupported character(s) {' '.join(glob)} in path {text!r}: DuckDB would take them as "
                "glob patterns and read other folders; rename the folder"
            )
        return Path(os.path.expanduser(value)).absolute()

    @field_validator("cron", "full_test_cron", "report_cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError(f"invalid cron expression {value!r} (expected 5 fields, e.g. '0 2 * * *')")
        return value

    @model_validator(mode="after")
    def _sinks_are_configured(self) -> Settings:
        if "webhook" in self.alert_sinks and not self.alert_webhook_url:
            raise ValueError("the webhook alert sink needs alert_webhook_url")
        if "slack" in self.alert_sinks and not self.alert_slack_channel:
            raise ValueError("the slack alert sink needs alert_slack_channel")
        return self

    def public_dump(self) -> dict:
        """The settings as JSON for display (UI metadata): the webhook URL (its path is the secret)
        shows only its host; every other URL loses its credentials and query string."""
        from nyc_mobility.redaction import host_only, redact_url

        values = self.model_dump(mode="json")
        for name in (
            "webserver_url",
            "tlc_base_url",
            "citibike_base_url",
            "open_meteo_base_url",
            "tlc_reports_base_url",
        ):
            if values.get(name):
                values[name] = redact_url(values[name])
        if self.alert_webhook_url:
            values["alert_webhook_url"] = host_only(self.alert_webhook_url)
        return values

    @model_validator(mode="after")
    def _default_duckdb_path(self) -> Settings:
        if self.duckdb_path is None:
            object.__setattr__(self, "duckdb_path", self.data_dir / "warehouse" / "nyc_mobility.duckdb")
        return self

    @property
    def warehouse_path(self) -> Path:
        assert self.duckdb_path is not None
        return self.duckdb_path

    def publisher_tolerance_of(self, mode: str) -> float:
        """The completeness tolerance of ``mode`` against the TLC's report (FHV's is wider)."""
        return self.publisher_fhv_tolerance if mode == "fhv" else self.publisher_tolerance

    @property
    def serving_path(self) -> Path:
        """The read-only snapshot of the warehouse that readers query (published after each build)."""
        return self.data_dir / "serving" / self.warehouse_path.name

    @property
    def report_path(self) -> Path:
        """Where the weather-impact HTML report is written."""
        return self.data_dir / "reports" / "weather_impact.html"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def spark_dir(self) -> Path:
        """A local Spark session's table files and metastore (engine spark, method session)."""
        return self.data_dir / "spark"

    @property
    def dbt_artifacts_dir(self) -> Path:
        """dbt target folders (one per invocation) and logs."""
        return self.data_dir / "dbt"

    def partition_bounds(self) -> tuple[str, str | None]:
        """First and last month of the monthly partitions (``None``: open-ended, up to the last
        complete month). Official data: from ``partitions_start`` on. Sample mode: the sample's
        months (from ``partitions_start`` when that is set), so the UI shows the months that exist
        and no freshness to miss."""
        if self.data_origin != "sample":
            return self.partitions_start, None
        start = self.partitions_start if "partitions_start" in self.model_fields_set else self.sample_start
        return min(start, self.sample_start), self.sample_end

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``NYC_MOBILITY_*`` variables; keyword overrides win."""
        env = os.environ if environ is None else environ
        names = [*cls.model_fields, *DEPRECATED_NAMES]
        values: dict[str, object] = {
            field: env[env_name(field)] for field in names if env.get(env_name(field))
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @classmethod
    def merged(cls, base: Settings | None = None, **overrides: object) -> Settings:
        """``base`` (or the defaults) with the given fields replaced; ``None`` keeps a field as it is."""
        values: dict[str, object] = base.model_dump(exclude_unset=True) if base is not None else {}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
