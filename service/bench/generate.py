"""A synthetic register in realistic proportions, bulk-loaded for benchmarks.

Per measure: 2–3 country roles, about one citation and one status change, a trigger link
for most; per 10 measures one source, per 50 one trigger, per 100 one actor; half as
many statements as measures. Rows go in with executemany (SQLite) or COPY (PostgreSQL),
bypassing the services: this is load, not curation.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pycountry
from sqlalchemy import Connection, Table, column, insert
from sqlalchemy import table as table_clause

from service import vocabularies as vocab
from service.models import Base

WORDS = tuple(
    [
        "sanctions",
        "troops",
        "deployment",
        "missile",
        "export",
        "ban",
        "assets",
        "freeze",
        "treaty",
        "summit",
        "aid",
        "weapons",
        "tanks",
        "howitzers",
        "shells",
        "ammunition",
        "embargo",
        "envoy",
        "ambassador",
        "military",
        "cooperation",
        "security",
        "council",
        "resolution",
        "peninsula",
        "border",
        "drills",
        "navy",
        "ports",
        "technology",
        "transfer",
        "nuclear",
        "programme",
        "ballistic",
        "submarine",
        "diplomats",
        "talks",
    ]
)
# A few countries act far more often than the rest, as in real registers.
ACTIVE = ["US", "KR", "GB", "FR", "DE", "JP", "PL", "CA", "AU", "RU", "CN", "UA", "KP", "IR"]
BATCH = 20_000


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _date(rng: random.Random) -> tuple[dt.date | None, str | None]:
    roll = rng.random()
    if roll < 0.1:
        return None, None
    day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9_800))
    if roll < 0.2:
        return day.replace(day=1), "month"
    return day, "day"


def _rows(n: int, rng: random.Random) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table name, rows) in an order that satisfies foreign keys."""
    now = dt.datetime.now(dt.UTC)
    stamp = {"created_at": now, "updated_at": now}
    codes = [c.alpha_2 for c in pycountry.countries]
    yield (
        "countries",
        [
            {
                "code": c.alpha_2,
                "alpha3": c.alpha_3,
                "name": c.name,
                "official_name": getattr(c, "official_name", None),
                "aliases": [],
                **stamp,
            }
            for c in pycountry.countries
        ],
    )
    sources = max(n // 10, 1)
    texts = {}
    for i in range(sources):
        text = _text(rng, 150)
        texts[i] = text
    yield (
        "sources",
        [
            {
                "id": f"source-{i}",
                "title": _text(rng, 8),
                "publisher": None,
                "byline": None,
                "published_on": None,
                "revised_on": None,
                "url": None,
                "language": "en",
                "text": texts[i],
                "content_sha256": f"{i:064x}",
                **stamp,
            }
            for i in range(sources)
        ],
    )
    citations: list[dict[str, Any]] = []
    used = [0] * sources

    def cite(owner: int) -> str:
        # Spans are unique per source (a constraint): step through each source's text.
        source = owner % sources
        text = texts[source]
        start = used[source] % (len(text) - 80)
        used[source] += 1
        key = f"source-{source}-{start}-{start + 80}"
        citations.append(
            {
                "id": key,
                "source_id": f"source-{source}",
                "quote": text[start : start + 80],
                "start": start,
                "end": start + 80,
            }
        )
        return key

    actors = max(n // 100, 1)
    triggers = max(n // 50, 1)
    actor_rows: list[dict[str, Any]] = [
        {
            "id": f"actor-{i}",
            "kind": rng.choice(list(vocab.ACTOR_KINDS)),
            "name": _text(rng, 2),
            "country_code": rng.choice(ACTIVE),
            "role": None,
            "aliases": [],
            **stamp,
        }
        for i in range(actors)
    ]
    trigger_rows: list[dict[str, Any]] = []
    trigger_countries: list[dict[str, Any]] = []
    trigger_citations: list[dict[str, Any]] = []
    for i in range(triggers):
        occurred, precision = _date(rng)
        trigger_rows.append(
            {
                "id": f"trigger-{i}",
                "kind": rng.choice(list(vocab.TRIGGER_KINDS)),
                "title": _text(rng, 6),
                "description": _text(rng, 30),
                "occurred_on": occurred,
                "occurred_on_precision": precision,
                "verification": rng.choice(list(vocab.VERIFICATIONS)),
                **stamp,
            }
        )
        for code, role in {(rng.choice(ACTIVE), "originator"), (rng.choice(codes), "affected")}:
            trigger_countries.append(
                {"trigger_id": f"trigger-{i}", "country_code": code, "role": role}
            )
        trigger_citations.append({"trigger_id": f"trigger-{i}", "citation_id": cite(i)})

    measure_rows: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    measure_citations: list[dict[str, Any]] = []
    types, statuses = list(vocab.MEASURE_TYPES), list(vocab.MEASURE_STATUSES)
    for i in range(n):
        announced, precision = _date(rng)
        kind = rng.choice(types)
        status = rng.choice(statuses)
        parent = f"measure-{i - 1}" if i % 20 == 19 else None
        measure_rows.append(
            {
                "id": f"measure-{i}",
                "type": kind,
                "status": status,
                "title": f"{kind.replace('_', ' ').capitalize()}: {_text(rng, 6)}",
                # One measure in a thousand mentions a rare word: the search scenario's term.
                "summary": _text(rng, 35) + (" Zeppelin." if i % 1000 == 0 else ""),
                "announced_by_id": f"actor-{rng.randrange(actors)}",
                "announced_on": announced,
                "announced_on_precision": precision,
                "effective_on": None,
                "effective_on_precision": None,
                "expected_by": None,
                "expected_by_precision": None,
                "conditional": rng.random() < 0.2,
                "condition": None,
                "parent_id": parent,
                "phase": 1 if parent else None,
                **stamp,
            }
        )
        imposer = rng.choice(ACTIVE)
        roles.append({"measure_id": f"measure-{i}", "country_code": imposer, "role": "imposer"})
        for code in {rng.choice(codes) for _ in range(rng.randint(1, 2))} - {imposer}:
            role = "beneficiary" if kind.endswith(("aid", "transfer")) else "target"
            roles.append({"measure_id": f"measure-{i}", "country_code": code, "role": role})
        if kind == "arms_transfer":
            items.append(
                {
                    "measure_id": f"measure-{i}",
                    "position": 1,
                    "name": "K-2 tank",
                    "category": "tank",
                    "quantity": rng.randint(1, 200),
                }
            )
        if rng.random() < 0.7:
            links.append(
                {
                    "measure_id": f"measure-{i}",
                    "trigger_id": f"trigger-{rng.randrange(triggers)}",
                    "relation": "responds_to",
                }
            )
        citation = cite(i)
        measure_citations.append({"measure_id": f"measure-{i}", "citation_id": citation})
        history.append(
            {
                "measure_id": f"measure-{i}",
                "position": 1,
                "status": status,
                "changed_on": announced,
                "changed_on_precision": precision,
                "citation_id": citation,
            }
        )
    statements: list[dict[str, Any]] = []
    for i in range(n // 2):
        said, precision = _date(rng)
        statements.append(
            {
                "id": f"statement-{i}",
                "actor_id": f"actor-{rng.randrange(actors)}",
                "stance": rng.choice(list(vocab.STANCES)),
                "about_trigger_id": f"trigger-{rng.randrange(triggers)}",
                "about_measure_id": None,
                "said_on": said,
                "said_on_precision": precision,
                "quote": None,
                "citation_id": cite(i),
                "figure_value": rng.randint(100, 20_000) if i % 10 == 0 else None,
                "figure_unit": "troops" if i % 10 == 0 else None,
                "figure_qualifier": None,
                "figure_as_of": None,
                "figure_as_of_precision": None,
                "figure_place": None,
                **stamp,
            }
        )
    yield "citations", citations
    yield "actors", actor_rows
    yield "triggers", trigger_rows
    yield "trigger_countries", trigger_countries
    yield "trigger_citations", trigger_citations
    yield "measures", measure_rows
    yield "measure_countries", roles
    yield "measure_items", items
    yield "measure_triggers", links
    yield "measure_citations", measure_citations
    yield "measure_status_changes", history
    yield "statements", statements


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    import json

    columns = list(rows[0])
    raw = connection.connection.driver_connection
    assert raw is not None
    quoted = ", ".join(f'"{column}"' for column in columns)  # "end" is a reserved word
    sql = f"COPY {table.name} ({quoted}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(row[c]) if isinstance(row[c], list) else row[c] for c in columns]
            )


def populate(connection: Connection, n: int, seed: int = 7) -> dict[str, int]:
    """Fill an empty, migrated database with a synthetic register of ``n`` measures."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    postgres = connection.dialect.name == "postgresql"
    for name, rows in _rows(n, rng):
        table = Base.metadata.tables[name]
        counts[name] = len(rows)
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if postgres:
                _copy(connection, table, batch)
            else:
                # Only the columns generated: the model may have more than schema 0001 has.
                target = table_clause(name, *(column(c, table.c[c].type) for c in batch[0]))
                connection.execute(insert(target), batch)
    return counts
