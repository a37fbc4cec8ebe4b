"""PostgreSQL stderr logs (any ``log_line_prefix``), syslog and Heroku logplex framings of them.

A message starts on a line that matches the prefix followed by a severity tag (``LOG:``, ``DETAIL:``...);
continuation lines start with a TAB (stderr), or repeat the syslog header with the same sequence number and a higher
part (``[7-2] #011...``). Each message goes to :class:`~maat_nb.querylog.parsers.pg_common.EventBuilder`, which
decides what is an executed statement (see :mod:`maat_nb.querylog.parsers.pg_common`).

``prefix_regex`` compiles any ``log_line_prefix`` (every escape PostgreSQL documents, ``%q``, padding such as
``%-10u``); ``detect_prefix`` finds the prefix from the first lines (a list of common prefixes plus a guess built
from ``key=value`` / ``[pid]`` / ``user@db`` shapes). A line that matches neither the prefix nor a continuation
form is counted as bad, with the prefix in the reason, so a wrong prefix is loud, not an empty report.

Speed: continuation lines never meet the prefix regex (a TAB cannot start a prefix line), and with the common
prefixes of :data:`_SAME_HEAD_PREFIXES` a line that repeats the text before the severity tag of the last line the
regex read (same millisecond, same backend) reuses that reading; the message's context (stamp, user, db...) is one
tuple that the builder reads only for the messages that become events.

Deliberately not done: prefixes that change in the middle of a file (lines after the change are counted as bad),
log_line_prefix escapes whose values contain the character that follows them in the prefix (``%u`` is read up to
the next literal character; ``%a``, ``%b`` and ``%i`` may contain anything), non-English ``lc_messages``,
pgbouncer logs, Redshift and Azure formats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain, islice
from typing import cast

from maat_nb.querylog.events import ParseStats, QueryEvent
from maat_nb.querylog.parsers.pg_common import SEVERITY_ALTERNATION, Context, EventBuilder, TimestampParser

DETECT_LINES = 200
DEFAULT_PREFIX = "%m [%p] "

#: Prefixes tried by :func:`detect_prefix`, in order of preference on a tie (``%q`` forms before the plain ones,
#: because they also read the plain form's lines).
COMMON_PREFIXES: tuple[str, ...] = (
    "%m [%p] %q%u@%d ",  # Debian/Ubuntu packages' default
    "%t [%p] %q%u@%d ",
    "%m [%p] %q%u@%d %a ",
    "%m [%p] ",  # PostgreSQL >= 10 default
    "%t [%p] ",
    "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",  # pgBadger's recommendation
    "%t [%p]: [%l-1] user=%u,db=%d,host=%h,app=%a ",
    "%t [%p]: [%l-1] user=%u,db=%d ",
    "%t [%p]: [%l-1] db=%d,user=%u,app=%a,client=%h ",
    "%t [%p]: [%l-1] db=%d,user=%u ",
    "%t [%p]: [%l-1] ",
    "%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
    "%m [%p]: [%l-1] user=%u,db=%d ",
    "%m [%p]: [%l-1] ",
    "%t [%p]: db=%d,user=%u,app=%a,client=%h ",
    "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
    "%m [%p] user=%u,db=%d,app=%a,client=%h ",
    "%m [%p] user=%u,db=%d ",
    "%t:%r:%u@%d:[%p]:",  # AWS RDS (also reads the %h form)
    "%m:%r:%u@%d:[%p]:",
    "%t [%p-%l] %q%u@%d ",
    "%m [%p-%l] %q%u@%d ",
    "%m [%p] %q[%u@%d] ",
    "%m %q%u@%d [%p] ",
    "%m [%c] ",
    "< %m >",
    "[%p]: [%l-1] db=%d,user=%u ",  # Google CloudSQL textPayload
    "db=%d,user=%u,app=%a,client=%h ",  # syslog, after the syslog header
    "user=%u,db=%d,app=%a,client=%h ",
    " sql_error_code = %e ",  # Heroku
    "",  # empty prefix (default before PostgreSQL 10)
)

# -- log_line_prefix compilation ------------------------------------------------------------------------------

_TS = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
_ZONE = r"(?: [A-Za-z]{1,6}| [+-]\d\d(?::?\d\d)?)?"
#: escape letter -> (group name, pattern); None pattern = depends on the next literal character
_ESCAPES: dict[str, tuple[str, str | None]] = {
    "t": ("ts", _TS + _ZONE),
    "m": ("ts", _TS + r"\.\d{3}" + _ZONE),
    "n": ("ts", r"\d+\.\d+"),
    "s": ("session_start", _TS + _ZONE),
    "p": ("pid", r"\d+"),
    "P": ("leader", r"\d*"),
    "c": ("session", r"[0-9a-f]+\.[0-9a-f]+|"),
    "l": ("line", r"\d+"),
    "x": ("xid", r"\d+"),
    "v": ("vxid", r"[\d/]*"),
    "e": ("sqlstate", r"[0-9A-Z]{5}"),
    "Q": ("queryid", r"-?\d+"),
    "u": ("user", None),
    "d": ("db", None),
    "h": ("host", None),
    "r": ("host", None),
    "a": ("app", r".*?"),
    "b": ("backend", r".*?"),
    "i": ("tag", r".*?"),
}
_TOKEN = re.compile(r"%(-?\d+)?(.)|[^%]+|%$", re.S)
#: groups the parsers read; missing ones are appended as empty groups so every compiled prefix has them
_CORE = ("ts", "pid", "session", "user", "db", "host", "app", "queryid")


def _escape_pattern(letter: str, nxt: str | None) -> str:
    pattern = _ESCAPES[letter][1]
    if pattern is not None:
        return pattern
    stop = re.escape(nxt) if nxt and not nxt.isalnum() else None
    if letter in "ud":
        return f"[^{stop}\\s]*" if stop else r"\S*?"
    if letter == "h":
        return rf"\[local\]|[^\s{stop}]*|\S*?" if stop else r"\S*?"
    # %r: host(port), [local], or empty for background processes
    return rf"\[local\]|[^\s(]*\(\d+\)|[^\s{stop}]*" if stop else r"\[local\]|[^\s(]*\(\d+\)|\S*?"


def _tokens(prefix: str) -> list[tuple[str, str, int]]:
    """``log_line_prefix`` as (kind, text, width) items: kind ``lit``, ``esc`` (text = letter) or ``q``."""
    items: list[tuple[str, str, int]] = []
    for m in _TOKEN.finditer(prefix):
        text = m.group(0)
        if not text.startswith("%"):
            items.append(("lit", text, 0))
            continue
        letter = m.group(2)
        if letter is None:  # lone % at the end: PostgreSQL prints nothing
            continue
        if letter == "%":
            items.append(("lit", "%", 0))
        elif letter == "q":
            items.append(("q", "", 0))
        elif letter in _ESCAPES:
            items.append(("esc", letter, int(m.group(1) or 0)))
        # unknown escapes print nothing
    merged: list[tuple[str, str, int]] = []
    for item in items:
        if item[0] == "lit" and merged and merged[-1][0] == "lit":
            merged[-1] = ("lit", merged[-1][1] + item[1], 0)
        else:
            merged.append(item)
    return merged


@lru_cache(maxsize=256)
def _compile(prefix: str, complete: bool) -> re.Pattern[str]:
    items = _tokens(prefix)
    parts = ["^(?!\t)"]  # a TAB starts a continuation line: fail at once, whatever the prefix
    used: set[str] = set()
    optional = 0
    for i, (kind, text, width) in enumerate(items):
        if kind == "lit":
            parts.append(re.escape(text))
            continue
        if kind == "q":
            parts.append("(?:")
            optional += 1
            continue
        nxt = None
        for later in items[i + 1 :]:
            if later[0] == "lit":
                nxt = later[1][0]
                break
            if later[0] == "esc":
                break
        name = _ESCAPES[text][0]
        pattern = _escape_pattern(text, nxt)
        group = f"(?P<{name}>{pattern})" if name not in used else f"(?:{pattern})"
        used.add(name)
        if width > 0:
            group = " *" + group
        elif width < 0:
            group = group + " *"
        parts.append(group)
    parts.append(")?" * optional)
    parts.append(f"(?P<severity>{SEVERITY_ALTERNATION}):(?: {{1,2}}|$)")
    if complete:
        parts.extend(f"(?P<{name}>)" for name in _CORE if name not in used)
    return re.compile("".join(parts))


def prefix_regex(prefix: str) -> re.Pattern[str]:
    """Compile a ``log_line_prefix`` into a regex matching the prefix plus the severity tag of a log line.

    Named groups: ``ts`` (the first of %t/%m/%n), ``pid`` (%p), ``session`` (%c), ``line`` (%l), ``user`` (%u),
    ``db`` (%d), ``app`` (%a), ``host`` (the first of %h/%r), ``queryid`` (%Q), ``sqlstate`` (%e), ``xid`` (%x),
    ``vxid`` (%v), ``tag`` (%i), ``backend`` (%b), ``session_start`` (%s), ``leader`` (%P) for the escapes the
    prefix has, and ``severity``. The message starts at ``m.end()``. Literal text is matched as is, ``%%`` as
    ``%``; after ``%q`` everything is optional (background processes stop there).

    >>> m = prefix_regex("%m [%p] %q%u@%d ").match("2025-01-21 18:38:06.453 CET [78798] gilles@app ERROR:  oops")
    >>> m.group("ts", "pid", "user", "db", "severity"), m.string[m.end():]
    (('2025-01-21 18:38:06.453 CET', '78798', 'gilles', 'app', 'ERROR'), 'oops')
    >>> prefix_regex("%m [%p] %q%u@%d ").match("2026-12-04 05:16:08.492 UTC [2197] LOG:  ready").group("user")
    """
    return _compile(prefix, False)


# -- syslog / logplex framing ----------------------------------------------------------------------------------

_SEQ = r"\[(?P<seq>\d+)-(?P<part>\d+)\] "
_ENVELOPES: dict[str, str] = {
    "syslog": r"^(?P<ets>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ [^\s\[]+\[(?P<epid>\d+)\]: " + _SEQ,
    "syslog-iso": r"^(?P<ets>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ "
    r"[^\s\[]+\[(?P<epid>\d+)\]: " + _SEQ,
    "logplex": r"^(?P<ets>\d{4}-\d\d-\d\dT\S+) (?:\S+ )?app\[postgres\.(?P<epid>\d+)\]:? \[[A-Z0-9_]+\] "
    + _SEQ,
}
_ENVELOPE_RX = {name: re.compile(src) for name, src in _ENVELOPES.items()}
_OTHER_SYSLOG = re.compile(
    r"^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*) \S+ [^\s:]+(?:\[\d+\])?:? "
)


def _envelope(lines: list[str]) -> str | None:
    best, best_n = None, 0
    for name, rx in _ENVELOPE_RX.items():
        n = sum(1 for line in lines if rx.match(line))
        if n > best_n:
            best, best_n = name, n
    return best if best_n * 2 >= len(lines) and best_n else None


# -- prefix detection -----------------------------------------------------------------------------------------

_SEVERITY_SEARCH = re.compile(rf"(?:^|(?<=[\s:\]\)>]))(?:{SEVERITY_ALTERNATION}):(?: |$)")
_KEYS = {
    "user": "u",
    "usr": "u",
    "username": "u",
    "db": "d",
    "database": "d",
    "dbname": "d",
    "app": "a",
    "appname": "a",
    "appli": "a",
    "application": "a",
    "application_name": "a",
    "client": "h",
    "host": "h",
    "remote": "h",
    "remote_host": "h",
    "queryid": "Q",
    "query_id": "Q",
    "pid": "p",
    "session": "c",
    "session_id": "c",
    "sqlstate": "e",
    "xid": "x",
    "txid": "x",
    "vxid": "v",
    "tag": "i",
    "backend": "b",
    "backend_type": "b",
}
_INFER_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_TS + r"\.\d{3}" + _ZONE), "%m"),
    (re.compile(_TS + _ZONE), "%t"),
    (re.compile(r"\d{10}\.\d{3}(?!\d)"), "%n"),
    (re.compile(r"\[\d+-1\]"), "[%l-1]"),
    (re.compile(r"\[\d+\]"), "[%p]"),
    (re.compile(r"[0-9a-f]{6,8}\.[0-9a-f]{1,8}(?![\w.])"), "%c"),
    (re.compile(r"(?:\[unknown\]|[\w.$-]+)@(?:\[unknown\]|[\w.$-]+)(?=[\s:,\]])"), "%u@%d"),
    (re.compile(r"\[local\]|\d+\.\d+\.\d+\.\d+\(\d+\)"), "%r"),
)
_KEY_VALUE = re.compile(r"([A-Za-z_]+)=(\[unknown\]|\[local\]|[^,\s\[\]]*)")
_SESSION_ESCAPES = ("%u", "%d", "%a", "%h", "%r")


def _infer(pre: str, enveloped: bool) -> list[str]:
    """Guess log_line_prefix candidates (plain and with %q) from the text before a line's severity tag.

    A guess must have a timestamp or a pid, unless a syslog/logplex header gives them (``enveloped``).
    """
    out: list[str] = []
    first_session: int | None = None
    seen_pid = False
    pos = 0
    while pos < len(pre):
        for rx, escape in _INFER_RULES:
            m = rx.match(pre, pos)
            if m is None:
                continue
            if escape == "[%p]" and seen_pid:
                escape = "[%x]"
            seen_pid = seen_pid or escape == "[%p]"
            if first_session is None and escape in ("%u@%d", "%r"):
                first_session = len(out)
            out.append(escape)
            pos = m.end()
            break
        else:
            m = _KEY_VALUE.match(pre, pos)
            letter = _KEYS.get(m.group(1).lower()) if m else None
            if m is not None and letter is not None:
                end = m.end()
                if letter == "a":  # application names may hold spaces: up to ',' / ']' / end
                    stop = re.compile(r"[,\]]").search(pre, end)
                    end = stop.start() if stop else len(pre.rstrip())
                elif letter == "h" and re.fullmatch(r"\S+\(\d+\)", m.group(2)):
                    letter = "r"
                if first_session is None and letter in "udahr":
                    first_session = len(out)
                out.append(f"{m.group(1)}=%{letter}")
                pos = end
            else:
                out.append("%%" if pre[pos] == "%" else pre[pos])
                pos += 1
    prefix = "".join(out)
    anchors = ("%t", "%m", "%n", "%p") if not enveloped else ("%",)
    if not any(e in prefix for e in anchors):
        return []
    if first_session is None:
        return [prefix]
    return ["".join(out[:first_session]) + "%q" + "".join(out[first_session:]), prefix]


def _candidate_lines(first_lines: list[str]) -> tuple[list[str], str | None]:
    """The lines that should start with the prefix (envelope stripped), and the envelope kind."""
    lines = [line for line in first_lines if line.strip()]
    kind = _envelope(lines)
    if kind is not None:
        rx = _ENVELOPE_RX[kind]
        bodies = []
        for line in lines:
            m = rx.match(line)
            if m is not None and m.group("part") == "1":
                bodies.append(line[m.end() :])
        return bodies, kind
    return [line for line in lines if line[0] not in " \t"], None


def _best_prefix(lines: list[str], enveloped: bool = False) -> tuple[str | None, int]:
    candidates = list(COMMON_PREFIXES)
    pres: set[str] = set()
    for line in lines[:50]:
        m = _SEVERITY_SEARCH.search(line, 0, 300)
        if m is not None and m.start() <= 200:
            pres.add(line[: m.start()])
    for pre in sorted(pres, key=len, reverse=True)[:8]:
        for guess in _infer(pre, enveloped):
            if guess not in candidates:
                candidates.append(guess)
    best, best_n = None, 0
    for prefix in candidates:
        match = _compile(prefix, False).match
        n = sum(1 for line in lines if match(line))
        if n > best_n:
            best, best_n = prefix, n
    return best, best_n


def detect_prefix(first_lines: list[str]) -> str | None:
    """The ``log_line_prefix`` matching most of these lines (syslog/logplex header removed), or None.

    >>> detect_prefix(["2021-12-03 07:14:48.591 UTC [4913] user=u1,db=mydb LOG:  duration: 0.2 ms  statement: x"])
    '%m [%p] user=%u,db=%d '
    >>> detect_prefix(["# Time: 2024-01-01T00:00:00Z", "SELECT 1;"]) is None
    True
    """
    lines, kind = _candidate_lines(first_lines)
    return _best_prefix(lines, kind is not None)[0]


def sniff_pg_stderr(first_lines: list[str]) -> bool:
    """Whether the lines look like a PostgreSQL stderr or syslog log: a prefix matches at least half of them."""
    nonblank = [line for line in first_lines if line.strip()]
    if not nonblank or nonblank[0].lstrip().startswith("{"):
        return False
    lines, kind = _candidate_lines(nonblank)
    if not lines:
        return False
    prefix, n = _best_prefix(lines, kind is not None)
    return prefix is not None and n * 2 >= len(lines)


# -- parsing --------------------------------------------------------------------------------------------------


def parse_pg_stderr(
    lines: Iterable[str],
    *,
    source: str = "<stdin>",
    stats: ParseStats | None = None,
    prefix: str | None = None,
    year: int | None = None,
) -> Iterator[QueryEvent]:
    """Read a PostgreSQL stderr (or syslog / Heroku logplex) log; yields one event per executed statement.

    ``prefix``: the server's ``log_line_prefix`` (detected from the first lines when None). ``year``: for syslog
    timestamps, which have none (default: the current year). Never raises on bad input: lines that fit neither the
    prefix nor a continuation are counted in ``stats``.
    """
    stats = stats if stats is not None else ParseStats()
    it = iter(lines)
    head = list(islice(it, DETECT_LINES))
    if head and head[0].startswith("\ufeff"):
        head[0] = head[0][1:]
    body_lines, kind = _candidate_lines(head)
    if prefix is None:
        prefix = _best_prefix(body_lines, kind is not None)[0] if body_lines else None
        if prefix is None:
            prefix = DEFAULT_PREFIX
    builder = EventBuilder(source, TimestampParser(year), detail_separate=True)
    if kind is None:
        yield from _parse_plain(chain(head, it), source, stats, prefix, builder)
    else:
        yield from _parse_enveloped(chain(head, it), source, stats, prefix, builder, kind)


#: Prefixes whose lines are read the same way up to the severity tag whatever follows the tag, when the tag is
#: ``LOG:  `` or ``DETAIL:  ``: every element before it has a single way to match (the stamp's digits, a zone run of
#: letters or digits that must be followed by " [", the pid's digits before "] ", a user run that stops at the first
#: "@" and a db run that stops at the first space), and the optional ``%q`` part cannot match from a severity tag
#: (which holds neither "@" nor a space before its two spaces). So a line that starts with the text before the tag
#: of the last line the regex read, followed by one of these two tags, gets what the regex would give it: the same
#: groups, the tag (LOG is the first alternative; only DETAIL fits "DETAIL:"), and the two spaces `` {1,2}`` takes.
#: Lines of one backend in one millisecond (a LOG and its DETAIL, parse/bind/execute) skip the regex that way.
_SAME_HEAD_PREFIXES = frozenset({"%m [%p] %q%u@%d ", "%t [%p] %q%u@%d ", "%m [%p] ", "%t [%p] "})


def _parse_plain(
    lines: Iterable[str], source: str, stats: ParseStats, prefix: str, builder: EventBuilder
) -> Iterator[QueryEvent]:
    """Frame stderr messages: a prefix line, then continuation lines (TAB, or blank-ish while a message is open)."""
    compiled = _compile(prefix, True)
    match = compiled.match
    # the session key and severity, then the context (ts, user, db, host, app, queryid)
    fields = tuple(
        compiled.groupindex[name]
        for name in ("pid", "session", "severity", "ts", "user", "db", "host", "app", "queryid")
    )
    severity_group = compiled.groupindex["severity"]
    reuse = prefix in _SAME_HEAD_PREFIXES
    reason = f"line does not match log_line_prefix {prefix!r}"
    feed = builder.feed
    detail_message = builder.detail_message
    out = builder.out  # the builder appends its events here: yielded and cleared after each message
    add_bad = stats.add_bad
    base = stats.lines
    it = iter(lines)
    lineno = 0
    # before the first message there is nothing to continue: a line that is not a message is bad (or blank)
    m: re.Match[str] | None = None
    for line in it:
        lineno += 1
        m = match(line)
        if m is not None:
            break
        if line.strip():
            add_bad(f"{source}:{lineno}", reason, line)
    if m is None:
        stats.lines = base + lineno
        return
    # the message being read: severity, session key, context, first line's text (with its line end), line number
    groups = m.group(*fields)
    cur_sev = groups[2]
    cur_sess = groups[1] or groups[0]
    cur = cast(Context, groups[3:])
    cur_text = line[m.end() :]
    cur_line = lineno
    more: list[str] = []  # its continuation lines, TAB removed
    add_more = more.append
    skipped = 0  # lines since cur_line in neither: bad or blank (line numbers are counted, not kept per line)
    # the text before the severity tag on the last line the regex read, + "LOG:  " and + "DETAIL:  ", and that
    # line's reading (see _SAME_HEAD_PREFIXES); without reuse a TAB, which no line reaches those tests with
    head = line[: m.start(severity_group)]
    head_log = head + "LOG:  " if reuse else "\t"
    head_detail = head + "DETAIL:  " if reuse else "\t"
    log_at = len(head_log)
    detail_at = len(head_detail)
    head_ctx = cur
    head_sess = cur_sess
    first, rest = slice(None, 1), slice(1, None)  # line[:1], line[1:] without building a slice per line
    for line in it:
        if line[first] == "\t":  # a continuation: never a prefix line (the prefix regex fails on a TAB)
            add_more(line[rest])
            continue
        if line.startswith(head_log):
            sev = "LOG"
            text = line[log_at:]
            ctx = head_ctx
            sess = head_sess
        elif line.startswith(head_detail):
            sev = "DETAIL"
            text = line[detail_at:]
            ctx = head_ctx
            sess = head_sess
        else:
            m = match(line)
            if m is None:
                if not line or line[0] in " \r\n":
                    add_more(line)  # blank-ish or space-indented: continues the message as it is
                else:
                    skipped += 1
                    if line.strip():
                        add_bad(f"{source}:{cur_line + len(more) + skipped}", reason, line)
                continue
            groups = m.group(*fields)
            sev = groups[2]
            sess = groups[1] or groups[0]
            ctx = cast(Context, groups[3:])
            text = line[m.end() :]
            if reuse:
                head = line[: m.start(severity_group)]
                head_log = head + "LOG:  "
                head_detail = head + "DETAIL:  "
                log_at = len(head_log)
                detail_at = len(head_detail)
                head_ctx = ctx
                head_sess = sess
        # a new message starts on this line: the current one is complete
        lineno = cur_line + len(more) + skipped + 1
        if more:
            # the text keeps its line end: EventBuilder strips what it uses (saves a copy per line)
            cur_text += "".join(more)
            more.clear()
            if "\r" in cur_text:
                cur_text = cur_text.replace("\r\n", "\n")
        if cur_sev == "DETAIL":
            detail_message(cur_sess, cur_text)
        else:
            feed(cur_sev, cur_text, None, cur_sess, cur_sess, cur, cur_line)
        if out:
            stats.lines = base + lineno
            for event in out:
                stats.events += 1
                yield event
            out.clear()
        cur = ctx
        cur_text = text
        cur_sev = sev
        cur_sess = sess
        cur_line = lineno
        skipped = 0
    stats.lines = base + cur_line + len(more) + skipped
    text = cur_text + ("".join(more) if more else "")
    text = text.replace("\r\n", "\n").rstrip("\n")
    feed(cur_sev, text, None, cur_sess, cur_sess, cur, cur_line)
    builder.finish()
    for event in out:
        stats.events += 1
        yield event
    out.clear()


class _Open:
    """A syslog/logplex message being assembled from its ``[seq-part]`` lines."""

    __slots__ = ("line", "m", "parts", "seq")

    def __init__(self, m: re.Match[str], line: int) -> None:
        self.m = m
        self.line = line
        self.seq = m.group("seq")
        self.parts: list[str] | None = None


_MAX_OPEN = 64


def _parse_enveloped(
    lines: Iterable[str], source: str, stats: ParseStats, prefix: str, builder: EventBuilder, kind: str
) -> Iterator[QueryEvent]:
    envelope = _ENVELOPE_RX[kind]
    inner = _compile(prefix, True).pattern[1:]  # without '^'
    match = re.compile(_ENVELOPES[kind] + inner).match
    reason = f"line does not match log_line_prefix {prefix!r} after the {kind} header"
    newline_chunks = kind == "logplex"  # logplex splits at newlines only; syslog also cuts long lines
    base = stats.lines
    lineno = 0
    opened: dict[str, _Open] = {}

    def close(o: _Open) -> None:
        m = o.m
        text = m.string[m.end() :].rstrip("\r\n")
        if o.parts:
            text += "".join(o.parts)
        ts, pid, sid, user, db, host, app, qid, sev, ets, epid = m.group(
            "ts", "pid", "session", "user", "db", "host", "app", "queryid", "severity", "ets", "epid"
        )
        sess = sid or pid or epid
        builder.message(sev, text, None, sess, sess, ts or ets, user, db, host, app, qid, o.line)

    for line in lines:
        lineno += 1
        m = match(line)
        if m is not None:
            epid = m.group("epid")
            previous = opened.pop(epid, None)
            if previous is not None:
                close(previous)
            opened[epid] = _Open(m, lineno)
            if len(opened) > _MAX_OPEN:
                close(opened.pop(next(iter(opened))))
        else:
            e = envelope.match(line)
            if e is not None:
                o = opened.get(e.group("epid"))
                if o is not None and e.group("part") != "1" and e.group("seq") == o.seq:
                    rest = line[e.end() :].rstrip("\r\n")
                    if rest.startswith("#011"):
                        piece = "\n" + rest[4:]
                    elif rest.startswith("\t"):
                        piece = "\n" + rest[1:]
                    else:
                        piece = "\n" + rest if newline_chunks else rest
                    if o.parts is None:
                        o.parts = []
                    o.parts.append(piece)
                else:
                    stats.add_bad(f"{source}:{lineno}", reason, line)
            elif line.strip() and not _OTHER_SYSLOG.match(line):
                stats.add_bad(f"{source}:{lineno}", reason, line)
            # other programs' syslog lines and blank lines are not PostgreSQL's: skipped
            continue
        if builder.out:
            stats.lines = base + lineno
            out = builder.out
            builder.out = []
            for event in out:
                stats.events += 1
                yield event
    stats.lines = base + lineno
    for o in list(opened.values()):
        close(o)
    builder.finish()
    out = builder.out
    builder.out = []
    for event in out:
        stats.events += 1
        yield event
