"""全省排名 served and opened in headless Chromium: what a person sees. Screenshots: tests/artifacts/."""
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import ERROR_BOX, metric, open_page, url_params, wait_until_idle

PAGE_PATH = "/rankings"


@pytest.fixture(scope="module")
def facts(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        rank, n = con.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' "
                              "AND year = 2021 AND indicator = 'signed_projects'").fetchone()
        provincial = con.execute(
            "SELECT v.zone_id, v.value FROM indicator_values v JOIN zones z USING (zone_id) WHERE z.level = '省级' "
            "AND v.year = 2021 AND v.indicator = 'signed_projects' AND v.value IS NOT NULL").df()
    finally:
        con.close()
    values = provincial.set_index("zone_id")["value"]
    return {"rank": rank, "n": n, "n_provincial": len(values),
            "rank_provincial": int(values.rank(method="min", ascending=False)["X140802"])}


def test_rankings_show_the_seed_zone_and_recompute_within_a_filter(browser_page: Page, app_server: str, screenshot,
                                                                    facts):
    page = open_page(browser_page, app_server, PAGE_PATH, zone="盐湖高新区", year=2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="全省排名", exact=True)).to_be_visible()
    expect(metric(page, f"盐湖高新区名次（共{facts['n']}个）")).to_have_text(f"第{facts['rank']}名※")  # real among synthetic
    expect(metric(page, "盐湖高新区签约项目数")).to_have_text("36个")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("已居前3名")
    expect(main).to_contain_text("追平上一名次（第2名")
    page.keyboard.press("End")  # charts further down are drawn once scrolled to
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=30_000)  # ranking, bump, heatmap, composite
    page.wait_for_url(lambda url: url_params(url).get("indicator") == "signed_projects")
    screenshot(page, "all-zones")

    main.get_by_role("button", name="省级", exact=True).click()
    page.wait_for_url(lambda url: url_params(url).get("level") == "省级", timeout=30_000)
    wait_until_idle(page)
    expect(metric(page, f"盐湖高新区名次（共{facts['n_provincial']}个）")).to_have_text(
        f"第{facts['rank_provincial']}名※", timeout=30_000)
    expect(main).to_contain_text(f"共{facts['n_provincial']}个开发区，名次在其中重新计算")
    assert page.locator(ERROR_BOX).count() == 0


def test_a_copied_link_reproduces_the_view(browser_page: Page, app_server: str):
    page = open_page(browser_page, app_server, f"{PAGE_PATH}?zone={quote('盐湖高新区')}&year=2021"
                     f"&indicator=signed_investment&compare={quote('太原经开区')}&weights=1,0,0")
    assert page.locator(ERROR_BOX).count() == 0
    expect(metric(page, "盐湖高新区签约项目总投资")).to_have_text("179.78亿元")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("当前权重：招商引资 100% · 企业培育 0% · 产值税收 0%")
    expect(main.get_by_test_id("stMultiSelect")).to_contain_text("太原经开区")
    params = url_params(page.url)
    assert params["indicator"] == "signed_investment" and params["weights"] == "1,0,0"


def test_rankings_in_english_at_1280_by_720(browser_page: Page, app_server: str):
    page = open_page(browser_page, app_server, PAGE_PATH, width=1280, zone="盐湖高新区", year=2021, lang="en")
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="Provincial rankings", exact=True)).to_be_visible()
    expect(metric(page, "盐湖高新区: rank (of 28)")).to_have_text("3rd※")
    expect(metric(page, "盐湖高新区: rank (of 28)")).to_be_in_viewport()
