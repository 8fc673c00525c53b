"""The downloads under each chart (devzone.ui.chart_panel): named after zone, year and the chart the page shows,
a workbook whose figures are numbers, and a PNG that carries the page's title above the chart."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from streamlit.delta_generator import DeltaGenerator

from devzone import charts, fmt
from devzone.export import chart_data, images
from tests.conftest import chromium_path, skip_or_fail
from tests.export.test_images import ink_bands

TITLE_ZH, TITLE_EN = "签约项目数", "Signed projects"


@pytest.fixture()
def panel(demo_db, monkeypatch):
    """`draw(fig, table, lang, title)` runs ui.chart_panel outside a Streamlit server and returns its downloads
    ({label: (file name, data callable)}), and the zone and year the panel was drawn for."""
    from devzone import ui

    pressed: dict[str, tuple[str, object]] = {}

    def record(self, label, data, **kwargs):
        pressed[label] = (kwargs["file_name"], data)
        return False

    monkeypatch.setattr(DeltaGenerator, "download_button", record)

    def draw(fig, table, lang, title):
        pressed.clear()
        ui.chart_panel(fig, table, key="test_panel", source="测试", lang=lang, title=title)
        filters = ui.current_filters()
        return dict(pressed), ui.zone_label(filters.zone_id), filters.year

    return draw


def bars(values) -> object:
    frame = pd.DataFrame({"zone": [f"区{i}" for i in range(len(values))], "value": values,
                          "text": [fmt.number(v) for v in values]})
    return charts.sorted_hbars(frame, label="zone", value="value", text="text", axis_title="签约项目数（个）")


def money_values():
    return [179.78, 0.5, 12.0, None]


def display_table(lang: str) -> pd.DataFrame:
    """A table as pages show it: figures written for reading (fmt), not numbers."""
    money, counts, shares = money_values(), [36, 1234, 5, 0], [0.875, 0.1, None, 1.0]
    return pd.DataFrame({
        "开发区": ["甲", "乙", "丙", "丁"],
        "签约项目总投资": [fmt.money(v, lang) for v in money],
        "签约项目数（个）": [fmt.count(v, "个", lang) for v in counts],
        "占比": [fmt.percent(v) for v in shares],
        "名次": [fmt.rank(r, 4, lang) for r in (1, 2, 3, 4)],
    })


def test_files_and_sheet_say_zone_year_and_chart(panel):
    downloads, zone, year = panel(bars([3, 1, 2]), display_table("zh"), "zh", TITLE_ZH)
    stem = f"{zone}_{year}年_{TITLE_ZH}"
    assert {name for name, _ in downloads.values()} == {f"{stem}.csv", f"{stem}.xlsx", f"{stem}.png"}
    _, data = next(v for v in downloads.values() if v[0].endswith(".xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(data()))
    assert book.sheetnames[0] == TITLE_ZH


def test_english_names_in_english(panel):
    downloads, zone, year = panel(bars([3, 1, 2]), display_table("en"), "en", TITLE_EN)
    names = {name for name, _ in downloads.values()}
    assert f"{zone}_{year}_Signed_projects.xlsx" in names
    _, data = next(v for v in downloads.values() if v[0].endswith(".xlsx"))
    assert openpyxl.load_workbook(io.BytesIO(data())).sheetnames[0] == TITLE_EN


def test_a_figure_title_names_the_files_without_repeating_the_year(panel):
    _, zone, year = panel(bars([3, 1]), display_table("zh"), "zh", TITLE_ZH)
    fig = bars([3, 1]).update_layout(title={"text": f"{year}年签约项目（按季度）"})
    downloads, *_ = panel(fig, display_table("zh"), "zh", "页面标题")
    assert f"{zone}_{year}年_签约项目（按季度）.xlsx" in {name for name, _ in downloads.values()}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_workbook_stores_figures_as_numbers(lang):
    book = openpyxl.load_workbook(io.BytesIO(chart_data.chart_workbook(display_table(lang), sheet="表", lang=lang)))
    sheet = book["表"]
    headers = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    money = [r[1] for r in rows]
    assert money[3] is None and all(isinstance(v, int | float) for v in money[:3])
    tolerance = 0.006 if lang == "zh" else 0.06  # English writes RMB … bn to 2 decimals
    assert money[:3] == pytest.approx(money_values()[:3], abs=tolerance)
    assert "亿元" in headers[1] or "RMB 100 mn" in headers[1]
    assert [r[2] for r in rows] == [36, 1234, 5, 0]
    assert [r[3] for r in rows] == [0.875, 0.1, None, 1.0]
    assert sheet.cell(row=2, column=4).number_format.endswith("%")
    assert [r[4] for r in rows] == list(display_table(lang)["名次"])  # ranks with 共N stay as written


def test_a_marked_figure_stays_text():
    table = pd.DataFrame({"同比": ["+12.5%※", "+3.0%"]})
    numbers, _ = chart_data.numbers_as_numbers(table)
    assert list(numbers["同比"]) == ["+12.5%※", "+3.0%"]  # the ※ is kept: the column is not turned into numbers


def test_png_carries_the_page_title_and_the_caption_clear_of_the_axis_title(panel, monkeypatch):
    if chromium_path() is None:
        skip_or_fail("no Chromium for kaleido (install the Debian package `chromium`)")
    made = {}
    real = images.png_bytes

    def spy(fig, **kwargs):
        made.update(kwargs)
        return real(fig, scale=1, **kwargs)

    monkeypatch.setattr(images, "png_bytes", spy)
    fig = bars([30, 10, 20])
    downloads, *_ = panel(fig, display_table("zh"), "zh", TITLE_ZH)
    _, data = next(v for v in downloads.values() if v[0].endswith(".png"))
    try:
        png = data()
    finally:
        images.stop()
    assert made["title"] == TITLE_ZH
    figure = images.presentation_figure(fig, title=made["title"], caption=made["caption"])
    assert figure.layout.title.text == TITLE_ZH
    image = Image.open(io.BytesIO(png))
    top = ink_bands(image.crop((0, 0, images.WIDTH, int(figure.layout.margin.t))), 0)
    assert top, "no title drawn above the chart"
    bands = ink_bands(image, images.HEIGHT - int(figure.layout.margin.b) + 2)
    assert len(bands) >= 3, bands  # tick labels, the axis title, the caption — never merged
    assert bands[-1][0] - bands[-2][1] >= 4 and bands[-1][1] < images.HEIGHT
