"""What the OpenAPI document says beyond each view's decorators.

Operation ids, path parameters described with an example from the seeds, JSON listed
first among a response's media types, no pre-filled optional filters on the docs page, and
each closed list of values (a vocabulary, the country codes) stated once as a component.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin

from service.schemas.common import Term

URI_TOO_LONG = "URI_TOO_LONG"

# Each example is a record of the seeds (tests/test_openapi_docs.py checks they exist).
PATH_PARAMETERS = {
    "measure_id": ("The measure's id.", "kr-k2-tanks-poland"),
    "trigger_id": ("The trigger's id.", "kp-troops-to-russia"),
    "statement_id": ("The statement's id.", "nis-kp-troops-up-to-10000"),
    "actor_id": ("The actor's id.", "yoon-suk-yeol"),
    "source_id": ("The source's id.", "kr-phased-measures-article"),
    "code": ("The country's ISO 3166-1 alpha-2 code, in any case.", "KR"),
    "key_id": ("The API key's id: the 16 hex digits after `reg_` in its token.", None),
    "proposal_id": ("The proposal's id (from `GET /v1/proposals`).", None),
    "format": (
        "`csv` (a header, then one row a record) or `ndjson` (one JSON object a line).",
        "csv",
    ),
}
JSON = "application/json"
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


def operation_id(method: str, endpoint: str) -> str:
    """``get`` on ``measures.MeasureItem`` is ``getMeasureItem``: stable, unique per view."""
    return method.lower() + endpoint.rsplit(".", 1)[-1]


def _describe_path_parameter(parameter: dict[str, Any]) -> None:
    known = PATH_PARAMETERS.get(parameter.get("name", ""))
    if parameter.get("in") == "path" and known:
        parameter.setdefault("description", known[0])
        if known[1] is not None:
            parameter.setdefault("example", known[1])


def _example_into_description(parameter: dict[str, Any]) -> None:
    """Swagger UI pre-fills every example into "Try it out": filters that match nothing."""
    if parameter.get("in") != "query" or parameter.get("required"):
        return
    example = parameter.get("schema", {}).pop("example", None)
    if example is not None:
        description = parameter.get("description", "").rstrip()
        parameter["description"] = f"{description} Example: `{example}`.".lstrip()


def _json_first(operation: dict[str, Any]) -> None:
    """flask-smorest lists the CSV and NDJSON alternatives first; Swagger UI picks the first."""
    for response in operation.get("responses", {}).values():
        content = response.get("content") if isinstance(response, dict) else None
        if content and JSON in content:
            response["content"] = {JSON: content[JSON], **content}


def _single_ref(schema: dict[str, Any]) -> dict[str, Any]:
    """``{"allOf": [ref]}`` alone is the ref: generators then name the type, not a copy."""
    if list(schema) == ["allOf"] and len(schema["allOf"]) == 1:
        return dict(schema["allOf"][0])
    return schema


CURSORS = ("cursor", "since")  # the change feed resumes from `since`
# Query parameters many operations take word for word: each one is a component, once.
SHARED_PARAMETERS = {
    "cursor": "Cursor",
    "limit": "Limit",
    "changed_since": "ChangedSince",
    "format": "Format",
    "as_of": "AsOf",
}


def _next_page_link(path: str, operation: dict[str, Any]) -> None:
    """A paged list links its 200 to itself: `next_cursor` is the next request's cursor.

    OpenAPI links tell clients and testers (schemathesis' stateful phase) where a valid
    cursor comes from, since no other value is one. The cursor is bound to its `sort`.
    """
    names = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
    cursor = next((name for name in CURSORS if name in names), None)
    responses = operation.get("responses", {})
    ok = responses.get(200, responses.get("200"))  # flask-smorest keys by int until written
    if cursor is None or not isinstance(ok, dict) or JSON not in ok.get("content", {}):
        return  # not paged, or a download (its body is every record, not a page)
    parameters = {cursor: "$response.body#/next_cursor"}
    if "sort" in names:
        parameters["sort"] = "$request.query.sort"
    for name in PATH_PARAMETERS:
        if f"{{{name}}}" in path:
            parameters[name] = f"$request.path.{name}"
    ok["links"] = {
        "next": {
            "operationId": operation["operationId"],
            "parameters": parameters,
            "description": "The next page: the same request from `next_cursor`.",
        }
    }


class RegisterDocs(BasePlugin):
    """Complete what the views declare; a view's own ``@blp.doc(...)`` always wins."""

    def init_spec(self, spec: APISpec) -> None:
        """Keep the spec, to add the shared components to it."""
        self.spec = spec
        self.shared: dict[str, dict[str, Any]] = {}
        marshmallow = next(p for p in spec.plugins if isinstance(p, MarshmallowPlugin))
        assert marshmallow.converter is not None
        marshmallow.converter.add_attribute_function(self.no_null_default)
        marshmallow.converter.add_attribute_function(self.term_component)

    def no_null_default(
        self, field: ma.fields.Field[Any], ret: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        """Leave out ``default: null``: a generator would make the field required.

        openapi-typescript types a property with a default as always present, so a create
        body would have to send `"country": null`. Leaving a nullable field out already
        means null on a create, and on a PATCH it keeps the stored value.
        """
        if "default" in ret and ret["default"] is None:
            del ret["default"]
        return {}

    def _shared(self, parameter: dict[str, Any]) -> dict[str, Any] | str:
        """The component of a parameter every list takes alike (apispec makes the $ref)."""
        component = SHARED_PARAMETERS.get(parameter.get("name", ""))
        if parameter.get("in") != "query" or component is None:
            return parameter
        if component not in self.shared:
            self.shared[component] = parameter
            self.spec.components.parameter(component, "query", dict(parameter))
        if self.shared[component] != parameter:
            return parameter  # the same name, another meaning (a feed's `limit`)
        return component

    def term_component(
        self, field: ma.fields.Field[Any], ret: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        """A ``Term`` refers to its list's component: its values once, not at every use.

        Listed at every use, the 249 country codes made most of the document, and a
        generator made one enum type per use. In OpenAPI 3.0 a ``$ref`` ignores its
        siblings, so a field's own description, default or nullability wraps it in ``allOf``.
        """
        if not isinstance(field, Term):
            return {}
        ref = self.spec.components.get_ref("schema", field.component)
        if field.component not in self.spec.components.schemas:
            self.spec.components.schema(
                field.component,
                {"type": "string", "enum": field.choices, "description": field.about},
            )
        ret.pop("type", None)
        ret.pop("enum", None)
        rest = dict(ret)
        ret.clear()
        return _single_ref({"allOf": [ref], **rest})

    def _too_long(self) -> str:
        """The 414 every operation may answer, declared once as a component."""
        if URI_TOO_LONG not in self.spec.components.responses:
            from flask_smorest.utils import prepare_response

            from service.api import ProblemSchema
            from service.errors import PROBLEM_JSON
            from service.problems import example

            response: dict[str, Any] = {
                "description": "The request line (method, path and query) is longer than"
                " 8,190 bytes: send fewer or shorter parameters.",
                "schema": ProblemSchema,
                "example": example(414),
            }
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(URI_TOO_LONG, response)
        return URI_TOO_LONG

    def path_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        parameters: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> str | None:
        """Describe the path parameters of ``path``."""
        for parameter in parameters or []:
            _describe_path_parameter(parameter)
        return None  # the path as flask-smorest wrote it

    def operation_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Give each operation its id, the next-page link and JSON-first content."""
        rule = kwargs.get("rule")
        for method, operation in (operations or {}).items():
            if method not in HTTP_METHODS:
                continue
            if rule is not None:
                operation.setdefault("operationId", operation_id(method, rule.endpoint))
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict):
                    _describe_path_parameter(parameter)
                    _example_into_description(parameter)
                    if "schema" in parameter:  # its description moved onto the parameter
                        parameter["schema"] = _single_ref(parameter["schema"])
            _json_first(operation)
            _next_page_link(path or "", operation)
            # The server refuses any request line past 8,190 bytes before a route is chosen.
            operation.setdefault("responses", {}).setdefault("414", self._too_long())
            operation["parameters"] = [
                self._shared(p) if isinstance(p, dict) else p
                for p in operation.get("parameters", [])
            ]


def plugins() -> list[BasePlugin]:
    """The apispec plugins flask-smorest adds to its own."""
    return [RegisterDocs()]
