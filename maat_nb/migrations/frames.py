"""Migration benchmark results as DataFrames (notebook) and as the documented JSON document (CLI), plus advice."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from maat_nb.migrations.runner import BenchResult, StepResult

_BOOKKEEPING = ("PRAGMA ", "SELECT pg_catalog.", "DESCRIBE ", "SELECT alembic_version.", "SHOW ")


def work_statements(step: StepResult) -> list[Any]:
    """The statements that did the step's work (Alembic's own look-ups and version stamping left out)."""
    return [
        s
        for s in step.statements
        if not s.sql.startswith(_BOOKKEEPING) and "alembic_version" not in s.sql.split("\n", 1)[0]
    ]


def advice(step: StepResult, engine: str) -> str:
    """The safer way to write a risky step, from what the probes measured (empty when it looks harmless)."""
    sql = " ".join(s.sql.upper() for s in work_statements(step))
    tips = []
    if engine == "postgresql":
        if "CREATE INDEX" in sql and "CONCURRENTLY" not in sql and "SHARE" in step.locks.values():
            tips.append(
                "CREATE INDEX takes a SHARE lock (writes wait for the whole build): use "
                "op.create_index(..., postgresql_concurrently=True) inside "
                "`with op.get_context().autocommit_block():`."
            )
        if step.rewrites:
            tips.append(
                f"rewrites {', '.join(step.rewrites)} under ACCESS EXCLUSIVE (reads and writes wait): "
                "expand/backfill/contract — add a new column, backfill in batches, switch, drop the old one."
            )
        if "FOREIGN KEY" in sql and "NOT VALID" not in sql:
            tips.append("add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a later step.")
        if "SET NOT NULL" in sql:
            tips.append(
                "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (no scan on PG >= 12)."
            )
        if step.lock == "ACCESS EXCLUSIVE" and not tips:
            tips.append("takes ACCESS EXCLUSIVE: set a short lock_timeout (e.g. 2s) in env.py and retry.")
    if engine == "mariadb" and step.algorithm == "COPY":
        tips.append(
            "ALGORITHM=COPY blocks writes for the whole copy: run it with gh-ost or pt-online-schema-change, "
            "or restructure it into INSTANT/INPLACE steps."
        )
    if engine == "mariadb" and step.algorithm == "INPLACE" and step.lock not in (None, "NONE"):
        tips.append(f"INPLACE with LOCK={step.lock}: writes wait; consider pt-online-schema-change.")
    if step.data_loss:
        tips.append(
            "destroys data: keep a backup or move the data elsewhere first; make the downgrade restore it."
        )
    return " ".join(tips)


def steps_frame(result: BenchResult | Sequence[BenchResult]) -> pd.DataFrame:
    """One row per engine × revision × direction × scale: time, statements, probes, data safety, advice."""
    results = [result] if isinstance(result, BenchResult) else list(result)
    rows = []
    for res in results:
        for s in res.steps:
            rows.append(
                {
                    "engine": res.engine,
                    "revision": s.revision,
                    "direction": s.direction,
                    "rows": s.rows,
                    "seconds": None if math.isnan(s.seconds) else round(s.seconds, 5),
                    "ok": s.ok,
                    "error": s.error,
                    "statements": len(work_statements(s)),
                    "rewrites": ", ".join(s.rewrites),
                    "wal_bytes": s.wal_bytes,
                    "lock": s.lock,
                    "algorithm": s.algorithm,
                    "recreated": ", ".join(s.recreated),
                    "data_loss": s.data_loss,
                    "roundtrip_ok": s.roundtrip_ok,
                    "advice": advice(s, res.engine),
                }
            )
    columns = [
        "engine", "revision", "direction", "rows", "seconds", "ok", "error", "statements", "rewrites", "wal_bytes", "lock",
        "algorithm", "recreated", "data_loss", "roundtrip_ok", "advice",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _forecast_json(f: Any) -> dict[str, Any]:
    pred = f.prediction
    return {
        "revision": f.revision,
        "direction": f.direction,
        "model": f.fit.model,
        "rows": getattr(pred, "rows", None),
        "seconds": pred.seconds,
        "low": pred.low,
        "high": pred.high,
        "extrapolation": pred.extrapolation,
        "warning": pred.warning,
        "summary": f.summary,
    }


def forecast_frame(result: BenchResult | Sequence[BenchResult]) -> pd.DataFrame:
    """Per step: the fitted model and the predicted time at production size, with its range and warnings."""
    results = [result] if isinstance(result, BenchResult) else list(result)
    rows = [{"engine": res.engine, **_forecast_json(f)} for res in results for f in res.forecast]
    columns = [
        "engine",
        "revision",
        "direction",
        "model",
        "rows",
        "seconds",
        "low",
        "high",
        "extrapolation",
        "warning",
    ]
    return pd.DataFrame(rows, columns=columns)


def to_json(result: BenchResult) -> dict[str, Any]:
    """The documented document: ``{"engine", "scales", "steps": [...], "roundtrip": {...}, "forecast": [...]}``."""
    return {
        "engine": result.engine,
        "server": result.server,
        "alembic_ini": result.alembic_ini,
        "scales": list(result.scales),
        "seconds": result.seconds,
        "ok": result.ok,
        "steps": [
            {
                "revision": s.revision,
                "direction": s.direction,
                "rows": s.rows,
                "seconds": None if math.isnan(s.seconds) else s.seconds,
                "runs": list(s.runs),
                "ok": s.ok,
                "error": s.error,
                "statements": [{"sql": st.sql[:2000], "seconds": st.seconds} for st in work_statements(s)],
                "rewrites": list(s.rewrites),
                "wal_bytes": s.wal_bytes,
                "size_change": dict(s.size_change),
                "lock": s.lock,
                "locks": dict(s.locks),
                "algorithm": s.algorithm,
                "recreated": list(s.recreated),
                "data_loss": s.data_loss,
                "data_loss_reasons": list(s.data_loss_reasons),
                "advice": advice(s, result.engine),
            }
            for s in result.steps
        ],
        "roundtrip": {
            "ok": result.roundtrip_ok,
            "differences": [
                {"revision": s.revision, "rows": s.rows, "diff": list(s.roundtrip_diff)}
                for s in result.steps
                if s.roundtrip_ok is False
            ],
        },
        "seeded": {str(k): dict(v) for k, v in result.seeded.items()},
        "forecast": [_forecast_json(f) for f in result.forecast],
        "notes": list(result.notes),
    }
