"""Scratch databases: the only place destructive work may run.

:func:`scratch_database` creates ``maat_scratch_<random>`` on the server of a URL (for SQLite: a new file in a
temporary folder), yields its URL, and drops it afterwards — also after an exception or a cancelled task (Ctrl-C in a
notebook). Every database it creates is registered for the life of the process; :func:`require_scratch` refuses any
other target, so a benchmark can never be pointed at a real database by mistake, not even one whose name merely
starts with ``maat_scratch_``.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from maat_nb.engines import Target, create_engine, resolve
from maat_nb.errors import UnsafeTargetError

PREFIX = "maat_scratch_"
_CREATED: set[tuple[str, str, str]] = set()  # (dialect, host:port or folder, database) made by this process


def _key(target: Target) -> tuple[str, str, str]:
    if target.dialect == "sqlite":
        path = Path(target.url.database or "").resolve()
        return ("sqlite", str(path.parent), path.name)
    return (target.dialect, f"{target.url.host}:{target.url.port}", target.url.database or "")


def require_scratch(db: str | Target) -> Target:
    """The target if it is a scratch database this process created; :class:`UnsafeTargetError` otherwise."""
    target = resolve(db)
    if _key(target) not in _CREATED:
        raise UnsafeTargetError(
            f"Refusing to run destructive work on {target.masked}: it is not a scratch database maat-nb created.",
            fix="Give the server URL (any database on it) and let the kit create maat_scratch_* databases itself.",
        )
    return target


def _quote(target: Target, name: str) -> str:
    return f'"{name}"' if target.dialect == "postgresql" else f"`{name}`"


@asynccontextmanager
async def scratch_database(server: str | Target) -> AsyncIterator[str]:
    """Create an empty scratch database next to ``server`` (same host and account; for SQLite a temporary file);
    yield its URL (password included: pass it to :func:`maat_nb.engines.create_engine`, never print it); drop it.
    """
    target = resolve(server)
    name = f"{PREFIX}{secrets.token_hex(4)}"
    if target.dialect == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        path = folder / f"{name}.db"
        path.touch()
        url = target.url.set(database=str(path))
        key = _key(resolve(url))
        _CREATED.add(key)
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            _CREATED.discard(key)
            shutil.rmtree(folder, ignore_errors=True)
        return
    admin = create_engine(target, isolation_level="AUTOCOMMIT")
    url = target.url.set(database=name)
    key = _key(resolve(url))
    try:
        async with admin.connect() as conn:
            if target.dialect == "postgresql":
                await conn.execute(text(f"CREATE DATABASE {_quote(target, name)}"))
            else:
                await conn.execute(
                    text(
                        f"CREATE DATABASE {_quote(target, name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                    )
                )
        _CREATED.add(key)
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            _CREATED.discard(key)
            async with admin.connect() as conn:
                force = " WITH (FORCE)" if target.dialect == "postgresql" else ""
                await conn.execute(text(f"DROP DATABASE IF EXISTS {_quote(target, name)}{force}"))
    finally:
        await admin.dispose()


async def leftover_scratch_databases(server: str | Target) -> list[str]:
    """Scratch databases present on the server (for tests and clean-up: there should be none when idle)."""
    target = resolve(server)
    if target.dialect == "sqlite":
        return []
    engine = create_engine(target)
    try:
        async with engine.connect() as conn:
            if target.dialect == "postgresql":
                rows = await conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": PREFIX + "%"}
                )
            else:
                rows = await conn.execute(
                    text("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE :p"),
                    {"p": PREFIX + "%"},
                )
            return sorted(str(r[0]) for r in rows)
    finally:
        await engine.dispose()
