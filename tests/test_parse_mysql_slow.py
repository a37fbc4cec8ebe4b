"""The MySQL/MariaDB/Percona slow-log parser against pt-query-digest's own parse of its test corpus, plus logs
written by hand for what the corpus lacks (MariaDB 10.11 query_plan/explain, MySQL 8 log_slow_extra, CRLF...).

Golden files (tests/fixtures/slowlogs/golden/<file>.events.jsonl) are percona-toolkit's SlowLogParser output for
each corpus file, fields named as pt names them, values as pt parsed them (strings), ``arg`` cut to 300 chars, no
--inherit-attributes applied. Every deliberate difference from pt is an explicit, commented exception below.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gzip
import io
import itertools
import json
import math
import re
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maat_nb.querylog.events import ParseStats, QueryEvent
from maat_nb.querylog.parsers import mysql_slow
from maat_nb.querylog.parsers.mysql_slow import NO_QUERY, parse_mysql_slow, sniff_mysql_slow

FIXTURES = Path(__file__).parent / "fixtures"
SLOWLOGS = FIXTURES / "slowlogs"
GOLDEN = SLOWLOGS / "golden"
NOT_SLOWLOGS = FIXTURES / "mysql_slow" / "not_slowlogs"

CORPUS = sorted(p for p in [*SLOWLOGS.iterdir(), *(SLOWLOGS / "extra").iterdir()] if p.is_file())
# pt-log-player session files, not slow logs: pt swallows each whole file (header-less text) as one event; we
# count the text as one bad record and yield nothing (a slow-log event needs a header).
NOT_A_SLOW_LOG = {"slow006-session-1.txt", "slow006-session-2.txt", "slow006-session-3.txt"}


def _open(path: Path) -> Any:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="surrogateescape", newline="")
    return open(path, encoding="utf-8", errors="surrogateescape", newline="")


def _lines(path: Path) -> list[str]:
    with _open(path) as f:
        return list(f)


def _golden(path: Path) -> list[dict[str, str]]:
    golden = GOLDEN / f"{path.name}.events.jsonl"
    if not golden.exists():
        golden = GOLDEN / f"{path.name}.events.jsonl.gz"
    with _open(golden) as f:
        return [json.loads(line) for line in f]


def _parse(lines: Any, source: str = "t.log") -> tuple[list[QueryEvent], ParseStats]:
    stats = ParseStats()
    events = list(parse_mysql_slow(lines, source=source, stats=stats))
    return events, stats


def _log(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _same_ts(ts: datetime, golden: str) -> bool:
    """Whether our ts is what pt kept: the first 19 characters of the log's own text."""
    if "-" in golden:  # ISO 8601; pt drops the fraction and the zone
        return ts.strftime("%Y-%m-%dT%H:%M:%S") == golden
    day, clock = golden.split()  # old form; MySQL <= 5.6 and MariaDB space-pad the hour
    return ts.strftime("%y%m%d %H:%M:%S") == f"{day} {clock.zfill(8)}"


def _pt_arg(arg: str) -> str:
    # pt keeps trailing blank lines (and a final ';' when the file ends without a newline); we strip whitespace and
    # one trailing ';' around the statement.
    arg = arg.strip()
    return arg[:-1].rstrip() if arg.endswith(";") else arg


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_matches_pt_golden(path: Path) -> None:
    lines = _lines(path)
    events, stats = _parse(lines, source=path.name)
    gold = _golden(path)
    assert stats.events == len(events)
    assert stats.lines == len(lines)
    if path.name in NOT_A_SLOW_LOG:
        # Deliberate difference: pt makes 1 event of the whole header-less file; we yield none and count it bad.
        assert len(gold) == 1
        assert events == []
        assert stats.bad == 1 and "outside any slow-log event" in stats.bad_samples[0].reason
        return
    assert len(events) == len(gold)
    for event, g in zip(events, gold, strict=True):
        arg = g["arg"]
        if arg.endswith("...[truncated]"):  # the golden keeps 300 characters of a longer arg, and its length
            assert event.sql.startswith(arg[:300])
            assert len(event.sql) == int(g["bytes"])
        else:
            assert event.sql == _pt_arg(arg)
        assert event.admin == (g["cmd"] == "Admin" or arg == NO_QUERY)
        if "Query_time" in g:
            raw = g["Query_time"]
            if raw.count(".") > 1:  # garbled (slow017): pt's aggregator keeps the leading number, so do we
                assert event.duration_s == float(raw[: raw.index(".", raw.index(".") + 1)])
                assert event.extra["Query_time"] == raw  # the raw text stays visible
            else:
                assert event.duration_s == float(raw)
        if "Lock_time" in g:
            assert event.lock_s == float(g["Lock_time"])
        for key, field in (
            ("Rows_sent", "rows_sent"),
            ("Rows_examined", "rows_examined"),
            ("Rows_affected", "rows_affected"),
        ):
            if key in g:
                assert getattr(event, field) == int(g[key]), key
        if "db" in g:
            # Deliberate difference: `use `db`;` gives db (pt keeps the backticks, so `db` and db are two dbs).
            assert event.db == g["db"].strip("`")
        if "user" in g:
            # Deliberate difference: `bob @ host1 [bob]` (no [priv]) gives "bob"; pt keeps "bob ".
            assert event.user == g["user"].strip()
        if "host" in g:
            assert event.host == (g["host"] or None)  # empty host and ip: None rather than ""
        if "Thread_id" in g:
            assert event.session == g["Thread_id"]
        if "ts" in g:
            # Deliberate difference: pt keeps 19 characters (no fraction, no zone); we keep both.
            assert event.ts is not None
            assert _same_ts(event.ts, g["ts"]), (event.ts, g["ts"])
        for key in ("QC_Hit", "Full_scan", "Bytes_sent", "InnoDB_trx_id", "Client", "Last_errno", "Killed"):
            if key in g:
                assert event.extra[key] == g[key], key
    # where pt has no ts/db (it does not inherit in this dump), ours come from the previous event or SET timestamp
    for before, after in itertools.pairwise(events):
        if after.db is None:
            assert before.db is None


def test_corpus_extras_and_differences_pt_misses() -> None:
    # slow044: `# User@Host: foo[foo] @ [host]` has no host before the brackets: pt's regex misses the user
    events, _ = _parse(_lines(SLOWLOGS / "slow044.txt"))
    assert [(e.user, e.host) for e in events] == [("foo", "host"), ("foo", "host")]
    assert events[1].ts == events[0].ts == datetime(2010, 5, 25, 10, 22)  # second event inherits
    # slow044 `Schema:  Last_errno: 1`: empty Schema before the next key gives "" (pt drops the attribute)
    assert events[0].db == "" and events[0].extra["Last_errno"] == "1" and events[0].extra["Killed"] == "2"
    # slow009: `# User: user[user] @ [1.2.3.4]` gives the user (pt: none)
    events, _ = _parse(_lines(SLOWLOGS / "slow009.txt"))
    assert {(e.user, e.host, e.db) for e in events} == {("user", "1.2.3.4", "db")}
    # slow061: `# Schema:   Last_errno: 0` with nothing else on Thread_id: pt ignores the whole line
    (event,) = _parse(_lines(SLOWLOGS / "slow061.txt"))[0]
    assert (event.db, event.session, event.extra["Last_errno"], event.extra["Killed"]) == ("", "1", "0", "0")
    assert event.extra["Bytes_sent"] == "64"


def test_corpus_old_time_with_fraction_keeps_microseconds() -> None:
    events, _ = _parse(_lines(SLOWLOGS / "extra" / "bug_957442_sample.log"))
    assert events[0].ts == datetime(2012, 3, 15, 18, 1, 58, 479076)
    # `# Time: 121123 19:56:06.0000001967`: 10 fraction digits, the first 6 are the microseconds
    events, _ = _parse(_lines(SLOWLOGS / "slow056.txt"))
    assert events[0].ts == datetime(2012, 11, 23, 19, 56, 6, 0)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_is_sniffed(path: Path) -> None:
    lines = _lines(path)[:50]
    if path.name in NOT_A_SLOW_LOG or path.name == "empty":
        assert not sniff_mysql_slow(lines)  # nothing says "slow log" in an empty file or a session file
    else:
        assert sniff_mysql_slow(lines)


@pytest.mark.parametrize("path", sorted(NOT_SLOWLOGS.iterdir()), ids=lambda p: p.name)
def test_postgresql_and_json_logs_are_not_slow_logs(path: Path) -> None:
    lines = _lines(path)
    assert not sniff_mysql_slow(lines[:50])
    events, stats = _parse(lines)
    assert events == []
    assert stats.bad >= 1
    assert "outside any slow-log event" in stats.bad_samples[0].reason
    assert stats.lines == len(lines)


def test_random_text_is_not_sniffed() -> None:
    assert not sniff_mysql_slow(["hello world\n", "# a markdown heading\n", "SELECT 1;\n"])
    assert not sniff_mysql_slow(['{"sql": "SELECT 1", "duration_s": 0.1}\n'])
    assert not sniff_mysql_slow([])
    # a slow log that starts with a banner, before any event
    banner = _lines(SLOWLOGS / "mysql5.7.log")[:3]
    assert sniff_mysql_slow(banner)
    assert sniff_mysql_slow([*banner, "# Time: 2016-07-20T18:13:25.698433Z\n"])


MARIADB_1011 = """\
/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:
Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock
Time\t\t    Id Command\tArgument
# Time: 240315 14:02:11
# User@Host: shop[shop] @ localhost []
# Thread_id: 31  Schema: shop  QC_hit: No
# Query_time: 2.412055  Lock_time: 0.000132  Rows_sent: 20  Rows_examined: 1048576
# Rows_affected: 0  Bytes_sent: 2741
# Tmp_tables: 1  Tmp_disk_tables: 0  Tmp_table_sizes: 253952
# Full_scan: Yes  Full_join: No  Tmp_table: Yes  Tmp_table_on_disk: No
# Filesort: Yes  Filesort_on_disk: No  Merge_passes: 0  Priority_queue: Yes
#
# explain: id\tselect_type\ttable\ttype\tpossible_keys\tkey\tkey_len\tref\trows\tr_rows\tfiltered\tr_filtered\tExtra
# explain: 1\tSIMPLE\torders\tALL\tNULL\tNULL\tNULL\tNULL\t1046529\t1048576.00\t100.00\t100.00\tUsing temporary; Using filesort
#
use shop;
SET timestamp=1710511331;
SELECT customer_id, SUM(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC LIMIT 20;
# User@Host: batch[batch] @ worker7.internal [10.0.3.7]
# Thread_id: 44  Schema: crm  QC_hit: Yes
# Query_time: 0.000089  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0
# Rows_affected: 3  Bytes_sent: 52
SET timestamp=1710511331;
UPDATE orders
SET status = 'paid'
WHERE id IN (7, 8, 9);
"""


def test_mariadb_1011_query_plan_explain() -> None:
    events, stats = _parse(_log(MARIADB_1011), source="maria.log")
    assert stats.bad == 0 and stats.events == 2 and stats.lines == len(_log(MARIADB_1011))
    first, second = events
    assert (
        first.sql
        == "SELECT customer_id, SUM(total) FROM orders GROUP BY customer_id ORDER BY 2 DESC LIMIT 20"
    )
    assert first.source == "maria.log:4"  # the `# Time:` line, after the 3 banner lines
    assert first.ts == datetime(2024, 3, 15, 14, 2, 11)  # old format: server local time, naive
    assert (first.user, first.host, first.session, first.db) == ("shop", "localhost", "31", "shop")
    assert (first.duration_s, first.lock_s) == (2.412055, 0.000132)
    assert (first.rows_sent, first.rows_examined, first.rows_affected) == (20, 1048576, 0)
    assert first.extra["QC_Hit"] == "No"  # MariaDB's QC_hit under the one key
    assert "QC_hit" not in first.extra
    assert first.extra["Full_scan"] == "Yes" and first.extra["Priority_queue"] == "Yes"
    assert first.extra["Tmp_table_sizes"] == "253952" and first.extra["Bytes_sent"] == "2741"
    explain = first.extra["explain"].split("\n")
    assert len(explain) == 2
    assert explain[0].split("\t")[:3] == ["id", "select_type", "table"]
    assert explain[1].split("\t")[2] == "orders" and explain[1].endswith("Using temporary; Using filesort")
    assert not first.admin
    # the second event: no Time line (same second) -> inherits ts; Schema crm (no `use`) -> db crm
    assert second.sql == "UPDATE orders\nSET status = 'paid'\nWHERE id IN (7, 8, 9)"
    assert second.ts == first.ts
    assert (second.user, second.host, second.session, second.db) == ("batch", "worker7.internal", "44", "crm")
    assert second.extra["ip"] == "10.0.3.7" and "ip" not in first.extra
    assert second.extra["QC_Hit"] == "Yes"
    assert second.rows_affected == 3
    assert "explain" not in second.extra


MYSQL8_EXTRA = """\
# Time: 2024-05-10T17:45:09.474988Z
# User@Host: msb[msb] @ localhost []  Id:    12
# Query_time: 0.000244  Lock_time: 0.000003 Rows_sent: 0  Rows_examined: 0 Thread_id: 12 Errno: 0 Killed: 0 \
Bytes_received: 22 Bytes_sent: 56 Read_first: 1 Read_last: 0 Read_key: 1 Read_next: 0 Read_prev: 0 Read_rnd: 0 \
Read_rnd_next: 1 Sort_merge_passes: 0 Sort_range_count: 0 Sort_rows: 0 Sort_scan_count: 0 \
Created_tmp_disk_tables: 0 Created_tmp_tables: 0 Start: 2024-05-10T17:45:09.474744Z End: 2024-05-10T17:45:09.474988Z
use test;
SET timestamp=1715363109;
select * from t;
# Time: 2024-05-10T19:45:10.000001+02:00
# User@Host: msb[msb] @ localhost []  Id:    13
# Query_time: 1.000170  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 1
SET timestamp=1715363110;
select sleep(1);
# Time: 2024-05-10T17:45:11
# User@Host: app[app] @  [192.0.2.10]  Id:     9
# Query_time: 0.5  Lock_time: 0 Rows_sent: 5  Rows_examined: 5 Thread_id: 9 Errno: 1146 Killed: 0 \
Bytes_received: 30 Bytes_sent: 0 Read_first: 0 Read_last: 0 Read_key: 0 Read_next: 0 Read_prev: 0 Read_rnd: 0 \
Read_rnd_next: 0 Sort_merge_passes: 0 Sort_range_count: 0 Sort_rows: 0 Sort_scan_count: 0 \
Created_tmp_disk_tables: 0 Created_tmp_tables: 0 Start: 2024-05-10T17:45:10.5 End: 2024-05-10T17:45:11 \
Schema: shop Rows_affected: 0
select * from missing;
"""


def test_mysql8_log_slow_extra() -> None:
    events, stats = _parse(_log(MYSQL8_EXTRA))
    assert stats.bad == 0
    first, second, third = events
    assert first.sql == "select * from t"
    assert first.ts == datetime(2024, 5, 10, 17, 45, 9, 474988, tzinfo=UTC)  # `Z`: aware, microseconds kept
    assert (first.user, first.host, first.session, first.db) == ("msb", "localhost", "12", "test")
    assert (first.duration_s, first.lock_s, first.rows_sent, first.rows_examined) == (
        0.000244,
        0.000003,
        0,
        0,
    )
    assert first.extra["Start"] == "2024-05-10T17:45:09.474744Z"
    assert first.extra["End"] == "2024-05-10T17:45:09.474988Z"
    assert first.extra["Bytes_received"] == "22" and first.extra["Read_rnd_next"] == "1"
    assert "Thread_id" not in first.extra  # it is the session
    # short line (log_slow_extra switched off meanwhile) and a +02:00 zone
    assert second.ts == datetime(2024, 5, 10, 19, 45, 10, 1, tzinfo=timezone(timedelta(hours=2)))
    assert second.ts == datetime(2024, 5, 10, 17, 45, 10, 1, tzinfo=UTC)
    assert (second.session, second.db, second.duration_s) == ("13", "test", 1.000170)  # db inherited
    assert "Start" not in second.extra
    # ISO without a zone: naive; Schema and Rows_affected after Start/End (Percona Server 8 order)
    assert third.ts == datetime(2024, 5, 10, 17, 45, 11)
    assert third.ts.tzinfo is None
    assert (third.user, third.host, third.db, third.rows_affected) == ("app", "192.0.2.10", "shop", 0)
    assert third.extra["Errno"] == "1146" and third.extra["End"] == "2024-05-10T17:45:11"


def test_banners_anywhere_are_skipped_and_end_statements() -> None:
    log = """\
# Time: 071015 21:43:52
# User@Host: root[root] @ localhost []
# Query_time: 2  Lock_time: 0  Rows_sent: 1  Rows_examined: 0
select sleep(2)
/usr/sbin/mysqld, Version: 5.0.38-Ubuntu_0ubuntu1.1-log (Ubuntu 7.04 distribution). started with:
Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
Time                 Id Command    Argument
D:\\MySQL\\MySQL Server 5.1\\bin\\mysqld, Version: 5.1.30-community-log (MySQL Community Server (GPL)). started with:
TCP Port: 3306, Named Pipe: (null)
Time                 Id Command    Argument
# Query_time: 1  Lock_time: 0  Rows_sent: 1  Rows_examined: 0
/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-log (Debian). started with:
SELECT 2;
"""
    events, stats = _parse(_log(log))
    assert stats.bad == 0
    # the banner ends the first statement (it lacks its ';'); a banner inside a header is dropped
    assert [(e.sql, e.duration_s) for e in events] == [("select sleep(2)", 2.0), ("SELECT 2", 1.0)]
    assert events[1].ts == events[0].ts  # inherited across the restart, as pt does
    assert events[1].source == "t.log:11"


def test_inheritance_of_ts_and_db() -> None:
    log = """\
# User@Host: a[a] @ h []
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SET timestamp=1700000000;
SELECT 1;
# User@Host: a[a] @ h []
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
use app;
SELECT 2;
# Time: 231114 23:13:20
# User@Host: a[a] @ h []
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SET timestamp=1700000000;
SELECT 3;
# User@Host: a[a] @ h []
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SET timestamp=1700000099;
SELECT 4;
# User@Host: a[a] @ h []
# Thread_id: 5  Schema: other
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SELECT 5;
# User@Host: a[a] @ h []
# Thread_id: 5  Schema: other
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
use `my db`;
SELECT 6;
"""
    events, _ = _parse(_log(log))
    epoch = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # 1700000000
    # before any `# Time:` line, SET timestamp (UTC epoch seconds) gives ts; then it is inherited
    assert [e.ts for e in events[:2]] == [epoch, epoch]
    # a Time line (local, naive) wins; events without one inherit it, not their SET timestamp
    assert [e.ts for e in events[2:]] == [datetime(2023, 11, 14, 23, 13, 20)] * 4
    # db: none, then `use app`, inherited, then Schema, then `use` wins over Schema (pt's rule), backticks gone
    assert [e.db for e in events] == [None, "app", "app", "app", "other", "my db"]
    assert [e.sql for e in events] == [f"SELECT {i}" for i in range(1, 7)]


def test_garbled_and_unparsable_values() -> None:
    log = """\
# Time: 081116 15:07:11 # User@Host: user[user] @ host [10.1.65.120]
# Query_time: 18446744073708.796870.000036  Lock_time: 0.000036  Rows_sent: 1  Rows_examined: 127
SELECT 1;
# Time: margdl 11:48:27 # User@Host: [SQL_SLAVE] @  []
# Query_time: n/a  Lock_time: 0  Rows_sent: many  Rows_examined: 12x
SELECT 2;
# Time: 2024-02-30T10:00:00Z
# Query_time: 1e999  Lock_time: nan  Rows_sent: -  Rows_examined: 1
SELECT 3;
"""
    events, stats = _parse(_log(log))
    assert [e.sql for e in events] == ["SELECT 1", "SELECT 2", "SELECT 3"]  # no query dropped
    first, second, third = events
    assert first.duration_s == 18446744073708.796870  # pt's rule: the leading number
    assert first.extra["Query_time"] == "18446744073708.796870.000036"
    assert (first.rows_sent, first.rows_examined, first.host) == (1, 127, "host")
    # unparsable: None, raw text in extra, one bad record each; garbled Time: bad, ts inherited
    assert (second.duration_s, second.rows_sent, second.rows_examined) == (None, None, 12)
    assert second.extra["Query_time"] == "n/a" and second.extra["Rows_sent"] == "many"
    assert second.ts == first.ts == datetime(2008, 11, 16, 15, 7, 11)
    assert second.user == "[SQL_SLAVE]" and second.host is None
    assert (third.duration_s, third.lock_s, third.rows_sent, third.rows_examined) == (None, None, None, 1)
    assert third.ts == first.ts  # 30 February is no date
    reasons = [b.reason for b in stats.bad_samples]
    assert sum("Time" in r for r in reasons) == 2
    assert sum("unparsable Query_time" in r for r in reasons) == 2
    assert sum("unparsable Rows_sent" in r for r in reasons) == 2
    assert sum("unparsable Lock_time" in r for r in reasons) == 1
    assert stats.bad == len(reasons) == 7
    assert {b.source for b in stats.bad_samples} == {"t.log:4", "t.log:7"}


@pytest.mark.parametrize("name", ["slow002.txt", "mysql5.7.log", "slow020.txt", "slow056.txt", "slow014.txt"])
def test_crlf_file_gives_the_same_events(name: str) -> None:
    lines = _lines(SLOWLOGS / name)
    crlf = [line[:-1] + "\r\n" if line.endswith("\n") else line for line in lines]
    assert any(line.endswith("\r\n") for line in crlf)
    events, stats = _parse(lines)
    crlf_events, crlf_stats = _parse(crlf)
    assert crlf_events == events
    assert (crlf_stats.bad, crlf_stats.events, crlf_stats.lines) == (stats.bad, stats.events, stats.lines)
    assert all("\r" not in e.sql and all("\r" not in v for v in e.extra.values()) for e in crlf_events)


def test_empty_input() -> None:
    for lines in ([], _lines(SLOWLOGS / "empty"), ["\n", "\r\n", "   \n"]):
        events, stats = _parse(lines)
        assert events == []
        assert (stats.events, stats.bad, stats.lines) == (0, 0, len(lines))


def test_admin_commands_and_headers_without_query() -> None:
    events, stats = _parse(_lines(SLOWLOGS / "slow056.txt"))
    assert stats.bad == 0
    no_query, update = events
    assert (no_query.sql, no_query.admin, no_query.duration_s, no_query.session) == (
        NO_QUERY,
        True,
        0.000102,
        "558038",
    )
    assert no_query.db == "test_db" and no_query.source == "t.log:1"
    assert (update.sql, update.admin, update.source) == (
        "update t set b = b + 30 where user_id=1",
        False,
        "t.log:7",
    )
    # slow041 starts with an orphan admin command: an event with nothing else
    events, _ = _parse(_lines(SLOWLOGS / "slow041.txt"))
    assert (events[0].sql, events[0].admin, events[0].duration_s, events[0].ts) == (
        "administrator command: Quit",
        True,
        None,
        None,
    )
    assert (events[2].sql, events[2].admin, events[2].ts) == (
        "administrator command: Quit",
        True,
        events[1].ts,
    )


def test_truncated_header_at_the_end_is_counted() -> None:
    events, stats = _parse(_lines(SLOWLOGS / "slow015.txt"))
    assert events == []
    assert stats.bad == 1
    assert (
        stats.bad_samples[0].reason == "header without a statement at the end of the input (truncated log?)"
    )
    assert stats.bad_samples[0].source == "t.log:1"


def test_text_outside_events_is_one_bad_record_per_block() -> None:
    log = """\
tail of a statement cut by `tail -c`
  WHERE x = 1;
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SELECT 1;
# some comment a script left
more text
# Query_time: 2  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SELECT 2;
"""
    events, stats = _parse(_log(log))
    assert [e.sql for e in events] == ["SELECT 1", "SELECT 2"]
    assert [(b.source, b.reason) for b in stats.bad_samples] == [
        ("t.log:1", "text outside any slow-log event (lines 1-2, no header before it); skipped"),
        ("t.log:5", "text outside any slow-log event (lines 5-6, no header before it); skipped"),
    ]
    assert stats.bad_samples[1].sample == "# some comment a script left\nmore text\n"


def test_statement_boundaries() -> None:
    log = """\
# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SELECT a
# a MySQL comment line inside the statement
FROM t

WHERE b = 1
# Time: 240101  0:00:01
# Query_time: 2  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
SELECT 1; SELECT 2;
SELECT 3;
# Query_time: 3  Lock_time: 0  Rows_sent: 0  Rows_examined: 0
USE other;
"""
    events, _ = _parse(_log(log))
    # no ';' before `# Time:`: the header line still ends the statement; the comment line is statement text
    assert events[0].sql == "SELECT a\n# a MySQL comment line inside the statement\nFROM t\n\nWHERE b = 1"
    # several statements in one record stay one event (as pt); one trailing ';' removed
    assert events[1].sql == "SELECT 1; SELECT 2;\nSELECT 3"
    # `USE` in upper case is the client's statement, not the server's `use db;` meta line
    assert (events[2].sql, events[2].db) == ("USE other", None)
    assert [e.duration_s for e in events] == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("line", "user", "host", "session", "ip"),
    [
        ("# User@Host: root[root] @ localhost [127.0.0.1]  Id:     3", "root", "localhost", "3", "127.0.0.1"),
        ("# User@Host: [SQL_SLAVE] @  []", "[SQL_SLAVE]", None, None, None),
        ("# User@Host: [SQL_SLAVE][[SQL_SLAVE]] @  []", "[SQL_SLAVE]", None, None, None),
        ("# User@Host: bob @ host1 [bob]", "bob", "host1", None, "bob"),
        ("# User@Host: meow[meow] @  [1.2.3.8]", "meow", "1.2.3.8", None, None),
        ("# User@Host: chess[chess] @ 123.123.123.121 []", "chess", "123.123.123.121", None, None),
        (
            "# User@Host: app@corp[app@corp] @ db.example.com [10.0.0.1]  Id: 45827727",
            "app@corp",
            "db.example.com",
            "45827727",
            "10.0.0.1",
        ),
        ("# User: user[user] @ [1.2.3.4]", "user", "1.2.3.4", None, None),
    ],
)
def test_user_host_forms(line: str, user: str, host: str | None, session: str | None, ip: str | None) -> None:
    (event,) = _parse([line + "\n", "# Query_time: 1\n", "SELECT 1;\n"])[0]
    assert (event.user, event.host, event.session, event.extra.get("ip")) == (user, host, session, ip)


def test_qc_hit_spellings_are_one_key() -> None:
    percona = _parse(_lines(SLOWLOGS / "slow002.txt"))[0][0]
    maria = _parse(_log(MARIADB_1011))[0][0]
    assert percona.extra["QC_Hit"] == maria.extra["QC_Hit"] == "No"
    assert "QC_hit" not in percona.extra and "QC_hit" not in maria.extra
    # Percona's `# QC_Hit:` line and a lower-case variant on a generic line
    (event,) = _parse(
        _log("# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0\n# qc_hit: Yes\nSELECT 1;\n")
    )[0]
    assert event.extra == {"QC_Hit": "Yes"}


def _gz_lines(path: Path) -> Iterator[str]:
    with _open(path) as f:
        yield from f


@pytest.mark.parametrize("name", ["slow039.txt.gz", "slow040.txt.gz"])
def test_huge_single_line_insert_streams(name: str) -> None:
    t0 = time.perf_counter()
    events, stats = _parse(_gz_lines(SLOWLOGS / name))
    assert time.perf_counter() - t0 < 5
    (event,) = events
    assert event.sql.startswith("INSERT INTO")
    assert "the_universe VALUES (633426, 'dx12l55r2')" in event.sql[:100].replace("\n       ", " ")
    assert len(event.sql) > 1_000_000 and event.sql.endswith(")")
    assert (event.duration_s, stats.bad) == (2.0, 0)


def test_parser_is_lazy() -> None:
    record = ["# Query_time: 0.5  Lock_time: 0  Rows_sent: 0  Rows_examined: 0\n", "SELECT 1;\n"]
    stats = ParseStats()
    first = list(itertools.islice(parse_mysql_slow(itertools.cycle(record), stats=stats), 5))
    assert [e.source for e in first] == ["<stdin>:1", "<stdin>:3", "<stdin>:5", "<stdin>:7", "<stdin>:9"]
    assert stats.events == 5


# ---- fuzzing ---------------------------------------------------------------------------------------------------

_META_LINES = [
    "# Time: 230707  1:41:38\n",
    "# Time: 2024-05-10T17:45:09.474988Z\n",
    "# Time: 2024-13-45T99:00:00+25:00\n",
    "# Time: margdl 11:48:27 # User@Host: [SQL_SLAVE] @  []\n",
    "# User@Host: app[app] @ web1 [10.0.0.5]  Id: 12\n",
    "# User@Host: truncated\n",
    "# User: u[u] @ [1.2.3.4]\n",
    "# Thread_id: 12  Schema: shop  QC_hit: No\n",
    "# Thread_id: 342 Schema:  Last_errno: 1 Killed: 2\n",
    "# Schema: \n",
    "# Query_time: 1.5  Lock_time: 0.1  Rows_sent: 1  Rows_examined: 2\n",
    "# Query_time: x.y  Lock_time: nan Rows_sent: -1  Rows_examined: 1e9 Thread_id: 7 Start: 2024-01-01T00:00:00Z\n",
    "# Rows_affected: 0  Bytes_sent: 10\n",
    "# Rows_affected: ×  Bytes_sent:\n",
    "#   InnoDB_IO_r_ops: 0  InnoDB_IO_r_bytes: 0  InnoDB_IO_r_wait: 0.000000\n",
    "# No InnoDB statistics available for this query\n",
    "# administrator command: Quit;\n",
    "# explain: 1\tSIMPLE\tt\tALL\n",
    "#\n",
    "# Client: 127.0.0.1:12345\n",
    "use shop;\n",
    "use `a``b`;\n",
    "SET timestamp=1688694098;\n",
    "SET timestamp=99999999999999999999999;\n",
    "SET insert_id=3,timestamp=1197996507;\n",
    "/usr/sbin/mysqld, Version: 8.0.36 (MySQL). started with:\n",
    "Tcp port: 3306  Unix socket: /tmp/x\n",
    "Time                 Id Command    Argument\n",
    "SELECT 1;\n",
    "SELECT\n",
    "  FROM t;\n",
    "\n",
    "\r\n",
    "",
]
_any_line = st.one_of(
    st.sampled_from(_META_LINES),
    st.sampled_from(_META_LINES).map(lambda s: s.replace("\n", "\r\n")),
    st.text(max_size=40).map(lambda s: s + "\n"),
    st.text(max_size=40),
    st.builds(
        lambda k, v: f"# {k}: {v}\n",
        st.sampled_from(["Query_time", "Rows_sent", "Time", "User@Host", "X"]),
        st.text(max_size=20),
    ),
    st.builds(lambda v: f"SET timestamp={v};\n", st.text(max_size=25)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_any_line, max_size=60))
def test_fuzz_never_raises_and_counts(lines: list[str]) -> None:
    stats = ParseStats()
    events = list(parse_mysql_slow(lines, source="f", stats=stats))
    assert stats.events == len(events)
    assert stats.lines == len(lines)
    for event in events:
        assert event.sql and event.sql == event.sql.strip()
        assert event.duration_s is None or math.isfinite(event.duration_s)
        assert event.source.startswith("f:")
    # text before the first '#' line is never an event and never silent
    first_text = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None)
    first_hash = next((i for i, line in enumerate(lines) if line.startswith("#")), len(lines))
    if first_text is not None and first_text < first_hash:
        banner_only = all(
            not line.strip() or "Version:" in line or line.lower().startswith(("tcp port", "time"))
            for line in lines[:first_hash]
        )
        if not banner_only:
            assert stats.bad >= 1


_statement = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters="#;"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() and not s.startswith(("use ", "SET ", "/", "T")) and ", Version: " not in s)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            _statement,
            st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 6)),
            st.integers(min_value=0, max_value=10**9),
            st.one_of(st.none(), st.sampled_from(["shop", "crm", "a_b"])),
            st.booleans(),
        ),
        max_size=20,
    )
)
def test_fuzz_generated_logs_round_trip(records: list[tuple[str, float, int, str | None, bool]]) -> None:
    lines: list[str] = []
    for sql, duration, rows, db, with_time in records:
        if with_time:
            lines.append("# Time: 2024-01-02T03:04:05.123456Z\n")
        lines.append("# User@Host: app[app] @ web1 [10.0.0.5]\n")
        lines.append(
            f"# Query_time: {duration:.6f}  Lock_time: 0.000001  Rows_sent: {rows}  Rows_examined: {rows}\n"
        )
        if db is not None:
            lines.append(f"use {db};\n")
        lines.append("SET timestamp=1704164645;\n")
        lines.append(f"{sql};\n")
    events, stats = _parse(lines)
    assert stats.bad == 0
    assert len(events) == len(records)
    db_in_effect = None
    for event, (sql, duration, rows, db, _) in zip(events, records, strict=True):
        db_in_effect = db if db is not None else db_in_effect
        assert event.sql == sql.strip()
        assert event.duration_s == pytest.approx(duration, abs=1e-6)
        assert (event.rows_sent, event.db, event.user) == (rows, db_in_effect, "app")


# ---- the fast way: whole records of the common shape, made from the text of many lines at once -----------------
# Its reference is the line-by-line way of the same module (the fast way switched off): for any input, in any form
# (list, generator, text file in each newline mode, batches cut anywhere), both must give the same events, in the
# same order, with the same `extra` (key order too), line numbers, bad records and stats.lines.


def _key(event: QueryEvent) -> tuple[Any, ...]:
    return (
        *(getattr(event, f.name) for f in dataclasses.fields(event)),
        list(event.extra.items()),
        type(event),
    )


def _run(lines: Any, stop: int | None = None) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """Events (with stats.lines/events/bad as each was yielded) and the final stats; `stop`: close after so many."""
    stats = ParseStats()
    out = []
    parser = parse_mysql_slow(lines, source="f.log", stats=stats)
    for event in parser:
        out.append((_key(event), stats.lines, stats.events, stats.bad))
        if stop is not None and len(out) >= stop:
            parser.close()
            break
    samples = [(b.source, b.reason, b.sample) for b in stats.bad_samples]
    return out, (stats.events, stats.lines, stats.bad, samples)


@contextlib.contextmanager
def _line_by_line() -> Iterator[None]:
    """The fast way switched off: every record goes line by line."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mysql_slow, "_FAST_SCANNER", re.compile(r"(?!)").scanner)
        yield


@contextlib.contextmanager
def _small_batches(lines: int, chars: int, read: int, window: int) -> Iterator[None]:
    """Batches (and pieces of text read, lines split from it) cut small: records cross their ends."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mysql_slow, "_BATCH_LINES", lines)
        mp.setattr(mysql_slow, "_BATCH_CHARS", chars)
        mp.setattr(mysql_slow, "_READ_CHARS", read)
        mp.setattr(mysql_slow, "_WINDOW_CHARS", window)
        yield


def _forms(text: str, folder: Path) -> Iterator[tuple[str, Any]]:
    """The text as each kind of input (name, a function that opens it: a context manager of the input)."""
    lines = text.splitlines(keepends=True)
    yield "list", lambda: contextlib.nullcontext(list(lines))
    yield "generator", lambda: contextlib.nullcontext(line for line in lines)
    yield "StringIO", lambda: io.StringIO(text)
    path = folder / "log.txt"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    for newline in (None, "", "\n", "\r", "\r\n"):
        for errors in ("surrogateescape", "strict"):
            opened = functools.partial(open, path, encoding="utf-8", errors=errors, newline=newline)
            yield f"file newline={newline!r} errors={errors}", opened


def _same_as_line_by_line(text: str, folder: Path, stop: int | None = None) -> None:
    for name, opened in _forms(text, folder):
        with opened() as form:
            got = _run(form, stop)
        with (
            opened() as form,
            _line_by_line(),
        ):  # the same lines (what the input gives when iterated), as a list
            reference = _run(list(form), stop)
        assert got == reference, name


def test_fast_way_makes_the_common_records(monkeypatch: pytest.MonkeyPatch) -> None:
    # what the other tests compare is really made the fast way: only the last record (no line after it) is built
    # line by line
    built = []
    build = mysql_slow._Builder.build

    def counting(self: Any, header: list[str], stmt: list[str] | None, start: int) -> QueryEvent | None:
        built.append(start)
        return build(self, header, stmt, start)

    monkeypatch.setattr(mysql_slow._Builder, "build", counting)
    text = MARIADB_1011 + MARIADB_1011.split("Time\t\t    Id Command\tArgument\n")[1]
    events, stats = _parse(_log(text))
    assert len(events) == 4 and stats.bad == 0
    assert built == [int(events[-1].source.split(":")[1])]
    assert [e.source for e in events] == ["t.log:4", "t.log:19", "t.log:27", "t.log:42"]
    assert events[2] == dataclasses.replace(events[0], source="t.log:27")  # same record, same event


@pytest.mark.parametrize(
    "banner",
    [
        "/usr/sbin/mariadbd, Version: 10.11.6-MariaDB-0+deb12u1-log (Debian 12). started with:\n",
        "Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\n",
        "Time\t\t    Id Command\tArgument\n",
    ],
)
@pytest.mark.parametrize("end", [";", ""])
def test_fast_way_leaves_banners_in_statements_to_the_line_by_line_way(banner: str, end: str) -> None:
    # a server restart right after a statement: the banner line ends it (and is no part of it)
    record = _mariadb_records(1)
    lines = [*record[:-2], "SELECT 1\n", f"FROM t{end}\n", banner, *record, *_mariadb_records(2)[7:]]
    got = _run(lines)
    with _line_by_line():
        assert got == _run(lines)
    assert [event[0][0] for event in got[0]] == ["SELECT 1\nFROM t", "SELECT 0\nFROM t", "SELECT 1\nFROM t"]
    assert got[1][2] == 0


def test_fast_events_are_plain_query_events() -> None:
    assert mysql_slow._event_setters() is not None  # events are made with the slot setters (faster)
    (first, second), _ = _parse(_log(MARIADB_1011))
    for event in (first, second):
        assert type(event) is QueryEvent
        assert event == QueryEvent(**{f.name: getattr(event, f.name) for f in dataclasses.fields(event)})
        assert repr(event) == repr(dataclasses.replace(event))
        with pytest.raises(dataclasses.FrozenInstanceError):
            event.sql = "x"  # type: ignore[misc]


def test_fast_way_without_the_slot_setters_gives_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _run(_log(MARIADB_1011))
    monkeypatch.setattr(mysql_slow, "_SETTERS", None)
    assert _run(_log(MARIADB_1011)) == fast


_GOOD_LINES = {
    "time": [
        "# Time: 240315 14:02:11\n",
        "# Time: 2024-05-10T17:45:09.474988Z\n",
        "# Time: margdl 11:48:27\n",
    ],
    "uh": [
        "# User@Host: shop[shop] @ localhost []\n",
        "# User@Host: root[root] @  [127.0.0.1]\n",
        "# User@Host: app[app] @ web1 [10.0.0.5]  Id: 12\n",
        "# User@Host: truncated\n",
    ],
    "thread": [
        "# Thread_id: 31  Schema: shop  QC_hit: No\n",
        "# Thread_id: 7  Schema:   QC_hit: Yes\n",
        "# Thread_id: 342 Schema:  Last_errno: 1 Killed: 2\n",
        "# Thread_id: 9  Schema: Foo: QC_hit: No\n",
        "# Thread_id: 1  Schema: d  QC_hit: No  Extra: 5\n",
        "# Thread_id: x\n",
    ],
    "pre": ["#\n", "# Schema: other\n", "# Foo: bar  Baz: 1\n", "# qc_hit: Yes\n", "# Bytes_sent: 3\n"],
    "query": [
        "# Query_time: 0.000332  Lock_time: 0.000069  Rows_sent: 20  Rows_examined: 500\n",
        "# Query_time: 2  Lock_time: 0 Rows_sent: 1  Rows_examined: 0\n",
        "# Query_time: 0.1  Lock_time: 0.0  Rows_sent: 1  Rows_examined: 0  Rows_affected: 3  Start: 2024-01-01T0\n",
        "# Query_time: x.y  Lock_time: nan Rows_sent: -1  Rows_examined: 1e9\n",
        "# Query_time: 1  Lock_time: 1  Rows_sent: 1  Rows_examined: 1 x\n",
        "# Query_time: 1  Lock_time: 1  Rows_sent: 1  Rows_examined: 1  Schema: q\n",
    ],
    "rows": [
        "# Rows_affected: 0  Bytes_sent: 2741\n",
        "# Rows_affected: 5\n",
        "# Rows_affected: ×  Bytes_sent:\n",
        "# Rows_affected: 1  Bytes_sent: 2  Extra: 3\n",
    ],
    "other": [
        "# Full_scan: Yes  Full_join: No  Tmp_table: Yes  Tmp_table_on_disk: No\n",
        "#\n",
        "# explain: id\tselect_type\ttable\n",
        "# explain: 1\tSIMPLE\torders\t\n",
        "# QC_hit: Yes\n",
        "# ip: 9.9.9.9\n",
        "# explain  not one\n",
        "# Bytes_sent: 99\n",
        "# Schema: z\n",
        "# full_scan: yes\n",
        "# Thread_id: 3\n",
        "# administrator command: Quit;\n",
    ],
    "meta": [
        "SET timestamp=1710511331;\n",
        "use shop;\n",
        "use `a``b`;\n",
        "SET timestamp=99999999999999999999;\n",
        "SET insert_id=3,timestamp=1197996507;\n",
        "\n",
    ],
    "stmt": [
        "SELECT 1\n",
        "FROM t\n",
        "SELECT ', Version: '\n",
        "\n",
        "  \n",
        "# a comment\n",
        "TRUNCATE t\n",
        "Time    Id Command    Argument\n",
        "/usr/sbin/mariadbd, Version: 10.11 (x). started with:\n",
        "a; \n",
    ],
    "end": [";\n", ";\n", "; \n", ";;\n", "\n", "", ";"],
}


def _common_record(kind: str = "", line: str = "") -> list[str]:
    """A record of the common shape (the first line of each kind), with `line` for (or, for "other" and "meta", in
    addition to) the line of its kind."""
    record = []
    for k in ("time", "uh", "thread", "pre", "query", "rows", "other", "meta", "stmt", "end"):
        first = _GOOD_LINES[k][0] if k not in ("pre", "time") else ""
        lines = [line] if k == kind and k not in ("other", "meta") else [first] if first else []
        if k == kind and k in ("other", "meta"):
            lines.append(line)
        if k == "end":
            record[-1] = record[-1].rstrip("\n") + lines[0]
        else:
            record += lines
    return record


@pytest.mark.parametrize(
    ("kind", "line"), [(kind, line) for kind, lines in _GOOD_LINES.items() for line in lines], ids=repr
)
def test_each_line_variant_in_a_common_record(kind: str, line: str) -> None:
    lines = [*_common_record(), *_common_record(kind, line), *_common_record(), *_common_record()]
    got = _run(lines)
    with _line_by_line():
        assert got == _run(lines)
    assert len(got[0]) >= 3


@st.composite
def _records(draw: st.DrawFn) -> list[str]:
    odd = (
        draw(st.integers(0, 3)) == 0
    )  # 1 record in 4 takes any line of each kind, the others mostly the first

    def pick(kind: str, chance: int = 2) -> list[str]:  # one line of a kind, in `chance` cases of 3
        return [line(kind)] if draw(st.integers(0, 2)) < chance else []

    def line(kind: str) -> str:
        good = _GOOD_LINES[kind][:1] if kind in ("uh", "query", "rows", "end") else _GOOD_LINES[kind][:4]
        return draw(st.sampled_from(_GOOD_LINES[kind] if odd else good * 6 + _GOOD_LINES[kind]))

    lines = pick("time", 1) + [line("uh")] + pick("thread") + (pick("pre", 1) if odd else [])
    lines += [line("query"), *pick("rows")]
    lines += [line("other") for _ in range(draw(st.integers(0, 5)))]
    lines += [line("meta") for _ in range(draw(st.integers(0, 2) if odd else st.integers(0, 1)))]
    body = [line("stmt") for _ in range(draw(st.integers(1, 3)))]
    return [*lines, *body[:-1], body[-1].rstrip("\n") + line("end")]


@st.composite
def _slow_logs(draw: st.DrawFn) -> str:
    records = draw(st.lists(_records(), max_size=10))
    if draw(st.integers(0, 5)) == 0:  # a stretch the fast way does not take (no User@Host line)
        records[draw(st.integers(0, len(records))) : 0] = [
            ["# Query_time: 1  Lock_time: 0  Rows_sent: 0  Rows_examined: 0\n", "SELECT 1;\n"]
        ] * 40
    if draw(st.integers(0, 5)) == 0:
        odd_lines = [
            "garbage\n",
            "\r\n",
            "x\ry\n",
            "\x0cSELECT 2;\n",
            "# Thread_id: 5\tSchema: db\x0bQC_hit: No\n",
        ]
        records.insert(draw(st.integers(0, len(records))), [draw(st.sampled_from(odd_lines))])
    text = "".join(line for record in records for line in record)
    return text.replace("\n", "\r\n") if draw(st.integers(0, 9)) == 0 else text


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    _slow_logs(),
    st.sampled_from([(512, 1 << 20, 8192, 1 << 16), (1, 30, 16, 20), (2, 150, 7, 1), (3, 1, 1, 64)]),
    st.sampled_from([None, 1, 2]),
)
def test_fuzz_fast_way_gives_what_line_by_line_gives(
    text: str, sizes: tuple[int, int, int, int], stop: int | None
) -> None:
    with tempfile.TemporaryDirectory() as folder, _small_batches(*sizes):
        _same_as_line_by_line(text, Path(folder), stop)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_as_file_or_lines_gives_what_line_by_line_gives(path: Path) -> None:
    # file objects are read as text (plain files) or in batches of lines (gzip); lists in batches of lines
    with _open(path) as f:
        as_file = _run(f)
    as_list = _run(_lines(path))
    with _line_by_line():
        reference = _run(_lines(path))
    assert as_file == as_list == reference
    with _small_batches(3, 100, 10, 50), _open(path) as f:
        assert _run(f) == reference


def _mariadb_records(count: int) -> list[str]:
    lines = []
    for i in range(count):
        lines += [
            "# User@Host: app[app] @ web1 [10.0.0.5]\n",
            "# Thread_id: 31  Schema: shop  QC_hit: No\n",
            f"# Query_time: 0.{i:06d}  Lock_time: 0.000001  Rows_sent: {i}  Rows_examined: {i}\n",
            "# Rows_affected: 0  Bytes_sent: 52\n",
            "SET timestamp=1710511331;\n",
            f"SELECT {i}\nFROM t;\n",
        ]
    return "".join(lines).splitlines(keepends=True)


def test_reading_that_fails_keeps_the_events_before(tmp_path: Path) -> None:
    lines = _mariadb_records(50)  # 7 lines a record
    damaged_at = 7 * 20 + 3  # in the 21st record

    def damaged() -> Iterator[str]:
        yield from lines[:damaged_at]
        raise OSError("disk on fire")

    stats = ParseStats()
    events = []
    with pytest.raises(OSError, match="disk on fire"):
        for event in parse_mysql_slow(damaged(), stats=stats):
            events.append(event)
    assert [e.sql for e in events] == [
        f"SELECT {i}\nFROM t" for i in range(20)
    ]  # the 20 records ended before
    assert stats.lines == damaged_at and stats.events == 20
    # a compressed file cut short (read line by line): what the line-by-line way read before the damage
    data = gzip.compress("".join(lines).encode())
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(data[: len(data) // 2])

    def damaged_gzip() -> tuple[list[tuple[Any, ...]], tuple[Any, ...], str]:
        stats = ParseStats()
        got = []
        with gzip.open(cut, "rt", encoding="utf-8", errors="replace") as f, pytest.raises(EOFError) as err:
            got.extend(_key(e) for e in parse_mysql_slow(f, stats=stats))
        return got, (stats.events, stats.lines, stats.bad), str(err.value)

    fast = damaged_gzip()
    with _line_by_line():
        assert damaged_gzip() == fast
    assert 0 < len(fast[0]) < 50


def test_early_close_counts_the_lines_read(tmp_path: Path) -> None:
    path = tmp_path / "slow.log"
    path.write_text("".join(_mariadb_records(30)))
    for stop in (1, 2, 17):
        with open(path, encoding="utf-8", errors="replace") as f:
            got = _run(f, stop)
        with _line_by_line():
            reference = _run(_mariadb_records(30), stop)
        assert got == reference
        assert got[1][1] == 7 * stop + 1  # the line that ended the last event read


@pytest.mark.parametrize("newline", [None, "", "\n"])
def test_text_files_in_every_newline_mode(tmp_path: Path, newline: str | None) -> None:
    # a '\r' (a CRLF record, a lone CR) only in a later part of the file: that part is read line by line
    lines = _mariadb_records(40)
    lines[150] = lines[150].replace("\n", "\r\n")
    lines[200] = "SELECT 'a\rb'\n"
    path = tmp_path / "slow.log"
    path.write_bytes("".join(lines).encode())
    with _small_batches(512, 2000, 100, 300):
        with open(path, encoding="utf-8", errors="replace", newline=newline) as f:
            got = _run(f)
        with open(path, encoding="utf-8", errors="replace", newline=newline) as f, _line_by_line():
            reference = _run(list(f))
    assert got == reference
    assert got[1][:3] == (
        40,
        len(lines) + (newline != "\n"),
        0,
    )  # the lone '\r' ends a line (but newline="\n")
