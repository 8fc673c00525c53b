"""Said plainly, on screen, in headless Chromium at 1440 px: no table cut off at the right edge, and the admin
address answers a viewer with the refusal in their language. Screenshots: tests/artifacts/."""
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import open_page

# Every data grid whose content is wider than its box (its columns scroll out of sight).
CLIPPED_GRIDS = """() => [...document.querySelectorAll('[data-testid=stDataFrame]')].flatMap(el => {
  const scroller = el.querySelector('.dvn-scroller');
  return scroller && scroller.scrollWidth > scroller.clientWidth + 2
    ? [[Math.round(el.getBoundingClientRect().top), scroller.scrollWidth, scroller.clientWidth]] : []; })"""


def open_and_wait(page: Page, server: str, path: str, heading: str, **params: str) -> None:
    open_page(page, server, path, **params)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=60_000)
    page.wait_for_timeout(1_000)  # grids measure their columns after the first paint


@pytest.mark.parametrize(("path", "lang", "heading"), [
    ("/", "en", "Overview"), ("/chains", "zh", "产业链招商（“链主”招商）"),
    ("/chains", "en", "Chain-leader investment attraction"),
])
def test_small_tables_are_not_cut_off_at_1440_px(browser_page: Page, app_server: str, path, lang, heading):
    open_and_wait(browser_page, app_server, path, heading, zone="盐湖高新区", lang=lang)  # the latest year
    assert browser_page.evaluate(CLIPPED_GRIDS) == []


def test_a_viewer_at_the_admin_address_gets_the_refusal(browser_page: Page, app_server: str):
    page = open_page(browser_page, app_server, "/data_admin")
    expect(page.get_by_text("数据管理页面仅限管理员使用。请先在左侧边栏以管理员身份登录。")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav").get_by_text("数据管理")).to_have_count(0)


def test_a_grid_offers_no_download_of_its_raw_cells(browser_page: Page, app_server: str):
    """st.dataframe's own "Download as CSV" writes =, +, -, @ cells raw (client.disableDataExport turns it off);
    its toolbar still opens, with search and full screen. The panels' CSV / Excel downloads are neutralised."""
    page = browser_page
    open_and_wait(page, app_server, "/data_quality", "Data & sources", zone="盐湖高新区", lang="en")
    grid = page.locator("[data-testid=stDataFrame]:visible").first
    grid.scroll_into_view_if_needed()
    grid.hover()
    toolbar = page.locator("[data-testid=stElementToolbar]").filter(has=page.locator("button")).first
    expect(toolbar).to_be_visible(timeout=10_000)
    labels = [b.get_attribute("aria-label") or b.inner_text() for b in toolbar.locator("button").all()]
    assert labels, "the grid's toolbar shows no button at all"
    assert not [label for label in labels if "download" in label.lower()], labels
