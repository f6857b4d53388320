"""Which months `nyc-mobility run` builds (nyc_mobility.run.plan) after a real first build: a second
run with nothing changed builds nothing and says so (the first run used to record its fingerprint
before the sample wrote the zone files, so the second rebuilt everything)."""

from __future__ import annotations

import shutil


def test_a_second_run_with_nothing_changed_builds_nothing(sample_build, tmp_path):
    from nyc_mobility.run.runner import run_all

    data = tmp_path / "data"
    shutil.copytree(sample_build.settings.data_dir, data, symlinks=True)
    settings = type(sample_build.settings)(data_dir=data)
    summary = run_all(settings)
    assert summary.success, summary.errors
    assert any("nothing changed since the last build" in note for note in summary.warnings), summary.warnings
