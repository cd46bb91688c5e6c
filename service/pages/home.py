"""The front page, and search across the records the API searches."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response

from service.extensions import db
from service.pages.common import Query, blp, dumped, parse, parties_of, render
from service.schemas.common import full_text
from service.schemas.measures import MeasureQueryArgs
from service.schemas.statements import StatementQueryArgs
from service.schemas.triggers import TriggerQueryArgs
from service.services import actors, changes, measure_facets, measures, statements, triggers

LATEST = 12
FOUND = 10  # results a search shows of each collection


class SearchArgs(ma.Schema):
    q = full_text("measures, triggers and statements")


MEASURES, TRIGGERS, STATEMENTS = MeasureQueryArgs(), TriggerQueryArgs(), StatementQueryArgs()
SEARCH = SearchArgs()


def _label(collection: str, key: str, data: dict[str, Any] | None) -> str:
    if not data:
        return key
    # A statement has no title: what it quotes says what it is.
    return str(data.get("title") or data.get("name") or data.get("quote") or key)


@blp.get("/")
def home() -> Response:
    """The register at a glance: search, the latest changes, counts, the ways in."""
    session = db.session
    counts = measure_facets.facets(session, parse(MEASURES, Query([])))
    latest = changes.latest(session, LATEST)
    since = changes.cursor_at(latest[-1].seq - 1) if latest else None
    feed = f"/v1/changes?since={since}&limit={len(latest)}" if since else "/v1/changes"
    parties: dict[str, dict[str, Any]] = {}
    for bucket in [*counts["country"], *counts["organisation"]]:
        party = parties.setdefault(bucket.value, {"name": bucket.name, "roles": {}})
        party["roles"][bucket.role] = bucket.count
    return render(
        "home.html",
        "The register",
        {"The latest changes": feed, "Every measure": "/v1/measures"},
        counts=counts,
        total=measure_facets.count(session, parse(MEASURES, Query([]))),
        latest=[
            (change, _label(change.collection, change.record_id, change.data)) for change in latest
        ],
        parties=sorted(parties.items(), key=lambda p: (-sum(p[1]["roles"].values()), p[0])),
    )


@blp.get("/search")
def search() -> Response:
    """Measures, triggers and statements matching words, each list as the API finds it."""
    q: str = parse(SEARCH, Query.of_request()).get("q", "")
    found: dict[str, Any] = {}
    api: dict[str, str] = {}
    if q:
        wanted = Query([("q", q), ("limit", str(FOUND))])
        session = db.session
        found["measures"] = measures.page(session, parse(MEASURES, wanted), parsed=True).items
        found["triggers"] = dumped(
            triggers.RECORD, triggers.list_(session, parse(TRIGGERS, wanted)).items
        )
        said = statements.list_(session, parse(STATEMENTS, wanted)).items
        found["statements"] = dumped(statements.RECORD, said)
        found["actors"] = actors.named(session, (s.actor_id for s in said))
        found["parties"] = parties_of(found["measures"])
        found["total"] = measure_facets.count(session, parse(MEASURES, Query([("q", q)])))
        api = {
            f"Matching {c}": f"/v1/{c}{wanted.string()}"
            for c in ("measures", "triggers", "statements")
        }
    return render("search.html", f"Search: {q}" if q else "Search", api, q=q, found=found)
