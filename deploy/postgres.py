"""A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, a fresh data
directory, a Unix socket only, everything removed on exit. Standard library only.

    with throwaway() as url:   # postgresql+psycopg://postgres@/postgres?host=DIR&port=P
        ...

PostgreSQL refuses to run as root: run as root, it runs as the ``postgres`` user that
Debian's ``postgresql`` package creates (``runuser``); otherwise as the current user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deploy.streamlit_server import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    """True if Debian's PostgreSQL 15 server binaries are installed."""
    return (BIN / "initdb").exists() and (BIN / "pg_ctl").exists()


@contextmanager
def throwaway() -> Iterator[str]:
    """Start an empty PostgreSQL server; yield its SQLAlchemy URL; stop and delete it."""
    if not available():
        raise FileNotFoundError(f"{BIN} not found: install it with `apt-get install postgresql`")
    tmp = Path(tempfile.mkdtemp(prefix="gd-postgres-"))
    data, port = tmp / "data", free_port()
    data.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(data, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(
            [*as_user, str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {tmp} -c listen_addresses='' -c max_connections=300"
        subprocess.run(
            [
                *as_user,
                str(BIN / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(tmp / "log"),
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={tmp}&port={port}"
        finally:
            subprocess.run(
                [*as_user, str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                capture_output=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
