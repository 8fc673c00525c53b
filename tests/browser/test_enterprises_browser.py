"""The 企业培育 page served and opened in headless Chromium: what a person sees. Screenshots: tests/artifacts/."""
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import ERROR_BOX, metric, open_page, url_params, wait_until_idle

YANHU_2021 = f"/enterprises?zone={quote('盐湖高新区')}&year=2021"


@pytest.fixture(scope="module")
def facts(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        n_list, n_2021 = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE recognised_year = 2021) FROM enterprises "
            "WHERE zone_id = 'X140802'").fetchone()
    finally:
        con.close()
    return {"list": n_list, "list_2021": n_2021}


def test_enterprises_seed_zone_numbers_cards_and_charts(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, YANHU_2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="企业培育", exact=True)).to_be_visible()
    expect(metric(page, "新增四上企业")).to_have_text("19家")
    expect(metric(page, "专精特新企业")).to_have_text("4家")
    expect(metric(page, "两化融合贯标")).to_have_text("2家")
    expect(metric(page, "国家级孵化器")).to_have_text("1家")
    expect(metric(page, "高新技术企业")).to_have_text("—")
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("演示数据")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("数据中没有“创新型中小企业”名单")
    expect(main).to_contain_text(f"显示 {facts['list_2021']} 条（2021年），名录共 {facts['list']} 条。")
    expect(page.locator(".js-plotly-plot")).to_have_count(4)  # trend, composition, ladder, share
    # the trend chart labels its bars with the reported counts: 19家 in 2021
    expect(page.locator(".js-plotly-plot").first.locator("text", has_text="19家")).to_have_count(1)


def test_enterprise_filters_change_what_is_shown(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, YANHU_2021)
    main = page.get_by_test_id("stMain")
    # another indicator in the trend
    main.get_by_role("radio", name="国家级孵化器", exact=True).click()
    wait_until_idle(page)
    expect(main).to_contain_text("柱为国家级孵化器报表数")
    page.wait_for_url(lambda url: url_params(url).get("ind") == "national_incubators")
    # search the whole list for 网易
    search = main.get_by_role("textbox", name="搜索企业名称")
    search.fill("网易")
    search.press("Enter")
    wait_until_idle(page)
    main.get_by_role("radio", name="全部年份", exact=True).click()
    wait_until_idle(page)
    expect(main).to_contain_text(f"显示 1 条（全部年份），名录共 {facts['list']} 条。")
    page.wait_for_url(lambda url: url_params(url).get("q") == "网易" and url_params(url).get("scope") == "all")
    assert page.locator(ERROR_BOX).count() == 0


def test_a_copied_link_reopens_the_same_view_in_english(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, YANHU_2021, lang="en", ind="srdi_enterprises", q="网易", scope="all")
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="Enterprises", exact=True)).to_be_visible()
    expect(metric(page, "Above-scale")).to_have_text("19")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Bars: the reported SRDI firms.")
    expect(main).to_contain_text(f"Showing 1 (all years) of {facts['list']} entries.")


def test_enterprises_at_1280_by_720(browser_page: Page, app_server: str):
    """The meeting-room laptop: the five cards fit in one row and their labels are not cut."""
    page = open_page(browser_page, app_server, "/enterprises", width=1280, zone="太原高新区", year=2019)
    assert page.locator(ERROR_BOX).count() == 0
    boxes = [page.get_by_test_id("stMetric").nth(i).bounding_box() for i in range(5)]
    assert len({round(b["y"]) for b in boxes}) == 1, "the cards wrap onto a second row"
    for i in range(5):
        label = page.get_by_test_id("stMetricLabel").nth(i)
        fits = "e => [e, ...e.querySelectorAll('*')].every(n => n.scrollWidth <= n.clientWidth + 1)"
        assert label.evaluate(fits), label.inner_text()
