"""Total rows (etl/totals.py): skipped as data, and checked against the rows they cover."""
from pathlib import Path

import pytest

from etl.errors import InputRejected
from etl.publish import load_files, parse_files
from tests.builders import LEDGER_HEADER, digest, ledger_row, query, write_csv, write_xlsx

OFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "office" / "rows"
WIDE = ["序号", "开发区名称", "签约项目数（个）", "签约项目总投资（亿元）"]


def refused(paths, db):
    """The located messages of a refused load, checking that the database file did not change."""
    before = digest(db)
    with pytest.raises(InputRejected) as caught:
        load_files(paths, db)
    assert digest(db) == before
    return [str(e) for e in caught.value.errors]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "d.duckdb"
    load_files([write_csv(tmp_path / "seed.csv", ["开发区,年份,签约项目数", "太原高新区,2020,1"])], path)
    return path


def test_city_subtotals_a_total_and_its_parts_load_and_are_checked(db):
    result = load_files([OFFICE / "grouped_totals.xlsx"], db)
    assert query(db, "SELECT zone_name, indicator, value FROM indicator_values WHERE year = 2023 ORDER BY ALL") == [
        ("太原经济技术开发区", "signed_investment", 40.5), ("太原经济技术开发区", "signed_projects", 12.0),
        ("太原高新技术产业开发区", "signed_investment", 120.25), ("太原高新技术产业开发区", "signed_projects", 30.0),
        ("山西运城经济开发区", "signed_investment", 20.02), ("山西运城经济开发区", "signed_projects", 8.0),
        ("运城盐湖高新技术产业开发区", "signed_investment", 179.78), ("运城盐湖高新技术产业开发区", "signed_projects", 36.0)]
    account = result.accounts[0]
    assert [(n.row, n.reason) for n in account.skipped_rows] == [(6, "合计行"), (9, "合计行"), (10, "合计行"),
                                                                (11, "合计行"), (12, "合计行")]
    assert "合计行核对相符：第 6、9、10 行" in account.notes  # 其中 rows (11, 12) are subsets: not checked


def test_a_total_that_does_not_add_up_is_refused_naming_both_figures(db):
    assert refused([OFFICE / "wrong_total.xlsx"], db) == [
        "wrong_total.xlsx:2023:10:D: 合计行第 10 行 D 列为 360.00，上方各行合计 360.55 — 请核对合计或各行数据"]


def test_a_wrong_city_subtotal_names_the_rows_it_covers(tmp_path, db):
    path = write_xlsx(tmp_path / "w.xlsx", {"2023": [
        ["2023年"], WIDE, [1, "太原高新区", 30, 1.0], [2, "太原经开区", 12, 2.0], [None, "太原市小计", 43, 3.0],
        [3, "盐湖高新区", 36, 4.0], [None, "运城市小计", 36, 4.0]]})
    assert refused([path], db) == ["w.xlsx:2023:5:C: 小计行第 5 行 C 列为 43，第 3–4 行合计 42 — 请核对合计或各行数据"]


def test_total_written_first_covers_the_rows_below_in_the_sheets_unit(db):
    load_files([OFFICE / "total_first_gbk.csv"], db)
    assert query(db, "SELECT zone_name, indicator, value FROM indicator_values WHERE year = 2024 ORDER BY ALL") == [
        ("太原高新技术产业开发区", "signed_investment", 20.22), ("太原高新技术产业开发区", "signed_projects", 12.0),
        ("运城盐湖高新技术产业开发区", "signed_investment", 179.78), ("运城盐湖高新技术产业开发区", "signed_projects", 36.0)]


def test_wrong_total_written_first(tmp_path, db):
    path = write_csv(tmp_path / "t.csv", ["2024年", "序号,开发区,签约项目总投资（万元）", ",全省合计,\"2,000,001\"",
                                          "1,盐湖高新区,\"1,797,800\"", "2,太原高新区,\"202,200\""], "gbk")
    assert refused([path], db) == [
        "t.csv:3:C: 合计行第 3 行 C 列为 2,000,001，下方各行合计 2,000,000 — 请核对合计或各行数据"]


def test_long_sheet_totals_per_year_and_indicator(db):
    result = load_files([OFFICE / "long_totals.csv"], db)
    assert query(db, "SELECT year, indicator, sum(value) FROM indicator_values WHERE year > 2020 GROUP BY ALL"
                     " ORDER BY ALL") == [(2021, "signed_projects", 88.0), (2022, "signed_investment", 200.0),
                                          (2022, "signed_projects", 95.0)]
    notes = result.accounts[0].notes
    assert "合计行核对相符：第 4、7、10 行" in notes
    assert "第 11 行“总计”未核对：合计行未写年份，而所合计的各行含多个年份（2021、2022）" in notes


def test_wrong_long_total_is_located_at_its_value_cell(tmp_path, db):
    path = write_csv(tmp_path / "l.csv", ["开发区,年份,指标,数值,单位", "盐湖高新区,2021,签约项目数,36,个",
                                          "太原高新区,2021,签约项目数,52,个", "盐湖高新区,2022,签约项目数,1,个",
                                          "合计,2021,签约项目数,89,个"])
    assert refused([path], db) == ["l.csv:5:D: 合计行第 5 行 D 列为 89，上方各行合计 88 — 请核对合计或各行数据"]


def test_ledger_total_checks_the_money_columns(tmp_path, db):
    load_files([OFFICE / "ledger_total.xlsx"], db)
    assert query(db, "SELECT project_name, total_investment FROM projects ORDER BY 1") == [
        ("凯丰节能换热器项目", 8.0), ("宏明空调全产业链生产基地", 50.0)]
    wrong = [LEDGER_HEADER, ledger_row("A-1", "甲项目", investment=1000), ledger_row("A-2", "乙项目", investment=2000),
             [None, "合计", None, None, None, None, 3100] + [None] * 9]
    path = write_xlsx(tmp_path / "w.xlsx", {"台账": wrong})
    assert refused([path], db) == ["w.xlsx:台账:4:G: 合计行第 4 行 G 列为 3100，上方各行合计 3000 — 请核对合计或各行数据"]


@pytest.mark.parametrize(("shown", "ok"), [("3.58", True), ("3.57", False), ("4", True), ("3.6", True),
                                           ("3.5790", True), ("3.5791", False)])
def test_compared_to_the_decimals_the_total_shows(tmp_path, shown, ok):
    path = write_csv(tmp_path / "t.csv", ["2021年", "开发区,签约项目总投资（亿元）", "盐湖高新区,1.234", "太原高新区,2.345",
                                          f"合计,{shown}"])
    _, errors = parse_files([path])
    assert [str(e) for e in errors] == ([] if ok else [
        f"t.csv:5:B: 合计行第 5 行 B 列为 {shown}，上方各行合计 {3.579:.{len(shown.split('.')[1])}f} — 请核对合计或各行数据"])


def test_an_xlsx_total_with_float_noise_agrees(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", {"2021": [["2021年"], WIDE, [1, "盐湖高新区", 1, 0.1], [2, "太原高新区", 2, 0.2],
                                                     [None, "合计", 3, 0.1 + 0.2]]})
    _, errors = parse_files([path])
    assert errors == []


def test_a_total_over_rows_with_errors_is_not_checked(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["2021年", "开发区,签约项目数", "盐湖高兴区,1", "太原高新区,2", "合计,3"])
    _, errors = parse_files([path])
    assert [(e.row, e.column) for e in errors] == [(3, 1)]  # only the unknown zone, no total mismatch on top


LEDGER_SHORT = ["序号", "所属开发区", "项目名称", "总投资（亿元）", "签约日期", "项目状态"]


def _merged_xlsx(path, rows, merges):
    """An .xlsx of `rows` with `merges` ("A2:A4") merged, as Excel leaves them (the value in the top-left cell)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    book.save(path)
    return path


@pytest.mark.parametrize("merged", [False, True], ids=["zone-on-every-row", "zone-merged-over-its-block"])
def test_a_ledger_subtotal_named_in_the_project_name_column_is_not_a_project(tmp_path, db, merged):
    rows = [LEDGER_SHORT,
            [1, "盐湖高新区", "宏明空调全产业链生产基地", 15, "2021-11-15", "签约"],
            [2, None if merged else "盐湖高新区", "凯丰节能换热器项目", 3.2, "2021-03-08", "签约"],
            [None, None if merged else "盐湖高新区", "小  计", 18.2, None, None],
            [3, "运城经开区", "新能源电池壳体项目", 5.5, "2021-06-30", "签约"],
            [None, None if merged else "运城经开区", "小计", 5.5, None, None],
            [None, None, "合计", 23.7, None, None]]
    path = _merged_xlsx(tmp_path / "台账.xlsx", rows, ["B2:B4", "B5:B6"] if merged else [])
    load_files([path], db)
    assert sorted(query(db, "SELECT project_name, total_investment FROM projects")) == sorted([
        ("宏明空调全产业链生产基地", 15.0), ("凯丰节能换热器项目", 3.2), ("新能源电池壳体项目", 5.5)])
    rows[3][3] = 19.2  # a subtotal that does not add up is caught, as a 合计 is
    wrong = _merged_xlsx(tmp_path / "错.xlsx", rows, ["B2:B4", "B5:B6"] if merged else [])
    assert refused([wrong], db) == ["错.xlsx:台账:4:D: 小计行第 4 行 D 列为 19.2，第 2–3 行合计 18.2 — 请核对合计或各行数据"]


def test_a_ledger_subtotal_named_in_the_number_column_of_a_merged_block_is_not_a_nameless_project(tmp_path, db):
    rows = [LEDGER_SHORT,
            [1, "盐湖高新区", "久特电机组装总成分厂", 2.5, "2021-12-01", "签约"],
            [2, None, "长实流体设备项目", 0.8, "2021-10-20", "签约"],
            ["小计", None, None, 3.3, None, None]]
    load_files([_merged_xlsx(tmp_path / "台账.xlsx", rows, ["B2:B4"])], db)
    assert sorted(query(db, "SELECT project_name, total_investment FROM projects")) == [
        ("久特电机组装总成分厂", 2.5), ("长实流体设备项目", 0.8)]


def test_a_typed_total_rounded_to_fewer_decimals_than_its_rows_agrees(tmp_path, db):
    rows = [["开发区", "年份", "签约项目总投资（亿元）"], ["盐湖高新区", 2021, 100.021], ["太原高新区", 2021, 132.021],
            ["合计", 2021, 232.04]]
    load_files([write_xlsx(tmp_path / "w.xlsx", {"Sheet1": rows})], db)
    assert query(db, "SELECT count(*) FROM indicator_values WHERE year = 2021") == [(2,)]
    rows[-1][2] = 232.05  # more than half a unit of its last decimal off
    assert refused([write_xlsx(tmp_path / "x.xlsx", {"Sheet1": rows})], db) == [
        "x.xlsx:Sheet1:4:C: 合计行第 4 行 C 列为 232.05，上方各行合计 232.04 — 请核对合计或各行数据"]
    rows[-1][2] = 232  # a whole number says nothing of the decimals it is shown with: the rows' count
    assert refused([write_xlsx(tmp_path / "y.xlsx", {"Sheet1": rows})], db) == [
        "y.xlsx:Sheet1:4:C: 合计行第 4 行 C 列为 232，上方各行合计 232.042 — 请核对合计或各行数据"]
