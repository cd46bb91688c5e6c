"""The pages' benchmark reads every page it names (its figures are printed, never asserted)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine

from service.bench import pages
from service.extensions import db


def test_the_benchmark_times_every_page_on_the_seeded_register(
    seeded_url: str, seeded_engine: Engine
) -> None:
    try:
        timings = pages.time_pages(seeded_url, rounds=2)
    finally:
        db.init_app(Flask("restore"), seeded_engine)  # the shared app's binding
    assert set(timings) == set(pages.PAGES)
    assert all(len(taken) == 2 and min(taken) > 0 for taken in timings.values())


def test_percentiles_are_by_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert pages.percentile(values, 0.95) == 95.0
    assert pages.percentile(values, 0.5) == 50.0
    assert pages.percentile([3.0], 0.95) == 3.0
