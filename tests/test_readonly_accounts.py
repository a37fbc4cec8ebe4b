"""Profiling works under an account that may only SELECT (a role on PostgreSQL, a user on MariaDB)."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

import maat_nb as mn
from maat_nb.engines import create_engine
from tests.test_profile import N, load_fixture


async def _admin(url: str, statements: list[str]) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for sql in statements:
                await conn.execute(text(sql))
    finally:
        await engine.dispose()


@pytest.fixture
async def select_only_url(empty_db: str, engine_kind: str):
    """The fixture database, and a URL for a fresh account that can only read it."""
    if engine_kind == "sqlite":
        pytest.skip(
            "SQLite has no accounts; read-only is enforced by PRAGMA query_only (tested in test_engines)"
        )
    await load_fixture(empty_db)
    url = make_url(empty_db)
    user = f"maat_test_ro_{secrets.token_hex(3)}"
    password = "ro-" + secrets.token_hex(4)
    if engine_kind == "postgresql":
        grant = [
            f"CREATE ROLE {user} LOGIN PASSWORD '{password}'",
            f'GRANT CONNECT ON DATABASE "{url.database}" TO {user}',
            f"GRANT USAGE ON SCHEMA public TO {user}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {user}",
        ]
        revoke = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {user}",
            f"REVOKE ALL ON SCHEMA public FROM {user}",
            f'REVOKE ALL ON DATABASE "{url.database}" FROM {user}',
            f"DROP ROLE {user}",
        ]
    else:
        hosts = ["%", "localhost", "127.0.0.1"]
        grant = [f"CREATE USER '{user}'@'{h}' IDENTIFIED BY '{password}'" for h in hosts]
        grant += [f"GRANT SELECT, SHOW VIEW ON `{url.database}`.* TO '{user}'@'{h}'" for h in hosts]
        revoke = [f"DROP USER IF EXISTS '{user}'@'{h}'" for h in hosts]
    await _admin(empty_db, grant)
    try:
        yield url.set(username=user, password=password).render_as_string(hide_password=False)
    finally:
        await _admin(empty_db, revoke)


async def test_profile_under_select_only_account(select_only_url: str) -> None:
    engine = create_engine(select_only_url)
    try:  # the account really cannot write
        async with engine.begin() as conn:
            with pytest.raises(DBAPIError):
                await conn.execute(text("CREATE TABLE maat_should_fail (id INTEGER)"))
    finally:
        await engine.dispose()
    prof = await mn.profile(select_only_url)
    order = prof.table("order")
    assert order.rows == N
    assert order.column("amount").distinct == 10
    assert order.column("note").null_frac == pytest.approx(0.25, abs=0.02)
    assert {t.name for t in prof.tables} >= {"order", "user", "line item", "empty_one", "big", "v order"}
    assert (prof.table("order").table.stats.data_bytes or 0) > 0
