"""Which representation a client gets: the ``format`` parameter first, then ``Accept``."""

from __future__ import annotations

from collections.abc import Sequence

from flask import request

from service.errors import NotAcceptable

JSON = "application/json"
CSV = "text/csv"
NDJSON = "application/x-ndjson"
MEDIA_TYPES = {"json": JSON, "csv": CSV, "ndjson": NDJSON}
FORMATS = tuple(MEDIA_TYPES)


def negotiate(requested: str | None, offered: Sequence[str] = FORMATS) -> str:
    """The format to answer in: ``requested`` (the ``format`` parameter) wins over Accept.

    No Accept header, or ``*/*``, means the first format offered (JSON for lists). An
    Accept header that names none of the offered media types is a 406, not a silent JSON.
    """
    if requested is not None:
        return requested
    types = [MEDIA_TYPES[name] for name in offered]
    best = request.accept_mimetypes.best_match(types) if request.accept_mimetypes else types[0]
    if best is None:
        raise NotAcceptable(
            f"Cannot answer in any media type the Accept header names; this resource offers "
            f"{', '.join(types)} (or pass `format`)."
            if len(types) > 1
            else f"Cannot answer in any media type the Accept header names; this resource "
            f"offers only {types[0]}."
        )
    return next(name for name in offered if MEDIA_TYPES[name] == best)
