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
    # Bytes of rendered JSON reads kept per process (0: no response cache).
    response_cache_bytes: int = 64 * 2**20

    @classmethod
    def from_env(cls) -> Config:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            seeds_dir=Path(os.environ.get("SEEDS_DIR") or PROJECT_ROOT / "seeds"),
            response_cache_bytes=int(os.environ.get("RESPONSE_CACHE_BYTES") or 64 * 2**20),
        )
