"""`python -m service keys create|list|revoke`: the operator's way to hand out keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from service.cli import main, migrate
from service.extensions import make_engine
from service.services import keys
from tests.conftest import database_url


@pytest.fixture
def keys_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = database_url(backend, request, tmp_path)
    migrate(url)
    return url


def _token(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("reg_"))


def test_keys_create_list_and_revoke_from_the_command_line(keys_url: str) -> None:
    runner = CliRunner(env={"DATABASE_URL": keys_url})
    created = runner.invoke(main, ["keys", "create", "--name", "ops", "--scope", "admin"])
    assert created.exit_code == 0, created.output
    token = _token(created.output)
    assert "shown this once" in created.output
    assert f"Authorization: Bearer {token}" in created.output
    key_id = token.split("_")[1]

    engine = make_engine(keys_url)
    try:
        with Session(engine) as session:
            key = keys.authenticate(session, token)
            assert key is not None and key.scopes == ["admin"] and key.name == "ops"

        writer = runner.invoke(
            main, ["keys", "create", "--name", "sync", "--scope", "write", "--scope", "admin"]
        )
        assert writer.exit_code == 0, writer.output
        listed = runner.invoke(main, ["keys", "list"])
        assert listed.exit_code == 0, listed.output
        rows = listed.output.splitlines()[1:]
        assert rows[0].split()[0] == key_id, listed.output
        assert any("admin,write" in row and row.endswith("sync") for row in rows), rows
        assert token.split("_", 2)[2] not in listed.output

        revoked = runner.invoke(main, ["keys", "revoke", key_id])
        assert revoked.exit_code == 0, revoked.output
        assert f"revoked key {key_id}" in revoked.output
        with Session(engine) as session:
            assert keys.authenticate(session, token) is None
        listed = runner.invoke(main, ["keys", "list"])
        row = next(r for r in listed.output.splitlines() if r.startswith(key_id))
        assert row.split()[3] != "-", row
    finally:
        engine.dispose()


def test_keys_cli_rejects_unknown_scopes_and_keys(keys_url: str) -> None:
    runner = CliRunner(env={"DATABASE_URL": keys_url})
    bad = runner.invoke(main, ["keys", "create", "--name", "x", "--scope", "root"])
    assert bad.exit_code == 2 and "root" in bad.output, bad.output
    missing = runner.invoke(main, ["keys", "create", "--name", "x"])
    assert missing.exit_code == 2 and "--scope" in missing.output, missing.output
    unknown = runner.invoke(main, ["keys", "revoke", "0123456789abcdef"])
    assert unknown.exit_code == 1, unknown.output
    assert "No API key with id '0123456789abcdef'" in unknown.output


def test_keys_create_hands_out_the_review_scope(keys_url: str) -> None:
    runner = CliRunner(env={"DATABASE_URL": keys_url})
    created = runner.invoke(main, ["keys", "create", "--name", "desk", "--scope", "review"])
    assert created.exit_code == 0, created.output
    engine = make_engine(keys_url)
    try:
        with Session(engine) as session:
            key = keys.authenticate(session, _token(created.output))
            assert key is not None and key.scopes == ["review"]
            assert key.grants("review") and not key.grants("write") and not key.grants("admin")
    finally:
        engine.dispose()
