"""Serve a synthetic register through the real stack and drive it with wrk on loopback."""

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

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service.bench.generate import populate
from service.cli import alembic_config, migrate
from service.config import PROJECT_ROOT
from service.extensions import make_engine
from service.services.measures import SORT_KEYS
from service.services.paging import encode_cursor

LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Result:
    name: str
    connections: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def _database(backend: str, n: int, workdir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'bench-{n}.db'}"
    admin_url = make_url(
        os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    name = f"register_bench_{n}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def build(backend: str, n: int, workdir: Path) -> str:
    """A migrated database holding a synthetic register of ``n`` measures; its URL."""
    url = _database(backend, n, workdir)
    # Load at the first schema, then upgrade as an existing register would: the later
    # migrations build the search index and the sort indexes over the loaded rows.
    command.upgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        counts = populate(connection, n)
    print(f"  loaded {sum(counts.values()):,} rows in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    migrate(url)
    print(
        f"  upgraded to head (search index, sort indexes) in {time.perf_counter() - started:.0f} s"
    )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return url


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


def _serve(url: str, workers: int, threads: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = ["serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    server = subprocess.Popen(
        [sys.executable, "-m", "service", *command],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
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


def _wrk(name: str, url: str, connections: int, seconds: int) -> Result:
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
        connections,
        float(rate.group(1)),
        latency["50"],
        latency.get("99", float("nan")),
        int(errors.group(1)) if errors else 0,
    )


def scenarios(url: str, n: int) -> dict[str, str]:
    page = min(1000, n // 50)
    deep = _deep_cursor(url, page, 50)
    return {
        "filtered list, page 1": "/v1/measures?country=KR&role=imposer&type=sanction&limit=50",
        "all measures, page 1": "/v1/measures?limit=50",
        f"all measures, page {page}": f"/v1/measures?limit=50&cursor={deep}",
        "search": "/v1/measures?q=zeppelin&limit=50",
        "item": "/v1/measures/measure-4242",
    }


def run(
    sizes: list[int],
    backends: list[str],
    seconds: int,
    connections: list[int],
    workers: int,
    threads: int,
    keep: bool,
) -> list[tuple[str, int, Result]]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="register-bench-"))
    for backend in backends:
        for n in sizes:
            print(f"{backend}, {n:,} measures: building", flush=True)
            url = build(backend, n, workdir)
            server, base = _serve(url, workers, threads)
            try:
                for name, path in scenarios(url, n).items():
                    for count in connections:
                        result = _wrk(name, base + path, count, seconds)
                        results.append((backend, n, result))
                        print(_row(backend, n, result), flush=True)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
            if not keep and backend == "sqlite":
                Path(make_url(url).database or "").unlink(missing_ok=True)
    return results


HEADER = (
    f"{'backend':<10} {'measures':>9}  {'scenario':<24} {'conns':>5} {'req/s':>8} "
    f"{'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}"
)


def _row(backend: str, n: int, r: Result) -> str:
    return (
        f"{backend:<10} {n:>9,}  {r.name:<24} {r.connections:>5} {r.rate:>8.0f} "
        f"{r.p50_ms:>7.2f} {r.p99_ms:>7.2f} {r.errors:>7}"
    )
