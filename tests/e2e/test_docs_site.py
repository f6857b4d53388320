"""The documentation site works with the network off: built with mkdocs, served from 127.0.0.1, read
in Chromium with every other host refused; the lineage diagrams are drawn by the site's own Mermaid."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO_ROOT, RUN_ONCE
from tests.e2e.conftest import OUTPUT

pytestmark = [pytest.mark.e2e, RUN_ONCE]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("mkdocs", reason="the docs extra is not installed (tox installs it for py311)")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("path", "node"), [("reference/lineage/", "fct_trips"), ("architecture/", "fct_trips")]
)
def test_the_diagrams_render_with_the_network_off(browser, site, path, node):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    refused: list[str] = []

    def only_loopback(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    # Material draws each diagram in a closed shadow root: open it so the test can read the drawing.
    page.add_init_script(
        "const attach = Element.prototype.attachShadow;"
        "Element.prototype.attachShadow = function (o) { return attach.call(this, {...o, mode: 'open'}); };"
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site}/{path}")
    page.wait_for_selector(".mermaid svg", timeout=60_000)
    drawn = page.locator(".mermaid svg").first
    assert (drawn.bounding_box() or {"height": 0})["height"] > 100  # drawn, not an empty box
    assert node in (drawn.text_content() or "")  # nodes drawn with their labels, not raw Mermaid source
    assert page.locator("pre.mermaid, div.mermaid:not(:has(svg))").count() == 0
    page.screenshot(path=str(OUTPUT / f"docs_{path.strip('/').replace('/', '_')}.png"), full_page=True)
    page.close()
    # nothing the page needs comes from elsewhere: the only refused request is the theme's optional
    # fetch of the repository's star count (the header link still works)
    assert all(url.startswith("https://api.github.com/repos/") for url in refused), refused
    assert errors == []
