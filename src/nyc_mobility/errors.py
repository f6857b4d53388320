"""Known failure conditions as one clear line each: the cause and the fix, never a bare traceback.

:func:`explain` turns an exception (or the message Dagster recorded for a failed step) into what a
user should read: a read-only or full disk, a damaged DuckDB file, another run holding the data
directory, raw files the preflight refused, or the error of the dbt node that failed. Every error
the package raises for a condition it knows derives from :class:`KnownError`, whose message is what
the user reads; this module imports nothing else of the package.

:func:`root_cause` is the one reading of a failure the CLI, ``nyc-mobility run``'s summary and the
failure alerts share.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import Any


class KnownError(Exception):
    """A condition the package knows: its message says what happened and what to do (no traceback)."""


CORRUPT_MARKERS = (
    "not a valid duckdb database file",
    "the file is not a valid duckdb database",
    "invalid database file",
    "is not a duckdb database",
    "checksum",
    "corrupt",
    "could not read enough bytes",
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def explain(exc: BaseException, *, warehouse: Path | None = None, snapshot: Path | None = None) -> str | None:
    """One clear message for a known condition anywhere in ``exc``'s chain (``None``: not known)."""
    for err in _chain(exc):
        if isinstance(err, KnownError):
            return str(err)
        if isinstance(err, OSError) and err.errno == errno.ENOSPC:
            return f"No space left on device while writing {err.filename or 'the data directory'}: free space and run again"
        if isinstance(err, OSError) and err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            where = err.filename or "the data directory"
            return (
                f"cannot write {where}: {err.strerror} (a read-only data directory?). "
                "Choose a writable one with --data-dir or NYC_MOBILITY_DATA_DIR"
            )
    return explain_text(str(exc), warehouse=warehouse, snapshot=snapshot)


_LOCK = re.compile(
    r'could not set lock on file "(?P<file>[^"]+)"(?:.*?conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\))?',
    re.IGNORECASE | re.DOTALL,
)


def held_by_another(text: str) -> str | None:
    """DuckDB's refusal to open a file another process writes, as one line (None: not that error).

    Told by DuckDB's own wording of a held lock, not by the word "lock" anywhere (a damaged file's
    message can hold "block")."""
    found = _LOCK.search(text)
    if found is None:
        return None
    holder = f"process {found['pid']} ({found['program']})" if found["pid"] else "another process"
    return (
        f"{found['file']} is in use by {holder}: wait for it to finish (readers query the serving "
        "snapshot, which a build never holds)"
    )


def explain_text(text: str, *, warehouse: Path | None = None, snapshot: Path | None = None) -> str | None:
    """The same for an error known only by its message (a failed Dagster step, a dbt log)."""
    held = held_by_another(text)
    if held is not None:
        return held
    lower = text.lower()
    if "no space left on device" in lower:
        return "No space left on device: free space in the data directory and run again"
    if "read-only file system" in lower or "permission denied" in lower:
        path = re.search(r"['\"]?(/[^'\"\s:]+)", text)
        where = path.group(1) if path else "the data directory"
        return (
            f"cannot write {where} (read-only file system or permission denied): choose a writable --data-dir"
        )
    if any(marker in lower for marker in CORRUPT_MARKERS):
        return damaged_database(text, warehouse=warehouse, snapshot=snapshot)
    return None


def damaged_database(text: str, *, warehouse: Path | None, snapshot: Path | None) -> str:
    named = re.search(r'file "([^"]+)"', text)
    in_serving = named is not None and Path(named.group(1)).parent.name == "serving"
    if snapshot is not None or in_serving:
        snapshot = snapshot or Path(named.group(1))
        return (
            f"the serving snapshot {snapshot} is damaged ({_first_line(text)}). It is a copy: "
            "`nyc-mobility run` publishes a fresh one from the warehouse after its build"
        )
    if warehouse is None and named is not None and Path(named.group(1)).parent.name != "warehouse":
        # not a file of a data directory: a path a caller gave (--database) that is no DuckDB database
        return (
            f"{named.group(1)} is not a DuckDB database nyc-mobility can open ({_first_line(text)}): "
            "give the serving snapshot (DATA_DIR/serving/nyc_mobility.duckdb), or the warehouse a "
            "`nyc-mobility run` built"
        )
    where = warehouse or (named.group(1) if named else "of the data directory")
    return (
        f"the warehouse {where} is damaged ({_first_line(text)}). Recover with "
        "`nyc-mobility run --rebuild`: the damaged file is moved aside and every month is built again "
        "from the raw files"
    )


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), text)
    return line[:200]


def error_text(error: Any) -> str:
    """The messages of an error and of every error it was caused by, outermost first: ``error`` is a
    message, or Dagster's serialized error (``message``, ``cause``, ``context``) of a failed step."""
    if error is None:
        return "unknown error"
    if isinstance(error, str):
        return error
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append(str(getattr(error, "message", error)))
        error = getattr(error, "cause", None) or getattr(error, "context", None)
    return "\n".join(parts) or "unknown error"


def root_cause(error: Any) -> str:
    """What a user needs of a failure, in the CLI, ``nyc-mobility run``'s summary and the failure
    alerts alike: a known condition's one line, else dbt's node errors, else the messages of the
    error's chain (at most 20 lines)."""
    message = error_text(error)
    known = explain_text(message)
    if known:
        return known
    if "Errors parsed from dbt logs:" in message:
        tail = message.split("Errors parsed from dbt logs:", 1)[1]
        lines = [line.strip() for line in tail.splitlines() if line.strip()]
        return "\n".join(lines[:20])
    lines = [line for line in message.strip().splitlines() if line.strip()]
    return "\n".join(lines[:20]) if lines else message
