"""API keys: create (the token is shown once), list, revoke, authenticate.

A token is ``reg_<id>_<secret>``: the id finds the key, the secret is checked against the
stored sha256 in constant time. The secret is 32 random bytes, so a fast hash is enough:
nothing can be guessed, and a leaked table yields no usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import Gone, NotFound
from service.models import ApiKey
from service.models.base import utcnow
from service.schemas.keys import KeyQuery
from service.services.paging import Page, SortKey, paginate
from service.services.records import get_or_404

PREFIX = "reg"
_KEY_ID = re.compile(r"[0-9a-f]{16}")
SORT_KEYS = {"id": SortKey(ApiKey.id), "created_at": SortKey(ApiKey.created_at, "datetime")}


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    token: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(session: Session, name: str, scopes: list[str]) -> NewKey:
    """Store a new key and commit; the token in the result is never retrievable again."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(id=key_id, name=name, scopes=sorted(set(scopes)), secret_sha256=_hash(secret))
    session.add(key)
    session.commit()
    return NewKey(key, f"{PREFIX}_{key_id}_{secret}")


def _find(session: Session, key_id: str) -> ApiKey:
    if not _KEY_ID.fullmatch(key_id):
        raise NotFound("API key", key_id)
    return get_or_404(session, ApiKey, key_id, "API key")


def get(session: Session, key_id: str) -> ApiKey:
    """A live API key; a revoked one is gone (it is still listed with ``revoked=true``)."""
    key = _find(session, key_id)
    if key.revoked_at is not None:
        raise Gone(
            f"The API key '{key_id}' was revoked at {key.revoked_at.isoformat()}; revoked keys"
            " are listed with GET /v1/keys?revoked=true."
        )
    return key


def list_(session: Session, args: KeyQuery) -> Page[ApiKey]:
    """One page of API keys, revoked ones included or not as ``args`` ask."""
    stmt = select(ApiKey)
    if args.get("revoked") is not None:
        revoked = ApiKey.revoked_at.is_not(None)
        stmt = stmt.where(revoked if args["revoked"] else ~revoked)
    return paginate(
        session, stmt, SORT_KEYS, ApiKey.id, args["sort"], args["limit"], args.get("cursor")
    )


def all_keys(session: Session) -> list[ApiKey]:
    """Every key, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def revoke(session: Session, key_id: str) -> ApiKey:
    """Revoke a key from now on; revoking it again keeps the first date."""
    key = _find(session, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.commit()
    return key


def authenticate(session: Session, token: str) -> ApiKey | None:
    """The live key whose token this is, or None (unknown, malformed or revoked)."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or not _KEY_ID.fullmatch(key_id) or not secret:
        return None
    key = session.get(ApiKey, key_id)
    # Compared even when the key is revoked, so timing does not tell the two apart.
    if key is None or not hmac.compare_digest(key.secret_sha256, _hash(secret)):
        return None
    return key if key.revoked_at is None else None
