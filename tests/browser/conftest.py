"""Fixtures of the browser tests: the served app, one Chromium for the session, pages at a screen's size.

Opening a page and reading it: tests/browser/helpers.py. Without Playwright these tests are not collected on a
workstation (the run's header says so); with CI=true that is an error instead (a CI image without a browser must not pass silently).
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import in_ci

try:
    from tests.browser.helpers import RUN_WATCH, save_screenshot, screen_size
except ImportError:
    if in_ci():
        raise  # CI=true: a missing Playwright is a failure, not a skip
    collect_ignore_glob = ["test_*.py"]

    def pytest_report_header() -> str:
        return "browser tests: not collected (playwright is not installed)"

EXPECT_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True, scope="session")
def patient_expectations():
    """A loaded 2-core machine can take longer than Playwright's 5 s to draw what an `expect` waits for."""
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def serve_app():
    """`serve_app(log_dir, **env)`: `streamlit run dashboard.py` on 127.0.0.1:<free port> with `env` on top of
    this process's environment, as a context manager yielding the base URL; the process is stopped on exit."""
    from benchmarks.serve import streamlit_server

    @contextlib.contextmanager
    def serve(log_dir: Path, **env: str) -> Iterator[str]:
        with streamlit_server("dashboard.py", log_dir / "streamlit.log", env) as (base_url, _process):
            yield base_url

    return serve


@pytest.fixture(scope="session")
def server_net_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the served app logs every name it looks up and every socket it connects (tests/netlog.py)."""
    return tmp_path_factory.mktemp("server_net") / "net.log"


@pytest.fixture(scope="session")
def app_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory, server_net_log: Path,
               serve_app) -> Iterator[str]:
    """The app on the demo DB for the whole session; yields the base URL. Its network attempts are logged to
    `server_net_log` (a sitecustomize shim on PYTHONPATH)."""
    from tests.netlog import shim_dir

    shim = shim_dir(server_net_log.parent / "shim")
    python_path = os.pathsep.join(p for p in (str(shim), os.environ.get("PYTHONPATH", "")) if p)
    with serve_app(tmp_path_factory.mktemp("app_server"), DEVZONE_DB=str(demo_db),
                   DEVZONE_NETLOG=str(server_net_log), PYTHONPATH=python_path) as base_url:
        yield base_url




@pytest.fixture
def new_page(chromium_browser):
    """`new_page(screen)`: a fresh page (own cookies, own Streamlit session) the size of `screen` ("phone",
    "desktop", "projector", … or a width: tests/browser/helpers.py SCREENS), a touch screen up to phone width.
    Every page records its app runs so that `wait_until_idle` knows when they are over. Closed on teardown."""
    contexts = []

    def make(screen: str | int = "desktop", timeout: float = 30_000):
        width, height = screen_size(screen)
        phone = width <= 640
        context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                               is_mobile=phone, has_touch=phone)
        contexts.append(context)
        context.add_init_script(RUN_WATCH)
        page = context.new_page()
        page.set_default_timeout(timeout)
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def browser_page(new_page, request: pytest.FixtureRequest):
    """A fresh 1440×900 page; a full-page screenshot goes to tests/artifacts/<test name>.png on teardown (the
    `screenshot` fixture saves intermediate states)."""
    page = new_page("desktop")
    yield page
    save_screenshot(page, request.node.name)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    """`screenshot(page, "english")` -> tests/artifacts/<test name>-english.png"""
    return lambda page, label: save_screenshot(page, f"{request.node.name}-{label}")
