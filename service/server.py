"""The production server: gunicorn's threaded workers, configured from :class:`Config`.

On SIGTERM gunicorn stops accepting connections, lets every worker finish the requests it
has in flight (for up to ``graceful_timeout`` seconds) and exits 0.
"""

from __future__ import annotations

import http
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from service.config import Config
from service.errors import ABOUT_BLANK
from service.observability import JSON_LOG_FORMAT
from service.problems import problem_body

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_directory(config: Config) -> tuple[Path, bool]:
    """Where workers share their metrics, emptied of a previous run's; True if made here."""
    if config.prometheus_multiproc_dir is None:
        return Path(tempfile.mkdtemp(prefix="register-metrics-")), True
    directory = config.prometheus_multiproc_dir
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return directory, False


def gunicorn_logging(level: str) -> dict[str, Any]:
    """gunicorn's own messages as JSON lines too; its access log stays off (the app logs)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter", **JSON_LOG_FORMAT}},
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["error_console"], "propagate": False}
        },
        # The service's loggers have their own handler (stdout); the root would repeat them.
        "root": {"level": "WARNING", "handlers": []},
    }


# The longest request line gunicorn takes (its default is 4094): most over-long parameters
# then reach the API and get its 422 naming them. 0 would mean no limit at all for the
# request line gunicorn reads into memory. Past it, gunicorn's 414 is a problem+json too.
REQUEST_LINE_BYTES = 8190
_DETAILS = {
    414: "The request line (method, path and query) is longer than {line} bytes.",
    431: "The request's header fields are too many or too large.",
    500: "The server could not complete the request.",
    501: "The request's Transfer-Encoding is not supported.",
}


class _Recorder:
    """A socket that keeps what gunicorn writes to it, to learn the status it chose."""

    def __init__(self) -> None:
        self.sent = b""

    def gettimeout(self) -> float:
        return 0.0

    def setblocking(self, _flag: int) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        self.sent += data

    def status(self) -> int:
        try:
            return int(self.sent.split(b" ", 2)[1])
        except (IndexError, ValueError):
            return 400


class ProblemWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's threaded worker, answering the requests it refuses itself as problem+json.

    A request gunicorn cannot parse (a URL past ``limit_request_line``, too many headers, a bad
    chunk) never reaches the app; gunicorn would answer it with an HTML page.
    """

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """Answer a request gunicorn refuses (414, 431, bad HTTP) as a problem."""
        # gunicorn logs the error and picks the status; only its HTML page is replaced.
        recorder = _Recorder()
        super().handle_error(req, recorder, addr, exc)
        code = recorder.status()
        phrase = http.HTTPStatus(code).phrase if code in http.HTTPStatus._value2member_map_ else ""
        detail = _DETAILS.get(code, "The request is not valid HTTP/1.1.")
        title = phrase or "Bad Request"
        detail = detail.format(line=self.cfg.limit_request_line)
        body = json.dumps(problem_body(ABOUT_BLANK, title, code, detail)).encode()
        head = (
            f"HTTP/1.1 {code} {phrase}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:  # the client may be gone; gunicorn gives up silently too
            self.log.debug("Failed to send the error response.")


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn running :func:`service.create_app` with the settings of ``config``."""

    def __init__(self, config: Config) -> None:
        directory, made = metrics_directory(config)
        self.temporary = directory if made else None
        self.master_pid = os.getpid()
        # prometheus_client reads this when first imported: in the workers, after the fork.
        os.environ[MULTIPROC_ENV] = str(directory)
        self.config = replace(config, prometheus_multiproc_dir=directory)
        super().__init__()

    def load_config(self) -> None:
        """Hand the settings to gunicorn."""
        config = self.config
        directory = config.prometheus_multiproc_dir

        def child_exit(_server: Any, worker: Any) -> None:
            from service.metrics import mark_process_dead

            assert directory is not None
            mark_process_dead(worker.pid, directory)

        options: dict[str, Any] = {
            "bind": f"{config.host}:{config.port}",
            "workers": config.workers,
            "threads": config.threads,
            "worker_class": ProblemWorker,
            "limit_request_line": REQUEST_LINE_BYTES,
            "timeout": config.worker_timeout,
            "graceful_timeout": config.graceful_timeout,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": config.log_level.lower(),
            "logconfig_dict": gunicorn_logging(config.log_level),
            "child_exit": child_exit,
            # One fixed path per user: two servers on a machine would fight over it.
            "control_socket_disable": True,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def run(self) -> None:
        """Serve until stopped; the master removes its temporary directory."""
        try:
            super().run()
        finally:
            # Workers leave through here too (SystemExit after the fork): only the master cleans.
            if self.temporary is not None and os.getpid() == self.master_pid:
                shutil.rmtree(self.temporary, ignore_errors=True)

    def load(self) -> Any:
        """The app each worker serves."""
        from service import create_app

        return create_app(self.config)
