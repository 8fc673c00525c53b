"""A link straight to a page (汇报演示, 排名) opens that page on every screen, even when the server is slow to
route: on a phone or a projector the browser's screen report reruns the session at once, and that rerun must
not carry the viewer back to the landing page (it did when the report could leave before the page was known)."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from devzone.i18n import t
from tests.browser.helpers import open_page

# st.navigation made slow: the window in which a rerun could be sent before the browser knows its page.
SLOW_ROUTING = """
import time
import streamlit

_navigation = streamlit.navigation


def _slow_navigation(*args, **kwargs):
    time.sleep(0.8)
    return _navigation(*args, **kwargs)


streamlit.navigation = _slow_navigation
"""


@pytest.fixture(scope="module")
def slow_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory, serve_app):
    shim = tmp_path_factory.mktemp("slow_routing")
    (shim / "sitecustomize.py").write_text(SLOW_ROUTING, encoding="utf-8")
    with serve_app(tmp_path_factory.mktemp("slow_server"), DEVZONE_DB=str(demo_db), PYTHONPATH=str(shim)) as url:
        yield url


@pytest.mark.parametrize("screen", ["phone", "projector"])
def test_a_deep_link_stays_on_its_page_when_routing_is_slow(new_page, slow_server: str, screen: str):
    page = open_page(new_page(screen), slow_server, "present", zone="盐湖高新区", year="2021", present="1", slide="2")
    heading = page.locator(".st-key-slide h1").first
    expect(heading).not_to_have_text("", timeout=60_000)
    assert "/present" in page.url and "slide=2" in page.url

    page = open_page(new_page(screen), slow_server, "rankings", zone="盐湖高新区", year="2021")
    main = page.locator("[data-testid=stMainBlockContainer]")
    expect(main.locator("h1").first).to_contain_text(t("nav.rankings"), timeout=60_000)
    assert "/rankings" in page.url
