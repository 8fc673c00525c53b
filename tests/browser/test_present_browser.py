"""汇报演示 in headless Chromium: presentation mode at 1920×1080 and 1280×720, arrows, a deck download."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.browser.helpers import ERROR_BOX, address, open_page, wait_until_idle
from tests.conftest import ARTIFACTS_DIR

SIZES = [(1920, 1080), (1280, 720)]
N_SLIDES = 10


def url(base: str, **params: str) -> str:
    return address(base, "/present", **{"zone": "盐湖高新区", "year": "2021", **params})


def slide_param(page: Page) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("slide", [None])[-1]


def wait_for_slide(page: Page, title: str) -> None:
    """Until slide `title` is shown and the app has finished running (its charts drawn)."""
    expect(page.locator(".st-key-slide h1").first).to_have_text(title, timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(400)


def open_slide(page: Page, app_server: str, number: int):
    """Slide `number` full screen, drawn after both runs of the new session (the second follows the screen
    probe's report: a slide read after the first run was sometimes about to be replaced); its heading."""
    open_page(page, app_server, "/present", zone="盐湖高新区", year="2021", present="1", slide=str(number))
    heading = page.locator(".st-key-slide h1").first
    expect(heading).not_to_have_text("", timeout=30_000)
    wait_for_slide(page, heading.inner_text())
    return heading


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1920x1080", "1280x720"])
def test_every_slide_fits_the_screen_without_chrome(browser_page: Page, app_server: str, width, height):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    titles = []
    for number in range(1, N_SLIDES + 1):
        heading = open_slide(page, app_server, number)
        assert page.locator(ERROR_BOX).count() == 0
        expect(page.get_by_test_id("stSidebar")).to_be_hidden()
        expect(page.get_by_test_id("stHeader")).to_be_hidden()
        nav = page.locator(".st-key-slide-nav").bounding_box()
        assert nav is not None and nav["y"] + nav["height"] <= height + 1, f"slide {number}: controls below the screen"
        title_size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.st-key-slide h1')).fontSize)")
        assert title_size >= (40 if width >= 1920 else 32)  # large type for the back of the room
        titles.append(heading.inner_text())
        page.screenshot(path=str(ARTIFACTS_DIR / f"present-{width}x{height}-slide{number:02d}.png"))
    assert titles[1] == "主要指标一览" and titles[-1] == "需要关注的问题"
    assert len(set(titles)) == N_SLIDES


def test_the_numbers_a_person_sees(browser_page: Page, app_server: str):
    page = browser_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(url(app_server, present="1", slide="2"))
    wait_for_slide(page, "主要指标一览")
    values = page.locator(".st-key-slide").get_by_test_id("stMetricValue")
    expect(values).to_have_count(6, timeout=30_000)
    expect(values).to_contain_text(["36个", "179.78亿元", "34个", "19家", "4家"], timeout=30_000)
    expect(page.locator(".st-key-slide")).to_contain_text("全省第3名/共28个")
    expect(page.locator(".st-key-slide-mark")).to_contain_text("模拟数据")


def test_arrow_keys_change_slides_and_the_url(browser_page: Page, app_server: str):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(url(app_server, present="1", slide="2"))
    wait_for_slide(page, "主要指标一览")
    expect(page.get_by_role("button", name="下一页")).to_be_enabled()
    page.wait_for_timeout(1000)  # shortcuts are bound once the widgets are mounted
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, "文字综述")
    page.wait_for_url(lambda u: parse_qs(urlsplit(u).query).get("slide") == ["3"], timeout=15_000)
    page.keyboard.press("ArrowRight")
    wait_for_slide(page, "年度目标完成情况")
    page.keyboard.press("ArrowLeft")
    wait_for_slide(page, "文字综述")
    page.get_by_role("button", name="下一页").click()
    wait_for_slide(page, "年度目标完成情况")
    assert slide_param(page) == "4"
    page.reload()  # the slide is in the URL: a reload (or a shared link) opens the same slide
    wait_for_slide(page, "年度目标完成情况")


def test_auto_advance(browser_page: Page, app_server: str):
    page = browser_page
    page.goto(url(app_server, present="1", slide="2", auto="5"))
    wait_for_slide(page, "主要指标一览")
    wait_for_slide(page, "文字综述")  # within the 60 s the helper allows; the timer says 5 s
    assert slide_param(page) == "3"


def test_exit_and_enter_presentation_mode(browser_page: Page, app_server: str, screenshot):
    page = browser_page
    page.goto(url(app_server, present="1", slide="5"))
    wait_for_slide(page, "全省排名：签约项目数")
    page.get_by_role("button", name="退出演示").click()
    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="汇报演示")).to_be_visible()
    wait_for_slide(page, "全省排名：签约项目数")
    screenshot(page, "page")
    page.get_by_role("button", name="进入演示模式").first.click()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=30_000)


def test_generate_deck_downloads_a_pptx(browser_page: Page, app_server: str, tmp_path):
    page = browser_page
    page.goto(url(app_server))
    wait_for_slide(page, "盐湖高新区2021年主要经济指标完成情况")
    assert page.locator(ERROR_BOX).count() == 0
    expect(page.get_by_test_id("stCode")).to_contain_text("2021年，盐湖高新区签约项目36个")
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="生成汇报材料").click()
    download = info.value
    assert download.suggested_filename == "盐湖高新区_2021_汇报材料.pptx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    deck = Presentation(str(saved))
    assert len(deck.slides) == N_SLIDES
    assert sum(1 for s in deck.slides for shape in s.shapes if shape.has_chart) >= 4
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="导出全部数据（Excel）").click()
    assert info.value.suggested_filename.endswith(".xlsx")


def test_english_presentation(browser_page: Page, app_server: str):
    page = browser_page
    page.goto(url(app_server, present="1", slide="2", lang="en"))
    wait_for_slide(page, "Key indicators at a glance")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("36", timeout=30_000)
    expect(page.locator(".st-key-slide")).to_contain_text("RMB 17.98 bn")


# The slide's box, its visible content boxes (title, tiles, charts, tables, words, captions) and the largest
# vertical band of the slide that none of them covers.
SLIDE_SPACE = """() => {
  const slide = document.querySelector('.st-key-slide').getBoundingClientRect();
  const boxes = [...document.querySelectorAll(['.st-key-slide h1', '.st-key-slide h3',
      '.st-key-slide-kpis [data-testid=stColumn]', '.st-key-slide [data-testid=stPlotlyChart] .main-svg',
      '.st-key-slide [data-testid=stTable]', '.st-key-slide [data-testid=stMarkdownContainer]',
      '.st-key-slide [data-testid=stCaptionContainer] p'].join(','))]
    .filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect()).filter(r => r.height > 0)
    .sort((a, b) => a.top - b.top);
  let reach = slide.top, gap = 0;
  for (const r of boxes) { gap = Math.max(gap, r.top - reach); reach = Math.max(reach, r.bottom); }
  gap = Math.max(gap, slide.bottom - reach);
  const values = [...document.querySelectorAll('.st-key-slide [data-testid=stMetricValue]')]
    .map(v => parseFloat(getComputedStyle(v).fontSize));
  const tiles = [...document.querySelectorAll('.st-key-slide-kpis [data-testid=stColumn]')]
    .map(e => e.getBoundingClientRect());
  const tileSpan = tiles.length ? Math.max(...tiles.map(r => r.bottom)) - Math.min(...tiles.map(r => r.top)) : 0;
  return {slide: slide.height, gap, values, tileSpan, overflow: boxes.some(r => r.bottom > slide.bottom + 1)};
}"""


def test_at_1920_every_slide_uses_its_space(browser_page: Page, app_server: str):
    """Full screen on a projector no slide is half empty: no band of more than 40 % of the slide's height is
    left blank (words alone are set large and centred, the title slide centred), KPI tiles share the slide's
    height with numbers of 60 px or more, and nothing runs off the bottom."""
    page = browser_page
    width, height = 1920, 1080
    page.set_viewport_size({"width": width, "height": height})
    empty: dict[int, object] = {}
    for number in range(1, N_SLIDES + 1):
        open_slide(page, app_server, number)
        space = page.evaluate(SLIDE_SPACE)
        assert space["slide"] >= 0.85 * height, space
        if space["gap"] > 0.4 * space["slide"] or space["overflow"]:
            empty[number] = space
        if space["values"]:  # a slide of tiles: big numbers on tiles that fill the slide
            assert min(space["values"]) >= 60, (number, space["values"])
            assert space["tileSpan"] >= 0.6 * space["slide"], (number, space)
    assert not empty, empty
