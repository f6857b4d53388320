"""Streaming downloads with retries, validation and atomic writes (httpx + tenacity).

* 5xx responses, timeouts (a stalled response), connection errors and bodies cut short are retried
  with exponential backoff; 4xx are not (a missing month is an answer, not a fault). A host name
  that does not resolve (no network, no DNS) fails at once with :class:`NoNetworkError`.
* Redirects are followed by hand: every hop is checked against the allow-list first.
* A file has an overall deadline (all attempts, connection and body): a server trickling one byte
  a second fails in bounded time, not only a silent one.
* URLs in messages and logs are redacted (no credentials, no query string); httpx's own INFO
  request log, which prints full URLs, is kept at WARNING.
* The body streams into a temporary file beside the destination; it is validated and only then
  renamed into place, so nothing half-written or of the wrong format is ever visible to dbt.
* A destination that already exists and validates is not downloaded again (idempotent re-runs).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import tenacity

from nyc_mobility.ingest.urls import DEFAULT_URLS, SourceUrls
from nyc_mobility.raw.formats import InvalidContentError
from nyc_mobility.raw.landing import readable_by_all, remove_empty
from nyc_mobility.redaction import redact_url

Validator = Callable[[Path], dict[str, Any]]
Progress = Callable[[int, int | None], None]  # (bytes just received, total bytes if known)


class DownloadError(RuntimeError):
    """A download that failed for good; the message names the URL."""


class NotFoundError(DownloadError):
    """The server answered 404/403: the file is not published (yet) under that name."""


class NoNetworkError(DownloadError):
    """The host name does not resolve: no network (or no DNS) on this machine; retrying will not help."""


class _Transient(Exception):
    """A failure worth retrying."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0
    connect_timeout: float = 15.0
    read_timeout: float = 60.0
    deadline_seconds: float = 3600.0
    """One file, every attempt included: connection, redirects, body and the waits between tries."""
    max_redirects: int = 5


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
    from nyc_mobility.__about__ import __version__

    # httpx logs every request with its full URL at INFO (tokens in query strings included).
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    return httpx.Client(
        timeout=timeout, follow_redirects=False, headers={"User-Agent": f"nyc-mobility/{__version__}"}
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
    from nyc_mobility.raw.landing import missing_parents

    created = missing_parents(dest.parent)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    deadline = time.monotonic() + policy.deadline_seconds
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.attempts)
        | tenacity.stop_after_delay(policy.deadline_seconds),
        wait=tenacity.wait_exponential(multiplier=policy.backoff_seconds, max=policy.max_backoff_seconds),
        retry=tenacity.retry_if_exception_type(_Transient),
        reraise=True,
    )
    shown = redact_url(url)
    landed = False
    try:
        try:
            for attempt in retrying:
                with attempt:
                    _fetch(client, url, tmp, progress, urls=urls, policy=policy, deadline=deadline)
        except _Transient as exc:
            tries = retrying.statistics.get("attempt_number", policy.attempts)
            raise DownloadError(f"{shown}: failed after {tries} attempt(s): {exc}") from None
        attempts = retrying.statistics.get("attempt_number", 1)
        try:
            metadata = validate(tmp)
        except InvalidContentError as exc:
            raise DownloadError(f"{shown}: the response is not the expected file: {exc}") from exc
        digest = sha256_of(tmp)
        size = tmp.stat().st_size
        readable_by_all(tmp)
        os.replace(tmp, dest)
        landed = True
        return DownloadResult(url, dest, size, digest, False, attempts, metadata)
    finally:
        tmp.unlink(missing_ok=True)
        if not landed:
            remove_empty(created)  # no empty month folder is left by a failed download


def _resolution_failure(exc: BaseException) -> bool:
    """A connection error caused by a host name that does not resolve (socket.gaierror)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror) or "name resolution" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _fetch(
    client: httpx.Client,
    url: str,
    tmp: Path,
    progress: Progress | None,
    *,
    urls: SourceUrls,
    policy: RetryPolicy,
    deadline: float,
) -> None:
    """One attempt: follow (checked) redirects, stream the body into ``tmp`` before the deadline."""
    current = url
    try:
        for _hop in range(policy.max_redirects + 1):
            if time.monotonic() > deadline:
                raise DownloadError(f"{redact_url(url)}: no file within {policy.deadline_seconds:g} s")
            with client.stream("GET", current) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise DownloadError(f"{redact_url(current)}: a redirect without a Location")
                    current = urls.check(str(response.url.join(location)))
                    continue
                _save(response, url, tmp, progress, policy, deadline)
                return
        raise DownloadError(f"{redact_url(url)}: more than {policy.max_redirects} redirects")
    except httpx.ConnectError as exc:
        if _resolution_failure(exc):
            host = httpx.URL(current).host
            raise NoNetworkError(
                f"cannot resolve {host}: this machine has no network (or no DNS); nothing was downloaded"
            ) from None
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc


def _service_reason(response: httpx.Response, limit: int = 16_384) -> str | None:
    """The ``reason`` of a JSON error body (Open-Meteo answers a bad request with
    ``{"error": true, "reason": "..."}``), read from at most ``limit`` bytes; printable, capped."""
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= limit:
            return None
    try:
        reason = json.loads(body).get("reason")
    except (ValueError, AttributeError):
        return None
    if not isinstance(reason, str):
        return None
    return "".join(c for c in reason if c.isprintable())[:300] or None


def _save(
    response: httpx.Response,
    url: str,
    tmp: Path,
    progress: Progress | None,
    policy: RetryPolicy,
    deadline: float,
) -> None:
    shown = redact_url(url)
    if response.status_code in (403, 404):
        raise NotFoundError(f"{shown}: HTTP {response.status_code} (not published under this name)")
    if response.status_code >= 500 or response.status_code == 429:
        raise _Transient(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        reason = _service_reason(response)
        raise DownloadError(f"{shown}: HTTP {response.status_code}" + (f": {reason}" if reason else ""))
    total = int(response.headers["content-length"]) if "content-length" in response.headers else None
    received = 0
    with tmp.open("wb") as handle:
        for chunk in response.iter_bytes():  # as the bytes arrive: the deadline is checked often
            handle.write(chunk)
            received += len(chunk)
            if progress is not None:
                progress(len(chunk), total)
            if time.monotonic() > deadline:
                raise DownloadError(
                    f"{shown}: not complete within {policy.deadline_seconds:g} s "
                    f"({received:,} of {total if total is not None else '?'} bytes; the server is too slow)"
                )
    if total is not None and received != total:
        raise _Transient(f"body cut short: {received} of {total} bytes")
