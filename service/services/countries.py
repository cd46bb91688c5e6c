"""Countries: ISO 3166-1 from pycountry, aliases from the seeds."""

from __future__ import annotations

from typing import Any

import pycountry
from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.models import Country
from service.services.paging import Page, SortKey, paginate
from service.services.records import Outcome, upsert

SORT_KEYS = {
    "code": SortKey(Country.code),
    "name": SortKey(Country.name),
    "alpha3": SortKey(Country.alpha3),
}


def get(session: Session, code: str) -> Country:
    country = session.get(Country, code.upper())
    if country is None:
        raise NotFound("country", code)
    return country


def list_(session: Session, args: dict[str, Any]) -> Page[Country]:
    stmt = select(Country)
    if q := args.get("q"):
        pattern = f"%{_escape(q)}%"
        stmt = stmt.where(
            or_(
                Country.code.ilike(q),
                Country.name.ilike(pattern, escape="\\"),
                Country.official_name.ilike(pattern, escape="\\"),
                cast(Country.aliases, String).ilike(pattern, escape="\\"),
            )
        )
    return paginate(
        session, stmt, SORT_KEYS, Country.code, args["sort"], args["limit"], args.get("cursor")
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sync_iso(session: Session, aliases: dict[str, list[str]]) -> dict[Outcome, int]:
    """Upsert every ISO 3166-1 country, with the aliases given for some of them."""
    counts: dict[Outcome, int] = {"created": 0, "updated": 0, "unchanged": 0}
    for record in pycountry.countries:
        candidate = Country(
            code=record.alpha_2,
            alpha3=record.alpha_3,
            name=record.name,
            official_name=getattr(record, "official_name", None),
            aliases=list(aliases.get(record.alpha_2, [])),
        )
        _, outcome = upsert(session, candidate, record.alpha_2)
        counts[outcome] += 1
    return counts
