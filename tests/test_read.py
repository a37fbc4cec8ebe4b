"""Reading logs end to end without a server: sources, format detection, clear errors, merging, workers, the CLI.

The logs are the demo shop's real workload captured on SQLite (what ``maat-nb demo`` writes) and the corpus files.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maat_nb.cli import main
from maat_nb.demo import build_demo
from maat_nb.demo.workload import record_workload
from maat_nb.errors import ConfigError
from maat_nb.querylog import read as readmod
from maat_nb.querylog.events import ParseStats
from maat_nb.querylog.parsers.capture_jsonl import parse_capture
from maat_nb.querylog.read import FormatError, detect_format, digest_logs, iter_events
from maat_nb.querylog.sources import head, open_text

FIXTURES = Path(__file__).parent / "fixtures"
SLOW = FIXTURES / "slowlogs"


@pytest.fixture(scope="module")
def capture_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workload (400 page views) captured on a small SQLite demo shop."""
    import asyncio

    folder = tmp_path_factory.mktemp("capture")
    url = f"sqlite+aiosqlite:///{folder / 'shop.db'}"
    asyncio.run(build_demo(url, scale=0.005, seed=5, progress=False))
    path = folder / "workload.jsonl"
    asyncio.run(record_workload(url, path, pages=400, seed=5))
    return path


def _compressed(src: Path, folder: Path) -> dict[str, Path]:
    data = src.read_bytes()
    out = {"plain": src}
    for name, fn, ext in (
        ("gzip", gzip.compress, ".gz"),
        ("bzip2", bz2.compress, ".bz2"),
        ("xz", lzma.compress, ".xz"),
    ):
        path = folder / (src.name + ext)
        path.write_bytes(fn(data))
        out[name] = path
    return out


def test_compressed_files_read_like_the_plain_one(capture_log: Path, tmp_path: Path) -> None:
    files = _compressed(capture_log, tmp_path)
    texts = {}
    for kind, path in files.items():
        with open_text(path) as text:
            texts[kind] = text.read()
    assert texts["gzip"] == texts["bzip2"] == texts["xz"] == texts["plain"]
    digests = {kind: digest_logs(path).digest for kind, path in files.items()}
    counts = {kind: {c.id: c.count for c in d.classes} for kind, d in digests.items()}
    assert counts["gzip"] == counts["bzip2"] == counts["xz"] == counts["plain"]


def test_capture_digest_counts_every_statement_and_finds_the_n_plus_one(capture_log: Path) -> None:
    events = list(parse_capture(capture_log.read_text().splitlines(True), stats=ParseStats()))
    result = digest_logs(capture_log)
    assert result.digest.events == len(events) > 400
    assert sum(c.count for c in result.digest.classes) == len(events)
    assert result.files[0].format == "capture"
    # the demo's N+1 page: a listing of products, then one brand lookup (by primary key) and one ratings query
    # (by foreign key) per product
    children = {(p.relationship, tuple(sorted(p.child.split()))) for p in result.n_plus_one}
    assert any(rel == "many-to-one" and "brands" in " ".join(words) for rel, words in children), (
        result.n_plus_one
    )
    assert any(rel == "one-to-many" and "ratings" in " ".join(words) for rel, words in children), (
        result.n_plus_one
    )
    for pattern in result.n_plus_one:
        assert "products" in (pattern.parent or "")
        assert pattern.child_executions >= 5 * pattern.occurrences


def test_no_n_plus_one_without_the_n_plus_one_page(tmp_path: Path) -> None:
    import asyncio

    from maat_nb.demo.workload import PAGE_WEIGHTS
    from maat_nb.engines import create_engine
    from maat_nb.querylog.capture import capture
    from maat_nb.querylog.parsers.capture_jsonl import write_capture

    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    asyncio.run(build_demo(url, scale=0.005, seed=6, progress=False))

    async def run() -> None:
        from maat_nb.demo.workload import run_workload

        engine = create_engine(url)
        async with capture(engine) as log:
            await run_workload(engine, pages=300, seed=6, mix={**PAGE_WEIGHTS, "n_plus_one_page": 0})
        await engine.dispose()
        write_capture(log.events, tmp_path / "clean.jsonl", dialect=log.dialect)

    asyncio.run(run())
    result = digest_logs(tmp_path / "clean.jsonl")
    assert result.digest.events > 300
    assert result.n_plus_one == ()


def test_several_files_merge_exactly(capture_log: Path, tmp_path: Path) -> None:
    lines = capture_log.read_text().splitlines(True)
    header, body = lines[0], lines[1:]
    half = len(body) // 2
    (tmp_path / "a.jsonl").write_text(header + "".join(body[:half]))
    (tmp_path / "b.jsonl").write_text(header + "".join(body[half:]))
    whole = digest_logs(capture_log).digest
    parts = digest_logs([tmp_path / "a.jsonl", tmp_path / "b.jsonl"]).digest
    assert parts.events == whole.events
    assert {c.id: (c.count, round(c.total_s, 9), c.max_s) for c in parts.classes} == {
        c.id: (c.count, round(c.total_s, 9), c.max_s) for c in whole.classes
    }
    assert [c.p95_s for c in parts.classes] == [c.p95_s for c in whole.classes]


def test_worker_processes_give_the_serial_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a slow log big enough to split: corpus files concatenated
    big = tmp_path / "big.log"
    with open(big, "wb") as out:
        for _ in range(30):
            for name in ("slow002.txt", "slow006.txt", "slow018.txt", "slow034.txt"):
                out.write((SLOW / name).read_bytes())
    monkeypatch.setattr(readmod, "SPLIT_BYTES", 10_000)
    serial = digest_logs(big, n_plus_one=False, jobs=1)
    parallel = digest_logs(big, n_plus_one=False, jobs=3)
    assert parallel.digest.events == serial.digest.events > 100
    assert {c.id: c.count for c in parallel.digest.classes} == {c.id: c.count for c in serial.digest.classes}
    assert parallel.digest.bad_records == serial.digest.bad_records


def test_unknown_format_says_what_was_expected_and_what_was_seen(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary, today the database was slow.\nIt was a Tuesday.\n")
    with pytest.raises(FormatError) as err:
        digest_logs(path)
    message = str(err.value)
    assert "Dear diary" in message and "notes.txt" in message
    for expected in ("MySQL/MariaDB slow query log", "PostgreSQL stderr log", "csvlog", "jsonlog", "capture"):
        assert expected in message
    assert "--log-line-prefix" in message  # the fix


def test_cli_unknown_format_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    assert main(["digest", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "hello" in err


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", str(tmp_path / "nope.log")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "a.log").write_text("")
    assert main(["digest", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is a directory" in err and "a.log" in err


def test_empty_file_is_never_a_silent_empty_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.log"
    path.write_text("")
    result = digest_logs(path)
    assert result.digest.events == 0 and any("empty" in w for w in result.warnings)
    assert main(["digest", str(path)]) == 1
    assert "empty" in capsys.readouterr().err


def test_slow_log_without_statements_says_why(tmp_path: Path) -> None:
    path = tmp_path / "banner.log"
    path.write_text(
        "/usr/sbin/mariadbd, Version: 10.11.19-MariaDB-0+deb12u1 (Debian 12). started with:\n"
        "Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock\n"
        "Time\t\t    Id Command\tArgument\n"
    )
    result = digest_logs(path)
    assert result.digest.events == 0
    assert result.warnings and "no statement" in result.warnings[0]


def test_cli_json_has_the_documented_keys(capture_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--json", "--top", "5", str(capture_log)]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("events", "bad_records", "time_range", "classes", "n_plus_one"):
        assert key in doc
    assert len(doc["classes"]) == 5
    for cls in doc["classes"]:
        for key in (
            "id", "fingerprint", "count", "total_s", "mean_s", "p95_s", "max_s", "lock_s",
            "rows_sent", "rows_examined", "tables", "example",
        ):  # fmt: skip
            assert key in cls
        assert cls["count"] >= 1 and cls["max_s"] >= cls["p95_s"] >= 0 and cls["tables"]
    totals = [c["total_s"] for c in doc["classes"]]
    assert totals == sorted(totals, reverse=True)
    assert doc["n_plus_one"] and doc["n_plus_one"][0]["fix"]


def test_stdin_compressed(capture_log: Path) -> None:
    data = gzip.compress(capture_log.read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "digest", "--json", "-"],
        input=data,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["events"] == digest_logs(capture_log).digest.events


def test_head_and_detection_of_corpus_formats() -> None:
    assert detect_format(head(SLOW / "slow002.txt")) == "mysql-slow"
    assert detect_format(head(SLOW / "slow014.txt")) == "mysql-slow"  # starts with a server banner
    assert detect_format([]) == "empty"


def test_iter_events_streams_one_file(capture_log: Path) -> None:
    n = sum(1 for _ in iter_events(capture_log))
    assert n == digest_logs(capture_log).digest.events


_CAPTURE_LINES = st.one_of(
    st.text(max_size=80),
    st.just('{"maat_capture": 1}'),
    st.builds(lambda s, d: json.dumps({"sql": s, "duration_s": d}), st.text(max_size=40), st.floats(0, 10)),
    st.builds(lambda v: json.dumps({"sql": v}), st.one_of(st.integers(), st.none(), st.lists(st.integers()))),
    st.just('{"sql": "SELECT 1", "ts": "not a time"}'),
)


@given(st.lists(_CAPTURE_LINES, max_size=30))
def test_capture_parser_never_raises_and_counts(lines: list[str]) -> None:
    stats = ParseStats()
    events = list(parse_capture([line + "\n" for line in lines], stats=stats))
    assert stats.events == len(events)
    assert stats.lines == len(lines)
    assert len(events) + stats.bad <= len(lines)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_digest_or_a_format_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.log"
    path.write_bytes(data)
    try:
        result = digest_logs(path)
    except FormatError as err:
        assert "Saw:" in str(err)
    except ConfigError as err:  # compressed data damaged before its first line
        assert "damaged" in str(err)
    else:
        assert result.digest.events == sum(c.count for c in result.digest.classes)
        if result.digest.events == 0:
            assert result.warnings  # never a silent empty result


def test_worker_processes_find_the_same_n_plus_one(
    capture_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = capture_log  # split in two at a line boundary: at most one burst per session is cut there
    monkeypatch.setattr(readmod, "SPLIT_BYTES", 10_000)
    serial = digest_logs(big, jobs=1)
    parallel = digest_logs(big, jobs=2)
    assert {c.id: c.count for c in parallel.digest.classes} == {c.id: c.count for c in serial.digest.classes}
    assert {(p.relationship, p.child) for p in parallel.n_plus_one} == {
        (p.relationship, p.child) for p in serial.n_plus_one
    }
    for p in parallel.n_plus_one:
        (s,) = [q for q in serial.n_plus_one if q.child == p.child]
        assert abs(p.child_executions - s.child_executions) <= 0.1 * s.child_executions  # a cut burst at most


def test_a_truncated_gzip_keeps_what_was_read_and_counts_the_damage(
    capture_log: Path, tmp_path: Path
) -> None:
    data = gzip.compress(capture_log.read_bytes())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])  # a download that stopped half-way
    result = digest_logs(cut)
    whole = digest_logs(capture_log).digest.events
    assert 0 < result.digest.events < whole
    assert result.digest.bad_records == 1
    assert "damaged gzip data" in result.digest.bad_samples[0].reason
