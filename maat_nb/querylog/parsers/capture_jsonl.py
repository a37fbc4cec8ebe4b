"""The capture log format: one JSON object per line, one line per statement (what ``capture`` records).

Fields are :class:`~maat_nb.querylog.events.QueryEvent`'s; ``ts`` is ISO 8601. The first line is a header
``{"maat_capture": 1, ...}`` so the format is recognised for sure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from maat_nb.querylog.events import ParseStats, QueryEvent

HEADER_KEY = "maat_capture"
_FIELDS = (
    "duration_s",
    "db",
    "user",
    "host",
    "session",
    "lock_s",
    "rows_sent",
    "rows_examined",
    "rows_affected",
)


def event_to_json(event: QueryEvent) -> str:
    """One event as one JSON line (no newline)."""
    doc: dict[str, Any] = {"sql": event.sql}
    for name in _FIELDS:
        value = getattr(event, name)
        if value is not None:
            doc[name] = value
    if event.ts is not None:
        doc["ts"] = event.ts.isoformat()
    if event.params is not None:
        doc["params"] = list(event.params)
    if event.admin:
        doc["admin"] = True
    if event.extra:
        doc["extra"] = dict(event.extra)
    return json.dumps(doc, ensure_ascii=False)


def write_capture(events: Iterable[QueryEvent], path: str | Path, *, dialect: str | None = None) -> int:
    """Write events to a capture log file; returns how many were written.

    ``dialect`` (the engine's: ``sqlite``, ``postgresql``, ``mysql``) goes into the header line: it tells the
    fingerprint whether a double-quoted word is a name or a string.
    """
    n = 0
    header: dict[str, Any] = {HEADER_KEY: 1, "written": datetime.now().astimezone().isoformat()}
    if dialect:
        header["dialect"] = dialect
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for event in events:
            out.write(event_to_json(event) + "\n")
            n += 1
    return n


def sniff_capture(first_lines: list[str]) -> bool:
    """Whether the lines look like a capture log (its header line)."""
    return (
        bool(first_lines) and first_lines[0].lstrip().startswith("{") and f'"{HEADER_KEY}"' in first_lines[0]
    )


def capture_dialect(first_lines: list[str]) -> str | None:
    """The dialect named in a capture log's header line, if any."""
    if not sniff_capture(first_lines):
        return None
    try:
        value = json.loads(first_lines[0]).get("dialect")
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def parse_capture(
    lines: Iterable[str], *, source: str = "<stdin>", stats: ParseStats | None = None
) -> Iterator[QueryEvent]:
    """Read a capture log; a line that is not a JSON event is counted as bad, never fatal."""
    stats = stats if stats is not None else ParseStats()
    for number, line in enumerate(lines, 1):
        stats.lines += 1
        text = line.strip()
        if not text:
            continue
        where = f"{source}:{number}"
        try:
            doc = json.loads(text)
            if HEADER_KEY in doc:
                continue
            sql = doc["sql"]
            if not isinstance(sql, str):
                raise TypeError("sql is not text")
            event = QueryEvent(
                sql=sql,
                ts=datetime.fromisoformat(doc["ts"]) if doc.get("ts") else None,
                params=tuple(str(p) for p in doc["params"]) if doc.get("params") is not None else None,
                admin=bool(doc.get("admin", False)),
                extra={str(k): str(v) for k, v in (doc.get("extra") or {}).items()},
                source=where,
                **{name: doc.get(name) for name in _FIELDS},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            stats.add_bad(where, f"not a capture event: {exc}", text)
            continue
        stats.events += 1
        yield event
