"""flask-smorest's Api, answering every HTTP error as application/problem+json."""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Response, current_app, json, request
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, NotFound

from service.errors import PROBLEM_JSON, ContentTooLarge, flatten
from service.observability import current_request_id
from service.problems import examples, problem, render

UNKNOWN_FIELD = "Unknown field."
REPEATED = "Given more than once; it takes one value."


class FieldErrorSchema(ma.Schema):
    name = ma.fields.String(
        required=True, metadata={"description": "The parameter or field, dotted for nesting."}
    )
    location = ma.fields.String(
        required=True,
        data_key="in",
        metadata={"description": "Where it was: query, path, body or header."},
    )
    reason = ma.fields.String(required=True, metadata={"description": "What is wrong with it."})


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True, metadata={"example": "Unprocessable Content"})
    status = ma.fields.Integer(required=True, metadata={"example": 422})
    detail = ma.fields.String(
        metadata={"example": "Invalid value for query parameter 'status': Must be one of: …"}
    )
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))
    request_id = ma.fields.String(
        metadata={"description": "On server errors: the request's X-Request-ID, to report it."}
    )


_LOCATIONS = {"json": "body", "query": "query", "view_args": "path", "headers": "header"}


def validation_problem(messages: dict[str, Any]) -> Response:
    """Unknown or repeated single-valued query parameters are a 400; other bad input a 422."""
    errors = []
    for location, fields in messages.items():
        place = _LOCATIONS.get(location, location)
        for name, reason in flatten(fields):
            if place == "query":
                name = name.split(".")[0]  # `status.1` of a comma-separated list is `status`
            errors.append({"name": name or "(body)", "in": place, "reason": reason})
    unknown = [e for e in errors if e["in"] == "query" and e["reason"] == UNKNOWN_FIELD]
    if unknown:
        names = ", ".join(sorted(e["name"] for e in unknown))
        return problem(400, "Bad Request", f"Unknown query parameter(s): {names}.", unknown)
    repeated = [e for e in errors if e["in"] == "query" and e["reason"] == REPEATED]
    if repeated:
        names = ", ".join(sorted(e["name"] for e in repeated))
        detail = f"Query parameter(s) given more than once but taking one value: {names}."
        return problem(400, "Bad Request", detail, repeated)
    detail = "; ".join(
        f"invalid {e['in']} {'parameter' if e['in'] == 'query' else 'field'} "
        f"'{e['name']}': {e['reason'].rstrip('.')}"
        for e in errors
    )
    return problem(422, "Unprocessable Content", detail[:1].upper() + detail[1:] + ".", errors)


def server_error(code: int, error: HTTPException, headers: dict[str, str]) -> Response:
    """Log it with its stack; tell the client only which request it was."""
    # Flask has already logged an unhandled exception (and its stack) as it turned it into a 500.
    if getattr(error, "original_exception", None) is None:
        current_app.logger.error(
            "%s %s answered %s: %s", request.method, request.path, code, error, exc_info=True
        )
    request_id = current_request_id()
    title = http.HTTPStatus(code).phrase if code in http.HTTPStatus._value2member_map_ else ""
    body = {
        "type": "about:blank",
        "title": title or error.name,
        "status": code,
        "detail": f"The server could not complete the request; quote request id {request_id} "
        "when reporting it.",
        "request_id": request_id,
    }
    return Response(json.dumps(body), status=code, mimetype=PROBLEM_JSON, headers=headers)


def body_too_large(headers: dict[str, str]) -> Response:
    """Say what the limit is: a client can then split its work or shorten the text."""
    return render(ContentTooLarge(current_app.config.get("MAX_CONTENT_LENGTH")), headers)


class Api(flask_smorest.Api):  # type: ignore[misc]  # flask-smorest ships no type hints
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        """Answer an HTTP error (a 404 route, a 405) as application/problem+json."""
        code = error.code or 500
        if code == 304:
            return Response(status=304, headers=dict(getattr(error, "data", {}).get("headers", {})))
        data = getattr(error, "data", None) or {}
        if code == 422 and "messages" in data:
            return validation_problem(data["messages"])
        if code == 400 and "messages" in data:  # webargs could not decode the JSON body
            reason = str(getattr(error, "exc", None) or "invalid JSON")
            errors = [{"name": "(body)", "in": "body", "reason": reason}]
            return problem(400, "Bad Request", f"The body is not valid JSON: {reason}.", errors)
        headers: dict[str, str] = dict(data.get("headers") or {})
        if code == 405:
            headers.update(error.get_response().headers.items())
            headers.pop("Content-Type", None)
            headers.pop("Content-Length", None)
        if code >= 500:
            return server_error(code, error, headers)
        if code == 413:
            return body_too_large(headers)
        if isinstance(error, NotFound) and not data.get("message"):
            detail = f"No resource at {request.path}."
        else:
            detail = data.get("message") or error.description or ""
        title = http.HTTPStatus(code).phrase if code in http.HTTPStatus._value2member_map_ else ""
        return problem(code, title or error.name, detail, headers=headers)

    def _register_responses(self) -> None:
        """Document every error response as application/problem+json, with its own example."""
        shown = examples()
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            if status in shown:
                response["example"] = shown[status]
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {
            "description": "Default error response",
            "schema": self.ERROR_SCHEMA,
            "example": shown[500],
        }
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)

    def _register_pagination_header(self) -> None:
        """Lists page by cursor: flask-smorest's page-number metadata would document nothing."""
