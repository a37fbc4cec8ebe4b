"""Benchmark: profile a 1 M-row table with maat-nb vs ydata-profiling (minimal mode) on the same rows.

Each tool runs in its own process so that its peak RSS is its own (read with ``os.wait4``). ydata-profiling gets the
rows already read into pandas (its read time is reported apart and not charged to it). Goal: maat-nb >= 10x
faster and <= 1/5 of the memory. maat-nb runs twice: ``stats=auto`` (its default: a table this big is sampled,
figures labelled ``sampled``) and ``stats=exact`` (every figure over every row, as ydata-profiling does).

    .venv/bin/python bench/profile_vs_ydata.py [--rows 1000000] [--server URL]

The table is generated in a temporary SQLite file (deterministic, shaped like the demo's price history: skewed
product ids, prices, a constant currency, timestamps over three years, a categorical source, a mostly-NULL note).
ydata-profiling always reads those rows; maat-nb profiles them there or, with ``--server`` (e.g.
``postgresql://postgres@127.0.0.1/postgres``), a copy in a scratch database on that server (analyzed, as a
production table would be), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from maat_nb.migrations.scratch import scratch_database

TABLE = "bench_price_history"

MAAT = """
import asyncio, json, sys, time
import maat_nb as mn
t = time.perf_counter()
p = asyncio.run(mn.profile(sys.argv[1], tables=[sys.argv[2]], stats=sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - t, "rows": p.tables[0].rows}))
"""

YDATA = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from sqlalchemy import create_engine
t = time.perf_counter()
url = sys.argv[1].replace("+aiosqlite", "").replace("+asyncpg", "+psycopg2").replace("+aiomysql", "+pymysql")
df = pd.read_sql_table(sys.argv[2], create_engine(url))
read = time.perf_counter() - t
from ydata_profiling import ProfileReport
t = time.perf_counter()
ProfileReport(df, minimal=True, progress_bar=False).get_description()
print(json.dumps({"seconds": time.perf_counter() - t, "read_seconds": read, "rows": len(df)}))
"""


def make_table(path: Path, rows: int) -> str:
    rng = random.Random(7)
    start = datetime(2022, 1, 1)
    con = sqlite3.connect(path)
    con.execute(
        f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, price NUMERIC(10,2) NOT NULL, "
        "currency VARCHAR(3) NOT NULL, recorded_at DATETIME NOT NULL, source VARCHAR(20) NOT NULL, note TEXT)"
    )
    sources = ["import", "manual", "feed", "api", "promo"]

    def gen():
        for i in range(1, rows + 1):
            product = int(rng.paretovariate(1.2)) % 50_000 + 1
            yield (
                i,
                product,
                round(rng.lognormvariate(3, 1), 2),
                "EUR",
                (start + timedelta(seconds=rng.randrange(3 * 365 * 86400))).isoformat(sep=" "),
                sources[min(int(rng.expovariate(1.0)), 4)],
                None if rng.random() < 0.9 else f"note {rng.randrange(1000)} – prix réduit",
            )

    con.executemany(f"INSERT INTO {TABLE} VALUES (?,?,?,?,?,?,?)", gen())
    con.commit()
    con.close()
    return f"sqlite+aiosqlite:///{path}"


def run(code: str, *args: str) -> tuple[dict, float]:
    """Run ``code`` in a child Python; return its JSON line and its peak RSS in MiB."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"child failed with status {status}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


async def copy_to(url: str, sqlite_path: Path) -> None:
    """Copy the generated table into the scratch database at ``url`` and analyze it."""
    from sqlalchemy import text

    from maat_nb.engines import create_engine

    con = sqlite3.connect(sqlite_path)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, "
                    "price NUMERIC(10,2) NOT NULL, currency VARCHAR(3) NOT NULL, recorded_at TIMESTAMP NOT NULL, "
                    "source VARCHAR(20) NOT NULL, note TEXT)"
                )
            )
            cur = con.execute(f"SELECT * FROM {TABLE}")
            insert = text(f"INSERT INTO {TABLE} VALUES (:a, :b, :c, :d, :e, :f, :g)")
            while batch := cur.fetchmany(20_000):
                rows = [
                    {
                        "a": r[0],
                        "b": r[1],
                        "c": r[2],
                        "d": r[3],
                        "e": datetime.fromisoformat(r[4]),
                        "f": r[5],
                        "g": r[6],
                    }
                    for r in batch
                ]
                await conn.execute(insert, rows)
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            analyze = "ANALYZE TABLE {} PERSISTENT FOR ALL" if conn.dialect.name == "mysql" else "ANALYZE {}"
            await conn.execute(text(analyze.format(TABLE)))
    finally:
        await engine.dispose()
        con.close()


def compare(url: str, sqlite_url: str) -> None:
    ydata, ydata_rss = run(YDATA, sqlite_url, TABLE)
    print(f"rows: {ydata['rows']:,}   maat-nb reads them from {url.split(':')[0]}")
    print(
        f"ydata-profiling minimal: {ydata['seconds']:7.2f} s   peak RSS {ydata_rss:6.0f} MiB"
        f"   (+ {ydata['read_seconds']:.2f} s reading into pandas, not counted)"
    )
    for mode in ("auto", "exact"):
        maat, maat_rss = run(MAAT, url, TABLE, mode)
        speed, memory = ydata["seconds"] / maat["seconds"], ydata_rss / maat_rss
        print(
            f"maat-nb stats={mode:5}:     {maat['seconds']:7.2f} s   peak RSS {maat_rss:6.0f} MiB   "
            f"speed {speed:5.1f}x (goal >= 10x: {'PASS' if speed >= 10 else 'FAIL'})   "
            f"memory {memory:4.1f}x (goal >= 5x: {'PASS' if memory >= 5 else 'FAIL'})"
        )


async def on_server(server: str, sqlite_path: Path, sqlite_url: str) -> None:
    async with scratch_database(server) as url:
        await copy_to(url, sqlite_path)
        await asyncio.to_thread(compare, url, sqlite_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--server", help="profile a copy in a scratch database on this server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        sqlite_url = make_table(path, args.rows)
        if args.server:
            asyncio.run(on_server(args.server, path, sqlite_url))
        else:
            compare(sqlite_url, sqlite_url)


if __name__ == "__main__":
    main()
