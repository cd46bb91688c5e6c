"""API keys: create, list and revoke them (an `admin` key is needed)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from service.auth import requires
from service.extensions import db
from service.resources.common import LINK_HEADER, Blueprint, link_header
from service.resources.writes import json_body
from service.schemas.keys import (
    KeyCreateSchema,
    KeyData,
    KeyPageSchema,
    KeyQuery,
    KeyQueryArgs,
    KeySchema,
    NewKeySchema,
)
from service.services import keys

blp = Blueprint(
    "keys",
    __name__,
    url_prefix="/v1/keys",
    description="API keys for writes. Managing them needs a key with the `admin` scope.",
)

NEW_KEY_HEADERS = {
    "Location": {"description": "Where the key is: `/v1/keys/{id}`.", "schema": {"type": "string"}},
    "Cache-Control": {
        "description": "`no-store`: the token must not be cached.",
        "schema": {"type": "string"},
    },
}


@blp.route("")
class Keys(MethodView):
    @requires("admin")
    @blp.etag
    @blp.query(KeyQueryArgs)
    @blp.response(200, KeyPageSchema, headers=LINK_HEADER)
    def get(self, args: KeyQuery) -> Any:
        """List API keys, live and revoked; never their secrets.

        Each key with its name, scopes, when it was created and, if it was, revoked. Filter
        with `revoked=true` or `false`. Needs a key with the `admin` scope.
        """
        page = keys.list_(db.session, args)
        body = {"items": page.items, "next_cursor": page.next_cursor}
        return body, 200, {"Link": link_header(page.next_cursor)}

    @requires("admin")
    @json_body(blp)
    @blp.arguments(KeyCreateSchema)
    @blp.response(201, NewKeySchema, headers=NEW_KEY_HEADERS)
    def post(self, data: KeyData) -> Any:
        """Create an API key; its token is in this answer and nowhere else, ever.

        Only a hash of the token is stored: keep the token safe, and send it as
        `Authorization: Bearer <token>`. `admin` implies `write` and `review`. Needs an `admin`
        key.
        """
        new = keys.create(db.session, data["name"], data["scopes"])
        key = new.key
        body = {name: getattr(key, name) for name in KeySchema().fields} | {"token": new.token}
        headers = {
            "Location": url_for("keys.KeyItem", key_id=new.key.id),
            "Cache-Control": "no-store",
        }
        return body, 201, headers


@blp.route("/<string:key_id>")
class KeyItem(MethodView):
    @requires("admin")
    @blp.etag
    @blp.not_found
    @blp.alt_response(410, response="GONE")
    @blp.response(200, KeySchema)
    def get(self, key_id: str) -> Any:
        """Get a live API key, without its secret.

        Its name, scopes and dates. A revoked key is a 410 (list it with `revoked=true`).
        Needs a key with the `admin` scope.
        """
        return keys.get(db.session, key_id)

    @requires("admin")
    @blp.not_found
    @blp.response(204)
    def delete(self, key_id: str) -> None:
        """Revoke an API key: from now on it is refused.

        A request with a revoked key is a 401. Revoking it again changes nothing. Needs a key
        with the `admin` scope.
        """
        keys.revoke(db.session, key_id)
