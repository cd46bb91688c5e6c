"""Full-text search: the database's own engine, ranked, literal, and in step with every write."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from service.cli import alembic_config, migrate
from service.extensions import make_engine
from service.models import Measure, Statement, Trigger
from service.schemas.triggers import TriggerCreateSchema
from service.seeding import load
from service.services import search, triggers
from tests.conftest import SEEDS
from tests.helpers import every as _all


def _ids(client: FlaskClient, url: str, size: int = 200) -> list[str]:
    return [item["id"] for item in _all(client, url, size)]


def _measure_text(measure: dict[str, Any]) -> str:
    parts = [measure["title"], measure["summary"], measure["condition"]]
    parts += [item["name"] for item in measure["items"]]
    parts += [c["quote"] for c in measure["citations"]]
    parts += [h["citation"]["quote"] for h in measure["status_history"]]
    return "\n".join(p for p in parts if p)


def test_search_finds_the_conditional_supply_of_weapons_to_ukraine(client: FlaskClient) -> None:
    found = _all(client, "/v1/measures?q=weapons%20Ukraine")
    assert "kr-weapons-to-ukraine" in [m["id"] for m in found]
    for measure in found:  # every word, not any word
        words = _measure_text(measure).lower()
        assert "weapon" in words and "ukrain" in words, measure["id"]


def test_search_reads_k2_as_a_phrase_and_finds_the_tank_deal(client: FlaskClient) -> None:
    found = _all(client, "/v1/measures?q=K-2")
    assert "kr-k2-tanks-poland" in [m["id"] for m in found]
    assert all("K-2" in _measure_text(m) for m in found), [m["id"] for m in found]
    assert _ids(client, "/v1/measures?q=k-2") == [m["id"] for m in found]


@pytest.mark.parametrize("word", ["sanctions", "troops", "Ukraine"])
def test_a_match_in_the_title_ranks_above_a_match_only_in_a_quote(
    client: FlaskClient, word: str
) -> None:
    found = _all(client, f"/v1/measures?q={word}")
    stem = word.lower().rstrip("s")

    def only_quoted(measure: dict[str, Any]) -> bool:
        own = [measure["title"], measure["summary"], measure["condition"]]
        own += [item["name"] for item in measure["items"]]
        return stem not in " ".join(p for p in own if p).lower()

    in_title = [i for i, m in enumerate(found) if stem in m["title"].lower()]
    quoted = [i for i, m in enumerate(found) if only_quoted(m)]
    assert in_title and quoted, [m["id"] for m in found]
    assert max(in_title) < min(quoted), [m["id"] for m in found]


@pytest.mark.parametrize("collection", ["measures", "triggers", "statements"])
def test_relevance_is_the_default_order_of_a_search_and_pages_by_cursor(
    client: FlaskClient, collection: str
) -> None:
    ranked = _ids(client, f"/v1/{collection}?q=Ukraine")
    assert len(ranked) > 2
    assert _ids(client, f"/v1/{collection}?q=Ukraine&sort=relevance") == ranked
    assert _ids(client, f"/v1/{collection}?q=Ukraine", size=1) == ranked
    by_id = _ids(client, f"/v1/{collection}?q=Ukraine&sort=id", size=2)
    assert by_id == sorted(ranked)


def test_relevance_without_a_search_is_the_default_order(client: FlaskClient) -> None:
    assert _ids(client, "/v1/triggers?sort=relevance") == _ids(client, "/v1/triggers")


def test_a_relevance_cursor_is_not_accepted_for_another_sort(client: FlaskClient) -> None:
    r = client.get("/v1/measures?q=Ukraine&limit=1")
    assert r.status_code == 200, r.json
    r = client.get(f"/v1/measures?q=Ukraine&sort=title&cursor={r.json['next_cursor']}")
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "cursor"


def test_triggers_and_statements_are_searched_by_their_own_words(client: FlaskClient) -> None:
    triggers_found = _all(client, "/v1/triggers?q=treaty")
    assert triggers_found
    for trigger in triggers_found:
        quotes = " ".join(c["quote"] for c in trigger["citations"])
        assert "treat" in f"{trigger['title']} {trigger['description']} {quotes}".lower()
    denials = _all(client, "/v1/statements?q=groundless")
    assert denials
    assert all("groundless" in s["citation"]["quote"].lower() for s in denials)


def test_statements_are_found_by_the_actors_name(client: FlaskClient) -> None:
    statement = _all(client, "/v1/statements")[0]
    actor = client.get(f"/v1/actors/{statement['actor']}").json
    found = _all(client, f"/v1/statements?q={actor['name']}")
    assert statement["id"] in [s["id"] for s in found]


@pytest.mark.parametrize(
    ("query", "literal"),
    [
        ('"weapons" "Ukraine"', "weapons Ukraine"),  # quotes are not phrase syntax
        ("weapons -Ukraine", "weapons Ukraine"),  # - is not NOT
        ("weapons +Ukraine", "weapons Ukraine"),
        ("(weapons) Ukraine", "weapons Ukraine"),  # parentheses do not group
        ("weapons* Ukraine", "weapons Ukraine"),  # * is not a prefix operator
        ("weapons Ukraine:", "weapons Ukraine"),
        ("weapons ^Ukraine", "weapons Ukraine"),
    ],
)
def test_search_syntax_characters_are_ignored(
    client: FlaskClient, query: str, literal: str
) -> None:
    expected = _ids(client, f"/v1/measures?q={literal}")
    assert expected
    r = client.get("/v1/measures", query_string={"q": query, "limit": 200})
    assert r.status_code == 200, r.json
    assert [m["id"] for m in r.json["items"]] == expected


@pytest.mark.parametrize(
    "query",
    [
        "weap*",  # would be a prefix query
        "weapons OR zeppelin",  # would match everything about weapons
        "weapons NOT Ukraine",
        "NEAR(weapons Ukraine)",  # would be a NEAR group
        "title:weapons",  # would be a column filter
        "measures:weapons",
        '"',
        "*",
        "-",
        ":",
        "()",
        "AND",
    ],
)
def test_search_operators_are_words_not_syntax(client: FlaskClient, query: str) -> None:
    """A term is a phrase of its words and every term must match: no operator does more."""
    for collection in ("measures", "triggers", "statements"):
        r = client.get(f"/v1/{collection}", query_string={"q": query, "limit": 200})
        assert r.status_code == 200, (collection, r.json)
        if collection != "measures":
            continue
        words = [w.lower().rstrip("*") for w in query.replace("(", " ").replace(":", " ").split()]
        for measure in r.json["items"]:
            content = _measure_text(measure).lower()
            assert all(w in content for w in words if w.isalpha()), (query, measure["id"])
    assert _ids(client, "/v1/measures?q=weap*") == []
    assert _ids(client, "/v1/measures?q=weapons%20OR%20zeppelin") == []


def test_a_search_without_words_finds_nothing(client: FlaskClient) -> None:
    for query in ("%25", "_", "%22%22", "-", "...", "%E2%80%94"):
        assert _ids(client, f"/v1/measures?q={query}") == [], query


def _trigger_input(trigger: Trigger, **changes: Any) -> dict[str, Any]:
    data = {
        "id": trigger.id,
        "kind": trigger.kind,
        "title": trigger.title,
        "description": trigger.description,
        "occurred_on": trigger.occurred_on.isoformat() if trigger.occurred_on else None,
        "occurred_on_precision": trigger.occurred_on_precision,
        "verification": trigger.verification,
        "countries": [{"country": c.country_code, "role": c.role} for c in trigger.countries],
        "citations": [{"source": c.source_id, "quote": c.quote} for c in trigger.citations],
    }
    data.update(changes)
    loaded: dict[str, Any] = TriggerCreateSchema().load(data)
    return loaded


def test_an_update_is_searchable_at_once_and_its_old_words_are_gone(
    client: FlaskClient, session: Session
) -> None:
    trigger = session.scalars(select(Trigger).order_by(Trigger.id)).first()
    assert trigger is not None
    title = trigger.title
    with session.no_autoflush:
        triggers.put(session, _trigger_input(trigger, title=f"{title} zeppelin"))
    session.commit()
    assert _ids(client, "/v1/triggers?q=zeppelin") == [trigger.id]
    with session.no_autoflush:
        triggers.put(session, _trigger_input(trigger, title=f"{title} dirigible"))
    session.commit()
    assert _ids(client, "/v1/triggers?q=zeppelin") == []
    assert _ids(client, "/v1/triggers?q=dirigible") == [trigger.id]


def test_an_orm_edit_is_reindexed_too(client: FlaskClient, session: Session) -> None:
    measure = session.get(Measure, "kr-k2-tanks-poland")
    assert measure is not None
    measure.items[0].name = "K-2 Black Panther tank"
    session.commit()
    assert _ids(client, "/v1/measures?q=panther") == ["kr-k2-tanks-poland"]


def test_a_deleted_record_is_no_longer_found(client: FlaskClient, session: Session) -> None:
    found = _ids(client, "/v1/statements?q=troops")
    assert found
    statement = session.get(Statement, found[0])
    session.delete(statement)
    session.commit()
    assert _ids(client, "/v1/statements?q=troops") == found[1:]


def test_the_search_is_answered_from_the_full_text_index(session: Session, backend: str) -> None:
    stmt = select(Measure.id).where(search.matches("measures", Measure.id, "weapons Ukraine"))
    compiled = stmt.compile(dialect=session.get_bind().dialect)
    connection = session.connection()
    if backend == "postgresql":
        # On a register this small a scan is rightly cheaper: give the planner a register
        # of the size the index is for (rolled back with the test).
        connection.exec_driver_sql(
            "INSERT INTO measures (id, type, status, title, conditional, created_at, updated_at)"
            " SELECT 'synthetic-' || i, 'sanction', 'announced', 'Sanctions number ' || i,"
            " false, now(), now() FROM generate_series(1, 50000) AS i"
        )
        connection.exec_driver_sql(
            "INSERT INTO search_documents (collection, record_id, document)"
            " SELECT 'measures', 'synthetic-' || i,"
            " to_tsvector('english', 'sanctions announced by country number ' || i)"
            " FROM generate_series(1, 50000) AS i"
        )
        connection.exec_driver_sql("ANALYZE measures, search_documents")
        explain = "EXPLAIN "
        index = "ix_search_documents_document"
    else:
        explain = "EXPLAIN QUERY PLAN "
        index = "VIRTUAL TABLE INDEX"
    params: Any = compiled.params
    if compiled.positiontup is not None:  # SQLite's driver takes its parameters by position
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = connection.exec_driver_sql(explain + str(compiled), params).all()
    plan = "\n".join(" ".join(str(v) for v in row) for row in rows)
    assert index in plan, plan
    assert "kr-weapons-to-ukraine" in session.scalars(stmt).all()


def test_an_existing_database_is_indexed_by_the_upgrade(migrated_url: str) -> None:
    """Records stored before the search index existed are found once migrated."""
    url = migrated_url
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            load(session, SEEDS)
        # Back to the schema before search, keeping the records; then up again.
        command.downgrade(alembic_config(url), "0001")
        assert not any(search.is_index_table(name) for name in inspect(engine).get_table_names())
        migrate(url)
        with Session(engine) as session:
            found = session.scalars(
                select(Measure.id).where(search.matches("measures", Measure.id, "K-2"))
            ).all()
            assert "kr-k2-tanks-poland" in found
            documents = session.scalar(select(func.count()).select_from(search.documents))
            records = sum(
                session.scalar(select(func.count()).select_from(model)) or 0
                for model in (Measure, Trigger, Statement)
            )
            assert documents == records
    finally:
        engine.dispose()
