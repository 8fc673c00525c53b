"""Starting the dashboard with the shipped settings reaches nothing outside the machine, and listens on loopback.

Streamlit prints an "External URL" by asking checkip.amazonaws.com unless the address is configured
(.streamlit/config.toml sets browser.serverAddress and server.address). The server runs with
- a sitecustomize shim (tests/netlog.py) that logs every name Python looks up and every socket it connects, and
- HTTP(S)_PROXY pointing at a recording proxy on 127.0.0.1, so a request that slips past the shim is seen too.
A websocket from another site's page makes Streamlit look up this machine's addresses (to see whether the
origin is itself) unless the app has pinned them (devzone/offline.py). The intranet case (`--server.address 0.0.0.0`) runs in a network namespace that has only loopback (`unshare -rn`),
so binding every interface there opens nothing.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.serve import REPO_ROOT, free_port, stop_process, wait_until_healthy
from tests.deploy.client import AnonymousSession
from tests.netlog import Recorder, outside, read_log, shim_dir

BANNER = "You can now view"


def server_env(tmp_path: Path, demo_db: Path, proxy: str) -> tuple[dict[str, str], Path]:
    log = tmp_path / "net.log"
    env = {**os.environ, "DEVZONE_DB": str(demo_db), "DEVZONE_NETLOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(shim_dir(tmp_path / "shim")), str(REPO_ROOT)]),
           "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "ALL_PROXY": proxy, "NO_PROXY": "", "no_proxy": ""}
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        env[name] = proxy
    return env, log


def streamlit_command(*options: str) -> list[str]:
    """`streamlit run dashboard.py` as ./run.sh starts it: only the shipped config, plus `options`."""
    return [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.fileWatcherType", "none", *options]


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) with a socket listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


@contextlib.contextmanager
def served(tmp_path: Path, demo_db: Path, proxy: Recorder) -> Iterator[tuple[str, subprocess.Popen, Path, Path]]:
    """The app with the shipped settings on a free port, shim and recording proxy in place; (base URL,
    process, its output, its network log). Healthy on 127.0.0.1 when yielded; stopped afterwards."""
    port = free_port()
    out = tmp_path / "streamlit.log"
    env, net_log = server_env(tmp_path, demo_db, proxy.url)
    with open(out, "w") as sink:
        process = subprocess.Popen(streamlit_command("--server.port", str(port)), cwd=REPO_ROOT, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, process, out)
        yield base, process, out, net_log
    finally:
        stop_process(process)


def test_start_with_the_shipped_settings_stays_on_loopback(demo_db, tmp_path):
    with Recorder() as proxy, served(tmp_path, demo_db, proxy) as (base, _, out, net_log):
        time.sleep(2)  # the banner (and any lookup behind it) follows the health endpoint
        addresses = listening_addresses(int(base.rsplit(":", 1)[1]))
    printed = out.read_text()
    assert BANNER in printed
    assert "External URL" not in printed
    assert proxy.requests == [], "the server sent HTTP requests"
    assert outside(read_log(net_log)) == [], "the server looked up or connected to outside addresses"
    assert addresses == {"0100007F"}, f"listening on {addresses}, not only 127.0.0.1"


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_intranet_start_on_every_interface_looks_nothing_up(demo_db, tmp_path):
    """`./run.sh --server.address 0.0.0.0`, inside a namespace with loopback only (nothing is really opened)."""
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no user/network namespaces here: {probe.stderr.decode(errors='replace').strip()}")
    port = free_port()
    out = tmp_path / "streamlit.log"
    env, net_log = server_env(tmp_path, demo_db, "")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(name)
    inner = " ".join(streamlit_command("--server.address", "0.0.0.0", "--server.port", str(port)))
    with open(out, "w") as sink:
        process = subprocess.Popen(["unshare", "-rn", "sh", "-c", f"ip link set lo up 2>/dev/null; exec {inner}"],
                                   cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while BANNER not in out.read_text() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.25)
        time.sleep(3)  # an external-address lookup would follow the banner's first line
    finally:
        stop_process(process)
    printed = out.read_text()
    assert BANNER in printed, printed
    assert "External URL" not in printed
    assert outside(read_log(net_log)) == [], "the server looked up or connected to outside addresses"


def test_a_websocket_from_another_site_makes_the_server_look_nothing_up(demo_db, tmp_path):
    from websockets.sync.client import connect

    with Recorder() as proxy, served(tmp_path, demo_db, proxy) as (base, _, _, net_log):
        AnonymousSession(base).close()  # someone opened the dashboard once
        for _ in range(3):
            try:
                with connect(base.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                             additional_headers={"Origin": "http://evil.example"}, open_timeout=30) as ws:
                    ws.close()
            except Exception:  # noqa: BLE001 - refused or closed: either way, what matters is what was asked
                pass
        time.sleep(2)
    assert proxy.requests == [], "the server sent HTTP requests"
    assert outside(read_log(net_log)) == [], "the server looked up or connected to outside addresses"
