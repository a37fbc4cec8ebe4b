"""Schema findings: every problem planted in the demo shop is found, with a fix naming the right objects, on each
engine; a clean schema yields no finding; the index rules agree with pt-duplicate-key-checker."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, text
from sqlalchemy.engine import make_url

import maat_nb as mn
from maat_nb.demo import build_demo
from maat_nb.engines import create_engine
from tests.conftest import SERVER_URLS

SCALE = 0.01  # about 10 k rows, 500 products: enough for the data-dependent rules


@pytest.fixture
async def demo_profile(empty_db: str) -> mn.Profile:
    await build_demo(empty_db, scale=SCALE, seed=7, progress=False)
    return await mn.profile(empty_db)


def found(profile: mn.Profile, kind: str, table: str) -> list[mn.Finding]:
    return [f for f in profile.findings if f.kind == kind and f.table == table]


async def test_planted_problems_are_found(demo_profile: mn.Profile, engine_kind: str) -> None:
    p = demo_profile
    if engine_kind != "mariadb":  # InnoDB indexes every foreign key by itself
        fk = [f for f in found(p, "fk_without_index", "products") if f.column == "store_id"]
        assert len(fk) == 1 and "store_id" in fk[0].fix and fk[0].fix.startswith("CREATE INDEX")
    redundant = found(p, "redundant_index", "products")
    assert [f.index for f in redundant] == ["ix_products_brand_id"]
    assert (
        "ix_products_brand_id_created_at" in redundant[0].detail
        and "ix_products_brand_id" in redundant[0].fix
    )
    dup = found(p, "duplicate_index", "users")
    assert [f.index for f in dup] == ["ix_users_email_dup"] and "ix_users_email_dup" in dup[0].fix
    low = found(p, "low_selectivity_index", "products")
    assert [f.index for f in low] == ["ix_products_is_active"]
    nopk = found(p, "no_primary_key", "product_media")
    assert len(nopk) == 1 and "product_id" in nopk[0].fix and "media_id" in nopk[0].fix
    assert [f.column for f in found(p, "all_null_column", "products")] == ["legacy_sku"]
    assert "currency" in [f.column for f in found(p, "constant_column", "stores")]
    tz = [f.column for f in p.findings if f.kind == "timestamp_without_time_zone"]
    if engine_kind == "postgresql":
        assert tz == ["recorded_at"] and found(p, "timestamp_without_time_zone", "price_history")
    else:
        assert tz == []
    if engine_kind == "mariadb":
        assert [f.column for f in found(p, "unsigned_integer", "ratings")] == ["score"]
        assert found(p, "utf8mb3_charset", "admin_logs") and not found(p, "utf8mb3_charset", "products")
        assert any(f.kind == "enum_column" for f in p.findings)
        assert any(f.kind == "tinyint_boolean" and f.column == "is_active" for f in p.findings)
    else:
        assert not [f for f in p.findings if f.kind in {"unsigned_integer", "utf8mb3_charset", "enum_column"}]
    # no false alarm on the parts of the schema that are clean
    assert not found(p, "no_primary_key", "products")
    assert not [
        f for f in p.findings if f.kind in {"duplicate_index", "redundant_index"} and f.table == "ratings"
    ]


async def test_clean_schema_has_no_findings(empty_db: str, engine_kind: str) -> None:
    md = MetaData()
    Table("authors", md, Column("id", Integer, primary_key=True), Column("name", String(50), nullable=False))
    Table(
        "books",
        md,
        Column("id", Integer, primary_key=True),
        Column("author_id", Integer, ForeignKey("authors.id"), nullable=False),
        Column("title", String(100), nullable=False),
        Column("published", DateTime(timezone=True), nullable=False),
        Index("ix_books_author_id", "author_id"),
    )
    engine = create_engine(empty_db)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(md.create_all)
            await conn.execute(
                md.tables["authors"].insert(), [{"id": i, "name": f"a{i}"} for i in range(1, 51)]
            )
            await conn.execute(
                md.tables["books"].insert(),
                [
                    {
                        "id": i,
                        "author_id": i % 50 + 1,
                        "title": f"t{i}",
                        "published": datetime(2020, 1, i % 28 + 1, tzinfo=UTC),
                    }
                    for i in range(1, 301)
                ],
            )
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            if engine_kind == "mariadb":
                await conn.execute(text("ANALYZE TABLE authors, books"))
            else:
                await conn.execute(text("ANALYZE"))
            if engine_kind == "postgresql":  # give the one secondary index a use, as a real application would
                await conn.execute(text("SET enable_seqscan = off"))
                await conn.execute(text("SELECT * FROM books WHERE author_id = 3"))
                await conn.execute(text("SELECT pg_stat_force_next_flush()"))
    finally:
        await engine.dispose()
    profile = await mn.profile(empty_db)
    assert [(f.kind, f.table, f.detail) for f in profile.findings] == []


async def test_index_rules_agree_with_pt_duplicate_key_checker(
    demo_profile: mn.Profile, engine_kind: str
) -> None:
    if engine_kind != "mariadb":
        pytest.skip("pt-duplicate-key-checker reads MySQL/MariaDB only")
    tool = shutil.which("pt-duplicate-key-checker")
    if tool is None:
        pytest.skip(
            "pt-duplicate-key-checker (Debian's percona-toolkit) is not installed; .ci/run installs it"
        )
    database = demo_profile.catalog.database
    server = make_url(SERVER_URLS["mariadb"])
    cmd = [
        tool,
        "--host",
        server.host or "127.0.0.1",
        "--port",
        str(server.port or 3306),
        "--user",
        server.username or "root",
        "--databases",
        database,
        "--no-summary",
    ]
    if server.password:
        cmd += ["--password", server.password]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    # pt-duplicate-key-checker names each index it would drop in a line "# KEY_NAME ... is a duplicate of ..."
    theirs = {
        line.split()[1].strip("`")
        for line in out.splitlines()
        if line.startswith("# ") and (" is a duplicate of " in line or " is a left-prefix of " in line)
    }
    ours = {f.index for f in demo_profile.findings if f.kind in {"duplicate_index", "redundant_index"}}
    assert theirs, out
    assert ours == theirs, out
