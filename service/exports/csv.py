"""CSV: one flat row per record, the columns a spreadsheet user expects, in a fixed order.

Rows are built from the same dumped representation the JSON API serves, so CSV and JSON
never disagree. Multi-valued fields are joined with "; " in readable form. Coarse dates
keep their precision: joined values show ``2024-10`` or ``2024``, never an invented day.

Formula injection (OWASP): a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab
or carriage return is prefixed with ``'`` so spreadsheets show it instead of running it.
Numbers are written as they are: a spreadsheet reads ``-5`` as a number, not a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import marshmallow as ma

from service import vocabularies as vocab
from service.schemas.common import CitationSchema

Row = Mapping[str, Any]
Column = tuple[str, Callable[[Row], Any]]

JOIN = "; "
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    """``text`` made safe to open in a spreadsheet (see the module docstring)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def cell(value: Any) -> str | int | float:
    """``value`` as a CSV cell: empty for null, lists joined, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return guard(JOIN.join(_text(v) for v in value if v is not None))
    return guard(_text(value))


def _text(value: Any) -> str:
    # Only lists nobody has laid out yet carry objects: keep them lossless as JSON.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)


def partial_date(value: str | None, precision: str | None) -> str:
    """An ISO date cut to what is known: ``2024-10-22``, ``2024-10`` or ``2024``."""
    if not value:
        return ""
    return value[:7] if precision == "month" else value[:4] if precision == "year" else value


def _plural(role: str) -> str:
    if role.endswith("y"):
        return role[:-1] + "ies"
    return role if role.endswith("ed") else role + "s"


def field(name: str) -> Column:
    """A column holding the field ``name``."""
    return name, lambda row: row.get(name)


def fields(*names: str) -> list[Column]:
    """A column for each of ``names``."""
    return [field(name) for name in names]


def sub(name: str, key: str) -> Column:
    """``name_key`` from the nested object ``name`` (empty when it is null)."""
    return f"{name}_{key}", lambda row: (row.get(name) or {}).get(key)


def role_columns(roles: Iterable[str]) -> list[Column]:
    """One column per country role (``imposers``, ``targets``…), codes joined."""

    def codes(role: str) -> Callable[[Row], list[str]]:
        return lambda row: [c["country"] for c in row.get("countries", []) if c["role"] == role]

    return [(_plural(role), codes(role)) for role in roles]


def quotes(row: Row, name: str = "citations") -> list[str]:
    """The quotes a row cites under ``name``, each with its source."""
    return [f"“{c['quote']}” ({c['source']})" for c in row.get(name) or []]


def item_text(item: Row) -> str:
    """``K-2 tank (tank)``, with ``×180`` when the quantity is known."""
    text = f"{item['name']} ({item['category']})"
    return text if item.get("quantity") is None else f"{text} ×{item['quantity']}"


def _history(change: Row) -> str:
    date = partial_date(change.get("changed_on"), change.get("changed_on_precision"))
    return f"{change['status']} {date}" if date else change["status"]


def _flags(row: Row) -> list[str]:
    """``path: basis (note)`` for each claim not stated by an article."""
    flags = (row.get("provenance") or {}).items()
    return [
        f"{path}: {f['basis']} ({f['note']})" if f.get("note") else f"{path}: {f['basis']}"
        for path, f in flags
    ]


PROVENANCE: list[Column] = [field("basis"), ("provenance", _flags)]


def dated(name: str) -> list[Column]:
    """The columns of the date ``name`` and of its precision."""
    return fields(name, f"{name}_precision")


MEASURE: list[Column] = [
    *fields("id", "type", "status", "title", "summary"),
    *role_columns(vocab.MEASURE_COUNTRY_ROLES),
    field("announced_by"),
    *dated("announced_on"),
    *dated("effective_on"),
    *dated("expected_by"),
    *fields("conditional", "condition", "parent", "phase", "children"),
    ("items", lambda row: [item_text(i) for i in row.get("items", [])]),
    ("triggers", lambda row: [f"{t['trigger']} ({t['relation']})" for t in row["triggers"]]),
    ("status_history", lambda row: [_history(c) for c in row.get("status_history", [])]),
    ("citations", quotes),
    *PROVENANCE,
    *fields("created_at", "updated_at"),
]
TRIGGER: list[Column] = [
    *fields("id", "kind", "title", "description"),
    *role_columns(vocab.TRIGGER_COUNTRY_ROLES),
    *dated("occurred_on"),
    field("verification"),
    ("citations", quotes),
    *PROVENANCE,
    *fields("created_at", "updated_at"),
]
STATEMENT: list[Column] = [
    *fields("id", "actor", "stance"),
    sub("about", "type"),
    sub("about", "id"),
    *dated("said_on"),
    field("quote"),
    *(sub("figure", key) for key in ("value", "unit", "qualifier", "place", "as_of")),
    sub("figure", "as_of_precision"),
    *(sub("citation", key) for key in ("quote", "source", "start", "end")),
    *PROVENANCE,
    *fields("created_at", "updated_at"),
]
ACTOR: list[Column] = [
    *fields("id", "kind", "name", "country", "role", "aliases"),
    ("citations", quotes),
    *fields("created_at", "updated_at"),
]
COUNTRY = fields("code", "alpha3", "name", "official_name", "aliases", "created_at", "updated_at")
ORGANISATION = fields("code", "name", "official_name", "aliases", "created_at", "updated_at")
SOURCE = fields(
    "id",
    "title",
    "publisher",
    "byline",
    "published_on",
    "published_on_precision",
    "revised_on",
    "url",
    "language",
    "content_sha256",
    "text",
    "created_at",
    "updated_at",
)
CITATION = fields("id", "source", "quote", "start", "end")

# Lists of what is not a record type (a record type declares its own: ``RecordType.columns``).
COLUMNS: dict[type[ma.Schema], list[Column]] = {CitationSchema: CITATION}


def _cites(f: ma.fields.Field[Any]) -> bool:
    inner = getattr(f, "inner", None)
    return isinstance(inner, ma.fields.Nested) and isinstance(inner.schema, CitationSchema)


def _generic(schema: ma.Schema) -> list[Column]:
    """Columns for a list no one has laid out yet: one per field, citations as quotes."""
    return [
        (name, partial(quotes, name=name)) if _cites(f) else field(name)
        for name, f in schema.fields.items()
        if not f.load_only
    ]


def columns_for(schema: ma.Schema) -> Sequence[Column]:
    """The CSV columns of a list served with ``schema``."""
    return COLUMNS.get(type(schema)) or _generic(schema)


def write(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[str]:
    """The header, then one CSV line per row (RFC 4180: quoted as needed, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([name for name, _ in columns])
    yield flush()
    for row in rows:
        writer.writerow([cell(get(row)) for _, get in columns])
        yield flush()
