"""Fields and schema pieces shared by every resource."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, NotRequired, TypedDict, cast

import marshmallow as ma
import pycountry
from marshmallow import validate

from service import vocabularies as vocab
from service.models.base import ID_LENGTH

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

# A JSON object as the API serves it (a record its schema dumped) or as a client sent it,
# before any schema loaded it. What a schema loads has a TypedDict of its own:
Document = dict[str, Any]

# Beside each schema that loads a body or a query for a service stands the TypedDict of
# what it loads (``XData`` for a body, ``XQuery`` for a query), named in the signatures
# the loaded dict crosses: views, services. They are types only: marshmallow still returns
# plain dicts. Every one is total; a key the load may leave out is ``NotRequired``.
# tests/test_typed_data.py holds each equal to its schema's loadable fields.


def slug(**kwargs: Any) -> ma.fields.String:
    """A record id: a stable, human-readable slug."""
    metadata = {"description": "A stable, human-readable slug.", "example": "kr-k2-tanks-poland"}
    metadata |= kwargs.pop("metadata", {})
    return ma.fields.String(
        validate=[validate.Length(min=1, max=ID_LENGTH), validate.Regexp(SLUG_PATTERN)],
        metadata=metadata,
        **kwargs,
    )


class StrictBoolean(ma.fields.Boolean):
    """JSON's ``true`` or ``false`` in a body: 0, 1 or "yes" would be a guess at the meaning."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Term(ma.fields.String):
    """A string from a closed list, documented once as the schema component ``component``.

    Every field of the same list refers to that one component (``service.apidoc``), so a
    generated client has one enum type for it, and the document lists its values once.
    """

    def __init__(
        self,
        component: str,
        choices: Sequence[str],
        about: str,
        *,
        case_insensitive: bool = False,
        error: str | None = None,
        **kwargs: Any,
    ) -> None:
        one_of = _CaseInsensitiveOneOf if case_insensitive else validate.OneOf
        super().__init__(validate=one_of(list(choices), error=error), **kwargs)
        self.component = component
        self.choices = list(choices)
        self.about = about


class _CaseInsensitiveOneOf(validate.OneOf):
    """``OneOf`` for values looked up in any case; the choices document the canonical case."""

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or value.upper() not in self.choices:
            raise ma.ValidationError(self._format_error(value))
        return value


def _component_name(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def term(vocabulary: Mapping[str, str], name: str | None = None, **kwargs: Any) -> Term:
    """A string that must be a term of ``vocabulary`` (documented as a shared enum).

    ``name`` is the vocabulary's, for one that ``GET /v1/vocabularies`` does not serve.
    """
    if name is None:
        name = next(name for name, terms in vocab.ALL.items() if terms is vocabulary)
        where = f"A term of the `{name}` vocabulary (`GET /v1/vocabularies`)."
    else:
        where = "One of:"
    definitions = "; ".join(f"`{t}`: {d.rstrip('.')}" for t, d in vocabulary.items())
    about = f"{where} {definitions}."
    return Term(_component_name(name), list(vocabulary), about, **kwargs)


ISO_CODES = sorted(c.alpha_2 for c in pycountry.countries)
# Whatever may hold a country's role: each ISO 3166-1 country, and each organisation
# (``models/country.py`` says why they share the field). A closed list, so the schema
# checks it without the database and the document lists every code.
PARTY_CODES = ISO_CODES + sorted(vocab.ORGANISATIONS)


def country_code(**kwargs: Any) -> Term:
    """A party's code in either case, documented in upper case: a country or an organisation."""
    kwargs["metadata"] = {"example": "KR"} | kwargs.get("metadata", {})
    return Term(
        "CountryCode",
        PARTY_CODES,
        "ISO 3166-1 alpha-2 country code, or the code of an international organisation"
        " (`EU`, `UNSC`, `NATO`, `G7`…: `GET /v1/organisations`), which holds its roles as"
        " one party, never as its members; lookups are case-insensitive (`kr` is `KR`).",
        case_insensitive=True,
        error="Not an ISO 3166-1 alpha-2 country code nor an organisation's code.",
        **kwargs,
    )


# PostgreSQL cannot store NUL in text and no article needs it; a pattern documents the rule.
_NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")


def text(max_length: int, *rules: Callable[[str], Any], **kwargs: Any) -> ma.fields.String:
    """Free text of 1 to ``max_length`` characters (every string a write takes has a bound).

    ``rules`` are further validators of the field.
    """
    return ma.fields.String(
        validate=[validate.Length(min=1, max=max_length), _NO_NUL, *rules], **kwargs
    )


# What PostgreSQL's integer and bigint columns hold: a larger number is a 422, not a 500.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

# A source's text: a 1 MiB body (MAX_BODY_BYTES' default) holds about this much; the bound
# stays when a deployment raises the body limit, so every string of a write is finite.
MAX_SOURCE_TEXT = 1_000_000

# How many entries each list of a body may hold: far past any real record (the richest seeded
# one has 13 citations, 4 countries, 3 items, 2 triggers), yet finite, because the cost of a
# write grows with each entry (every citation is searched for in its source's text, every
# country, trigger and status change is checked and written).
MAX_COUNTRIES = 500  # every ISO 3166-1 country (249) in two roles
MAX_ITEMS = 500
MAX_TRIGGERS = 100
MAX_CITATIONS = 100
MAX_STATUS_CHANGES = 100
MAX_ALIASES = 100

# Dates a record may carry. Outside these a date is a typing mistake (9999 would sort first,
# 0001 last): the register is about events since 1900, announced or expected up to 2100.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
_PLAUSIBLE = validate.Range(
    min=EARLIEST_DATE,
    max=LATEST_DATE,
    error=f"Must be between {EARLIEST_DATE} and {LATEST_DATE}.",
)


def record_date(description: str, **kwargs: Any) -> ma.fields.Date:
    """A date of a record (YYYY-MM-DD), between 1900 and 2100."""
    return ma.fields.Date(
        validate=_PLAUSIBLE,
        metadata={"description": f"{description} Between {EARLIEST_DATE} and {LATEST_DATE}."},
        **kwargs,
    )


def many(item: ma.fields.Field[Any], max_items: int, **kwargs: Any) -> ma.fields.List[Any]:
    """A list of at most ``max_items`` entries (at least one when ``required``)."""
    least = 1 if kwargs.get("required") else None
    return ma.fields.List(item, validate=validate.Length(min=least, max=max_items), **kwargs)


class ManyValues(ma.fields.List[Any]):
    """A query parameter of several values: its key repeated, or values separated by commas.

    Repeating the key is OpenAPI's default for an array (`style: form, explode: true`) and
    what generated clients send; commas are shorter to type. Both may be mixed. `status=` is
    a mistake, not "every status".
    """

    is_multiple = True  # webargs hands over every value of a repeated key, not the first

    def __init__(self, inner: ma.fields.Field[Any], description: str, **kwargs: Any) -> None:
        how = "Several values: repeat the parameter, or separate them with commas."
        super().__init__(
            inner,
            validate=validate.Length(min=1),
            metadata={"description": f"{description.rstrip('.')}. {how}"},
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise self.make_error("invalid")
        parts = [part for each in values for part in each.split(",")]
        return super()._deserialize(parts, attr, data, **kwargs)


def terms(vocabulary: Mapping[str, str], description: str, name: str | None = None) -> ManyValues:
    """Terms of ``vocabulary`` to filter by, any of which matches (``name``: see :func:`term`)."""
    return ManyValues(term(vocabulary, name), description)


def search(**kwargs: Any) -> ma.fields.String:
    """The ``q`` parameter."""
    metadata = {"description": "Words to find (case-insensitive substrings)."}
    metadata |= kwargs.pop("metadata", {})
    return text(200, metadata=metadata, **kwargs)


_PRECISION_START = {
    "month": lambda d: d.day == 1,
    "year": lambda d: d.day == 1 and d.month == 1,
}


def check_partial_dates(data: Mapping[str, Any], names: tuple[str, ...]) -> None:
    """Each date ``x`` goes with ``x_precision``; a month or year date is its first day."""
    errors: dict[str, list[str]] = {}
    for name in names:
        key = f"{name}_precision"
        if name not in data and key not in data:
            continue
        value: dt.date | None = data.get(name)
        precision = data.get(key)
        if value is None and precision is not None:
            errors[key] = ["A precision needs a date."]
        elif value is not None and precision is None:
            errors[key] = ["Give the precision of the date: day, month or year."]
        elif (
            value is not None
            and precision in _PRECISION_START
            and not _PRECISION_START[precision](value)
        ):
            errors[name] = [f"A date of {precision} precision is the first day of its {precision}."]
    if errors:
        raise ma.ValidationError(errors)


def date_pair(name: str, description: str) -> dict[str, ma.fields.Field[Any]]:
    """``name`` (a date) and ``name_precision`` (day, month or year), both nullable."""
    return {
        name: record_date(description, allow_none=True, load_default=None),
        f"{name}_precision": term(
            vocab.DATE_PRECISIONS,
            allow_none=True,
            load_default=None,
            metadata={"description": f"How precisely `{name}` is known."},
        ),
    }


class DatedSchema(ma.Schema):
    """A body whose dates (``DATES``) each go with a precision, checked together.

    A record's body (``WHOLE_ONLY``) is checked only when loaded whole: a PATCH loads it
    partially, and the service then checks the whole record it makes.
    """

    DATES: ClassVar[tuple[str, ...]] = ()
    WHOLE_ONLY: ClassVar[bool] = False

    @ma.validates_schema
    def _dates(self, data: dict[str, Any], partial: object = False, **_: object) -> None:
        if partial and self.WHOLE_ONLY:
            return
        check_partial_dates(data, self.DATES)
        self.rules(data)

    def rules(self, data: dict[str, Any]) -> None:
        """What a body must satisfy once its dates are right; raises ``ValidationError``."""


def dated(*dates: tuple[str, str], whole_only: bool = False) -> type[DatedSchema]:
    """A ``DatedSchema`` with each ``(name, description)`` date and its precision as fields."""
    fields: dict[str, ma.fields.Field[Any]] = {}
    for name, description in dates:
        fields |= date_pair(name, description)
    base = cast(type[DatedSchema], DatedSchema.from_dict(fields, name="Dated"))
    base.DATES = tuple(name for name, _ in dates)
    base.WHOLE_ONLY = whole_only
    return base


class RecordData(TypedDict):
    """What the body of every record type has, whatever the type: its id."""

    id: str


class CitationInData(TypedDict):
    source: str
    quote: str
    occurrence: NotRequired[int]


class CitationInSchema(ma.Schema):
    """A quote to cite, located in the source's text by the service."""

    source = slug(required=True, metadata={"example": "kr-phased-measures-article"})
    quote = text(5000, required=True, metadata={"description": "Verbatim words of the source."})
    # An occurrence past the longest text cannot exist.
    occurrence = ma.fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_SOURCE_TEXT),
        metadata={"description": "Which occurrence, when the words occur more than once."},
    )


class CitationSchema(ma.Schema):
    """Evidence: a verbatim span of a source's text."""

    id = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "`{source}-{start}-{end}`.",
            "example": "kr-considers-weapons-for-ukraine-article-3158-3272",
        },
    )
    source = ma.fields.String(
        attribute="source_id", metadata={"example": "kr-considers-weapons-for-ukraine-article"}
    )
    quote = ma.fields.String(
        metadata={
            "description": "Exactly `source.text[start:end]`.",
            "example": "The two countries are working to finalize a new agreement involving"
            " South Korean K-2 tanks by the end of the year.",
        }
    )
    start = ma.fields.Integer(
        metadata={"description": "Offset of the first character.", "example": 3158}
    )
    end = ma.fields.Integer(
        metadata={"description": "Offset after the last character.", "example": 3272}
    )


class CountryRoleData(TypedDict):
    """A country and its role in a record, as a measure's or a trigger's body gives it."""

    country: str
    role: str


class CountryRoleSchema(ma.Schema):
    country = ma.fields.String(attribute="country_code", metadata={"example": "KR"})
    role = ma.fields.String(metadata={"example": "imposer"})


def timestamp(description: str) -> ma.fields.AwareDateTime:
    """``created_at``/``updated_at``: declared last in each schema so records read id-first."""
    return ma.fields.AwareDateTime(dump_only=True, metadata={"description": description})


CREATED = "When the register first stored the record (UTC)."
UPDATED = "When the record's content last changed (UTC); reseeding unchanged data keeps it."


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The envelope of a list: one page of items and the cursor of the next."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item), required=True),
            "next_cursor": ma.fields.String(
                allow_none=True,
                required=True,
                metadata={
                    "description": "Pass as `cursor` for the next page (an opaque token); null"
                    " on the last."
                },
            ),
        },
        name=name,
    )


def _utc_representable(value: dt.datetime) -> None:
    # 0001-01-01T00:00+01:00 is a valid date-time that has no UTC equivalent in Python.
    try:
        value.astimezone(dt.UTC)
    except OverflowError as error:
        raise ma.ValidationError("Out of range in UTC.") from error


def page_size() -> ma.fields.Integer:
    """``limit``: how many items a page holds."""
    return ma.fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=200),
        metadata={"description": "Page size (1–200)."},
    )


OPAQUE = (
    "An opaque token the server issued: pass it back unchanged, never build or edit one."
    " Any other value is a 422 problem naming `{name}`."
)


def cursor_arg() -> ma.fields.String:
    """``cursor``: where the next page starts."""
    return ma.fields.String(
        validate=validate.Length(min=1, max=1000),
        metadata={
            "description": "Where the page starts: the previous page's `next_cursor`, with"
            " the same `sort`. " + OPAQUE.format(name="cursor")
        },
    )


class ListQuery(TypedDict):
    limit: int
    cursor: NotRequired[str]
    changed_since: NotRequired[dt.datetime]
    format: NotRequired[str]


class RankedQuery(TypedDict):
    """What a list that ``q`` searches reads to page by relevance (``services/search.py``)."""

    limit: int
    cursor: NotRequired[str]
    q: NotRequired[str]
    sort: NotRequired[str]


class ListArgs(ma.Schema):
    """Paging arguments every list takes."""

    limit = page_size()
    cursor = cursor_arg()
    changed_since = ma.fields.AwareDateTime(
        default_timezone=dt.UTC,
        validate=_utc_representable,
        metadata={
            "description": "Only records whose `updated_at` is at or after this ISO 8601"
            " date-time (UTC when it has no offset)."
        },
    )
    format = ma.fields.String(
        validate=validate.OneOf(["json", "csv", "ndjson"]),
        metadata={
            "description": "`json` (default): one page. `csv` or `ndjson`: a 303 to this"
            " list's download, every matching record in the same filter and sort order, at"
            " this path with `.csv` or `.ndjson` (its own operation; `cursor`, if given, is"
            " where it starts). Wins over the Accept header (`text/csv`,"
            " `application/x-ndjson`)."
        },
    )


def full_text(searched: str) -> ma.fields.String:
    """The ``q`` of a list searched by the database's full-text engine."""
    description = (
        f"Full-text search of {searched}: every word must be there (stemmed: `tanks` finds"
        " `tank`); a term with inner punctuation such as `K-2` is a phrase. Nothing in it is"
        " query syntax."
    )
    return search(metadata={"description": description})


def ranked_sort_arg(keys: list[str], default: str) -> ma.fields.String:
    """``sort`` of a list ``q`` searches: ``relevance`` too, the default when searching."""
    choices = [*keys, *(f"-{k}" for k in keys), "relevance"]
    return ma.fields.String(
        validate=validate.OneOf(choices),
        metadata={
            "description": "Sort key; a leading `-` sorts descending; `relevance` puts the best"
            f" matches of `q` first. Default: `relevance` with `q`, otherwise `{default}`."
        },
    )


def sort_arg(keys: list[str], default: str) -> ma.fields.String:
    """The ``sort`` parameter over ``keys``, each also descending with a leading ``-``."""
    choices = [*keys, *(f"-{k}" for k in keys)]
    return ma.fields.String(
        load_default=default,
        validate=validate.OneOf(choices),
        metadata={"description": "Sort key; a leading `-` sorts descending."},
    )


def update_schema(create: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The body of a PATCH: any fields of ``create`` but ``id``; each one given is replaced.

    Load it with ``partial=True``; the service then checks the whole record it makes.
    """
    meta = type("Meta", (), {"exclude": ("id",)})
    doc = f"Fields of {create.__name__.removesuffix('CreateSchema').lower()} to change."
    return type(name, (create,), {"Meta": meta, "__doc__": doc})
