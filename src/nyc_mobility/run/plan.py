"""Which months ``nyc-mobility run`` must build: the months whose raw files changed since the last
successful build.

The model is the raw-file sensor's: a month's fingerprint is the names, sizes and modification
times of its landed files (no file is read). After a successful build the fingerprints of the months
it built are recorded beside the warehouse (``<warehouse>.months.json``, replaced atomically). The
next run builds the months that are new, changed or gone from disk (a month gone is deleted from
the warehouse by its month-window build), as one run per range of months: a range spans a gap of
months without trip files (an empty month builds nothing), so a history with gaps is one run. Everything is
built again when there is no record (first build, ``--rebuild``, another warehouse), when asked
(``--all``), or when what every month depends on changed: the dbt project (its manifest), the zone
files, or the record's format.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from nyc_mobility.settings import Settings
from nyc_mobility.zones import files as zone_files

FORMAT = 1


@dataclass(frozen=True)
class BuildPlan:
    """The months to build (``windows``: one run each), why, and what to record after."""

    windows: list[tuple[str, str]]
    months: list[str]
    reason: str
    fingerprints: dict[str, str] = field(default_factory=dict)
    signature: str = ""
    report: str = ""
    """The landed TLC report copy the build reconciles with (its name, size and time)."""

    @property
    def everything(self) -> bool:
        return self.reason.startswith("every month")


def state_path(settings: Settings) -> Path:
    return settings.warehouse_path.with_name(settings.warehouse_path.name + ".months.json")


def signature(settings: Settings) -> str:
    """What every month's build depends on besides its own files: the dbt project and the zones."""
    from nyc_mobility import raw
    from nyc_mobility.dbt.project import manifest_path

    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    manifest = manifest_path()
    digest.update(manifest.read_bytes() if manifest.is_file() else b"no manifest")
    folder = raw.source_dir(settings.raw_dir, zone_files.zones_source())
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and raw.is_landed(path):
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def report_fingerprint(settings: Settings) -> str:
    """The latest landed copy of the TLC's monthly report ('' when none): a new copy is reconciled
    by building the latest month again (the reconciliation table covers every month)."""
    from nyc_mobility import raw
    from nyc_mobility.raw.publisher import report_source

    report = report_source()
    copies = raw.report_copies(settings.raw_dir, report) if report is not None else {}
    if not copies:
        return ""
    name, path = max(copies.items())
    stat = path.stat()
    return f"{name}:{stat.st_size}:{stat.st_mtime_ns}"


def contiguous(months: list[str]) -> list[tuple[str, str]]:
    """``["2024-01", "2024-02", "2024-05"]`` -> ``[("2024-01", "2024-02"), ("2024-05", "2024-05")]``."""
    from nyc_mobility.months import format_month, next_month, parse_month

    windows: list[tuple[str, str]] = []
    for month in sorted(set(months)):
        if windows and format_month(next_month(parse_month(windows[-1][1]))) == month:
            windows[-1] = (windows[-1][0], month)
        else:
            windows.append((month, month))
    return windows


def bridged(months: list[str], on_disk: set[str]) -> list[tuple[str, str]]:
    """The ranges of ``months`` to build, one run each: contiguous ranges joined across every gap
    where no month has trip files on disk (``on_disk``). An empty month of a window builds nothing and
    deletes nothing that exists, so ``["2019-06", "2024-01"]`` with nothing in between is one run;
    a gap holding a month on disk that is not to be built keeps the ranges apart (it would be rebuilt)."""
    from nyc_mobility.months import month_range

    ranges: list[tuple[str, str]] = []
    for start, end in contiguous(months):
        if ranges:
            gap = month_range(ranges[-1][1], start)[1:-1]
            if not any(month in on_disk for month in gap):
                ranges[-1] = (ranges[-1][0], end)
                continue
        ranges.append((start, end))
    return ranges


def _recorded(settings: Settings) -> dict | None:
    path = state_path(settings)
    if not settings.warehouse_path.is_file() or not path.is_file():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("months"), dict) else None


def plan(settings: Settings, buildable: list[str], *, everything: bool = False) -> BuildPlan:
    """The months of ``buildable`` (trip months on disk that are partitions) to build now."""
    from nyc_mobility.defs.sensors import month_fingerprints

    seen = {month: fingerprint for month, (fingerprint, _) in month_fingerprints(settings.raw_dir).items()}
    current = {month: seen[month] for month in buildable if month in seen}
    sign = signature(settings)
    report = report_fingerprint(settings)
    state = _recorded(settings)
    why = None
    if everything:
        why = "every month (--all)"
    elif state is None:
        why = "every month (no earlier build recorded)"
    elif state.get("signature") != sign:
        why = "every month (the dbt project or the zone files changed since the last build)"
    if why is not None:
        months = sorted(buildable)
        return BuildPlan(bridged(months, set(seen)), months, why, current, sign, report)
    recorded: dict[str, str] = state["months"]
    changed = [m for m in buildable if recorded.get(m) != current.get(m)]
    gone = [m for m in recorded if m not in current]  # no trip file left: its rows are deleted
    months = sorted(set(changed) | set(gone))
    if not months and report != state.get("report", "") and buildable:
        latest = max(buildable)
        reason = (
            f"the TLC's monthly report changed since the last build: {latest} is built again, which "
            "reconciles every month with it"
        )
        return BuildPlan([(latest, latest)], [latest], reason, current, sign, report)
    if not months:
        reason = "nothing changed since the last build: no month built (--all builds every month)"
        return BuildPlan([], [], reason, current, sign, report)
    described = ", ".join(months[:6]) + (f" and {len(months) - 6} more" if len(months) > 6 else "")
    reason = f"the months changed since the last build: {described}" + (
        f" (gone from disk: {', '.join(gone)})" if gone else ""
    )
    return BuildPlan(bridged(months, set(seen)), months, reason, current, sign, report)


def record(settings: Settings, built: BuildPlan) -> None:
    """After a successful build: remember the fingerprints of the months it built, and what every
    month depends on as the build left it (the build lands the zone files a first sample run lacks:
    a signature taken before it would make the next run rebuild everything)."""
    state = _recorded(settings) if not built.everything else None
    months = dict(state["months"]) if state else {}
    for month in built.months:
        if month in built.fingerprints:
            months[month] = built.fingerprints[month]
        else:
            months.pop(month, None)  # gone from disk, and now from the warehouse
    path = state_path(settings)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(
        json.dumps(
            {"signature": signature(settings), "report": report_fingerprint(settings), "months": months},
            indent=1,
            sort_keys=True,
        )
    )
    os.replace(tmp, path)
