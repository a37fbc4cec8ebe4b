"""Migration benchmark: harness overhead against a bare Alembic run, and forecast accuracy at 1 M rows.

    .venv/bin/python bench/migrations_bench.py                          # SQLite
    .venv/bin/python bench/migrations_bench.py --server postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python bench/migrations_bench.py --alembic-ini path/to/alembic.ini --rows 100000

1. Overhead: the same revisions on two scratch databases seeded identically — once stepped by the kit (per
   statement timing, lock/rewrite probes), once by plain ``alembic.command.upgrade`` — sum of step times compared
   (seeding and snapshots are outside both). Target: <= 10 %.
2. Forecast: fit on 1k/10k/100k rows, predict 1 M, then measure 1 M: error per step that takes > 100 ms.
   Target: <= 30 %.
Defaults to the test project ``tests/fixtures/alembic_projects/sync_shop`` (one table, an index build, a type
change that rewrites, a data migration): its steps grow with the table.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INI = ROOT / "tests" / "fixtures" / "alembic_projects" / "sync_shop" / "alembic.ini"


async def overhead(server: str, ini: Path, rows: int, *, kit_first: bool = False) -> tuple[float, float]:
    from alembic import command

    from maat_nb.engines import create_engine, resolve
    from maat_nb.migrations.alembic_driver import Driver, history, load_config
    from maat_nb.migrations.scratch import scratch_database
    from maat_nb.migrations.seed import seed

    revisions = history(load_config(ini))
    totals: dict[str, float] = {}
    for mode in ("kit", "bare") if kit_first else ("bare", "kit"):
        async with scratch_database(server) as url:
            driver = Driver(ini, resolve(url))
            engine = create_engine(url)
            total = 0.0
            for i, rev in enumerate(revisions):
                if mode == "kit":
                    seconds, _, _ = await driver.step(engine, "up", rev.id)
                else:
                    config = driver._config(None)
                    started = time.perf_counter()
                    await asyncio.to_thread(command.upgrade, config, rev.id)
                    seconds = time.perf_counter() - started
                total += seconds
                if i == 0:  # fill what the first revision created, the same way for both
                    async with engine.connect() as conn:
                        await seed(conn, rows, seed=1)
                        await conn.commit()
            await engine.dispose()
            totals[mode] = total
    return totals["bare"], totals["kit"]


async def forecast_accuracy(server: str, ini: Path, big: int) -> list[tuple[str, str, float, float, float]]:
    from maat_nb.migrations.runner import bench_migrations

    fitted = await bench_migrations(server, ini, scales=[1_000, 10_000, 100_000], production_rows=big)
    measured = await bench_migrations(server, ini, scales=[big])
    out = []
    for f in fitted.forecast:
        real = [s for s in measured.steps if (s.revision, s.direction) == (f.revision, f.direction) and s.ok]
        if real:
            out.append((f.revision, f.direction, f.prediction.seconds, real[0].seconds, f.fit.model))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--server", default="sqlite:///bench.db", help="server URL (scratch databases are made there)"
    )
    parser.add_argument("--alembic-ini", type=Path, default=DEFAULT_INI)
    parser.add_argument(
        "--rows", type=int, default=200_000, help="rows for the overhead run (default 200000)"
    )
    parser.add_argument(
        "--big", type=int, default=1_000_000, help="size to forecast and measure (default 1 M)"
    )
    parser.add_argument("--rounds", type=int, default=4, help="overhead rounds, order alternating (median)")
    parser.add_argument("--skip-forecast", action="store_true")
    args = parser.parse_args()

    # alternate the order over several rounds: caches and other load on the machine favour neither side
    pairs = []
    for i in range(args.rounds):
        bare, kit = asyncio.run(overhead(args.server, args.alembic_ini, args.rows, kit_first=bool(i % 2)))
        pairs.append((bare, kit))
    bare = statistics.median(p[0] for p in pairs)
    kit = statistics.median(p[1] for p in pairs)
    print(
        f"overhead at {args.rows:,} rows: bare alembic {bare:.3f} s, maat-nb stepping {kit:.3f} s, "
        f"ratio {kit / bare:.3f} ({100 * (kit / bare - 1):+.1f} %, target <= +10 %)"
    )
    if not args.skip_forecast:
        rows = asyncio.run(forecast_accuracy(args.server, args.alembic_ini, args.big))
        print(f"\nforecast at {args.big:,} rows (fit on 1k/10k/100k) vs measured:")
        print(f"  {'revision':10} {'dir':5} {'model':9} {'predicted s':>12} {'measured s':>11} {'error':>8}")
        worst = 0.0
        for rev, direction, pred, real, model in rows:
            err = (pred - real) / real if real else float("nan")
            judged = real > 0.1
            if judged:
                worst = max(worst, abs(err))
            flag = "" if judged else "  (< 100 ms: not judged)"
            print(f"  {rev:10} {direction:5} {model:9} {pred:12.3f} {real:11.3f} {100 * err:+7.1f} %{flag}")
        print(f"  worst error on steps > 100 ms: {100 * worst:.1f} % (target <= 30 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
