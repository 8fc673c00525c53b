"""Excel exports: numbers come back equal, planted formulas come back as text, formats, notes sheet."""
from __future__ import annotations

import dataclasses
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from devzone import tables
from devzone.export import story, workbook
from tests.export.conftest import SEED_YEAR, SEED_ZONE

PLANTED = ['=HYPERLINK("http://x","y")', "+SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def planted_frame() -> pd.DataFrame:
    names = [*PLANTED, "盐湖高新区"]
    return pd.DataFrame({
        "开发区": names,
        "签约项目数（个）": [36, 18, 0, 5, 7, 9, 12],
        "签约项目总投资（亿元）": [179.78, 58.63, 0.05, 1234.5, 0.0, 2.5, 3.333],
        "年份": [2021] * 7,
        "同比": ["+100.0%", "-3.0%", "—", "+1.0%", "0.0%", "—", "—"],
    })


def reopen(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_planted_formulas_come_back_as_text_and_numbers_come_back_equal():
    frame = planted_frame()
    book = reopen(workbook.to_xlsx_bytes(frame, sheet_name="开发区", notes=[("数据来源", "测试")]))
    sheet = book["开发区"]
    assert [c.value for c in sheet[1]] == list(frame.columns)
    for row, (name, count, money, year) in enumerate(
            zip(frame["开发区"], frame["签约项目数（个）"], frame["签约项目总投资（亿元）"], frame["年份"], strict=True), start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.value == name and cell.data_type == "s"
        assert sheet.cell(row=row, column=2).value == count
        assert sheet.cell(row=row, column=3).value == pytest.approx(money)
        assert sheet.cell(row=row, column=4).value == year
    assert sheet.cell(row=2, column=1).value == '=HYPERLINK("http://x","y")'


def test_no_formula_is_stored_anywhere():
    data = workbook.to_xlsx_bytes(planted_frame())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    sheet = reopen(data)["数据"]
    for (cell,) in sheet.iter_rows(min_row=2, max_row=len(PLANTED) + 1, max_col=1):
        assert cell.quotePrefix, cell.value  # Excel keeps it text even when the cell is edited


def test_formats_frozen_header_widths_and_notes_sheet():
    book = reopen(workbook.to_xlsx_bytes(planted_frame(), sheet_name="开发区",
                                       notes=[("数据来源", "运城日报"), ("筛选条件", "开发区：盐湖高新区；年份：2021年")]))
    sheet = book["开发区"]
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=2, column=2).number_format == "#,##0"
    assert sheet.cell(row=2, column=3).number_format == "#,##0.00"
    assert sheet.cell(row=2, column=4).number_format == "0"  # a year has no thousands separator
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["D"].width >= 8
    assert book.sheetnames == ["开发区", "说明"]
    notes = {row[0]: row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["数据来源"] == "运城日报" and notes["筛选条件"].startswith("开发区：盐湖高新区")
    assert "导出时间" in notes and "计量单位" in notes
    english = reopen(workbook.to_xlsx_bytes(planted_frame(), lang="en"))
    assert english.sheetnames == ["数据", "Notes"]


def test_sheet_names_are_made_valid_and_unique():
    data = workbook.workbook_bytes([("a/b:c*d?e[f]", pd.DataFrame({"x": [1]})),
                                    ("a_b_c_d_e_f_", pd.DataFrame({"x": [2]})),
                                    ("很长的工作表名称" * 5, pd.DataFrame({"x": [3]}))])
    names = reopen(data).sheetnames
    assert names[0] == "a_b_c_d_e_f_" and names[1] == "a_b_c_d_e_f__2"
    assert len(names[2]) <= 31 and names[-1] == "说明"


def test_csv_keeps_the_apostrophe_guard_but_leaves_signed_numbers_alone():
    text = tables.to_csv_bytes(planted_frame()).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+SUM" in text and "'@SUM" in text
    assert ",+100.0%\n" in text and ",-3.0%\n" in text


@pytest.fixture(scope="module")
def whole_view(seed):
    the_story = story.zone_story(seed, "zh")
    return reopen(workbook.zone_workbook(seed, the_story, "zh")), the_story


def test_whole_view_workbook_has_every_table_and_the_same_numbers(whole_view, sql):
    book, the_story = whole_view
    assert book.sheetnames == ["主要指标", "全省排名", "历年数值", "签约项目", "认定企业", "文字综述", "说明"]
    indicators = {r[0]: r for r in book["主要指标"].iter_rows(min_row=2, values_only=True)}
    assert indicators["签约项目数"][2] == 36 and indicators["签约项目总投资"][2] == pytest.approx(179.78)
    (n_zones,) = sql("SELECT count(DISTINCT zone_id) FROM provincial_rankings WHERE year = ?", [SEED_YEAR])[0]
    rankings = book["全省排名"]
    assert rankings.max_row - 1 == n_zones
    header = [c.value for c in rankings[1]]
    row = next(r for r in rankings.iter_rows(min_row=2, values_only=True) if r[header.index("开发区")] == "盐湖高新区")
    assert row[header.index("签约项目数（个）")] == 36
    assert row[header.index("签约项目总投资（亿元）")] == pytest.approx(179.78)
    (n_projects,) = sql("SELECT count(*) FROM projects WHERE zone_id = ? AND year(signed_date) = ? AND status <> '在谈'",
                        [SEED_ZONE, SEED_YEAR])[0]  # 签约项目: only the signed ones
    assert book["签约项目"].max_row - 1 == n_projects
    assert book["文字综述"]["A2"].value == the_story.summary
    notes = {r[0]: r[1] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert "盐湖高新区" in notes["筛选条件"] and "模拟数据" in notes


def test_money_and_counts_in_one_column_are_formatted_by_their_row_unit(whole_view):
    book, _ = whole_view
    sheet = book["主要指标"]
    header = [c.value for c in sheet[1]]
    value_col = header.index("本年数值") + 1
    for row in sheet.iter_rows(min_row=2):
        unit, cell = row[header.index("单位")].value, row[value_col - 1]
        if isinstance(cell.value, int | float):
            assert cell.number_format == ("#,##0.00" if unit == "亿元" else "#,##0")


def test_a_planted_project_name_stays_text_in_the_whole_view(seed):
    projects = seed.projects.copy()
    projects.loc[projects.index[0], "project_name"] = '=HYPERLINK("http://x","y")'
    planted = dataclasses.replace(seed, projects=projects)
    book = reopen(workbook.zone_workbook(planted, story.zone_story(planted, "zh"), "zh"))
    cell = book["签约项目"]["A2"]
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"


def test_a_yoy_from_a_synthetic_previous_year_is_flagged_in_the_workbook(seed):
    """The Excel download says, row by row, which 同比 was computed from a synthetic 2020 value."""
    from devzone.export import workbook

    sheets, _, _ = workbook.zone_tables(seed, "zh")
    table = sheets[0][1].set_index("指标")
    assert table.loc["签约项目数", "是否模拟数据"] == "否"
    assert table.loc["签约项目数", "同比含模拟数值"] == "是"  # real 2021 against synthetic 2020
    assert table.loc["预计年产值", "同比含模拟数值"] == "是"  # synthetic on both sides


def test_the_export_time_is_china_time_like_the_publication_time():
    import datetime as dt

    from devzone import fmt, periods
    from devzone.export import workbook as wb
    from devzone.i18n import t

    before = dt.datetime.now(periods.CHINA).replace(tzinfo=None, second=0, microsecond=0)
    notes = wb.notes_frame([], "zh").set_index(t("xlsx.notes_item", "zh"))[t("xlsx.notes_value", "zh")]
    after = dt.datetime.now(periods.CHINA).replace(tzinfo=None)
    shown = notes[t("xlsx.exported_at", "zh")]
    candidates = {fmt.date_time(before, "zh"), fmt.date_time(after, "zh")}  # the minute may turn meanwhile
    assert shown in candidates, (shown, candidates)
