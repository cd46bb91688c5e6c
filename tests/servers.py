"""Real server processes for the tests that need one: on a free port, logs in files."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from service.config import PROJECT_ROOT


def service(
    url: str, *args: str, timeout: int = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m service ARGS`` on the database at ``url`` (and ``env``), as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {}), "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def service_output(url: str, *args: str) -> str:
    """What ``python -m service ARGS`` prints; the test fails if it does not succeed."""
    done = service(url, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Running:
    """A server process on a free port, its stdout and stderr in files."""

    def __init__(self, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.port = free_port()
        self.stdout_path, self.stderr_path = logs / "stdout", logs / "stderr"
        self.process = subprocess.Popen(
            [sys.executable, *args] if args[0] == "-m" else args,
            cwd=PROJECT_ROOT,
            env={**os.environ, **env, "PORT": str(self.port)},
            stdout=self.stdout_path.open("w"),
            stderr=self.stderr_path.open("w"),
        )
        self.wait_until_up()

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.stderr_path.read_text()
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"no answer within 30 s: {self.stderr_path.read_text()}")

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request (``body`` as JSON); the status, headers and body of the answer."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            sent = {**(headers or {}), "Connection": "close"}
            data = None if body is None else json.dumps(body)
            if data is not None:
                sent["Content-Type"] = "application/json"
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, bytes]:
        status, _, body = self.request("GET", path)
        return status, body

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout_path.read_text().splitlines() if line]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)
