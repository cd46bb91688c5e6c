"""Ingestion: the extractor reads a stored source and proposes the records it supports.

:func:`extract` runs the offline extractor (``service/extraction/``) over a source's text,
dated by its publication date, with the register's own actors and aliases in its
gazetteer, and hands the drafts to :func:`proposals.propose`, which supersedes the
source's proposals still pending. Nothing here writes a record: a proposal becomes one
only when a reviewer accepts it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import DomainError, InvalidBody, NotFound
from service.extraction import EXTRACTOR
from service.extraction.drafts import Draft as Finding
from service.extraction.drafts import drafts
from service.extraction.gazetteer import ActorName, Gazetteer
from service.extraction.pipeline import analyse
from service.models import Actor, Proposal, Source
from service.schemas.common import MAX_SOURCE_TEXT
from service.schemas.sources import SourceCreateSchema
from service.services import matching, retries, sources, writes
from service.services.proposals import Draft, propose

log = logging.getLogger(__name__)
# The most a file of MAX_SOURCE_TEXT characters takes as UTF-8 (4 bytes a character).
MAX_FILE_BYTES = 4 * MAX_SOURCE_TEXT
_SLUG = re.compile(r"[^a-z0-9]+")


def _names(session: Session) -> Gazetteer:
    """A gazetteer that also knows the register's actors by their names and aliases."""
    actors = [
        ActorName(actor.id, (actor.name, *actor.aliases))
        for actor in session.scalars(select(Actor).order_by(Actor.id))
    ]
    return Gazetteer(actors=actors)


def _record_id(source: Source, finding: Finding) -> str:
    """A stable slug for a proposed record: its kind and words, and a hash of its quotes."""
    title = str(finding.record.get("title") or finding.record.get("stance") or finding.kind)
    words = _SLUG.sub("-", title.lower()).strip("-")[:50].strip("-")
    quotes = "|".join(c["quote"] for c in finding.citations)
    digest = hashlib.sha256(f"{source.id}|{finding.kind}|{quotes}".encode()).hexdigest()[:8]
    return f"{words or finding.kind}-{digest}"


def _draft(source: Source, finding: Finding) -> Draft:
    """A finding as ``propose`` takes it: a create with the POST body of its kind.

    ``matching.match`` then weighs it against the register: it may become an update.
    """
    record: dict[str, Any] = {"id": _record_id(source, finding), **finding.record}
    reasons = list(finding.reasons)
    speaker = record.pop("actor_name", None)
    if finding.kind == "statement" and record.get("actor") is None:
        # The speaker is not an actor of the register: the reviewer names or creates one.
        reasons.append(f"speaker '{speaker}' is not an actor of the register")
    return {
        "kind": finding.kind,
        "action": "create",
        "target": None,
        "record": record,
        "citations": [
            {"quote": c["quote"], "start": c["start"], "end": c["end"]} for c in finding.citations
        ],
        "confidence": finding.confidence,
        "reasons": reasons,
        "candidates": [],
    }


def _nothing() -> None:
    """Begin no transaction of one's own: the session begins one as it needs."""


def extract(
    session: Session, source_id: str, begin: Callable[[], None] = _nothing
) -> list[Proposal]:
    """Read the source ``source_id`` and propose what it supports; commits.

    The extractor reads with no transaction open: a long article takes it seconds, during
    which a read would hold SQLite's lock, and a write every other writer's. The proposals
    are then written in a transaction ``begin`` starts (a writer's, on SQLite), run again
    if the database aborts it to break a race with another write.
    """
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound("source", source_id)
    # Relative dates ("on Monday", "last week") stand on a publication day: a source dated
    # only to its month or year, or not at all, gives none of them.
    precise = source.published_on_precision in (None, "day")
    published = source.published_on if precise else None
    text, names = source.text, _names(session)
    session.commit()
    findings = drafts(analyse(text, published, names), source_id)
    # Weighed against the register as it stands (reads only), before the write begins.
    made = matching.match(session, source, [(f, _draft(source, f)) for f in findings])
    session.commit()
    begin()
    return retries.retried(session, begin, lambda: propose(session, source_id, made, EXTRACTOR))


def extract_quietly(
    session: Session, source_id: str, begin: Callable[[], None] = _nothing
) -> list[Proposal]:
    """:func:`extract`, for a source just stored: a failure is logged, not raised.

    The article is kept whatever the extractor makes of it; ``POST
    /v1/sources/{id}/extract`` runs it again.
    """
    try:
        return extract(session, source_id, begin)
    except Exception:
        session.rollback()
        log.exception("extraction of source %s failed; the source is stored", source_id)
        return []


class IngestError(Exception):
    """An article file that cannot be stored: unreadable, or a record the API would refuse."""


def _dated(value: str | None) -> tuple[str | None, str | None]:
    """``2024-10-22``, ``2024-10`` or ``2024`` as a date and its precision."""
    if not value:
        return None, None
    parts = value.split("-")
    precision = {1: "year", 2: "month", 3: "day"}.get(len(parts))
    padded = "-".join([*parts, *["01"] * (3 - len(parts))])
    try:
        if precision is None:
            raise ValueError(value)
        return dt.date.fromisoformat(padded).isoformat(), precision
    except ValueError as error:
        raise IngestError(
            f"--published-on: '{value}' is not YYYY-MM-DD, YYYY-MM or YYYY"
        ) from error


def ingest_file(
    session: Session,
    path: Path,
    published_on: str | None,
    language: str,
    fields: Mapping[str, str | None],
) -> tuple[str, dict[str, int]]:
    """Store the article in ``path`` as a source (as ``POST /v1/sources`` does) and extract.

    Returns the source's id and how many proposals of each kind were made.
    """
    try:
        with path.open("rb") as file:  # bounded: a device or a pipe may never end
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise IngestError(f"cannot be read: {error.strerror or error}") from error
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"larger than {MAX_FILE_BYTES} bytes: not an article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IngestError(f"not UTF-8 text ({error.reason} at byte {error.start})") from error
    if not text.strip():
        raise IngestError("the file is empty")
    first_line = text.strip().splitlines()[0][:500]
    day, precision = _dated(published_on)
    digest = sources.sha256(text)[:8]
    stem = _SLUG.sub("-", path.stem.lower()).strip("-")[:60] or "article"
    body = {
        "id": f"{stem}-{digest}",
        "text": text,
        "title": fields.get("title") or first_line,
        "publisher": fields.get("publisher"),
        "url": fields.get("url"),
        "published_on": day,
        "published_on_precision": precision,
        "language": language,
    }
    try:
        data = SourceCreateSchema().load({k: v for k, v in body.items() if v is not None})
        written = writes.create(session, "sources", data, writes.Author(None))
    except ma.ValidationError as error:
        raise IngestError(InvalidBody(error.messages).detail) from error
    except DomainError as error:
        raise IngestError(error.detail) from error
    made = extract(session, written.key)
    counts: dict[str, int] = {}
    for proposal in made:
        counts[proposal.kind] = counts.get(proposal.kind, 0) + 1
    return written.key, counts
