"""Completeness against the publisher, end to end: a build reconciles every month with the latest
landed copy of the TLC's monthly report (qa_trips__publisher_reconciliation, the run summary), and
the real copy stages with every quirk. Counts are checked against plain DuckDB over the raw bytes and
the report's CSV read with Python's csv module, never against the pipeline."""

from __future__ import annotations

import calendar
import csv
import shutil

import duckdb
import pytest

from nyc_mobility import raw, sources
from tests.conftest import RUN_ONCE_PUBLISHER, query

pytestmark = RUN_ONCE_PUBLISHER
MONTH = "2024-10"
DAYS = calendar.monthrange(2024, 10)[1]
HEADER = "Month/Year,License Class,Trips Per Day,Farebox Per Day,Avg Minutes Per Trip,Trips Per Day Shared"


def records_on_disk(raw_dir, source) -> int:
    """Every record of the month's landed files (valid + quarantined), read straight from them."""
    record = sources.get(source)
    files = [str(p) for p in raw.landed_files(raw.month_dir(raw_dir, record, MONTH))]
    return duckdb.sql(f"select count(*) from read_parquet({files}, union_by_name=true)").fetchall()[0][0]


@pytest.fixture(scope="module")
def reconciled(sample_build, tmp_path_factory):
    """A copy of the sample build, then a report landed whose green figure the files fall 2 % short
    of (the others inside their tolerance), and the run that reconciles it."""
    from nyc_mobility.run.runner import run_all

    data = tmp_path_factory.mktemp("publisher") / "data"
    shutil.copytree(sample_build.settings.data_dir, data, symlinks=True)
    settings = type(sample_build.settings)(data_dir=data)
    ours = {s: records_on_disk(settings.raw_dir, s) for s in ("yellow", "green", "fhv", "hvfhv")}
    per_day = {
        "Yellow": ours["yellow"] / DAYS,  # exactly ours
        "Green": ours["green"] / 0.98 / DAYS,  # the files hold 2 % fewer than the report
        "FHV - High Volume": ours["hvfhv"] * 1.005 / DAYS,  # 0.5 % fewer: inside ±1 %
        "FHV - Black Car": ours["fhv"] * 0.5 / DAYS,  # FHV: the three classes summed
        "FHV - Livery": ours["fhv"] * 0.3 / DAYS,
        "FHV - Lux Limo": ours["fhv"] * 0.27 / DAYS,  # 7 % more than ours: inside ±10 %
    }
    report = data / "report.csv"
    lines = [HEADER] + [f'{MONTH},{cls},"{value:,.4f}",-,19.0,"1,234"' for cls, value in per_day.items()]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw.land_report(report, settings.raw_dir, sources.get("tlc_report"), "2025-05-10")
    summary = run_all(settings)
    assert summary.success, summary.errors
    return settings, ours, per_day, summary


def test_a_month_two_percent_short_of_the_report_is_flagged_and_the_others_are_not(reconciled):
    settings, ours, per_day, summary = reconciled
    rows = {
        mode: (our_trips, publisher_trips, within, copy)
        for mode, our_trips, publisher_trips, within, copy in query(
            settings.warehouse_path,
            f"""select mode, our_trips, publisher_trips, is_within_tolerance, cast(report_copy_date as varchar)
                from qa_trips__publisher_reconciliation where source_month = '{MONTH}'""",
        )
    }
    expected = {
        "yellow_taxi": (ours["yellow"], round(per_day["Yellow"] * DAYS), True),
        "green_taxi": (ours["green"], round(per_day["Green"] * DAYS), False),
        "hvfhv": (ours["hvfhv"], round(per_day["FHV - High Volume"] * DAYS), True),
        "fhv": (
            ours["fhv"],
            round((per_day["FHV - Black Car"] + per_day["FHV - Livery"] + per_day["FHV - Lux Limo"]) * DAYS),
            True,
        ),
    }
    assert {m: r[:3] for m, r in rows.items()} == expected
    assert {r[3] for r in rows.values()} == {"2025-05-10"}
    assert any("outside tolerance: green_taxi 2024-10" in line for line in summary.publisher), (
        summary.publisher
    )
    assert not any("yellow_taxi 2024-10" in line for line in summary.publisher)


def test_the_build_warns_and_the_snapshot_serves_the_reconciliation(reconciled):
    settings, *_ = reconciled
    con = duckdb.connect(str(settings.serving_path), read_only=True)
    try:
        served = con.execute(
            "select count(*) from qa_trips__publisher_reconciliation where not is_within_tolerance"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert served >= 1


def test_the_real_copy_stages_with_every_quirk(reconciled, real_data, tmp_path):
    from nyc_mobility.run.runner import run_all

    reconciled_settings, ours, *_ = reconciled
    shutil.copytree(reconciled_settings.data_dir, tmp_path / "data", symlinks=True)  # its own copy
    settings = type(reconciled_settings)(data_dir=tmp_path / "data")
    copy = real_data / "tlc_reports" / "data_reports_monthly_through_2025-03.csv"
    raw.land_report(copy, settings.raw_dir, sources.get("tlc_report"), "2099-01-01")  # the newest copy
    assert run_all(settings).success
    with copy.open(encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        staged = con.execute(
            """select report_month, license_class, trips_per_day, farebox_per_day, credit_card_share,
                      shared_trips_per_day, avg_minutes_per_trip, cast(report_copy_date as varchar)
               from stg_tlc_reports__monthly"""
        ).fetchall()
        yellow = con.execute(
            f"select our_trips, publisher_trips from qa_trips__publisher_reconciliation "
            f"where mode = 'yellow_taxi' and source_month = '{MONTH}'"
        ).fetchall()
    finally:
        con.close()
    assert len(staged) == len(published) == 812
    by_key = {(r[0], r[1]): r for r in staged}
    assert {r[7] for r in staged} == {"2099-01-01"}  # only the latest copy

    def number(text: str) -> float | None:
        text = text.replace(",", "").removesuffix("%")
        return None if text == "-" else float(text)

    for row in published:
        got = by_key[(row["Month/Year"], row["License Class"])]
        assert got[2] == number(row["Trips Per Day"])
        assert got[3] == number(row["Farebox Per Day"])
        share = number(row["Percent of Trips Paid with Credit Card"])
        assert got[4] == (None if share is None else pytest.approx(share / 100))
        assert got[5] == number(row["Trips Per Day Shared"])
        assert got[6] == number(row["Avg Minutes Per Trip"])
    assert yellow == [(ours["yellow"], 122_312 * DAYS)]


def test_the_publisher_metrics_equal_the_counts_read_independently(reconciled):
    from nyc_mobility import metrics

    settings, ours, per_day, _ = reconciled
    service = metrics.MetricsService(settings.serving_path)
    try:
        result = service.query(
            [
                "publisher_trips",
                "publisher_reconciled_records",
                "publisher_trip_ratio",
                "publisher_months_outside_tolerance",
            ],
            ["metric_time__month", "mode"],
        )
    finally:
        service.close()
    got = {row[1]: row[2:] for row in result.rows if str(row[0]).startswith(MONTH)}
    fhv = per_day["FHV - Black Car"] + per_day["FHV - Livery"] + per_day["FHV - Lux Limo"]
    theirs = {
        "yellow_taxi": round(per_day["Yellow"] * DAYS),
        "green_taxi": round(per_day["Green"] * DAYS),
        "hvfhv": round(per_day["FHV - High Volume"] * DAYS),
        "fhv": round(fhv * DAYS),
    }
    landed = {
        "yellow_taxi": ours["yellow"],
        "green_taxi": ours["green"],
        "hvfhv": ours["hvfhv"],
        "fhv": ours["fhv"],
    }
    assert set(got) == set(theirs)
    for mode, (publisher, records, ratio, outside) in got.items():
        assert (publisher, records) == (theirs[mode], landed[mode]), mode
        assert ratio == pytest.approx(landed[mode] / theirs[mode], rel=1e-12), mode
        assert outside == (1 if mode == "green_taxi" else 0), mode
