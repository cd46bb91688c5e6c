"""What every writable resource shares: preconditions, idempotency, replies, revisions."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar, cast

from flask import Response, request
from flask.views import MethodView

from service import bodies
from service.auth import current_key_id, presented, requires
from service.errors import InvalidIdempotencyKey, UnsupportedMediaType
from service.extensions import db
from service.resources.common import Blueprint
from service.schemas.common import Document, RecordData
from service.schemas.revisions import RevisionPageSchema, RevisionQuery, RevisionQueryArgs
from service.services import idempotency, retries, revisions, writes
from service.services.documents import Written, etag
from service.services.registry import RecordType

F = TypeVar("F", bound=Callable[..., Any])

# Printable ASCII without spaces or quotes: a UUID, a ULID, a hash all fit.
IDEMPOTENCY_KEY = re.compile(r"^[!#-~]{1,255}$")

WRITE_HEADERS = {
    "ETag": {"description": "The ETag of the record as stored now.", "schema": {"type": "string"}},
    "Location": {"description": "Where to GET the record.", "schema": {"type": "string"}},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The record's current ETag, from a GET (or `*`). Without it: 428; when the"
    " record changed since: 412.",
    "schema": {"type": "string"},
}
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A unique key (1–255 printable characters, e.g. a UUID) that makes the POST"
    " safe to retry: a retry with the same key and body gets the first response (with"
    " `Idempotent-Replayed: true`) and creates nothing. Keys are kept for 24 hours.",
    "schema": {"type": "string", "maxLength": 255},
}


def json_body(blp: Blueprint) -> Callable[[F], F]:
    """A view taking a JSON body: 415 for another type (before webargs would read it)."""

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def view(*args: Any, **kwargs: Any) -> Any:
            if not request.is_json:
                raise UnsupportedMediaType(request.mimetype)
            return func(*args, **kwargs)

        statuses = ("BAD_REQUEST", "REQUEST_ENTITY_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE")
        return documented(blp, *statuses)(cast(F, view))

    return decorator


# What a PATCH or DELETE can answer besides success (``HTTPStatus`` names).
CONDITIONAL = ("CONFLICT", "PRECONDITION_FAILED", "PRECONDITION_REQUIRED", "SERVICE_UNAVAILABLE")


def documented(blp: Blueprint, *statuses: str) -> Callable[[F], F]:
    """Document the problem responses (``HTTPStatus`` names) a write can give."""

    def decorator(func: F) -> F:
        for status in statuses:
            func = blp.alt_response(HTTPStatus[status].value, response=status)(func)
        return func

    return decorator


def author() -> writes.Author:
    """Who writes: the request's API key, and its ``Idempotency-Key`` on a POST."""
    key = request.headers.get("Idempotency-Key")
    if key is None or request.method != "POST":
        return writes.Author(current_key_id())
    if not IDEMPOTENCY_KEY.match(key):
        raise InvalidIdempotencyKey()
    asked = idempotency.Request.of(key, request.method, request.path, request.get_data())
    return writes.Author(current_key_id(), asked)


def precondition() -> writes.Precondition | None:
    """What the request's ``If-Match`` asks for, or None without one."""
    if "If-Match" not in request.headers:
        return None
    tags = request.if_match
    return writes.Precondition(frozenset(tags.as_set(include_weak=False)), tags.star_tag)


def answer(written: Written, status: int) -> Response:
    """The response to a write: ``status``, the record's body, its ETag and where to GET it."""
    response = Response(written.body or None, status=status)
    if written.body:
        response.mimetype = "application/json"
        response.headers["ETag"] = f'"{etag(written.body)}"'
        response.headers["Location"] = f"/v1/{written.collection}/{written.key}"
    if written.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def retried(write: Callable[[], Written]) -> Written:
    """``write``'s outcome, run again if a concurrent write made the database abort it."""
    return retries.retried(db.session, db.begin_write, write)


def create(kind: RecordType, data: RecordData) -> Response:
    """201 with the new record; 200 with the one already holding the same content."""
    by = author()
    written = retried(lambda: writes.create(db.session, kind.collection, data, by))
    return answer(written, 201 if written.created else 200)


def patch(kind: RecordType, key: str, loaded: Mapping[str, object]) -> Response:
    """200 with the record as changed.

    ``loaded`` (the update schema's load) says which fields were sent and that they are
    well formed; the service takes them as sent, and loads the whole record it makes.
    """
    raw = bodies.load(request)
    changes = {name: raw[name] for name in loaded if name in raw}
    asked, by = precondition(), author()
    return answer(
        retried(lambda: writes.update_(db.session, kind.collection, key, changes, asked, by)), 200
    )


def delete(kind: RecordType, key: str) -> Response:
    """204: the record is gone from reads."""
    asked, by = precondition(), author()
    written = retried(lambda: writes.delete(db.session, kind.collection, key, asked, by))
    return answer(written, 204)


def _shown(revision: revisions.Revision, reviewer: bool) -> Document:
    """A revision as the public sees it: which kind of writer, not which key.

    ``key_id`` is left out, not null: null says the change was made locally. A reviewer
    (a ``review`` key) also sees which proposal a change accepted, as the proposals are
    theirs to read; which key wrote stays for admins.
    """
    shown: Document = {
        "revision": revision.revision,
        "op": revision.op,
        "changed_at": revision.changed_at,
        "by": revision.by,
    }
    if reviewer:
        shown["proposal_id"] = revision.proposal_id
    return {**shown, "changes": revision.changes}


def revisions_view(blp: Blueprint, kind: RecordType) -> None:
    """Route ``/{id}/revisions`` on ``blp``: the changes of a record of ``kind``, oldest first."""
    id_name, label = f"{kind.label}_id", kind.label

    class Revisions(MethodView):
        @blp.etag
        @blp.not_found
        @blp.query(RevisionQueryArgs)
        @blp.response(200, RevisionPageSchema)
        def get(self, args: RevisionQuery, **ids: str) -> Any:
            page = revisions.revisions(
                db.session, kind.collection, ids[id_name], label, args["limit"], args.get("cursor")
            )
            key = presented().key
            items: list[Any] = page.items
            if key is None or not key.grants("admin"):
                reviewer = key is not None and key.grants("review")
                items = [_shown(revision, reviewer) for revision in page.items]
            return {"items": items, "next_cursor": page.next_cursor}

    Revisions.get.__doc__ = (
        f"List the revisions of a {label}: who changed what, and when.\n\n"
        "Oldest first, one per committed change: `op` (create, update or delete), `changed_at`,"
        " `by` (`api` or `local`) and, for each field it touched, the value before and after."
        " A caller with an `admin` key also sees the `key_id` that made each change, and one with"
        " a `review` or `admin` key the `proposal_id` a change accepted. A deleted record keeps"
        " its revisions."
    )
    blp.route(f"/<string:{id_name}>/revisions", endpoint=f"{label.capitalize()}Revisions")(
        Revisions
    )


CREATES = """\
Validated as the seeds are: the countries, actors, triggers, parent and sources it names
must exist, each quote must occur verbatim in its source (curly and straight quotes alike;
the offsets are computed), and every rule between fields holds. Needs a key with the
`write` scope. Send an `Idempotency-Key` to make retries safe. Of concurrent POSTs of one
new id, one gets `201` and the others `409`. A write that keeps colliding with concurrent
writes is a `503` with `Retry-After`, and writes nothing."""
UPDATES = """\
Send `If-Match` with the ETag of your GET. Each field you send replaces the stored value
whole (a list too); the record is then validated whole, as a POST is. The answer carries
the new ETag, and the record's revisions the change. A `503` (with `Retry-After`) means
the write kept colliding with concurrent writes and changed nothing."""
DELETES = """\
Send `If-Match` with the ETag of your GET. The record leaves every read; its revisions keep
it, and the change feed carries a tombstone. A record that others refer to cannot be
deleted: the 409 names them."""


def _described(func: F, description: str) -> F:
    """Add to a view's docstring the description its kind of write shares."""
    own = inspect.cleandoc(func.__doc__ or "")
    func.__doc__ = f"{own}\n\n{description}"
    return func


def creates(blp: Blueprint, kind: RecordType) -> Callable[[F], F]:
    """Decorate a ``post`` view: write scope, ``kind``'s create schema, ``201`` with the record."""
    body = kind.create_schema
    assert body is not None, kind.collection

    def decorator(func: F) -> F:
        func = _described(func, CREATES)
        func = blp.doc(parameters=[IDEMPOTENCY])(func)
        func = documented(blp, "CONFLICT", "SERVICE_UNAVAILABLE")(func)
        func = blp.response(201, kind.schema, headers=WRITE_HEADERS)(func)
        func = blp.arguments(body)(func)
        func = json_body(blp)(func)
        return requires("write")(func)

    return decorator


def updates(blp: Blueprint, kind: RecordType) -> Callable[[F], F]:
    """Decorate a ``patch`` view: write scope, If-Match, the changed fields, ``200``."""
    body = kind.update_schema
    assert body is not None, kind.collection

    def decorator(func: F) -> F:
        func = _described(func, UPDATES)
        func = blp.doc(parameters=[IF_MATCH])(func)
        func = documented(blp, *CONDITIONAL)(func)
        func = blp.response(200, kind.schema, headers=WRITE_HEADERS)(func)
        # Any top-level field may be left out; a nested object sent must be whole.
        func = blp.arguments(body(partial=tuple(body().fields)))(func)
        func = blp.not_found(func)
        func = json_body(blp)(func)
        return requires("write")(func)

    return decorator


def deletes(blp: Blueprint) -> Callable[[F], F]:
    """Decorate a ``delete`` view: write scope, If-Match, ``204``."""

    def decorator(func: F) -> F:
        func = _described(func, DELETES)
        func = blp.doc(parameters=[IF_MATCH])(func)
        func = documented(blp, *CONDITIONAL)(func)
        func = blp.response(204)(func)
        func = blp.not_found(func)
        return requires("write")(func)

    return decorator
