"""The migration benchmark end to end on small Alembic projects made for the tests, on all three engines.

``sync_shop`` (Alembic's sync template env.py): create items; add a nullable column; widen price to BIGINT; index
on name; a reversible data migration (prices in cents); drop the filled ``note`` column.
``async_shop`` (Alembic's async template env.py): create orders; add a NOT NULL column with a default (its
downgrade drops filled values); PostgreSQL-only SQL (fails elsewhere with the server's error).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from maat_nb.cli import main
from maat_nb.errors import UnsafeTargetError
from maat_nb.migrations.alembic_driver import env_kind, load_config
from maat_nb.migrations.runner import BenchResult, StepResult, bench_migrations
from maat_nb.migrations.scratch import leftover_scratch_databases, require_scratch, scratch_database
from tests.conftest import SERVER_URLS, require_server

PROJECTS = Path(__file__).parent / "fixtures" / "alembic_projects"
SYNC = PROJECTS / "sync_shop" / "alembic.ini"
ASYNC = PROJECTS / "async_shop" / "alembic.ini"
SCALES = [40, 160]


def server_of(kind: str) -> str:
    if kind == "sqlite":
        return "sqlite:///unused.db"
    require_server(kind)
    return SERVER_URLS[kind]


def step(result: BenchResult, revision: str, direction: str = "up", rows: int = SCALES[-1]) -> StepResult:
    (found,) = [s for s in result.steps if (s.revision, s.direction, s.rows) == (revision, direction, rows)]
    return found


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def sync_result(request: pytest.FixtureRequest) -> BenchResult:
    server = server_of(request.param)
    before = asyncio.run(leftover_scratch_databases(server))
    result = asyncio.run(bench_migrations(server, SYNC, scales=SCALES, production_rows=1_000_000))
    assert asyncio.run(leftover_scratch_databases(server)) == before  # nothing left behind
    return result


def test_env_kinds_are_recognised() -> None:
    assert env_kind(load_config(SYNC)) == "sync"
    assert env_kind(load_config(ASYNC)) == "async"
    from maat_nb.demo.migrate import alembic_ini_path

    assert env_kind(load_config(alembic_ini_path())) == "connection"


def test_every_step_runs_and_is_timed(sync_result: BenchResult) -> None:
    assert sync_result.ok, [s.error for s in sync_result.steps if not s.ok]
    revisions = [r.id for r in sync_result.revisions]
    assert revisions == ["0001", "0002", "0003", "0004", "0005", "0006"]
    for rows in SCALES:
        for rev in revisions:
            for direction in ("up", "down"):
                s = step(sync_result, rev, direction, rows)
                assert s.seconds > 0 and len(s.runs) >= 1
    # every statement is tagged to its step: the widening's ALTER belongs to 0003 only
    assert any("BIGINT" in st.sql.upper() for st in step(sync_result, "0003").statements)
    assert not any("BIGINT" in st.sql.upper() for st in step(sync_result, "0004").statements)
    # tables were seeded to the scale before the next revision ran
    assert sync_result.seeded[SCALES[-1]]["items"] == SCALES[-1]


def test_probes_see_what_each_engine_really_does(sync_result: BenchResult) -> None:
    engine = sync_result.engine
    widen, add, index = step(sync_result, "0003"), step(sync_result, "0002"), step(sync_result, "0004")
    if engine == "postgresql":
        assert widen.rewrites == ("items",)  # int -> bigint rewrites the table
        assert add.rewrites == () and index.rewrites == ()  # nullable ADD COLUMN and CREATE INDEX do not
        assert index.lock == "SHARE"  # CREATE INDEX blocks writes, not reads
        assert index.size_change.get("items", 0) > 0 and (index.wal_bytes or 0) > 0  # the new index's pages
        assert widen.wal_bytes and widen.wal_bytes > 8192  # the rewritten table went through the WAL
        assert widen.lock == "ACCESS EXCLUSIVE"
    else:
        assert widen.rewrites == ()
    if engine == "mariadb":
        assert (add.algorithm, add.lock) == ("INSTANT", "NONE")
        assert (widen.algorithm, widen.lock) == ("COPY", "SHARED")  # the copy lets reads through, not writes
    if engine == "sqlite":
        assert widen.lock is None and widen.algorithm is None
    if engine == "sqlite":
        assert widen.recreated == ("items",)  # batch mode copies the table
        assert add.recreated == ()


def test_data_loss_is_flagged_where_data_is_destroyed_and_only_there(sync_result: BenchResult) -> None:
    assert step(sync_result, "0006", "up").data_loss  # drops the filled note column
    assert any("note" in r for r in step(sync_result, "0006", "up").data_loss_reasons)
    cents_up, cents_down = step(sync_result, "0005", "up"), step(sync_result, "0005", "down")
    assert not cents_up.data_loss and not cents_down.data_loss  # a reversible data migration
    assert cents_up.roundtrip_ok
    assert not step(sync_result, "0002", "down").data_loss  # the added column held only NULLs
    assert not step(sync_result, "0003", "up").data_loss


def test_forecast_for_production(sync_result: BenchResult) -> None:
    assert sync_result.forecast
    for f in sync_result.forecast:
        assert f.prediction.low <= f.prediction.seconds <= f.prediction.high
        assert f.prediction.warning  # 1 M rows is > 100x the largest measured scale


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_async_env_and_an_engine_specific_failure(kind: str) -> None:
    server = server_of(kind)
    before = asyncio.run(leftover_scratch_databases(server))
    result = asyncio.run(bench_migrations(server, ASYNC, scales=[30]))
    assert asyncio.run(leftover_scratch_databases(server)) == before
    assert step(result, "a001", rows=30).ok
    status_down = step(result, "a002", "down", 30)
    assert status_down.data_loss and any("status" in r for r in status_down.data_loss_reasons)
    pg_only = [s for s in result.steps if s.revision == "a003"]
    if kind == "postgresql":
        assert result.ok and all(s.ok for s in pg_only)
    else:
        assert not result.ok
        (failed,) = [s for s in pg_only if not s.ok]
        assert failed.direction == "up" and failed.error
        assert ("syntax" in failed.error.lower()) or ("1064" in failed.error)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_refuses_anything_but_its_own_scratch_databases(kind: str) -> None:
    server = server_of(kind)
    with pytest.raises(UnsafeTargetError):
        require_scratch(server)
    lookalike = (
        server.rsplit("/", 1)[0] + "/maat_scratch_deadbeef"
        if kind != "sqlite"
        else "sqlite:///maat_scratch_x.db"
    )
    with pytest.raises(UnsafeTargetError):
        require_scratch(lookalike)

    async def crash() -> str:
        async with scratch_database(server) as url:
            require_scratch(url)  # its own: accepted
            raise RuntimeError(url)
        return ""

    with pytest.raises(RuntimeError) as err:
        asyncio.run(crash())
    name = str(err.value).rsplit("/", 1)[-1]
    assert name.startswith("maat_scratch_")
    assert name not in asyncio.run(leftover_scratch_databases(server))  # dropped even after the failure
    with pytest.raises(UnsafeTargetError):
        require_scratch(str(err.value))  # and no longer accepted


def test_cli_json_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["bench-migrations", "sqlite:///x.db", "--alembic-ini", str(ASYNC), "--scales", "20", "--json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 1  # a003 fails on SQLite
    for key in ("engine", "scales", "steps", "roundtrip", "forecast"):
        assert key in doc
    for s in doc["steps"]:
        for key in ("revision", "direction", "rows", "seconds", "ok", "error", "statements", "rewrites", "lock",
                    "algorithm", "data_loss"):  # fmt: skip
            assert key in s
    assert doc["engine"] == "sqlite" and doc["scales"] == [20]
    assert main(["bench-migrations", "sqlite:///x.db", "--alembic-ini", "nope/alembic.ini"]) == 2
    assert "alembic.ini" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_a_half_applied_revision_is_reported(kind: str) -> None:
    """The second statement of a revision fails: PostgreSQL rolls the first back; MariaDB keeps it while the
    version stamp stays — reported as out of step, naming what stayed."""
    server = server_of(kind)
    result = asyncio.run(bench_migrations(server, PROJECTS / "half_done" / "alembic.ini", scales=[10]))
    (failed,) = [s for s in result.steps if not s.ok]
    assert failed.revision == "0002" and failed.direction == "up"
    assert failed.error is not None and "no_such_table" in failed.error
    if kind == "mariadb":
        assert "OUT OF STEP" in failed.error and "items.sku" in failed.error
    else:
        assert "rolled back" in failed.error and "OUT OF STEP" not in failed.error


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mariadb"])
def test_a_cancelled_run_still_drops_its_scratch_database(kind: str) -> None:
    """Ctrl-C in a notebook cancels the task: the scratch database goes anyway."""
    server = server_of(kind)

    async def run() -> str:
        entered = asyncio.Event()
        urls: list[str] = []

        async def body() -> None:
            async with scratch_database(server) as url:
                urls.append(url)
                entered.set()
                await asyncio.sleep(60)

        task = asyncio.create_task(body())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return urls[0]

    url = asyncio.run(run())
    name = url.rsplit("/", 1)[-1]
    assert name not in asyncio.run(leftover_scratch_databases(server))
    if kind == "sqlite":
        assert not Path(url.split(":///", 1)[1]).exists()
    with pytest.raises(UnsafeTargetError):
        require_scratch(url)
