"""Time a whole ingest, as the API does it: ``python -m service.extraction.ingest_bench``.

A throwaway SQLite register is migrated and seeded; each article of the labelled
development set (``tests/extraction/``) is then stored as a new source and extracted
(drafts proposed and committed), through the same services as ``POST /v1/sources``.
Beside each figure is its floor, storing the same source without extracting, so the
ratio says what extraction adds; times are per 1,000 words, the issue's unit.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from service.config import PROJECT_ROOT, Config
from service.extensions import make_engine
from service.schemas.sources import SourceCreateSchema
from service.seeding import load
from service.services import ingest, writes

ARTICLES = PROJECT_ROOT / "tests" / "extraction"


def _store(session: Session, key: str, text: str) -> None:
    body = {"id": key, "text": text, "language": "en", "title": key}
    data = SourceCreateSchema().load(body)
    writes.create(session, "sources", data, writes.Author(None))


def bench(directory: Path = ARTICLES) -> list[tuple[str, int, float, float]]:
    """Print and return ``(article, words, ms to store, ms to store and extract)``."""
    from service.cli import migrate

    rows: list[tuple[str, int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load(session, Config.from_env().seeds_dir)
            for n, path in enumerate(sorted(directory.glob("*/article.txt"))):
                text = path.read_text(encoding="utf-8")
                # A variant of the text per run: the same text twice is refused (409).
                began = time.perf_counter()
                _store(session, f"floor-{n}", text + "\n[floor]")
                floor = (time.perf_counter() - began) * 1000
                began = time.perf_counter()
                _store(session, f"ingest-{n}", text + "\n[ingest]")
                ingest.extract(session, f"ingest-{n}")
                whole = (time.perf_counter() - began) * 1000
                rows.append((path.parent.name, len(text.split()), floor, whole))
        engine.dispose()
    for name, words, floor, whole in rows:
        per = whole * 1000 / words
        print(
            f"{name:<45} {words:>5} words  store {floor:6.1f} ms  store+extract {whole:6.1f} ms"
            f"  ({per:6.1f} ms per 1,000 words, {whole / floor:4.1f}x the floor)"
        )
    per_thousand = [w * 1000 / n for _, n, _, w in rows]
    print(
        f"median {statistics.median(per_thousand):.1f} ms per 1,000 words,"
        f" worst {max(per_thousand):.1f} ms (target: 1,000 ms)"
    )
    return rows


if __name__ == "__main__":
    bench()
