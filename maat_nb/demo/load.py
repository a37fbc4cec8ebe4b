"""Bulk loading of generated rows, the fastest portable way per engine, then statistics.

* SQLite: ``executemany`` inside one transaction, with ``journal_mode=MEMORY`` and ``synchronous=OFF`` on the
  loading connection (a half-built demo file is thrown away anyway).
* PostgreSQL: ``COPY ... FROM STDIN`` (binary) through asyncpg's ``copy_records_to_table`` on the raw driver
  connection, inside the SQLAlchemy transaction; then each ``serial`` sequence is moved past the loaded ids.
* MariaDB: ``executemany``, which aiomysql rewrites into multi-row ``INSERT ... VALUES (...), (...)``
  statements of up to ~1 MB each; foreign-key and unique checks are off for the loading session only.

Values go through each column type's SQLAlchemy bind processor for the engine at hand (datetimes to strings on
SQLite, dicts to JSON text, ...), so the stored values are exactly what the ORM would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from maat_nb.demo.generate import TABLES, Batch
from maat_nb.demo.models import metadata

Converter = Callable[[list[tuple[Any, ...]]], list[tuple[Any, ...]]]


def converter(table: Table, columns: tuple[str, ...], dialect: Dialect) -> Converter:
    """A function turning generated rows into driver values for ``dialect`` (identity if nothing to do)."""
    processors = [
        (i, proc)
        for i, name in enumerate(columns)
        if (proc := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if not processors:
        return lambda rows: rows

    def convert(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        out = []
        for row in rows:
            values = list(row)
            for i, proc in processors:
                value = values[i]
                if value is not None:
                    values[i] = proc(value)
            out.append(tuple(values))
        return out

    return convert


async def load(
    conn: AsyncConnection, batches: Iterable[Batch], *, on_rows: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Insert ``batches`` (parents before children) into the migrated, empty demo schema on ``conn``.

    The caller owns the transaction and commits it. Returns the number of rows inserted per table.
    """
    dialect = conn.dialect
    name = dialect.name
    loaded: dict[str, int] = {}
    converters: dict[str, Converter] = {}
    statements: dict[str, str] = {}
    quote = dialect.identifier_preparer.quote
    if name == "sqlite":
        for pragma in ("journal_mode = MEMORY", "synchronous = OFF", "cache_size = -131072"):
            await conn.exec_driver_sql(f"PRAGMA {pragma}")
    elif name == "mysql":
        await conn.exec_driver_sql("SET SESSION foreign_key_checks = 0, unique_checks = 0")
    else:
        await conn.execute(text("SELECT 1"))  # opens the driver transaction the COPY joins
    driver: Any = (await conn.get_raw_connection()).driver_connection if name == "postgresql" else None
    try:
        for batch in batches:
            table = metadata.tables[batch.table]
            if batch.table not in converters:
                converters[batch.table] = converter(table, batch.columns, dialect)
                marker = "?" if dialect.paramstyle == "qmark" else "%s"
                statements[batch.table] = (
                    f"INSERT INTO {quote(batch.table)} ({', '.join(quote(c) for c in batch.columns)}) "
                    f"VALUES ({', '.join([marker] * len(batch.columns))})"
                )
            rows = converters[batch.table](batch.rows)
            if driver is not None:
                await driver.copy_records_to_table(batch.table, records=rows, columns=list(batch.columns))
            else:
                await conn.exec_driver_sql(statements[batch.table], rows)
            loaded[batch.table] = loaded.get(batch.table, 0) + len(rows)
            if on_rows is not None:
                on_rows(len(rows))
    finally:
        if name == "mysql":
            await conn.exec_driver_sql("SET SESSION foreign_key_checks = 1, unique_checks = 1")
    if name == "postgresql":
        await reset_sequences(conn)
    return loaded


async def reset_sequences(conn: AsyncConnection) -> None:
    """PostgreSQL: move each id sequence past the largest loaded id (COPY does not touch sequences)."""
    for table in metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        await conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), COALESCE(MAX(id), 1), "
                f'MAX(id) IS NOT NULL) FROM "{table.name}"'
            ),
            {"table": table.name},
        )


async def analyze(conn: AsyncConnection) -> None:
    """Refresh the planner statistics of every demo table (MariaDB: engine-independent histograms too)."""
    name = conn.dialect.name
    tables = [t.name for t in metadata.sorted_tables]
    if name == "sqlite":
        await conn.exec_driver_sql("ANALYZE")
    elif name == "postgresql":
        await conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{t}"' for t in tables))
    else:
        result = await conn.exec_driver_sql(
            "ANALYZE TABLE " + ", ".join(f"`{t}`" for t in tables) + " PERSISTENT FOR ALL"
        )
        result.fetchall()


async def count_rows(conn: AsyncConnection) -> dict[str, int]:
    """``SELECT COUNT(*)`` of every demo table, in the generator's (foreign-key) order."""
    quote = conn.dialect.identifier_preparer.quote
    counts: dict[str, int] = {}
    for table in TABLES:
        result = await conn.exec_driver_sql(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(result.scalar_one())
    return counts
