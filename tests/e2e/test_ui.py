"""What a user sees, in a real browser: the Dagster UI's lineage and the weather-impact report.

Headless Debian Chromium (/usr/bin/chromium) driven by Playwright's Python API; Playwright's own
browser download is never used. Screenshots go to test-output/ui/ (kept by CI as artifacts).
Without Chromium the tests skip, unless NYC_MOBILITY_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import RUN_ONCE
from tests.e2e.conftest import OUTPUT

pytestmark = [pytest.mark.e2e, RUN_ONCE]

GROUPS = ("raw", "seeds", "staging", "intermediate", "marts", "quality", "semantic", "serving")
LOCATION = "nyc_mobility.definitions"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NYC_MOBILITY_DATA_DIR": str(home / "data"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    # One build recorded in the instance: the asset pages then show what a user reads after a run.
    built = subprocess.run(
        [
            str(Path(sys.executable).parent / "nyc-mobility"),
            "run",
            "--quiet",
            "--data-dir",
            str(home / "data"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    webserver_bin = Path(sys.executable).parent / "dagster-webserver"
    log = (home / "webserver.log").open("w")
    process = subprocess.Popen(
        [str(webserver_bin), "-h", "127.0.0.1", "-p", str(port), "-m", LOCATION],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"dagster-webserver did not start:\n{(home / 'webserver.log').read_text()[-3000:]}"
                )
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _dismiss_welcome(page) -> None:
    """The first visit shows a newsletter dialog over the page."""
    with contextlib.suppress(Exception):  # no dialog in this version, or already dismissed
        page.get_by_role("button", name="Skip").click(timeout=15_000)


def test_the_lineage_shows_every_layer_and_the_dbt_models(browser, webserver):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{webserver}/asset-groups")
    page.get_by_text("Global asset lineage").wait_for(timeout=90_000)
    _dismiss_welcome(page)
    for group in GROUPS:
        page.get_by_text(group, exact=True).first.wait_for(timeout=30_000)
    page.screenshot(path=str(OUTPUT / "global_lineage.png"))

    # the whole marts graph and its neighbours: the canvas only renders what is in view
    page.set_viewport_size({"width": 1600, "height": 2600})
    page.goto(f"{webserver}/locations/{LOCATION}/asset-groups/marts/lineage")
    for model in ("fct_trips", "fct_hourly_mobility", "dim_weather", "dim_date", "dim_location"):
        page.get_by_text(model, exact=True).first.wait_for(timeout=60_000)
    body = page.inner_text("body")
    assert "Asset checks" in body  # the dbt tests, as asset checks on the models
    assert "kpi_daily" in body and "warehouse_snapshot" in body  # downstream of the facts
    page.screenshot(path=str(OUTPUT / "marts_lineage.png"))
    assert (OUTPUT / "marts_lineage.png").stat().st_size > 10_000
    page.close()


def test_the_weather_report_renders_its_charts(browser, sample_build, tmp_path):
    from typer.testing import CliRunner

    from nyc_mobility.cli import app

    output = tmp_path / "weather_impact.html"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "--database",
            str(sample_build.settings.serving_path),
            "--output",
            str(output),
            "--data-dir",
            str(sample_build.settings.data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(output.resolve())
    text = output.read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*\ssrc=", text) == []  # self-contained: plotly.js is inlined
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(output.as_uri())
    page.wait_for_selector(".plot-container", timeout=60_000)
    assert page.locator(".plot-container").count() == 6
    assert page.locator("g.trace").count() >= 15  # bars and lines drawn, not empty axes
    body = page.inner_text("body")
    assert (
        "Rain demand lift" in body
        and "Market share by mode" in body
        and "Rain demand lift by company" in body
    )
    # the published findings beside the sample's, which says it is synthetic
    from nyc_mobility import metrics

    service = metrics.MetricsService(sample_build.settings.serving_path)
    try:
        uber = dict(service.query(["rain_demand_lift"], ["hourly_mobility__company"]).rows)["Uber"]
    finally:
        service.close()
    table = page.locator("table", has_text="Brodeur").inner_text()
    assert "yours (synthetic sample)" in table and "+22.0%" in table and f"{uber:+.1%}" in table
    assert "embedded synthetic sample" in body and "congestion pricing" in body
    page.screenshot(path=str(OUTPUT / "weather_report.png"), full_page=True)
    page.close()
    assert errors == []


def test_fct_trips_shows_its_row_count_column_types_checks_and_partitions(browser, webserver):
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.goto(f"{webserver}/assets/fct_trips")
    _dismiss_welcome(page)
    page.wait_for_selector("text=Row count", timeout=120_000)
    page.wait_for_selector("text=wait_minutes", timeout=60_000)
    body = page.inner_text("body")
    assert re.search(r"Row count\s*[\d,]{4,}", body), body[:3000]  # the last build's rows
    assert "One row per valid trip" in body and "Raw SQL" not in body  # its description, not its SQL
    for data_type in ("VARCHAR", "DOUBLE", "TIMESTAMP", "BOOLEAN", "BIGINT"):
        assert data_type in body, data_type  # the column schema has types
    page.screenshot(path=str(OUTPUT / "fct_trips_overview.png"), full_page=True)
    page.get_by_role("tab", name="Checks").click()
    page.wait_for_selector("text=not_null_fct_trips_trip_id", timeout=60_000)
    page.screenshot(path=str(OUTPUT / "fct_trips_checks.png"), full_page=True)
    page.get_by_role("tab", name="Partitions").click()
    page.wait_for_selector("text=2024-11", timeout=60_000)
    partitions = page.inner_text("body")
    assert "2024-10" in partitions and "2024-01" not in partitions  # the sample's months only
    page.screenshot(path=str(OUTPUT / "fct_trips_partitions.png"), full_page=True)
    page.close()
