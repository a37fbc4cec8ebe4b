"""The maat-nb command: --help for every command, exit codes, --json shape, errors on one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from maat_nb.cli import COMMANDS, build_parser, main
from tests.test_profile import N, load_fixture

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_and_is_documented(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert f"maat-nb {command}" in out and len(out.splitlines()) > 4
    assert f"maat-nb {command}" in README.read_text(encoding="utf-8")


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "profile" in result.stdout


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["profile"])
    assert exit_.value.code == 2


def test_bad_url_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "postgresql://app:hunter2@127.0.0.1:1/shop"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "127.0.0.1:1" in err and "hunter2" not in err


async def test_profile_json_and_missing_table(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    (tmp_path / "cli.db").touch()
    await load_fixture(url)
    result = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "profile", url, "--table", "order", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [t["name"] for t in doc["tables"]] == ["order"]
    assert doc["tables"][0]["rows"] == N and doc["tables"][0]["rows_source"] == "exact"
    assert {"kind", "table", "detail", "fix"} <= set(doc["findings"][0])
    human = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "profile", url, "--table", "order"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert human.returncode == 0 and "order" in human.stdout and "findings" in human.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "profile", url, "--table", "orders"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "orders" in missing.stderr and "order" in missing.stderr and missing.stdout == ""


def test_run_failing_notebook_exits_1_and_leaves_its_report(tmp_path: Path) -> None:
    notebook = Path(__file__).parent / "fixtures" / "notebooks" / "fails.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "run", str(notebook), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    html = list(tmp_path.glob("*/fails-*.html"))
    assert len(html) == 1 and "LookupError" in html[0].read_text(encoding="utf-8")
    assert (tmp_path / "index.html").exists()
    assert "LookupError" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_demo_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "demo", "--db", db, "--scale", "0.001", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["rows"]["products"] > 0 and sum(doc["rows"].values()) > 500
    assert doc["workload_log"] == str(tmp_path / "workload.jsonl") and doc["statements"] > 300
    refused = subprocess.run(
        [sys.executable, "-m", "maat_nb.cli", "demo", "--engine", "postgresql"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2 and "--db" in refused.stderr
