"""Triggers, actors, statements, countries and organisations: a page each."""

from __future__ import annotations

from typing import Any

from flask import Response

from service.extensions import db
from service.models import Party
from service.pages.cited import Texts
from service.pages.common import Query, blp, dumped, listing, parse, parties_of, render
from service.resources.measures import within
from service.schemas.actors import ActorQueryArgs
from service.schemas.countries import CountryMeasuresQueryArgs
from service.schemas.measures import MeasureQueryArgs
from service.schemas.statements import StatementQueryArgs
from service.schemas.triggers import TriggerQueryArgs
from service.services import (
    actors,
    countries,
    measure_facets,
    measures,
    organisations,
    statements,
    triggers,
)

TRIGGERS, ACTORS, STATEMENTS = TriggerQueryArgs(), ActorQueryArgs(), StatementQueryArgs()
MEASURES, PARTY_MEASURES = MeasureQueryArgs(), CountryMeasuresQueryArgs()
ALL = ("limit", "200")  # a record's related lists: the API's largest page


def _measures(**filters: str) -> tuple[list[dict[str, Any]], str | None]:
    wanted = Query([*filters.items(), ALL])
    page = measures.page(db.session, parse(MEASURES, wanted), parsed=True)
    return list(page.items), page.next_cursor


def _statements(**filters: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    said = statements.list_(db.session, parse(STATEMENTS, Query([*filters.items(), ALL]))).items
    return dumped(statements.RECORD, said), actors.named(db.session, (s.actor_id for s in said))


@blp.get("/triggers")
def trigger_list() -> Response:
    """The triggers, filtered, sorted and paged as ``/v1/triggers`` is."""
    return listing(triggers.RECORD, TRIGGERS, "Triggers")


@blp.get("/triggers/<string:trigger_id>")
def trigger(trigger_id: str) -> Response:
    """A trigger: its parties, evidence, the measures answering it and what was said of it."""
    session = db.session
    doc = triggers.RECORD.dump(triggers.get(session, trigger_id))
    answering, more = _measures(trigger=trigger_id)
    said, speakers = _statements(trigger=trigger_id)
    return render(
        "trigger.html",
        doc["title"],
        {
            "This trigger": f"/v1/triggers/{trigger_id}",
            "The measures answering it": f"/v1/triggers/{trigger_id}/measures?limit=200",
            "Statements about it": f"/v1/statements?trigger={trigger_id}&limit=200",
        },
        trigger=doc,
        parties=parties_of([doc, *answering]),
        evidence=Texts(session).all(doc["citations"]),
        measures=answering,
        more=more,
        statements=said,
        speakers=speakers,
    )


@blp.get("/actors")
def actor_list() -> Response:
    """The actors, filtered, sorted and paged as ``/v1/actors`` is."""
    return listing(actors.RECORD, ACTORS, "Actors")


@blp.get("/actors/<string:actor_id>")
def actor(actor_id: str) -> Response:
    """An actor: who they are, what they said and the measures they announced."""
    session = db.session
    doc = actors.RECORD.dump(actors.get(session, actor_id))
    said, _ = _statements(actor=actor_id)
    announced, more = _measures(actor=actor_id)
    return render(
        "actor.html",
        doc["name"],
        {
            "This actor": f"/v1/actors/{actor_id}",
            "Their statements": f"/v1/statements?actor={actor_id}&limit=200",
            "The measures they announced": f"/v1/measures?actor={actor_id}&limit=200",
        },
        actor=doc,
        country=countries.named(session, [doc["country"]]).get(doc["country"] or ""),
        evidence=Texts(session).all(doc["citations"]),
        statements=said,
        measures=announced,
        parties=parties_of(announced),
        more=more,
    )


@blp.get("/statements/<string:statement_id>")
def statement(statement_id: str) -> Response:
    """A statement: who said it, when, about what, with its figure and its evidence."""
    session = db.session
    doc = statements.RECORD.dump(statements.get(session, statement_id))
    speaker = actors.get(session, doc["actor"])
    about = doc["about"]
    subject = None
    if about is not None and about["type"] == "trigger":
        subject = triggers.get(session, about["id"]).title
    elif about is not None:
        subject = measures.read(session, about["id"], parsed=True)["title"]
    return render(
        "statement.html",
        f"{speaker.name}: {doc['stance']}",
        {"This statement": f"/v1/statements/{statement_id}"},
        statement=doc,
        speaker=speaker,
        subject=subject,
        evidence=Texts(session).evidence(doc["citation"]),
    )


def _party(party: Party, collection: str) -> Response:
    """A country's or an organisation's page: its roles, measures, triggers and actors."""
    session = db.session
    code = party.code
    query = Query.of_request()
    args = parse(PARTY_MEASURES, query)
    page = measures.page(session, within(args, country=code), parsed=True)
    kind = "organisation" if collection == "organisations" else "country"
    # The party's own roles: its facet, under no other filter, whose filter is the party.
    counts = measure_facets.facet(session, parse(MEASURES, Query([])), kind)
    roles = {b.role: b.count for b in counts if b.value == code}
    involved = triggers.list_(session, parse(TRIGGERS, Query([("country", code), ALL]))).items
    people = actors.list_(session, parse(ACTORS, Query([("country", code), ALL]))).items
    base = f"/v1/{collection}/{code}"
    return render(
        "party.html",
        party.name,
        {
            f"This {kind}": base,
            "Its measures": f"{base}/measures{query.string()}",
            "Its timeline": f"{base}/timeline",
            "Triggers involving it": f"/v1/triggers?country={code}&limit=200",
            "Its actors": f"/v1/actors?country={code}&limit=200",
        },
        party=party,
        kind=kind,
        query=query,
        role=args.get("role"),
        roles=roles,
        measures=page.items,
        next_cursor=page.next_cursor,
        parties=countries.named(
            session, {p["country"] for m in page.items for p in m["countries"]}
        ),
        triggers=dumped(triggers.RECORD, involved),
        actors=dumped(actors.RECORD, people),
    )


@blp.get("/countries/<string:code>")
def country(code: str) -> Response:
    """A country's page."""
    return _party(countries.get(db.session, code), "countries")


@blp.get("/organisations/<string:code>")
def organisation(code: str) -> Response:
    """An organisation's page."""
    return _party(organisations.get(db.session, code), "organisations")
