"""The pages' stylesheets: from npm packages, carried by the wheel, served by the service."""

from __future__ import annotations

import json
import os
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.config import PROJECT_ROOT, Config
from service.pages import assets
from tests.conftest import MakeApp


def _lock_version(package: str) -> str:
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"][f"node_modules/{package}"]["version"])


def test_pico_is_an_exactly_pinned_dependency_and_the_vendored_copy_is_its_version() -> None:
    manifest = json.loads((PROJECT_ROOT / "package.json").read_text(encoding="utf-8"))
    pinned = manifest["dependencies"]["@picocss/pico"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), pinned
    assert _lock_version("@picocss/pico") == pinned
    css = (assets.STATIC / "vendor/pico/pico.classless.min.css").read_text(encoding="utf-8")
    assert f"Pico CSS ✨ v{pinned} " in css[:200]
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["devDependencies"]["axe-core"])


def test_the_vendored_files_are_the_npm_packages_files_byte_for_byte() -> None:
    if not assets.NODE_MODULES.is_dir():
        reason = "node_modules is missing: `npm ci --ignore-scripts` (.ci/run runs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    for target, package_file in assets.VENDORED.items():
        vendored = (assets.STATIC / "vendor" / target).read_bytes()
        assert vendored == (assets.NODE_MODULES / package_file).read_bytes(), (
            f"{target} differs from {package_file}: run `python -m service assets`"
        )


def test_the_wheel_carries_every_template_and_stylesheet() -> None:
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["service.pages"]
    root = PROJECT_ROOT / "service" / "pages"
    files = [p for d in ("templates", "static") for p in (root / d).rglob("*") if p.is_file()]
    assert files
    for path in files:
        relative = path.relative_to(root).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative


def _stylesheets(client: FlaskClient) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)


def test_the_stylesheets_are_served_here_named_by_their_digest(client: FlaskClient) -> None:
    links = _stylesheets(client)
    assert [link.split("?")[0] for link in links] == [f"/static/{s}" for s in assets.STYLESHEETS]
    for link in links:
        r = client.get(link)
        assert r.status_code == 200 and r.mimetype == "text/css"
        assert "max-age=86400" in r.headers["Cache-Control"]
        path = Path(link.split("?")[0].removeprefix("/static/"))
        assert r.get_data() == (assets.STATIC / path).read_bytes()
        r.close()


def test_stylesheets_count_against_no_rate_limit(make_app: MakeApp, seeded_url: str) -> None:
    app = make_app(Config(database_url=seeded_url, rate_limit_anonymous="2 per minute"))
    client = app.test_client()
    links = _stylesheets(client)  # one request of the two allowed
    for _ in range(3):
        for link in links:
            r = client.get(link)
            assert r.status_code == 200
            r.close()
    assert client.get("/measures").status_code == 200
    limited = client.get("/measures")
    assert limited.status_code == 429 and limited.mimetype == "text/html"
    assert "Retry-After" in limited.headers
