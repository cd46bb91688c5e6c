"""Security and caching headers; links that never echo a forged Host; /metrics guarded."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.config import Config
from tests.conftest import MakeApp
from tests.test_writes import etag_of, new_actor

ACTOR = "/v1/actors/yoon-suk-yeol"


def _every_kind_of_answer(client: FlaskClient, key: dict[str, str]) -> dict[str, TestResponse]:
    read = client.get("/v1/measures?limit=2")
    answers = {
        "read": read,
        "not modified": client.get(
            "/v1/measures?limit=2", headers={"If-None-Match": read.headers["ETag"]}
        ),
        "item": client.get(ACTOR),
        "keyed read": client.get(ACTOR, headers=key),
        "export": client.get("/v1/statements.csv", buffered=True),
        "not found": client.get("/v1/measures/nothing"),
        "bad filter": client.get("/v1/measures?status=nonsense"),
        "unknown route": client.get("/nowhere"),
        "method not allowed": client.put(ACTOR),
        "created": client.post("/v1/actors", json=new_actor(), headers=key),
        "updated": client.patch(
            ACTOR, json={"role": "Edited"}, headers={**key, "If-Match": etag_of(client, ACTOR)}
        ),
        "unauthorized": client.post("/v1/actors", json=new_actor(id="x")),
        "healthz": client.get("/healthz"),
        "metrics": client.get("/metrics"),
        "openapi": client.get("/openapi.json"),
        "docs": client.get("/docs"),
    }
    for answer in answers.values():
        answer.close()
    return answers


def test_every_answer_says_nosniff_and_forbids_framing(
    client: FlaskClient, auth_headers: Callable[..., dict[str, str]]
) -> None:
    for name, r in _every_kind_of_answer(client, auth_headers("write")).items():
        assert r.headers.get("X-Content-Type-Options") == "nosniff", name
        assert "frame-ancestors 'none'" in r.headers.get("Content-Security-Policy", ""), name


def test_reads_are_briefly_cacheable_and_writes_errors_and_probes_are_not(
    client: FlaskClient, auth_headers: Callable[..., dict[str, str]]
) -> None:
    answers = _every_kind_of_answer(client, auth_headers("write"))
    expected = {
        "read": "public, max-age=10, must-revalidate",
        "not modified": "public, max-age=10, must-revalidate",
        "item": "public, max-age=10, must-revalidate",
        "export": "public, max-age=10, must-revalidate",
        "openapi": "public, max-age=10, must-revalidate",
        "docs": "public, max-age=10, must-revalidate",
        "keyed read": "private, max-age=10, must-revalidate",
    }
    for name, r in answers.items():
        assert r.headers.get("Cache-Control") == expected.get(name, "no-store"), (name, r.status)
    for name in ("read", "item", "keyed read"):
        assert answers[name].headers.get("ETag"), name  # what the client revalidates with
        assert "Authorization" in answers[name].headers.get("Vary", ""), name
    assert answers["created"].status_code == 201 and answers["updated"].status_code == 200


def test_api_answers_may_load_nothing(client: FlaskClient) -> None:
    csp = client.get("/v1/measures?limit=1").headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'"), csp


def test_the_docs_page_runs_only_its_own_scripts(client: FlaskClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    inline = re.findall(rb"<script>(.*?)</script>", r.data, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0]).digest()).decode()
    script_src = next(p for p in csp.split("; ") if p.startswith("script-src"))
    assert script_src == f"script-src 'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in script_src and "frame-ancestors 'none'" in csp


def _links(client: FlaskClient, **headers: str) -> list[str]:
    r = client.get("/v1/measures?limit=1", headers=headers)
    assert r.status_code == 200, r.json
    return re.findall(r"<([^>]*)>", r.headers["Link"])


def test_a_forged_host_is_never_echoed_into_links(client: FlaskClient) -> None:
    links = _links(client, Host="evil.example")
    assert links and all(link.startswith("/v1/measures?") for link in links), links
    follow = client.get(links[-1], headers={"Host": "evil.example"})
    assert follow.status_code == 200, follow.json


def test_links_use_the_public_base_url_when_set(make_app: MakeApp, seeded_url: str) -> None:
    app = make_app(Config(database_url=seeded_url, public_base_url="https://register.example/"))
    links = _links(app.test_client(), Host="evil.example")
    assert all(link.startswith("https://register.example/v1/measures?") for link in links)


def test_links_use_the_host_a_trusted_proxy_forwarded(make_app: MakeApp, seeded_url: str) -> None:
    app = make_app(Config(database_url=seeded_url, trusted_proxies=1))
    forwarded = {"X-Forwarded-Host": "api.example", "X-Forwarded-Proto": "https"}
    links = _links(app.test_client(), **forwarded)
    assert all(link.startswith("https://api.example/v1/measures?") for link in links), links


@pytest.mark.parametrize("token", [None, "a-metrics-token-of-32-characters"])
def test_metrics_need_the_token_or_a_loopback_client(
    make_app: MakeApp, seeded_url: str, token: str | None
) -> None:
    client = make_app(Config(database_url=seeded_url, metrics_token=token)).test_client()
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    outside = client.get("/metrics", environ_base=remote)
    assert outside.mimetype == "application/problem+json"
    if token is None:
        assert outside.status_code == 403, outside.json
        assert client.get("/metrics").status_code == 200  # loopback
        return
    assert outside.status_code == 401, outside.json
    assert outside.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics").status_code == 401  # loopback needs it too once it is set
    wrong = client.get("/metrics", headers={"Authorization": "Bearer wrong"}, environ_base=remote)
    assert wrong.status_code == 401
    right = client.get(
        "/metrics", headers={"Authorization": f"Bearer {token}"}, environ_base=remote
    )
    assert right.status_code == 200 and b"register_" in right.data
