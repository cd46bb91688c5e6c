"""The seed audit of 2026-11-29, read back over the API: its errors fixed, its facts recorded.

Each test names the finding it holds (shared/reviews/seed-audit-2026-11-29.md): the three
errors, the fourteen facts the articles state that no record captured, and how inference is
shown (``basis`` and ``provenance``) and filtered (``?basis=``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers import every
from tests.test_writes import etag_of, new_measure

TROOPS = "kp-troops-to-russia"


@pytest.fixture
def key(auth_headers: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth_headers("write")


def _get(client: FlaskClient, path: str) -> dict[str, Any]:
    r = client.get(path)
    assert r.status_code == 200, r.json
    body: dict[str, Any] = r.json
    return body


def _statements(client: FlaskClient, query: str) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in every(client, f"/v1/statements?{query}")}


# --- The three errors ---


def test_error_1_the_words_duda_was_given_are_yoons(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/duda-kp-deployment-provocation")
    assert statement["actor"] == "yoon-suk-yeol"
    assert statement["quote"] == "We agreed"
    assert "President Yoon stated" in statement["citation"]["quote"]
    by_duda = _statements(client, "actor=andrzej-duda")
    assert all(s["stance"] != "condemn" for s in by_duda.values()), by_duda


def test_error_2_about_3000_is_a_count_already_sent_not_an_estimate_of_the_total(
    client: FlaskClient,
) -> None:
    description = _get(client, f"/v1/triggers/{TROOPS}")["description"]
    assert "estimates of the total" not in description
    assert "Already sent" in description and "about 3,000" in description
    assert '"another 10,000"' in description
    for key in ("us-kr-officials-kp-troops-about-3000", "us-kr-intelligence-kp-troops-about-3000"):
        assert _get(client, f"/v1/statements/{key}")["figure"]["value"] == 3000
    another = _get(client, "/v1/statements/nis-spokeswoman-another-10000-troops")
    assert another["figure"]["qualifier"] == "already"


def test_error_3_the_weapons_for_ukraine_are_possible_and_unquoted(client: FlaskClient) -> None:
    measure = _get(client, "/v1/measures/kr-weapons-to-ukraine")
    assert "supplied" not in measure["title"].lower()
    assert measure["title"] == "Possible South Korean weapons for Ukraine"
    assert '"for defense and attack"' not in measure["summary"]
    assert "sending weapons for defense and attack" in measure["summary"]
    assert measure["status"] == "threatened"


# --- The fourteen missing facts ---


def test_fact_1_zinoviev_did_not_confirm(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/zinoviev-did-not-confirm")
    assert (statement["actor"], statement["stance"]) == ("georgiy-zinoviev", "decline_to_confirm")
    assert "did not confirm" in statement["citation"]["quote"]


def test_fact_2_russia_declined_to_confirm(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/ru-declines-to-confirm-troop-report")
    assert (statement["actor"], statement["stance"]) == (
        "government-of-russia",
        "decline_to_confirm",
    )
    assert "declining to confirm" in statement["citation"]["quote"]
    assert statement["said_on"] == "2024-10-21"
    assert statement["provenance"]["said_on"]["basis"] == "derived"


def test_fact_3_pyongyang_was_silent_and_the_articles_disagree(client: FlaskClient) -> None:
    north = _statements(client, f"trigger={TROOPS}&actor=government-of-north-korea")
    stances = {s["stance"] for s in north.values()}
    assert {"deny", "silent"} <= stances, north
    silent = _statements(client, f"trigger={TROOPS}&stance=silent")
    assert {s["actor"] for s in silent.values()} == {"government-of-north-korea", "kp-state-media"}
    assert {s["citation"]["source"] for s in silent.values()} == {
        "kr-summons-russian-ambassador-article",
        "seoul-could-send-weapons-article",
    }
    assert all("remained silent" in s["citation"]["quote"] for s in silent.values())
    trigger = _get(client, f"/v1/triggers/{TROOPS}")
    assert trigger["verification"] == "contested"
    assert "The articles disagree" in trigger["description"]
    assert "silent" in trigger["provenance"]["verification"]["note"]
    contested = {t["id"] for t in every(client, "/v1/triggers?verification=contested")}
    assert TROOPS in contested


def test_fact_3_not_confirming_and_silence_are_not_denials(client: FlaskClient) -> None:
    denials = _statements(client, "stance=deny")
    assert not {"zinoviev-did-not-confirm", "kp-silent-on-troop-deployment"} & set(denials)
    terms = {
        v["name"]: {t["term"] for t in v["terms"]}
        for v in _get(client, "/v1/vocabularies")["items"]
    }
    assert {"decline_to_confirm", "silent"} <= terms["stance"]


def test_fact_4_the_nis_friday_report_by_ship_with_uniforms_and_weapons(
    client: FlaskClient,
) -> None:
    by_ship = _get(client, "/v1/statements/nis-kp-troops-about-1500-by-ship")
    quote = by_ship["citation"]["quote"]
    assert "by ship" in quote and "Russian uniforms and weapons" in quote
    assert "reported Friday" in quote
    assert by_ship["said_on"] is None  # 002 is undated: its Friday is no date
    arrived = _get(client, "/v1/statements/nis-kp-troops-about-1500-arrived")
    assert "special forces" in arrived["citation"]["quote"]
    assert by_ship["figure"]["value"] == arrived["figure"]["value"] == 1500


def test_fact_5_the_yoon_duda_meeting_came_a_day_after_the_intelligence_reports(
    client: FlaskClient,
) -> None:
    statement = _get(client, "/v1/statements/us-kr-intelligence-kp-troops-about-3000")
    assert statement["citation"]["quote"].startswith("The meeting came just a day after")
    measure = _get(client, "/v1/measures/kr-pl-further-arms-deliveries")
    assert "a day after U.S. and South Korean intelligence reports" in measure["summary"]


def test_fact_6_the_time_frames_of_the_figures(client: FlaskClient) -> None:
    by_years_end = _get(client, "/v1/statements/nis-kp-troops-up-to-10000-by-years-end")
    assert by_years_end["figure"]["value"] == 10000
    assert "by the year’s end" in by_years_end["citation"]["quote"]
    planned = _get(client, "/v1/statements/nis-kp-troops-about-12000")
    assert planned["figure"]["qualifier"] == "planned"
    dispatched = _get(client, "/v1/statements/nis-kp-troops-1500-vladivostok")["figure"]
    assert (dispatched["as_of"], dispatched["as_of_precision"]) == ("2024-10-01", "month")
    intelligence = _get(client, "/v1/statements/us-kr-intelligence-kp-troops-about-3000")
    assert "more expected by the end of the year" in intelligence["citation"]["quote"]


def test_fact_7_yoon_security_issues_are_inseparable(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/yoon-indo-pacific-atlantic-inseparable")
    assert (statement["actor"], statement["quote"]) == ("yoon-suk-yeol", "are inseparable")


def test_fact_8_yoon_hinted_at_military_assistance(client: FlaskClient) -> None:
    hints = _statements(client, "actor=yoon-suk-yeol&measure=kr-weapons-to-ukraine")
    assert {"yoon-hints-military-assistance", "yoon-suggests-flexible-stance"} <= set(hints)
    assert (
        "might consider military assistance"
        in (hints["yoon-hints-military-assistance"]["citation"]["quote"])
    )


def test_fact_9_the_emergency_national_security_council_meeting(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/president-office-thousands-of-troops-in-russia")
    assert "emergency meeting" in statement["citation"]["quote"]
    assert "national security council" in statement["citation"]["quote"]


def test_fact_10_june_23_is_recorded_like_june_19(client: FlaskClient) -> None:
    chang = _get(client, "/v1/statements/chang-ho-jin-weapons-depend-on-cooperation")
    summit = _get(client, "/v1/triggers/kp-ru-june-summit")
    assert (chang["said_on"], summit["occurred_on"]) == ("2024-06-23", "2024-06-19")
    assert chang["provenance"]["said_on"]["basis"] == "inferred"
    assert summit["provenance"]["occurred_on"]["basis"] == "inferred"
    history = _get(client, "/v1/measures/kr-weapons-to-ukraine")["status_history"]
    assert history[0]["changed_on"] == "2024-06-23"


def test_fact_11_kim_yong_hyun_spoke_at_a_parliamentary_hearing(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/kim-yong-hyun-selling-away-troops")
    assert "during a parliamentary hearing" in statement["citation"]["quote"]


def test_fact_12_the_deployment_escalates_the_souths_role(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/press-deployment-escalates-souths-role")
    assert "escalating the South’s role" in statement["citation"]["quote"]
    assert statement["actor"] == "unattributed-press-reporting"


def test_fact_13_the_united_states_could_not_confirm(client: FlaskClient) -> None:
    statement = _get(client, "/v1/statements/us-cannot-confirm-troop-report")
    assert statement["stance"] == "decline_to_confirm"
    description = _get(client, f"/v1/triggers/{TROOPS}")["description"]
    assert "the United States said it could not" in description


def test_fact_14_both_presidents_back_further_deliveries(client: FlaskClient) -> None:
    backing = _statements(client, "measure=kr-pl-further-arms-deliveries&stance=support")
    assert {s["actor"] for s in backing.values()} == {"yoon-suk-yeol", "andrzej-duda"}
    assert _get(client, "/v1/measures/kr-pl-further-arms-deliveries")["status"] == "announced"


# --- How inference is shown and filtered ---


def test_the_undated_articles_publisher_is_not_inferred(client: FlaskClient) -> None:
    assert _get(client, "/v1/sources/kr-phased-measures-article")["publisher"] is None


def test_basis_stated_lists_only_measures_whose_every_claim_is_stated(
    client: FlaskClient,
) -> None:
    stated = every(client, "/v1/measures?basis=stated")
    derived = every(client, "/v1/measures?basis=derived")
    everything = every(client, "/v1/measures")
    assert stated and all(m["basis"] == "stated" and not m["provenance"] for m in stated)
    assert {m["basis"] for m in derived} == {"stated", "derived"}
    assert len(stated) < len(derived) < len(everything)
    assert len(every(client, "/v1/measures?basis=inferred")) == len(everything)
    ids = {m["id"] for m in stated}
    assert "kr-pl-arms-deals" in ids  # corrected to what the articles say: signed
    assert "kr-phased-economic-sanctions" not in ids  # its parent link is inferred


def test_statements_and_triggers_filter_by_basis(client: FlaskClient) -> None:
    for collection in ("statements", "triggers"):
        stated = every(client, f"/v1/{collection}?basis=stated")
        assert stated and all(r["basis"] == "stated" for r in stated), collection
        assert len(stated) < len(every(client, f"/v1/{collection}"))


def test_the_inferred_links_say_why(client: FlaskClient) -> None:
    sanctions = _get(client, "/v1/measures/kr-phased-economic-sanctions")
    assert sanctions["provenance"]["parent"]["basis"] == "inferred"
    assert "phased measures" in sanctions["provenance"]["parent"]["note"]
    assert sanctions["provenance"]["countries.RU.target"]["basis"] == "inferred"
    aid = _get(client, "/v1/measures/kr-humanitarian-aid-ukraine")
    flag = aid["provenance"]["triggers.ru-invasion-of-ukraine.responds_to"]
    assert flag["basis"] == "inferred" and flag["note"]


def test_an_inferred_flag_without_a_note_is_a_422_naming_it(
    client: FlaskClient, key: dict[str, str]
) -> None:
    body = new_measure(provenance={"status": {"basis": "inferred"}})
    r = client.post("/v1/measures", json=body, headers=key)
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "provenance.status.note", r.json


def test_a_flag_on_a_claim_the_record_does_not_make_is_a_422(
    client: FlaskClient, key: dict[str, str]
) -> None:
    flag = {"basis": "derived", "note": "No such link."}
    body = new_measure(provenance={"countries.RU.target": flag})
    r = client.post("/v1/measures", json=body, headers=key)
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "provenance.countries.RU.target", r.json


def test_a_written_flag_is_served_stored_and_patched(
    client: FlaskClient, key: dict[str, str]
) -> None:
    flag = {"basis": "inferred", "note": "The release names no target."}
    body = new_measure(provenance={"countries.KP.target": flag})
    r = client.post("/v1/measures", json=body, headers=key)
    assert r.status_code == 201, r.json
    assert r.json["basis"] == "inferred"
    assert r.json["provenance"] == {"countries.KP.target": flag}
    listed = {m["id"]: m for m in every(client, "/v1/measures?country=KR")}
    assert listed["test-kr-sanctions"]["provenance"] == {"countries.KP.target": flag}
    assert "test-kr-sanctions" not in {m["id"] for m in every(client, "/v1/measures?basis=stated")}
    path = "/v1/measures/test-kr-sanctions"
    r = client.patch(
        path, json={"title": "Retitled"}, headers={**key, "If-Match": etag_of(client, path)}
    )
    assert r.status_code == 200, r.json
    assert r.json["provenance"] == {"countries.KP.target": flag}  # a PATCH keeps the flags
    r = client.patch(
        path, json={"provenance": {}}, headers={**key, "If-Match": etag_of(client, path)}
    )
    assert r.status_code == 200, r.json
    assert (r.json["basis"], r.json["provenance"]) == ("stated", {})
    assert "test-kr-sanctions" in {m["id"] for m in every(client, "/v1/measures?basis=stated")}


def test_exports_carry_the_basis_and_the_flags(client: FlaskClient) -> None:
    r = client.get("/v1/measures.csv?basis=derived")
    assert r.status_code == 200
    lines = r.get_data(as_text=True).splitlines()
    header = lines[0].split(",")
    assert {"basis", "provenance"} <= set(header)
    assert any("announced_on: derived (003 says 'on Monday'" in line for line in lines)
    ndjson = client.get("/v1/statements.ndjson?stance=silent").get_data(as_text=True)
    assert '"basis":"stated"' in ndjson.replace(" ", "")


def test_a_patch_that_clears_a_flagged_claim_drops_its_flag(
    client: FlaskClient, key: dict[str, str]
) -> None:
    path = "/v1/statements/chang-ho-jin-weapons-depend-on-cooperation"
    r = client.patch(
        path,
        json={"said_on": None, "said_on_precision": None},
        headers={**key, "If-Match": etag_of(client, path)},
    )
    assert r.status_code == 200, r.json
    assert (r.json["said_on"], r.json["provenance"], r.json["basis"]) == (None, {}, "stated")
