"""The served app in headless Chromium: what a person actually sees. Screenshots: tests/artifacts/."""
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from devzone import fmt
from tests.conftest import in_ci

try:
    from playwright.sync_api import Page, expect
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:
    if in_ci():
        raise  # CI=true: a missing Playwright is a failure, not a skip
    pytest.skip("playwright is not installed", allow_module_level=True)

ERROR_BOX = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    wait_until_idle(page)


def wait_until_idle(page: Page) -> None:
    """Streamlit shows a running-man status widget while the script runs."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def metric(page: Page, label: str):
    """The value shown on the metric card labelled `label` (a locator: `expect` retries until it renders)."""
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return card.get_by_test_id("stMetricValue")


def url_params(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def expect_url_params(page: Page, expected: dict[str, str]) -> None:
    """The app writes the selection into the address bar at the end of a run: wait for it."""
    try:
        page.wait_for_url(lambda url: url_params(url) == expected, timeout=15_000)
    except PlaywrightTimeoutError:
        assert url_params(page.url) == expected  # shows the difference


def sidebar_choice(page: Page, label: str):
    """The sidebar selectbox called `label`; its value is the option shown."""
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=label)


@pytest.fixture(scope="module")
def facts(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        last, n, synthetic = con.execute(
            "SELECT max(year), count(*), count(*) FILTER (WHERE is_synthetic) "
            "FROM indicator_values WHERE value IS NOT NULL").fetchone()
    finally:
        con.close()
    return {"last": last, "share": fmt.percent(synthetic / n)}


def test_home_shows_the_loaded_numbers_and_the_demo_banner(browser_page: Page, app_server: str, facts):
    page = browser_page
    open_app(page, app_server)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="数据概况")).to_be_visible()
    expect(metric(page, "开发区")).to_have_text("28个")
    expect(metric(page, "指标")).to_have_text("11项")
    expect(metric(page, "模拟数据占比")).to_have_text(facts["share"])
    banner = page.get_by_test_id("stAlertContentWarning")
    expect(banner).to_contain_text("演示数据：")
    expect(banner).to_contain_text(facts["share"])
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)
    # the default view is written into the address bar, so copying it reproduces the view
    expect_url_params(page, {"zone": "盐湖高新区", "year": str(facts["last"]), "lang": "zh"})


def test_language_switch_shows_english(browser_page: Page, app_server: str, screenshot, facts):
    page = browser_page
    open_app(page, app_server)
    screenshot(page, "before")
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    expect(page.get_by_role("heading", name="Data overview")).to_be_visible()
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
def test_url_opens_the_zone_and_year(browser_page: Page, app_server: str, zone, shown, full_name):
    page = browser_page
    open_app(page, f"{app_server}/?zone={quote(zone)}&year=2021")
    assert page.locator(ERROR_BOX).count() == 0
    expect(sidebar_choice(page, "开发区")).to_have_value(shown)
    expect(sidebar_choice(page, "年份")).to_have_value("2021")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(full_name)
    expect(page.get_by_test_id("stMain")).to_contain_text(f"{shown}　2021年：已有")
    expect_url_params(page, {"zone": shown, "year": "2021", "lang": "zh"})


def test_a_broken_link_still_opens_the_dashboard(browser_page: Page, app_server: str, facts):
    page = browser_page
    open_app(page, f"{app_server}/?zone=nowhere&year=1800&lang=xx")
    assert page.locator(ERROR_BOX).count() == 0
    expect(sidebar_choice(page, "开发区")).to_have_value("盐湖高新区")
    expect(sidebar_choice(page, "年份")).to_have_value(str(facts["last"]))
    expect_url_params(page, {"zone": "盐湖高新区", "year": str(facts["last"]), "lang": "zh"})
