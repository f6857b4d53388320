"""The benchmark runs and reports (a smoke run at the demo's size; it asserts shape, never timings)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration


def test_bench_run_reports_metric_latency(sample_build, tmp_path):
    from bench.__main__ import main

    assert (
        main(
            [
                "run",
                "--data-dir",
                str(sample_build.settings.data_dir),
                "--repeat",
                "2",
                "--no-cold",
                "--no-docs",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    report = json.loads((tmp_path / "latest.json").read_text())
    assert report["machine"]["cores"] >= 1 and report["machine"]["metricflow"] != "-"
    cases = report["metrics"]["cases"]
    assert len(cases) == 4
    for case in cases.values():
        assert case["warm_metric_query"]["runs"] == 2 and case["hand_sql"]["median_ms"] > 0
        assert case["ratio"] > 0
