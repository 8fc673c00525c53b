"""National scale: N people open the overview at once, through nginx, onto two Streamlit replicas.

`bench_replicas(db, sessions, work)` starts two replicas of dashboard.py on one database file, nginx in front of them
(deploy/nginx-replicas.conf.template, sticky sessions), warms each replica with one session of its own, then opens
`sessions` sessions together through nginx and times each from its first HTTP request to
  - the first numbers: the first metric element the server sends (the overview's headline band), and
  - the end of the first run (script_finished).
The client speaks Streamlit's own protocol (GET /_stcore/health for the XSRF cookie, the websocket /_stcore/stream,
protobuf BackMsg/ForwardMsg), the way a browser tab opens a session: a browser per session would measure Chromium on
this machine's two cores, not the servers. Drawing in the browser is not included (benchmarks/__main__.py's browser
measures cover that, one session at a time).

Also shared with tests/deploy: `start_nginx` (one nginx from the deployment template, on 127.0.0.1).
"""
from __future__ import annotations

import contextlib
import http.cookiejar
import math
import resource
import shutil
import subprocess
import threading
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmarks.serve import REPO_ROOT, free_port, rss_mb, stop_process, streamlit_server

TEMPLATE = REPO_ROOT / "deploy" / "nginx-replicas.conf.template"
OVERVIEW_QUERY = "zone=X140802&year=2021"  # the overview page (page_script_hash "") for one zone and year
SESSION_TIMEOUT_S = 180.0  # from a session's first request to the end of its first run; later is an error
REPLICAS = 2


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def start_nginx(run_dir: Path, upstream_ports: list[int], port: int) -> subprocess.Popen:
    """nginx (in the foreground, `daemon off`) from deploy/nginx-replicas.conf.template on 127.0.0.1:`port` in front of
    the given upstream ports; returns once it has written its PID file. The caller stops it (terminate, wait)."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / folder).mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(TEMPLATE.read_text(encoding="utf-8").format(
        run_dir=run_dir, servers=servers, listen=f"127.0.0.1:{port}"), encoding="utf-8")
    nginx = nginx_binary() or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-p", str(run_dir), "-c", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not (run_dir / "nginx.pid").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            raise RuntimeError(f"nginx did not start: {process.stderr.read().decode(errors='replace')}")
        time.sleep(0.1)
    return process


@dataclass
class Outcome:
    """One session: where nginx sent it, its timings (seconds from its first request), and why it failed if it did."""

    upstream: str | None = None
    connected_s: float | None = None  # the websocket open (the HTTP GET and the upgrade through nginx done)
    first_numbers_s: float | None = None
    finished_s: float | None = None
    error: str | None = None


def open_session(base_url: str, outcome: Outcome, started: float, hold: threading.Event | None = None,
                 ran: threading.Event | None = None, timeout: float = SESSION_TIMEOUT_S) -> None:
    """Open one session on `base_url` (a browser tab's requests), fill `outcome`, set `ran` after the first run ends
    (or fails), then keep the websocket open until `hold` is set. Never raises: a failure is `outcome.error`."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    try:
        cookies = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        with opener.open(base_url + "/_stcore/health", timeout=timeout) as response:  # sets the XSRF cookie
            response.read()
            outcome.upstream = response.headers.get("x-devzone-upstream")
        xsrf = next((c.value for c in cookies if c.name == "_streamlit_xsrf"), "")
        cookie = "; ".join(f"{c.name}={c.value}" for c in cookies)  # with nginx's devzone_replica: same replica
        remaining = max(0.1, started + timeout - time.perf_counter())
        # ping_interval=None: a browser sends no pings, and a keepalive timeout on a busy server is not the server's
        with connect(f"ws://{base_url.removeprefix('http://')}/_stcore/stream",
                     subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
                     additional_headers={"Cookie": cookie, "Origin": base_url}, max_size=None,
                     open_timeout=remaining, ping_interval=None) as ws:
            rerun = BackMsg()
            rerun.rerun_script.query_string = OVERVIEW_QUERY
            rerun.rerun_script.page_script_hash = ""
            outcome.connected_s = time.perf_counter() - started
            ws.send(rerun.SerializeToString())
            while True:
                remaining = started + timeout - time.perf_counter()
                if remaining <= 0:
                    raise TimeoutError(f"first run not finished after {timeout:.0f} s")
                msg = ForwardMsg.FromString(ws.recv(timeout=remaining))
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element.WhichOneof("type")
                    if element == "metric" and outcome.first_numbers_s is None:
                        outcome.first_numbers_s = time.perf_counter() - started
                    elif element == "exception" and outcome.error is None:
                        exception = msg.delta.new_element.exception
                        outcome.error = f"exception element: {exception.type}: {exception.message}"[:300]
                elif kind == "script_finished":
                    outcome.finished_s = time.perf_counter() - started
                    status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                    if status != "FINISHED_SUCCESSFULLY" and outcome.error is None:
                        outcome.error = f"script finished {status}"
                    break
            if outcome.first_numbers_s is None and outcome.error is None:
                outcome.error = "no metric in the first run"
            if ran is not None:
                ran.set()
            while hold is not None and not hold.is_set():  # stay open (and read what else the server sends)
                with contextlib.suppress(TimeoutError):
                    ws.recv(timeout=0.5)
    except Exception as exc:  # noqa: BLE001 - counted and reported
        if outcome.error is None:
            outcome.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        if ran is not None:
            ran.set()


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least p % of the values at or below it), in seconds
    rounded to ms; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 3)


def bench_replicas(db: Path, sessions: int, work: Path) -> dict:
    """`sessions` simultaneous openings of the overview through nginx onto two replicas serving `db`."""
    if nginx_binary() is None:
        return {"skipped": "nginx is not installed (Debian package nginx)"}
    with ExitStack() as stack:  # stops nginx, then each replica, by PID, whatever happens
        replicas = []
        for index in range(REPLICAS):
            url, process = stack.enter_context(streamlit_server("dashboard.py", work / f"replica{index}.log",
                                                                {"DEVZONE_DB": str(db)}))
            replicas.append((url, process))
        ports = [int(url.rsplit(":", 1)[1]) for url, _ in replicas]
        nginx_port = free_port()
        nginx = start_nginx(work / "replicas-nginx", ports, nginx_port)
        stack.callback(stop_process, nginx)
        base_url = f"http://127.0.0.1:{nginx_port}"

        warm = []
        for url, _ in replicas:  # one session straight on each replica: imports, caches, first queries
            outcome = Outcome()
            open_session(url, outcome, time.perf_counter())
            warm.append(outcome)
        idle = [round(rss_mb(process.pid)) for _, process in replicas]

        outcomes = [Outcome() for _ in range(sessions)]
        ran = [threading.Event() for _ in range(sessions)]
        hold = threading.Event()
        barrier = threading.Barrier(sessions)

        def one(index: int) -> None:
            with contextlib.suppress(threading.BrokenBarrierError):  # a broken barrier: start anyway
                barrier.wait(timeout=60)
            open_session(base_url, outcomes[index], time.perf_counter(), hold, ran[index])

        threads = [threading.Thread(target=one, args=(i,), daemon=True, name=f"session-{i}") for i in range(sessions)]
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        try:
            for event in ran:
                event.wait(max(0.0, started + SESSION_TIMEOUT_S + 60 - time.perf_counter()))
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
            loaded = [round(rss_mb(process.pid)) for _, process in replicas]  # every session still open
        finally:
            hold.set()
            for thread in threads:
                thread.join(15)
    for index, event in enumerate(ran):
        if not event.is_set() and outcomes[index].error is None:
            outcomes[index].error = "no answer"

    upstreams = [f"127.0.0.1:{port}" for port in ports]
    split = [sum(o.upstream == u for o in outcomes) for u in upstreams]
    errors = [o.error for o in outcomes if o.error]
    connected = [o.connected_s for o in outcomes if o.connected_s is not None]
    first = [o.first_numbers_s for o in outcomes if o.first_numbers_s is not None]
    finished = [o.finished_s for o in outcomes if o.finished_s is not None]
    return {"sessions": sessions, "replicas": REPLICAS, "errors": len(errors),
            "connected_p50_s": percentile(connected, 50), "connected_p95_s": percentile(connected, 95),
            "first_numbers_p50_s": percentile(first, 50), "first_numbers_p95_s": percentile(first, 95),
            "first_numbers_max_s": percentile(first, 100),
            "finished_p50_s": percentile(finished, 50), "finished_p95_s": percentile(finished, 95),
            "finished_max_s": percentile(finished, 100), "wall_s": round(wall, 2),
            "client_cpu_s": round(client_cpu, 2),  # the clients' own CPU: small beside the servers' (not measured)
            "per_replica_sessions": split, "unplaced_sessions": sessions - sum(split),
            "idle_rss_mb": idle, "rss_mb": loaded,
            "warm_s": [None if o.finished_s is None else round(o.finished_s, 2) for o in warm],
            "warm_errors": [o.error for o in warm if o.error], "error_samples": sorted(set(errors))[:5],
            "percentiles": "nearest rank, over the sessions that reached the point (errors are counted apart)",
            "client": "protocol (websocket), not a browser"}
