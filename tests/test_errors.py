"""One table maps every domain error to its problem type, status, title and headers."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections import Counter
from http import HTTPStatus

from flask import Flask

import service
from service import errors, problems
from service.errors import PROBLEMS, DomainError


def _subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def _import_every_module() -> None:
    """A class declared outside errors.py must be found too."""
    for module in pkgutil.walk_packages(service.__path__, "service."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def test_every_domain_error_has_its_own_row_in_the_table() -> None:
    _import_every_module()
    missing = {cls.__qualname__ for cls in _subclasses(DomainError) if cls not in PROBLEMS}
    assert not missing, f"add a row to errors.PROBLEMS for {sorted(missing)}"


def test_every_domain_error_is_declared_in_errors_py() -> None:
    _import_every_module()
    elsewhere = {c.__qualname__: c.__module__ for c in _subclasses(DomainError)}
    assert set(elsewhere.values()) <= {"service.errors"}, elsewhere


def test_each_row_is_a_known_status_with_its_title() -> None:
    for cls, row in PROBLEMS.items():
        assert 400 <= row.status < 600 and row.status in HTTPStatus._value2member_map_, cls
        assert row.title and row.type == errors.ABOUT_BLANK, cls


def test_each_status_shows_one_example_of_its_own_status() -> None:
    shown = Counter(row.status for row in PROBLEMS.values() if row.example is not None)
    assert all(count == 1 for count in shown.values()), shown
    for status, document in problems.examples().items():
        assert document["status"] == status, document
        assert document["detail"], document
    for cls, row in PROBLEMS.items():
        if row.example is not None:
            assert type(row.example) is cls, (cls, row.example)


def test_a_domain_error_leaves_as_its_row_says(app: Flask) -> None:
    with app.test_request_context():
        response = problems.render(errors.TooManyRequests("Slow down.", 7))
    assert response.status_code == 429
    assert response.mimetype == errors.PROBLEM_JSON
    assert response.headers["Retry-After"] == "7"
    assert json.loads(response.get_data()) == {
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "Slow down.",
    }
