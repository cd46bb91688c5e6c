"""Streaming a list: every matching record, read in keyset batches, as a download.

Exports get an ``ETag`` too, but not from their bytes, which are only known once the
stream is sent: from the register's data version (its last change, see
:func:`service.cache.data_version`), the request and the format. Every committed write
appends to the change feed, so an unchanged version means an unchanged export and
``If-None-Match`` can answer 304 without reading a single record.

A download is read in one transaction (``db.snapshot()``), so it is one consistent state
of the register, and the response owns that transaction: Flask ends the request when the
view returns, before the first line is sent, so :func:`download` closes the session
itself, when the last line is made or when the server closes the response (sent, or the
client gone), whichever comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import marshmallow as ma
from flask import Response, current_app, stream_with_context
from sqlalchemy.orm import Session

from service.cache import data_version
from service.exports import csv, ndjson
from service.exports.negotiation import MEDIA_TYPES
from service.extensions import db
from service.records import REGISTRY
from service.services.paging import Page

Fetch = Callable[[dict[str, Any]], Page[Any]]
# A page of records to their API documents at once (faster than a schema dump per record).
Render = Callable[[Sequence[Any]], list[dict[str, Any]]]

DEFAULT_BATCH_SIZE = 500
# Bump when the shape of an export changes, so cached copies stop matching.
EXPORT_VERSION = 1
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8; header=present", "ndjson": MEDIA_TYPES["ndjson"]}


def batch_size() -> int:
    """Records read per query (``EXPORT_BATCH_SIZE`` in the app config; tests make it tiny)."""
    return int(current_app.config.get("EXPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def pages(fetch: Fetch, args: dict[str, Any], size: int) -> Iterator[Page[Any]]:
    """Every page ``fetch`` gives, from ``args['cursor']`` (if any) to the end.

    The first batch is read now, so a bad cursor is a 422 rather than a broken stream.
    """
    first = fetch({**args, "limit": size})

    def following(page: Page[Any]) -> Iterator[Page[Any]]:
        while True:
            yield page
            if page.next_cursor is None:
                return
            page = fetch({**args, "limit": size, "cursor": page.next_cursor})

    return following(first)


def every(fetch: Fetch, args: dict[str, Any], size: int) -> Iterator[Any]:
    """Every record ``fetch`` matches, from ``args['cursor']`` (if any) to the end."""
    return (record for page in pages(fetch, args, size) for record in page.items)


def fingerprint(session: Session) -> list[Any]:
    """What an export's ETag is made of: the export format and the register's version."""
    return [EXPORT_VERSION, data_version(session)]


def download(chunks: Iterable[str], fmt: str, filename: str, session: Session) -> Response:
    """``chunks`` as a download; it owns ``session`` (from ``db.snapshot()``) and closes it."""
    db.stream(session)

    def lines() -> Iterator[str]:
        try:
            yield from chunks
        finally:
            # Frees the connection (and SQLite's read lock) as soon as the last line is made.
            db.release(session)

    response = Response(stream_with_context(lines()), content_type=CONTENT_TYPES[fmt])
    # The server closes every response, also one whose client left before the first line,
    # when ``lines`` never started and its ``finally`` cannot run.
    response.call_on_close(lambda: db.release(session))
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def list_export(
    session: Session,
    fetch: Fetch,
    args: dict[str, Any],
    schema: ma.Schema,
    fmt: str,
    name: str,
    render: Render | None = None,
) -> Response:
    """Every record of a list, as CSV or NDJSON, in the list's filter and sort order.

    ``fetch`` reads through ``session``, the request's session made a snapshot.
    """
    dump = render or (lambda records: [schema.dump(record) for record in records])
    items = (doc for page in pages(fetch, args, batch_size()) for doc in dump(page.items))
    kind = REGISTRY.by_schema(type(schema))
    columns = kind.columns if kind is not None else csv.columns_for(schema)
    chunks = csv.write(columns, items) if fmt == "csv" else ndjson.write(items)
    return download(chunks, fmt, f"{name}.{fmt}", session)
