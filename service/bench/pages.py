"""Time the pages for people on the seeded register: ``python -m service.bench.pages``.

A throwaway register is migrated and seeded on each backend (SQLite in a temporary file;
PostgreSQL as ``register_bench_pages`` on ``BENCH_POSTGRES_URL``), then each page is
requested through the whole app (parsing, the services' queries, rendering, the headers)
by Flask's test client, in process: the figures are the server's time, without the
network. Each page is read ``--rounds`` times after a few unmeasured reads; p50 and p95
are printed, against the target of issue 14 (50 ms p50).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from service import create_app
from service.cli import migrate
from service.config import Config
from service.extensions import make_engine
from service.observability import ACCESS_LOGGER
from service.seeding import load

TARGET_P50_MS = 50.0
WARM_UP = 5
PAGES = {
    "front page": "/",
    "search": "/search?q=tanks",
    "measures": "/measures",
    "measures, filtered": "/measures?country=KR&role=imposer&status=threatened,announced",
    "measures, as of": "/measures?as_of=2024-10-31",
    "measure": "/measures/kr-k2-tanks-poland",
    "measure, a package": "/measures/kr-phased-measures",
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
}
POSTGRES_DATABASE = "register_bench_pages"


def _postgres_admin() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _on_server(statement: str) -> None:
    admin = create_engine(_postgres_admin(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


def seeded(backend: str, workdir: Path) -> str:
    """A migrated, seeded register on ``backend``; its URL."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'pages.db'}"
    else:
        _on_server(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        _on_server(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
        server = make_url(_postgres_admin())
        url = server.set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load(session, Config.from_env().seeds_dir)
    engine.dispose()
    return url


def time_pages(url: str, rounds: int) -> dict[str, list[float]]:
    """Milliseconds each page took, ``rounds`` times, on the register at ``url``."""
    app = create_app(Config(database_url=url, rate_limit_enabled=False))
    client = app.test_client()
    timings: dict[str, list[float]] = {}
    for name, path in PAGES.items():
        for _ in range(WARM_UP):
            assert client.get(path).status_code == 200, path
        taken = []
        for _ in range(rounds):
            began = time.perf_counter()
            response = client.get(path)
            response.get_data()
            taken.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, path
        timings[name] = taken
    app.extensions["register_engine"].dispose()
    return timings


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def bench(backends: list[str], rounds: int) -> dict[str, dict[str, tuple[float, float]]]:
    """Print and return each backend's (p50, p95) ms per page."""
    # One JSON line a request would bury the figures; its cost is not the page's.
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.WARNING)
    figures: dict[str, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            url = seeded(backend, Path(tmp))
            try:
                timings = time_pages(url, rounds)
            finally:
                if backend == "postgresql":
                    _on_server(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
            print(f"\n{backend}, seeded register, {rounds} reads a page")
            print(f"{'page':<22} {'p50 ms':>7} {'p95 ms':>7}")
            figures[backend] = {}
            for name, taken in timings.items():
                p50, p95 = statistics.median(taken), percentile(taken, 0.95)
                figures[backend][name] = (p50, p95)
                flag = "" if p50 <= TARGET_P50_MS else f"  over the {TARGET_P50_MS:.0f} ms target"
                print(f"{name:<22} {p50:>7.1f} {p95:>7.1f}{flag}")
    return figures


def main() -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=100)
    options = parser.parse_args()
    bench([b for b in options.backends.split(",") if b], options.rounds)


if __name__ == "__main__":
    main()
