"""Drive any Alembic project one revision at a time, from async code, whatever its ``env.py`` looks like.

Three kinds of ``env.py`` exist in the wild:

* the connection-sharing recipe (``config.attributes["connection"]``, like the demo's): it runs on a sync
  connection we hand over, inside our transaction — so probes can read that transaction's locks;
* Alembic's ``async`` template: it builds an async engine from ``sqlalchemy.url`` and calls ``asyncio.run``, which
  fails inside a running event loop (a notebook): we run it on a worker thread, which has no loop;
* the ``generic`` (sync) template: ``engine_from_config`` on ``sqlalchemy.url`` with a sync driver: on a worker thread
  too, with the URL's driver switched to the sync twin (sqlite3, psycopg, pymysql).

Which kind a project is, is read from its ``env.py`` source. Every statement any engine executes on the worker
thread is timed through a class-level SQLAlchemy cursor event and tagged with the step being run.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from maat_nb.engines import Target
from maat_nb.errors import ConfigError, NotFoundError

_SYNC_DRIVER = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg", "mariadb": "mysql+pymysql"}


@dataclass(frozen=True)
class Revision:
    """One revision of the history, oldest first."""

    id: str
    down: str | None  # the revision before it (None: base)
    doc: str


@dataclass(frozen=True)
class Statement:
    """One statement a step executed, with its time."""

    sql: str
    seconds: float


@dataclass
class _Recorder:
    """Collects the statements executed on the thread that runs a step."""

    thread: int | None = None
    statements: list[Statement] = field(default_factory=list)
    locks: dict[str, str] = field(default_factory=dict)  # PostgreSQL: read just before each commit


def load_config(alembic_ini: str | Path) -> Config:
    """The project's Alembic Config; :class:`NotFoundError` naming the path if it is not there."""
    path = Path(alembic_ini)
    if not path.is_file():
        raise NotFoundError(
            f"No alembic.ini at {str(path)!r}.",
            name=str(path),
            fix="Pass the path of the project's alembic.ini.",
        )
    return Config(str(path))


def history(config: Config) -> list[Revision]:
    """The revisions, oldest first (one head, no merges; a branchy history is refused with the reason)."""
    script = ScriptDirectory.from_config(config)
    heads = script.get_heads()
    if len(heads) != 1:
        raise ConfigError(
            f"The history has {len(heads)} heads ({', '.join(heads)}); the benchmark steps a linear history.",
            fix="Merge the heads (alembic merge) first.",
        )
    revs = list(reversed(list(script.walk_revisions())))
    out = []
    for rev in revs:
        down = rev.down_revision
        if isinstance(down, tuple | list):
            raise ConfigError(f"Revision {rev.revision} merges {down}: merges are not supported yet.")
        out.append(Revision(rev.revision, down, (rev.doc or "").strip()))
    return out


def env_kind(config: Config) -> str:
    """``connection`` (shares ``config.attributes["connection"]``), ``async`` or ``sync`` — from env.py's text."""
    script = ScriptDirectory.from_config(config)
    env = Path(script.dir) / "env.py"
    source = env.read_text(encoding="utf-8") if env.exists() else ""
    if (
        'attributes.get("connection")' in source
        or "attributes['connection']" in source
        or ('attributes["connection"]' in source)
    ):
        return "connection"
    if "async_engine_from_config" in source or "asyncio.run" in source or "create_async_engine" in source:
        return "async"
    return "sync"


class Driver:
    """Runs ``upgrade``/``downgrade`` steps of one project against one scratch database, timing each statement."""

    def __init__(self, alembic_ini: str | Path, target: Target) -> None:
        self.config_path = Path(alembic_ini)
        self.target = target
        self.kind = env_kind(load_config(alembic_ini))
        self._recorder = _Recorder()
        self._lock = threading.Lock()

    def _config(self, connection: Connection | None) -> Config:
        config = load_config(self.config_path)
        if connection is not None:
            config.attributes["connection"] = connection
        url = self.target.url
        if self.kind == "sync":
            url = url.set(drivername=_SYNC_DRIVER[self.target.dialect])
        config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))
        return config

    @contextmanager
    def _listening(self) -> Iterator[_Recorder]:
        recorder = _Recorder(thread=threading.get_ident())
        starts: dict[int, float] = {}

        def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            if threading.get_ident() == recorder.thread:
                starts[id(cursor)] = time.perf_counter()

        def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            started = starts.pop(id(cursor), None)
            if started is not None:
                recorder.statements.append(Statement(statement.strip(), time.perf_counter() - started))

        def on_commit(conn: Any) -> None:
            # the step's transaction still holds every table lock it took: read them on its own connection
            if threading.get_ident() != recorder.thread or self.target.dialect != "postgresql":
                return
            from maat_nb.migrations.probes import merge_locks, pg_locks_from_cursor

            try:
                cursor = conn.connection.dbapi_connection.cursor()
                try:
                    merge_locks(recorder.locks, pg_locks_from_cursor(cursor))
                finally:
                    cursor.close()
            except Exception:  # a probe never breaks the migration it watches
                pass

        event.listen(Engine, "before_cursor_execute", before)
        event.listen(Engine, "after_cursor_execute", after)
        event.listen(Engine, "commit", on_commit)
        try:
            yield recorder
        finally:
            event.remove(Engine, "before_cursor_execute", before)
            event.remove(Engine, "after_cursor_execute", after)
            event.remove(Engine, "commit", on_commit)

    def _recorded(
        self, fn: Callable[[Config, str], None], revision: str, connection: Connection | None
    ) -> tuple[float, list[Statement], dict[str, str]]:
        """Run one Alembic command on the calling thread, timing it and every statement; with ``connection``
        on that connection (connection-sharing env.py), else with env.py's own engine."""
        with self._listening() as rec:
            started = time.perf_counter()
            fn(self._config(connection), revision)
            return time.perf_counter() - started, list(rec.statements), dict(rec.locks)

    async def step(
        self,
        engine: AsyncEngine,
        direction: str,
        revision: str,
        *,
        in_transaction: Callable[[Connection], Any] | None = None,
    ) -> tuple[float, list[Statement], Any]:
        """Upgrade (``direction="up"``) or downgrade to ``revision``; returns seconds, statements, and what
        ``in_transaction(connection)`` returned when called after the step, before its commit (connection
        env.py only; None otherwise), with the locks read at any commit during the step."""
        fn = command.upgrade if direction == "up" else command.downgrade
        if self.kind != "connection":
            seconds, statements, locks = await asyncio.to_thread(self._recorded, fn, revision, None)
            return seconds, statements, ({"locks": locks} if locks else None)

        def run(connection: Connection) -> tuple[float, list[Statement], Any]:
            # env.py may commit its own transaction: the locks read at that commit come back in committed_locks
            seconds, statements, committed_locks = self._recorded(fn, revision, connection)
            extra = in_transaction(connection) if in_transaction is not None else None
            if committed_locks:
                from maat_nb.migrations.probes import merge_locks

                extra = dict(extra or {})
                locks = dict(extra.get("locks") or {})
                merge_locks(locks, committed_locks)
                extra["locks"] = locks
            return seconds, statements, extra

        async with engine.connect() as conn:
            result: tuple[float, list[Statement], Any] = await conn.run_sync(run)
            started = time.perf_counter()
            await conn.commit()
            commit = time.perf_counter() - started
        seconds, statements, extra = result
        return seconds + commit, statements, extra

    async def stamp(self, engine: AsyncEngine, revision: str) -> None:
        """Set the version stamp without running anything."""
        if self.kind != "connection":
            await asyncio.to_thread(command.stamp, self._config(None), revision)
            return
        async with engine.connect() as conn:
            await conn.run_sync(lambda c: command.stamp(self._config(c), revision))
            await conn.commit()
