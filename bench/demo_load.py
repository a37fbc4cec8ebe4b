"""Benchmark: build the demo shop at scale 1.0 (about 1,000,000 rows) and time it (goal: < 60 s on SQLite).

The build is the whole of ``maat_nb.demo.build_demo``: Alembic migrations to head, data generation, bulk load
(executemany / COPY / multi-row INSERT), ANALYZE, and a COUNT(*) of every table.

    .venv/bin/python bench/demo_load.py [--scale 1.0] [--seed 42] [--server URL]

By default the demo is built in a temporary SQLite file; with ``--server`` (e.g.
``postgresql://postgres@127.0.0.1/postgres`` or ``mysql://root@127.0.0.1/test``) in a scratch database on that
server, dropped afterwards. The 60 s goal is set for SQLite; server figures are printed against it too.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile

from maat_nb.demo import DemoSummary, build_demo
from maat_nb.migrations.scratch import scratch_database

GOAL_S = 60.0


async def run(scale: float, seed: int, server: str | None) -> DemoSummary:
    if server:
        async with scratch_database(server) as url:
            return await build_demo(url, scale=scale, seed=seed, progress=True)
    with tempfile.TemporaryDirectory(prefix="maat_bench_") as tmp:
        return await build_demo(f"sqlite+aiosqlite:///{tmp}/shop.db", scale=scale, seed=seed, progress=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--server", help="build in a scratch database on this server instead of SQLite")
    args = parser.parse_args()
    summary = asyncio.run(run(args.scale, args.seed, args.server))
    ok = summary.seconds < GOAL_S
    print(f"demo load on {summary.dialect} (scale {summary.scale}, seed {summary.seed})")
    for table, rows in summary.rows.items():
        print(f"  {table:<18} {rows:>10,}")
    print(
        f"rows {summary.total_rows:,}  seconds {summary.seconds:.1f}  rows/s {summary.rows_per_second:,.0f}  "
        f"goal < {GOAL_S:.0f} s: {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
