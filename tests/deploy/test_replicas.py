"""Two Streamlit replicas behind nginx (sticky sessions), one published snapshot: a load reaches every replica."""
from __future__ import annotations

import shutil
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

from benchmarks.serve import REPO_ROOT, free_port, streamlit_server
from etl.demo import build_demo
from etl.publish import load_files
from tests.builders import write_csv
from tests.conftest import skip_or_fail

TEMPLATE = REPO_ROOT / "deploy" / "nginx-replicas.conf.template"
PAGE = "/?zone=X140802&year=2021"


def start_nginx(run_dir: Path, upstream_ports: list[int], port: int) -> subprocess.Popen:
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / folder).mkdir(parents=True, exist_ok=True)
    config = run_dir / "nginx.conf"
    config.write_text(TEMPLATE.read_text(encoding="utf-8").format(
        run_dir=run_dir, servers=servers, listen=f"127.0.0.1:{port}"), encoding="utf-8")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-p", str(run_dir), "-c", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not (run_dir / "nginx.pid").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"nginx did not start: {process.stderr.read().decode(errors='replace')}")
        time.sleep(0.1)
    return process


def shows(page, text: str, timeout: float = 60_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_every_replica_serves_the_new_snapshot(tmp_path, chromium_browser):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        skip_or_fail("nginx is not installed (Debian package nginx)")
    db = tmp_path / "devzone.duckdb"
    build_demo(db)
    env = {"DEVZONE_DB": str(db)}
    with ExitStack() as stack:
        ports = [free_port(), free_port()]
        for index, port in enumerate(ports):
            stack.enter_context(streamlit_server("dashboard.py", tmp_path / f"replica{index}.log", env, port=port))
        nginx_port = free_port()
        nginx = start_nginx(tmp_path / "nginx", ports, nginx_port)
        stack.callback(nginx.wait, 15)
        stack.callback(nginx.terminate)
        base = f"http://127.0.0.1:{nginx_port}"

        sessions: dict[str, object] = {}  # upstream address -> a browser page kept on it
        for _ in range(40):
            page = chromium_browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            upstream = page.goto(base + PAGE).headers.get("x-devzone-upstream")
            if upstream in sessions:
                page.context.close()
                continue
            sessions[upstream] = page
            if len(sessions) == len(ports):
                break
        assert set(sessions) == {f"127.0.0.1:{p}" for p in ports}, "nginx never spread sessions over both replicas"
        for page in sessions.values():
            shows(page, "36个")

        correction = write_csv(tmp_path / "correction.csv", ["开发区,年份,指标,数值,单位", "盐湖高新区,2021,签约项目数,41,个"])
        assert load_files([correction], db).published

        for upstream, page in sessions.items():
            response = page.reload()
            assert response.headers.get("x-devzone-upstream") == upstream  # sticky: same replica after reload
            shows(page, "41个")
            assert not page.get_by_test_id("stException").count()
