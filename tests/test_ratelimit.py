"""Rate limits: per key, else per address; 429 problem with Retry-After; shared via Redis."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine

from service import create_app, openapi_document
from service.config import Config, ConfigError
from service.extensions import db

AuthHeaders = Callable[..., dict[str, str]]
MakeClient = Callable[..., FlaskClient]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TINY = {"rate_limit_anonymous": "2 per minute", "rate_limit_key": "3 per minute"}


@pytest.fixture
def make_client(
    seeded_url: str, seeded_engine: Engine, connection: Connection
) -> Iterator[MakeClient]:
    """``make_client(**config)``: a client of a new app with those settings, on the test's data."""

    def make(address: str = "192.0.2.1", **options: Any) -> FlaskClient:
        app = create_app(Config(database_url=seeded_url, **options), engine=seeded_engine)
        db.bind(connection)  # create_app bound the engine: back to the rolled-back connection
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    yield make
    db.bind(seeded_engine)


def _statuses(client: FlaskClient, n: int, **kwargs: Any) -> list[int]:
    return [client.get("/v1/vocabularies", **kwargs).status_code for _ in range(n)]


def test_anonymous_requests_over_the_limit_get_a_429_problem_with_retry_after(
    make_client: MakeClient,
) -> None:
    client = make_client(**TINY)
    assert _statuses(client, 2) == [200, 200]
    r = client.get("/v1/countries/kr")  # one budget across every route
    assert r.status_code == 429, r.json
    assert r.mimetype == "application/problem+json"
    assert r.json["status"] == 429 and "2 per 1 minute" in r.json["detail"], r.json
    assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_each_address_has_its_own_budget(make_client: MakeClient) -> None:
    client = make_client(**TINY)
    assert _statuses(client, 3) == [200, 200, 429]
    other = {"REMOTE_ADDR": "192.0.2.2"}
    assert _statuses(client, 2, environ_base=other) == [200, 200]


def test_a_key_has_its_own_budget_apart_from_its_address(
    make_client: MakeClient, auth_headers: AuthHeaders
) -> None:
    client = make_client(**TINY)
    assert _statuses(client, 3) == [200, 200, 429]
    headers = auth_headers()
    assert _statuses(client, 4, headers=headers) == [200, 200, 200, 429]
    r = client.get("/v1/vocabularies", headers=headers)
    assert "this API key" in r.json["detail"], r.json
    assert _statuses(client, 1, headers=auth_headers()) == [200]


def test_a_limited_write_is_not_attempted(
    make_client: MakeClient, auth_headers: AuthHeaders
) -> None:
    client = make_client(**TINY)
    admin = auth_headers("admin")
    assert _statuses(client, 3, headers=admin) == [200, 200, 200]
    r = client.post("/v1/keys", json={"name": "x", "scopes": ["write"]}, headers=admin)
    assert r.status_code == 429, r.json
    assert client.get("/v1/keys", headers=admin).status_code == 429


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(make_client: MakeClient) -> None:
    client = make_client(**TINY)
    spoofed = [{"X-Forwarded-For": f"203.0.113.{n}"} for n in range(3)]
    assert [client.get("/v1/vocabularies", headers=h).status_code for h in spoofed] == [
        200,
        200,
        429,
    ]

    proxied = make_client(trusted_proxies=1, **TINY)
    assert [proxied.get("/v1/vocabularies", headers=h).status_code for h in spoofed] == [
        200,
        200,
        200,
    ]
    # Behind one proxy, only the address that proxy appended counts: a client's own
    # X-Forwarded-For entries before it change nothing.
    forged = [{"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.9"} for n in range(3)]
    assert [proxied.get("/v1/vocabularies", headers=h).status_code for h in forged] == [
        200,
        200,
        429,
    ]


def test_limits_can_be_turned_off(make_client: MakeClient) -> None:
    client = make_client(rate_limit_enabled=False, **TINY)
    assert _statuses(client, 5) == [200] * 5
    document = openapi_document(client.application)
    assert "429" not in document["paths"]["/v1/vocabularies"]["get"]["responses"]


def test_an_invalid_limit_stops_the_service_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_ANONYMOUS", "lots")
    with pytest.raises(ConfigError, match="RATE_LIMIT_ANONYMOUS: not a rate limit"):
        Config.from_env()


def test_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_ENABLED", "false")
    monkeypatch.setenv("RATE_LIMIT_ANONYMOUS", "10/second")
    monkeypatch.setenv("RATE_LIMIT_KEY", "100/second")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    config = Config.from_env()
    assert not config.rate_limit_enabled
    assert (config.rate_limit_anonymous, config.rate_limit_key) == ("10/second", "100/second")
    assert (config.redis_url, config.trusted_proxies) == ("redis://cache:6379/1", 2)
    for name in ["RATE_LIMIT_ENABLED", "RATE_LIMIT_ANONYMOUS", "REDIS_URL", "TRUSTED_PROXIES"]:
        monkeypatch.delenv(name)
    config = Config.from_env()
    assert config.rate_limit_enabled and config.redis_url is None
    assert (config.rate_limit_anonymous, config.trusted_proxies) == ("120 per minute", 0)


def _require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        reason = f"Redis at {REDIS_URL} is unreachable ({error}); set TEST_REDIS_URL"
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"CI needs Redis for the shared-limit test: {reason}")
        pytest.skip(reason)


def test_two_instances_sharing_redis_share_the_count(
    make_client: MakeClient, auth_headers: AuthHeaders
) -> None:
    _require_redis()
    first = make_client(redis_url=REDIS_URL, **TINY)
    second = make_client(redis_url=REDIS_URL, **TINY)
    headers = auth_headers()  # a new key: a budget no other run shares
    seen = [
        client.get("/v1/vocabularies", headers=headers).status_code
        for client in [first, second, first, second]
    ]
    assert seen == [200, 200, 200, 429]


def test_an_unreachable_redis_falls_back_to_counting_in_memory(make_client: MakeClient) -> None:
    client = make_client(redis_url="redis://127.0.0.1:1/0", **TINY)  # nothing listens on 1
    assert _statuses(client, 3) == [200, 200, 429]


def test_health_checks_and_metrics_are_never_limited(make_client: MakeClient) -> None:
    token = "a-token-prometheus-sends-32-chars"
    client = make_client(metrics_token=token, **TINY)
    bearer = {"Authorization": f"Bearer {token}"}  # Prometheus scrapes from another host
    for path in ("/healthz", "/readyz", "/metrics"):
        statuses = [client.get(path, headers=bearer).status_code for _ in range(4)]
        assert statuses == [200] * 4, (path, statuses)
    assert _statuses(client, 3) == [200, 200, 429]  # the API itself still is
