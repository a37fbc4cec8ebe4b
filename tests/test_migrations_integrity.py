"""Row counts and order-independent checksums (maat_nb.migrations.integrity) on SQLite, PostgreSQL and MariaDB.

Each database test runs on a fresh database of each engine (``empty_db``), changes it with real DDL/DML, and checks
what :func:`snapshot`, :func:`compare` and :func:`same_data` make of it. The pure tests at the end build snapshots
by hand to pin the comparison rules.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Date,
    Double,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    bindparam,
    event,
    func,
    insert,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from maat_nb.engines import create_engine, read_only
from maat_nb.migrations import integrity
from maat_nb.migrations.integrity import (
    Change,
    ColumnSum,
    Snapshot,
    TableSnapshot,
    compare,
    same_data,
    snapshot,
)

N_ROWS = 120


# ------------------------------------------------------------------------------------------------ helpers


@pytest.fixture
async def engine(empty_db: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(empty_db)
    try:
        yield eng
    finally:
        await eng.dispose()


async def snap(engine: AsyncEngine, **kwargs: Any) -> Snapshot:
    async with engine.connect() as conn:
        return await snapshot(conn, **kwargs)


async def run(engine: AsyncEngine, *statements: str) -> None:
    async with engine.begin() as conn:
        for sql in statements:
            await conn.execute(text(sql))


def items_table(metadata: MetaData, name: str = "items") -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("name", String(50), nullable=False),
        Column("qty", Integer),
        Column("price", Numeric(10, 2)),
        Column("ratio", Double),
        Column("day", Date),
        Column("note", Text),
        Column("data", LargeBinary),
    )


def make_rows(n: int = N_ROWS, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        rows.append(
            {
                "id": i,
                "name": f"item-{i}-{'x' * rng.randint(0, 30)}",
                "qty": rng.choice([0, 1, 2, 7, rng.randint(-1000, 10**6)]),  # duplicates on purpose
                "price": Decimal(rng.randint(0, 10**6)) / 100,
                "ratio": rng.random() * 10 ** rng.randint(-3, 6),
                "day": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000)),
                "note": None if i % 3 == 0 else f"note {rng.randint(0, 50)} ünïcødé ✓",
                "data": None if i % 4 == 0 else rng.randbytes(rng.randint(0, 12)),
            }
        )
    return rows


def _blob_value(kind: str, value: bytes | None) -> Any:
    """aiomysql cannot bind bytes with this PyMySQL: MariaDB gets the bytes as UNHEX of a hex string."""
    if kind == "mariadb" and value is not None:
        return func.unhex(value.hex())
    return value


async def create_items(
    engine: AsyncEngine, kind: str, rows: list[dict[str, Any]], name: str = "items"
) -> Table:
    metadata = MetaData()
    table = items_table(metadata, name)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        if not rows:
            pass
        elif kind == "mariadb":
            stmt = insert(table).values(data=func.unhex(bindparam("data_hex")))
            params = [
                {
                    **{k: v for k, v in r.items() if k != "data"},
                    "data_hex": r["data"].hex() if r["data"] is not None else None,
                }
                for r in rows
            ]
            await conn.execute(stmt, params)
        else:
            await conn.execute(insert(table), rows)
    return table


async def set_value(
    engine: AsyncEngine, kind: str, table: Table, row_id: int, column: str, value: Any
) -> None:
    if column == "data":
        value = _blob_value(kind, value)
    async with engine.begin() as conn:
        await conn.execute(update(table).where(table.c.id == row_id).values({column: value}))


def different(column: str, old: Any, rng: random.Random) -> Any:
    """A value close to ``old`` but not equal to it: the hardest single changes for a sum of hashes."""
    if column == "name":
        i = rng.randrange(len(old))
        return old[:i] + chr(ord(old[i]) ^ 1) + old[i + 1 :]  # one bit of one character
    if column == "qty":
        return old + rng.choice([1, -1, 2**16, 10])
    if column == "price":
        return old + rng.choice([Decimal("0.01"), Decimal("-0.01"), Decimal("100")])
    if column == "ratio":
        return math.nextafter(old, math.inf)  # one unit in the last place
    if column == "day":
        return old + dt.timedelta(days=rng.choice([1, -1, 365]))
    if column == "note":
        return "other" if old is None else old + " "  # a trailing space
    if column == "data":
        if not old:
            return b"\x00"
        i = rng.randrange(len(old))
        return old[:i] + bytes([old[i] ^ 0x80]) + old[i + 1 :]
    raise AssertionError(column)


# ------------------------------------------------------------------------------------------------ snapshots


async def test_same_data_in_another_physical_order_gives_the_same_snapshot(
    engine: AsyncEngine, engine_kind: str
) -> None:
    rows = make_rows()
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    await create_items(engine, engine_kind, rows, "a")
    await create_items(engine, engine_kind, shuffled, "b")
    s = await snap(engine)
    a, b = s.tables["a"], s.tables["b"]
    assert a.rows == b.rows == N_ROWS
    assert a.columns == b.columns and a.types == b.types and a.row_checksum == b.row_checksum
    assert a.columns["note"].non_null == sum(r["note"] is not None for r in rows)
    assert a.columns["data"].non_null == sum(r["data"] is not None for r in rows)
    # not trivially equal: different columns have different checksums
    assert len({c.checksum for c in a.columns.values()}) == len(a.columns)

    # rewriting every row (new row versions, a new physical order) and undoing it changes nothing
    await run(
        engine, "UPDATE a SET qty = qty + 1 WHERE id % 2 = 0", "UPDATE a SET qty = qty - 1 WHERE id % 2 = 0"
    )
    await run(engine, "DELETE FROM b WHERE id <= 10")
    async with engine.begin() as conn:
        table = items_table(MetaData(), "b")
        for r in rows[:10]:  # the same rows again, now at the end of the heap
            await conn.execute(insert(table).values({**r, "data": _blob_value(engine_kind, r["data"])}))
    again = await snap(engine)
    ok, diffs = same_data(s, again)
    assert ok, diffs
    assert not compare(s, again).changed


async def test_every_single_value_change_is_detected(engine: AsyncEngine, engine_kind: str) -> None:
    rows = make_rows()
    table = await create_items(engine, engine_kind, rows)
    before = await snap(engine)
    rng = random.Random(2024)
    columns = ["name", "qty", "price", "ratio", "day", "note", "data"]
    trials, detected = 56, 0
    for trial in range(trials):
        column = columns[trial % len(columns)]
        row = rng.choice(rows)
        old = row[column]
        if column == "data" and old is None:
            row = rows[0]  # rows[0] has bytes (id 1)
            old = row[column]
        new = different(column, old, rng)
        assert new != old
        await set_value(engine, engine_kind, table, row["id"], column, new)
        after = await snap(engine)
        t0, t1 = before.tables["items"], after.tables["items"]
        changed = {c for c in t0.columns if t0.columns[c] != t1.columns[c]}
        assert changed <= {column}, (column, changed)  # nothing else moves
        detected += changed == {column}
        change = compare(before, after)
        if changed:
            assert change.columns_changed == (f"items.{column}",)
            assert not change.data_loss  # same type, same non-NULL count: a rewrite, not a loss
            assert compare(before, after, strict=True).data_loss
        await set_value(engine, engine_kind, table, row["id"], column, old)
    assert detected == trials  # 100 %: every single-value change shows in its column's checksum
    ok, diffs = same_data(before, await snap(engine))
    assert ok, diffs  # and undoing every change restores every checksum


async def test_duplicates_do_not_cancel(engine: AsyncEngine, engine_kind: str) -> None:
    """A pair of equal values replaced by another pair of equal values (an XOR of hashes would miss it)."""
    table = await create_items(engine, engine_kind, make_rows())
    for row_id in (1, 2):
        await set_value(engine, engine_kind, table, row_id, "name", "twin")
    before = await snap(engine)
    for row_id in (1, 2):
        await set_value(engine, engine_kind, table, row_id, "name", "other twin")
    after = await snap(engine)
    assert after.tables["items"].columns["name"] != before.tables["items"].columns["name"]


@pytest.mark.parametrize("engine_kind", ["sqlite", "mariadb"], indirect=True)
async def test_column_order_does_not_matter(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    if engine_kind == "mariadb":
        await run(engine, "ALTER TABLE items MODIFY note TEXT FIRST")
    else:
        await run(
            engine,
            "CREATE TABLE _tmp_items (note TEXT, data BLOB, id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
            "qty INTEGER, price NUMERIC(10, 2), ratio DOUBLE, day DATE)",
            "INSERT INTO _tmp_items SELECT note, data, id, name, qty, price, ratio, day FROM items",
            "DROP TABLE items",
            "ALTER TABLE _tmp_items RENAME TO items",
        )
    after = await snap(engine)
    assert next(iter(after.tables["items"].columns)) == "note"  # really reordered
    assert same_data(before, after) == (True, [])


async def test_null_counts(engine: AsyncEngine, engine_kind: str) -> None:
    rows = make_rows()
    table = await create_items(engine, engine_kind, rows)
    before = await snap(engine)
    await set_value(engine, engine_kind, table, 1, "qty", None)
    after = await snap(engine)
    assert after.tables["items"].columns["qty"].non_null == before.tables["items"].columns["qty"].non_null - 1
    change = compare(before, after)
    assert change.data_loss and any("items.qty" in r and "NULL" in r for r in change.reasons)

    # a NULL becoming a value is a change, not a loss
    null_note = next(r for r in rows if r["note"] is None)
    await set_value(engine, engine_kind, table, null_note["id"], "note", "now set")
    change = compare(after, await snap(engine))
    assert change.columns_changed == ("items.note",) and not change.data_loss

    # a column becoming all NULL
    await run(engine, "UPDATE items SET price = NULL")
    emptied = (await snap(engine)).tables["items"].columns["price"]
    assert emptied == ColumnSum(non_null=0, checksum=0)
    assert before.tables["items"].columns["price"].non_null == N_ROWS


async def test_rows_lost_and_gained(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    await run(engine, "DELETE FROM items WHERE id IN (5, 6, 7)")
    fewer = await snap(engine)
    change = compare(before, fewer)
    assert change.data_loss and change.rows_changed == (("items", N_ROWS, N_ROWS - 3),)
    assert any("3 rows lost" in r for r in change.reasons)
    gained = compare(fewer, before)
    assert not gained.data_loss and gained.rows_changed == (("items", N_ROWS - 3, N_ROWS),)


async def test_dropped_column_with_values_is_loss_and_empty_one_is_not(
    engine: AsyncEngine, engine_kind: str
) -> None:
    await create_items(engine, engine_kind, make_rows())
    await run(engine, "ALTER TABLE items ADD COLUMN spare INTEGER")  # all NULL
    before = await snap(engine)
    await run(engine, "ALTER TABLE items DROP COLUMN spare")
    change = compare(before, await snap(engine))
    assert change.columns_dropped == ("items.spare",) and not change.data_loss

    before = await snap(engine)
    await run(engine, "ALTER TABLE items DROP COLUMN note")
    change = compare(before, await snap(engine))
    assert change.data_loss
    assert change.columns_dropped == ("items.note",)
    (reason,) = change.reasons
    assert "items.note" in reason and str(before.tables["items"].columns["note"].non_null) in reason


async def test_dropped_tables(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    await create_items(engine, engine_kind, [], "empty_one")
    before = await snap(engine)
    assert before.tables["empty_one"].rows == 0
    await run(engine, "DROP TABLE empty_one")
    after = await snap(engine)
    change = compare(before, after)
    assert change.tables_dropped == ("empty_one",) and not change.data_loss
    await run(engine, "DROP TABLE items")
    change = compare(after, await snap(engine))
    assert change.data_loss and change.tables_dropped == ("items",)
    assert any("items" in r and str(N_ROWS) in r for r in change.reasons)


async def test_added_columns_and_tables_are_not_loss(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    await run(
        engine,
        "ALTER TABLE items ADD COLUMN flag INTEGER",
        "ALTER TABLE items ADD COLUMN stock INTEGER NOT NULL DEFAULT 5",
        "CREATE TABLE extra (id INTEGER PRIMARY KEY)",
    )
    after = await snap(engine)
    change = compare(before, after)
    assert not change.data_loss, change.reasons
    assert set(change.columns_added) == {"items.flag", "items.stock"}
    assert change.tables_added == ("extra",)
    assert after.tables["items"].columns["stock"].non_null == N_ROWS
    assert after.tables["items"].columns["flag"].non_null == 0
    # the columns that were there keep their checksums
    assert all(after.tables["items"].columns[c] == s for c, s in before.tables["items"].columns.items())
    assert any(line == "column added: items.stock" for line in change.summary())


def _narrow_sql(kind: str, width: int, using_left: bool) -> list[str]:
    """Change items.name to VARCHAR(width) the way each engine allows, truncating longer values."""
    if kind == "postgresql":
        using = f" USING left(name, {width})" if using_left else ""
        return [f"ALTER TABLE items ALTER COLUMN name TYPE VARCHAR({width}){using}"]
    if kind == "mariadb":
        return [f"ALTER TABLE items MODIFY name VARCHAR({width}) NOT NULL"]
    return []


async def _sqlite_recreate(
    engine: AsyncEngine, name_type: str, name_expr: str, qty_type: str = "INTEGER"
) -> None:
    """What Alembic's batch mode does on SQLite: new table, copy, drop, rename."""
    await run(
        engine,
        f"CREATE TABLE _tmp_items (id INTEGER PRIMARY KEY, name {name_type} NOT NULL, qty {qty_type}, "
        "price NUMERIC(10, 2), ratio DOUBLE, day DATE, note TEXT, data BLOB)",
        f"INSERT INTO _tmp_items SELECT id, {name_expr}, qty, price, ratio, day, note, data FROM items",
        "DROP TABLE items",
        "ALTER TABLE _tmp_items RENAME TO items",
    )


async def test_narrowed_type_that_truncates_is_loss(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    if engine_kind == "sqlite":
        await _sqlite_recreate(engine, "VARCHAR(5)", "substr(name, 1, 5)")
    elif engine_kind == "mariadb":
        async with (
            engine.begin() as conn
        ):  # non-strict mode for this session only: MariaDB truncates with a warning
            await conn.execute(text("SET SESSION sql_mode = ''"))
            await conn.execute(text(_narrow_sql(engine_kind, 5, True)[0]))
    else:
        await run(engine, *_narrow_sql(engine_kind, 5, True))
    after = await snap(engine)
    assert after.tables["items"].types["name"].startswith("VARCHAR(5)")
    change = compare(before, after)
    assert change.data_loss
    (reason,) = change.reasons
    assert "items.name" in reason and "VARCHAR(5)" in reason
    assert [c for c, _, _ in change.types_changed] == ["items.name"]
    assert after.tables["items"].columns["name"].non_null == N_ROWS  # no NULLs: only the checksum tells


async def test_widening_keeps_checksums(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    if engine_kind == "sqlite":
        await _sqlite_recreate(engine, "VARCHAR(80)", "name", qty_type="BIGINT")
    elif engine_kind == "postgresql":
        await run(
            engine, *_narrow_sql(engine_kind, 80, False), "ALTER TABLE items ALTER COLUMN qty TYPE BIGINT"
        )
    else:
        await run(engine, *_narrow_sql(engine_kind, 80, False), "ALTER TABLE items MODIFY qty BIGINT")
    after = await snap(engine)
    change = compare(before, after)
    assert not change.data_loss, change.reasons
    assert {c for c, _, _ in change.types_changed} == {"items.name", "items.qty"}
    assert change.columns_changed == ()
    assert after.tables["items"].columns == before.tables["items"].columns


async def test_rename_is_reported_as_rename_not_loss(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    await run(engine, "ALTER TABLE items RENAME COLUMN note TO remark")
    renamed = await snap(engine)
    change = compare(before, renamed)
    assert not change.data_loss, change.reasons
    assert change.columns_renamed == (("items.note", "items.remark"),)
    assert change.columns_added == () and change.columns_dropped == ()

    rename_table = (
        "ALTER TABLE items RENAME TO goods" if engine_kind != "mariadb" else "RENAME TABLE items TO goods"
    )
    await run(engine, rename_table)
    change = compare(renamed, await snap(engine))
    assert change.tables_renamed == (("items", "goods"),) and not change.data_loss
    assert change.tables_added == () and change.tables_dropped == ()


async def test_column_moved_to_another_table_is_not_loss(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    await run(
        engine,
        "CREATE TABLE item_notes (item_id INTEGER PRIMARY KEY, note TEXT)",
        "INSERT INTO item_notes (item_id, note) SELECT id, note FROM items",
        "ALTER TABLE items DROP COLUMN note",
    )
    change = compare(before, await snap(engine))
    assert not change.data_loss, change.reasons
    assert change.columns_renamed == (("items.note", "item_notes.note"),)
    assert change.tables_added == ("item_notes",)


async def test_data_migration_in_place_is_a_change_and_reversible(
    engine: AsyncEngine, engine_kind: str
) -> None:
    await create_items(engine, engine_kind, make_rows())
    before = await snap(engine)
    await run(engine, "UPDATE items SET qty = qty * 100")  # e.g. prices to cents
    up = await snap(engine)
    change = compare(before, up)
    assert change.columns_changed == ("items.qty",) and not change.data_loss
    assert compare(before, up, strict=True).data_loss
    await run(engine, "UPDATE items SET qty = qty / 100")
    ok, diffs = same_data(before, await snap(engine))
    assert ok, diffs


async def test_values_moved_between_rows(engine: AsyncEngine, engine_kind: str) -> None:
    rows = make_rows()
    table = await create_items(engine, engine_kind, rows)
    before = await snap(engine)
    a = rows[0]
    b = next(r for r in rows if r["qty"] != a["qty"])
    await set_value(engine, engine_kind, table, a["id"], "qty", b["qty"])
    await set_value(engine, engine_kind, table, b["id"], "qty", a["qty"])
    after = await snap(engine)
    assert after.tables["items"].columns == before.tables["items"].columns  # per column: the same multiset
    change = compare(before, after)
    assert change.rows_reassociated == ("items",) and not change.data_loss
    assert compare(before, after, strict=True).data_loss
    ok, diffs = same_data(before, after)
    assert not ok and diffs == ["items: values moved between rows"]


async def test_round_trip_up_down_up(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())

    async def up() -> None:
        await run(
            engine,
            "ALTER TABLE items ADD COLUMN total NUMERIC(14, 2)",
            "UPDATE items SET total = price * qty",
            "CREATE TABLE audit (id INTEGER PRIMARY KEY, what VARCHAR(20))",
            "INSERT INTO audit (id, what) VALUES (1, 'upgraded')",
        )

    async def down() -> None:
        await run(engine, "DROP TABLE audit", "ALTER TABLE items DROP COLUMN total")

    before = await snap(engine)
    await up()
    after_up = await snap(engine)
    up_change = compare(before, after_up)
    assert not up_change.data_loss and up_change.columns_added == ("items.total",)
    await down()
    after_down = await snap(engine)
    down_change = compare(after_up, after_down)
    assert down_change.data_loss  # the downgrade drops the filled total column and the audit row
    assert any("items.total" in r for r in down_change.reasons) and any(
        "audit" in r for r in down_change.reasons
    )
    assert same_data(before, after_down) == (True, [])
    await up()
    again = await snap(engine)
    assert same_data(after_up, again) == (True, [])

    # a round trip that does not give the same data back is caught, naming the column
    await down()
    await up()
    await run(engine, "UPDATE items SET total = total + 1 WHERE id = 3")
    ok, diffs = same_data(after_up, await snap(engine))
    assert not ok and diffs == ["column items.total: values differ"]


async def test_snapshot_is_read_only_and_one_query_per_table(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows())
    await create_items(engine, engine_kind, make_rows(30, seed=5), "other")
    await run(engine, "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    plain = await snap(engine)
    assert set(plain.tables) == {"items", "other"}  # Alembic's table is left out by default

    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with read_only(engine) as conn:  # READ ONLY transaction / PRAGMA query_only
            guarded = await snapshot(conn)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert same_data(plain, guarded) == (True, [])
    aggregates = [s for s in statements if s.lstrip().upper().startswith("SELECT COUNT(*)")]
    assert len(aggregates) == 2  # one per table
    writes = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|REPLACE|TRUNCATE)\b", re.I)
    assert not [s for s in statements if writes.match(s)]


async def test_wide_tables_are_split_into_several_queries(
    engine: AsyncEngine, engine_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_items(engine, engine_kind, make_rows())
    whole = await snap(engine)
    monkeypatch.setattr(integrity, "COLUMNS_PER_QUERY", 3)
    split = await snap(engine)
    assert split == whole


async def test_tables_and_exclude(engine: AsyncEngine, engine_kind: str) -> None:
    await create_items(engine, engine_kind, make_rows(10))
    await create_items(engine, engine_kind, make_rows(10), "other")
    assert set((await snap(engine, tables=["other", "missing"])).tables) == {"other"}
    assert set((await snap(engine, exclude=["items"])).tables) == {"other"}


async def test_snapshot_of_100k_rows(engine: AsyncEngine, engine_kind: str) -> None:
    """Efficiency: 100k rows are summed in the database (one query); kept cheap enough to run every time."""
    n = 100_000
    create = (
        "CREATE TABLE big (id INTEGER PRIMARY KEY, name VARCHAR(40), qty INTEGER, ratio DOUBLE PRECISION)"
    )
    if engine_kind == "postgresql":
        fill = "INSERT INTO big SELECT g, 'name-' || (g % 977), g % 13, g / 7.0 FROM generate_series(1, 100000) g"
    elif engine_kind == "mariadb":
        fill = (
            "INSERT INTO big SELECT seq, CONCAT('name-', seq % 977), seq % 13, seq / 7.0 FROM seq_1_to_100000"
        )
    else:
        fill = (
            "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 100000) "
            "INSERT INTO big SELECT x, 'name-' || (x % 977), x % 13, x / 7.0 FROM g"
        )
    await run(engine, create, fill)
    s = await snap(engine)
    big = s.tables["big"]
    assert big.rows == n and all(c.non_null == n for c in big.columns.values())
    await run(engine, "UPDATE big SET qty = qty + 1 WHERE id = 54321")
    after = await snap(engine)
    assert compare(s, after).columns_changed == ("big.qty",)


@pytest.mark.parametrize("engine_kind", ["mariadb"], indirect=True)
async def test_mariadb_charset_conversion_keeps_checksums(engine: AsyncEngine, engine_kind: str) -> None:
    await run(
        engine,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, s VARCHAR(20) CHARACTER SET latin1)",
        "INSERT INTO t VALUES (1, 'café'), (2, 'naïve'), (3, NULL)",
    )
    before = await snap(engine)
    await run(engine, "ALTER TABLE t MODIFY s VARCHAR(20) CHARACTER SET utf8mb4")
    after = await snap(engine)
    assert after.tables["t"].columns == before.tables["t"].columns
    await run(engine, "UPDATE t SET s = 'cafe' WHERE id = 1")
    assert (await snap(engine)).tables["t"].columns["s"] != before.tables["t"].columns["s"]


# ------------------------------------------------------------------------------------------------ pure rules


def table(name: str, rows: int, **columns: tuple[int, int]) -> TableSnapshot:
    return TableSnapshot(
        name=name,
        rows=rows,
        columns={c: ColumnSum(non_null=nn, checksum=cs) for c, (nn, cs) in columns.items()},
        types={c: "INTEGER" for c in columns},
        row_checksum=sum(cs for _, cs in columns.values()),
    )


def snapshot_of(*tables: TableSnapshot, dialect: str = "sqlite") -> Snapshot:
    return Snapshot(dialect=dialect, tables={t.name: t for t in tables})


def test_snapshots_of_different_engines_are_not_compared() -> None:
    a, b = snapshot_of(dialect="sqlite"), snapshot_of(dialect="postgresql")
    with pytest.raises(ValueError, match="sqlite"):
        compare(a, b)
    with pytest.raises(ValueError):
        same_data(a, b)


def test_identical_snapshots() -> None:
    s = snapshot_of(table("t", 3, a=(3, 11), b=(2, 22)))
    change = compare(s, s)
    assert change == Change() and not change.changed and change.summary() == []
    assert same_data(s, s) == (True, [])


def test_rename_needs_the_same_values() -> None:
    before = snapshot_of(table("t", 3, a=(3, 11), b=(3, 22)))
    # b dropped, c added with other values: a real loss, and c is just added
    after = snapshot_of(table("t", 3, a=(3, 11), c=(3, 23)))
    change = compare(before, after)
    assert change.data_loss and change.columns_dropped == ("t.b",) and change.columns_added == ("t.c",)
    assert change.columns_renamed == ()
    # same checksum but one value fewer: not the same values either
    assert compare(before, snapshot_of(table("t", 3, a=(3, 11), c=(2, 22)))).data_loss
    # two columns renamed at once pair up by their values
    swapped = snapshot_of(table("t", 3, y=(3, 22), x=(3, 11)))
    assert set(compare(before, swapped).columns_renamed) == {("t.a", "t.x"), ("t.b", "t.y")}


def test_all_null_columns_are_not_paired_as_renames() -> None:
    before = snapshot_of(table("t", 3, a=(3, 11), e=(0, 0)))
    after = snapshot_of(table("t", 3, a=(3, 11), f=(0, 0)))
    change = compare(before, after)
    assert not change.data_loss
    assert (
        change.columns_dropped == ("t.e",)
        and change.columns_added == ("t.f",)
        and change.columns_renamed == ()
    )


def test_table_rename_needs_its_rows() -> None:
    before = snapshot_of(table("old", 4, a=(4, 1), b=(2, 2)))
    assert compare(before, snapshot_of(table("new", 4, a=(4, 1), b=(2, 2), c=(0, 0)))).tables_renamed == (
        ("old", "new"),
    )
    fewer = compare(before, snapshot_of(table("new", 3, a=(3, 1), b=(2, 2))))
    assert fewer.data_loss and fewer.tables_dropped == ("old",) and fewer.tables_added == ("new",)
    assert any("old" in r and "4 rows" in r for r in fewer.reasons)


def test_lost_rows_are_the_reason_not_each_column() -> None:
    before = snapshot_of(table("t", 4, a=(4, 1), b=(4, 2)))
    after = snapshot_of(table("t", 3, a=(3, 5), b=(3, 6)))
    change = compare(before, after)
    assert change.reasons == ("t: 4 -> 3 rows (1 rows lost)",)
    assert change.columns_changed == ("t.a", "t.b")


def test_type_change_without_value_change_is_not_loss() -> None:
    before = snapshot_of(table("t", 2, a=(2, 7)))
    wider = TableSnapshot("t", 2, {"a": ColumnSum(2, 7)}, {"a": "BIGINT"}, 7)
    change = compare(before, snapshot_of(wider))
    assert change.types_changed == (("t.a", "INTEGER", "BIGINT"),) and not change.data_loss
    ok, diffs = same_data(before, snapshot_of(wider))
    assert not ok and diffs == ["column t.a: type INTEGER, then BIGINT"]
    assert same_data(before, snapshot_of(wider), check_types=False) == (True, [])


def test_summary_lists_loss_first() -> None:
    before = snapshot_of(table("t", 2, a=(2, 7), b=(1, 3)))
    after = snapshot_of(table("t", 2, a=(2, 7)), table("u", 0))
    lines = compare(before, after).summary()
    assert lines[0].startswith("DATA LOSS: column t.b dropped")
    assert "table added: u" in lines and "column dropped: t.b" in lines
