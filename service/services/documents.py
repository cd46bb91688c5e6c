"""A record as the API serves it, and its ETag: one definition for reads and writes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy.orm import Session

from service.models import Measure
from service.models.base import Base
from service.services.changes import RECORDS, reload


def document(session: Session, record: Base) -> dict[str, Any]:
    """``record`` exactly as ``GET /v1/{collection}/{id}`` serves it, as this write has it."""
    if isinstance(record, Measure):
        # Read back as the feed and the stored body will be: child rows in their order.
        session.flush()
        reload(session, [record])
    _, schema = RECORDS[type(record)]
    data: dict[str, Any] = schema.dump(record)
    return data


def encode(data: Any) -> bytes:
    return orjson.dumps(data)


def etag(body: bytes) -> str:
    """The strong ETag of a response body: the hash of its bytes."""
    return hashlib.sha1(body).hexdigest()


@dataclass(frozen=True)
class Reply:
    """The outcome of a write, as the resource answers it."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False
