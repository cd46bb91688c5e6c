"""Time the extractor on the seed articles: ``python -m service.extraction.bench``."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from service.extraction.pipeline import analyse

ARTICLES = Path(__file__).resolve().parents[2] / "seeds" / "articles"


def bench(directory: Path = ARTICLES, rounds: int = 20) -> dict[str, float]:
    """Print and return the best time in milliseconds to analyse each article."""
    timings: dict[str, float] = {}
    analyse("Warm up: Seoul said on Tuesday.", dt.date(2024, 10, 22))  # builds the gazetteer
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        best = min(_time(text) for _ in range(rounds))
        timings[path.name] = best
        words = len(text.split())
        per_thousand = best * 1000 / words
        print(f"{path.name}: {words} words, {best:.1f} ms ({per_thousand:.1f} ms per 1,000 words)")
    return timings


def _time(text: str) -> float:
    began = time.perf_counter()
    analyse(text, dt.date(2024, 10, 22))
    return (time.perf_counter() - began) * 1000


if __name__ == "__main__":
    bench()
