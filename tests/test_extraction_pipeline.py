"""The extractor's entry point: sentences with their names, dates and figures."""

import datetime as dt
from pathlib import Path

from service.extraction import EXTRACTOR
from service.extraction.gazetteer import ActorName, Gazetteer
from service.extraction.pipeline import analyse

ARTICLES = Path(__file__).parents[1] / "seeds" / "articles"


def test_analyse_gathers_names_dates_and_figures_by_sentence() -> None:
    text = (ARTICLES / "003_bb79e8bb176362ef.txt").read_text(encoding="utf-8")
    analysis = analyse(text, dt.date(2024, 10, 22))
    assert analysis.extractor == EXTRACTOR
    (spy,) = [s for s in analysis.sentences if s.sentence.text.startswith("South Korea’s spy")]
    assert [m.code for m in spy.mentions] == ["KR", "KP", "RU", "UA"]
    assert [(d.text, d.value, d.precision) for d in spy.dates] == [
        ("last week", dt.date(2024, 10, 1), "month")
    ]
    assert [(f.value, f.unit, f.qualifier) for f in spy.figures] == [
        (12000, "troops", "about"),
        (1500, "troops", "already"),
    ]


def test_analyse_keeps_every_finding_inside_its_sentence_and_verbatim() -> None:
    yoon = ActorName("yoon-suk-yeol", ("Yoon Suk Yeol", "President Yoon", "Yoon"))
    names = Gazetteer([yoon])
    actors = 0
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        analysis = analyse(text, dt.date(2024, 10, 22), names)
        for s in analysis.sentences:
            for finding in [*s.mentions, *s.dates, *s.figures]:
                assert s.sentence.start <= finding.start < finding.end <= s.sentence.end
                assert text[finding.start : finding.end] == finding.text
        actors += sum(m.kind == "actor" for m in analysis.mentions)
    assert actors > 10


def test_analyse_does_not_count_a_year_as_a_figure() -> None:
    analysis = analyse("The deliveries will finish in 2025.", dt.date(2024, 10, 22))
    assert analysis.figures == []
    assert [d.text for d in analysis.dates] == ["in 2025"]


def test_analyse_of_an_empty_text_finds_nothing() -> None:
    assert analyse("", dt.date(2024, 10, 22)).sentences == []


def test_analyse_reads_a_report_of_sanctions_by_an_organisation() -> None:
    text = (
        "BRUSSELS, Dec 16 (Reuters) - The European Union on Monday imposed sanctions on"
        " North Korean Defence Minister No Kwang Chol and two other officials over the"
        " deployment of troops to Russia.The measures take effect on Dec. 17, an EU official"
        " said. Britain and the U.S. said they would follow in January."
    )
    analysis = analyse(text, dt.date(2024, 12, 16))
    assert [s.sentence.text[:20] for s in analysis.sentences] == [
        "BRUSSELS, Dec 16 (Re",
        "The measures take ef",
        "Britain and the U.S.",
    ]
    first = analysis.sentences[0]
    assert [(m.code, m.kind) for m in first.mentions] == [
        ("EU", "organisation"),
        ("EU", "organisation"),
        ("KP", "country"),
        ("RU", "country"),
    ]
    assert [(d.text, d.value) for d in first.dates] == [
        ("Dec 16", dt.date(2024, 12, 16)),
        ("on Monday", dt.date(2024, 12, 16)),
    ]
    assert [(d.text, d.value) for d in analysis.sentences[1].dates] == [
        ("on Dec. 17", dt.date(2024, 12, 17))
    ]
    assert [(d.text, d.value) for d in analysis.sentences[2].dates] == [
        ("in January", dt.date(2025, 1, 1))
    ]
    # "two other officials" counts the people sanctioned.
    assert [(f.value, f.unit) for f in analysis.figures] == [(2, "officials")]
