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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

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


def _canon_key(key: str) -> str:
    canon = _CANON_BY_LOWER.get(key.lower(), key)
    if canon == key and len(_CANON_OK) < _CANON_OK_MAX:
        _CANON_OK.add(key)
    return canon


# Header lines by their first 6 characters; absent: `Key: value` pairs, `use` or `SET`.
_TAGS = {"# Time": 1, "# User": 2, "# admi": 3, "# expl": 4, "# Quer": 5, "# Thre": 6, "# Rows": 7}


class _Builder:
    """Turns one record (header lines + statement lines) into a QueryEvent; holds what events inherit."""

    __slots__ = ("last_db", "last_ts", "source", "stats", "time_seen", "uh_cache")

    def __init__(self, source: str, stats: ParseStats) -> None:
        self.source = source
        self.stats = stats
        self.last_ts: datetime | None = None
        self.last_db: str | None = None
        self.time_seen = False
        self.uh_cache: dict[str, UserHost] = {}

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
    header: list[str] = []
    stmt: list[str] = []
    start = 0  # line number where the current record starts
    semi = False  # the header's last meta line ended with ';' (pt's record separator ";\n#" follows)
    orphan = 0  # line number where text outside any event started (0: none pending)
    orphan_text = ""
    base = stats.lines
    n = 0
    event: QueryEvent | None
    try:
        for n, line in enumerate(lines, 1):
            if line[:1] == "#":
                if stmt:
                    last = stmt[-1]
                    if not (
                        last.endswith(_SEMI_EOL) or line.startswith(_STRONG) or last.rstrip().endswith(";")
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
                        start, f"over {_MAX_HEADER_LINES} '#' lines without a statement; skipped", header[0]
                    )
                    header = []
                if not header:
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
