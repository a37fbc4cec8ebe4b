"""The demo shop: generator (determinism, shape), Alembic history (head == models, full round trip, the
data migration), the build on each engine (exact counts, data properties), every planted schema problem."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import DateTime, inspect, text
from sqlalchemy.engine import Connection

from maat_nb.demo import DemoSummary, alembic_ini_path, build_demo, downgrade, generate, plan, upgrade
from maat_nb.demo.generate import BASE_ROWS, COLUMNS, TABLES
from maat_nb.demo.migrate import current_revision, revisions
from maat_nb.demo.models import metadata
from maat_nb.engines import create_engine
from maat_nb.errors import ConfigError, UnsafeTargetError

SCALE = 0.002  # about 2,000 rows: 100 products, 10 brands
SEED = 7
ENUM_TYPES = {"user_role", "offer_type", "media_type", "banner_position"}
Rows = dict[str, list[tuple[Any, ...]]]


def collect(scale: float, seed: int) -> Rows:
    rows: Rows = {t: [] for t in TABLES}
    for batch in generate(scale, seed, batch_size=777):
        assert batch.columns == COLUMNS[batch.table]
        rows[batch.table].extend(batch.rows)
    return rows


def column(rows: Rows, table: str, name: str) -> list[Any]:
    i = COLUMNS[table].index(name)
    return [r[i] for r in rows[table]]


@pytest.fixture(scope="module")
def shop() -> Rows:
    return collect(0.02, 42)  # 1,000 products, 20 brands, ~20 k rows


def load_migration(name: str) -> Any:
    path = alembic_ini_path().parent / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- generator -------------------------------------------------------------------------------------------


def test_plan() -> None:
    assert 950_000 <= sum(plan(1.0).values()) <= 1_050_000
    assert sum(BASE_ROWS.values()) == sum(plan(1.0).values())
    assert plan(0.002)["products"] == 100 and plan(0.002)["brands"] == 10  # floor
    big = plan(1.0)
    assert max(big, key=big.__getitem__) == "price_history" and big["products"] == 50_000
    for bad in (0, -1, float("nan"), True):
        with pytest.raises(ConfigError):
            plan(bad)


def test_generator_is_deterministic() -> None:
    first, again, other = collect(SCALE, 1), collect(SCALE, 1), collect(SCALE, 2)
    assert first == again
    assert {t: len(r) for t, r in first.items()} == {t: len(r) for t, r in other.items()} == plan(SCALE)
    assert first["products"] != other["products"] and first["ratings"] != other["ratings"]


def test_generator_matches_models_and_keys(shop: Rows) -> None:
    assert {t: len(r) for t, r in shop.items()} == plan(0.02)
    for table in TABLES:  # every column of every table is generated
        assert set(COLUMNS[table]) == set(metadata.tables[table].c.keys()), table
    ids = {t: set(column(shop, t, "id")) for t in TABLES if "id" in COLUMNS[t]}
    for table in TABLES:
        for fk in metadata.tables[table].foreign_keys:
            values = {v for v in column(shop, table, fk.parent.name) if v is not None}
            assert values <= ids[fk.column.table.name], (table, fk.parent.name)
    for table, name in [
        ("users", "email"),
        ("products", "slug"),
        ("product_variants", "sku"),
        ("brands", "name"),
    ]:
        values = column(shop, table, name)
        assert len(values) == len(set(values)), (table, name)
    assert len(set(shop["product_media"])) == len(shop["product_media"])


def test_generator_shape(shop: Rows) -> None:
    brands = Counter(column(shop, "products", "brand_id"))
    n_products = len(shop["products"])
    assert sum(n for _, n in Counter({b: n for b, n in brands.items() if b}).most_common(3)) > n_products / 2
    assert 0 < brands[None] < n_products * 0.1  # some products have no brand
    ratings = Counter(column(shop, "ratings", "product_id"))
    top_tenth = sum(n for _, n in ratings.most_common(n_products // 10))
    assert top_tenth > 0.4 * len(shop["ratings"])  # popular products get most ratings
    assert 0.93 <= sum(column(shop, "products", "is_active")) / n_products <= 0.99
    assert set(column(shop, "products", "legacy_sku")) == {None}
    assert set(column(shop, "stores", "currency")) == {"EUR"}
    descriptions = [d for d in column(shop, "products", "description") if d is not None]
    assert len(descriptions) < n_products  # some NULLs
    assert min(map(len, descriptions)) >= 200 and max(map(len, descriptions)) >= 2_000
    assert any("東京" in d for d in descriptions) and any("é" in d for d in descriptions)
    created = column(shop, "products", "created_at")
    assert (max(created) - min(created)).days > 3 * 365
    assert all(c.tzinfo is not None for c in created)
    assert all(r.tzinfo is None for r in column(shop, "price_history", "recorded_at"))  # planted
    assert created == sorted(created)  # ids grow with time
    for null_share_column in [("users", "full_name"), ("media_files", "r2_key"), ("ratings", "body")]:
        assert None in column(shop, *null_share_column)


def test_generated_slugs_follow_the_data_migration(shop: Rows) -> None:
    slugify = load_migration("005_backfill_product_slugs").slugify
    names, ids, slugs = (column(shop, "products", c) for c in ("name", "id", "slug"))
    assert slugs == [slugify(n, i) for n, i in zip(names, ids, strict=True)]
    assert slugify("Crème Brûlée – 東京 Set", 7) == "creme-brulee-set-7"


# --- migrations ------------------------------------------------------------------------------------------


def diff_with_models(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return compare_metadata(context, metadata)


def table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def pg_enum_types(engine: Any) -> set[str]:
    async with engine.connect() as conn:
        result = await conn.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'"))
        return set(result.scalars())


def test_revision_ids() -> None:
    assert revisions() == [
        "001_initial_schema",
        "002_add_media_table",
        "003_add_r2_integration",
        "004_add_price_history",
        "005_backfill_product_slugs",
        "006_add_listing_indexes",
    ]


async def test_head_matches_models(empty_db: str) -> None:
    """Autogenerate finds nothing to do at head (on all three engines: no dialect noise needed filtering)."""
    engine = create_engine(empty_db)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(diff_with_models) == []
        await downgrade(engine, "-1")  # the comparison is not blind: one step back, it sees the two indexes
        async with engine.connect() as conn:
            diff = await conn.run_sync(diff_with_models)
        assert sorted((op, index.name) for op, index in diff) == [
            ("add_index", "ix_products_brand_id_created_at"),
            ("add_index", "ix_products_is_active"),
        ]
    finally:
        await engine.dispose()


async def test_full_downgrade_and_upgrade_again(empty_db: str, engine_kind: str) -> None:
    engine = create_engine(empty_db)
    try:
        await upgrade(engine)
        assert await current_revision(engine) == "006_add_listing_indexes"
        await downgrade(engine, "base")
        async with engine.connect() as conn:
            assert await conn.run_sync(table_names) == {"alembic_version"}
        assert await current_revision(engine) is None
        if engine_kind == "postgresql":
            assert not (await pg_enum_types(engine)) & ENUM_TYPES
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(table_names) == set(metadata.tables) | {"alembic_version"}
            assert await conn.run_sync(diff_with_models) == []
        if engine_kind == "postgresql":
            assert await pg_enum_types(engine) >= ENUM_TYPES
    finally:
        await engine.dispose()


async def test_slug_data_migration_both_ways(empty_db: str) -> None:
    engine = create_engine(empty_db)
    names = ["Crème brûlée torch", "Größe XL Jacke", "東京"]
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    try:
        await upgrade(engine, "004_add_price_history")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO stores (id, name, country_code, currency, created_at) "
                    "VALUES (1, 's', 'DE', 'EUR', :t)"
                ),
                {"t": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO categories (id, name, slug, position, created_at) "
                    "VALUES (1, 'c', 'c-1', 0, :t)"
                ),
                {"t": now},
            )
            await conn.execute(
                text(
                    "INSERT INTO products (id, name, description, price, is_active, stock, category_id, "
                    "store_id, created_at, updated_at) VALUES (:id, :name, NULL, 9.99, :a, 1, 1, 1, :t, :t)"
                ),
                [{"id": i, "name": n, "a": True, "t": now} for i, n in enumerate(names, 1)],
            )
        await upgrade(engine)
        async with engine.connect() as conn:
            slugs = (await conn.execute(text("SELECT slug FROM products ORDER BY id"))).scalars().all()
            uniques = await conn.run_sync(lambda c: inspect(c).get_unique_constraints("products"))
        assert slugs == ["creme-brulee-torch-1", "grosse-xl-jacke-2", "product-3"]
        assert [u["column_names"] for u in uniques if u["name"] == "uq_products_slug"] == [["slug"]]
        await downgrade(engine, "004_add_price_history")
        async with engine.connect() as conn:
            columns = await conn.run_sync(
                lambda c: [col["name"] for col in inspect(c).get_columns("products")]
            )
            assert (await conn.execute(text("SELECT COUNT(*) FROM products"))).scalar_one() == 3
        assert "slug" not in columns
    finally:
        await engine.dispose()


def test_alembic_command_line(tmp_path: Path) -> None:
    """``alembic -c .../alembic.ini`` builds its own async engine from MAAT_DEMO_DB (env.py's second way)."""
    db = tmp_path / "cli" / "shop.db"
    env = {**os.environ, "MAAT_DEMO_DB": f"sqlite:///{db}"}
    base = [sys.executable, "-m", "alembic", "-c", str(alembic_ini_path())]
    for args in (["upgrade", "head"], ["check"]):  # each run imports maat_nb (pandas...): ~2.5 s
        done = subprocess.run([*base, *args], env=env, capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        if args == ["check"]:
            assert "No new upgrade operations detected" in done.stdout + done.stderr
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert tables == set(metadata.tables) | {"alembic_version"}


# --- planted schema problems -----------------------------------------------------------------------------


def reflect(conn: Connection) -> dict[str, Any]:
    insp = inspect(conn)
    return {
        t: {
            "indexes": insp.get_indexes(t),
            "uniques": insp.get_unique_constraints(t),
            "pk": insp.get_pk_constraint(t)["constrained_columns"],
            "fks": insp.get_foreign_keys(t),
            "columns": {c["name"]: c for c in insp.get_columns(t)},
        }
        for t in metadata.tables
    }


async def test_planted_schema_problems(empty_db: str, engine_kind: str) -> None:
    engine = create_engine(empty_db)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            schema = await conn.run_sync(reflect)
            if engine_kind == "mariadb":
                result = await conn.execute(
                    text(
                        "SELECT table_name, table_collation FROM information_schema.tables "
                        "WHERE table_schema = DATABASE()"
                    )
                )
                collations = {name: collation for name, collation in result.all()}
    finally:
        await engine.dispose()

    def indexes(table: str) -> dict[str, list[str]]:
        return {i["name"]: i["column_names"] for i in schema[table]["indexes"]}

    products = indexes("products")
    assert products["ix_products_brand_id"] == ["brand_id"]
    assert products["ix_products_brand_id_created_at"] == ["brand_id", "created_at"]
    assert products["ix_products_is_active"] == ["is_active"]
    assert "fk_products_store_id_stores" in {fk["name"] for fk in schema["products"]["fks"]}
    store_indexes = [name for name, cols in products.items() if cols[0] == "store_id"]
    # InnoDB makes an index for a foreign key that has none; SQLite and PostgreSQL do not
    assert store_indexes == (["fk_products_store_id_stores"] if engine_kind == "mariadb" else [])
    assert indexes("users")["ix_users_email_dup"] == ["email"]
    assert [u["column_names"] for u in schema["users"]["uniques"] if u["name"] == "uq_users_email"] == [
        ["email"]
    ]
    assert schema["product_media"]["pk"] == []
    assert indexes("product_media") == {
        "ix_product_media_product_id": ["product_id"],
        "ix_product_media_media_id": ["media_id"],
    }
    for table, info in schema.items():  # the rest is clean: primary keys, and indexes on foreign keys
        assert info["pk"] or table == "product_media", table
        for fk in info["fks"]:
            cols = fk["constrained_columns"]
            covered = any(ix[: len(cols)] == cols for ix in indexes(table).values())
            assert covered or (table, cols) == ("products", ["store_id"]), (table, cols)
    timestamps = {
        (t.name, c.name): c.type.timezone
        for t in metadata.tables.values()
        for c in t.c
        if isinstance(c.type, DateTime)
    }
    assert [key for key, tz in timestamps.items() if not tz] == [("price_history", "recorded_at")]
    if engine_kind == "postgresql":
        columns = schema["price_history"]["columns"]
        assert columns["recorded_at"]["type"].timezone is False
        assert schema["products"]["columns"]["created_at"]["type"].timezone is True
    if engine_kind == "mariadb":
        score = schema["ratings"]["columns"]["score"]["type"]
        assert type(score).__name__ == "TINYINT" and score.unsigned
        assert type(schema["users"]["columns"]["role"]["type"]).__name__ == "ENUM"
        assert collations.pop("admin_logs").startswith("utf8mb3")
        assert all(c.startswith("utf8mb4") for c in collations.values()), collations


# --- build -----------------------------------------------------------------------------------------------


async def test_build_demo(empty_db: str, engine_kind: str) -> None:
    summary = await build_demo(empty_db, scale=SCALE, seed=SEED, progress=False)
    assert isinstance(summary, DemoSummary)
    assert summary.dialect == engine_kind and summary.scale == SCALE and summary.seed == SEED
    assert summary.rows == plan(SCALE) and summary.total_rows == sum(plan(SCALE).values())
    assert summary.seconds > 0
    generated = collect(SCALE, SEED)
    engine = create_engine(empty_db)
    try:
        async with engine.connect() as conn:

            async def value(sql: str) -> Any:
                return (await conn.execute(text(sql))).scalar_one()

            for table in TABLES:
                assert await value(f"SELECT COUNT(*) FROM {table}") == len(generated[table]), table
            assert await value("SELECT COUNT(*) FROM products WHERE legacy_sku IS NOT NULL") == 0
            assert (await conn.execute(text("SELECT DISTINCT currency FROM stores"))).scalars().all() == [
                "EUR"
            ]
            active = await value("SELECT AVG(CASE WHEN is_active THEN 1.0 ELSE 0.0 END) FROM products")
            assert 0.93 <= float(active) <= 0.99
            per_brand = (
                (
                    await conn.execute(
                        text(
                            "SELECT COUNT(*) FROM products WHERE brand_id IS NOT NULL "
                            "GROUP BY brand_id ORDER BY 1 DESC"
                        )
                    )
                )
                .scalars()
                .all()
            )
            assert sum(per_brand[:3]) > len(generated["products"]) / 2
            first = (
                await conn.execute(text("SELECT name, slug, description FROM products WHERE id = 1"))
            ).one()
            assert tuple(first) == tuple(generated["products"][0][1:4])  # non-ASCII text survives the load
            assert await value("SELECT MAX(id) FROM price_history") == len(generated["price_history"])
        async with engine.connect() as conn:  # sequences / auto-increment continue after the loaded ids
            await conn.execute(
                text(
                    "INSERT INTO stores (name, country_code, currency, created_at) "
                    "VALUES ('n', 'DE', 'EUR', :t)"
                ),
                {"t": datetime(2025, 7, 1, tzinfo=UTC)},
            )
            new_id = (await conn.execute(text("SELECT MAX(id) FROM stores"))).scalar_one()
            assert new_id == len(generated["stores"]) + 1
            await conn.rollback()
    finally:
        await engine.dispose()


async def test_build_replaces_a_demo_file_and_refuses_others(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "shop.db"
    url = f"sqlite+aiosqlite:///{path}"
    first = await build_demo(url, scale=SCALE, seed=1, progress=False)
    second = await build_demo(url, scale=SCALE, seed=2, progress=False)
    assert first.rows == second.rows == plan(SCALE) and "shop.db" in second.url
    foreign = tmp_path / "app.db"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    con.close()
    with pytest.raises(UnsafeTargetError, match="customers"):
        await build_demo(f"sqlite:///{foreign}", scale=SCALE, progress=False)
    with sqlite3.connect(foreign) as con:
        assert con.execute("SELECT name FROM sqlite_master").fetchall() == [("customers",)]
    con.close()
    with pytest.raises(ConfigError):
        await build_demo("sqlite+aiosqlite:///:memory:", scale=SCALE, progress=False)
