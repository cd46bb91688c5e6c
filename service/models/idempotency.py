"""What POSTs sent with an ``Idempotency-Key`` wrote, replayed when the POST is retried."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import ID_LENGTH, Base, UTCDateTime


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"
    __table_args__ = (Index("ix_idempotent_requests_created_at", "created_at"),)

    # A key is the client's: the same key from two API keys is two requests.
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(2000))
    # sha256 of the request body: a retry must send the same request.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The record the write stored, whether it created it, and its body as answered.
    collection: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    created: Mapped[bool] = mapped_column(Boolean())
    body: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
