"""NDJSON: one JSON object per line, UTF-8, each line the API's JSON for one record."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def line(value: Any) -> str:
    """``value`` as one NDJSON line."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def write(values: Iterable[Any]) -> Iterator[str]:
    """One NDJSON line per value."""
    for value in values:
        yield line(value)
