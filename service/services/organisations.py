"""Organisations: the international bodies of ``vocabularies.ORGANISATIONS``, from the seeds.

They share the countries' table and code space (``models/country.py`` says why); this
module lists and loads them. Nothing here, nor anywhere in the register, expands an
organisation into its members: the EU imposing a sanction makes no member state an imposer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service import vocabularies as vocab
from service.errors import InvalidReference
from service.exports import csv
from service.models import Organisation
from service.schemas.organisations import OrganisationQuery, OrganisationSchema
from service.services.countries import parties
from service.services.paging import Page, SortKey
from service.services.records import Outcome, get_or_404, upsert
from service.services.registry import RecordType, Seed

SORT_KEYS = {"code": SortKey(Organisation.code), "name": SortKey(Organisation.name)}


def get(session: Session, code: str) -> Organisation:
    """The organisation ``code`` (any case), or a 404 naming it as asked."""
    return get_or_404(session, Organisation, code.upper(), "organisation", asked=code)


def list_(session: Session, args: OrganisationQuery) -> Page[Organisation]:
    """One page of organisations, filtered and sorted as ``args`` ask."""
    return parties(session, Organisation, SORT_KEYS, args)


def _entry(code: str, entry: Any) -> Organisation:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise InvalidReference(code, "expected a mapping with a name")
    unknown = set(entry) - {"name", "official_name", "aliases"}
    if unknown:
        raise InvalidReference(code, f"unknown fields: {', '.join(sorted(unknown))}")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise InvalidReference(code, "aliases must be a list of strings")
    return Organisation(
        code=code,
        name=entry["name"],
        official_name=entry.get("official_name"),
        aliases=list(aliases),
        alpha3=None,
    )


def seed(session: Session, entries: Any) -> dict[Outcome, int]:
    """Load the seeds' ``organisations.yaml``: each code of the vocabulary → name and aliases."""
    if not isinstance(entries, dict):
        raise InvalidReference("(file)", "expected a mapping of code to organisation")
    for code in entries:
        if code not in vocab.ORGANISATIONS:
            raise InvalidReference(str(code), "not an organisation code of the register")
    if missing := sorted(set(vocab.ORGANISATIONS) - set(entries)):
        raise InvalidReference("(file)", f"missing organisations: {', '.join(missing)}")
    counts: dict[Outcome, int] = {"created": 0, "updated": 0, "unchanged": 0}
    for code, entry in entries.items():
        _, outcome = upsert(session, _entry(code, entry), code)
        counts[outcome] += 1
    return counts


RECORD = RecordType(
    collection="organisations",
    label="organisation",
    model=Organisation,
    schema=OrganisationSchema,
    routes="service.resources.organisations",
    list_=list_,
    key="code",
    columns=csv.ORGANISATION,
    seed=Seed("organisations.yaml", load=seed),
)
