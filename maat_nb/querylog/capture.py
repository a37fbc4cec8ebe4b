"""Record what an application sends through a SQLAlchemy engine: a query log for any engine, SQLite included.

    async with capture(engine) as log:
        await run_my_page(engine)
    digest = log.digest()

Each statement becomes a :class:`~maat_nb.querylog.events.QueryEvent` with its duration, parameters, the
connection it ran on (``session``) and the application's call site (``extra["call_site"]``: the first frame
outside SQLAlchemy, asyncio and this kit, found across the greenlet that SQLAlchemy's asyncio layer runs the
driver in). Listeners are removed when the block ends.
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from maat_nb.querylog.events import QueryEvent

_SKIP = (
    "/sqlalchemy/",
    "/asyncio/",
    "/greenlet/",
    "/maat_nb/querylog/capture.py",
    "/contextlib.py",
    "<frozen",
)


def _outer_frame() -> FrameType | None:
    """The innermost frame that is the application's, looking through SQLAlchemy's greenlet bridge."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        if not any(part in frame.f_code.co_filename for part in _SKIP):
            return frame
        frame = frame.f_back
    try:  # async engines: the driver call runs in a child greenlet; the awaiting code is in its parent
        import greenlet

        parent = greenlet.getcurrent().parent
        frame = parent.gr_frame if parent is not None else None
    except ImportError:  # pragma: no cover - greenlet ships with SQLAlchemy's asyncio extra
        return None
    while frame is not None:
        if not any(part in frame.f_code.co_filename for part in _SKIP):
            return frame
        frame = frame.f_back
    return None


def _params(parameters: Any) -> tuple[str, ...] | None:
    if parameters is None or parameters == () or parameters == {}:
        return None
    if isinstance(parameters, dict):
        return tuple(repr(v) for v in parameters.values())
    if isinstance(parameters, list | tuple) and parameters and isinstance(parameters[0], list | tuple | dict):
        return None  # executemany: one event stands for the batch
    if isinstance(parameters, list | tuple):
        return tuple(repr(v) for v in parameters)
    return (repr(parameters),)


@dataclass
class CaptureLog:
    """The statements recorded so far (in execution order)."""

    events: list[QueryEvent] = field(default_factory=list)
    dialect: str | None = None  # the engine's: sqlite, postgresql or mysql (MariaDB too)
    _sessions: dict[int, str] = field(default_factory=dict)

    def session_of(self, dbapi_connection: Any) -> str:
        """A short stable name for a DBAPI connection: ``c1``, ``c2``, ..."""
        key = id(dbapi_connection)
        if key not in self._sessions:
            self._sessions[key] = f"c{len(self._sessions) + 1}"
        return self._sessions[key]

    def digest(self) -> Any:
        """The digest of the captured statements (see :mod:`maat_nb.querylog.digest`)."""
        from maat_nb.querylog.digest import DigestBuilder

        return DigestBuilder(dialect=self.dialect).add_all(self.events).result()


@contextmanager
def capture_sync(engine: Engine, log: CaptureLog | None = None) -> Iterator[CaptureLog]:
    """Record every statement executed through ``engine`` (a sync Engine) while the block runs."""
    log = log or CaptureLog()
    log.dialect = engine.dialect.name
    database = engine.url.database
    user = engine.url.username
    host = engine.url.host

    def before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        conn.info.setdefault("maat_capture_start", []).append((time.perf_counter(), datetime.now(UTC)))

    def after(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        stack = conn.info.get("maat_capture_start")
        if not stack:
            return
        started, ts = stack.pop()
        duration = time.perf_counter() - started
        frame = _outer_frame()
        site = f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})" if frame else ""
        rowcount = getattr(cursor, "rowcount", -1)
        is_select = statement.lstrip()[:6].lower() in {"select", "with r", "with ", "values"}
        extra = {"call_site": site}
        if executemany:
            extra["executemany"] = "true"
        log.events.append(
            QueryEvent(
                sql=statement.strip().rstrip(";"),
                duration_s=duration,
                ts=ts,
                db=database,
                user=user,
                host=host,
                session=log.session_of(conn.connection.dbapi_connection),
                rows_affected=None if is_select or rowcount is None or rowcount < 0 else int(rowcount),
                params=_params(parameters),
                source=site,
                extra=extra,
            )
        )

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


@asynccontextmanager
async def capture(engine: AsyncEngine | Engine) -> AsyncIterator[CaptureLog]:
    """Record every statement executed through ``engine`` (async or sync) while the block runs."""
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    with capture_sync(sync_engine) as log:
        yield log
