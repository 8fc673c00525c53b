"""On a government intranet nothing can be fetched from outside: every page must draw completely with
every request going to the app itself (no CDN fonts, icons, tiles or telemetry).

The browser records each request while every page opens and its charts are drawn; any address other
than the served app fails the test with the list of offending URLs. The server side is watched too: the
served app logs every name it looks up and every socket it connects (tests/netlog.py); any outside one fails.
"""
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from devzone.navigation import PAGES, url_path
from tests.browser.helpers import open_page
from tests.netlog import outside as server_outside
from tests.netlog import read_log

LOCAL_SCHEMES = {"data", "blob", "about"}


def page_paths() -> list[str]:
    """URL path of every page: the first (default) page is the site root."""
    return [url_path(file_name) for file_name, _, _ in PAGES]


def test_every_page_draws_without_leaving_the_intranet(browser_page: Page, app_server: str, server_net_log) -> None:
    app_host = urlsplit(app_server).netloc
    outside: list[str] = []

    def note(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.netloc != app_host:
            outside.append(request.url)

    browser_page.on("request", note)
    for path in page_paths():
        open_page(browser_page, app_server, path, zone="X140802", year=2021)  # its charts drawn
        expect(browser_page.locator("[data-testid=stMainBlockContainer] h1").first).to_be_visible(timeout=60_000)
        expect(browser_page.locator('[data-testid="stException"]')).to_have_count(0)
    assert outside == [], f"requests left the app: {sorted(set(outside))}"
    assert server_outside(read_log(server_net_log)) == [], "the server looked up or connected to outside addresses"
