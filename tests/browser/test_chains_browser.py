"""产业链 served and opened in headless Chromium: what a person sees. Screenshots: tests/artifacts/."""
import pytest
from playwright.sync_api import Page, expect

from devzone import fmt
from tests.browser.helpers import ERROR_BOX, metric, open_page, pick_in_sidebar, wait_until_idle

PAGE_PATH = "/chains"
SEED_CHAIN = ("山西宏明空调科技有限公司", "山东凯丰节能科技有限公司", "湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司",
              "深圳长实流体设备有限公司", "天津亨通制冷机电有限公司", "美的集团")


def tree(page: Page):
    """The first chart on the page is the 链主 tree (plotly draws its labels as SVG text)."""
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=30_000)
    return chart


@pytest.fixture(scope="module")
def facts(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        def investment(zone_id):
            return con.execute(
                "SELECT sum(total_investment) FROM projects WHERE status IN ('签约', '开工', '投产') AND project_id IN"
                " (SELECT project_id FROM chain_links WHERE zone_id = ?)", [zone_id]).fetchone()[0]

        leaders = con.execute("SELECT count(DISTINCT chain_leader) FROM chain_links WHERE zone_id = 'X140802'"
                              ).fetchone()[0]
        return {"leaders": leaders, "yanhu": investment("X140802"), "taiyuan": investment("G141004")}
    finally:
        con.close()


def test_chains_seed_chain_is_drawn_and_a_zone_change_redraws_it(browser_page: Page, app_server: str, facts,
                                                                screenshot):
    page = open_page(browser_page, app_server, PAGE_PATH, zone="盐湖高新区", year=2021)
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="产业链招商（“链主”招商）")).to_be_visible()
    expect(metric(page, "链主企业")).to_have_text(fmt.count(facts["leaders"], "家"))
    expect(metric(page, "引进项目总投资")).to_have_text(fmt.money(facts["yanhu"]))
    chart = tree(page)
    for firm in SEED_CHAIN:
        expect(chart.get_by_text(firm, exact=True).first).to_be_attached()
    chart.scroll_into_view_if_needed()
    screenshot(page, "yanhu")

    pick_in_sidebar(page, "开发区", "太原经开区", typed="太原经开")
    expect(metric(page, "引进项目总投资")).to_have_text(fmt.money(facts["taiyuan"]), timeout=30_000)
    wait_until_idle(page)
    assert page.locator(ERROR_BOX).count() == 0
    expect(tree(page).get_by_text("山东凯丰节能科技有限公司", exact=True)).to_have_count(0)


def test_chains_in_english_on_a_small_screen(browser_page: Page, app_server: str, facts):
    page = open_page(browser_page, app_server, PAGE_PATH, width=1280, zone="盐湖高新区", year=2021, lang="en")
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_role("heading", name="Chain-leader investment attraction")).to_be_visible()
    expect(metric(page, "Investment brought in")).to_have_text(fmt.money(facts["yanhu"], "en"))
    expect(tree(page).get_by_text("山东凯丰节能科技有限公司", exact=True).first).to_be_attached()
    expect(page.get_by_text("Upstream and downstream links")).to_be_visible()
