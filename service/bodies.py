"""JSON request bodies, read strictly: what ``json.loads`` lets through that no write can use.

Python's reader accepts ``NaN`` and repeated member names, builds a lone surrogate from
``"\\ud800"`` (a string no database can store as UTF-8), fails with RecursionError on deep
nesting and with ValueError on an integer of 4,301 digits. Here each of those is a problem
that names the member at fault: 400 when the body is not JSON as RFC 8259 and I-JSON
(RFC 7493) define it, 422 when it is JSON but holds a value nothing could store.
"""

from __future__ import annotations

import json
import math
from collections import deque
from typing import Any

from flask import Request

from service.errors import InvalidBody, MalformedBody

# The deepest body a write takes (a measure's status change's citation) is 3 levels deep;
# 32 leaves room for any sane client and stops a body of brackets before it costs anything.
MAX_DEPTH = 32
# Bounded integers are at most 19 digits (2^63); past 100 a number is a mistake or an attack,
# and converting it would cost time quadratic in its length (Python caps it at 4,300).
MAX_DIGITS = 100
_CACHE = "register.json_body"
_LEFT_OUT = "register.json_body_left_out"


class _Unreadable:
    """Stands in for a value the reader refused, until the walk knows the member's name."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason


class _Members(dict[str, Any]):
    """A JSON object; ``repeated`` holds the names it gave more than once."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Members:
    members = _Members(pairs)
    members.repeated = []
    if len(members) < len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                members.repeated.append(name)
            seen.add(name)
    return members


def _integer(literal: str) -> int | _Unreadable:
    if len(literal.lstrip("-")) > MAX_DIGITS:
        return _Unreadable(422, f"A number of {len(literal.lstrip('-'))} digits is out of range.")
    return int(literal)


def _float(literal: str) -> float | _Unreadable:
    value = float(literal)
    if not math.isfinite(value):
        return _Unreadable(422, "The number is out of range.")
    return value


def _constant(literal: str) -> _Unreadable:
    return _Unreadable(400, f"{literal} is not a JSON number.")


def _unicode(text: str) -> bool:
    """False for a string holding a lone surrogate: not Unicode text, so not storable."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """A member's name fit to echo in a problem document (lone surrogates escaped)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _problems(document: Any) -> list[tuple[int, str, str]]:
    """(status, dotted name, reason) of each refused value; iterative, so depth costs no stack."""
    found: list[tuple[int, str, str]] = []
    queue: deque[tuple[Any, str, int]] = deque([(document, "", 0)])
    while queue and len(found) < 20:
        value, path, depth = queue.popleft()
        if depth > MAX_DEPTH:
            # Name the outermost member: its dotted path 32 levels down would say nothing more.
            found.append((400, path.split(".")[0], f"Nested deeper than {MAX_DEPTH} levels."))
            continue
        if isinstance(value, _Unreadable):
            found.append((value.status, path, value.reason))
        elif isinstance(value, str) and not _unicode(value):
            found.append((422, path, "Contains a lone surrogate: not Unicode text."))
        elif isinstance(value, _Members):
            for name in value.repeated:
                found.append((400, _join(path, _shown(name)), "The member is given twice."))
            for name, member in value.items():
                if not _unicode(name):
                    found.append((422, _join(path, _shown(name)), "A name with a lone surrogate."))
                else:
                    queue.append((member, _join(path, name), depth + 1))
        elif isinstance(value, list):
            queue.extend((item, _join(path, str(i)), depth + 1) for i, item in enumerate(value))
    return found


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _loads(text: str) -> Any:
    return json.loads(
        text,
        object_pairs_hook=_object,
        parse_int=_integer,
        parse_float=_float,
        parse_constant=_constant,
    )


def _undecoded(data: bytes) -> list[str]:
    """The members whose bytes are not UTF-8 (latin-1 sent as UTF-8), if the rest is JSON.

    Decoded with ``surrogateescape``, each such byte is a lone surrogate, which the walk
    finds and names.
    """
    try:
        document = _loads(data.decode("utf-8", "surrogateescape"))
    except (RecursionError, ValueError):
        return []
    return [name for status, name, _ in _problems(document) if status == 422 and name]


def parse(data: bytes) -> Any:
    """The JSON document in ``data``, or a 400 or 422 problem naming what is wrong."""
    if not data.strip():
        raise MalformedBody("Empty: send a JSON object.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"Not UTF-8 (byte {error.start})."
        where = _undecoded(data)
        raise MalformedBody(
            f"{', '.join(where)}: {reason}" if where else reason,
            [{"name": name, "in": "body", "reason": reason} for name in where] or None,
        ) from None
    try:
        document = _loads(text)
    except RecursionError:
        raise MalformedBody(f"Nested deeper than {MAX_DEPTH} levels.") from None
    except json.JSONDecodeError as error:
        raise MalformedBody(f"{error.msg} (line {error.lineno}, column {error.colno}).") from None
    found = _problems(document)
    malformed = [(name, reason) for status, name, reason in found if status == 400]
    if malformed:
        raise MalformedBody(
            "; ".join(f"{name or '(body)'}: {reason.rstrip('.')}" for name, reason in malformed)
            + ".",
            [{"name": name or "(body)", "in": "body", "reason": r} for name, r in malformed],
        )
    if found:
        raise InvalidBody({name: [reason] for _, name, reason in found})
    return document


def load(request: Request) -> Any:
    """The request's JSON body, parsed once (the PATCH view reads it again) and strictly."""
    if _CACHE not in request.environ:
        request.environ[_CACHE] = parse(request.get_data(cache=True))
    return request.environ[_CACHE]


def optional(request: Request) -> None:
    """For a body that may be left out: an empty one is none, whatever Content-Type says.

    A client that sends ``Content-Type: application/json`` on every request sends it
    with no body too.
    """
    if not request.get_data(cache=True):
        request.environ[_LEFT_OUT] = True


def given(request: Request) -> bool:
    """Whether the request has a body to read (see :func:`optional`)."""
    return not request.environ.get(_LEFT_OUT, False)
