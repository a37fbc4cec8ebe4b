"""Seeding (:mod:`maat_nb.migrations.seed`): a shop schema made here with SQLAlchemy Core and the demo shop at its
Alembic head, on SQLite, PostgreSQL and MariaDB — exact counts, foreign keys, unique keys, CHECKs, NULLs, lengths,
determinism, the hook, cycles, partial choices, engine-specific types; plus the CHECK parser/evaluator and the
value generators on their own (hypothesis).

Run with ``-s`` to see the loading rates.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    not_,
    select,
    text,
)
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import TextClause

from maat_nb.engines import create_engine
from maat_nb.migrations.seed import (
    SeedError,
    SeedResult,
    _fold,
    _Number,
    _parse_checks,
    _Text,
    seed,
)

# ----------------------------------------------------------------------------------------------------------------
# the schema made for the tests


def shop_metadata() -> MetaData:
    """users; categories (self-reference); products; orders -> users (NOT NULL); order_items -> orders + products."""
    md = MetaData()
    Table(
        "users",
        md,
        Column("id", Integer, primary_key=True),
        Column("email", String(120), nullable=False, unique=True),
        Column("name", String(80), nullable=False),
        Column("bio", Text),
        Column("is_active", Boolean(create_constraint=True), nullable=False),
        Column(
            "role",
            Enum("customer", "staff", "admin", name="user_role_t", create_constraint=True),
            nullable=False,
        ),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("profile", JSON),
        CheckConstraint("length(name) <= 40", name="ck_users_name_len"),
    )
    Table(
        "categories",
        md,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("categories.id")),
        Column("name", String(60), nullable=False),
        Column("slug", String(80), nullable=False),
        UniqueConstraint("parent_id", "slug", name="uq_categories_parent_slug"),
    )
    Table(
        "products",
        md,
        Column("id", Integer, primary_key=True),
        Column("sku", String(32), nullable=False, unique=True),
        Column("name", String(200), nullable=False),
        Column("category_id", ForeignKey("categories.id")),
        Column("price", Numeric(10, 2), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("weight_g", Integer),
        Column("description", Text),
        CheckConstraint("price >= 0", name="ck_products_price"),
        CheckConstraint("currency IN ('EUR', 'USD', 'GBP')", name="ck_products_currency"),
    )
    Table(
        "orders",
        md,
        Column("id", Integer, primary_key=True),
        Column("user_id", ForeignKey("users.id"), nullable=False),
        Column(
            "status",
            Enum("new", "paid", "shipped", "cancelled", name="order_status_t", create_constraint=True),
            nullable=False,
        ),
        Column("total", Numeric(10, 2), nullable=False),
        Column("note", Text),
        Column("placed_at", DateTime(timezone=True), nullable=False),
        Column("shipped_at", DateTime(timezone=True)),
        CheckConstraint("total >= 0", name="ck_orders_total"),
        CheckConstraint("shipped_at IS NULL OR shipped_at >= placed_at", name="ck_orders_shipped_after"),
    )
    Table(
        "order_items",
        md,
        Column("id", Integer, primary_key=True),
        Column("order_id", ForeignKey("orders.id"), nullable=False),
        Column("product_id", ForeignKey("products.id"), nullable=False),
        Column("quantity", SmallInteger, nullable=False),
        Column("unit_price", Numeric(10, 2), nullable=False),
        UniqueConstraint("order_id", "product_id", name="uq_order_items_order_product"),
        CheckConstraint("quantity BETWEEN 1 AND 99", name="ck_order_items_quantity"),
        CheckConstraint("unit_price >= 0", name="ck_order_items_price"),
    )
    return md


SHOP = shop_metadata()
SHOP_TABLES = ["users", "categories", "products", "orders", "order_items"]


@pytest_asyncio.fixture
async def engine(empty_db: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(empty_db)
    try:
        yield eng
    finally:
        await eng.dispose()


async def create(engine: AsyncEngine, metadata: MetaData) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


async def run_seed(engine: AsyncEngine, rows: int | Mapping[str, int], **kwargs: Any) -> SeedResult:
    async with engine.connect() as conn:
        result = await seed(conn, rows, **kwargs)
        await conn.commit()
    return result


# ----------------------------------------------------------------------------------------------------------------
# integrity queries (each a plain SQL question the database answers)


async def count(conn: AsyncConnection, table: Table, *where: Any) -> int:
    return int((await conn.execute(select(func.count()).select_from(table).where(*where))).scalar_one())


async def orphans(conn: AsyncConnection, metadata: MetaData) -> dict[str, int]:
    """Rows whose non-NULL foreign key finds no parent (LEFT JOIN ... IS NULL), per foreign key."""
    out = {}
    for table in metadata.sorted_tables:
        for fkc in table.foreign_key_constraints:
            parent = fkc.referred_table.alias("parent")
            on = and_(*(parent.c[e.column.name] == e.parent for e in fkc.elements))
            stmt = (
                select(func.count())
                .select_from(table.outerjoin(parent, on))
                .where(*(e.parent.isnot(None) for e in fkc.elements))
                .where(parent.c[fkc.elements[0].column.name].is_(None))
            )
            out[f"{table.name}.{','.join(fkc.column_keys)}"] = int((await conn.execute(stmt)).scalar_one())
    return out


def unique_keys(table: Table) -> list[list[str]]:
    keys = [[c.name for c in table.primary_key.columns]]
    keys += [[c.name for c in con.columns] for con in table.constraints if isinstance(con, UniqueConstraint)]
    keys += [[c.name for c in ix.columns] for ix in table.indexes if ix.unique]
    return [k for k in keys if k]


async def duplicate_keys(conn: AsyncConnection, metadata: MetaData) -> dict[str, int]:
    """Per unique key: groups of non-NULL key values that occur more than once (must be 0)."""
    out = {}
    for table in metadata.sorted_tables:
        for cols in unique_keys(table):
            columns = [table.c[c] for c in cols]
            stmt = (
                select(*columns)
                .where(*(c.isnot(None) for c in columns))
                .group_by(*columns)
                .having(func.count() > 1)
            )
            out[f"{table.name}({','.join(cols)})"] = len((await conn.execute(stmt)).all())
    return out


def char_length(conn: AsyncConnection, column: Any) -> Any:
    return func.length(column) if conn.dialect.name == "sqlite" else func.char_length(column)


async def fetch_all(conn: AsyncConnection, metadata: MetaData) -> dict[str, list[tuple[Any, ...]]]:
    data = {}
    for table in metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = (await conn.execute(select(table).order_by(*order))).all()
        data[table.name] = [tuple(_plain(v) for v in row) for row in rows]
    return data


async def empty_all(conn: AsyncConnection, metadata: MetaData) -> None:
    """Delete every row, children first (self-references cut first: MariaDB checks them row by row)."""
    for table in metadata.sorted_tables:
        for fkc in table.foreign_key_constraints:
            if fkc.referred_table is table:
                await conn.execute(table.update().values(dict.fromkeys(fkc.column_keys)))
    for table in reversed(metadata.sorted_tables):
        await conn.execute(table.delete())
    await conn.commit()


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value


# ----------------------------------------------------------------------------------------------------------------
# the main test: every constraint of the test schema on every engine


async def test_seed_fills_every_table_within_every_constraint(engine: AsyncEngine, engine_kind: str) -> None:
    await create(engine, SHOP)
    result = await run_seed(engine, 500)
    assert result.rows == dict.fromkeys(result.rows, 500) and set(result.rows) == set(SHOP_TABLES)
    assert result.rows["users"] == 500
    assert (
        list(result.rows).index("users")
        < list(result.rows).index("orders")
        < list(result.rows).index("order_items")
    )
    assert result.total_rows == 2500 and result.rows_per_second > 0
    t = SHOP.tables
    async with engine.connect() as conn:
        for name in SHOP_TABLES:
            assert await count(conn, t[name]) == 500, name
        assert await orphans(conn, SHOP) == dict.fromkeys(await orphans(conn, SHOP), 0)
        dupes = await duplicate_keys(conn, SHOP)
        assert dupes and all(v == 0 for v in dupes.values()), dupes
        # every CHECK, asked of the database: no row where it is false
        checked = 0
        for table in SHOP.sorted_tables:
            for con in table.constraints:
                if isinstance(con, CheckConstraint) and isinstance(con.sqltext, TextClause):
                    sql = con.sqltext.text
                    assert await count(conn, table, text(f"NOT ({sql})")) == 0, (table.name, sql)
                    checked += 1
        assert checked == 7
        # NULLs in nullable columns (about 10 %), none in NOT NULL ones
        for table in SHOP.sorted_tables:
            for column in table.columns:
                nulls = await count(conn, table, column.is_(None))
                if column.nullable:
                    assert 10 <= nulls <= 150, (table.name, column.name, nulls)
                else:
                    assert nulls == 0, (table.name, column.name)
        # values fit their declared lengths (SQLite does not enforce them: this is the seeder's doing)
        for table in SHOP.sorted_tables:
            for column in table.columns:
                if (
                    isinstance(column.type, String)
                    and not isinstance(column.type, Enum)
                    and column.type.length
                ):
                    longest = (await conn.execute(select(func.max(char_length(conn, column))))).scalar_one()
                    assert longest <= column.type.length, (table.name, column.name, longest)
        # some values at the full declared length, some long text, duplicates where allowed
        products, users, orders = t["products"], t["users"], t["orders"]
        assert await count(conn, products, char_length(conn, products.c.name) == 200) > 0
        assert await count(conn, users, char_length(conn, users.c.bio) > 1000) > 0
        assert await count(conn, users, char_length(conn, users.c.name) == 40) > 0  # CHECK length(name) <= 40
        distinct_users = (await conn.execute(select(func.count(orders.c.user_id.distinct())))).scalar_one()
        assert distinct_users < 400  # skewed: popular users have many orders
        distinct_names = (await conn.execute(select(func.count(users.c.name.distinct())))).scalar_one()
        assert distinct_names < 500
        # the self-reference is a tree: roots and children, every parent earlier
        categories = t["categories"]
        assert await count(conn, categories, categories.c.parent_id.is_(None)) >= 1
        assert await count(conn, categories, categories.c.parent_id >= categories.c.id) == 0
        # enum values, allowed sets, numeric scale, JSON documents, time zones
        roles = set((await conn.execute(select(users.c.role).distinct())).scalars())
        assert roles == {"customer", "staff", "admin"}
        currencies = set((await conn.execute(select(products.c.currency).distinct())).scalars())
        assert currencies <= {"EUR", "USD", "GBP"} and len(currencies) >= 2
        prices = (await conn.execute(select(products.c.price))).scalars().all()
        assert all(Decimal(str(p)) == Decimal(str(p)).quantize(Decimal("0.01")) for p in prices)
        profiles = [p for p in (await conn.execute(select(users.c.profile))).scalars() if p is not None]
        assert profiles and all(isinstance(p, (dict, list, str, int, float, bool)) for p in profiles)
        assert any(isinstance(p, dict) for p in profiles)
        created = (await conn.execute(select(users.c.created_at).limit(20))).scalars().all()
        if engine_kind == "postgresql":
            assert all(c.tzinfo is not None for c in created)
        years = {c.year for c in (await conn.execute(select(users.c.created_at))).scalars()}
        assert len(years) >= 5  # spread over years
        # keys were given explicitly: the database's own id generation must still work afterwards
        await conn.execute(categories.insert().values(name="added later", slug="added-later"))
        new_id = (await conn.execute(select(func.max(categories.c.id)))).scalar_one()
        assert new_id == 501
        await conn.commit()
    print(f"\n{engine_kind}: test schema, 2,500 rows in {result.total_seconds:.2f}s")


async def test_same_seed_same_data_other_seed_other_data(engine: AsyncEngine) -> None:
    await create(engine, SHOP)
    await run_seed(engine, 300, seed=7)
    async with engine.connect() as conn:
        first = await fetch_all(conn, SHOP)
        await empty_all(conn, SHOP)
    await run_seed(engine, 300, seed=7)
    async with engine.connect() as conn:
        again = await fetch_all(conn, SHOP)
        await empty_all(conn, SHOP)
    await run_seed(engine, 300, seed=8)
    async with engine.connect() as conn:
        other = await fetch_all(conn, SHOP)
    assert all(len(first[t]) == 300 for t in SHOP_TABLES)
    assert again == first
    assert other["users"] != first["users"] and other["order_items"] != first["order_items"]


async def test_hook_values_appear_and_the_rest_is_generated(engine: AsyncEngine) -> None:
    await create(engine, SHOP)
    calls: list[tuple[str, int]] = []

    def hook(table: Table, n: int, rng: random.Random) -> list[dict[str, Any]] | None:
        calls.append((table.name, n))
        if table.name == "users":  # half the rows, two columns each
            return [
                {"email": f"hook{i}@example.org", "name": f"Hook {rng.randrange(10)}"} for i in range(n // 2)
            ]
        if table.name == "products":
            return ({"currency": "GBP"} for _ in range(10**9))  # endless: only n are taken
        return None

    result = await run_seed(engine, 400, hook=hook)
    assert sorted(calls) == sorted((t, 400) for t in SHOP_TABLES)
    assert result.rows["users"] == 400 and result.rows["products"] == 400
    users, products = SHOP.tables["users"], SHOP.tables["products"]
    async with engine.connect() as conn:
        assert await count(conn, users, users.c.email.like("hook%@example.org")) == 200
        assert await count(conn, users, users.c.name.like("Hook _")) == 200
        assert await count(conn, users, users.c.bio.isnot(None)) > 300  # other columns still generated
        assert await count(conn, products, products.c.currency == "GBP") == 400
        assert all(v == 0 for v in (await orphans(conn, SHOP)).values())


async def test_hook_rows_that_break_a_key_are_refused(engine: AsyncEngine) -> None:
    await create(engine, SHOP)

    def hook(table: Table, n: int, rng: random.Random) -> list[dict[str, Any]] | None:
        return [{"email": "same@example.org"}] * n if table.name == "users" else None

    with pytest.raises(SeedError, match="hook"):
        await run_seed(engine, 20, tables=["users"], hook=hook)


async def test_demo_shop_at_head_takes_300_rows_per_table(engine: AsyncEngine, engine_kind: str) -> None:
    from maat_nb.demo.migrate import upgrade
    from maat_nb.demo.models import metadata as demo

    await upgrade(engine)
    result = await run_seed(engine, 300)
    assert set(result.rows) == set(demo.tables) and set(result.rows.values()) == {300}
    async with engine.connect() as conn:
        for table in demo.sorted_tables:
            assert await count(conn, table) == 300, table.name
        assert all(v == 0 for v in (await orphans(conn, demo)).values())
        assert all(v == 0 for v in (await duplicate_keys(conn, demo)).values())
        ratings = demo.tables["ratings"]
        assert await count(conn, ratings, not_(ratings.c.score.between(1, 5))) == 0
        version = (await conn.execute(text("SELECT COUNT(*) FROM alembic_version"))).scalar_one()
        assert version == 1  # alembic_version is never touched
    print(f"\n{engine_kind}: demo shop at head, {result.total_rows:,} rows in {result.total_seconds:.2f}s")


async def test_100k_rows_in_a_narrow_table(engine: AsyncEngine, engine_kind: str) -> None:
    md = MetaData()
    events = Table(
        "events",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(50), nullable=False),
        Column("amount", Integer),
        Column("created_at", DateTime, nullable=False),
    )
    await create(engine, md)
    started = time.perf_counter()
    result = await run_seed(engine, 100_000)
    seconds = time.perf_counter() - started
    async with engine.connect() as conn:
        assert await count(conn, events) == 100_000
        assert (await conn.execute(select(func.count(events.c.id.distinct())))).scalar_one() == 100_000
    print(f"\n{engine_kind}: 100,000 rows (4 columns) in {seconds:.2f}s = {100_000 / seconds:,.0f} rows/s")
    assert result.rows == {"events": 100_000}


# ----------------------------------------------------------------------------------------------------------------
# structure: cycles, choices, existing rows, capacity, CHECKs only a hook can meet


def cycle_metadata(not_null_cycle: bool = False) -> MetaData:
    md = MetaData()
    Table(
        "departments",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
        Column("manager_id", Integer, nullable=not_null_cycle is False),
        ForeignKeyConstraint(["manager_id"], ["employees.id"], name="fk_dept_manager", use_alter=True),
    )
    Table(
        "employees",
        md,
        Column("id", Integer, primary_key=True),
        Column("department_id", ForeignKey("departments.id"), nullable=False),
        Column("name", String(40), nullable=False),
    )
    return md


async def test_a_cycle_is_broken_at_the_nullable_foreign_key(engine: AsyncEngine) -> None:
    md = cycle_metadata()
    await create(engine, md)
    result = await run_seed(engine, 200)
    assert result.rows == {"departments": 200, "employees": 200}
    assert any("breaks the cycle" in n for n in result.notes)
    departments = md.tables["departments"]
    async with engine.connect() as conn:
        assert all(v == 0 for v in (await orphans(conn, md)).values())
        with_manager = await count(conn, departments, departments.c.manager_id.isnot(None))
        assert 150 <= with_manager < 200  # set afterwards, about 10 % left NULL


async def test_a_cycle_of_not_null_keys_is_refused(tmp_path: Any) -> None:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    try:
        await create(eng, cycle_metadata(not_null_cycle=True))
        with pytest.raises(SeedError, match="NOT NULL foreign keys"):
            await run_seed(eng, 10)
    finally:
        await eng.dispose()


@pytest_asyncio.fixture
async def sqlite_shop(tmp_path: Any) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")
    await create(eng, SHOP)
    try:
        yield eng
    finally:
        await eng.dispose()


async def test_a_not_null_parent_nobody_chose_gets_a_few_rows(sqlite_shop: AsyncEngine) -> None:
    result = await run_seed(sqlite_shop, 100, tables=["orders"])
    assert result.rows == {"users": 10, "orders": 100}
    assert any("users: 10 rows" in n for n in result.notes)
    async with sqlite_shop.connect() as conn:
        assert all(v == 0 for v in (await orphans(conn, SHOP)).values())


async def test_a_nullable_parent_nobody_chose_stays_empty(sqlite_shop: AsyncEngine) -> None:
    result = await run_seed(sqlite_shop, {"products": 50})
    assert result.rows == {"products": 50}
    products = SHOP.tables["products"]
    async with sqlite_shop.connect() as conn:
        assert await count(conn, products, products.c.category_id.isnot(None)) == 0
        assert await count(conn, SHOP.tables["categories"]) == 0


async def test_existing_rows_skip_fill_or_error(sqlite_shop: AsyncEngine) -> None:
    first = await run_seed(sqlite_shop, {"users": 100})
    assert first.rows == {"users": 100}
    again = await run_seed(sqlite_shop, 100)  # users has rows: skipped, the rest filled against them
    assert again.skipped == ("users",) and "users" not in again.rows and again.rows["orders"] == 100
    with pytest.raises(SeedError, match="already holds rows"):
        await run_seed(sqlite_shop, 100, tables=["users"], existing="error")
    topped = await run_seed(sqlite_shop, 250, tables=["users"], existing="fill")
    assert topped.rows == {"users": 150}
    async with sqlite_shop.connect() as conn:
        assert await count(conn, SHOP.tables["users"]) == 250
        assert all(v == 0 for v in (await duplicate_keys(conn, SHOP)).values())
        assert all(v == 0 for v in (await orphans(conn, SHOP)).values())


async def test_bad_arguments_are_refused(sqlite_shop: AsyncEngine) -> None:
    with pytest.raises(SeedError, match="No table 'nope'"):
        await run_seed(sqlite_shop, 10, tables=["users", "nope"])
    with pytest.raises(SeedError, match="existing="):
        await run_seed(sqlite_shop, 10, existing="replace")
    with pytest.raises(SeedError, match="does not have"):
        await run_seed(sqlite_shop, 10, tables=["users"], hook=lambda t, n, r: [{"shoe_size": 42}])


async def test_a_key_with_few_possible_values_caps_the_table(tmp_path: Any) -> None:
    md = MetaData()
    flags = Table(
        "flags",
        md,
        Column("flag", Boolean, primary_key=True),
        Column("level", SmallInteger, nullable=False, unique=True),
        CheckConstraint("level BETWEEN 1 AND 5", name="ck_level"),
    )
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'f.db'}")
    try:
        await create(eng, md)
        result = await run_seed(eng, 50)
        assert result.rows == {"flags": 2}
        assert any("flags: 2 of 50 rows" in n for n in result.notes)
        async with eng.connect() as conn:
            levels = (await conn.execute(select(flags.c.level))).scalars().all()
        assert sorted(levels) == sorted(set(levels)) and all(1 <= v <= 5 for v in levels)
    finally:
        await eng.dispose()


async def test_a_check_only_a_hook_can_meet_stops_early_then_the_hook_meets_it(tmp_path: Any) -> None:
    md = MetaData()
    codes = Table(
        "codes",
        md,
        Column("id", Integer, primary_key=True),
        Column("code", String(12), nullable=False),
        CheckConstraint("code LIKE 'X-%' AND instr(code, '0') = 0", name="ck_code"),
    )
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}")
    try:
        await create(eng, md)
        started = time.perf_counter()
        result = await run_seed(eng, 1000)
        assert time.perf_counter() - started < 30  # gave up, did not loop
        assert any("ck_code" in n and "only partly checked" in n for n in result.notes)  # instr: not known
        assert result.rows == {"codes": 0}
        assert any(n.startswith("codes: 0 of 1000 rows") for n in result.notes)

        def hook(table: Table, n: int, rng: random.Random) -> list[dict[str, Any]]:
            return [{"code": f"X-{rng.randint(1, 9)}{i:x}".replace("0", "a")} for i in range(n)]

        result = await run_seed(eng, 1000, hook=hook)
        assert result.rows == {"codes": 1000}
        async with eng.connect() as conn:
            assert await count(conn, codes, codes.c.code.like("X-%")) == 1000
    finally:
        await eng.dispose()


async def test_a_check_nothing_understands_fails_with_a_clear_error(tmp_path: Any) -> None:
    md = MetaData()
    Table(
        "codes",
        md,
        Column("id", Integer, primary_key=True),
        Column("code", String(12), nullable=False),
        CheckConstraint("instr(code, '-') = 2", name="ck_dash"),
    )
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    try:
        await create(eng, md)
        with pytest.raises(
            SeedError, match=r"Loading codes failed.*CHECK ck_dash could not be checked.*hook"
        ):
            await run_seed(eng, 100)
    finally:
        await eng.dispose()


async def test_composite_foreign_key_to_a_composite_primary_key(tmp_path: Any) -> None:
    md = MetaData()
    Table(
        "regions",
        md,
        Column("country", String(2), primary_key=True),
        Column("code", String(8), primary_key=True),
        Column("name", String(40), nullable=False),
    )
    Table(
        "shops",
        md,
        Column("id", Integer, primary_key=True),
        Column("country", String(2), nullable=False),
        Column("region", String(8), nullable=False),
        ForeignKeyConstraint(["country", "region"], ["regions.country", "regions.code"]),
    )
    eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    try:
        await create(eng, md)
        result = await run_seed(eng, {"regions": 40, "shops": 300})
        assert result.rows == {"regions": 40, "shops": 300}
        async with eng.connect() as conn:
            assert all(v == 0 for v in (await orphans(conn, md)).values())
            assert all(v == 0 for v in (await duplicate_keys(conn, md)).values())
    finally:
        await eng.dispose()


# ----------------------------------------------------------------------------------------------------------------
# engine-specific types


@pytest.mark.postgresql
@pytest.mark.parametrize("engine_kind", ["postgresql"], indirect=True)
async def test_postgresql_types_and_sequences(empty_db: str, engine_kind: str) -> None:
    md = MetaData()
    things = Table(
        "things",
        md,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("uid", postgresql.UUID(as_uuid=True), nullable=False, unique=True),
        Column("tags", postgresql.ARRAY(String(20))),
        Column("doc", postgresql.JSONB, nullable=False),
        Column("addr", postgresql.INET),
        Column("took", postgresql.INTERVAL),
        Column("born", Date),
        Column("kind", postgresql.ENUM("a", "b", "c", name="thing_kind"), nullable=False),
        Column("ratio", postgresql.DOUBLE_PRECISION),
        Column("amount", Numeric),
        Column("doubled", BigInteger, Computed("id * 2", persisted=True)),
    )
    eng = create_engine(empty_db)
    try:
        async with eng.begin() as conn:
            await conn.run_sync(md.create_all)
            await conn.execute(text("CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0)"))
            await conn.execute(
                text(
                    "CREATE TABLE counters (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n positive_int)"
                )
            )
            for ddl in (
                "CREATE TABLE visits (day date NOT NULL, hits int NOT NULL) PARTITION BY RANGE (day)",
                "CREATE TABLE visits_old PARTITION OF visits FOR VALUES FROM ('1900-01-01') TO ('2020-01-01')",
                "CREATE TABLE visits_new PARTITION OF visits FOR VALUES FROM ('2020-01-01') TO ('2100-01-01')",
            ):
                await conn.execute(text(ddl))
        result = await run_seed(eng, 300)
        assert result.rows == {
            "counters": 300,
            "things": 300,
            "visits": 300,
        }  # partitions: through their table
        async with eng.connect() as conn:
            assert await count(conn, things) == 300
            kinds = set((await conn.execute(select(things.c.kind).distinct())).scalars())
            assert kinds <= {"a", "b", "c"} and len(kinds) >= 2
            docs = (await conn.execute(select(things.c.doc))).scalars().all()
            assert all(d is not None for d in docs)
            assert await count(conn, things, things.c.doubled != things.c.id * 2) == 0  # computed: left alone
            assert await count(conn, things, things.c.tags.isnot(None)) > 200
            assert await count(conn, things, things.c.addr.isnot(None)) > 200
            n_count, n_min = (await conn.execute(text("SELECT COUNT(n), MIN(n) FROM counters"))).one()
            assert n_count == 300 and n_min > 0  # the domain's NOT NULL and CHECK (VALUE > 0)
            split = (await conn.execute(text("SELECT COUNT(*) FROM visits_old"))).scalar_one()
            assert 0 < split < 300  # dates over years land in both partitions
            # identity and bigserial sequences were moved past the loaded ids
            await conn.execute(text("INSERT INTO counters (n) VALUES (1)"))
            await conn.execute(things.insert().values(uid=text("gen_random_uuid()"), doc={}, kind="a"))
            assert (await conn.execute(text("SELECT MAX(id) FROM counters"))).scalar_one() == 301
            assert (await conn.execute(select(func.max(things.c.id)))).scalar_one() == 301
    finally:
        await eng.dispose()


@pytest.mark.mariadb
@pytest.mark.parametrize("engine_kind", ["mariadb"], indirect=True)
async def test_mariadb_types_charsets_and_collations(empty_db: str, engine_kind: str) -> None:
    md = MetaData()
    labels = Table(
        "labels",
        md,
        Column("id", mysql.INTEGER(unsigned=True), primary_key=True),
        Column("grp", mysql.TINYINT(unsigned=True), nullable=False),
        Column("label", String(20), nullable=False),  # utf8mb4_unicode_ci: 'Café' = 'cafe'
        Column("legacy", String(40, collation="utf8mb3_general_ci")),  # no 4-byte characters
        Column("latin", String(40, collation="latin1_swedish_ci")),
        Column("short", mysql.TINYTEXT),
        Column("flags", mysql.SET("x", "y", "z")),
        Column("yr", mysql.YEAR),
        Column("active", mysql.TINYINT(display_width=1), nullable=False),
        UniqueConstraint("grp", "label", name="uq_labels_grp_label"),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    eng = create_engine(empty_db)
    try:
        await create(eng, md)
        result = await run_seed(eng, 3000)
        assert result.rows == {"labels": 3000}
        async with eng.connect() as conn:
            assert await count(conn, labels) == 3000
            assert (await conn.execute(select(func.min(labels.c.grp)))).scalar_one() >= 0
            assert (await conn.execute(select(func.max(labels.c.grp)))).scalar_one() <= 255
            # the database's own check of the composite key (collation-aware) passed: and by its own reading
            assert all(v == 0 for v in (await duplicate_keys(conn, md)).values())
            assert set((await conn.execute(select(labels.c.active).distinct())).scalars()) == {0, 1}
            longest = (await conn.execute(select(func.max(func.octet_length(labels.c.short))))).scalar_one()
            assert longest <= 255
    finally:
        await eng.dispose()


@pytest.mark.mariadb
@pytest.mark.parametrize("engine_kind", ["mariadb"], indirect=True)
async def test_mariadb_keys_are_compared_case_and_accent_insensitively(empty_db: str) -> None:
    md = MetaData()
    tags = Table(
        "tags",
        md,
        Column("id", Integer, primary_key=True),
        Column("grp", SmallInteger, nullable=False),
        Column("label", String(5), nullable=False),
        UniqueConstraint("grp", "label", name="uq_tags_grp_label"),
        CheckConstraint("grp BETWEEN 1 AND 50", name="ck_grp"),
        CheckConstraint(
            "label IN ('x', 'X', 'e', 'é', 'E ')", name="ck_label"
        ),  # 2 values to utf8mb4_unicode_ci
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    eng = create_engine(empty_db)
    try:
        await create(eng, md)
        result = await run_seed(
            eng, 90
        )  # 100 distinct (grp, label) pairs as MariaDB counts them, 250 in Python
        assert result.rows == {"tags": 90}
        async with eng.connect() as conn:
            pairs = (await conn.execute(select(tags.c.grp, tags.c.label))).all()
        folded = {(g, label.lower().replace("é", "e").rstrip()) for g, label in pairs}
        assert len(folded) == 90
    finally:
        await eng.dispose()


# ----------------------------------------------------------------------------------------------------------------
# CHECK constraints: the same constraint as each engine reflects it gives the same hints


REFLECTED = {  # as SQLAlchemy reflects "small BETWEEN 1 AND 5", "amount >= 0", IN, length, on each engine
    "postgresql": [
        ("ck_small", "small >= 1 AND small <= 5"),
        ("ck_amt", "amount >= 0::numeric"),
        ("ck_in", "email::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[])"),
        ("ck_len", "length(name::text) <= 50"),
    ],
    "mysql": [
        ("ck_small", "`small` between 1 and 5"),
        ("ck_amt", "`amount` >= 0"),
        ("ck_in", "`email` in ('x','y')"),
        ("ck_len", "octet_length(`name`) <= 50"),
    ],
    "sqlite": [
        ("ck_small", "small BETWEEN 1 AND 5"),
        ("ck_amt", "amount >= 0"),
        ("ck_in", "email IN ('x','y')"),
        ("ck_len", "length(name) <= 50"),
    ],
}
POSITIONS = {"small": 0, "amount": 1, "email": 2, "name": 3, "a": 4, "b": 5}


@pytest.mark.parametrize("dialect", sorted(REFLECTED))
def test_simple_checks_become_the_same_hints_on_every_engine(dialect: str) -> None:
    notes: list[str] = []
    checks, hints = _parse_checks("t", REFLECTED[dialect], POSITIONS, dialect, notes)
    assert notes == [] and all(c.pred is not None for c in checks)
    assert (hints["small"].lo, hints["small"].hi) == (1, 5)
    assert hints["amount"].lo == 0 and not hints["amount"].lo_open
    assert hints["email"].allowed == ["x", "y"]
    assert hints["name"].max_len == 50
    assert (hints["name"].max_bytes == 50) is (dialect == "mysql")  # MariaDB's length() counts bytes
    row = [3, Decimal("1.5"), "x", "abc", None, None]
    assert all(c.pred is not None and c.pred(row) is True for c in checks)
    bad = [6, Decimal("-1"), "z", "é" * 30, None, None]
    results = [c.pred(bad) for c in checks if c.pred is not None]
    assert results[:3] == [False, False, False]
    assert results[3] is (dialect != "mysql")  # 60 bytes but 30 characters


@pytest.mark.parametrize(
    ("sql", "row", "expected"),
    [
        ("a IS NULL OR a >= b", [None, None, None, None, None, 5], True),
        ("a IS NULL OR a >= b", [None, None, None, None, 4, 5], False),
        ("a >= b", [None, None, None, None, None, 5], None),  # unknown: the CHECK passes
        ("NOT (a IN (1, 2, NULL))", [None, None, None, None, 3, None], None),
        ("a IN (1, 2, NULL)", [None, None, None, None, 2, None], True),
        ("lower(name) = name", [None, None, None, "Abc", None, None], False),
        ("name LIKE 'ab%'", [None, None, None, "abc", None, None], True),
        ("a + b * 2 > 10 AND a % 2 = 1", [None, None, None, None, 3, 4], True),
        ("a BETWEEN 1 AND 5", [None, None, None, None, 6, None], False),
        ("COALESCE(a, 0) >= 0", [None, None, None, None, None, None], True),
        ("a > '2020-01-01'", [None, None, None, None, dt.date(2021, 5, 1), None], True),
        (
            "a > '2020-01-01 00:00:00+00'::timestamptz",
            [None, None, None, None, dt.datetime(2019, 1, 1, tzinfo=dt.UTC), None],
            False,
        ),
    ],
)
def test_the_evaluator_follows_three_valued_logic(sql: str, row: list[Any], expected: bool | None) -> None:
    notes: list[str] = []
    checks, _ = _parse_checks("t", [("ck", sql)], POSITIONS, "postgresql", notes)
    assert notes == [] and checks[0].pred is not None
    assert checks[0].pred(row) is expected


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_garbled_checks_are_noted_never_raised(sql: str) -> None:
    notes: list[str] = []
    checks, _ = _parse_checks("t", [("ck", sql)], POSITIONS, "postgresql", notes)
    assert len(checks) == 1
    if checks[0].pred is None:
        assert len(notes) == 1 and "ck" in notes[0]


# ----------------------------------------------------------------------------------------------------------------
# generators on their own


@settings(max_examples=300)
@given(
    lo=st.integers(-(2**40), 2**40),
    width=st.integers(0, 2**20),
    seed_=st.integers(0, 2**32),
    sequential=st.booleans(),
)
def test_integers_stay_in_range_and_unique_ones_are_distinct(
    lo: int, width: int, seed_: int, sequential: bool
) -> None:
    hi = lo + width
    gen = _Number(lo, hi, step=1, total=100, sequential=sequential)
    rng = random.Random(seed_)
    values = [gen.value(rng) for _ in range(50)]
    assert all(lo <= v <= hi and isinstance(v, int) for v in values)
    distinct = []
    for k in range(min(100, width + 1)):
        distinct.append(gen.unique(k, rng))
    assert len(set(distinct)) == len(distinct) and all(lo <= v <= hi for v in distinct)


@settings(max_examples=200)
@given(precision=st.integers(1, 18), scale=st.integers(0, 6), seed_=st.integers(0, 2**32))
def test_decimals_respect_precision_and_scale(precision: int, scale: int, seed_: int) -> None:
    scale = min(scale, precision)
    step = Decimal(1).scaleb(-scale)
    top = Decimal(10) ** (precision - scale) - step
    gen = _Number(-top, top, step=step, total=100)
    rng = random.Random(seed_)
    assert gen.capacity is None or gen.capacity <= 2 * top / step + 1
    made = [gen.unique(k, rng) for k in range(min(50, gen.capacity or 50))]
    assert len(set(made)) == len(made)
    for v in [gen.value(rng) for _ in range(50)] + made:
        assert isinstance(v, Decimal) and -top <= v <= top
        assert v == v.quantize(step)


@settings(max_examples=200)
@given(
    name=st.sampled_from(["email", "name", "slug", "sku", "website", "country", "note", "x"]),
    max_len=st.one_of(st.none(), st.integers(1, 300)),
    min_len=st.integers(0, 5),
    seed_=st.integers(0, 2**32),
)
def test_strings_fit_their_length_and_unique_ones_differ_even_case_insensitively(
    name: str, max_len: int | None, min_len: int, seed_: int
) -> None:
    gen = _Text(name, max_len, min_len=min_len, total=200)
    rng = random.Random(seed_)
    for v in [gen.value(rng) for _ in range(60)]:
        assert isinstance(v, str) and (max_len is None or len(v) <= max_len)
        assert len(v) >= min(min_len, max_len or min_len) and v == v.rstrip(" ")
    n = min(200, gen.capacity or 200)
    made = [gen.unique(k, rng) for k in range(n)]
    assert all(max_len is None or len(v) <= max_len for v in made)
    assert len({_fold(v) for v in made}) == len(made)


def test_fold_compares_like_mariadb_unicode_ci() -> None:
    assert _fold("Café ") == _fold("cafe") == "cafe"
    assert _fold("Straße") == _fold("STRASSE")
    assert _fold("🙂") == _fold("🚀")  # 4-byte characters all weigh the same there
    assert _fold("abc") != _fold("abd")
    assert _fold(42) == 42
