"""The MySQL / MariaDB / Percona Server slow query log: one :class:`QueryEvent` per logged statement.

A record is a header of meta lines, then the statement::

    # Time: 230707  1:41:38                       (MySQL <= 5.6 / MariaDB: only when the second changes)
    # User@Host: app[app] @ web1 [10.0.0.5]  Id: 12
    # Thread_id: 12  Schema: shop  QC_hit: No
    # Query_time: 0.120033  Lock_time: 0.000041  Rows_sent: 1  Rows_examined: 5120
    # Rows_affected: 0  Bytes_sent: 91
    use shop;
    SET timestamp=1688694098;
    SELECT ... ;

What it reads (the variants of percona-toolkit's test corpus plus MySQL 8 and MariaDB 10.11):

- ``# Time:`` old ``YYMMDD HH:MM:SS[.frac]`` (space-padded hour) -> naive datetime; ISO 8601 with fraction and
  ``Z``/offset -> timezone-aware datetime (naive when the log gives no zone). Glued ``# Time: ... # User@Host: ...``.
- ``# User@Host: user[priv] @ host [ip]  Id: N`` (also ``# User:``, no ``[priv]``, ``@ [ip]``): host falls back to
  the ip; ``Id`` -> ``session`` unless a ``Thread_id`` is given.
- Every ``# Key: value  Key: value`` line: ``Query_time`` -> ``duration_s``, ``Lock_time`` -> ``lock_s``,
  ``Rows_sent/examined/affected``, ``Thread_id`` -> ``session``, ``Schema`` -> ``db`` (empty allowed); all other keys
  (QC_Hit, Full_scan, InnoDB_*, Bytes_sent, MySQL 8 log_slow_extra incl. ``Start``/``End``, ...) go to ``extra`` as
  text, key spelling normalised (MariaDB ``QC_hit`` == Percona ``QC_Hit``). MariaDB ``# explain:`` rows are joined
  with newlines into ``extra["explain"]``; a host name given with a different ip keeps the ip in ``extra["ip"]``.
- ``use db;`` -> ``db`` (it wins over ``Schema``, as in pt-query-digest); ``SET timestamp=N`` -> ``ts`` (aware,
  UTC) only while the log has shown no ``# Time:`` line yet. Events without ``# Time:`` inherit the previous
  event's ts, events without ``use``/``Schema`` inherit its db (pt-query-digest's ``--inherit-attributes db,ts``).
- ``# administrator command: Quit;`` -> sql ``administrator command: Quit``, ``admin=True``. A header followed by
  no statement (pt-query-digest bug 1082599) -> sql :data:`NO_QUERY`, ``admin=True``, as pt counts it.
- Server banners (``mysqld, Version: ... started with:``, ``Tcp port:``, ``Time  Id Command  Argument``) are
  skipped anywhere (restart / FLUSH LOGS); a banner also ends a statement.
- A statement runs from its first line to the next header: a ``#`` line after a line that ends with ``;``, or a
  line that starts a header (``# Time:``, ``# User@Host:``, ``# Query_time:``, ``# Thread_id:``, ...) even when
  the statement lacks its ``;``. It may contain blank lines and ``#`` comment lines; one trailing ``;`` and the
  surrounding whitespace are removed (pt-query-digest keeps trailing blank lines; ``\\r\\n`` becomes ``\\n``).

What it deliberately does not do, and where it differs from pt-query-digest's SlowLogParser:

- It never raises on bad input. Text outside any event (a file cut mid-statement, a pt-log-player session file,
  any non-slow-log text), ``#`` lines that are no slow-log header, a header left without its statement at the
  end of the input, an unparsable ``# Time:`` or numeric value: each is one :meth:`ParseStats.add_bad`. Events
  with an unparsable value are still yielded, the value None (the raw text stays in ``extra``); a garbled
  number such as ``18446744073708.796870.000036`` keeps its leading number, as pt does, and the raw text in
  ``extra``. pt turns text before the first header into an event; this parser counts it as bad instead.
- Times keep their microseconds and zone (pt keeps 19 characters); ``use `db```'s backticks are removed;
  user names are not padded (pt keeps ``"bob "`` for ``bob @ host``); ``@ [host]`` and ``# User:`` lines give a
  user, which pt misses; an empty ``Schema:`` gives ``db == ""``.
- No fingerprinting, no aggregation, no time-zone guessing: an old-style ``# Time:`` is the server's local time
  and stays naive. Mixed logs may therefore give aware ts (from ``SET timestamp`` before the first Time line)
  and naive ones (after it).

How it is fast (the parser is most of a digest's time): the input is read in batches of about 1 MiB of whole
lines (a plain text file as pieces of text, not line by line), so it reads up to that far ahead of the events it
has yielded. Records of the common MySQL/MariaDB shape (:data:`_FAST`: ``[# Time:] # User@Host: [...]
# Query_time: [# Rows_affected:] [other '#' lines] [use] [SET timestamp] statement``) are made straight from a
batch's text by one regex match each, their repeated lines read once (the ``# User@Host:``/``# Thread_id:``
lines, the ``# Time:`` line, the plan lines); everything else (another shape, a record across two batches, a
``\r``, a banner or ``#`` comment in the statement) goes the line-by-line way. Both ways give the same events,
line numbers and bad records (the tests compare them on fuzzed logs).
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain, islice, repeat
from typing import Any

from maat_nb.querylog.events import ParseStats, QueryEvent

NO_QUERY = "/* No query */"
"""The sql of an event whose header had no statement (pt-query-digest's ``arg`` for it too)."""

_ADMIN = "# administrator command:"
# Lines that start a new header even when the statement before them lacks its ';'.
_STRONG = (
    "# Time:",
    "# User@Host:",
    "# User:",
    "# Query_time:",
    "# Thread_id:",
    "# Schema:",
    "# Client:",
    _ADMIN,
)
# Statement-less meta lines the server writes after the header (case-sensitive: a user's `USE x` is a statement).
_META = ("use ", "SET timestamp", "SET insert_id", "SET last_insert_id")
_SEMI_EOL = (";\n", ";\r\n", ";")
_MAX_HEADER_LINES = 4096

# `Key: value` pairs; an empty value followed by the next key (`Schema:  Last_errno: 0`) gives "".
_KV = re.compile(r"(\w+):[ \t]*(?!\w+:\s)(\S*)")
# pt-query-digest's test for a meta line with attributes.
_PT_META = re.compile(r"# +[A-Z][A-Za-z_]+: ")
_QUERY_TIME = re.compile(r"# Query_time: (\S+)\s+Lock_time: (\S+)\s+Rows_sent: (\S+)\s+Rows_examined: (\S+)")
# MariaDB's `# Thread_id: N  Schema: db  QC_hit: No` (Percona: `Last_errno`... follow) and `# Rows_affected:` lines.
_THREAD = re.compile(r"# Thread_id: (\S+)\s+Schema: *(?!\w+:\s)(\S*)(?:\s+QC_hit: (\S+))?")
_ROWS = re.compile(r"# Rows_affected: (\S+)(?:\s+Bytes_sent: (\S+))?")
_OLD_TIME = re.compile(r"(\d\d)(\d\d)(\d\d) +(\d\d?):(\d\d):(\d\d)(?:\.(\d+))?")
_USER_HOST = re.compile(
    r"# User(?:@Host)?: *(\[[^\]]*\]|[^\[\s]*)(?:\[.*?\])?\s*@\s*(\S*?)\s*\[([^\]]*)\](?:\s+Id:\s*(\d+))?"
)
_BANNER = re.compile(
    r"T[cC][pP] [pP]ort: *\d|Time\s+Id\s+Command|[^'\"`]*(?:mysqld|mariadbd)[-\w.]*, Version: .*(?:started with:|embedded library)"
)
_SET_TIMESTAMP = re.compile(r"\btimestamp\s*=\s*(\d+(?:\.\d+)?)")
_LEADING_FLOAT = re.compile(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")
_LEADING_INT = re.compile(r"\d+")
_SNIFF = re.compile(
    r"# (?:Time: +(?:\d{6} +\d?\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)"
    r"|User@Host: |User: \S*\[|Query_time: +\d|Thread_id: +\d|administrator command: )"
)

# The fast path: one whole record of the common MySQL/MariaDB shape, matched in the text of many lines at once:
#   [# Time:] # User@Host: [other '#' lines, e.g. # Thread_id:] # Query_time: [# Rows_affected:] [other '#' lines,
#   # explain:] [use db;] [SET timestamp=N;] statement, up to the next '#' line.
# The Query_time and Rows_affected lines are _QUERY_TIME and _ROWS (separators that cannot cross a newline, each part
# possessive: the first way the line-wise regex matches is the one kept, as in :meth:`_Builder.build`) plus the rest
# of their line. The other '#' lines are read by :func:`_other_lines` and :meth:`_Builder.prefix`, as build() reads
# them. Anything else (other orders, a second Time/User/Query_time/Rows line, `SET insert_id`, blank lines before
# the statement...) does not match and goes the line-by-line way.
_FAST = re.compile(
    r"(\# Time:[^#\n]*+\n)?+"  # 1: Time line (no glued User@Host)
    r"(\# User@Host:[^\n]*+\n(?:\#(?! (?:Time|User|admi|expl|Quer|Rows))[^\n]*+\n){0,64}+)"  # 2
    r"\# Query_time: (\S++)[^\S\n]++Lock_time: (\S++)[^\S\n]++Rows_sent: (\S++)[^\S\n]++Rows_examined: (\S++)"
    r"([^\n]*+)\n"  # 3-7
    r"(?:\# Rows_affected: (\S++)(?:[^\S\n]++Bytes_sent: (\S++))?+([^\n]*+)\n)?+"  # 8-10
    r"((?:\#(?! (?:Time|User|admi|Quer|Thre|Rows))[^\n]*+\n){0,4000}+)"  # 11
    r"(?:use ([^\n]*+\n))?+"  # 12
    r"(SET timestamp[^\n]*+\n)?+"  # 13
    # 14: the statement, up to the next '#' line (the caller checks that this line ends it); its first line is no
    # header, meta or blank line; no line starts with 'T' (a server banner? see _is_banner)
    r"(?![#\nT]|use |SET timestamp|SET insert_id|SET last_insert_id|[^\S\n]*+(?:\n|\Z))"
    r"([^\n]*+\n(?:[^#T\n][^\n]*+\n|\n)*+)(?=\#)"
)
_FAST_SCANNER: Callable[[str, int], Any] = _FAST.scanner  # type: ignore[attr-defined]  # consecutive matches
_BATCH_LINES = 512
_BATCH_CHARS = 1 << 20
_READ_CHARS = 8192  # a plain file's text is read in pieces of this many characters
_WINDOW_CHARS = 1 << 16  # text read as text is split into lines this many characters at a time
_LINE = re.compile(r"[^\n]*\n|[^\n]+")  # lines as a text file with newline="\n" (or None) gives them
_LINE_CR = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # ... with newline=""
_EXACT_LINES = (io.TextIOWrapper, io.StringIO)  # lines end at their only '\n' when the text has no '\r'
_CACHE_MAX = 4096  # `# User@Host:`.. lines, other '#' lines read (each)
_TEMPLATES_MAX = 256  # `extra` templates per `# User@Host:`.. lines
_TEMPLATES_TOTAL = 32768  # ... and in all (made since the `# User@Host:`.. lines kept were last dropped)
_STANDARD_KEYS = frozenset(("Rows_affected", "Thread_id", "Schema"))  # pairs build() takes out of `extra`
_CACHE_TEXT = 4096  # longer texts are not kept

# Spelling of the extra keys; others keep theirs. Lower-case lookup merges QC_hit (MariaDB) and QC_Hit (Percona).
_KNOWN_KEYS = [
    "QC_Hit",
    "Full_scan",
    "Full_join",
    "Tmp_table",
    "Tmp_table_on_disk",
    "Filesort",
    "Filesort_on_disk",
    "Merge_passes",
    "Priority_queue",
    "Tmp_tables",
    "Tmp_disk_tables",
    "Tmp_table_sizes",
    "Bytes_sent",
    "Bytes_received",
    "Rows_read",
    "Last_errno",
    "Killed",
    "Errno",
    "Log_slow_rate_type",
    "Log_slow_rate_limit",
    "InnoDB_trx_id",
    "InnoDB_IO_r_ops",
    "InnoDB_IO_r_bytes",
    "InnoDB_IO_r_wait",
    "InnoDB_rec_lock_wait",
    "InnoDB_queue_wait",
    "InnoDB_pages_distinct",
    "Pages_accessed",
    "Pages_read",
    "Pages_updated",
    "Old_rows_read",
    "Pages_read_time",
    "Engine_time",
    "Stored_routine",
    "Client",
    "Read_first",
    "Read_last",
    "Read_key",
    "Read_next",
    "Read_prev",
    "Read_rnd",
    "Read_rnd_next",
    "Sort_merge_passes",
    "Sort_range_count",
    "Sort_rows",
    "Sort_scan_count",
    "Created_tmp_disk_tables",
    "Created_tmp_tables",
    "Count_hit_tmp_table_size",
    "Start",
    "End",
]
_CANON_BY_LOWER = {k.lower(): k for k in _KNOWN_KEYS}
_CANON_OK: set[str] = set(_KNOWN_KEYS)  # keys already in their canonical spelling (grows, bounded)
_CANON_OK_MAX = 4096
_UH_CACHE_MAX = 8192

UserHost = tuple[str | None, str | None, str | None, str | None]
# The '#' lines after `# Query_time:` / `# Rows_affected:` (:func:`_other_lines`): pairs, joined explain rows, plain.
Other = tuple[list[tuple[str, str]], str | None, bool]
_NOT_PLAIN: dict[str, str] = {}  # a template that is none: `extra` needs build()'s work


class _Prefix:
    """A fast record's `# User@Host:` line and the '#' lines up to `# Query_time:`, read (:meth:`_Builder.prefix`).

    ``user``, ``host``, ``session``, ``schema``: as build() ends up with them when no other line changes them.
    ``attrs``/``plain``: the lines' pairs for `extra` and whether they need no more work (no standard key, every key
    canonical). ``with_bytes``/``without_bytes``: `extra` templates by the record's other '#' lines
    (:meth:`_Builder.template`), for records with / without a ``Bytes_sent``.
    """

    __slots__ = (
        "attrs",
        "host",
        "plain",
        "schema",
        "session",
        "thread_session",
        "uh",
        "user",
        "with_bytes",
        "without_bytes",
    )

    def __init__(
        self, uh: UserHost | None, session: str | None, schema: str | None, attrs: dict[str, str], plain: bool
    ) -> None:
        self.uh = uh
        self.thread_session = session  # from a Thread_id line (None: none)
        self.schema = schema
        self.attrs = attrs
        self.plain = plain
        self.user, self.host, _, thread = uh if uh is not None else (None, None, None, None)
        self.session = session if session is not None else thread
        self.with_bytes: dict[str, dict[str, str]] = {}
        self.without_bytes: dict[str, dict[str, str]] = {}


_EVENT_FIELDS = (
    "sql",
    "duration_s",
    "ts",
    "db",
    "user",
    "host",
    "session",
    "lock_s",
    "rows_sent",
    "rows_examined",
    "rows_affected",
    "params",
    "source",
    "admin",
    "extra",
)
Setter = Callable[[QueryEvent, Any], None]


def _event_setters() -> tuple[Setter, ...] | None:
    """The slot setters of QueryEvent's fields (:data:`_EVENT_FIELDS` order) when an event made with them is what
    ``QueryEvent(...)`` makes (a frozen slots dataclass whose ``__init__`` only stores its arguments); else None.

    ``QueryEvent(...)`` stores each field through ``object.__setattr__`` (it is frozen): a quarter of the fast way's
    time. The slots' own setters store the same values at half the cost.
    """
    try:
        names = tuple(f.name for f in dataclasses.fields(QueryEvent))
        slots = QueryEvent.__dict__.get("__slots__", ())
        if names != _EVENT_FIELDS or tuple(slots) != names or hasattr(QueryEvent, "__post_init__"):
            return None
        setters = tuple(QueryEvent.__dict__[name].__set__ for name in names)
        sample = ("SELECT 1", 1.5, datetime(2024, 1, 2, tzinfo=UTC), "db", "u", "h", "7", 0.5, 1, 2, 3, None, "f:1",
                  False, {"k": "v"})  # fmt: skip
        made = object.__new__(QueryEvent)
        for setter, value in zip(setters, sample, strict=True):
            setter(made, value)
        if made != QueryEvent(*sample) or repr(made) != repr(QueryEvent(*sample)):
            return None
    except Exception:  # any surprise: use the constructor
        return None
    return setters


_SETTERS = _event_setters()


def _no_setter(event: QueryEvent, value: Any) -> None:  # pragma: no cover - placeholder, never called
    raise AssertionError("QueryEvent setters unused")


def _canon_key(key: str) -> str:
    canon = _CANON_BY_LOWER.get(key.lower(), key)
    if canon == key and len(_CANON_OK) < _CANON_OK_MAX:
        _CANON_OK.add(key)
    return canon


# Header lines by their first 6 characters; absent: `Key: value` pairs, `use` or `SET`.
_TAGS = {"# Time": 1, "# User": 2, "# admi": 3, "# expl": 4, "# Quer": 5, "# Thre": 6, "# Rows": 7}


class _Builder:
    """Turns one record (header lines + statement lines) into a QueryEvent; holds what events inherit, and what the
    fast way keeps of the lines it has read (``*_cache``, ``last_time``)."""

    __slots__ = (
        "last_db",
        "last_time",
        "last_time_ts",
        "last_ts",
        "other_cache",
        "prefix_cache",
        "source",
        "stats",
        "templates",
        "time_seen",
        "uh_cache",
    )

    def __init__(self, source: str, stats: ParseStats) -> None:
        self.source = source
        self.stats = stats
        self.last_ts: datetime | None = None
        self.last_db: str | None = None
        self.time_seen = False
        self.uh_cache: dict[str, UserHost] = {}
        self.last_time = ""  # the last parsable `# Time:` line and its datetime (the fast path's cache)
        self.last_time_ts: datetime | None = None
        self.prefix_cache: dict[str, _Prefix] = {}
        self.other_cache: dict[str, Other] = {}
        self.templates = 0  # `extra` templates made (see template())

    def bad(self, line: int, reason: str, text: str) -> None:
        self.stats.add_bad(f"{self.source}:{line}", reason, text)

    def build(self, header: list[str], stmt: list[str] | None, start: int) -> QueryEvent | None:
        """The event of one record; None (and a bad record) when the header is not a slow-log header."""
        attrs: dict[str, str] = {}
        qt = lt = sent = examined = affected = session = schema = None  # from the standard lines
        ts: datetime | None = None
        time_line = False
        uh: UserHost | None = None
        use_db: str | None = None
        set_line: str | None = None
        admin: str | None = None
        explain: list[str] | None = None
        for h in header:
            tag = _TAGS.get(h[:6], 0)
            if tag == 0:
                if h[0] == "#":
                    pairs = _KV.findall(h)
                    if pairs:
                        attrs.update(pairs)
                elif h[0] == "u":
                    if use_db is None:
                        use_db = h[4:].strip().rstrip(";").strip()
                        if len(use_db) > 1 and use_db[0] == "`" and use_db[-1] == "`":
                            use_db = use_db[1:-1].replace("``", "`")
                elif set_line is None:
                    set_line = h
            elif tag == 5:
                m = _QUERY_TIME.match(h)
                if m is None:
                    attrs.update(_KV.findall(h))
                else:
                    qt, lt, sent, examined = m.groups()
                    if len(h) - m.end() > 2:  # more pairs (Percona Rows_affected..., MySQL 8 log_slow_extra)
                        attrs.update(_KV.findall(h, m.end()))
            elif tag == 6:
                m = _THREAD.match(h)
                if m is None:
                    attrs.update(_KV.findall(h))
                else:
                    session, schema, qc_hit = m.groups()
                    if qc_hit is not None:
                        attrs["QC_Hit"] = qc_hit
                    if len(h) - m.end() > 2:
                        attrs.update(_KV.findall(h, m.end()))
            elif tag == 7:
                m = _ROWS.match(h)
                if m is None:
                    attrs.update(_KV.findall(h))
                else:
                    affected, bytes_sent = m.groups()
                    if bytes_sent is not None:
                        attrs["Bytes_sent"] = bytes_sent
                    if len(h) - m.end() > 2:
                        attrs.update(_KV.findall(h, m.end()))
            elif tag == 1 and h.startswith("# Time:"):
                if not time_line:
                    time_line = True
                    ts = self._time(h, start)
                    glued = h.find("# User", 7)
                    if glued > 0 and uh is None:
                        uh = self._user_host(h[glued:], start)
            elif tag == 2 and h.startswith(("# User@Host:", "# User:")):
                if uh is None:
                    uh = self._user_host(h, start)
            elif tag == 3 and h.startswith(_ADMIN):
                admin = h[2:].strip()
                if admin.endswith(";"):
                    admin = admin[:-1].rstrip()
            elif tag == 4 and h.startswith("# explain:"):
                if explain is None:
                    explain = []
                explain.append(h[10:].strip())
            else:
                attrs.update(_KV.findall(h))

        if attrs:
            if qt is None:
                qt = attrs.pop("Query_time", None)
                lt = attrs.pop("Lock_time", None)
                sent = attrs.pop("Rows_sent", None)
                examined = attrs.pop("Rows_examined", None)
            affected = attrs.pop("Rows_affected", affected)
            session = attrs.pop("Thread_id", session)
            schema = attrs.pop("Schema", schema)
            if not _CANON_OK.issuperset(attrs):
                for key in [k for k in attrs if k not in _CANON_OK]:
                    canon = _canon_key(key)
                    if canon != key:
                        attrs[canon] = attrs.pop(key)
        elif (
            qt is None
            and session is None
            and affected is None
            and not (time_line or uh is not None or admin is not None or explain)
            and not _is_header(header)
        ):
            text = "".join(header) + ("".join(stmt[:3]) if stmt else "")
            self.bad(start, "'#' lines that are not a slow-log header; record skipped", text)
            return None

        duration = lock = None
        rows_sent = rows_examined = rows_affected = None
        if qt is not None:
            try:
                duration = float(qt)
                if duration - duration != 0.0:  # nan, inf
                    raise ValueError(qt)
            except ValueError:
                duration = self._float("Query_time", qt, start, attrs)
        if lt is not None:
            try:
                lock = float(lt)
                if lock - lock != 0.0:
                    raise ValueError(lt)
            except ValueError:
                lock = self._float("Lock_time", lt, start, attrs)
        if sent is not None:
            try:
                rows_sent = int(sent)
            except ValueError:
                rows_sent = self._int("Rows_sent", sent, start, attrs)
        if examined is not None:
            try:
                rows_examined = int(examined)
            except ValueError:
                rows_examined = self._int("Rows_examined", examined, start, attrs)
        if affected is not None:
            try:
                rows_affected = int(affected)
            except ValueError:
                rows_affected = self._int("Rows_affected", affected, start, attrs)

        user = host = None
        if uh is not None:
            user, host, ip, thread = uh
            if session is None:
                session = thread
            if ip is not None:
                attrs["ip"] = ip
        if explain:
            attrs["explain"] = "\n".join(explain)

        db = use_db if use_db is not None else schema if schema is not None else self.last_db
        self.last_db = db
        if ts is not None:
            self.last_ts = ts
            self.time_seen = True
        elif self.time_seen:
            ts = self.last_ts
        else:
            ts = self.last_ts
            if set_line is not None:
                m = _SET_TIMESTAMP.search(set_line)
                if m is not None:
                    try:
                        ts = self.last_ts = datetime.fromtimestamp(float(m.group(1)), UTC)
                    except (ValueError, OverflowError, OSError):
                        self.bad(start, f"unusable SET timestamp {m.group(1)!r}; ts left out", set_line)

        if admin is not None:
            sql = admin
            is_admin = True
        elif stmt:
            sql = (stmt[0] if len(stmt) == 1 else "".join(stmt)).strip()
            if sql.endswith(";"):
                sql = sql[:-1].rstrip()
            if "\r" in sql:
                sql = sql.replace("\r\n", "\n")
            is_admin = False
        else:
            sql = NO_QUERY
            is_admin = True
        return QueryEvent(
            sql,
            duration,
            ts,
            db,
            user,
            host,
            session,
            lock,
            rows_sent,
            rows_examined,
            rows_affected,
            None,
            f"{self.source}:{start}",
            is_admin,
            attrs,
        )

    def prefix(self, text: str, start: int) -> _Prefix:
        """A fast record's `# User@Host:` line and the '#' lines after it (no Time, User, Query_time, Rows or
        explain line), read as :meth:`build` reads them; kept for the next records unless the user/host is bad."""
        end = text.index("\n") + 1
        line = text[:end]
        uh = self.uh_cache.get(line)
        if uh is None:
            uh = self._user_host(line, start)
        session = schema = None
        pairs: list[tuple[str, str]] = []
        while end < len(text):
            pos, end = end, text.index("\n", end) + 1
            line = text[pos:end]
            m = _THREAD.match(line) if line.startswith("# Thre") else None
            if m is None:
                pairs += _KV.findall(line)
            else:
                session, schema, qc_hit = m.groups()
                if qc_hit is not None:
                    pairs.append(("QC_Hit", qc_hit))
                if len(line) - m.end() > 2:
                    pairs += _KV.findall(line, m.end())
        found = _Prefix(uh, session, schema, dict(pairs), _plain(pairs))
        if uh is not None and len(text) <= _CACHE_TEXT:
            if len(self.prefix_cache) >= _CACHE_MAX:
                self.prefix_cache.clear()
            self.prefix_cache[text] = found
        return found

    def other(self, text: str) -> Other:
        """A fast record's '#' lines after `# Query_time:` / `# Rows_affected:` (:func:`_other_lines`), kept."""
        found = self.other_cache.get(text)
        if found is None:
            found = _other_lines(text)
            if len(text) <= _CACHE_TEXT:
                if len(self.other_cache) >= _CACHE_MAX:
                    self.other_cache.clear()
                self.other_cache[text] = found
        return found

    def template(self, prefix: _Prefix, other: str, with_bytes: bool) -> dict[str, str]:
        """The `extra` of a fast record with these lines: what build() makes of them when the Query_time and
        Rows_affected lines have no other pairs (a ``Bytes_sent`` of the Rows_affected line is set in place).
        :data:`_NOT_PLAIN` when their pairs need build()'s work."""
        pairs, explain, plain = self.other(other) if other else ([], None, True)
        attrs = _NOT_PLAIN
        if prefix.plain and plain and not (with_bytes and any(key == "Bytes_sent" for key, _ in pairs)):
            attrs = prefix.attrs.copy()
            if with_bytes:
                attrs["Bytes_sent"] = ""
            attrs.update(pairs)
            if prefix.uh is not None and prefix.uh[2] is not None:
                attrs["ip"] = prefix.uh[2]
            if explain is not None:
                attrs["explain"] = explain
        templates = prefix.with_bytes if with_bytes else prefix.without_bytes
        if len(other) <= _CACHE_TEXT:
            if len(templates) >= _TEMPLATES_MAX:
                templates.clear()
            self.templates += 1
            if self.templates > _TEMPLATES_TOTAL:  # all prefixes' templates together stay bounded too
                self.prefix_cache.clear()
                self.templates = 1
            templates[other] = attrs
        return attrs

    def slow_values(
        self,
        prefix: _Prefix,
        m: re.Match[str],
        affected: str | None,
        bytes_sent: str | None,
        other: str,
        start: int,
    ) -> tuple[Any, ...]:
        """A fast record's values where its `extra` is not a template, or a number needs a look: as build()."""
        session, schema = prefix.thread_session, prefix.schema
        attrs = prefix.attrs.copy()
        plain = prefix.plain
        if m.end(7) - m.start(7) > 1:  # more pairs on the Query_time line (with the line's '\n', as build())
            attrs.update(_KV.findall(m.string, m.start(7), m.end(7) + 1))
            plain = False
        if bytes_sent is not None:
            attrs["Bytes_sent"] = bytes_sent
        if m.end(10) - m.start(10) > 1:  # ... on the Rows_affected line
            attrs.update(_KV.findall(m.string, m.start(10), m.end(10) + 1))
            plain = False
        explain: str | None = None
        if other:
            pairs, explain, other_plain = self.other(other)
            if pairs:
                attrs.update(pairs)
                plain = plain and other_plain
        if not plain:
            affected = attrs.pop("Rows_affected", affected)
            session = attrs.pop("Thread_id", session)
            schema = attrs.pop("Schema", schema)
            if not _CANON_OK.issuperset(attrs):
                for key in [k for k in attrs if k not in _CANON_OK]:
                    canon = _canon_key(key)
                    if canon != key:
                        attrs[canon] = attrs.pop(key)

        qt, lt, sent, examined = m.group(3, 4, 5, 6)
        duration: float | None
        lock: float | None
        rows_sent: int | None
        rows_examined: int | None
        rows_affected: int | None = None
        try:
            duration = float(qt)
            if duration - duration != 0.0:  # nan, inf
                raise ValueError(qt)
        except ValueError:
            duration = self._float("Query_time", qt, start, attrs)
        try:
            lock = float(lt)
            if lock - lock != 0.0:
                raise ValueError(lt)
        except ValueError:
            lock = self._float("Lock_time", lt, start, attrs)
        try:
            rows_sent = int(sent)
        except ValueError:
            rows_sent = self._int("Rows_sent", sent, start, attrs)
        try:
            rows_examined = int(examined)
        except ValueError:
            rows_examined = self._int("Rows_examined", examined, start, attrs)
        if affected is not None:
            try:
                rows_affected = int(affected)
            except ValueError:
                rows_affected = self._int("Rows_affected", affected, start, attrs)

        user = host = None
        if prefix.uh is not None:
            user, host, ip, thread = prefix.uh
            if session is None:
                session = thread
            if ip is not None:
                attrs["ip"] = ip
        if explain is not None:
            attrs["explain"] = explain
        return user, host, session, schema, duration, lock, rows_sent, rows_examined, rows_affected, attrs

    def _time(self, line: str, start: int) -> datetime | None:
        rest = line[7:].lstrip()
        try:
            if rest[4:5] == "-":
                return datetime.fromisoformat(rest.split(None, 1)[0])
            m = _OLD_TIME.match(rest)
            if m is not None:
                yy, mo, dd, hh, mi, ss, frac = m.groups()
                return datetime(
                    2000 + int(yy),
                    int(mo),
                    int(dd),
                    int(hh),
                    int(mi),
                    int(ss),
                    int((frac or "0")[:6].ljust(6, "0")),
                )
        except ValueError:
            pass
        self.bad(start, "unparsable '# Time:' value; event kept, ts inherited", line)
        return None

    def _user_host(self, line: str, start: int) -> UserHost | None:
        cached = self.uh_cache.get(line)
        if cached is not None:
            return cached
        m = _USER_HOST.match(line)
        if m is None:
            self.bad(start, "unparsable '# User@Host:' line; event kept without user/host", line)
            return None
        user, host, ip, thread = m.groups()
        found: UserHost = (
            user or None,
            host or ip or None,
            ip if host and ip and ip != host else None,
            thread,
        )
        if len(self.uh_cache) >= _UH_CACHE_MAX:
            self.uh_cache.clear()
        self.uh_cache[line] = found
        return found

    def _float(self, key: str, value: str, start: int, attrs: dict[str, str]) -> float | None:
        """A garbled number's leading number (pt-query-digest's rule), else None and a bad record."""
        attrs[key] = value  # the raw text stays visible
        m = _LEADING_FLOAT.match(value)
        if m is not None:
            number = float(m.group())
            if number - number == 0.0:  # finite
                return number
        self.bad(start, f"unparsable {key} {value[:40]!r}; event kept without it", value)
        return None

    def _int(self, key: str, value: str, start: int, attrs: dict[str, str]) -> int | None:
        """A garbled count's leading digits, else None and a bad record."""
        attrs[key] = value
        m = _LEADING_INT.match(value)
        if m is not None and len(m.group()) <= 30:
            return int(m.group())
        self.bad(start, f"unparsable {key} {value[:40]!r}; event kept without it", value)
        return None


def _plain(pairs: list[tuple[str, str]]) -> bool:
    """Whether build() would leave these `extra` pairs as they are (no standard key, every key canonical)."""
    return all(key not in _STANDARD_KEYS and _CANON_BY_LOWER.get(key.lower(), key) == key for key, _ in pairs)


def _other_lines(text: str) -> Other:
    """A fast record's '#' lines after `# Query_time:` / `# Rows_affected:` as build() reads them."""
    pairs: list[tuple[str, str]] = []
    explain: list[str] = []
    pos = 0
    while pos < len(text):
        end = text.index("\n", pos) + 1
        if text.startswith("# explain:", pos):
            explain.append(text[pos + 10 : end].strip())
        else:
            pairs += _KV.findall(text, pos, end)
        pos = end
    return pairs, "\n".join(explain) if explain else None, _plain(pairs)


Batch = tuple[str | None, list[str] | None]


def _batches(lines: Iterable[str]) -> Iterator[Batch]:
    """The input in batches of about :data:`_BATCH_CHARS` characters of whole lines: ``(text, lines)``.

    ``text`` is the batch's text when it is one line per ``\\n`` and has no ``\\r`` (else None); ``lines`` its
    lines, or None when it was read as text (a plain file: ``lines`` are then split from ``text`` when needed).
    Reading stops at the first end of the input. When reading fails (a damaged compressed file), what was read
    before is yielded first, then the error raised.
    """
    exact = type(lines) in _EXACT_LINES
    if (
        type(lines) is io.TextIOWrapper
        and type(lines.buffer) is io.BufferedReader
        and lines.errors != "strict"
    ):
        # A plain file that cannot fail to decode (a compressed one may be damaged: it is read line by line, so
        # that all lines before the damage are read, as before).
        first = lines.readline()
        if first[-1:] == "\n" and "\r" not in first and "\n" not in first[:-1]:
            # A line ends at '\n' (newline=None, "" or "\n"): read pieces of text, not lines.
            yield from _text_batches(lines, first)
            return
        if not first:
            return
        lines = chain((first,), lines)
    it = iter(lines)
    while True:
        batch: list[str] = []
        size = got = 0
        try:
            while size < _BATCH_CHARS:
                got = len(batch)
                batch.extend(islice(it, _BATCH_LINES))
                got = len(batch) - got
                if got < _BATCH_LINES:
                    break
                size += sum(map(len, batch[-_BATCH_LINES:]))
        except Exception:
            if batch:
                yield _block(batch, exact), batch
            raise
        if batch:
            yield _block(batch, exact), batch
        if got < _BATCH_LINES:
            return


def _text_batches(file: io.TextIOWrapper, first: str) -> Iterator[Batch]:
    """:func:`_batches` of a text file whose lines end at '\\n' (see there), read in pieces of text."""
    universal = file.newlines is not None  # newline=None or "": a lone '\r' ends a line too
    pieces = [first]
    size = len(first)
    while True:
        end = False
        failure: Exception | None = None
        try:
            while size < _BATCH_CHARS:
                piece = file.read(_READ_CHARS)
                if not piece:
                    end = True
                    break
                pieces.append(piece)
                size += len(piece)
            else:
                if pieces[-1][-1] != "\n":
                    pieces.append(file.readline())  # to the end of the line
        except Exception as exc:
            failure = exc
        text = "".join(pieces)
        if text:
            if "\r" in text:
                yield None, (_LINE_CR if universal else _LINE).findall(text)
            else:
                yield text, None
        if failure is not None:
            raise failure
        if end:
            return
        pieces = []
        size = 0


def _window(text: str, pos: int, size: int) -> tuple[list[str], int]:
    """The lines of ``text`` from ``pos`` (a line start) on, about ``size`` characters of them; and where they
    end."""
    end = text.find("\n", pos + size) + 1 or len(text)
    return _LINE.findall(text, pos, end), end


def _block(batch: list[str], exact: bool) -> str | None:
    """The batch's text when its lines are exactly its '\\n'-terminated pieces and it has no '\\r'; else None."""
    block = "".join(batch)
    if "\r" in block:
        return None
    newlines = len(batch) if batch[-1][-1:] == "\n" else len(batch) - 1
    if block.count("\n") != newlines:
        return None
    if not exact and not all(map(str.endswith, islice(batch, len(batch) - 1), repeat("\n"))):
        return None
    return block


def _is_header(header: list[str]) -> bool:
    """Whether any of the lines is a slow-log meta line (the slow check, for headers the fast one doubts)."""
    return any(h.startswith(_STRONG) or _PT_META.match(h) is not None for h in header)


def _orphan(first: int, last: int) -> str:
    return f"text outside any slow-log event (lines {first}-{last}, no header before it); skipped"


def _is_banner(line: str) -> bool:
    return (line[:1] == "T" or ", Version: " in line) and _BANNER.match(line) is not None


def parse_mysql_slow(
    lines: Iterable[str], *, source: str = "<stdin>", stats: ParseStats | None = None
) -> Iterator[QueryEvent]:
    """Stream the events of a MySQL/MariaDB/Percona slow query log; bad records are counted, never raised.

    >>> log = '''# Time: 230707  1:41:38
    ... # User@Host: app[app] @ web1 [10.0.0.5]
    ... # Thread_id: 12  Schema: shop  QC_hit: No
    ... # Query_time: 1.500000  Lock_time: 0.000041  Rows_sent: 1  Rows_examined: 5120
    ... SET timestamp=1688694098;
    ... SELECT * FROM orders
    ... WHERE id = 7;
    ... # Query_time: 0.000010  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0
    ... # administrator command: Quit;
    ... '''
    >>> first, quit = parse_mysql_slow(log.splitlines(keepends=True), source="slow.log")
    >>> first.sql, first.duration_s, first.db, first.user, first.host, first.session, str(first.ts)
    ('SELECT * FROM orders\\nWHERE id = 7', 1.5, 'shop', 'app', 'web1', '12', '2023-07-07 01:41:38')
    >>> dict(first.extra), first.source
    ({'QC_Hit': 'No', 'ip': '10.0.0.5'}, 'slow.log:1')
    >>> quit.sql, quit.admin, quit.db, str(quit.ts)  # db and ts inherited
    ('administrator command: Quit', True, 'shop', '2023-07-07 01:41:38')
    """
    stats = stats if stats is not None else ParseStats()
    builder = _Builder(source, stats)
    build = builder.build
    prefix_get = builder.prefix_cache.get
    setters = _SETTERS
    new_object = object.__new__
    (
        set_sql,
        set_duration,
        set_ts,
        set_db,
        set_user,
        set_host,
        set_session,
        set_lock,
        set_rows_sent,
        set_rows_examined,
        set_rows_affected,
        set_params,
        set_source,
        set_admin,
        set_extra,
    ) = setters or (_no_setter,) * len(_EVENT_FIELDS)
    header: list[str] = []
    stmt: list[str] = []
    start = 0  # line number where the current record starts
    semi = False  # the header's last meta line ended with ';' (pt's record separator ";\n#" follows)
    orphan = 0  # line number where text outside any event started (0: none pending)
    orphan_text = ""
    base = stats.lines
    n = 0  # the number of the last line read
    event: QueryEvent | None
    try:
        # Lines are read in batches. Where nothing is pending and a '#' line comes, in a batch whose text has one
        # line per '\n', records of the common shape (_FAST) are made straight from the batch's text; everything
        # else goes line by line.
        for block, batch in _batches(lines):
            check_banner = block is not None and ", Version: " in block  # banners in statements? (see _FAST)
            first = n  # the lines before batch[0]
            known, known_at = 0, 0  # a line index in `batch` and where that line starts in `block`
            misses = hits = 0
            fast_ok = block is not None
            as_text = batch is None  # read as text: its lines are split from it a window at a time
            window_end = 0
            window = (
                _WINDOW_CHARS  # the next window's size: small after the fast way (a record or so is needed)
            )
            it = None if batch is None else iter(batch)
            # text read as text: the fast way at once when nothing is pending
            at = 0 if as_text and block and block[0] == "#" and not (header or stmt or semi or orphan) else -1
            while True:
                if at < 0:
                    if it is None or batch is None:
                        assert block is not None
                        batch, window_end = _window(block, known_at, window)
                        window = min(window * 8, _WINDOW_CHARS)
                        it = iter(batch)
                        first, known = n, 0
                    idle = False
                    for line in it:
                        n += 1
                        if line[:1] == "#":
                            if stmt:
                                last = stmt[-1]
                                if not (
                                    last.endswith(_SEMI_EOL)
                                    or line.startswith(_STRONG)
                                    or last.rstrip().endswith(";")
                                ):
                                    stmt.append(line)  # a comment inside the statement
                                    continue
                                event = build(header, stmt, start)
                                header = []
                                stmt = []
                                semi = False
                                if event is not None:
                                    stats.lines = base + n
                                    stats.events += 1
                                    yield event
                            elif semi:
                                semi = False
                                if not line.startswith(_ADMIN):
                                    event = build(header, None, start)
                                    header = []
                                    if event is not None:
                                        stats.lines = base + n
                                        stats.events += 1
                                        yield event
                            elif orphan:
                                builder.bad(orphan, _orphan(orphan, n - 1), orphan_text)
                                orphan = 0
                            elif len(header) >= _MAX_HEADER_LINES:
                                builder.bad(
                                    start,
                                    f"over {_MAX_HEADER_LINES} '#' lines without a statement; skipped",
                                    header[0],
                                )
                                header = []
                            if not header:
                                if fast_ok:  # a record starts here and nothing is pending: try the fast way
                                    idle = True
                                    break
                                start = n
                            header.append(line)
                            if line.startswith(_ADMIN):
                                event = build(header, None, start)
                                header = []
                                if event is not None:
                                    stats.lines = base + n
                                    stats.events += 1
                                    yield event
                        elif stmt:
                            if _is_banner(line):
                                event = build(header, stmt, start)
                                header = []
                                stmt = []
                                semi = False
                                if event is not None:
                                    stats.lines = base + n
                                    stats.events += 1
                                    yield event
                            else:
                                stmt.append(line)
                        elif header:
                            if line.startswith(_META):
                                header.append(line)
                                semi = line.rstrip().endswith(";")
                            elif line.isspace() or not line or _is_banner(line):
                                continue
                            elif header[0].startswith(_STRONG) or _is_header(header):
                                stmt.append(line)
                            else:  # '#' lines that are no header, then text: all of it is outside any event
                                orphan, orphan_text = start, "".join(header) + line
                                header = []
                                semi = False
                        elif not orphan and line.strip() and not _is_banner(line):
                            orphan, orphan_text = n, line
                    if not idle:
                        if as_text and block is not None and window_end < len(block):
                            it = None  # the next window
                            known_at = window_end
                            continue
                        break
                    at = known_at + sum(map(len, batch[known : n - first - 1]))
                else:
                    n += 1  # line n (at `at`) is read
                assert block is not None

                # The fast way, from line n (read, a '#' line at `at`, nothing pending): what build() gives for
                # each record of the common shape, while records follow one another in the block.
                read = record = n
                last_db, last_ts, time_seen = builder.last_db, builder.last_ts, builder.time_seen
                for m in iter(_FAST_SCANNER(block, at).match, None):
                    (
                        time_line,
                        prefix,
                        qt,
                        lt,
                        sent,
                        examined,
                        query_rest,
                        affected,
                        bytes_sent,
                        rows_rest,
                        other,
                        use,
                        set_line,
                        sql,
                    ) = m.groups()
                    end = m.end()
                    if check_banner and ", Version: " in sql:
                        break  # maybe a server banner in the statement: line by line
                    # the '#' line ends the statement: its last line ends with ';', or the '#' line is strong
                    if sql[-2:] == ";\n":  # (build()'s strip, then its ';' and the blanks before it off)
                        sql = sql[:-2].strip()
                    elif (
                        block.startswith(_STRONG, end)
                        or sql[sql.rfind("\n", 0, -1) + 1 :].rstrip()[-1:] == ";"
                    ):
                        sql = sql.strip()
                        if sql[-1:] == ";":
                            sql = sql[:-1].rstrip()
                    else:
                        break  # the '#' line is a comment inside the statement: line by line

                    ts: datetime | None = None
                    if time_line is not None:
                        if time_line == builder.last_time:
                            ts = builder.last_time_ts
                        else:
                            ts = builder._time(time_line, record)
                            if ts is not None:
                                builder.last_time, builder.last_time_ts = time_line, ts
                    found = prefix_get(prefix)
                    if found is None:
                        found = builder.prefix(prefix, record)
                    attrs = (found.with_bytes if bytes_sent is not None else found.without_bytes).get(other)
                    if attrs is None:
                        attrs = builder.template(found, other, bytes_sent is not None)
                    duration: float | None
                    lock: float | None
                    rows_sent: int | None
                    rows_examined: int | None
                    rows_affected: int | None = None
                    plain = (
                        attrs is not _NOT_PLAIN
                        and len(query_rest) < 2
                        and (rows_rest is None or len(rows_rest) < 2)
                    )
                    if plain:
                        try:
                            duration = float(qt)
                            lock = float(lt)
                            rows_sent = int(sent)
                            rows_examined = int(examined)
                            if affected is not None:
                                rows_affected = int(affected)
                            plain = duration - duration == 0.0 and lock - lock == 0.0  # not nan, inf
                        except ValueError:
                            plain = False
                    if plain:
                        attrs = attrs.copy()
                        if bytes_sent is not None:
                            attrs["Bytes_sent"] = bytes_sent
                        user, host, session, schema = found.user, found.host, found.session, found.schema
                    else:  # more pairs, or a value to look at: as build()
                        (
                            user,
                            host,
                            session,
                            schema,
                            duration,
                            lock,
                            rows_sent,
                            rows_examined,
                            rows_affected,
                            attrs,
                        ) = builder.slow_values(found, m, affected, bytes_sent, other, record)

                    if use is not None:
                        db = use.strip().rstrip(";").strip()
                        if len(db) > 1 and db[0] == "`" and db[-1] == "`":
                            db = db[1:-1].replace("``", "`")
                    else:
                        db = schema if schema is not None else last_db
                    last_db = db
                    if ts is not None:
                        last_ts = ts
                        time_seen = True
                    elif time_seen:
                        ts = last_ts
                    else:
                        ts = last_ts
                        if set_line is not None:
                            sm = _SET_TIMESTAMP.search(set_line)
                            if sm is not None:
                                try:
                                    ts = last_ts = datetime.fromtimestamp(float(sm.group(1)), UTC)
                                except (ValueError, OverflowError, OSError):
                                    builder.bad(
                                        record,
                                        f"unusable SET timestamp {sm.group(1)!r}; ts left out",
                                        set_line,
                                    )

                    if setters is None:
                        event = QueryEvent(
                            sql,
                            duration,
                            ts,
                            db,
                            user,
                            host,
                            session,
                            lock,
                            rows_sent,
                            rows_examined,
                            rows_affected,
                            None,
                            f"{source}:{record}",
                            False,
                            attrs,
                        )
                    else:  # the same event, made faster (see _event_setters)
                        event = new_object(QueryEvent)
                        set_sql(event, sql)
                        set_duration(event, duration)
                        set_ts(event, ts)
                        set_db(event, db)
                        set_user(event, user)
                        set_host(event, host)
                        set_session(event, session)
                        set_lock(event, lock)
                        set_rows_sent(event, rows_sent)
                        set_rows_examined(event, rows_examined)
                        set_rows_affected(event, rows_affected)
                        set_params(event, None)
                        set_source(event, f"{source}:{record}")
                        set_admin(event, False)
                        set_extra(event, attrs)
                    n = record = record + block.count("\n", at, end)  # the line that ends the event
                    at = end
                    hits += 1
                    stats.lines = base + n
                    stats.events += 1
                    yield event
                builder.last_db, builder.last_ts, builder.time_seen = last_db, last_ts, time_seen

                # Line `record` starts a record that is not of the common shape (or not all in this batch): line by
                # line from there.
                if record == read:
                    misses += 1
                    if misses > 32 and misses > hits:
                        fast_ok = False  # a batch of another shape: line by line to its end
                if as_text and (it is None or record > read):
                    batch, window_end = _window(block, at, _WINDOW_CHARS >> 6)
                    window = _WINDOW_CHARS >> 3
                    it = iter(batch)
                    first = record - 1
                    line = next(it)
                elif record > read:
                    assert it is not None
                    line = next(islice(it, record - read - 1, None))  # skip the lines the events were made of
                known, known_at = record - first - 1, at
                at = -1
                n = start = record
                header.append(line)
                if line.startswith(_ADMIN):
                    event = build(header, None, start)
                    header = []
                    if event is not None:
                        stats.lines = base + n
                        stats.events += 1
                        yield event
        if stmt:
            event = build(header, stmt, start)
            if event is not None:
                stats.lines = base + n
                stats.events += 1
                yield event
        elif header:
            builder.bad(
                start, "header without a statement at the end of the input (truncated log?)", "".join(header)
            )
        if orphan:
            builder.bad(orphan, _orphan(orphan, n), orphan_text)
    finally:
        stats.lines = base + n


def sniff_mysql_slow(first_lines: list[str]) -> bool:
    """Whether the lines look like a slow query log: a slow-log meta line anywhere, or nothing but server banners.

    >>> sniff_mysql_slow(["/usr/sbin/mysqld, Version: 8.0.36 (MySQL). started with:\\n", "# Time: 2024-01-02T03:04:05Z\\n"])
    True
    >>> sniff_mysql_slow(["2024-01-02 03:04:05 UTC [12] LOG:  duration: 1.2 ms  statement: SELECT 1\\n"])
    False
    """
    banner = other = False
    for line in first_lines:
        if _SNIFF.match(line):
            return True
        if not line.strip():
            continue
        if _is_banner(line):
            banner = True
        else:
            other = True
    return banner and not other
