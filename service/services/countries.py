"""Countries: ISO 3166-1 from pycountry, aliases from the seeds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import pycountry
from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from service.errors import InvalidReference
from service.exports import csv
from service.models import Country, Party
from service.schemas.countries import CountryQuery, CountrySchema
from service.services.paging import Page, SortKey, changed_since, paginate
from service.services.records import Outcome, contains, get_or_404, upsert
from service.services.registry import RecordType, Seed

P = TypeVar("P", bound=Party)

SORT_KEYS = {
    "code": SortKey(Country.code),
    "name": SortKey(Country.name),
    "alpha3": SortKey(Country.alpha3),
}


def get(session: Session, code: str) -> Country:
    """The country ``code`` (any case), or a 404 naming it as asked."""
    return get_or_404(session, Country, code.upper(), "country", asked=code)


def named(session: Session, codes: Iterable[str]) -> dict[str, Party]:
    """The parties (countries and organisations) of ``codes``, by code: one query."""
    wanted = {code.upper() for code in codes}
    if not wanted:
        return {}
    return {p.code: p for p in session.scalars(select(Party).where(Party.code.in_(wanted)))}


def list_(session: Session, args: CountryQuery) -> Page[Country]:
    """One page of countries, filtered and sorted as ``args`` ask."""
    return parties(session, Country, SORT_KEYS, args)


def parties(
    session: Session, model: type[P], keys: Mapping[str, SortKey], args: Mapping[str, Any]
) -> Page[P]:
    """One page of ``model`` (countries or organisations): ``q`` matches the code, a name or
    an alias; sorted and paged as ``args`` ask."""
    stmt = select(model)
    if q := args.get("q"):
        stmt = stmt.where(
            or_(
                model.code == q.upper(),
                contains(model.name, q),
                contains(model.official_name, q),
                contains(cast(model.aliases, String), q),
            )
        )
    stmt = changed_since(stmt, model, args.get("changed_since"))
    return paginate(
        session, stmt, keys, model.code, args["sort"], args["limit"], args.get("cursor")
    )


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


def seed(session: Session, aliases: Any) -> dict[Outcome, int]:
    """Load the seeds' ``countries.yaml``: ISO 3166-1 code → the aliases news uses for it."""
    if not isinstance(aliases, dict):
        raise InvalidReference("(file)", "expected a mapping of code to aliases")
    known = {c.alpha_2 for c in pycountry.countries}
    for code in aliases:
        if code not in known:
            raise InvalidReference(str(code), "not an ISO 3166-1 alpha-2 code")
    return sync_iso(session, aliases)


RECORD = RecordType(
    collection="countries",
    label="country",
    model=Country,
    schema=CountrySchema,
    routes="service.resources.countries",
    list_=list_,
    key="code",
    columns=csv.COUNTRY,
    seed=Seed("countries.yaml", load=seed),
)
