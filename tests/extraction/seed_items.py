"""Write the five seed articles as development-set items, labelled by their curated records.

Run from the repository root: ``python -m tests.extraction.seed_items``. It (re)writes
``tests/extraction/<source id>/`` for each source in ``seeds/sources.yaml``;
``tests/test_extraction_devset.py`` checks that the committed items are what it writes, so
an edit of the seeds that is not carried here fails the tests.

The curated records span the five articles, so each item keeps, of every record that cites
its article, only the citations of that article, and drops what the other articles supply:
a date that another article states (see ``DATED_IN``), the status history, the summary and
the description (both written from the whole corpus).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from service.quotes import Folded
from service.seeding import plain

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DEVSET = Path(__file__).resolve().parent

# Records that cite several articles but whose dates only one of them states (the record's
# provenance notes say which). A dated record citing one article needs no entry here.
DATED_IN: dict[str, set[str]] = {
    "kr-weapons-to-ukraine": {"seoul-could-send-weapons-article"},
    "kr-un-call-to-halt-cooperation": {"seoul-could-send-weapons-article"},
    "kp-ru-june-summit": {"seoul-could-send-weapons-article"},
    "ru-kp-comprehensive-strategic-partnership-treaty": {"seoul-could-send-weapons-article"},
    "ru-treaty-ratification-bill": {"seoul-could-send-weapons-article"},
    "kp-arms-supply-to-russia": {"kr-phased-measures-article"},
    "ru-invasion-of-ukraine": {"seoul-could-send-weapons-article"},
    "kp-nuclear-missile-advances": {
        "yoon-wont-sit-idle-article",
        "kr-considers-weapons-for-ukraine-article",
    },
}
DATES = {
    "measures": ("announced_on", "effective_on", "expected_by"),
    "triggers": ("occurred_on",),
    "statements": ("said_on",),
}
MEASURE_FIELDS = (
    "id",
    "type",
    "status",
    "title",
    "countries",
    "announced_by",
    "announced_on",
    "announced_on_precision",
    "effective_on",
    "effective_on_precision",
    "expected_by",
    "expected_by_precision",
    "conditional",
    "condition",
    "parent",
    "phase",
    "items",
    "triggers",
)
TRIGGER_FIELDS = (
    "id",
    "kind",
    "title",
    "countries",
    "occurred_on",
    "occurred_on_precision",
    "verification",
)
STATEMENT_FIELDS = ("id", "actor", "stance", "about", "said_on", "said_on_precision")


def _read(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((SEEDS / name).read_text(encoding="utf-8"))
    return [plain(record) for record in data]


def _verbatim(folded: Folded, quote: str) -> str:
    """The article's own spelling of ``quote`` (the seeds may type straight quotes)."""
    start, end = folded.locate(quote)
    return folded.text[start:end]


def _keep_dates(kind: str, record: dict[str, Any], source: str, label: dict[str, Any]) -> None:
    sources = {c["source"] for c in record.get("citations", [])}
    if len(sources) <= 1 or source in DATED_IN.get(record["id"], set()):
        return
    for name in DATES[kind]:
        label[name] = None
        label[f"{name}_precision"] = None


def _provenance(record: dict[str, Any], label: dict[str, Any]) -> dict[str, Any]:
    """The record's flags on claims the label still makes."""
    out = {}
    for path, flag in (record.get("provenance") or {}).items():
        head = path.split(".")[0]
        if head == "status_history" or (head in label and label[head] in (None, [])):
            continue
        out[path] = flag
    return out


def _cited(
    kind: str, record: dict[str, Any], source: str, folded: Folded, fields: tuple[str, ...]
) -> dict[str, Any]:
    label = {name: record.get(name) for name in fields}
    _keep_dates(kind, record, source, label)
    label["citations"] = [
        {"quote": _verbatim(folded, c["quote"])}
        for c in record["citations"]
        if c["source"] == source
    ]
    label["provenance"] = _provenance(record, label)
    return label


def derive_records() -> list[dict[str, Any]]:
    """The curated measures and triggers of the seeds."""
    return _read("measures.yaml") + _read("triggers.yaml")


def derive() -> dict[str, dict[str, str]]:
    """Each seed item's files, by directory name: ``{slug: {file name: content}}``."""
    sources = _read("sources.yaml")
    measures, triggers = _read("measures.yaml"), _read("triggers.yaml")
    statements = _read("statements.yaml")
    actors = {actor["id"]: actor for actor in _read("actors.yaml")}
    items = {}
    for source in sources:
        slug = source["id"]
        text = (SEEDS / source["file"]).read_text(encoding="utf-8")
        folded = Folded(text)

        def cites(record: dict[str, Any], slug: str = slug) -> bool:
            return any(c["source"] == slug for c in record.get("citations", []))

        labels: dict[str, list[dict[str, Any]]] = {
            "measures": [
                _cited("measures", m, slug, folded, MEASURE_FIELDS) for m in measures if cites(m)
            ],
            "triggers": [
                _cited("triggers", t, slug, folded, TRIGGER_FIELDS) for t in triggers if cites(t)
            ],
            "statements": [],
        }
        for statement in statements:
            if statement["citation"]["source"] != slug:
                continue
            label = {name: statement.get(name) for name in STATEMENT_FIELDS}
            label["actor_name"] = actors[statement["actor"]]["name"]
            quote = statement.get("quote")
            label["quote"] = _verbatim(folded, quote) if quote else None
            label["citation"] = {"quote": _verbatim(folded, statement["citation"]["quote"])}
            label["figure"] = statement.get("figure")
            label["provenance"] = statement.get("provenance") or {}
            labels["statements"].append(label)
        meta = {
            "title": source["title"],
            "publisher": source["publisher"],
            "byline": source["byline"],
            "url": source["url"],
            "published_on": source["published_on"],
            "published_on_precision": "day" if source["published_on"] else None,
            "revised_on": source["revised_on"],
            "language": source["language"],
            "retrieved_from": f"seeds/{source['file']}, the register's first corpus; its"
            " curated records in seeds/*.yaml are the labels (tests/extraction/seed_items.py)",
            "partial": False,
            "seed": True,
        }
        items[slug] = {
            "article.txt": text,
            "meta.json": _json(meta),
            "labels.json": _json(labels),
        }
    return items


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Write every seed item under ``tests/extraction/``."""
    for slug, files in derive().items():
        folder = DEVSET / slug
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name, content in files.items():
            (folder / name).write_text(content, encoding="utf-8", newline="")


if __name__ == "__main__":
    main()
