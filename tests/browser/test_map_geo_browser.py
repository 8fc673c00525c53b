"""全省分布 with a boundary map configured (DEVZONE_MAP_GEOJSON, hand-made test rectangles): the choropleth draws
at 1440 px in zh and en and every request the page makes goes to the app itself — Plotly's base-map topology
(world_110m.json) included, served from static/ instead of cdn.plot.ly."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.helpers import open_page, save_screenshot
from tests.browser.test_offline_browser import LOCAL_SCHEMES
from tests.conftest import REPO_ROOT
from tests.netlog import outside as server_outside
from tests.netlog import read_log, shim_dir

pytestmark = pytest.mark.browser

RECTANGLES = REPO_ROOT / "tests" / "fixtures" / "geo" / "rectangles.geojson"
APPROVAL = "测试-非真实边界"
DRAWN_AREAS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .choroplethlayer path')]
  .filter(p => (p.getAttribute('d') || '').length > 8).length || false"""


def outside_of(urls: list[str], app_host: str) -> list[str]:
    return sorted({url for url in urls if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != app_host})


@pytest.fixture(scope="module")
def geo_server(demo_db, tmp_path_factory, serve_app):
    """The app with the test rectangles as its boundary map; its network attempts logged (tests/netlog.py)."""
    folder = tmp_path_factory.mktemp("geo_server")
    net_log = folder / "net.log"
    python_path = os.pathsep.join(p for p in (str(shim_dir(folder / "shim")), os.environ.get("PYTHONPATH", "")) if p)
    with serve_app(folder, DEVZONE_DB=str(demo_db), DEVZONE_NETLOG=str(net_log), DEVZONE_MAP_GEOJSON=str(RECTANGLES),
                   DEVZONE_MAP_APPROVAL=APPROVAL, PYTHONPATH=python_path) as base_url:
        yield base_url, net_log


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_boundary_map_draws_without_leaving_the_machine(new_page, geo_server, lang):
    base_url, net_log = geo_server
    app_host = urlsplit(base_url).netloc
    page = new_page("desktop")
    requests: list[str] = []
    topology: list[int] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: topology.append(response.status)
            if response.url.endswith("/world_110m.json") else None)
    open_page(page, base_url, "map", lang=lang, zone="X140802", year=2021)
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
    save_screenshot(page, f"map-geo-{lang}")
    assert outside_of(requests, app_host) == [], f"requests left the app: {outside_of(requests, app_host)}"
    assert topology == [200], "the base-map topology was not served by the app"
    assert server_outside(read_log(net_log)) == [], "the server looked up or connected to outside addresses"
