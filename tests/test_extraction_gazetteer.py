"""The gazetteer: countries, organisations and actors named in real sentences, with offsets."""

from service.extraction.gazetteer import ActorName, Gazetteer, Mention, find


def found(text: str) -> list[tuple[str, str, str]]:
    mentions = find(text)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return [(m.code, m.text, m.how) for m in mentions]


def test_find_prefers_the_longest_name_and_reads_demonyms() -> None:
    text = (
        "South Korean President Yoon Suk Yeol has pledged that his government “won’t sit idle”"
        " following reports that North Korea is deploying troops to support Russia’s war"
        " effort in Ukraine."
    )
    assert found(text) == [
        ("KR", "South Korean", "demonym"),
        ("KP", "North Korea", "name"),
        ("RU", "Russia", "name"),
        ("UA", "Ukraine", "name"),
    ]


def test_find_reads_capitals_and_metonyms_as_their_country() -> None:
    text = (
        "North Korea has denied report, while Kremlin spokesman Dmitry Peskov on Oct. 10"
        " dismissed speculation. However, both Moscow and Pyongyang have denied these"
        " allegations, and Seoul, Kyiv, Kiev, Warsaw, Tokyo and the White House said nothing."
    )
    assert found(text) == [
        ("KP", "North Korea", "name"),
        ("RU", "Kremlin", "metonym"),
        ("RU", "Moscow", "capital"),
        ("KP", "Pyongyang", "capital"),
        ("KR", "Seoul", "capital"),
        ("UA", "Kyiv", "capital"),
        ("UA", "Kiev", "capital"),
        ("PL", "Warsaw", "capital"),
        ("JP", "Tokyo", "capital"),
        ("US", "the White House", "metonym"),
    ]


def test_find_reads_the_short_names_of_the_news() -> None:
    text = (
        "The U.S. State Department, the US, America, Britain, the UK, Iran, Syria, Vietnam"
        " and Taiwan; Polish, Japanese, American, British and Chinese officials."
    )
    assert [code for code, _, _ in found(text)] == [
        "US", "US", "US", "US", "GB", "GB", "IR", "SY", "VN", "TW",
        "PL", "JP", "US", "GB", "CN",
    ]  # fmt: skip


def test_find_reads_official_names_from_pycountry() -> None:
    text = "The Democratic People’s Republic of Korea, or DPRK, is North Korea’s official name."
    assert [(c, t) for c, t, _ in found(text)] == [
        ("KP", "Democratic People’s Republic of Korea"),
        ("KP", "DPRK"),
        ("KP", "North Korea"),
    ]


def test_find_marks_organisations_with_the_register_party_codes() -> None:
    text = (
        "In a separate U.N. Security Council meeting, the EU, the European Union, NATO, the G7,"
        " the G20, the United Nations, ASEAN, the African Union, the IAEA and the OSCE spoke;"
        " Brussels agreed."
    )
    mentions = find(text)
    assert {m.kind for m in mentions} == {"organisation"}
    assert [m.code for m in mentions] == [
        "UNSC", "EU", "EU", "NATO", "G7", "G20", "UN", "ASEAN", "AFRU", "IAEA", "OSCE", "EU",
    ]  # fmt: skip
    assert mentions[-1].how == "metonym"


def test_find_leaves_out_names_that_only_contain_a_place() -> None:
    text = (
        "Tensions on the Korean Peninsula worried Latin America, New Mexico and the"
        " Washington Post; the National Security Council met."
    )
    assert found(text) == []


def test_find_reads_the_north_only_where_the_article_names_north_korea() -> None:
    with_korea = (
        "Roughly 1,500 North Korean troops were deployed. If Moscow’s cooperation with the"
        " North continues, the South will prepare corresponding measures."
    )
    assert [(c, h) for c, _, h in found(with_korea)] == [
        ("KP", "demonym"),
        ("RU", "capital"),
        ("KP", "context"),
    ]
    assert found("Rebels in the North attacked a convoy.") == []


def test_find_returns_actors_alongside_their_country() -> None:
    yoon = ActorName("yoon-suk-yeol", ("Yoon Suk Yeol", "President Yoon", "Yoon’s office"))
    text = "South Korean President Yoon Suk Yeol met Duda; Yoon's office said so."
    mentions = Gazetteer([yoon]).find(text)
    assert mentions == [
        Mention("KR", "country", 0, 12, "South Korean", "demonym"),
        Mention("yoon-suk-yeol", "actor", 13, 36, "President Yoon Suk Yeol", "actor"),
        Mention("yoon-suk-yeol", "actor", 47, 60, "Yoon's office", "actor"),
    ]


def test_find_reads_headlines_set_in_capitals() -> None:
    assert [c for c, _, _ in found("SOUTH KOREA SUMMONS RUSSIAN ENVOY")] == ["KR", "RU"]


def test_find_reads_the_bloc_as_the_eu_where_the_article_names_it() -> None:
    text = "The European Union imposed sanctions. The bloc said the 27-nation bloc acted."
    assert found(text) == [
        ("EU", "European Union", "name"),
        ("EU", "The bloc", "context"),
        ("EU", "the 27-nation bloc", "context"),
    ]
    assert found("The bloc said so.") == []


def test_find_takes_the_registers_own_aliases() -> None:
    text = "The Blue House and the presidential office in Yongsan said so."
    names = Gazetteer(aliases={"KR": ["the presidential office in Yongsan"], "EU": ["Team Europe"]})
    assert [(m.code, m.kind, m.text, m.how) for m in names.find(text + " Team Europe too.")] == [
        ("KR", "country", "Blue House", "metonym"),
        ("KR", "country", "the presidential office in Yongsan", "alias"),
        ("EU", "organisation", "Team Europe", "alias"),
    ]


def test_every_organisation_the_gazetteer_knows_is_a_party_of_the_register() -> None:
    """Its codes are the register's (an ``AU`` would be Australia, not the African Union)."""
    from service import vocabularies as vocab
    from service.extraction.places import ORGANISATION_ROWS

    rows = [row for row in ORGANISATION_ROWS.splitlines() if row and not row[0].isspace()]
    codes = {row.split("|")[0] for row in rows}
    assert {"EU", "UNSC", "NATO", "AFRU"} <= codes
    assert codes <= set(vocab.ORGANISATIONS), codes - set(vocab.ORGANISATIONS)
