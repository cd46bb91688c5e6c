"""flask-smorest's blueprint with the types mypy cannot read from it, declared once.

flask-smorest ships no type hints: this subclass is where its decorators get their types,
so every view keeps its decorators as written and stays typed. Each method is the
library's own, unchanged (same arguments, same defaults).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import flask_smorest
import marshmallow as ma

F = TypeVar("F", bound=Callable[..., Any])


class TypedBlueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's ``Blueprint``, its decorators typed."""

    def route(
        self,
        rule: str,
        *,
        parameters: list[Any] | None = None,
        tags: list[str] | None = None,
        **options: Any,
    ) -> Callable[[F], F]:
        """flask-smorest's ``route``, typed."""
        decorator = super().route(rule, parameters=parameters, tags=tags, **options)
        return cast(Callable[[F], F], decorator)

    def arguments(
        self,
        schema: type[ma.Schema] | ma.Schema,
        *,
        location: str = "json",
        content_type: str | None = None,
        required: bool = True,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Callable[[F], F]:
        """flask-smorest's ``arguments``, typed."""
        decorator = super().arguments(
            schema,
            location=location,
            content_type=content_type,
            required=required,
            description=description,
            example=example,
            examples=examples,
            **kwargs,
        )
        return cast(Callable[[F], F], decorator)

    def response(
        self,
        status_code: int | str,
        schema: type[ma.Schema] | ma.Schema | str | dict[str, Any] | None = None,
        *,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
    ) -> Callable[[F], F]:
        """flask-smorest's ``response``, typed."""
        decorator = super().response(
            status_code,
            schema,
            content_type=content_type,
            description=description,
            example=example,
            examples=examples,
            headers=headers,
        )
        return cast(Callable[[F], F], decorator)

    def alt_response(
        self,
        status_code: int | str,
        response: str | None = None,
        *,
        schema: type[ma.Schema] | ma.Schema | str | dict[str, Any] | None = None,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        success: bool = False,
    ) -> Callable[[F], F]:
        """flask-smorest's ``alt_response``, typed."""
        decorator = super().alt_response(
            status_code,
            response,
            schema=schema,
            content_type=content_type,
            description=description,
            example=example,
            examples=examples,
            headers=headers,
            success=success,
        )
        return cast(Callable[[F], F], decorator)

    def etag(self, obj: F) -> F:
        """The view (a function or a ``MethodView``) with ETag checks and headers."""
        return cast(F, super().etag(obj))

    def paginate(
        self,
        pager: type | None = None,
        *,
        page: int | None = None,
        page_size: int | None = None,
        max_page_size: int | None = None,
    ) -> Callable[[F], F]:
        """flask-smorest's ``paginate``, typed."""
        decorator = super().paginate(
            pager, page=page, page_size=page_size, max_page_size=max_page_size
        )
        return cast(Callable[[F], F], decorator)

    @staticmethod
    def doc(**kwargs: Any) -> Callable[[F], F]:
        """flask-smorest's ``doc``, typed."""
        return cast(Callable[[F], F], flask_smorest.Blueprint.doc(**kwargs))
