"""Actors: the people and bodies that announce, report, demand or deny."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, Timestamped, id_column, sort_index
from service.models.source import Citation

actor_citations = Table(
    "actor_citations",
    Base.metadata,
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True),
    Column("citation_id", ForeignKey("citations.id", ondelete="CASCADE"), primary_key=True),
)


class Actor(Timestamped, Base):
    __tablename__ = "actors"
    __table_args__ = (sort_index("actors", "name"), sort_index("actors", "kind"))

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(300))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    role: Mapped[str | None] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    citations: Mapped[list[Citation]] = relationship(
        secondary=actor_citations, order_by=Citation.id, lazy="selectin"
    )
