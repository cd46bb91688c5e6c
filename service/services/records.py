"""Helpers every service uses: reference checks, citations, idempotent upserts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypedDict, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from service.errors import InvalidReference, NotFound
from service.models import Citation, Party, Source
from service.models.base import Base
from service.quotes import Folded, QuoteError
from service.schemas.common import CitationInData, CountryRoleData
from service.schemas.provenance import Flagged, Provenance, weakest

M = TypeVar("M", bound=Base)
C = TypeVar("C")
Outcome = Literal["created", "updated", "unchanged"]
_TIMESTAMPS = frozenset({"created_at", "updated_at"})
FOLDED = "register.folded"


def get_or_404(
    session: Session, model: type[M], key: str, label: str, asked: str | None = None
) -> M:
    """The record ``key`` of ``model``, or a 404 naming what the client ``asked`` for."""
    record = session.get(model, key)
    if record is None:
        raise NotFound(label, asked or key)
    return record


def contains(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], text: str
) -> ColumnElement[bool]:
    """Case-insensitive substring match; ``%`` and ``_`` in ``text`` match themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def country_roles(
    session: Session, entries: Sequence[CountryRoleData], make: Callable[[str, str], C]
) -> list[C]:
    """``make(code, role)`` for each ``{country, role}`` (a country or an organisation);
    unknown or repeated pairs are a 422."""
    rows, seen = [], set()
    for index, entry in enumerate(entries):
        code = require_country(session, entry["country"], f"countries.{index}.country")
        if (code, entry["role"]) in seen:
            raise InvalidReference(f"countries.{index}", "listed twice with the same role")
        seen.add((code, entry["role"]))
        rows.append(make(code, entry["role"]))
    return rows


def require(session: Session, model: type[M], key: str, field: str, label: str) -> M:
    """The record ``key`` of ``model``, or a 422 naming ``field``."""
    record = session.get(model, key)
    if record is None:
        raise InvalidReference(field, f"no {label} with id '{key}'")
    return record


def require_country(session: Session, code: str, field: str) -> str:
    """The code of the party ``code`` (any case), or a 422 naming ``field``.

    A party is a country or an organisation (``models/country.py``): either holds a role.
    """
    party = session.get(Party, code.upper())
    if party is None:
        raise InvalidReference(
            field, f"'{code}' is not an ISO 3166-1 alpha-2 country code nor an organisation's code"
        )
    return party.code


def folded(session: Session, source: Source) -> Folded:
    """``source``'s text folded to locate quotes in: once per session, not once per quote."""
    cache: dict[str, Folded] = session.info.setdefault(FOLDED, {})
    found = cache.get(source.id)
    # Compared by identity first: the text is the one object the session holds.
    if found is None or (found.text is not source.text and found.text != source.text):
        found = cache[source.id] = Folded(source.text)
    return found


def cite(session: Session, data: CitationInData, field: str) -> Citation:
    """The citation of ``data['quote']`` in its source, created on first use."""
    source = require(session, Source, data["source"], f"{field}.source", "source")
    try:
        start, end = folded(session, source).locate(data["quote"], data.get("occurrence"))
    except QuoteError as error:
        raise InvalidReference(f"{field}.quote", f"{error} (source '{source.id}')") from error
    key = f"{source.id}-{start}-{end}"
    # A citation added earlier in this write is pending: not yet in the identity map.
    citation = session.get(Citation, key) or next(
        (obj for obj in session.new if isinstance(obj, Citation) and obj.id == key), None
    )
    if citation is None:
        citation = Citation(
            id=key, source_id=source.id, quote=source.text[start:end], start=start, end=end
        )
        session.add(citation)
    return citation


def cite_all(session: Session, items: Sequence[CitationInData], field: str) -> list[Citation]:
    """The citations of ``items``, each passage once, in their order."""
    unique: dict[str, Citation] = {}
    for index, item in enumerate(items):
        citation = cite(session, item, f"{field}.{index}")
        unique.setdefault(citation.id, citation)
    return list(unique.values())


class ProvenanceColumns(TypedDict):
    basis: str
    provenance: Provenance


def provenance(data: Flagged) -> ProvenanceColumns:
    """The ``basis`` and ``provenance`` columns of a record loaded by its create schema."""
    flags = {path: flag.copy() for path, flag in sorted((data.get("provenance") or {}).items())}
    return {"basis": weakest(flags), "provenance": flags}


def snapshot(obj: Base, skip: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """The content of a record and its owned children, comparable across sessions."""
    mapper = inspect(obj).mapper
    state: list[tuple[str, Any]] = []
    for column in mapper.column_attrs:
        if column.key not in _TIMESTAMPS and column.key not in skip:
            state.append((column.key, getattr(obj, column.key)))
    for rel in mapper.relationships:
        if rel.viewonly or not rel.uselist:
            continue
        children = getattr(obj, rel.key)
        if rel.secondary is not None:
            state.append((rel.key, tuple(sorted(child.id for child in children))))
            continue
        owned = frozenset(str(column.key) for column in rel.remote_side)
        state.append((rel.key, tuple(sorted((snapshot(c, owned) for c in children), key=repr))))
    return tuple(state)


def upsert(session: Session, candidate: M, key: Any) -> tuple[M, Outcome]:
    """Store ``candidate`` under ``key``: insert, update in place, or leave alone if equal.

    An unchanged record keeps its ``updated_at``, so reloading the same data is a no-op;
    a changed one gets a new ``updated_at`` from the session events, as every write does.
    The write is flushed (not committed), so later writes in the transaction can refer to it.
    """
    model = type(candidate)
    existing = session.get(model, key)
    if existing is None:
        session.add(candidate)
        session.flush()
        return candidate, "created"
    if snapshot(existing) == snapshot(candidate):
        return existing, "unchanged"
    mapper = inspect(model)
    primary = {column.key for column in mapper.primary_key}
    for column in mapper.column_attrs:
        if column.key not in _TIMESTAMPS and column.key not in primary:
            setattr(existing, column.key, getattr(candidate, column.key))
    for rel in mapper.relationships:
        if not rel.viewonly and rel.uselist:
            setattr(existing, rel.key, list(getattr(candidate, rel.key)))
    session.flush()  # the session events (services/changes.py) move updated_at
    return existing, "updated"
