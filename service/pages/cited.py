"""Citations as a page shows them: the quote in its article, with a link to that place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.models import Source
from service.pages.evidence import Excerpt, Span, excerpt
from service.schemas.common import Document
from service.services import sources


def anchor(start: int, end: int) -> str:
    """The id of a passage in its article's page: where a link to it lands."""
    return f"q-{start}-{end}"


@dataclass(frozen=True)
class Evidence:
    """A citation with the words around it; ``shown`` is its source's text at its offsets."""

    source_id: str
    source_title: str
    anchor: str
    quote: str
    shown: str
    excerpt: Excerpt

    @property
    def href(self) -> str:
        """The passage in its article's page."""
        return f"/sources/{self.source_id}#{self.anchor}"


class Texts:
    """The articles a page quotes, each read once through the sources service."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.read: dict[str, Source] = {}

    def source(self, source_id: str) -> Source:
        """The source ``source_id``."""
        if source_id not in self.read:
            self.read[source_id] = sources.get(self.session, source_id)
        return self.read[source_id]

    def evidence(self, citation: Document) -> Evidence:
        """``citation`` (as the API serves it) in its article."""
        source = self.source(citation["source"])
        start, end = citation["start"], citation["end"]
        key = anchor(start, end)
        return Evidence(
            source.id,
            source.title or source.id,
            key,
            citation["quote"],
            source.text[start:end],
            excerpt(source.text, Span(key, start, end)),
        )

    def all(self, citations: Iterable[Document]) -> list[Evidence]:
        """Each of ``citations`` in its article, in order."""
        return [self.evidence(c) for c in citations]
