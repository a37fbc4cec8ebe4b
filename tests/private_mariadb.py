"""A private MariaDB instance for the tests that need server settings the shared server must keep.

performance_schema can only be switched on at server start, so these tests start their own throw-away server
(mariadb-install-db into a temporary folder, a free port, performance_schema on) and remove it afterwards. It uses
the same Debian binaries as the shared server; run as root it runs them as the ``mysql`` OS user.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.private_pg import free_port

SERVER = Path("/usr/sbin/mariadbd")
INSTALL = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"


def available() -> bool:
    """Whether the MariaDB server binaries are here."""
    return SERVER.exists() and Path(INSTALL).exists()


@contextmanager
def private_mariadb(*options: str) -> Iterator[str]:
    """Start a private server (performance_schema on, plus ``options``); yield its root URL; stop and delete it."""
    root = Path(tempfile.mkdtemp(prefix="maat_test_mariadb_"))
    as_root = os.geteuid() == 0
    user = ["--user=mysql"] if as_root else []
    if as_root:
        shutil.chown(root, "mysql")
    port = free_port()
    proc = None
    try:
        subprocess.run(
            [INSTALL, "--no-defaults", *user, f"--datadir={root / 'data'}", "--skip-test-db",
             "--auth-root-authentication-method=normal"],
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
        argv = [
            str(SERVER), "--no-defaults", *user, f"--datadir={root / 'data'}", f"--socket={root / 'sock'}",
            f"--port={port}", "--bind-address=127.0.0.1", "--performance-schema=ON", "--skip-log-bin",
            "--innodb-buffer-pool-size=64M", f"--pid-file={root / 'pid'}", *options,
        ]  # fmt: skip
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=open(root / "err.log", "wb"))  # noqa: SIM115
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((root / "err.log").read_text()[-2000:]) from None
                time.sleep(0.1)
        yield f"mysql://root@127.0.0.1:{port}/mysql"
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(root, ignore_errors=True)
