"""Matching: a new article's findings are weighed against the register before they are proposed.

The articles here tell again what the seeded register holds (South Korea's K-2 tanks for
Poland, its weapons for Ukraine) or something it does not hold; each is stored through
``POST /v1/sources``, which runs the extractor and the matcher.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.extraction.drafts import drafts
from service.extraction.pipeline import analyse
from service.models import Change, Measure, Proposal, Source, Statement, Trigger
from service.services import ingest as ingestion
from service.services import matching, similarity
from service.services.changes import cursor_at
from service.services.matching import later
from service.services.similarity import Day, Facts, content_words

K2 = "kr-k2-tanks-poland"
WEAPONS = "kr-weapons-to-ukraine"
# The seeded K-2 deal, told again: "will sign" keeps it announced, as the register has it.
K2_AGAIN = (
    "South Korea will sign a deal for K-2 tanks with Poland by the end of the year, finalizing"
    " the new agreement the two countries are working on.\n"
)
K2_SIGNED = (
    "South Korea signed a deal for K-2 tanks with Poland on Friday, finalizing the new"
    " agreement the two countries had been working on.\n"
)
WEAPONS_SENT = (
    "South Korea has provided lethal weapons to Ukraine since December 2, officials said.\n"
)
UNRELATED = "Japan imposed sanctions on Iran and Russia on Friday over drone exports.\n"
# Kept by someone else while a proposal waits: a passage no seeded record of the deal cites.
MEANWHILE = {
    "source": "yoon-wont-sit-idle-article",
    "quote": "Both leaders agreed to support additional deliveries of South Korean military"
    " equipment to Poland",
}


@pytest.fixture
def keys(auth_headers: Callable[..., dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """A writer's key and a reviewer's."""
    return auth_headers("write"), auth_headers("review")


def ingest(
    client: FlaskClient, writer: dict[str, str], reviewer: dict[str, str], text: str, key: str
) -> list[dict[str, Any]]:
    """Store ``text`` as source ``key``, published on Friday 27 December 2024: its proposals."""
    body = {"id": key, "text": text, "published_on": "2024-12-27", "language": "en"}
    r = client.post("/v1/sources", json=body, headers=writer)
    assert r.status_code == 201, r.json
    listed = client.get(f"/v1/proposals?source={key}&status=pending", headers=reviewer)
    assert listed.status_code == 200, listed.json
    return list(listed.json["items"])


def measures(proposals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in proposals if p["kind"] == "measure"]


def quotes(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["source"], c["quote"]) for c in record["citations"]]


def key_id(headers: dict[str, str]) -> str:
    return headers["Authorization"].split("_")[1]  # reg_<key id>_<secret>


# --- The scores, on real sentences ------------------------------------------------------

SEEDED_K2 = (
    "The two countries are working to finalize a new agreement involving South Korean K-2"
    " tanks by the end of the year."
)


def test_content_words_leave_out_parties_stop_words_and_dates() -> None:
    sentence = (
        "SEOUL, Dec 27 - South Korea signed a contract for 180 K-2 tanks with Poland on"
        " Friday, the defence ministry said."
    )
    assert content_words(sentence) == {"signed", "contract", "180", "k2", "tank", "defence"}
    assert content_words("About 10,000 North Korean soldiers") == {"10000", "soldier"}


def test_the_words_signal_is_the_share_of_the_findings_words_the_record_has() -> None:
    found = Facts(words=content_words(K2_AGAIN))
    held = Facts(words=content_words(SEEDED_K2))
    signal = similarity.words(found, held)
    # deal, k2, tank, end, sign, agreement, finalizing, country, working: 6 of 9 shared.
    assert sorted(found.words - held.words) == ["deal", "finalizing", "sign"]
    assert signal.value == pytest.approx(6 / 9)
    assert signal.saw.startswith("67% of the words (agreement, country, end, k2, tank, working")
    same = similarity.words(
        Facts(words=found.words, passages=(("a", 10, 50),)),
        Facts(passages=(("a", 40, 90),)),
    )
    assert (same.value, same.saw) == (1.0, "cites the same passage")
    elsewhere = Facts(passages=(("b", 40, 90),))
    assert (
        similarity.words(Facts(words=found.words, passages=(("a", 10, 50),)), elsewhere).value == 0
    )


def test_the_parties_signal_weighs_the_imposer_first_then_the_others_in_their_roles() -> None:
    # "South Korea imposed sanctions on North Korea and Russia", as the extractor reads it.
    found = Facts(parties=frozenset({("KR", "imposer"), ("KP", "target"), ("RU", "target")}))
    phased = Facts(parties=frozenset({("KR", "imposer"), ("KP", "target"), ("RU", "target")}))
    us_led = Facts(parties=frozenset({("US", "imposer"), ("KR", "partner"), ("RU", "target")}))
    assert similarity.parties(found, phased, "imposer").value == 1.0
    signal = similarity.parties(found, us_led, "imposer")
    assert signal.value == pytest.approx(0.6 * 0 + 0.4 * 1 / 2)
    assert signal.saw == "imposer KR against the record's US; RU as target too"
    # An organisation is a party like any other.
    eu = Facts(parties=frozenset({("EU", "imposer"), ("RU", "target")}))
    assert similarity.parties(eu, eu, "imposer").value == 1.0
    assert similarity.parties(eu, phased, "imposer").value == pytest.approx(0.4 * 1 / 1)


def test_dates_are_as_close_as_their_precision_allows() -> None:
    october = Day.of("2024-10-01", "month")
    assert october is not None and (october.first, october.last) == (
        Day.of("2024-10-01", "day").first,  # type: ignore[union-attr]
        Day.of("2024-10-31", "day").first,  # type: ignore[union-attr]
    )
    day = Day.of("2024-10-22", "day")
    assert day is not None and day.apart(october) == 0
    assert Day.of("2024-12-02", "day").apart(day) == 41  # type: ignore[union-attr]
    assert similarity.closeness(30) == 1.0 and similarity.closeness(365) == 0.0
    assert similarity.closeness(41) == pytest.approx(1 - 11 / 335)
    assert similarity.dates(Facts(dates=(day,)), Facts()).value is None  # no evidence


def test_a_score_is_the_weighted_sum_of_its_signals_with_no_evidence_at_half() -> None:
    found = Facts(
        parties=frozenset({("KR", "imposer"), ("PL", "beneficiary")}),
        words=content_words(K2_AGAIN),
    )
    held = Facts(
        parties=frozenset({("KR", "imposer"), ("PL", "beneficiary")}),
        words=content_words(SEEDED_K2),
        triggers=frozenset({"ru-invasion-of-ukraine"}),
    )
    scored = similarity.score("measure", K2, found, held)
    # parties 1, words 6/9, no date and no trigger in the finding: 0.5 each.
    assert scored.value == pytest.approx(0.40 + 0.35 * 6 / 9 + 0.15 * 0.5 + 0.10 * 0.5, abs=1e-3)
    assert scored.value > similarity.SAME
    assert scored.why.startswith("same imposer KR; PL as beneficiary too; 67% of the words")


def test_a_later_status_is_a_change_an_earlier_one_is_not() -> None:
    assert later("in_force", "under_consideration") and later("agreed", "announced")
    assert later("withdrawn", "in_force") and later("suspended", "threatened")
    assert not later("threatened", "in_force") and not later("in_force", "in_force")
    assert not later("in_force", "suspended") and not later("suspended", "withdrawn")


# --- Proposals against the seeded register ----------------------------------------------


def test_an_article_telling_a_seeded_measure_again_proposes_an_update_of_it(
    client: FlaskClient,
    session: Session,
    keys: tuple[dict[str, str], dict[str, str]],
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    writer, reviewer = keys
    before = client.get(f"/v1/measures/{K2}").json
    (proposal,) = measures(ingest(client, writer, reviewer, K2_AGAIN, "k2-again"))
    assert (proposal["action"], proposal["target"]) == ("update", K2)
    scores = [c["score"] for c in proposal["candidates"]]
    assert proposal["candidates"][0]["id"] == K2 and scores[0] > similarity.SAME
    assert scores == sorted(scores, reverse=True) and len(scores) > 1
    assert all(0 <= s < similarity.SAME for s in scores[1:])  # the other K-2 / Poland deals
    assert any(r.startswith(f"the same measure as {K2} (score") for r in proposal["reasons"])
    # The PATCH: the citations as they stand, and the new passage; the status stays.
    new = ("k2-again", K2_AGAIN.strip())
    assert set(proposal["record"]) == {"citations"}
    assert quotes(proposal["record"]) == [*quotes(before), new]
    assert proposal["citations"][0]["quote"] == K2_AGAIN.strip()

    feed_before = session.scalar(select(func.max(Change.seq))) or 0
    r = client.post(f"/v1/proposals/{proposal['id']}/accept", headers=reviewer)
    assert r.status_code == 200, r.json
    assert r.headers["Location"] == f"/v1/measures/{K2}"
    assert (r.json["status"], r.json["record_id"]) == ("accepted", K2)
    after = client.get(f"/v1/measures/{K2}").json
    assert sorted(quotes(after)) == sorted([*quotes(before), new])
    assert after["status"] == before["status"] == "announced"
    assert after["status_history"] == before["status_history"]
    # The change feed shows an update; the revision credits the reviewer and names the proposal.
    (change,) = client.get("/v1/changes", query_string={"since": cursor_at(feed_before)}).json[
        "items"
    ]
    assert (change["collection"], change["id"], change["op"]) == ("measures", K2, "update")
    admin = client.get(f"/v1/measures/{K2}/revisions", headers=auth_headers("admin"))
    last = admin.json["items"][-1]
    assert (last["proposal_id"], last["key_id"]) == (proposal["id"], key_id(reviewer))


def test_a_status_change_accepted_writes_the_status_with_its_date_and_quote(
    client: FlaskClient, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    before = client.get(f"/v1/measures/{WEAPONS}").json
    assert before["status"] == "threatened"
    (proposal,) = measures(ingest(client, writer, reviewer, WEAPONS_SENT, "weapons-sent"))
    assert (proposal["action"], proposal["target"]) == ("update", WEAPONS)
    assert "status threatened → in_force, on 2024-12-02" in proposal["reasons"]
    change = {
        "status": "in_force",
        "changed_on": "2024-12-02",
        "changed_on_precision": "day",
        "citation": {"source": "weapons-sent", "quote": WEAPONS_SENT.strip()},
    }
    assert proposal["record"]["status"] == "in_force"
    assert proposal["record"]["status_history"][-1] == change
    assert len(proposal["record"]["status_history"]) == len(before["status_history"]) + 1

    r = client.post(f"/v1/proposals/{proposal['id']}/accept", headers=reviewer)
    assert r.status_code == 200, r.json
    after = client.get(f"/v1/measures/{WEAPONS}").json
    assert after["status"] == "in_force"
    last = after["status_history"][-1]
    assert (last["status"], last["changed_on"], last["changed_on_precision"]) == (
        "in_force",
        "2024-12-02",
        "day",
    )
    assert (last["citation"]["source"], last["citation"]["quote"]) == (
        "weapons-sent",
        WEAPONS_SENT.strip(),
    )
    assert after["status_history"][:-1] == before["status_history"]  # the earlier changes stay
    assert ("weapons-sent", WEAPONS_SENT.strip()) in quotes(after)


def test_an_article_about_a_measure_the_register_lacks_proposes_a_create(
    client: FlaskClient, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    (proposal,) = measures(ingest(client, writer, reviewer, UNRELATED, "jp-iran"))
    assert (proposal["action"], proposal["target"]) == ("create", None)
    assert proposal["record"]["countries"][0] == {"country": "JP", "role": "imposer"}
    # The sanctions that touch a party of it (Russia, as a target) are weighed, and score low.
    assert {c["id"] for c in proposal["candidates"]} == {
        "kr-phased-economic-sanctions",
        "us-led-sanctions-against-russia",
    }
    assert all(c["score"] < 0.5 for c in proposal["candidates"])
    (closest,) = [r for r in proposal["reasons"] if r.startswith("closest measure: ")]
    assert "imposer JP against the record's" in closest and "RU as target too" in closest
    # Nothing of the kind at all: no candidate, and the reason says so.
    (alone,) = measures(
        ingest(client, writer, reviewer, "Japan imposed sanctions on Iran on Friday.\n", "jp-ir")
    )
    assert alone["candidates"] == [] and "no measure of the register is like it" in alone["reasons"]


def test_a_citation_added_meanwhile_survives_accepting(
    client: FlaskClient, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    (proposal,) = measures(ingest(client, writer, reviewer, K2_AGAIN, "k2-again"))
    assert proposal["target"] == K2
    # Someone cites another passage before the reviewer decides.
    current = client.get(f"/v1/measures/{K2}")
    cited = [{"source": s, "quote": q} for s, q in quotes(current.json)] + [MEANWHILE]
    r = client.patch(
        f"/v1/measures/{K2}",
        json={"citations": cited},
        headers={**writer, "If-Match": current.headers["ETag"]},
    )
    assert r.status_code == 200, r.json
    assert (MEANWHILE["source"], MEANWHILE["quote"]) not in quotes(proposal["record"])

    accepted = client.post(f"/v1/proposals/{proposal['id']}/accept", headers=reviewer)
    assert accepted.status_code == 200, accepted.json
    after = quotes(client.get(f"/v1/measures/{K2}").json)
    assert (MEANWHILE["source"], MEANWHILE["quote"]) in after
    assert ("k2-again", K2_AGAIN.strip()) in after
    assert set(quotes(current.json)) <= set(after)
    assert len(after) == len(set(after)) == len(current.json["citations"]) + 2


def test_re_extracting_after_acceptance_proposes_the_same_citation_no_more(
    client: FlaskClient, session: Session, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    (proposal,) = measures(ingest(client, writer, reviewer, K2_SIGNED, "k2-signed"))
    assert (proposal["action"], proposal["target"]) == ("update", K2)
    assert proposal["record"]["status"] == "agreed"
    accepted = client.post(f"/v1/proposals/{proposal['id']}/accept", headers=reviewer)
    assert accepted.status_code == 200, accepted.json

    again = client.post("/v1/sources/k2-signed/extract", headers=reviewer)
    assert again.status_code == 200, again.json
    # The passage is cited and the status is agreed: nothing left to propose about the deal.
    assert measures(again.json["proposals"]) == []
    targets = session.scalars(
        select(Proposal.target).where(
            Proposal.source_id == "k2-signed", Proposal.status == "pending"
        )
    ).all()
    assert K2 not in targets


def test_findings_of_one_article_about_one_record_make_one_update_citing_each(
    client: FlaskClient, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    # Two statuses, so the extractor keeps two findings; both are the seeded K-2 deal.
    text = K2_SIGNED + (
        "In October the two countries said South Korea would sign a deal for K-2 tanks with"
        " Poland by the end of the year.\n"
    )
    (proposal,) = measures(ingest(client, writer, reviewer, text, "k2-twice"))
    assert (proposal["action"], proposal["target"]) == ("update", K2)
    cited = [c["quote"] for c in proposal["citations"]]
    assert cited == [line for line in text.splitlines() if line]
    new = [q for s, q in quotes(proposal["record"]) if s == "k2-twice"]
    assert new == cited
    # Of the two statuses the later one is the change: announced → agreed.
    assert proposal["record"]["status"] == "agreed"
    assert [r for r in proposal["reasons"] if r.startswith("status ")] == [
        "status announced → agreed, on 2024-12-27"
    ]
    r = client.post(f"/v1/proposals/{proposal['id']}/accept", headers=reviewer)
    assert r.status_code == 200, r.json
    after = client.get(f"/v1/measures/{K2}").json
    assert after["status"] == "agreed"
    assert all(("k2-twice", q) in quotes(after) for q in cited)


def test_re_extracting_a_seeded_article_proposes_nothing_the_register_holds(
    client: FlaskClient, session: Session, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    _, reviewer = keys
    source = "kr-summons-russian-ambassador-article"
    r = client.post(f"/v1/sources/{source}/extract", headers=reviewer)
    assert r.status_code == 200, r.json
    made = r.json["proposals"]
    # "South Korea has summoned the Russian ambassador" is the seeded summons' own passage.
    assert all(p["target"] != "kr-summons-russian-ambassador" for p in made)
    for proposal in made:
        if proposal["action"] != "update":
            continue
        target = client.get(f"/v1/{proposal['kind']}s/{proposal['target']}").json
        changes = {
            name: value for name, value in proposal["record"].items() if target.get(name) != value
        }
        assert changes, proposal  # never an update that changes nothing
    # A statement whose passage is on record with its stance is not proposed again: of the
    # article's twelve the extractor reads, three are left, each listing its closest.
    seeded = client.get("/v1/statements", query_string={"limit": 200}).json["items"]
    on_record = {
        (s["citation"]["start"], s["stance"]) for s in seeded if s["citation"]["source"] == source
    }
    statements = [p for p in made if p["kind"] == "statement"]
    assert 0 < len(statements) < 12
    for proposal in statements:
        span = proposal["citations"][0]
        assert (span["start"], proposal["record"]["stance"]) not in on_record
        named = ("closest statement: ", "probably the statement ")
        assert proposal["candidates"] and any(r.startswith(named) for r in proposal["reasons"])


def test_a_status_change_made_meanwhile_stays_last_and_the_proposed_one_goes_before_it(
    client: FlaskClient, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    (proposal,) = measures(ingest(client, writer, reviewer, WEAPONS_SENT, "weapons-sent"))
    current = client.get(f"/v1/measures/{WEAPONS}")
    history = [
        {
            "status": c["status"],
            "changed_on": c["changed_on"],
            "changed_on_precision": c["changed_on_precision"],
            "citation": {"source": c["citation"]["source"], "quote": c["citation"]["quote"]},
        }
        for c in current.json["status_history"]
    ]
    completed = {
        "status": "completed",
        "changed_on": "2025-01-10",
        "changed_on_precision": "day",
        "citation": MEANWHILE,
    }
    r = client.patch(
        f"/v1/measures/{WEAPONS}",
        json={"status": "completed", "status_history": [*history, completed]},
        headers={**writer, "If-Match": current.headers["ETag"]},
    )
    assert r.status_code == 200, r.json

    accepted = client.post(f"/v1/proposals/{proposal['id']}/accept", headers=reviewer)
    assert accepted.status_code == 200, accepted.json
    after = client.get(f"/v1/measures/{WEAPONS}").json
    assert [(c["status"], c["changed_on"]) for c in after["status_history"]] == [
        *((c["status"], c["changed_on"]) for c in history),
        ("in_force", "2024-12-02"),
        ("completed", "2025-01-10"),
    ]
    assert after["status"] == "completed"


def test_an_update_accepted_edited_writes_what_the_reviewer_kept(
    client: FlaskClient, keys: tuple[dict[str, str], dict[str, str]]
) -> None:
    writer, reviewer = keys
    (proposal,) = measures(ingest(client, writer, reviewer, WEAPONS_SENT, "weapons-sent"))
    before = client.get(f"/v1/measures/{WEAPONS}").json
    # The reviewer keeps the passage but not the status change.
    edited = {"citations": proposal["record"]["citations"]}
    r = client.post(
        f"/v1/proposals/{proposal['id']}/accept", json={"record": edited}, headers=reviewer
    )
    assert r.status_code == 200, r.json
    assert r.json["edited"] == edited
    after = client.get(f"/v1/measures/{WEAPONS}").json
    assert (after["status"], after["status_history"]) == (
        before["status"],
        before["status_history"],
    )
    assert sorted(quotes(after)) == sorted(
        [*quotes(before), ("weapons-sent", WEAPONS_SENT.strip())]
    )


# --- Leave one article out --------------------------------------------------------------

SEEDED_ARTICLES = (
    "yoon-wont-sit-idle-article",
    "kr-considers-weapons-for-ukraine-article",
    "kr-phased-measures-article",
    "seoul-could-send-weapons-article",
    "kr-summons-russian-ambassador-article",
)


def _forget(session: Session, source: str) -> None:
    """The register as it was before ``source``: its citations gone, and what only it told."""
    for statement in session.scalars(select(Statement)):
        if statement.citation.source_id == source:
            session.delete(statement)
    session.flush()
    for measure in session.scalars(select(Measure)):
        measure.citations = [c for c in measure.citations if c.source_id != source]
        measure.status_history = [
            h for h in measure.status_history if h.citation.source_id != source
        ]
    for trigger in session.scalars(select(Trigger)):
        trigger.citations = [c for c in trigger.citations if c.source_id != source]
    session.flush()


def _cited(session: Session, source: str) -> list[tuple[str, str, str, int, int]]:
    """(kind, type, id, start, end) of every passage of ``source`` a measure or trigger cites."""
    found = []
    for m in session.scalars(select(Measure)):
        for c in [*m.citations, *(h.citation for h in m.status_history)]:
            if c.source_id == source:
                found.append(("measure", m.type, m.id, c.start, c.end))
    for t in session.scalars(select(Trigger)):
        found += [
            ("trigger", t.kind, t.id, c.start, c.end) for c in t.citations if c.source_id == source
        ]
    return found


def test_each_seeded_article_read_as_new_is_matched_to_the_records_that_cite_it(
    session: Session,
) -> None:
    """Leave one article out: each finding that a seeded record of its type cites the
    sentence of should find that record; an update must never go to another.

    Figures (2026-11-30): of 24 such findings (15 measures, 9 triggers), the right record
    is the best candidate for 23 and among the five kept for all 24; 11 become updates of
    it, the other 13 creates. One more update goes to kr-phased-measures from a sentence
    about weapons "as part of phased measures", which no seeded package cites.
    """
    tally: Counter[str] = Counter()
    for source_id in SEEDED_ARTICLES:
        nested = session.begin_nested()
        gold = _cited(session, source_id)
        _forget(session, source_id)
        source = session.get(Source, source_id)
        assert source is not None
        analysis = analyse(source.text, dt.date(2024, 10, 22), ingestion._names(session))
        for finding in drafts(analysis, source_id):
            if finding.kind == "statement":
                continue
            kind = finding.record.get("type") or finding.record["kind"]
            spans = [(c["start"], c["end"]) for c in finding.citations]
            right = {
                key
                for k, t, key, start, end in gold
                if (k, t) == (finding.kind, kind) and any(a < end and start < b for a, b in spans)
            }
            (weighed,) = matching.match(
                session, source, [(finding, ingestion._draft(source, finding))]
            )
            ids = [c["id"] for c in weighed["candidates"]]
            if weighed["action"] == "update":
                tally["updates"] += 1
                assert not right or weighed["target"] in right, (finding.record, weighed)
            if right:
                tally["told"] += 1
                tally["best"] += ids[:1] != [] and ids[0] in right
                tally["kept"] += bool(right & set(ids))
                tally["updated"] += weighed["target"] in right
        nested.rollback()
    assert tally["told"] >= 20
    assert tally["best"] / tally["told"] >= 0.9
    assert tally["kept"] == tally["told"]
    assert tally["updated"] >= tally["told"] / 3
