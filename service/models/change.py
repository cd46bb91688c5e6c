"""The change feed: one row per committed create, update or delete of a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import ID_LENGTH, Base, UTCDateTime
from service.models.proposal import PROPOSAL_ID_LENGTH


class Change(Base):
    __tablename__ = "changes"
    __table_args__ = (
        # The feed filtered by collection, and the history of one record.
        Index("ix_changes_collection_seq", "collection", "seq"),
        Index("ix_changes_collection_record_id", "collection", "record_id"),
        # AUTOINCREMENT: SQLite never reuses a seq, even of a deleted last row.
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(
        Integer().with_variant(BigInteger(), "postgresql"), primary_key=True, autoincrement=True
    )
    collection: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    op: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The record as the API serves it after the change; null for a delete.
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The API key that made the change; null for the seed loader and other local commands.
    key_id: Mapped[str | None] = mapped_column(String(64))
    # The proposal whose acceptance made the change (``models/proposal.py``); null for a
    # direct write. Shown in the revisions to review and admin keys, never in the feed.
    proposal_id: Mapped[str | None] = mapped_column(String(PROPOSAL_ID_LENGTH))
