"""``nyc-mobility mf ARGS``: MetricFlow's own CLI against the shipped project and the serving snapshot.

``mf`` finds the dbt project and profile through ``DBT_PROJECT_DIR``/``DBT_PROFILES_DIR``; the
shipped profile's ``serving`` target attaches ``NYC_MOBILITY_SERVING_PATH`` read-only. This sets
all of them (and sends mf's log to DATA_DIR/dbt/logs, never into site-packages), then runs mf.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import typer

from nyc_mobility.cli.options import DataDir, settings_from


def mf_environment(project_dir: Path, serving_path: Path, log_dir: Path) -> dict[str, str]:
    """Environment variables that point ``mf`` at the project and the snapshot."""
    return {
        "DBT_PROJECT_DIR": str(project_dir),
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_LOG_PATH": str(log_dir),
        "NYC_MOBILITY_TARGET": "serving",
        "NYC_MOBILITY_SERVING_PATH": str(serving_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def checked_args(args: list[str]) -> list[str]:
    """mf's arguments with every ``--where`` filter parsed and re-rendered (or refused)."""
    from nyc_mobility.metrics.filters import MAX_FILTERS, UnsafeFilterError, safe_filter

    count = sum(a == "--where" or a.startswith("--where=") for a in args)
    if count > MAX_FILTERS:
        raise UnsafeFilterError(
            f"{count} filters: at most {MAX_FILTERS} in one query (combine them with AND)"
        )
    out: list[str] = []
    expect_filter = False
    for arg in args:
        if expect_filter:
            out.append(safe_filter(arg))
            expect_filter = False
        elif arg == "--where":
            out.append(arg)
            expect_filter = True
        elif arg.startswith("--where="):
            out.append("--where=" + safe_filter(arg.removeprefix("--where=")))
        else:
            out.append(arg)
    return out


def mf(
    ctx: typer.Context,
    data_dir: Path = DataDir,
) -> None:
    """Run MetricFlow's `mf` (e.g. `nyc-mobility mf validate-configs`, `nyc-mobility mf query --metrics trips`)."""
    from nyc_mobility.dbt.project import installed_script, project_dir, target_dir
    from nyc_mobility.metrics.filters import UnsafeFilterError

    try:
        args = checked_args(list(ctx.args))
    except UnsafeFilterError as error:
        raise typer.BadParameter(str(error), param_hint="--where") from None
    settings = settings_from(data_dir=data_dir)
    log_dir = settings.dbt_artifacts_dir / "logs"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only data directory: mf only reads the snapshot, its log goes elsewhere
        import tempfile

        log_dir = Path(tempfile.mkdtemp(prefix="nyc-mobility-mf-logs-"))
    target_dir()  # a checkout's manifests are parsed first when stale
    env = {**os.environ, **mf_environment(project_dir(), settings.serving_path, log_dir)}
    completed = subprocess.run([installed_script("mf"), *args], env=env, check=False)
    raise typer.Exit(code=completed.returncode)
