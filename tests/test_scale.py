"""Two replicas behind nginx: the load test's sessions spread over both and stay put.

Runs ``benchmarks/load_test.py``'s sessions (browser-like: page load, websocket,
plain requests and ``/media`` downloads with the route cookie) through nginx against
K = 2 replicas, then reads nginx's access log. Skipped without nginx, except in CI.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import os
import re
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest
import websockets

from app.model.data.csv_read import UPLOADER_LIMIT_MB
from benchmarks import load_test
from deploy import run_replicas

pytestmark = pytest.mark.scale
ROOT = Path(__file__).resolve().parents[1]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REPLICAS = 2
SESSIONS = 12
SECONDS = 10
# Short pauses, so that every session makes plain requests and a download in 10 s.
BEHAVIOUR = load_test.Behaviour(think=0.5, jitter=0.5)
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) .*'
    r'route_out="r\d+\.(?P<id>[0-9a-f]+)" upstream="(?P<upstream>[^"]*)"'
)


MIN_GZIP_BYTES = 200  # gzip_min_length in deploy/nginx.conf.template
# Loopback requests must not go through an http_proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _run(coroutine):
    """``asyncio.run`` in a thread of its own: the e2e tests' Playwright keeps an event loop
    running in this one for the whole session."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not run_replicas.NGINX.exists():
        reason = f"{run_replicas.NGINX} not found: install it with `apt-get install nginx`"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true, so the scale test may not be skipped)")
        pytest.skip(reason)
    with run_replicas.cluster(REPLICAS, workdir=tmp_path_factory.mktemp("nginx")) as c:
        yield c


def requests_by_session(log: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Route id -> (path, status, upstream) of each request nginx logged for it."""
    out = defaultdict(list)
    for line in log.read_text().splitlines():
        if m := LOG_LINE.search(line):
            out[m["id"]].append((m["path"], m["status"], m["upstream"]))
    return out


def test_sessions_spread_over_replicas_and_stick(cluster):
    target = load_test.Target(cluster.url, tuple(cluster.pids))
    steps, rec = _run(load_test.ramp(target, [SESSIONS], SECONDS, BEHAVIOUR))
    assert rec.errors == [], "\n".join(rec.errors[:20])
    assert steps[0].reruns > 0

    # nginx logs a websocket when it closes: wait (bounded) for all of them.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sessions = {
            route: reqs
            for route, reqs in requests_by_session(cluster.access_log).items()
            if any(path == "/_stcore/stream" for path, _, _ in reqs)
        }
        if len(sessions) >= SESSIONS:
            break
        time.sleep(0.2)
    assert len(sessions) == SESSIONS, f"{len(sessions)} websocket sessions in the access log"

    replica_of, media_404 = {}, 0
    for route, reqs in sessions.items():
        upstreams = {upstream for _, _, upstream in reqs}
        assert len(upstreams) == 1, f"session {route} reached {upstreams}: {reqs}"
        paths = [path for path, _, _ in reqs]
        # The page, the websocket, a plain request and a download: all of them sticky.
        assert "/" in paths and "/_stcore/host-config" in paths, paths
        assert any(p.startswith("/media/") for p in paths), paths
        # A /media/ 404 is Streamlit's download race, retried and counted by the load test.
        assert all(s in ("101", "200") or p.startswith("/media/") for p, s, _ in reqs), reqs
        media_404 += sum(p.startswith("/media/") and s == "404" for p, s, _ in reqs)
        replica_of[route] = upstreams.pop()

    assert media_404 == rec.download_retries

    per_replica = {f"r{i}": 0 for i in range(REPLICAS)}
    for upstream in replica_of.values():
        per_replica[cluster.replica_name(upstream)] += 1
    assert min(per_replica.values()) >= SESSIONS / 4, per_replica
    # The load test's own count (from the route cookies) agrees with nginx's log.
    assert dict(rec.replicas) == per_replica


def test_a_download_is_served_by_its_session_s_replica_only(cluster):
    """The stickiness checked above matters: a /media/ file lives in one process only."""
    target = load_test.Target(cluster.url)

    async def statuses() -> dict[str, int]:
        cookies: dict[str, str] = {}
        assert await load_test.http_get(target, "/", cookies) == 200
        async with websockets.connect(
            target.ws_url,
            subprotocols=["streamlit"],
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
            proxy=None,
            max_size=None,
        ) as ws:
            await ws.send(load_test.rerun_msg({}))
            first = await load_test.read_run(ws)
            share = first.ids[load_test.SECTIONS_KEY]
            await ws.send(load_test.rerun_msg({share: ("strings", [load_test.SHARE_LABEL])}))
            shown = await load_test.read_run(ws)
            url = await load_test.media_url(
                ws, shown.session_id, shown.deferred[load_test.DOWNLOAD_KEY]
            )
            out = {}
            for i, replica in enumerate(cluster.replicas):  # straight to each, not via nginx
                out[f"r{i}"] = await load_test.http_get(load_test.Target(replica.url), url, {})
            out["own"] = cookies["route"].split(".")[0]
            return out

    result = _run(statuses())
    own = result.pop("own")
    assert result == {name: 200 if name == own else 404 for name in result}


def _get(url: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with _OPENER.open(request, timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_nginx_compresses_scripts_styles_json_and_fonts(cluster):
    """Streamlit sends its static files uncompressed; through nginx they arrive gzipped."""
    _, page = _get(cluster.url + "/")
    html = gzip.decompress(page).decode() if page[:2] == b"\x1f\x8b" else page.decode()
    assets = re.findall(r'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"', html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    sizes = {}
    for asset in assets:
        headers, body = _get(f"{cluster.url}/{asset}")
        if headers.get("content-encoding") != "gzip":  # only a file too small to gain
            assert len(body) < MIN_GZIP_BYTES, (asset, headers)
            continue
        sizes[asset] = (len(body), len(gzip.decompress(body)))
    css = gzip.decompress(_get(f"{cluster.url}/{next(a for a in assets if a.endswith('.css'))}")[1])
    fonts = re.findall(rb"url\(\.?\.?/?(?:static/)?(?:\.\./)?(media/[^)]+\.woff2?)\)", css)
    assert fonts, "no font in the page's CSS"
    headers, _ = _get(f"{cluster.url}/static/{fonts[0].decode()}")
    assert headers.get("content-encoding") == "gzip", headers
    headers, _ = _get(f"{cluster.url}/_stcore/host-config")  # JSON
    assert headers.get("content-type", "").startswith("application/json")
    assert headers.get("content-encoding") == "gzip", headers
    compressed, raw = (sum(s[i] for s in sizes.values()) for i in (0, 1))
    assert compressed < raw / 2, sizes  # text shrinks to well under half


def test_nginx_not_the_replica_compresses_the_app_s_static_files(cluster):
    """Asked for gzip, Streamlit gzips ``app/static/`` in the replica's Python process, on
    every request; nginx asks for it uncompressed and compresses it itself. The browser
    still gets gzip, and the same file."""
    path = "/app/static/plotly/plotly-basic-4.1.1.min.js"
    direct, _ = _get(cluster.replicas[0].url + path)  # what the header would cost a replica
    assert direct.get("content-encoding") == "gzip", direct
    headers, body = _get(cluster.url + path)
    assert headers.get("content-encoding") == "gzip", headers
    assert gzip.decompress(body) == (ROOT / path.removeprefix("/")).read_bytes()
    deadline = time.monotonic() + 5
    static: list[str] = []
    while not static and time.monotonic() < deadline:  # nginx logs after the response
        time.sleep(0.1)
        static = [x for x in cluster.access_log.read_text().splitlines() if f"GET {path} " in x]
    # nginx logs "-" for a header the replica did not send: it sent the file uncompressed.
    assert static and all('upstream_encoding="-"' in line for line in static), static


def test_the_upload_body_limit_follows_the_uploader():
    config = run_replicas.render_config([8501], 8080, Path("/tmp/x"))
    assert f"client_max_body_size {UPLOADER_LIMIT_MB + 1}m;" in config


def test_replicas_poll_every_2_s_unless_the_deployment_says_otherwise():
    from app.classroom.wake import POLL_ENV

    assert run_replicas.replica_env(2, {"A": "1"}) == {"A": "1", POLL_ENV: "2.0"}
    assert run_replicas.replica_env(2, {POLL_ENV: "1.0"})[POLL_ENV] == "1.0"
    assert POLL_ENV not in run_replicas.replica_env(1, {})


def test_nginx_keeps_its_connections_to_the_replicas_alive():
    config = run_replicas.render_config([8501, 8502], 8080, Path("/tmp/x"))
    assert config.count(f"keepalive {run_replicas.KEEPALIVE};") == 3  # every upstream
    assert '""      "";' in config and "close;" not in config
