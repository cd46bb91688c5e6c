"""Statements: what an actor said, when, about a trigger or a measure."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, Text
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


class Statement(Provenanced, Timestamped, Base):
    __tablename__ = "statements"
    __table_args__ = (
        sort_index("statements", "said_on", DATE_FLOOR),
        CheckConstraint(
            "about_trigger_id IS NULL OR about_measure_id IS NULL", name="about_one_record"
        ),
    )

    id: Mapped[str] = id_column()
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    stance: Mapped[str] = mapped_column(String(20), index=True)
    about_trigger_id: Mapped[str | None] = mapped_column(ForeignKey("triggers.id"), index=True)
    about_measure_id: Mapped[str | None] = mapped_column(ForeignKey("measures.id"), index=True)
    said_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    said_on_precision: Mapped[str | None] = precision_column()
    quote: Mapped[str | None] = mapped_column(Text)
    citation_id: Mapped[str] = mapped_column(ForeignKey("citations.id"), index=True)
    figure_value: Mapped[int | None] = mapped_column(BigInteger)
    figure_unit: Mapped[str | None] = mapped_column(String(60))
    figure_qualifier: Mapped[str | None] = mapped_column(String(20))
    figure_as_of: Mapped[dt.date | None] = mapped_column(Date)
    figure_as_of_precision: Mapped[str | None] = precision_column()
    figure_place: Mapped[str | None] = mapped_column(String(200))

    citation: Mapped[Citation] = relationship(lazy="joined", innerjoin=True)

    # Derived views for serialisation: the API shows `about` and `figure` as objects.
    @property
    def about(self) -> dict[str, str] | None:
        """What the statement is about: a trigger or a measure, by id."""
        if self.about_trigger_id:
            return {"type": "trigger", "id": self.about_trigger_id}
        if self.about_measure_id:
            return {"type": "measure", "id": self.about_measure_id}
        return None

    @property
    def figure(self) -> dict[str, object] | None:
        """The figure the statement gives, with its unit, qualifier, date and place."""
        if self.figure_value is None:
            return None
        return {
            "value": self.figure_value,
            "unit": self.figure_unit,
            "qualifier": self.figure_qualifier,
            "place": self.figure_place,
            "as_of": self.figure_as_of,
            "as_of_precision": self.figure_as_of_precision,
        }
