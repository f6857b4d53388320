"""mkdocs hook: serve Mermaid from the site itself, so the diagrams render offline.

Material for MkDocs loads ``mermaid.min.js`` from unpkg unless ``mermaid`` is already defined. This
hook ships the official npm package's self-contained bundle as ``assets/javascripts/mermaid.min.js``
(``extra_javascript`` in mkdocs.yml loads it). The tarball comes from the npm registry once
(``npm pack``, pinned version, checked against the pinned sha512 integrity) and is cached under
``.cache/docs/`` in the checkout; a missing npm or a wrong checksum stops the build with the cause.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

VERSION = "11.17.2"  # Material's default is mermaid@11
INTEGRITY = "sha512-V6K3C8EBdEsPFZXSKMJe6ppQOENxuHARr9GvHX4hh47lAbhMRD9qf4oEK7LoaRQxULMa80/qt5gHO73aCleBBg=="
SITE_PATH = "assets/javascripts/mermaid.min.js"
_MEMBER = "package/dist/mermaid.min.js"
_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "docs"


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _fetch(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise PluginError(
            f"the docs serve Mermaid {VERSION} themselves (offline diagrams) and fetch it once with npm, "
            "which is not installed: install Node.js and npm, then build again"
        )
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [npm, "pack", f"mermaid@{VERSION}", "--pack-destination", scratch, "--silent"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        tarballs = list(Path(scratch).glob("mermaid-*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            raise PluginError(
                f"npm pack mermaid@{VERSION} failed: {done.stderr.strip() or done.stdout.strip()}"
            )
        if _integrity(tarballs[0]) != INTEGRITY:
            raise PluginError(f"mermaid@{VERSION} from npm does not match the pinned sha512 integrity")
        with tarfile.open(tarballs[0]) as archive:
            member = archive.extractfile(_MEMBER)
            if member is None:
                raise PluginError(f"mermaid@{VERSION} has no {_MEMBER}")
            partial = target.with_suffix(".part")
            partial.write_bytes(member.read())
            partial.replace(target)


def script() -> Path:
    """The cached bundle, fetched on first use."""
    target = _CACHE / f"mermaid-{VERSION}.min.js"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _fetch(target)
    return target


def on_files(files, config):
    files.append(File.generated(config, SITE_PATH, abs_src_path=str(script())))
    return files
