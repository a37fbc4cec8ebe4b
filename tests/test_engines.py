"""URL resolution, password masking, connect errors and read-only sessions, against real servers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from maat_nb.engines import create_engine, mask_url, open_engine, read_only, resolve
from maat_nb.errors import ConnectError, UrlError
from tests.conftest import SERVER_URLS, require_server

SECRET = "Pa55-w0rd!x"


@pytest.mark.parametrize(
    ("given", "driver", "dialect"),
    [
        ("postgresql://u@h/db", "postgresql+asyncpg", "postgresql"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg", "postgresql"),
        ("postgres://u@h/db", "postgresql+asyncpg", "postgresql"),
        ("mysql://u@h/db", "mysql+aiomysql", "mariadb"),
        ("mysql+pymysql://u@h/db", "mysql+aiomysql", "mariadb"),
        ("mariadb://u@h/db", "mysql+aiomysql", "mariadb"),
        ("sqlite:///x.db", "sqlite+aiosqlite", "sqlite"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite", "sqlite"),
    ],
)
def test_sync_drivers_map_to_async_twins(given: str, driver: str, dialect: str) -> None:
    target = resolve(given)
    assert target.url.drivername == driver
    assert target.dialect == dialect


def test_mariadb_gets_utf8mb4() -> None:
    assert resolve("mysql://u@h/db").url.query["charset"] == "utf8mb4"


def test_env_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAAT_SHOP_DB", f"postgresql://app:{SECRET}@db.internal/shop")
    target = resolve("env:MAAT_SHOP_DB")
    assert target.url.password == SECRET
    assert SECRET not in repr(target) and SECRET not in str(target) and "***" in target.masked


@pytest.mark.parametrize(
    ("given", "part"),
    [
        ("env:MAAT_NOT_SET_ANYWHERE", "env"),
        ("not a url", "scheme"),
        (f"oracle://u:{SECRET}@h/db", "scheme"),
        (f"postgresql+nodriver://u:{SECRET}@h/db", "driver"),
        (f"postgresql+aiomysql://u:{SECRET}@h/db", "driver"),
        (f"postgresql://u:{SECRET}@h", "database"),
    ],
)
def test_bad_urls_name_the_wrong_part(given: str, part: str) -> None:
    with pytest.raises(UrlError) as err:
        resolve(given)
    assert err.value.part == part
    assert SECRET not in str(err.value)
    assert "Fix:" in str(err.value)


def test_mask_url() -> None:
    assert mask_url(f"mysql://root:{SECRET}@h/db") == "mysql://root:***@h/db"
    assert SECRET not in mask_url(make_url(f"postgresql://u:{SECRET}@h/db"))


async def connect_error(url: str) -> ConnectError:
    with pytest.raises(ConnectError) as err:
        async with open_engine(url):
            pass
    assert SECRET not in str(err.value) and SECRET not in repr(err.value.args)
    return err.value


async def test_unreachable_host() -> None:
    err = await connect_error(f"postgresql://u:{SECRET}@127.0.0.1:1/db")
    assert err.part == "host" and "127.0.0.1:1" in str(err)


async def test_missing_sqlite_file(tmp_path) -> None:
    err = await connect_error(f"sqlite:///{tmp_path}/nope.db")
    assert err.part == "database"
    assert not (tmp_path / "nope.db").exists()  # nothing was created by looking


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
async def test_server_errors_are_distinct(kind: str) -> None:
    require_server(kind)
    base = make_url(SERVER_URLS[kind])
    missing_db = base.set(database="maat_test_does_not_exist")
    err = await connect_error(missing_db.render_as_string(hide_password=False))
    assert err.part == "database" and "maat_test_does_not_exist" in str(err)
    bad_user = base.set(username="maat_test_nobody", password=SECRET)
    err = await connect_error(bad_user.render_as_string(hide_password=False))
    assert err.part == "credentials" and "maat_test_nobody" in str(err)


async def test_read_only_refuses_writes(empty_db: str) -> None:
    engine = create_engine(empty_db)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        async with read_only(engine, timeout_s=5) as conn:
            assert (await conn.execute(text("SELECT COUNT(*) FROM t"))).scalar() == 0
            with pytest.raises(DBAPIError):
                await conn.execute(text("INSERT INTO t VALUES (1)"))
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT COUNT(*) FROM t"))).scalar() == 0
    finally:
        await engine.dispose()


async def test_statement_timeout_cuts_long_queries(empty_db: str, engine_kind: str) -> None:
    slow = {
        "postgresql": "SELECT pg_sleep(5)",
        "mariadb": "SELECT SLEEP(5)",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT MAX(x) FROM c",
    }[engine_kind]
    engine = create_engine(empty_db)
    try:
        async with read_only(engine, timeout_s=0.5) as conn:
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(DBAPIError):
                await conn.execute(text(slow))
            assert loop.time() - started < 4
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_engine_is_safe_across_event_loops(kind: str) -> None:
    """One engine used from two event loops (as a notebook and a CLI call would): NullPool keeps it safe."""
    require_server(kind)
    engine = create_engine(SERVER_URLS[kind])

    async def ping() -> int:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT 1"))).scalar_one())

    assert asyncio.run(ping()) == 1
    assert asyncio.run(ping()) == 1
    asyncio.run(engine.dispose())
