"""Helpers the API tests share."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask.testing import FlaskClient


def every(client: FlaskClient, url: str, size: int = 200) -> list[dict[str, Any]]:
    """Every item of a list, following cursors ``size`` at a time and checking ``Link``."""
    path, _, query = url.partition("?")
    base = [*parse_qsl(query, keep_blank_values=True), ("limit", str(size))]
    params, items = base, []
    while True:
        r = client.get(path, query_string=params)
        assert r.status_code == 200, r.json
        items += r.json["items"]
        cursor = r.json["next_cursor"]
        if cursor is None:
            assert 'rel="next"' not in r.headers.get("Link", ""), r.headers
            return items
        assert 'rel="next"' in r.headers["Link"], r.headers
        params = [*base, ("cursor", cursor)]
