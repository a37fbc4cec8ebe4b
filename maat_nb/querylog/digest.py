"""Group query events by fingerprint into classes with the figures a DBA decides on.

:class:`DigestBuilder` is the mutable accumulator (add events, merge other builders); :meth:`DigestBuilder.result`
freezes it into a :class:`Digest`. Merging is exact: counts and sums add, latency histograms add bucket by bucket,
first/last seen take the extremes, and the slowest example wins.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from maat_nb.querylog.events import BadRecord, ParseStats, QueryEvent, seconds_between
from maat_nb.querylog.latency import LatencyHistogram

Fingerprinter = Callable[[str], str]
TOP_VALUES = 5
FP_CACHE = (
    50_000  # statement texts whose fingerprint is remembered (identical texts are common with placeholders)
)


@dataclass(frozen=True)
class QueryClass:
    """One query class: every event whose statement has the same fingerprint."""

    id: str
    fingerprint: str
    count: int
    total_s: float
    mean_s: float
    median_s: float
    p95_s: float
    p99_s: float
    max_s: float
    lock_s: float
    rows_sent: int
    rows_examined: int
    rows_affected: int
    first_seen: datetime | None
    last_seen: datetime | None
    example: str
    example_params: tuple[str, ...] | None
    example_source: str
    tables: tuple[str, ...]
    databases: tuple[tuple[str, int], ...]
    users: tuple[tuple[str, int], ...]
    hosts: tuple[tuple[str, int], ...]
    share: float
    latency: tuple[tuple[float, int], ...] = ()  # (upper bound in s, executions), quarter-decade bins

    @property
    def examined_per_sent(self) -> float | None:
        """Rows examined for each row sent: a high ratio means the query reads far more than it returns."""
        return self.rows_examined / self.rows_sent if self.rows_sent else None


@dataclass(frozen=True)
class Digest:
    """The digest of one or more logs: overall figures and the classes, most total time first."""

    events: int
    bad_records: int
    bad_samples: tuple[BadRecord, ...]
    start: datetime | None
    end: datetime | None
    total_s: float
    classes: tuple[QueryClass, ...]
    load: tuple[tuple[datetime, int, float], ...]  # per minute: events, seconds spent

    def by_id(self, class_id: str) -> QueryClass:
        """The class with this id."""
        for cls in self.classes:
            if cls.id == class_id:
                return cls
        raise KeyError(class_id)


@dataclass
class _Acc:
    fingerprint: str
    count: int = 0
    total: float = 0.0
    max: float = -1.0
    lock: float = 0.0
    rows_sent: int = 0
    rows_examined: int = 0
    rows_affected: int = 0
    first: datetime | None = None
    last: datetime | None = None
    slowest: QueryEvent | None = None
    hist: LatencyHistogram = field(default_factory=LatencyHistogram)
    dbs: Counter[str] = field(default_factory=Counter)
    users: Counter[str] = field(default_factory=Counter)
    hosts: Counter[str] = field(default_factory=Counter)

    def add(self, ev: QueryEvent) -> None:
        d = ev.duration_s or 0.0
        self.count += 1
        self.total += d
        self.hist.add(d)
        if d > self.max:
            self.max, self.slowest = d, ev
        self.lock += ev.lock_s or 0.0
        self.rows_sent += ev.rows_sent or 0
        self.rows_examined += ev.rows_examined or 0
        self.rows_affected += ev.rows_affected or 0
        if ev.ts is not None:
            self.first = ev.ts if self.first is None or _before(ev.ts, self.first) else self.first
            self.last = ev.ts if self.last is None or _before(self.last, ev.ts) else self.last
        if ev.db:
            self.dbs[ev.db] += 1
        if ev.user:
            self.users[ev.user] += 1
        if ev.host:
            self.hosts[ev.host] += 1

    def merge(self, other: _Acc) -> None:
        self.count += other.count
        self.total += other.total
        self.hist.merge(other.hist)
        if other.max > self.max:
            self.max, self.slowest = other.max, other.slowest
        self.lock += other.lock
        self.rows_sent += other.rows_sent
        self.rows_examined += other.rows_examined
        self.rows_affected += other.rows_affected
        for ts in (other.first, other.last):
            if ts is not None:
                self.first = ts if self.first is None or _before(ts, self.first) else self.first
                self.last = ts if self.last is None or _before(self.last, ts) else self.last
        self.dbs.update(other.dbs)
        self.users.update(other.users)
        self.hosts.update(other.hosts)


def _before(a: datetime, b: datetime) -> bool:
    return seconds_between(b, a) > 0


_PLACEHOLDER = re.compile(r"\$(\d+)|\?|%s")


def substitute(sql: str, params: tuple[str, ...] | None) -> str:
    """Put logged parameter values into a statement's placeholders (``$1``, ``?`` or ``%s``), for a runnable example.

    Values are inserted as the log wrote them (PostgreSQL quotes them already); text inside quotes is left alone
    only approximately, which is enough for an example.

    >>> substitute("SELECT * FROM p WHERE id = $1 AND s = $2", ("42", "'new'"))
    "SELECT * FROM p WHERE id = 42 AND s = 'new'"
    >>> substitute("SELECT ? + ?", ("1", "2"))
    'SELECT 1 + 2'
    """
    if not params:
        return sql
    positional = iter(params)

    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            i = int(match.group(1)) - 1
            return params[i] if 0 <= i < len(params) else match.group(0)
        return next(positional, match.group(0))

    return _PLACEHOLDER.sub(repl, sql)


class DigestBuilder:
    """Accumulates events into classes; ``add`` events, ``merge`` other builders, then ``result()``."""

    def __init__(
        self,
        fingerprint: Fingerprinter | None = None,
        class_id: Callable[[str], str] | None = None,
        *,
        dialect: str | None = None,
    ) -> None:
        """Use ``fingerprint``/``class_id`` if given, else :mod:`maat_nb.querylog.fingerprint`'s for ``dialect``
        (``mysql``, ``postgresql``, ``sqlite`` or None: it decides what a double-quoted word is)."""
        if fingerprint is None or class_id is None:
            from maat_nb.querylog import fingerprint as fp

            fingerprint = fingerprint or functools.partial(fp.fingerprint, dialect=dialect)
            class_id = class_id or fp.class_id
        self.dialect = dialect
        self._fingerprint = fingerprint
        self._class_id = class_id
        self._classes: dict[str, _Acc] = {}
        self._fp_cache: dict[str, str] = {}
        self._load: dict[datetime, list[float]] = {}
        self.events = 0
        self.stats = ParseStats()

    def add(self, event: QueryEvent) -> str:
        """Count one event into its class; returns the event's fingerprint (for detectors that follow)."""
        fp = self._fp_cache.get(event.sql)
        if fp is None:
            fp = self._fingerprint(event.sql)
            if len(event.sql) < 2_000:
                if len(self._fp_cache) >= FP_CACHE:
                    self._fp_cache.clear()  # bounded memory; the hot statements come back within a few events
                self._fp_cache[event.sql] = fp
        acc = self._classes.get(fp)
        if acc is None:
            acc = self._classes[fp] = _Acc(fp)
        acc.add(event)
        self.events += 1
        if event.ts is not None:
            minute = event.ts.replace(second=0, microsecond=0)
            slot = self._load.setdefault(minute, [0, 0.0])
            slot[0] += 1
            slot[1] += event.duration_s or 0.0
        return fp

    def add_all(self, events: Iterable[QueryEvent]) -> DigestBuilder:
        """Add every event; returns self so calls chain."""
        for event in events:
            self.add(event)
        return self

    def add_stats(self, stats: ParseStats) -> None:
        """Take a parser's bad-record tally into the digest."""
        self.stats.bad += stats.bad
        self.stats.lines += stats.lines
        for bad in stats.bad_samples:
            if len(self.stats.bad_samples) < 20:
                self.stats.bad_samples.append(bad)

    def merge(self, other: DigestBuilder) -> DigestBuilder:
        """Fold another builder (another file, another worker) into this one, exactly."""
        for fp, acc in other._classes.items():
            mine = self._classes.get(fp)
            if mine is None:
                self._classes[fp] = mine = _Acc(fp)
            mine.merge(acc)
        for minute, (n, s) in other._load.items():
            slot = self._load.setdefault(minute, [0, 0.0])
            slot[0] += n
            slot[1] += s
        self.events += other.events
        self.add_stats(other.stats)
        return self

    def result(self, tables_of: Callable[[str], tuple[str, ...]] | None = None) -> Digest:
        """Freeze the accumulated classes into a :class:`Digest`, most total time first."""
        if tables_of is None:
            from maat_nb.querylog.fingerprint import tables_of as default_tables_of

            tables_of = functools.partial(default_tables_of, dialect=self.dialect)
        total = sum(a.total for a in self._classes.values())
        classes = []
        for acc in sorted(self._classes.values(), key=lambda a: (-a.total, -a.count, a.fingerprint)):
            ex = acc.slowest
            assert ex is not None
            classes.append(
                QueryClass(
                    id=self._class_id(acc.fingerprint),
                    fingerprint=acc.fingerprint,
                    count=acc.count,
                    total_s=acc.total,
                    mean_s=acc.total / acc.count,
                    median_s=min(acc.hist.quantile(0.5), acc.max),
                    p95_s=min(acc.hist.quantile(0.95), acc.max),
                    p99_s=min(acc.hist.quantile(0.99), acc.max),
                    max_s=max(acc.max, 0.0),
                    lock_s=acc.lock,
                    rows_sent=acc.rows_sent,
                    rows_examined=acc.rows_examined,
                    rows_affected=acc.rows_affected,
                    first_seen=acc.first,
                    last_seen=acc.last,
                    example=substitute(ex.sql, ex.params),
                    example_params=ex.params,
                    example_source=ex.source,
                    tables=tables_of(ex.sql) if not ex.admin else (),
                    databases=tuple(acc.dbs.most_common(TOP_VALUES)),
                    users=tuple(acc.users.most_common(TOP_VALUES)),
                    hosts=tuple(acc.hosts.most_common(TOP_VALUES)),
                    share=acc.total / total if total else 0.0,
                    latency=acc.hist.bins(),
                )
            )
        firsts = [c.first_seen for c in classes if c.first_seen is not None]
        lasts = [c.last_seen for c in classes if c.last_seen is not None]
        start = min(firsts, key=lambda t: t.replace(tzinfo=None)) if firsts else None
        end = max(lasts, key=lambda t: t.replace(tzinfo=None)) if lasts else None
        load = tuple(
            (m, int(v[0]), float(v[1]))
            for m, v in sorted(self._load.items(), key=lambda kv: kv[0].replace(tzinfo=None))
        )
        return Digest(
            events=self.events,
            bad_records=self.stats.bad,
            bad_samples=tuple(self.stats.bad_samples),
            start=start,
            end=end,
            total_s=total,
            classes=tuple(classes),
            load=load,
        )
