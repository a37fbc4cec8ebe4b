"""Alembic environment of the demo shop.

Two ways in:

* From maat-nb (async code): ``config.attributes["connection"]`` holds a *sync* Connection, handed over
  by ``await conn.run_sync(...)`` in :mod:`maat_nb.demo.migrate`. Migrations run on it, inside the
  caller's transaction.
* From the ``alembic`` command line: an async engine is built from ``MAAT_DEMO_DB``, else
  ``sqlalchemy.url`` of the ini file, else the default demo database, and run with ``asyncio.run``
  (Alembic's async template). Logging is configured from the ini file only in this case: the library
  never touches the caller's logging.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from pathlib import Path

from alembic import context
from sqlalchemy.engine import Connection

from maat_nb.demo.models import Base
from maat_nb.engines import create_engine, resolve

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url = os.environ.get("MAAT_DEMO_DB") or config.get_main_option("sqlalchemy.url") or ""
    if not url:
        from maat_nb.demo.build import default_demo_url

        url = default_demo_url()
    return url


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    target = resolve(_database_url())
    _configure(url=target.url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    """Run the migrations on a sync connection (also called through ``AsyncConnection.run_sync``)."""
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Build an async engine from the configured URL and run the migrations on one of its connections."""
    target = resolve(_database_url())
    if target.dialect == "sqlite" and target.url.database not in (None, "", ":memory:"):
        Path(target.url.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(target)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    """Run on the caller's connection if there is one, else on a fresh async engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
