"""What a record type is: one declaration holds everything the register does with it.

Each kind of record declares itself once, as a :class:`RecordType` at the foot of its
service module (``services/measures.py`` declares measures), and :mod:`service.records`
lists the declarations in one :class:`Registry`. Whatever treats records alike loops over
that registry: the writes and their effects (the change feed, stored documents, search),
the seed loader, the exports, the app's routes. A new kind of record is a new service
module with its declaration, one line in the registry, and a migration.

This module only defines the shapes; it imports no service, so every service can use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import marshmallow as ma
from sqlalchemy import Select
from sqlalchemy.orm import Session

from service.models.base import Base
from service.schemas.common import Document

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

    from service.exports.csv import Column
    from service.exports.ftm import Mapper
    from service.services.paging import Page
    from service.services.search import Document as SearchDocument

Outcome = Literal["created", "updated", "unchanged"]
# ``put`` takes its type's own ``XData`` (``MeasureData``), which ``create_schema`` loads:
# the registry holds every type and its callers pick one by collection at run time, so
# the data is ``Any`` here (a ``RecordType[D]`` would be ``RecordType[Any]`` in the
# registry all the same). tests/test_typed_data.py holds each ``put`` to the TypedDict
# of its ``create_schema``.
Put = Callable[[Session, Any], "tuple[Any, Outcome]"]
Op = Literal["create", "update", "delete"]


@dataclass(frozen=True)
class Owned:
    """Rows that belong to a record: changing one changes the record (its feed row, its
    ``updated_at``). ``foreign_key`` is the attribute naming the owner's key."""

    model: type[Base]
    foreign_key: str


@dataclass(frozen=True)
class Changed:
    """One record a transaction created, updated or deleted, as its effects see it.

    ``document`` is the record as the API serves it now (None once deleted).
    """

    key: str
    op: Op
    record: Base
    document: Document | None


# What a committed change of records of one type also writes: ``(session, type, changed)``.
Effect = Callable[[Session, "RecordType", Sequence[Changed]], None]


@dataclass(frozen=True)
class Seed:
    """Where the seed loader finds a record type's records under ``seeds/``.

    ``texts``: each record names its article in ``file``, read into ``text``.
    ``load``: a loader of its own, for data that is not a list of records (countries).
    """

    file: str
    texts: bool = False
    load: Callable[[Session, Any], dict[Outcome, int]] | None = None


@dataclass(frozen=True)
class RecordType:
    """One kind of record, declared once (invenio-records-resources' service config)."""

    collection: str  # its path under /v1/, and its name in the feed, exports and search
    label: str  # how a message names one: "measure"
    model: type[Base]
    schema: type[ma.Schema]  # as the API serves one: reads, the feed, the exports
    routes: str  # the module of its blueprint (under service/resources/)
    list_: Callable[[Session, Any], Page[Any]]
    key: str = "id"  # the attribute holding its key in the API
    # Writing one (None: written by its seed loader only, never over the API).
    create_schema: type[ma.Schema] | None = None
    update_schema: type[ma.Schema] | None = None  # a PATCH's fields, each optional
    put: Put | None = None
    # The record already holding this content: a POST of it again is a 409 naming it.
    twin: Callable[[Session, Any], Base | None] | None = None
    # Whether a write of these fields must run alone (a measure linking a parent).
    exclusive: Callable[[Mapping[str, Any]], bool] | None = None
    # What must go with a deleted one (citations of a source that no record uses).
    on_delete: Callable[[Session, Any], None] | None = None
    owned: tuple[Owned, ...] = ()
    # Keys of other records of the type that a change of one changes (a stage's package).
    touches: Callable[[Session, Any], Iterable[str]] | None = None
    # Records that point at one, by collection: they block its deletion.
    referrers: Callable[[str], Sequence[tuple[str, Select[Any]]]] | None = None
    # What a committed change writes besides its feed row, in the same transaction.
    effects: tuple[Effect, ...] = ()
    # Found by full-text search: what a record is found by.
    search: Callable[[Session, Any], SearchDocument] | None = None
    # Every record in the bulk export's order (default: by key, through ``list_``).
    export: Callable[[Session, int], Iterator[Any]] | None = None
    columns: Sequence[Column] = ()  # its CSV columns
    ftm: Callable[[Mapper, Document], Iterator[EntityProxy]] | None = None
    seed: Seed | None = None
    refers_to: tuple[str, ...] = ()  # collections its records may name

    def dump(self, record: Base) -> Document:
        """``record`` as the API serves it."""
        data: Document = _schema(self.schema).dump(record)
        return data


@functools.cache
def _schema(schema: type[ma.Schema]) -> ma.Schema:
    return schema()


class Registry:
    """Every record type, as the API presents them (the feed's and the docs' order)."""

    def __init__(self, types: Sequence[RecordType]) -> None:
        self.types = tuple(types)
        self.by_collection = {t.collection: t for t in self.types}
        self._by_model = {t.model: t for t in self.types}
        self._owners = {o.model: (t, o) for t in self.types for o in t.owned}

    def __iter__(self) -> Iterator[RecordType]:
        return iter(self.types)

    def __getitem__(self, collection: str) -> RecordType:
        return self.by_collection[collection]

    @property
    def collections(self) -> tuple[str, ...]:
        """The collections of every record type, in the registry's order."""
        return tuple(t.collection for t in self.types)

    def of(self, record: object) -> RecordType | None:
        """The type of ``record``, if it is a record (not an owned row or a citation)."""
        return self._by_model.get(type(record))  # type: ignore[arg-type]

    def owner(self, row: object) -> tuple[RecordType, Owned] | None:
        """The record type ``row`` belongs to, and how, if it is an owned row."""
        return self._owners.get(type(row))  # type: ignore[arg-type]

    def by_schema(self, schema: type[ma.Schema]) -> RecordType | None:
        """The record type the API serves with ``schema``, if any."""
        return next((t for t in self.types if t.schema is schema), None)

    def loading_order(self) -> tuple[RecordType, ...]:
        """The types in an order where each comes after those it refers to.

        The registry's order reversed (what is referred to is presented last), with a type
        moved down only as far as what it refers to requires: loading the seeds and the
        bulk export follow it, so every reference points back to a record already there.
        """
        placed: list[RecordType] = []
        waiting = list(reversed(self.types))
        while waiting:
            done = {p.collection for p in placed}
            ready = next((t for t in waiting if done.issuperset(t.refers_to)), None)
            if ready is None:
                names = ", ".join(t.collection for t in waiting)
                raise ValueError(f"record types refer to each other in a cycle: {names}")
            placed.append(ready)
            waiting.remove(ready)
        return tuple(placed)
