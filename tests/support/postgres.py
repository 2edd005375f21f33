"""Fresh, empty PostgreSQL databases for tests that start instances on one: created on the
server named by TEST_POSTGRES_URL (its role needs CREATEDB, as `.ci/run` grants) and dropped
afterwards, connections and all."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url


def server_url() -> str:
    """TEST_POSTGRES_URL, or a skip where it is not set (CI sets it and REQUIRE_POSTGRES)."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("REQUIRE_POSTGRES"):
            raise RuntimeError("REQUIRE_POSTGRES is set (as in CI) but TEST_POSTGRES_URL is not")
        pytest.skip("TEST_POSTGRES_URL is not set")
    return url


def _admin(url: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    )


@contextmanager
def fresh_database(copy_of: str | None = None) -> Iterator[str]:
    """A `postgresql://` URL of a new, empty database, dropped when the block ends; or, given
    `copy_of` (the URL of another database on the server, with nobody connected), a copy of
    that one."""
    base = server_url()
    name = f"takeorpass_t_{secrets.token_hex(6)}"
    template = "" if copy_of is None else f' TEMPLATE "{make_url(copy_of).database}"'
    with _admin(base) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{template}')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backends() -> list[object]:
    """SQLite always; PostgreSQL where TEST_POSTGRES_URL names one (required in CI)."""
    postgres = os.environ.get("TEST_POSTGRES_URL")
    if os.environ.get("REQUIRE_POSTGRES") and not postgres:
        raise RuntimeError("REQUIRE_POSTGRES is set (as in CI) but TEST_POSTGRES_URL is not")
    skip = pytest.mark.skipif(not postgres, reason="TEST_POSTGRES_URL is not set")
    return ["sqlite", pytest.param("postgresql", marks=skip)]
