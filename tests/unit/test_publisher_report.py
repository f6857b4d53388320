"""The TLC's own monthly report as a source: its format check, its landing (one copy per download
date), ingest from a 127.0.0.1 mirror, the Python reading the raw months' asset check uses, and the
sample calibrated against it. Numbers are checked against the CSV read independently."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from nyc_mobility import raw, sources
from nyc_mobility.raw import formats
from nyc_mobility.raw.publisher import Reconciled, publisher_trips
from tests.conftest import REAL_DATA
from tests.fake_hosts import Ok

REAL_REPORT = REAL_DATA / "tlc_reports" / "data_reports_monthly_through_2025-03.csv"
HEADER = (
    "Month/Year,License Class,Trips Per Day,Farebox Per Day,Unique Drivers,Unique Vehicles,Vehicles Per Day,"
    "Avg Days Vehicles on Road,Avg Hours Per Day Per Vehicle,Avg Days Drivers on Road,"
    "Avg Hours Per Day Per Driver,Avg Minutes Per Trip,Percent of Trips Paid with Credit Card,"
    "Trips Per Day Shared"
)


def report_text(rows: list[tuple[str, str, str]]) -> str:
    """A report in the published dialect: quoted thousands, '-' and '%' (newest month first)."""
    out = [HEADER]
    for month, license_class, per_day in sorted(rows, reverse=True):
        out.append(f'{month},{license_class},"{per_day}",-,"1,234",987,654,20.1,6.2,20.3,6.1,19.0,84%,-')
    return "\n".join(out) + "\n"


def real_report() -> Path:
    if not REAL_REPORT.is_file():
        pytest.skip(
            f"the real report copy is absent ({REAL_REPORT}; it lives in the workplace's shared/ folder)"
        )
    return REAL_REPORT


def independent(path: Path) -> dict[tuple[str, str], float]:
    with path.open(encoding="utf-8") as handle:
        return {
            (r["Month/Year"], r["License Class"]): float(r["Trips Per Day"].replace(",", ""))
            for r in csv.DictReader(handle)
            if r["Trips Per Day"] not in ("-", "")
        }


def test_the_real_copy_passes_the_format_check_and_lands_under_its_date(tmp_path):
    path = real_report()
    assert formats.tlc_report(path) == {"rows": 812, "first_month": "2010-01", "last_month": "2025-03"}
    record = sources.get("tlc_report")
    landed = raw.land_report(path, tmp_path, record, "2025-05-10")
    assert landed == tmp_path / "tlc_reports" / "copy=2025-05-10" / "data_reports_monthly.csv"
    assert landed.read_bytes() == path.read_bytes()  # as published
    raw.land_report(path, tmp_path, record, "2025-06-01")
    assert list(raw.report_copies(tmp_path, record)) == ["2025-05-10", "2025-06-01"]


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Access denied</html>",
        b"LocationID,Borough\n1,EWR\n",
        HEADER.encode() + b"\n2024-13,Yellow,1\n",
        b"",
    ],
)
def test_what_is_not_the_report_is_refused_and_never_landed(tmp_path, body):
    bad = tmp_path / "data_reports_monthly.csv"
    bad.write_bytes(body)
    with pytest.raises(raw.RawFileError, match="not the TLC's monthly report"):
        raw.land_report(bad, tmp_path / "raw", sources.get("tlc_report"), "2025-05-10")
    assert not (tmp_path / "raw").exists()


def test_publisher_trips_are_trips_per_day_times_days_from_the_latest_copy(tmp_path):
    path = real_report()
    record = sources.get("tlc_report")
    older = tmp_path / "older.csv"
    older.write_text(report_text([("2024-10", "Yellow", "1")]), encoding="utf-8")
    raw.land_report(older, tmp_path, record, "2024-01-01")
    raw.land_report(path, tmp_path, record, "2025-05-10")
    per_day = independent(path)
    for mode, month, classes in [
        ("yellow_taxi", "2024-10", ("Yellow",)),
        ("hvfhv", "2024-11", ("FHV - High Volume",)),
        ("fhv", "2024-02", ("FHV - Black Car", "FHV - Livery", "FHV - Lux Limo")),
        ("green_taxi", "2015-06", ("Green",)),
    ]:
        days = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
        figure = publisher_trips(tmp_path, mode, month)
        assert figure is not None and figure.copy_date == "2025-05-10"
        assert figure.trips == round(sum(per_day[(month, c)] for c in classes) * days)
    assert publisher_trips(tmp_path, "citibike", "2024-10") is None  # not in the report
    assert publisher_trips(tmp_path, "yellow_taxi", "2030-01") is None  # not covered
    assert publisher_trips(tmp_path / "none", "yellow_taxi", "2024-10") is None  # not landed


@pytest.mark.parametrize(
    ("ours", "within"),
    [(9_800, False), (9_899, False), (9_900, True), (10_000, True), (10_100, True), (10_101, False)],
)
def test_the_tolerance_is_symmetric_and_inclusive(tmp_path, ours, within):
    record = sources.get("tlc_report")
    report = tmp_path / "r.csv"
    report.write_text(report_text([("2024-02", "Green", "10000")]), encoding="utf-8")  # 29 days
    raw.land_report(report, tmp_path, record, "2025-01-01")
    figure = publisher_trips(tmp_path, "green_taxi", "2024-02")
    assert figure.trips == 290_000
    assert Reconciled(ours * 29, figure, 0.01).within is within


def test_the_raw_months_check_warns_naming_the_month_the_mode_and_both_counts(tmp_path):
    import dagster as dg

    from nyc_mobility.defs.assets.raw import publisher_check
    from nyc_mobility.settings import Settings

    settings = Settings(data_dir=tmp_path, data_origin="official")
    report = tmp_path / "r.csv"
    report.write_text(
        report_text([("2024-10", "Yellow", "100,000"), ("2024-11", "Yellow", "100,000")]), encoding="utf-8"
    )
    raw.land_report(report, settings.raw_dir, sources.get("tlc_report"), "2025-05-10")
    yellow = sources.get("yellow")
    fine = publisher_check(settings, yellow, {"2024-10": {"rows": 3_100_000}})
    assert fine.passed and fine.severity == dg.AssetCheckSeverity.WARN
    short = publisher_check(
        settings, yellow, {"2024-10": {"rows": 3_100_000}, "2024-11": {"rows": 2_940_000}}
    )
    assert not short.passed  # 2 % fewer than 3,000,000
    assert "yellow_taxi 2024-11: 2,940,000 records landed" in short.description
    assert "3,000,000 trips" in short.description and "copy of 2025-05-10" in short.description
    missing = publisher_check(settings, yellow, {"2024-12": {"rows": 1}})
    assert not missing.passed and "no figure in a landed copy" in missing.description


def test_ingest_lands_the_report_from_a_mirror_as_a_copy_of_today(tmp_path, fake_hosts):
    from nyc_mobility.ingest.run import ingest
    from nyc_mobility.ingest.urls import SourceUrls

    text = report_text([("2024-10", "Yellow", "122,312")])
    fake_hosts.add("/csv/data_reports_monthly.csv", Ok(text.encode(), "text/csv"))
    urls = SourceUrls(tlc_reports_base=f"{fake_hosts.url}/csv", enforce_allow_list=False)
    report = ingest(tmp_path / "raw", tmp_path / "dl", [], ["tlc_report"], urls=urls)
    assert not report.failures
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    (landed,) = report.landed[0].files
    assert landed == tmp_path / "raw" / "tlc_reports" / f"copy={today}" / "data_reports_monthly.csv"
    assert landed.read_text(encoding="utf-8") == text
    again = ingest(tmp_path / "raw", tmp_path / "dl", [], ["tlc_report"], urls=urls)
    assert again.landed[0].skipped  # today's copy is kept


def test_the_official_url_is_on_the_allow_list():
    from nyc_mobility.ingest.urls import DEFAULT_URLS

    (url,) = DEFAULT_URLS.urls_for(sources.get("tlc_report"))
    assert url == "https://www.nyc.gov/assets/tlc/downloads/csv/data_reports_monthly.csv"
    assert DEFAULT_URLS.check(url) == url


def test_the_shipped_sample_volumes_are_the_real_reports():
    from nyc_mobility.sample import volumes

    text = real_report().read_text(encoding="utf-8-sig")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=("month", *volumes.MODES), lineterminator="\n")
    writer.writeheader()
    writer.writerows(volumes.from_report(text))
    assert out.getvalue() == volumes.TABLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("source", "mode", "scale"),
    [
        ("yellow", "yellow_taxi", 0.01),
        ("green", "green_taxi", 0.2),
        ("fhv", "fhv", 0.02),
        ("hvfhv", "hvfhv", 0.005),
    ],
)
@pytest.mark.parametrize("month", ["2024-10", "2024-11"])
def test_a_sample_month_at_real_volume_is_within_five_percent_of_the_report(
    tmp_path, source, mode, scale, month
):
    """The sample's months (the default 2024-10 and 2024-11) against the real report copy read
    independently: records landed / scale within ±5 % of trips per day x days."""
    import duckdb

    from nyc_mobility.sample import land_source

    per_day = independent(real_report())
    days = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
    record = sources.get(source)
    theirs = sum(per_day[(month, c)] for c in record.report_license_classes) * days
    files = [str(p) for p in land_source(tmp_path, month, source, scale=scale) if p.suffix == ".parquet"]
    ours = duckdb.sql(f"select count(*) from read_parquet({files})").fetchall()[0][0] / scale
    assert abs(ours / theirs - 1) <= 0.05, (mode, month, ours, theirs)
