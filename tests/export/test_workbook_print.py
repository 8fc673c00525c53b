"""The zone workbook an office hands on: 全省排名 with a rank column (sorted, the zone highlighted), counts as
counts, only signed projects, every source in full, and a print setup (A4 landscape, fit to width, header row
repeated on every page)."""
from __future__ import annotations

import io

import openpyxl
import pytest

from devzone.export import story, workbook
from tests.export.conftest import SEED_YEAR, SEED_ZONE


@pytest.fixture(scope="module")
def book(seed):
    return openpyxl.load_workbook(io.BytesIO(workbook.zone_workbook(seed, story.zone_story(seed, "zh"), "zh")))


def rows_of(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_rankings_have_a_rank_column_sorted_with_the_zone_highlighted(book, sql):
    sheet = book["全省排名"]
    header = [c.value for c in sheet[1]]
    assert header[0].startswith("名次")
    ranks = dict(sql("""SELECT z.short_name, r.rank FROM provincial_rankings r JOIN zones z USING (zone_id)
                         WHERE r.year = ? AND r.indicator = 'signed_projects' AND z.province = '山西省'""", [SEED_YEAR]))
    rows = rows_of(sheet)
    assert [r[header[0]] for r in rows] == sorted(ranks.values())
    assert all(ranks[r["开发区"]] == r[header[0]] for r in rows)
    (own,) = sql("SELECT short_name FROM zones WHERE zone_id = ?", [SEED_ZONE])
    for row in sheet.iter_rows(min_row=2):
        filled = row[0].fill.fgColor.rgb not in (None, "00000000")
        assert filled == (row[1].value == own[0]), row[1].value


def test_counts_are_formatted_as_counts(book):
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        for column, title in enumerate(header):
            if title and ("（个）" in str(title) or "（家）" in str(title) or title in ("参与排名数", "排名")
                          or str(title).startswith("名次")):
                for row in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                    if isinstance(row[0].value, int | float):
                        assert row[0].number_format == "#,##0", (sheet.title, title, row[0].number_format)


def test_only_signed_projects_in_the_projects_sheet(book, seed):
    rows = rows_of(book["签约项目"])
    assert {r["状态"] for r in rows} <= {"签约", "开工", "投产", "终止"}
    assert len(rows) == len(seed.signed_projects())


def test_sources_are_listed_in_full(book, seed):
    notes = {r["项目"]: r["内容"] for r in rows_of(book["说明"])}
    used = seed.history.loc[seed.history["year"].isin([seed.year - 1, seed.year]), "source"].dropna()
    assert "等" not in notes["数据来源"].removesuffix("。")[-2:]
    from devzone import fmt

    for source in {fmt.source_name(s) for s in used}:
        assert source in notes["数据来源"]


def test_every_sheet_prints_on_a4_landscape_fitted_to_width_with_the_header_repeated(book):
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert str(sheet.page_setup.paperSize) == "9", sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows.replace("$", "") == "1:1", sheet.title
