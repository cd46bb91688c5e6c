"""The registry: every kind of record the register keeps, each declared once by its service.

Everything that treats records alike loops over :data:`REGISTRY`: writes and their
effects, the seed loader, the exports, the routes. Importing it also hooks the recording
of changes (the feed and each type's effects) into every session's commit, so whatever
writes through the services records what it changed.
"""

from __future__ import annotations

from service.services import (
    actors,
    countries,
    measures,
    organisations,
    sources,
    statements,
    triggers,
)
from service.services.registry import Registry
from service.services.unit_of_work import UnitOfWork

# In the order the API presents them (the feed's collections, the docs' sections).
REGISTRY = Registry(
    (
        measures.RECORD,
        triggers.RECORD,
        statements.RECORD,
        actors.RECORD,
        sources.RECORD,
        organisations.RECORD,
        countries.RECORD,
    )
)

UnitOfWork(REGISTRY).install()
