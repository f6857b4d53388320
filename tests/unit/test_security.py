"""No credentials in the repository."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import REPO_ROOT

SECRETS = {
    "AWS access key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "Slack token": re.compile(r"xox[abpr]-[0-9]{6,}-[0-9A-Za-z-]{10,}"),
    "Slack webhook": re.compile(r"hooks\.slack\.com/services/T[0-9A-Z]{6,}/"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "GitHub token": re.compile(r"gh[pousr]_[0-9A-Za-z]{30,}"),
    "password assignment": re.compile(r"""(?i)\bpassword\s*[:=]\s*['"][^'"]{6,}['"]"""),
}


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (an sdist): nothing tracked to scan")
    return [line for line in out.splitlines() if line]


def test_no_credentials_are_committed():
    found = []
    for name in tracked_files():
        path = REPO_ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{name}: {kind}" for kind, pattern in SECRETS.items() if pattern.search(text)]
    assert found == []
