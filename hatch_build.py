"""Ship the dbt project inside the wheel with a manifest built at build time.

The top-level ``dbt_project/`` is copied to a scratch folder, ``dbt parse`` writes
``target/manifest.json`` and ``target/semantic_manifest.json`` there, and the project plus those two
artifacts are force-included as ``nyc_mobility/dbt_project``. The installed package then loads its
Dagster definitions without running dbt and without the source checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_SKIP = {"target", "logs", "dbt_packages", ".user.yml"}


class DbtManifestBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            # Editable installs use the checkout's dbt_project/ (parsed on first use).
            return
        root = Path(self.root)
        source = root / "dbt_project"
        self._scratch = Path(tempfile.mkdtemp(prefix="nyc-mobility-build-"))
        project = self._scratch / "dbt_project"
        shutil.copytree(source, project, ignore=lambda _d, names: [n for n in names if n in _SKIP])
        env = {
            **os.environ,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            # The file name becomes the catalog the manifests qualify relations with.
            "NYC_MOBILITY_DUCKDB_PATH": str(self._scratch / "nyc_mobility.duckdb"),
            "NYC_MOBILITY_RAW_DIR": str(self._scratch / "raw"),
        }
        command = [
            sys.executable,
            "-c",
            "from dbt.cli.main import cli; cli()",
            "parse",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(project / "target"),
            "--log-path",
            str(self._scratch / "logs"),
            "--no-partial-parse",
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"dbt parse failed while building the wheel:\n{result.stdout}\n{result.stderr}"
            )
        keep = {"manifest.json", "semantic_manifest.json"}
        for artifact in (project / "target").iterdir():
            if artifact.name not in keep:
                shutil.rmtree(artifact) if artifact.is_dir() else artifact.unlink()
        build_data["force_include"][str(project)] = "nyc_mobility/dbt_project"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
