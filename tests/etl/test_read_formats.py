"""Every format offices send is read by content through python-calamine, loads the same figures, or is refused
with a message that says what to do — leaving the database byte-identical."""
import hashlib
from pathlib import Path

import duckdb
import pytest

from etl.errors import InputRejected
from etl.publish import load_files
from etl.read import read_bytes, read_file
from tests.builders import write_csv
from tests.etl.xlsx_bytes import rows_xml, write_sheet_xlsx

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "office" / "formats"

# The table of tests/fixtures/make_office_formats.py: 签约项目总投资 in 万元 (the 单位 line) stored in 亿元.
STORED = [("太原高新技术产业开发区", 2021, "signed_investment", 25.0, "亿元"),
          ("太原高新技术产业开发区", 2021, "signed_projects", 52.0, "个"),
          ("晋城经济技术开发区", 2021, "signed_investment", 1.2345, "亿元"),
          ("晋城经济技术开发区", 2021, "signed_projects", 7.0, "个"),
          ("运城盐湖高新技术产业开发区", 2021, "signed_investment", 17.978, "亿元"),
          ("运城盐湖高新技术产业开发区", 2021, "signed_projects", 36.0, "个")]
CELLS = [["开发区", "年份", "签约项目数（个）", "签约项目总投资"],
         ["盐湖高新区", 2021, 36, 179780], ["太原高新区", 2021, 52, 250000], ["晋城经开区", 2021, 7, 12345]]


def stored(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT zone_name, year, indicator, value, unit FROM indicator_values ORDER BY ALL").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("name", ["wide.xlsx", "wide.xls", "wide.ods", "wide.et", "xlsx_named.xls",
                                  "html_table.xls", "formulas.xlsx", "instructions.xlsx"])
def test_every_format_stores_the_same_figures(name, tmp_path):
    load_files([FORMATS / name], tmp_path / "d.duckdb")
    assert stored(tmp_path / "d.duckdb") == STORED


@pytest.mark.parametrize("name", ["wide.xlsx", "wide.xls", "wide.ods", "wide.et", "xlsx_named.xls"])
def test_cells_keep_types_and_places(name):
    sheet = read_file(FORMATS / name).sheets[0]
    assert sheet.sheet == "2021"
    assert sheet.cells[1][0] == "单位：万元" and sheet.cells[1][1:] == [None, None, None]
    assert sheet.cells[2:] == CELLS
    assert all(type(v) is int for v in sheet.cells[3][1:])  # calamine's 36.0 comes back as 36
    if not name.endswith(".ods"):  # (calamine gives no merged ranges for .ods)
        assert sheet.cells[0] == ["2021年开发区招商引资情况表"] * 4


def test_html_saved_as_xls_is_read_as_text_with_spans_filled():
    result = read_file(FORMATS / "html_table.xls")
    sheet = result.sheets[0]
    assert sheet.cells[0] == ["2021年开发区招商引资情况表"] * 4 and sheet.cells[2] == CELLS[0]
    assert sheet.cells[3] == ["盐湖高新区", "2021", "36", "179780"]  # text, as the page showed it


def test_html_with_thead_keeps_the_header_as_a_row():
    html = "<html><table><thead><tr><th>开发区</th><th>签约项目数</th></tr></thead><tr><td>盐湖高新区</td><td>007</td></tr>"
    sheet = read_bytes((html + "</table></html>").encode("utf-8"), "r.xls").sheets[0]
    assert sheet.cells == [["开发区", "签约项目数"], ["盐湖高新区", "007"]]


def test_hidden_rows_columns_and_sheets_are_reported(tmp_path):
    for name in ("hidden.xlsx", "hidden.ods", "hidden.xls"):
        result = read_file(FORMATS / name)
        assert [(s.sheet, s.hidden_rows, s.hidden_columns) for s in result.sheets] == [("2021", {6}, {5})], name
        assert [(a.sheet, a.skipped) for a in result.skipped] == [("旧数据", "隐藏工作表")], name


def test_hidden_rows_in_xml_spelled_true_and_wide_hidden_column_ranges(tmp_path):
    data = rows_xml([["开发区", "签约项目数"], ["盐湖高新区", 1]]).replace('<row r="2">', '<row r="2" hidden="true">')
    path = write_sheet_xlsx(tmp_path / "h.xlsx", data,
                            before='<cols><col min="2" max="16384" hidden="1" width="9"/></cols>')
    sheet = read_file(path).sheets[0]
    assert sheet.hidden_rows == {2} and sheet.hidden_columns == {2}  # clipped to the sheet's extent


def test_instruction_and_empty_sheets_are_skipped_and_reported():
    result = read_file(FORMATS / "instructions.xlsx")
    assert [s.sheet for s in result.sheets] == ["2021"] and not result.errors
    assert [(a.sheet, a.skipped) for a in result.skipped] == [
        ("附件：指标解释", "说明页"), ("填报说明", "说明页"), ("Sheet3", "空白工作表")]


def test_workbook_with_nothing_to_load_is_refused(tmp_path):
    import openpyxl
    workbook = openpyxl.Workbook()
    workbook.active.title = "填表说明"
    workbook.active["A1"] = "请填写"
    workbook.save(tmp_path / "n.xlsx")
    assert [e.message for e in read_file(tmp_path / "n.xlsx").errors] == [
        "工作簿中没有可导入的工作表（说明页）— 数据应放在一个可见的、含表头和数据行的工作表中"]


def test_formulas_without_results_are_computed_and_reported():
    sheet = read_file(FORMATS / "formulas.xlsx").sheets[0]
    assert [row[2:] for row in sheet.cells[3:]] == [[36, 179780], [52, 250000], [7, 12345]]
    assert "3 个公式单元格无保存结果，已按公式计算：C4、D4、C5" in sheet.account.notes


def test_shared_formulas_are_shifted_from_their_master(tmp_path):
    data = (rows_xml([["开发区", "a", "b", "合计"]]) +
            '<row r="2"><c r="A2" t="inlineStr"><is><t>盐湖高新区</t></is></c><c r="B2"><v>1</v></c><c r="C2"><v>2</v></c>'
            '<c r="D2"><f t="shared" ref="D2:D3" si="0">B2+C2*$B$2</f></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>太原高新区</t></is></c><c r="B3"><v>10</v></c><c r="C3"><v>20</v></c>'
            '<c r="D3"><f t="shared" si="0"/></c></row>')
    sheet = read_file(write_sheet_xlsx(tmp_path / "s.xlsx", data)).sheets[0]
    assert [row[3] for row in sheet.cells[1:]] == [3, 30]  # B3 + C3 * $B$2


@pytest.mark.parametrize("formula", ["VLOOKUP(A2,B:C,2,FALSE)", "D2+1", "Sheet2!B2", "B2/0", "A2*2"])
def test_formulas_that_cannot_be_computed_safely_are_located_errors(tmp_path, formula):
    data = (rows_xml([["开发区", "签约项目数"], ["盐湖高新区", 3]]).removesuffix("</row>")
            + f"<c r=\"D2\"><f>{formula}</f><v></v></c></row>")  # D2+1 refers to itself; A2 is text
    result = read_file(write_sheet_xlsx(tmp_path / "f.xlsx", data))
    assert [str(e) for e in result.errors] == [
        f"f.xlsx:数据:2:D: 公式“={formula}”没有保存计算结果，无法读取 — 请在 Excel/WPS 中打开、保存后再导入"]


def test_formula_with_a_saved_result_is_not_recomputed(tmp_path):
    data = rows_xml([["开发区", "签约项目数"], ["盐湖高新区", 3]]).removesuffix("</row>") + \
        "<c r=\"C2\"><f>B2*100</f><v>299</v></c></row>"
    sheet = read_file(write_sheet_xlsx(tmp_path / "v.xlsx", data)).sheets[0]
    assert sheet.cells[1][2] == 299 and not sheet.account.notes


@pytest.fixture
def live_db(tmp_path):
    db = tmp_path / "live.duckdb"
    load_files([write_csv(tmp_path / "good.csv", ["开发区,年份,签约项目数", "盐湖高新区,2021,36"])], db)
    return db


PASSWORD = ("文件设有打开密码，无法读取 — 请去掉密码后再导入：Excel 中 文件 → 信息 → 保护工作簿 → 用密码进行加密，"
            "清空密码后保存；WPS 中 文件 → 文档加密 → 密码加密，清除密码后保存")


@pytest.mark.parametrize("name, message", [
    ("encrypted.xlsx", f"encrypted.xlsx: {PASSWORD}"),
    ("password.xls", f"password.xls: {PASSWORD}"),
    ("spreadsheetml.xls", "spreadsheetml.xls: 这是 Excel 2003 XML 表格（SpreadsheetML），无法读取 — 请在 Excel/WPS 中打开，"
                          "“另存为” .xlsx 后再导入"),
    ("formula_unsupported.xlsx", "formula_unsupported.xlsx:2021:5:C: 公式“=VLOOKUP(A5,Sheet2!A:B,2,FALSE)”没有保存计算结果，"
                                 "无法读取 — 请在 Excel/WPS 中打开、保存后再导入"),
])
def test_refusals_say_what_to_do_and_touch_nothing(name, message, live_db):
    before = hashlib.sha256(live_db.read_bytes()).hexdigest()
    with pytest.raises(InputRejected) as caught:
        load_files([FORMATS / name], live_db)
    assert caught.value.report() == [message]
    assert hashlib.sha256(live_db.read_bytes()).hexdigest() == before


def test_encrypted_file_named_xls_is_not_called_an_old_xls():
    result = read_bytes((FORMATS / "encrypted.xlsx").read_bytes(), "加密.xls")
    assert [e.message for e in result.errors] == [PASSWORD]


@pytest.mark.parametrize("name", ["加密.xls", "加密.et", "加密.xlsx"])
def test_a_password_protected_old_xls_asks_for_the_password_to_be_removed(name):
    """BIFF with a FILEPASS record (tests/fixtures/make_office_formats.py), whatever the name says."""
    result = read_bytes((FORMATS / "password.xls").read_bytes(), name)
    assert [e.message for e in result.errors] == [PASSWORD] and result.sheets == []


def test_broken_ole2_and_text_named_xls():
    broken = read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "a.et")
    assert [e.message for e in broken.errors] == [
        "不是有效的 .et 文件（文件损坏、被截断或并非 Excel 表格）— 请用 Excel/WPS 打开确认后重新保存"]
    text = read_bytes("开发区\t签约项目数\n盐湖高新区\t36\n".encode("gbk"), "报表.xls")  # a reporting system's TSV
    assert text.sheets[0].cells == [["开发区", "签约项目数"], ["盐湖高新区", "36"]]
