"""Declarative base, naming convention and the columns every record shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Index, MetaData, String, TypeDecorator, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names on SQLite and PostgreSQL, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 80


def utcnow() -> dt.datetime:
    """Now, in UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Store ``value`` in UTC; a naive time is refused."""
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        """Read a stored time back as UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


def sort_index(
    table: str,
    key: str,
    nullable: str | None = None,
    tiebreak: str = "id",
    within: str | None = None,
) -> Index:
    """An index serving ``ORDER BY key, id`` and keyset seeks (``services/paging.py``).

    A nullable key is sorted as ``coalesce(key, floor)``; the expression here must be the
    one the pager writes, letter for letter, or the databases will not use the index.
    ``within`` leads with an equality filter, so a filtered list walks only its rows.
    """
    expression = text(f"coalesce({key}, '{nullable}')") if nullable is not None else key
    if within is None:
        return Index(f"ix_{table}_{key}_sort", expression, tiebreak)
    return Index(f"ix_{table}_{within}_{key}_sort", within, expression, tiebreak)


DATE_FLOOR = "0001-01-01"


def id_column() -> Mapped[str]:
    """A record's string primary key."""
    return mapped_column(String(ID_LENGTH), primary_key=True)


def precision_column() -> Mapped[str | None]:
    """How precise a date is: day, month or year."""
    return mapped_column(String(5), nullable=True)


class Provenanced:
    """How a record's claims are known (``schemas/provenance.py``).

    ``provenance`` flags the claims that are not stated by an article; ``basis`` is the
    weakest of them, kept on the row so ``?basis=`` is an indexed equality, not a JSON scan.
    """

    basis: Mapped[str] = mapped_column(
        String(10), default="stated", server_default="stated", index=True
    )
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
