"""Run the demo's Alembic migrations from async code, on the caller's engine.

Alembic is synchronous; its ``env.py`` runs on the sync face of one of our async connections (``await
conn.run_sync(...)``), handed over in ``Config.attributes["connection"]``. The whole upgrade or downgrade
runs in one transaction where the database allows transactional DDL (PostgreSQL, SQLite); MariaDB commits
each DDL statement by itself.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

#: The revision the models match.
HEAD = "head"


def alembic_ini_path() -> Path:
    """The demo's ``alembic.ini`` (its ``script_location`` is relative to the file itself)."""
    return Path(__file__).resolve().parent / "alembic.ini"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` for the demo, optionally bound to a sync ``connection`` (see ``env.py``)."""
    config = Config(str(alembic_ini_path()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def revisions() -> list[str]:
    """All revision ids, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(engine: AsyncEngine, revision: str = HEAD) -> None:
    """Upgrade the database of ``engine`` to ``revision`` (default: the head, which equals the models).

    Args:
        engine: Any async engine of the three dialects; it is not disposed.
        revision: An Alembic revision id, ``head`` or a relative one like ``+1``.
    """

    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Downgrade the database of ``engine`` to ``revision`` (``base`` removes every demo table and enum type).

    Args:
        engine: Any async engine of the three dialects; it is not disposed.
        revision: An Alembic revision id, ``base`` or a relative one like ``-1``.
    """

    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None (no ``alembic_version`` table, or at base)."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(read)
