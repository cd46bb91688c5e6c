"""Load ``seeds/`` through the same schemas and services as the API, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from service.errors import DomainError, flatten
from service.models import Change
from service.records import REGISTRY
from service.schemas.common import Document
from service.services import unit_of_work
from service.services.registry import Outcome, Put, RecordType


class SeedError(Exception):
    """A seed record that cannot be loaded; the whole load is rolled back."""

    def __init__(self, file: str, record: str | None, reason: str) -> None:
        where = f"{file}, record '{record}'" if record else file
        super().__init__(f"{where}: {reason}")
        self.file, self.record, self.reason = file, record, reason


@dataclass
class Report:
    counts: dict[str, dict[Outcome, int]] = field(default_factory=dict)
    # (collection, id) of each seed record left alone, and why.
    skipped: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, kind: str, outcome: Outcome) -> None:
        """Count one record of ``kind`` loaded with ``outcome``."""
        self.counts[kind][outcome] += 1

    @property
    def changed(self) -> int:
        """How many records the load created or updated."""
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def __str__(self) -> str:
        lines = [
            f"{kind:<11} {c['created']:>4} created {c['updated']:>4} updated "
            f"{c['unchanged']:>4} unchanged"
            f"{sum(k == kind for k, _ in self.skipped):>5} skipped"
            for kind, c in self.counts.items()
        ]
        if self.skipped:
            lines.append(
                f"skipped {len(self.skipped)} seed records changed through the API since they"
                " were loaded (seed --force overwrites them):"
            )
            lines += [f"  {kind}/{key}: {why}" for (kind, key), why in self.skipped.items()]
        return "\n".join(lines)


def api_work(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Which of ``keys`` (collection, id) were last changed through the API, and how.

    A record whose latest revision came from an API key was edited, created or deleted by
    someone on purpose; reloading the seeds must not undo that silently.
    """
    wanted = list(keys)
    if not wanted:
        return {}
    latest = (
        select(func.max(Change.seq))
        .where(tuple_(Change.collection, Change.record_id).in_(wanted))
        .group_by(Change.collection, Change.record_id)
    )
    rows = session.execute(
        select(Change.collection, Change.record_id, Change.op, Change.key_id).where(
            Change.seq.in_(latest), Change.key_id.is_not(None)
        )
    )
    verb = {"create": "created", "update": "edited", "delete": "deleted"}
    return {
        (collection, key): f"{verb.get(op, op)} through the API by key {key_id}"
        for collection, key, op, key_id in rows
    }


def plain(value: Any) -> Any:
    """YAML turns 2024-10-22 into a date; the schemas, like the API, take strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _read(path: Path) -> Any:
    if not path.exists():
        raise SeedError(path.name, None, "file not found")
    try:
        return plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        raise SeedError(path.name, None, f"not valid YAML: {error}") from error


def _records(path: Path) -> list[Document]:
    data = _read(path)
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SeedError(path.name, None, "expected a list of records")
    return data


def _describe(messages: Any) -> str:
    return "; ".join(f"{name}: {reason}" for name, reason in flatten(messages))


def _load_all(
    session: Session,
    report: Report,
    path: Path,
    kind: str,
    schema: ma.Schema,
    put: Put,
    records: Iterable[Document] | None = None,
    force: bool = False,
) -> None:
    records = _records(path) if records is None else list(records)
    keys = [str(record.get("id", "?")) for record in records]
    guarded = {} if force else api_work(session, ((kind, key) for key in keys))
    report.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
    seen: set[str] = set()
    for key, record in zip(keys, records, strict=True):
        if key in seen:
            raise SeedError(path.name, key, "id used twice")
        seen.add(key)
        if (kind, key) in guarded:
            report.skipped[kind, key] = guarded[kind, key]
            continue
        try:
            data = schema.load(record)
            with session.no_autoflush:  # build the whole record before anything is written
                _, outcome = put(session, data)
        except ma.ValidationError as error:
            raise SeedError(path.name, key, _describe(error.messages)) from error
        except DomainError as error:
            raise SeedError(path.name, key, error.detail) from error
        report.add(kind, outcome)


def _with_texts(seeds: Path, path: Path) -> list[Document]:
    """The records of ``path``, each with the text of the article its ``file`` names."""
    out = []
    for record in _records(path):
        record = dict(record)
        file = record.pop("file", None)
        if not isinstance(file, str):
            raise SeedError(path.name, record.get("id"), "`file` names the article's text file")
        article = (seeds / file).resolve()
        if not article.is_relative_to(seeds.resolve()) or not article.is_file():
            raise SeedError(path.name, record.get("id"), f"no article file '{file}'")
        record["text"] = article.read_text(encoding="utf-8")
        out.append(record)
    return out


def _load_type(
    session: Session, report: Report, seeds: Path, kind: RecordType, force: bool
) -> None:
    """Load the seed file of ``kind``, through its own loader or its schema and ``put``."""
    assert kind.seed is not None
    path = seeds / kind.seed.file
    if kind.seed.load is not None:
        try:
            report.counts[kind.collection] = kind.seed.load(session, _read(path) or {})
        except DomainError as error:
            # The loader names the entry at fault as the error's field (else the file).
            where = error.errors[0] if error.errors else {"name": "(file)", "reason": error.detail}
            record = None if where["name"] == "(file)" else where["name"]
            raise SeedError(path.name, record, where["reason"]) from error
        session.flush()
        return
    assert kind.create_schema is not None and kind.put is not None, kind.collection
    records = _with_texts(seeds, path) if kind.seed.texts else None
    schema = kind.create_schema()
    _load_all(session, report, path, kind.collection, schema, kind.put, records, force)


def load(session: Session, seeds: Path, force: bool = False) -> Report:
    """Load every seed file; commit once, or roll back and raise :class:`SeedError`.

    The record types load in the registry's loading order, so each names only what came
    before. Records last changed through the API (edited, or deleted) are skipped and
    listed in the report, unless ``force`` puts the seeds' version back.
    """
    report = Report()
    try:
        for kind in REGISTRY.loading_order():
            if kind.seed is not None:
                _load_type(session, report, seeds, kind, force)
        unit_of_work.commit(session)
    except BaseException:
        session.rollback()
        raise
    return report
