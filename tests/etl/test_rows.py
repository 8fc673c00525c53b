"""Rows that are not data (etl/rows.py): 表尾, notes, totals, hidden rows, a second table on the sheet."""
from pathlib import Path

import openpyxl
import pytest

from etl import layout, publish, rows
from etl.errors import ErrorCollector, InputRejected
from etl.grid import Grid, keep_rows
from etl.publish import load_files, parse_files
from etl.read import read_file
from tests.builders import query, write_csv, write_xlsx

OFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "office" / "rows"


def values(db):
    return query(db, "SELECT zone_name, year, indicator, value FROM indicator_values ORDER BY ALL")


def skipped(account):
    return [(note.row, note.reason) for note in account.skipped_rows]


@pytest.mark.parametrize("cells", [
    ["填表人：张三　　审核人：李四　　联系电话：0359-1234567", None, None],
    ["填表人张三", None, None], ["填表人：", None, None], ["联系电话", "0359-1234567", None],
    [None, None, "制表日期：2025-01-10"], ["单位负责人（签字）：", "王五", "统计负责人：", "赵六"],
    ["报送日期", "2025年1月10日", None], ["电话：13812345678", None, None],
])
def test_signature_lines_are_footer(cells):
    assert rows.row_reason(cells, 2) == rows.FOOTER


@pytest.mark.parametrize("text", ["注", "注：本表为快报数", "注1.签约数含续签", "注:", "说明：", "备注：已核实",
                                  "数据来源：各开发区", "资料来源：商务厅", "*含续建项目", "※ 快报数"])
def test_notes(text):
    assert rows.row_reason([text, None, None], 1) == rows.NOTE


@pytest.mark.parametrize("text", ["合计", "总计", "小计", "全省合计", "全市合计", "太原市小计", "运城市合计", "其中：国家级",
                                  "其中：省级", "其中", "全省", "总数", "合 计", "合\u3000计"])
def test_totals_in_the_zone_cell_or_the_serial_column(text):
    assert rows.row_reason(["1", text, "9"], 2) == rows.TOTAL
    assert rows.row_reason([text, None, "9"], 2) == rows.TOTAL  # a merged 合计 cell exported to CSV


def test_a_data_row_is_never_dropped_for_what_its_other_cells_say():
    assert rows.row_reason([1, "盐湖高新区", 36, "备注：已核实"], 2) is None
    assert rows.row_reason(["盐湖高新区", "说明：待核", 36], 1) is None
    assert rows.row_reason(["说明书", "2"], 1) is None  # not a note: 说明 is followed by text
    assert rows.row_reason([3, "填表人：张三", None], 2) is None  # the first cell is data (序号)


def test_blank_zone_is_footer_only_below_a_footer():
    judged = [(5, rows.MAYBE_FOOTER, [None, None, "36"]), (7, rows.NOTE, ["注：", None, None]),
              (8, rows.MAYBE_FOOTER, ["1.本表为快报数", None, None]), (9, rows.BLANK, [None] * 3),
              (10, rows.MAYBE_FOOTER, [None, None, "2025年1月10日"]), (12, rows.MAYBE_FOOTER, [None, None, "5"])]
    assert [(r.row, r.reason) for r in rows.settle(judged)] == [(7, "说明"), (8, "表尾"), (9, "空行"), (10, "表尾")]


def test_signed_wide_sheet_loads_with_every_footer_skipped(tmp_path):
    db = tmp_path / "d.duckdb"
    result = load_files([OFFICE / "signed_wide.xlsx"], db)
    assert values(db) == [("太原高新技术产业开发区", 2021, "signed_investment", 100.5),
                          ("太原高新技术产业开发区", 2021, "signed_projects", 52.0),
                          ("晋中经济技术开发区", 2021, "signed_projects", 20.0),
                          ("运城盐湖高新技术产业开发区", 2021, "signed_investment", 179.78),
                          ("运城盐湖高新技术产业开发区", 2021, "signed_projects", 36.0)]
    account = result.accounts[0]
    assert account.rows == 3
    assert skipped(account) == [(6, "空行"), (7, "表尾"), (8, "表尾"), (9, "表尾"), (10, "表尾"), (11, "表尾"),
                                (12, "说明"), (13, "表尾"), (14, "表尾"), (15, "说明"), (16, "说明"), (17, "说明"),
                                (18, "说明"), (19, "表尾")]
    assert account.skipped_rows[1].text == "填表人：张三　　审核人：李四　　联系电话：0359-1234567"
    assert account.skipped_rows[2].text == "填表人 张三 联系电话 0359-1234567"


def test_gbk_long_sheet_signed_at_the_bottom(tmp_path):
    db = tmp_path / "d.duckdb"
    result = load_files([OFFICE / "signed_long_gbk.csv"], db)
    assert values(db) == [("太原高新技术产业开发区", 2022, "signed_projects", 55.0),
                          ("运城盐湖高新技术产业开发区", 2022, "signed_investment", 185.0),
                          ("运城盐湖高新技术产业开发区", 2022, "signed_projects", 40.0)]
    assert skipped(result.accounts[0]) == [(6, "空行"), (7, "表尾"), (8, "表尾"), (9, "表尾"), (10, "说明")]


def test_a_row_without_zone_above_any_footer_is_still_refused(tmp_path):
    path = write_csv(tmp_path / "w.csv", ["2021年开发区", "序号,开发区,签约项目数", "1,盐湖高新区,36", "2,,52",
                                          "填表人：张三,,"])
    with pytest.raises(InputRejected) as caught:
        load_files([path], tmp_path / "d.duckdb")
    assert [str(e) for e in caught.value.errors] == ["w.csv:4:B: 开发区名称为空 — 应填写开发区全称或简称"]


def test_bulk_path_skips_the_same_rows(tmp_path):
    lines = ["2021年开发区", "开发区,签约项目数"] + [f"{z},{i}" for i, z in enumerate(["盐湖高新区", "太原高新区"] * 30_000)]
    lines += ["合计,899970000", ",", "填表人：张三,", "1.快报数,", "注：快报,"]
    path = write_csv(tmp_path / "big.csv", lines)
    raw = read_file(path).sheets[0]
    errors = ErrorCollector("big.csv")
    table = layout.understand(raw, errors)
    assert raw.grid().read_by == "read_csv" and not errors.errors
    assert table.row_count == 60_000
    assert [(r.row, r.reason) for r in table.skipped] == [(60_003, "合计行"), (60_004, "空行"), (60_005, "表尾"),
                                                          (60_006, "表尾"), (60_007, "说明")]


def test_keep_rows_judges_only_doubtful_rows():
    grid = Grid.from_rows([["开发区", "签约项目数"]] + [["盐湖高新区", "1"]] * 1000 + [[None, "2"], ["合计", "1002"]])
    seen = []

    def settle(doubtful):
        seen.extend(n for n, _ in doubtful)
        return []

    keep_rows(grid, 1, 1, None, rows.first_may_drop, rows.is_total, also=[7], settle=settle)
    assert seen == [7, 1002, 1003]


# ---- hidden rows


def with_hidden_rows(path):
    """What the reader will do: mark the rows the clerk hid (openpyxl's row_dimensions)."""
    result = read_file(path)
    if str(path).endswith(".xlsx"):
        workbook = openpyxl.load_workbook(path)
        for raw in result.sheets:
            dims = workbook[raw.sheet].row_dimensions
            raw.hidden_rows = frozenset(n for n, d in dims.items() if d.hidden)
    return result


def test_hidden_row_is_skipped_and_does_not_overwrite_the_visible_figure(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "read_file", with_hidden_rows)
    db = tmp_path / "d.duckdb"
    result = load_files([OFFICE / "hidden_rows.xlsx"], db)
    assert values(db) == [("太原高新技术产业开发区", 2021, "signed_investment", 100.5),
                          ("太原高新技术产业开发区", 2021, "signed_projects", 52.0),
                          ("晋中经济技术开发区", 2021, "signed_investment", 30.0),
                          ("晋中经济技术开发区", 2021, "signed_projects", 20.0),
                          ("运城盐湖高新技术产业开发区", 2021, "signed_investment", 179.78),
                          ("运城盐湖高新技术产业开发区", 2021, "signed_projects", 36.0)]
    account = result.accounts[0]
    assert skipped(account) == [(5, "隐藏"), (7, "合计行")] and account.rows == 3
    assert "第 7 行 C 列合计含隐藏行的数值（隐藏行未导入）" in account.notes


@pytest.mark.parametrize("kind", ["wide", "ledger"])
def test_hidden_rows_set_on_a_csv_sheet_are_skipped_in_every_layout(tmp_path, kind):
    if kind == "wide":
        lines = ["2021年", "开发区,签约项目数", "盐湖高新区,36", "太原高新区,52", "晋中经开区,20"]
    else:
        lines = ["项目名称,所属开发区,总投资（亿元）", "甲项目,盐湖高新区,1", "乙项目,太原高新区,2", "丙项目,晋中经开区,3"]
    raw = read_file(write_csv(tmp_path / "s.csv", lines)).sheets[0]
    raw.hidden_rows = frozenset({4})
    table = layout.understand(raw, ErrorCollector("s.csv"))
    assert [n for n, _ in table.rows] == ([3, 5] if kind == "wide" else [2, 3])
    assert skipped(raw.account) == [(4, "隐藏")]


# ---- two tables on one sheet


def test_two_tables_on_one_sheet_each_with_its_year(tmp_path):
    db = tmp_path / "d.duckdb"
    result = load_files([OFFICE / "two_tables.xlsx"], db)
    got = query(db, "SELECT year, count(*), sum(value) FILTER (WHERE indicator = 'signed_projects') "
                    "FROM indicator_values GROUP BY year ORDER BY year")
    assert got == [(2024, 20, 145.0), (2025, 20, 245.0)]
    assert query(db, "SELECT year, value FROM indicator_values WHERE zone_name = '运城盐湖高新技术产业开发区' "
                     "AND indicator = 'signed_investment' ORDER BY year") == [(2024, 1.5), (2025, 2.5)]
    account = result.accounts[0]
    assert account.rows == 20
    assert "第 14 行起是另一张表（“2025年开发区招商引资情况”），表头在第 15 行，已分别读取" in account.notes
    assert skipped(account) == [(13, "空行"), (26, "说明")]


def test_a_header_repeated_without_a_title_is_only_skipped(tmp_path):
    path = write_csv(tmp_path / "w.csv", ["2021年开发区", "开发区,签约项目数", "盐湖高新区,36", "开发区,签约项目数",
                                          "太原高新区,52"])
    batch, errors = parse_files([path])
    assert not errors and sorted(batch.frames["values"]["row_number"]) == [3, 5]
    assert skipped(batch.accounts[0]) == [(4, "重复表头")]


def test_a_second_table_of_another_kind_is_refused_where_it_begins(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"S": [
        ["2021年开发区"], ["开发区", "签约项目数"], ["盐湖高新区", 36], [None, None],
        ["2021年项目台账", None], ["项目名称", "所属开发区"], ["甲项目", "盐湖高新区"]]})
    db = tmp_path / "d.duckdb"
    with pytest.raises(InputRejected) as caught:
        load_files([path], db)
    assert [str(e) for e in caught.value.errors] == [
        "w.xlsx:S:5: 第 5 行起是另一张表（“2021年项目台账”），与上方的宽表（每行一个开发区）格式不同 — 请把第二张表移到单独的工作表"]
    assert not db.exists()


def test_second_table_year_against_the_sheet_name_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"2024": [
        ["开发区招商情况"], ["开发区", "签约项目数"], ["盐湖高新区", 36], ["2025年开发区招商情况", None],
        ["开发区", "签约项目数"], ["盐湖高新区", 40]]})
    _, errors = parse_files([path])
    assert [str(e) for e in errors] == [
        "w.xlsx:2024:4: 工作表名“2024”为 2024 年，标题为 2025 年 — 请改正其一，使年份一致"]


@pytest.mark.parametrize("cells", [
    ["一", "国家级开发区", None, None], ["二、", "省级开发区", None, None], [None, "太原市", None, None],
    ["一、国家级开发区", None, None, None], ["一、国家级开发区"] * 4,  # a heading merged across the row
])
def test_group_headings_between_data_rows(cells):
    assert rows.row_reason(cells, 2) in (rows.GROUP, rows.MAYBE_GROUP)
    assert [r.reason for r in rows.settle([(5, rows.row_reason(cells, 2), cells)])] == [rows.GROUP]


def test_a_known_zone_without_figures_or_a_row_with_figures_is_not_a_heading():
    assert rows.row_reason([1, "盐湖高新区", None, None], 2) is None
    assert rows.row_reason([1, "国家级开发区", 36, None], 2) is None  # an unknown zone with figures stays an error


@pytest.mark.parametrize("signature", ["制表：张三　　审核：李四　　日期：2022.1.5", "审核：李四", "制表人：张三",
                                       "日期：2022年1月5日", "复核：王五", "填报：赵六"])
def test_short_signature_words(signature):
    assert rows.row_reason([signature, None, None], 1) == rows.FOOTER


def test_city_report_grouped_by_level_with_subtotals_loads_and_checks_each_total(tmp_path):
    path = write_xlsx(tmp_path / "levels.xlsx", {"2021": [
        ["2021年全市开发区招商引资情况"], ["序号", "开发区（园区）名称", "签约项目数", "签约项目总投资（亿元）"],
        ["一", "国家级开发区", None, None], [1, "盐湖高新区", 36, 179.78], [2, "运城经开区", 20, 50],
        [None, "小计", 56, 229.78], ["二", "省级开发区", None, None], [3, "临汾经开区", 5, 12],
        [None, "小计", 5, 12], [None, "合计", 61, 241.78], ["制表：张三　　审核：李四　　日期：2022.1.5"]]})
    result = load_files([path], tmp_path / "d.duckdb")
    got = {(z, i): v for z, y, i, v in values(tmp_path / "d.duckdb") if y == 2021}
    assert got[("运城盐湖高新技术产业开发区", "signed_projects")] == 36
    assert got[("山西临汾经济开发区", "signed_investment")] == 12 and len(got) == 6
    account = result.accounts[0]
    assert sorted(skipped(account)) == [(3, "分类标题"), (6, "合计行"), (7, "分类标题"), (9, "合计行"), (10, "合计行"),
                                        (11, "表尾")]
    assert any("合计行核对相符：第 6、9、10 行" in line for line in account.lines())


def test_a_subtotal_of_a_group_that_does_not_add_up_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "levels.xlsx", {"2021": [
        ["2021年全市开发区招商引资情况"], ["序号", "开发区", "签约项目数"], ["一", "国家级开发区", None],
        [1, "盐湖高新区", 36], [2, "运城经开区", 20], [None, "小计", 57], ["二", "省级开发区", None],
        [3, "临汾经开区", 5], [None, "小计", 5]]})
    with pytest.raises(InputRejected) as caught:
        load_files([path], tmp_path / "d.duckdb")
    assert any("57" in str(e) and "56" in str(e) for e in caught.value.errors)


@pytest.mark.parametrize("text", ["合计（国家级）", "小计(省级)", "合计（不含续建项目）"])
def test_a_qualified_total_is_a_part_skipped_unchecked(text):
    assert rows.total_kind(text) == rows.PART
