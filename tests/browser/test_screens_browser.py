"""Every page on the screens leaders use — a 390×844 and a 360×780 phone, a 1440×900 desk, a 1920×1080
projector — in headless Chromium: nothing wider than the screen, no table column cut off (on the phone with every expander
opened too), and on the phone no hover-only wording, the pickers at the top and a sidebar that closes after a
choice; on the projector large type; presenting, controls that hide while the mouse rests.
Screenshots: tests/artifacts/screens-<screen>-<page>.png.
"""
from __future__ import annotations

import contextlib
import json

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devzone.navigation import PAGES, url_path
from tests.browser.helpers import CHARTS_DRAWN as READY
from tests.browser.helpers import ERROR_BOX, SCREENS, open_page, save_screenshot
from tests.conftest import ARTIFACTS_DIR

ZONE = "X140802"  # 盐湖高新区, the seed material's zone

# Whatever sticks out past the right edge of the window without a clipping box of its own around it: the page
# would scroll sideways.
STICKING_OUT = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const found = [];
  if (document.documentElement.scrollWidth > innerWidth + 1) found.push('document ' + document.documentElement.scrollWidth);
  if (main.scrollWidth > main.clientWidth + 1) found.push('main ' + main.scrollWidth);
  for (const el of main.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= innerWidth + 1 || !el.checkVisibility()) continue;
    let up = el.parentElement, clipped = false;
    for (; up && up !== main; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible' && up.getBoundingClientRect().right <= innerWidth + 1) {
        clipped = true; break; }
    }
    if (!clipped) found.push((el.dataset.testid || el.tagName) + ' right=' + Math.round(box.right));
  }
  return found.slice(0, 10);
}"""

# Every visible table (data grid, static table, stacked table) whose content is wider than its box. The project
# ledger (thirteen columns, rows to select) scrolls sideways inside its own grid on a desk by design; on a phone
# it is stacked and checked like every other table.
CLIPPED_TABLES = """() => [...document.querySelectorAll(
    '[data-testid=stDataFrame], [data-testid=stTable], table.stacked-table')].flatMap(el => {
  if (!el.checkVisibility() || (innerWidth > 640 && el.closest('.st-key-wide-table-projects-ledger'))) return [];
  const scroller = el.querySelector('.dvn-scroller') || el;
  return scroller.scrollWidth > scroller.clientWidth + 2
    ? [[el.dataset.testid || 'stacked', Math.round(el.getBoundingClientRect().top), scroller.scrollWidth,
        scroller.clientWidth]] : [];
})"""

# A metric's label, number or delta that does not fit its box (Streamlit ends it with "…"), and a bar's or
# funnel's label drawn past the edge of its chart (the SVG cuts it off).
CUT_TEXT = """() => [
  ...[...document.querySelectorAll('[data-testid=stMetricLabel], [data-testid=stMetricValue], [data-testid=stMetricDelta]')]
    .flatMap(m => [m, ...m.querySelectorAll('*')])
    .filter(e => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1)
    .map(e => 'metric ' + e.textContent.trim().slice(0, 30)),
  ...[...document.querySelectorAll('[data-testid=stPlotlyChart]')].flatMap(chart => {
    const svg = chart.querySelector('.main-svg');
    if (!svg) return [];
    const box = svg.getBoundingClientRect();
    return [...chart.querySelectorAll('text.bartext')].filter(t => t.textContent.trim() && t.checkVisibility())
      .filter(t => { const r = t.getBoundingClientRect(); return r.right > box.right + 1 || r.left < box.left - 1; })
      .map(t => 'bar label ' + t.textContent.trim());
  })]"""

OPEN_EXPANDERS = """() => document.querySelectorAll('[data-testid=stExpander] details:not([open]) > summary')
  .forEach(s => s.click())"""


@pytest.fixture(scope="module")
def latest_year(demo_db) -> int:
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return int(con.execute("SELECT max(year) FROM indicator_values WHERE value IS NOT NULL").fetchone()[0])
    finally:
        con.close()


def open_screen(page: Page, server: str, path: str, **params: object) -> None:
    open_page(page, server, path, **params)
    expect(page.locator("[data-testid=stMainBlockContainer] h1").first).to_be_visible(timeout=90_000)
    page.wait_for_timeout(800)  # grids measure their columns after the first paint


def page_name(path: str) -> str:
    return path or "overview"


@pytest.mark.parametrize("screen", ["phone", "phone-360", "desktop", "projector"])
def test_every_page_fits_the_screen(new_page, app_server: str, latest_year: int, screen: str):
    page = new_page(screen, timeout=60_000)
    problems: dict[str, object] = {}
    for file_name, _, _ in PAGES:
        path = url_path(file_name)
        open_screen(page, app_server, path, zone=ZONE, year=latest_year)
        assert page.locator(ERROR_BOX).count() == 0, path
        clipped = page.evaluate(CLIPPED_TABLES)
        if screen.startswith("phone"):  # on a phone every table, also those one tap away, shows all its columns
            page.evaluate(OPEN_EXPANDERS)
            page.wait_for_timeout(1_200)
            page.wait_for_function(READY, timeout=60_000)
            clipped = page.evaluate(CLIPPED_TABLES)
        sticking_out = page.evaluate(STICKING_OUT)
        cut = page.evaluate(CUT_TEXT) if screen.startswith("phone") else []
        save_screenshot(page, f"screens-{screen}-{page_name(path)}")  # the whole page, grown to fit
        if sticking_out or clipped or cut:
            problems[page_name(path)] = {"wider than the screen": sticking_out, "tables cut off": clipped,
                                         "text cut off": cut}
        if screen.startswith("phone"):
            text = page.get_by_test_id("stMain").inner_text()
            if "悬停" in text or "鼠标" in text:
                problems[f"{page_name(path)} wording"] = "hover-only wording on a touch screen"
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_on_a_phone_the_pickers_are_at_the_top_and_the_sidebar_closes_after_a_choice(
        new_page, app_server: str, latest_year: int):
    page = new_page("phone", timeout=60_000)
    open_screen(page, app_server, "", zone=ZONE, year=latest_year)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    # the pickers at the top: one tap, a year, and the page follows
    top = page.locator(".st-key-top-pickers")
    expect(top).to_be_visible()
    assert top.bounding_box()["y"] < SCREENS["phone"][1] / 4
    top.get_by_role("button").first.click()
    page.get_by_test_id("stPopoverBody").get_by_role("combobox", name="年份").click()
    page.keyboard.type(str(latest_year - 1))
    page.get_by_role("option", name=str(latest_year - 1), exact=True).click()
    page.wait_for_url(lambda url: f"year={latest_year - 1}" in url, timeout=60_000)
    # tap targets in the main area: at least 40 px high
    page.keyboard.press("Escape")
    heights = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMain] button')]
      .filter(b => b.checkVisibility() && b.dataset.testid && b.dataset.testid.startsWith('stBaseButton'))
      .map(b => b.getBoundingClientRect().height)""")
    assert heights and min(heights) >= 40, heights
    # the sidebar: open it, choose, and it gets out of the way by itself
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    sidebar.get_by_role("combobox", name="年份").click()
    page.keyboard.type(str(latest_year))
    page.get_by_role("option", name=str(latest_year), exact=True).click()
    page.wait_for_url(lambda url: f"year={latest_year}" in url, timeout=60_000)
    expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS_DIR / "screens-phone-after-choice.png"))


def test_on_a_projector_the_content_fills_the_width_in_large_type(new_page, app_server: str,
                                                                   latest_year: int):
    page = new_page("projector", timeout=60_000)
    open_screen(page, app_server, "", zone=ZONE, year=latest_year)
    sizes = page.evaluate("""() => {
      const px = el => parseFloat(getComputedStyle(el).fontSize);
      const main = document.querySelector('[data-testid=stMain]').getBoundingClientRect();
      const block = document.querySelector('[data-testid=stMainBlockContainer]').getBoundingClientRect();
      return {labels: [...document.querySelectorAll('[data-testid=stMetricLabel] p')].map(px),
              main: main.width, content: block.width};
    }""")
    assert sizes["labels"] and min(sizes["labels"]) >= 18, sizes["labels"]
    assert sizes["content"] >= 0.9 * sizes["main"], sizes


# The size of every drawn text of every plotly chart on the page (SVG text, as the browser computes it).
CHART_TEXT_PX = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map(chart =>
  [...chart.querySelectorAll('text')].filter(t => t.textContent.trim() && t.checkVisibility())
    .map(t => parseFloat(getComputedStyle(t).fontSize)))"""


def test_on_a_projector_every_charts_text_is_large_on_every_page(new_page, app_server: str,
                                                                  latest_year: int):
    """No `?screen=` in the link: the browser measures its width, the server learns it is a projector and the
    charts are built with projector type (18 px at least: read from a meeting room's back row)."""
    from devzone.charts import SCREEN_MIN_FONT_PX

    page = new_page("projector", timeout=60_000)
    small: dict[str, object] = {}
    charts_seen = 0
    for file_name, _, _ in PAGES:
        path = url_path(file_name)
        open_screen(page, app_server, path, zone=ZONE, year=latest_year)
        if not page.locator("[data-testid=stPlotlyChart]").count():
            continue
        # the first run draws before the width is known; the rerun that follows redraws (sizes reported below)
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(f"() => ({CHART_TEXT_PX})().flat().every(px => px >= {SCREEN_MIN_FONT_PX})",
                                   timeout=30_000)
        page.wait_for_function(READY, timeout=60_000)
        sizes = page.evaluate(CHART_TEXT_PX)
        charts_seen += len(sizes)
        too_small = [sorted(set(chart)) for chart in sizes if chart and min(chart) < SCREEN_MIN_FONT_PX]
        if too_small or not all(sizes):
            small[page_name(path)] = too_small or "a chart without text"
    assert charts_seen >= len(PAGES), charts_seen  # most pages have several charts
    assert not small, json.dumps(small, ensure_ascii=False)


def test_presenting_the_controls_hide_when_the_mouse_rests_and_chart_text_is_large(
        new_page, app_server: str, latest_year: int):
    page = new_page("projector", timeout=60_000)
    for slide in range(1, 8):  # the first slide with a chart (which ones have one follows the data)
        open_page(page, app_server, "/present", zone=ZONE, year=latest_year, present=1, slide=slide)
        expect(page.locator(".st-key-slide h1").first).to_be_visible(timeout=90_000)
        if page.locator(".st-key-slide [data-testid=stPlotlyChart]").count():
            break
    nav = page.locator(".st-key-slide-nav")
    page.mouse.move(400, 400)
    expect(nav).to_have_css("opacity", "1")
    page.wait_for_timeout(4_500)  # no mouse move for longer than the idle time
    expect(nav).to_have_css("opacity", "0")
    page.mouse.move(600, 500)
    expect(nav).to_have_css("opacity", "1", timeout=5_000)
    sizes = page.evaluate("""() => [...document.querySelectorAll('.st-key-slide [data-testid=stPlotlyChart] text')]
      .filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize))""")
    assert sizes and min(sizes) >= 24, sorted(set(sizes))


def test_a_zone_on_the_map_opens_its_overview(new_page, app_server: str, latest_year: int, demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:  # a zone other than the one chosen, in another city
        zone_id, short = con.execute("SELECT zone_id, short_name FROM zones WHERE city <> (SELECT city FROM zones "
                                     "WHERE zone_id = ?) ORDER BY zone_id LIMIT 1", [ZONE]).fetchone()
    finally:
        con.close()
    page = new_page("phone", timeout=60_000)
    open_screen(page, app_server, "/map", zone=ZONE, year=latest_year)
    tile_map = page.locator(".tile-map")
    expect(tile_map).to_be_visible()
    assert tile_map.locator(".tile").count() >= 11
    save_screenshot(page, "screens-phone-map-tiles")
    tile_map.get_by_role("link", name=short, exact=True).click()
    page.wait_for_url(lambda url: "/map" not in url and f"year={latest_year}" in url, timeout=60_000)
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="开发区")).to_have_value(short)


@pytest.mark.parametrize(("screen", "runs"), [("desktop", 1), ("phone", 2), ("projector", 2)])
def test_a_new_session_runs_twice_only_when_its_screen_is_not_a_desk(new_page, app_server: str, latest_year: int,
                                                                     screen: str, runs: int):
    """The first run draws for a desk; the screen probe asks for a second run only where the window is not one."""
    page = open_page(new_page(screen), app_server, "", zone="X140802", year=latest_year)
    assert page.evaluate("() => window.__devzoneScreen") == {"desktop": "desk"}.get(screen, screen)
    assert page.evaluate("() => window.__runs.asked") == runs
