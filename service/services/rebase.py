"""An update proposal's lists, re-based at accept time onto the record as it stands then.

An update proposal (``services/matching.py``) adds to a record: passages of its source to
``citations`` and, for a measure, a change to ``status_history``. Its ``record`` holds
those lists whole, as a PATCH replaces them, but as they were when it was proposed; by
the time a reviewer accepts it someone may have cited another article or recorded a status
change. Accepting writes instead the record's lists as they are now, with the entries of
the proposal (or of the reviewer's edit) that quote the proposal's own source and that the
record lacks: nothing added meanwhile is lost, and nothing is added twice. Entries quoting
other sources are the record's business, not the proposal's: to remove one, PATCH the
record. A new status change goes where its date puts it among the dated ones, and
``status`` follows the last change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.models import Source
from service.quotes import QuoteError
from service.schemas.common import Document
from service.services.documents import document
from service.services.records import folded
from service.services.registry import RecordType
from service.services.writes import as_input

LISTS = ("citations", "status_history")


def _passage(session: Session, cited: Any) -> tuple[str, int, int] | None:
    """Where a cited quote is: (source, start, end); None if it cannot be placed."""
    source = session.get(Source, cited["source"])
    if source is None:
        return None
    try:
        start, end = folded(session, source).locate(cited["quote"], cited.get("occurrence"))
    except QuoteError:
        return None  # the write's own validation says why
    return source.id, start, end


def _ours(entry: Any, source_id: str) -> bool:
    cited = entry.get("citation", entry)
    return isinstance(cited, dict) and cited.get("source") == source_id


def rebased(
    session: Session, kind: RecordType, record: Any, patch: Document, source_id: str
) -> Document:
    """``patch`` (an update proposal's, shape-checked) with its lists re-based onto ``record``.

    Call it under the record's lock: what it reads is then what the write replaces.
    """
    if not any(name in patch for name in LISTS):
        return patch
    assert kind.create_schema is not None
    held = as_input(session, kind.create_schema(), document(session, record))
    out = dict(patch)
    if "citations" in patch:
        citations = list(held.get("citations") or [])
        seen = {_passage(session, c) for c in citations}
        for cited in patch["citations"]:
            where = _passage(session, cited)
            if _ours(cited, source_id) and (where is None or where not in seen):
                citations.append(cited)
                seen.add(where)
        out["citations"] = citations
    if "status_history" in patch:
        history = list(held.get("status_history") or [])
        seen_changes = {(c["status"], _passage(session, c["citation"])) for c in history}
        for change in patch["status_history"]:
            key = (change["status"], _passage(session, change["citation"]))
            if _ours(change, source_id) and key not in seen_changes:
                _insert(history, change)
                seen_changes.add(key)
        out["status_history"] = history
        if history:
            out["status"] = history[-1]["status"]
    return out


def _insert(history: list[Any], change: Any) -> None:
    """Put ``change`` after every change dated on or before it (undated: at the end)."""
    when = change.get("changed_on")
    if when is None:
        history.append(change)
        return
    at = len(history)
    while at > 0 and (history[at - 1].get("changed_on") or "") > str(when):
        at -= 1
    history.insert(at, change)
