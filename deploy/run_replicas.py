"""Start K Streamlit replicas of the app behind nginx on 127.0.0.1, until Ctrl-C.

    .venv/bin/python deploy/run_replicas.py --replicas 2 --port 8080

Each replica is started through :mod:`deploy.streamlit_server` and must answer
``/_stcore/health`` before nginx starts; nginx then runs from a config rendered
into a work directory (``nginx -c DIR/nginx.conf -p DIR``), and the script waits
for the health check through the front before it prints the URL. Ctrl-C or
SIGTERM stops nginx and every replica. From Python, :func:`cluster` does the same
as a context manager (the scale test uses it). See ``deploy/README.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `deploy` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.classroom.wake import POLL_ENV
from app.model.data.csv_read import UPLOADER_LIMIT_MB
from deploy import streamlit_server

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MAX_FAILS = 3
FAIL_TIMEOUT_S = 10
#: Idle connections each nginx worker keeps open to each upstream pool, so plain requests
#: (static files, each phone's wake poll) do not open a new TCP connection to a replica.
KEEPALIVE = 16
#: How often each phone asks for its wake file on a replica (seconds; one server: 1.5 s).
#: Each replica has only its share of a class's phones, so the Ask's reruns queue less and
#: 2 s still brought every phone its question within 2.3 s, while each replica has its own
#: fixed costs too (README, live class: the idle class 17 % of a core in all at 2 s, 21 %
#: at 1.5 s). An environment that sets ``LINREG_WAKE_POLL_S`` itself keeps its own.
REPLICA_WAKE_POLL_S = 2.0


@dataclass
class Cluster:
    """Running replicas and the nginx in front of them."""

    url: str  # the front, e.g. http://127.0.0.1:8080
    replicas: list[streamlit_server.Server]
    nginx: subprocess.Popen
    workdir: Path

    @property
    def pids(self) -> list[int]:
        """The replicas' process ids (for their CPU and memory)."""
        return [r.pid for r in self.replicas]

    @property
    def access_log(self) -> Path:
        return self.workdir / "access.log"

    def replica_name(self, upstream_addr: str) -> str:
        """``r0``, ``r1``, … for an address from the access log, e.g. ``127.0.0.1:8501``."""
        ports = [r.port for r in self.replicas]
        return f"r{ports.index(int(upstream_addr.rsplit(':', 1)[1]))}"


def replica_env(replicas: int, environ: Mapping[str, str]) -> dict[str, str]:
    """The replicas' environment: ``environ``, with :data:`REPLICA_WAKE_POLL_S` as the wake
    poll when there are two or more replicas and ``environ`` does not set one itself."""
    default = {POLL_ENV: str(REPLICA_WAKE_POLL_S)} if replicas > 1 else {}
    return default | dict(environ)


def render_config(ports: Sequence[int], listen_port: int, workdir: Path) -> str:
    """The nginx config for replicas on ``ports`` (replica ``i`` is route ``r<i>``)."""

    def server(port: int, backup: bool = False) -> str:
        flags = " backup" if backup else ""
        return (
            f"        server 127.0.0.1:{port} max_fails={MAX_FAILS} "
            f"fail_timeout={FAIL_TIMEOUT_S}s{flags};"
        )

    keep = f"        keepalive {KEEPALIVE};"  # the last line of every upstream
    pools = []
    for i, port in enumerate(ports):
        others = [server(p, backup=True) for p in ports if p != port]
        pools.append(
            "\n".join([f"    upstream streamlit_r{i} {{", server(port), *others, keep, "    }"])
        )
    fill = {
        "K": str(len(ports)),
        "DIR": str(workdir),
        "PORT": str(listen_port),
        "POOL_MAP": "\n".join(
            f'        "~^r{i}\\."       streamlit_r{i};' for i in range(len(ports))
        ),
        "SERVED_MAP": "\n".join(
            f'        "~127\\.0\\.0\\.1:{p}$" r{i};' for i, p in enumerate(ports)
        ),
        "SERVERS": "\n".join([*(server(p) for p in ports), keep]),
        "POOLS": "\n".join(pools),
        "BODY_MB": str(UPLOADER_LIMIT_MB + 1),
    }
    text = TEMPLATE.read_text()
    for key, value in fill.items():
        text = text.replace("{{" + key + "}}", value)
    return text


@contextmanager
def cluster(
    replicas: int = 2,
    port: int | None = None,
    extra: Sequence[str] = (),
    workdir: Path | None = None,
    nginx: Path = NGINX,
    script: Path = streamlit_server.APP,
) -> Iterator[Cluster]:
    """Start ``replicas`` servers of ``script`` (the app) and nginx on ``port`` (default: a
    free one).

    ``extra`` are further flags for every replica, e.g. ``["--runner.postScriptGC",
    "false"]``. nginx's config, logs and temporary files go to ``workdir`` (default:
    a new temporary directory, removed afterwards). Everything is stopped on exit.
    """
    if not nginx.exists():
        raise FileNotFoundError(f"{nginx} not found: install it with `apt-get install nginx`")
    own_dir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="gd-nginx-")) if own_dir else Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)  # nginx's workers (user nobody when run as root) use its temp dirs
    with ExitStack() as stack:
        if own_dir:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        servers = []
        env = replica_env(replicas, os.environ)
        for _ in range(replicas):
            server = streamlit_server.start(script, extra=extra, env=env)
            stack.callback(streamlit_server.stop, server)
            servers.append(server)
        port = port or streamlit_server.free_port()
        config = workdir / "nginx.conf"
        config.write_text(render_config([s.port for s in servers], port, workdir))
        log = stack.enter_context((workdir / "nginx.out").open("w+"))
        process = subprocess.Popen(
            [str(nginx), "-c", str(config), "-p", str(workdir)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(streamlit_server.stop, process)
        url = f"http://127.0.0.1:{port}"
        try:
            streamlit_server.wait_healthy(f"{url}/_stcore/health", process, log, 20, "nginx")
        except streamlit_server.ServerError as e:
            errors = (workdir / "error.log").read_text() if (workdir / "error.log").exists() else ""
            raise streamlit_server.ServerError(f"{e}\nerror.log:\n{errors}") from None
        yield Cluster(url, servers, process, workdir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", "-k", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    parser.add_argument("--workdir", type=Path, help="nginx's config and logs (default: temp)")
    parser.add_argument(
        "extra", nargs="*", help="flags for every replica, after --: -- --runner.postScriptGC false"
    )
    args = parser.parse_args()
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas must be 1..16")

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        with cluster(args.replicas, args.port, args.extra, args.workdir) as c:
            for i, r in enumerate(c.replicas):
                print(f"replica r{i}: {r.url} (pid {r.pid})")
            print(f"nginx (pid {c.nginx.pid}): config and logs in {c.workdir}")
            print(f"\n  {c.url}/\n\nCtrl-C stops everything.", flush=True)
            while True:
                for i, r in enumerate(c.replicas):
                    if r.process.poll() is not None:
                        print(f"replica r{i} exited with code {r.process.returncode}", flush=True)
                if c.nginx.poll() is not None:
                    print(f"nginx exited with code {c.nginx.returncode}")
                    return 1
                time.sleep(2)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
