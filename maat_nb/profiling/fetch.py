"""Statistics computed in the database: one aggregate pass per table, a bounded sample, catalog statistics.

Every identifier goes through the dialect's quoting (tables called ``order`` or ``user``, names with spaces,
quotes or non-ASCII characters work), and every query only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from maat_nb.catalog import Column, Table

TEXT_PREFIX = 100  # characters of a text value fetched into a sample; enough to rank common values


@dataclass(frozen=True)
class RowSource:
    """Where the rows of one pass come from: the table, optionally restricted to a sample.

    Attributes:
        from_sql: The FROM clause body (a quoted table name, maybe with TABLESAMPLE).
        where_sql: A WHERE condition selecting the sample, or "".
        sampled: True when only part of the table is read.
    """

    from_sql: str
    where_sql: str
    sampled: bool

    def clause(self) -> str:
        """``FROM ... [WHERE ...]``."""
        return f"FROM {self.from_sql}" + (f" WHERE {self.where_sql}" if self.where_sql else "")


@dataclass(frozen=True)
class Aggregates:
    """The one-pass aggregates of a table: total rows and, per column, non-NULL, distinct, min, max, width."""

    rows: int
    non_null: dict[str, int]
    distinct: dict[str, int | None]
    minimum: dict[str, Any]
    maximum: dict[str, Any]
    avg_width: dict[str, float | None]


@dataclass(frozen=True)
class CatalogColumnStats:
    """The optimizer's statistics of one column (pg_stats or MariaDB's mysql.column_stats)."""

    null_frac: float | None
    distinct: int | None
    minimum: Any
    maximum: Any
    avg_width: float | None
    top_values: tuple[tuple[Any, float], ...]
    bounds: tuple[Any, ...]


def quote_table(conn: AsyncConnection, table: str, schema: str | None = None) -> str:
    """The table's name quoted for this dialect (schema-qualified when a schema is given)."""
    prep = conn.dialect.identifier_preparer
    name = prep.quote(table)
    return f"{prep.quote_schema(schema)}.{name}" if schema else name


async def plan_source(
    conn: AsyncConnection, dialect: str, table: Table, rows: int, sample_rows: int, schema: str | None
) -> RowSource:
    """Choose how to read about ``sample_rows`` rows of a table holding ``rows`` rows.

    PostgreSQL samples blocks with ``TABLESAMPLE SYSTEM … REPEATABLE``. MariaDB and SQLite have no TABLESAMPLE;
    there a table with a single integer primary key is read in 32 evenly spaced key ranges (index range scans, the
    equivalent of block sampling), any other table through a random filter (a full scan, but cheap aggregates).
    """
    name = quote_table(conn, table.name, schema)
    if rows <= sample_rows:
        return RowSource(name, "", False)
    fraction = min(1.0, sample_rows / rows)
    if dialect == "postgresql":
        pct = min(100.0, round(100 * fraction * 1.1, 4))
        return RowSource(f"{name} TABLESAMPLE SYSTEM ({pct}) REPEATABLE (42)", "", True)
    pk = table.primary_key
    if len(pk) == 1 and table.column(pk[0]).category == "numeric":
        key = conn.dialect.identifier_preparer.quote(pk[0])
        # two statements: SQLite answers a lone MIN or MAX from the index, but scans for both at once
        lo = (await conn.execute(text(f"SELECT MIN({key}) FROM {name}"))).scalar()
        hi = (await conn.execute(text(f"SELECT MAX({key}) FROM {name}"))).scalar()
        if lo is not None and hi is not None:
            lo, hi = int(lo), int(hi)
            windows = 32
            span = hi - lo + 1
            width = max(1, int(span * fraction / windows))
            step = span / windows
            ranges = [
                f"{key} BETWEEN {lo + int(i * step)} AND {lo + int(i * step) + width - 1}"
                for i in range(windows)
            ]
            return RowSource(name, "(" + " OR ".join(ranges) + ")", True)
    if dialect == "mariadb":
        return RowSource(name, f"RAND(42) < {fraction:.6f}", True)
    return RowSource(name, f"(abs(random()) % 1000000) < {int(fraction * 1_000_000)}", True)


def _agg_exprs(conn: AsyncConnection, dialect: str, col: Column, unique: bool) -> list[str]:
    q = conn.dialect.identifier_preparer.quote(col.name)
    cat = col.category
    comparable = cat in {"numeric", "temporal", "text", "boolean"}
    value = q
    if dialect == "postgresql" and cat == "boolean":
        value = f"CAST({q} AS INTEGER)"
    elif dialect == "postgresql" and cat == "text":
        value = f"CAST({q} AS TEXT)"
    if unique:  # a unique index already guarantees it: every non-NULL value is distinct
        distinct = f"COUNT({q})"
    else:
        distinct = f"COUNT(DISTINCT {value})" if comparable or cat == "binary" else "NULL"
    lo = f"MIN({value})" if comparable else "NULL"
    hi = f"MAX({value})" if comparable else "NULL"
    if dialect == "postgresql":
        width = f"AVG(pg_column_size({q}))"
    elif cat in {"text", "binary"}:
        width = f"AVG(OCTET_LENGTH({q}))" if dialect == "mariadb" else f"AVG(LENGTH(CAST({q} AS BLOB)))"
    else:
        width = "NULL"
    return [f"COUNT({q})", distinct, lo, hi, width]


async def fetch_aggregates(
    conn: AsyncConnection, dialect: str, table: Table, source: RowSource
) -> Aggregates:
    """Count rows and compute, in one pass, non-NULL and distinct counts, min, max and width of every column."""
    exprs = ["COUNT(*)"]
    unique_cols = {ix.columns[0] for ix in table.indexes if ix.unique and len(ix.columns) == 1}
    for col in table.columns:
        exprs += _agg_exprs(conn, dialect, col, col.name in unique_cols)
    row = (await conn.execute(text(f"SELECT {', '.join(exprs)} {source.clause()}"))).one()
    out: dict[str, dict[str, Any]] = {k: {} for k in ("non_null", "distinct", "min", "max", "width")}
    for i, col in enumerate(table.columns):
        nn, dist, lo, hi, width = row[1 + 5 * i : 6 + 5 * i]
        out["non_null"][col.name] = int(nn)
        out["distinct"][col.name] = None if dist is None else int(dist)
        out["min"][col.name] = _typed(lo, col)
        out["max"][col.name] = _typed(hi, col)
        out["width"][col.name] = None if width is None else float(width)
    return Aggregates(int(row[0]), out["non_null"], out["distinct"], out["min"], out["max"], out["width"])


async def fetch_sample(
    conn: AsyncConnection, dialect: str, table: Table, source: RowSource, columns: list[Column], limit: int
) -> dict[str, list[Any]]:
    """Read up to ``limit`` rows of ``columns`` (long text cut to its first characters) from ``source``."""
    if not columns:
        return {}
    prep = conn.dialect.identifier_preparer
    exprs = []
    for col in columns:
        q = prep.quote(col.name)
        if col.category == "text":
            if dialect == "sqlite":
                exprs.append(f"substr({q}, 1, {TEXT_PREFIX})")
            elif dialect == "postgresql":  # enums and uuids have no LEFT()
                exprs.append(f"LEFT(CAST({q} AS TEXT), {TEXT_PREFIX})")
            else:
                exprs.append(f"LEFT({q}, {TEXT_PREFIX})")
        else:
            exprs.append(q)
    result = await conn.execute(text(f"SELECT {', '.join(exprs)} {source.clause()} LIMIT {int(limit)}"))
    rows = result.all()
    return {col.name: [_typed(r[i], col) for r in rows] for i, col in enumerate(columns)}


def _typed(value: Any, col: Column) -> Any:
    """Values as Python types: SQLite hands dates over as text."""
    if isinstance(value, str) and col.category == "temporal":
        try:
            return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return value
    return value


async def fetch_catalog_column_stats(
    conn: AsyncConnection, dialect: str, table: Table, rows: int, schema: str | None
) -> dict[str, CatalogColumnStats]:
    """The optimizer's per-column statistics, or {} where the engine keeps none the account can read."""
    if dialect == "postgresql":
        result = await conn.execute(
            text(
                """SELECT attname, null_frac, n_distinct, avg_width,
                          most_common_vals::text::text[], most_common_freqs, histogram_bounds::text::text[]
                   FROM pg_stats WHERE tablename = :t AND schemaname = COALESCE(:s, current_schema())"""
            ),
            {"t": table.name, "s": schema},
        )
        out = {}
        for name, null_frac, n_distinct, width, mcv, mcf, bounds in result.all():
            distinct = int(n_distinct) if n_distinct >= 0 else round(-n_distinct * rows)
            values = list(bounds or []) + list(mcv or [])
            out[name] = CatalogColumnStats(
                null_frac=float(null_frac),
                distinct=distinct,
                minimum=(bounds or [None])[0] if bounds else (min(values) if values else None),
                maximum=(bounds or [None])[-1] if bounds else (max(values) if values else None),
                avg_width=float(width),
                top_values=tuple(zip(mcv or [], [float(f) for f in (mcf or [])], strict=False))[:5],
                bounds=tuple(bounds or ()),
            )
        return out
    if dialect == "mariadb":
        try:
            result = await conn.execute(
                text(
                    """SELECT column_name, min_value, max_value, nulls_ratio, avg_length, avg_frequency
                       FROM mysql.column_stats WHERE db_name = DATABASE() AND table_name = :t"""
                ),
                {"t": table.name},
            )
        except Exception:
            return {}
        out = {}
        for name, lo, hi, nulls, avg_len, avg_freq in result.all():
            null_frac = float(nulls) if nulls is not None else None
            non_null = rows * (1 - (null_frac or 0))
            distinct = round(non_null / float(avg_freq)) if avg_freq else None
            lo, hi = (_text(v) for v in (lo, hi))  # mysql.column_stats keeps them as VARBINARY
            out[name] = CatalogColumnStats(null_frac, distinct, lo, hi, float(avg_len or 0), (), ())
        return out
    return {}


def _text(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return value
