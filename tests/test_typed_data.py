"""Each TypedDict of a loaded body or query has exactly the keys its schema loads.

The services and views name what crosses the layers as TypedDicts (``ActorData``,
``ActorQuery``), declared beside the schemas that load them. A type checker trusts them,
and nothing at run time does: marshmallow returns plain dicts. These tests keep the two
in step, so a field added to a schema without its key in the TypedDict fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import typing
from typing import Any, NotRequired, Required, get_args, get_origin, get_type_hints

import marshmallow as ma
import pytest

import service.resources
import service.schemas
from service.records import REGISTRY
from service.resources.countries import CountryMeasuresArgs, CountryMeasuresAsOfQuery
from service.resources.export import NoArgs, NoQuery
from service.resources.triggers import TriggerMeasuresQuery, TriggerMeasuresQueryArgs
from service.schemas.actors import ActorCreateSchema, ActorData, ActorQuery, ActorQueryArgs
from service.schemas.changes import ChangeQuery, ChangeQueryArgs
from service.schemas.common import CitationInData, CitationInSchema, CountryRoleData
from service.schemas.countries import (
    CountryMeasuresQuery,
    CountryMeasuresQueryArgs,
    CountryQuery,
    CountryQueryArgs,
)
from service.schemas.keys import KeyCreateSchema, KeyData, KeyQuery, KeyQueryArgs
from service.schemas.measures import (
    ItemData,
    ItemSchema,
    MeasureAsOf,
    MeasureAsOfArgs,
    MeasureCountryInSchema,
    MeasureCreateSchema,
    MeasureData,
    MeasureQuery,
    MeasureQueryArgs,
    MeasureTriggerData,
    MeasureTriggerInSchema,
    StatusChangeData,
    StatusChangeInSchema,
)
from service.schemas.organisations import OrganisationQuery, OrganisationQueryArgs
from service.schemas.proposals import (
    AcceptData,
    AcceptSchema,
    ProposalQuery,
    ProposalQueryArgs,
    RejectData,
    RejectSchema,
)
from service.schemas.provenance import FlagData, FlagSchema
from service.schemas.relations import RelationQuery, RelationQueryArgs
from service.schemas.revisions import RevisionQuery, RevisionQueryArgs
from service.schemas.sources import (
    CitationQuery,
    CitationQueryArgs,
    SourceCreateSchema,
    SourceData,
    SourceQuery,
    SourceQueryArgs,
)
from service.schemas.statements import (
    AboutData,
    AboutSchema,
    FigureData,
    FigureSchema,
    StatementCreateSchema,
    StatementData,
    StatementQuery,
    StatementQueryArgs,
)
from service.schemas.timeline import TimelineQuery, TimelineQueryArgs
from service.schemas.triggers import (
    TriggerCountryInSchema,
    TriggerCreateSchema,
    TriggerData,
    TriggerQuery,
    TriggerQueryArgs,
)

# Each schema that loads a body or a query for a service, and the TypedDict of what it loads.
TYPED: dict[type[ma.Schema], type] = {
    # bodies, and the objects nested in them
    MeasureCreateSchema: MeasureData,
    TriggerCreateSchema: TriggerData,
    StatementCreateSchema: StatementData,
    ActorCreateSchema: ActorData,
    SourceCreateSchema: SourceData,
    KeyCreateSchema: KeyData,
    CitationInSchema: CitationInData,
    MeasureCountryInSchema: CountryRoleData,
    TriggerCountryInSchema: CountryRoleData,
    ItemSchema: ItemData,
    MeasureTriggerInSchema: MeasureTriggerData,
    StatusChangeInSchema: StatusChangeData,
    AboutSchema: AboutData,
    FigureSchema: FigureData,
    FlagSchema: FlagData,
    AcceptSchema: AcceptData,
    RejectSchema: RejectData,
    # queries
    MeasureQueryArgs: MeasureQuery,
    MeasureAsOfArgs: MeasureAsOf,
    TriggerQueryArgs: TriggerQuery,
    TriggerMeasuresQueryArgs: TriggerMeasuresQuery,
    StatementQueryArgs: StatementQuery,
    ActorQueryArgs: ActorQuery,
    CountryQueryArgs: CountryQuery,
    CountryMeasuresQueryArgs: CountryMeasuresQuery,
    CountryMeasuresArgs: CountryMeasuresAsOfQuery,
    OrganisationQueryArgs: OrganisationQuery,
    SourceQueryArgs: SourceQuery,
    CitationQueryArgs: CitationQuery,
    TimelineQueryArgs: TimelineQuery,
    RelationQueryArgs: RelationQuery,
    ChangeQueryArgs: ChangeQuery,
    RevisionQueryArgs: RevisionQuery,
    KeyQueryArgs: KeyQuery,
    ProposalQueryArgs: ProposalQuery,
    NoArgs: NoQuery,
}
PAIRS = [pytest.param(schema, typed, id=schema.__name__) for schema, typed in TYPED.items()]


def loaded_fields(schema: type[ma.Schema]) -> dict[str, ma.fields.Field[Any]]:
    """The fields ``schema`` loads, by the key each has in the loaded dict.

    marshmallow reads a field from its ``data_key`` and stores it under its ``attribute``
    (both default to the field's name): ``from`` of the timeline is loaded as ``from_``.
    """
    return {
        field.attribute or name: field
        for name, field in schema().fields.items()
        if not field.dump_only
    }


def always_loaded(field: ma.fields.Field[Any]) -> bool:
    """Whether a load always puts the field in its dict: it is required or has a default."""
    return field.required or field.load_default is not ma.missing


def typed_keys(typed: type) -> dict[str, tuple[bool, Any]]:
    """Each key of ``typed``: whether it is required, and its type.

    Read from the annotations, not ``__required_keys__``: Python 3.11 cannot see
    ``NotRequired`` in the string annotations of ``from __future__ import annotations``.
    """
    keys = {}
    for name, hint in get_type_hints(typed, include_extras=True).items():
        origin = get_origin(hint)
        if origin is NotRequired:
            keys[name] = (False, get_args(hint)[0])
        elif origin is Required:
            keys[name] = (True, get_args(hint)[0])
        else:
            keys[name] = (typed.__total__, hint)  # type: ignore[attr-defined]
    return keys


@pytest.mark.parametrize(("schema", "typed"), PAIRS)
def test_typed_dict_has_the_keys_its_schema_loads(schema: type[ma.Schema], typed: type) -> None:
    assert set(typed_keys(typed)) == set(loaded_fields(schema))


@pytest.mark.parametrize(("schema", "typed"), PAIRS)
def test_a_key_is_required_exactly_when_the_load_always_fills_it(
    schema: type[ma.Schema], typed: type
) -> None:
    keys = typed_keys(typed)
    fields = loaded_fields(schema)
    required = {name for name, (needed, _) in keys.items() if needed}
    assert required == {name for name, field in fields.items() if always_loaded(field)}


def _nested(field: ma.fields.Field[Any]) -> type[ma.Schema] | None:
    """The schema of a nested object, or of each entry of a list or dict of them."""
    if isinstance(field, ma.fields.List):
        return _nested(field.inner)
    if isinstance(field, ma.fields.Dict) and field.value_field is not None:
        return _nested(field.value_field)
    if isinstance(field, ma.fields.Nested):
        return type(field.schema)
    return None


def _innermost(hint: Any) -> Any:
    """``X`` of ``X``, ``X | None``, ``list[X]``, ``dict[str, X]``."""
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (hint,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return _innermost(hint)
    if origin is list:
        return _innermost(get_args(hint)[0])
    if origin is dict:
        return _innermost(get_args(hint)[1])
    return hint


@pytest.mark.parametrize(("schema", "typed"), PAIRS)
def test_a_nested_object_is_typed_by_its_own_schemas_typed_dict(
    schema: type[ma.Schema], typed: type
) -> None:
    keys = typed_keys(typed)
    for name, field in loaded_fields(schema).items():
        if (nested := _nested(field)) is not None:
            assert nested in TYPED, f"{schema.__name__}.{name}: {nested.__name__} has no TypedDict"
            assert _innermost(keys[name][1]) is TYPED[nested], f"{schema.__name__}.{name}"


def _input_schemas() -> set[type[ma.Schema]]:
    """Every body and query schema declared in ``service.schemas`` and ``service.resources``."""
    found: set[type[ma.Schema]] = set()
    for package in (service.schemas, service.resources):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            members = inspect.getmembers(importlib.import_module(module.name), inspect.isclass)
            found |= {
                value
                for name, value in members
                if issubclass(value, ma.Schema)
                and value.__module__ == module.name
                and name.endswith(("Args", "CreateSchema"))
                and name != "ListArgs"  # the base of the lists' queries, never loaded alone
            }
    return found


def test_every_body_and_query_schema_has_its_typed_dict() -> None:
    assert _input_schemas() - set(TYPED) == set()


@pytest.mark.parametrize(
    "kind", [k for k in REGISTRY if k.put is not None], ids=lambda k: k.collection
)
def test_each_record_types_put_takes_its_create_schemas_typed_dict(kind: Any) -> None:
    assert kind.create_schema is not None
    assert get_type_hints(kind.put)["data"] is TYPED[kind.create_schema]
    if kind.twin is not None:  # what else a POST answers with reads the same body
        assert get_type_hints(kind.twin)["data"] is TYPED[kind.create_schema]


@pytest.mark.parametrize("nested", [CountryMeasuresAsOfQuery, TriggerMeasuresQuery])
def test_a_nested_list_of_measures_asks_only_what_the_list_of_measures_may(nested: type) -> None:
    # ``resources.measures.within`` hands such a query to ``measures.page`` as a MeasureQuery.
    measure = {name: hint for name, (_, hint) in typed_keys(MeasureQuery).items()}
    assert {name: hint for name, (_, hint) in typed_keys(nested).items()}.items() <= measure.items()
