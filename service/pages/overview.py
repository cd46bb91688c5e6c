"""The register drawn: the timeline of dated events, and the network of who does what to whom."""

from __future__ import annotations

from flask import Response

from service import vocabularies as vocab
from service.extensions import db
from service.pages import pictures
from service.pages.common import Query, blp, parse, render, term, when
from service.schemas.relations import EDGES, OTHER_ROLES, RelationQueryArgs
from service.schemas.timeline import TimelineQueryArgs
from service.services import countries, relations, timeline
from service.services.timeline import Entry

TIMELINE, RELATIONS = TimelineQueryArgs(), RelationQueryArgs()
# Where each kind of entry has its page: a status change is its measure's.
ENTRY_PAGES = {"trigger": "triggers", "statement": "statements", "status_change": "measures"}
KIND_NAMES = {"trigger": "trigger", "statement": "statement", "status_change": "status change"}


def _describe(entry: Entry) -> str:
    when_ = when(entry.date, entry.date_precision)
    if entry.kind == "status_change":
        return f"{when_}: {term(entry.status)}: {entry.text}"
    if entry.kind == "statement":
        return f"{when_}: {entry.actor_name or entry.actor} ({term(entry.stance)}): {entry.text}"
    return f"{when_}: {entry.text}"


@blp.get("/timeline")
def timeline_page() -> Response:
    """Dated triggers, statements and status changes, drawn and listed as ``/v1/timeline``."""
    query = Query.of_request()
    page = timeline.list_(db.session, parse(TIMELINE, query))
    entries = list(page.items)
    described = [_describe(e) for e in entries]
    return render(
        "timeline.html",
        "Timeline",
        {"This page as JSON": f"/v1/timeline{query.string()}"},
        query=query,
        entries=list(zip(entries, described, strict=True)),
        picture=pictures.timeline(entries, dict(enumerate(described))),
        next_cursor=page.next_cursor,
        pages=ENTRY_PAGES,
        kinds=KIND_NAMES,
    )


@blp.get("/relations")
def relations_page() -> Response:
    """Parties and the measures and triggers between them, drawn and listed as ``/v1/relations``."""
    query = Query.of_request()
    edges = relations.list_(db.session, parse(RELATIONS, query))
    codes = {code for e in edges for code in (e.from_country, e.to_country)}
    names = {code: party.name for code, party in countries.named(db.session, codes).items()}
    return render(
        "relations.html",
        "Network",
        {"These edges as JSON": f"/v1/relations{query.string()}"},
        query=query,
        edges=edges,
        names=names,
        picture=pictures.network(edges, names),
        vocab=vocab,
        edge_kinds=EDGES,
        roles=OTHER_ROLES,
    )
