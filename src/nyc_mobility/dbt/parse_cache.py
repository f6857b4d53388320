"""dbt's kept parse across invocations: each dbt step runs in a fresh target folder, seeded with the
last step's parse of the same project so dbt parses only what changed."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from nyc_mobility.settings import Settings

PARSE_CACHE = "partial_parse.msgpack"


def parse_cache_path(settings: Settings, project_dir: Path) -> Path:
    """Where the last parse of the project at ``project_dir`` is kept, one file per project location.

    dbt's own check of a kept parse compares its version, vars, profile and project files, not where
    the project is: a parse made by an install elsewhere (another virtualenv, another Python's
    site-packages) names the seeds' CSVs by that install's absolute paths, and every seed then fails
    with "No files found". Keyed by the resolved project directory, such a parse is never reused.
    """
    key = hashlib.sha256(str(Path(project_dir).resolve()).encode()).hexdigest()[:16]
    return settings.dbt_artifacts_dir / f"partial_parse-{key}.msgpack"


def restore_parse_cache(settings: Settings, target: Path, project_dir: Path) -> None:
    """Seed a fresh target folder with the last invocation's parse of this project, so dbt parses
    only what changed (dbt itself parses everything when its version, the vars, the profile or a
    project file differ)."""
    cache = parse_cache_path(settings, project_dir)
    if cache.is_file():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cache, target / PARSE_CACHE)


def save_parse_cache(settings: Settings, target: Path, project_dir: Path) -> None:
    """Keep this invocation's parse for the next one (atomically: readers never see half a file).
    A cache of an earlier version, not keyed by the project's location, is removed."""
    fresh = target / PARSE_CACHE
    if fresh.is_file():
        cache = parse_cache_path(settings, project_dir)
        tmp = cache.with_name(f".{cache.name}.tmp")
        shutil.copy2(fresh, tmp)
        os.replace(tmp, cache)
        (settings.dbt_artifacts_dir / PARSE_CACHE).unlink(missing_ok=True)
