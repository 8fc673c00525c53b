"""Paper: the overview and the rankings printed from the browser (print CSS) onto A4 — no sidebar, navigation
or buttons on any page, the running head (zone, year, 数据截至) and page numbers on every page, cards and charts
kept whole. Page images: tests/artifacts/print-<page>-<n>.png."""
from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from devzone.export import data as report_data
from devzone.export import report
from devzone.i18n import t
from tests.browser.helpers import ERROR_BOX, open_page
from tests.conftest import ARTIFACTS_DIR

ZONE = "X140802"
CARDS_KEPT_WHOLE = """() => [...document.querySelectorAll(
    '[data-testid=stVerticalBlockBorderWrapper], [data-testid=stPlotlyChart], [data-testid=stMetric]')]
  .filter(e => e.checkVisibility()).map(e => getComputedStyle(e).breakInside)"""


@pytest.fixture(scope="module")
def selection(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        year = int(con.execute("SELECT max(year) FROM indicator_values WHERE value IS NOT NULL").fetchone()[0])
        short = con.execute("SELECT short_name FROM zones WHERE zone_id = ?", [ZONE]).fetchone()[0]
    finally:
        con.close()
    return {"year": year, "short": short, "as_of": report.data_as_of(report_data.direct_loader(demo_db), "zh")}


@pytest.mark.parametrize(("path", "heading"), [("", "总览"), ("rankings", "全省排名")])
def test_a_printed_page_has_no_sidebar_and_a_head_on_every_page(browser_page, app_server, selection, tmp_path,
                                                               path, heading):
    page = open_page(browser_page, app_server, path, zone=ZONE, year=selection["year"])
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=90_000)
    page.wait_for_timeout(1_000)
    assert page.locator(ERROR_BOX).count() == 0
    page.emulate_media(media="print")
    assert all(value == "avoid" for value in page.evaluate(CARDS_KEPT_WHOLE))
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= count <= 12, count
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(ARTIFACTS_DIR / f"print-{path or 'overview'}")],
                   check=True)
    sidebar_words = (t("sidebar.language", "zh"), t("app.subtitle", "zh", province="山西省"), t("nav.present", "zh"))
    for number in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert not [word for word in sidebar_words if word in text], f"page {number} shows the sidebar"
        assert selection["short"] in text and selection["as_of"] in text, f"page {number} has no running head"
        assert re.search(rf"\b{number}\s*/\s*{count}\b", text), f"page {number} has no page number"


def test_one_click_gives_the_a4_report(browser_page, app_server, selection, tmp_path):
    # after both runs of the new session: a click during the first is lost to the screen probe's rerun
    page = open_page(browser_page, app_server, "", zone=ZONE, year=selection["year"])
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=90_000)
    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name=t("report.button", "zh")).click()
    assert download.value.suggested_filename == f"{selection['short']}-{selection['year']}.pdf"
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info and 2 <= int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 4
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(ARTIFACTS_DIR / "report-download")], check=True)
