"""Which database errors are passing trouble (a 503 worth retrying) and which are faults."""

from __future__ import annotations

from service.errors import Unavailable

# SQLite's primary result codes (the low byte of an extended code) worth a retry: the
# database locked by another connection, or a file it cannot open or read at the moment.
_SQLITE_BUSY = {5: "locked", 6: "locked", 10: "unreachable", 14: "unreachable"}
# PostgreSQL's SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_STATES = {
    "57014": "timeout",  # query_canceled: statement_timeout
    "55P03": "locked",  # lock_not_available: lock_timeout
    "40P01": "locked",  # deadlock_detected: PostgreSQL rolled this transaction back
    "40001": "locked",  # serialization_failure
}
# 08 connection exception, 53 insufficient resources (out of memory or of connections),
# 57 operator intervention (the server shutting down or starting).
_PG_CLASSES = {"08": "unreachable", "53": "overloaded", "57": "unreachable"}
_UNAVAILABLE = {
    "locked": (
        "The register is busy: a lock it needs was held past the wait allowed. "
        "Nothing was written; retry shortly.",
        1,
    ),
    "timeout": (
        "The query ran past the time allowed and was stopped. Nothing was written; retry "
        "shortly, or narrow the request.",
        1,
    ),
    "pool": ("Every database connection is in use; retry shortly.", 1),
    "overloaded": ("The database is short of resources; retry shortly.", 5),
    "unreachable": (
        "The database cannot be reached. Nothing was written; retry shortly.",
        5,
    ),
}


def database_trouble(error: BaseException) -> str | None:
    """Why a database error is passing trouble: locked, timeout, pool, unreachable; else None.

    None is a fault to fix, not to retry (a missing table, a broken query): it stays a 500.
    """
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(error, PoolTimeout):
        return "pool"
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return "unreachable"
    orig = error.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return _SQLITE_BUSY.get(code & 0xFF)
    if type(orig).__module__.split(".")[0] == "psycopg":
        state: str | None = getattr(orig, "sqlstate", None)
        if state is None:
            # libpq failed before the server said anything: refused, reset, timed out.
            return "unreachable" if type(orig).__name__ == "OperationalError" else None
        return _PG_STATES.get(state) or _PG_CLASSES.get(state[:2])
    return None


def database_unavailable(error: BaseException) -> Unavailable | None:
    """The 503 a database error is, when waiting and retrying may help; None if it is not."""
    trouble = database_trouble(error)
    if trouble is None:
        return None
    detail, retry_after = _UNAVAILABLE[trouble]
    return Unavailable(detail, retry_after)
