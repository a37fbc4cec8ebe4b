"""What a PostgreSQL log message means, shared by the stderr, csvlog and jsonlog parsers.

The three formats differ in how a message is framed (a prefixed line plus TAB continuations, a CSV record, a JSON
object); once framed, every message is fed to :class:`EventBuilder`, which applies the one rule for what counts as
an executed statement:

* ``duration: 1.234 ms  statement: SQL`` is one event (simple protocol, ``log_min_duration_statement``).
* ``duration: X ms  execute <stmt>[/<portal>]: SQL`` is one event; ``duration: X ms  parse ...`` and
  ``duration: X ms  bind ...`` are not events, their durations go to ``extra["parse_s"]`` / ``extra["bind_s"]`` of
  the next ``execute`` of the same session, so an execution counts once.
* ``DETAIL:  parameters: $1 = '...'`` belongs to the last LOG message of the same session (pid or session id), even
  when other backends' lines come in between: the builder keeps pending state per session.
* ``statement: SQL`` / ``execute <stmt>: SQL`` without a duration (``log_statement``) is an event whose duration is
  the bare ``duration: X ms`` that the same session logs next, or None; it never takes an earlier or another
  session's duration.
* Everything else (connections, checkpoints, autovacuum, ERROR/STATEMENT, temp files, auto_explain ``plan:``
  durations) is not an event and is not an error either.

Deliberately not done here: reading lines, CSV or JSON (the format modules do that), normalising or fingerprinting
SQL, substituting parameters into the SQL, messages in languages other than English (``lc_messages``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from maat_nb.querylog.events import QueryEvent

#: Severity tags PostgreSQL writes before a message (English ``lc_messages``).
SEVERITIES = frozenset(
    {
        "LOG",
        "ERROR",
        "WARNING",
        "FATAL",
        "PANIC",
        "DETAIL",
        "HINT",
        "CONTEXT",
        "STATEMENT",
        "LOCATION",
        "NOTICE",
        "INFO",
        "QUERY",
        "DEBUG",
        "DEBUG1",
        "DEBUG2",
        "DEBUG3",
        "DEBUG4",
        "DEBUG5",
    }
)
#: Regex alternation of :data:`SEVERITIES`, the frequent ones first (each is followed by ``:`` in a pattern).
SEVERITY_ALTERNATION = "LOG|DETAIL|ERROR|STATEMENT|" + "|".join(
    sorted(SEVERITIES - {"LOG", "DETAIL", "ERROR", "STATEMENT"}, key=lambda s: (-len(s), s))
)
_FAILURES = frozenset({"ERROR", "FATAL", "PANIC"})

_UTC = UTC


def _tz(hours: float, name: str) -> timezone:
    return timezone(timedelta(hours=hours), name)


#: Zone abbreviations PostgreSQL prints with ``%t``/``%m`` (``log_timezone``) that are not ambiguous.
#: ``CST``, ``IST``, ``BST``... mean different offsets in different places, so they give naive datetimes.
TZ_ABBREVIATIONS: dict[str, tzinfo] = {
    "UTC": _UTC,
    "GMT": _UTC,
    "Z": _UTC,
    "UCT": _UTC,
    "WET": _tz(0, "WET"),
    "WEST": _tz(1, "WEST"),
    "CET": _tz(1, "CET"),
    "CEST": _tz(2, "CEST"),
    "MET": _tz(1, "MET"),
    "MEST": _tz(2, "MEST"),
    "EET": _tz(2, "EET"),
    "EEST": _tz(3, "EEST"),
    "MSK": _tz(3, "MSK"),
    "JST": _tz(9, "JST"),
    "KST": _tz(9, "KST"),
    "HKT": _tz(8, "HKT"),
    "SGT": _tz(8, "SGT"),
    "AWST": _tz(8, "AWST"),
    "ACST": _tz(9.5, "ACST"),
    "ACDT": _tz(10.5, "ACDT"),
    "AEST": _tz(10, "AEST"),
    "AEDT": _tz(11, "AEDT"),
    "NZST": _tz(12, "NZST"),
    "NZDT": _tz(13, "NZDT"),
    "EST": _tz(-5, "EST"),
    "EDT": _tz(-4, "EDT"),
    "CDT": _tz(-5, "CDT"),
    "MST": _tz(-7, "MST"),
    "MDT": _tz(-6, "MDT"),
    "PST": _tz(-8, "PST"),
    "PDT": _tz(-7, "PDT"),
    "AKST": _tz(-9, "AKST"),
    "AKDT": _tz(-8, "AKDT"),
    "HST": _tz(-10, "HST"),
}
_NUMERIC_ZONE = re.compile(r"([+-])(\d\d)(?::?(\d\d))?")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def zone_to_tz(zone: str) -> tzinfo | None:
    """The tzinfo for a zone as PostgreSQL or a log shipper prints it, or None when unknown or ambiguous.

    >>> zone_to_tz("CET").utcoffset(None)
    datetime.timedelta(seconds=3600)
    >>> zone_to_tz("-03:30").utcoffset(None)
    datetime.timedelta(days=-1, seconds=73800)
    >>> zone_to_tz("CST") is None
    True
    """
    tz = TZ_ABBREVIATIONS.get(zone)
    if tz is not None or not zone:
        return tz
    m = _NUMERIC_ZONE.fullmatch(zone)
    if m is None:
        return None
    sign, hh, mm = m.groups()
    minutes = int(hh) * 60 + int(mm or 0)
    if minutes >= 24 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if sign == "-" else minutes))


class TimestampParser:
    """Turns log timestamps into datetimes, caching per second (logs repeat the same second many times).

    Understands ``2024-06-27 00:00:07[.369][ CEST]`` (``%t``, ``%m``, csvlog, jsonlog), ISO 8601 with ``T`` and
    ``Z``/``+01:00`` (syslog RFC 3339, Heroku, CloudSQL), ``%n`` epoch seconds, and BSD syslog ``Feb 11 13:15:39``
    (no year: ``year``, default the current year). Returns None for text it cannot read.

    >>> p = TimestampParser(year=2019)
    >>> p("2021-12-03 07:14:48.591 UTC").isoformat()
    '2021-12-03T07:14:48.591000+00:00'
    >>> p("Feb 11 13:15:39").isoformat()
    '2019-02-11T13:15:39'
    >>> p("2021-05-27 17:00:00 XYZ").tzinfo is None
    True
    """

    __slots__ = ("_cache", "year")

    def __init__(self, year: int | None = None) -> None:
        self.year = year if year is not None else datetime.now().year
        self._cache: dict[str, datetime | None] = {}

    def __call__(self, raw: str | None) -> datetime | None:
        if not raw:
            return None
        hit = self._cache.get(raw)
        if hit is not None:
            return hit
        if len(raw) >= 19 and raw[4] == "-" and raw[10] in " T":
            rest = raw[19:]
            micro = 0
            if rest[:1] == "." or rest[:1] == ",":
                i = 1
                while i < len(rest) and rest[i].isdigit():
                    i += 1
                digits = rest[1:i]
                rest = rest[i:]
                if digits:
                    micro = int((digits + "00000")[:6])
            zone = rest.strip()
            key = f"{raw[:19]} {zone}"  # == raw for "%t" stamps: the lookup above hits next time
            base = self._cache.get(key, False)
            if base is False:
                base = self._base(raw, zone)
                self._remember(key, base)
            if base is None or not micro:
                return base  # type: ignore[return-value]
            return base.replace(microsecond=micro)  # type: ignore[union-attr]
        cached = self._cache.get(raw, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        value = self._other(raw)
        self._remember(raw, value)
        return value

    def _remember(self, key: str, value: datetime | None) -> None:
        if len(self._cache) > 20000:
            self._cache.clear()
        self._cache[key] = value

    @staticmethod
    def _base(raw: str, zone: str) -> datetime | None:
        try:
            tz = zone_to_tz(zone) if zone else None
            return datetime(
                int(raw[0:4]),
                int(raw[5:7]),
                int(raw[8:10]),
                int(raw[11:13]),
                int(raw[14:16]),
                int(raw[17:19]),
                tzinfo=tz,
            )
        except ValueError:
            return None

    def _other(self, raw: str) -> datetime | None:
        try:
            if raw[:1].isdigit():  # %n: epoch seconds with milliseconds
                return datetime.fromtimestamp(float(raw), _UTC)
            month = _MONTHS.get(raw[:3])
            if month is not None and len(raw) >= 15:  # BSD syslog "Feb 11 13:15:39"
                return datetime(
                    self.year, month, int(raw[4:6]), int(raw[7:9]), int(raw[10:12]), int(raw[13:15])
                )
        except (ValueError, OverflowError, OSError):
            return None
        return None


_PARAM = re.compile(r"\$(\d+) = ('[^']*(?:''[^']*)*(?:'|$)|NULL|[^,]*)")


def parse_params(detail: str) -> tuple[str, ...] | None:
    """Bound values from a ``parameters: $1 = '..', $2 = NULL`` detail, ordered by ``$n``, as the log wrote them.

    Quoted values keep their quotes (and doubled inner quotes), ``NULL`` stays ``NULL``; a list cut short keeps
    what is there. None when the detail is not a parameter list.

    >>> parse_params("parameters: $2 = 'it''s', $1 = NULL")
    ('NULL', "'it''s'")
    >>> parse_params("parameters: $1 = 'cut sho")
    ("'cut sho",)
    >>> parse_params("prepare: prepare foo (int) as select $1") is None
    True
    """
    if detail[:12].lower() != "parameters: ":
        return None
    body = detail[12:]
    found: list[tuple[int, str]] = []
    pos = 0
    match = _PARAM.match
    while True:
        m = match(body, pos)
        if m is None:
            break
        found.append((int(m.group(1)), m.group(2)))
        pos = m.end()
        if body.startswith(", ", pos):
            pos += 2
        else:
            break
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    return tuple(value for _, value in found)


_TRAILING = " \t\r\n\f\v;"


def clean_sql(text: str) -> str:
    """Statement text without surrounding whitespace and trailing ``;``.

    >>> clean_sql(" SELECT 1 ; ")
    'SELECT 1'
    >>> clean_sql(";")
    ''
    """
    return text.rstrip(_TRAILING).lstrip()


def _value(v: str | None) -> str | None:
    """A prefix or column value, None for PostgreSQL's empty / ``[unknown]`` placeholders."""
    if not v or v == "[unknown]":
        return None
    return v


def _seconds_text(seconds: float) -> str:
    return format(seconds, ".12g")


class _Pending:
    """A statement seen, waiting for its DETAIL parameters or its bare ``duration:`` line."""

    __slots__ = (
        "app",
        "bind_s",
        "db",
        "dur",
        "fallback_params",
        "host",
        "line",
        "params",
        "parse_s",
        "qid",
        "session",
        "sql",
        "ts",
        "user",
    )

    def __init__(
        self,
        sql: str,
        dur: float | None,
        ts: str | None,
        user: str | None,
        db: str | None,
        host: str | None,
        session: str | None,
        app: str | None,
        qid: str | None,
        line: int,
    ) -> None:
        self.sql = sql
        self.dur = dur
        self.ts = ts
        self.user = user
        self.db = db
        self.host = host
        self.session = session
        self.app = app
        self.qid = qid
        self.line = line
        self.params: tuple[str, ...] | None = None
        self.fallback_params: tuple[str, ...] | None = None
        self.parse_s: float | None = None
        self.bind_s: float | None = None


#: messages after which an execute stops waiting for its DETAIL line (the DETAIL is written with the LOG line, so
#: only other backends' lines can come in between)
WAIT_WINDOW = 1000
_ATTACH_NONE = 0
_ATTACH_PENDING = 1
_ATTACH_BIND = 2


class _Session:
    """Per-backend state: the statement waiting for its DETAIL/duration, parse/bind timings for the next execute."""

    __slots__ = ("attach", "bind_name", "bind_params", "bind_s", "key", "parse_s", "pending")

    def __init__(self, key: str | None) -> None:
        self.key = key
        self.pending: _Pending | None = None
        self.attach = _ATTACH_NONE
        self.parse_s: float | None = None
        self.bind_s: float | None = None
        self.bind_name: str | None = None
        self.bind_params: tuple[str, ...] | None = None


def _split_named(rest: str, verb_len: int) -> tuple[str, str] | None:
    """``execute S_1/C_1: SQL`` -> (``S_1/C_1``, ``SQL``); also ``execute fetch from S_1/C_1: SQL``."""
    start = verb_len
    if rest.startswith("fetch from ", start):
        start += 11
    j = rest.find(": ", start)
    if j < 0:
        if rest.endswith(":"):
            return rest[start:-1], ""
        return None
    return rest[start:j], rest[j + 2 :]


class EventBuilder:
    """Turns framed PostgreSQL log messages into :class:`QueryEvent` objects (the one rule, see module doc).

    Call :meth:`message` once per message in log order, take the events from :attr:`out` after each call (the
    caller yields and clears it), and call :meth:`finish` at the end of input to release what is still pending.

    ``detail_separate``: True for stderr/syslog, where ``DETAIL:`` is its own line that may arrive after other
    backends' lines; False for csvlog/jsonlog, where the detail comes with the message.
    """

    __slots__ = ("_count", "_sessions", "_source", "_ts", "_waiting", "detail_separate", "out")

    def __init__(self, source: str, ts_parser: TimestampParser, *, detail_separate: bool) -> None:
        self._source = source
        self._ts = ts_parser
        self._sessions: dict[str | None, _Session] = {}
        # sessions whose execute waits for a DETAIL line -> message count then (oldest first)
        self._waiting: dict[str | None, int] = {}
        self._count = 0
        self.detail_separate = detail_separate
        self.out: list[QueryEvent] = []

    # -- emission ---------------------------------------------------------------------------------------------
    def _event(
        self,
        sql: str,
        dur: float | None,
        ts: str | None,
        user: str | None,
        db: str | None,
        host: str | None,
        session: str | None,
        app: str | None,
        qid: str | None,
        line: int,
        params: tuple[str, ...] | None,
        parse_s: float | None,
        bind_s: float | None,
    ) -> None:
        extra: dict[str, str] = {}
        if app and app != "[unknown]":
            extra["app"] = app
        if qid and qid != "0":
            extra["queryid"] = qid
        if parse_s is not None:
            extra["parse_s"] = _seconds_text(parse_s)
        if bind_s is not None:
            extra["bind_s"] = _seconds_text(bind_s)
        sql = sql.rstrip(_TRAILING).lstrip()
        if host and host[-1] == ")":  # %r: host(port)
            cut = host.rfind("(")
            if cut > 0:
                host = host[:cut]
        self.out.append(
            QueryEvent(
                sql,
                dur,
                self._ts(ts),
                db if db and db != "[unknown]" else None,
                user if user and user != "[unknown]" else None,
                host or None,
                session,
                None,
                None,
                None,
                None,
                params,
                f"{self._source}:{line}",
                False,
                extra,
            )
        )

    def _emit(self, p: _Pending) -> None:
        self._event(
            p.sql,
            p.dur,
            p.ts,
            p.user,
            p.db,
            p.host,
            p.session,
            p.app,
            p.qid,
            p.line,
            p.params if p.params is not None else p.fallback_params,
            p.parse_s,
            p.bind_s,
        )

    def _state(self, key: str | None) -> _Session:
        st = self._sessions.get(key)
        if st is None:
            st = self._sessions[key] = _Session(key)
        return st

    def _statement(
        self,
        st: _Session,
        sql: str,
        dur: float | None,
        name: str | None,
        detail: str | None,
        ts: str | None,
        user: str | None,
        db: str | None,
        host: str | None,
        session: str | None,
        app: str | None,
        qid: str | None,
        line: int,
    ) -> None:
        """An execute (name set) or a log_statement ``statement:`` (name None), with or without duration."""
        if st.pending is not None:
            self._emit(st.pending)
        p = _Pending(sql, dur, ts, user, db, host, session, app, qid, line)
        if name is not None:
            p.parse_s = st.parse_s
            p.bind_s = st.bind_s
            if st.bind_name == name:
                p.fallback_params = st.bind_params
            st.parse_s = st.bind_s = None
            st.bind_name = st.bind_params = None
        if detail is not None:
            p.params = parse_params(detail)
        if dur is not None and (detail is not None or not self.detail_separate):
            st.pending = None
            st.attach = _ATTACH_NONE
            self._emit(p)
        else:
            st.pending = p
            st.attach = _ATTACH_PENDING
            if dur is not None:
                self._waiting.pop(st.key, None)
                self._waiting[st.key] = self._count

    # -- input ------------------------------------------------------------------------------------------------
    def message(
        self,
        sev: str,
        text: str,
        detail: str | None,
        key: str | None,
        session: str | None,
        ts: str | None,
        user: str | None,
        db: str | None,
        host: str | None,
        app: str | None,
        qid: str | None,
        line: int,
    ) -> None:
        """Feed one message: severity tag, message text, its detail (csv/json) or None, session key, context."""
        self._count += 1
        if self._waiting:
            self._expire()
        st = self._sessions.get(key)
        if st is not None:
            p = st.pending
            if p is not None and p.dur is not None and sev != "DETAIL":
                # an execute that waited for a DETAIL line: none came before the next message of its session
                st.pending = None
                self._emit(p)
        if sev == "LOG":
            if text.startswith("duration: "):
                i = text.find(" ms", 10)
                try:
                    if i < 0:
                        raise ValueError(text)
                    dur = float(text[10:i] + "e-3")  # exact decimal shift: "0.060" ms -> 6e-05 s
                    if not dur >= 0.0:
                        raise ValueError(text)
                except ValueError:
                    if st is not None:
                        st.attach = _ATTACH_NONE
                    return
                if text.startswith("  statement: ", i + 3):  # the common case, without copying twice
                    rest = text
                    start = i + 16
                else:
                    rest = text[i + 3 :].lstrip(" ")
                    start = 11
                if rest.startswith("statement: ", start - 11):
                    if st is not None:
                        if st.pending is not None:
                            self._emit(st.pending)
                            st.pending = None
                        st.attach = _ATTACH_NONE
                    self._event(
                        rest[start:], dur, ts, user, db, host, session, app, qid, line, None, None, None
                    )
                elif rest.startswith("execute "):
                    named = _split_named(rest, 8)
                    st = self._state(key) if st is None else st
                    if named is None:
                        st.attach = _ATTACH_NONE
                        return
                    name, sql = named
                    self._statement(st, sql, dur, name, detail, ts, user, db, host, session, app, qid, line)
                elif rest.startswith(("bind ", "parse ")):
                    st = self._state(key) if st is None else st
                    if st.pending is not None:
                        self._emit(st.pending)
                        st.pending = None
                    if rest[0] == "b":
                        named = _split_named(rest, 5)
                        st.bind_s = dur
                        st.bind_name = named[0] if named is not None else None
                        st.bind_params = parse_params(detail) if detail is not None else None
                        st.attach = _ATTACH_BIND
                    else:
                        st.parse_s = dur
                        st.attach = _ATTACH_NONE
                elif not rest.strip():
                    # bare duration: ends the statement this session logged without one (log_statement)
                    if st is not None:
                        p = st.pending
                        if p is not None and p.dur is None:
                            p.dur = dur
                            st.pending = None
                            self._emit(p)
                        st.attach = _ATTACH_NONE
                elif st is not None:  # auto_explain "plan:", fastpath calls...: not a statement execution
                    st.attach = _ATTACH_NONE
            elif text.startswith("statement: "):
                st = self._state(key) if st is None else st
                self._statement(
                    st, text[11:], None, None, detail, ts, user, db, host, session, app, qid, line
                )
            elif text.startswith("execute "):
                named = _split_named(text, 8)
                st = self._state(key) if st is None else st
                if named is None:
                    st.attach = _ATTACH_NONE
                    return
                self._statement(
                    st, named[1], None, named[0], detail, ts, user, db, host, session, app, qid, line
                )
            elif st is not None:
                if text.startswith(("disconnection:", "connection received:")):
                    if st.pending is not None:
                        self._emit(st.pending)
                    del self._sessions[key]
                    self._waiting.pop(key, None)
                else:
                    st.attach = _ATTACH_NONE
        elif sev == "DETAIL":
            if st is not None and st.attach:
                params = parse_params(text)
                if params is not None:
                    if st.attach == _ATTACH_PENDING and st.pending is not None:
                        p = st.pending
                        p.params = params
                        if p.dur is not None:
                            st.pending = None
                            self._emit(p)
                    elif st.attach == _ATTACH_BIND:
                        st.bind_params = params
                st.attach = _ATTACH_NONE
        elif sev in _FAILURES:
            if st is not None:
                if st.pending is not None:
                    self._emit(st.pending)
                    st.pending = None
                st.attach = _ATTACH_NONE
                st.parse_s = st.bind_s = None
                st.bind_name = st.bind_params = None
        elif st is not None:
            st.attach = _ATTACH_NONE

    def _expire(self) -> None:
        """Release the oldest execute still waiting for a DETAIL after WAIT_WINDOW messages (bounded lag)."""
        key = next(iter(self._waiting))
        if self._count - self._waiting[key] <= WAIT_WINDOW:
            return
        del self._waiting[key]
        st = self._sessions.get(key)
        if st is not None and st.pending is not None and st.pending.dur is not None:
            p = st.pending
            st.pending = None
            st.attach = _ATTACH_NONE
            self._emit(p)

    def finish(self) -> None:
        """End of input: statements still waiting for a DETAIL or a duration become events as they are."""
        for st in self._sessions.values():
            if st.pending is not None:
                self._emit(st.pending)
                st.pending = None
        self._sessions.clear()
        self._waiting.clear()
