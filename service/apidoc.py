"""What the OpenAPI document says beyond each view's decorators.

Operation ids, path parameters described with an example from the seeds, JSON listed
first among a response's media types, and no pre-filled optional filters on the docs page.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

# Each example is a record of the seeds (tests/test_openapi_docs.py checks they exist).
PATH_PARAMETERS = {
    "measure_id": ("The measure's id.", "kr-k2-tanks-poland"),
    "trigger_id": ("The trigger's id.", "kp-troops-to-russia"),
    "statement_id": ("The statement's id.", "nis-kp-troops-up-to-10000"),
    "actor_id": ("The actor's id.", "yoon-suk-yeol"),
    "source_id": ("The source's id.", "kr-phased-measures-article"),
    "code": ("The country's ISO 3166-1 alpha-2 code, in any case.", "KR"),
    "key_id": ("The API key's id: the 16 hex digits after `reg_` in its token.", None),
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


class RegisterDocs(BasePlugin):
    """Complete what the views declare; a view's own ``@blp.doc(...)`` always wins."""

    def path_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        parameters: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> str | None:
        for parameter in parameters or []:
            _describe_path_parameter(parameter)
        return None  # the path as flask-smorest wrote it

    def operation_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
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
            _json_first(operation)


def plugins() -> list[BasePlugin]:
    """The apispec plugins flask-smorest adds to its own."""
    return [RegisterDocs()]
