"""Drafts: what the register proposes from an article's analysis, with quotes verbatim."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT
from service.extraction.drafts import drafts
from service.extraction.pipeline import analyse

PUBLISHED = dt.date(2024, 12, 17)


def test_a_sanction_sentence_gives_a_measure_with_its_imposer_targets_and_quote() -> None:
    text = "South Korea imposed sanctions on North Korea and Russia on Tuesday."
    (draft,) = [d for d in drafts(analyse(text, PUBLISHED), "rbc") if d.kind == "measure"]
    assert draft.record["type"] == "sanction" and draft.record["status"] == "in_force"
    assert draft.record["countries"] == [
        {"country": "KR", "role": "imposer"},
        {"country": "KP", "role": "target"},
        {"country": "RU", "role": "target"},
    ]
    assert draft.record["announced_on"] == "2024-12-17"
    assert draft.record["announced_on_precision"] == "day"
    (citation,) = draft.citations
    assert text[citation["start"] : citation["end"]] == citation["quote"] == text
    assert "cue 'sanctions' → sanction" in draft.reasons


def test_repeats_of_one_measure_merge_into_one_draft_with_several_citations() -> None:
    text = (
        "Japan imposed sanctions on North Korea. "
        "Tokyo imposed the sanctions after the launch, Japan's government said."
    )
    measures = [d for d in drafts(analyse(text, PUBLISHED), "a") if d.kind == "measure"]
    assert len(measures) == 1
    assert [c["quote"] for c in measures[0].citations] == [
        "Japan imposed sanctions on North Korea.",
        "Tokyo imposed the sanctions after the launch, Japan's government said.",
    ]


def test_a_measure_without_words_for_its_status_is_not_proposed() -> None:
    text = "The sanctions list names 11 North Korean generals."
    assert [d for d in drafts(analyse(text, PUBLISHED), "a") if d.kind == "measure"] == []


def test_a_reported_figure_gives_a_statement_with_its_figure() -> None:
    text = "About 1,500 North Korean troops were sent to Russia, South Korea's spy agency said."
    (said,) = [d for d in drafts(analyse(text, PUBLISHED), "a") if d.kind == "statement"]
    assert said.record["figure"] == {"value": 1500, "unit": "troops", "qualifier": "about"}
    assert said.record["stance"] == "report"


def test_extract_eval_prints_precision_and_recall_per_kind_and_field() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service", "extract-eval"],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["what", "precision", "recall", "hits", "prop", "lab"]
    names = {line.split()[0] for line in lines[1:]}
    assert {"measure", "trigger", "statement", "measure.type", "measure.status"} <= names
    assert lines[-2].startswith("quotes verbatim at offsets:")
    verbatim, total = (int(n) for n in lines[-2].split(":")[1].split(" of "))
    assert verbatim == total > 0
    # The target: no date without a textual basis.
    assert lines[-1].startswith("dates with a textual basis:")
    based, dated = (int(n) for n in lines[-1].split(":")[1].split(" of "))
    assert based == dated > 0


def roles_of(text: str) -> list[dict[str, str]]:
    (draft,) = [d for d in drafts(analyse(text, PUBLISHED), "a") if d.kind == "measure"]
    return list(draft.record["countries"])


def test_passive_voice_names_the_target_first_and_the_imposer_after_by() -> None:
    assert roles_of("North Korea was sanctioned by the European Union on Monday.") == [
        {"country": "EU", "role": "imposer"},
        {"country": "KP", "role": "target"},
    ]


def test_an_arms_deal_signed_by_the_buyer_has_the_supplier_as_imposer() -> None:
    text = "Poland signed a contract for 180 South Korean K2 tanks on Friday."
    assert roles_of(text) == [
        {"country": "KR", "role": "imposer"},
        {"country": "PL", "role": "beneficiary"},
    ]


def test_the_ingest_bench_stores_and_extracts_each_article_and_prints_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.extraction.ingest_bench import bench

    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "article.txt").write_text(
        "Japan imposed sanctions on North Korea on Friday, the government said.\n",
        encoding="utf-8",
    )
    ((name, words, floor, whole),) = bench(tmp_path)
    assert (name, words) == ("one", 11)
    assert floor > 0 and whole > 0
    assert "ms per 1,000 words" in capsys.readouterr().out


def test_a_diplomatic_act_in_the_past_tense_is_completed() -> None:
    text = "South Korea summoned the Russian ambassador on Monday."
    (draft,) = [d for d in drafts(analyse(text, PUBLISHED), "a") if d.kind == "measure"]
    assert (draft.record["type"], draft.record["status"]) == ("diplomatic_action", "completed")


def _found(text: str, kind: str, published: dt.date = dt.date(2024, 12, 17)) -> list[dict]:
    return [d.record for d in drafts(analyse(text, published), "src") if d.kind == kind]


def _parties(record: dict) -> list[tuple[str, str]]:
    return [(c["country"], c["role"]) for c in record["countries"]]


def test_an_arms_maker_stands_for_its_country_as_the_supplier() -> None:
    (deal,) = _found(
        "Poland on Friday signed a deal worth about $6.5 billion to purchase the second batch"
        " of K2 tanks from Hyundai Rotem.",
        "measure",
    )
    assert (deal["type"], deal["status"]) == ("arms_transfer", "agreed")
    assert _parties(deal) == [("KR", "imposer"), ("PL", "beneficiary")]


def test_sanctions_led_by_another_make_the_subject_a_partner() -> None:
    (joined,) = _found(
        "Seoul has kept its distance from the war while joining U.S.-led sanctions against Moscow.",
        "measure",
    )
    assert joined["status"] == "in_force"
    assert ("US", "imposer") in _parties(joined) and ("KR", "partner") in _parties(joined)


def test_announcing_sanctions_on_someone_puts_them_in_force_and_a_later_date_delays_them() -> None:
    (now,) = _found("The United States announced sanctions on two Russian individuals.", "measure")
    assert now["status"] == "in_force"
    (later,) = _found(
        "South Korea imposed sanctions on North Korea and Russia for military cooperation."
        " The restrictions will take effect on December 19.",
        "measure",
    )
    assert (later["status"], later["effective_on"]) == ("announced", "2024-12-19")
    assert len(later["citations"]) == 2


def test_a_threat_on_a_condition_is_threatened_even_when_only_considered() -> None:
    (aid,) = _found(
        "President Yoon has hinted that South Korea might consider military assistance to"
        " Ukraine if the situation escalates.",
        "measure",
    )
    assert (aid["type"], aid["status"]) == ("military_aid", "threatened")


@pytest.mark.parametrize(
    ("text", "kind", "parties"),
    [
        (
            "Roughly 1,500 North Korean troops were deployed to Russia by ship earlier this month.",
            "troop_deployment",
            [("KP", "originator"), ("RU", "host")],
        ),
        (
            "The sanctions answer the transfer of weapons from North Korea to Russia.",
            "arms_supply",
            [("KP", "originator"), ("RU", "host")],
        ),
        (
            "Tokyo is concerned about the strengthening of military cooperation between Russia"
            " and North Korea.",
            "military_cooperation",
            [("RU", "originator"), ("KP", "originator")],
        ),
        (
            "London has imposed sanctions since Russia's invasion of Ukraine in February 2022.",
            "invasion",
            [("RU", "originator"), ("UA", "affected")],
        ),
        (
            "Russian President Vladimir Putin and Kim Jong Un met at a summit in Pyongyang.",
            "summit",
            [("KP", "host"), ("RU", "originator")],
        ),
    ],
)
def test_triggers_of_each_kind_with_their_parties(
    text: str, kind: str, parties: list[tuple[str, str]]
) -> None:
    found = {t["kind"]: t for t in _found(text, "trigger")}
    assert kind in found
    assert sorted(_parties(found[kind])) == sorted(parties)


def test_a_deployment_to_nowhere_named_is_not_a_trigger() -> None:
    assert _found("The North could send more troops, officials said.", "trigger") == []


def test_what_is_not_done_or_is_a_sanctions_reason_is_not_a_measure() -> None:
    found = _found(
        "South Korea has supplied Ukraine with humanitarian aid but has resisted sending lethal"
        " weapons. The United States sanctioned 19 entities for providing military aid to"
        " Russia.",
        "measure",
    )
    assert sorted(m["type"] for m in found) == ["humanitarian_aid", "sanction"]


def test_a_sentence_naming_no_party_speaks_of_the_imposer_before() -> None:
    text = (
        "South Korea imposed sanctions on North Korea on Tuesday. Yoon's office said it would"
        " review its policy of sending only nonlethal aid."
    )
    found = [d for d in drafts(analyse(text, PUBLISHED), "src") if d.kind == "measure"]
    review = next(d for d in found if d.record["type"] == "policy_review")
    assert _parties(review.record)[0] == ("KR", "imposer")
    assert any("the imposer KR of the measures before" in r for r in review.reasons)
    alone = analyse("Yoon's office said it would review its policy.", PUBLISHED)
    assert [d for d in drafts(alone, "src") if d.kind == "measure"] == []


def test_an_opening_clause_is_not_the_subject_and_a_summons_targets_its_envoy() -> None:
    (us,) = _found(
        "On the same day the EU acted, the United States sanctioned 19 entities.", "measure"
    )
    assert _parties(us)[0] == ("US", "imposer")
    (summons,) = _found("South Korea summons Russian envoy over troop deployment.", "measure")
    assert (summons["type"], summons["status"]) == ("diplomatic_action", "completed")
    assert _parties(summons) == [("KR", "imposer"), ("RU", "target")]


def test_a_buyer_acquiring_from_its_partner_makes_the_partner_the_supplier() -> None:
    (deal,) = _found(
        "Poland has already secured several arms deals with South Korea, acquiring tanks and"
        " howitzers.",
        "measure",
    )
    assert _parties(deal) == [("KR", "imposer"), ("PL", "beneficiary")]


def test_a_forecast_is_not_a_measure_and_exporting_shells_is_an_arms_transfer() -> None:
    assert (
        _found(
            "Moon Seong-mok noted, “The international community will likely increase sanctions"
            " on both Russia and North Korea.”",
            "measure",
        )
        == []
    )
    (sale,) = _found(
        "The United States has struggled to maintain its stockpiles while exporting shells to"
        " Ukraine.",
        "measure",
    )
    assert sale["type"] == "arms_transfer"
    assert _parties(sale)[0] == ("US", "imposer")


def test_a_delivery_scheduled_for_later_is_announced_not_completed() -> None:
    found = _found(
        "Hyundai Rotem signed a contract with Poland for 180 K2 tanks. The first 30 K2 tanks"
        " are scheduled to be delivered in 2026.",
        "measure",
        dt.date(2025, 8, 1),
    )
    assert ("arms_transfer", "announced") in [(m["type"], m["status"]) for m in found]
    assert all(m["status"] != "completed" for m in found)


def test_a_measure_on_a_condition_carries_the_condition_in_the_articles_words() -> None:
    text = (
        "South Korea will impose sanctions on Russia if North Korea continues to send troops"
        " to the front, the ministry said."
    )
    (threat,) = _found(text, "measure")
    assert (threat["status"], threat["conditional"]) == ("threatened", True)
    assert threat["condition"] == "if North Korea continues to send troops to the front"
    assert threat["condition"] in text
    (plain,) = _found("Japan imposed sanctions on Russia on Tuesday.", "measure")
    assert "conditional" not in plain and "condition" not in plain


@pytest.mark.parametrize(
    "item",
    sorted(
        p.name
        for p in (PROJECT_ROOT / "tests" / "extraction").iterdir()
        if (p / "labels.json").is_file()
    ),
)
def test_every_proposed_record_of_the_devset_loads_with_its_create_schema(item: str) -> None:
    """What the extractor proposes is what the API takes: accepting needs no edit.

    Statements whose speaker the register does not know yet are the exception: the
    reviewer names the actor, so a placeholder stands in for it here.
    """
    from types import SimpleNamespace
    from typing import cast

    import marshmallow as ma

    from service.models import Source
    from service.records import REGISTRY
    from service.services.ingest import _draft

    folder = PROJECT_ROOT / "tests" / "extraction" / item
    text = (folder / "article.txt").read_text(encoding="utf-8")
    source = cast(Source, SimpleNamespace(id=item, text=text))
    errors = {}
    for finding in drafts(analyse(text, PUBLISHED), item):
        body = dict(_draft(source, finding)["record"])
        if finding.kind == "statement" and body.get("actor") is None:
            body["actor"] = "speaker-to-be-named"
        schema = REGISTRY[f"{finding.kind}s"].create_schema
        assert schema is not None
        try:
            schema().load(body)
        except ma.ValidationError as error:
            errors[body["id"]] = error.messages
    assert not errors, errors


def test_an_arms_sale_is_a_measure_not_also_a_trigger_and_a_war_names_who_it_strikes() -> None:
    text = (
        "South Korea's Hanwha Aerospace signed a deal to export weapons including the K9"
        " howitzers to Romania."
    )
    assert [m["type"] for m in _found(text, "measure")] == ["arms_transfer"]
    assert _found(text, "trigger") == []
    (war,) = _found("Poland said it is drawing conclusions from the war in Ukraine.", "trigger")
    assert (war["kind"], _parties(war)) == ("invasion", [("UA", "affected")])
    (aggression,) = _found("Russia's war of aggression against Ukraine goes on.", "trigger")
    assert _parties(aggression) == [("RU", "originator"), ("UA", "affected")]
