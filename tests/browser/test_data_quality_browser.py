"""The 数据质量 page served and opened in headless Chromium: what a person actually sees.

Also the shell behaviour a person meets first (language switch, links that carry the zone and year, broken
links) — formerly tested on the old home page. Screenshots: tests/artifacts/.
"""
import pytest
from playwright.sync_api import Page, expect

from devzone import fmt
from etl.demo_sources import PLANTED_DISCREPANCIES
from tests.browser.helpers import (
    ERROR_BOX,
    RUN_TIMEOUT_MS,
    choose,
    expect_url_params,
    metric,
    open_page,
    sidebar_choice,
    url_params,
    wait_until_idle,
)

PAGE_PATH = "/data_quality"


@pytest.fixture(scope="module")
def facts(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        last, n, synthetic = con.execute(
            "SELECT max(year), count(*), count(*) FILTER (WHERE is_synthetic) "
            "FROM indicator_values WHERE value IS NOT NULL").fetchone()
        started = con.execute("SELECT value FROM indicator_values WHERE zone_id = 'X140802' AND year = 2021 "
                              "AND indicator = 'started_projects'").fetchone()[0]
    finally:
        con.close()
    return {"last": last, "share": fmt.percent(synthetic / n), "started_2021": started}


def test_data_page_shows_the_loaded_numbers_sources_and_discrepancies(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, PAGE_PATH, zone="盐湖高新区", year=2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="数据质量", exact=True)).to_be_visible()
    expect(metric(page, "开发区")).to_have_text("28个")
    expect(metric(page, "指标")).to_have_text("11项")
    expect(metric(page, "模拟数据占比")).to_have_text(facts["share"])
    banner = page.get_by_test_id("stAlertContentWarning")
    expect(banner).to_contain_text("演示数据：")
    expect(banner).to_contain_text(facts["share"])
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("盐湖高新区 2021年 签约项目数 = 36个")
    expect(main).to_contain_text("项目台账汇总为 36个，与报表一致。")
    expect(main).to_contain_text("共 3处 报表数与台账汇总不一致。")
    expect(main).to_contain_text("个数值位置")
    expect(page.locator(".js-plotly-plot").first).to_be_visible()  # the coverage heatmap is drawn
    expect_url_params(page, {"zone": "盐湖高新区", "year": "2021", "lang": "zh"})


def test_picking_a_ledger_value_shows_the_projects_behind_it(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, PAGE_PATH, zone="盐湖高新区", year=2021)
    picker = page.get_by_test_id("stMain").get_by_role("combobox", name="查看某项数值的来源")
    expect(picker).to_have_value("签约项目数")
    choose(page, picker, "新开工项目数")
    # what the person waits for: the rerun's answer (as long as a run takes), then the address to follow
    main = page.get_by_test_id("stMain")
    started = fmt.count(facts["started_2021"], "个")
    expect(main).to_contain_text(f"新开工项目数 = {started}：没有报表数，由项目台账汇总得出", timeout=RUN_TIMEOUT_MS)
    expect(main).to_contain_text(f"计入的台账项目：{fmt.number(facts['started_2021'], 0)}个", timeout=RUN_TIMEOUT_MS)
    wait_until_idle(page)
    assert page.locator(ERROR_BOX).count() == 0
    page.wait_for_url(lambda url: url_params(url).get("ind") == "started_projects", timeout=RUN_TIMEOUT_MS)


def test_language_switch_on_the_data_page(browser_page: Page, app_server: str, screenshot, facts):
    page = open_page(browser_page, app_server, PAGE_PATH)
    screenshot(page, "before")
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    expect(page.get_by_role("heading", name="Data & sources", exact=True)).to_be_visible()
    wait_until_idle(page)
    assert page.locator(ERROR_BOX).count() == 0
    expect(metric(page, "Development zones")).to_have_text("28")
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("Demo data:")
    expect(sidebar_choice(page, "Development zone")).to_have_value("盐湖高新区")
    expect(sidebar_choice(page, "Year")).to_have_value(str(facts["last"]))
    page.wait_for_url(lambda url: url_params(url).get("lang") == "en")


@pytest.mark.parametrize(
    ("zone", "shown", "full_name"),
    [
        ("盐湖高新区", "盐湖高新区", "运城盐湖高新技术产业开发区"),
        ("G141004", "太原经开区", "太原经济技术开发区"),
    ],
    ids=["yanhu-by-short-name", "taiyuan-by-zone-id"],
)
def test_url_opens_the_data_page_on_the_zone_and_year(browser_page: Page, app_server: str, zone, shown, full_name):
    page = open_page(browser_page, app_server, PAGE_PATH, zone=zone, year=2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(sidebar_choice(page, "开发区")).to_have_value(shown)
    expect(sidebar_choice(page, "年份")).to_have_value("2021")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(full_name)
    expect(page.get_by_test_id("stMain")).to_contain_text(f"{shown}　2021年：已有")
    expect_url_params(page, {"zone": shown, "year": "2021", "lang": "zh"})


def test_a_broken_link_still_opens_the_data_page(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, f"{PAGE_PATH}?zone=nowhere&year=1800&lang=xx&ind=nonsense")
    assert page.locator(ERROR_BOX).count() == 0
    expect(sidebar_choice(page, "开发区")).to_have_value("盐湖高新区")
    expect(sidebar_choice(page, "年份")).to_have_value(str(facts["last"]))
    expect_url_params(page, {"zone": "盐湖高新区", "year": str(facts["last"]), "lang": "zh"})


def test_data_page_at_1280_by_720(browser_page: Page, app_server: str, demo_db):
    """The laptop size of a meeting room: screenshot for review, nothing cut off at the top."""
    planted = next(d for d in PLANTED_DISCREPANCIES if d.indicator == "signed_projects")
    page = open_page(browser_page, app_server, PAGE_PATH, width=1280, zone="大同经开区", year=planted.year)
    assert page.locator(ERROR_BOX).count() == 0
    expect(metric(page, "开发区")).to_be_in_viewport()
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    ledger, = con.execute("SELECT value FROM ledger_indicator_values WHERE zone_id = ? AND year = ?"
                          " AND indicator = 'signed_projects'", [planted.zone_id, planted.year]).fetchone()
    con.close()
    expect(page.get_by_test_id("stMain")).to_contain_text(f"⚠ 项目台账汇总为 {ledger:g}个")
