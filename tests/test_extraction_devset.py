"""The extractor's labelled development set (tests/extraction/) is whole and valid.

Each item is an article, its metadata and its labels; every label must be a body the API's
POST would take once its citations name the article, and every quote must be the article's
own words. See tests/extraction/README.md for the format. The held-out items
(tests/extraction/heldout/, labelled blind to the extractor's rules) are held to the same
checks.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import marshmallow as ma
import pycountry
import pytest

from service import vocabularies as vocab
from service.schemas.common import SLUG_PATTERN
from service.schemas.measures import MeasureCreateSchema
from service.schemas.statements import StatementCreateSchema
from service.schemas.triggers import TriggerCreateSchema
from tests.extraction import seed_items

DEVSET = Path(__file__).parent / "extraction"
HELDOUT = "heldout"  # a directory of items, not an item


def _items(root: Path) -> list[str]:
    return sorted(
        path.name
        for path in root.iterdir()
        if path.is_dir() and path.name[0] != "_" and path.name != HELDOUT
    )


ITEMS = _items(DEVSET)
# Named by their path under DEVSET, so every check below reads them as it reads the others.
HELDOUT_ITEMS = [f"{HELDOUT}/{name}" for name in _items(DEVSET / HELDOUT)]
CHECKED = ITEMS + HELDOUT_ITEMS
FILES = ("article.txt", "meta.json", "labels.json")
META = (
    "title",
    "publisher",
    "byline",
    "url",
    "published_on",
    "published_on_precision",
    "language",
    "retrieved_from",
)
# Bodies that impose, demand and pledge like states: the register's organisation codes.
ORGANISATIONS = set(vocab.ORGANISATIONS)
ISO = {country.alpha_2 for country in pycountry.countries}
SCHEMAS = {
    "measures": MeasureCreateSchema,
    "triggers": TriggerCreateSchema,
    "statements": StatementCreateSchema,
}
LABEL_ONLY = {"statements": ("actor_name",)}  # fields for the evaluator, not the API


def _labels(item: str) -> dict[str, list[dict[str, Any]]]:
    return json.loads((DEVSET / item / "labels.json").read_text(encoding="utf-8"))


def _meta(item: str) -> dict[str, Any]:
    return json.loads((DEVSET / item / "meta.json").read_text(encoding="utf-8"))


def _text(item: str) -> str:
    return (DEVSET / item / "article.txt").read_bytes().decode("utf-8")


def _quotes(labels: dict[str, list[dict[str, Any]]]) -> list[str]:
    quotes = [
        c["quote"]
        for kind in ("measures", "triggers")
        for r in labels[kind]
        for c in r["citations"]
    ]
    for statement in labels["statements"]:
        quotes.append(statement["citation"]["quote"])
        if statement.get("quote"):
            quotes.append(statement["quote"])
    return quotes


def test_the_set_holds_the_five_seed_articles_and_at_least_ten_more() -> None:
    seeds = [item for item in ITEMS if _meta(item).get("seed")]
    assert len(seeds) == 5, seeds
    assert len(ITEMS) >= 15, ITEMS


def test_the_held_out_set_holds_at_least_five_published_articles_not_in_the_devset() -> None:
    assert len(HELDOUT_ITEMS) >= 5, HELDOUT_ITEMS
    assert not [item for item in HELDOUT_ITEMS if _meta(item).get("seed")]
    devset_urls = {_meta(item)["url"] for item in ITEMS}
    again = [item for item in HELDOUT_ITEMS if _meta(item)["url"] in devset_urls]
    assert not again, again
    shared = {Path(item).name for item in HELDOUT_ITEMS} & set(ITEMS)
    assert not shared, shared


@pytest.mark.parametrize("item", CHECKED)
def test_an_item_has_its_three_files_and_a_slug_name(item: str) -> None:
    assert re.fullmatch(SLUG_PATTERN, Path(item).name), item
    assert sorted(p.name for p in (DEVSET / item).iterdir()) == sorted(FILES)


@pytest.mark.parametrize("item", CHECKED)
def test_an_article_is_utf8_text(item: str) -> None:
    text = _text(item)
    assert text.strip(), "empty article"
    assert "\x00" not in text and "\ufffd" not in text


@pytest.mark.parametrize("item", CHECKED)
def test_meta_is_complete(item: str) -> None:
    meta = _meta(item)
    assert set(META) <= set(meta), set(META) - set(meta)
    assert meta["language"] == "en"
    assert isinstance(meta["retrieved_from"], str) and meta["retrieved_from"]
    assert isinstance(meta.get("partial", False), bool)
    if meta["published_on"] is None:
        assert meta["published_on_precision"] is None
    else:
        dt.date.fromisoformat(meta["published_on"])
        assert meta["published_on_precision"] in vocab.DATE_PRECISIONS
    if not meta.get("seed"):  # a published article says where it was found
        assert meta["url"] and meta["url"].startswith("http"), meta["url"]
        assert meta.get("search_result"), "the search result address it was taken from"


@pytest.mark.parametrize("item", CHECKED)
def test_every_quote_is_verbatim_in_the_article(item: str) -> None:
    text = _text(item)
    missing = [quote for quote in _quotes(_labels(item)) if quote not in text]
    assert not missing, missing


@pytest.mark.parametrize("item", CHECKED)
def test_local_ids_are_unique_slugs_and_references_resolve(item: str) -> None:
    labels = _labels(item)
    assert set(labels) == set(SCHEMAS), set(labels)
    ids = [record["id"] for kind in SCHEMAS for record in labels[kind]]
    assert len(ids) == len(set(ids)), ids
    known = set(ids)
    if _meta(item).get("seed"):  # a curated record may point at one another article cites
        known |= {r["id"] for r in seed_items.derive_records()}
    for measure in labels["measures"]:
        for link in measure["triggers"]:
            assert link["trigger"] in known, link
        assert measure.get("parent") in known | {None}, measure["parent"]
    for statement in labels["statements"]:
        if statement["about"]:
            assert statement["about"]["id"] in known, statement["about"]


@pytest.mark.parametrize("item", CHECKED)
def test_country_codes_are_iso_or_known_organisations(item: str) -> None:
    labels = _labels(item)
    codes = {
        c["country"]
        for kind in ("measures", "triggers")
        for r in labels[kind]
        for c in r["countries"]
    }
    assert codes <= ISO | ORGANISATIONS, codes - ISO - ORGANISATIONS


def _body(kind: str, label: dict[str, Any], source: str) -> dict[str, Any]:
    """The label as the collection's POST takes it: citations name the article."""
    body = copy.deepcopy(label)
    for name in LABEL_ONLY.get(kind, ()):
        body.pop(name, None)
    if kind == "statements":
        body["citation"]["source"] = source
    else:
        body["citations"] = [dict(c, source=source) for c in body["citations"]]
    return body


@pytest.mark.parametrize("item", CHECKED)
def test_every_label_validates_against_its_create_schema(item: str) -> None:
    labels = _labels(item)
    errors = {}
    for kind, schema in SCHEMAS.items():
        for label in labels[kind]:
            try:
                schema().load(_body(kind, label, Path(item).name))
            except ma.ValidationError as error:
                errors[f"{kind}/{label['id']}"] = error.messages
    assert not errors, errors


@pytest.mark.parametrize("item", CHECKED)
def test_a_figure_gives_value_unit_and_qualifier(item: str) -> None:
    for statement in _labels(item)["statements"]:
        figure = statement.get("figure")
        if figure is not None:
            assert {"value", "unit", "qualifier"} <= set(figure), statement["id"]
            assert statement["stance"] in vocab.STANCES


def test_the_seed_items_are_what_the_seeds_derive() -> None:
    for slug, files in seed_items.derive().items():
        for name, content in files.items():
            path = DEVSET / slug / name
            assert path.read_text(encoding="utf-8") == content, (
                f"{path} differs from the seeds: run `python -m tests.extraction.seed_items`"
            )


def test_every_dated_record_citing_several_articles_says_which_states_its_dates() -> None:
    for record in seed_items.derive_records():
        sources = {c["source"] for c in record.get("citations", [])}
        dated = [
            name
            for name in ("announced_on", "effective_on", "expected_by", "occurred_on")
            if record.get(name)
        ]
        if dated and len(sources) > 1:
            assert record["id"] in seed_items.DATED_IN, record["id"]


def test_the_readme_lists_every_item() -> None:
    readme = (DEVSET / "README.md").read_text(encoding="utf-8")
    missing = [item for item in CHECKED if f"`{Path(item).name}`" not in readme]
    assert not missing, missing
