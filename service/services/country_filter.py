"""The country and role filter of measures, and the key on each measure's row that serves it.

A country here is any party (``models/country.py``): ``EU:imposer`` is the token of the EU
as imposer, and ``country=EU&role=imposer`` finds what the EU itself imposed. No token is
ever written for an organisation's members.

``measures.country_roles`` holds a measure's countries as tokens: ``KR:imposer`` for each
pair, ``KR:*`` for each country and ``*:imposer`` for each role, each wrapped in spaces
(" *:imposer  KR:*  KR:imposer "). The service writes it with the countries
(``measures.put``); ``measure_countries`` stays the record of them.

The filter is one construct, compiled per database:

- PostgreSQL tests ``country_role_tokens @> ARRAY[token]``, an array column it generates
  from ``country_roles`` (migration 0007), which a GIN index serves, with statistics of
  its own: the planner walks the sort index for KR's 71,000 roles and starts from the GIN
  index for a rare country. Beside an EXISTS on ``measure_countries`` it multiplied two
  selectivities of one fact, expected 23 rows for 721 and took 20 ms.
- SQLite has no such index: it tests the tokens with instr() on the row the sort index walk
  has read, and keeps the EXISTS, so ``measure_countries`` is probed only for the rows that
  match (51 instead of 704 for a page of KR's sanctions at 1M measures).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, TextClause, bindparam, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from service.models import MeasureCountry

# PostgreSQL only, made by migration 0007 and not declared by the models: the tokens as a
# generated array column, and its GIN index.
TOKENS_COLUMN = "country_role_tokens"
TOKENS_INDEX = "ix_measures_country_role_tokens"


def token(country: str | None, role: str | None) -> str:
    """The token of ``country`` in ``role`` (``*`` for either left out)."""
    return f"{country.upper() if country else '*'}:{role or '*'}"


def key(countries: Iterable[MeasureCountry]) -> str:
    """``Measure.country_roles`` of ``countries``: their tokens, sorted, each in spaces."""
    tokens: set[str] = set()
    for c in countries:
        tokens |= {token(c.country_code, c.role), token(c.country_code, None), token(None, c.role)}
    return "".join(f" {t} " for t in sorted(tokens))


class _HasCountryRole(TextClause):
    """The measure (the ``measures`` row of the query) has the country and role asked for.

    Its text is SQLite's form, which differs by the filters given, so that statements
    cached by SQLAlchemy differ with it; PostgreSQL compiles its own.
    """

    inherit_cache = True


def has(country: str | None, role: str | None) -> TextClause:
    """SQL: the measure has ``country`` in ``role`` (either may be None: any)."""
    conditions = ["c.measure_id = measures.id"]
    binds = [bindparam("token", token(country, role), String(), unique=True)]
    if country:
        conditions.append("c.country_code = :country")
        binds.append(bindparam("country", country.upper(), String(), unique=True))
    if role:
        conditions.append("c.role = :role")
        binds.append(bindparam("role", role, String(), unique=True))
    # The token holds letters, digits (G7), ':' and '*' only; instr() reads no wildcards anyway.
    row = "instr(measures.country_roles, ' ' || :token || ' ') > 0"
    exists = f"EXISTS (SELECT 1 FROM measure_countries c WHERE {' AND '.join(conditions)})"
    return _HasCountryRole(f"{row} AND {exists}").bindparams(*binds)


@compiles(_HasCountryRole, "postgresql")
def _compile_postgresql(element: _HasCountryRole, compiler: SQLCompiler, **kw: Any) -> str:
    clause = text(f"measures.{TOKENS_COLUMN} @> ARRAY[CAST(:token AS text)]")
    return compiler.process(clause.bindparams(element._bindparams["token"]), **kw)
