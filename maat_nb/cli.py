"""The ``maat-nb`` command: arguments in, one library call, output out.

Exit codes: 0 done; 1 the analysis (or a notebook) failed; 2 bad usage or configuration, with a one-line reason
on stderr. ``--json`` prints one JSON document on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from maat_nb.errors import MaatError

EPILOG = (
    "DB is a SQLAlchemy URL (postgresql://user@host/db, mysql://user@host/db, sqlite:///file.db) or env:NAME."
)


def _value(raw: str) -> Any:
    """Type a ``-p`` value the way papermill does (True/False/None, int, float, else the string), and read a JSON
    list or object (``-p tables '["products", "offers"]'``).

    >>> _value("3"), _value("0.5"), _value("None"), _value('["a", "b"]'), _value("sqlite:///x.db")
    (3, 0.5, None, ['a', 'b'], 'sqlite:///x.db')
    """
    if raw[:1] in {"[", "{"}:
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    if raw in {"True", "False", "None"}:
        return {"True": True, "False": False, "None": None}[raw]
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            pass
    return raw


def _interactive() -> bool:
    """Progress bars only for a person watching: a cron log gets the result lines alone."""
    return sys.stderr.isatty()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command (each with its own --help)."""
    parser = argparse.ArgumentParser(
        prog="maat-nb",
        description="Jupyter notebook kit for database specialists: profile tables, render reports.",
        epilog=EPILOG,
    )
    from maat_nb import __version__

    parser.add_argument("--version", action="version", version=f"maat-nb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "profile",
        help="Profile tables: sizes, rows, column statistics, indexes, findings.",
        description="Profile tables (read-only): sizes, row counts, column statistics, index "
        "usage and schema findings, each with the DDL that fixes it.",
        epilog=EPILOG,
    )
    p.add_argument("db", metavar="DB", help="database URL or env:NAME")
    p.add_argument(
        "--table", action="append", dest="tables", metavar="T", help="only this table (repeatable)"
    )
    p.add_argument("--schema", help="PostgreSQL schema (default: the current schema)")
    p.add_argument(
        "--sample-rows",
        type=int,
        default=20_000,
        metavar="N",
        help="sample size for big tables, common values and histograms (default 20000)",
    )
    p.add_argument(
        "--stats",
        choices=["auto", "exact", "sampled", "catalog"],
        default="auto",
        help="where figures come from (default auto: exact for small tables, fresh catalog "
        "statistics or a sample for big ones)",
    )
    p.add_argument("--timeout", type=float, default=300.0, metavar="S", help="statement timeout in seconds")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")

    d = sub.add_parser(
        "demo",
        help="Build the demo shop database (SQLite by default).",
        description="Create the demo shop's schema with its Alembic history and fill it with "
        "deterministic, realistically skewed data.",
        epilog=EPILOG,
    )
    d.add_argument("--engine", choices=["sqlite", "postgresql", "mariadb"], default="sqlite")
    d.add_argument(
        "--db",
        metavar="DB",
        help="target URL (required for postgresql and mariadb; default for sqlite: the kit's demo file)",
    )
    d.add_argument("--scale", type=float, default=0.05, help="1.0 is about 1 million rows (default 0.05)")
    d.add_argument("--seed", type=int, default=42)
    d.add_argument(
        "--workload",
        type=int,
        default=300,
        metavar="PAGES",
        help="then run this many page views of the shop's workload, captured as a query log (default 300; 0: skip)",
    )
    d.add_argument(
        "--workload-log",
        metavar="PATH",
        help="where to write it (default: workload.jsonl beside the SQLite file; for a server, "
        "workload-<db>.log in the kit's folder)",
    )
    d.add_argument(
        "--workload-capture",
        action="store_true",
        help="on PostgreSQL/MariaDB, record a capture instead of switching the server's statement log on "
        "for the run (that needs a local server and a superuser)",
    )
    d.add_argument("--json", action="store_true", help="print the row counts as JSON")

    g = sub.add_parser(
        "digest",
        help="Digest query logs: one row per query class, N+1 patterns.",
        description="Read MySQL/MariaDB slow logs, PostgreSQL stderr/csv/json logs or capture logs (plain, "
        ".gz, .bz2, .xz, or - for stdin), group statements by fingerprint and report each class's count, "
        "times, rows and tables, and the N+1 patterns found.",
        epilog="Several files merge into one digest. The format is detected per file from its first lines.",
    )
    g.add_argument(
        "logs",
        nargs="+",
        metavar="LOG",
        help="log file(s); - reads standard input; or one database URL to read pg_stat_statements "
        "(PostgreSQL) or performance_schema (MariaDB/MySQL) live, read-only",
    )
    g.add_argument(
        "--format",
        default="auto",
        choices=["auto", "mysql-slow", "pg-stderr", "pg-csv", "pg-json", "capture"],
        help="log format (default: detected per file)",
    )
    g.add_argument(
        "--log-line-prefix",
        metavar="PREFIX",
        help="the PostgreSQL server's log_line_prefix (default: detected from the first lines)",
    )
    g.add_argument("--top", type=int, default=20, metavar="N", help="classes to show (default 20; 0: all)")
    g.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes for plain files over 16 MB, split at record boundaries (default: the cores)",
    )
    g.add_argument(
        "--no-n-plus-one",
        action="store_true",
        help="skip N+1 detection",
    )
    g.add_argument("--json", action="store_true", help="print one JSON document on stdout")

    b = sub.add_parser(
        "bench-migrations",
        help="Time every Alembic revision up and down at several sizes, on scratch databases.",
        description="Apply each revision of an Alembic project up, down and up again on scratch databases "
        "(maat_scratch_*, created on DB's server and dropped afterwards) seeded at each scale; time every "
        "statement, check that no data is lost, probe rewrites/locks (PostgreSQL), ALTER algorithms "
        "(MariaDB) and table recreation (SQLite), and forecast production times.",
        epilog=EPILOG + " For SQLite any sqlite:// URL will do: scratch files go to a temporary folder.",
    )
    b.add_argument("db", metavar="DB", help="server URL or env:NAME (the database in it is not touched)")
    b.add_argument("--alembic-ini", required=True, metavar="PATH", help="the project's alembic.ini")
    b.add_argument(
        "--scales",
        default="1000,10000,100000",
        metavar="N,N,...",
        help="rows per table to seed before each revision (default 1000,10000,100000)",
    )
    b.add_argument("--repeats", type=int, default=1, metavar="N", help="down/up cycles per revision (median)")
    prod = b.add_mutually_exclusive_group()
    prod.add_argument(
        "--production-rows", type=int, metavar="N", help="forecast each step for N rows per table"
    )
    prod.add_argument(
        "--production-db",
        metavar="URL",
        help="read production row counts from this database (read-only, catalog estimates)",
    )
    b.add_argument("--json", action="store_true", help="print one JSON document on stdout")

    r = sub.add_parser(
        "run",
        help="Render a notebook into a dated HTML report.",
        description="Execute a notebook with papermill into reports/<date>/<name>-<time>.ipynb, "
        "render HTML (results only) and update reports/index.html. NOTEBOOK is profile_tables, a "
        "path to a notebook, or 'all'.",
        epilog=EPILOG,
    )
    r.add_argument("notebook", metavar="NOTEBOOK")
    r.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (repeatable)",
    )
    r.add_argument("--out", default="reports", metavar="DIR", help="report folder (default reports/)")
    r.add_argument("--with-code", action="store_true", help="keep the code cells in the HTML")
    r.add_argument("--kernel", metavar="NAME", help="Jupyter kernel (default: the notebook's)")
    return parser


def _print_profile(result: Any, as_json: bool) -> None:
    from maat_nb.profiling import findings_frame, tables_frame, to_json

    if as_json:
        json.dump(to_json(result), sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
        return
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 90):
        frame = tables_frame(result)[["table", "rows", "rows_source", "total_bytes", "indexes", "seconds"]]
        print(
            f"{result.catalog.dialect} database {result.catalog.database!r}: {len(result.tables)} tables "
            f"profiled in {result.seconds:.2f} s\n"
        )
        print(frame.to_string(index=False))
        findings = findings_frame(result)
        print(f"\n{len(findings)} findings")
        for row in findings.itertuples():
            print(f"- [{row.severity}] {row.kind} {row.table}: {row.detail}\n    fix: {row.fix}")
        for note in result.catalog.notes:
            print(f"note: {note}")


def _cmd_profile(args: argparse.Namespace) -> int:
    from maat_nb.profiling import profile

    result = asyncio.run(
        profile(
            args.db,
            tables=args.tables,
            schema=args.schema,
            sample_rows=args.sample_rows,
            stats=args.stats,
            timeout_s=args.timeout,
            progress=_interactive(),
        )
    )
    _print_profile(result, args.json)
    return 0


def _print_digest(result: Any, top: int | None) -> None:
    from maat_nb.querylog.frames import short_fingerprint

    d = result.digest
    span = f"{d.start} .. {d.end}" if d.start else "no timestamps"
    print(
        f"{d.events:,} statements in {len(d.classes):,} classes, {d.total_s:,.3f} s in total ({span}); "
        f"{d.bad_records:,} bad records"
    )
    for f in result.files:
        rate = f" ({f.mb_per_s:,.1f} MB/s)" if f.mb_per_s else ""
        print(f"  {f.path}: {f.format}, {f.lines:,} lines, {f.events:,} statements, {f.bad:,} bad{rate}")
    print()
    print(
        f"{'rank':>4} {'id':16} {'time %':>6} {'total s':>9} {'count':>8} {'mean ms':>9} {'p95 ms':>9}  fingerprint"
    )
    for rank, c in enumerate(d.classes[:top], 1):
        text = short_fingerprint(c.fingerprint, 90)
        print(
            f"{rank:>4} {c.id:16} {100 * c.share:>6.1f} {c.total_s:>9.3f} {c.count:>8,} "
            f"{c.mean_s * 1e3:>9.3f} {c.p95_s * 1e3:>9.3f}  {text}"
        )
    if len(d.classes) > (top or len(d.classes)):
        print(f"     ... {len(d.classes) - (top or 0):,} more classes (--top 0 shows all)")
    if result.n_plus_one:
        print(f"\n{len(result.n_plus_one)} N+1 pattern(s)")
        for p in result.n_plus_one:
            print(
                f"- {p.child_executions:,} executions of [{short_fingerprint(p.child, 80)}] after "
                f"[{short_fingerprint(p.parent or '', 70)}] in {p.occurrences:,} bursts, "
                f"{p.child_seconds:.3f} s\n    fix ({p.relationship}): {p.fix}"
            )
    for sample in d.bad_samples[:5]:
        print(f"bad record {sample.source}: {sample.reason}: {sample.sample[:80]!r}")


def _cmd_digest(args: argparse.Namespace) -> int:
    from maat_nb.errors import ConfigError
    from maat_nb.querylog.frames import to_json

    live = [a for a in args.logs if "://" in a or a.startswith("env:")]
    if live:
        if len(args.logs) > 1:
            raise ConfigError(
                "digest reads either log files or one database URL, not both.",
                fix="Run one maat-nb digest for the URL and one for the log files.",
            )
        from maat_nb.querylog.live import read_statement_stats
        from maat_nb.querylog.read import LogDigest

        stats = asyncio.run(read_statement_stats(live[0]))
        result = LogDigest(
            stats.digest, (), (), (), (f"source: {stats.source} at {stats.target}", *stats.notes)
        )
    else:
        result = _digest_files(args)
    top = args.top or None
    if args.json:
        doc = to_json(result, top)
        doc["notes"] = list(result.notes)
        json.dump(doc, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        _print_digest(result, top)
        for note in result.notes:
            print(f"note: {note}")
    for warning in result.warnings:
        print(f"maat-nb digest: warning: {warning}", file=sys.stderr)
    return 1 if result.digest.events == 0 else 0


def _digest_files(args: argparse.Namespace) -> Any:
    from maat_nb.querylog.read import default_jobs, digest_logs

    return digest_logs(
        args.logs,
        format=args.format,
        log_line_prefix=args.log_line_prefix,
        n_plus_one=not args.no_n_plus_one,
        jobs=args.jobs or default_jobs(),
        progress=_interactive(),
    )


def _workload_path(db: str) -> Path:
    """Beside the SQLite file; for a server, in the kit's folder, named after the database."""
    from maat_nb.demo import default_demo_path
    from maat_nb.engines import resolve

    target = resolve(db)
    if target.dialect == "sqlite" and target.url.database:
        return Path(target.url.database).with_name("workload.jsonl")
    return default_demo_path().with_name(f"workload-{target.database}.log")


def _cmd_demo(args: argparse.Namespace) -> int:
    from maat_nb.demo import build_demo, default_demo_url
    from maat_nb.demo.serverlog import record_server_log
    from maat_nb.demo.workload import record_workload
    from maat_nb.engines import resolve
    from maat_nb.errors import ConfigError

    db = args.db
    if db is None:
        if args.engine != "sqlite":
            raise ConfigError(
                f"--engine {args.engine} needs --db URL.", fix="Pass --db mysql://root@127.0.0.1/shop."
            )
        db = default_demo_url()
    summary = asyncio.run(build_demo(db, scale=args.scale, seed=args.seed, progress=_interactive()))
    log_path, statements = None, 0
    if args.workload > 0:
        log_path = Path(args.workload_log) if args.workload_log else _workload_path(db)
        if resolve(db).dialect == "sqlite" or args.workload_capture:
            _, statements = asyncio.run(record_workload(db, log_path, pages=args.workload, seed=args.seed))
        else:
            asyncio.run(record_server_log(db, log_path, pages=args.workload, seed=args.seed))
            statements = -1  # the server's log holds them; count with maat-nb digest
    if args.json:
        doc = {
            "url": summary.url,
            "rows": summary.rows,
            "seconds": summary.seconds,
            "workload_log": str(log_path) if log_path else None,
            "statements": statements,
        }
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        total = sum(summary.rows.values())
        print(
            f"demo shop at {summary.url}: {total:,} rows in {len(summary.rows)} tables, {summary.seconds:.1f} s"
        )
        if log_path and statements >= 0:
            print(f"workload: {args.workload} page views, {statements:,} statements captured in {log_path}")
        elif log_path:
            print(f"workload: {args.workload} page views, logged by the server into {log_path}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from maat_nb import reports

    params = {name: _value(value) for name, value in args.parameter}
    if args.notebook == "all":
        results = reports.run_all(params or None, out_dir=args.out, progress=_interactive())
    else:
        results = [
            reports.run_notebook(
                args.notebook,
                params,
                out_dir=args.out,
                with_code=args.with_code,
                kernel_name=args.kernel,
                progress=_interactive(),
            )
        ]
    for rep in results:
        print(f"{rep.status}: {rep.html_path}")
    print(f"index: {reports.write_index(args.out)}")
    return 0 if all(rep.status == "ok" for rep in results) else 1


def _cmd_bench_migrations(args: argparse.Namespace) -> int:
    from maat_nb.errors import ConfigError
    from maat_nb.migrations.frames import steps_frame, to_json
    from maat_nb.migrations.runner import bench_migrations, production_row_counts

    try:
        scales = [int(x) for x in args.scales.split(",") if x.strip()]
    except ValueError:
        raise ConfigError(
            f"--scales {args.scales!r} is not a list of row counts.", fix="Use e.g. 1000,10000."
        ) from None
    if not scales or min(scales) < 0:
        raise ConfigError(
            "--scales needs at least one row count >= 0.", fix="Use e.g. --scales 1000,10000,100000."
        )
    production: Any = args.production_rows
    if args.production_db:
        production = asyncio.run(production_row_counts(args.production_db))
    result = asyncio.run(
        bench_migrations(
            args.db, args.alembic_ini, scales=scales, repeats=args.repeats, production_rows=production
        )
    )
    if args.json:
        json.dump(to_json(result), sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        import pandas as pd

        frame = steps_frame(result).drop(columns=["engine", "advice"])
        print(
            f"{result.engine} at {result.server}: {len(result.revisions)} revisions x {len(scales)} scales, "
            f"{result.seconds:.1f} s"
        )
        with pd.option_context("display.width", 220, "display.max_columns", 20, "display.max_colwidth", 60):
            print(frame.to_string(index=False))
        for f in result.forecast:
            print(f"forecast {f.revision} {f.direction}: {f.summary}")
        failed = [s for s in result.steps if not s.ok]
        for s in failed:
            print(f"FAILED {s.revision} {s.direction} at {s.rows:,} rows: {s.error}")
    return 0 if result.ok else 1


COMMANDS = {
    "profile": _cmd_profile,
    "demo": _cmd_demo,
    "digest": _cmd_digest,
    "bench-migrations": _cmd_bench_migrations,
    "run": _cmd_run,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns (and exits with) the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code = COMMANDS[args.command](args)
    except MaatError as exc:
        print(f"maat-nb {args.command}: {exc}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        print("maat-nb: interrupted", file=sys.stderr)
        code = 130
    sys.stdout.flush()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
