"""The report folder's bookkeeping: one JSON sidecar per run, slot reservation, and ``reports/index.html``.

Layout::

    reports/
      index.html                          every run, newest first (rebuilt from the sidecars on every run)
      2024-05-17/
        profile_tables-142501.ipynb       the executed, scrubbed notebook
        profile_tables-142501.html        the rendered report
        profile_tables-142501.json        the sidecar: status, masked parameters, start, duration

A run first *reserves* its slot by creating the sidecar with ``O_EXCL`` (status ``running``), so two runs
landing in the same second (even from two processes) get ``-HHMMSS`` and ``-HHMMSS-2`` instead of overwriting
each other. Sidecars are later replaced atomically, and so is the index. Sidecars only ever hold masked
parameters.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

#: Version of the sidecar format, stored in each sidecar.
SIDECAR_VERSION = 1
INDEX_NAME = "index.html"
_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REPORT_SUFFIXES = (".ipynb", ".html", ".json")


@dataclass(frozen=True)
class Sidecar:
    """What the index needs to know about one run; stored as ``<report>.json`` next to the report.

    Attributes:
        name: The notebook's name (stem of the source notebook), e.g. ``profile_tables``.
        report: The run's base file name, e.g. ``profile_tables-142501`` (or ``...-142501-2``).
        status: ``running`` (reserved, not finished), ``ok`` or ``failed``.
        started: When the run started (local time, timezone-aware).
        source: Path of the source notebook.
        error: ``ename: evalue`` of the failure (scrubbed), or None.
        parameters: The parameters passed, masked (URL passwords and secret values are ``***``).
        seconds: Wall-clock duration of the run, or None while running.
        with_code: Whether the HTML shows the code cells.
    """

    name: str
    report: str
    status: str
    started: datetime
    source: str = ""
    error: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    seconds: float | None = None
    with_code: bool = False

    def to_json(self) -> str:
        """Serialise (non-JSON parameter values become their ``str``)."""
        data = asdict(self)
        data["started"] = self.started.isoformat()
        text = json.dumps({"version": SIDECAR_VERSION, **data}, indent=1, default=str, ensure_ascii=False)
        return text + "\n"

    @classmethod
    def from_json(cls, text: str) -> Sidecar:
        """Parse a sidecar.

        Raises:
            ValueError: not a sidecar (bad JSON, missing name/report/status/started, bad date).
        """
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("sidecar is not a JSON object")
        try:
            started = datetime.fromisoformat(str(data["started"]))
            params = data.get("parameters") or {}
            seconds = data.get("seconds")
            return cls(
                name=str(data["name"]),
                report=str(data["report"]),
                status=str(data["status"]),
                started=started if started.tzinfo else started.astimezone(),
                source=str(data.get("source") or ""),
                error=None if data.get("error") is None else str(data["error"]),
                parameters=dict(params) if isinstance(params, dict) else {},
                seconds=float(seconds) if isinstance(seconds, int | float) else None,
                with_code=bool(data.get("with_code", False)),
            )
        except KeyError as exc:
            raise ValueError(f"sidecar lacks {exc}") from None


def reserve(out_dir: str | Path, name: str, started: datetime) -> Path:
    """Claim ``<out_dir>/<YYYY-MM-DD>/<name>-<HHMMSS>[-N]`` for a new run; return that base path (no suffix).

    The claim is the sidecar itself, created exclusively with status ``running``; if that name (or any file of
    that report) already exists, ``-2``, ``-3``, ... is appended.
    """
    day = Path(out_dir) / started.strftime("%Y-%m-%d")
    day.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{started.strftime('%H%M%S')}"
    for n in range(1, 10_000):
        base = day / (stem if n == 1 else f"{stem}-{n}")
        if any(base.with_name(base.name + suffix).exists() for suffix in _REPORT_SUFFIXES):
            continue
        try:
            fd = os.open(base.with_name(base.name + ".json"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(Sidecar(name=name, report=base.name, status="running", started=started).to_json())
        return base
    raise FileExistsError(f"No free report name for {stem!r} in {day}")  # pragma: no cover


def write_sidecar(base: Path, sidecar: Sidecar) -> Path:
    """Atomically (re)write the sidecar of the report at ``base`` (a path without suffix)."""
    path = base.with_name(base.name + ".json")
    atomic_write(path, sidecar.to_json())
    return path


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_sidecars(out_dir: str | Path) -> list[tuple[Path, Sidecar]]:
    """Every readable sidecar under ``out_dir/<YYYY-MM-DD>/``, newest first. Unreadable files are skipped."""
    found: list[tuple[Path, Sidecar]] = []
    root = Path(out_dir)
    if not root.is_dir():
        return found
    for day in root.iterdir():
        if not (day.is_dir() and _DATE_DIR.match(day.name)):
            continue
        for path in day.glob("*.json"):
            try:
                found.append((path, Sidecar.from_json(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError, TypeError):
                continue
    found.sort(key=lambda item: (item[1].started.timestamp(), item[0].name), reverse=True)
    return found


def write_index(out_dir: str | Path) -> Path:
    """Rebuild ``<out_dir>/index.html`` from all sidecars and return its path.

    Each row: start date and time, notebook (linked to its HTML report, plus the ``.ipynb``), the masked
    parameters, status (with the error for failed runs) and duration. Newest first.
    """
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    rows = [_row(path.relative_to(root), sidecar) for path, sidecar in read_sidecars(root)]
    index = root / INDEX_NAME
    atomic_write(index, _PAGE.format(count=len(rows), rows="\n".join(rows) or _EMPTY))
    return index


def format_seconds(seconds: float | None) -> str:
    """Human duration.

    >>> format_seconds(2.345), format_seconds(125), format_seconds(None)
    ('2.3 s', '2 min 05 s', '')
    """
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def _row(sidecar_path: Path, car: Sidecar) -> str:
    e = html.escape
    base = sidecar_path.with_suffix("").as_posix()
    params = "".join(
        f"<li><code>{e(str(k))}</code> = <code>{e(_show(v))}</code></li>" for k, v in car.parameters.items()
    )
    error = f'<div class="error">{e(car.error)}</div>' if car.error else ""
    return (
        f'<tr class="{e(car.status)}">'
        f'<td class="when">{e(car.started.strftime("%Y-%m-%d %H:%M:%S"))}</td>'
        f'<td><a href="{e(base)}.html">{e(car.name)}</a> <a class="nb" href="{e(base)}.ipynb">ipynb</a></td>'
        f'<td><ul class="params">{params}</ul></td>'
        f'<td><span class="status">{e(car.status)}</span>{error}</td>'
        f'<td class="secs">{e(format_seconds(car.seconds))}</td>'
        "</tr>"
    )


def _show(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


_EMPTY = '<tr><td colspan="5">No reports yet.</td></tr>'
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>maat-nb reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: .4em .7em; border-bottom: 1px solid #ddd; }}
th {{ background: #f4f4f4; }}
ul.params {{ list-style: none; margin: 0; padding: 0; font-size: .9em; }}
a.nb {{ font-size: .8em; color: #777; }}
td.when, td.secs {{ white-space: nowrap; }}
.status {{ font-weight: bold; }}
tr.ok .status {{ color: #18794e; }}
tr.failed .status {{ color: #c62828; }}
tr.running .status {{ color: #a15c00; }}
.error {{ color: #c62828; font-family: monospace; font-size: .85em; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>maat-nb reports</h1>
<p>{count} run(s), newest first.</p>
<table>
<thead><tr><th>Started</th><th>Notebook</th><th>Parameters</th><th>Status</th><th>Duration</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""
