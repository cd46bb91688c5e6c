"""The pages' stylesheets: our own, and those vendored from npm packages.

A file from an npm package is copied here (``static/vendor/``) by
``python -m service assets`` from ``node_modules``, which ``npm ci`` fills from
package-lock.json, so that the wheel and the image carry it without npm.
tests/test_pages_assets.py fails when a copy differs from its package's file.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from service.config import PROJECT_ROOT

STATIC = Path(__file__).parent / "static"
NODE_MODULES = PROJECT_ROOT / "node_modules"
# Under static/vendor/: the file of each package the pages use, and its licence.
VENDORED = {
    "pico/pico.classless.min.css": "@picocss/pico/css/pico.classless.min.css",
    "pico/LICENSE.md": "@picocss/pico/LICENSE.md",
}
# The stylesheets every page links, in order: Pico's, then ours over it.
STYLESHEETS = ("vendor/pico/pico.classless.min.css", "register.css")


def stylesheets() -> list[str]:
    """The URL of each stylesheet, with a digest of its bytes: a new file is a new URL."""
    urls = []
    for name in STYLESHEETS:
        digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
        urls.append(f"/static/{name}?v={digest}")
    return urls


def copy(node_modules: Path = NODE_MODULES) -> list[Path]:
    """Copy each vendored file from ``node_modules``; the files written."""
    written = []
    for target, package_file in VENDORED.items():
        source = node_modules / package_file
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing: run `npm ci` first")
        destination = STATIC / "vendor" / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    return written
