"""The demo workload, captured through SQLAlchemy on each engine: a real query log with a real N+1 in it."""

from __future__ import annotations

from pathlib import Path

from maat_nb.demo import build_demo
from maat_nb.demo.workload import PAGE_WEIGHTS, run_workload
from maat_nb.engines import create_engine
from maat_nb.querylog.capture import capture
from maat_nb.querylog.events import ParseStats
from maat_nb.querylog.nplusone import NPlusOneDetector
from maat_nb.querylog.parsers.capture_jsonl import parse_capture, sniff_capture, write_capture
from tests.test_digest import simple_fp


async def captured(url: str, **kwargs) -> list:
    engine = create_engine(url)
    try:
        async with capture(engine) as log:
            summary = await run_workload(engine, **kwargs)
    finally:
        await engine.dispose()
    assert sum(summary.pages.values()) == kwargs.get("pages", 300)
    return log.events


def n_plus_one(events: list) -> tuple:
    det = NPlusOneDetector()
    for e in events:
        det.add(e, simple_fp(e.sql))
    return det.result()


async def test_demo_workload_n_plus_one(empty_db: str, engine_kind: str, tmp_path: Path) -> None:
    await build_demo(empty_db, scale=0.003, seed=5, progress=False)
    events = await captured(empty_db, pages=150, seed=2)
    # the capture log round-trips through its file format
    path = tmp_path / "workload.jsonl"
    assert write_capture(events, path) == len(events)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sniff_capture(lines[:5])
    stats = ParseStats()
    again = list(parse_capture(lines, source=str(path), stats=stats))
    assert [(e.sql, e.params, e.session) for e in again] == [(e.sql, e.params, e.session) for e in events]
    assert stats.events == len(events) and stats.bad == 0

    found = n_plus_one(again)
    assert {(f.relationship, f.child.split("from ")[1].split()[0]) for f in found} == {
        ("many-to-one", "brands"),
        ("one-to-many", "ratings"),
    }
    for f in found:
        assert "from products" in f.parent and f.child_executions >= 5 * f.occurrences
        assert f.parent_example is not None and f.parent_example.upper().startswith("SELECT")

    without = await captured(empty_db, pages=150, seed=2, mix={**PAGE_WEIGHTS, "n_plus_one_page": 0})
    assert n_plus_one(without) == ()


def test_bad_capture_lines_are_counted() -> None:
    stats = ParseStats()
    lines = ['{"maat_capture": 1}', '{"sql": "SELECT 1", "duration_s": 0.1}', "garbage", '{"no_sql": 1}', ""]
    events = list(parse_capture(lines, source="x.jsonl", stats=stats))
    assert [e.sql for e in events] == ["SELECT 1"] and events[0].source == "x.jsonl:2"
    assert stats.bad == 2 and {b.source for b in stats.bad_samples} == {"x.jsonl:3", "x.jsonl:4"}
