"""The docs page in a real browser: headless Chromium opens /docs on the running service.

This tests the page, not the data: it starts one server on a migrated, seeded SQLite
file and needs no PostgreSQL half (the API itself is tested on both backends elsewhere).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from service.config import PROJECT_ROOT
from tests.browser import CHROMIUM_ARGS, TIMEOUT_MS, chromium
from tests.servers import Running, service_output

pytestmark = pytest.mark.slow

ARTIFACTS = PROJECT_ROOT / "artifacts"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of `python -m service serve` on a migrated and seeded SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('docs-page') / 'register.db'}"
    service_output(url, "migrate")
    service_output(url, "seed")
    logs = tmp_path_factory.mktemp("docs-page-server")
    server = Running(["-m", "service", "serve", "--workers", "1"], {"DATABASE_URL": url}, logs)
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


def test_docs_page_lists_every_operation_and_calls_only_this_service(served: str) -> None:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with urllib.request.urlopen(f"{served}/openapi.json", timeout=10) as response:
        document = json.load(response)
    expected = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }

    requested: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        # launch() gives the browser a fresh, throw-away profile (--user-data-dir) of its own.
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: requested.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            # The page's Content-Security-Policy must let it work: a refusal is logged here.
            page.on(
                "console",
                lambda message: (
                    "Content Security Policy" in message.text and errors.append(message.text)
                ),
            )
            page.goto(f"{served}/docs", timeout=TIMEOUT_MS)
            page.wait_for_selector(".opblock", timeout=TIMEOUT_MS)
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            listed = page.eval_on_selector_all(
                ".opblock",
                """blocks => blocks.map(block => [
                    block.querySelector('.opblock-summary-method').textContent.trim(),
                    block.querySelector('.opblock-summary-path').getAttribute('data-path'),
                ])""",
            )
            title = page.text_content(".info .title", timeout=TIMEOUT_MS) or ""
            ARTIFACTS.mkdir(exist_ok=True)
            screenshot = ARTIFACTS / "docs-page.png"
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"docs page screenshot: {screenshot}")
        finally:
            browser.close()

    assert {(method, path) for method, path in listed} == expected
    assert len(listed) == len(expected), sorted(listed)
    assert document["info"]["title"] in title
    assert not errors, errors
    own = urlsplit(served).netloc
    elsewhere = [url for url in requested if urlsplit(url).scheme not in ("data", "blob")]
    elsewhere = [url for url in elsewhere if urlsplit(url).netloc != own]
    assert not elsewhere, f"the page called other hosts: {elsewhere}"
    assert f"{served}/openapi.json" in requested
    assert not failed, f"requests that failed: {failed}"
