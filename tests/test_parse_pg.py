"""PostgreSQL log parsers: stderr (any log_line_prefix, syslog, logplex), csvlog, jsonlog (+ CNPG, CloudSQL).

Expected event counts come from the pgBadger fixtures (tests/fixtures/pglogs/, copied from
darold/pgbadger@a1ad95a0 t/fixtures, PostgreSQL licence) and were checked independently of this code with grep:
an event is a ``duration: N ms  statement:`` / ``duration: N ms  execute <name>:`` line, or a ``statement:``
without duration; ``parse``/``bind`` duration lines are not executions. The commands are next to each number.
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
import random
import re
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import IO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maat_nb.querylog.events import ParseStats, QueryEvent
from maat_nb.querylog.parsers import pg_stderr
from maat_nb.querylog.parsers.pg_common import TimestampParser, parse_params
from maat_nb.querylog.parsers.pg_csv import parse_pg_csv, sniff_pg_csv
from maat_nb.querylog.parsers.pg_json import parse_pg_json, sniff_pg_json
from maat_nb.querylog.parsers.pg_stderr import (
    COMMON_PREFIXES,
    detect_prefix,
    parse_pg_stderr,
    prefix_regex,
    sniff_pg_stderr,
)

FIXTURES = Path(__file__).parent / "fixtures" / "pglogs"
SLOWLOG = Path(__file__).parent / "fixtures" / "slowlogs" / "slow002.txt"
CORPUS = Path("/work/shared/corpus/pglogs")
LOCAL_SERVER_LOG = Path("/var/log/postgresql/postgresql-15-main.log")
PARSERS = {"stderr": parse_pg_stderr, "csv": parse_pg_csv, "json": parse_pg_json}
SNIFFERS = {"stderr": sniff_pg_stderr, "csv": sniff_pg_csv, "json": sniff_pg_json}


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")


def _head(path: Path, n: int = 50) -> list[str]:
    with _open(path) as f:
        return [line for _, line in zip(range(n), f, strict=False)]


def _parse(path: Path, kind: str, **kw: object) -> tuple[list[QueryEvent], ParseStats]:
    stats = ParseStats()
    with _open(path) as f:
        events = list(PARSERS[kind](f, source=path.name, stats=stats, **kw))  # type: ignore[operator]
    assert stats.events == len(events)
    return events, stats


def _stderr(text: str, **kw: object) -> tuple[list[QueryEvent], ParseStats]:
    stats = ParseStats()
    events = list(parse_pg_stderr(text.splitlines(keepends=True), stats=stats, **kw))  # type: ignore[arg-type]
    assert stats.events == len(events)
    return events, stats


# -- corpus: format, counts -----------------------------------------------------------------------------------

# file -> (format, events); counts verified with grep (see module docstring), command in the comment
EXPECTED = {
    # grep -cE 'duration: [0-9.]+ ms +(statement|execute [^:]*):'  -> 5 (3 statement + 2 execute; 2 parse/bind
    # lines and 1 bind line are not executions)
    "multiline_param.log": ("stderr", 5),
    "anonymize.log": ("csv", 5),  # same grep -> 5 execute (the 3 bind lines are not counted)
    "weeknumber.log": ("csv", 6),  # same grep -> 6
    # same grep -> 1, plus grep -c ',"statement: ' -> 1 statement without duration
    "csv_statement_without_duration.log": ("csv", 2),
    "pg-timezones.log": ("stderr", 2),  # same grep -> 2
    "stmt_type.log": ("stderr", 12),  # same grep -> 12
    "postgresql_param_range.log": ("stderr", 3),  # same grep -> 3 (execute <unnamed>)
    "begin_end.log": ("stderr", 0),  # connections only
    "pg_rawcsv.log": ("stderr", 0),  # server start, ERROR + STATEMENT only
    "queryid.log.gz": ("stderr", 20),  # zcat | grep -c 'duration: ' -> 20, all "statement:"
    "tempfile_only.log.gz": ("stderr", 65),  # zcat | grep -c 'duration: ' -> 65, all "statement:"
    "logplex.gz": ("stderr", 4),  # zcat | grep -c 'duration: ' -> 4 (3 statement + 1 execute)
    "light.postgres.log.bz2": ("stderr", 629),  # bzcat | grep -c 'duration: [0-9.]* ms  statement: ' -> 629
    # zcat | grep -c '"message":"duration: [0-9.]* ms  statement: ' -> 400 (all duration lines)
    "cnpg.log.gz": ("json", 400),
    # no duration line; zcat | grep -c 'LOG:  statement: ' -> 1 statement without duration
    "cloudsql.log.gz": ("json", 1),
}
# big files stay in the shared corpus (skipped where it is missing)
EXPECTED_CORPUS = {
    # bzcat | grep -c 'duration: ' -> 114594, and grep -c 'LOG:  duration: [0-9.]* ms  statement: ' -> 114594:
    # every duration line is a simple-protocol execution (3 have an empty statement text; still executions,
    # like CNPG's "statement: ;"), so nothing is subtracted.
    "rds.log.bz2": ("stderr", 114594),
    # bzcat | grep -c 'duration: [0-9.]* ms  statement: ' -> 59871 (all duration lines)
    "pg-syslog.1.bz2": ("stderr", 59871),
    "pg-syslog.2.gz": ("stderr", 59871),
    "pg_vacuums.json.gz": ("json", 0),  # zcat | grep -c '"message":"duration' -> 0
    "pg_vacuums.log.gz": ("stderr", 0),  # zcat | grep -c 'duration: ' -> 0
    "pgbouncer.log.gz": (None, 0),  # not a PostgreSQL server log: no sniffer accepts it
    "pgbouncer.1.21.log.gz": (None, 0),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_counts_and_sniffers(name: str) -> None:
    kind, count = EXPECTED[name]
    path = FIXTURES / name
    head = _head(path)
    assert {k for k, sniff in SNIFFERS.items() if sniff(head)} == {kind}
    events, stats = _parse(path, kind)
    assert len(events) == count
    assert all(isinstance(e.sql, str) and e.source.startswith(f"{name}:") for e in events)
    if name != "pg_rawcsv.log":  # its two pg_ctl lines are counted as bad, checked below
        assert stats.bad == 0, stats.bad_samples[:3]


@pytest.mark.parametrize("name", sorted(EXPECTED_CORPUS))
def test_corpus_counts(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} not present (shared corpus)")
    kind, count = EXPECTED_CORPUS[name]
    head = _head(path)
    assert {k for k, sniff in SNIFFERS.items() if sniff(head)} == ({kind} if kind else set())
    events, stats = _parse(path, kind or "stderr")
    assert len(events) == count
    if kind is None:  # pgbouncer: every line is bad, and said so with the prefix that was tried
        assert stats.bad == stats.lines > 0
        assert "does not match log_line_prefix" in stats.bad_samples[0].reason
    else:
        assert stats.bad == 0, stats.bad_samples[:3]


def test_every_corpus_file_parses_with_every_parser() -> None:
    """No exception on any file of the corpus (plain, gz, bz2), whichever parser reads it."""
    files = sorted(FIXTURES.iterdir()) + (sorted(CORPUS.iterdir()) if CORPUS.exists() else [])
    for path in files:
        if path.stat().st_size > 1_000_000:  # the big ones are read by test_corpus_counts already
            continue
        for parser in PARSERS.values():
            stats = ParseStats()
            with _open(path) as f:
                n = sum(1 for _ in parser(f, source=path.name, stats=stats))  # type: ignore[operator]
            assert n == stats.events


def test_rds_fields() -> None:
    path = CORPUS / "rds.log.bz2"
    if not path.exists():
        pytest.skip(f"{path} not present (shared corpus)")
    with _open(path) as f:
        events = list(parse_pg_stderr(f, source="rds"))
    local = events[0]  # 2020-03-11 20:40:44 CET:[local]:postgres@template1:[12774]:LOG:  duration: 0.027 ms
    assert (local.sql, local.duration_s, local.host, local.user, local.db, local.session) == (
        "",
        0.000027,
        "[local]",
        "postgres",
        "template1",
        "12774",
    )
    assert local.ts == datetime(2020, 3, 11, 20, 40, 44, tzinfo=timezone(timedelta(hours=1)))
    tcp = [e for e in events if e.host and e.host[0].isdigit()]
    assert tcp and all("(" not in e.host for e in tcp if e.host)  # %r "192.168.1.201(50906)" -> host only
    assert sum(1 for e in events if e.sql == "") == 3  # grep -c 'statement: $' -> 3


def test_syslog_fields_and_continuations() -> None:
    path = CORPUS / "pg-syslog.1.bz2"
    if not path.exists():
        pytest.skip(f"{path} not present (shared corpus)")
    with _open(path) as f:
        events = list(parse_pg_stderr(f, source="syslog", year=2019))
    first = events[0]  # [7-1] .. [7-8], continuation lines "#011       pg_catalog..."
    assert first.sql.startswith('SELECT d.datname as "Name",\n       pg_catalog.pg_get_userbyid(d.datdba)')
    assert first.sql.endswith("FROM pg_catalog.pg_database d\nORDER BY 1")
    assert "#011" not in first.sql
    assert (first.ts, first.session, first.user, first.db, first.host, first.extra.get("app")) == (
        datetime(2019, 2, 11, 13, 15, 40),
        "10819",
        "postgres",
        "postgres",
        "[local]",
        "psql",
    )
    assert first.source == "syslog:11"


def test_syslog_interleaved_parts_and_long_line_chunks() -> None:
    log = (
        "Mar  1 10:00:00 db1 postgres[11]: [5-1] user=a,db=x LOG:  duration: 1.000 ms  statement: SELECT 1,\n"
        "Mar  1 10:00:00 db1 postgres[22]: [9-1] user=b,db=y LOG:  duration: 2.000 ms  statement: SELECT 'abc\n"
        "Mar  1 10:00:00 db1 postgres[11]: [5-2] #011  2\n"
        "Mar  1 10:00:00 db1 postgres[22]: [9-2]  def'\n"  # a long line cut by PostgreSQL: no newline, no TAB
        "Mar  1 10:00:01 db1 systemd[1]: Started something.\n"  # another program: skipped, not bad
        "Mar  1 10:00:01 db1 postgres[11]: [6-1] user=a,db=x LOG:  duration: 3.000 ms  execute S_1: SELECT $1\n"
        "Mar  1 10:00:01 db1 postgres[11]: [6-2] user=a,db=x DETAIL:  parameters: $1 = '7'\n"
        "Mar  1 10:00:02 db1 postgres[11]: [7-2] #011orphan part\n"  # a part whose first line is missing: bad
    )
    events, stats = _stderr(log, year=2023)
    assert detect_prefix(log.splitlines(keepends=True)) == "%quser=%u,db=%d "  # guessed: not in the list
    assert sorted((e.session, e.sql, e.duration_s) for e in events) == [
        ("11", "SELECT $1", 0.003),
        ("11", "SELECT 1,\n  2", 0.001),
        ("22", "SELECT 'abc def'", 0.002),
    ]
    execute = next(e for e in events if e.params)
    assert execute.params == ("'7'",) and execute.ts == datetime(2023, 3, 1, 10, 0, 1) and execute.user == "a"
    assert stats.bad == 1 and stats.bad_samples[0].source == "<stdin>:8" and stats.lines == 8
    iso = "2024-05-01T10:00:00.123456+02:00 db1 postgres[5]: [1-1] LOG:  duration: 4.000 ms  statement: SELECT 4\n"
    (event,), _ = _stderr(iso)
    assert event.ts == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))


# -- the one rule: what is an execution -----------------------------------------------------------------------


def test_multiline_param_extended_protocol() -> None:
    events, _ = _parse(FIXTURES / "multiline_param.log", "stderr")
    executes = [e for e in events if e.params is not None]
    assert [e.source for e in events] == [f"multiline_param.log:{n}" for n in (1, 2, 3, 8, 14)]
    assert len(executes) == 2  # parse + bind + execute of the same statement count once
    first, second = executes
    assert first.params == ("'1234'", "'njchar\nhello'", "'aaaa'")  # embedded newline, TAB removed
    assert second.params == ("'1234'", "'njvarchar\nbye'", "'iiii'")
    assert first.duration_s == pytest.approx(0.000215)
    assert first.extra["parse_s"] == "0.001163" and first.extra["bind_s"] == "0.0007"
    assert (
        "parse_s" not in second.extra and second.extra["bind_s"] == "0.000145"
    )  # bind only: reused statement
    assert first.sql.startswith("SELECT t.oid FROM pg_catalog.pg_type t") and first.sql.endswith(
        "t.test = $3"
    )
    assert first.ts == datetime(2021, 12, 3, 7, 14, 48, 594000, tzinfo=UTC)
    assert (first.user, first.db, first.session) == ("user1", "mydb", "4913")


def test_statement_without_duration_does_not_inherit_csv() -> None:
    events, _ = _parse(FIXTURES / "csv_statement_without_duration.log", "csv")
    slow = next(e for e in events if "slow_table" in e.sql)
    health = next(e for e in events if "health_check" in e.sql)
    assert slow.duration_s == pytest.approx(688.786283)
    assert health.duration_s is None
    assert slow.session == "00000001.000003e9" and slow.host == "192.0.2.10" and slow.user == "example_user"
    assert health.extra["app"] == "example healthcheck"


def test_log_statement_pairs_with_its_own_bare_duration() -> None:
    log = (
        "2024-01-01 10:00:00.000 UTC [1] LOG:  duration: 5.000 ms  execute s1: SELECT 1\n"
        "2024-01-01 10:00:01.000 UTC [2] LOG:  statement: SELECT 2\n"
        "2024-01-01 10:00:01.500 UTC [3] LOG:  statement: SELECT 3;\n"
        "2024-01-01 10:00:02.000 UTC [4] LOG:  duration: 7.000 ms\n"  # pid 4 logged nothing before: ignored
        "2024-01-01 10:00:03.000 UTC [3] LOG:  duration: 9.500 ms\n"  # ends pid 3's statement
        "2024-01-01 10:00:04.000 UTC [3] LOG:  duration: 1.000 ms\n"  # nothing pending any more: ignored
        "2024-01-01 10:00:05.000 UTC [5] LOG:  statement: SELECT 5\n"
        "2024-01-01 10:00:05.100 UTC [5] ERROR:  division by zero\n"
        "2024-01-01 10:00:05.100 UTC [5] STATEMENT:  SELECT 5\n"
        "2024-01-01 10:00:06.000 UTC [5] LOG:  duration: 0.300 ms\n"  # after the error: not SELECT 5's
    )
    events, stats = _stderr(log)
    by_sql = {e.sql: e for e in events}
    assert set(by_sql) == {"SELECT 1", "SELECT 2", "SELECT 3", "SELECT 5"}
    assert by_sql["SELECT 1"].duration_s == pytest.approx(0.005)
    assert by_sql["SELECT 2"].duration_s is None
    assert by_sql["SELECT 3"].duration_s == pytest.approx(0.0095)
    assert by_sql["SELECT 3"].source == "<stdin>:3"  # where the statement was logged
    assert by_sql["SELECT 5"].duration_s is None
    assert stats.bad == 0 and stats.lines == 10


def test_interleaved_backends_keep_their_parameters() -> None:
    log = (
        "2024-01-01 10:00:00.001 UTC [100] app@db1 LOG:  duration: 0.100 ms  parse S_1: SELECT $1\n"
        "2024-01-01 10:00:00.002 UTC [200] app@db2 LOG:  duration: 0.200 ms  parse <unnamed>: SELECT $1, $2\n"
        "2024-01-01 10:00:00.003 UTC [100] app@db1 LOG:  duration: 0.300 ms  bind S_1: SELECT $1\n"
        "2024-01-01 10:00:00.004 UTC [200] app@db2 LOG:  duration: 0.400 ms  bind <unnamed>/C_1: SELECT $1, $2\n"
        "2024-01-01 10:00:00.005 UTC [100] app@db1 DETAIL:  parameters: $1 = 'bind-a'\n"
        "2024-01-01 10:00:00.006 UTC [200] app@db2 DETAIL:  parameters: $1 = 'bind-b', $2 = NULL\n"
        "2024-01-01 10:00:00.007 UTC [100] app@db1 LOG:  duration: 1.000 ms  execute S_1: SELECT $1\n"
        "2024-01-01 10:00:00.008 UTC [200] app@db2 LOG:  duration: 2.000 ms  execute <unnamed>/C_1: "
        "SELECT $1, $2\n"
        "2024-01-01 10:00:00.009 UTC [200] app@db2 DETAIL:  parameters: $1 = 'two\n"
        "\tlines', $2 = NULL\n"
        "2024-01-01 10:00:00.010 UTC [300] LOG:  checkpoint starting: time\n"
        "2024-01-01 10:00:00.011 UTC [100] app@db1 DETAIL:  parameters: $1 = 'a'\n"
        "2024-01-01 10:00:00.012 UTC [100] app@db1 LOG:  duration: 0.500 ms  bind S_1: SELECT $1\n"
        "2024-01-01 10:00:00.013 UTC [200] app@db2 LOG:  duration: 3.000 ms  execute fetch from <unnamed>/C_1: "
        "SELECT $1, $2\n"
        "2024-01-01 10:00:00.014 UTC [100] app@db1 DETAIL:  parameters: $1 = 'x'\n"
        "2024-01-01 10:00:00.015 UTC [100] app@db1 LOG:  duration: 4.000 ms  execute S_1: SELECT $1\n"
    )
    assert detect_prefix(log.splitlines(keepends=True)) == "%m [%p] %q%u@%d "
    events, stats = _stderr(log)
    assert stats.bad == 0
    assert len(events) == 4  # 4 execute lines; 2 parse and 3 bind lines are not executions
    ev = {(e.session, e.duration_s): e for e in events}
    a1, b1 = ev[("100", 0.001)], ev[("200", 0.002)]
    assert a1.params == ("'a'",) and a1.db == "db1" and a1.user == "app"
    assert a1.extra["parse_s"] == "0.0001" and a1.extra["bind_s"] == "0.0003"
    assert b1.params == ("'two\nlines'", "NULL") and b1.db == "db2"
    assert b1.extra["parse_s"] == "0.0002" and b1.extra["bind_s"] == "0.0004"
    b2 = ev[("200", 0.003)]  # fetch from the same portal: no DETAIL, no bind of its own
    assert b2.params is None and "bind_s" not in b2.extra
    a2 = ev[("100", 0.004)]  # no DETAIL after the execute: the parameters of its own bind
    assert a2.params == ("'x'",) and a2.extra["bind_s"] == "0.0005" and "parse_s" not in a2.extra
    assert a2.source == "<stdin>:16"


def test_auto_explain_and_other_messages_are_not_events() -> None:
    log = (
        "2024-01-01 10:00:00 UTC [7]: [1-1] user=u,db=d,app=psql,client=10.0.0.1 LOG:  duration: 3.651 ms  plan:\n"
        "\tQuery Text: SELECT 1\n"
        "\tResult  (cost=0.00..0.01 rows=1 width=4)\n"
        "2024-01-01 10:00:00 UTC [7]: [2-1] user=u,db=d,app=psql,client=10.0.0.1 LOG:  duration: 3.700 ms  "
        "statement: SELECT 1\n"
        "2024-01-01 10:00:01 UTC [7]: [3-1] user=u,db=d,app=psql,client=10.0.0.1 LOG:  temporary file: "
        'path "base/pgsql_tmp/pgsql_tmp7.0", size 24576\n'
        "2024-01-01 10:00:01 UTC [7]: [4-1] user=u,db=d,app=psql,client=10.0.0.1 STATEMENT:  SELECT 2\n"
        '2024-01-01 10:00:02 UTC [8]: [1-1] user=,db=,app=,client= LOG:  automatic vacuum of table "a.b.c"\n'
        "\tpages: 0 removed\n"
        "2024-01-01 10:00:03 UTC [7]: [5-1] user=u,db=d,app=PostgreSQL JDBC Driver,client=10.0.0.1 LOG:  "
        "duration: 1.000 ms  statement: SELECT 3\n"
    )
    events, stats = _stderr(log)
    assert [(e.sql, e.duration_s) for e in events] == [("SELECT 1", 0.0037), ("SELECT 3", 0.001)]
    assert events[1].extra["app"] == "PostgreSQL JDBC Driver" and events[1].host == "10.0.0.1"
    assert stats.bad == 0


def test_unmatched_lines_are_counted_with_the_prefix() -> None:
    events, stats = _parse(FIXTURES / "pg_rawcsv.log", "stderr")
    assert events == []
    assert stats.bad == 2 and stats.lines == 14
    assert [b.source for b in stats.bad_samples] == ["pg_rawcsv.log:3", "pg_rawcsv.log:4"]
    assert stats.bad_samples[0].reason == "line does not match log_line_prefix '%m [%p] %q%u@%d '"


def test_parameters_with_ranges_and_commas() -> None:
    events, _ = _parse(FIXTURES / "postgresql_param_range.log", "stderr")
    first = events[0]
    assert first.params is not None and len(first.params) == 8
    assert first.params[-1] == "'[2023-02-23T00:00,2023-02-24T00:00]'"
    assert first.extra["app"] == "76ae131687c458a8" and first.user == "usr6" and first.db == "progdb"
    assert first.ts == datetime(2023, 3, 7, 9, 6, 8, tzinfo=timezone(timedelta(hours=1)))


def test_parse_params_forms() -> None:
    assert parse_params("parameters: $1 = 'a, $2 = b', $2 = NULL") == ("'a, $2 = b'", "NULL")
    assert parse_params("Parameters: $10 = '10', $2 = '2', $1 = 'it''s'") == ("'it''s'", "'2'", "'10'")
    assert parse_params("parameters: $1 = 'abcdef...'") == ("'abcdef...'",)  # log_parameter_max_length
    assert parse_params("parameters: $1 = '12', $2 = 'cut her") == ("'12'", "'cut her")
    assert parse_params("Process holding the lock: 4821.") is None


def test_queryid_and_tab_continuations() -> None:
    events, _ = _parse(FIXTURES / "queryid.log.gz", "stderr")
    second = events[1]
    assert second.extra["queryid"] == "4266247047529477710"
    assert second.sql.startswith('SELECT n.nspname as "Schema",\n  c.relname as "Name",')
    assert second.sql.endswith("ORDER BY 1,2")
    assert events[-1].sql == "execute foo(1)"


def test_heroku_logplex() -> None:
    events, stats = _parse(FIXTURES / "logplex.gz", "stderr")
    assert stats.bad == 0
    last = events[-1]
    assert last.sql.startswith('UPDATE "checkers" SET redundant_missions_count =\n        (\n')
    assert last.session == "5925" and last.duration_s == pytest.approx(85.756273)
    assert last.ts == datetime(2021, 9, 7, 4, 1, 27, tzinfo=UTC)


def test_jsonlog_pg15_keys_omitted() -> None:
    lines = [
        '{"timestamp":"2024-06-27 00:00:07.369 CEST","pid":58151,"session_id":"667c8f67.e327","line_num":1,'
        '"error_severity":"LOG","message":"automatic vacuum of table \\"a.b\\"","backend_type":"autovacuum worker"}\n',
        '{"timestamp":"2024-06-27 00:00:08.000 CEST","user":"bob","dbname":"shop","pid":42,"remote_host":"10.1.1.1",'
        '"remote_port":5000,"session_id":"667c8f68.2a","error_severity":"LOG","application_name":"api",'
        '"message":"duration: 12.500 ms  execute S_1: SELECT * FROM t WHERE id = $1",'
        '"detail":"parameters: $1 = \'7\'","query_id":-123}\n',
        "not json\n",
        '{"timestamp":"2024-06-27 00:00:09.000 CEST","pid":43,"error_severity":"LOG",'
        '"message":"statement: SELECT 1"}\n',
    ]
    assert sniff_pg_json(lines) and not sniff_pg_stderr(lines) and not sniff_pg_csv(lines)
    stats = ParseStats()
    events = list(parse_pg_json(lines, source="j", stats=stats))
    assert stats.bad == 1 and stats.bad_samples[0].source == "j:3" and stats.lines == 4
    e = events[0]
    assert (e.sql, e.duration_s, e.params, e.user, e.db, e.host, e.session) == (
        "SELECT * FROM t WHERE id = $1",
        0.0125,
        ("'7'",),
        "bob",
        "shop",
        "10.1.1.1",
        "667c8f68.2a",
    )
    assert e.extra == {"app": "api", "queryid": "-123"}
    assert e.ts == datetime(2024, 6, 27, 0, 0, 8, tzinfo=timezone(timedelta(hours=2)))
    assert (events[1].sql, events[1].duration_s, events[1].user) == ("SELECT 1", None, None)


def test_cnpg_and_cloudsql_fields() -> None:
    events, stats = _parse(FIXTURES / "cnpg.log.gz", "json")
    assert stats.bad == 0  # operator lines are skipped, not bad
    # zcat | grep -c '"message":"duration: [0-9.]* ms  statement: ;"' -> 74 health checks with an empty statement
    assert sum(1 for e in events if e.sql == "") == 74
    assert events[0].host == "[local]" and events[0].extra["app"] == "cnpg-instance-manager"
    created = [e for e in events if e.sql.startswith("create table countries")]
    assert [(e.sql, e.duration_s) for e in created] == [
        ("create table countries (id int, name varchar(20))", 0.042515)
    ]
    events, stats = _parse(FIXTURES / "cloudsql.log.gz", "json")
    (only,) = events
    assert (only.sql, only.duration_s, only.db, only.user, only.session) == (
        "SELECT *  FROM t1",
        None,
        "test",
        "cloudsqladmin",
        "202",
    )
    assert only.ts == datetime(2020, 5, 2, 13, 43, 20, 415426, tzinfo=UTC)


def test_csv_multiline_record_and_columns() -> None:
    row = (
        '2024-01-02 03:04:05.678 UTC,"u","d",99,"[local]",65f0.63,3,"SELECT",2024-01-02 03:00:00 UTC,3/7,0,LOG,'
        '00000,"duration: 1.500 ms  execute <unnamed>: SELECT\n  ""x"" FROM t\n WHERE a = $1",'
        '"parameters: $1 = \'line1\nline2\'",,,,,,,,"psql","client backend",,4242\n'
    )
    lines = ["\n", *row.splitlines(keepends=True), "garbage,line\n"]
    stats = ParseStats()
    events = list(parse_pg_csv(lines, source="c", stats=stats))
    (e,) = events
    assert e.sql == 'SELECT\n  "x" FROM t\n WHERE a = $1'
    assert e.params == ("'line1\nline2'",)
    assert (e.host, e.session, e.source, e.extra) == (
        "[local]",
        "65f0.63",
        "c:2",
        {"app": "psql", "queryid": "4242"},
    )
    assert (
        stats.bad == 1 and stats.bad_samples[0].source == "c:6" and stats.lines == 6
    )  # the record has 4 lines


# -- prefixes -------------------------------------------------------------------------------------------------


def test_local_server_prefix_default() -> None:
    """The local PostgreSQL 15 server writes the Debian default '%m [%p] %q%u@%d '."""
    if not os.access(LOCAL_SERVER_LOG, os.R_OK):
        pytest.skip(f"{LOCAL_SERVER_LOG} not readable")
    lines = LOCAL_SERVER_LOG.read_text(errors="replace").splitlines(keepends=True)[:200]
    if not lines:
        pytest.skip("empty server log")
    assert detect_prefix(lines) == "%m [%p] %q%u@%d "
    stats = ParseStats()
    list(parse_pg_stderr(lines, stats=stats))
    assert stats.bad == 0


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("multiline_param.log", "%m [%p] user=%u,db=%d "),
        ("stmt_type.log", "%m [%p] %q%u@%d "),
        ("pg-timezones.log", "%t:%r:%u@%d:[%p]:"),
        ("light.postgres.log.bz2", "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h "),
        ("tempfile_only.log.gz", "%t [%p]: [%l-1] user=%u,db=%d "),
        ("begin_end.log", "%t [%p]: db=%d,user=%u,app=%a,client=%h "),
        ("logplex.gz", " sql_error_code = %e "),
        # not in the list: guessed from the lines' shape
        ("postgresql_param_range.log", "%t [%p]: [%l-1] [%x] %qusr=%u,db=%d,appli=%a "),
        ("queryid.log.gz", "%m [%p] [queryid=%Q] %q%u@%d "),
    ],
)
def test_detect_prefix(name: str, prefix: str) -> None:
    assert detect_prefix(_head(FIXTURES / name)) == prefix


def test_detect_prefix_none_and_explicit_prefix() -> None:
    assert detect_prefix(_head(SLOWLOG)) is None
    assert detect_prefix(["just some text\n", "and more\n"]) is None
    line = "2024-01-01 10:00:00 UTC|bob|shop|77|LOG:  duration: 2.000 ms  statement: SELECT 1\n"
    events, stats = _stderr(line, prefix="%t|%u|%d|%p|")
    assert [(e.user, e.db, e.session, e.duration_s) for e in events] == [("bob", "shop", "77", 0.002)]
    _, stats = _stderr(line, prefix="%m [%p] ")
    assert stats.bad == 1 and "'%m [%p] '" in stats.bad_samples[0].reason


def test_every_common_prefix_compiles_and_matches_itself() -> None:
    for prefix in COMMON_PREFIXES:
        values = {"t": "2024-01-02 03:04:05 CET", "m": "2024-01-02 03:04:05.678 CET", "p": "42", "l": "7"}
        values |= {
            "u": "bob",
            "d": "shop",
            "a": "my app",
            "h": "10.0.0.1",
            "r": "10.0.0.1(5432)",
            "e": "00000",
        }
        values |= {"c": "65f0a1b2.2a"}
        line = re.sub(r"%(.)", lambda m, v=values: v.get(m.group(1), ""), prefix) + "LOG:  hello"
        m = prefix_regex(prefix).match(line)
        assert m is not None, prefix
        assert m.group("severity") == "LOG" and line[m.end() :] == "hello"
        if "%u" in prefix:
            assert m.group("user") == "bob" and m.group("db") == "shop"


def test_prefix_padding_literals_and_unknown_escapes() -> None:
    m = prefix_regex("%-8u|%5p|%%%Z|%q%d ").match("bob     |   42|%|shop LOG:  x")
    assert m is not None and m.group("user", "pid", "db") == ("bob", "42", "shop")
    m = prefix_regex("(%a) $%e. ").match("(psql 16) $57014. ERROR:  canceling statement")
    assert m is not None and m.group("app", "sqlstate", "severity") == ("psql 16", "57014", "ERROR")
    assert prefix_regex("%m [%p] ").match("\t2024-01-01 10:00:00.000 UTC [1] LOG:  x") is None
    events, stats = _stderr(
        "\ufeff2024-01-01 10:00:00.000 UTC [1] LOG:  duration: 1 ms  statement: SELECT 1\n"
    )
    assert len(events) == 1 and stats.bad == 0


# hypothesis: random log_line_prefix, format a line with it, read it back
_SEPARATORS = " :@[]=,|/<>#"
_LITERAL = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(list(_SEPARATORS)),
    st.text(alphabet=string.ascii_letters + _SEPARATORS + ".*+?^$\\{}()%-", max_size=6),
)
_IDENT = st.text(alphabet=string.ascii_lowercase + string.digits + "_", min_size=0, max_size=10)
_WORD = st.text(alphabet=string.ascii_letters + string.digits + "_.", min_size=1, max_size=12)
_ZONE = st.sampled_from(["UTC", "CET", "CEST", "+01", "-0330", "MSK", "EST"])


@st.composite
def _stamp(draw: st.DrawFn, millis: bool) -> str:
    dt = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    if millis:
        text += f".{dt.microsecond // 1000:03d}"
    return f"{text} {draw(_ZONE)}"


_VALUES: dict[str, st.SearchStrategy[str]] = {
    "t": _stamp(False),
    "m": _stamp(True),
    "s": _stamp(False),
    "n": st.builds(lambda s, ms: f"{s}.{ms:03d}", st.integers(10**8, 2 * 10**9), st.integers(0, 999)),
    "p": st.integers(1, 4_000_000).map(str),
    "P": st.one_of(st.just(""), st.integers(1, 99999).map(str)),
    "c": st.builds(lambda a, b: f"{a:x}.{b:x}", st.integers(1, 2**32), st.integers(1, 2**22)),
    "l": st.integers(1, 10**6).map(str),
    "x": st.integers(0, 2**32).map(str),
    "v": st.one_of(
        st.just(""), st.builds(lambda a, b: f"{a}/{b}", st.integers(1, 999), st.integers(0, 10**6))
    ),
    "e": st.text(alphabet=string.digits + string.ascii_uppercase, min_size=5, max_size=5),
    "Q": st.integers(-(2**63), 2**63 - 1).map(str),
    "u": _IDENT,
    "d": _IDENT,
    "a": _WORD,
    "b": _WORD,
    "i": _WORD,
    "h": st.one_of(st.just("[local]"), st.from_regex(r"[a-z0-9][a-z0-9.-]{0,14}", fullmatch=True)),
    "r": st.one_of(
        st.just("[local]"),
        st.builds(
            lambda h, p: f"{h}({p})", st.from_regex(r"[0-9.]{1,15}", fullmatch=True), st.integers(1, 65535)
        ),
    ),
}
_NAMES = {"t": "ts", "m": "ts", "n": "ts", "s": "session_start", "p": "pid", "P": "leader", "c": "session"}
_NAMES |= {"l": "line", "x": "xid", "v": "vxid", "e": "sqlstate", "Q": "queryid", "u": "user", "d": "db"}
_NAMES |= {"a": "app", "b": "backend", "i": "tag", "h": "host", "r": "host"}


@st.composite
def _prefix_and_line(draw: st.DrawFn) -> tuple[str, str, dict[str, str], str]:
    escapes = draw(st.lists(st.sampled_from(sorted(_VALUES)), min_size=1, max_size=7))
    prefix_parts: list[str] = []
    line_parts: list[str] = []
    expected: dict[str, str] = {}
    q_at = draw(st.integers(0, len(escapes)))  # %q before escape number q_at (== len: no %q)
    cut: int | None = None
    if draw(st.booleans()):
        lit = draw(_LITERAL)
        prefix_parts.append(lit.replace("%", "%%"))
        line_parts.append(lit)
    for i, esc in enumerate(escapes):
        if i == q_at:
            prefix_parts.append("%q")
            cut = len(line_parts)
        value = draw(_VALUES[esc])
        prefix_parts.append("%" + esc)
        line_parts.append(value)
        if _NAMES[esc] not in expected:
            expected[_NAMES[esc]] = value
        lit = draw(_LITERAL)  # every escape is followed by a literal separator
        prefix_parts.append(lit.replace("%", "%%"))
        line_parts.append(lit)
    background = cut is not None and draw(st.booleans())
    if background:  # a background process: PostgreSQL stops the prefix at %q
        names_after = {_NAMES[e] for e in escapes[q_at:]} - {_NAMES[e] for e in escapes[:q_at]}
        expected = {k: v for k, v in expected.items() if k not in names_after}
        line_parts = line_parts[:cut]
    message = draw(st.text(alphabet=string.ascii_letters + string.digits + " '", max_size=30))
    return "".join(prefix_parts), "".join(line_parts), expected, message


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_prefix_and_line(), st.sampled_from(["LOG", "ERROR", "DETAIL", "STATEMENT", "DEBUG2"]))
def test_prefix_roundtrip(case: tuple[str, str, dict[str, str], str], severity: str) -> None:
    prefix, head, expected, message = case
    line = f"{head}{severity}:  {message}"
    m = prefix_regex(prefix).match(line)
    assert m is not None, (prefix, line)
    assert m.group("severity") == severity
    assert line[m.end() :] == message
    for name, value in expected.items():
        assert m.group(name) == value, (prefix, line, name)


@settings(max_examples=150, deadline=None)
@given(_prefix_and_line())
def test_prefix_roundtrip_through_parser(case: tuple[str, str, dict[str, str], str]) -> None:
    prefix, head, expected, _ = case
    lines = [
        f"{head}LOG:  duration: 1.250 ms  statement: SELECT 1;\n",
        f"{head}LOG:  duration: 2.000 ms  execute S_1: SELECT $1\n",
        f"{head}DETAIL:  parameters: $1 = 'v'\n",
    ]
    stats = ParseStats()
    events = list(parse_pg_stderr(lines, stats=stats, prefix=prefix))
    assert stats.bad == 0 and [(e.sql, e.duration_s) for e in events] == [
        ("SELECT 1", 0.00125),
        ("SELECT $1", 0.002),
    ]
    assert events[1].params == ("'v'",)
    e = events[0]
    for name, attr in (("user", e.user), ("db", e.db), ("app", e.extra.get("app"))):
        if name in expected:
            assert attr == (expected[name] or None)
    if "session" in expected or "pid" in expected:
        assert e.session == (expected.get("session") or expected.get("pid"))
    if "ts" in expected and "-" in expected["ts"]:
        assert e.ts is not None and e.ts.strftime("%Y-%m-%d %H:%M:%S") == expected["ts"][:19]


def test_timestamp_zones() -> None:
    parse = TimestampParser(year=2019)
    assert parse("2019-10-21 12:03:31.311 MSK") == datetime(
        2019, 10, 21, 12, 3, 31, 311000, tzinfo=timezone(timedelta(hours=3))
    )
    assert parse("2021-05-27 17:00:00 +01") == datetime(
        2021, 5, 27, 17, 0, tzinfo=timezone(timedelta(hours=1))
    )
    assert parse("2021-05-27 17:00:00 CST") == datetime(2021, 5, 27, 17, 0)  # ambiguous -> naive
    assert parse("2021-05-27 17:00:00") == datetime(2021, 5, 27, 17, 0)
    assert parse("1669575482.096") == datetime(2022, 11, 27, 18, 58, 2, 96000, tzinfo=UTC)
    assert parse("2019-03-14T00:22:56+00:00") == datetime(2019, 3, 14, 0, 22, 56, tzinfo=UTC)
    assert parse("Feb 11 13:15:39") == datetime(2019, 2, 11, 13, 15, 39)
    assert parse("2021-02-30 10:00:00 UTC") is None and parse("garbage") is None and parse("") is None


# -- sniffers -------------------------------------------------------------------------------------------------


def test_sniffers_reject_mysql_slow_log_and_random_text() -> None:
    slow = _head(SLOWLOG)
    rng = random.Random(7)
    noise = [
        "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 120))) + "\n" for _ in range(50)
    ]
    prose = ["The LOG: of this ship says: ERROR: nothing. user=me,db=none\n"] * 3
    for lines in (slow, noise, prose, [], ["\n", "   \n"]):
        assert not any(sniff(lines) for sniff in SNIFFERS.values()), lines[:2]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=20))
def test_sniffers_on_arbitrary_text_never_raise(lines: list[str]) -> None:
    for sniff in SNIFFERS.values():
        assert sniff(lines) in (True, False)


# -- fuzzing: garbled input never raises, counts stay honest ----------------------------------------------------

_PREFIXES = [
    "2024-01-01 10:00:00.000 UTC [1] ",
    "2024-01-01 10:00:00.000 UTC [2] u@d ",
    "2024-01-01 10:00:0",
    "Feb 11 13:15:39 host postgres[1]: [3-1] ",  # syslog: enough of these and the syslog framing is used
    "Feb 11 13:15:39 host postgres[2]: [4-1] db=d,user=u ",
]
_SYSLOG_CONTINUATIONS = [
    "Feb 11 13:15:39 host postgres[1]: [3-2] ",
    "Feb 11 13:15:39 host postgres[2]: [4-3] ",
]
_MESSAGES = [
    "LOG:  duration: 1.000 ms  statement: SELECT 1",
    "LOG:  duration: 2.5 ms  execute S_1: SELECT $1",
    "LOG:  duration: 0.1 ms  parse S_1: SELECT $1",
    "LOG:  duration: 0.1 ms  bind S_1/C_1: SELECT $1",
    "LOG:  duration: x ms  execute",
    "LOG:  duration: -1 ms  statement: no",
    "LOG:  duration: 3 ms",
    "LOG:  duration: ",
    "LOG:  statement: SELECT 2",
    "LOG:  execute S_2: SELECT 3",
    "LOG:  execute fetch from",
    "DETAIL:  parameters: $1 = 'a', $2 = 'b",
    "DETAIL:  parameters: $",
    "ERROR:  boom",
    "LOG:  disconnection: session time",
    "STATEMENT:  SELECT 1",
]


@st.composite
def _stderr_lines(draw: st.DrawFn) -> list[str]:
    out = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            out.append(draw(st.text(max_size=60)))
        elif kind == 1:
            out.append("\t" + draw(st.text(max_size=30)) + "\n")
        elif kind == 2:
            tab = draw(st.sampled_from(["#011", "\t", ""]))
            out.append(draw(st.sampled_from(_SYSLOG_CONTINUATIONS)) + tab + draw(st.text(max_size=30)) + "\n")
        else:
            text = draw(st.sampled_from(_PREFIXES)) + draw(st.sampled_from(_MESSAGES))
            cut = draw(st.integers(0, len(text)))
            out.append(
                (text if draw(st.booleans()) else text[:cut]) + draw(st.sampled_from(["\n", "\r\n", ""]))
            )
    return out


def _check(events: Iterator[QueryEvent], stats: ParseStats, n_lines: int) -> None:
    got = list(events)
    assert stats.events == len(got)
    assert stats.lines == n_lines
    for e in got:
        assert isinstance(e.sql, str) and not e.sql.endswith(";")
        assert e.duration_s is None or e.duration_s >= 0


@settings(max_examples=300, deadline=None)
@given(_stderr_lines())
def test_fuzz_stderr(lines: list[str]) -> None:
    stats = ParseStats()
    _check(parse_pg_stderr(lines, stats=stats), stats, len(lines))
    stats = ParseStats()
    _check(parse_pg_stderr(lines, stats=stats, prefix="%m [%p] %q%u@%d "), stats, len(lines))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=20))
def test_fuzz_all_parsers_on_arbitrary_text(lines: list[str]) -> None:
    for parser in PARSERS.values():
        stats = ParseStats()
        _check(parser(lines, stats=stats), stats, len(lines))  # type: ignore[operator]


@st.composite
def _csv_lines(draw: st.DrawFn) -> list[str]:
    base = (FIXTURES / "anonymize.log").read_text().splitlines(keepends=True)
    rows = draw(st.lists(st.sampled_from(base), max_size=6))
    out = []
    for row in rows:
        cut = draw(st.integers(0, len(row)))
        choice = draw(st.integers(0, 3))
        if choice == 0:
            out.append(row[:cut])
        elif choice == 1:
            out.append(row[:cut] + draw(st.text(alphabet='",\n\x00x', max_size=5)) + row[cut:])
        else:
            out.append(row)
    return out


@settings(max_examples=200, deadline=None)
@given(_csv_lines())
def test_fuzz_csv(lines: list[str]) -> None:
    stats = ParseStats()
    _check(parse_pg_csv(lines, stats=stats), stats, len(lines))


@st.composite
def _json_lines(draw: st.DrawFn) -> list[str]:
    keys = [
        "timestamp",
        "user",
        "dbname",
        "pid",
        "session_id",
        "error_severity",
        "message",
        "detail",
        "query_id",
    ]
    values = st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=10),
        st.sampled_from(["LOG", "DETAIL", *_MESSAGES]),
        st.lists(st.integers(), max_size=2),
    )
    out = []
    for _ in range(draw(st.integers(0, 8))):
        doc = draw(st.dictionaries(st.sampled_from(keys), values, max_size=len(keys)))
        wrap = draw(st.integers(0, 3))
        if wrap == 1:
            doc = {"logger": draw(st.sampled_from(["postgres", "x"])), "record": doc}
        elif wrap == 2:
            doc = {
                "textPayload": draw(st.sampled_from(["[1]: [1-1] db=a,user=b ", "[1]: [1-2] ", ""]))
                + str(doc.get("message")),
                "timestamp": doc.get("timestamp"),
            }
        text = json.dumps(doc)
        out.append(text[: draw(st.integers(0, len(text)))] if draw(st.booleans()) else text + "\n")
    return out


@settings(max_examples=200, deadline=None)
@given(_json_lines())
def test_fuzz_json(lines: list[str]) -> None:
    stats = ParseStats()
    _check(parse_pg_json(lines, stats=stats), stats, len(lines))


# -- fast paths: each must give what the general path gives ---------------------------------------------------


class _CountingPattern:
    """A compiled prefix whose match() calls are counted (re.Pattern itself cannot be patched)."""

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self._compiled = compiled
        self.groupindex = compiled.groupindex
        self.pattern = compiled.pattern
        self.calls = 0

    def match(self, line: str) -> re.Match[str] | None:
        self.calls += 1
        return self._compiled.match(line)


def test_same_head_lines_skip_the_regex_and_read_the_same() -> None:
    log = (
        "2024-01-01 10:00:00.001 UTC [100] app@db1 LOG:  duration: 0.100 ms  parse S_1: SELECT $1\n"
        "2024-01-01 10:00:00.001 UTC [100] app@db1 LOG:  duration: 0.300 ms  bind S_1: SELECT $1\n"
        "2024-01-01 10:00:00.001 UTC [100] app@db1 DETAIL:  parameters: $1 = 'a'\n"
        "2024-01-01 10:00:00.001 UTC [100] app@db1 LOG:  duration: 1.000 ms  execute S_1: SELECT $1\n"
        "\tFROM t\n"
        "2024-01-01 10:00:00.001 UTC [100] app@db1 DETAIL:  parameters: $1 = 'b'\n"
        "2024-01-01 10:00:00.001 UTC [100] app@db1 LOG: one space: not the fast path's shape\n"
        "2024-01-01 10:00:00.001 UTC [100] app@db1 ERROR:  boom\n"
        "2024-01-01 10:00:00.002 UTC [100] LOG:  duration: 2.000 ms  statement: SELECT 2\n"
        "2024-01-01 10:00:00.002 UTC [100] LOG:  x@y LOG:  user@db that is not a prefix's\n"
    )
    lines = log.splitlines(keepends=True)
    counting = _CountingPattern(pg_stderr._compile("%m [%p] %q%u@%d ", True))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pg_stderr, "_compile", lambda prefix, complete: counting)
        fast = list(parse_pg_stderr(lines, prefix="%m [%p] %q%u@%d "))
    # the regex reads lines 1 (first), 7 and 8 (tags the fast path leaves to it), 9 (new text before the tag)
    assert counting.calls == 4
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pg_stderr, "_SAME_HEAD_PREFIXES", frozenset())
        slow = list(parse_pg_stderr(lines, prefix="%m [%p] %q%u@%d "))
    assert fast == slow
    # by hand: the execute (line 4, its DETAIL 'b'), the statement (line 9)
    assert [(e.sql, e.params, e.source, e.user, e.db) for e in fast] == [
        ("SELECT $1\nFROM t", ("'b'",), "<stdin>:4", "app", "db1"),
        ("SELECT 2", None, "<stdin>:9", None, None),
    ]
    assert fast[0].extra == {"parse_s": "0.0001", "bind_s": "0.0003"}


_HEADS = st.tuples(
    st.sampled_from(
        [
            "2024-01-01 10:00:00.123 UTC",
            "2024-01-01 10:00:00.124 UTC",
            "2024-01-01 10:00:00 UTC",
            "2024-01-01 10:00:00.123 +02",
            "2024-01-01 10:00:00.123",
            "2024-01-01 10:00:00.1234 CET",
        ]
    ),
    st.sampled_from(["[1] ", "[2] ", "[1]  "]),
    st.sampled_from(["", "u@d ", "[unknown]@[unknown] ", "u@d@x ", "LOG:@x ", "@b ", "u@d\t", "x y@z "]),
    st.sampled_from(
        ["LOG:  ", "LOG: ", "LOG:   ", "LOG:", "DETAIL:  ", "DETAIL: ", "LOGX:  ", "ERROR:  ", "u@d LOG:  "]
    ),
    st.sampled_from([*(m.split(":  ", 1)[1] for m in _MESSAGES), "", "x@y LOG:  z"]),
    st.sampled_from(["\n", "\r\n", ""]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(_HEADS.map("".join), st.sampled_from(["\tFROM t\n", "\n", " x\n", "junk\n"])), max_size=30
    ),
    st.sampled_from(["%m [%p] %q%u@%d ", "%t [%p] %q%u@%d ", "%m [%p] ", "%t [%p] "]),
)
def test_same_head_reuse_equals_the_regex_on_every_line(lines: list[str], prefix: str) -> None:
    """Lines that share the text before their tag, with tags the fast path takes and ones it must not."""
    fast_stats, slow_stats = ParseStats(), ParseStats()
    fast = list(parse_pg_stderr(lines, stats=fast_stats, prefix=prefix))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pg_stderr, "_SAME_HEAD_PREFIXES", frozenset())
        slow = list(parse_pg_stderr(lines, stats=slow_stats, prefix=prefix))
    assert fast == slow
    assert [e.ts for e in fast] == [e.ts for e in slow]  # == on datetimes ignores how the zone is written
    assert (fast_stats.lines, fast_stats.bad, fast_stats.bad_samples) == (
        slow_stats.lines,
        slow_stats.bad,
        slow_stats.bad_samples,
    )


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["", " UTC", " CET", " +02", " -03:30", " XYZ", "  UTC ", " Z"]),
    st.sampled_from([" ", "T"]),
)
def test_millisecond_stamps_read_as_their_microsecond_form(when: datetime, zone: str, sep: str) -> None:
    """A ``%m`` stamp (3 digits: fast path) reads as the same stamp written with 6 digits (general path)."""
    ms = when.microsecond // 1000
    head = when.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    fast = TimestampParser()(f"{head}.{ms:03d}{zone}")
    general = TimestampParser()(f"{head}.{ms * 1000:06d}{zone}")
    assert fast == general and fast is not None
    assert fast.microsecond == ms * 1000 and fast.utcoffset() == general.utcoffset()  # type: ignore[union-attr]


def test_millisecond_stamps_by_hand() -> None:
    parse = TimestampParser()
    cet = timezone(timedelta(hours=1), "CET")
    assert parse("2024-02-29 23:59:59.999 CET") == datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=cet)
    assert parse("2024-02-29 23:59:59.000 CET") == datetime(2024, 2, 29, 23, 59, 59, tzinfo=cet)
    assert parse("2024-02-29 23:59:59.5 CET") == datetime(2024, 2, 29, 23, 59, 59, 500000, tzinfo=cet)
    assert parse("2024-02-29 23:59:59.1234 CET").microsecond == 123400  # type: ignore[union-attr]
    assert parse("2023-02-29 10:00:00.123 UTC") is None  # no such day, with or without a fraction
    # two digits, then "a UTC": an unknown zone -> naive (the fast path leaves it to the general one)
    assert parse("2024-01-01 10:00:00.12a UTC") == datetime(2024, 1, 1, 10, 0, 0, 120000)


def test_parse_params_order_is_a_stable_sort_by_number() -> None:
    assert parse_params("parameters: $2 = 'b', $1 = 'a', $2 = 'c'") == ("'a'", "'b'", "'c'")
    assert parse_params("parameters: $9 = '9', $10 = '10', $1 = '1'") == ("'1'", "'9'", "'10'")
    assert parse_params("parameters: $1 = NULL, $2 = NULL") == ("NULL", "NULL")


def test_duration_shapes_outside_the_fast_path() -> None:
    log = (
        "2024-01-01 10:00:00.000 UTC [1] LOG:  duration: 1.5 ms   execute S_1: SELECT 1\n"  # 3 spaces
        "2024-01-01 10:00:00.000 UTC [2] LOG:  duration: 2.5 ms execute S_1: SELECT 2\n"  # 1 space
        "2024-01-01 10:00:00.000 UTC [3] LOG:  duration: 3. ms  execute S_1: SELECT 3\n"  # float("3.e-3")
        "2024-01-01 10:00:00.000 UTC [4] LOG:  duration: 1e3 ms  execute S_1: SELECT 4\n"  # not a duration
        "2024-01-01 10:00:00.000 UTC [5] LOG:  duration: 5 ms  execute fetch from S_1/C_2: SELECT 5\n"
        "2024-01-01 10:00:00.000 UTC [6] LOG:  duration: 6.0 ms  execute S_6:\n"  # no ": " before the end
        "2024-01-01 10:00:00.000 UTC [7] LOG:  duration: 7.0 ms  statement: SELECT 7\n"
        "2024-01-01 10:00:00.000 UTC [7] LOG:  duration: 0.0 ms  statement: SELECT 0\n"
    )
    events, stats = _stderr(log)
    assert stats.bad == 0
    # executes wait for a DETAIL line (none comes: released at the end), statements do not: sort by session
    assert sorted((e.session, e.sql, e.duration_s) for e in events) == [
        ("1", "SELECT 1", 0.0015),
        ("2", "SELECT 2", 0.0025),
        ("3", "SELECT 3", 0.003),
        ("5", "SELECT 5", 0.005),
        ("7", "SELECT 0", 0.0),
        ("7", "SELECT 7", 0.007),
    ]


@pytest.mark.parametrize(("others", "params"), [(998, ("'late'",)), (999, ("'late'",)), (1000, None)])
def test_an_execute_waits_for_its_detail_a_bounded_number_of_messages(
    others: int, params: tuple[str, ...] | None
) -> None:
    """WAIT_WINDOW (1000) messages of other backends may come between an execute and its DETAIL line."""
    lines = ["2024-01-01 10:00:00.000 UTC [1] LOG:  duration: 1.0 ms  execute S_1: SELECT $1\n"]
    lines += ["2024-01-01 10:00:00.001 UTC [2] LOG:  checkpoint starting: time\n"] * others
    lines += ["2024-01-01 10:00:00.002 UTC [1] DETAIL:  parameters: $1 = 'late'\n"]
    events, stats = _stderr("".join(lines))
    assert [(e.source, e.params) for e in events] == [("<stdin>:1", params)]
    assert stats.lines == others + 2


def test_bad_and_blank_lines_inside_a_message_keep_line_numbers() -> None:
    lines = [
        "2024-01-01 10:00:00.000 UTC [1] LOG:  duration: 1.0 ms  statement: SELECT 1\n",
        "\tFROM a\n",
        "garbage one\n",
        "\tFROM b\n",
        " indented\n",
        "\x0c\n",  # whitespace only, not a continuation's first character: neither text nor bad
        "garbage two\n",
        "2024-01-01 10:00:00.000 UTC [1] LOG:  duration: 2.0 ms  statement: SELECT 2\n",
        "\tFROM c",
    ]
    stats = ParseStats()
    events = list(parse_pg_stderr(lines, stats=stats))
    assert [(e.sql, e.source) for e in events] == [
        ("SELECT 1\nFROM a\nFROM b\n indented", "<stdin>:1"),
        ("SELECT 2\nFROM c", "<stdin>:8"),
    ]
    assert [b.source for b in stats.bad_samples] == ["<stdin>:3", "<stdin>:7"]
    assert stats.lines == 9 and stats.bad == 2 and stats.events == 2
