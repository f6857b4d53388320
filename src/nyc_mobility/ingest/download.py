"""Streaming downloads with retries, validation and atomic writes (httpx + tenacity).

* 5xx responses, timeouts (a stalled response), connection errors and bodies cut short are retried
  with exponential backoff; 4xx are not (a missing month is an answer, not a fault).
* The body streams into a temporary file beside the destination; it is validated and only then
  renamed into place, so nothing half-written or of the wrong format is ever visible to dbt.
* A destination that already exists and validates is not downloaded again (idempotent re-runs).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import tenacity

from nyc_mobility.ingest.urls import DEFAULT_URLS, SourceUrls
from nyc_mobility.ingest.validate import InvalidContentError

Validator = Callable[[Path], dict[str, Any]]
Progress = Callable[[int, int | None], None]  # (bytes just received, total bytes if known)


class DownloadError(RuntimeError):
    """A download that failed for good; the message names the URL."""


class NotFoundError(DownloadError):
    """The server answered 404/403: the file is not published (yet) under that name."""


class _Transient(Exception):
    """A failure worth retrying."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0
    connect_timeout: float = 15.0
    read_timeout: float = 60.0


@dataclass
class DownloadResult:
    url: str
    path: Path
    size: int
    sha256: str
    skipped: bool
    attempts: int
    metadata: dict[str, Any] = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


DEFAULT_POLICY = RetryPolicy()


def make_client(policy: RetryPolicy = DEFAULT_POLICY) -> httpx.Client:
    from nyc_mobility import __version__

    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    return httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": f"nyc-mobility/{__version__}"}
    )


def download(
    client: httpx.Client,
    url: str,
    dest: Path,
    validate: Validator,
    *,
    urls: SourceUrls = DEFAULT_URLS,
    policy: RetryPolicy = DEFAULT_POLICY,
    progress: Progress | None = None,
) -> DownloadResult:
    urls.check(url)
    dest = Path(dest)
    if dest.exists():
        try:
            metadata = validate(dest)
        except InvalidContentError:
            dest.unlink()  # a previous, invalid file: fetch it again
        else:
            return DownloadResult(url, dest, dest.stat().st_size, sha256_of(dest), True, 0, metadata)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.attempts),
        wait=tenacity.wait_exponential(multiplier=policy.backoff_seconds, max=policy.max_backoff_seconds),
        retry=tenacity.retry_if_exception_type(_Transient),
        reraise=True,
    )
    try:
        try:
            for attempt in retrying:
                with attempt:
                    _fetch(client, url, tmp, progress)
        except _Transient as exc:
            raise DownloadError(f"{url}: failed after {policy.attempts} attempts: {exc}") from exc
        attempts = retrying.statistics.get("attempt_number", 1)
        try:
            metadata = validate(tmp)
        except InvalidContentError as exc:
            raise DownloadError(f"{url}: the response is not the expected file: {exc}") from exc
        digest = sha256_of(tmp)
        size = tmp.stat().st_size
        os.replace(tmp, dest)
        return DownloadResult(url, dest, size, digest, False, attempts, metadata)
    finally:
        tmp.unlink(missing_ok=True)


def _fetch(client: httpx.Client, url: str, tmp: Path, progress: Progress | None) -> None:
    try:
        with client.stream("GET", url) as response:
            if response.status_code in (403, 404):
                raise NotFoundError(f"{url}: HTTP {response.status_code} (not published under this name)")
            if response.status_code >= 500 or response.status_code == 429:
                raise _Transient(f"HTTP {response.status_code}")
            if response.status_code >= 400:
                raise DownloadError(f"{url}: HTTP {response.status_code}")
            total = int(response.headers["content-length"]) if "content-length" in response.headers else None
            received = 0
            with tmp.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)
                    received += len(chunk)
                    if progress is not None:
                        progress(len(chunk), total)
            if total is not None and received != total:
                raise _Transient(f"body cut short: {received} of {total} bytes")
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc
