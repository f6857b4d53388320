"""``nyc-mobility init``: a ready ``DAGSTER_HOME`` for running the pipeline under ``dagster dev``.

Writes ``dagster.yaml`` (SQLite run/event/schedule storage, local compute logs, tick retention, run
retries for crashed runs, run monitoring, one warehouse writer at a time through the
``duckdb_warehouse`` pool), ``workspace.yaml`` (the ``nyc_mobility.definitions`` code location) and
``.env`` (the settings ``dagster dev`` loads from the working directory), then creates the SQLite
storage once, so the daemon, the webserver and the code server that ``dagster dev`` starts together do
not race to create it (Dagster issue 27390: two processes stamping a fresh schedule database leave
two alembic heads and every later start fails).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class InstanceLayout:
    home: Path
    data_dir: Path
    storage_dir: Path
    compute_logs_dir: Path
    max_concurrent_runs: int = 4
    tick_retention_days: int = 30

    @classmethod
    def under(cls, home: Path, *, data_dir: Path | None = None) -> InstanceLayout:
        home = Path(home).absolute()
        data = Path(data_dir).absolute() if data_dir else home / "data"
        return cls(home, data, data / "dagster_storage", home / "logs" / "dagster_compute")


def dagster_yaml(layout: InstanceLayout) -> dict:
    return {
        "storage": {"sqlite": {"base_dir": str(layout.storage_dir)}},
        "compute_logs": {
            "module": "dagster._core.storage.local_compute_log_manager",
            "class": "LocalComputeLogManager",
            "config": {"base_dir": str(layout.compute_logs_dir)},
        },
        "local_artifact_storage": {
            "module": "dagster._core.storage.root",
            "class": "LocalArtifactStorage",
            "config": {"base_dir": str(layout.storage_dir / "artifacts")},
        },
        # Runs launched together queue; assets that write the warehouse share one pool slot, so
        # two builds never hold the DuckDB file at once.
        "concurrency": {
            "runs": {"max_concurrent_runs": layout.max_concurrent_runs},
            "pools": {"default_limit": 1, "granularity": "op"},
        },
        "run_monitoring": {"enabled": True, "start_timeout_seconds": 180, "poll_interval_seconds": 60},
        "run_retries": {"enabled": True, "max_retries": 1, "retry_on_asset_or_op_failure": False},
        "retention": {
            "schedule": {"purge_after_days": layout.tick_retention_days},
            "sensor": {
                "purge_after_days": {"skipped": 7, "failure": layout.tick_retention_days, "success": -1}
            },
        },
        "telemetry": {"enabled": False},
    }


def workspace_yaml() -> dict:
    return {
        "load_from": [
            {"python_module": {"module_name": "nyc_mobility.definitions", "location_name": "nyc_mobility"}}
        ]
    }


def write_instance(layout: InstanceLayout, *, force: bool = False) -> list[Path]:
    """Write the three files; existing ones are kept unless ``force``."""
    layout.home.mkdir(parents=True, exist_ok=True)
    for folder in (layout.storage_dir, layout.compute_logs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    files = {
        layout.home / "dagster.yaml": yaml.safe_dump(dagster_yaml(layout), sort_keys=False),
        layout.home / "workspace.yaml": yaml.safe_dump(workspace_yaml(), sort_keys=False),
        layout.home / ".env": f"DAGSTER_HOME={layout.home}\nNYC_MOBILITY_DATA_DIR={layout.data_dir}\n",
    }
    written = []
    for path, text in files.items():
        if path.exists() and not force:
            continue
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def prepare_storage(layout: InstanceLayout) -> list[Path]:
    """Create the instance's run, event-log and schedule databases now, in this one process.

    Opening the instance creates and stamps every SQLite database it needs; an instance that exists
    is only opened. Returns the database files."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(layout.home)):
        pass
    return sorted(layout.storage_dir.rglob("*.db"))
