"""Downloads and archives as an attacker (or a broken network) serves them: redirects off the
allow-list, a server trickling one byte a second, no DNS, zip bombs, members that would overwrite
each other; and secrets that must not reach messages or logs. All served from 127.0.0.1."""

from __future__ import annotations

import io
import logging
import os
import stat
import time
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nyc_mobility import raw
from nyc_mobility.ingest.download import DownloadError, NoNetworkError, RetryPolicy, download, make_client
from nyc_mobility.ingest.run import ingest
from nyc_mobility.ingest.urls import DisallowedHostError, SourceUrls
from nyc_mobility.raw import formats
from tests.fake_hosts import Ok, Redirect, Status, Trickle

FAST = RetryPolicy(
    attempts=3, backoff_seconds=0.01, max_backoff_seconds=0.05, read_timeout=2, connect_timeout=2
)


@pytest.fixture(scope="module")
def parquet_bytes() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"tpep_pickup_datetime": pa.array([0], pa.timestamp("us"))}), sink)
    return sink.getvalue()


def _loopback_only(fake_hosts) -> SourceUrls:
    """The allow-list enforced, with the local server as the only allowed host (http for tests)."""
    return SourceUrls(
        tlc_base=fake_hosts.url, allowed_hosts=frozenset({"127.0.0.1"}), allowed_schemes=frozenset({"http"})
    )


def _get(fake_hosts, path, tmp_path, urls, policy=FAST):
    with make_client(policy) as client:
        return download(
            client, f"{fake_hosts.url}{path}", tmp_path / "raw" / "m" / "f.parquet", formats.parquet,
            urls=urls, policy=policy,
        )  # fmt: skip


def test_every_redirect_hop_is_checked_against_the_allow_list(fake_hosts, tmp_path, parquet_bytes):
    urls = _loopback_only(fake_hosts)
    port = fake_hosts.url.rsplit(":", 1)[1]
    fake_hosts.add("/moved.parquet", Redirect("/real.parquet"))
    fake_hosts.add("/real.parquet", Ok(parquet_bytes))
    assert _get(fake_hosts, "/moved.parquet", tmp_path, urls).size == len(
        parquet_bytes
    )  # same host: followed
    for path, location in [
        ("/away.parquet", f"http://localhost:{port}/real.parquet"),  # another host name, same server
        ("/https.parquet", "https://example.com/real.parquet"),
        ("/file.parquet", "file:///etc/passwd"),
    ]:
        fake_hosts.add(path, Redirect(location))
        with pytest.raises(DisallowedHostError):
            _get(fake_hosts, path, tmp_path / path.strip("/"), urls)
        assert fake_hosts.hits["/real.parquet"] == 1  # never fetched through the refused hop
    fake_hosts.add("/loop.parquet", Redirect("/loop.parquet"))
    with pytest.raises(DownloadError, match="more than 5 redirects"):
        _get(fake_hosts, "/loop.parquet", tmp_path / "loop", urls)


def test_a_trickling_server_fails_within_the_deadline(fake_hosts, tmp_path, parquet_bytes):
    fake_hosts.add("/slow.parquet", Trickle(parquet_bytes, bytes_per_second=20, seconds=20))
    policy = RetryPolicy(
        attempts=3, backoff_seconds=0.01, read_timeout=5, connect_timeout=2, deadline_seconds=1.5
    )
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"not complete within 1\.5 s"):
        _get(fake_hosts, "/slow.parquet", tmp_path, _loopback_only(fake_hosts), policy)
    assert time.monotonic() - started < 6
    assert not (tmp_path / "raw" / "m").exists()  # no empty folder, no partial file


def test_no_dns_fails_fast_with_one_line_and_no_empty_month_folders(tmp_path):
    urls = SourceUrls(tlc_base="http://nyc-mobility-test.invalid", enforce_allow_list=False)
    started = time.monotonic()
    report = ingest(
        tmp_path / "raw", tmp_path / "dl", ["2024-01", "2024-02"], ["yellow", "fhv"], urls=urls, policy=FAST
    )
    assert time.monotonic() - started < 10
    (failure,) = report.failures
    assert (
        "cannot resolve nyc-mobility-test.invalid" in failure.error and "3 other download(s)" in failure.error
    )
    assert "\n" not in failure.error
    assert not (tmp_path / "raw").exists() or not any(p.is_file() for p in (tmp_path / "raw").rglob("*"))
    assert not list((tmp_path / "raw").rglob("month=*")) if (tmp_path / "raw").exists() else True
    with make_client(FAST) as client, pytest.raises(NoNetworkError):
        download(client, "http://nyc-mobility-test.invalid/x.parquet", tmp_path / "x" / "x.parquet",
                 formats.parquet, urls=urls, policy=FAST)  # fmt: skip


def _zip(members: dict[str, bytes], path, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return path


CSV = b"started_at,ended_at\n2024-06-01 08:00:00,2024-06-01 08:10:00\n"


def test_zip_bombs_are_refused_and_nothing_lands(tmp_path, monkeypatch):
    bomb = _zip({"202406-citibike-tripdata.csv": CSV + b"0" * 5_000_000}, tmp_path / "bomb.zip")
    with pytest.raises(raw.RawFileError, match="zip bomb"):
        raw.land_csv_archive(bomb, tmp_path / "raw", "citibike", "2024-06")
    monkeypatch.setattr("nyc_mobility.raw.landing.MAX_MEMBER_BYTES", 1000)
    big = _zip({"202406-citibike-tripdata.csv": os.urandom(3000)}, tmp_path / "big.zip", zipfile.ZIP_STORED)
    with pytest.raises(raw.RawFileError, match="over the cap"):
        raw.land_csv_archive(big, tmp_path / "raw", "citibike", "2024-06")
    assert not (tmp_path / "raw" / "citibike").exists()


def test_members_with_the_same_name_in_different_folders_both_land(tmp_path):
    other = CSV.replace(b"08:", b"09:")
    archive = _zip({"a/trips.csv": CSV, "b/trips.csv": other, "c/unique.csv": CSV}, tmp_path / "x.zip")
    landed = raw.land_csv_archive(archive, tmp_path / "raw", "citibike", "2024-06")
    assert sorted(p.name for p in landed) == ["a__trips.parquet", "b__trips.parquet", "unique.parquet"]
    hours = {pq.read_table(p).column("started_at")[0].as_py()[11:13] for p in landed if "trips" in p.name}
    assert hours == {"08", "09"}


def test_landed_files_are_readable_like_any_file(fake_hosts, tmp_path, parquet_bytes):
    old = os.umask(0o022)
    try:
        fake_hosts.add("/ok.parquet", Ok(parquet_bytes))
        downloaded = _get(fake_hosts, "/ok.parquet", tmp_path, _loopback_only(fake_hosts)).path
        (csv := tmp_path / "t.csv").write_bytes(CSV)
        landed = raw.land_csv_as_parquet(csv, tmp_path / "raw", "citibike", "2024-06")
        copied = raw.land_file(downloaded, tmp_path / "raw", "yellow", "2024-06")
    finally:
        os.umask(old)
    for path in (downloaded, landed, copied):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_tokens_never_reach_messages_or_info_logs(fake_hosts, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="nyc_mobility")
    caplog.set_level(logging.INFO)
    urls = SourceUrls(tlc_base=fake_hosts.url, enforce_allow_list=False)
    fake_hosts.add("/secret.parquet", Status(500))
    with make_client(FAST) as client, pytest.raises(DownloadError) as error:
        download(client, f"{fake_hosts.url}/secret.parquet?token=SECRET123", tmp_path / "s.parquet",
                 formats.parquet, urls=urls, policy=FAST)  # fmt: skip
    assert "SECRET123" not in str(error.value) and "secret.parquet" in str(error.value)
    assert "SECRET123" not in caplog.text
    with pytest.raises(DisallowedHostError) as refused:
        SourceUrls().check("https://user:hunter2@example.com/x?sig=SECRET123")
    assert "hunter2" not in str(refused.value) and "SECRET123" not in str(refused.value)
