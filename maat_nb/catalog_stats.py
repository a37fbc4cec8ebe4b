"""Per-engine catalog figures: sizes, row estimates, scan counts and statistics freshness.

One function per engine, each a handful of catalog queries (never a table scan). A view the account may not read
leaves its figures ``None`` and adds a note; on PostgreSQL every query used here is readable by any role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True)
class TableStats:
    """Catalog figures of one table; every field is None where the engine does not tell.

    Attributes:
        rows_estimate: The planner's row estimate (PostgreSQL reltuples, InnoDB TABLE_ROWS, sqlite_stat1).
        data_bytes: Heap / clustered index / table b-tree.
        index_bytes: All secondary indexes together.
        toast_bytes: Out-of-line storage (PostgreSQL TOAST); MariaDB reports its free space in ``free_bytes``.
        last_analyze: When statistics were last gathered.
        mod_since_analyze: Rows changed since then (PostgreSQL).
        stats_available: The engine holds optimizer statistics for the table (``sqlite_stat1`` rows, EITS, pg_stats).
    """

    rows_estimate: int | None = None
    data_bytes: int | None = None
    index_bytes: int | None = None
    toast_bytes: int | None = None
    free_bytes: int | None = None
    last_analyze: datetime | None = None
    mod_since_analyze: int | None = None
    dead_rows: int | None = None
    seq_scan: int | None = None
    idx_scan: int | None = None
    storage_engine: str | None = None
    collation: str | None = None
    stats_available: bool | None = None

    @property
    def total_bytes(self) -> int | None:
        """Data + indexes + TOAST, where known."""
        parts = [self.data_bytes, self.index_bytes, self.toast_bytes]
        if all(p is None for p in parts):
            return None
        return sum(p or 0 for p in parts)


@dataclass
class CatalogStats:
    """What :func:`fetch_table_stats` gathers, keyed by table (and index / column) name."""

    tables: dict[str, TableStats] = field(default_factory=dict)
    index_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    index_scans: dict[str, dict[str, int]] = field(default_factory=dict)
    raw_types: dict[tuple[str, str], str] = field(default_factory=dict)
    charsets: dict[tuple[str, str], str] = field(default_factory=dict)


async def fetch_table_stats(
    conn: AsyncConnection, dialect: str, names: list[str], schema: str | None
) -> tuple[CatalogStats, list[str]]:
    """Gather catalog figures for ``names``; returns them with notes on what could not be read."""
    notes: list[str] = []
    if not names:
        return CatalogStats(), notes
    if dialect == "postgresql":
        return await _postgresql(conn, names, schema), notes
    if dialect == "mariadb":
        return await _mariadb(conn, names, notes), notes
    return await _sqlite(conn, names, notes), notes


async def _rows(conn: AsyncConnection, sql: str, **params: Any) -> list[Any]:
    return list((await conn.execute(text(sql), params)).all())


async def _postgresql(conn: AsyncConnection, names: list[str], schema: str | None) -> CatalogStats:
    out = CatalogStats()
    schema_sql = "n.nspname = :schema" if schema else "n.nspname = current_schema()"
    params: dict[str, Any] = {"schema": schema} if schema else {}
    rows = await _rows(
        conn,
        f"""SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid), pg_indexes_size(c.oid),
                   COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0),
                   GREATEST(s.last_analyze, s.last_autoanalyze), s.n_mod_since_analyze, s.n_dead_tup,
                   s.seq_scan, s.idx_scan, c.relkind,
                   EXISTS (SELECT 1 FROM pg_stats ps WHERE ps.schemaname = n.nspname AND ps.tablename = c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
            WHERE {schema_sql} AND c.relkind IN ('r', 'p', 'm', 'v')""",
        **params,
    )
    wanted = set(names)
    for r in rows:
        if r[0] not in wanted:
            continue
        is_view = r[10] == "v"
        out.tables[r[0]] = TableStats(
            rows_estimate=None if is_view or r[1] is None or r[1] < 0 else int(r[1]),
            data_bytes=None if is_view else int(r[2]),
            index_bytes=None if is_view else int(r[3]),
            toast_bytes=None if is_view else int(r[4]),
            last_analyze=r[5],
            mod_since_analyze=r[6],
            dead_rows=r[7],
            seq_scan=r[8],
            idx_scan=r[9],
            stats_available=bool(r[11]),
        )
    for tbl, idx, size, scans in await _rows(
        conn,
        f"""SELECT t.relname, i.relname, pg_relation_size(i.oid), s.idx_scan
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
            WHERE {schema_sql}""",
        **params,
    ):
        if tbl in wanted:
            out.index_bytes.setdefault(tbl, {})[idx] = int(size)
            if scans is not None:
                out.index_scans.setdefault(tbl, {})[idx] = int(scans)
    return out


async def _mariadb(conn: AsyncConnection, names: list[str], notes: list[str]) -> CatalogStats:
    out = CatalogStats()
    wanted = set(names)
    last_update: dict[str, datetime] = {}
    try:
        for tbl, ts in await _rows(
            conn,
            "SELECT table_name, last_update FROM mysql.innodb_table_stats WHERE database_name = DATABASE()",
        ):
            last_update[tbl] = ts
        for tbl, idx, pages in await _rows(
            conn,
            """SELECT table_name, index_name, stat_value * @@innodb_page_size FROM mysql.innodb_index_stats
               WHERE database_name = DATABASE() AND stat_name = 'size'""",
        ):
            if tbl in wanted:
                out.index_bytes.setdefault(tbl, {})[idx] = int(pages)
    except DBAPIError:
        notes.append(
            "mysql.innodb_*_stats not readable by this account: no per-index sizes or analyze times."
        )
    eits: set[str] = set()
    try:
        eits = {
            r[0]
            for r in await _rows(
                conn, "SELECT DISTINCT table_name FROM mysql.column_stats WHERE db_name = DATABASE()"
            )
        }
    except DBAPIError:
        notes.append("mysql.column_stats not readable by this account: engine-independent statistics unused.")
    for r in await _rows(
        conn,
        """SELECT TABLE_NAME, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, DATA_FREE, ENGINE, TABLE_COLLATION, TABLE_TYPE
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()""",
    ):
        if r[0] not in wanted:
            continue
        is_view = r[7] == "VIEW"
        out.tables[r[0]] = TableStats(
            rows_estimate=None if is_view or r[1] is None else int(r[1]),
            data_bytes=None if r[2] is None else int(r[2]),
            index_bytes=None if r[3] is None else int(r[3]),
            free_bytes=None if r[4] is None else int(r[4]),
            storage_engine=r[5],
            collation=r[6],
            last_analyze=last_update.get(r[0]),
            stats_available=r[0] in eits,
        )
    for tbl, col, col_type, charset in await _rows(
        conn,
        """SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS
           WHERE TABLE_SCHEMA = DATABASE()""",
    ):
        if tbl in wanted:
            out.raw_types[(tbl, col)] = str(col_type)
            if charset:
                out.charsets[(tbl, col)] = str(charset)
    return out


async def _sqlite(conn: AsyncConnection, names: list[str], notes: list[str]) -> CatalogStats:
    out = CatalogStats()
    wanted = set(names)
    owner = {
        name: tbl
        for name, tbl in await _rows(
            conn, "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table','index')"
        )
    }
    estimates: dict[str, int] = {}
    try:
        for tbl, _idx, stat in await _rows(conn, "SELECT tbl, idx, stat FROM sqlite_stat1"):
            first = str(stat).split(" ", 1)[0]
            if first.isdigit():
                estimates[tbl] = int(first)
    except DBAPIError:
        pass  # no ANALYZE ever ran: sqlite_stat1 does not exist
    sizes: dict[str, int] = {}
    try:
        for name, size in await _rows(conn, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            sizes[name] = int(size)
    except DBAPIError:
        notes.append("This SQLite has no dbstat table (SQLITE_ENABLE_DBSTAT_VTAB): sizes unknown.")
    # Unique constraints are backed by sqlite_autoindex_* indexes: key their sizes by column list too.
    for name, tbl in owner.items():
        if tbl not in wanted or name == tbl or name not in sizes:
            continue
        per_table = out.index_bytes.setdefault(tbl, {})
        per_table[name] = sizes[name]
        if name.startswith("sqlite_autoindex_"):
            quoted = name.replace('"', '""')
            cols = [r[2] for r in await _rows(conn, f'PRAGMA index_info("{quoted}")')]
            per_table["cols:" + ",".join(cols)] = sizes[name]
    views = {r[0] for r in await _rows(conn, "SELECT name FROM sqlite_master WHERE type = 'view'")}
    for tbl in names:
        if tbl in views:
            out.tables[tbl] = TableStats()
            continue
        idx_total = sum(v for k, v in out.index_bytes.get(tbl, {}).items() if not k.startswith("cols:"))
        out.tables[tbl] = TableStats(
            rows_estimate=estimates.get(tbl),
            data_bytes=sizes.get(tbl),
            index_bytes=idx_total if sizes else None,
            stats_available=tbl in estimates,
        )
    return out
