"""招商引资 (/projects) in headless Chromium: the numbers a person reads, the scope switch, the ledger and a project.

Screenshots: tests/artifacts/test_*.png (the full page at 1440 wide, and the top of the page at 1280×720).
"""
from urllib.parse import quote

import duckdb
import pytest
from playwright.sync_api import Page, expect

from devzone import fmt
from tests.browser.helpers import ERROR_BOX, grid_rows, metric, open_page, url_params, wait_until_idle

YANHU_2021 = f"/projects?zone={quote('盐湖高新区')}&year=2021"
SIGNED = "signed_date IS NOT NULL AND status <> '在谈'"


def ledger_rows(page: Page) -> list[str]:
    """The text of the ledger rows the grid has drawn."""
    return grid_rows(page.get_by_test_id("stDataFrame").last)


@pytest.fixture(scope="module")
def facts(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        rank, n_ranked = con.execute(
            "SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' AND year = 2021 "
            "AND indicator = 'signed_projects'").fetchone()
        province = con.execute("SELECT sum(value) FROM indicator_values WHERE year = 2021 "
                               "AND indicator = 'signed_projects'").fetchone()[0]
        first_row = con.execute(
            f"SELECT project_id, project_name FROM projects WHERE zone_id = 'X140802' AND {SIGNED} "
            "AND year(signed_date) = 2021 ORDER BY signed_date DESC, project_id LIMIT 1").fetchone()
        hongming = con.execute("SELECT project_id FROM projects "
                               "WHERE project_name = '宏明空调全产业链生产基地'").fetchone()[0]
        hengtong = con.execute("SELECT project_id FROM projects "
                               "WHERE investor = '天津亨通制冷机电有限公司'").fetchone()[0]
    finally:
        con.close()
    return {"rank": fmt.rank(rank, n_ranked), "province": fmt.count(province, "个"), "first_row": first_row,
            "hongming": hongming, "hengtong": hengtong}


def test_projects_seed_numbers_and_the_scope_switch(browser_page: Page, app_server: str, facts, screenshot):
    page = open_page(browser_page, app_server, YANHU_2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="招商引资")).to_be_visible()
    expect(metric(page, "签约项目")).to_have_text("36个")
    expect(metric(page, "签约总投资")).to_have_text("179.78亿元")
    expect(metric(page, "当年签约并开工")).to_have_text("34个")
    expect(page.get_by_test_id("stMain")).to_contain_text("全省" + facts["rank"])
    expect(page.get_by_test_id("stMain")).to_contain_text("与报表数一致")
    expect(page.get_by_test_id("stAlertContentWarning").first).to_contain_text("演示数据：")
    # every chart is drawn (trend, quarter, month, chain, origin, pipeline)
    expect(page.locator(".js-plotly-plot")).to_have_count(6)
    expect(page.locator(".js-plotly-plot").filter(has_text="历年签约项目数（2021年突出显示）")).to_have_count(1)
    screenshot(page, "zone")

    page.get_by_role("radio", name="全省").click()
    expect(metric(page, "签约项目")).to_have_text(facts["province"])
    wait_until_idle(page)
    assert page.locator(ERROR_BOX).count() == 0
    page.wait_for_url(lambda url: url_params(url).get("scope") == "province")
    expect(page.get_by_test_id("stMain")).to_contain_text("山西省开发区")


def test_projects_ticked_ledger_row_opens_the_project(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, YANHU_2021)
    project_id, name = facts["first_row"]
    assert ledger_rows(page)[0].startswith(name)
    grid = page.get_by_test_id("stDataFrame").last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the tick box of the first row
    page.wait_for_url(lambda url: url_params(url).get("project") == project_id)
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert page.locator(ERROR_BOX).count() == 0


def test_projects_hongming_detail_from_a_link(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, YANHU_2021, project=facts["hongming"])
    expect(page.get_by_role("heading", name="宏明空调全产业链生产基地")).to_be_visible()
    detail = page.locator(".st-key-project_detail")
    detail.scroll_into_view_if_needed()
    patience = {"timeout": 15_000}  # a loaded CI machine may still be drawing the card
    expect(detail).to_contain_text("2021年11月15日", **patience)
    expect(metric(detail, "预计年产值")).to_have_text("20亿元", **patience)
    expect(metric(detail, "预计利税")).to_have_text("5,000万元", **patience)
    expect(detail).to_contain_text("真实数据（种子材料）")
    assert page.locator(ERROR_BOX).count() == 0


def test_projects_search_finds_the_project_under_negotiation(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, YANHU_2021)
    page.get_by_role("radio", name="全部项目（含在谈）").click()
    wait_until_idle(page)
    search = page.get_by_placeholder("项目名称、投资方或产业链")
    search.fill("亨通")
    search.press("Enter")
    page.wait_for_url(lambda url: url_params(url).get("q") == "亨通")
    wait_until_idle(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("显示 1 个项目")
    grid = page.get_by_test_id("stDataFrame").last
    grid.scroll_into_view_if_needed()
    expect(grid.locator("[role=row]")).to_have_count(2)  # the heading and the one project
    row = grid.locator("[role=row]").nth(1)
    expect(row).to_contain_text("天津亨通制冷机电有限公司")
    expect(row).to_contain_text("在谈")
    assert url_params(page.url)["ledger"] == "all"
    page.get_by_test_id("stDataFrame").last.scroll_into_view_if_needed()
    assert page.locator(ERROR_BOX).count() == 0


def test_projects_english_on_a_small_screen(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, YANHU_2021, width=1280, lang="en", project=facts["hengtong"])
    expect(page.get_by_role("heading", name="Investment projects")).to_be_visible()
    expect(metric(page, "Signed investment")).to_have_text("RMB 17.98 bn")
    # the numbers are whole on a 1280-wide screen, not cut to "RMB 17.…"
    value = metric(page, "Signed investment")
    assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    expect(page.get_by_role("heading", name="年产100台套装配式及集成式高效节能装备项目")).to_contain_text("Negotiating")
    assert page.locator(ERROR_BOX).count() == 0
