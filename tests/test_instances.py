"""Two server processes on one database and one Redis behave as one service.

What a load balancer in front of several instances needs: a write made through one is
read, with the same ETag, from the other (whose response cache had the old version), and
the rate limits count requests to both together.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy.orm import Session

from service.extensions import make_engine
from service.services import keys
from tests.conftest import seeded_register
from tests.servers import Running

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ACTOR = "/v1/actors/yoon-suk-yeol"
LIMIT = 5


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_POSTGRES") or os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {error}")
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); set TEST_REDIS_URL")
    return REDIS_URL


@pytest.fixture(scope="module")
def two_servers(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    redis_url: str,
) -> Iterator[tuple[Running, Running, str]]:
    """Two instances on a register of this module's own; each test's requests are its own."""
    url = seeded_register(backend, request, tmp_path_factory, "instances")
    engine = make_engine(url)
    with Session(engine) as session:
        token = keys.create(session, "instances", ["write"]).token
    engine.dispose()
    started = []
    tmp_path = tmp_path_factory.mktemp(f"{backend}-instances-logs")
    for name in ("a", "b"):
        logs = tmp_path / name
        logs.mkdir()
        env = {
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "RATE_LIMIT_ANONYMOUS": f"{LIMIT} per minute",
            "TRUSTED_PROXIES": "1",  # each test counts under an address of its own
            "WORKERS": "1",
            "THREADS": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(logs / "metrics"),
        }
        started.append(Running(["-m", "service", "serve"], env, logs))
    yield started[0], started[1], token
    for server in started:
        assert server.stop() == 0


def test_a_write_through_one_instance_is_read_from_the_other_with_the_same_etag(
    two_servers: tuple[Running, Running, str],
) -> None:
    a, b, token = two_servers
    key = {"Authorization": f"Bearer {token}"}
    status, headers, _ = b.request("GET", ACTOR, key)  # b caches the old version
    assert status == 200
    old_etag = headers["ETag"]
    status, headers, _ = a.request("GET", ACTOR, key)
    assert headers["ETag"] == old_etag  # the same record reads the same on both
    status, written, body = a.request("PATCH", ACTOR, {**key, "If-Match": old_etag}, {"role": "X"})
    assert status == 200, body
    status, headers, body = b.request("GET", ACTOR, key)
    assert status == 200, body
    assert json.loads(body)["role"] == "X"
    assert headers["ETag"] == written["ETag"] != old_etag
    # And b refuses a write made with what a superseded.
    status, _, body = b.request("PATCH", ACTOR, {**key, "If-Match": old_etag}, {"role": "Y"})
    assert status == 412, body


def test_the_rate_limit_counts_requests_to_both_instances(
    two_servers: tuple[Running, Running, str],
) -> None:
    a, b, _ = two_servers
    address = uuid.uuid4().hex
    client = {"X-Forwarded-For": f"2001:db8::{address[:4]}:{address[4:8]}:{address[8:12]}"}
    statuses = [server.request("GET", "/v1/vocabularies", client)[0] for server in (a, b) * 3]
    assert statuses == [200] * LIMIT + [429], statuses
    status, headers, body = a.request("GET", "/v1/vocabularies", client)
    assert status == 429, body
    assert int(headers["Retry-After"]) > 0
