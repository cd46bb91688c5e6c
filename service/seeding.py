"""Load ``seeds/`` through the same schemas and services as the API, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from sqlalchemy.orm import Session

from service.errors import DomainError, flatten
from service.schemas.actors import ActorCreateSchema
from service.schemas.measures import MeasureCreateSchema
from service.schemas.sources import SourceCreateSchema
from service.schemas.statements import StatementCreateSchema
from service.schemas.triggers import TriggerCreateSchema
from service.services import actors, countries, measures, sources, statements, triggers
from service.services.records import Outcome


class SeedError(Exception):
    """A seed record that cannot be loaded; the whole load is rolled back."""

    def __init__(self, file: str, record: str | None, reason: str) -> None:
        where = f"{file}, record '{record}'" if record else file
        super().__init__(f"{where}: {reason}")
        self.file, self.record, self.reason = file, record, reason


@dataclass
class Report:
    counts: dict[str, dict[Outcome, int]] = field(default_factory=dict)

    def add(self, kind: str, outcome: Outcome) -> None:
        bucket = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
        bucket[outcome] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def __str__(self) -> str:
        return "\n".join(
            f"{kind:<11} {c['created']:>4} created {c['updated']:>4} updated "
            f"{c['unchanged']:>4} unchanged"
            for kind, c in self.counts.items()
        )


def _plain(value: Any) -> Any:
    """YAML turns 2024-10-22 into a date; the schemas, like the API, take strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read(path: Path) -> Any:
    if not path.exists():
        raise SeedError(path.name, None, "file not found")
    try:
        return _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        raise SeedError(path.name, None, f"not valid YAML: {error}") from error


def _records(path: Path) -> list[dict[str, Any]]:
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
    put: Callable[[Session, dict[str, Any]], tuple[Any, Outcome]],
    records: Iterable[dict[str, Any]] | None = None,
) -> None:
    seen: set[str] = set()
    for record in _records(path) if records is None else records:
        key = str(record.get("id", "?"))
        if key in seen:
            raise SeedError(path.name, key, "id used twice")
        seen.add(key)
        try:
            data = schema.load(record)
            with session.no_autoflush:  # build the whole record before anything is written
                _, outcome = put(session, data)
        except ma.ValidationError as error:
            raise SeedError(path.name, key, _describe(error.messages)) from error
        except DomainError as error:
            raise SeedError(path.name, key, error.detail) from error
        report.add(kind, outcome)


def _sources(seeds: Path) -> list[dict[str, Any]]:
    path = seeds / "sources.yaml"
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


def load(session: Session, seeds: Path) -> Report:
    """Load every seed file; commit once, or roll back and raise :class:`SeedError`."""
    report = Report()
    try:
        aliases = _read(seeds / "countries.yaml") or {}
        if not isinstance(aliases, dict):
            raise SeedError("countries.yaml", None, "expected a mapping of code to aliases")
        unknown = sorted(set(aliases) - {c.alpha_2 for c in countries.pycountry.countries})
        if unknown:
            raise SeedError("countries.yaml", unknown[0], "not an ISO 3166-1 alpha-2 code")
        report.counts["countries"] = countries.sync_iso(session, aliases)
        session.flush()
        _load_all(
            session,
            report,
            seeds / "sources.yaml",
            "sources",
            SourceCreateSchema(),
            sources.put,
            _sources(seeds),
        )
        _load_all(session, report, seeds / "actors.yaml", "actors", ActorCreateSchema(), actors.put)
        _load_all(
            session,
            report,
            seeds / "triggers.yaml",
            "triggers",
            TriggerCreateSchema(),
            triggers.put,
        )
        _load_all(
            session,
            report,
            seeds / "measures.yaml",
            "measures",
            MeasureCreateSchema(),
            measures.put,
        )
        _load_all(
            session,
            report,
            seeds / "statements.yaml",
            "statements",
            StatementCreateSchema(),
            statements.put,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report
