"""A real client, generated from the OpenAPI document, finds nothing wrong.

The suite's run is bounded: a few dozen generated requests per operation per backend,
every check, so CI stays fast. The long run (`make schemathesis`, marked `exhaustive`
and left out of the default suite) drives a live server with `schemathesis run`: every
check, every phase including the stateful one, over 10,000 cases per backend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS
from schemathesis.specs.openapi.checks import (
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
)
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from service.config import PROJECT_ROOT
from service.services import ingest
from tests.conftest import database_url
from tests.servers import Running, service_output

pytestmark = pytest.mark.slow
WRITES = {"POST", "PATCH", "DELETE"}


@pytest.fixture
def api_schema(client: FlaskClient) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi("/openapi.json", client.application)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def admin(auth_headers: Callable[..., dict[str, str]]) -> dict[str, str]:
    """An admin key, so operations that need a key are exercised past the 401 as well."""
    return auth_headers("admin")


# The article whose proposals the review operations act on (the seeds hold no proposal).
REVIEWED = "kr-phased-measures-article"


@pytest.fixture
def proposal(connection: Connection) -> str:
    """A pending proposal, read by the extractor in a seeded article: the review operations
    (read, accept, reject) then answer past their 404 with a real proposal."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        made = [p.id for p in ingest.extract(session, REVIEWED)]
    assert made, REVIEWED
    return made[0]


@schema.parametrize()
@settings(
    max_examples=15,  # the long run (`make schemathesis`) goes deep; the suite stays quick
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,  # `admin`: one key for every example, on purpose
    ],
)
def test_api_conforms_to_its_openapi_document(
    case: schemathesis.Case, admin: dict[str, str], connection: Connection, proposal: str
) -> None:
    positive = case.meta is not None and not case.meta.generation.mode.is_negative
    if case.query and positive:
        # A cursor is an opaque token the server issued; an invented one is rightly a 422
        # (tests/test_api_read.py checks that), so positive cases page from the start.
        case.query.pop("cursor", None)
        case.query.pop("since", None)  # the change feed's cursor
    if case.path_parameters and positive:
        # An invented proposal id is a 404: positive cases review the pending proposal, and
        # extract from the article it was read in.
        if "proposal_id" in case.path_parameters:
            case.path_parameters["proposal_id"] = proposal
        if case.path.endswith("/extract"):
            case.path_parameters["source_id"] = REVIEWED
    excluded = []
    if case.method in WRITES:
        # A schema-valid write can still be refused: it names records that do not exist,
        # breaks a rule across fields, or sends a made-up If-Match (412). OpenAPI cannot
        # state those rules; tests/test_writes.py shows valid writes are accepted.
        excluded.append(positive_data_acceptance)
    if case.method in {"PATCH", "DELETE"}:
        # Without If-Match the answer is 428 Precondition Required (RFC 6585), made for
        # exactly this; the check expects a 400 or 422 (tests/test_writes.py checks 428).
        excluded.append(missing_required_header)
    if _oversized(case.body):
        # A body past MAX_BODY_BYTES is refused before it is read (a 413, declared on every
        # write): a rejection of the negative data like the 4xx the check expects (the
        # long run lists 413 in tests/schemathesis.toml).
        excluded.append(negative_data_rejection)
    # Each case in a savepoint of its own, rolled back: on PostgreSQL every write's
    # subtransaction keeps a lock until the test's transaction ends, and a thousand cases
    # in one transaction would fill the server's lock table ("out of shared memory").
    savepoint = connection.begin_nested()
    try:
        case.call_and_validate(
            headers=admin, checks=list(CHECKS.get_all()), excluded_checks=excluded
        )
    finally:
        if savepoint.is_active:
            savepoint.rollback()


def _oversized(body: Any) -> bool:
    """Whether ``body`` comes near the server's body limit (1 MiB by default) as JSON."""
    try:
        size = len(json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError):
        return False
    return size > 900 * 1024


# ~60 operations x up to this many cases per phase: over 10,000 cases per backend.
LONG_RUN_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "100"))
LONG_RUN_MIN_CASES = int(os.environ.get("SCHEMATHESIS_MIN_CASES", "10000"))


def summarise(report: Path) -> dict[str, Any]:
    """Cases, checks run, failed checks by operation and check, and every 5xx answer."""
    cases = checks = 0
    failures: Counter[str] = Counter()
    server_errors: list[str] = []
    for line in report.read_text(encoding="utf-8").splitlines():
        recorder = (json.loads(line).get("ScenarioFinished") or {}).get("recorder") or {}
        for case_id in recorder.get("cases", {}):
            cases += 1
            for check in recorder.get("checks", {}).get(case_id, []):
                checks += 1
                if check["status"] == "failure":
                    failures[f"{recorder['label']}: {check['name']}"] += 1
            exchange = recorder.get("interactions", {}).get(case_id) or {}
            status = (exchange.get("response") or {}).get("status_code", 0)
            if status >= 500:
                request = exchange["request"]
                server_errors.append(f"{status} {request['method']} {request['uri']}")
    return {"cases": cases, "checks": checks, "failures": failures, "5xx": server_errors}


@pytest.mark.exhaustive
def test_a_long_run_against_a_live_server_finds_nothing(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = database_url(backend, request, tmp_path)
    service_output(url, "migrate")
    service_output(url, "seed")
    created = service_output(url, "keys", "create", "--name", "schemathesis", "--scope", "admin")
    token = next(line for line in created.splitlines() if line.startswith("reg_"))
    logs = tmp_path / "server"
    logs.mkdir()
    env = {"DATABASE_URL": url, "RATE_LIMIT_ENABLED": "false"}
    server = Running(["-m", "service", "serve", "--workers", "2"], env, logs)
    try:
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                *("--config-file", str(Path(__file__).with_name("schemathesis.toml"))),
                *("run", f"http://127.0.0.1:{server.port}/openapi.json"),
                *("--checks", "all", "--phases", "examples,coverage,fuzzing,stateful"),
                *("-H", f"Authorization: Bearer {token}"),
                *("--max-examples", str(LONG_RUN_EXAMPLES), "--workers", "2"),
                *("--report", "ndjson", "--report-dir", str(tmp_path / "report")),
            ],
            cwd=tmp_path,
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
                "PYTHONPATH": str(PROJECT_ROOT),
            },
            capture_output=True,
            text=True,
            timeout=4 * 3600,
        )
    finally:
        server.stop()
    found = summarise(next((tmp_path / "report").glob("*.ndjson")))
    print(f"schemathesis on {backend}: {found}")
    print(done.stdout[-3000:])
    assert not found["5xx"], found["5xx"][:20]
    assert not found["failures"], done.stdout[-10000:]
    assert done.returncode == 0, done.stdout[-10000:] + done.stderr[-3000:]
    assert found["cases"] >= LONG_RUN_MIN_CASES, found
