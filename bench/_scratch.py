"""A throw-away database on a server for a benchmark run: ``maat_test_bench_<random>``, dropped afterwards."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from maat_nb.engines import create_engine, resolve


@asynccontextmanager
async def scratch_database(server_url: str) -> AsyncIterator[str]:
    """Create an empty database on the server of ``server_url``; yield its URL; drop it."""
    target = resolve(server_url)
    name = f"maat_test_bench_{secrets.token_hex(4)}"
    quote = '"' if target.dialect == "postgresql" else "`"
    engine = create_engine(target, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f"CREATE DATABASE {quote}{name}{quote}"))
        yield target.url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with engine.connect() as conn:
            await conn.execute(text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}"))
        await engine.dispose()
