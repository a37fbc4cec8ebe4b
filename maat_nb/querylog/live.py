"""Query classes read live from the server's own statement statistics, read-only.

- PostgreSQL: ``pg_stat_statements`` (the extension must be installed in the database and preloaded).
- MariaDB / MySQL: ``performance_schema.events_statements_summary_by_digest`` (``performance_schema = ON``).

These views already aggregate: each row is a normalised statement with its call count and times since the last
reset. Rows are re-grouped under the kit's own fingerprint, so a class here has the same id as the same class in
a log digest. The views keep no percentiles: median/p95/p99 are estimated from mean and standard deviation
(PostgreSQL; clipped to [min, max]) or left at the mean (MariaDB, which keeps only min/avg/max) and say so in
:attr:`LiveDigest.notes`. There are no individual executions, hence no N+1 detection and no parameters.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text

from maat_nb.engines import Target, open_engine, read_only, resolve
from maat_nb.errors import ConfigError
from maat_nb.querylog.digest import Digest, QueryClass

_PG_SQL = """
SELECT s.query, s.calls, s.total_exec_time, s.min_exec_time, s.max_exec_time, s.mean_exec_time,
       s.stddev_exec_time, s.rows, d.datname, r.rolname
FROM pg_stat_statements s
LEFT JOIN pg_database d ON d.oid = s.dbid
LEFT JOIN pg_roles r ON r.oid = s.userid
WHERE s.calls > 0
"""
_MY_SQL = """
SELECT DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, MIN_TIMER_WAIT, MAX_TIMER_WAIT, SUM_LOCK_TIME,
       SUM_ROWS_SENT, SUM_ROWS_EXAMINED, SUM_ROWS_AFFECTED, FIRST_SEEN, LAST_SEEN, SCHEMA_NAME
FROM performance_schema.events_statements_summary_by_digest
WHERE COUNT_STAR > 0 AND DIGEST_TEXT IS NOT NULL
"""
PICO = 1e-12
# performance_schema abbreviates value lists in DIGEST_TEXT: `IN (...)`, `LIMIT ?, ...`, `VALUES (...)`
_PS_LIST = re.compile(r"\(\s*\.\.\.\s*\)")
_PS_TAIL = re.compile(r"\?\s*,\s*\.\.\.")


def _unabbreviate(digest_text: str) -> str:
    """Turn performance_schema's ``...`` lists back into placeholders, so the kit's fingerprint reads them.

    >>> _unabbreviate("SELECT * FROM `t` WHERE `a` IN (...) LIMIT ?, ...")
    'SELECT * FROM `t` WHERE `a` IN (?) LIMIT ?, ?'
    """
    return _PS_TAIL.sub("?, ?", _PS_LIST.sub("(?)", digest_text))


@dataclass(frozen=True)
class LiveDigest:
    """Classes from a server's statement statistics, with where they came from and what is estimated."""

    source: str  # pg_stat_statements | performance_schema
    target: str  # masked URL
    digest: Digest
    notes: tuple[str, ...]


@dataclass
class _Row:
    query: str
    calls: int
    total_s: float
    min_s: float
    max_s: float
    stddev_s: float | None
    lock_s: float = 0.0
    rows_sent: int = 0
    rows_examined: int = 0
    rows_affected: int = 0
    first: datetime | None = None
    last: datetime | None = None
    db: str | None = None
    user: str | None = None


def _group(rows: Sequence[_Row], dialect: str) -> Digest:
    from maat_nb.querylog.fingerprint import class_id, fingerprint, tables_of

    fp_of = functools.partial(fingerprint, dialect=dialect)
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        groups.setdefault(fp_of(row.query), []).append(row)
    total = sum(r.total_s for r in rows)
    classes = []
    for fp, members in groups.items():
        calls = sum(r.calls for r in members)
        tot = sum(r.total_s for r in members)
        mean = tot / calls
        # pooled variance of the members (each with its own mean and stddev); None when a member has no stddev
        if all(r.stddev_s is not None for r in members):
            var = (
                sum(r.calls * ((r.stddev_s or 0.0) ** 2 + (r.total_s / r.calls - mean) ** 2) for r in members)
                / calls
            )
            sd: float | None = var**0.5
        else:
            sd = None
        lo = min(r.min_s for r in members)
        hi = max(r.max_s for r in members)

        def clip(v: float, lo: float = lo, hi: float = hi) -> float:
            return min(max(v, lo), hi)

        slowest = max(members, key=lambda r: r.max_s)
        dbs: dict[str, int] = {}
        users: dict[str, int] = {}
        for r in members:
            if r.db:
                dbs[r.db] = dbs.get(r.db, 0) + r.calls
            if r.user:
                users[r.user] = users.get(r.user, 0) + r.calls
        firsts = [r.first for r in members if r.first]
        lasts = [r.last for r in members if r.last]
        classes.append(
            QueryClass(
                id=class_id(fp),
                fingerprint=fp,
                count=calls,
                total_s=tot,
                mean_s=mean,
                median_s=clip(mean),
                p95_s=clip(mean + 1.645 * sd) if sd is not None else clip(mean),
                p99_s=clip(mean + 2.326 * sd) if sd is not None else clip(mean),
                max_s=hi,
                lock_s=sum(r.lock_s for r in members),
                rows_sent=sum(r.rows_sent for r in members),
                rows_examined=sum(r.rows_examined for r in members),
                rows_affected=sum(r.rows_affected for r in members),
                first_seen=min(firsts) if firsts else None,
                last_seen=max(lasts) if lasts else None,
                example=slowest.query,
                example_params=None,
                example_source="",
                tables=tables_of(slowest.query, dialect=dialect),
                databases=tuple(sorted(dbs.items(), key=lambda kv: -kv[1])[:5]),
                users=tuple(sorted(users.items(), key=lambda kv: -kv[1])[:5]),
                hosts=(),
                share=tot / total if total else 0.0,
            )
        )
    classes.sort(key=lambda c: (-c.total_s, -c.count, c.fingerprint))
    firsts = [c.first_seen for c in classes if c.first_seen]
    lasts = [c.last_seen for c in classes if c.last_seen]
    return Digest(
        events=sum(c.count for c in classes),
        bad_records=0,
        bad_samples=(),
        start=min(firsts) if firsts else None,
        end=max(lasts) if lasts else None,
        total_s=total,
        classes=tuple(classes),
        load=(),
    )


async def _pg_rows(conn: Any, target: Target) -> list[_Row]:
    installed = (
        await conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'"))
    ).scalar()
    if not installed:
        raise ConfigError(
            f"pg_stat_statements is not installed in {target.masked}.",
            fix="As a superuser: add pg_stat_statements to shared_preload_libraries (restart), then "
            "CREATE EXTENSION pg_stat_statements in this database.",
        )
    result = await conn.execute(text(_PG_SQL))
    return [
        _Row(
            query=q,
            calls=int(calls),
            total_s=float(total) / 1e3,
            min_s=float(mn) / 1e3,
            max_s=float(mx) / 1e3,
            stddev_s=float(sd) / 1e3 if sd is not None else None,
            rows_sent=int(rows or 0),
            db=dbname,
            user=role,
        )
        for q, calls, total, mn, mx, _mean, sd, rows, dbname, role in result.all()
        if q
    ]


async def _my_rows(conn: Any, target: Target) -> list[_Row]:
    enabled = (await conn.execute(text("SELECT @@performance_schema"))).scalar()
    if not enabled or str(enabled) in {"0", "OFF"}:
        raise ConfigError(
            f"performance_schema is off on {target.masked}: the server keeps no statement digests.",
            fix="Start the server with performance_schema=ON (my.cnf, needs a restart), or digest its slow log.",
        )
    result = await conn.execute(text(_MY_SQL))
    return [
        _Row(
            query=_unabbreviate(q),
            calls=int(calls),
            total_s=int(total) * PICO,
            min_s=int(mn) * PICO,
            max_s=int(mx) * PICO,
            stddev_s=None,
            lock_s=int(lock) * PICO,
            rows_sent=int(sent),
            rows_examined=int(examined),
            rows_affected=int(affected),
            first=first,
            last=last,
            db=schema,
        )
        for q, calls, total, mn, mx, lock, sent, examined, affected, first, last, schema in result.all()
    ]


async def read_statement_stats(db: str | Target, *, timeout_s: float = 60.0) -> LiveDigest:
    """Query classes from pg_stat_statements (PostgreSQL) or performance_schema (MariaDB/MySQL), read-only.

    Raises:
        ConfigError: the view is not available (extension missing, performance_schema off) — says how to enable it.
    """
    target = resolve(db)
    if target.dialect == "sqlite":
        raise ConfigError(
            "SQLite keeps no statement statistics.",
            fix="Record the application's statements with a capture (maat_nb.capture) and digest that.",
        )
    async with open_engine(target) as engine, read_only(engine, timeout_s=timeout_s) as conn:
        if target.dialect == "postgresql":
            rows, source, dialect = await _pg_rows(conn, target), "pg_stat_statements", "postgresql"
        else:
            rows, source, dialect = await _my_rows(conn, target), "performance_schema", "mysql"
    notes = (
        "figures are totals since the statistics were last reset; there are no single executions, so no N+1 "
        "detection and no parameters",
        "median/p95/p99 estimated from mean and standard deviation"
        if source == "pg_stat_statements"
        else "median/p95/p99 not kept by performance_schema: shown as the mean",
    )
    return LiveDigest(source, target.masked, _group(rows, dialect), notes)
