"""Read what the database knows about its own tables: columns, keys, indexes, sizes, statistics freshness.

Only reads, through SQLAlchemy's Inspector (portable structure) and each engine's catalog views (sizes, scan
counts, statistics). Everything here works under a SELECT-only account: where a catalog view is not readable the
figure is ``None`` and the reason lands in :attr:`Catalog.notes`, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import sqltypes

from maat_nb.catalog_stats import TableStats, fetch_table_stats
from maat_nb.errors import NotFoundError


@dataclass(frozen=True)
class Column:
    """One column as the database declares it.

    Attributes:
        raw_type: The engine's own spelling where it says more than the portable type (MariaDB ``COLUMN_TYPE``,
            e.g. ``int(10) unsigned``, ``tinyint(1)``, ``enum('a','b')``), else the same as ``type``.
    """

    name: str
    type: str
    nullable: bool
    raw_type: str
    default: str | None = None
    charset: str | None = None
    category: str = "other"


@dataclass(frozen=True)
class Index:
    """An index (or a key that is implemented by one).

    Attributes:
        primary: It is the primary key.
        constraint: It backs a UNIQUE constraint (never reported as unused: dropping it changes semantics).
        scans: Index scans since the statistics were reset (PostgreSQL), else None.
        bytes: Size on disk, where the engine tells.
    """

    name: str
    columns: tuple[str, ...]
    unique: bool
    primary: bool = False
    constraint: bool = False
    scans: int | None = None
    bytes: int | None = None


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key from ``columns`` to ``ref_table(ref_columns)``."""

    name: str | None
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One table or view with everything the catalog knows about it."""

    name: str
    kind: str  # "table" or "view"
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    stats: TableStats = field(default_factory=TableStats)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass(frozen=True)
class Catalog:
    """The tables of one database (one schema on PostgreSQL).

    Attributes:
        notes: Why some figure is missing (e.g. a catalog view the account cannot read).
    """

    dialect: str
    database: str
    schema: str | None
    server_version: str
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()

    def table(self, name: str) -> Table:
        """The table called ``name``.

        Raises:
            NotFoundError: no such table, listing the ones that exist.
        """
        for table in self.tables:
            if table.name == name:
                return table
        known = tuple(t.name for t in self.tables)
        raise NotFoundError(
            f"No table {name!r} in {self.database!r}.",
            name=name,
            known=known,
            fix=f"Pick one of: {', '.join(known[:20]) or '(no tables)'}.",
        )


def _structure(sync_conn: Connection, schema: str | None, wanted: list[str] | None) -> list[dict[str, Any]]:
    """Reflect tables and views through the Inspector (runs on the sync side of an async connection)."""
    insp = inspect(sync_conn)
    dialect = sync_conn.dialect
    names = [(n, "table") for n in insp.get_table_names(schema=schema)]
    names += [(n, "view") for n in insp.get_view_names(schema=schema)]
    if dialect.name == "sqlite":
        names = [(n, k) for n, k in names if not n.startswith("sqlite_")]
    if wanted is not None:
        present = {n for n, _ in names}
        missing = [w for w in wanted if w not in present]
        if missing:
            known = tuple(sorted(present))
            raise NotFoundError(
                f"No table {missing[0]!r} in this database.",
                name=missing[0],
                known=known,
                fix=f"Check --table; tables here: {', '.join(known[:20]) or '(none)'}.",
            )
        names = [(n, k) for n, k in names if n in wanted]
    out = []
    for name, kind in sorted(names):
        cols = []
        for c in insp.get_columns(name, schema=schema):
            try:
                type_ = c["type"].compile(dialect=dialect)
            except Exception:  # an engine-specific type the portable layer cannot spell
                type_ = str(type(c["type"]).__name__)
            cols.append(
                Column(
                    name=c["name"],
                    type=type_,
                    nullable=bool(c["nullable"]),
                    raw_type=type_,
                    default=None if c.get("default") is None else str(c["default"]),
                    category=type_category(c["type"]),
                )
            )
        item: dict[str, Any] = {"name": name, "kind": kind, "columns": cols}
        if kind == "table":
            pk = insp.get_pk_constraint(name, schema=schema)
            item["pk"] = (pk.get("name"), tuple(pk.get("constrained_columns") or ()))
            item["indexes"] = insp.get_indexes(name, schema=schema)
            item["uniques"] = insp.get_unique_constraints(name, schema=schema)
            item["fks"] = insp.get_foreign_keys(name, schema=schema)
        out.append(item)
    return out


def type_category(type_: Any) -> str:
    """Classify a reflected SQLAlchemy type: numeric, boolean, temporal, text, binary or other.

    >>> from sqlalchemy import Integer, Boolean, DateTime, String, JSON
    >>> [type_category(t()) for t in (Integer, Boolean, DateTime, String, JSON)]
    ['numeric', 'boolean', 'temporal', 'text', 'other']
    """
    if isinstance(type_, sqltypes.Boolean):
        return "boolean"
    if isinstance(type_, sqltypes.Enum | sqltypes.String):
        return "text"
    if isinstance(type_, sqltypes.Integer | sqltypes.Numeric | sqltypes.Float):
        return "numeric"
    if isinstance(type_, sqltypes.Date | sqltypes.DateTime | sqltypes.Time):
        return "temporal"
    if isinstance(type_, sqltypes._Binary):
        return "binary"
    if isinstance(type_, sqltypes.Uuid):
        return "text"
    return "other"


def _build_indexes(
    item: dict[str, Any], index_sizes: dict[str, int], index_scans: dict[str, int]
) -> list[Index]:
    pk_name, pk_cols = item.get("pk", (None, ()))
    indexes: list[Index] = []
    seen: set[str] = set()
    if pk_cols:
        name = pk_name or "PRIMARY"
        indexes.append(
            Index(name, pk_cols, True, primary=True, bytes=index_sizes.get(name), scans=index_scans.get(name))
        )
        seen.add(name)
    unique_names = {u.get("name") for u in item.get("uniques", ())}
    for ix in item.get("indexes", ()):
        name = ix.get("name") or ""
        cols = tuple(c for c in ix.get("column_names") or () if c is not None)
        if name in seen or not cols:
            continue  # expression indexes have no plain columns; they are not compared
        seen.add(name)
        backs_constraint = name in unique_names or "duplicates_constraint" in ix
        indexes.append(
            Index(
                name,
                cols,
                bool(ix.get("unique")),
                constraint=backs_constraint,
                bytes=index_sizes.get(name),
                scans=index_scans.get(name),
            )
        )
    for uq in item.get("uniques", ()):
        name = uq.get("name") or f"unique({', '.join(uq['column_names'])})"
        if name in seen:
            continue
        seen.add(name)
        cols = tuple(uq["column_names"])
        size = index_sizes.get(name, index_sizes.get("cols:" + ",".join(cols)))
        indexes.append(Index(name, cols, True, constraint=True, bytes=size, scans=index_scans.get(name)))
    return indexes


async def read_catalog(
    conn: AsyncConnection, *, tables: list[str] | None = None, schema: str | None = None
) -> Catalog:
    """Read the catalog of the database behind ``conn`` (ideally a :func:`maat_nb.engines.read_only` one).

    Args:
        conn: An open async connection.
        tables: Only these tables (or views); ``None`` for all.
        schema: The schema to read; ``None`` for the connection's default.

    Raises:
        NotFoundError: a table in ``tables`` does not exist.
    """
    dialect = conn.dialect.name
    dialect_name = "mariadb" if dialect in {"mysql", "mariadb"} else dialect
    items = await conn.run_sync(_structure, schema, tables)
    names = [i["name"] for i in items]
    stats, notes = await fetch_table_stats(conn, dialect_name, names, schema)
    version = ".".join(str(p) for p in (conn.dialect.server_version_info or ()))
    database = await _database_name(conn, dialect_name)
    out = []
    for item in items:
        ts = stats.tables.get(item["name"], TableStats())
        cols = tuple(
            replace(
                c,
                raw_type=stats.raw_types.get((item["name"], c.name), c.raw_type),
                charset=stats.charsets.get((item["name"], c.name)),
                category="boolean"
                if stats.raw_types.get((item["name"], c.name), "").lower().startswith("tinyint(1)")
                else c.category,
            )
            for c in item["columns"]
        )
        indexes = _build_indexes(
            item,
            stats.index_bytes.get(item["name"], {}),
            stats.index_scans.get(item["name"], {}),
        )
        fks = tuple(
            ForeignKey(
                fk.get("name"),
                tuple(fk["constrained_columns"]),
                fk["referred_table"],
                tuple(fk["referred_columns"]),
            )
            for fk in item.get("fks", ())
        )
        out.append(
            Table(
                name=item["name"],
                kind=item["kind"],
                columns=cols,
                primary_key=tuple(item.get("pk", (None, ()))[1]),
                indexes=tuple(indexes),
                foreign_keys=fks,
                stats=ts,
            )
        )
    return Catalog(dialect_name, database, schema, version, tuple(out), tuple(notes))


async def _database_name(conn: AsyncConnection, dialect: str) -> str:
    from sqlalchemy import text

    if dialect == "postgresql":
        return str((await conn.execute(text("SELECT current_database()"))).scalar())
    if dialect == "mariadb":
        return str((await conn.execute(text("SELECT DATABASE()"))).scalar())
    url = conn.engine.url
    return (url.database or ":memory:").rsplit("/", 1)[-1]


def stats_age(table: Table, now: datetime) -> float | None:
    """Seconds since the table's statistics were last gathered, or None when unknown."""
    if table.stats.last_analyze is None:
        return None
    last = table.stats.last_analyze
    if last.tzinfo is None and now.tzinfo is not None:
        now = now.replace(tzinfo=None)
    return (now - last).total_seconds()
