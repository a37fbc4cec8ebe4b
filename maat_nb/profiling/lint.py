"""Schema lint: pure rules over a catalog and its profiles, each finding with the DDL that fixes it.

One function per rule, folded by :func:`lint` in the order of :data:`RULES`. Index rules follow
pt-duplicate-key-checker: an index is a duplicate when another has the same columns in the same order, and
redundant when its columns are a leftmost prefix of another index's (a unique index is never redundant to a
longer one, since dropping it would drop the uniqueness).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from sqlalchemy.dialects import mysql, postgresql, sqlite

from maat_nb.catalog import Catalog, Index, Table
from maat_nb.profiling.model import Finding, TableProfile

LOW_SELECTIVITY_MIN_ROWS = 200  # below this an index hardly matters either way
STALE_FRACTION = 0.1  # statistics are stale when more than this share of rows changed since ANALYZE


@cache
def _preparer(dialect: str) -> Any:
    d = {"postgresql": postgresql, "mariadb": mysql, "sqlite": sqlite}[dialect].dialect()
    return d.identifier_preparer


def q(dialect: str, name: str) -> str:
    """Quote an identifier for ``dialect`` where it needs quoting.

    >>> q("postgresql", "user"), q("mariadb", "order"), q("sqlite", "products")
    ('"user"', '`order`', 'products')
    """
    return str(_preparer(dialect).quote(name))


def _cols(dialect: str, cols: tuple[str, ...]) -> str:
    return ", ".join(q(dialect, c) for c in cols)


def create_index_sql(dialect: str, table: str, cols: tuple[str, ...]) -> str:
    """``CREATE INDEX`` for ``cols`` (CONCURRENTLY on PostgreSQL, so the table stays writable)."""
    name = q(dialect, f"ix_{table}_{'_'.join(cols)}"[:63])
    concurrently = " CONCURRENTLY" if dialect == "postgresql" else ""
    return f"CREATE INDEX{concurrently} {name} ON {q(dialect, table)} ({_cols(dialect, cols)});"


def drop_index_sql(dialect: str, table: str, index: Index) -> str:
    """The statement that drops ``index`` (or the constraint it backs)."""
    if index.constraint:
        if dialect == "mariadb":
            return f"ALTER TABLE {q(dialect, table)} DROP INDEX {q(dialect, index.name)};"
        if dialect == "postgresql":
            return f"ALTER TABLE {q(dialect, table)} DROP CONSTRAINT {q(dialect, index.name)};"
        return f"-- SQLite cannot drop a UNIQUE constraint in place: recreate {table} without it (batch_alter_table)."
    if dialect == "mariadb":
        return f"ALTER TABLE {q(dialect, table)} DROP INDEX {q(dialect, index.name)}, ALGORITHM=INPLACE, LOCK=NONE;"
    if dialect == "postgresql":
        return f"DROP INDEX CONCURRENTLY {q(dialect, index.name)};"
    return f"DROP INDEX {q(dialect, index.name)};"


def _profile(profiles: dict[str, TableProfile], table: str) -> TableProfile | None:
    return profiles.get(table)


Rule = Callable[[Catalog, Table, dict[str, TableProfile]], Iterator[Finding]]


def no_primary_key(catalog: Catalog, table: Table, profiles: dict[str, TableProfile]) -> Iterator[Finding]:
    """A table without a primary key (replication, ORMs and online schema changes all need one)."""
    if table.kind != "table" or table.primary_key:
        return
    d = catalog.dialect
    fk_cols = tuple(c for fk in table.foreign_keys for c in fk.columns)
    unique = next((ix.columns for ix in table.indexes if ix.unique), None)
    key = unique or (fk_cols if len(table.foreign_keys) >= 2 else None)
    if key and d != "sqlite":
        fix = f"ALTER TABLE {q(d, table.name)} ADD PRIMARY KEY ({_cols(d, key)});"
    elif key:
        fix = (
            f"-- SQLite cannot add a primary key in place: recreate {table.name} with PRIMARY KEY "
            f"({_cols(d, key)}) (Alembic: op.batch_alter_table('{table.name}', recreate='always'))."
        )
    elif d == "postgresql":
        fix = f"ALTER TABLE {q(d, table.name)} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;"
    elif d == "mariadb":
        fix = f"ALTER TABLE {q(d, table.name)} ADD COLUMN id BIGINT AUTO_INCREMENT PRIMARY KEY FIRST;"
    else:
        fix = f"-- recreate {table.name} with an INTEGER PRIMARY KEY column (batch_alter_table)."
    why = "its foreign keys together" if key == fk_cols and key else "a surrogate key"
    yield Finding(
        "no_primary_key", table.name, f"{table.name} has no primary key; suggested: {why}.", fix, "high"
    )


def _covers(index: Index, cols: tuple[str, ...]) -> bool:
    """The index's leading columns are exactly ``cols`` (in any order)."""
    return set(index.columns[: len(cols)]) == set(cols)


def fk_without_index(catalog: Catalog, table: Table, profiles: dict[str, TableProfile]) -> Iterator[Finding]:
    """A foreign key whose columns lead no index: parent deletes and joins scan the whole child table."""
    for fk in table.foreign_keys:
        if any(_covers(ix, fk.columns) for ix in table.indexes):
            continue
        yield Finding(
            "fk_without_index",
            table.name,
            f"Foreign key {table.name}({', '.join(fk.columns)}) -> {fk.ref_table} has no index starting with "
            f"its columns: each delete or key update in {fk.ref_table} scans {table.name}.",
            create_index_sql(catalog.dialect, table.name, fk.columns),
            "high",
            column=fk.columns[0],
        )


def duplicate_indexes(catalog: Catalog, table: Table, profiles: dict[str, TableProfile]) -> Iterator[Finding]:
    """Duplicate (same columns) and left-prefix-redundant indexes, by pt-duplicate-key-checker's rules."""
    idx = sorted(table.indexes, key=lambda i: (not i.primary, not i.constraint, not i.unique, i.name))
    reported: set[str] = set()
    for i, keep in enumerate(idx):
        for other in idx[i + 1 :]:
            if other.name in reported or other.primary:
                continue
            if other.columns == keep.columns:
                reported.add(other.name)
                yield Finding(
                    "duplicate_index",
                    table.name,
                    f"Index {other.name} ({', '.join(other.columns)}) duplicates {keep.name} on the same columns.",
                    drop_index_sql(catalog.dialect, table.name, other),
                    "medium",
                    index=other.name,
                )
    for short in idx:
        if short.name in reported or short.unique or short.primary:
            continue
        longer = next(
            (
                ix
                for ix in idx
                if ix.name != short.name
                and len(ix.columns) > len(short.columns)
                and ix.columns[: len(short.columns)] == short.columns
            ),
            None,
        )
        if longer:
            reported.add(short.name)
            yield Finding(
                "redundant_index",
                table.name,
                f"Index {short.name} ({', '.join(short.columns)}) is a left prefix of {longer.name} "
                f"({', '.join(longer.columns)}), which serves the same lookups.",
                drop_index_sql(catalog.dialect, table.name, short),
                "medium",
                index=short.name,
            )


def unused_index(catalog: Catalog, table: Table, profiles: dict[str, TableProfile]) -> Iterator[Finding]:
    """PostgreSQL: an index never scanned since statistics were reset (never a primary, unique or FK index)."""
    if catalog.dialect != "postgresql":
        return
    for ix in table.indexes:
        if ix.scans != 0 or ix.primary or ix.unique or ix.constraint:
            continue
        if any(_covers(ix, fk.columns) for fk in table.foreign_keys):
            continue  # dropping it would leave a foreign key unindexed
        size = f", {ix.bytes:,} bytes" if ix.bytes is not None else ""
        yield Finding(
            "unused_index",
            table.name,
            f"Index {ix.name} ({', '.join(ix.columns)}) has 0 scans since the statistics were reset{size}; "
            "check replicas and a full business cycle before dropping.",
            drop_index_sql(catalog.dialect, table.name, ix),
            "low",
            index=ix.name,
        )


def low_selectivity_index(
    catalog: Catalog, table: Table, profiles: dict[str, TableProfile]
) -> Iterator[Finding]:
    """A non-unique index whose leading column has a handful of values or one dominant value."""
    prof = _profile(profiles, table.name)
    if not prof or (prof.rows or 0) < LOW_SELECTIVITY_MIN_ROWS:
        return
    d = catalog.dialect
    for ix in table.indexes:
        if ix.unique or ix.primary:
            continue
        try:
            col = prof.column(ix.columns[0])
        except KeyError:
            continue
        top_share = col.top_values[0][1] if col.top_values else 0.0
        if (col.distinct is not None and col.distinct <= 3) or top_share >= 0.9:
            rare = ""
            if col.top_values and len(ix.columns) == 1 and d != "mariadb":
                common = col.top_values[0][0]
                literal = f"'{common}'" if isinstance(common, str) else str(common).lower()
                if isinstance(common, int) and col.category == "boolean":
                    literal = "true" if common else "false"
                rare = (
                    f"\n-- or keep it for the rare values only:\nCREATE INDEX {q(d, ix.name + '_partial')} ON "
                    f"{q(d, table.name)} ({q(d, col.name)}) WHERE {q(d, col.name)} <> {literal};"
                )
            yield Finding(
                "low_selectivity_index",
                table.name,
                f"Index {ix.name} leads with {col.name}, which has {col.distinct} distinct values "
                f"(most common: {top_share:.0%} of rows); the planner will rarely use it.",
                drop_index_sql(d, table.name, ix) + rare,
                "low",
                column=col.name,
                index=ix.name,
            )


def empty_or_constant_column(
    catalog: Catalog, table: Table, profiles: dict[str, TableProfile]
) -> Iterator[Finding]:
    """A column that is NULL in every row, or holds one value in every row."""
    prof = _profile(profiles, table.name)
    if not prof or not prof.rows or prof.rows < 2 or table.kind != "table":
        return
    d = catalog.dialect
    for col in prof.columns:
        if col.name in table.primary_key:
            continue
        drop = f"ALTER TABLE {q(d, table.name)} DROP COLUMN {q(d, col.name)};"
        if col.null_frac is not None and col.null_frac >= 1.0:
            yield Finding(
                "all_null_column",
                table.name,
                f"{table.name}.{col.name} is NULL in all {prof.rows:,} rows.",
                drop,
                "low",
                column=col.name,
            )
        elif col.distinct == 1 and (col.null_frac or 0) == 0:
            yield Finding(
                "constant_column",
                table.name,
                f"{table.name}.{col.name} holds the same value ({col.min!r}) in all {prof.rows:,} rows.",
                drop + " -- or keep the value once, as a setting or a column DEFAULT",
                "low",
                column=col.name,
            )


def timestamp_without_time_zone(
    catalog: Catalog, table: Table, profiles: dict[str, TableProfile]
) -> Iterator[Finding]:
    """PostgreSQL ``timestamp without time zone``: values are ambiguous across DST and server time zones."""
    if catalog.dialect != "postgresql":
        return
    for col in table.columns:
        if col.type.upper().startswith("TIMESTAMP") and "WITH TIME ZONE" not in col.type.upper():
            yield Finding(
                "timestamp_without_time_zone",
                table.name,
                f"{table.name}.{col.name} is {col.type.lower()}: it stores wall-clock time with no zone.",
                f"ALTER TABLE {q('postgresql', table.name)} ALTER COLUMN {q('postgresql', col.name)} "
                f"TYPE timestamptz USING {q('postgresql', col.name)} AT TIME ZONE 'UTC';",
                "medium",
                column=col.name,
            )


def stale_statistics(catalog: Catalog, table: Table, profiles: dict[str, TableProfile]) -> Iterator[Finding]:
    """The optimizer has no statistics for a non-empty table, or they predate many changes."""
    prof = _profile(profiles, table.name)
    if table.kind != "table" or not prof or not prof.rows:
        return
    s = table.stats
    d = catalog.dialect
    fix = {
        "postgresql": f"ANALYZE {q(d, table.name)};",
        "mariadb": f"ANALYZE TABLE {q(d, table.name)} PERSISTENT FOR ALL;",
        "sqlite": f"ANALYZE {q(d, table.name)};",
    }[d]
    if d == "postgresql" and s.last_analyze is None:
        detail = (
            f"{table.name} ({prof.rows:,} rows) has never been analyzed: the planner guesses its row counts."
        )
    elif d == "postgresql" and (s.mod_since_analyze or 0) > STALE_FRACTION * prof.rows:
        detail = (
            f"{table.name}: {s.mod_since_analyze:,} rows changed since the last ANALYZE ({s.last_analyze})."
        )
    elif d == "sqlite" and not s.stats_available and table.indexes:
        detail = f"{table.name} has no sqlite_stat1 rows: the planner cannot rank its {len(table.indexes)} indexes."
    else:
        return
    yield Finding("stale_statistics", table.name, detail, fix, "low")


_PG_FOR_UNSIGNED = {
    "tinyint": "smallint",
    "smallint": "integer",
    "mediumint": "integer",
    "int": "bigint",
    "bigint": "numeric(20)",
}


def mariadb_portability(
    catalog: Catalog, table: Table, profiles: dict[str, TableProfile]
) -> Iterator[Finding]:
    """MariaDB types and settings that do not carry over to PostgreSQL as they are."""
    if catalog.dialect != "mariadb":
        return
    prof = _profile(profiles, table.name)
    t = q("postgresql", table.name)
    for col in table.columns:
        raw = col.raw_type.lower()
        c = q("postgresql", col.name)
        base = raw.split("(")[0].split(" ")[0]
        if "unsigned" in raw:
            target = _PG_FOR_UNSIGNED.get(base, "numeric")
            yield Finding(
                "unsigned_integer",
                table.name,
                f"{table.name}.{col.name} is {raw}: PostgreSQL has no unsigned integers.",
                f"-- PostgreSQL: {c} {target} CHECK ({c} >= 0)",
                "medium",
                column=col.name,
            )
        elif raw.startswith("tinyint(1)"):
            seen = ""
            if prof:
                cp = prof.column(col.name)
                seen = f" Values seen: {cp.min}..{cp.max}."
                if str(cp.max).lstrip("-").isdigit() and int(str(cp.max)) > 1:
                    seen += " Not a boolean: keep smallint."
            yield Finding(
                "tinyint_boolean",
                table.name,
                f"{table.name}.{col.name} is tinyint(1), MariaDB's boolean.{seen}",
                f"-- PostgreSQL: {c} boolean (ALTER TABLE {t} ALTER COLUMN {c} TYPE boolean USING {c} <> 0)",
                "low",
                column=col.name,
            )
        elif raw.startswith("enum("):
            labels = raw[5:-1]
            yield Finding(
                "enum_column",
                table.name,
                f"{table.name}.{col.name} is {raw}: an inline ENUM becomes a named type on PostgreSQL.",
                f"-- PostgreSQL: CREATE TYPE {col.name}_enum AS ENUM ({labels}); or text with "
                f"CHECK ({c} IN ({labels}))",
                "low",
                column=col.name,
            )
        zero = str(col.default or "").strip("'").startswith("0000-00-00")
        if prof and not zero:
            cp = prof.column(col.name)
            zero = str(cp.min or "").startswith("0000-00-00")
        if zero:
            yield Finding(
                "zero_date",
                table.name,
                f"{table.name}.{col.name} uses the zero date 0000-00-00, which PostgreSQL rejects.",
                f"UPDATE {q('mariadb', table.name)} SET {q('mariadb', col.name)} = NULL WHERE "
                f"{q('mariadb', col.name)} = '0000-00-00'; -- and make the column NULLable without a zero default",
                "high",
                column=col.name,
            )
    old = sorted({col.name for col in table.columns if (col.charset or "").lower() in {"utf8", "utf8mb3"}})
    if old or (table.stats.collation or "").lower().startswith(("utf8_", "utf8mb3_")):
        yield Finding(
            "utf8mb3_charset",
            table.name,
            f"{table.name} uses the 3-byte utf8 (utf8mb3) character set"
            + (f" in {', '.join(old)}" if old else "")
            + ": emoji and other 4-byte characters cannot be stored.",
            f"ALTER TABLE {q('mariadb', table.name)} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
            "medium",
        )


RULES: tuple[Rule, ...] = (
    no_primary_key,
    fk_without_index,
    duplicate_indexes,
    unused_index,
    low_selectivity_index,
    empty_or_constant_column,
    timestamp_without_time_zone,
    stale_statistics,
    mariadb_portability,
)


def lint(catalog: Catalog, profiles: dict[str, TableProfile] | None = None) -> tuple[Finding, ...]:
    """Apply every rule of :data:`RULES` to every table; profiles enable the data-dependent rules."""
    profiles = profiles or {}
    return tuple(f for table in catalog.tables for rule in RULES for f in rule(catalog, table, profiles))
