"""The one place environment variables are read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'register.db'}"


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    default_page_size: int = 50
    max_page_size: int = 200
    # The largest request body accepted (413 beyond): an article's text fits many times.
    max_body_bytes: int = 1_048_576
    # Rate limits (flask-limiter strings): per API key, else per client address.
    rate_limit_enabled: bool = True
    rate_limit_anonymous: str = "120 per minute"
    rate_limit_key: str = "1200 per minute"
    redis_url: str | None = None  # limits shared by every worker; in-process memory if unset
    trusted_proxies: int = 0  # proxies whose X-Forwarded-For is believed

    @classmethod
    def from_env(cls) -> Config:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            seeds_dir=Path(os.environ.get("SEEDS_DIR") or PROJECT_ROOT / "seeds"),
            max_body_bytes=int(os.environ.get("MAX_BODY_BYTES") or 1_048_576),
            rate_limit_enabled=os.environ.get("RATE_LIMIT_ENABLED", "true").strip().lower()
            not in {"0", "false", "no", "off"},
            rate_limit_anonymous=os.environ.get("RATE_LIMIT_ANONYMOUS") or cls.rate_limit_anonymous,
            rate_limit_key=os.environ.get("RATE_LIMIT_KEY") or cls.rate_limit_key,
            redis_url=os.environ.get("REDIS_URL") or None,
            trusted_proxies=int(os.environ.get("TRUSTED_PROXIES") or 0),
        )
