"""The measures: a list with facets, and a page per measure with its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, redirect
from werkzeug.wrappers import Response as WerkzeugResponse

from service import vocabularies as vocab
from service.extensions import db
from service.pages.cited import Texts
from service.pages.common import Query, blp, dumped, parse, parties_of, render
from service.schemas.measures import MeasureAsOfArgs, MeasureQuery, MeasureQueryArgs
from service.schemas.statements import StatementQueryArgs
from service.services import actors, measure_facets, measures, statements, triggers
from service.services.measure_facets import Bucket

MEASURES, AS_OF, STATEMENTS = MeasureQueryArgs(), MeasureAsOfArgs(), StatementQueryArgs()
NOT_IN_DOWNLOADS = ("limit", "cursor", "format")  # a download has every match, from the top
ROLES = tuple(vocab.MEASURE_COUNTRY_ROLES)
SORTS = ("-announced_on", "announced_on", "title", "-title", "status", "type", "-updated_at")


TITLES = {
    "type": "Type",
    "status": "Status",
    "country": "Country and role",
    "organisation": "Organisation and role",
    "trigger": "Trigger",
    "conditional": "Conditional",
}


@dataclass(frozen=True)
class Entry:
    """A value of a facet as a link: what it reads, its count, where it goes, if chosen."""

    label: str
    role: str | None
    count: int
    href: str
    chosen: bool


@dataclass(frozen=True)
class Facet:
    """A facet as the page shows it; ``clear`` drops its filter, when one is chosen."""

    name: str
    title: str
    entries: list[Entry]
    clear: str | None


def _chosen(args: MeasureQuery, facet: str, bucket: Bucket) -> bool:
    """Whether the list's own filter (as the API read it) is ``bucket``'s value."""
    if facet in ("country", "organisation"):
        same = (args.get("country") or "").upper() == bucket.value
        return same and args.get("role") == bucket.role
    if facet == "conditional":
        return "conditional" in args and str(args["conditional"]).lower() == bucket.value
    if facet == "type":
        return bucket.value in args.get("type", [])
    if facet == "status":
        return bucket.value in args.get("status", [])
    return args.get("trigger") == bucket.value


def _label(facet: str, bucket: Bucket) -> str:
    if bucket.name is not None:
        return bucket.name
    if facet == "conditional":
        return "conditional" if bucket.value == "true" else "unconditional"
    return bucket.value.replace("_", " ")


def facet_views(query: Query, args: MeasureQuery, found: dict[str, list[Bucket]]) -> list[Facet]:
    """Each facet's values as links to the list with that value in place of the facet's own."""
    views = []
    for facet, buckets in found.items():
        own = measure_facets.FACETS[facet]
        entries = []
        for bucket in buckets:
            values = {own[0]: bucket.value} | ({"role": bucket.role} if bucket.role else {})
            href = f"/measures{query.string(drop=['cursor'], **values)}"
            entries.append(
                Entry(
                    _label(facet, bucket),
                    bucket.role,
                    bucket.count,
                    href,
                    _chosen(args, facet, bucket),
                )
            )
        active = any(key in own for key, _ in query.pairs)
        clear = f"/measures{query.string(drop=['cursor', *own])}" if active else None
        views.append(Facet(facet, TITLES[facet], entries, clear))
    return views


@blp.get("/measures")
def measure_list() -> WerkzeugResponse:
    """Measures filtered, sorted and paged as ``/v1/measures`` is, with facets and counts."""
    query = Query.of_request()
    args = parse(MEASURES, query)
    fmt = args.get("format") or "json"
    if fmt != "json":  # the download, as the API answers the same request
        return redirect(f"/v1/measures.{fmt}{query.string(drop=NOT_IN_DOWNLOADS)}", 303)
    session = db.session
    page = measures.page(session, args, parsed=True)
    found = measure_facets.facets(session, args)
    downloads = query.string(drop=NOT_IN_DOWNLOADS)
    return render(
        "measures.html",
        "Measures",
        {
            "This page as JSON": f"/v1/measures{query.string()}",
            "Every match as CSV": f"/v1/measures.csv{downloads}",
            "Every match as NDJSON": f"/v1/measures.ndjson{downloads}",
        },
        query=query,
        measures=page.items,
        next_cursor=page.next_cursor,
        total=measure_facets.count(session, args),
        facets=facet_views(query, args, found),
        triggers=found["trigger"],
        parties=parties_of(page.items),
        vocab=vocab,
        roles=ROLES,
        sorts=SORTS,
    )


@blp.get("/measures/<string:measure_id>")
def measure(measure_id: str) -> Response:
    """A measure: its parties, items, triggers, stages, status history and every citation."""
    query = Query.of_request()
    args = parse(AS_OF, query)
    session = db.session
    doc = measures.read(session, measure_id, args.get("as_of"), parsed=True)
    texts = Texts(session)
    stages: list[dict[str, Any]] = []
    if doc["children"]:
        wanted = Query([("parent", measure_id), ("limit", "200"), ("sort", "id")])
        stages = list(measures.page(session, parse(MEASURES, wanted), parsed=True).items)
        stages.sort(key=lambda stage: (stage["phase"] is None, stage["phase"] or 0, stage["id"]))
    said = statements.list_(
        session, parse(STATEMENTS, Query([("measure", measure_id), ("limit", "200")]))
    ).items
    return render(
        "measure.html",
        doc["title"],
        {
            "This measure": f"/v1/measures/{measure_id}{query.string()}",
            "Statements about it": f"/v1/statements?measure={measure_id}&limit=200",
        },
        measure=doc,
        parties=parties_of([doc]),
        announced_by=actors.get(session, doc["announced_by"]) if doc["announced_by"] else None,
        triggers={t["trigger"]: triggers.get(session, t["trigger"]) for t in doc["triggers"]},
        parent=measures.read(session, doc["parent"], parsed=True) if doc["parent"] else None,
        stages=stages,
        history=[(change, texts.evidence(change["citation"])) for change in doc["status_history"]],
        evidence=texts.all(doc["citations"]),
        statements=dumped(statements.RECORD, said),
        speakers=actors.named(session, (s.actor_id for s in said)),
    )
