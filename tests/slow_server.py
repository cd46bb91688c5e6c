"""Test-only: ``python -m service serve`` as it runs, with one route's body held back.

The production server (``service.server.Server``: gunicorn gthread, its hooks and timeouts)
serves the real app; a wrapper pauses ``/v1/export`` for ``SLOW_SECONDS`` after its first
chunk, so a test knows a request is mid-response when it sends SIGTERM.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from service.config import Config
from service.server import Server

SLOW_PATH = "/v1/export"


class SlowServer(Server):
    def load(self) -> Any:
        app = super().load()
        pause = float(os.environ["SLOW_SECONDS"])

        def slow(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            body = app(environ, start_response)
            if environ.get("PATH_INFO") != SLOW_PATH:
                return body
            return held_back(body, pause)

        return slow


def held_back(body: Iterable[bytes], pause: float) -> Iterator[bytes]:
    try:
        for number, chunk in enumerate(body):
            yield chunk
            if number == 0:
                time.sleep(pause)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


if __name__ == "__main__":
    SlowServer(Config.from_env()).run()
