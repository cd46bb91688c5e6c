"""FollowTheMoney: the register as FtM entities, so OpenSanctions' tools can read it.

FtM has no schema for a state, so each country a record involves becomes a
``PublicBody`` (topic ``gov.national``) named after it: the closest documented fit, and
what FtM's ``LegalEntity`` ranges (``Event.involved``, ``Sanction.entity``) accept. An
international organisation that holds a role (the EU, the UN Security Council) becomes an
``Organization`` under its own name, pointed to where a country would be; it has no
``country`` property of its own, and its members are never added in its place.

- source → ``Article``; actor → ``Person`` (people, experts) or ``PublicBody``
  (governments, their bodies and agencies) or ``Organization`` (the rest);
- trigger → ``Event``; measure → ``Event`` carrying its quotes, and a sanction measure
  also → one ``Sanction`` per target country (``Sanction`` is an ``Interval``, which
  ``Documentation`` cannot point to, so the quotes stay on the measure's ``Event``);
- citation → ``Documentation`` linking the ``Article`` to the entity, the quote as
  ``summary``; statement → ``Documentation`` (article → actor, ``role`` = stance) and,
  when it is about a record, an ``UnknownLink`` from the actor to that record.

Ids are deterministic (``register-<collection>-<id>``; links hash their parts), dates
keep their precision (``2024-10`` for a month), and every entity a property points to
is in the same stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import make_entity_id
from sqlalchemy.orm import Session

from service.exports.csv import item_text, partial_date
from service.models import Country, Measure, Party

PERSON_KINDS = frozenset({"person", "expert"})
STATE_KINDS = frozenset({"government", "government_body", "intelligence_agency"})
Data = dict[str, Any]


def entity_id(collection: str, key: str) -> str:
    """The FtM id of the record ``key`` of ``collection``."""
    return f"register-{collection}-{key.lower()}"


def link_id(*parts: str) -> str:
    """The FtM id of a link between ``parts``."""
    return "register-link-" + str(make_entity_id(*parts))


def make(schema: str, key: str, **properties: Any) -> EntityProxy:
    """An entity with the properties given; empty values are left out."""
    proxy = model.make_entity(schema)
    proxy.id = key
    for name, value in properties.items():
        values = value if isinstance(value, list | tuple | set) else [value]
        proxy.add(name, [v for v in values if v not in (None, "")])
    return proxy


class Mapper:
    """Maps records one by one, remembering only what later records refer to."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.countries: set[str] = set()  # every party pointed to, countries or not
        self.kinds: dict[str, str] = {}  # party code -> its kind, read once
        self.titles: dict[str, str] = {}  # trigger id -> title, for a sanction's reason

    def country(self, code: str) -> str:
        """The id of the entity of the party ``code``, noted for ``states``."""
        self.countries.add(code)
        return entity_id(self.kind(code), code)

    def kind(self, code: str) -> str:
        """``country`` or ``organisation``: the kind of the party ``code``."""
        if code not in self.kinds:
            party = self.session.get(Party, code)
            self.kinds[code] = party.kind if party is not None else "country"
        return self.kinds[code]

    def states_only(self, codes: Iterable[str]) -> list[str]:
        """The codes of ``codes`` that are countries: what FtM's ``country`` properties take."""
        return [code for code in codes if self.kind(code) == "country"]

    def citations(
        self, owner: str, citations: Iterable[Data], role: str = "evidence"
    ) -> Iterator[EntityProxy]:
        """A ``Documentation`` entity per citation of ``entity``, the quote as summary."""
        for citation in citations:
            yield make(
                "Documentation",
                link_id(owner, citation["id"], role),
                document=entity_id("source", citation["source"]),
                entity=owner,
                role=role,
                summary=citation["quote"],
            )

    def sources(self, data: Data) -> Iterator[EntityProxy]:
        """A source as an ``Article``."""
        yield make(
            "Article",
            entity_id("source", data["id"]),
            title=data["title"],
            bodyText=data["text"],
            publisher=data["publisher"],
            author=data["byline"],
            publishedAt=partial_date(data["published_on"], data.get("published_on_precision")),
            sourceUrl=data["url"],
            language=data["language"],
        )

    def actors(self, data: Data) -> Iterator[EntityProxy]:
        """An actor as a ``Person``, ``PublicBody`` or ``Organization``, with its citations."""
        key = entity_id("actor", data["id"])
        kind = data["kind"]
        schema = (
            "Person"
            if kind in PERSON_KINDS
            else "PublicBody"
            if kind in STATE_KINDS
            else "Organization"
        )
        role = {"position": data["role"]} if schema == "Person" else {"description": data["role"]}
        yield make(
            schema,
            key,
            name=data["name"],
            alias=data["aliases"],
            country=self.states_only([data["country"]] if data["country"] else []),
            keywords=kind,
            **role,
        )
        yield from self.citations(key, data["citations"])

    def triggers(self, data: Data) -> Iterator[EntityProxy]:
        """A trigger as an ``Event``, with its citations."""
        key = entity_id("trigger", data["id"])
        self.titles[data["id"]] = data["title"]
        yield make(
            "Event",
            key,
            name=data["title"],
            summary=data["description"],
            date=partial_date(data["occurred_on"], data["occurred_on_precision"]),
            country=self.states_only(c["country"] for c in data["countries"]),
            involved=[self.country(c["country"]) for c in data["countries"]],
            keywords=[data["kind"], data["verification"]],
            proof=[entity_id("source", c["source"]) for c in data["citations"]],
            recordId=data["id"],
        )
        yield from self.citations(key, data["citations"])

    def measures(self, data: Data) -> Iterator[EntityProxy]:
        """A measure as an ``Event`` with its citations, and a sanction's ``Sanction`` entities."""
        key = entity_id("measure", data["id"])
        codes = {
            role: [c["country"] for c in data["countries"] if c["role"] == role]
            for role in ("imposer", "target")
        }
        items = [item_text(i) for i in data["items"]]
        reasons = [
            f"{t['relation']}: {self.titles.get(t['trigger'], t['trigger'])}"
            for t in data["triggers"]
        ]
        proof = sorted({entity_id("source", c["source"]) for c in data["citations"]})
        involved = [self.country(c["country"]) for c in data["countries"]]
        if data["announced_by"]:
            involved.append(entity_id("actor", data["announced_by"]))
        yield make(
            "Event",
            key,
            name=data["title"],
            summary=data["summary"],
            description=[f"Items: {'; '.join(items)}" if items else None, *reasons],
            notes=data["condition"],
            date=partial_date(data["announced_on"], data["announced_on_precision"]),
            startDate=partial_date(data["effective_on"], data["effective_on_precision"]),
            country=self.states_only(c["country"] for c in data["countries"]),
            involved=involved,
            organizer=[self.country(code) for code in codes["imposer"]],
            keywords=[data["type"], data["status"]],
            proof=proof,
            recordId=data["id"],
        )
        yield from self.citations(key, data["citations"])
        for change in data["status_history"]:
            yield from self.citations(key, [change["citation"]], f"status: {change['status']}")
        if data["type"] == "sanction":
            yield from self.sanctions(data, codes["imposer"], codes["target"], reasons, proof)

    def sanctions(
        self,
        data: Data,
        imposers: list[str],
        targets: list[str],
        reasons: list[str],
        proof: list[str],
    ) -> Iterator[EntityProxy]:
        """One ``Sanction`` per target country of a sanction measure."""
        program = data["title"]
        if data["parent"] and (parent := self.session.get(Measure, data["parent"])) is not None:
            program = parent.title
        authority = [self.name(code) for code in imposers]
        for target in targets:
            yield make(
                "Sanction",
                entity_id("measure", f"{data['id']}-sanction-{target}"),
                entity=self.country(target),
                authority=authority,
                country=self.states_only(imposers),
                program=program,
                reason=reasons,
                summary=data["summary"],
                status=data["status"],
                listingDate=partial_date(data["announced_on"], data["announced_on_precision"]),
                startDate=partial_date(data["effective_on"], data["effective_on_precision"]),
                proof=proof,
                recordId=data["id"],
            )

    def statements(self, data: Data) -> Iterator[EntityProxy]:
        """A statement as ``Documentation`` of its actor, and a link to what it is about."""
        actor = entity_id("actor", data["actor"])
        citation = data["citation"]
        quote = data["quote"] or citation["quote"]
        date = partial_date(data["said_on"], data["said_on_precision"])
        figure = data["figure"]
        described = None
        if figure:
            qualifier = f"{figure['qualifier']} " if figure["qualifier"] else ""
            place = f" in {figure['place']}" if figure["place"] else ""
            as_of = partial_date(figure["as_of"], figure["as_of_precision"])
            described = f"{qualifier}{figure['value']} {figure['unit']}{place}" + (
                f" as of {as_of}" if as_of else ""
            )
        yield make(
            "Documentation",
            entity_id("statement", data["id"]),
            document=entity_id("source", citation["source"]),
            entity=actor,
            role=data["stance"],
            summary=quote,
            date=date,
            description=described,
            recordId=data["id"],
        )
        if data["about"]:
            yield make(
                "UnknownLink",
                entity_id("statement", f"{data['id']}-about"),
                subject=actor,
                object=entity_id(data["about"]["type"], data["about"]["id"]),
                role=data["stance"],
                summary=quote,
                date=date,
                description=described,
                proof=entity_id("source", citation["source"]),
                recordId=data["id"],
            )

    def name(self, code: str) -> str:
        """The name of the party ``code``."""
        party = self.session.get(Party, code)
        return party.name if party else code

    def states(self) -> Iterator[EntityProxy]:
        """An entity for each party an exported entity points to.

        A country is a ``PublicBody``; an organisation an ``Organization``, named as itself.
        """
        for code in sorted(self.countries):
            party = self.session.get(Party, code)
            if party is None:
                continue
            if not isinstance(party, Country):
                yield make(
                    "Organization",
                    entity_id(party.kind, code),
                    name=party.name,
                    alias=[party.official_name, *party.aliases],
                    topics="gov.igo",
                    description=f"{party.name}, an international organisation (register"
                    f" code {code}); a role it holds is its own, not its members'.",
                )
                continue
            yield make(
                "PublicBody",
                entity_id("country", code),
                name=party.name,
                alias=[party.official_name, *party.aliases],
                country=code,
                jurisdiction=code,
                topics="gov.national",
                description=f"The state of {party.name} (ISO 3166-1 {code}).",
            )
