"""The migration benchmark: every revision up, down and up again, at several sizes, timed, checked and probed.

For each scale, on a fresh scratch database (created here, dropped afterwards — also after a failure):

1. for each revision, oldest first: fill the tables that exist and are still empty to the scale (FK-aware bulk
   seeding), snapshot the data (row counts, per-column checksums), **upgrade** one step (timed, per statement),
   snapshot again, then **downgrade** and **upgrade** once more (the round trip; ``repeats`` more cycles give
   medians). A downgrade that destroys data that was there before the upgrade, or an upgrade that destroys data,
   is flagged ``data_loss``; the re-upgrade must give the same data as the first one.
2. Probes on the way: PostgreSQL rewrites (relfilenode) and the strongest lock per table (pg_locks inside the
   step's transaction); SQLite batch recreation; MariaDB ALTER algorithms (on a separate schema-only scratch copy,
   before the real run). MariaDB runs DDL outside transactions: after a failed step the version stamp is compared
   with what the step had applied, and a mismatch is reported.

A step that fails is recorded with the server's error; the remaining revisions of that scale are skipped (the
schema is not where they expect it), the other scales and engines still run, and :attr:`BenchResult.ok` is False.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from maat_nb.engines import create_engine, mask_url, resolve
from maat_nb.migrations import probes
from maat_nb.migrations.alembic_driver import Driver, Revision, Statement, history, load_config
from maat_nb.migrations.integrity import Change
from maat_nb.migrations.scratch import require_scratch, scratch_database

DEFAULT_SCALES = (1_000, 10_000, 100_000)
SeedHook = Callable[..., Any]


@dataclass(frozen=True)
class StepResult:
    """One revision applied in one direction at one scale (seconds: the median over repeats)."""

    revision: str
    direction: str  # up | down
    rows: int
    seconds: float
    runs: tuple[float, ...]
    ok: bool
    error: str | None
    statements: tuple[Statement, ...]
    rewrites: tuple[str, ...] = ()
    wal_bytes: int | None = None  # PostgreSQL: WAL written during the step (server-wide)
    size_change: Mapping[str, int] = field(default_factory=dict)  # PostgreSQL: bytes gained per table
    locks: Mapping[str, str] = field(default_factory=dict)
    lock: str | None = None
    algorithm: str | None = None
    recreated: tuple[str, ...] = ()
    data_loss: bool = False
    data_loss_reasons: tuple[str, ...] = ()
    roundtrip_ok: bool | None = None
    roundtrip_diff: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenchResult:
    """Every step at every scale on one engine, the forecast, and whether everything ran."""

    engine: str
    server: str
    alembic_ini: str
    revisions: tuple[Revision, ...]
    scales: tuple[int, ...]
    steps: tuple[StepResult, ...]
    seeded: Mapping[int, Mapping[str, int]]
    forecast: tuple[Any, ...]
    seconds: float
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No step failed."""
        return all(s.ok for s in self.steps)

    @property
    def roundtrip_ok(self) -> bool:
        """Every re-upgrade gave back the data of the first upgrade."""
        return all(s.roundtrip_ok is not False for s in self.steps)


def _error_text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text_ = str(orig if orig is not None else exc).strip().splitlines()
    return f"{type(orig if orig is not None else exc).__name__}: {text_[0] if text_ else ''}"[:500]


async def _tables(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        names: list[str] = await conn.run_sync(lambda c: inspect(c).get_table_names())
    return [n for n in names if n != "alembic_version"]


async def _empty_tables(engine: AsyncEngine, tables: Iterable[str]) -> list[str]:
    empty = []
    async with engine.connect() as conn:
        for name in tables:
            q = conn.dialect.identifier_preparer.quote(name)
            if (await conn.execute(text(f"SELECT 1 FROM {q} LIMIT 1"))).first() is None:
                empty.append(name)
    return empty


async def _snapshot(engine: AsyncEngine) -> Any:
    from maat_nb.migrations.integrity import snapshot

    async with engine.connect() as conn:
        return await snapshot(conn)


async def _version(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


class _Scale:
    """One scale's run on one scratch database."""

    def __init__(
        self, driver: Driver, engine: AsyncEngine, rows: int, repeats: int, hook: SeedHook | None
    ) -> None:
        self.driver = driver
        self.engine = engine
        self.rows = rows
        self.repeats = repeats
        self.hook = hook
        self.dialect = driver.target.dialect
        self.seeded: dict[str, int] = {}

    async def seed_empty(self) -> None:
        from maat_nb.migrations.seed import seed

        empty = await _empty_tables(self.engine, await _tables(self.engine))
        if not empty:
            return
        async with self.engine.connect() as conn:
            result = await seed(conn, self.rows, tables=empty, hook=self.hook)
            await conn.commit()
        self.seeded.update(result.rows)

    def _in_tx(self, connection: Connection) -> dict[str, Any]:
        if self.dialect == "postgresql":
            return {"locks": probes.pg_locks_held(connection)}
        return {}

    async def _physical(self) -> probes.PgPhysical | None:
        if self.dialect != "postgresql":
            return None
        async with self.engine.connect() as conn:
            return await conn.run_sync(probes.pg_physical)

    async def run_step(self, direction: str, target: str) -> tuple[float, list[Statement], dict[str, Any]]:
        before = await self._physical()
        seconds, statements, extra = await self.driver.step(
            self.engine, direction, target, in_transaction=self._in_tx
        )
        info: dict[str, Any] = dict(extra or {})
        after = await self._physical()
        if before is not None and after is not None:
            info["rewrites"] = probes.rewritten(before.files, after.files)
            info["wal_bytes"] = probes.wal_between(before, after)
            info["size_change"] = probes.size_change(before.sizes, after.sizes)
        return seconds, statements, info


async def _run_scale(
    driver: Driver,
    revisions: Sequence[Revision],
    url: str,
    rows: int,
    repeats: int,
    hook: SeedHook | None,
    algorithms: Mapping[str, tuple[str, str]],
) -> tuple[list[StepResult], dict[str, int]]:
    from maat_nb.migrations.integrity import compare, same_data

    require_scratch(url)
    engine = create_engine(url)
    scale = _Scale(driver, engine, rows, repeats, hook)
    out: list[StepResult] = []
    try:
        for rev in revisions:
            down_target = rev.down or "base"
            before: Any = None
            try:
                await scale.seed_empty()
                before = await _snapshot(engine)
                up_s, up_stmts, up_info = await scale.run_step("up", rev.id)
                after_up = await _snapshot(engine)
            except Exception as exc:  # a failed step is a result, not a crash
                note = await _partial_note(engine, rev, "up", driver.target.dialect, before)
                out.append(_failed(rev.id, "up", rows, exc, note))
                break
            up_change = compare(before, after_up)
            ups, downs = [up_s], []
            down_info: dict[str, Any] = {}
            down_stmts: list[Statement] = []
            down_change = None
            round_ok, round_diff = True, []
            failed: StepResult | None = None
            for _ in range(max(1, repeats)):
                try:
                    d_s, d_stmts, d_info = await scale.run_step("down", down_target)
                    after_down = await _snapshot(engine)
                except Exception as exc:
                    note = await _partial_note(engine, rev, "down", driver.target.dialect, after_up)
                    failed = _failed(rev.id, "down", rows, exc, note)
                    break
                downs.append(d_s)
                if down_change is None:
                    # what the upgrade produced and the downgrade destroyed (a filled column it added, ...)
                    down_change, down_stmts, down_info = compare(after_up, after_down), d_stmts, d_info
                try:
                    r_s, _, _ = await scale.run_step("up", rev.id)
                    again = await _snapshot(engine)
                except Exception as exc:
                    failed = _failed(rev.id, "up", rows, exc, "the re-upgrade after the downgrade failed")
                    break
                ups.append(r_s)
                same, diff = same_data(after_up, again)
                round_ok = round_ok and same
                round_diff += diff
            out.append(
                _result(
                    rev.id, "up", rows, ups, up_stmts, up_info, up_change, algorithms, round_ok, round_diff
                )
            )
            if downs and down_change is not None:
                out.append(
                    _result(rev.id, "down", rows, downs, down_stmts, down_info, down_change, algorithms)
                )
            if failed is not None:
                out.append(failed)
                break
    finally:
        await engine.dispose()
    return out, scale.seeded


def _failed(revision: str, direction: str, rows: int, exc: BaseException, note: str | None) -> StepResult:
    error = _error_text(exc) + (f" ({note})" if note else "")
    return StepResult(revision, direction, rows, float("nan"), (), False, error, ())


async def _partial_note(
    engine: AsyncEngine, rev: Revision, direction: str, dialect: str, before: Any = None
) -> str | None:
    """What a failed step left behind. PostgreSQL and SQLite roll the step back; MariaDB commits each DDL
    statement, so the statements before the error stay applied while the version stamp stays put: compare the
    schema with the snapshot taken before the step and say what changed."""
    if dialect != "mariadb":
        return "rolled back: the database is as before the step" if dialect == "postgresql" else None
    try:
        stamp = await _version(engine)
        from maat_nb.migrations.integrity import compare

        change = compare(before, await _snapshot(engine)) if before is not None else None
    except Exception:
        return None
    expected = (rev.down if direction == "up" else rev.id) or None
    done = change.summary() if change is not None else []
    if stamp == expected and done:
        return (
            f"OUT OF STEP: MariaDB does not roll DDL back; the version stamp still says {stamp or 'base'} but "
            f"the statements before the error stay applied ({'; '.join(done)}) — repair by hand before re-running"
        )
    return None


def _result(
    revision: str,
    direction: str,
    rows: int,
    runs: list[float],
    statements: list[Statement],
    info: Mapping[str, Any],
    change: Change,
    algorithms: Mapping[str, tuple[str, str]],
    round_ok: bool | None = None,
    round_diff: Sequence[str] = (),
) -> StepResult:
    # a table the step created is locked by its creator, but nobody else can be waiting on it yet
    created = set(change.tables_added)
    locks = {t: m for t, m in dict(info.get("locks") or {}).items() if t not in created}
    algos = [algorithms[s.sql] for s in statements if s.sql in algorithms]
    algorithm = None
    lock = probes.strongest(locks)
    if algos:
        algorithm = max((a for a, _ in algos), key=probes.ALGORITHMS.index)
        lock = max((lk for _, lk in algos), key=probes.LOCKS.index)
    return StepResult(
        revision=revision,
        direction=direction,
        rows=rows,
        seconds=statistics.median(runs),
        runs=tuple(runs),
        ok=True,
        error=None,
        statements=tuple(statements),
        rewrites=tuple(info.get("rewrites") or ()),
        wal_bytes=info.get("wal_bytes"),
        size_change=dict(info.get("size_change") or {}),
        locks=locks,
        lock=lock,
        algorithm=algorithm,
        recreated=probes.sqlite_recreated(s.sql for s in statements),
        data_loss=change.data_loss,
        data_loss_reasons=tuple(change.reasons),
        roundtrip_ok=round_ok,
        roundtrip_diff=tuple(round_diff),
    )


async def _probe_algorithms(
    alembic_ini: str | Path, revisions: Sequence[Revision], server: str
) -> dict[str, tuple[str, str]]:
    """MariaDB: on a schema-only scratch copy, find for each ALTER of each revision the cheapest algorithm and lock.

    Each revision is applied normally (its statements recorded), taken back, and its schema statements replayed one
    by one — each ALTER through the ladder INSTANT -> NOCOPY -> INPLACE -> COPY — then stamped, so the next revision
    starts from the right schema.
    """
    found: dict[str, tuple[str, str]] = {}
    async with scratch_database(server) as url:
        probe = Driver(alembic_ini, resolve(url))
        engine = create_engine(url)
        try:
            for rev in revisions:
                _, statements, _ = await probe.step(engine, "up", rev.id)
                await probe.step(engine, "down", rev.down or "base")
                async with engine.connect() as conn:
                    for st in statements:
                        if "alembic_version" in st.sql:
                            continue  # Alembic's bookkeeping; the stamp below sets the version
                        if probes.is_alter(st.sql):
                            found[st.sql] = await conn.run_sync(probes.mariadb_algorithm, st.sql)
                        elif probes.is_ddl(st.sql):
                            await conn.exec_driver_sql(st.sql)
                await probe.stamp(engine, rev.id)
        except Exception:  # probing is best effort; the real run reports any failure itself
            pass
        finally:
            await engine.dispose()
    return found


async def bench_migrations(
    server: str,
    alembic_ini: str | Path,
    *,
    scales: Sequence[int] = DEFAULT_SCALES,
    repeats: int = 1,
    seed_hook: SeedHook | None = None,
    production_rows: int | Mapping[str, int] | None = None,
    probe_algorithms: bool = True,
) -> BenchResult:
    """Benchmark every revision of an Alembic project on scratch databases of ``server`` at each scale.

    Args:
        server: A URL of the server (any database on it; scratch databases are created next to it). For SQLite,
            any ``sqlite://`` URL: scratch files go to a temporary folder.
        alembic_ini: The project's ``alembic.ini``.
        scales: Rows per table to seed before each revision runs.
        repeats: Down/up cycles per revision (the median is reported).
        seed_hook: ``hook(table, n, rng) -> rows`` for realistic data (see :mod:`maat_nb.migrations.seed`).
        production_rows: Rows per table (or one number) to forecast each step for.
        probe_algorithms: MariaDB: find each ALTER's cheapest algorithm on a schema-only copy first.
    """
    started = time.perf_counter()
    target = resolve(server)
    config = load_config(alembic_ini)
    revisions = history(config)
    driver = Driver(alembic_ini, target)
    algorithms: dict[str, tuple[str, str]] = {}
    notes: list[str] = [f"env.py kind: {driver.kind}"]
    if target.dialect == "mariadb" and probe_algorithms:
        algorithms = await _probe_algorithms(alembic_ini, revisions, server)
    steps: list[StepResult] = []
    seeded: dict[int, dict[str, int]] = {}
    for rows in scales:
        async with scratch_database(server) as url:
            scale_driver = Driver(alembic_ini, resolve(url))
            results, seeded[rows] = await _run_scale(
                scale_driver, revisions, url, rows, repeats, seed_hook, algorithms
            )
            steps += results
    forecast: tuple[Any, ...] = ()
    if production_rows is not None:
        forecast = tuple(_forecast(steps, production_rows))
    return BenchResult(
        engine=target.dialect,
        server=mask_url(target.url),
        alembic_ini=str(alembic_ini),
        revisions=tuple(revisions),
        scales=tuple(scales),
        steps=tuple(steps),
        seeded=seeded,
        forecast=forecast,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def _forecast(steps: Sequence[StepResult], production_rows: int | Mapping[str, int]) -> list[Any]:
    from maat_nb.migrations.predict import StepTiming, forecast

    grouped: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for s in steps:
        if s.ok:
            for run in s.runs:
                grouped.setdefault((s.revision, s.direction), []).append((s.rows, run))
    timings = [
        StepTiming(revision=rev, direction=direction, tables=(), measurements=tuple(points))
        for (rev, direction), points in grouped.items()
    ]
    return list(forecast(timings, production_rows))


async def production_row_counts(db: str) -> dict[str, int]:
    """Row counts per table of a production database, read-only from the catalog's estimates (no table scan)."""
    from maat_nb.catalog import read_catalog
    from maat_nb.engines import open_engine, read_only

    async with open_engine(db) as engine, read_only(engine) as conn:
        catalog = await read_catalog(conn)
    return {t.name: int(t.stats.rows_estimate) for t in catalog.tables if t.stats.rows_estimate is not None}
