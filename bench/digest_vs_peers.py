"""Query-log digest speed and memory against pt-query-digest (MariaDB slow log) and pgBadger (PostgreSQL log).

    .venv/bin/python bench/digest_vs_peers.py                       # both servers from MAAT_TEST_* or defaults
    .venv/bin/python bench/digest_vs_peers.py --mb 60 --pages 3000
    .venv/bin/python bench/digest_vs_peers.py --big-gb 1            # also: maat's peak RSS on a 1 GB log

The logs are real: the demo shop's workload run against a scratch copy of the demo on each server with the
server's own statement log switched on (see maat_nb.demo.serverlog), then concatenated up to ``--mb``.
Each tool runs as its own process; wall time and peak RSS come from wait4(). The ratios printed are from this run.
Targets (issue 3): >= 10x pt-query-digest's throughput with peak RSS <= 200 MB; >= 20x pgBadger -j 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from maat_nb.demo import build_demo
from maat_nb.demo.serverlog import record_server_log
from maat_nb.migrations.scratch import scratch_database

MAAT = [sys.executable, "-m", "maat_nb.cli"]


@dataclass
class Run:
    tool: str
    seconds: float
    peak_mb: float
    mb: float
    note: str = ""

    @property
    def mb_s(self) -> float:
        return self.mb / self.seconds if self.seconds else float("inf")


def measure(tool: str, argv: list[str], log_mb: float, stdout: Path) -> Run:
    """Run argv to completion under /usr/bin/time: wall time and the tool's own peak RSS.

    (wait4() on a child forked from this process would count this process's memory as the child's peak.)
    """
    stats = stdout.with_suffix(".time")
    wrapped = (
        ["/usr/bin/time", "-f", "%e %M", "-o", str(stats), *argv] if Path("/usr/bin/time").exists() else argv
    )
    started = time.perf_counter()
    with open(stdout, "wb") as out:
        proc = subprocess.run(wrapped, stdout=out, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        print(
            f"{tool} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}", file=sys.stderr
        )
    peak = float("nan")
    if stats.exists():
        wall, kib = stats.read_text().split()[-2:]
        seconds, peak = float(wall), int(kib) / 1024
    return Run(tool, seconds, peak, log_mb)


def measure_maat(big: Path, mb: float, work: Path, tag: str) -> list[Run]:
    """maat-nb digest in one process, in two, and in two without N+1 detection."""
    variants = [
        ("maat-nb digest --jobs 1", ["--jobs", "1"], "1"),
        ("maat-nb digest (2 processes)", ["--jobs", "2"], "2"),
        ("maat-nb digest (2 processes, no N+1)", ["--jobs", "2", "--no-n-plus-one"], "2x"),
    ]
    return [
        measure(label, [*MAAT, "digest", "--json", *flags, str(big)], mb, work / f"{tag}{suffix}.json")
        for label, flags, suffix in variants
    ]


def concatenate(base: Path, target: Path, mb: float) -> float:
    """Repeat ``base`` into ``target`` until it holds at least ``mb`` MB; returns the size in MB."""
    chunk = base.read_bytes()
    if not chunk.endswith(b"\n"):
        chunk += b"\n"
    with open(target, "wb") as out:
        written = 0
        while written < mb * 1e6:
            out.write(chunk)
            written += len(chunk)
    return target.stat().st_size / 1e6


async def server_log(server: str, path: Path, pages: int, scale: float) -> None:
    async with scratch_database(server) as url:
        await build_demo(url, scale=scale, seed=7)
        await record_server_log(url, path, pages=pages, seed=7)


def report(title: str, peer: Run, ours: list[Run], target: float) -> None:
    print(f"\n{title} ({peer.mb:,.1f} MB)")
    print(f"  {'tool':38} {'seconds':>8} {'MB/s':>8} {'peak MB':>8} {'speed x':>8}")
    for run in [peer, *ours]:
        ratio = run.mb_s / peer.mb_s
        print(f"  {run.tool:38} {run.seconds:8.2f} {run.mb_s:8.1f} {run.peak_mb:8.0f} {ratio:8.1f}")
    best = max(ours, key=lambda r: r.mb_s)
    print(f"  ratio: {best.mb_s / peer.mb_s:.1f}x {peer.tool} (target >= {target:.0f}x), best: {best.tool}")


def pt_classes(report: Path) -> str:
    for line in report.read_text(errors="replace").splitlines():
        if line.startswith("# Overall:"):
            return line.split(",")[1].strip()  # "22 unique"
    return "?"


def classes_of(path: Path) -> int:
    return int(json.loads(path.read_text())["unique_classes"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mariadb", default=os.environ.get("MAAT_TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306/test")
    )
    parser.add_argument(
        "--postgresql",
        default=os.environ.get("MAAT_TEST_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--mb", type=float, default=60.0, help="log size to measure on (default 60 MB)")
    parser.add_argument("--pages", type=int, default=3000, help="page views in the base log (default 3000)")
    parser.add_argument("--scale", type=float, default=0.05, help="demo scale of the scratch databases")
    parser.add_argument(
        "--big-gb", type=float, default=0.0, help="also measure maat's peak RSS on a log this big"
    )
    parser.add_argument("--only", choices=["mariadb", "postgresql"], help="one side only")
    parser.add_argument("--keep", metavar="DIR", help="keep the logs in DIR")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="maat_bench_digest_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.only != "postgresql":
            base = work / "mariadb-base.log"
            if not base.exists():
                print(f"recording {args.pages} page views on MariaDB ...", file=sys.stderr)
                asyncio.run(server_log(args.mariadb, base, args.pages, args.scale))
            big = work / "mariadb.log"
            mb = concatenate(base, big, args.mb)
            if shutil.which("pt-query-digest") is None:
                print("pt-query-digest is not installed (apt-get install percona-toolkit)", file=sys.stderr)
                return 2
            peer = measure("pt-query-digest", ["pt-query-digest", str(big)], mb, work / "pt.txt")
            ours = measure_maat(big, mb, work, "m")
            report("MariaDB 10.11 slow log, demo workload", peer, ours, 10)
            print(
                f"  classes: maat {classes_of(work / 'm1.json')}, pt-query-digest {pt_classes(work / 'pt.txt')}"
            )
        if args.only != "mariadb":
            base = work / "postgresql-base.log"
            if not base.exists():
                print(f"recording {args.pages} page views on PostgreSQL ...", file=sys.stderr)
                asyncio.run(server_log(args.postgresql, base, args.pages, args.scale))
            big = work / "postgresql.log"
            mb = concatenate(base, big, args.mb)
            if shutil.which("pgbadger") is None:
                print("pgbadger is not installed (apt-get install pgbadger)", file=sys.stderr)
                return 2
            prefix = "%m [%p] %q%u@%d "
            peer = measure(
                "pgbadger -j 1",
                [
                    "pgbadger",
                    "-j",
                    "1",
                    "-f",
                    "stderr",
                    "--prefix",
                    prefix,
                    "-o",
                    str(work / "pgbadger.txt"),
                    str(big),
                ],
                mb,
                work / "pgbadger.out",
            )
            ours = measure_maat(big, mb, work, "p")
            report("PostgreSQL 15 stderr log (asyncpg, extended protocol), demo workload", peer, ours, 20)
        if args.big_gb:
            base = work / "mariadb-base.log"
            huge = work / "huge.log"
            gb = concatenate(base, huge, args.big_gb * 1000) / 1000
            run = measure(
                "maat-nb digest", [*MAAT, "digest", "--json", str(huge)], gb * 1000, work / "huge.json"
            )
            huge.unlink()
            print(
                f"\n{gb:.2f} GB MariaDB slow log: {run.seconds:.1f} s, {run.mb_s:.1f} MB/s, peak RSS {run.peak_mb:.0f} MB"
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
