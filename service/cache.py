"""A cache of JSON reads, keyed by the register's data version, so it is never stale.

Every committed write of a record appends to the change feed (``changes``) in its own
transaction, whichever process or instance makes it, and PostgreSQL writers take the
feed's lock so seqs follow commit order. The last change, ``(seq, changed_at)``, is thus
a version of the whole register: a response cached under it is valid exactly as long as
it is still the last change. (``changed_at`` guards against a seq reused after a rolled
back write, which SQLite allows.) A request reads the version before anything else, in
the same transaction as its data, so a cached body is never older than its key.

The cache stores finished 200 responses that carry an ``ETag``: a hit is answered without
parsing, querying or rendering, and a conditional GET whose ``If-None-Match`` matches is
a 304. Entries live in an in-process LRU bounded by bytes (``RESPONSE_CACHE_BYTES``;
0 turns the cache off). Lookups run after the application's own ``before_request``
hooks (the blueprint's run last), so nothing they enforce is skipped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from flask import Flask, Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import DomainError
from service.exports.negotiation import negotiate
from service.extensions import db
from service.models import Change

EXTENSION = "response_cache"
# The headers that belong to the representation; anything else is per request.
KEPT_HEADERS = ("ETag", "Link", "Vary")
_ENTRY_OVERHEAD = 512  # bytes of bookkeeping per entry, beyond the body and headers

Key = tuple[Any, ...]


def data_version(session: Session) -> tuple[int, str] | None:
    """The version of everything the register holds: its last change (None before any)."""
    row = session.execute(
        select(Change.seq, Change.changed_at).order_by(Change.seq.desc()).limit(1)
    ).first()
    return None if row is None else (row.seq, row.changed_at.isoformat())


@dataclass(frozen=True)
class Entry:
    body: bytes
    mimetype: str
    etag: str  # unquoted
    headers: tuple[tuple[str, str], ...]

    def size(self) -> int:
        """The bytes this entry takes in the cache."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + _ENTRY_OVERHEAD


class ResponseCache:
    """A thread-safe LRU of finished responses, bounded by their size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._entries: LRUCache[Key, Entry] = LRUCache(maxsize=max_bytes, getsizeof=Entry.size)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> Entry | None:
        """The entry under ``key`` (counted as a hit or a miss), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
            else:
                self.hits += 1
            return entry

    def put(self, key: Key, entry: Entry) -> None:
        """Keep ``entry`` under ``key``, unless it is larger than the whole cache."""
        if entry.size() > self._entries.maxsize:
            return  # larger than the whole cache: not worth evicting everything for
        with self._lock:
            self._entries[key] = entry

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    @property
    def size(self) -> int:
        """Bytes held."""
        return int(self._entries.currsize)


def init_app(app: Flask, max_bytes: int) -> None:
    """Give ``app`` a response cache of ``max_bytes`` (0: none)."""
    app.extensions[EXTENSION] = ResponseCache(max_bytes) if max_bytes > 0 else None


def _cache() -> ResponseCache | None:
    cache: ResponseCache | None = current_app.extensions.get(EXTENSION)
    return cache


def _key() -> Key | None:
    """This request's key: data version, method, full URL and negotiated format."""
    try:
        fmt = negotiate(request.args.get("format"))
    except DomainError:
        return None  # a 406: the view answers it
    # The full URL, host included: the Link header of a page carries it.
    return (data_version(db.session), request.method, request.url, fmt)


def lookup() -> Response | None:
    """``before_request``: answer a GET from the cache, or note its key for ``store``."""
    cache = _cache()
    if cache is None or request.method != "GET" or "Authorization" in request.headers:
        # A key may see more than the public (an admin sees who wrote a revision): keyed
        # reads are answered fresh, and only anonymous answers are kept (see ``store``).
        return None
    key = _key()
    if key is None:
        return None
    entry = cache.get(key)
    if entry is None:
        g.response_cache_key = key
        return None
    if entry.etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{entry.etag}"'})
    return Response(entry.body, status=200, headers=list(entry.headers), mimetype=entry.mimetype)


def store(response: Response) -> Response:
    """``after_request``: keep a finished 200 JSON response that carries an ETag."""
    key = g.pop("response_cache_key", None)
    cache = _cache()
    if key is None or cache is None:
        return response
    if "Authorization" in request.headers:
        # What a key may read (its own key list) must never be served to anyone else: only
        # answers to anonymous requests, which anyone may get, are kept.
        return response
    etag, weak = response.get_etag()
    if (
        response.status_code != 200
        or response.mimetype != "application/json"
        or response.is_streamed
        or etag is None
        or weak
    ):
        return response
    headers = tuple(
        (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
    )
    cache.put(key, Entry(response.get_data(), response.mimetype, etag, headers))
    return response
