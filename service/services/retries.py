"""Run a write again when the database aborted it to break a race with another write.

PostgreSQL aborts one of two transactions that deadlock, or that a serializable snapshot
cannot order, and rejects a row whose unique key a concurrent transaction took first;
SQLite answers "database is locked" to a writer that waited too long. None of these says
anything about the request: run again from the start, the write reads what the other one
committed and answers as it would have answered one after the other.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from service.errors import Conflict, WriteContention

log = logging.getLogger(__name__)
T = TypeVar("T")

# How often a write the database aborted to break a race is run, in all.
ATTEMPTS = 4
# PostgreSQL's SQLSTATEs for a transaction it aborted because of a concurrent one:
# serialization_failure, deadlock_detected; and a unique or foreign key a concurrent writer
# took or removed after this one checked it (the checks run again and answer 409 or 422).
RETRY_SQLSTATES = frozenset({"40001", "40P01", "23505", "23503"})
# SQLite's primary result codes for a database another connection holds: BUSY, LOCKED.
RETRY_SQLITE_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _retryable(error: DBAPIError) -> bool:
    """Whether ``error`` is the database breaking a race, which running again resolves."""
    cause = error.orig
    if isinstance(cause, sqlite3.Error):
        return (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in RETRY_SQLITE_CODES
    return getattr(cause, "sqlstate", None) in RETRY_SQLSTATES


def retried(session: Session, begin: Callable[[], None], write: Callable[[], T]) -> T:
    """Run ``write`` (a transaction begun by ``begin``), again from the start if it lost a race.

    Nothing of an aborted attempt was committed, and the next one reads what the winner
    committed: its checks then answer as for any request (a replay, a 409, a 422). A write
    that keeps losing gives up: 409 after a key conflict, else 503 (``WriteContention``).
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            if attempt > 1:
                begin()  # inside the try: SQLite may answer a writer's BEGIN with "locked"
            return write()
        except DBAPIError as error:
            session.rollback()
            if not _retryable(error):
                raise
            log.warning(
                "write aborted by the database (attempt %d of %d): %s",
                attempt,
                ATTEMPTS,
                error.orig,
            )
            if attempt == ATTEMPTS:
                if isinstance(error, IntegrityError):
                    raise Conflict(
                        "The write collided with concurrent writes to the same records and was"
                        " not stored. Read them again and retry."
                    ) from error
                raise WriteContention() from error
            # Apart, so that the writers that collided do not collide again in step.
            time.sleep(random.uniform(0, 0.02 * 2**attempt))
    raise AssertionError("unreachable")
