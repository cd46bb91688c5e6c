"""Serve a synthetic register through the real stack and drive it with wrk on loopback.

Each register is served twice: ``cold``, with the response cache off, so every request
is parsed, queried and rendered (the speed of the queries and the code); then ``warm``,
with the cache on, so repeated reads are answered from it (what clients re-reading
popular pages see). The two are labelled apart: a cache hit is never taken for query
speed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from service.bench.databases import build, drop, existing, url_for
from service.config import PROJECT_ROOT
from service.extensions import make_engine
from service.services.measures import SORT_KEYS
from service.services.paging import encode_cursor

LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


MODES = ("cold", "warm")
WARM_UP_SECONDS = 1
# Response cache per worker when warm; cold runs with none (0).
WARM_CACHE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Result:
    name: str
    mode: str
    connections: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def _deep_cursor(url: str, page: int, size: int) -> str:
    """The cursor that opens page ``page`` of ``/v1/measures?sort=-announced_on``."""
    engine = make_engine(url)
    key = SORT_KEYS["announced_on"]
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT id, announced_on FROM measures "
                "ORDER BY coalesce(announced_on, '0001-01-01') DESC, id DESC "
                "LIMIT 1 OFFSET :offset"
            ),
            {"offset": (page - 1) * size - 1},
        ).one()
    engine.dispose()
    value = row.announced_on
    if isinstance(value, str):  # SQLite hands dates back as text through text()
        value = dt.date.fromisoformat(value)
    return encode_cursor({"s": "-announced_on", "v": key.encode(value), "k": row.id})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(
    url: str, workers: int, threads: int, cache_bytes: int
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = ["serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    server = subprocess.Popen(
        [sys.executable, "-m", "service", *command],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "RESPONSE_CACHE_BYTES": str(cache_bytes),
            # Limits stay on, so their cost is in the figures, but out of wrk's reach.
            "RATE_LIMIT_ANONYMOUS": "100000000 per minute",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/v1/vocabularies", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start within 60 s")


def _wrk(name: str, mode: str, url: str, connections: int, seconds: int) -> Result:
    threads = min(connections, 2)
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    latency = {p: float(v) * UNITS[u] for p, v, u in LATENCY.findall(output)}
    rate = RATE.search(output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if rate is None or "50" not in latency:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    return Result(
        name,
        mode,
        connections,
        float(rate.group(1)),
        latency["50"],
        latency.get("99", float("nan")),
        int(errors.group(1)) if errors else 0,
    )


def scenarios(url: str, n: int) -> dict[str, str]:
    """The URL each scenario reads, on a register of ``n`` measures at ``url``."""
    page = min(1000, n // 50)
    deep = _deep_cursor(url, page, 50)
    return {
        "filtered list, page 1": "/v1/measures?country=KR&role=imposer&type=sanction&limit=50",
        "all measures, page 1": "/v1/measures?limit=50",
        f"all measures, page {page}": f"/v1/measures?limit=50&cursor={deep}",
        "search": "/v1/measures?q=zeppelin&limit=50",
        "item": f"/v1/measures/measure-{4242 % n}",
    }


def run(
    sizes: list[int],
    backends: list[str],
    seconds: int,
    connections: list[int],
    workers: int,
    threads: int,
    keep: bool,
    workdir: Path | None = None,
) -> list[tuple[str, int, Result]]:
    """Figures for each backend and size; ``keep`` keeps the registers, and reuses them."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    results = []
    workdir = workdir or Path(tempfile.mkdtemp(prefix="register-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for backend in backends:
        for n in sizes:
            url = url_for(backend, n, workdir)
            if keep and existing(url, n):
                print(f"{backend}, {n:,} measures: reusing the kept register", flush=True)
            else:
                print(f"{backend}, {n:,} measures: building", flush=True)
                build(backend, n, workdir)
            try:
                for mode in MODES:
                    cache_bytes = WARM_CACHE_BYTES if mode == "warm" else 0
                    server, base = _serve(url, workers, threads, cache_bytes)
                    try:
                        for name, path in scenarios(url, n).items():
                            # Unmeasured: new connections, their catalog caches, the pages
                            # the scenario reads; the figures are of a server in its stride.
                            _wrk(name, mode, base + path, max(connections), WARM_UP_SECONDS)
                            for count in connections:
                                result = _wrk(name, mode, base + path, count, seconds)
                                results.append((backend, n, result))
                                print(_row(backend, n, result), flush=True)
                    finally:
                        server.send_signal(signal.SIGTERM)
                        server.wait(timeout=30)
            finally:
                if not keep:
                    drop(backend, url)
    return results


HEADER = (
    f"{'backend':<10} {'measures':>9}  {'cache':<5} {'scenario':<24} {'conns':>5} {'req/s':>8} "
    f"{'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}"
)


def _row(backend: str, n: int, r: Result) -> str:
    return (
        f"{backend:<10} {n:>9,}  {r.mode:<5} {r.name:<24} {r.connections:>5} {r.rate:>8.0f} "
        f"{r.p50_ms:>7.2f} {r.p99_ms:>7.2f} {r.errors:>7}"
    )
