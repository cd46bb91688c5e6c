"""Triggers: the events and developments that measures answer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import (
    DATE_FLOOR,
    Base,
    Provenanced,
    Timestamped,
    id_column,
    precision_column,
    sort_index,
)
from service.models.source import Citation

trigger_citations = Table(
    "trigger_citations",
    Base.metadata,
    Column("trigger_id", ForeignKey("triggers.id", ondelete="CASCADE"), primary_key=True),
    Column("citation_id", ForeignKey("citations.id", ondelete="CASCADE"), primary_key=True),
)


class TriggerCountry(Base):
    __tablename__ = "trigger_countries"

    trigger_id: Mapped[str] = mapped_column(
        ForeignKey("triggers.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(
        ForeignKey("countries.code"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Trigger(Provenanced, Timestamped, Base):
    __tablename__ = "triggers"
    __table_args__ = (
        sort_index("triggers", "occurred_on", DATE_FLOOR),
        sort_index("triggers", "title"),
    )

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    occurred_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    occurred_on_precision: Mapped[str | None] = precision_column()
    verification: Mapped[str] = mapped_column(String(20))

    countries: Mapped[list[TriggerCountry]] = relationship(
        cascade="all, delete-orphan",
        order_by=(TriggerCountry.role, TriggerCountry.country_code),
        lazy="selectin",
    )
    citations: Mapped[list[Citation]] = relationship(
        secondary=trigger_citations, order_by=Citation.id, lazy="selectin"
    )
