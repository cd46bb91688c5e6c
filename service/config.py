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

    @classmethod
    def from_env(cls) -> Config:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            seeds_dir=Path(os.environ.get("SEEDS_DIR") or PROJECT_ROOT / "seeds"),
            max_body_bytes=int(os.environ.get("MAX_BODY_BYTES") or 1_048_576),
        )
