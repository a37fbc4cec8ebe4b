"""PostgreSQL jsonlog (PostgreSQL 15+) and the cloud wrappers around PostgreSQL logs that are one JSON per line.

* jsonlog: ``{"timestamp": .., "user": .., "dbname": .., "pid": .., "remote_host": .., "session_id": ..,
  "error_severity": .., "message": .., "detail": .., "application_name": .., "query_id": ..}``; keys are omitted
  when NULL.
* CloudNativePG: ``{"logger": "postgres", "record": {csvlog column names: log_time, user_name, ...}}``; the
  operator's own lines (other loggers) are skipped.
* Google CloudSQL: ``{"textPayload": "[pid]: [1-1] db=..,user=.. LOG:  ..", "timestamp": ..}``; the payload is a
  stderr line read with :func:`~maat_nb.querylog.parsers.pg_stderr.prefix_regex` (prefix detected from the first
  payloads).

What a message means is decided by :class:`~maat_nb.querylog.parsers.pg_common.EventBuilder`. Deliberately not done:
Azure's wrapper, JSON documents spread over several lines, other JSON log shippers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from maat_nb.querylog.events import ParseStats, QueryEvent
from maat_nb.querylog.parsers.pg_common import SEVERITIES, EventBuilder, TimestampParser
from maat_nb.querylog.parsers.pg_stderr import _compile, detect_prefix

DETECT_LINES = 200
_CLOUDSQL_CONTINUATION = re.compile(r"\[(\d+)\]: \[\d+-([2-9]|\d\d+)\] ")


def _text(v: Any) -> str | None:
    if v is None or v == "":
        return None
    return v if isinstance(v, str) else str(v)


def _kind(doc: dict[str, Any]) -> str | None:
    if "error_severity" in doc and "message" in doc:
        return "jsonlog"
    if isinstance(doc.get("record"), dict) or (
        "msg" in doc and ("logger" in doc or "level" in doc or "logging_pod" in doc)
    ):
        return "cnpg"
    if isinstance(doc.get("textPayload"), str):
        return "cloudsql"
    return None


def sniff_pg_json(first_lines: list[str]) -> bool:
    """Whether the lines are PostgreSQL jsonlog, CloudNativePG or CloudSQL JSON lines (one object per line)."""
    seen = 0
    for line in first_lines:
        text = line.strip()
        if not text:
            continue
        if not text.startswith("{"):
            return False
        try:
            doc = json.loads(text)
        except ValueError:
            return False
        if not isinstance(doc, dict):
            return False
        kind = _kind(doc)
        if kind == "jsonlog" and doc.get("error_severity") in SEVERITIES:
            return True
        if kind == "cnpg" and doc.get("logger") == "postgres" and isinstance(doc.get("record"), dict):
            return True
        if kind == "cloudsql" and (
            "cloudsql" in str(doc.get("logName", "")) or "[1-1]" in doc["textPayload"]
        ):
            return True
        seen += 1
        if seen >= 50:
            break
    return False


def parse_pg_json(
    lines: Iterable[str],
    *,
    source: str = "<stdin>",
    stats: ParseStats | None = None,
    year: int | None = None,
) -> Iterator[QueryEvent]:
    """Read PostgreSQL jsonlog / CloudNativePG / CloudSQL JSON lines; yields one event per executed statement.

    A line that is not JSON, or JSON that is no PostgreSQL record, is counted as bad; CloudNativePG operator lines
    are skipped silently. ``year`` is unused (JSON timestamps carry one).
    """
    stats = stats if stats is not None else ParseStats()
    it = iter(lines)
    head = list(islice(it, DETECT_LINES))
    payloads = []
    for line in head:
        if '"textPayload"' in line:
            try:
                payloads.append(str(json.loads(line).get("textPayload", "")))
            except (ValueError, AttributeError):
                continue
    payload_prefix = detect_prefix(payloads) if payloads else None
    payload_match = _compile(payload_prefix or "[%p]: [%l-1] db=%d,user=%u ", True).match
    builder = EventBuilder(source, TimestampParser(year), detail_separate=False)
    cloud = EventBuilder(source, TimestampParser(year), detail_separate=True)
    message = builder.message
    base = stats.lines
    lineno = 0
    open_payload: list[Any] | None = None  # CloudSQL message being assembled: [match, ts, line, parts]

    def close_payload(o: list[Any]) -> None:
        m, ts, line, parts = o
        text = m.string[m.end() :] + "".join(parts)
        ts_, pid, sid, user, db, host, app, qid, sev = m.group(
            "ts", "pid", "session", "user", "db", "host", "app", "queryid", "severity"
        )
        sess = sid or pid
        cloud.message(sev, text, None, sess, sess, ts_ or ts, user, db, host, app, qid, line)

    for line in chain(head, it):
        lineno += 1
        text = line.strip()
        if not text:
            continue
        where = f"{source}:{lineno}"
        try:
            doc = json.loads(text)
        except ValueError as exc:
            stats.add_bad(where, f"not JSON: {exc}", text)
            continue
        if not isinstance(doc, dict):
            stats.add_bad(where, "not a JSON object", text)
            continue
        kind = _kind(doc)
        if kind == "jsonlog":
            rec = doc
            sev, msg = rec.get("error_severity"), rec.get("message")
            if not isinstance(sev, str) or not isinstance(msg, str):
                stats.add_bad(where, "jsonlog record without error_severity/message text", text)
                continue
            session = _text(rec.get("session_id")) or _text(rec.get("pid"))
            message(
                sev,
                msg,
                _text(rec.get("detail")),
                session,
                session,
                _text(rec.get("timestamp")),
                _text(rec.get("user")),
                _text(rec.get("dbname")),
                _text(rec.get("remote_host")),
                _text(rec.get("application_name")),
                _text(rec.get("query_id")),
                lineno,
            )
        elif kind == "cnpg":
            record = doc.get("record")
            if doc.get("logger") != "postgres" or not isinstance(record, dict):
                continue  # the operator's own log lines
            rec = record
            sev, msg = rec.get("error_severity"), rec.get("message")
            if not isinstance(sev, str) or not isinstance(msg, str):
                stats.add_bad(where, "CloudNativePG record without error_severity/message text", text)
                continue
            session = _text(rec.get("session_id")) or _text(rec.get("process_id"))
            host = _text(rec.get("connection_from"))
            if host and host.rpartition(":")[2].isdigit() and ":" in host:
                host = host.rpartition(":")[0]
            message(
                sev,
                msg,
                _text(rec.get("detail")),
                session,
                session,
                _text(rec.get("log_time")),
                _text(rec.get("user_name")),
                _text(rec.get("database_name")),
                host,
                _text(rec.get("application_name")),
                _text(rec.get("query_id")),
                lineno,
            )
        elif kind == "cloudsql":
            payload = doc["textPayload"].rstrip("\n")
            ts = _text(doc.get("timestamp"))
            m = payload_match(payload)
            if m is not None:
                if open_payload is not None:
                    close_payload(open_payload)
                open_payload = [m, ts, lineno, []]
            elif open_payload is not None and (
                payload.startswith("\t") or _CLOUDSQL_CONTINUATION.match(payload) is not None
            ):
                cont = _CLOUDSQL_CONTINUATION.match(payload)
                rest = payload[cont.end() :] if cont is not None else payload
                open_payload[3].append("\n" + rest[1:] if rest.startswith("\t") else rest)
            else:
                stats.add_bad(where, f"CloudSQL textPayload does not match {payload_prefix!r}", payload)
        else:
            stats.add_bad(where, "JSON object is not a PostgreSQL log record", text)
        for b in (builder, cloud):
            if b.out:
                stats.lines = base + lineno
                out = b.out
                b.out = []
                for event in out:
                    stats.events += 1
                    yield event
    stats.lines = base + lineno
    if open_payload is not None:
        close_payload(open_payload)
    for b in (builder, cloud):
        b.finish()
        out = b.out
        b.out = []
        for event in out:
            stats.events += 1
            yield event
