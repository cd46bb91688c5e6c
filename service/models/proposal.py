"""Proposals: records an extractor read in a source, waiting for an editor's decision.

A proposal is not a record of the register. Until accepted, nothing of it is public: it
is not in :data:`service.records.REGISTRY` (whose every type goes to the change feed, the
exports, search and the public reads), so its own rows never reach the feed. Accepting
one writes a record through the collection's own service, and that write is what the
feed and the exports show; its change names the proposal (``changes.proposal_id``). A
rejection stays here, with its reason, and is never published.

Kept side by side, as OpenSanctions keeps machine extractions: the source, the record as
the extractor proposed it (``record``), the record as the reviewer accepted it when they
edited it (``edited``), and the extractor's name and version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.api_key import KEY_ID_LENGTH
from service.models.base import ID_LENGTH, Base, Timestamped, UTCDateTime, sort_index

KINDS = ("measure", "trigger", "statement", "actor")
ACTIONS = ("create", "update")
STATUSES = ("pending", "accepted", "rejected", "superseded")
PROPOSAL_ID_LENGTH = 32


class Proposal(Timestamped, Base):
    __tablename__ = "proposals"
    __table_args__ = (
        # A reviewer's desk lists one status (pending) newest first; re-extraction finds the
        # pending proposals of one source.
        sort_index("proposals", "created_at"),
        sort_index("proposals", "created_at", within="status"),
        Index("ix_proposals_source_id_status", "source_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(PROPOSAL_ID_LENGTH), primary_key=True)
    # A source deleted takes its proposals with it: an accepted one's record cites the source,
    # so the source cannot be deleted while that record stands.
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(10))
    target: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    # The body POST /v1/<kind>s takes; for an update, the fields PATCH takes.
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    extractor: Mapped[str] = mapped_column(String(200))
    # The reviewer's edited record, when they accepted it edited; null otherwise.
    edited: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    decided_by: Mapped[str | None] = mapped_column(String(KEY_ID_LENGTH))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    record_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    reason: Mapped[str | None] = mapped_column(Text)
