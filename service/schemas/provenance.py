"""How a record's claims are known: stated by an article, derived from one, or inferred.

A record's ``provenance`` maps the path of a claim to its flag ``{basis, note}``; a claim
without a flag is stated. Paths name list entries by what they are, not by position
(``countries.RU.target``, ``triggers.ru-invasion-of-ukraine.responds_to``), since the API
serves countries and triggers in its own order; status changes keep their order, so
``status_history.0`` is the first. ``basis`` beside it is the weakest flag, the key of
``?basis=``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypedDict

import marshmallow as ma

from service import vocabularies as vocab
from service.schemas.common import Document, term, text

Claims = Callable[[Mapping[str, Any]], set[str]]
_ORDER = list(vocab.BASES)


class FlagData(TypedDict):
    basis: str
    note: str | None


Provenance = dict[str, FlagData]  # a record's ``provenance``: the flag of each claim, by path


class Flagged(TypedDict):
    """A body that flags its claims: every record type's but actors' and sources'."""

    provenance: Provenance


class FlagSchema(ma.Schema):
    """How one claim is known."""

    basis = term(vocab.BASES, required=True, metadata={"example": "inferred"})
    note = text(
        2000,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "How it is derived, or the reasoning behind an inference"
            " (required for `inferred`).",
            "example": "No article gives the year; 003's dateline (Oct. 2024) suggests 2024.",
        },
    )

    @ma.validates_schema
    def _note(self, data: dict[str, Any], **_: object) -> None:
        if data.get("basis") == "inferred" and not data.get("note"):
            raise ma.ValidationError("An inferred claim needs a note on the reasoning.", "note")


def weakest(provenance: Mapping[str, Mapping[str, Any]] | None) -> str:
    """The weakest basis among the flags: ``stated`` when there are none."""
    bases = [flag["basis"] for flag in (provenance or {}).values()]
    return max(bases, key=_ORDER.index, default="stated")


def _present(data: Mapping[str, Any], names: tuple[str, ...]) -> set[str]:
    return {name for name in names if data.get(name) not in (None, [], "")}


def _roles(data: Mapping[str, Any]) -> set[str]:
    return {f"countries.{c['country'].upper()}.{c['role']}" for c in data.get("countries") or []}


def measure_claims(data: Mapping[str, Any]) -> set[str]:
    """The paths a measure's provenance may flag: the claims this measure makes."""
    scalars = ("type", "status", "announced_by", "announced_on", "effective_on", "expected_by")
    claims = _present(data, (*scalars, "conditional", "parent", "items")) | _roles(data)
    claims |= {f"triggers.{t['trigger']}.{t['relation']}" for t in data.get("triggers") or []}
    claims |= {f"status_history.{i}" for i in range(len(data.get("status_history") or []))}
    return claims


def trigger_claims(data: Mapping[str, Any]) -> set[str]:
    """The claims a trigger makes, by path: what its ``provenance`` may flag."""
    return _present(data, ("kind", "occurred_on", "verification")) | _roles(data)


def statement_claims(data: Mapping[str, Any]) -> set[str]:
    """The claims a statement makes, by path: what its ``provenance`` may flag."""
    return _present(data, ("actor", "stance", "about", "said_on", "figure"))


class Flags(ma.fields.Dict):
    """A mapping of paths to flags whose errors name the path (``provenance.status.note``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return super()._deserialize(value, attr, data, **kwargs)  # type: ignore[no-untyped-call]
        except ma.ValidationError as error:
            messages = error.messages
            if isinstance(messages, dict):  # marshmallow files a value's errors under "value"
                messages = {
                    path: m.get("value", m) if isinstance(m, dict) else m
                    for path, m in messages.items()
                }
            raise ma.ValidationError(messages) from error


def provenance_field(paths: str) -> ma.fields.Dict:
    """The ``provenance`` of a record whose flaggable claims are ``paths`` (for the docs)."""
    return Flags(
        keys=ma.fields.String(),
        values=ma.fields.Nested(FlagSchema),
        load_default=dict,
        metadata={
            "description": "How claims are known, by path: a claim not listed is stated by"
            f" the cited articles. Paths: {paths}.",
            "example": {
                "parent": {
                    "basis": "inferred",
                    "note": "No article calls these countermeasures part of the phased measures.",
                }
            },
        },
    )


def basis_field() -> ma.fields.String:
    """The served ``basis``: the weakest basis in a record's ``provenance``."""
    return ma.fields.String(
        dump_only=True,
        metadata={
            "description": "The weakest basis in `provenance`: `stated` when every claim is.",
            "example": "stated",
        },
    )


def basis_arg(records: str) -> ma.fields.String:
    """The ``basis`` filter of a list of ``records``."""
    return term(
        vocab.BASES,
        metadata={
            "description": f"Only {records} known at least this well: `stated`, every claim"
            " stated by an article; `derived`, stated or derived; `inferred`, all."
        },
    )


def pruned(schema: type[ma.Schema], data: Document) -> Document:
    """``data`` without flags on claims it no longer makes: a flag goes with its claim.

    For a PATCH that changes claims but not ``provenance`` (clearing a flagged date, say).
    """
    claims: Claims | None = getattr(schema, "claims", None)
    flags = data.get("provenance")
    if claims is None or not isinstance(flags, dict):
        return data
    made = claims(data)
    return {**data, "provenance": {path: f for path, f in flags.items() if path in made}}


def check(data: Mapping[str, Any], claims: Claims) -> None:
    """Each flag names a claim the record makes (422 naming the path otherwise)."""
    unknown = sorted(set(data.get("provenance") or {}) - claims(data))
    if unknown:
        raise ma.ValidationError(
            {"provenance": {path: ["The record makes no such claim to flag."] for path in unknown}}
        )
