"""产值税收 (/output_tax) in headless Chromium: the zone-year figures, the largest projects, the controls.

Screenshots: tests/artifacts/test_output_tax_*.png.
"""
import re

import duckdb
import pytest
from playwright.sync_api import Page, expect

from devzone import fmt
from tests.browser.helpers import ERROR_BOX, metric, open_page, pick_in_sidebar, url_params, wait_until_idle


def chart(page: Page, title: str):
    return page.locator(".js-plotly-plot").filter(has_text=title)


@pytest.fixture(scope="module")
def facts(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        values = dict(con.execute(
            "SELECT indicator, value FROM indicator_values WHERE zone_id = 'X140802' AND year = 2021 "
            "AND indicator IN ('projected_output', 'projected_tax')").fetchall())
        top_tax = con.execute(
            "SELECT project_name FROM projects WHERE zone_id = 'X140802' AND signed_date IS NOT NULL "
            "AND status <> '在谈' AND year(signed_date) = 2021 AND projected_tax IS NOT NULL "
            "ORDER BY projected_tax DESC, project_id LIMIT 1").fetchone()[0]
        taiyuan = con.execute("SELECT value FROM indicator_values WHERE zone_id = 'G141004' AND year = 2021 "
                              "AND indicator = 'projected_output'").fetchone()[0]
    finally:
        con.close()
    return {"output": fmt.money(values["projected_output"]), "tax": fmt.money(values["projected_tax"]),
            "taiyuan": fmt.money(taiyuan), "top_tax": top_tax}


def test_output_tax_figures_and_controls(browser_page: Page, app_server: str, facts, screenshot):
    page = open_page(browser_page, app_server, "/output_tax", zone="盐湖高新区", year=2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="产值税收")).to_be_visible()
    expect(metric(page, "预计年产值")).to_have_text(facts["output"])
    expect(metric(page, "预计利税")).to_have_text(facts["tax"])
    expect(page.get_by_test_id("stAlertContentWarning").first).to_contain_text("演示数据：")
    expect(page.get_by_text(re.compile(r"^\d+项报表数均与项目台账汇总一致。$"))).to_be_visible()  # the demo reports them
    top = chart(page, "预计年产值前10的项目（2021年签约）")
    expect(top).to_have_count(1)
    expect(top).to_contain_text("宏明空调全产业链生产基地")
    expect(top).to_contain_text("20亿元")
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    screenshot(page, "output")

    page.get_by_role("radio", name="预计利税").click()
    expect(chart(page, "历年预计利税（2021年突出显示）")).to_have_count(1)
    wait_until_idle(page)
    page.wait_for_url(lambda url: url_params(url).get("measure") == "tax")
    expect(chart(page, "预计利税前10的项目（2021年签约）")).to_contain_text(facts["top_tax"])

    page.get_by_role("radio", name="历年签约").click()
    expect(chart(page, "预计利税前10的项目（历年签约）")).to_have_count(1)
    wait_until_idle(page)
    page.wait_for_url(lambda url: url_params(url).get("period") == "all")
    assert page.locator(ERROR_BOX).count() == 0


def test_output_tax_follows_the_sidebar(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, "/output_tax", width=1280, zone="盐湖高新区", year=2021, measure="tax")
    expect(metric(page, "预计年产值")).to_have_text(facts["output"])
    pick_in_sidebar(page, "开发区", "太原经开区", typed="太原经开")
    expect(metric(page, "预计年产值")).to_have_text(facts["taiyuan"])
    wait_until_idle(page)
    page.wait_for_url(lambda url: url_params(url).get("zone") == "太原经开区")
    assert url_params(page.url).get("measure") == "tax"  # the page's own control survives the zone change
    value = metric(page, "预计年产值")
    assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # not cut to "239.53…" at 1280 wide
    assert page.locator(ERROR_BOX).count() == 0
