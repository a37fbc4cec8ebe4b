"""Digest and N+1 detection on event streams built in the test (pure: no log, no server).

A deliberately simple fingerprinter (numbers and quoted strings to ``?``) is injected, so these tests check the
grouping, figures and merging — the real fingerprinter has its own golden tests.
"""

from __future__ import annotations

import hashlib
import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from maat_nb.querylog.digest import DigestBuilder
from maat_nb.querylog.events import QueryEvent
from maat_nb.querylog.nplusone import NPlusOneDetector

_LIT = re.compile(r"'[^']*'|\$\d+|%s|%\(\w+\)s|\b\d+\b")


def simple_fp(sql: str) -> str:
    return _LIT.sub("?", sql.lower())


def simple_id(fp: str) -> str:
    return hashlib.sha1(fp.encode()).hexdigest()[:16]


def simple_tables(sql: str) -> tuple[str, ...]:
    return tuple(sorted(set(re.findall(r"from (\w+)", sql.lower()))))


def builder() -> DigestBuilder:
    return DigestBuilder(simple_fp, simple_id)


T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def workload(seed: int, n: int = 2000) -> list[QueryEvent]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.6:
            sql, d = f"SELECT * FROM products WHERE id = {rng.randrange(1000)}", rng.uniform(0.001, 0.002)
        elif kind < 0.9:
            sql, d = (
                f"SELECT * FROM ratings WHERE product_id = {rng.randrange(1000)}",
                rng.uniform(0.01, 0.03),
            )
        else:
            sql, d = f"UPDATE stores SET name = 's{i}' WHERE id = {i % 7}", 0.5
        out.append(
            QueryEvent(
                sql,
                d,
                T0 + timedelta(seconds=i),
                db="shop",
                user="app",
                session=str(i % 4),
                rows_sent=1,
                rows_examined=10,
                lock_s=0.0001,
            )
        )
    return out


def test_classes_and_figures() -> None:
    events = workload(1)
    digest = builder().add_all(events).result(simple_tables)
    assert digest.events == len(events)
    assert len(digest.classes) == 3
    assert sum(c.count for c in digest.classes) == len(events)
    assert digest.total_s == pytest.approx(sum(e.duration_s or 0 for e in events))
    assert [c.share for c in digest.classes] == sorted((c.share for c in digest.classes), reverse=True)
    updates = next(c for c in digest.classes if c.fingerprint.startswith("update"))
    assert updates.max_s == 0.5 and updates.p95_s == pytest.approx(0.5, rel=0.01)
    ratings = next(c for c in digest.classes if "ratings" in c.fingerprint)
    durations = sorted(e.duration_s or 0 for e in events if "ratings" in e.sql)
    exact_p95 = durations[int(0.95 * len(durations)) - 1]
    assert ratings.p95_s == pytest.approx(exact_p95, rel=0.01)
    assert ratings.median_s == pytest.approx(durations[len(durations) // 2 - 1], rel=0.01)
    assert ratings.tables == ("ratings",) and ratings.examined_per_sent == 10
    assert ratings.example_source == "" and ratings.example.startswith("SELECT * FROM ratings")
    assert digest.start == T0 and digest.end == T0 + timedelta(seconds=len(events) - 1)
    assert sum(n for _, n, _ in digest.load) == len(events)


def test_merge_is_exact() -> None:
    a, b = workload(1), workload(2)
    whole = builder().add_all(a + b).result(simple_tables)
    merged = builder().add_all(a).merge(builder().add_all(b)).result(simple_tables)
    assert merged.events == whole.events
    key = lambda c: c.fingerprint  # noqa: E731
    for x, y in zip(sorted(whole.classes, key=key), sorted(merged.classes, key=key), strict=True):
        assert (x.count, x.max_s, x.p95_s, x.p99_s, x.median_s, x.rows_examined) == (
            y.count,
            y.max_s,
            y.p95_s,
            y.p99_s,
            y.median_s,
            y.rows_examined,
        )
        assert x.total_s == pytest.approx(y.total_s)


def test_slowest_example_has_its_parameters_substituted() -> None:
    events = [
        QueryEvent("SELECT * FROM p WHERE id = $1", 0.1, params=("1",)),
        QueryEvent("SELECT * FROM p WHERE id = $1", 0.9, params=("42",), source="pg.log:7"),
    ]
    cls = builder().add_all(events).result(simple_tables).classes[0]
    assert cls.example == "SELECT * FROM p WHERE id = 42" and cls.example_source == "pg.log:7"


def page(session: str, start: datetime, n_children: int, child: str = "brands") -> list[QueryEvent]:
    """A listing page: one products query, then one lookup per row (the N+1)."""
    evs = [
        QueryEvent("SELECT * FROM products ORDER BY created_at DESC LIMIT 20", 0.01, start, session=session)
    ]
    for i in range(n_children):
        where = "id" if child == "brands" else "product_id"
        evs.append(
            QueryEvent(
                f"SELECT * FROM {child} WHERE {child}.{where} = {i + 1}",
                0.002,
                start + timedelta(milliseconds=5 * (i + 1)),
                session=session,
            )
        )
    return evs


def detect(events: list[QueryEvent]):
    det = NPlusOneDetector()
    for e in events:
        det.add(e, simple_fp(e.sql))
    return det.result()


def test_n_plus_one_is_found_with_parent_and_fix() -> None:
    events = (
        page("7", T0, 20) + page("7", T0 + timedelta(seconds=10), 20) + page("9", T0, 20, child="ratings")
    )
    found = detect(events)
    assert len(found) == 2
    brands = next(f for f in found if "brands" in f.child)
    assert brands.parent is not None and "from products" in brands.parent
    assert (brands.occurrences, brands.child_executions, brands.sessions) == (2, 40, 1)
    assert brands.child_seconds == pytest.approx(40 * 0.002)
    assert brands.relationship == "many-to-one" and "joinedload" in brands.fix
    ratings = next(f for f in found if "ratings" in f.child)
    assert ratings.relationship == "one-to-many" and "selectinload" in ratings.fix


def test_no_n_plus_one_in_ordinary_traffic() -> None:
    # a pooled connection serving one login per request, a second apart each: repeated, but not N+1
    logins = [
        QueryEvent(
            f"SELECT * FROM users WHERE email = 'u{i}@x'", 0.001, T0 + timedelta(seconds=0.5 * i), session="1"
        )
        for i in range(50)
    ]
    others = [
        QueryEvent(
            f"SELECT * FROM carts WHERE user_id = {i}",
            0.001,
            T0 + timedelta(seconds=0.5 * i, milliseconds=1),
            session="1",
        )
        for i in range(50)
    ]
    mixed = [e for pair in zip(logins, others, strict=True) for e in pair]
    assert detect(mixed) == ()
    # the same statement repeated verbatim (polling) is not N+1 either
    polling = [
        QueryEvent("SELECT 1", 0.0001, T0 + timedelta(milliseconds=i), session="2") for i in range(100)
    ]
    assert detect(polling) == ()
    # lookups spread over separate pages, a few per page, stay below the threshold
    assert detect(page("3", T0, 3) + page("3", T0 + timedelta(seconds=5), 3)) == ()


def test_n_plus_one_memory_stays_bounded_over_many_short_sessions() -> None:
    """A log of 30,000 short-lived connections (one page each): quiet sessions are judged and dropped as the
    log goes on, and the N+1 pages among them are still all found."""
    from maat_nb.querylog import nplusone

    det = NPlusOneDetector()
    peak = 0
    for i in range(30_000):
        start = T0 + timedelta(seconds=i * 0.01)
        events = (
            page(f"s{i}", start, 6)
            if i % 10 == 0
            else [QueryEvent("SELECT * FROM users WHERE id = 7", 0.001, start, session=f"s{i}")]
        )
        for e in events:
            det.add(e, simple_fp(e.sql))
        peak = max(peak, len(det._bursts))
    found = det.result()
    assert peak <= nplusone.SWEEP_EVERY + 200  # not one burst per session ever seen
    assert len(found) == 1 and found[0].occurrences == 3_000 and found[0].child_executions == 18_000
