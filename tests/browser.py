"""Debian's Chromium, driven by playwright (never `playwright install`), for browser tests."""

from __future__ import annotations

import os
import shutil

import pytest

# Root in a closed network: no sandbox, and none of Chromium's own calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000


def chromium() -> str:
    """The path of Chromium; without it the test skips, or fails in CI (which installs it)."""
    path = shutil.which("chromium")
    if path is None:
        reason = "Chromium is missing: `apt-get install chromium` (.ci/run installs it)"
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path
