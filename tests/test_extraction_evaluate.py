"""The evaluator scores proposals against labels as the issue defines a hit."""

from __future__ import annotations

from typing import Any

from service.extraction.evaluate import evaluate, pair, spans

TEXT = (
    "Japan imposed sanctions on 11 North Korean entities on Friday. "
    "South Korea could send weapons to Ukraine, an official said. "
    "About 1,500 North Korean troops were sent, the spy agency said."
)
SANCTION = "Japan imposed sanctions on 11 North Korean entities"
WEAPONS = "South Korea could send weapons to Ukraine"
TROOPS = "About 1,500 North Korean troops were sent"


def measure(quote: str, type_: str, status: str, imposer: str) -> dict[str, Any]:
    return {
        "type": type_,
        "status": status,
        "countries": [{"country": imposer, "role": "imposer"}],
        "citations": [{"source": "a", "quote": quote}],
    }


def proposal(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    citations = []
    for c in record.get("citations", []) + ([record["citation"]] if "citation" in record else []):
        start = TEXT.index(c["quote"])
        citations.append({"quote": c["quote"], "start": start, "end": start + len(c["quote"])})
    return {"kind": kind, "record": record, "citations": citations}


LABELS = {
    "measures": [
        measure(SANCTION, "sanction", "in_force", "JP"),
        measure(WEAPONS, "military_aid", "under_consideration", "KR"),
    ],
    "statements": [
        {
            "stance": "report",
            "actor": "kr-nis",
            "citation": {"source": "a", "quote": TROOPS},
            "figure": {"value": 1500, "unit": "troops", "qualifier": "about"},
        }
    ],
}


def test_a_measure_is_a_hit_only_with_type_status_and_imposer_right() -> None:
    right = proposal("measure", measure(SANCTION, "sanction", "in_force", "JP"))
    wrong_status = proposal("measure", measure(WEAPONS, "military_aid", "announced", "KR"))
    report = evaluate(TEXT, [right, wrong_status], LABELS)
    score = report.kinds["measure"]
    assert (score.hits, score.proposed, score.labelled) == (1, 2, 2)
    assert score.precision == 0.5 and score.recall == 0.5
    assert report.fields["measure", "type"].hits == 2
    assert report.fields["measure", "status"].hits == 1
    assert report.fields["measure", "quote"].hits == 2


def test_a_proposal_whose_quote_overlaps_no_label_pairs_with_nothing() -> None:
    elsewhere = measure("an official said", "sanction", "in_force", "JP")
    report = evaluate(TEXT, [proposal("measure", elsewhere)], LABELS)
    assert report.kinds["measure"].hits == 0
    assert report.kinds["measure"].precision == 0.0


def test_statements_with_figures_need_the_same_value_and_unit() -> None:
    said = {
        "stance": "report",
        "actor": "kr-nis",
        "citation": {"source": "a", "quote": TROOPS},
        "figure": {"value": 1500, "unit": "troops", "qualifier": "about"},
    }
    report = evaluate(TEXT, [proposal("statement", said)], LABELS)
    assert report.figures.recall == 1.0
    off = {**said, "figure": {"value": 15000, "unit": "troops", "qualifier": "about"}}
    assert evaluate(TEXT, [proposal("statement", off)], LABELS).figures.recall == 0.0


def test_quotes_are_counted_verbatim_only_at_their_offsets() -> None:
    good = proposal("measure", measure(SANCTION, "sanction", "in_force", "JP"))
    shifted = proposal("measure", measure(SANCTION, "sanction", "in_force", "JP"))
    shifted["citations"] = [
        {**c, "start": c["start"] + 1, "end": c["end"] + 1} for c in shifted["citations"]
    ]
    report = evaluate(TEXT, [good, shifted], LABELS)
    assert (report.quotes.hits, report.quotes.proposed) == (1, 2)


def test_pairs_are_one_to_one_by_largest_overlap() -> None:
    records = [measure(SANCTION, "sanction", "in_force", "JP")] * 2
    assert pair(TEXT, records, LABELS["measures"], "measure") == [(0, 0)]
    assert spans(TEXT, records[0]) == [(0, len(SANCTION))]
