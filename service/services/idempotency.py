"""Idempotent POSTs: a retried request gets the first one's outcome and creates nothing.

The outcome (the record written, whether it was created, its body) is stored in the same
transaction as the write it reports, so either both are kept or neither. A key is kept
for a day; reusing it for another request is a 422.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from service.errors import KeyReused
from service.models import IdempotentRequest
from service.models.base import utcnow
from service.services.documents import Written

KEPT_FOR = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Request:
    """A POST sent with an ``Idempotency-Key``."""

    key: str
    method: str
    path: str
    fingerprint: str

    @classmethod
    def of(cls, key: str, method: str, path: str, body: bytes) -> Request:
        """The request ``key`` names, fingerprinted by its body."""
        return cls(key, method, path, hashlib.sha256(body).hexdigest())


def find(session: Session, key_id: str | None, request: Request) -> Written | None:
    """The stored outcome of this request, if it was made before (and not expired)."""
    stored = session.get(IdempotentRequest, (key_id or "", request.key))
    if stored is None:
        return None
    if stored.created_at < utcnow() - KEPT_FOR:
        session.delete(stored)  # expired: the key starts afresh
        session.flush()
        return None
    if (stored.method, stored.path, stored.fingerprint) != (
        request.method,
        request.path,
        request.fingerprint,
    ):
        raise KeyReused()
    return Written(stored.collection, stored.record_id, stored.body, stored.created, True)


def remember(session: Session, key_id: str | None, request: Request, written: Written) -> None:
    """Keep ``written`` for ``request``, in the transaction that makes its write."""
    now = utcnow()
    session.execute(delete(IdempotentRequest).where(IdempotentRequest.created_at < now - KEPT_FOR))
    session.add(
        IdempotentRequest(
            key_id=key_id or "",
            key=request.key,
            method=request.method,
            path=request.path,
            fingerprint=request.fingerprint,
            collection=written.collection,
            record_id=written.key,
            created=written.created,
            body=written.body,
            created_at=now,
        )
    )
