"""Shared by the browser tests: headless Debian Chromium driven by Playwright's Python API."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

CHROMIUM = Path(os.environ.get("NYC_MOBILITY_CHROMIUM", "/usr/bin/chromium"))
OUTPUT = REPO_ROOT / "test-output" / "ui"
# As root in a container, with no network beyond loopback: no sandbox, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("NYC_MOBILITY_REQUIRE_BROWSER") == "1":
            raise RuntimeError(f"NYC_MOBILITY_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package `chromium`)")
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
