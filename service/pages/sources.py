"""The articles: a list, and the reader, with every cited passage marked in the text."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Response

from service.extensions import db
from service.pages.cited import anchor
from service.pages.common import blp, listing, render
from service.pages.evidence import Span, lay_out
from service.schemas.sources import SourceQueryArgs
from service.services import sources

SOURCES = SourceQueryArgs()


@dataclass
class Note:
    """A cited passage in the margin, numbered in reading order, with the records citing it."""

    number: int
    anchor: str
    start: int
    end: int
    quote: str
    records: list[sources.Citing] = field(default_factory=list)


@blp.get("/sources")
def source_list() -> Response:
    """The articles, sorted and paged as ``/v1/sources`` is."""
    return listing(sources.RECORD, SOURCES, "Articles")


@blp.get("/sources/<string:source_id>")
def source(source_id: str) -> Response:
    """An article's stored text, each cited passage marked and linked to the records citing it."""
    session = db.session
    record = sources.get(session, source_id)
    notes: dict[str, Note] = {}
    for citing in sources.cited_by(session, source_id):
        key = anchor(citing.start, citing.end)
        quote = record.text[citing.start : citing.end]
        note = notes.setdefault(key, Note(0, key, citing.start, citing.end, quote))
        note.records.append(citing)
    ordered = sorted(notes.values(), key=lambda n: (n.start, n.end))
    for number, note in enumerate(ordered, 1):
        note.number = number
    spans = [Span(n.anchor, n.start, n.end) for n in ordered]
    return render(
        "source.html",
        record.title or record.id,
        {
            "This article": f"/v1/sources/{source_id}",
            "Its cited passages": f"/v1/sources/{source_id}/citations?limit=200",
        },
        source=sources.RECORD.dump(record),
        paragraphs=lay_out(record.text, spans),
        notes=ordered,
        numbers={n.anchor: n.number for n in ordered},
    )
