"""The benchmark runs and reports (a tiny-scale smoke run; it asserts shape, never timings).

The month, load, metric, coordinate and publishing figures; the incremental figure (three more builds) is left to real
benchmark runs. Slow and independent of the Python version: under tox it runs in py311 only.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO_ROOT, RUN_ONCE

pytestmark = pytest.mark.integration


@RUN_ONCE
def test_bench_run_reports_every_figure(tmp_path, monkeypatch):
    from bench.__main__ import main

    monkeypatch.chdir(REPO_ROOT)  # the bench's child processes run `python -m bench.child`
    args = ["run", "--scale", "0.0005", "--repeat", "1", "--query-repeat", "2"]
    args += [
        "--only",
        "month",
        "--only",
        "load",
        "--only",
        "metrics",
        "--only",
        "coordinates",
        "--only",
        "publish",
    ]
    assert (
        main([*args, "--no-cold", "--no-docs", "--data-dir", str(tmp_path / "work"), "--out", str(tmp_path)])
        == 0
    )
    report = json.loads((tmp_path / "latest.json").read_text())
    assert report["machine"]["cores"] >= 1 and report["machine"]["metricflow"] != "-"
    month = report["month"]
    assert month["pipeline"]["runs"] == 1 and month["raw_duckdb"]["median_s"] > 0 and month["ratio"] > 0
    assert month["peak_rss_mb"]["max"] > 50
    assert set(month["trips_by_mode"]) == {"yellow_taxi", "green_taxi", "fhv", "hvfhv", "citibike"}
    assert month["profile_of_last_run"]["dbt_models_s"] > 0
    steps = month["profile_of_last_run"]["steps"]
    assert all(steps[f"dbt_{part}_assets"] > 0 for part in ("upstream", "monthly"))
    assert report["load"]["ratio"] > 0
    cases = report["metrics"]["cases"]
    assert len(cases) == 4
    for case in cases.values():
        assert case["warm_metric_query"]["runs"] == 2 and case["hand_sql"]["median_ms"] > 0
    located = report["coordinates"]
    assert located["trips"] > 0 and located["distinct_points"] > 0 and located["zones"] > 0
    assert (
        located["zone_lookup"]["runs"] == 1
        and located["ratio"] > 0
        and located["point_by_point_estimate_s"] > 0
    )
    published = report["publish"]  # the month's warehouse (one month: one history length)
    assert published["months"] and published["ratio_one_month_publish"] > 0
    (case,) = published["cases"].values()
    assert case["publish_of_one_changed_month"]["runs"] == 1 and case["whole_file_copy"]["median_s"] > 0
