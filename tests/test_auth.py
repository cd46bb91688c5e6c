"""`requires(scope)` guards a write; `current_key_id()` says which key made it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask.views import MethodView
from sqlalchemy import Connection, Engine

from service import create_app, openapi_document
from service.auth import current_key_id, requires
from service.config import Config
from service.extensions import db
from service.resources.common import Blueprint
from tests.conftest import GENEROUS_LIMITS

AuthHeaders = Callable[..., dict[str, str]]


class ValueSchema(ma.Schema):
    value = ma.fields.Integer(required=True)


def _throwaway_blueprint(calls: list[Any]) -> Blueprint:
    blp = Blueprint("throwaway", __name__, url_prefix="/v1/throwaway")

    @blp.route("")
    class Throwaway(MethodView):
        @blp.response(200)
        def get(self) -> Any:
            """Read something."""
            return {"key": current_key_id()}

        @requires("write")
        @blp.arguments(ValueSchema)
        @blp.response(201)
        def post(self, data: dict[str, Any]) -> Any:
            """Write something."""
            calls.append(data)
            return {"key": current_key_id()}

    return blp


@pytest.fixture
def calls() -> list[Any]:
    return []


@pytest.fixture
def throwaway_app(seeded_url: str, seeded_engine: Engine, calls: list[Any]) -> Flask:
    app = create_app(Config(database_url=seeded_url, **GENEROUS_LIMITS), engine=seeded_engine)
    app.extensions["register_api"].register_blueprint(_throwaway_blueprint(calls))
    return app


@pytest.fixture
def writer(
    throwaway_app: Flask, connection: Connection, seeded_engine: Engine
) -> Iterator[FlaskClient]:
    db.bind(connection)
    yield throwaway_app.test_client()
    db.bind(seeded_engine)


def _key_id(headers: dict[str, str]) -> str:
    return headers["Authorization"].split("_")[1]


def test_a_write_without_a_key_is_401_before_its_body_is_read(
    writer: FlaskClient, calls: list[Any]
) -> None:
    r = writer.post("/v1/throwaway", json={"value": "not a number"})
    assert r.status_code == 401, r.json
    assert r.mimetype == "application/problem+json"
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="register"'
    assert calls == []


def test_a_write_with_a_write_key_runs_and_knows_its_key(
    writer: FlaskClient, calls: list[Any], auth_headers: AuthHeaders
) -> None:
    headers = auth_headers()
    r = writer.post("/v1/throwaway", json={"value": 1}, headers=headers)
    assert r.status_code == 201, r.json
    assert r.json == {"key": _key_id(headers)}
    assert calls == [{"value": 1}]


def test_an_admin_key_may_write(
    writer: FlaskClient, calls: list[Any], auth_headers: AuthHeaders
) -> None:
    headers = auth_headers("admin")
    r = writer.post("/v1/throwaway", json={"value": 2}, headers=headers)
    assert r.status_code == 201, r.json
    assert r.json == {"key": _key_id(headers)}


def test_a_revoked_key_may_not_write(
    writer: FlaskClient, calls: list[Any], auth_headers: AuthHeaders
) -> None:
    headers, admin = auth_headers(), auth_headers("admin")
    assert writer.delete(f"/v1/keys/{_key_id(headers)}", headers=admin).status_code == 204
    r = writer.post("/v1/throwaway", json={"value": 3}, headers=headers)
    assert r.status_code == 401, r.json
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert calls == []


def test_reads_need_no_key_and_know_the_key_when_one_is_sent(
    writer: FlaskClient, auth_headers: AuthHeaders
) -> None:
    assert writer.get("/v1/throwaway").json == {"key": None}
    headers = auth_headers()
    assert writer.get("/v1/throwaway", headers=headers).json == {"key": _key_id(headers)}
    # A read ignores a bad key rather than refusing a public answer.
    r = writer.get("/v1/throwaway", headers={"Authorization": "Bearer reg_nope_nope"})
    assert r.status_code == 200 and r.json == {"key": None}, r.json


def test_requires_documents_the_security_and_its_errors(throwaway_app: Flask) -> None:
    operations = openapi_document(throwaway_app)["paths"]["/v1/throwaway"]
    post, get = operations["post"], operations["get"]
    assert post["security"] == [{"bearerAuth": []}]
    assert post["responses"]["401"] == {"$ref": "#/components/responses/UNAUTHENTICATED"}
    assert "`write` scope" in post["responses"]["403"]["description"]
    assert {"201", "422", "429"} <= post["responses"].keys()
    assert "security" not in get and not {"401", "403"} & get["responses"].keys()


def test_requires_refuses_an_unknown_scope() -> None:
    with pytest.raises(ValueError, match="unknown scope 'root'"):
        requires("root")
