"""Database URLs to async engines: driver mapping, password masking, read-only sessions, clear connect errors.

A ``DB`` is a SQLAlchemy URL (``sqlite+aiosqlite:///shop.db``, ``postgresql+asyncpg://u@h/db``,
``mysql+aiomysql://u@h/db``) or ``env:NAME``, the URL read from the environment variable NAME. Sync driver names
(``postgresql://``, ``postgresql+psycopg2://``, ``mysql+pymysql://``, ``mariadb://``, ``sqlite://``) are mapped to
their async twin, so users can paste the URL their application already uses.

Engines use ``NullPool``: a pooled connection must never cross event loops (asyncpg fails, aiosqlite hides it), and
notebooks, the CLI and tests each run their own loop. Profiling opens few connections, so pooling buys nothing.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from maat_nb.errors import ConnectError, UrlError

Dialect = Literal["sqlite", "postgresql", "mariadb"]

#: backend name -> (dialect family, async driver)
_ASYNC_DRIVERS: dict[str, tuple[Dialect, str]] = {
    "sqlite": ("sqlite", "aiosqlite"),
    "postgresql": ("postgresql", "asyncpg"),
    "postgres": ("postgresql", "asyncpg"),
    "mysql": ("mariadb", "aiomysql"),
    "mariadb": ("mariadb", "aiomysql"),
}
_KNOWN_ASYNC = {"aiosqlite", "asyncpg", "aiomysql"}
_SYNC_TWINS = {
    "pysqlite",
    "psycopg2",
    "psycopg",
    "pg8000",
    "pymysql",
    "mysqldb",
    "mysqlconnector",
    "mariadbconnector",
}

DEFAULT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Target:
    """A resolved database target. Its repr never shows the password.

    Attributes:
        url: The async SQLAlchemy URL (its own ``str``/``repr`` hide the password).
        dialect: ``sqlite``, ``postgresql`` or ``mariadb`` (MySQL is treated as ``mariadb``).
        source: What the user gave, masked (``env:NAME`` stays as written).
    """

    url: URL
    dialect: Dialect
    source: str

    def __repr__(self) -> str:
        return f"Target({self.masked!r}, dialect={self.dialect!r})"

    __str__ = __repr__

    @property
    def masked(self) -> str:
        """The URL with its password replaced by ``***``."""
        return mask_url(self.url)

    @property
    def database(self) -> str:
        """The database name (for SQLite, the file name without directories)."""
        name = self.url.database or ""
        return Path(name).name if self.dialect == "sqlite" else name


def mask_url(url: URL | str) -> str:
    """Render a URL with its password hidden.

    >>> mask_url("postgresql://alice:s3cret@db.example/shop")
    'postgresql://alice:***@db.example/shop'
    """
    if isinstance(url, str):
        try:
            parsed = make_url(url)
        except ArgumentError:
            return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
        return parsed.render_as_string(hide_password=True)
    return url.render_as_string(hide_password=True)


def scrub_text(text_: str, secrets: list[str] | tuple[str, ...]) -> str:
    """Replace every occurrence of each secret (and its URL-quoted form) in ``text_`` by ``***``.

    >>> scrub_text("login as bob:pa ss failed", ["pa ss"])
    'login as bob:*** failed'
    """
    from urllib.parse import quote, quote_plus

    for secret in secrets:
        if not secret:
            continue
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text_ = text_.replace(form, "***")
    return text_


def resolve(db: str | URL | Target) -> Target:
    """Turn ``db`` (URL, ``env:NAME`` or an existing Target) into a :class:`Target` with an async driver.

    Raises:
        UrlError: the URL is malformed, the environment variable is unset, or the driver is unknown.

    >>> resolve("postgresql://u:pw@localhost/shop").url.drivername
    'postgresql+asyncpg'
    >>> resolve("mysql+pymysql://root@h/db").dialect
    'mariadb'
    """
    if isinstance(db, Target):
        return db
    source = db if isinstance(db, str) else mask_url(db)
    if isinstance(db, str) and db.startswith("env:"):
        name = db[4:]
        value = os.environ.get(name)
        if not name or value is None:
            raise UrlError(
                f"Environment variable {name or '(empty name)'!r} named by {db!r} is not set.",
                part="env",
                url=db,
                fix=f"export {name or 'NAME'}='postgresql://user@host/db' or pass the URL itself.",
            )
        db = value
    try:
        url = make_url(db)
    except ArgumentError as exc:
        raise UrlError(
            f"Not a database URL: {mask_url(str(db))!r}.",
            part="scheme",
            url=mask_url(str(db)),
            fix="Write it as dialect+driver://user:password@host:port/database, e.g. "
            "postgresql+asyncpg://app@127.0.0.1/shop or sqlite+aiosqlite:///shop.db.",
        ) from exc
    backend, _, driver = url.drivername.partition("+")
    if backend not in _ASYNC_DRIVERS:
        raise UrlError(
            f"Unknown database {backend!r} in {mask_url(url)!r}.",
            part="scheme",
            url=mask_url(url),
            fix="Use sqlite://, postgresql:// or mysql:// (MariaDB).",
        )
    dialect, async_driver = _ASYNC_DRIVERS[backend]
    if driver and driver not in _KNOWN_ASYNC and driver not in _SYNC_TWINS:
        raise UrlError(
            f"Unknown driver {driver!r} in {mask_url(url)!r}.",
            part="driver",
            url=mask_url(url),
            fix=f"Use {backend}+{async_driver}:// (or leave the driver out).",
        )
    if driver in _KNOWN_ASYNC and driver != async_driver:
        raise UrlError(
            f"Driver {driver!r} does not fit {backend!r} in {mask_url(url)!r}.",
            part="driver",
            url=mask_url(url),
            fix=f"Use {backend}+{async_driver}://.",
        )
    url = url.set(drivername=f"{'mysql' if dialect == 'mariadb' else dialect}+{async_driver}")
    if dialect == "mariadb" and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    if dialect != "sqlite" and not url.database:
        raise UrlError(
            f"No database name in {mask_url(url)!r}.",
            part="database",
            url=mask_url(url),
            fix="Append /DATABASE to the URL.",
        )
    return Target(
        url=url, dialect=dialect, source=mask_url(source) if not source.startswith("env:") else source
    )


def create_engine(db: str | URL | Target, **kwargs: Any) -> AsyncEngine:
    """Create an unpooled async engine for ``db``; the caller must ``await engine.dispose()``."""
    target = resolve(db)
    connect_args: dict[str, Any] = dict(kwargs.pop("connect_args", {}))
    if target.dialect == "postgresql":
        connect_args.setdefault("timeout", 10)
        connect_args.setdefault("server_settings", {"application_name": "maat-nb"})
    elif target.dialect == "mariadb":
        connect_args.setdefault("connect_timeout", 10)
    return create_async_engine(target.url, poolclass=NullPool, connect_args=connect_args, **kwargs)


@asynccontextmanager
async def open_engine(db: str | URL | Target, *, must_exist: bool = True) -> AsyncIterator[AsyncEngine]:
    """Open an engine, check that it connects (classifying failures), and dispose of it afterwards.

    Args:
        db: URL, ``env:NAME`` or Target.
        must_exist: For SQLite, refuse a file that does not exist instead of creating an empty database.

    Raises:
        ConnectError: with ``part`` set to ``host``, ``credentials``, ``database`` or ``server``.
    """
    target = resolve(db)
    if target.dialect == "sqlite" and must_exist:
        path = target.url.database or ""
        if path and path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
            raise ConnectError(
                f"SQLite database file {path!r} does not exist.",
                part="database",
                url=target.masked,
                fix="Check the path (three slashes for a relative path, four for an absolute one), "
                "or build the demo with `maat-nb demo`.",
            )
    engine = create_engine(target)
    try:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (DBAPIError, OSError) as exc:
            raise classify_connect_error(exc, target) from None
        yield engine
    finally:
        await engine.dispose()


def classify_connect_error(exc: BaseException, target: Target) -> ConnectError:
    """Map a driver's connection failure to a :class:`ConnectError` naming the wrong part of the URL."""
    orig = getattr(exc, "orig", None) or exc
    # asyncpg's own exception hides behind SQLAlchemy's adapter: walk the chain for its class and SQLSTATE.
    chain: list[BaseException] = [exc, orig]
    while chain[-1].__cause__ is not None and len(chain) < 8:
        chain.append(chain[-1].__cause__)
    names = {type(e).__name__ for e in chain}
    sqlstate = next((str(getattr(e, "sqlstate", "")) for e in chain if getattr(e, "sqlstate", None)), "")
    name = type(orig).__name__
    args = getattr(orig, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    raw = str(orig)
    url = target.url
    secrets = [url.password] if url.password else []
    detail = scrub_text(raw.splitlines()[0] if raw else name, [str(s) for s in secrets])
    where = f"{url.host or 'localhost'}:{url.port or ''}".rstrip(":")
    if (
        names & {"InvalidPasswordError", "InvalidAuthorizationSpecificationError"}
        or code in {1045, 1698}
        or (sqlstate.startswith("28"))
    ):
        return ConnectError(
            f"Authentication failed for user {url.username!r} on {where} ({detail}).",
            part="credentials",
            url=target.masked,
            fix="Check the user name and password in the URL (or the server's pg_hba.conf / GRANTs).",
        )
    if "InvalidCatalogNameError" in names or code in {1049} or sqlstate == "3D000":
        return ConnectError(
            f"Database {url.database!r} does not exist on {where}.",
            part="database",
            url=target.masked,
            fix="Check the database name at the end of the URL, or create it first.",
        )
    if (
        isinstance(orig, (OSError, socket.gaierror, TimeoutError))
        or name in {"ConnectionRefusedError", "CannotConnectNowError", "TimeoutError"}
        or code in {2002, 2003, 2005, 2006, 2013}
    ):
        return ConnectError(
            f"Cannot reach the server at {where} ({detail}).",
            part="host",
            url=target.masked,
            fix="Check the host and port in the URL and that the server is running and accepts TCP connections.",
        )
    return ConnectError(
        f"The server at {where} refused the connection: {detail}.",
        part="server",
        url=target.masked,
        fix="Read the server's message above; check the URL's query options.",
    )


@asynccontextmanager
async def read_only(
    engine: AsyncEngine, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> AsyncIterator[AsyncConnection]:
    """A connection inside a read-only transaction whose statements are cut off after ``timeout_s``.

    PostgreSQL: ``SET TRANSACTION READ ONLY`` and ``SET LOCAL statement_timeout``. MariaDB: ``max_statement_time``
    for the session and ``START TRANSACTION READ ONLY``. SQLite: ``PRAGMA query_only`` and a progress handler that
    interrupts a statement running past the deadline. Works under a SELECT-only account. The transaction is always
    rolled back: nothing a reader does can stick.
    """
    dialect = engine.dialect.name
    async with engine.connect() as conn:
        if dialect == "postgresql":
            await conn.execute(text("SET TRANSACTION READ ONLY"))
            await conn.execute(text(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}"))
            await conn.execute(text("SET LOCAL lock_timeout = 5000"))
        elif dialect in {"mysql", "mariadb"}:
            # aiomysql opens no transaction by itself; the START below is the transaction SQLAlchemy then ends.
            is_mariadb = getattr(conn.dialect, "is_mariadb", False)
            if is_mariadb:
                await conn.execute(text(f"SET SESSION max_statement_time = {float(timeout_s)}"))
            else:
                await conn.execute(text(f"SET SESSION max_execution_time = {int(timeout_s * 1000)}"))
            await conn.execute(text("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            await conn.exec_driver_sql("START TRANSACTION READ ONLY")
        elif dialect == "sqlite":
            await conn.execute(text("PRAGMA query_only = ON"))
            raw = await conn.get_raw_connection()
            deadline = time.monotonic() + timeout_s
            driver_conn: Any = raw.driver_connection
            await driver_conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            yield conn
        finally:
            await conn.rollback()
            if dialect == "sqlite":
                await conn.execute(text("PRAGMA query_only = OFF"))
                await driver_conn.set_progress_handler(None, 0)
