"""Data safety of a migration step: row counts and order-independent checksums, compared before and after.

:func:`snapshot` reads, for every table, its row count and for every column the number of non-NULL values and an
order-independent checksum of the values — computed **in the database**, one aggregate query per table (no row is
pulled to Python), with SELECT statements only (it works in a read-only transaction or under a SELECT-only
account). A per-row checksum (all columns of a row hashed together) is taken in the same query, so values that moved
between rows are seen too. :func:`compare` tells what a step changed and whether it destroyed data (``data_loss``);
:func:`same_data` checks that a round trip (up -> down -> up) gave back exactly the same data.

The checksum of a column is the sum of a hash of each non-NULL value's text (a sum, not an XOR, so that duplicates
do not cancel; NULLs count through ``non_null``):

* PostgreSQL: ``sum(hashtextextended(col::text, 0))`` — a 64-bit hash of the value as PostgreSQL renders it.
* MariaDB: ``SUM(CRC32(v))`` and, on MariaDB 10.8+, ``SUM(CRC32C(v))`` (two independent 32-bit CRCs); text
  columns are hashed as ``CONVERT(col USING utf8mb4)`` so a charset conversion alone leaves the checksum alone.
* SQLite has no hash function: ``zlib.crc32`` is registered on the connection (a C function: about 0.5 µs per
  value) and applied to ``CAST(col AS BLOB)`` — the value's text, or a BLOB's bytes — except for REAL values, whose
  text cast keeps only 15 digits, so they are hashed as ``quote(col)`` (exact). The checksum is 32 bits wide: a
  changed value is missed only if its CRC-32 equals the old one's (never for a change confined to 32 consecutive
  bits, about 1 in 4 billion otherwise).

Because values are hashed as text, a type change that leaves the text alone keeps the checksum (INT -> BIGINT on
every engine, VARCHAR(5) -> VARCHAR(50), TEXT -> VARCHAR), while one that changes it does not: INT -> NUMERIC(10,2)
on PostgreSQL (``1`` becomes ``1.00``), FLOAT -> DOUBLE, INTEGER -> REAL on SQLite (``1`` becomes ``1.0``). Such a
conversion is reported as a type change with changed values, which :func:`compare` counts as data loss: it cannot
tell a widening that re-renders values from a narrowing that truncates them. Renderings that depend on session
settings (PostgreSQL ``TimeZone`` for ``timestamptz``, ``bytea_output``) must be the same for both snapshots.
On MariaDB a row longer than ``max_allowed_packet`` once concatenated gets no per-row hash (its columns still do).

What this module deliberately does not do: compare values across engines (checksums are per dialect), read rows to
Python, diff row by row (it says which column changed, not which row), or guess intent — a data migration that
rewrites values in place (prices to cents) is reported as a change, and only counts as loss with ``strict=True``.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.sqltypes import _Binary
from sqlalchemy.types import String, TypeEngine

#: Columns per aggregate query: wide tables are split so the select list stays within every engine's limits.
COLUMNS_PER_QUERY = 300
SQLITE_HASH = "maat_crc32"


@dataclass(frozen=True)
class ColumnSum:
    """One column's values, summarised: how many are not NULL, and an order-independent checksum of them."""

    non_null: int
    checksum: int


@dataclass(frozen=True)
class TableSnapshot:
    """One table: row count, per-column sums, column types (as the dialect spells them) and a per-row checksum."""

    name: str
    rows: int
    columns: dict[str, ColumnSum]
    types: dict[str, str]
    row_checksum: int = 0


@dataclass(frozen=True)
class Snapshot:
    """Every table of a database at one moment. Checksums are only comparable within one ``dialect``."""

    dialect: str
    tables: dict[str, TableSnapshot] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """What changed between two snapshots, and whether data present before is gone.

    Columns are named ``table.column``. Renames are told from their values: a dropped column whose values
    (checksum and non-NULL count) reappear in an added column — in the same table, or another one — was renamed
    or moved, not lost; likewise a dropped table whose rows and column values reappear in an added table.
    """

    tables_added: tuple[str, ...] = ()
    tables_dropped: tuple[str, ...] = ()
    tables_renamed: tuple[tuple[str, str], ...] = ()
    columns_added: tuple[str, ...] = ()
    columns_dropped: tuple[str, ...] = ()
    columns_renamed: tuple[tuple[str, str], ...] = ()
    columns_changed: tuple[str, ...] = ()
    types_changed: tuple[tuple[str, str, str], ...] = ()
    rows_changed: tuple[tuple[str, int, int], ...] = ()
    rows_reassociated: tuple[str, ...] = ()
    data_loss: bool = False
    reasons: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything at all differs (schema or data)."""
        return any(
            (
                self.tables_added,
                self.tables_dropped,
                self.tables_renamed,
                self.columns_added,
                self.columns_dropped,
                self.columns_renamed,
                self.columns_changed,
                self.types_changed,
                self.rows_changed,
                self.rows_reassociated,
            )
        )

    def summary(self) -> list[str]:
        """One line per change, data loss first.

        >>> Change(columns_added=("t.c",)).summary()
        ['column added: t.c']
        """
        lines = [f"DATA LOSS: {r}" for r in self.reasons]
        lines += [f"table added: {t}" for t in self.tables_added]
        lines += [f"table dropped: {t}" for t in self.tables_dropped]
        lines += [f"table renamed: {a} -> {b}" for a, b in self.tables_renamed]
        lines += [f"column added: {c}" for c in self.columns_added]
        lines += [f"column dropped: {c}" for c in self.columns_dropped]
        lines += [f"column renamed: {a} -> {b}" for a, b in self.columns_renamed]
        lines += [f"type changed: {c} {a} -> {b}" for c, a, b in self.types_changed]
        lines += [f"values changed: {c}" for c in self.columns_changed]
        lines += [f"rows: {t} {a} -> {b}" for t, a, b in self.rows_changed]
        lines += [f"values moved between rows: {t}" for t in self.rows_reassociated]
        return lines


# --------------------------------------------------------------------------------------------------- snapshot


def _type_text(type_: TypeEngine[Any], dialect: Dialect) -> str:
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # NullType and exotic reflected types cannot always be compiled
        try:
            return str(type_)
        except Exception:
            return type(type_).__name__


def _is_text(type_: TypeEngine[Any]) -> bool:
    return (
        isinstance(type_, String)
        and not isinstance(type_, _Binary)
        and getattr(type_, "charset", None) != "binary"
        and not getattr(type_, "binary", False)
    )


@dataclass(frozen=True)
class _Column:
    name: str
    type_text: str
    is_text: bool


def _reflect(
    connection: Connection, wanted: set[str] | None, exclude: set[str]
) -> list[tuple[str, list[_Column]]]:
    insp = inspect(connection)
    out = []
    for name in sorted(insp.get_table_names()):
        if name in exclude or (wanted is not None and name not in wanted):
            continue
        cols = [
            _Column(str(c["name"]), _type_text(c["type"], connection.dialect), _is_text(c["type"]))
            for c in insp.get_columns(name)
        ]
        out.append((name, cols))
    return out


class _Sql:
    """Per-dialect SQL for the aggregates; ``hashes`` is how many hash sums make one checksum."""

    def __init__(self, dialect: str, quote: Callable[[str], str], crc32c: bool) -> None:
        self.dialect = dialect
        self.quote = quote
        self.hashes = 2 if dialect == "mariadb" and crc32c else 1

    def _value(self, col: _Column) -> str:
        q = self.quote(col.name)
        if self.dialect == "mariadb" and col.is_text:
            return f"CONVERT({q} USING utf8mb4)"
        return q

    def column(self, col: _Column) -> list[str]:
        """``count(col)`` then the hash sums of the column."""
        q, v = self.quote(col.name), self._value(col)
        if self.dialect == "postgresql":
            sums = [f"sum(hashtextextended(({q})::text, 0))"]
        elif self.dialect == "mariadb":
            sums = [f"SUM(CRC32({v}))"] + ([f"SUM(CRC32C({v}))"] if self.hashes == 2 else [])
        else:
            sums = [
                f"sum(CASE typeof({q}) WHEN 'null' THEN NULL "
                f"WHEN 'real' THEN {SQLITE_HASH}(CAST(quote({q}) AS BLOB)) "
                f"ELSE {SQLITE_HASH}(CAST({q} AS BLOB)) END)"
            ]
        return [f"count({q})", *sums]

    def row(self, cols: Sequence[_Column]) -> list[str]:
        """The hash sums of whole rows, columns in name order (so reordering columns changes nothing)."""
        ordered = sorted(cols, key=lambda c: c.name)
        if not ordered:
            return ["0"] * self.hashes
        if self.dialect == "postgresql":
            return [f"sum(hashtextextended(ROW({', '.join(self.quote(c.name) for c in ordered)})::text, 0))"]
        if self.dialect == "mariadb":
            parts = ", ".join(f"CAST(QUOTE({self._value(c)}) AS BINARY)" for c in ordered)
            joined = f"CONCAT_WS(',', {parts})"
            return [f"SUM(CRC32({joined}))"] + ([f"SUM(CRC32C({joined}))"] if self.hashes == 2 else [])
        joined = " || ',' || ".join(f"quote({self.quote(c.name)})" for c in ordered)
        return [f"sum({SQLITE_HASH}(CAST({joined} AS BLOB)))"]

    def checksum(self, values: Sequence[Any]) -> int:
        """Fold the hash sums of one column (or row) into one integer."""
        total = 0
        for value in values:
            total = (total << 64) + int(value or 0)
        return total


async def _prepare_sqlite(conn: AsyncConnection) -> None:
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    done = driver.create_function(SQLITE_HASH, 1, zlib.crc32, deterministic=True)
    if isawaitable(done):  # aiosqlite runs it on its own thread
        await done


async def snapshot(
    conn: AsyncConnection,
    *,
    tables: Iterable[str] | None = None,
    exclude: Iterable[str] = ("alembic_version",),
) -> Snapshot:
    """Row counts and per-column checksums of every table (of the default schema) on ``conn``.

    One aggregate query per table (wide tables: one per :data:`COLUMNS_PER_QUERY` columns), SELECT only; nothing is
    written, so a read-only transaction or a SELECT-only account will do. On SQLite a hash function is registered
    on the connection first (connection-local, not a write). The caller's transaction is left as it is.

    Args:
        conn: An open async connection.
        tables: Only these tables (names that do not exist are skipped); default: all.
        exclude: Tables never read (Alembic's version table by default).
    """
    dialect_name = conn.dialect.name
    dialect = "mariadb" if dialect_name in {"mysql", "mariadb"} else dialect_name
    if dialect not in {"sqlite", "postgresql", "mariadb"}:
        raise ValueError(f"snapshot() supports sqlite, postgresql and mariadb, not {dialect_name!r}")
    wanted = None if tables is None else set(tables)
    excluded = set(exclude)
    reflected = await conn.run_sync(lambda c: _reflect(c, wanted, excluded))
    version = tuple(getattr(conn.dialect, "server_version_info", None) or ())
    crc32c = bool(getattr(conn.dialect, "is_mariadb", False)) and version >= (10, 8)
    sql = _Sql(dialect, conn.dialect.identifier_preparer.quote, crc32c)
    if dialect == "sqlite":
        await _prepare_sqlite(conn)
    out: dict[str, TableSnapshot] = {}
    for name, cols in reflected:
        out[name] = await _table(conn, sql, name, cols)
    return Snapshot(dialect=dialect, tables=out)


async def _table(conn: AsyncConnection, sql: _Sql, name: str, cols: list[_Column]) -> TableSnapshot:
    table = sql.quote(name)
    per_col = 1 + sql.hashes
    chunks = [cols[i : i + COLUMNS_PER_QUERY] for i in range(0, len(cols), COLUMNS_PER_QUERY)] or [[]]
    sums: dict[str, ColumnSum] = {}
    rows = row_checksum = 0
    for i, chunk in enumerate(chunks):
        exprs = [e for c in chunk for e in sql.column(c)]
        if i == 0:
            exprs = ["count(*)", *sql.row(cols), *exprs]
        result = (await conn.execute(text(f"SELECT {', '.join(exprs)} FROM {table}"))).one()
        values = list(result)
        if i == 0:
            rows = int(values[0])
            row_checksum = sql.checksum(values[1 : 1 + sql.hashes])
            values = values[1 + sql.hashes :]
        for j, col in enumerate(chunk):
            part = values[j * per_col : (j + 1) * per_col]
            sums[col.name] = ColumnSum(non_null=int(part[0]), checksum=sql.checksum(part[1:]))
    return TableSnapshot(
        name=name,
        rows=rows,
        columns=sums,
        types={c.name: c.type_text for c in cols},
        row_checksum=row_checksum,
    )


# --------------------------------------------------------------------------------------------------- compare


def _check_dialects(a: Snapshot, b: Snapshot) -> None:
    if a.dialect != b.dialect:
        raise ValueError(
            f"cannot compare a {a.dialect} snapshot with a {b.dialect} one: checksums differ by engine"
        )


def _table_renamed(old: TableSnapshot, new: TableSnapshot) -> bool:
    """``new`` holds ``old``'s rows: same row count, and every non-empty column's values in some column of it."""
    if old.rows != new.rows:
        return False
    pool = Counter(new.columns.values())
    for s in old.columns.values():
        if s.non_null:
            if pool[s] <= 0:
                return False
            pool[s] -= 1
    return True


def compare(before: Snapshot, after: Snapshot, *, strict: bool = False) -> Change:
    """What changed from ``before`` to ``after``, and whether data that was there is gone.

    Data loss is: a dropped table that held rows; a dropped column that held non-NULL values (unless they reappear
    in an added column: a rename or a move); fewer rows in a table; non-NULL values that became NULL; a column whose
    values changed together with its type while the row count stayed (a narrowed or converting type). Added tables
    and columns, dropped empty tables and all-NULL columns, more rows, and type changes that leave the values'
    text alone are not loss. Values rewritten in place under the same type (a data migration such as prices to
    cents) and values moved between rows are reported but only count as loss with ``strict=True`` — use it when
    ``after`` should restore ``before`` exactly.

    Raises:
        ValueError: the snapshots come from different engines.
    """
    _check_dialects(before, after)
    reasons: list[str] = []
    dropped_t = sorted(set(before.tables) - set(after.tables))
    added_t = sorted(set(after.tables) - set(before.tables))
    tables_renamed: list[tuple[str, str]] = []
    tables_dropped: list[str] = []
    for name in dropped_t:
        old = before.tables[name]
        match = next((a for a in added_t if _table_renamed(old, after.tables[a])), None) if old.rows else None
        if match is not None:
            added_t.remove(match)
            tables_renamed.append((name, match))
            continue
        tables_dropped.append(name)
        if old.rows:
            reasons.append(f"table {name} dropped holding {old.rows} rows")

    common = sorted(set(before.tables) & set(after.tables))
    # added columns anywhere (tables kept, tables added) can take in a dropped column's values: rename or move
    pool: dict[str, ColumnSum] = {}
    for name in common:
        b, a = before.tables[name], after.tables[name]
        pool.update({f"{name}.{c}": s for c, s in a.columns.items() if c not in b.columns})
    for name in added_t:
        pool.update({f"{name}.{c}": s for c, s in after.tables[name].columns.items()})

    columns_added = [c for c in pool if c.split(".", 1)[0] in common]
    columns_dropped: list[str] = []
    columns_renamed: list[tuple[str, str]] = []
    columns_changed: list[str] = []
    types_changed: list[tuple[str, str, str]] = []
    rows_changed: list[tuple[str, int, int]] = []
    rows_reassociated: list[str] = []
    for name in common:
        b, a = before.tables[name], after.tables[name]
        if b.rows != a.rows:
            rows_changed.append((name, b.rows, a.rows))
            if a.rows < b.rows:
                reasons.append(f"{name}: {b.rows} -> {a.rows} rows ({b.rows - a.rows} rows lost)")
        for col in b.columns:
            full = f"{name}.{col}"
            was = b.columns[col]
            if col not in a.columns:
                same_table = [k for k, s in pool.items() if s == was and k.startswith(f"{name}.")]
                anywhere = [k for k, s in pool.items() if s == was]
                target: str | None = (same_table or anywhere)[0] if was.non_null and anywhere else None
                if target is not None:
                    del pool[target]
                    if target in columns_added:
                        columns_added.remove(target)
                    columns_renamed.append((full, target))
                    continue
                columns_dropped.append(full)
                if was.non_null:
                    reasons.append(f"column {full} dropped holding {was.non_null} non-NULL values")
                continue
            now = a.columns[col]
            t_old, t_new = b.types.get(col, ""), a.types.get(col, "")
            if t_old != t_new:
                types_changed.append((full, t_old, t_new))
            if now == was:
                continue
            columns_changed.append(full)
            if a.rows < b.rows:
                continue  # the lost rows are the reason
            if now.non_null < was.non_null:
                reasons.append(f"column {full}: {was.non_null - now.non_null} non-NULL values became NULL")
            elif t_old != t_new:
                reasons.append(
                    f"column {full}: values changed with its type {t_old} -> {t_new} (narrowed or converted)"
                )
            elif strict:
                reasons.append(f"column {full}: values differ")
        if (
            b.columns == a.columns
            and b.types == a.types
            and b.rows == a.rows
            and b.row_checksum != a.row_checksum
        ):
            rows_reassociated.append(name)
            if strict:
                reasons.append(f"{name}: values moved between rows (per-row checksum differs)")
    return Change(
        tables_added=tuple(added_t),
        tables_dropped=tuple(tables_dropped),
        tables_renamed=tuple(tables_renamed),
        columns_added=tuple(columns_added),
        columns_dropped=tuple(columns_dropped),
        columns_renamed=tuple(columns_renamed),
        columns_changed=tuple(columns_changed),
        types_changed=tuple(types_changed),
        rows_changed=tuple(rows_changed),
        rows_reassociated=tuple(rows_reassociated),
        data_loss=bool(reasons),
        reasons=tuple(reasons),
    )


def same_data(a: Snapshot, b: Snapshot, *, check_types: bool = True) -> tuple[bool, list[str]]:
    """Whether two snapshots hold exactly the same tables, columns, rows and values; and the differences.

    For the round trip: the snapshot after up -> down -> up must equal the one after the first up. With
    ``check_types`` a column whose type differs is a difference too.

    Raises:
        ValueError: the snapshots come from different engines.
    """
    _check_dialects(a, b)
    diffs: list[str] = []
    diffs += [f"table {t} only in the first" for t in sorted(set(a.tables) - set(b.tables))]
    diffs += [f"table {t} only in the second" for t in sorted(set(b.tables) - set(a.tables))]
    for name in sorted(set(a.tables) & set(b.tables)):
        x, y = a.tables[name], b.tables[name]
        if x.rows != y.rows:
            diffs.append(f"{name}: {x.rows} rows, then {y.rows}")
        diffs += [f"column {name}.{c} only in the first" for c in x.columns if c not in y.columns]
        diffs += [f"column {name}.{c} only in the second" for c in y.columns if c not in x.columns]
        for col in x.columns.keys() & y.columns.keys():
            s, t = x.columns[col], y.columns[col]
            if s.non_null != t.non_null:
                diffs.append(f"column {name}.{col}: {s.non_null} non-NULL values, then {t.non_null}")
            elif s.checksum != t.checksum:
                diffs.append(f"column {name}.{col}: values differ")
            if check_types and x.types.get(col) != y.types.get(col):
                diffs.append(f"column {name}.{col}: type {x.types.get(col)}, then {y.types.get(col)}")
        if (
            x.columns == y.columns
            and x.rows == y.rows
            and x.types == y.types
            and x.row_checksum != y.row_checksum
        ):
            diffs.append(f"{name}: values moved between rows")
    return not diffs, sorted(diffs)
