"""Countries: ISO 3166-1, with the words articles use for them."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, Timestamped, sort_index


class Country(Timestamped, Base):
    __tablename__ = "countries"
    __table_args__ = (sort_index("countries", "name", tiebreak="code"),)

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    official_name: Mapped[str | None] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    @property
    def id(self) -> str:
        """The country's code: what other records call its id."""
        return self.code
