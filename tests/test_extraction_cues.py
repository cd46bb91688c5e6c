"""Cue phrases read measure types, statuses and stances from real wire-report sentences."""

from __future__ import annotations

import pytest

from service.extraction.cues import measure_cues, speech, status_of


def read(sentence: str) -> list[tuple[str, str | None]]:
    """Each measure type the sentence names, with the status its words give."""
    out = []
    for cue in measure_cues(sentence):
        status = status_of(sentence, cue)
        out.append((cue.meaning, status.meaning if status else None))
    return out


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # seeds/articles/003: modality governs the nearest measure.
        (
            "South Korea could send weapons to Ukraine as part of “phased measures” it vowed"
            " to take against North Korea and Russia over their deepening military"
            " cooperation, a senior presidential official told reporters on Tuesday.",
            # "could" is the weapons'; the phased measures are what "it vowed to take".
            [("military_aid", "under_consideration"), ("response_package", "announced")],
        ),
        # seeds/articles/004: the status is in the cue's own verb.
        (
            "South Korea has summoned the Russian ambassador, demanding the “immediate"
            " withdrawal” of North Korean troops reportedly being trained to fight in Ukraine.",
            [("diplomatic_action", "in_force")],
        ),
        (
            "Japan imposed sanctions on 11 North Korean individuals and entities on Friday.",
            [("sanction", "in_force")],
        ),
        # A condition makes an announced measure a threat.
        (
            "The EU will impose new sanctions on North Korea if troops are deployed.",
            [("sanction", "threatened")],
        ),
        (
            "Poland signed a contract for 180 K2 tanks worth $6.5 billion with Hyundai Rotem.",
            [("arms_transfer", "agreed")],
        ),
        (
            "South Korea is considering sending artillery shells to Ukraine, officials said.",
            [("military_aid", "under_consideration")],
        ),
        # Passive voice: the status follows the measure.
        (
            "Seoul said on Tuesday that sanctions were imposed on five entities.",
            [("sanction", "in_force")],
        ),
        # One verb governs a list: one sentence, three measures.
        (
            "He emphasized that South Korea would collaborate with allies to develop"
            " countermeasures, including diplomatic actions, economic sanctions, and military"
            " preparations.",
            [
                ("response_package", "announced"),
                ("diplomatic_action", "announced"),
                ("sanction", "announced"),
                ("military_preparation", "announced"),
            ],
        ),
    ],
)
def test_measure_types_and_statuses_come_from_cue_phrases(
    sentence: str, expected: list[tuple[str, str | None]]
) -> None:
    assert read(sentence) == expected


def test_a_sentence_without_a_measure_has_no_cue() -> None:
    assert measure_cues("The meeting came just a day after the reports were published.") == []


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        # seeds/articles/004: not a denial.
        (
            "Details regarding this cooperation remain vague, and the ambassador did not confirm"
            " allegations of North Korean troops being deployed alongside Russian forces.",
            "decline_to_confirm",
        ),
        ("Pyongyang has also remained silent on the matter.", "silent"),
        (
            "However, both Moscow and Pyongyang have denied these allegations, dismissing reports"
            " of North Korean military presence in Russia.",
            "deny",
        ),
        ("Kim condemned this military cooperation.", "condemn"),
        ("The government demanded that Pyongyang immediately withdraw its troops.", "demand"),
        ("NATO leader Mark Rutte warned that the deployment marks an escalation.", "warn"),
        # A confirmation is a report in the register's stances.
        ("The Pentagon confirmed that North Korean soldiers are in Russia.", "report"),
        (
            "Rutte said sending North Korean troops to Ukraine violates international law.",
            "condemn",
        ),
        (
            "Sending weapons would depend on Russia’s military cooperation with the North,"
            " adviser Chang Ho-jin said.",
            "warn",
        ),
        (
            "The Foreign Ministry emphasized that the sanctions are a response to a statement by"
            " Western foreign ministers.",
            "justify",
        ),
        ("Wong said Australia would work with Western allies to hold Russia to account.", "pledge"),
        (
            "North Korean soldiers sent to Ukraine would likely be used as “cannon fodder”, he"
            " said.",
            "assess",
        ),
        ("Poland's defence minister welcomed the contract.", "support"),
        (
            "Russia said on Monday it would continue to strengthen ties with North Korea, while"
            " declining to confirm South Korea’s report.",
            "decline_to_confirm",
        ),
    ],
)
def test_stances_come_from_reported_speech(sentence: str, stance: str) -> None:
    found = speech(sentence)
    assert found is not None and found.stance is not None
    assert found.stance.meaning == stance
    assert sentence[found.stance.start : found.stance.end] == found.stance.words


def test_cue_words_are_the_sentence_at_their_offsets_and_read_as_reasons() -> None:
    sentence = "Japan imposed sanctions on 11 North Korean individuals."
    (cue,) = measure_cues(sentence)
    assert sentence[cue.start : cue.end] == cue.words == "sanctions"
    assert cue.reason == "cue 'sanctions' → sanction"
