"""Digests as pandas DataFrames (for notebooks) and as the documented JSON document (for ``maat-nb digest --json``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from maat_nb.querylog.digest import Digest, QueryClass
from maat_nb.querylog.nplusone import NPlusOne
from maat_nb.querylog.read import LogDigest


def _iso(ts: datetime | None) -> str | None:
    return ts.isoformat() if ts is not None else None


def short_fingerprint(text: str, width: int) -> str:
    """A fingerprint fit for a table cell: a long select list folded, so the FROM/WHERE that tell classes apart
    stay visible.

    >>> short_fingerprint("select p.id, p.name, p.slug, p.price, p.stock from p where p.slug = ? limit ?", 60)
    'select p.id, … (5 columns) from p where p.slug = ? limit ?'
    """
    text = " ".join(text.split())
    if len(text) > width and text.startswith("select ") and " from " in text:
        cols, rest = text[7:].split(" from ", 1)
        if len(cols) > 30 and "(" not in cols:
            parts = cols.split(", ")
            text = f"select {parts[0]}, … ({len(parts)} columns) from {rest}"
    return text if len(text) <= width else text[: width - 1] + "…"


def classes_frame(digest: Digest | LogDigest, top: int | None = None, *, width: int = 120) -> pd.DataFrame:
    """One row per query class, most total time first: share of time (%), count, times, rows, tables and the
    fingerprint (long select lists folded)."""
    d = digest.digest if isinstance(digest, LogDigest) else digest
    rows = [
        {
            "id": c.id,
            "time_pct": round(100 * c.share, 1),
            "total_s": round(c.total_s, 4),
            "count": c.count,
            "mean_ms": round(c.mean_s * 1e3, 3),
            "p95_ms": round(c.p95_s * 1e3, 3),
            "p99_ms": round(c.p99_s * 1e3, 3),
            "max_ms": round(c.max_s * 1e3, 3),
            "lock_s": round(c.lock_s, 4),
            "rows_sent": c.rows_sent,
            "rows_examined": c.rows_examined,
            "examined_per_sent": round(c.examined_per_sent, 1) if c.examined_per_sent is not None else None,
            "tables": ", ".join(c.tables),
            "fingerprint": short_fingerprint(c.fingerprint, width),
        }
        for c in d.classes[:top]
    ]
    columns = [
        "id",
        "time_pct",
        "total_s",
        "count",
        "mean_ms",
        "p95_ms",
        "p99_ms",
        "max_ms",
        "lock_s",
        "rows_sent",
        "rows_examined",
        "examined_per_sent",
        "tables",
        "fingerprint",
    ]
    return pd.DataFrame(rows, columns=columns)


def n_plus_one_frame(result: LogDigest | tuple[NPlusOne, ...], *, width: int = 90) -> pd.DataFrame:
    """One row per N+1 pattern: parent and child classes, how often, what it cost, and the fix."""
    found = result.n_plus_one if isinstance(result, LogDigest) else result
    columns = ["parent", "child", "occurrences", "child_executions", "child_seconds", "relationship", "fix"]
    return pd.DataFrame(
        [
            {
                "parent": short_fingerprint(p.parent, width),
                "child": short_fingerprint(p.child, width),
                "occurrences": p.occurrences,
                "child_executions": p.child_executions,
                "child_seconds": p.child_seconds,
                "relationship": p.relationship,
                "fix": p.fix,
            }
            for p in found
        ],
        columns=columns,
    )


def load_frame(digest: Digest | LogDigest) -> pd.DataFrame:
    """Load over time: per minute, statements executed and seconds spent (``qps`` = statements / 60)."""
    d = digest.digest if isinstance(digest, LogDigest) else digest
    frame = pd.DataFrame(d.load, columns=["minute", "events", "seconds"])
    frame["qps"] = frame["events"] / 60.0
    return frame


def files_frame(result: LogDigest) -> pd.DataFrame:
    """What was read: per file its format, lines, events, bad records and throughput."""
    return pd.DataFrame(
        [
            {
                "file": f.path,
                "format": f.format,
                "lines": f.lines,
                "events": f.events,
                "bad": f.bad,
                "MB": (f.bytes or 0) / 1e6,
                "seconds": f.seconds,
                "MB/s": f.mb_per_s,
            }
            for f in result.files
        ],
        columns=["file", "format", "lines", "events", "bad", "MB", "seconds", "MB/s"],
    )


def class_to_json(c: QueryClass) -> dict[str, Any]:
    """One class in the documented JSON shape (plus extra keys)."""
    return {
        "id": c.id,
        "fingerprint": c.fingerprint,
        "count": c.count,
        "total_s": c.total_s,
        "mean_s": c.mean_s,
        "median_s": c.median_s,
        "p95_s": c.p95_s,
        "p99_s": c.p99_s,
        "max_s": c.max_s,
        "share": c.share,
        "lock_s": c.lock_s,
        "rows_sent": c.rows_sent,
        "rows_examined": c.rows_examined,
        "rows_affected": c.rows_affected,
        "first_seen": _iso(c.first_seen),
        "last_seen": _iso(c.last_seen),
        "tables": list(c.tables),
        "example": c.example,
        "example_params": list(c.example_params) if c.example_params is not None else None,
        "example_source": c.example_source,
        "databases": dict(c.databases),
        "users": dict(c.users),
        "hosts": dict(c.hosts),
    }


def to_json(result: LogDigest, top: int | None = None) -> dict[str, Any]:
    """The documented document: ``{"events", "bad_records", "time_range", "classes", "n_plus_one"}`` + extras."""
    d = result.digest
    span = (d.end - d.start).total_seconds() if d.start is not None and d.end is not None else None
    return {
        "events": d.events,
        "bad_records": d.bad_records,
        "bad_samples": [{"source": b.source, "reason": b.reason, "sample": b.sample} for b in d.bad_samples],
        "time_range": {"start": _iso(d.start), "end": _iso(d.end), "seconds": span},
        "total_s": d.total_s,
        "qps": d.events / span if span else None,
        "unique_classes": len(d.classes),
        "classes": [class_to_json(c) for c in d.classes[:top]],
        "n_plus_one": [
            {
                "parent": p.parent,
                "child": p.child,
                "occurrences": p.occurrences,
                "child_executions": p.child_executions,
                "child_seconds": p.child_seconds,
                "sessions": p.sessions,
                "parent_example": p.parent_example,
                "child_example": p.child_example,
                "relationship": p.relationship,
                "fix": p.fix,
            }
            for p in result.n_plus_one
        ],
        "files": [
            {
                "path": f.path,
                "format": f.format,
                "lines": f.lines,
                "events": f.events,
                "bad": f.bad,
                "bytes": f.bytes,
                "seconds": f.seconds,
                "log_line_prefix": f.prefix,
            }
            for f in result.files
        ],
        "warnings": list(result.warnings),
    }
