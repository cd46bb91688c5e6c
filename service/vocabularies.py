"""Controlled vocabularies of the register, each term with its definition.

The one source of truth for every enumerated value: the models store these strings, the
schemas validate writes against them and ``GET /v1/vocabularies`` serves them.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

Vocabulary = MappingProxyType  # term -> definition, read-only


def _vocab(**terms: str) -> MappingProxyType[str, str]:
    return MappingProxyType(terms)


MEASURE_TYPES: Final = _vocab(
    sanction="Economic or financial restrictions imposed on a target (trade, assets, travel).",
    arms_transfer="Sale or delivery of weapons or military equipment to another country.",
    military_aid="Weapons, equipment or other military assistance given to a beneficiary.",
    humanitarian_aid="Relief for civilians: medical supplies, food, shelter and the like.",
    non_lethal_aid="Support that is neither weapons nor humanitarian relief (equipment, funds).",
    diplomatic_action="Summons, protests, demands, statements at the UN and other diplomacy.",
    military_preparation="Steps to ready one's own forces or defences in answer to a threat.",
    policy_review="A government re-examining a standing policy (e.g. on arms exports).",
    security_cooperation="Agreements or joint work between countries on defence and security.",
    response_package="An umbrella of measures announced together, often in phases.",
)

MEASURE_STATUSES: Final = _vocab(
    under_consideration="Being weighed or hinted at; no commitment has been made.",
    threatened="Announced as a possible response if the target acts (or keeps acting).",
    announced="Publicly committed to, not yet agreed with partners nor in force.",
    agreed="Settled with the partner countries; not yet in force.",
    in_force="Being applied now.",
    completed="Carried out in full (e.g. a delivery that has been made).",
    suspended="Put on hold after being in force.",
    withdrawn="Abandoned or revoked.",
)

MEASURE_COUNTRY_ROLES: Final = _vocab(
    imposer="The country that takes, supplies or undertakes the measure.",
    target="The country the measure is directed against.",
    beneficiary="The country that receives or benefits from the measure.",
    partner="A country that takes the measure jointly with the imposer.",
)

TRIGGER_RELATIONS: Final = _vocab(
    responds_to="The measure answers the trigger.",
    conditional_on="The measure is to be taken only if the trigger happens or continues.",
)

TRIGGER_KINDS: Final = _vocab(
    troop_deployment="Sending military personnel to another country or theatre of war.",
    military_cooperation="Military ties or collaboration between countries.",
    arms_supply="Supplying weapons or ammunition to another country.",
    technology_transfer="Transfer of military or dual-use technology.",
    weapons_development="Development or advance of weapons programmes (nuclear, missiles).",
    treaty="A treaty, pact or partnership agreement, its signature or ratification.",
    summit="A meeting of leaders that produced commitments.",
    invasion="An armed invasion of another country.",
)

TRIGGER_COUNTRY_ROLES: Final = _vocab(
    originator="The country that carries out the trigger.",
    host="The country on whose territory, or with whom, it takes place.",
    affected="A country affected by the trigger.",
)

VERIFICATIONS: Final = _vocab(
    alleged="Claimed by someone, without independent support cited.",
    reported="Reported by officials, agencies or the press.",
    confirmed="Confirmed by the parties or independently.",
    denied="Denied by the parties and not otherwise supported.",
    contested="Reported by some and denied by others, or the sources disagree on it.",
    possible="Discussed as a possibility (e.g. by experts); nobody reports it has happened.",
)

STANCES: Final = _vocab(
    report="States a fact or figure (e.g. an intelligence assessment).",
    deny="Denies that something happened or is true.",
    condemn="Denounces or criticises an act.",
    warn="Warns of consequences or of a danger.",
    demand="Demands that someone act or stop acting.",
    pledge="Commits the speaker to a course of action.",
    support="Backs a measure, position or party.",
    assess="Analyses or forecasts (experts, officials).",
    justify="Defends or justifies an act.",
    decline_to_confirm='Neither confirms nor denies a report ("did not confirm").',
    silent='Says nothing on the matter, as reported ("remained silent").',
)

FIGURE_QUALIFIERS: Final = _vocab(
    about="An approximate figure (about, around, roughly).",
    up_to="An upper bound (up to).",
    at_least="A lower bound (at least).",
    planned="A figure intended or planned, not yet reached.",
    already="A figure already reached.",
)

ACTOR_KINDS: Final = _vocab(
    person="A named or anonymous individual speaking in an official or personal capacity.",
    government='A national government as a whole ("Moscow", "Seoul").',
    government_body="An office, ministry or council of a government.",
    intelligence_agency="A state intelligence or spy agency.",
    intergovernmental_org="An organisation of states (UN, NATO).",
    expert="An analyst or scholar.",
    think_tank="A research institute.",
    media="A news organisation or state media.",
)

ITEM_CATEGORIES: Final = _vocab(
    tank="Main battle tanks.",
    howitzer="Self-propelled or towed howitzers.",
    multiple_rocket_launcher="Multiple rocket launchers.",
    missile_launcher="Missile launchers.",
    artillery_shell="Artillery ammunition.",
    ballistic_missile="Ballistic missiles.",
    weapon_system="Weapon systems not otherwise categorised (defensive or offensive).",
    medical_supplies="Medical supplies.",
    food="Food.",
    other="Anything else.",
)

DATE_PRECISIONS: Final = _vocab(
    day="The exact day is known.",
    month="Only the month is known; the date is the first of that month.",
    year="Only the year is known; the date is the first of January of that year.",
)

BASES: Final = _vocab(
    stated="The cited article says it.",
    derived="Follows mechanically from what a cited article says (a weekday next to the"
    " article's date); the note says how.",
    inferred="The editor's reading of the articles, which do not say it; the note gives the"
    " reasoning.",
)
# Each basis and the bases at least as strong: what `?basis=` lets through.
AT_LEAST: Final = MappingProxyType(
    {"stated": ("stated",), "derived": ("stated", "derived"), "inferred": tuple(BASES)}
)

# The international organisations that may hold a role in a measure or a trigger, by the
# code the API names them with (``models/country.py``), each with its name. A code is never
# an ISO 3166-1 alpha-2 code in use: ``EU`` and ``UN`` are the codes ISO reserves for those
# bodies; the others have three letters or more (``AFRU``: ``AU`` is Australia's). Their
# aliases are in ``seeds/organisations.yaml``, which must name each of them.
ORGANISATIONS: Final = _vocab(
    EU="European Union",
    UN="United Nations",
    UNSC="United Nations Security Council",
    UNGA="United Nations General Assembly",
    NATO="North Atlantic Treaty Organization",
    G7="Group of Seven",
    G20="Group of Twenty",
    ASEAN="Association of Southeast Asian Nations",
    AFRU="African Union",
    IAEA="International Atomic Energy Agency",
    OSCE="Organization for Security and Co-operation in Europe",
    COE="Council of Europe",
)

# The kinds of a timeline entry, in the order entries of one date are listed.
TIMELINE_KINDS: Final = ("statement", "status_change", "trigger")

ALL: Final[dict[str, MappingProxyType[str, str]]] = {
    "measure_type": MEASURE_TYPES,
    "measure_status": MEASURE_STATUSES,
    "measure_country_role": MEASURE_COUNTRY_ROLES,
    "trigger_relation": TRIGGER_RELATIONS,
    "trigger_kind": TRIGGER_KINDS,
    "trigger_country_role": TRIGGER_COUNTRY_ROLES,
    "verification": VERIFICATIONS,
    "stance": STANCES,
    "figure_qualifier": FIGURE_QUALIFIERS,
    "actor_kind": ACTOR_KINDS,
    "item_category": ITEM_CATEGORIES,
    "date_precision": DATE_PRECISIONS,
    "basis": BASES,
}
