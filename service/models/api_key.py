"""API keys: who may write. Only a hash of each secret is kept."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UTCDateTime, utcnow

# What a key may do; reads need no key. `admin` implies every other scope: it can create a
# key of any scope anyway, so withholding one from it would protect nothing. `review` and
# `write` are apart: an editor deciding proposals need not write records freely, and a
# tool syncing records must not decide what the extractor proposed.
SCOPES: dict[str, str] = {
    "write": "Create, change and delete records of the register.",
    "review": "List, accept and reject the records the extractor proposes (`/v1/proposals`).",
    "admin": "Manage API keys; implies `write` and `review`.",
}
KEY_ID_LENGTH = 16


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(KEY_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    # sha256 of the secret, hex: a leaked database yields no usable token.
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def grants(self, scope: str) -> bool:
        """Whether this key may act with ``scope`` (an admin key may do anything)."""
        return self.revoked_at is None and (scope in self.scopes or "admin" in self.scopes)
