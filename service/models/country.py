"""Parties: the countries and the international organisations that hold roles in records.

One table (``countries``) holds every party, one mapped class per kind (single-table
inheritance on ``kind``):

- a :class:`Country` is an ISO 3166-1 entry (pycountry), its code the alpha-2 code;
- an :class:`Organisation` is an international body (the EU, the UN Security Council,
  NATO, the G7), its code one of ``vocabularies.ORGANISATIONS``: never an ISO alpha-2 code
  in use (``EU`` and ``UN`` are ISO's "exceptionally reserved" codes for those bodies; the
  others are three letters or more, so no country's code can take them).

Why one table rather than a party kind of its own: a measure's or a trigger's
``{country, role}`` rows, an actor's country, the country filter's tokens, relations and
exports all key on ``countries.code``. An organisation in the same table holds every role
through the same foreign keys, filters and exports, and nothing that reads a country code
needs a second path. The classes keep the two apart where they differ: ``select(Country)``
and ``session.get(Country, code)`` see countries only, so ``/v1/countries`` keeps its
meaning; :class:`Party` sees both, for the checks of a role's code. An organisation is one
party: the register never expands it into its members.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, Timestamped, sort_index

# The longest party code: an organisation's (``ASEAN``), with room to spare.
CODE_LENGTH = 8


def _mapper_args(**args: Any) -> dict[str, Any]:
    return args


class Party(Timestamped, Base):
    """A country or an organisation: whatever can hold a role in a measure or a trigger."""

    __tablename__ = "countries"
    __table_args__ = (sort_index("countries", "name", tiebreak="code"),)

    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    # Rows from before organisations (migration 0011) are countries.
    kind: Mapped[str] = mapped_column(String(12), server_default="country")
    alpha3: Mapped[str | None] = mapped_column(String(3), unique=True)  # countries only
    name: Mapped[str] = mapped_column(String(200))
    official_name: Mapped[str | None] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    __mapper_args__ = _mapper_args(polymorphic_on="kind", polymorphic_abstract=True)

    @property
    def id(self) -> str:
        """The party's code: what other records call its id."""
        return self.code


class Country(Party):
    """An ISO 3166-1 country, with the words articles use for it."""

    __mapper_args__ = _mapper_args(polymorphic_identity="country")


class Organisation(Party):
    """An international organisation that imposes, demands or pledges as states do."""

    __mapper_args__ = _mapper_args(polymorphic_identity="organisation")
