"""Shared fixtures: the demo database (built once per session), the served app, a browser page.

Browser tests need Playwright and a Chromium binary. Locally they are skipped when either is
missing; with CI=true they fail instead, so a CI image without a browser cannot pass silently.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = REPO_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 90


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Missing tooling: skip on a workstation, fail in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """`CHROMIUM_PATH` if set, else the Debian package's /usr/bin/chromium, else whatever is on PATH."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_dir = REPO_ROOT / "tests" / "browser"
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------- database

@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo database, built once through the real ETL; DEVZONE_DB points at it for the session."""
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("demo_db") / "devzone.duckdb"
    build_demo(path)
    assert path.is_file(), "etl.demo.build_demo did not create the database file"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEVZONE_DB", str(path))
        yield path


def _clear_catalogue_caches() -> None:
    import etl.catalogue as catalogue

    for value in vars(catalogue).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database plus one zone whose names, projects, investors, 链主 and listed firms are hostile
    (`<script>`, `<img onerror>`, markdown, `<b>`, `javascript:` links, 300 characters: tests/builders.py),
    built through the real ETL. The zone register comes from `DEVZONE_ZONES_FILE` (zones.csv plus that zone),
    set only while building; the environment is left as it was. The zones file stays beside the database."""
    from etl.demo import DISPATCH_MARK, demo_sources
    from etl.paths import REFERENCE_DIR
    from etl.publish import load_files
    from tests.builders import write_hostile_inputs

    home = tmp_path_factory.mktemp("hostile_db")
    zones_file, inputs = write_hostile_inputs(home / "inputs", REFERENCE_DIR / "zones.csv")
    path = home / "devzone.duckdb"
    sources = demo_sources()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEVZONE_ZONES_FILE", str(zones_file))
        _clear_catalogue_caches()
        try:
            load_files([p for p in sources if DISPATCH_MARK not in p.name] + inputs, path, fresh=True,
                       loaded_by="hostile-names", kind="demo")
            for weekly in (p for p in sources if DISPATCH_MARK in p.name):
                load_files([weekly], path, loaded_by="hostile-names", kind="demo")
        finally:
            _clear_catalogue_caches()
    assert path.is_file()
    return path


# ---------------------------------------------------------------- served app

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit not healthy after {SERVER_START_TIMEOUT}s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def server_net_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the served app logs every name it looks up and every socket it connects (tests/netlog.py)."""
    return tmp_path_factory.mktemp("server_net") / "net.log"


@pytest.fixture(scope="session")
def app_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory, server_net_log: Path) -> Iterator[str]:
    """`streamlit run dashboard.py` on 127.0.0.1:<free port> against the demo DB; yields the base URL.
    Its network attempts are logged to `server_net_log` (a sitecustomize shim on PYTHONPATH)."""
    from tests.netlog import shim_dir

    port = _free_port()
    log_path = tmp_path_factory.mktemp("app_server") / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    shim = shim_dir(server_net_log.parent / "shim")
    env = {**os.environ, "DEVZONE_DB": str(demo_db), "DEVZONE_NETLOG": str(server_net_log),
           "PYTHONPATH": os.pathsep.join(p for p in (str(shim), os.environ.get("PYTHONPATH", "")) if p)}
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log_path)
        yield base_url
    finally:
        from benchmarks.serve import stop_process

        stop_process(process)


# ---------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium per test module (the system browser; `playwright install` is not needed)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    executable = chromium_path()
    if executable is None:
        skip_or_fail("no Chromium found (install the Debian package `chromium` or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser, app_server: str, request: pytest.FixtureRequest):
    """A fresh page (own cookies, own Streamlit session); a full-page screenshot is saved on teardown.

    Screenshots go to tests/artifacts/<test name>.png (git-ignored); the `screenshot` fixture
    saves intermediate states.
    """
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        try:
            _save_screenshot(page, request.node.name)
        finally:
            context.close()


def _save_screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to fit it first."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    viewport = page.viewport_size or {"width": 1440, "height": 900}
    height = viewport["height"]
    for _ in range(3):  # tables may still grow to their content height: measure until it is stable
        content_height = page.evaluate(
            "() => Math.max(0, ...[...document.querySelectorAll("
            "'[data-testid=stMain], [data-testid=stSidebarContent]')].map(e => e.scrollHeight))"
        )
        if content_height <= height:
            break
        height = content_height
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    """`screenshot(page, "english")` -> tests/artifacts/<test name>-english.png"""
    return lambda page, label: _save_screenshot(page, f"{request.node.name}-{label}")


def check_real_tags(open_page, assert_ran_cleanly):
    """盐湖高新区 2021 (the seed's real figures) against synthetic 2020: 真实 on each headline, ※ on its 同比, the
    key under them; 2020 (synthetic on both sides) tags nothing."""
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    deltas = [m.proto.delta for m in app.metric if m.proto.delta]
    assert deltas and all(d.endswith("※") for d in deltas), deltas
    badges = [m.value for m in app.markdown if "badge[" in m.value and "真实" in m.value]
    assert len(badges) >= 2, badges
    assert any("※ 表示同比由模拟的上年数值算出" in c.value for c in app.caption)
    later = open_page(zone="盐湖高新区", year="2020")  # synthetic on both sides: nothing tagged
    assert not [m.value for m in later.markdown if "badge[" in m.value and "真实" in m.value]
    assert not any(m.proto.delta.endswith("※") for m in later.metric if m.proto.delta)
