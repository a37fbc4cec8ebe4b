"""Profiles of fixture tables whose statistics are known in advance, on SQLite, PostgreSQL and MariaDB.

The fixture uses awkward names on purpose: tables ``order``, ``user`` and ``line item``, a column ``o'clock`` and a
non-ASCII column, an empty table, a table with nothing but its key, and a view.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    text,
)

import maat_nb as mn
from maat_nb.engines import create_engine

N = 1000
BIG = 20_000


def fixture_metadata() -> MetaData:
    md = MetaData()
    Table("user", md, Column("id", Integer, primary_key=True), Column("naïve näme", String(40)))
    Table(
        "order",
        md,
        Column("id", Integer, primary_key=True),
        Column("user_id", Integer, ForeignKey("user.id"), nullable=False),
        Column("amount", Integer, nullable=False),
        Column("note", String(20)),
        Column("flag", Boolean, nullable=False),
        Column("created", Date, nullable=False),
        Column("o'clock", String(10)),
        Index("ix_order_user_id", "user_id"),
    )
    Table("line item", md, Column("id", Integer, primary_key=True))  # nothing but its key
    Table("empty_one", md, Column("id", Integer, primary_key=True), Column("v", String(5)))
    Table(
        "big",
        md,
        Column("id", Integer, primary_key=True),
        Column("amount", Integer, nullable=False),
        Column("note", String(20)),
    )
    return md


def order_rows(n: int) -> list[dict]:
    start = date(2024, 1, 1)
    return [
        {
            "id": i,
            "user_id": i % 100 + 1,
            "amount": i % 10,
            "note": None if i % 4 == 0 else f"n{i % 7}",
            "flag": i % 3 == 0,
            "created": start + timedelta(days=i % 30),
            "o'clock": "x",
        }
        for i in range(1, n + 1)
    ]


async def load_fixture(url: str) -> None:
    md = fixture_metadata()
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(md.create_all)
            await conn.execute(
                md.tables["user"].insert(), [{"id": i, "naïve näme": f"Zoë {i}"} for i in range(1, 101)]
            )
            await conn.execute(md.tables["order"].insert(), order_rows(N))
            await conn.execute(md.tables["line item"].insert(), [{"id": i} for i in range(1, 6)])
            await conn.execute(
                md.tables["big"].insert(),
                [
                    {"id": i, "amount": i % 10, "note": None if i % 4 == 0 else f"n{i % 50}"}
                    for i in range(1, BIG + 1)
                ],
            )
            view_sql = {
                "postgresql": 'CREATE VIEW "v order" AS SELECT id, amount FROM "order" WHERE amount > 4',
                "mysql": "CREATE VIEW `v order` AS SELECT id, amount FROM `order` WHERE amount > 4",
                "sqlite": 'CREATE VIEW "v order" AS SELECT id, amount FROM "order" WHERE amount > 4',
            }[conn.dialect.name]
            await conn.execute(text(view_sql))
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            if conn.dialect.name == "mysql":  # as a DBA would: engine-independent statistics too
                for t in ("user", "order", "line item", "empty_one", "big"):
                    await conn.execute(text(f"ANALYZE TABLE `{t}` PERSISTENT FOR ALL"))
            else:
                await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


@pytest.fixture
async def fixture_db(empty_db: str) -> str:
    await load_fixture(empty_db)
    return empty_db


async def test_exact_profile_matches_known_statistics(fixture_db: str) -> None:
    prof = await mn.profile(fixture_db, stats="exact")
    order = prof.table("order")
    assert order.rows == N and order.rows_source == "exact"
    amount = order.column("amount")
    assert (amount.distinct, amount.min, amount.max, amount.null_frac) == (10, 0, 9, 0.0)
    assert amount.source == "exact"
    note = order.column("note")
    assert note.null_frac == pytest.approx(0.25)
    assert note.distinct == 7
    assert order.column("created").distinct == 30
    assert str(order.column("created").min).startswith("2024-01-01")
    flag = order.column("flag")
    assert flag.distinct == 2
    # 333 of 1000 rows have flag true: the most common value is false with 2/3 of the rows
    assert flag.top_values[0][1] == pytest.approx(667 / N)
    assert order.column("o'clock").distinct == 1
    # histograms cover every non-NULL row
    assert sum(b[2] for b in amount.histogram or ()) == N
    user = prof.table("user")
    assert user.column("naïve näme").distinct == 100
    assert prof.table("line item").rows == 5
    empty = prof.table("empty_one")
    assert empty.rows == 0 and empty.column("v").null_frac is None
    view = prof.table("v order")
    assert view.table.kind == "view" and view.rows == 500
    assert view.column("amount").min == 5


async def test_sampled_profile_is_within_tolerance(fixture_db: str) -> None:
    prof = await mn.profile(fixture_db, tables=["big"], stats="sampled", sample_rows=2000)
    big = prof.table("big")
    assert big.rows_source == "estimate"
    assert big.rows == pytest.approx(BIG, rel=0.5)  # InnoDB's estimate is the loosest of the three
    note, amount = big.column("note"), big.column("amount")
    assert (
        note.source == "sampled" and big.sample_rows is not None and 200 <= big.sample_rows <= 2 * 2000 + 100
    )
    assert note.null_frac == pytest.approx(0.25, abs=0.05)
    assert amount.distinct == 10
    assert 40 <= (note.distinct or 0) <= 60
    assert amount.top_values[0][1] == pytest.approx(0.1, abs=0.05)


async def test_catalog_statistics_are_labelled(fixture_db: str, engine_kind: str) -> None:
    prof = await mn.profile(fixture_db, tables=["order"], stats="catalog")
    amount = prof.table("order").column("amount")
    note = prof.table("order").column("note")
    if engine_kind == "sqlite":  # SQLite keeps no per-column statistics: the figures are computed instead
        assert amount.source == "exact" and amount.distinct == 10
        return
    # PostgreSQL's pg_stats and MariaDB's mysql.column_stats (ANALYZE ... PERSISTENT FOR ALL)
    assert amount.source == "catalog" and note.source == "catalog"
    assert amount.distinct == 10 and amount.null_frac == 0
    assert note.null_frac == pytest.approx(0.25, abs=0.02)
    assert note.distinct == 7
    assert prof.table("order").rows_source == "estimate"


async def test_missing_table_names_the_known_ones(fixture_db: str) -> None:
    with pytest.raises(mn.NotFoundError) as err:
        await mn.profile(fixture_db, tables=["orders"])
    assert "orders" in str(err.value) and "order" in err.value.known


async def test_json_shape(fixture_db: str) -> None:
    doc = mn.to_json(await mn.profile(fixture_db, tables=["order"]))
    table = doc["tables"][0]
    assert set(table) >= {"name", "rows", "rows_source", "bytes", "columns", "indexes"}
    assert set(table["columns"][0]) >= {
        "name",
        "type",
        "null_frac",
        "distinct",
        "min",
        "max",
        "top_values",
        "source",
    }
    assert {f["kind"] for f in doc["findings"]} <= {
        "fk_without_index",
        "stale_statistics",
        "constant_column",
        "unused_index",
        "low_selectivity_index",
        "tinyint_boolean",
    }
    assert all(set(f) >= {"kind", "table", "detail", "fix"} for f in doc["findings"])
    assert any(ix["primary"] for ix in table["indexes"])
