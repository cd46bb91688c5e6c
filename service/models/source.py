"""Sources (articles) and the citations that point into their text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import DATE_FLOOR, ID_LENGTH, Base, Timestamped, id_column, sort_index


class Source(Timestamped, Base):
    __tablename__ = "sources"
    __table_args__ = (
        sort_index("sources", "published_on", DATE_FLOOR),
        sort_index("sources", "title", ""),
    )

    id: Mapped[str] = id_column()
    title: Mapped[str | None] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(200))
    byline: Mapped[str | None] = mapped_column(String(300))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    # How precisely it is known: day, month or year (a month or year date is its first day).
    published_on_precision: Mapped[str | None] = mapped_column(String(5))
    revised_on: Mapped[dt.date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(2000))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)


class Citation(Base):
    """A verbatim span of a source; ``text[start:end] == quote``."""

    __tablename__ = "citations"
    __table_args__ = (UniqueConstraint("source_id", "start", "end"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH + 24), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    source: Mapped[Source] = relationship()
