"""N+1 detection: one "parent" query followed, in the same session, by many executions of one "child" class.

The stream of each session (MySQL thread, PostgreSQL backend, capture connection) is cut into bursts at pauses
longer than ``gap_s``. Inside a burst, a read (SELECT) class executed at least ``min_repeats`` times with at least two different
literal values, and at least ``min_ratio`` times as often as the class that ran just before its first execution
(its parent, which must be in the same burst), is an N+1: the application fetched a list, then one row at a time. A pooled connection serving many
requests repeats its queries too, but about once per request, so the ratio to the parent keeps it out.

The fix is said in SQLAlchemy terms: a child looked up by primary key (``where id = ?``) is a many-to-one
relationship (``joinedload``); by a foreign key (``where product_id = ?``) a one-to-many (``selectinload``);
otherwise one ``IN`` query for all the keys.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from maat_nb.querylog.events import QueryEvent, seconds_between

MAX_BURST = 5_000
_READS = ("select", "with", "(select")  # a child is a read: a write per row (a migration stamping versions, a
# loop of UPDATEs) is batching advice of another kind, not an N+1 of relationship loading  # events held per session at most; a longer burst is judged in pieces


@dataclass(frozen=True)
class NPlusOne:
    """One parent → child N+1 pattern, summed over every burst where it happened.

    Attributes:
        occurrences: How many bursts showed it (roughly: page views).
        child_executions: Executions of the child class in those bursts.
        child_seconds: Time those executions took — what batching would save most of.
        relationship: ``many-to-one``, ``one-to-many`` or ``unknown``.
        fix: What to change in the application.
    """

    parent: str
    child: str
    occurrences: int
    child_executions: int
    child_seconds: float
    sessions: int
    parent_example: str | None
    child_example: str
    relationship: str
    fix: str


_PK_LOOKUP = re.compile(r"\bwhere\s+(?:[\w\"`]+\.)?[\"`]?id[\"`]?\s*=\s*\?", re.IGNORECASE)
_FK_LOOKUP = re.compile(r"\bwhere\s+(?:[\w\"`]+\.)?[\"`]?(\w+_id)[\"`]?\s*(?:=\s*\?|in\s*\()", re.IGNORECASE)
_FROM = re.compile(r"\bfrom\s+[\"`]?([\w.]+)", re.IGNORECASE)


def advise(child_fingerprint: str) -> tuple[str, str]:
    """The relationship a child query suggests and the SQLAlchemy fix.

    >>> advise("select * from brands where brands.id = ?")[0]
    'many-to-one'
    >>> advise("select * from ratings where ratings.product_id = ?")[0]
    'one-to-many'
    """
    found = _FROM.search(child_fingerprint)
    table = found.group(1) if found else "child"
    if _PK_LOOKUP.search(child_fingerprint):
        return "many-to-one", (
            f"Load the {table} rows with the parent query: options(joinedload(Parent.{table.rstrip('s')})) "
            f"(or selectinload for large parents), instead of one lookup per parent row."
        )
    fk = _FK_LOOKUP.search(child_fingerprint)
    if fk:
        return "one-to-many", (
            f"Load the children in one query: options(selectinload(Parent.{table})) — a single "
            f"SELECT ... WHERE {fk.group(1)} IN (...) for every parent row at once."
        )
    return (
        "unknown",
        "Collect the keys and run the child query once with IN (...) instead of once per parent row.",
    )


SWEEP_EVERY = 20_000


@dataclass
class _Burst:
    last_ts: datetime | None = None
    fps: list[str] = field(default_factory=list)
    events: list[QueryEvent] = field(default_factory=list)


@dataclass
class _Pattern:
    occurrences: int = 0
    executions: int = 0
    seconds: float = 0.0
    sessions: set[str] = field(default_factory=set)
    parent_example: str | None = None
    child_example: str = ""


class NPlusOneDetector:
    """Streams (event, fingerprint) pairs; ``result()`` returns the patterns found, costliest first."""

    def __init__(self, *, min_repeats: int = 5, min_ratio: float = 3.0, gap_s: float = 1.0) -> None:
        self.min_repeats = min_repeats
        self.min_ratio = min_ratio
        self.gap_s = gap_s
        self._bursts: dict[str, _Burst] = {}
        self._patterns: dict[tuple[str, str], _Pattern] = {}
        self._seen = 0
        self._latest: datetime | None = None

    def add(self, event: QueryEvent, fingerprint: str) -> None:
        """Feed one event (in log order) with its fingerprint."""
        if event.admin:
            return
        key = event.session or f"{event.user}@{event.host}/{event.db}"
        burst = self._bursts.get(key)
        if burst is None:
            burst = self._bursts[key] = _Burst()
        if burst.events and (
            len(burst.events) >= MAX_BURST
            or (
                event.ts is not None
                and burst.last_ts is not None
                and abs(seconds_between(event.ts, burst.last_ts)) > self.gap_s
            )
        ):
            self._judge(key, burst)
            burst = self._bursts[key] = _Burst()
        burst.fps.append(fingerprint)
        burst.events.append(event)
        if event.ts is not None:
            burst.last_ts = event.ts
            self._latest = event.ts  # "now": logs run forward (a concatenation may jump back; abs() below)
        self._seen += 1
        if self._seen % SWEEP_EVERY == 0:
            self._sweep()

    def _sweep(self) -> None:
        """Judge and drop the bursts of sessions that have been quiet for longer than the gap (memory stays
        bounded on logs of millions of short-lived connections)."""
        latest = self._latest
        if latest is None:
            return
        for key, burst in list(self._bursts.items()):
            if burst.last_ts is not None and abs(seconds_between(latest, burst.last_ts)) > self.gap_s:
                if burst.events:
                    self._judge(key, burst)
                del self._bursts[key]

    def _judge(self, session: str, burst: _Burst) -> None:
        counts = Counter(burst.fps)
        for child, n in counts.items():
            if n < self.min_repeats or not child.startswith(_READS):
                continue
            idx = [i for i, fp in enumerate(burst.fps) if fp == child]
            variants = {(burst.events[i].sql, burst.events[i].params) for i in idx[:50]}
            if len(variants) < 2:
                continue  # the very same statement again and again: a retry loop or polling, not N+1
            first = idx[0]
            # the parent: the nearest earlier statement that is not itself repeated (children of the same
            # parent interleave: brand lookup, ratings query, brand lookup, ...)
            back = first - 1
            while back >= 0 and counts[burst.fps[back]] >= self.min_repeats:
                back -= 1
            parent = burst.fps[back] if back >= 0 else None
            if parent is None or n < self.min_ratio * counts[parent]:
                continue  # no parent in this burst, or the parent repeats as often: ordinary traffic
            pat = self._patterns.setdefault((parent, child), _Pattern())
            pat.occurrences += 1
            pat.executions += n
            pat.seconds += sum(burst.events[i].duration_s or 0.0 for i in idx)
            pat.sessions.add(session)
            if pat.parent_example is None:
                pat.parent_example = burst.events[back].sql
            if not pat.child_example:
                pat.child_example = burst.events[first].sql

    def flush(self) -> None:
        """Judge every burst still open (the end of the input)."""
        for key, burst in list(self._bursts.items()):
            if burst.events:
                self._judge(key, burst)
        self._bursts.clear()

    def merge(self, other: NPlusOneDetector) -> NPlusOneDetector:
        """Add the patterns another detector found (another part of the same log, read by another process).

        A burst cut in two at the boundary between the parts is judged as two; sessions seen in both parts
        count once.
        """
        other.flush()
        for key, theirs in other._patterns.items():
            mine = self._patterns.setdefault(key, _Pattern())
            mine.occurrences += theirs.occurrences
            mine.executions += theirs.executions
            mine.seconds += theirs.seconds
            mine.sessions |= theirs.sessions
            mine.parent_example = mine.parent_example or theirs.parent_example
            mine.child_example = mine.child_example or theirs.child_example
        return self

    def result(self) -> tuple[NPlusOne, ...]:
        """Judge the bursts still open and return every pattern, most child time first."""
        self.flush()
        out = []
        for (parent, child), pat in self._patterns.items():
            relationship, fix = advise(child)
            out.append(
                NPlusOne(
                    parent=parent,
                    child=child,
                    occurrences=pat.occurrences,
                    child_executions=pat.executions,
                    child_seconds=pat.seconds,
                    sessions=len(pat.sessions),
                    parent_example=pat.parent_example,
                    child_example=pat.child_example,
                    relationship=relationship,
                    fix=fix,
                )
            )
        return tuple(sorted(out, key=lambda p: (-p.child_seconds, -p.child_executions, p.child)))
