"""Start ``streamlit run`` on a free loopback port and wait until it is healthy.

The one place for it: the e2e fixture, the load test, the interaction benchmark and
the replicas behind nginx all start servers through :func:`start`. Standard library only.

The server runs from the repository root, so ``.streamlit/config.toml`` applies, and
writes its output to a file (a pipe nobody reads would fill up and block it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app" / "streamlit_app.py"
START_TIMEOUT_S = 60.0

# Loopback requests must not go through an http_proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerError(RuntimeError):
    """A server exited or did not become healthy in time; the message holds its output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True if ``url`` answers 200."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:  # URLError, connection refused, timeouts, HTTP errors
        return False


def wait_healthy(
    url: str,
    process: subprocess.Popen,
    log: IO[str] | None,
    timeout: float = START_TIMEOUT_S,
    what: str = "server",
) -> None:
    """Poll ``url`` until it answers 200; raise :class:`ServerError` if ``process`` exits
    or ``timeout`` seconds pass (the message includes the process's output)."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if process.poll() is not None:
            why = f"exited with code {process.returncode}"
        elif time.monotonic() > deadline:
            why = f"was not healthy at {url} after {timeout:g} s"
        else:
            time.sleep(0.05)
            continue
        output = read_log(log)
        stop(process)
        raise ServerError(f"the {what} (pid {process.pid}) {why}. Its output:\n{output}")


def read_log(log: IO[str] | None) -> str:
    if log is None:
        return "(not recorded)"
    log.flush()
    log.seek(0)
    return log.read()


@dataclass
class Server:
    """A running Streamlit server."""

    process: subprocess.Popen
    port: int
    log: IO[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return read_log(self.log)


def start(
    script: Path | str = APP,
    port: int | None = None,
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
    timeout: float = START_TIMEOUT_S,
    log: IO[str] | None = None,
) -> Server:
    """Start ``streamlit run script`` on 127.0.0.1 and return once ``/_stcore/health`` is 200.

    Parameters
    ----------
    script : Path or str
        The Streamlit script (default: the app).
    port : int or None
        The port, or None for a free one.
    extra : sequence of str
        Further command-line flags, e.g. ``["--client.showErrorDetails", "full"]``.
    env : dict or None
        The server's environment (default: this process's).
    timeout : float
        Seconds to wait for health before :class:`ServerError`.
    log : text file or None
        Where the server's output goes (default: a temporary file, closed by :func:`stop`).
    """
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        # A server must not rerun the app because someone saved a file meanwhile.
        "--server.fileWatcherType",
        "none",
        *extra,
    ]
    if log is None:
        # Outlives this call: the Server holds it and stop() closes it.
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env if env is not None else os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process, log, timeout, "Streamlit")
    return Server(process, port, log)


def stop(server: Server | subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate, wait up to ``timeout`` seconds, then kill; a Server's log is closed."""
    process = server.process if isinstance(server, Server) else server
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if isinstance(server, Server):
        server.log.close()


@contextmanager
def serve(
    script: Path | str = APP, port: int | None = None, extra: Sequence[str] = (), **kwargs
) -> Iterator[Server]:
    """``with serve() as server:`` a started server, stopped on exit."""
    server = start(script, port, extra, **kwargs)
    try:
        yield server
    finally:
        stop(server)
