"""全省分布 with a boundary map configured (DEVZONE_MAP_GEOJSON, hand-made test rectangles): the choropleth draws
at 1440 px in zh and en and every request the page makes goes to the app itself — Plotly's base-map topology
(world_110m.json) included, served from static/ instead of cdn.plot.ly."""
from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.browser.test_offline_browser import LOCAL_SCHEMES
from tests.conftest import REPO_ROOT, _free_port, _save_screenshot, _wait_until_healthy, in_ci
from tests.netlog import outside as server_outside
from tests.netlog import read_log, shim_dir

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
except ImportError:
    if in_ci():
        raise
    pytest.skip("playwright is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser

RECTANGLES = REPO_ROOT / "tests" / "fixtures" / "geo" / "rectangles.geojson"
APPROVAL = "测试-非真实边界"
DRAWN_AREAS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .choroplethlayer path')]
  .filter(p => (p.getAttribute('d') || '').length > 8).length || false"""


def outside_of(urls: list[str], app_host: str) -> list[str]:
    return sorted({url for url in urls if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != app_host})


@pytest.fixture(scope="module")
def geo_server(demo_db, tmp_path_factory):
    """The app with the test rectangles as its boundary map; its network attempts logged (tests/netlog.py)."""
    from benchmarks.serve import stop_process

    folder = tmp_path_factory.mktemp("geo_server")
    net_log = folder / "net.log"
    port = _free_port()
    env = {**os.environ, "DEVZONE_DB": str(demo_db), "DEVZONE_NETLOG": str(net_log),
           "DEVZONE_MAP_GEOJSON": str(RECTANGLES), "DEVZONE_MAP_APPROVAL": APPROVAL,
           "PYTHONPATH": os.pathsep.join(p for p in (str(shim_dir(folder / "shim")), os.environ.get("PYTHONPATH", ""))
                                         if p)}
    log_path = folder / "streamlit.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log_path)
        yield base_url, net_log
    finally:
        stop_process(process)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_boundary_map_draws_without_leaving_the_machine(chromium_browser, geo_server, lang):
    base_url, net_log = geo_server
    app_host = urlsplit(base_url).netloc
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900},
                                           locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    requests: list[str] = []
    topology: list[int] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: topology.append(response.status)
            if response.url.endswith("/world_110m.json") else None)
    try:
        page.goto(f"{base_url}/map?zone=X140802&year=2021&lang={lang}")
        expect(page.locator("[data-testid=stMainBlockContainer] h1").first).to_be_visible(timeout=60_000)
        # 大同, 太原, 临汾, 运城: the rectangles naming a city (a city without a rectangle gets an empty path)
        try:
            page.wait_for_function(DRAWN_AREAS, timeout=60_000)
        except PlaywrightTimeout:  # e.g. the chart waits for a topology from outside: say which
            pytest.fail(f"the boundary map did not draw; requests left the app: {outside_of(requests, app_host)}")
        assert page.evaluate(DRAWN_AREAS) == 4
        expect(page.get_by_text(APPROVAL, exact=False).first).to_be_visible()
        expect(page.locator(".tile-map")).to_be_visible()
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        page.wait_for_timeout(1000)  # anything the chart asks for late is recorded too
        _save_screenshot(page, f"map-geo-{lang}")
    finally:
        context.close()
    assert outside_of(requests, app_host) == [], f"requests left the app: {outside_of(requests, app_host)}"
    assert topology == [200], "the base-map topology was not served by the app"
    assert server_outside(read_log(net_log)) == [], "the server looked up or connected to outside addresses"
