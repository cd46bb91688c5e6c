"""A catalogue of hostile bodies and headers: each is a problem+json naming the culprit.

Every write operation is sent input that once answered 500, or was cut short, or was
stored though it made no sense: nesting 100,000 deep, numbers of 5,000 digits, lone
surrogates, integers past their column, negative counts, the year 9999. Each case asserts
the status, the media type, the field named in ``errors[].name`` and that nothing was
written (the change feed and the row counts are as they were).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import bodies
from service.errors import InvalidBody, MalformedBody
from service.models import (
    Actor,
    ApiKey,
    Change,
    Citation,
    IdempotentRequest,
    Measure,
    Source,
    Statement,
)
from service.models.api_key import SCOPES

ARTICLE = "kr-phased-measures-article"
QUOTE = "South Korea's National Intelligence Service reported Friday"
CITE = {"source": ARTICLE, "quote": QUOTE}
# A seeded record of each collection, for PATCH and DELETE.
SEEDED = {
    "measures": "kr-phased-diplomatic-actions",
    "triggers": "kp-troops-to-russia",
    "statements": "nis-kp-troops-up-to-10000",
    "actors": "kim-hong-kyun",
    "sources": ARTICLE,
}
VALID: dict[str, dict[str, Any]] = {
    "measures": {
        "id": "test-hostile-measure",
        "type": "sanction",
        "status": "threatened",
        "title": "South Korea threatens sanctions",
        "countries": [{"country": "KR", "role": "imposer"}],
        "announced_on": "2024-10-22",
        "announced_on_precision": "day",
        "items": [{"name": "K-2 tank", "category": "tank", "quantity": 10}],
        "citations": [CITE],
    },
    "triggers": {
        "id": "test-hostile-trigger",
        "kind": "troop_deployment",
        "title": "Troops sent",
        "verification": "reported",
        "citations": [CITE],
    },
    "statements": {
        "id": "test-hostile-statement",
        "actor": "national-intelligence-service",
        "stance": "report",
        "citation": CITE,
        "figure": {"value": 10, "unit": "troops"},
    },
    "actors": {
        "id": "test-hostile-actor",
        "kind": "expert",
        "name": "A. Analyst",
        "aliases": ["Analyst"],
        "citations": [CITE],
    },
    "sources": {"id": "test-hostile-source", "language": "en", "text": "Seoul said so."},
}
DEEP = 100_000
HUGE = "9" * 5000
MIB = 1024 * 1024


def body(collection: str, **fields: Any) -> str:
    """A valid POST body of ``collection`` with ``fields`` replaced, as a client sends it."""
    return json.dumps({**VALID[collection], **fields})


def raw(collection: str, field: str, literal: str) -> str:
    """A valid POST body whose ``field`` is the JSON text ``literal``, verbatim."""
    others = json.dumps({k: v for k, v in VALID[collection].items() if k != field})
    return others[:-1] + f', "{field}": {literal}}}'


class Case(NamedTuple):
    method: str
    collection: str
    data: str | bytes
    status: int
    name: str | None
    content_type: str = "application/json"
    if_match: str | None = "current"  # PATCH and DELETE: the record's ETag, or this header
    chunked: bool = False  # sent with Transfer-Encoding: chunked, without Content-Length


def post(collection: str, data: str | bytes, status: int, name: str | None) -> Case:
    return Case("POST", collection, data, status, name)


def patch(collection: str, changes: dict[str, Any] | str, status: int, name: str) -> Case:
    data = changes if isinstance(changes, str) else json.dumps(changes)
    return Case("PATCH", collection, data, status, name)


CATALOGUE: dict[str, Case] = {
    # Bodies that are not (acceptable) JSON: 400 naming the body or the member.
    "deep-arrays": post("measures", "[" * DEEP + "]" * DEEP, 400, "(body)"),
    "deep-objects": patch("measures", '{"a":' * DEEP + "1" + "}" * DEEP, 400, "(body)"),
    "deep-in-a-field": post(
        "actors", raw("actors", "aliases", "[" * 40 + "]" * 40), 400, "aliases"
    ),
    "malformed": post("triggers", '{"id": ', 400, "(body)"),
    "trailing-garbage": post("triggers", body("triggers") + " xyz", 400, "(body)"),
    "two-documents": post("actors", body("actors") + body("actors"), 400, "(body)"),
    "empty-body": post("sources", "", 400, "(body)"),
    "invalid-utf8": post("sources", body("sources").encode()[:-2] + b'\xff"}', 400, "text"),
    "invalid-utf8-outside-json": post("sources", b"\xff" + body("sources").encode(), 400, "(body)"),
    "duplicate-key": post("actors", body("actors")[:-1] + ', "name": "B"}', 400, "name"),
    "duplicate-nested-key": patch(
        "statements", '{"figure": {"value": 1, "value": 2, "unit": "troops"}}', 400, "figure.value"
    ),
    "nan": post("measures", raw("measures", "phase", "NaN"), 400, "phase"),
    "infinity": patch(
        "statements", '{"figure": {"value": Infinity, "unit": "t"}}', 400, "figure.value"
    ),
    "float-overflow": patch("measures", '{"phase": 1e999}', 422, "phase"),
    # Numbers Python cannot even read: 422 naming the field.
    "huge-int-phase": post("measures", raw("measures", "phase", HUGE), 422, "phase"),
    "huge-int-figure": patch(
        "statements", f'{{"figure": {{"value": {HUGE}, "unit": "troops"}}}}', 422, "figure.value"
    ),
    "huge-int-unknown-field": post("actors", raw("actors", "x", HUGE), 422, "x"),
    # Lone surrogates cannot be stored as UTF-8: each kind of string.
    "surrogate-slug": post("actors", body("actors", id="a\ud800"), 422, "id"),
    "surrogate-term": post("triggers", body("triggers", kind="\ud800"), 422, "kind"),
    "surrogate-country": post(
        "measures",
        body("measures", countries=[{"country": "\udc00", "role": "target"}]),
        422,
        "countries.0.country",
    ),
    "surrogate-text": post("measures", body("measures", title="K-2 \ud800"), 422, "title"),
    "surrogate-long-text": patch("triggers", {"description": "x\udfff"}, 422, "description"),
    "surrogate-list-item": patch("actors", {"aliases": ["ok", "\ud83d"]}, 422, "aliases.1"),
    "surrogate-nested": post(
        "actors",
        body("actors", citations=[{"source": ARTICLE, "quote": "\ud800"}]),
        422,
        "citations.0.quote",
    ),
    "surrogate-url": post("sources", body("sources", url="https://e.org/\ud800"), 422, "url"),
    "surrogate-source-text": post("sources", body("sources", text="Seoul \udbff"), 422, "text"),
    "surrogate-date": post(
        "statements", body("statements", said_on="2024-10-2\ud800"), 422, "said_on"
    ),
    "surrogate-figure-unit": patch(
        "statements", {"figure": {"value": 1, "unit": "\ud800"}}, 422, "figure.unit"
    ),
    "surrogate-key": post("actors", raw("actors", "\\ud800", "1"), 422, "\\ud800"),
    "surrogate-key-name": Case(
        "POST", "keys", json.dumps({"name": "\ud800", "scopes": ["write"]}), 422, "name"
    ),
    # NUL cannot be stored in PostgreSQL text.
    "nul-text": post("measures", body("measures", summary="a\u0000b"), 422, "summary"),
    "nul-alias": post("actors", body("actors", aliases=["a\u0000"]), 422, "aliases.0"),
    # Wrong types.
    "string-for-list": post("triggers", body("triggers", citations="x"), 422, "citations"),
    "object-for-list": patch("measures", {"items": {}}, 422, "items"),
    "null-list-item": patch("measures", {"countries": [None]}, 422, "countries.0"),
    "number-for-string": post("actors", body("actors", name=5), 422, "name"),
    "list-for-string": post("sources", body("sources", title=["a"]), 422, "title"),
    "string-for-int": patch("measures", {"phase": "2"}, 422, "phase"),
    "not-an-object": post("statements", "[1, 2]", 422, "(body)"),
    "null-body": post("statements", "null", 422, "(body)"),
    "int-for-boolean": patch("measures", {"conditional": 1}, 422, "conditional"),
    # Booleans and floats as integers.
    "true-phase": patch("measures", {"phase": True}, 422, "phase"),
    "false-quantity": post(
        "measures",
        body("measures", items=[{"name": "K-2", "category": "tank", "quantity": False}]),
        422,
        "items.0.quantity",
    ),
    "true-figure": patch(
        "statements", {"figure": {"value": True, "unit": "troops"}}, 422, "figure.value"
    ),
    "true-occurrence": post(
        "actors",
        body("actors", citations=[{**CITE, "occurrence": True}]),
        422,
        "citations.0.occurrence",
    ),
    "float-phase": patch("measures", {"phase": 1.5}, 422, "phase"),
    "integral-float-figure": patch(
        "statements", {"figure": {"value": 2.0, "unit": "troops"}}, 422, "figure.value"
    ),
    # Integers past their column, or below what makes sense.
    "phase-2-31": patch("measures", {"phase": 2**31}, 422, "phase"),
    "phase-2-63": post(
        "measures", body("measures", phase=2**63, parent="kr-phased-measures"), 422, "phase"
    ),
    "phase-zero": patch("measures", {"phase": 0}, 422, "phase"),
    "figure-2-63": post(
        "statements",
        body("statements", figure={"value": 2**63, "unit": "troops"}),
        422,
        "figure.value",
    ),
    "figure-2-63-patch": patch(
        "statements", {"figure": {"value": 2**63, "unit": "troops"}}, 422, "figure.value"
    ),
    "figure-10-30": patch(
        "statements", {"figure": {"value": 10**30, "unit": "troops"}}, 422, "figure.value"
    ),
    "negative-troops": post(
        "statements",
        body("statements", figure={"value": -1500, "unit": "troops"}),
        422,
        "figure.value",
    ),
    "negative-quantity": patch(
        "measures",
        {"items": [{"name": "K-2", "category": "tank", "quantity": -5}]},
        422,
        "items.0.quantity",
    ),
    "quantity-2-31": post(
        "measures",
        body("measures", items=[{"name": "K-2", "category": "tank", "quantity": 2**31}]),
        422,
        "items.0.quantity",
    ),
    "occurrence-zero": post(
        "triggers",
        body("triggers", citations=[{**CITE, "occurrence": 0}]),
        422,
        "citations.0.occurrence",
    ),
    "occurrence-2-63": post(
        "triggers",
        body("triggers", citations=[{**CITE, "occurrence": 2**63}]),
        422,
        "citations.0.occurrence",
    ),
    # Dates outside 1900–2100.
    "announced-9999": post(
        "measures", body("measures", announced_on="9999-12-31"), 422, "announced_on"
    ),
    "expected-9999-patch": patch(
        "measures",
        {"expected_by": "9999-01-01", "expected_by_precision": "year"},
        422,
        "expected_by",
    ),
    "effective-0001": post(
        "measures",
        body("measures", effective_on="0001-01-01", effective_on_precision="day"),
        422,
        "effective_on",
    ),
    "status-change-9999": post(
        "measures",
        body(
            "measures",
            status_history=[
                {
                    "status": "threatened",
                    "changed_on": "9999-12-31",
                    "changed_on_precision": "day",
                    "citation": CITE,
                }
            ],
        ),
        422,
        "status_history.0.changed_on",
    ),
    "occurred-0001": patch(
        "triggers",
        {"occurred_on": "0001-01-01", "occurred_on_precision": "day"},
        422,
        "occurred_on",
    ),
    "said-9999": post(
        "statements",
        body("statements", said_on="9999-12-31", said_on_precision="day"),
        422,
        "said_on",
    ),
    "figure-as-of-1899": patch(
        "statements",
        {"figure": {"value": 1, "unit": "t", "as_of": "1899-12-31", "as_of_precision": "day"}},
        422,
        "figure.as_of",
    ),
    "published-2101": post(
        "sources", body("sources", published_on="2101-01-01"), 422, "published_on"
    ),
    "revised-0001-patch": patch("sources", {"revised_on": "0001-01-01"}, 422, "revised_on"),
    "date-year-10000": post(
        "statements",
        body("statements", said_on="10000-01-01", said_on_precision="day"),
        422,
        "said_on",
    ),
    # Unknown fields.
    "unknown-field": post("measures", body("measures", bogus=1), 422, "bogus"),
    "unknown-nested-field": patch(
        "statements", {"figure": {"value": 1, "unit": "t", "x": 1}}, 422, "figure.x"
    ),
    "id-in-patch": patch("actors", {"id": "renamed"}, 422, "id"),
    # Strings too long.
    "title-too-long": post("measures", body("measures", title="x" * 501), 422, "title"),
    "summary-too-long": patch("measures", {"summary": "x" * 20_001}, 422, "summary"),
    "alias-too-long": post("actors", body("actors", aliases=["x" * 201]), 422, "aliases.0"),
    "unit-too-long": patch(
        "statements", {"figure": {"value": 1, "unit": "x" * 61}}, 422, "figure.unit"
    ),
    "source-text-too-long": post("sources", body("sources", text="x" * 1_000_001), 422, "text"),
    "slug-too-long": post("triggers", body("triggers", id="a" * 81), 422, "id"),
    "language-too-long": post("sources", body("sources", language="e" * 500), 422, "language"),
    # Too many list items.
    "too-many-countries": patch(
        "measures", {"countries": [{"country": "KR", "role": "imposer"}] * 501}, 422, "countries"
    ),
    "too-many-items": post(
        "measures",
        body("measures", items=[{"name": "K-2", "category": "tank"}] * 501),
        422,
        "items",
    ),
    "too-many-triggers": patch(
        "measures",
        {"triggers": [{"trigger": "kp-troops-to-russia", "relation": "responds_to"}] * 101},
        422,
        "triggers",
    ),
    "too-many-citations": post(
        "triggers", body("triggers", citations=[CITE] * 101), 422, "citations"
    ),
    "too-many-history": patch(
        "measures",
        {
            "status_history": [
                {
                    "status": "announced",
                    "changed_on": None,
                    "changed_on_precision": None,
                    "citation": CITE,
                }
            ]
            * 101
        },
        422,
        "status_history",
    ),
    "too-many-aliases": patch("actors", {"aliases": ["a"] * 101}, 422, "aliases"),
    "too-many-trigger-countries": post(
        "triggers",
        body("triggers", countries=[{"country": "KP", "role": "originator"}] * 501),
        422,
        "countries",
    ),
    "too-many-scopes": Case(
        "POST",
        "keys",
        json.dumps({"name": "k", "scopes": ["write"] * (len(SCOPES) + 1)}),
        422,
        "scopes",
    ),
    # Empty strings where an id is required.
    "empty-id": post("measures", body("measures", id=""), 422, "id"),
    "empty-actor": post("statements", body("statements", actor=""), 422, "actor"),
    "empty-parent": patch("measures", {"parent": ""}, 422, "parent"),
    "empty-citation-source": post(
        "actors",
        body("actors", citations=[{"source": "", "quote": QUOTE}]),
        422,
        "citations.0.source",
    ),
    "empty-about-id": patch(
        "statements", {"about": {"type": "trigger", "id": ""}}, 422, "about.id"
    ),
    "empty-trigger": patch(
        "measures",
        {"triggers": [{"trigger": "", "relation": "responds_to"}]},
        422,
        "triggers.0.trigger",
    ),
    # Size and media type.
    "oversized": post("sources", body("sources", text="x" * (MIB + 10)), 413, "(body)"),
    "oversized-patch": patch("measures", {"summary": "x" * (MIB + 10)}, 413, "(body)"),
    "chunked-oversized": Case(
        "POST", "sources", body("sources", text="x" * (2 * MIB)), 413, "(body)", chunked=True
    ),
    # Cut at the limit, this one would still be a whole, valid body.
    "chunked-padded": Case(
        "POST", "actors", body("actors") + " " * (2 * MIB), 413, "(body)", chunked=True
    ),
    "chunked-just-over": Case(
        "PATCH", "sources", json.dumps({"title": "x" * MIB}), 413, "(body)", chunked=True
    ),
    "form-body": Case(
        "POST", "actors", "id=x", 415, "Content-Type", "application/x-www-form-urlencoded"
    ),
    "text-body": Case("PATCH", "triggers", '{"title": "T"}', 415, "Content-Type", "text/plain"),
    # Preconditions.
    "delete-stale-if-match": Case("DELETE", "statements", "", 412, "If-Match", if_match='"stale"'),
    "delete-garbage-if-match": Case(
        "DELETE", "statements", "", 412, "If-Match", if_match="\x01garbage"
    ),
    "delete-weak-if-match": Case("DELETE", "statements", "", 412, "If-Match", if_match='W/"x"'),
    "delete-no-if-match": Case("DELETE", "triggers", "", 428, "If-Match", if_match=None),
    "delete-measure-no-if-match": Case("DELETE", "measures", "", 428, "If-Match", if_match=None),
    "delete-actor-no-if-match": Case("DELETE", "actors", "", 428, "If-Match", if_match=None),
    "patch-no-if-match": Case("PATCH", "sources", '{"title": "T"}', 428, "If-Match", if_match=None),
}


def changes(session: Session) -> tuple[int, int | None]:
    """The change feed's length and last sequence number."""
    return (
        session.scalar(select(func.count()).select_from(Change)) or 0,
        session.scalar(select(func.max(Change.seq))),
    )


def footprint(session: Session) -> tuple[int, ...]:
    models = (Measure, Actor, Statement, Source, Citation, IdempotentRequest, ApiKey)
    return tuple(session.scalar(select(func.count()).select_from(m)) or 0 for m in models)


def test_the_catalogue_covers_every_write_operation() -> None:
    assert len(CATALOGUE) >= 60
    operations = {(case.method, case.collection) for case in CATALOGUE.values()}
    for collection in SEEDED:
        assert {("POST", collection), ("PATCH", collection)} <= operations, collection
    assert {case.collection for case in CATALOGUE.values() if case.method == "DELETE"} >= {
        "measures",
        "triggers",
        "statements",
        "actors",
    }


@pytest.mark.parametrize("case", CATALOGUE.values(), ids=CATALOGUE.keys())
def test_hostile_input_is_a_problem_naming_the_culprit_and_writes_nothing(
    client: FlaskClient,
    session: Session,
    auth_headers: Callable[..., dict[str, str]],
    case: Case,
) -> None:
    headers = auth_headers("admin" if case.collection == "keys" else "write")
    path = f"/v1/{case.collection}"
    if case.method != "POST":
        path += f"/{SEEDED[case.collection]}"
        if case.if_match == "current":
            headers["If-Match"] = client.get(path).headers["ETag"]
        elif case.if_match is not None:
            headers["If-Match"] = case.if_match
    if case.data or case.method != "DELETE":
        headers["Content-Type"] = case.content_type
    if case.chunked:  # werkzeug then ignores the Content-Length the test client sets
        headers["Transfer-Encoding"] = "chunked"
    before = changes(session), footprint(session)

    # As gunicorn does: it ends the input stream itself, so werkzeug may read to the end.
    terminated = {"wsgi.input_terminated": True} if case.chunked else {}
    r = client.open(
        path, method=case.method, data=case.data, headers=headers, environ_overrides=terminated
    )

    assert r.status_code == case.status, r.get_data(as_text=True)[:2000]
    assert r.mimetype == "application/problem+json"
    assert r.json is not None and r.json["status"] == case.status
    if case.name is not None:
        names = [error["name"] for error in r.json.get("errors", [])]
        assert case.name in names, r.json
    assert (changes(session), footprint(session)) == before


def test_a_surrogate_pair_is_a_character_and_is_stored(
    client: FlaskClient, auth_headers: Callable[..., dict[str, str]]
) -> None:
    # json.dumps escapes the emoji as the pair "\ud83d\ude00": one character, not two halves.
    actor = {**VALID["actors"], "name": "Analyst \U0001f600", "aliases": ["\U0001f600"]}
    headers = {**auth_headers("write"), "Content-Type": "application/json"}
    r = client.post("/v1/actors", data=json.dumps(actor), headers=headers)
    assert r.status_code == 201, r.json
    assert r.json["name"] == "Analyst \U0001f600"


def test_the_reader_takes_what_a_write_can_use_and_names_the_member_it_refuses() -> None:
    nested = "[" * bodies.MAX_DEPTH + "]" * bodies.MAX_DEPTH
    bodies.parse(f'{{"a": {nested}}}'.encode())  # 32 levels below the top: allowed
    with pytest.raises(MalformedBody) as deep:
        bodies.parse(f'{{"a": [{nested}]}}'.encode())
    assert deep.value.errors[0]["name"] == "a"
    assert bodies.parse(b'{"n": ' + b"9" * bodies.MAX_DIGITS + b"}")["n"] == int("9" * 100)
    with pytest.raises(MalformedBody) as twice:
        bodies.parse(b'{"a": [{"b": 1, "b": 2}]}')
    assert twice.value.errors == [
        {"name": "a.0.b", "in": "body", "reason": "The member is given twice."}
    ]
    with pytest.raises(InvalidBody) as surrogate:
        bodies.parse(b'{"a": ["ok", {"\\udc00": 1}]}')
    assert surrogate.value.errors[0]["name"] == "a.1.\\udc00"
