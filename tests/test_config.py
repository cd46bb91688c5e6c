"""Settings come from the environment, validated when a command starts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT, Config, ConfigError


def test_config_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for field in fields(Config):
        monkeypatch.delenv(field.name.upper(), raising=False)
    config = Config.from_env()
    assert config == Config()
    assert (config.workers, config.threads, config.log_level) == (2, 2, "INFO")
    assert config.cors_origins == ()


def test_config_reads_and_converts_every_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "DATABASE_URL": "postgresql+psycopg://register@db/register",
        "SEEDS_DIR": "/srv/seeds",
        "HOST": "0.0.0.0",
        "PORT": "9000",
        "WORKERS": "3",
        "THREADS": "8",
        "WORKER_TIMEOUT": "60",
        "GRACEFUL_TIMEOUT": "20",
        "PROMETHEUS_MULTIPROC_DIR": "/tmp/metrics",
        "LOG_LEVEL": "debug",
        "CORS_ORIGINS": "https://news.example, http://localhost:3000/",
        "MAX_BODY_BYTES": "2048",
        "SEED_ON_START": "true",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config.from_env()
    assert config.database_url == env["DATABASE_URL"]
    assert config.seeds_dir == Path("/srv/seeds")
    assert (config.host, config.port, config.workers, config.threads) == ("0.0.0.0", 9000, 3, 8)
    assert (config.worker_timeout, config.graceful_timeout) == (60, 20)
    assert config.prometheus_multiproc_dir == Path("/tmp/metrics")
    assert config.log_level == "DEBUG"
    assert config.cors_origins == ("https://news.example", "http://localhost:3000")
    assert config.max_body_bytes == 2048
    assert config.seed_on_start is True


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("WORKERS", " ")
    assert Config.from_env().workers == Config().workers


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WORKERS", "abc", "WORKERS: Input should be a valid integer"),
        ("WORKERS", "0", "WORKERS: Input should be greater than or equal to 1"),
        ("PORT", "70000", "PORT: Input should be less than or equal to 65535"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: Input should be 'DEBUG', 'INFO'"),
        ("DATABASE_URL", "not a url", "DATABASE_URL: not an SQLAlchemy URL"),
        ("DATABASE_URL", "mongodb://u:pw@h/db", "DATABASE_URL: no database driver for 'mongodb'"),
        ("CORS_ORIGINS", "news.example", "CORS_ORIGINS: 'news.example' is not an origin"),
        ("SEED_ON_START", "maybe", "SEED_ON_START: Input should be a valid boolean"),
        ("MAX_BODY_BYTES", "10", "MAX_BODY_BYTES: Input should be greater than or equal to 1024"),
    ],
)
def test_a_bad_variable_is_named_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        Config.from_env()
    assert str(raised.value).startswith(message), str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_database_url_is_never_echoed_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://admin:s3cret@db/register")
    with pytest.raises(ConfigError) as raised:
        Config.from_env()
    assert "s3cret" not in str(raised.value)


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "args", "line"),
    [
        (
            {"WORKERS": "abc"},
            ["serve"],
            "configuration error: WORKERS: Input should be a valid integer, unable to parse "
            "string as an integer (got 'abc')",
        ),
        (
            {"LOG_LEVEL": "LOUD"},
            ["migrate"],
            "configuration error: LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING', "
            "'ERROR' or 'CRITICAL' (got 'LOUD')",
        ),
        (
            {"DATABASE_URL": "postgres ql://nope"},
            ["migrate"],
            "configuration error: DATABASE_URL: not an SQLAlchemy URL such as "
            "postgresql+psycopg://user@host/db",
        ),
        (
            {},
            ["serve", "--threads", "0"],
            "configuration error: --threads: Input should be greater than or equal to 1 (got 0)",
        ),
    ],
)
def test_a_bad_setting_stops_the_command_with_one_clear_line(
    env: dict[str, str], args: list[str], line: str
) -> None:
    result = _run(env, *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [line]
    assert result.stdout == ""


def test_serve_help_names_the_variables_behind_its_options() -> None:
    result = _run({}, "serve", "--help")
    assert result.returncode == 0, result.stderr
    for name in ("HOST", "PORT", "WORKERS", "THREADS"):
        assert re.search(rf"env {name}\b", result.stdout), result.stdout
