"""A record as the API serves it, and its ETag: one definition for reads and writes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session

from service.models.base import Base
from service.records import REGISTRY
from service.schemas.common import Document
from service.services.unit_of_work import reload


def document(session: Session, record: Base) -> Document:
    """``record`` exactly as ``GET /v1/{collection}/{id}`` serves it, as this write has it."""
    kind = REGISTRY.of(record)
    assert kind is not None, record
    session.flush()
    if kind.owned or kind.touches:
        # Read back as the feed and the stored body will be: owned rows in their order,
        # a package's stages as they are now.
        reload(session, [record])
    return kind.dump(record)


def encode(data: Any) -> bytes:
    """``data`` as the JSON bytes the API answers with."""
    return orjson.dumps(data)


def etag(body: bytes) -> str:
    """The strong ETag of a response body: the hash of its bytes."""
    return hashlib.sha1(body).hexdigest()


@dataclass(frozen=True)
class Written:
    """What a write did: the record it wrote, as a GET now serves it (encoded).

    ``body`` is empty once deleted; ``created``: the write made a new record (a POST of
    content already held answers with the record holding it); ``replayed``: the stored
    outcome of an earlier request with the same ``Idempotency-Key``.
    """

    collection: str
    key: str
    body: bytes
    created: bool = False
    replayed: bool = False
