"""A private PostgreSQL 15 instance for the tests that need server settings the shared server must keep.

csvlog and jsonlog need ``logging_collector = on`` and pg_stat_statements needs ``shared_preload_libraries``:
both take a restart, which would break everybody else's work on the shared server. So these tests start their
own throw-away cluster (initdb into a temporary folder, a free port, fsync off), with every statement logged in
the three formats at once, and remove it afterwards. It uses the same Debian PostgreSQL binaries as the shared
server; run as root it runs them as the ``postgres`` OS user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN_DIRS = [
    Path("/usr/lib/postgresql/15/bin"),
    Path("/usr/lib/postgresql/16/bin"),
    Path("/usr/lib/postgresql/17/bin"),
]


@dataclass(frozen=True)
class PrivatePG:
    url: str  # postgresql://postgres@127.0.0.1:<port>/postgres
    port: int
    log_dir: Path

    def logs(self, suffix: str) -> list[Path]:
        """The log files of one destination: ``.log`` (stderr), ``.csv`` or ``.json``."""
        return sorted(p for p in self.log_dir.iterdir() if p.suffix == suffix)


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are, or None."""
    for d in BIN_DIRS:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    return None


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@contextmanager
def private_pg(extra_settings: dict[str, str] | None = None) -> Iterator[PrivatePG]:
    """Start a private cluster that logs every statement to stderr, csvlog and jsonlog; stop and delete it after."""
    bindir = bin_dir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql")
    root = Path(tempfile.mkdtemp(prefix="maat_test_pg_"))
    data, logs = root / "data", root / "log"
    logs.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(logs, "postgres")
    port = free_port()
    settings = {
        "port": str(port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{root}'",
        "fsync": "off",
        "logging_collector": "on",
        "log_destination": "'stderr,csvlog,jsonlog'",
        "log_directory": f"'{logs}'",
        "log_filename": "'pg.log'",
        "log_min_duration_statement": "0",
        "log_line_prefix": "'%m [%p] %q%u@%d '",
        "shared_preload_libraries": "'pg_stat_statements'",
        "pg_stat_statements.track": "all",
        **(extra_settings or {}),
    }
    try:
        subprocess.run(
            _as_postgres(
                [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]
            ),
            check=True,
            capture_output=True,
        )
        with open(data / "postgresql.conf", "a") as conf:
            for name, value in settings.items():
                conf.write(f"{name} = {value}\n")
        subprocess.run(
            _as_postgres(
                [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "startup.log"), "-w", "start"]
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield PrivatePG(f"postgresql://postgres@127.0.0.1:{port}/postgres", port, logs)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        for _ in range(20):
            try:
                shutil.rmtree(root)
                break
            except OSError:
                time.sleep(0.1)
