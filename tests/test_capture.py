"""SQLAlchemy capture: every statement recorded with duration, parameters, connection and call site."""

from __future__ import annotations

from sqlalchemy import text

from maat_nb.engines import create_engine
from maat_nb.querylog.capture import capture


async def test_capture_records_statements_with_call_site(empty_db: str, engine_kind: str) -> None:
    engine = create_engine(empty_db)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE cap (id INTEGER PRIMARY KEY, v VARCHAR(20))"))
        async with capture(engine) as log:
            async with engine.begin() as conn:
                await conn.execute(
                    text("INSERT INTO cap VALUES (:i, :v)"), [{"i": i, "v": f"v{i}"} for i in range(5)]
                )
                for i in range(3):
                    await conn.execute(text("SELECT v FROM cap WHERE id = :i"), {"i": i})  # the call site
            async with engine.connect() as other:
                await other.execute(text("SELECT COUNT(*) FROM cap"))
        await_line = "SELECT v FROM cap WHERE id"
        selects = [e for e in log.events if await_line in e.sql]
        assert len(selects) == 3
        assert all(e.duration_s is not None and e.duration_s > 0 for e in selects)
        assert [e.params for e in selects] == [("0",), ("1",), ("2",)]
        site = selects[0].extra["call_site"]
        assert site.startswith(__file__) and "test_capture_records_statements_with_call_site" in site
        counts = [e for e in log.events if "COUNT(*)" in e.sql]
        assert len(counts) == 1 and counts[0].session != selects[0].session
        inserts = [e for e in log.events if e.sql.startswith("INSERT")]
        assert len(inserts) >= 1 and all(e.extra.get("executemany") == "true" or e.params for e in inserts)
        n_before = len(log.events)
        async with engine.connect() as conn:  # after the block: nothing more is recorded
            await conn.execute(text("SELECT 1"))
        assert len(log.events) == n_before
    finally:
        await engine.dispose()
