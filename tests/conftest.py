"""Shared fixtures: real servers, throw-away databases named ``maat_test_<random>``.

Server URLs come from ``MAAT_TEST_POSTGRESQL_URL`` and ``MAAT_TEST_MARIADB_URL`` (an account that may create
databases; the database in the URL is only used to connect). Defaults are the local servers of the development
machines. Without a server the tests skip with the reason; with ``MAAT_REQUIRE_SERVERS=1`` (CI) they fail instead.
"""

from __future__ import annotations

import concurrent.futures
import os
import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

SERVER_URLS = {
    "postgresql": os.environ.get("MAAT_TEST_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mariadb": os.environ.get("MAAT_TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306/test"),
}
REQUIRE = os.environ.get("MAAT_REQUIRE_SERVERS") == "1"
_SYNC_DRIVER = {"postgresql": "postgresql+asyncpg", "mariadb": "mysql+aiomysql"}

_reachable: dict[str, str | None] = {}


def _admin_url(kind: str) -> URL:
    return make_url(SERVER_URLS[kind])


def server_problem(kind: str) -> str | None:
    """Why the server of ``kind`` cannot be used, or None. Checked once per session."""
    if kind not in _reachable:
        import asyncio

        from maat_nb.engines import open_engine

        async def probe() -> None:
            async with open_engine(SERVER_URLS[kind]):
                pass

        try:
            # in a thread: async tests call this from inside their own running event loop
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, probe()).result()
            _reachable[kind] = None
        except Exception as exc:
            _reachable[kind] = f"{kind} server at {_admin_url(kind).render_as_string()} unusable: {exc}"
    return _reachable[kind]


def require_server(kind: str) -> None:
    """Skip (locally) or fail (CI, MAAT_REQUIRE_SERVERS=1) when the server is not there."""
    problem = server_problem(kind)
    if problem:
        if REQUIRE:
            pytest.fail(f"MAAT_REQUIRE_SERVERS=1 but {problem}")
        pytest.skip(problem)


async def create_database(kind: str, prefix: str = "maat_test_") -> str:
    """Create an empty database on the server of ``kind`` and return its async URL (password included)."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    name = f"{prefix}{secrets.token_hex(4)}"
    admin = _admin_url(kind).set(drivername=_SYNC_DRIVER[kind])
    engine = create_async_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            if kind == "postgresql":
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                await conn.execute(
                    text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                )
    finally:
        await engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    """Drop a database made by :func:`create_database` (refuses any other name)."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    target = make_url(url)
    name = target.database or ""
    assert name.startswith(("maat_test_", "maat_scratch_")), name
    kind = "postgresql" if target.get_backend_name() == "postgresql" else "mariadb"
    engine = create_async_engine(
        _admin_url(kind).set(drivername=_SYNC_DRIVER[kind]), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as conn:
            if kind == "postgresql":
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                await conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def engine_kind(request: pytest.FixtureRequest) -> str:
    """Each of the three engines; the server ones skip (or fail in CI) when absent."""
    kind: str = request.param
    if kind != "sqlite":
        require_server(kind)
    return kind


@pytest_asyncio.fixture
async def empty_db(engine_kind: str, tmp_path) -> AsyncIterator[str]:
    """The URL of a fresh, empty database on ``engine_kind``, dropped afterwards."""
    if engine_kind == "sqlite":
        path = tmp_path / "test.db"
        import sqlite3

        sqlite3.connect(path).close()
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = await create_database(engine_kind)
    try:
        yield url
    finally:
        await drop_database(url)


@pytest.fixture
def servers_env() -> Iterator[dict[str, str]]:
    """The server URLs, for tests that hand them to subprocesses."""
    yield dict(SERVER_URLS)
