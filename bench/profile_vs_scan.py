"""Benchmark: profile the whole demo database vs one plain full scan of each table (goal: <= 5x).

The plain scan reads every row of every table to the client (``SELECT *``, streamed, rows discarded): the least a
tool that looks at every value must do. The profile is ``maat_nb.profile`` with ``stats="exact"`` (every figure
computed over every row) and with the default ``auto``.

    .venv/bin/python bench/profile_vs_scan.py [--scale 0.5] [--server URL | --db URL]

By default the demo shop is built at ``--scale`` in a temporary SQLite file; with ``--server`` (e.g.
``postgresql://postgres@127.0.0.1/postgres``) in a scratch database on that server, dropped afterwards; with
``--db`` an existing database is profiled as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

import maat_nb as mn
from maat_nb.demo import build_demo
from maat_nb.engines import open_engine
from maat_nb.migrations.scratch import scratch_database


async def plain_scan(url: str, tables: list[str]) -> tuple[float, int]:
    rows = 0
    started = time.perf_counter()
    async with open_engine(url) as engine, engine.connect() as conn:
        prep = conn.dialect.identifier_preparer
        for table in tables:
            result = await conn.stream(text(f"SELECT * FROM {prep.quote(table)}"))
            async for part in result.partitions(10_000):
                rows += len(part)
    return time.perf_counter() - started, rows


async def measure(url: str) -> None:
    first = await mn.profile(url, stats="exact")  # also warms the caches the scan will find warm too
    tables = [t.name for t in first.tables if t.table.kind == "table"]
    scan_s, rows = await plain_scan(url, tables)
    started = time.perf_counter()
    await mn.profile(url, stats="exact")
    exact_s = time.perf_counter() - started
    started = time.perf_counter()
    await mn.profile(url)
    auto_s = time.perf_counter() - started
    print(f"plain full scan of {len(tables)} tables ({rows:,} rows): {scan_s:6.2f} s")
    print(
        f"profile, stats=exact: {exact_s:6.2f} s   ratio {exact_s / scan_s:4.1f}x   "
        f"goal <= 5x: {'PASS' if exact_s / scan_s <= 5 else 'FAIL'}"
    )
    print(f"profile, stats=auto:  {auto_s:6.2f} s   ratio {auto_s / scan_s:4.1f}x")


async def build_and_measure(url: str, scale: float) -> None:
    summary = await build_demo(url, scale=scale, progress=False)
    print(
        f"{summary.dialect} demo at scale {scale}: {sum(summary.rows.values()):,} rows built in {summary.seconds:.1f} s"
    )
    await measure(url)


async def main_async(args: argparse.Namespace) -> None:
    if args.db:
        await measure(args.db)
    elif args.server:
        async with scratch_database(args.server) as url:
            await build_and_measure(url, args.scale)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "shop.db").touch()
            await build_and_measure(f"sqlite+aiosqlite:///{Path(tmp) / 'shop.db'}", args.scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--server", help="build the demo in a scratch database on this server")
    parser.add_argument("--db", help="profile this existing database instead")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
