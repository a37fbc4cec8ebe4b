"""What a migration step did to the database, measured rather than guessed from its SQL.

* PostgreSQL: tables rewritten (their ``relfilenode`` changed: PostgreSQL's own regression-test method) and the
  strongest lock the step took on each table (read from ``pg_locks`` inside the step's transaction, where every
  table lock is still held).
* SQLite: tables Alembic's batch mode recreated (``_alembic_tmp_<name>`` copies in the statements).
* MariaDB: the cheapest ``ALGORITHM`` (INSTANT, NOCOPY, INPLACE, COPY) and ``LOCK`` level each ALTER TABLE accepts,
  tried on a schema-only scratch copy: the server refuses an algorithm it cannot use before touching any data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

# PostgreSQL's lock modes, weakest first.
PG_LOCKS = (
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)
_PG_LOCK_RANK = {name: i for i, name in enumerate(PG_LOCKS)}
_LOCK_LABEL = {
    "AccessShareLock": "ACCESS SHARE",
    "RowShareLock": "ROW SHARE",
    "RowExclusiveLock": "ROW EXCLUSIVE",
    "ShareUpdateExclusiveLock": "SHARE UPDATE EXCLUSIVE",
    "ShareLock": "SHARE",
    "ShareRowExclusiveLock": "SHARE ROW EXCLUSIVE",
    "ExclusiveLock": "EXCLUSIVE",
    "AccessExclusiveLock": "ACCESS EXCLUSIVE",
}
BLOCKS = {
    "ACCESS EXCLUSIVE": "blocks reads and writes",
    "EXCLUSIVE": "blocks writes and most reads' locks",
    "SHARE ROW EXCLUSIVE": "blocks writes",
    "SHARE": "blocks writes",
    "SHARE UPDATE EXCLUSIVE": "blocks other DDL and VACUUM only",
}


@dataclass(frozen=True)
class PgPhysical:
    """One reading of the current schema's tables on disk: the WAL position, each table's file (it changes when
    the table is rewritten) and total size (heap, indexes, TOAST)."""

    lsn: str
    files: dict[str, int]
    sizes: dict[str, int]


def pg_physical(connection: Connection) -> PgPhysical:
    """Read files, sizes and the WAL position in one round trip."""
    rows = connection.execute(
        text(
            "SELECT pg_current_wal_lsn()::text, c.relname, c.relfilenode, pg_total_relation_size(c.oid) "
            "FROM (SELECT 1) AS one LEFT JOIN (pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "AND c.relkind IN ('r', 'p', 'm') AND n.nspname = current_schema()) ON true"
        )
    ).all()
    tables = [r for r in rows if r[1] is not None]
    return PgPhysical(
        lsn=str(rows[0][0]),
        files={str(r[1]): int(r[2]) for r in tables},
        sizes={str(r[1]): int(r[3]) for r in tables},
    )


def lsn_bytes(lsn: str) -> int:
    """A WAL position (``16/B374D848``) as a byte offset.

    >>> lsn_bytes("1/0") - lsn_bytes("0/FFFFFFFF")
    1
    """
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def wal_between(before: PgPhysical, after: PgPhysical) -> int:
    """WAL bytes written between two readings (by the whole server: other sessions' writes count too)."""
    return lsn_bytes(after.lsn) - lsn_bytes(before.lsn)


def size_change(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Bytes gained (or lost, negative) per table; created and dropped tables count from/to zero."""
    names = set(before) | set(after)
    diff = {t: after.get(t, 0) - before.get(t, 0) for t in names}
    return {t: d for t, d in sorted(diff.items()) if d}


def rewritten(before: dict[str, int], after: dict[str, int]) -> tuple[str, ...]:
    """Tables present before and after whose file changed."""
    return tuple(sorted(t for t, node in after.items() if t in before and before[t] != node))


_LOCKS_SQL = (
    "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype = 'relation' "
    "AND c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
)


def pg_locks_held(connection: Connection) -> dict[str, str]:
    """The strongest lock this transaction holds on each table of the current schema (call before commit)."""
    return _strongest_per_table(connection.execute(text(_LOCKS_SQL)))


def pg_locks_from_cursor(cursor: Any) -> dict[str, str]:
    """Same, on a raw DBAPI cursor (inside SQLAlchemy's commit event, where no statement may be executed)."""
    cursor.execute(_LOCKS_SQL)
    return _strongest_per_table(cursor.fetchall())


def merge_locks(into: dict[str, str], more: dict[str, str]) -> None:
    """Keep the stronger label per table."""
    labels = list(_LOCK_LABEL.values())
    for table, mode in more.items():
        if table not in into or labels.index(mode) > labels.index(into[table]):
            into[table] = mode


def _strongest_per_table(rows: Iterable[Any]) -> dict[str, str]:
    best: dict[str, str] = {}
    for name, mode in rows:
        if name == "alembic_version":
            continue
        if name not in best or _PG_LOCK_RANK.get(mode, -1) > _PG_LOCK_RANK.get(best[name], -1):
            best[str(name)] = str(mode)
    return {t: _LOCK_LABEL.get(m, m) for t, m in best.items()}


def strongest(locks: dict[str, str]) -> str | None:
    """The strongest of several lock labels."""
    labels = list(_LOCK_LABEL.values())
    if not locks:
        return None
    return max(locks.values(), key=lambda m: labels.index(m) if m in labels else -1)


_TMP = re.compile(r"_alembic_tmp_(\w+)", re.IGNORECASE)


def sqlite_recreated(statements: Iterable[str]) -> tuple[str, ...]:
    """Tables Alembic's batch mode recreated (copied through ``_alembic_tmp_<table>``).

    >>> sqlite_recreated(["CREATE TABLE _alembic_tmp_products (id INTEGER)", "DROP TABLE products"])
    ('products',)
    """
    return tuple(sorted({m.group(1) for s in statements for m in _TMP.finditer(s)}))


# ---- MariaDB: ALTER algorithms ---------------------------------------------------------------------------------

ALGORITHMS = ("INSTANT", "NOCOPY", "INPLACE", "COPY")
LOCKS = ("NONE", "SHARED", "EXCLUSIVE")
_ALTER = re.compile(r"^\s*ALTER\s+TABLE\s", re.IGNORECASE)
_DDL = re.compile(r"^\s*(ALTER|CREATE|DROP|RENAME)\s", re.IGNORECASE)
_NOT_SUPPORTED = (1845, 1846)  # ER_ALTER_OPERATION_NOT_SUPPORTED(_REASON)


def is_alter(sql: str) -> bool:
    """An ALTER TABLE statement (the ones whose algorithm matters)."""
    return bool(_ALTER.match(sql))


def is_ddl(sql: str) -> bool:
    """A schema statement (replayed on the schema-only copy)."""
    return bool(_DDL.match(sql))


def _code(exc: BaseException) -> int | None:
    orig: Any = getattr(exc, "orig", exc)
    args = getattr(orig, "args", ())
    return int(args[0]) if args and isinstance(args[0], int) else None


def mariadb_algorithm(connection: Connection, sql: str) -> tuple[str, str]:
    """Run one ALTER with the cheapest algorithm and lock the server accepts; returns (algorithm, lock).

    The statement really runs (on the schema-only copy), with the first algorithm that is not refused.
    """
    for algorithm in ALGORITHMS:
        connection.exec_driver_sql(f"SET SESSION alter_algorithm = '{algorithm}'")
        for lock in LOCKS:
            try:
                connection.exec_driver_sql(f"{sql.rstrip().rstrip(';')}, LOCK={lock}")
            except Exception as exc:  # the server's refusal is the answer
                if _code(exc) in _NOT_SUPPORTED:
                    if f"LOCK={lock} is not supported" in str(exc):
                        continue  # this algorithm works, but needs a stronger lock
                    break  # this algorithm is refused: try the next one
                raise
            else:
                connection.exec_driver_sql("SET SESSION alter_algorithm = 'DEFAULT'")
                return algorithm, lock
    connection.exec_driver_sql("SET SESSION alter_algorithm = 'DEFAULT'")
    connection.exec_driver_sql(sql)
    return "COPY", "EXCLUSIVE"
