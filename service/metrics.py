"""Prometheus metrics: requests by route, method and status, and the database pool's use.

prometheus_client picks single- or multi-process storage when it is first imported, from
``PROMETHEUS_MULTIPROC_DIR``; ``serve`` sets that before the workers start, so this module
imports it only when the first app is built, never at import time.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool

# Requests here take milliseconds; exports of the whole register take seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class Metrics:
    requests: Any
    duration: Any
    pool_checked_out: Any
    pool_size: Any
    pool_overflow: Any


@cache
def metrics() -> Metrics:
    """The process's metrics, created once (a registry refuses the same name twice)."""
    from prometheus_client import Counter, Gauge, Histogram

    labels = ["method", "route", "status"]

    def gauge(name: str, text: str) -> Any:
        # Summed over the live workers: each has its own pool.
        return Gauge(name, text, multiprocess_mode="livesum")

    return Metrics(
        requests=Counter(
            "register_http_requests_total", "HTTP requests answered, by URL rule.", labels
        ),
        duration=Histogram(
            "register_http_request_duration_seconds",
            "Time from a request's arrival to its last byte sent, by URL rule.",
            labels,
            buckets=BUCKETS,
        ),
        pool_checked_out=gauge(
            "register_db_pool_checked_out", "Database connections in use by requests."
        ),
        pool_size=gauge("register_db_pool_size", "Database connections the pools keep open."),
        pool_overflow=gauge(
            "register_db_pool_overflow", "Connections opened beyond the pools' size."
        ),
    )


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count a request and its duration, by method, route and status."""
    found = metrics()
    found.requests.labels(method, route, str(status)).inc()
    found.duration.labels(method, route, str(status)).observe(seconds)


_instrumented: weakref.WeakSet[Engine] = weakref.WeakSet()


def instrument_pool(engine: Engine) -> None:
    """Keep the pool gauges current: they change only when a connection is taken or returned."""
    if engine in _instrumented or not isinstance(engine.pool, QueuePool):
        return  # SQLite in memory keeps one connection per thread: nothing to watch
    _instrumented.add(engine)

    def update(returning: int = 0) -> None:
        pool = engine.pool
        if isinstance(pool, QueuePool):
            found = metrics()
            found.pool_checked_out.set(pool.checkedout() - returning)
            found.pool_size.set(pool.size())
            found.pool_overflow.set(max(pool.overflow(), 0))

    event.listen(engine, "checkout", lambda *_args: update())
    # Fired just before the pool takes the connection back: it is no longer in use.
    event.listen(engine, "checkin", lambda *_args: update(returning=1))
    update()


def exposition(multiprocess_dir: Path | None) -> bytes:
    """The metrics in Prometheus' text format, of every worker when ``serve`` runs several."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess

    metrics()
    if multiprocess_dir is None:
        return bytes(generate_latest(REGISTRY))
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(multiprocess_dir))
    return bytes(generate_latest(registry))


def mark_process_dead(pid: int, multiprocess_dir: Path) -> None:
    """Drop a dead worker's live gauges (gunicorn's child_exit hook)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, str(multiprocess_dir))
