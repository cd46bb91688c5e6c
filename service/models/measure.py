"""Measures: what countries announce, threaten, agree or put in force."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
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

measure_citations = Table(
    "measure_citations",
    Base.metadata,
    Column("measure_id", ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True),
    Column("citation_id", ForeignKey("citations.id", ondelete="CASCADE"), primary_key=True),
)


class MeasureCountry(Base):
    __tablename__ = "measure_countries"

    measure_id: Mapped[str] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(
        ForeignKey("countries.code"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class MeasureItem(Base):
    __tablename__ = "measure_items"

    measure_id: Mapped[str] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int | None] = mapped_column(Integer)


class MeasureTrigger(Base):
    __tablename__ = "measure_triggers"

    measure_id: Mapped[str] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    trigger_id: Mapped[str] = mapped_column(ForeignKey("triggers.id"), primary_key=True, index=True)
    relation: Mapped[str] = mapped_column(String(20), primary_key=True)


class MeasureStatusChange(Base):
    __tablename__ = "measure_status_changes"

    measure_id: Mapped[str] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(30))
    changed_on: Mapped[dt.date | None] = mapped_column(Date)
    changed_on_precision: Mapped[str | None] = precision_column()
    citation_id: Mapped[str] = mapped_column(ForeignKey("citations.id"), index=True)

    citation: Mapped[Citation] = relationship(lazy="joined", innerjoin=True)


class Measure(Provenanced, Timestamped, Base):
    __tablename__ = "measures"
    __table_args__ = (
        sort_index("measures", "announced_on", DATE_FLOOR),
        sort_index("measures", "announced_on", DATE_FLOOR, within="type"),
        sort_index("measures", "announced_on", DATE_FLOOR, within="status"),
        sort_index("measures", "announced_on", DATE_FLOOR, within="basis"),
        sort_index("measures", "title"),
        sort_index("measures", "status"),
        sort_index("measures", "type"),
        sort_index("measures", "updated_at"),
    )

    id: Mapped[str] = id_column()
    type: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    announced_by_id: Mapped[str | None] = mapped_column(ForeignKey("actors.id"), index=True)
    announced_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    announced_on_precision: Mapped[str | None] = precision_column()
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    effective_on_precision: Mapped[str | None] = precision_column()
    expected_by: Mapped[dt.date | None] = mapped_column(Date)
    expected_by_precision: Mapped[str | None] = precision_column()
    conditional: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    condition: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("measures.id"), index=True)
    phase: Mapped[int | None] = mapped_column(Integer)
    # ``countries`` as tokens (" *:imposer  KR:*  KR:imposer "), derived from them by the
    # service that writes both: the key of the country filter (``services/country_filter``).
    country_roles: Mapped[str] = mapped_column(Text, default="", server_default="")

    countries: Mapped[list[MeasureCountry]] = relationship(
        cascade="all, delete-orphan",
        order_by=(MeasureCountry.role, MeasureCountry.country_code),
        lazy="selectin",
    )
    items: Mapped[list[MeasureItem]] = relationship(
        cascade="all, delete-orphan", order_by=MeasureItem.position, lazy="selectin"
    )
    triggers: Mapped[list[MeasureTrigger]] = relationship(
        cascade="all, delete-orphan",
        order_by=(MeasureTrigger.trigger_id, MeasureTrigger.relation),
        lazy="selectin",
    )
    status_history: Mapped[list[MeasureStatusChange]] = relationship(
        cascade="all, delete-orphan", order_by=MeasureStatusChange.position, lazy="selectin"
    )
    citations: Mapped[list[Citation]] = relationship(
        secondary=measure_citations, order_by=Citation.id, lazy="selectin"
    )
    # join_depth: SQLAlchemy does not eager-load a self-referential relationship without it,
    # which made every listed measure lazy-load its stages (one query each).
    children: Mapped[list[Measure]] = relationship(
        order_by="Measure.id", lazy="selectin", viewonly=True, join_depth=1
    )


class MeasureDocument(Base):
    """A measure as the API serves it, as JSON, written with every change to the measure.

    Pages of measures are assembled from these bodies (``services/measure_documents.py``).
    """

    __tablename__ = "measure_documents"

    measure_id: Mapped[str] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(Text)
