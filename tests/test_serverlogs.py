"""Logs a real server wrote: the demo workload logged by MariaDB and PostgreSQL, compared with what really ran.

Each workload runs with a SQLAlchemy capture around it at the same time as the server's own log, so the capture
is the ground truth: every class the application executed must come out of the server's log with the same id
and exactly the same count (the server also logs its own housekeeping — driver set-up, COMMIT — which the
capture does not see; those classes are left out of the comparison). On MariaDB the class partition is also
compared with pt-query-digest's, and on PostgreSQL every format (stderr, csvlog, jsonlog) of one private
server must agree, with pg_stat_statements read live too.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from maat_nb.demo import build_demo
from maat_nb.demo.serverlog import record_server_log
from maat_nb.engines import create_engine
from maat_nb.querylog.fingerprint import class_id, fingerprint
from maat_nb.querylog.read import digest_logs
from tests.conftest import create_database, drop_database, require_server

PAGES = 250


def _counts(path: Path) -> dict[str, int]:
    return {c.id: c.count for c in digest_logs(path).digest.classes}


def _assert_same_as_capture(log: Path, cap: Path) -> None:
    logged = digest_logs(log)
    truth = digest_logs(cap)
    assert logged.digest.bad_records == 0, logged.digest.bad_samples[:3]
    got = {c.id: c.count for c in logged.digest.classes}
    want = {c.id: c.count for c in truth.digest.classes}
    missing = {truth.digest.by_id(i).fingerprint: n for i, n in want.items() if i not in got}
    assert not missing, f"classes the application ran but the log digest lacks: {missing}"
    wrong = {truth.digest.by_id(i).fingerprint: (n, got[i]) for i, n in want.items() if got[i] != n}
    assert not wrong, f"count differs (capture, log): {wrong}"
    # the N+1 page is found from the server's log too, with the same children as from the capture
    children = {(p.relationship, p.child) for p in logged.n_plus_one}
    assert children == {(p.relationship, p.child) for p in truth.n_plus_one}
    assert {rel for rel, _ in children} == {"many-to-one", "one-to-many"}


def _record(factory: pytest.TempPathFactory, kind: str, *, seed: int, log_name: str) -> tuple[Path, Path]:
    """The demo workload on a fresh demo database of ``kind``: the server's own log and a capture of it."""
    require_server(kind)
    folder = factory.mktemp(kind)

    async def run() -> None:
        url = await create_database(kind)
        try:
            await build_demo(url, scale=0.01, seed=seed, progress=False)
            await record_server_log(
                url, folder / log_name, pages=PAGES, seed=seed, capture_path=folder / "cap.jsonl"
            )
        finally:
            await drop_database(url)

    asyncio.run(run())
    return folder / log_name, folder / "cap.jsonl"


@pytest.fixture(scope="module")
def mariadb_logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _record(tmp_path_factory, "mariadb", seed=11, log_name="slow.log")


def test_mariadb_slow_log_matches_what_ran(mariadb_logs: tuple[Path, Path]) -> None:
    log, cap = mariadb_logs
    assert digest_logs(log).files[0].format == "mysql-slow"
    _assert_same_as_capture(log, cap)


def test_mariadb_settings_restored_after_the_run(mariadb_logs: tuple[Path, Path]) -> None:
    from tests.conftest import SERVER_URLS

    async def read() -> tuple:
        engine = create_engine(SERVER_URLS["mariadb"])
        async with engine.connect() as conn:
            row = (
                await conn.execute(text("SELECT @@global.slow_query_log_file, @@global.long_query_time"))
            ).one()
        await engine.dispose()
        return tuple(row)

    log_file, long_query_time = asyncio.run(read())
    assert "maat_slow_" not in str(log_file)
    assert float(long_query_time) > 0  # only the workload's own sessions logged everything


@pytest.mark.skipif(
    shutil.which("pt-query-digest") is None, reason="pt-query-digest not installed (percona-toolkit)"
)
def test_class_partition_agrees_with_pt_query_digest(mariadb_logs: tuple[Path, Path]) -> None:
    log, _ = mariadb_logs
    out = subprocess.run(
        ["pt-query-digest", "--output", "json", "--limit", "100%:10000", str(log)],
        capture_output=True,
        text=True,
        check=True,
    )
    pt = json.loads(out.stdout[out.stdout.index("{") :])
    ours = digest_logs(log).digest
    # pt's classes, mapped to ours through each class's example statement
    pt_counts: dict[str, int] = {}
    for cls in pt["classes"]:
        ours_id = class_id(fingerprint(cls["example"]["query"], dialect="mysql"))
        pt_counts[ours_id] = pt_counts.get(ours_id, 0) + int(cls["query_count"])
    our_counts = {c.id: c.count for c in ours.classes}
    # same partition: no two pt classes fall into one of ours and the counts agree class by class
    assert len(pt["classes"]) == len(ours.classes)
    assert pt_counts == our_counts
    assert int(pt["global"]["query_count"]) == ours.events


@pytest.fixture(scope="module")
def postgresql_logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _record(tmp_path_factory, "postgresql", seed=12, log_name="pg.log")


def test_postgresql_log_counts_asyncpg_executions_exactly(postgresql_logs: tuple[Path, Path]) -> None:
    log, cap = postgresql_logs
    text_ = log.read_text()
    assert " parse " in text_ and " bind " in text_ and " execute " in text_  # the extended protocol
    result = digest_logs(log)
    assert result.files[0].format == "pg-stderr"
    _assert_same_as_capture(log, cap)
    # where the application bound parameters, the log's slowest example carries them (from its DETAIL line)
    truth = digest_logs(cap).digest
    with_params = [c for c in truth.classes if c.example_params]
    assert with_params
    for cls in with_params:
        logged = result.digest.by_id(cls.id)
        assert logged.example_params and len(logged.example_params) == len(cls.example_params), (
            cls.fingerprint
        )
        assert "$1" not in logged.example  # substituted: runnable as it stands


def test_postgresql_log_psycopg_prepared_statements(tmp_path: Path) -> None:
    """psycopg with prepare=True: parse once, then bind/execute per call; each execution counted once."""
    require_server("postgresql")
    psycopg = pytest.importorskip("psycopg")
    from maat_nb.demo.serverlog import _pg_log_file

    async def log_path() -> Path:
        url = await create_database("postgresql")
        engine = create_engine(url)
        async with engine.connect() as conn:
            path = await _pg_log_file(conn)
        await engine.dispose()
        await drop_database(url)
        return path

    server_log = asyncio.run(log_path())
    url = asyncio.run(create_database("postgresql"))
    try:
        from sqlalchemy.engine import make_url

        u = make_url(url)
        dsn = f"host={u.host} port={u.port or 5432} user={u.username} dbname={u.database}"
        start = os.path.getsize(server_log)
        with psycopg.connect(dsn, autocommit=True, options="-c log_min_duration_statement=0") as conn:
            conn.execute("CREATE TABLE t (id int primary key, name text)")
            for i in range(40):
                conn.execute("INSERT INTO t VALUES (%s, %s)", (i, f"n{i}"), prepare=True)
            for i in range(25):
                conn.execute("SELECT name FROM t WHERE id = %s", (i,), prepare=True)
            conn.execute("SELECT count(*) FROM t WHERE name LIKE %s", ("n1%",), prepare=False)
        import time

        time.sleep(0.3)
        with open(server_log, "rb") as src:
            src.seek(start)
            (tmp_path / "pg.log").write_bytes(src.read())
    finally:
        asyncio.run(drop_database(url))
    digest = digest_logs(tmp_path / "pg.log").digest
    by_fp = {c.fingerprint: c for c in digest.classes}
    insert = [c for fp, c in by_fp.items() if fp.startswith("insert into t")]
    select = [c for fp, c in by_fp.items() if fp.startswith("select name from t")]
    like = [c for fp, c in by_fp.items() if "like" in fp]
    assert [c.count for c in insert] == [40]
    assert [c.count for c in select] == [25]
    assert [c.count for c in like] == [1]
    assert select[0].example_params is not None


# ---- one private PostgreSQL writing stderr, csvlog and jsonlog at once, with pg_stat_statements ---------------


@pytest.fixture(scope="module")
def private_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from tests.private_pg import bin_dir, private_pg

    if bin_dir() is None:
        require_server("postgresql")  # in CI the binaries come with the server; locally skip with the reason
        pytest.skip("PostgreSQL server binaries not found")
    folder = tmp_path_factory.mktemp("private")
    out: dict[str, object] = {}
    with private_pg() as pg:

        async def run() -> None:
            from maat_nb.demo.workload import run_workload
            from maat_nb.querylog.capture import capture
            from maat_nb.querylog.live import read_statement_stats
            from maat_nb.querylog.parsers.capture_jsonl import write_capture

            engine = create_engine(pg.url, isolation_level="AUTOCOMMIT")
            async with engine.connect() as conn:
                await conn.execute(text("CREATE EXTENSION pg_stat_statements"))
            await engine.dispose()
            await build_demo(pg.url, scale=0.01, seed=13, progress=False)
            engine = create_engine(pg.url)
            async with engine.connect() as conn:
                await conn.execute(text("SELECT pg_stat_statements_reset()"))
                await conn.commit()
            async with capture(engine) as log:
                await run_workload(engine, pages=PAGES, seed=13)
            await engine.dispose()
            write_capture(log.events, folder / "cap.jsonl", dialect=log.dialect)
            out["live"] = await read_statement_stats(pg.url)

        asyncio.run(run())
        import time

        time.sleep(0.5)
        for suffix in (".log", ".csv", ".json"):
            (path,) = pg.logs(suffix)
            shutil.copy(path, folder / f"pg{suffix}")
            out[suffix] = folder / f"pg{suffix}"
    out["capture"] = folder / "cap.jsonl"
    return out


@pytest.mark.parametrize("suffix,fmt", [(".log", "pg-stderr"), (".csv", "pg-csv"), (".json", "pg-json")])
def test_every_postgresql_format_matches_what_ran(private_logs: dict, suffix: str, fmt: str) -> None:
    path = private_logs[suffix]
    assert digest_logs(path).files[0].format == fmt
    _assert_same_as_capture(path, private_logs["capture"])


def test_the_three_formats_give_identical_digests(private_logs: dict) -> None:
    digests = {s: digest_logs(private_logs[s]).digest for s in (".log", ".csv", ".json")}
    shapes = {s: {c.id: (c.count, round(c.total_s, 6)) for c in d.classes} for s, d in digests.items()}
    assert shapes[".log"] == shapes[".csv"] == shapes[".json"]


def test_pg_stat_statements_live_agrees_with_the_capture(private_logs: dict) -> None:
    live = private_logs["live"]
    truth = digest_logs(private_logs["capture"]).digest
    calls = {c.id: c.count for c in live.digest.classes}
    for cls in truth.classes:
        assert calls.get(cls.id) == cls.count, (cls.fingerprint, calls.get(cls.id), cls.count)
    assert live.source == "pg_stat_statements" and any("estimated" in n for n in live.notes)


def test_live_source_refuses_clearly_where_it_is_off() -> None:
    require_server("mariadb")
    from maat_nb.errors import ConfigError
    from maat_nb.querylog.live import read_statement_stats
    from tests.conftest import SERVER_URLS

    async def attempt() -> None:
        await read_statement_stats(SERVER_URLS["mariadb"])

    async def is_on() -> bool:
        engine = create_engine(SERVER_URLS["mariadb"])
        async with engine.connect() as conn:
            value = (await conn.execute(text("SELECT @@performance_schema"))).scalar()
        await engine.dispose()
        return bool(int(value))

    if asyncio.run(is_on()):
        pytest.skip("performance_schema is on here")
    with pytest.raises(ConfigError, match="performance_schema is off"):
        asyncio.run(attempt())


def test_performance_schema_live_agrees_with_the_capture() -> None:
    """A private MariaDB with performance_schema on (it only switches on at start): the digest table, read live
    and read-only, gives every class the application ran with its exact count."""
    from tests.private_mariadb import available, private_mariadb

    if not available():
        require_server("mariadb")
        pytest.skip("MariaDB server binaries not found")
    from maat_nb.demo.workload import run_workload
    from maat_nb.querylog.capture import capture
    from maat_nb.querylog.digest import DigestBuilder
    from maat_nb.querylog.live import read_statement_stats

    with private_mariadb() as server:

        async def run() -> tuple:
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            async with admin.connect() as conn:
                await conn.execute(text("CREATE DATABASE shop"))
            await admin.dispose()
            db = server.replace("/mysql", "/shop")
            await build_demo(db, scale=0.01, seed=14, progress=False)
            admin = create_engine(db, isolation_level="AUTOCOMMIT")
            async with admin.connect() as conn:
                await conn.execute(text("TRUNCATE performance_schema.events_statements_summary_by_digest"))
            await admin.dispose()
            engine = create_engine(db)
            async with capture(engine) as log:
                await run_workload(engine, pages=120, seed=14)
            await engine.dispose()
            truth = DigestBuilder(dialect=log.dialect).add_all(log.events).result()
            return truth, await read_statement_stats(db)

        truth, live = asyncio.run(run())
    calls = {c.id: c.count for c in live.digest.classes}
    assert live.source == "performance_schema"
    for cls in truth.classes:
        assert calls.get(cls.id) == cls.count, (cls.fingerprint, calls.get(cls.id), cls.count)
    top = live.digest.by_id(truth.classes[0].id)  # the application's costliest class, as the server saw it
    assert top.total_s > 0 and top.max_s >= top.mean_s and top.tables == truth.classes[0].tables


def test_cli_digest_of_a_url_reads_live_and_refuses_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    require_server("postgresql")
    from maat_nb.cli import main
    from tests.conftest import SERVER_URLS

    # the shared server has no pg_stat_statements loaded: the message says how to get it
    url = asyncio.run(create_database("postgresql"))
    try:
        code = main(["digest", url])
    finally:
        asyncio.run(drop_database(url))
    err = capsys.readouterr().err
    assert code == 2 and "pg_stat_statements" in err and "shared_preload_libraries" in err
    assert main(["digest", SERVER_URLS["postgresql"], "some.log"]) == 2
    assert "either log files or one database URL" in capsys.readouterr().err
