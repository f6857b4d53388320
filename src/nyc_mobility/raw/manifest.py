"""Is a month's landing complete? A marker written first and a manifest written last.

Landing one source-month (a download, the sample, ``land``) may write several files (every CSV of
a Citi Bike zip). :func:`month_landing` writes ``.landing`` in the month folder before the first
file and, when every file is in place, the manifest ``.landed`` (origin, files, sizes), then removes
the marker. A landing that fails cleanly removes what it wrote; one that is killed leaves the marker,
so the next run knows the month is incomplete (:func:`incomplete_landings`) and lands it again
instead of building half a month. Both names are hidden: dbt and the preflight never read them.
A month folder without either (files copied by hand, or landed by an older version) is taken as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nyc_mobility import sources
from nyc_mobility.raw.layout import is_landed, month_dir, month_folders
from nyc_mobility.sources import RawSource

IN_PROGRESS = ".landing"
MANIFEST = ".landed"


@dataclass(frozen=True)
class Incomplete:
    source: RawSource
    month: str
    folder: Path
    origin: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source.name} {self.month}: {self.reason}"


def _write_json(path: Path, value: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextmanager
def month_landing(raw_dir: Path, source: RawSource, month: str, origin: str) -> Iterator[Path]:
    """Land ``source``/``month`` as one unit: marker first, manifest last, nothing half-done kept."""
    folder = month_dir(raw_dir, source, month)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in folder.iterdir() if is_landed(p)}
    _write_json(folder / IN_PROGRESS, {"origin": origin, "pid": os.getpid(), "started": time.time()})
    try:
        yield folder
    except BaseException:
        for path in folder.iterdir():  # what this landing wrote; files that were there stay
            if is_landed(path) and path.name not in before:
                path.unlink(missing_ok=True)
        (folder / IN_PROGRESS).unlink(missing_ok=True)
        if created and not any(folder.iterdir()):
            folder.rmdir()
        raise
    files = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if is_landed(p)}
    _write_json(folder / MANIFEST, {"origin": origin, "files": files, "landed": time.time()})
    (folder / IN_PROGRESS).unlink(missing_ok=True)


def incomplete_landings(raw_dir: Path) -> list[Incomplete]:
    """Months whose landing was interrupted (its marker is still there): to be landed again."""
    found = []
    for source in sources.monthly():
        for month, folder in month_folders(raw_dir, source).items():
            marker = folder / IN_PROGRESS
            if marker.exists():
                try:
                    origin = json.loads(marker.read_text(encoding="utf-8")).get("origin")
                except (OSError, ValueError):
                    origin = None
                found.append(Incomplete(source, month, folder, origin, "its landing was interrupted"))
    return found


def changed_since_landing(raw_dir: Path) -> list[str]:
    """Landed files that are gone or changed since their month was landed (edited or removed by
    hand, or damaged): reported, never overwritten — the build reads what is on disk."""
    notes = []
    for source in sources.monthly():
        for month, folder in month_folders(raw_dir, source).items():
            manifest = read_manifest(folder)
            for name, size in ((manifest or {}).get("files") or {}).items():
                path = folder / name
                if not path.is_file():
                    notes.append(f"{source.name} {month}: {name} was landed but is gone")
                elif path.stat().st_size != size:
                    notes.append(f"{source.name} {month}: {name} changed since it was landed")
    return notes


def clear(incomplete: Incomplete) -> None:
    """Forget an incomplete landing: its files, marker and manifest (the month is landed again)."""
    for path in incomplete.folder.iterdir():
        if path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)


def origins(raw_dir: Path) -> set[str | None]:
    """The origins of every landed trip month (``None``: files landed without a manifest)."""
    found: set[str | None] = set()
    for source in sources.trips():
        for folder in month_folders(raw_dir, source).values():
            if any(is_landed(p) for p in folder.iterdir()):
                manifest = read_manifest(folder)
                found.add(manifest.get("origin") if manifest else None)
    return found
