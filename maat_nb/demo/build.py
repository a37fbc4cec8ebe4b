"""Build the demo shop on any of the three engines: migrate to head, generate, bulk load, analyze, count."""

from __future__ import annotations

import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from maat_nb.demo.generate import generate, plan
from maat_nb.demo.load import analyze, count_rows, load
from maat_nb.demo.migrate import upgrade
from maat_nb.demo.models import metadata
from maat_nb.engines import Dialect, Target, create_engine, resolve
from maat_nb.errors import ConfigError, UnsafeTargetError

_DEMO_TABLES = frozenset(metadata.tables) | {"alembic_version"}


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`build_demo` built.

    Attributes:
        url: The database URL, password masked.
        dialect: ``sqlite``, ``postgresql`` or ``mariadb``.
        scale: The scale asked for (1.0 is about a million rows).
        seed: The generator's seed.
        rows: ``SELECT COUNT(*)`` of every demo table after the load, in foreign-key order.
        seconds: Wall time of the whole build (migrations, generation, load, ANALYZE).
    """

    url: str
    dialect: Dialect
    scale: float
    seed: int
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        """Rows over all tables."""
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        """Build throughput."""
        return self.total_rows / self.seconds if self.seconds > 0 else float("inf")


def default_demo_path() -> Path:
    """``<repo>/.maat/shop.db``: the repository root when the package is installed in editable mode."""
    return Path(__file__).resolve().parents[2] / ".maat" / "shop.db"


def default_demo_url() -> str:
    """The ``sqlite+aiosqlite`` URL of :func:`default_demo_path`."""
    return f"sqlite+aiosqlite:///{default_demo_path()}"


async def build_demo(db: str, *, scale: float = 0.05, seed: int = 42, progress: bool = True) -> DemoSummary:
    """Create the demo shop in ``db``: schema by the Alembic migrations, then generated data, then statistics.

    An existing demo in ``db`` is replaced (SQLite: the file is deleted first). A database holding any table
    that is not the demo's is refused, so a mistyped URL cannot destroy real data.

    Args:
        db: Database URL or ``env:NAME``; SQLite files and their directory are created.
        scale: 1.0 is about 1,000,000 rows (``maat_nb.demo.generate.plan`` gives exact counts).
        seed: Same seed, same data.
        progress: Show a tqdm progress bar on stderr.

    Raises:
        ConfigError: bad scale, or an in-memory SQLite URL.
        UnsafeTargetError: ``db`` holds tables that are not the demo's.
    """
    counts = plan(scale)
    target = resolve(db)
    started = time.perf_counter()
    if target.dialect == "sqlite":
        _prepare_sqlite_file(target)
    engine = create_engine(target)
    try:
        if target.dialect != "sqlite":
            await _reset_server_database(engine, target)
        await upgrade(engine)
        with tqdm(
            total=sum(counts.values()), unit="rows", unit_scale=True, file=sys.stderr, disable=not progress,
            desc=f"demo {target.database}",
        ) as bar:  # fmt: skip
            async with engine.begin() as conn:
                await load(conn, generate(scale, seed), on_rows=bar.update)
        async with engine.begin() as conn:
            await analyze(conn)
            rows = await count_rows(conn)
    finally:
        await engine.dispose()
    return DemoSummary(
        url=target.masked,
        dialect=target.dialect,
        scale=scale,
        seed=seed,
        rows=rows,
        seconds=time.perf_counter() - started,
    )


def _foreign_tables(names: list[str]) -> list[str]:
    return sorted(n for n in names if n not in _DEMO_TABLES and not n.startswith("sqlite_"))


def _prepare_sqlite_file(target: Target) -> None:
    """Create the file's directory; delete an existing demo file (and its journals); refuse any other file."""
    database = target.url.database or ""
    if (
        database in ("", ":memory:")
        or database.startswith("file:")
        or target.url.query.get("mode") == "memory"
    ):
        raise ConfigError(
            f"The demo needs an SQLite file, not {target.masked!r}.",
            fix="Use sqlite:///path/to/shop.db (three slashes: relative path, four: absolute path).",
        )
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        return
    if path.stat().st_size > 0:
        try:
            with sqlite3.connect(path) as con:
                names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            con.close()
        except sqlite3.DatabaseError as exc:
            raise UnsafeTargetError(
                f"{str(path)!r} exists and is not an SQLite database ({exc}).",
                fix="Choose another path for the demo.",
            ) from None
        if foreign := _foreign_tables(names):
            raise _refuse(target, foreign)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _reset_server_database(engine: AsyncEngine, target: Target) -> None:
    """Drop a previous demo (tables, PostgreSQL enum types, ``alembic_version``); refuse any other tables."""

    def reset(conn: Connection) -> None:
        names = inspect(conn).get_table_names()
        if foreign := _foreign_tables(names):
            raise _refuse(target, foreign)
        if names:
            metadata.drop_all(conn, checkfirst=True)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))

    async with engine.begin() as conn:
        await conn.run_sync(reset)


def _refuse(target: Target, foreign: list[str]) -> UnsafeTargetError:
    shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
    return UnsafeTargetError(
        f"{target.masked!r} holds tables that are not the demo's ({shown}); building would replace them.",
        fix="Build the demo into an empty database or a new SQLite file.",
    )
