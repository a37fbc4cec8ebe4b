"""Profile a database: read the catalog, compute statistics in the database, lint the schema.

How each table's figures are obtained (``stats="auto"``):

- up to ``exact_limit`` rows: one exact aggregate pass (COUNT, COUNT DISTINCT, MIN, MAX, width of every column);
  most common values and histograms from the whole table when it has at most ``sample_rows`` rows, else from a
  sample of that size;
- bigger tables: the optimizer's statistics when they are fresh (PostgreSQL pg_stats after a recent ANALYZE,
  MariaDB engine-independent statistics), otherwise the same aggregates over a sample.

Every figure says which of ``exact``, ``sampled`` or ``catalog`` it is.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection
from tqdm import tqdm

from maat_nb.catalog import Column, Table, read_catalog
from maat_nb.engines import open_engine, read_only, resolve
from maat_nb.errors import ConfigError
from maat_nb.profiling.fetch import (
    Aggregates,
    CatalogColumnStats,
    RowSource,
    fetch_aggregates,
    fetch_catalog_column_stats,
    fetch_sample,
    plan_source,
    quote_table,
)
from maat_nb.profiling.lint import STALE_FRACTION, lint
from maat_nb.profiling.model import ColumnProfile, Profile, Source, TableProfile
from maat_nb.profiling.summary import estimate_distinct, histogram, plain, top_values

StatsMode = Literal["auto", "exact", "sampled", "catalog"]


async def profile(
    db: str,
    *,
    tables: list[str] | None = None,
    schema: str | None = None,
    sample_rows: int = 20_000,
    exact_limit: int = 200_000,
    stats: StatsMode = "auto",
    timeout_s: float = 300.0,
    progress: bool = False,
) -> Profile:
    """Profile the tables of ``db`` (a URL or ``env:NAME``), reading only.

    Args:
        db: Database URL or ``env:NAME``.
        tables: Only these tables or views (default: all).
        schema: PostgreSQL schema (default: the connection's current schema).
        sample_rows: Sample size for sampled figures, most common values and histograms.
        exact_limit: Tables up to this many rows (estimated) get exact aggregates in ``auto`` mode.
        stats: ``auto``; ``exact`` (always scan everything); ``sampled`` (sample every table bigger than
            ``sample_rows``); ``catalog`` (the optimizer's statistics wherever they exist).
        timeout_s: Statement timeout of every query.
        progress: Show a progress bar on stderr.

    Raises:
        ConfigError: bad arguments. ConnectError: the database cannot be reached. NotFoundError: a table in
            ``tables`` does not exist.
    """
    if stats not in ("auto", "exact", "sampled", "catalog"):
        raise ConfigError(f"Unknown stats mode {stats!r}.", fix="Use auto, exact, sampled or catalog.")
    if sample_rows < 1:
        raise ConfigError(f"sample_rows must be positive, not {sample_rows}.", fix="Pass e.g. 100000.")
    if isinstance(tables, str):  # one name given where a list was meant
        tables = [tables]
    target = resolve(db)
    started = time.perf_counter()
    async with open_engine(target) as engine, read_only(engine, timeout_s=timeout_s) as conn:
        catalog = await read_catalog(conn, tables=tables, schema=schema)
        profiles = []
        for table in tqdm(catalog.tables, desc="profile", unit="table", disable=not progress, leave=False):
            profiles.append(
                await profile_table(conn, catalog.dialect, table, schema, sample_rows, exact_limit, stats)
            )
    by_name = {p.name: p for p in profiles}
    findings = lint(catalog, by_name)
    return Profile(catalog, tuple(profiles), findings, time.perf_counter() - started, target.masked)


def _fresh(table: Table, dialect: str) -> bool:
    s = table.stats
    if not s.stats_available:
        return False
    if dialect == "postgresql":
        rows = s.rows_estimate or 0
        return s.last_analyze is not None and (s.mod_since_analyze or 0) <= STALE_FRACTION * max(rows, 1)
    return dialect == "mariadb"


async def profile_table(
    conn: AsyncConnection,
    dialect: str,
    table: Table,
    schema: str | None,
    sample_rows: int,
    exact_limit: int,
    stats: StatsMode,
) -> TableProfile:
    """Profile one table or view (see the module docstring for how figures are chosen)."""
    started = time.perf_counter()
    estimate = table.stats.rows_estimate
    if table.kind == "view":
        name = quote_table(conn, table.name, schema)
        source = RowSource(f"(SELECT * FROM {name} LIMIT {int(sample_rows) + 1}) view_sample", "", False)
        agg = await fetch_aggregates(conn, dialect, table, source)
        sampled = agg.rows > sample_rows
        if sampled:  # only the first rows of a view are read: it may join or scan huge tables
            source = RowSource(f"(SELECT * FROM {name} LIMIT {int(sample_rows)}) view_sample", "", True)
            agg = await fetch_aggregates(conn, dialect, table, source)
        return await _from_aggregates(conn, dialect, table, agg, source, sample_rows, started, sampled)

    if estimate is None:  # never analyzed: counting is one cheap pass and tells whether to sample
        name = quote_table(conn, table.name, schema)
        estimate = int((await conn.execute(text(f"SELECT COUNT(*) FROM {name}"))).scalar_one())
    big = estimate > (sample_rows if stats == "sampled" else exact_limit)
    use_catalog = stats == "catalog" or (stats == "auto" and big)
    if use_catalog and _fresh(table, dialect):
        cstats = await fetch_catalog_column_stats(conn, dialect, table, estimate, schema)
        if cstats:
            return await _from_catalog(conn, dialect, table, estimate, cstats, schema, sample_rows, started)
    if big and stats != "exact":
        source = await plan_source(conn, dialect, table, estimate, sample_rows, schema)
        agg = await fetch_aggregates(conn, dialect, table, source)
        return await _from_aggregates(conn, dialect, table, agg, source, sample_rows, started, True, estimate)
    source = RowSource(quote_table(conn, table.name, schema), "", False)
    agg = await fetch_aggregates(conn, dialect, table, source)
    return await _from_aggregates(conn, dialect, table, agg, source, sample_rows, started, False)


def _sample_columns(table: Table, agg: Aggregates | None) -> list[Column]:
    """Columns worth sampling: not the key, not blobs, not unique text (its top values say nothing)."""
    out = []
    for col in table.columns:
        if col.category in {"binary", "other"}:
            continue
        if table.primary_key == (col.name,):
            continue
        if agg and col.category == "text" and agg.distinct.get(col.name) == agg.non_null.get(col.name):
            continue
        out.append(col)
    return out


async def _from_aggregates(
    conn: AsyncConnection,
    dialect: str,
    table: Table,
    agg: Aggregates,
    source: RowSource,
    sample_rows: int,
    started: float,
    sampled: bool,
    estimate: int | None = None,
) -> TableProfile:
    cols = _sample_columns(table, agg)
    if sampled or agg.rows <= sample_rows:
        sample_source, top_source = source, ("sampled" if sampled else "exact")
    else:
        sample_source = await plan_source(conn, dialect, table, agg.rows, sample_rows, None)
        top_source = "sampled"
    values = await fetch_sample(conn, dialect, table, sample_source, cols, sample_rows)
    n_sample = len(next(iter(values.values()))) if values else agg.rows
    total = estimate if (sampled and estimate is not None) else agg.rows
    profiles = []
    for col in table.columns:
        vals = values.get(col.name)
        rows_read = agg.rows
        null_frac = None if rows_read == 0 else 1 - agg.non_null[col.name] / rows_read
        distinct = agg.distinct[col.name]
        if sampled and distinct is not None:
            if vals is not None:
                distinct = estimate_distinct(vals, total)
            elif distinct == agg.non_null[col.name] and rows_read:
                distinct = round(total * (1 - (null_frac or 0)))
        profiles.append(
            ColumnProfile(
                name=col.name,
                type=col.raw_type,
                category=col.category,
                nullable=col.nullable,
                null_frac=null_frac,
                distinct=distinct,
                min=plain(agg.minimum[col.name]),
                max=plain(agg.maximum[col.name]),
                avg_width=agg.avg_width[col.name],
                top_values=top_values(vals, n_sample) if vals is not None else (),
                histogram=histogram(vals)
                if vals is not None and col.category in {"numeric", "temporal"}
                else None,
                source="sampled" if sampled else "exact",
                top_source=top_source,  # type: ignore[arg-type]
            )
        )
    sampled_any = sampled or top_source == "sampled"
    return TableProfile(
        table=table,
        rows=total,
        rows_source="estimate" if sampled else "exact",
        columns=tuple(profiles),
        sample_rows=n_sample if sampled_any else None,
        seconds=time.perf_counter() - started,
    )


def _catalog_histogram(bounds: tuple[Any, ...], share_rows: float) -> tuple[tuple[Any, Any, int], ...] | None:
    if len(bounds) < 2:
        return None
    per = round(share_rows / (len(bounds) - 1))
    return tuple((bounds[i], bounds[i + 1], per) for i in range(len(bounds) - 1))


async def _from_catalog(
    conn: AsyncConnection,
    dialect: str,
    table: Table,
    rows: int,
    cstats: dict[str, CatalogColumnStats],
    schema: str | None,
    sample_rows: int,
    started: float,
) -> TableProfile:
    needs_sample = [
        c for c in _sample_columns(table, None) if not (cstats.get(c.name) and cstats[c.name].top_values)
    ]
    source = await plan_source(conn, dialect, table, rows, sample_rows, schema)
    values = (
        await fetch_sample(conn, dialect, table, source, needs_sample, sample_rows) if needs_sample else {}
    )
    n_sample = len(next(iter(values.values()))) if values else 0
    profiles = []
    for col in table.columns:
        cs = cstats.get(col.name)
        vals = values.get(col.name)
        top: tuple[tuple[Any, float], ...] = cs.top_values if cs else ()
        top_source: Source = "catalog"
        hist = None
        if cs and col.category in {"numeric", "temporal"}:
            mcv_share = sum(f for _, f in cs.top_values)
            hist = _catalog_histogram(cs.bounds, rows * max(0.0, 1 - (cs.null_frac or 0) - mcv_share))
        if vals is not None:
            top, top_source = top_values(vals, n_sample), "sampled"
            if col.category in {"numeric", "temporal"} and hist is None:
                hist = histogram(vals)
        profiles.append(
            ColumnProfile(
                name=col.name,
                type=col.raw_type,
                category=col.category,
                nullable=col.nullable,
                null_frac=cs.null_frac if cs else None,
                distinct=cs.distinct if cs else None,
                min=plain(cs.minimum) if cs else None,
                max=plain(cs.maximum) if cs else None,
                avg_width=cs.avg_width if cs else None,
                top_values=top,
                histogram=hist,
                source="catalog",
                top_source=top_source,
            )
        )
    return TableProfile(
        table=table,
        rows=rows,
        rows_source="estimate",
        columns=tuple(profiles),
        sample_rows=n_sample or None,
        seconds=time.perf_counter() - started,
    )


__all__ = ["StatsMode", "profile", "profile_table"]
