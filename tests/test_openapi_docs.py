"""The OpenAPI document reads well: spectral's rules, summaries, tags, real examples."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.cli import OPENAPI_PATH
from service.config import PROJECT_ROOT
from service.models import Actor, Citation, Measure, Party, Source, Statement, Trigger
from service.schemas.common import SLUG_PATTERN

SPECTRAL = PROJECT_ROOT / "node_modules" / ".bin" / "spectral"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
SEVERITIES = ["error", "warning", "info", "hint"]


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def test_openapi_document_passes_spectral_oas_rules(tmp_path: Path) -> None:
    if not SPECTRAL.exists():
        reason = "spectral is missing: run `npm ci` at the top level (.ci/run does)"
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    report = tmp_path / "spectral.json"
    done = subprocess.run(
        [str(SPECTRAL), "lint", "--format", "json", "--output", str(report), str(OPENAPI_PATH)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.exists(), done.stdout + done.stderr
    results = json.loads(report.read_text(encoding="utf-8"))
    for result in results:
        where = ".".join(str(part) for part in result["path"])
        print(f"spectral {SEVERITIES[result['severity']]}: {result['code']} at {where}")
    errors = [r for r in results if r["severity"] == 0]
    assert not errors, json.dumps(errors, indent=1)[:5000]


def test_every_operation_has_a_summary_a_description_a_tag_and_an_id() -> None:
    document = _document()
    tags = {tag["name"]: tag.get("description") for tag in document["tags"]}
    ids = []
    for method, path, operation in _operations(document):
        where = f"{method.upper()} {path}"
        assert operation.get("summary", "").endswith("."), f"{where}: summary is no sentence"
        assert operation.get("description"), f"{where}: no description"
        assert operation.get("tags"), f"{where}: no tag"
        for tag in operation["tags"]:
            assert tags.get(tag), f"{where}: tag {tag!r} is not described at the top level"
        ids.append(operation["operationId"])
    assert len(ids) == len(set(ids)), sorted(ids)


def test_every_parameter_is_described() -> None:
    document = _document()
    for method, path, operation in _operations(document):
        parameters = [
            *document["paths"][path].get("parameters", []),
            *operation.get("parameters", []),
        ]
        for parameter in parameters:
            if "$ref" not in parameter:
                assert parameter.get("description"), f"{method.upper()} {path}: {parameter}"


def test_a_list_answers_json_unless_asked_otherwise_on_the_docs_page(client: FlaskClient) -> None:
    # Swagger UI preselects the first media type: JSON, not a download of everything.
    r = client.get("/openapi.json")
    assert r.status_code == 200
    served = json.loads(r.get_data(as_text=True))
    for method, path, operation in _operations(served):
        content = operation["responses"].get("200", {}).get("content", {})
        if "application/json" in content:
            assert next(iter(content)) == "application/json", (method, path, list(content))


# --- Examples are records of the seeds ---------------------------------------------------

# Which collection the example of a field names, by the field's name.
REFERENCES = {
    "actor": "actors",
    "actor_id": "actors",
    "announced_by": "actors",
    "trigger": "triggers",
    "trigger_id": "triggers",
    "measure": "measures",
    "measure_id": "measures",
    "measure_ids": "measures",
    "parent": "measures",
    "children": "measures",
    "source": "sources",
    "source_id": "sources",
    "statement_id": "statements",
    "country": "countries",
    "code": "countries",
    "from": "countries",
    "to": "countries",
}
# Which collection the example `id` of a schema names.
SCHEMA_IDS = {
    "Measure": "measures",
    "Trigger": "triggers",
    "Statement": "statements",
    "Actor": "actors",
    "Source": "sources",
    "Citation": "citations",
}
EXAMPLE_IN_TEXT = re.compile(r"Example: `([^`]+)`\.")


def _keyed_examples(document: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """``(schema or operation, field or parameter, example)`` for every ``example`` key."""
    found: list[tuple[str, str, Any]] = []
    for name, schema in document["components"]["schemas"].items():
        for field, prop in schema.get("properties", {}).items():
            if "example" in prop:
                found.append((name, field, prop["example"]))
    for method, path, operation in _operations(document):
        where = f"{method.upper()} {path}"
        for parameter in [
            *document["paths"][path].get("parameters", []),
            *operation.get("parameters", []),
        ]:
            for holder in (parameter, parameter.get("schema", {})):
                if "example" in holder:
                    found.append((where, parameter["name"], holder["example"]))
        for status, response in operation["responses"].items():
            for media in response.get("content", {}).values():
                if "example" in media:  # an error's problem document
                    found.append((where, f"{method.upper()} {status}", media["example"]))
    for name, response in document["components"]["responses"].items():
        for media in response.get("content", {}).values():
            if "example" in media:
                found.append((name, "example", media["example"]))
    return found


def _examples(document: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Every example, also those of optional filters, which their descriptions carry."""
    found = _keyed_examples(document)
    for method, path, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            for text in EXAMPLE_IN_TEXT.findall(parameter.get("description", "")):
                found.append((f"{method.upper()} {path}", parameter["name"], text))
    return found


def test_every_example_in_the_document_is_seen_by_the_checks() -> None:
    document = _document()
    # Path-level parameters repeat once per operation of their path.
    keyed = {
        (where.split(" ", 1)[-1], field, json.dumps(example))
        for where, field, example in _keyed_examples(document)
    }
    assert len(keyed) == json.dumps(document).count('"example": '), (
        "an example sits where _keyed_examples does not look"
    )


def _looks_like_an_id(value: str) -> bool:
    """``kr-k2-tanks-poland``: a slug with a hyphen and a letter (not a term, not a date)."""
    return bool(re.match(SLUG_PATTERN, value)) and "-" in value and bool(re.search("[a-z]", value))


def _ids(session: Session) -> dict[str, set[str]]:
    ids = {
        name: set(session.scalars(select(model.id)))
        for name, model in [
            ("measures", Measure),
            ("triggers", Trigger),
            ("statements", Statement),
            ("actors", Actor),
            ("sources", Source),
            ("citations", Citation),
        ]
    }
    # Codes name parties: countries and organisations share them (models/country.py).
    ids["countries"] = set(session.scalars(select(Party.code)))
    return ids


def test_examples_name_records_of_the_seeds(session: Session) -> None:
    ids = _ids(session)
    every_id = set().union(*ids.values())
    texts = list(session.scalars(select(Source.text)))
    wrong = []
    for where, field, example in _examples(_document()):
        if where in {"Key", "NewKey"}:
            continue  # API keys are made by their users, not seeded
        values = example if isinstance(example, list) else [example]
        for value in values:
            if not isinstance(value, str):
                continue
            if field == "quote":
                if not any(value in text for text in texts):
                    wrong.append((where, field, value, "no source says it"))
                continue
            collection = SCHEMA_IDS.get(where) if field == "id" else REFERENCES.get(field)
            known = ids[collection] if collection else every_id
            if collection == "countries":
                value = value.upper()
            elif collection is None and field != "id" and not _looks_like_an_id(value):
                continue  # not a reference: a name, a term, a title, a date
            if value not in known:
                wrong.append((where, field, value, f"not in {collection or 'the seeds'}"))
    assert not wrong, "\n".join(map(str, wrong))


def test_the_citation_example_is_a_real_span_of_its_source(session: Session) -> None:
    example = {
        field: prop.get("example")
        for field, prop in _document()["components"]["schemas"]["Citation"]["properties"].items()
    }
    source = session.get(Source, example["source"])
    assert source is not None, example
    assert source.text[example["start"] : example["end"]] == example["quote"], example
    assert example["id"] == f"{example['source']}-{example['start']}-{example['end']}", example
