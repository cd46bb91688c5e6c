"""The main queries use indexes on both databases: no full-table scan of a large table.

SQLite plans with indexes whenever they exist. PostgreSQL would seq-scan the tiny test
tables whatever indexes exist, so its plans are read with ``enable_seqscan`` off: a Seq
Scan that remains means no index could serve the query.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Select, text
from sqlalchemy.orm import Session

from service.models import Measure
from service.services import measures
from service.services.paging import keyset

# Tables that grow with the register; a scan of a small lookup table is harmless.
LARGE = {
    "measures",
    "measure_countries",
    "measure_triggers",
    "measure_status_changes",
    "measure_citations",
    "measure_documents",
    "statements",
    "triggers",
    "citations",
}


def _plan(session: Session, stmt: Select[Any]) -> list[str]:
    bind = session.get_bind()
    compiled = stmt.compile(bind, compile_kwargs={"literal_binds": True})
    if bind.dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return [row[-1] for row in rows]
    session.execute(text("SET LOCAL enable_seqscan = off"))
    raw = session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
    plan = raw if isinstance(raw, list) else json.loads(raw)

    def walk(node: dict[str, Any]) -> Iterator[str]:
        yield f"{node['Node Type']} {node.get('Relation Name', '')}".strip()
        for child in node.get("Plans", []):
            yield from walk(child)

    return list(walk(plan[0]["Plan"]))


def _full_scans(plan: list[str]) -> list[str]:
    scans = []
    for step in plan:
        words = step.split()
        if step.startswith("SCAN ") and "USING" not in step and words[1] in LARGE:
            scans.append(step)  # SQLite: a table scan with no index
        if step.startswith("Seq Scan") and words[-1] in LARGE:
            scans.append(step)  # PostgreSQL
    return scans


def _page(args: dict[str, Any]) -> dict[str, Any]:
    return {"sort": "-announced_on", "limit": 50, **args}


QUERIES = {
    "filtered list": _page({"country": "KR", "role": "imposer", "type": ["sanction"]}),
    "status filter": _page({"status": ["threatened"]}),
    "trigger filter": _page({"trigger": "kp-troops-to-russia"}),
    "actor filter": _page({"actor": "yoon-suk-yeol"}),
    "date range": _page({"announced_from": dt.date(2024, 10, 1), "sort": "announced_on"}),
    "all, by date": _page({}),
    "all, by title": _page({"sort": "title"}),
}


@pytest.mark.parametrize("name", list(QUERIES))
@pytest.mark.parametrize("deep", [False, True], ids=["first page", "deep page"])
def test_measure_list_queries_use_indexes(session: Session, name: str, deep: bool) -> None:
    args = QUERIES[name]
    value = "M" if args["sort"].lstrip("-") == "title" else dt.date(2024, 10, 22)
    after = (value, "m") if deep else None
    stmt = keyset(measures.lean_rows(args), measures.SORT_KEYS, Measure.id, args["sort"], after)
    plan = _plan(session, stmt.limit(51))
    assert not _full_scans(plan), plan
    # The page's documents come from the same query, each looked up by its key.
    assert any("measure_documents" in step for step in plan), plan


def test_item_read_is_a_primary_key_lookup(session: Session) -> None:
    from sqlalchemy import select

    stmt = measures.with_body(select(Measure.id).where(Measure.id == "kr-k2-tanks-poland"))
    plan = _plan(session, stmt)
    assert not _full_scans(plan), plan
    assert any("measure_documents" in step for step in plan), plan


@pytest.mark.parametrize("sort", ["-announced_on", "announced_on", "title", "-updated_at"])
def test_a_deep_page_seeks_into_the_sort_index(session: Session, sort: str) -> None:
    """Page 1,000 costs what page 1 does: the cursor is a range bound on the index."""
    value: Any = "M" if sort == "title" else dt.date(2024, 10, 22)
    if sort == "-updated_at":
        value = dt.datetime(2024, 10, 22, tzinfo=dt.UTC)
    stmt = keyset(measures.filtered({}), measures.SORT_KEYS, Measure.id, sort, (value, "m"))
    plan = _plan(session, stmt.limit(51))
    if session.get_bind().dialect.name == "sqlite":
        assert any(step.startswith("SEARCH measures USING INDEX") for step in plan), plan
    else:
        # On these tiny tables PostgreSQL prefers a bitmap scan and a sort to a backward
        # index walk; at scale `python -m service bench` shows page 1,000 against page 1.
        assert any("Index Scan" in step for step in plan) and not _full_scans(plan), plan
