"""Where log text comes from: plain, gzip, bzip2 or xz files (recognised by their magic bytes), and stdin.

Text is decoded as UTF-8 with undecodable bytes replaced (a log mixing encodings still reads to the end), and
line endings are normalised to ``\\n``. Nothing here knows any log format.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from maat_nb.errors import ConfigError, NotFoundError
from maat_nb.querylog.events import ParseStats

STDIN = "-"
_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
}
BUFFER = 1 << 20


def compression(path: str | Path) -> str | None:
    """``gzip``, ``bzip2``, ``xz`` or None (plain), from the file's first bytes, not its name."""
    with open(path, "rb") as raw:
        head = raw.read(6)
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def _open_binary(path: str | Path) -> Any:
    kind = compression(path)
    if kind == "gzip":
        return gzip.open(path, "rb")
    if kind == "bzip2":
        return bz2.open(path, "rb")
    if kind == "xz":
        return lzma.open(path, "rb")
    return open(path, "rb", buffering=BUFFER)


def check_readable(path: str | Path) -> None:
    """Raise :class:`NotFoundError` naming the path when a log file does not exist or is a directory."""
    if str(path) == STDIN:
        return
    p = Path(path)
    if not p.exists():
        raise NotFoundError(
            f"Log file {str(path)!r} does not exist.",
            name=str(path),
            fix="Check the path (use - to read standard input).",
        )
    if p.is_dir():
        inside = tuple(sorted(x.name for x in p.iterdir() if x.is_file()))[:10]
        raise NotFoundError(
            f"{str(path)!r} is a directory, not a log file"
            + (f" (it holds {', '.join(inside)})." if inside else " (and it holds no file)."),
            name=str(path),
            known=inside,
            fix="Name the log files inside it (a shell glob such as dir/*.log works).",
        )


@contextmanager
def open_text(path: str | Path) -> Iterator[IO[str]]:
    """Open a log for reading as text: decompressing by magic bytes; ``-`` is standard input (also compressed)."""
    check_readable(path)
    if str(path) == STDIN:
        raw: Any = sys.stdin.buffer
        peek = raw.peek(6)[:6] if isinstance(raw, io.BufferedReader) else b""
        if peek.startswith(b"\x1f\x8b"):
            raw = gzip.GzipFile(fileobj=raw)
        elif peek.startswith(b"BZh"):
            raw = bz2.BZ2File(raw)
        elif peek.startswith(b"\xfd7zXZ"):
            raw = lzma.LZMAFile(raw)  # noqa: SIM115 - closed with the wrapper
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
        try:
            yield text
        finally:
            text.detach()
        return
    binary = _open_binary(path)
    text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
    try:
        yield text
    finally:
        text.close()


# What a damaged compressed file raises part-way through (truncated download, disk error).
DAMAGED = (EOFError, OSError, lzma.LZMAError, zlib.error)


def head(path: str | Path, lines: int = 50, max_bytes: int = 256 * 1024) -> list[str]:
    """The first ``lines`` lines of a log (each cut at ``max_bytes``), for format detection. Not for stdin.

    Raises:
        ConfigError: a compressed file is damaged before its first line.
    """
    out: list[str] = []
    with open_text(path) as text:
        try:
            for _ in range(lines):
                line = text.readline(max_bytes)
                if not line:
                    break
                out.append(line)
        except DAMAGED as exc:
            if not out:
                raise ConfigError(
                    f"Cannot read {str(path)!r}: the {compression(path) or 'file'} data is damaged ({exc}).",
                    fix="Check the file (gzip -t / bzip2 -t / xz -t) or fetch it again.",
                ) from exc
    return out


def damaged(path: str | Path, stats: ParseStats, exc: BaseException) -> None:
    """Count a damaged compressed stream as one bad record: the rest of the file cannot be read."""
    kind = compression(path) if str(path) != STDIN else None
    stats.add_bad(
        f"{Path(str(path)).name}:{stats.lines + 1}",
        f"damaged {kind or 'input'} data, the rest of the file is unreadable: {exc}",
        "",
    )


def size_of(path: str | Path) -> int | None:
    """Bytes on disk (compressed size for compressed files); None for stdin."""
    return None if str(path) == STDIN else os.path.getsize(path)


def is_plain(path: str | Path) -> bool:
    """True for an uncompressed regular file (those can be split between worker processes)."""
    return str(path) != STDIN and compression(path) is None
