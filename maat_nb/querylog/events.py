"""The seam between log parsers and analysis: one frozen QueryEvent per executed statement.

Parsers never raise on bad input: they count each bad record in a :class:`ParseStats` and keep a few samples, so a
bad line in a 2 GB log is reported, not fatal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

MAX_BAD_SAMPLES = 20


@dataclass(frozen=True, slots=True)
class QueryEvent:
    """One executed statement as a log (or a capture) recorded it.

    Attributes:
        sql: The statement text as logged, without a trailing ``;`` (parameters not substituted).
        duration_s: Execution time in seconds (None where the log does not say).
        ts: When it ran, as logged (timezone-aware where the log says the zone).
        db: Database (schema) in effect.
        user: Account that ran it.
        host: Client host or address.
        session: Connection identity: MySQL thread id, PostgreSQL backend pid / session id, capture connection.
        lock_s: Lock wait time (MySQL ``Lock_time``).
        rows_sent: Rows returned to the client.
        rows_examined: Rows read to produce them.
        rows_affected: Rows changed.
        params: Bound parameter values in order ($1, $2, ... or ?), as text; None when the statement had none.
        source: ``file:line`` where the event starts.
        admin: An administrator command (``Quit``, ``Ping``, ...) rather than SQL.
        extra: Other attributes the log carried (``QC_Hit``, ``Full_scan``, plan lines, ``parse_s``/``bind_s``...).
    """

    sql: str
    duration_s: float | None = None
    ts: datetime | None = None
    db: str | None = None
    user: str | None = None
    host: str | None = None
    session: str | None = None
    lock_s: float | None = None
    rows_sent: int | None = None
    rows_examined: int | None = None
    rows_affected: int | None = None
    params: tuple[str, ...] | None = None
    source: str = ""
    admin: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)


def seconds_between(later: datetime, earlier: datetime) -> float:
    """``later - earlier`` in seconds, also when one log gave zones and another did not (both are then read as
    wall-clock times).

    >>> from datetime import UTC
    >>> seconds_between(datetime(2026, 1, 1, 12, 0, 5), datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    5.0
    """
    if (later.tzinfo is None) != (earlier.tzinfo is None):
        later, earlier = later.replace(tzinfo=None), earlier.replace(tzinfo=None)
    return (later - earlier).total_seconds()


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record a parser could not use: where, why, and the start of its text."""

    source: str
    reason: str
    sample: str


@dataclass
class ParseStats:
    """Counters a parser fills while it streams (mutable on purpose: it is the parser's tally, not a seam)."""

    events: int = 0
    lines: int = 0
    bad: int = 0
    bad_samples: list[BadRecord] = field(default_factory=list)

    def add_bad(self, source: str, reason: str, text: str) -> None:
        """Count a bad record; keep the first few as samples (text cut to 200 characters)."""
        self.bad += 1
        if len(self.bad_samples) < MAX_BAD_SAMPLES:
            self.bad_samples.append(BadRecord(source, reason, text[:200]))
