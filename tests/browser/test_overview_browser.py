"""总览 (the landing page) served and opened in headless Chromium: what a person sees. Screenshots: tests/artifacts/.

The Overview is the default page, so it lives at the root of the site (`/`), not at `/overview`.
"""
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from devzone import fmt
from tests.conftest import in_ci

try:
    from playwright.sync_api import Page, expect
except ImportError:
    if in_ci():
        raise  # CI=true: a missing Playwright is a failure, not a skip
    pytest.skip("playwright is not installed", allow_module_level=True)

ERROR_BOX = '[data-testid="stException"], [data-testid="stAlertContentError"]'
PAGE_PATH = "/"


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    wait_until_idle(page)


def wait_until_idle(page: Page) -> None:
    """Streamlit shows a running-man status widget while the script runs."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def card(page: Page, label: str):
    """The bordered card whose metric is labelled `label` (the innermost block holding that metric)."""
    return page.get_by_test_id("stVerticalBlock").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    ).last


def metric(page: Page, label: str):
    return card(page, label).get_by_test_id("stMetricValue")


def url_params(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def sidebar_choice(page: Page, label: str):
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=label)


def choose_in_sidebar(page: Page, label: str, option: str) -> None:
    sidebar_choice(page, label).click()
    page.keyboard.type(option)  # the list is long and drawn only around what is in view: narrow it first
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


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
    page = browser_page
    open_app(page, f"{app_server}{PAGE_PATH}?zone={quote('盐湖高新区')}&year=2021")
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    expect(metric(page, "签约项目数")).to_have_text("36个")
    expect(metric(page, "签约项目总投资")).to_have_text("179.78亿元")
    expect(metric(page, "当年签约并开工项目数")).to_have_text("34个")
    assert facts["rank"] <= 3
    expect(card(page, "签约项目数")).to_contain_text(f"全省第{facts['rank']}名/共{facts['n']}个")
    expect(card(page, "签约项目数")).to_contain_text("第3名/共28个")
    expect(card(page, "签约项目数")).to_contain_text("来源：公开报道（真实数据）")
    expect(card(page, "预计年产值")).to_contain_text("来源：项目台账汇总（模拟数据）")
    expect(metric(page, "高新技术企业数")).to_have_text("—")  # missing, not zero
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("演示数据")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("需要关注")
    expect(main).to_contain_text("开发区概况")
    expect(main).to_contain_text("运城盐湖高新技术产业开发区")
    page.wait_for_url(lambda url: url_params(url).get("zone") == "盐湖高新区")


def test_picking_another_year_and_zone_changes_the_cards(browser_page: Page, app_server: str, screenshot, facts):
    page = browser_page
    open_app(page, f"{app_server}{PAGE_PATH}?zone={quote('盐湖高新区')}&year=2021")
    expect(metric(page, "签约项目数")).to_have_text("36个")
    choose_in_sidebar(page, "年份", "2020")
    expect(metric(page, "签约项目数")).to_have_text(fmt.count(facts["projects_2020"], "个"), timeout=30_000)
    expect(metric(page, "签约项目总投资")).to_have_text(fmt.money(facts["investment_2020"]))
    page.wait_for_url(lambda url: url_params(url).get("year") == "2020")
    screenshot(page, "2020")
    choose_in_sidebar(page, "开发区", "太原经开区")
    expect(page.get_by_test_id("stMain")).to_contain_text("太原经济技术开发区", timeout=30_000)
    expect(metric(page, "签约项目数")).not_to_have_text(fmt.count(facts["projects_2020"], "个"))
    assert page.locator(ERROR_BOX).count() == 0


def test_overview_in_english_at_1280_by_720(browser_page: Page, app_server: str):
    """A meeting-room projector: the headline band is in view and no amount is cut off."""
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, f"{app_server}{PAGE_PATH}?zone={quote('盐湖高新区')}&year=2021&lang=en")
    assert page.locator(ERROR_BOX).count() == 0
    expect(metric(page, "Signed investment")).to_have_text("RMB 17.98 bn")
    value = page.locator(".st-key-ov-headline").get_by_test_id("stMetricValue").nth(1)  # the band repeats it, large
    expect(value).to_have_text("RMB 17.98 bn")
    expect(value).to_be_in_viewport()
    fits = value.evaluate("e => { const t = e.querySelector('div, p, span') || e; "
                          "return t.scrollWidth <= t.clientWidth + 1; }")
    assert fits, "the amount is cut off on its card"
