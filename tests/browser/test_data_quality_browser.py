"""The 数据质量 page served and opened in headless Chromium: what a person actually sees.

Also the shell behaviour a person meets first (language switch, links that carry the zone and year, broken
links) — formerly tested on the old home page. Screenshots: tests/artifacts/.
"""
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from devzone import fmt
from etl.demo_sources import PLANTED_DISCREPANCIES
from tests.conftest import in_ci

try:
    from playwright.sync_api import Page, expect
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:
    if in_ci():
        raise  # CI=true: a missing Playwright is a failure, not a skip
    pytest.skip("playwright is not installed", allow_module_level=True)

ERROR_BOX = '[data-testid="stException"], [data-testid="stAlertContentError"]'
EXPECT_TIMEOUT_MS = 20_000  # a loaded CI machine can take longer than Playwright's 5 s to draw a page


@pytest.fixture(autouse=True, scope="module")
def patient_expectations():
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)
PAGE_PATH = "/data_quality"
RUN_TIMEOUT_MS = 120_000  # one run of the page on a loaded 2-core machine, with room to spare
# The app's root carries the state of the script run (notRunning / rerunRequested / running) and of the
# connection: a person waits for the page to finish drawing, so do the tests (no fixed sleeps).
APP_IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    wait_until_idle(page)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=RUN_TIMEOUT_MS)


def wait_until_idle(page: Page) -> None:
    """Until the script run has finished (the root's script state) and the running-man widget is gone."""
    page.wait_for_selector(APP_IDLE, state="attached", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=RUN_TIMEOUT_MS
    )


# Resolves once the element has stayed put for five animation frames: the page has stopped scrolling and
# shifting under it (charts drawn, the scroll that brought it into view finished).
AT_REST = """element => new Promise(resolve => {
    let last = null, still = 0;
    const look = () => {
        const r = element.getBoundingClientRect(), now = [r.top, r.left, r.width, r.height].join();
        still = now === last ? still + 1 : 0;
        last = now;
        if (still >= 5) resolve(true); else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
})"""


def choose(page: Page, combobox, option: str) -> None:
    """Pick `option` in a selectbox as a person does: when the page has finished drawing, bring the box into
    view and let it come to rest, then open the list, click the option and see it shown in the box.

    Why at rest: the list (a react-aria popover) closes when anything around the box scrolls. Clicking while
    the page was still scrolling the box into view — or shifting as charts above it were drawn — opened the
    list and closed it again at once, and the test waited for an option that was gone (the timeouts of #13)."""
    wait_until_idle(page)
    combobox.scroll_into_view_if_needed()
    combobox.evaluate(AT_REST)
    for _attempt in range(4):  # a list that closed under the pointer is opened again, as a person would
        combobox.click()
        try:
            expect(combobox).to_have_attribute("aria-expanded", "true", timeout=5_000)
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except (AssertionError, PlaywrightTimeoutError):
            combobox.evaluate(AT_REST)
    expect(combobox).to_have_value(option)


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
        started = con.execute("SELECT value FROM indicator_values WHERE zone_id = 'X140802' AND year = 2021 "
                              "AND indicator = 'started_projects'").fetchone()[0]
    finally:
        con.close()
    return {"last": last, "share": fmt.percent(synthetic / n), "started_2021": started}


def test_data_page_shows_the_loaded_numbers_sources_and_discrepancies(browser_page: Page, app_server: str, facts):
    page = browser_page
    open_app(page, f"{app_server}{PAGE_PATH}?zone={quote('盐湖高新区')}&year=2021")
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
    page = browser_page
    open_app(page, f"{app_server}{PAGE_PATH}?zone={quote('盐湖高新区')}&year=2021")
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
    page = browser_page
    open_app(page, f"{app_server}{PAGE_PATH}")
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
    page = browser_page
    open_app(page, f"{app_server}{PAGE_PATH}?zone={quote(zone)}&year=2021")
    assert page.locator(ERROR_BOX).count() == 0
    expect(sidebar_choice(page, "开发区")).to_have_value(shown)
    expect(sidebar_choice(page, "年份")).to_have_value("2021")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(full_name)
    expect(page.get_by_test_id("stMain")).to_contain_text(f"{shown}　2021年：已有")
    expect_url_params(page, {"zone": shown, "year": "2021", "lang": "zh"})


def test_a_broken_link_still_opens_the_data_page(browser_page: Page, app_server: str, facts):
    page = browser_page
    open_app(page, f"{app_server}{PAGE_PATH}?zone=nowhere&year=1800&lang=xx&ind=nonsense")
    assert page.locator(ERROR_BOX).count() == 0
    expect(sidebar_choice(page, "开发区")).to_have_value("盐湖高新区")
    expect(sidebar_choice(page, "年份")).to_have_value(str(facts["last"]))
    expect_url_params(page, {"zone": "盐湖高新区", "year": str(facts["last"]), "lang": "zh"})


def test_data_page_at_1280_by_720(browser_page: Page, app_server: str, demo_db):
    """The laptop size of a meeting room: screenshot for review, nothing cut off at the top."""
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 720})
    planted = next(d for d in PLANTED_DISCREPANCIES if d.indicator == "signed_projects")
    open_app(page, f"{app_server}{PAGE_PATH}?zone={quote('大同经开区')}&year={planted.year}")
    assert page.locator(ERROR_BOX).count() == 0
    expect(metric(page, "开发区")).to_be_in_viewport()
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    ledger, = con.execute("SELECT value FROM ledger_indicator_values WHERE zone_id = ? AND year = ?"
                          " AND indicator = 'signed_projects'", [planted.zone_id, planted.year]).fetchone()
    con.close()
    expect(page.get_by_test_id("stMain")).to_contain_text(f"⚠ 项目台账汇总为 {ledger:g}个")
