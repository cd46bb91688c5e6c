"""Placeholder until API keys land: every write is anonymous."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def requires(scope: str) -> Callable[[F], F]:
    return lambda func: func


def current_key_id() -> str | None:
    return None
