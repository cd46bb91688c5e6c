"""The one place environment variables are read, validated when the service starts."""

from __future__ import annotations

import os
import re
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, Literal

from limits import parse_many
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic.dataclasses import dataclass
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'register.db'}"
ORIGIN = re.compile(r"^https?://[^/\s?#]+$")


class ConfigError(ValueError):
    """A setting from the environment is invalid; the message names it and says why."""


def _database_url(value: str) -> str:
    try:
        make_url(value).get_dialect()
    except NoSuchModuleError:  # a subclass of ArgumentError
        raise ValueError(f"no database driver for '{make_url(value).drivername}'") from None
    except ArgumentError:
        raise ValueError(
            "not an SQLAlchemy URL such as postgresql+psycopg://user@host/db"
        ) from None
    return value


def _origins(value: Any) -> tuple[str, ...]:
    """``CORS_ORIGINS`` is comma-separated: ``https://a.example,https://b.example`` or ``*``."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    origins = tuple(str(origin).rstrip("/") for origin in value)
    for origin in origins:
        if origin != "*" and not ORIGIN.match(origin):
            raise ValueError(f"'{origin}' is not an origin such as https://example.org (or *)")
    return origins


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.rstrip("/")
    if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
        raise ValueError("not a base URL such as https://register.example.org")
    return value


def _limit(value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise ValueError("not a rate limit such as '120 per minute' or '10/second'") from None
    return value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


@dataclass(frozen=True)
class Config:
    """Every setting of the service; the environment variable is the field's name in capitals."""

    database_url: Annotated[str, AfterValidator(_database_url)] = DEFAULT_DATABASE_URL
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    # Fixed by the query schemas (and so by the OpenAPI document), not by the environment.
    default_page_size: int = 50
    max_page_size: int = 200
    # The server (python -m service serve).
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    workers: Annotated[int, Field(ge=1, le=64)] = 2
    # Requests are CPU-bound Python: past two threads a worker mostly contends for the GIL
    # (a filtered page at 1M measures: 650 req/s with 2 x 2 on two cores, 530 with 2 x 8).
    threads: Annotated[int, Field(ge=1, le=256)] = 2
    worker_timeout: Annotated[int, Field(ge=1, le=3600)] = 30
    graceful_timeout: Annotated[int, Field(ge=1, le=3600)] = 30
    prometheus_multiproc_dir: Path | None = None
    # The application.
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(_upper)
    ] = "INFO"
    cors_origins: Annotated[tuple[str, ...], BeforeValidator(_origins)] = ()
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    seed_on_start: bool = False
    # Rate limits (flask-limiter strings such as "120 per minute"): per API key, else per
    # client address; shared by every worker and instance through Redis when REDIS_URL is set.
    rate_limit_enabled: bool = True
    rate_limit_anonymous: Annotated[str, AfterValidator(_limit)] = "120 per minute"
    rate_limit_key: Annotated[str, AfterValidator(_limit)] = "1200 per minute"
    redis_url: str | None = None
    # How many proxies in front to believe (X-Forwarded-For, -Host, -Proto).
    trusted_proxies: Annotated[int, Field(ge=0, le=16)] = 0
    # The address clients reach the API at, for absolute links (`Link`); without it (and
    # without a trusted proxy) links are relative, so a forged Host is never echoed back.
    public_base_url: Annotated[str | None, AfterValidator(_base_url)] = None
    # Bearer token Prometheus sends for /metrics; without it only loopback clients may read it.
    metrics_token: Annotated[str | None, Field(min_length=16)] = None
    # Bytes of rendered JSON reads kept per process (0: no response cache).
    response_cache_bytes: Annotated[int, Field(ge=0)] = 64 * 2**20
    # What one request may cost the database. Past a bound the answer is a 503 with
    # Retry-After, not a request that hangs: one held lock would otherwise stall every
    # request behind it, and a stopped database every worker thread.
    db_statement_timeout_ms: Annotated[int, Field(ge=0)] = 15_000  # PostgreSQL; 0: none
    db_lock_timeout_ms: Annotated[int, Field(ge=1)] = 5_000  # PostgreSQL; SQLite busy timeout
    db_pool_timeout: Annotated[float, Field(gt=0)] = 10.0  # seconds for a free connection
    db_connect_timeout: Annotated[int, Field(ge=1)] = 5  # seconds, PostgreSQL

    @classmethod
    def from_env(cls) -> Config:
        """The settings from the environment; an empty variable counts as unset."""
        values: dict[str, Any] = {
            field.name: os.environ[field.name.upper()]
            for field in fields(cls)
            if field.name not in _NOT_FROM_ENV and os.environ.get(field.name.upper(), "").strip()
        }
        try:
            return cls(**values)
        except ValidationError as error:
            raise ConfigError(describe(error)) from None


_NOT_FROM_ENV = {"default_page_size", "max_page_size"}
# Echoing a URL could print its password.
_SECRET = {"database_url", "redis_url", "metrics_token"}


def describe(error: ValidationError, option_prefix: str | None = None) -> str:
    """One line naming each bad setting (as a variable, or as ``--option``) and why."""
    problems = []
    for item in error.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "?"
        name = field.upper() if option_prefix is None else option_prefix + field
        reason = str(item["msg"]).removeprefix("Value error, ")
        shown = "" if field in _SECRET else f" (got {item['input']!r})"
        problems.append(f"{name}: {reason}{shown}")
    return "; ".join(problems)
