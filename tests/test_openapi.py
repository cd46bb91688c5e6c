"""The OpenAPI document: generated from the code, committed, valid, served, browsable."""

from __future__ import annotations

import json
import re
from http import HTTPStatus

from flask.testing import FlaskClient
from openapi_spec_validator import validate

from service.cli import OPENAPI_PATH, render_openapi


def test_committed_openapi_document_matches_the_code() -> None:
    committed = OPENAPI_PATH.read_text(encoding="utf-8")
    assert committed == render_openapi(), (
        "openapi/openapi.json drifted: run python -m service openapi"
    )


def test_openapi_document_is_valid() -> None:
    validate(json.loads(OPENAPI_PATH.read_text(encoding="utf-8")))


# What each kind of operation can answer, besides the errors every one can.
EXPECTED = {
    "get": {"200", "304"},
    "post": {"201", "400", "409", "413", "415", "422"},
    "patch": {"200", "400", "404", "409", "412", "413", "415", "422", "428"},
    "delete": {"204", "404", "409", "412", "428"},
}


def test_every_operation_has_a_summary_and_documents_its_errors() -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            responses = operation["responses"]
            # Keys are revoked, not edited: no If-Match, no taken ids.
            expected = EXPECTED[method] - ({"409", "412", "428"} if "/keys" in path else set())
            if path.endswith(("/accept", "/reject")):  # a decision on a proposal: 200 too
                expected = expected - {"201"} | {"200"}
            if path.endswith("/extract"):  # reads a stored source: no body, nothing taken
                expected = {"200", "404"}
            assert expected <= responses.keys(), (method, path, sorted(responses))
            if method != "get":  # a write needs a key, and says so
                assert operation.get("security") == [{"bearerAuth": []}], (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= responses.keys(), (method, path, sorted(responses))
            assert "429" in responses, (method, path, sorted(responses))
            if "{" in path:
                assert "404" in responses, (path, sorted(responses))
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                assert {"400", "422"} <= responses.keys(), (path, sorted(responses))


def test_error_responses_are_documented_as_problem_json() -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    responses = document["components"]["responses"]
    for name in ["NOT_FOUND", "UNAUTHENTICATED", "RATE_LIMITED"]:
        assert list(responses[name]["content"]) == ["application/problem+json"], name
    assert "Retry-After" in responses["RATE_LIMITED"]["headers"]
    assert "WWW-Authenticate" in responses["UNAUTHENTICATED"]["headers"]


def test_security_scheme_is_http_bearer() -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_openapi_document_is_served(client: FlaskClient) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200, r.data
    assert r.json == json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


def test_docs_page_loads_its_assets_from_this_service(client: FlaskClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by this service"
        assert client.get(asset).status_code == 200, asset
    assert "http://" not in page and "https://" not in page


def _error_responses(document: dict) -> list[tuple[str, str, dict]]:
    """``(where, status, response)`` of every declared error response, refs resolved."""
    components = document["components"]["responses"]
    found = [
        (
            f"components.{name}",
            str(HTTPStatus[name].value) if name in HTTPStatus.__members__ else "",
            r,
        )
        for name, r in components.items()
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status == "default" or int(status) >= 400:
                    name = response.get("$ref", "").rsplit("/", 1)[-1]
                    found.append(
                        (f"{method.upper()} {path}", status, components.get(name, response))
                    )
    return found


def test_each_error_response_shows_a_problem_of_its_own_status() -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    statuses = set()
    for where, status, response in _error_responses(document):
        content = response.get("content", {}).get("application/problem+json")
        if content is None:
            continue
        example = content.get("example")
        assert example is not None, (where, status)
        assert set(example) <= set(document["components"]["schemas"]["Problem"]["properties"])
        if status:
            expected = 500 if status == "default" else int(status)
            assert example["status"] == expected, (where, status, example)
            statuses.add(example["status"])
        assert example["title"] and example["detail"] and example["type"] == "about:blank"
    assert len(statuses) >= 15, sorted(statuses)  # not one 422 shown for every error
