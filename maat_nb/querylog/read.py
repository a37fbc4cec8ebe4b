"""Read query logs into one digest: detect each file's format, stream it through its parser, group, find N+1.

    result = digest_logs(["slow.log", "slow.log.1.gz"])
    result.digest.classes[0]          # the class with the most total time
    result.n_plus_one                 # parent -> child patterns

Formats (:data:`FORMATS`): MySQL/MariaDB/Percona slow logs, PostgreSQL stderr (any ``log_line_prefix``), csvlog
and jsonlog, and the kit's own capture log. ``format="auto"`` decides per file from its first lines; when no
format fits, :class:`FormatError` says what was expected and quotes what was seen. A file that yields no event
although it has lines is never a silent empty report: the result carries a warning that says why (every line
bad, a prefix that does not match, no statement lines), and the CLI exits 1 on it.

Plain files bigger than :data:`SPLIT_BYTES` are split at record boundaries and read by ``jobs`` worker processes;
their partial digests merge exactly (N+1 findings too, but for a burst cut at a boundary).
"""

from __future__ import annotations

import importlib
import io
import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from maat_nb.errors import ConfigError
from maat_nb.querylog.digest import Digest, DigestBuilder
from maat_nb.querylog.events import ParseStats, QueryEvent
from maat_nb.querylog.nplusone import NPlusOne, NPlusOneDetector
from maat_nb.querylog.sources import DAMAGED, STDIN, damaged, head, is_plain, open_text, size_of

SPLIT_BYTES = 16 * 1024 * 1024
HEAD_LINES = 50


@dataclass(frozen=True)
class LogFormat:
    """One log format the kit reads.

    Attributes:
        name: What ``--format`` takes.
        title: What it is called in messages.
        module: The parser module under ``maat_nb.querylog.parsers`` (its functions are ``parse_<module>`` and
            ``sniff_<module>``).
        dialect: SQL dialect of its statements (for fingerprints), None when it varies.
        looks_like: What its first lines look like, for the "expected ..." part of errors.
    """

    name: str
    title: str
    module: str
    dialect: str | None
    looks_like: str


FORMATS: dict[str, LogFormat] = {
    f.name: f
    for f in (
        LogFormat(
            "capture",
            "maat-nb capture log",
            "capture",
            None,
            '{"maat_capture": 1, ...} then one JSON per line',
        ),
        LogFormat(
            "pg-json",
            "PostgreSQL jsonlog",
            "pg_json",
            "postgresql",
            '{"timestamp":"...","pid":...,"message":"..."}',
        ),
        LogFormat(
            "pg-csv",
            "PostgreSQL csvlog",
            "pg_csv",
            "postgresql",
            '2024-01-01 10:00:00.123 UTC,"user","db",1234,...,"LOG","00000","duration: ..."',
        ),
        LogFormat(
            "mysql-slow",
            "MySQL/MariaDB slow query log",
            "mysql_slow",
            "mysql",
            "# Time: ... / # User@Host: ... / # Query_time: ... then the statement",
        ),
        LogFormat(
            "pg-stderr",
            "PostgreSQL stderr log",
            "pg_stderr",
            "postgresql",
            "2024-01-01 10:00:00.123 UTC [1234] LOG:  duration: 0.5 ms  statement: ... (any log_line_prefix)",
        ),
    )
}
_PARSER_MODULES = {"capture": "capture_jsonl"}


class FormatError(ConfigError):
    """A log's format is not one the kit reads (or not the one asked for).

    Attributes:
        path: The log file.
        expected: What was expected (format names and what their lines look like).
        saw: The first meaningful line, cut short.
    """

    def __init__(self, message: str, *, path: str, expected: str, saw: str, fix: str) -> None:
        self.path = path
        self.expected = expected
        self.saw = saw
        super().__init__(message, fix=fix)


def _module_name(fmt: LogFormat) -> str:
    return _PARSER_MODULES.get(fmt.name, fmt.module)


def _first_meaningful(lines: list[str]) -> str:
    for line in lines:
        if line.strip():
            text = line.strip()
            return text if len(text) <= 120 else text[:117] + "..."
    return ""


def detect_format(first_lines: list[str], path: str = "<stdin>") -> str:
    """The name of the format these first lines are in; :class:`FormatError` when none fits.

    An empty file is not an error here (it yields no events and a warning later); it is reported as ``empty``.
    """
    if not any(line.strip() for line in first_lines):
        return "empty"
    for fmt in FORMATS.values():
        if _sniff(fmt, first_lines):
            return fmt.name
    expected = "; ".join(f"{f.title} ({f.name}): {f.looks_like}" for f in FORMATS.values())
    saw = _first_meaningful(first_lines)
    raise FormatError(
        f"Cannot tell the format of {path}: it is none of the log formats maat-nb reads. "
        f"Expected one of: {expected}. Saw: {saw!r}.",
        path=path,
        expected=expected,
        saw=saw,
        fix="Check that this is a query log (slow log, PostgreSQL log, capture); for a PostgreSQL stderr log "
        "with an unusual prefix pass --format pg-stderr --log-line-prefix '<your log_line_prefix>'.",
    )


def _sniff(fmt: LogFormat, first_lines: list[str]) -> bool:
    mod = importlib.import_module(f"maat_nb.querylog.parsers.{_module_name(fmt)}")
    return bool(getattr(mod, f"sniff_{fmt.module}")(first_lines))


def _parser(fmt: LogFormat) -> Callable[..., Iterator[QueryEvent]]:
    mod = importlib.import_module(f"maat_nb.querylog.parsers.{_module_name(fmt)}")
    func: Callable[..., Iterator[QueryEvent]] = getattr(mod, f"parse_{fmt.module}")
    return func


def _dialect(fmt: LogFormat, first_lines: list[str]) -> str | None:
    if fmt.name == "capture":
        from maat_nb.querylog.parsers.capture_jsonl import capture_dialect

        return capture_dialect(first_lines)
    return fmt.dialect


@dataclass(frozen=True)
class FileReport:
    """What reading one log gave: its format, how many lines and events, how many bad records, how fast."""

    path: str
    format: str
    lines: int
    events: int
    bad: int
    bytes: int | None
    seconds: float
    prefix: str | None = None

    @property
    def mb_per_s(self) -> float | None:
        """Throughput in MB/s (compressed bytes for compressed files)."""
        return self.bytes / 1e6 / self.seconds if self.bytes and self.seconds > 0 else None


@dataclass(frozen=True)
class LogDigest:
    """A digest of one or more logs, with its N+1 findings, per-file reports and warnings."""

    digest: Digest
    n_plus_one: tuple[NPlusOne, ...]
    files: tuple[FileReport, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what the figures are (e.g. estimated percentiles of a live source)


def _options(fmt: LogFormat, prefix: str | None, first_lines: list[str]) -> tuple[dict[str, Any], str | None]:
    if fmt.name != "pg-stderr":
        return {}, None
    from maat_nb.querylog.parsers.pg_stderr import detect_prefix

    chosen = prefix or detect_prefix(first_lines)
    return ({"prefix": chosen} if chosen else {}), chosen


def _resolve_format(path: str, fmt_name: str, first_lines: list[str]) -> str:
    if fmt_name == "auto":
        return detect_format(first_lines, path)
    if fmt_name not in FORMATS:
        raise ConfigError(
            f"Unknown log format {fmt_name!r}.",
            fix=f"Use one of: auto, {', '.join(FORMATS)}.",
        )
    return fmt_name


def _empty_warning(report: FileReport) -> str | None:
    if report.events:
        return None
    if report.lines == 0 or report.format == "empty":
        return f"{report.path}: the file is empty (0 lines): nothing to digest."
    if report.bad:
        return (
            f"{report.path}: read {report.lines} lines as {FORMATS[report.format].title} but found no statement; "
            f"{report.bad} bad records (see bad_samples)"
            + (f" — the log_line_prefix {report.prefix!r} may not be the server's" if report.prefix else "")
            + "."
        )
    hint = {
        "pg-stderr": " (no 'duration:' or 'statement:' lines: set log_min_duration_statement = 0, or "
        "log_statement = 'all' with log_duration = on)",
        "pg-csv": " (no 'duration:' or 'statement:' messages)",
        "pg-json": " (no 'duration:' or 'statement:' messages)",
        "mysql-slow": " (no statements after the headers: check long_query_time)",
    }.get(report.format, "")
    return f"{report.path}: {report.lines} lines read as {FORMATS[report.format].title}, but no statement in them{hint}."


class _Progress:
    """Progress on stderr in bytes (tqdm), only when asked for."""

    def __init__(self, enabled: bool, total: int | None) -> None:
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="B", unit_scale=True, desc="reading logs", leave=False)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _counted(lines: Iterable[str], text: IO[str], progress: _Progress, size: int | None) -> Iterable[str]:
    """The lines, telling the progress bar (if any) how far into the file we are every 64k lines."""
    if progress.bar is None:
        return lines  # no layer in the hot loop
    return _counting(lines, text, progress, size)


def _counting(lines: Iterable[str], text: IO[str], progress: _Progress, size: int | None) -> Iterator[str]:
    raw: Any = getattr(text, "buffer", None)
    last = 0
    for i, line in enumerate(lines):
        if i & 0xFFFF == 0:
            try:
                pos = int(raw.tell()) if size else i
            except (OSError, ValueError):
                pos = last
            progress.update(pos - last)
            last = pos
        yield line
    if size:
        progress.update(size - last)


def _feed(events: Iterable[QueryEvent], builder: DigestBuilder, detector: NPlusOneDetector | None) -> None:
    add = builder.add
    if detector is None:
        for event in events:
            add(event)
        return
    detect = detector.add
    for event in events:
        detect(event, add(event))


def _read_one(
    path: str,
    fmt_name: str,
    prefix: str | None,
    detector: NPlusOneDetector | None,
    progress: _Progress,
    jobs: int,
) -> tuple[DigestBuilder, FileReport]:
    started = time.perf_counter()
    with open_text(path) as text:
        first, lines = _with_head(path, text)
        name = _resolve_format(path, fmt_name, first)
        if name == "empty":
            report = FileReport(path, "empty", len(first), 0, 0, size_of(path), time.perf_counter() - started)
            return DigestBuilder(dialect=None), report
        fmt = FORMATS[name]
        options, chosen_prefix = _options(fmt, prefix, first)
        dialect = _dialect(fmt, first)
        size = size_of(path)
        if jobs > 1 and size and size >= SPLIT_BYTES and is_plain(path):
            builder, stats = _read_parallel(path, fmt, options, dialect, jobs, size, progress, detector)
        else:
            builder = DigestBuilder(dialect=dialect)
            stats = ParseStats()
            events = _parser(fmt)(
                _counted(lines, text, progress, size), source=_label(path), stats=stats, **options
            )
            try:
                _feed(events, builder, detector)
            except DAMAGED as exc:  # a damaged compressed stream: keep what was read, count the damage
                damaged(path, stats, exc)
    builder.add_stats(stats)
    report = FileReport(
        path,
        name,
        stats.lines,
        builder.events,
        stats.bad,
        size_of(path),
        time.perf_counter() - started,
        chosen_prefix,
    )
    return builder, report


def _with_head(path: str, text: IO[str]) -> tuple[list[str], Iterable[str]]:
    """The first lines (for detection) and every line of an open log. Standard input cannot be read twice: its
    first lines are taken from the stream and put back in front of the rest."""
    if path == STDIN:
        first = list(itertools.islice(text, HEAD_LINES))
        return first, itertools.chain(first, text)
    return head(path, HEAD_LINES), text


def _label(path: str) -> str:
    return "<stdin>" if path == STDIN else Path(path).name


# ---- parallel reading of one big plain file -------------------------------------------------------------------

_BOUNDARY: dict[str, Callable[[bytes], bool]] = {
    # at a Time line the next event's time is known; the database is known again at the next Schema/use line
    "mysql-slow": lambda line: line.startswith(b"# Time:"),
    "capture": lambda line: line.startswith(b"{"),
    "pg-json": lambda line: line.startswith(b"{"),
    "pg-csv": lambda line: line[:1].isdigit() and b',"LOG","00000","duration: ' in line,
}


def _pg_boundary(line: bytes) -> bool:
    # a new log record: not a continuation (TAB) and not a DETAIL/HINT/STATEMENT/CONTEXT that belongs to the record
    # before it; splitting anywhere else would separate a statement from its parameters
    return (
        bool(line)
        and not line.startswith((b"\t", b" "))
        and b"LOG:  duration:" in line
        and b" execute " not in line
    )


def _chunk_bounds(path: str, fmt: str, size: int, jobs: int) -> list[tuple[int, int]]:
    is_boundary = _BOUNDARY.get(fmt, _pg_boundary)
    cuts = [0]
    with open(path, "rb") as raw:
        for k in range(1, jobs):
            raw.seek(max(cuts[-1], size * k // jobs))
            raw.readline()  # skip the partial line
            while True:
                pos = raw.tell()
                line = raw.readline()
                if not line:
                    pos = size
                    break
                if is_boundary(line):
                    break
            if pos > cuts[-1]:
                cuts.append(pos)
    cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _read_chunk(
    path: str, fmt_name: str, options: dict[str, Any], dialect: str | None, start: int, end: int, detect: bool
) -> tuple[DigestBuilder, NPlusOneDetector | None]:
    fmt = FORMATS[fmt_name]
    stats = ParseStats()
    builder = DigestBuilder(dialect=dialect)
    detector = NPlusOneDetector() if detect else None
    with open(path, "rb") as raw:
        raw.seek(start)
        limited = io.BufferedReader(_Window(raw, end - start), buffer_size=1 << 20)
        text = io.TextIOWrapper(limited, encoding="utf-8", errors="replace")
        _feed(_parser(fmt)(text, source=_label(path), stats=stats, **options), builder, detector)
    builder.add_stats(stats)
    if detector is not None:
        detector.flush()
    return builder, detector


class _Window(io.RawIOBase):
    """A raw stream over ``length`` bytes of an open file, from its current position."""

    def __init__(self, raw: IO[bytes], length: int) -> None:
        self._raw = raw
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: min(len(buffer), self._left)]
        n = self._raw.readinto(view)  # type: ignore[attr-defined]
        self._left -= n or 0
        return n or 0


def _read_parallel(
    path: str,
    fmt: LogFormat,
    options: dict[str, Any],
    dialect: str | None,
    jobs: int,
    size: int,
    progress: _Progress,
    detector: NPlusOneDetector | None,
) -> tuple[DigestBuilder, ParseStats]:
    from concurrent.futures import ProcessPoolExecutor

    bounds = _chunk_bounds(path, fmt.name, size, jobs)
    merged = DigestBuilder(dialect=dialect)
    detect = detector is not None
    with ProcessPoolExecutor(max_workers=len(bounds)) as pool:
        futures = [
            pool.submit(_read_chunk, path, fmt.name, options, dialect, a, b, detect) for a, b in bounds
        ]
        for (a, b), fut in zip(bounds, futures, strict=True):
            part, found = fut.result()
            merged.merge(part)
            if detector is not None and found is not None:
                detector.merge(found)
            progress.update(b - a)
    stats = merged.stats
    merged.stats = ParseStats()
    stats.events = merged.events
    return merged, stats


def default_jobs() -> int:
    """Worker processes for big files: the machine's cores, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def digest_logs(
    paths: str | Path | Sequence[str | Path],
    *,
    format: str = "auto",
    log_line_prefix: str | None = None,
    n_plus_one: bool = True,
    jobs: int = 1,
    progress: bool = False,
) -> LogDigest:
    """Digest one or more query logs (``-`` is standard input) into query classes and N+1 findings.

    Args:
        paths: Log files, plain or gzip/bzip2/xz compressed; several files merge into one digest.
        format: ``auto`` (per file, from its first lines) or one of :data:`FORMATS`.
        log_line_prefix: The server's ``log_line_prefix`` for PostgreSQL stderr logs (detected when None).
        n_plus_one: Look for N+1 patterns (each worker process looks in its part; a burst cut at a part
            boundary is judged as two).
        jobs: Worker processes for big plain files (see :func:`default_jobs`).
        progress: Show a progress bar on stderr.

    Raises:
        FormatError: A file's format could not be recognised (the message quotes what was seen).
        NotFoundError: A file does not exist.
    """
    items = [str(paths)] if isinstance(paths, str | Path) else [str(p) for p in paths]
    if not items:
        raise ConfigError("No log file given.", fix="Name one or more log files, or - for standard input.")
    total = sum(size_of(p) or 0 for p in items if p != STDIN and Path(p).is_file()) or None
    bar = _Progress(progress, total)
    detector = NPlusOneDetector() if n_plus_one else None
    merged: DigestBuilder | None = None
    reports = []
    try:
        for path in items:
            builder, report = _read_one(path, format, log_line_prefix, detector, bar, jobs)
            reports.append(report)
            merged = builder if merged is None else merged.merge(builder)
    finally:
        bar.close()
    assert merged is not None
    warnings = tuple(w for w in (_empty_warning(r) for r in reports) if w)
    bad = sum(r.bad for r in reports)
    if bad:
        warnings += (f"{bad} bad records skipped (counted; the first ones are in bad_samples).",)
    return LogDigest(
        digest=merged.result(),
        n_plus_one=detector.result() if detector is not None else (),
        files=tuple(reports),
        warnings=warnings,
    )


def iter_events(
    path: str | Path, *, format: str = "auto", log_line_prefix: str | None = None
) -> Iterator[QueryEvent]:
    """Stream the events of one log (for custom analyses); bad records are skipped silently here."""
    path = str(path)
    with open_text(path) as text:
        first, lines = _with_head(path, text)
        name = _resolve_format(path, format, first)
        if name == "empty":
            return
        fmt = FORMATS[name]
        options, _ = _options(fmt, log_line_prefix, first)
        yield from _parser(fmt)(lines, source=_label(path), stats=ParseStats(), **options)
