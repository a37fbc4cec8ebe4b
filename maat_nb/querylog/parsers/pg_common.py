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
from itertools import pairwise
from typing import TypeAlias

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


#: "000".."999" -> that many milliseconds
_MILLIS = {f"{ms:03d}": timedelta(milliseconds=ms) for ms in range(1000)}


class TimestampParser:
    """Turns log timestamps into datetimes, caching per second (logs repeat the same second many times).

    The last stamp is remembered whole (consecutive events often share their millisecond), and a ``%m`` stamp
    (3 fraction digits) adds its milliseconds to its second's value instead of building a datetime.

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

    __slots__ = ("_cache", "_last", "_last_raw", "_second", "_second_base", "year")

    def __init__(self, year: int | None = None) -> None:
        self.year = year if year is not None else datetime.now().year
        self._cache: dict[str, datetime | None] = {}
        # the last stamp read and its value: consecutive events often share their millisecond
        self._last_raw: str | None = None
        self._last: datetime | None = None
        # the last "%m" stamp's text up to its fraction + its zone text, and their value without the fraction
        self._second = ""
        self._second_base: datetime | None = None

    def __call__(self, raw: str | None) -> datetime | None:
        if raw == self._last_raw:
            return self._last
        value = self._parse(raw)
        self._last_raw = raw
        self._last = value
        return value

    def _parse(self, raw: str | None) -> datetime | None:
        if not raw:
            return None
        if len(raw) >= 23 and raw[19] == "." and raw[4] == "-" and raw[10] in " T":
            # "%m": exactly 3 fraction digits, then the zone (what the general path below reads the same way)
            millis = _MILLIS.get(raw[20:23])
            if millis is not None and not raw[23:24].isdigit():
                second = raw[:19] + raw[23:]
                if second == self._second:
                    base = self._second_base
                else:
                    base = self._to_second(raw, raw[23:].strip())
                    self._second = second
                    self._second_base = base
                # base has no fraction: adding it is replace(microsecond=...), but ten times cheaper
                return None if base is None else base + millis
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
            value = self._to_second(raw, rest.strip())
            if value is None or not micro:
                return value
            return value.replace(microsecond=micro)
        if raw in self._cache:
            return self._cache[raw]
        value = self._other(raw)
        self._remember(raw, value)
        return value

    def _to_second(self, raw: str, zone: str) -> datetime | None:
        """The stamp without its fraction, cached by its text and zone."""
        key = f"{raw[:19]} {zone}"  # == raw for "%t" stamps: the lookup in _parse hits next time
        if key in self._cache:
            return self._cache[key]
        value = self._base(raw, zone)
        self._remember(key, value)
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
    numbers: list[int] = []
    values: list[str] = []
    pos = 0
    match = _PARAM.match
    while True:
        m = match(body, pos)
        if m is None:
            break
        number, value = m.groups()
        numbers.append(int(number))
        values.append(value)
        pos = m.end()
        if not body.startswith(", ", pos):
            break
        pos += 2
    if not values:
        return None
    if any(a > b for a, b in pairwise(numbers)):  # out of order: stable sort by $n
        order = sorted(range(len(values)), key=numbers.__getitem__)
        return tuple(values[i] for i in order)
    return tuple(values)


_PARAMS_CACHE_SIZE = 4096
_PARAMS_CACHE_KEY_MAX = 2048


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


#: The context of a message: (ts, user, db, host, app, queryid) as the log wrote them (None where absent).
Context: TypeAlias = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


class _Pending:
    """A statement seen, waiting for its DETAIL parameters or its bare ``duration:`` line."""

    __slots__ = ("bind_s", "ctx", "dur", "fallback_params", "line", "params", "parse_s", "session", "sql")

    def __init__(
        self,
        sql: str,
        dur: float | None,
        ctx: Context,
        session: str | None,
        line: int,
        parse_s: float | None = None,
        bind_s: float | None = None,
    ) -> None:
        self.sql = sql
        self.dur = dur
        self.ctx = ctx
        self.session = session
        self.line = line
        self.params: tuple[str, ...] | None = None
        self.fallback_params: tuple[str, ...] | None = None
        self.parse_s = parse_s
        self.bind_s = bind_s


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


def _split_named(text: str, start: int) -> tuple[str, str] | None:
    """``S_1/C_1: SQL`` from ``start`` on -> (``S_1/C_1``, ``SQL``); also ``fetch from S_1/C_1: SQL``.

    ``start`` is just after the verb (``execute ``, ``bind ``), so callers need not copy the text to cut it.

    >>> _split_named("execute fetch from S_1/C_1: SELECT 1", 8)
    ('S_1/C_1', 'SELECT 1')
    >>> _split_named("duration: 1 ms  bind S_2:", 21)
    ('S_2', '')
    """
    if text.startswith("fetch from ", start):
        start += 11
    j = text.find(": ", start)
    if j < 0:
        if text.endswith(":"):
            return text[start:-1], ""
        return None
    return text[start:j], text[j + 2 :]


#: The usual shape of a ``duration:`` message, read in one step; any other shape takes the general path, which
#: gives the same result for this one: the digits hold no space (so the first " ms" follows them), float() cannot
#: fail on them, and ``ms +`` takes every space (as lstrip does) since each verb starts with a letter.
_DURATION_VERB = re.compile(
    r"duration: ([0-9]+(?:\.[0-9]+)?) ms +(statement: |execute |bind |parse )((?:fetch from )?)"
)
_DURATIONS_CACHE_SIZE = 4096


class EventBuilder:
    """Turns framed PostgreSQL log messages into :class:`QueryEvent` objects (the one rule, see module doc).

    Call :meth:`message` (or :meth:`feed`) once per message in log order, take the events from :attr:`out` after
    each call (the caller yields and clears it), and call :meth:`finish` at the end of input to release what is
    still pending.

    ``detail_separate``: True for stderr/syslog, where ``DETAIL:`` is its own line that may arrive after other
    backends' lines; False for csvlog/jsonlog, where the detail comes with the message.
    """

    __slots__ = (
        "_count",
        "_deadline",
        "_durations",
        "_params_cache",
        "_seconds_text",
        "_sessions",
        "_source",
        "_ts",
        "_waiting",
        "detail_separate",
        "out",
    )

    def __init__(self, source: str, ts_parser: TimestampParser, *, detail_separate: bool) -> None:
        self._source = source
        self._ts = ts_parser
        self._sessions: dict[str | None, _Session] = {}
        # sessions whose execute waits for a DETAIL line -> message count then (oldest first: counts only grow)
        self._waiting: dict[str | None, int] = {}
        # no entry of _waiting expires before this message count (a lower bound: saves a look per message)
        self._deadline = 0
        self._count = 0
        # DETAIL text -> its parameters: bind and execute log the same DETAIL, workloads repeat values
        self._params_cache: dict[str, tuple[str, ...] | None] = {}
        self._durations: dict[str, float] = {}  # "0.060" (ms) -> 6e-05 (s)
        self._seconds_text: dict[float, str] = {}  # 6e-05 -> "6e-05"
        self.detail_separate = detail_separate
        self.out: list[QueryEvent] = []

    def _params(self, detail: str) -> tuple[str, ...] | None:
        """:func:`parse_params`, cached by the detail text."""
        cache = self._params_cache
        if detail in cache:
            return cache[detail]
        value = parse_params(detail)
        if len(detail) <= _PARAMS_CACHE_KEY_MAX:
            if len(cache) >= _PARAMS_CACHE_SIZE:
                cache.clear()
            cache[detail] = value
        return value

    def _format_seconds(self, seconds: float) -> str:
        """``format(seconds, ".12g")``, cached (not for zeros: -0.0 == 0.0 as a key, but prints "-0")."""
        text = format(seconds, ".12g")
        if seconds:
            cache = self._seconds_text
            if len(cache) >= _DURATIONS_CACHE_SIZE:
                cache.clear()
            cache[seconds] = text
        return text

    # -- emission ---------------------------------------------------------------------------------------------
    def _emit(self, p: _Pending) -> None:
        """Append the event for a statement to :attr:`out`."""
        ts, user, db, host, app, qid = p.ctx
        extra: dict[str, str] = {}
        if app and app != "[unknown]":
            extra["app"] = app
        if qid and qid != "0":
            extra["queryid"] = qid
        seconds = p.parse_s
        if seconds is not None:
            text = self._seconds_text.get(seconds) if seconds else None
            extra["parse_s"] = text if text is not None else self._format_seconds(seconds)
        seconds = p.bind_s
        if seconds is not None:
            text = self._seconds_text.get(seconds) if seconds else None
            extra["bind_s"] = text if text is not None else self._format_seconds(seconds)
        if host and host[-1] == ")":  # %r: host(port)
            cut = host.rfind("(")
            if cut > 0:
                host = host[:cut]
        params = p.params
        tsp = self._ts
        self.out.append(
            QueryEvent(
                p.sql.rstrip(_TRAILING).lstrip(),
                p.dur,
                tsp._last if ts == tsp._last_raw else tsp(ts),
                db if db and db != "[unknown]" else None,
                user if user and user != "[unknown]" else None,
                host or None,
                p.session,
                None,
                None,
                None,
                None,
                params if params is not None else p.fallback_params,
                f"{self._source}:{p.line}",
                False,
                extra,
            )
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
        ctx: Context,
        session: str | None,
        line: int,
    ) -> None:
        """An execute (name set) or a log_statement ``statement:`` (name None), with or without duration."""
        if st.pending is not None:
            self._emit(st.pending)
        p = _Pending(sql, dur, ctx, session, line)
        if name is not None:
            p.parse_s = st.parse_s
            p.bind_s = st.bind_s
            if st.bind_name == name:
                p.fallback_params = st.bind_params
            st.parse_s = st.bind_s = None
            st.bind_name = st.bind_params = None
        if detail is not None:
            p.params = self._params(detail)
        if dur is not None and (detail is not None or not self.detail_separate):
            st.pending = None
            st.attach = _ATTACH_NONE
            self._emit(p)
        else:
            st.pending = p
            st.attach = _ATTACH_PENDING
            if dur is not None:
                waiting = self._waiting
                waiting.pop(st.key, None)
                waiting[st.key] = self._count

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
        self.feed(sev, text, detail, key, session, (ts, user, db, host, app, qid), line)

    def feed(
        self,
        sev: str,
        text: str,
        detail: str | None,
        key: str | None,
        session: str | None,
        ctx: Context,
        line: int,
    ) -> None:
        """:meth:`message` with the context as one :data:`Context` tuple (a stderr prefix line's, shared)."""
        if sev == "DETAIL":
            self.detail_message(key, text)
            return
        count = self._count = self._count + 1
        if count > self._deadline:
            self._expire()
        st = self._sessions.get(key)
        if st is not None:
            p = st.pending
            if p is not None and p.dur is not None:
                # an execute that waited for a DETAIL line: none came before the next message of its session
                st.pending = None
                self._emit(p)
        if sev == "LOG":
            fm = _DURATION_VERB.match(text)
            if fm is not None:  # the usual shapes, without the general path's copies and tests
                digits = fm[1]
                dur = self._durations.get(digits)
                if dur is None:
                    dur = self._duration(digits)
                verb = fm[2]
                if verb == "execute ":
                    if st is None:
                        st = self._state(key)
                    start = fm.end()  # after "fetch from ", if there
                    j = text.find(": ", start)
                    if j >= 0:
                        name = text[start:j]
                        sql = text[j + 2 :]
                    elif text.endswith(":"):
                        name = text[start:-1]
                        sql = ""
                    else:
                        st.attach = _ATTACH_NONE
                        return
                    # _statement(st, sql, dur, name, detail, ...), unrolled for the most frequent message
                    if st.pending is not None:
                        self._emit(st.pending)
                    p = _Pending(sql, dur, ctx, session, line, st.parse_s, st.bind_s)
                    if st.bind_name == name:
                        p.fallback_params = st.bind_params
                    st.parse_s = st.bind_s = None
                    st.bind_name = st.bind_params = None
                    if detail is not None or not self.detail_separate:
                        if detail is not None:
                            p.params = self._params(detail)
                        st.pending = None
                        st.attach = _ATTACH_NONE
                        self._emit(p)
                    else:
                        st.pending = p
                        st.attach = _ATTACH_PENDING
                        waiting = self._waiting
                        waiting.pop(key, None)
                        waiting[key] = count
                elif verb == "bind ":
                    if st is None:
                        st = self._state(key)
                    elif st.pending is not None:
                        self._emit(st.pending)
                        st.pending = None
                    start = fm.end()  # after "fetch from ", if there
                    j = text.find(": ", start)
                    if j >= 0:
                        st.bind_name = text[start:j]
                    elif text.endswith(":"):
                        st.bind_name = text[start:-1]
                    else:
                        st.bind_name = None
                    st.bind_s = dur
                    st.bind_params = self._params(detail) if detail is not None else None
                    st.attach = _ATTACH_BIND
                elif verb == "parse ":
                    if st is None:
                        st = self._state(key)
                    elif st.pending is not None:
                        self._emit(st.pending)
                        st.pending = None
                    st.parse_s = dur
                    st.attach = _ATTACH_NONE
                else:
                    if st is not None:
                        if st.pending is not None:
                            self._emit(st.pending)
                            st.pending = None
                        st.attach = _ATTACH_NONE
                    self._emit(_Pending(text[fm.end(2) :], dur, ctx, session, line))
                return
            if text.startswith("duration: "):
                i = text.find(" ms", 10)
                if i < 0:
                    if st is not None:
                        st.attach = _ATTACH_NONE
                    return
                try:
                    dur = float(text[10:i] + "e-3")
                except ValueError:
                    dur = -1.0
                if not dur >= 0.0:
                    if st is not None:
                        st.attach = _ATTACH_NONE
                    return
                # k: where the text after "ms" and its spaces starts
                k = len(text) - len(text[i + 3 :].lstrip(" "))
                if text.startswith("statement: ", k):
                    if st is not None:
                        if st.pending is not None:
                            self._emit(st.pending)
                            st.pending = None
                        st.attach = _ATTACH_NONE
                    self._emit(_Pending(text[k + 11 :], dur, ctx, session, line))
                elif text.startswith("execute ", k):
                    named = _split_named(text, k + 8)
                    st = self._state(key) if st is None else st
                    if named is None:
                        st.attach = _ATTACH_NONE
                        return
                    self._statement(st, named[1], dur, named[0], detail, ctx, session, line)
                elif text.startswith(("bind ", "parse "), k):
                    st = self._state(key) if st is None else st
                    if st.pending is not None:
                        self._emit(st.pending)
                        st.pending = None
                    if text[k] == "b":
                        named = _split_named(text, k + 5)
                        st.bind_s = dur
                        st.bind_name = named[0] if named is not None else None
                        st.bind_params = self._params(detail) if detail is not None else None
                        st.attach = _ATTACH_BIND
                    else:
                        st.parse_s = dur
                        st.attach = _ATTACH_NONE
                elif not text[k:].strip():
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
                self._statement(st, text[11:], None, None, detail, ctx, session, line)
            elif text.startswith("execute "):
                named = _split_named(text, 8)
                st = self._state(key) if st is None else st
                if named is None:
                    st.attach = _ATTACH_NONE
                    return
                self._statement(st, named[1], None, named[0], detail, ctx, session, line)
            elif st is not None:
                if text.startswith(("disconnection:", "connection received:")):
                    if st.pending is not None:
                        self._emit(st.pending)
                    del self._sessions[key]
                    self._waiting.pop(key, None)
                else:
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

    def _duration(self, digits: str) -> float:
        """Milliseconds text -> seconds, cached."""
        dur = float(digits + "e-3")  # exact decimal shift: "0.060" ms -> 6e-05 s
        durations = self._durations
        if len(durations) >= _DURATIONS_CACHE_SIZE:
            durations.clear()
        durations[digits] = dur
        return dur

    def detail_message(self, key: str | None, text: str) -> None:
        """:meth:`feed` for a ``DETAIL`` message (its context is not needed: a DETAIL never starts an event)."""
        count = self._count = self._count + 1
        if count > self._deadline:
            self._expire()
        st = self._sessions.get(key)
        if st is not None and st.attach:
            cache = self._params_cache
            params = cache[text] if text in cache else self._params(text)
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

    def _expire(self) -> None:
        """Release the oldest execute still waiting for a DETAIL after WAIT_WINDOW messages (bounded lag)."""
        waiting = self._waiting
        if not waiting:  # what is added later is due after this
            self._deadline = self._count + WAIT_WINDOW
            return
        key = next(iter(waiting))
        since = waiting[key]
        if self._count - since <= WAIT_WINDOW:
            self._deadline = since + WAIT_WINDOW
            return
        del waiting[key]
        self._deadline = 0  # look again at the next message: the next oldest may be due too
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
