"""Two Streamlit replicas behind nginx (sticky sessions): a load reaches every replica.

- one host: both replicas open the one published snapshot file (a local file system);
- several hosts: each replica has its own local directory, kept by `python -m devzone.sync` from the ETL's
  distribution directory (numbered snapshots plus a CURRENT pointer); no file is shared between replicas.
"""
from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from benchmarks.replicas import nginx_binary, start_nginx
from benchmarks.serve import REPO_ROOT, free_port, streamlit_server
from devzone import sync
from etl import distribute
from etl.demo import build_demo
from etl.publish import load_files
from tests.builders import digest, write_csv
from tests.conftest import skip_or_fail

PAGE = "/?zone=X140802&year=2021"


def shows(page, text: str, timeout: float = 60_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def port_in_range(low: int = 8700, high: int = 8999) -> int:
    """A free port in the range this machine's test servers use."""
    for _ in range(200):
        port = random.randint(low, high)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return free_port()


def require_nginx() -> None:
    if nginx_binary() is None:
        skip_or_fail("nginx is not installed (Debian package nginx)")


def serve_behind_nginx(stack: ExitStack, tmp_path: Path, databases: list[Path]) -> tuple[str, list[int]]:
    """One replica per database file (DEVZONE_DB), nginx in front; returns (nginx base URL, replica ports)."""
    ports = []
    for index, db in enumerate(databases):
        port = port_in_range()
        stack.enter_context(streamlit_server("dashboard.py", tmp_path / f"replica{index}.log",
                                             {"DEVZONE_DB": str(db)}, port=port))
        ports.append(port)
    nginx_port = port_in_range()
    nginx = start_nginx(tmp_path / "nginx", ports, nginx_port)
    stack.callback(nginx.wait, 15)
    stack.callback(nginx.terminate)
    return f"http://127.0.0.1:{nginx_port}", ports


def one_session_per_replica(browser, base: str, ports: list[int]) -> dict[str, object]:
    """upstream address -> a browser page kept on it: new sessions through nginx until every replica has one."""
    sessions: dict[str, object] = {}
    for _ in range(40):
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        upstream = page.goto(base + PAGE).headers.get("x-devzone-upstream")
        if upstream in sessions:
            page.context.close()
            continue
        sessions[upstream] = page
        if len(sessions) == len(ports):
            break
    assert set(sessions) == {f"127.0.0.1:{p}" for p in ports}, "nginx never spread sessions over both replicas"
    return sessions


def correct(tmp_path: Path, db: Path, value: int) -> None:
    correction = write_csv(tmp_path / f"correction{value}.csv",
                           ["开发区,年份,指标,数值,单位", f"盐湖高新区,2021,签约项目数,{value},个"])
    assert load_files([correction], db).published


def reload_shows(sessions: dict[str, object], text: str) -> None:
    for upstream, page in sessions.items():
        response = page.reload()
        assert response.headers.get("x-devzone-upstream") == upstream  # sticky: same replica after reload
        shows(page, text)
        assert not page.get_by_test_id("stException").count()


def test_every_replica_serves_the_new_snapshot(tmp_path, chromium_browser):
    require_nginx()
    db = tmp_path / "devzone.duckdb"
    build_demo(db)
    with ExitStack() as stack:
        base, ports = serve_behind_nginx(stack, tmp_path, [db, db])
        sessions = one_session_per_replica(chromium_browser, base, ports)
        for page in sessions.values():
            shows(page, "36个")
        correct(tmp_path, db, 41)
        reload_shows(sessions, "41个")


# What deploy/README.md states: a replica serves a new load within its sync interval plus the copy (the demo
# copies in well under a second; the allowance is for a loaded 2-core test machine).
SYNC_INTERVAL = 2.0
COPY_ALLOWANCE = 15.0


class Watcher(threading.Thread):
    """Hashes each replica's served file over and over: every version ever seen must be a whole published
    snapshot (a half-copied file would hash to something no pointer names)."""

    def __init__(self, files: list[Path]):
        super().__init__(daemon=True)
        self.files, self.seen, self.samples = files, set(), 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            for path in self.files:
                try:
                    self.seen.add(digest(path))
                    self.samples += 1
                except FileNotFoundError:
                    pass
            time.sleep(0.02)

    def stop(self) -> set[str]:
        self.stopping.set()
        self.join(10)
        return self.seen


def wait_for(pointer: dict, local_dirs: list[Path], timeout: float) -> float:
    """Seconds until every local directory serves the snapshot `pointer` names (fails after `timeout`)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        served = [sync.local_db(d) for d in local_dirs]
        if all(p.is_file() and distribute.read_pointer(d) == pointer for p, d in zip(served, local_dirs,
                                                                                    strict=True)):
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not every replica had load {pointer['load_id']} after {timeout:.0f} s")


def test_replicas_with_their_own_local_copies(tmp_path, chromium_browser, monkeypatch):
    require_nginx()
    source = tmp_path / "distribution"  # on the ETL host; other hosts reach it read-only (mount or rsync)
    monkeypatch.setenv(distribute.PUBLISH_DIR_ENV, str(source))
    db = tmp_path / "etl" / "devzone.duckdb"
    db.parent.mkdir()
    build_demo(db)
    published = [distribute.read_pointer(source)]
    local_dirs = [tmp_path / f"host{index}" / "devzone" for index in range(2)]
    with ExitStack() as stack:
        for index, local in enumerate(local_dirs):
            log = stack.enter_context(open(tmp_path / f"sync{index}.log", "w"))
            process = subprocess.Popen([sys.executable, "-m", "devzone.sync", str(source), str(local),
                                        "--interval", str(SYNC_INTERVAL)], cwd=REPO_ROOT, stdout=log,
                                       stderr=subprocess.STDOUT)
            stack.callback(process.wait, 15)
            stack.callback(process.terminate)
        wait_for(published[0], local_dirs, SYNC_INTERVAL + COPY_ALLOWANCE)
        watcher = Watcher([sync.local_db(d) for d in local_dirs])
        watcher.start()
        stack.callback(watcher.stop)

        base, ports = serve_behind_nginx(stack, tmp_path, [sync.local_db(d) for d in local_dirs])
        sessions = one_session_per_replica(chromium_browser, base, ports)
        for page in sessions.values():
            shows(page, "36个")

        correct(tmp_path, db, 41)
        published.append(distribute.read_pointer(source))
        assert published[1]["load_id"] > published[0]["load_id"]
        waited = wait_for(published[1], local_dirs, SYNC_INTERVAL + COPY_ALLOWANCE)
        assert waited <= SYNC_INTERVAL + COPY_ALLOWANCE
        reload_shows(sessions, "41个")

        seen = watcher.stop()
        assert watcher.samples > 10
        assert seen <= {p["sha256"] for p in published}, "a replica served a file that is not a whole snapshot"
        assert {digest(sync.local_db(d)) for d in local_dirs} == {published[1]["sha256"]}
