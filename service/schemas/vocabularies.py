"""Vocabulary schema."""

from __future__ import annotations

import marshmallow as ma


class TermSchema(ma.Schema):
    term = ma.fields.String(required=True, metadata={"example": "threatened"})
    definition = ma.fields.String(required=True)


class VocabularySchema(ma.Schema):
    """A controlled vocabulary and the definition of each term."""

    name = ma.fields.String(required=True, metadata={"example": "measure_status"})
    terms = ma.fields.List(ma.fields.Nested(TermSchema), required=True)


class VocabularyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(VocabularySchema), required=True)
