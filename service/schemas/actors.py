"""Actor schemas."""

from __future__ import annotations

from typing import NotRequired, TypedDict

import marshmallow as ma

from service import vocabularies as vocab
from service.schemas.common import (
    CREATED,
    MAX_ALIASES,
    MAX_CITATIONS,
    UPDATED,
    CitationInData,
    CitationInSchema,
    CitationSchema,
    ListArgs,
    ListQuery,
    country_code,
    many,
    page_schema,
    search,
    slug,
    sort_arg,
    term,
    text,
    timestamp,
    update_schema,
)


class ActorSchema(ma.Schema):
    """A person or body that announces, reports, demands or denies."""

    id = slug(metadata={"example": "yoon-suk-yeol"})
    kind = ma.fields.String(metadata={"example": "person"})
    name = ma.fields.String(metadata={"example": "Yoon Suk Yeol"})
    country = ma.fields.String(
        attribute="country_code", allow_none=True, metadata={"example": "KR"}
    )
    role = ma.fields.String(allow_none=True, metadata={"example": "President of South Korea"})
    aliases = ma.fields.List(ma.fields.String(), metadata={"example": ["President Yoon", "Yoon"]})
    citations = ma.fields.List(ma.fields.Nested(CitationSchema))
    created_at = timestamp(CREATED)
    updated_at = timestamp(UPDATED)


class ActorData(TypedDict):
    """An actor's body as ``ActorCreateSchema`` loads it: what ``actors.put`` stores."""

    id: str
    kind: str
    name: str
    country: str | None
    role: str | None
    aliases: list[str]
    citations: list[CitationInData]


class ActorCreateSchema(ma.Schema):
    id = slug(required=True)
    kind = term(vocab.ACTOR_KINDS, required=True)
    name = text(300, required=True)
    country = country_code(allow_none=True, load_default=None)
    role = text(300, allow_none=True, load_default=None)
    aliases = many(text(200), MAX_ALIASES, load_default=list)
    citations = many(ma.fields.Nested(CitationInSchema), MAX_CITATIONS, required=True)


ActorUpdateSchema = update_schema(ActorCreateSchema, "ActorUpdateSchema")
ActorPageSchema = page_schema(ActorSchema, "ActorPage")


class ActorQuery(ListQuery):
    kind: NotRequired[str]
    country: NotRequired[str]
    q: NotRequired[str]
    sort: str


class ActorQueryArgs(ListArgs):
    kind = term(vocab.ACTOR_KINDS, metadata={"description": "Only actors of this kind."})
    country = country_code(metadata={"description": "Only actors of this country."})
    q = search(metadata={"description": "Words to find in names, roles and aliases."})
    sort = sort_arg(["id", "name", "kind"], "id")
