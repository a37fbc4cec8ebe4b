"""PostgreSQL csvlog (``log_destination = 'csvlog'``): one CSV record per message, records may span lines.

Columns, from the manual: log_time, user_name, database_name, process_id, connection_from, session_id,
session_line_num, command_tag, session_start_time, virtual_transaction_id, transaction_id, error_severity,
sql_state_code, message, detail, hint, internal_query, internal_query_pos, context, query, query_pos, location,
application_name (23 columns up to PostgreSQL 12), backend_type (13), leader_pid and query_id (14+). The DETAIL with
the bound parameters is the ``detail`` column of the same record. What a message means is decided by
:class:`~maat_nb.querylog.parsers.pg_common.EventBuilder`; the session is ``session_id``.

Deliberately not done: splitting a csvlog by byte offset (quoted newlines make that unsafe), CSV dialects other
than PostgreSQL's (comma, ``"`` quoting with ``""``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from maat_nb.querylog.events import ParseStats, QueryEvent
from maat_nb.querylog.parsers.pg_common import SEVERITIES, EventBuilder, TimestampParser

MIN_COLUMNS = 23
_FIELD_LIMIT = 1 << 30
_TS_START = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def _host(connection_from: str) -> str | None:
    """``10.0.0.1:5432`` -> ``10.0.0.1``; ``[local]`` stays; empty -> None."""
    if not connection_from:
        return None
    head, sep, port = connection_from.rpartition(":")
    if sep and port.isdigit() and head:
        return head
    return connection_from


def _is_record(row: list[str]) -> bool:
    return len(row) >= MIN_COLUMNS and row[11] in SEVERITIES and _TS_START.match(row[0]) is not None


def sniff_pg_csv(first_lines: list[str]) -> bool:
    """Whether the lines look like a PostgreSQL csvlog: the first records have >= 23 columns, a timestamp first
    and a severity in column 12.
    """
    lines = [line for line in first_lines if line.strip()]
    if not lines or not _TS_START.match(lines[0].lstrip('"')):
        return False
    good = total = 0
    try:
        for row in csv.reader(lines):
            total += 1
            good += _is_record(row)
            if total >= 5:
                break
    except csv.Error:
        return False
    return good > 0 and good * 2 >= total


def parse_pg_csv(
    lines: Iterable[str],
    *,
    source: str = "<stdin>",
    stats: ParseStats | None = None,
    year: int | None = None,
) -> Iterator[QueryEvent]:
    """Read a PostgreSQL csvlog; yields one event per executed statement (``year`` is unused, for symmetry).

    A record that is not a csvlog record (too few columns, unknown severity, CSV error) is counted as bad.
    """
    stats = stats if stats is not None else ParseStats()
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)  # statements and parameter lists can exceed the 128 KiB default
    builder = EventBuilder(source, TimestampParser(year), detail_separate=False)
    message = builder.message
    reader = csv.reader(lines)
    base = stats.lines
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            stats.lines = base + reader.line_num
            stats.add_bad(f"{source}:{previous + 1}", f"not a csvlog record: {exc}", "")
            previous = reader.line_num
            continue
        start = previous + 1
        previous = reader.line_num
        stats.lines = base + previous
        if not row:
            continue
        if not _is_record(row):
            stats.add_bad(
                f"{source}:{start}", "not a csvlog record (23+ columns, severity in column 12)", ",".join(row)
            )
            continue
        session = row[5] or row[3] or None
        detail = row[14] or None
        n = len(row)
        message(
            row[11],
            row[13],
            detail,
            session,
            session,
            row[0],
            row[1],
            row[2],
            _host(row[4]),
            row[22] or None,
            row[25] if n > 25 else None,
            start,
        )
        if builder.out:
            out = builder.out
            builder.out = []
            for event in out:
                stats.events += 1
                yield event
    builder.finish()
    out = builder.out
    builder.out = []
    for event in out:
        stats.events += 1
        yield event
