"""项目推进 served and opened in headless Chromium: what a person sees. Screenshots: tests/artifacts/."""
import pytest
from playwright.sync_api import Page, expect

from devzone import fmt, periods
from etl.demo_sources import DATA_AS_OF
from tests.browser.helpers import (
    ERROR_BOX,
    metric,
    open_page,
    pick_in_sidebar,
    wait_for_param,
    wait_until_idle,
)

PAGE_PATH = "/progress"
DAY_DATE = DATA_AS_OF  # the demo's last dispatch ledger
DAY = DAY_DATE.isoformat()
WEEK = periods.week_ending(DAY_DATE)
XUN = periods.xun_of(DAY_DATE)
QUARTER_ZH = "一二三四"[periods.quarter_index(DAY_DATE) - 1]


@pytest.fixture(scope="module")
def facts(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        def counts(zone_id):
            found = dict(con.execute("SELECT level, count(*) FROM project_alerts_at(?)"
                                     " WHERE zone_id = ? GROUP BY level", [DAY_DATE, zone_id]).fetchall())
            return {level: found.get(level, 0) for level in ("red", "yellow", "green")}

        return {"yanhu": counts("X140802"), "taiyuan": counts("G141004")}
    finally:
        con.close()


def test_progress_alerts_tabs_and_a_zone_change(browser_page: Page, app_server: str, facts, screenshot):
    page = open_page(browser_page, app_server, PAGE_PATH, zone="盐湖高新区", year=2021, as_of=DAY)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="项目推进", exact=True)).to_be_visible()
    expect(metric(page, "红色预警")).to_have_text(fmt.count(facts["yanhu"]["red"], "个"))
    expect(metric(page, "黄色预警")).to_have_text(fmt.count(facts["yanhu"]["yellow"], "个"))
    expect(metric(page, "正常推进")).to_have_text(fmt.count(facts["yanhu"]["green"], "个"))
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(f"本周（{fmt.date(WEEK.start)}—{fmt.date(WEEK.end)}）在推项目")).to_be_visible()
    screenshot(page, "weekly")

    page.get_by_test_id("stMain").get_by_role("radio", name="旬预警").click()
    y, m = DAY_DATE.year, DAY_DATE.month
    expect(page.get_by_role("heading", name=f"{y}年{m}月下旬（{XUN.start.day}日—{XUN.end.day}日）预警")).to_be_visible()
    wait_until_idle(page)
    screenshot(page, "xun")
    page.get_by_test_id("stMain").get_by_role("radio", name="月通报").click()
    expect(page.get_by_role("heading", name=f"{y}年{m}月全省开发区项目推进通报")).to_be_visible()
    screenshot(page, "month")
    page.get_by_test_id("stMain").get_by_role("radio", name="季考核").click()
    expect(page.get_by_role("heading", name=f"{y}年第{QUARTER_ZH}季度考核")).to_be_visible()
    expect(main.get_by_text("盐湖高新区得分")).to_be_visible()
    screenshot(page, "quarter")

    pick_in_sidebar(page, "开发区", "太原经开区", typed="太原经开")
    expect(metric(page, "红色预警")).to_have_text(fmt.count(facts["taiyuan"]["red"], "个"), timeout=30_000)
    wait_until_idle(page)
    assert page.locator(ERROR_BOX).count() == 0
    wait_for_param(page, "as_of", DAY)


def test_progress_as_of_day_from_the_address_in_english(browser_page: Page, app_server: str):
    page = open_page(browser_page, app_server, PAGE_PATH, width=1280, zone="盐湖高新区", year=2021,
                     as_of="2020-02-29", lang="en")
    assert page.locator(ERROR_BOX).count() == 0
    page.get_by_test_id("stMain").get_by_role("radio", name="Ten-day warnings").click()
    expect(page.get_by_role("heading", name="Late February 2020 (days 21–29): warnings")).to_be_visible()
    wait_for_param(page, "quarter", "2020Q1")
