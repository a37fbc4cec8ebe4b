"""A profile as DataFrames (for display) and as the JSON document of ``maat-nb profile --json``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from maat_nb.profiling.model import Profile
from maat_nb.profiling.summary import plain


def tables_frame(profile: Profile) -> pd.DataFrame:
    """One row per table: rows (and whether exact), sizes, statistics freshness, time spent."""
    rows = []
    for tp in profile.tables:
        s = tp.table.stats
        rows.append(
            {
                "table": tp.name,
                "kind": tp.table.kind,
                "rows": tp.rows,
                "rows_source": tp.rows_source,
                "data_bytes": s.data_bytes,
                "index_bytes": s.index_bytes,
                "toast_bytes": s.toast_bytes,
                "total_bytes": s.total_bytes,
                "indexes": len(tp.table.indexes),
                "last_analyze": s.last_analyze,
                "mod_since_analyze": s.mod_since_analyze,
                "sample_rows": tp.sample_rows,
                "seconds": round(tp.seconds, 3),
            }
        )
    ints = [
        "rows",
        "data_bytes",
        "index_bytes",
        "toast_bytes",
        "total_bytes",
        "mod_since_analyze",
        "sample_rows",
    ]
    return _ints(pd.DataFrame(rows), ints)


def _ints(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Whole numbers that may be missing: nullable integers, not floats with NaN."""
    present = [c for c in columns if c in frame.columns]
    return frame.astype({c: "Int64" for c in present}) if not frame.empty else frame


def columns_frame(profile: Profile, table: str | None = None) -> pd.DataFrame:
    """One row per column (of every table, or of ``table``)."""
    rows = []
    for tp in profile.tables:
        if table and tp.name != table:
            continue
        for c in tp.columns:
            top = ", ".join(f"{v!r} {f:.0%}" for v, f in c.top_values[:3])
            rows.append(
                {
                    "table": tp.name,
                    "column": c.name,
                    "type": c.type,
                    "null_frac": c.null_frac,
                    "distinct": c.distinct,
                    "min": c.min,
                    "max": c.max,
                    "avg_width": c.avg_width,
                    "top_values": top,
                    "source": c.source,
                }
            )
    return _ints(pd.DataFrame(rows), ["distinct"])


def indexes_frame(profile: Profile) -> pd.DataFrame:
    """One row per index: columns, kind, size and (PostgreSQL) scans."""
    rows = []
    for tp in profile.tables:
        for ix in tp.table.indexes:
            kind = "primary" if ix.primary else "unique" if ix.unique else "index"
            rows.append(
                {
                    "table": tp.name,
                    "index": ix.name,
                    "columns": ", ".join(ix.columns),
                    "kind": kind,
                    "bytes": ix.bytes,
                    "scans": ix.scans,
                }
            )
    return _ints(pd.DataFrame(rows), ["bytes", "scans"])


def findings_frame(profile: Profile) -> pd.DataFrame:
    """One row per finding, most severe first."""
    order = {"high": 0, "medium": 1, "low": 2}
    rows = [
        {"severity": f.severity, "kind": f.kind, "table": f.table, "detail": f.detail, "fix": f.fix}
        for f in sorted(profile.findings, key=lambda f: (order.get(f.severity, 3), f.kind, f.table))
    ]
    return pd.DataFrame(rows, columns=["severity", "kind", "table", "detail", "fix"])


def to_json(profile: Profile) -> dict[str, Any]:
    """The documented JSON shape: ``{"tables": [...], "findings": [...]}`` plus the target and engine."""
    tables = []
    for tp in profile.tables:
        s = tp.table.stats
        tables.append(
            {
                "name": tp.name,
                "kind": tp.table.kind,
                "rows": tp.rows,
                "rows_source": tp.rows_source,
                "bytes": s.total_bytes,
                "data_bytes": s.data_bytes,
                "index_bytes": s.index_bytes,
                "toast_bytes": s.toast_bytes,
                "last_analyze": s.last_analyze.isoformat() if s.last_analyze else None,
                "mod_since_analyze": s.mod_since_analyze,
                "sample_rows": tp.sample_rows,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "null_frac": c.null_frac,
                        "distinct": c.distinct,
                        "min": plain(c.min),
                        "max": plain(c.max),
                        "avg_width": c.avg_width,
                        "top_values": [[plain(v), f] for v, f in c.top_values],
                        "histogram": [list(b) for b in c.histogram] if c.histogram else None,
                        "source": c.source,
                        "top_source": c.top_source,
                    }
                    for c in tp.columns
                ],
                "indexes": [
                    {
                        "name": ix.name,
                        "columns": list(ix.columns),
                        "unique": ix.unique,
                        "primary": ix.primary,
                        "bytes": ix.bytes,
                        "scans": ix.scans,
                    }
                    for ix in tp.table.indexes
                ],
            }
        )
    return {
        "target": profile.target,
        "engine": profile.catalog.dialect,
        "database": profile.catalog.database,
        "seconds": round(profile.seconds, 3),
        "tables": tables,
        "findings": [
            {
                "kind": f.kind,
                "table": f.table,
                "detail": f.detail,
                "fix": f.fix,
                "severity": f.severity,
                "column": f.column,
                "index": f.index,
            }
            for f in profile.findings
        ],
        "notes": list(profile.catalog.notes),
    }
