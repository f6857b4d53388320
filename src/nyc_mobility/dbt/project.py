"""The packaged dbt project, located once and cached.

Installed from a wheel, the project (with the manifest built at wheel-build time) sits inside the
package as ``nyc_mobility/dbt_project``. From a source checkout (editable install, ``dagster dev`` in
the repository) the top-level ``dbt_project/`` is used and its manifest is parsed on first use.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dagster_dbt import DbtProject

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the nyc_mobility package


def installed_script(name: str) -> str:
    """A console script installed beside this interpreter (works in a venv that is not activated)."""
    scripts = Path(sys.executable).parent
    for candidate in (name, f"{name}.exe"):
        if (scripts / candidate).exists():
            return str(scripts / candidate)
    return shutil.which(name) or name


def dbt_executable() -> str:
    """The dbt installed beside this interpreter."""
    return installed_script("dbt")


def packaged_project_dir() -> Path:
    return PACKAGE_DIR / "dbt_project"


def checkout_project_dir() -> Path:
    return PACKAGE_DIR.parent.parent / "dbt_project"


def project_dir() -> Path:
    packaged = packaged_project_dir()
    if (packaged / "dbt_project.yml").exists():
        return packaged
    checkout = checkout_project_dir()
    if (checkout / "dbt_project.yml").exists():
        return checkout
    raise FileNotFoundError(
        f"the dbt project is missing: neither {packaged} (installed wheel) nor {checkout} (checkout) exists"
    )


def _manifest_is_stale(directory: Path) -> bool:
    manifest = directory / "target" / "manifest.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    watched = [
        *(directory / name for name in ("dbt_project.yml", "selectors.yml")),
        *directory.glob("models/**/*"),
        *directory.glob("seeds/**/*"),
        *directory.glob("macros/**/*"),
        *directory.glob("tests/**/*"),
    ]
    return any(p.stat().st_mtime > built for p in watched if p.is_file())


def _parse(directory: Path) -> None:
    """``dbt parse`` a checkout's project (never an installed one, which ships its manifest)."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [
        sys.executable,
        "-c",
        "from dbt.cli.main import cli; cli()",
        "parse",
        "--quiet",
        "--project-dir",
        str(directory),
        "--profiles-dir",
        str(directory),
        "--target-path",
        str(directory / "target"),
        "--log-path",
        str(directory / "logs"),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse of {directory} failed:\n{result.stdout}\n{result.stderr}")


@functools.cache
def target_dir() -> Path:
    """The project's ``target/`` with an up-to-date manifest (a checkout is parsed when stale).

    Needs neither dagster nor dagster-dbt, so the metric catalog and the CLI load fast.
    """
    directory = project_dir()
    if directory != packaged_project_dir() and _manifest_is_stale(directory):
        _parse(directory)
    return directory / "target"


@functools.cache
def dbt_project() -> DbtProject:
    from dagster_dbt import DbtProject

    directory = target_dir().parent
    return DbtProject(project_dir=directory, profiles_dir=directory, target_path=Path("target"))


def manifest_path() -> Path:
    return target_dir() / "manifest.json"
