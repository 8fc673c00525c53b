"""总览 (the landing page) served and opened in headless Chromium: what a person sees. Screenshots: tests/artifacts/.

The Overview is the default page, so it lives at the root of the site (`/`), not at `/overview`.
"""
import pytest
from playwright.sync_api import Page, expect

from devzone import fmt
from tests.browser.helpers import ERROR_BOX, card, card_value, open_page, pick_in_sidebar, url_params

PAGE_PATH = "/"


@pytest.fixture(scope="module")
def facts(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        def value(year, indicator):
            return con.execute("SELECT value FROM indicator_values WHERE zone_id = 'X140802' AND year = ? "
                               "AND indicator = ?", [year, indicator]).fetchone()[0]

        rank, n = con.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' "
                              "AND year = 2021 AND indicator = 'signed_projects'").fetchone()
        return {"rank": rank, "n": n, "projects_2020": value(2020, "signed_projects"),
                "investment_2020": value(2020, "signed_investment")}
    finally:
        con.close()


def test_overview_shows_the_seed_facts_with_rank_and_source(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, PAGE_PATH, zone="盐湖高新区", year=2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    expect(card_value(page, "签约项目数")).to_have_text("36个")
    expect(card_value(page, "签约项目总投资")).to_have_text("179.78亿元")
    expect(card_value(page, "当年签约并开工项目数")).to_have_text("34个")
    assert facts["rank"] <= 3
    expect(card(page, "签约项目数")).to_contain_text(f"全省第{facts['rank']}名/共{facts['n']}个")
    expect(card(page, "签约项目数")).to_contain_text("第3名/共28个")
    expect(card(page, "签约项目数")).to_contain_text("来源：公开报道（真实数据）")
    expect(card(page, "预计年产值")).to_contain_text("来源：项目台账汇总（模拟数据）")
    expect(card_value(page, "高新技术企业数")).to_have_text("—")  # missing, not zero
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("演示数据")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("需要关注")
    expect(main).to_contain_text("开发区概况")
    expect(main).to_contain_text("运城盐湖高新技术产业开发区")
    page.wait_for_url(lambda url: url_params(url).get("zone") == "盐湖高新区")


def test_picking_another_year_and_zone_changes_the_cards(browser_page: Page, app_server: str, screenshot, facts):
    page = open_page(browser_page, app_server, PAGE_PATH, zone="盐湖高新区", year=2021)
    expect(card_value(page, "签约项目数")).to_have_text("36个")
    pick_in_sidebar(page, "年份", "2020")
    expect(card_value(page, "签约项目数")).to_have_text(fmt.count(facts["projects_2020"], "个"), timeout=30_000)
    expect(card_value(page, "签约项目总投资")).to_have_text(fmt.money(facts["investment_2020"]))
    page.wait_for_url(lambda url: url_params(url).get("year") == "2020")
    screenshot(page, "2020")
    pick_in_sidebar(page, "开发区", "太原经开区")
    expect(page.get_by_test_id("stMain")).to_contain_text("太原经济技术开发区", timeout=30_000)
    expect(card_value(page, "签约项目数")).not_to_have_text(fmt.count(facts["projects_2020"], "个"))
    assert page.locator(ERROR_BOX).count() == 0


def test_overview_in_english_at_1280_by_720(browser_page: Page, app_server: str):
    """A meeting-room projector: the headline band is in view and no amount is cut off."""
    page = open_page(browser_page, app_server, PAGE_PATH, width=1280, zone="盐湖高新区", year=2021, lang="en")
    assert page.locator(ERROR_BOX).count() == 0
    expect(card_value(page, "Signed investment")).to_have_text("RMB 17.98 bn")
    value = page.locator(".st-key-ov-headline").get_by_test_id("stMetricValue").nth(1)  # the band repeats it, large
    expect(value).to_have_text("RMB 17.98 bn")
    expect(value).to_be_in_viewport()
    fits = value.evaluate("e => { const t = e.querySelector('div, p, span') || e; "
                          "return t.scrollWidth <= t.clientWidth + 1; }")
    assert fits, "the amount is cut off on its card"
