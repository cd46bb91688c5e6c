"""API keys: random tokens shown once, stored as a hash, managed with an admin key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import ApiKey, Change
from service.services import keys

AuthHeaders = Callable[..., dict[str, str]]


def _all(client: FlaskClient, headers: dict[str, str], **query: str) -> list[dict[str, Any]]:
    """Every key of the list, two a page, following ``next_cursor``."""
    items: list[dict[str, Any]] = []
    params: dict[str, str] = {**query, "limit": "2"}
    while True:
        r = client.get("/v1/keys", query_string=params, headers=headers)
        assert r.status_code == 200, r.json
        items += r.json["items"]
        if r.json["next_cursor"] is None:
            assert 'rel="next"' not in r.headers["Link"]
            return items
        params["cursor"] = r.json["next_cursor"]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ApiKey)) or 0


def test_create_key_returns_a_token_once_and_stores_only_its_hash(session: Session) -> None:
    new = keys.create(session, "newsroom sync", ["write"])
    prefix, key_id, secret = new.token.split("_", 2)
    assert (prefix, key_id) == ("reg", new.key.id)
    assert len(secret) >= 43  # 32 random bytes, base64url
    stored = session.get(ApiKey, key_id)
    assert stored is not None
    assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(vars(stored))
    assert keys.create(session, "other", ["write"]).token != new.token


def test_authenticate_accepts_only_a_live_key_with_its_exact_secret(session: Session) -> None:
    token = keys.create(session, "sync", ["write"]).token
    key = keys.authenticate(session, token)
    assert key is not None and key.scopes == ["write"]
    prefix, key_id, secret = token.split("_", 2)
    assert keys.authenticate(session, f"{prefix}_{key_id}_{secret[:-1]}x") is None
    assert keys.authenticate(session, f"{prefix}_{'0' * 16}_{secret}") is None
    assert keys.authenticate(session, f"tok_{key_id}_{secret}") is None
    assert keys.authenticate(session, f"reg_{key_id}\x00_{secret}") is None
    assert keys.authenticate(session, "") is None
    keys.revoke(session, key_id)
    assert keys.authenticate(session, token) is None


def test_creating_a_key_needs_an_api_key_and_writes_nothing(
    client: FlaskClient, session: Session
) -> None:
    before = _count(session)
    r = client.post("/v1/keys", json={"name": "x", "scopes": ["admin"]})
    assert r.status_code == 401, r.json
    assert r.mimetype == "application/problem+json"
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="register"'
    assert "Authorization: Bearer" in r.json["detail"]
    assert _count(session) == before


def test_a_key_without_the_admin_scope_is_forbidden_to_manage_keys(
    client: FlaskClient, session: Session, auth_headers: AuthHeaders
) -> None:
    headers = auth_headers("write")
    before = _count(session)
    r = client.post("/v1/keys", json={"name": "x", "scopes": ["admin"]}, headers=headers)
    assert r.status_code == 403, r.json
    assert r.mimetype == "application/problem+json"
    assert "`admin` scope" in r.json["detail"]
    assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]
    assert _count(session) == before
    assert client.get("/v1/keys", headers=headers).status_code == 403


def test_unknown_malformed_and_revoked_keys_are_unauthorized(
    client: FlaskClient, auth_headers: AuthHeaders
) -> None:
    admin = auth_headers("admin")
    token = admin["Authorization"].removeprefix("Bearer ")
    wrong = {"Authorization": f"Bearer {token[:-2]}xx"}
    for headers, error in [
        (wrong, "invalid_token"),
        ({"Authorization": f"Basic {token}"}, "invalid_request"),
        ({"Authorization": "Bearer"}, "invalid_request"),
    ]:
        r = client.get("/v1/keys", headers=headers)
        assert r.status_code == 401, (headers, r.json)
        assert r.mimetype == "application/problem+json"
        assert f'error="{error}"' in r.headers["WWW-Authenticate"], r.headers
    victim = auth_headers("admin")
    victim_id = victim["Authorization"].split("_")[1]
    assert client.delete(f"/v1/keys/{victim_id}", headers=admin).status_code == 204
    r = client.post("/v1/keys", json={"name": "x", "scopes": ["write"]}, headers=victim)
    assert r.status_code == 401, r.json
    assert "revoked" in r.json["detail"]


def test_admin_creates_gets_lists_and_revokes_a_key(
    client: FlaskClient, auth_headers: AuthHeaders
) -> None:
    admin = auth_headers("admin")
    r = client.post(
        "/v1/keys", json={"name": "newsroom sync", "scopes": ["write", "write"]}, headers=admin
    )
    assert r.status_code == 201, r.json
    created = r.json
    assert created["scopes"] == ["write"] and created["revoked_at"] is None
    assert created["token"].startswith(f"reg_{created['id']}_")
    assert r.headers["Location"] == f"/v1/keys/{created['id']}"
    assert r.headers["Cache-Control"] == "no-store"
    new_key = {"Authorization": f"Bearer {created['token']}"}

    r = client.get(f"/v1/keys/{created['id']}", headers=admin)
    assert r.status_code == 200, r.json
    assert r.json == {k: v for k, v in created.items() if k != "token"}
    listed = _all(client, admin, sort="-created_at")
    assert created["id"] in {k["id"] for k in listed}
    secret = created["token"].split("_", 2)[2]
    for item in listed:
        assert set(item) == {"id", "name", "scopes", "created_at", "revoked_at"}
    assert secret not in client.get("/v1/keys", headers=admin).get_data(as_text=True)

    # The new write key authenticates, but may not manage keys.
    assert client.get("/v1/keys", headers=new_key).status_code == 403
    r = client.delete(f"/v1/keys/{created['id']}", headers=admin)
    assert r.status_code == 204, r.data
    assert client.get("/v1/keys", headers=new_key).status_code == 401
    gone = client.get(f"/v1/keys/{created['id']}", headers=admin)
    assert gone.status_code == 410, gone.json  # revoked: deleted as far as its item goes
    assert gone.mimetype == "application/problem+json" and "revoked=true" in gone.json["detail"]
    revoked_at = next(k for k in _all(client, admin, revoked="true") if k["id"] == created["id"])[
        "revoked_at"
    ]
    assert revoked_at is not None
    assert client.delete(f"/v1/keys/{created['id']}", headers=admin).status_code == 204
    again = next(k for k in _all(client, admin, revoked="true") if k["id"] == created["id"])
    assert again["revoked_at"] == revoked_at
    revoked = _all(client, admin, revoked="true")
    live = _all(client, admin, revoked="false")
    assert created["id"] in {k["id"] for k in revoked} - {k["id"] for k in live}


def test_creating_a_key_validates_the_body(client: FlaskClient, auth_headers: AuthHeaders) -> None:
    admin = auth_headers("admin")
    r = client.post("/v1/keys", json={"name": "x", "scopes": ["root"]}, headers=admin)
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["name"] == "scopes.0", r.json
    r = client.post("/v1/keys", json={"name": "", "scopes": []}, headers=admin)
    assert r.status_code == 422, r.json
    assert {e["name"] for e in r.json["errors"]} == {"name", "scopes"}, r.json


def test_an_unknown_key_is_404(client: FlaskClient, auth_headers: AuthHeaders) -> None:
    admin = auth_headers("admin")
    for key_id in ["0123456789abcdef", "not-a-key", "%00"]:
        assert client.delete(f"/v1/keys/{key_id}", headers=admin).status_code == 404, key_id
        assert client.get(f"/v1/keys/{key_id}", headers=admin).status_code == 404, key_id


def test_keys_never_enter_the_change_feed(
    client: FlaskClient, session: Session, auth_headers: AuthHeaders
) -> None:
    before = session.scalar(select(func.count()).select_from(Change))
    admin = auth_headers("admin")
    r = client.post("/v1/keys", json={"name": "x", "scopes": ["write"]}, headers=admin)
    assert r.status_code == 201, r.json
    assert client.delete(f"/v1/keys/{r.json['id']}", headers=admin).status_code == 204
    assert session.scalar(select(func.count()).select_from(Change)) == before


def test_reads_stay_public(client: FlaskClient) -> None:
    r = client.get("/v1/measures?limit=1")
    assert r.status_code == 200, r.json
