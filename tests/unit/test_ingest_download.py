"""Downloads against a local server with injected faults (no internet)."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nyc_mobility import sources
from nyc_mobility.ingest.download import DownloadError, NotFoundError, RetryPolicy, download, make_client
from nyc_mobility.ingest.urls import DisallowedHostError, SourceUrls
from nyc_mobility.raw import formats
from tests.fake_hosts import Ok, Stall, Status, Truncate

FAST = RetryPolicy(
    attempts=3, backoff_seconds=0.01, max_backoff_seconds=0.05, read_timeout=0.5, connect_timeout=1
)


@pytest.fixture(scope="module")
def parquet_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("pq") / "t.parquet"
    pq.write_table(
        pa.table({"tpep_pickup_datetime": pa.array([0, 3_600_000_000], pa.timestamp("us")), "x": [1, 2]}),
        path,
    )
    return path.read_bytes()


def _get(fake_hosts, path, tmp_path, validator=formats.parquet, policy=FAST):
    urls = SourceUrls(tlc_base=fake_hosts.url, enforce_allow_list=False)
    with make_client(policy) as client:
        return download(
            client,
            f"{fake_hosts.url}{path}",
            tmp_path / "out" / path.rsplit("/", 1)[-1],
            validator,
            urls=urls,
            policy=policy,
        )


def test_500_then_success_is_retried(fake_hosts, tmp_path, parquet_bytes):
    fake_hosts.add("/trip-data/a.parquet", Status(500), Status(503), Ok(parquet_bytes))
    result = _get(fake_hosts, "/trip-data/a.parquet", tmp_path)
    assert result.attempts == 3 and not result.skipped
    assert result.sha256 == hashlib.sha256(parquet_bytes).hexdigest()
    assert result.size == len(parquet_bytes) and result.metadata["rows"] == 2


def test_stalled_response_times_out_and_is_retried(fake_hosts, tmp_path, parquet_bytes):
    fake_hosts.add("/trip-data/b.parquet", Stall(2.0, parquet_bytes), Ok(parquet_bytes))
    result = _get(fake_hosts, "/trip-data/b.parquet", tmp_path)
    assert result.attempts == 2


def test_truncated_body_is_retried_then_reported(fake_hosts, tmp_path, parquet_bytes):
    fake_hosts.add("/trip-data/c.parquet", Truncate(parquet_bytes, 100), Ok(parquet_bytes))
    assert _get(fake_hosts, "/trip-data/c.parquet", tmp_path).attempts == 2
    fake_hosts.add("/trip-data/d.parquet", Truncate(parquet_bytes, 100))
    with pytest.raises(DownloadError, match=r"/trip-data/d\.parquet: failed after 3 attempt\(s\)"):
        _get(fake_hosts, "/trip-data/d.parquet", tmp_path)
    assert not (tmp_path / "out" / "d.parquet").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["c.parquet"]  # no .part left behind


def test_html_with_status_200_is_never_landed(fake_hosts, tmp_path):
    fake_hosts.add("/trip-data/e.parquet", Ok(b"<html><body>Rate limited</body></html>", "text/html"))
    with pytest.raises(DownloadError, match=r"e\.parquet: the response is not the expected file.*PAR1"):
        _get(fake_hosts, "/trip-data/e.parquet", tmp_path)
    assert not (tmp_path / "out" / "e.parquet").exists()
    assert fake_hosts.hits["/trip-data/e.parquet"] == 1  # a wrong format is not retried


def test_missing_file_is_not_found_without_retries(fake_hosts, tmp_path):
    with pytest.raises(NotFoundError, match="HTTP 404"):
        _get(fake_hosts, "/trip-data/missing.parquet", tmp_path)
    assert fake_hosts.hits["/trip-data/missing.parquet"] == 1


def test_existing_valid_file_is_skipped(fake_hosts, tmp_path, parquet_bytes):
    fake_hosts.add("/trip-data/f.parquet", Ok(parquet_bytes))
    _get(fake_hosts, "/trip-data/f.parquet", tmp_path)
    again = _get(fake_hosts, "/trip-data/f.parquet", tmp_path)
    assert again.skipped and fake_hosts.hits["/trip-data/f.parquet"] == 1


def test_existing_invalid_file_is_fetched_again(fake_hosts, tmp_path, parquet_bytes):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "g.parquet").write_bytes(b"PAR1 truncated")
    fake_hosts.add("/trip-data/g.parquet", Ok(parquet_bytes))
    assert not _get(fake_hosts, "/trip-data/g.parquet", tmp_path).skipped


def test_allow_list_is_enforced_by_default(tmp_path):
    urls = SourceUrls()
    with pytest.raises(DisallowedHostError, match="not an HTTPS URL on an allowed host"):
        urls.check("http://d37ci6vzurychx.cloudfront.net/trip-data/x.parquet")
    with pytest.raises(DisallowedHostError):
        urls.check("https://example.com/x.parquet")
    assert urls.check(urls.urls_for(sources.get("yellow"), "2024-01")[0]).startswith("https://d37ci6vzurychx")


def test_citibike_candidates_include_the_misspelling_and_yearly_archives():
    urls = SourceUrls()
    june = urls.urls_for(sources.get("citibike"), "2022-06")
    assert june[0].endswith("/2022-citibike-tripdata.zip")
    assert any(u.endswith("/202206-citbike-tripdata.csv.zip") for u in june)
    assert urls.urls_for(sources.get("citibike"), "2024-03")[0].endswith("/202403-citibike-tripdata.csv.zip")


def test_weather_url_asks_for_utc_and_one_extra_day():
    url = SourceUrls().urls_for(sources.get("weather"), "2024-02")[0]
    assert "start_date=2024-02-01" in url and "end_date=2024-03-01" in url and "timezone=GMT" in url


def test_a_refused_request_shows_the_services_reason_once(fake_hosts, tmp_path):
    """Open-Meteo answers a bad request with HTTP 400 and a JSON `reason`: the error says it."""
    reason = "Parameter 'start_date' is out of allowed range from 1940-01-01 to 2026-12-01"
    body = ('{"error": true, "reason": "' + reason + '\\u0007"}').encode()
    fake_hosts.add("/v1/archive", Status(400, body))
    with pytest.raises(DownloadError) as raised:
        _get(fake_hosts, "/v1/archive", tmp_path, formats.open_meteo)
    assert str(raised.value).endswith(f"HTTP 400: {reason}")  # control characters dropped
    assert fake_hosts.hits["/v1/archive"] == 1  # a 4xx is an answer, not retried
    fake_hosts.add("/v1/other", Status(422, b"<html>bad</html>"))
    with pytest.raises(DownloadError) as raised:
        _get(fake_hosts, "/v1/other", tmp_path, formats.open_meteo)
    assert str(raised.value).endswith("HTTP 422")  # no JSON reason: the status alone
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_citibike_also_tries_the_jersey_city_archive_of_the_month():
    urls = SourceUrls(citibike_base="https://s3.amazonaws.com/tripdata")
    citibike = sources.get("citibike")
    assert urls.also_urls_for(citibike, "2021-02") == [
        "https://s3.amazonaws.com/tripdata/JC-202102-citibike-tripdata.csv.zip"
    ]
    assert all(urls.also_urls_for(s, "2021-02") == [] for s in sources.all_sources() if s is not citibike)


_CSV = b"VendorID,tpep_pickup_datetime,total_amount\n1,2014-05-01 00:00:00,9.5\n" * 200


@pytest.mark.parametrize("mtime", [0, 10, 0x0A2C0A2C, 0x2C0A0000, 1_717_000_000])
def test_a_gzipped_csv_is_read_as_gzip_under_its_temporary_name(fake_hosts, tmp_path, mtime):
    """The check runs on the ``.part`` file; the gzip header's mtime bytes may hold a newline or a
    comma, which a text read of the compressed bytes would take for a "header"."""
    import gzip

    body = gzip.compress(_CSV, mtime=mtime)
    fake_hosts.add("/trip-data/y.csv.gz", Ok(body))
    result = _get(fake_hosts, "/trip-data/y.csv.gz", tmp_path, formats.csv_download)
    assert result.metadata == {"columns": 3}
    assert result.path.read_bytes() == body


@pytest.mark.parametrize("keep", [12, 40, -8, -1])
def test_a_cut_gzip_served_whole_is_refused(fake_hosts, tmp_path, keep):
    """A gzip stream cut short but served with a matching length (a broken mirror) is refused
    under its temporary name, whatever its first compressed bytes hold."""
    import gzip

    body = gzip.compress(_CSV, mtime=0x2C2C2C2C)[:keep]
    fake_hosts.add("/trip-data/z.csv.gz", Ok(body))
    with pytest.raises(
        DownloadError, match=r"z\.csv\.gz: the response is not the expected file: not a readable gzip"
    ):
        _get(fake_hosts, "/trip-data/z.csv.gz", tmp_path, formats.csv_download)
    assert not (tmp_path / "out" / "z.csv.gz").exists()


def test_a_plain_csv_and_an_html_page_are_told_apart(fake_hosts, tmp_path):
    fake_hosts.add("/trip-data/p.csv", Ok(_CSV))
    assert _get(fake_hosts, "/trip-data/p.csv", tmp_path, formats.csv_download).metadata == {"columns": 3}
    fake_hosts.add("/trip-data/h.csv", Ok(b"<!DOCTYPE html><html>moved, sorry</html>\n", "text/html"))
    with pytest.raises(DownloadError, match=r"h\.csv: the response is not the expected file: not a CSV"):
        _get(fake_hosts, "/trip-data/h.csv", tmp_path, formats.csv_download)
