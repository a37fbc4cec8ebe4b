"""Run the demo workload with the database server's own statement log switched on, and keep what it wrote.

- MariaDB/MySQL: the slow query log, pointed at a file of our own in the server's data directory for the run
  (``SET GLOBAL slow_query_log_file``, ``slow_query_log = 1``); only the workload's sessions set
  ``long_query_time = 0`` (and ``log_slow_verbosity``), so other clients keep their threshold. The previous
  global values are put back afterwards, also when the workload fails.
- PostgreSQL: the workload's sessions set ``log_min_duration_statement = 0`` (superuser only; nothing global
  changes); the lines the server appended to its log file during the run are copied out. asyncpg uses the
  extended protocol, so the log holds ``parse``/``bind``/``execute`` lines with their ``DETAIL: parameters``.

Both need the server's log file on this machine (a local server) and an account allowed to change logging
(SUPER / superuser). Only for the demo and the tests; never point this at production.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from maat_nb.demo.workload import WorkloadSummary, run_workload
from maat_nb.engines import Target, create_engine, resolve
from maat_nb.errors import ConfigError

LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}


def _session_settings(engine: AsyncEngine, statements: list[str]) -> None:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()

    event.listen(engine.sync_engine, "connect", on_connect)


def _check_local(target: Target) -> None:
    if target.url.host not in LOCAL_HOSTS:
        raise ConfigError(
            f"The server at {target.url.host!r} is not on this machine, so its log file cannot be read.",
            fix="Run the workload against a local server, or use the capture log (maat-nb demo on SQLite).",
        )


async def _mariadb(
    target: Target, out: Path, pages: int, seed: int, verbosity: str, capture_path: Path | None
) -> WorkloadSummary:
    admin = create_engine(target)
    name = f"maat_slow_{secrets.token_hex(4)}.log"
    try:
        async with admin.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT @@global.slow_query_log, @@global.slow_query_log_file, @@datadir, @@log_output"
                    )
                )
            ).one()
            was_on, old_file, datadir, output = int(row[0]), str(row[1]), str(row[2]), str(row[3])
            if "FILE" not in output.upper():
                raise ConfigError(
                    f"The server writes its slow log to {output}, not to a file.",
                    fix="SET GLOBAL log_output = 'FILE' (or 'FILE,TABLE') first.",
                )
            await conn.execute(text(f"SET GLOBAL slow_query_log_file = '{name}'"))
            await conn.execute(text("SET GLOBAL slow_query_log = 1"))
            try:
                engine = create_engine(target)
                _session_settings(
                    engine,
                    ["SET SESSION long_query_time = 0", f"SET SESSION log_slow_verbosity = '{verbosity}'"],
                )
                try:
                    summary = await _run(engine, pages, seed, capture_path)
                finally:
                    await engine.dispose()
            finally:
                await conn.execute(text(f"SET GLOBAL slow_query_log = {was_on}"))
                await conn.execute(text("SET GLOBAL slow_query_log_file = :f"), {"f": old_file})
    finally:
        await admin.dispose()
    written = Path(datadir) / name
    if not written.exists():
        raise ConfigError(
            f"The server wrote no slow log at {written}.",
            fix="Check that this is the server's data directory on this machine and that it may write there.",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(written, out)
    written.unlink()
    return summary


async def _pg_log_file(conn: Any) -> Path:
    current = (await conn.execute(text("SELECT pg_current_logfile()"))).scalar()
    if current:
        data = (await conn.execute(text("SHOW data_directory"))).scalar()
        path = Path(current) if Path(current).is_absolute() else Path(data) / current
        if path.exists():
            return path
    version = (await conn.execute(text("SHOW server_version_num"))).scalar()
    cluster = (await conn.execute(text("SHOW cluster_name"))).scalar() or ""
    major = int(version) // 10000
    name = cluster.split("/")[-1] if cluster else "main"
    candidate = Path(f"/var/log/postgresql/postgresql-{major}-{name}.log")
    if candidate.exists():
        return candidate
    raise ConfigError(
        "Cannot find the PostgreSQL server's log file (logging_collector is off and the Debian default "
        f"{candidate} does not exist).",
        fix="Turn logging_collector on, or run the workload with a capture instead.",
    )


async def _postgresql(
    target: Target, out: Path, pages: int, seed: int, capture_path: Path | None
) -> WorkloadSummary:
    admin = create_engine(target)
    try:
        async with admin.connect() as conn:
            if (await conn.execute(text("SHOW is_superuser"))).scalar() != "on":
                raise ConfigError(
                    f"{target.masked}: log_min_duration_statement can only be set by a superuser.",
                    fix="Connect as a superuser (postgres) for the demo workload.",
                )
            log_file = await _pg_log_file(conn)
    finally:
        await admin.dispose()
    start = os.path.getsize(log_file)
    engine = create_engine(target)
    _session_settings(engine, ["SET log_min_duration_statement = 0"])
    try:
        summary = await _run(engine, pages, seed, capture_path)
    finally:
        await engine.dispose()
    await asyncio.sleep(0.2)  # the server writes its log lines asynchronously to the statements
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "rb") as src, open(out, "wb") as dst:
        src.seek(start)
        shutil.copyfileobj(src, dst)
    return summary


async def _run(engine: AsyncEngine, pages: int, seed: int, capture_path: Path | None) -> WorkloadSummary:
    if capture_path is None:
        return await run_workload(engine, pages=pages, seed=seed)
    from maat_nb.querylog.capture import capture
    from maat_nb.querylog.parsers.capture_jsonl import write_capture

    async with capture(engine) as log:
        summary = await run_workload(engine, pages=pages, seed=seed)
    capture_path.parent.mkdir(parents=True, exist_ok=True)
    write_capture(log.events, capture_path, dialect=log.dialect)
    return summary


async def record_server_log(
    db: str | Target,
    path: str | Path,
    *,
    pages: int = 300,
    seed: int = 1,
    verbosity: str = "query_plan,explain",
    capture_path: str | Path | None = None,
) -> WorkloadSummary:
    """Run the demo workload on a local MariaDB or PostgreSQL with its statement log on; copy the log to ``path``.

    Args:
        db: The demo database (built by ``maat-nb demo --engine ...``).
        path: Where to write the server's log of the run.
        pages: Page views to run.
        seed: Same seed, same pages.
        verbosity: MariaDB ``log_slow_verbosity`` for the run.
        capture_path: Also write a capture log of the very same statements here (to compare the two).
    """
    target = resolve(db)
    _check_local(target)
    out = Path(path)
    cap = Path(capture_path) if capture_path else None
    if target.dialect == "mariadb":
        return await _mariadb(target, out, pages, seed, verbosity, cap)
    if target.dialect == "postgresql":
        return await _postgresql(target, out, pages, seed, cap)
    raise ConfigError(
        f"{target.dialect} has no server log; the workload is recorded with a capture instead.",
        fix="Use record_workload() (what maat-nb demo does on SQLite).",
    )
