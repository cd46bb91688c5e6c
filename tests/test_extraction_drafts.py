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
    assert lines[-1].startswith("quotes verbatim at offsets:")
    verbatim, total = (int(n) for n in lines[-1].split(":")[1].split(" of "))
    assert verbatim == total > 0


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
