"""The pages in a real browser: headless Chromium reads each one on the running service.

At a desktop width and at 375 px (a small phone), each page: loads only from this
service (every request the browser makes is recorded, and its host checked), breaks no
rule of its Content-Security-Policy, has no serious or critical accessibility violation
by axe-core (from npm: `npm ci`), scrolls no wider than the screen, and leads with a
visible skip link for the keyboard, outlined while focused. A screenshot of each is saved under
artifacts/screenshots/ for CI to keep. Like the docs page test, it serves one migrated,
seeded SQLite file: the pages' data is tested on both backends in tests/test_pages.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from service.config import PROJECT_ROOT
from tests.browser import CHROMIUM_ARGS, TIMEOUT_MS, chromium
from tests.servers import Running, service_output

pytestmark = pytest.mark.slow

SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 375}
PAGES = {
    "home": "/",
    "search": "/search?q=tanks",
    "measures": "/measures",
    "measures-filtered": "/measures?country=KR&role=imposer&status=threatened",
    "measure": "/measures/kr-k2-tanks-poland",
    "measure-package": "/measures/kr-phased-measures",
    "articles": "/sources",
    "article": "/sources/kr-considers-weapons-for-ukraine-article",
    "triggers": "/triggers",
    "trigger": "/triggers/kp-troops-to-russia",
    "actors": "/actors",
    "actor": "/actors/yoon-suk-yeol",
    "statement": "/statements/nis-kp-troops-up-to-10000",
    "country": "/countries/KR",
    "organisation": "/organisations/NATO",
    "timeline": "/timeline",
    "network": "/relations",
    "network-filtered": "/relations?country=KR&status=threatened,announced",
    "not-found": "/measures/zz-no-such-measure",
}
BLOCKING = ("serious", "critical")


def _axe() -> str:
    if not AXE.is_file():
        reason = "axe-core is missing: `npm ci --ignore-scripts` (.ci/run runs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return str(AXE)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of `python -m service serve` on a migrated and seeded SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'register.db'}"
    service_output(url, "migrate")
    service_output(url, "seed")
    logs = tmp_path_factory.mktemp("pages-server")
    env = {"DATABASE_URL": url, "RATE_LIMIT_ENABLED": "false"}
    server = Running(["-m", "service", "serve", "--workers", "1"], env, logs)
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


def _violations(results: dict[str, Any]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_each_page_is_accessible_self_contained_and_fits_the_screen(
    served: str, width: str
) -> None:
    executable, axe = chromium(), _axe()
    from playwright.sync_api import sync_playwright

    own = urlsplit(served).netloc
    requested: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    problems: dict[str, list[str]] = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})
            # Injected by the browser itself, before the page's own files and outside its CSP.
            context.add_init_script(path=axe)
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            on: list[str] = [""]  # the page being read
            page.on("console", lambda m: m.type == "error" and errors.append(f"{on[0]}: {m.text}"))
            for name, path in PAGES.items():
                on[0] = name
                found: list[str] = []
                response = page.goto(served + path, timeout=TIMEOUT_MS)
                assert response is not None
                expected = 404 if name == "not-found" else 200
                if response.status != expected:
                    found.append(f"status {response.status}")
                page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
                styled = page.evaluate("getComputedStyle(document.body).fontFamily")
                if "system-ui" not in styled:  # Pico's stack: the stylesheets applied
                    found.append(f"unstyled: {styled}")
                results = page.evaluate(
                    "async () => await axe.run(document, {resultTypes: ['violations']})"
                )
                found += _violations(results)
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if wide > 0:
                    found.append(f"{wide} px wider than the screen")
                page.keyboard.press("Tab")
                skip = page.evaluate(
                    """() => { const a = document.activeElement, r = a.getBoundingClientRect();
                    const s = getComputedStyle(a);
                    return [a.className, a.getAttribute('href'), r.width > 0 && r.left >= 0
                        && r.top >= 0 && r.right <= innerWidth,
                        s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2] }"""
                )
                if skip != ["skip", "#main", True, True]:
                    found.append(f"the first Tab does not show the skip link: {skip}")
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
                if found:
                    problems[path] = found
        finally:
            browser.close()

    assert not problems, problems
    # The 404 page says so in the console: the one error expected.
    assert [e for e in errors if not e.startswith("not-found: Failed to load")] == []
    assert not failed, f"requests that failed: {failed}"
    elsewhere = [u for u in requested if urlsplit(u).scheme not in ("data", "blob")]
    elsewhere = [u for u in elsewhere if urlsplit(u).netloc != own]
    assert not elsewhere, f"the pages called other hosts: {elsewhere}"
    assert any("/static/vendor/pico/" in u for u in requested)
