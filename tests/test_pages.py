"""The pages for people, on the seeded register, through the test client (both databases).

Each page is held to the API it stands beside: its counts are the API's totals, its lists
the API's pages, its quotes the sources' text at the citations' offsets, its errors the
API's problems (as HTML).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service import vocabularies
from tests.helpers import every

PAGES = [
    "/",
    "/search?q=tanks",
    "/measures",
    "/measures?country=KR&role=imposer&type=arms_transfer",
    "/measures/kr-k2-tanks-poland",
    "/measures/kr-phased-measures",
    "/sources",
    "/sources/kr-phased-measures-article",
    "/triggers",
    "/triggers/kp-troops-to-russia",
    "/actors",
    "/actors/yoon-suk-yeol",
    "/statements/nis-kp-troops-up-to-10000",
    "/countries/KR",
    "/organisations/EU",
    "/timeline",
    "/timeline?kind=trigger,status_change&sort=-date&limit=10",
    "/relations",
    "/relations?country=KR&direction=out&type=sanction,arms_transfer",
]
ITEMS = ["measures", "triggers", "actors", "statements", "sources", "countries", "organisations"]


class Page(HTMLParser):
    """What the tests read of a page: its elements, links, marks, ids and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.marks: list[tuple[str, str]] = []  # (data-quotes, text)
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._link: list[Any] | None = None
        self._mark: list[Any] | None = None
        self.html = html
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "a":
            self._link = [found.get("href", ""), ""]
        if tag == "mark":
            self._mark = [found.get("data-quotes", ""), ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if tag == "mark" and self._mark is not None:
            self.marks.append((self._mark[0], self._mark[1]))
            self._mark = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._link is not None:
            self._link[1] += data
        if self._mark is not None:
            self._mark[1] += data

    def hrefs(self) -> set[str]:
        return {href for href, _ in self.links}

    def marked(self, key: str) -> str:
        """The words marked as the passage ``key``, in the page's order."""
        return "".join(text for keys, text in self.marks if key in keys.split())

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def html(client: FlaskClient, url: str, status: int = 200) -> tuple[TestResponse, Page]:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:2000]
    assert r.mimetype == "text/html", r.headers
    return r, Page(r.get_data(as_text=True))


def api_links(page: Page) -> Iterator[str]:
    return (href for href in page.hrefs() if href.startswith("/v1/"))


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_html_with_landmarks_and_links_to_the_api_giving_its_data(
    client: FlaskClient, url: str
) -> None:
    r, page = html(client, url)
    tags = [tag for tag, _ in page.tags]
    assert ("html", {"lang": "en"}) in page.tags
    assert {"title", "h1", "main", "header", "footer", "nav"} <= set(tags)
    assert tags.count("h1") == 1
    assert ("a", {"class": "skip", "href": "#main"}) in page.tags
    assert "main" in page.ids
    assert "script" not in tags  # reading needs no script
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert "style-src 'self'" in r.headers["Content-Security-Policy"]
    linked = list(api_links(page))
    assert linked, "no link to the API"
    for href in linked:
        answer = client.get(href)
        answer.get_data()  # a download streams: read it whole
        answer.close()
        assert answer.status_code == 200, (href, answer.get_json())
        assert answer.mimetype in ("application/json", "text/csv", "application/x-ndjson")


@pytest.mark.parametrize("url", PAGES)
def test_every_form_field_has_a_label(client: FlaskClient, url: str) -> None:
    _, page = html(client, url)
    labelled = {attrs["for"] for tag, attrs in page.tags if tag == "label" and "for" in attrs}
    for tag, attrs in page.tags:
        if tag in ("input", "select") and attrs.get("type") not in ("checkbox", "hidden"):
            assert attrs.get("id") in labelled, (tag, attrs)


@pytest.mark.parametrize("collection", ITEMS)
def test_an_unknown_id_is_an_html_404_page(client: FlaskClient, collection: str) -> None:
    r, page = html(client, f"/{collection}/zz-no-such-record", 404)
    api = client.get(f"/v1/{collection}/zz-no-such-record")
    assert api.status_code == 404
    assert api.get_json()["detail"] in page.all_text()
    assert r.headers["Cache-Control"] == "no-store"


def test_a_bad_filter_is_the_api_s_problem_as_html(client: FlaskClient) -> None:
    for query, status in [("type=nope", 422), ("bogus=1", 400), ("sort=id&sort=title", 400)]:
        _, page = html(client, f"/measures?{query}", status)
        api = client.get(f"/v1/measures?{query}")
        assert api.status_code == status
        assert api.get_json()["detail"] in page.all_text()
        for error in api.get_json()["errors"]:
            assert error["name"] in page.all_text()


def test_a_page_is_tagged_and_answers_304_to_its_etag(client: FlaskClient) -> None:
    first = client.get("/measures/kr-k2-tanks-poland")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(
        "/measures/kr-k2-tanks-poland", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data


def test_the_pages_are_not_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert paths and all(path.startswith("/v1/") for path in paths)


def test_the_docs_page_with_a_trailing_slash_is_found(client: FlaskClient) -> None:
    r = client.get("/docs/")
    assert r.status_code == 308 and r.headers["Location"] == "/docs"
    assert client.get("/docs").status_code == 200


def test_fields_a_form_left_blank_are_dropped_by_a_redirect(client: FlaskClient) -> None:
    r = client.get("/measures?q=tanks&type=&country=&sort=")
    assert r.status_code == 303
    assert r.headers["Location"] == "/measures?q=tanks"


def test_a_download_asked_of_the_list_page_is_the_api_s_download(client: FlaskClient) -> None:
    r = client.get("/measures?type=sanction&format=csv&limit=5")
    assert r.status_code == 303
    assert r.headers["Location"] == "/v1/measures.csv?type=sanction"


def _query(href: str) -> str:
    return urlsplit(href).query


# A facet's value (or a role on a party's page): its link, then its count, in one item.
_COUNTED = re.compile(
    r'<a href="([^"]+)"[^>]*>(?:(?!</a>).)*</a> <span class="count">(\d+)</span>', re.S
)


def _counted(page: Page) -> dict[str, int]:
    """Each link followed by a count: its href and the count."""
    return {unescape(href): int(n) for href, n in _COUNTED.findall(page.html)}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "type=sanction",
        "country=KR&role=imposer",
        "q=tanks",
        "as_of=2024-10-31",
        "status=threatened,announced",
    ],
)
def test_facet_counts_and_the_total_are_the_api_s_list_totals(
    client: FlaskClient, query: str
) -> None:
    _, page = html(client, f"/measures?{query}")
    total = len(every(client, f"/v1/measures?{query}"))
    assert f"{total} measure" in page.all_text()
    entries = [(h, n) for h, n in _counted(page).items() if h.startswith("/measures")]
    assert len(entries) > 5
    for href, count in entries:
        assert count == len(every(client, f"/v1/measures?{_query(href)}")), href


def test_the_list_page_shows_the_api_s_page_and_links_its_next_one(client: FlaskClient) -> None:
    query = "sort=title&limit=4"
    _, page = html(client, f"/measures?{query}")
    api = client.get(f"/v1/measures?{query}").get_json()
    shown = [h.removeprefix("/measures/") for h, _ in page.links if h.startswith("/measures/")]
    assert shown[:4] == [m["id"] for m in api["items"]]
    following = [h for h, text in page.links if text == "Next page"]
    assert following and dict(parse_qsl(_query(following[0])))["cursor"] == api["next_cursor"]
    _, second = html(client, following[0])
    again = client.get(f"/v1/measures?{query}&cursor={api['next_cursor']}").get_json()
    shown = [h.removeprefix("/measures/") for h, _ in second.links if h.startswith("/measures/")]
    assert shown[:4] == [m["id"] for m in again["items"]]


def test_the_list_page_links_the_downloads_of_its_filter(client: FlaskClient) -> None:
    _, page = html(client, "/measures?type=sanction&limit=1")
    hrefs = page.hrefs()
    assert "/v1/measures.csv?type=sanction" in hrefs
    assert "/v1/measures.ndjson?type=sanction" in hrefs
    csv = client.get("/v1/measures.csv?type=sanction")
    rows = csv.get_data(as_text=True).splitlines()
    csv.close()
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert len(rows) == 1 + len(every(client, "/v1/measures?type=sanction"))


def _sources(client: FlaskClient) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in every(client, "/v1/sources")}


def test_the_article_page_marks_every_cited_passage_as_the_source_text_at_its_offsets(
    client: FlaskClient,
) -> None:
    sources = _sources(client)
    for source_id, source in sources.items():
        _, page = html(client, f"/sources/{source_id}")
        citations = every(client, f"/v1/sources/{source_id}/citations")
        passages = {f"q-{c['start']}-{c['end']}": c for c in citations}
        anchors = {i for i in page.ids if i.startswith("q-")}
        assert anchors and anchors <= set(passages), source_id
        for key in anchors:
            citation = passages[key]
            text = source["text"][citation["start"] : citation["end"]]
            assert page.marked(key) == text == citation["quote"], key
        # A margin note per passage, in reading order, each back to its place in the text.
        notes = [h for h, _ in page.links if h.startswith("#q-")]
        starts = [tuple(map(int, h.removeprefix("#q-").split("-"))) for h in notes]
        assert starts == sorted(starts) and len(notes) == len(anchors)


def test_the_article_page_links_each_passage_to_every_record_citing_it(
    client: FlaskClient,
) -> None:
    pages: dict[str, Page] = {}

    def note_links(source_id: str, start: int, end: int) -> set[str]:
        if source_id not in pages:
            pages[source_id] = html(client, f"/sources/{source_id}")[1]
        page = pages[source_id]
        raw = page.html
        note = raw.index(f'<a href="#q-{start}-{end}"')  # the margin's note of the passage
        return set(Page(raw[note : raw.index("</ul>", note)]).hrefs())

    checked = 0
    for measure in every(client, "/v1/measures"):
        cited = measure["citations"] + [h["citation"] for h in measure["status_history"]]
        for citation in cited:
            links = note_links(citation["source"], citation["start"], citation["end"])
            assert f"/measures/{measure['id']}" in links, citation["id"]
            checked += 1
    for statement in every(client, "/v1/statements"):
        c = statement["citation"]
        assert f"/statements/{statement['id']}" in note_links(c["source"], c["start"], c["end"])
        checked += 1
    assert checked > 50


def test_the_measure_page_quotes_each_citation_in_context_linking_to_its_place(
    client: FlaskClient,
) -> None:
    sources = _sources(client)
    for measure in every(client, "/v1/measures"):
        _, page = html(client, f"/measures/{measure['id']}")
        cited = measure["citations"] + [h["citation"] for h in measure["status_history"]]
        assert cited
        marks = [text for _, text in page.marks]
        for citation in cited:
            source = sources[citation["source"]]
            assert citation["quote"] == source["text"][citation["start"] : citation["end"]]
            assert citation["quote"] in marks, citation["id"]
            place = f"/sources/{citation['source']}#q-{citation['start']}-{citation['end']}"
            assert place in page.hrefs()
        for change in measure["status_history"]:
            assert change["status"].replace("_", " ") in page.all_text()


def test_a_measure_page_links_its_parties_triggers_parent_and_stages(
    client: FlaskClient,
) -> None:
    package = client.get("/v1/measures/kr-phased-measures").get_json()
    _, page = html(client, "/measures/kr-phased-measures")
    hrefs = page.hrefs()
    for stage in package["children"]:
        assert f"/measures/{stage}" in hrefs
    for link in package["triggers"]:
        assert f"/triggers/{link['trigger']}" in hrefs
    for party in package["countries"]:
        assert f"/countries/{party['country']}" in hrefs
    stage = client.get(f"/v1/measures/{package['children'][0]}").get_json()
    _, page = html(client, f"/measures/{stage['id']}")
    assert "/measures/kr-phased-measures" in page.hrefs()


def test_a_trigger_page_says_what_its_verification_means(client: FlaskClient) -> None:
    trigger = client.get("/v1/triggers/kp-troops-to-russia").get_json()
    _, page = html(client, "/triggers/kp-troops-to-russia")
    assert vocabularies.VERIFICATIONS[trigger["verification"]] in page.all_text()


def test_the_home_page_shows_the_latest_changes_the_api_feed_gives(client: FlaskClient) -> None:
    _, page = html(client, "/")
    feed = next(h for h in page.hrefs() if h.startswith("/v1/changes"))
    changes = client.get(feed).get_json()["items"]
    assert changes
    for change in changes:
        assert change["id"] in {h.rsplit("/", 1)[-1] for h in page.hrefs()}
    types = {b["type"] for b in every(client, "/v1/measures")}
    for kind in types:
        assert f"/measures?type={kind}" in page.hrefs()


def test_search_finds_what_the_api_finds(client: FlaskClient) -> None:
    _, page = html(client, "/search?q=tanks")
    for collection in ("measures", "triggers", "statements"):
        found = client.get(f"/v1/{collection}?q=tanks&limit=10").get_json()["items"]
        for record in found:
            assert f"/{collection}/{record['id']}" in page.hrefs()
    assert any(h.startswith("/measures?q=tanks") for h in page.hrefs())


def test_a_country_page_lists_its_measures_by_role_as_the_api_does(client: FlaskClient) -> None:
    _, page = html(client, "/countries/kr?role=imposer")
    imposed = every(client, "/v1/countries/KR/measures?role=imposer")
    for measure in imposed:
        assert f"/measures/{measure['id']}" in page.hrefs()
    assert "/countries/KR?role=imposer" in page.hrefs()
    assert _counted(page)["/countries/KR?role=imposer"] == len(imposed)


def test_untrusted_article_text_is_escaped(client: FlaskClient, auth_headers: Any) -> None:
    text = 'A <script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted" text.'
    headers = auth_headers()
    r = client.post(
        "/v1/sources",
        json={"id": "hostile-article", "text": text, "language": "en"},
        headers=headers,
    )
    assert r.status_code == 201, r.get_json()
    quote = "<img src=x onerror=alert(1)>"
    trigger = {
        "id": "hostile-trigger",
        "kind": "invasion",
        "title": "<b>bold</b> title",
        "verification": "reported",
        "citations": [{"source": "hostile-article", "quote": quote}],
    }
    r = client.post("/v1/triggers", json=trigger, headers=headers)
    assert r.status_code == 201, r.get_json()
    for url in ("/sources/hostile-article", "/triggers/hostile-trigger"):
        r, page = html(client, url)
        body = r.get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>bold" not in body
        assert "&lt;img src=x onerror=alert(1)&gt;" in body
        assert quote in [text for _, text in page.marks]


def test_the_timeline_draws_and_lists_the_api_s_page_of_entries(client: FlaskClient) -> None:
    query = "sort=-date&limit=20"
    _, page = html(client, f"/timeline?{query}")
    api = client.get(f"/v1/timeline?{query}").get_json()
    pages = {"trigger": "triggers", "statement": "statements", "status_change": "measures"}
    records = [h.split("/") for h, _ in page.links if h.count("/") == 2]
    listed = ["/".join(p) for p in records if p[0] == "" and p[1] in pages.values()]
    assert listed == [f"/{pages[e['kind']]}/{e['id']}" for e in api["items"]]
    marks = [a for t, a in page.tags if "mark" in a.get("class", "").split()]
    assert len(marks) == len(api["items"])
    for (_, attrs), entry in zip(
        [(t, a) for t, a in page.tags if "mark" in a.get("class", "").split()],
        api["items"],
        strict=True,
    ):
        assert attrs["class"] == f"mark mark-{entry['kind']}"
    following = [h for h, text in page.links if text == "Next page"]
    assert dict(parse_qsl(_query(following[0])))["cursor"] == api["next_cursor"]


@pytest.mark.parametrize(
    "query", ["", "country=KR&direction=in", "edge=trigger", "status=completed"]
)
def test_the_network_draws_and_tables_the_api_s_edges(client: FlaskClient, query: str) -> None:
    _, page = html(client, f"/relations?{query}")
    edges = client.get(f"/v1/relations?{query}").get_json()["items"]
    assert edges
    rows = [a for t, a in page.tags if t == "tr"]
    assert len(rows) == 1 + len(edges)  # a header row, then one per edge
    parties = {code for e in edges for code in (e["from"], e["to"])}
    nodes = [a for t, a in page.tags if t == "circle" and a.get("class") == "node"]
    assert len(nodes) == len(parties)
    arcs = {(e["from"], e["to"], e["edge"]) for e in edges}
    drawn = [a for t, a in page.tags if t == "path" and a.get("class", "").startswith("arc ")]
    assert len(drawn) == len(arcs)
    for edge in edges:
        for measure in edge["measure_ids"]:
            assert f"/measures/{measure}" in page.hrefs()
        for trigger in edge["trigger_ids"]:
            assert f"/triggers/{trigger}" in page.hrefs()
