"""Every blank template, filled with two rows the way a statistician would, loads and gives the expected facts."""
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from etl import catalogue
from etl.errors import InputRejected
from etl.publish import load_files
from etl.templates import INSTRUCTIONS_SHEET, LAYOUTS, build_template, column_label
from tests.builders import query

ROOT = str(Path(__file__).resolve().parents[2])


def open_template(layout, lang="zh"):
    return openpyxl.load_workbook(io.BytesIO(build_template(layout, lang)))


def header(sheet):
    """(row number, {header text: column number}) of the header row: the first row with two or more cells."""
    for row in sheet.iter_rows(min_row=1, max_row=10):
        texts = {c.value: c.column for c in row if c.value is not None}
        if len(texts) >= 2:
            return row[0].row, texts
    raise AssertionError("no header row")


def fill(layout, tmp_path, rows):
    workbook = open_template(layout)
    sheet = workbook.worksheets[0]
    header_row, columns = header(sheet)
    for offset, values in enumerate(rows, start=1):
        for label, value in values.items():
            sheet.cell(header_row + offset, columns[label], value)
    path = tmp_path / f"{layout}.xlsx"
    workbook.save(path)
    return path


FILLED = {
    "long": ([{"开发区": "盐湖高新区", "年份": 2021, "指标": "签约项目数", "数值": 36},
              {"开发区": "太原高新技术产业开发区", "年份": 2021, "指标": "签约项目总投资", "数值": "1,797,800", "单位": "万元"}],
             "SELECT zone_id, year, indicator, value FROM value_store ORDER BY ALL",
             [("G142005", 2021, "signed_investment", 179.78), ("X140802", 2021, "signed_projects", 36.0)]),
    "wide": ([{"开发区": "盐湖高新区", "年份": 2021, "签约项目数（个）": 36, "签约项目总投资（亿元）": 179.78,
               "预计年产值（亿元）": 20},
              {"开发区": "太原高新区", "年份": 2022, "高新技术企业数（家）": 30, "预计利税（亿元）": "—"}],
             "SELECT zone_id, year, indicator, value FROM value_store ORDER BY ALL",
             [("G142005", 2022, "high_tech_enterprises", 30.0), ("X140802", 2021, "projected_output", 20.0),
              ("X140802", 2021, "signed_investment", 179.78), ("X140802", 2021, "signed_projects", 36.0)]),
    "ledger": ([{"项目编号": "HM-1", "项目名称": "宏明空调全产业链生产基地", "所属开发区": "盐湖高新区",
                 "总投资（亿元）": 12.5, "签约日期": dt.datetime(2021, 11, 15), "项目状态": "签约",
                 "预计年产值（亿元）": 20, "预计利税（亿元）": 0.5},
                {"项目名称": "凯丰节能项目", "所属开发区": "盐湖高新区", "签约日期": "2023/4/2",
                 "开工日期": "2023年5月2日", "项目状态": "开工", "链主企业": "山西宏明空调科技有限公司"}],
               "SELECT project_name, total_investment, signed_date, started_date, status, projected_output,"
               " chain_leader FROM project_store ORDER BY project_name",
               [("凯丰节能项目", None, dt.date(2023, 4, 2), dt.date(2023, 5, 2), "开工", None, "山西宏明空调科技有限公司"),
                ("宏明空调全产业链生产基地", 12.5, dt.date(2021, 11, 15), None, "签约", 20.0, None)]),
    "enterprises": ([{"企业名称": "网易（运城）科技孵化器", "所属开发区": "盐湖高新区", "认定类别": "国家级科技企业孵化器",
                      "认定年份": 2021},
                     {"企业名称": "山西某某精密制造有限公司", "所属开发区": "太原高新区", "认定类别": "专精特新",
                      "认定年份": 2022}],
                    "SELECT zone_id, enterprise_name, category, recognised_year FROM enterprise_store ORDER BY ALL",
                    [("G142005", "山西某某精密制造有限公司", "专精特新中小企业", 2022),
                     ("X140802", "网易（运城）科技孵化器", "国家级科技企业孵化器", 2021)]),
    "targets": ([{"开发区": "盐湖高新区", "年份": 2026, "指标": "签约项目数", "目标值": 40},
                 {"开发区": "盐湖高新区", "年份": 2026, "指标": "签约项目总投资", "目标值": 2000000, "单位": "万元"}],
                "SELECT zone_id, year, indicator, target FROM target_store ORDER BY ALL",
                [("X140802", 2026, "signed_investment", 200.0), ("X140802", 2026, "signed_projects", 40.0)]),
}


def test_layouts_are_the_five_input_layouts():
    assert LAYOUTS == ["long", "wide", "ledger", "enterprises", "targets"] and set(FILLED) == set(LAYOUTS)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_filled_template_loads_with_the_expected_values(layout, tmp_path):
    rows, sql, expected = FILLED[layout]
    db = tmp_path / "d.duckdb"
    result = load_files([fill(layout, tmp_path, rows)], db)
    assert result.published and [s.sheet for s in result.sheets] == [open_template(layout).worksheets[0].title]
    assert query(db, sql) == expected


@pytest.mark.parametrize("layout", LAYOUTS)
def test_empty_template_says_there_are_no_data_rows(layout, tmp_path):
    path = tmp_path / f"empty-{layout}.xlsx"
    path.write_bytes(build_template(layout))
    with pytest.raises(InputRejected) as rejected:
        load_files([path], tmp_path / "d.duckdb")
    [error] = rejected.value.errors
    assert "表头下没有数据行" in error.message and error.sheet == open_template(layout).worksheets[0].title
    assert not (tmp_path / "d.duckdb").exists()


def test_headers_are_catalogue_spellings_with_title_units_line_and_comments():
    sheet = open_template("ledger").worksheets[0]
    assert sheet["A1"].value == "开发区招商引资项目台账" and sheet["A2"].value == "单位：亿元"
    header_row, columns = header(sheet)
    assert header_row == 3 and "所属开发区" in columns and "项目状态" in columns and "总投资（亿元）" in columns
    assert "在谈" in sheet.cell(3, columns["项目状态"]).comment.text
    assert column_label("long", "zone") == "开发区"
    wide = open_template("wide").worksheets[0]
    _, wide_columns = header(wide)
    assert wide["A2"].value.startswith("单位：")
    assert {f"{i.name_zh}（{i.unit}）" for i in catalogue.indicators().values()} <= set(wide_columns)
    long_sheet = open_template("long").worksheets[0]
    assert header(long_sheet)[0] == 2  # no units line: the 单位 column says it


def test_instructions_sheet_lists_columns_values_and_drop_downs():
    workbook = open_template("ledger")
    assert workbook.sheetnames[:2] == ["项目台账", INSTRUCTIONS_SHEET]
    text = "\n".join(str(v) for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) for v in row if v)
    for expected in ("项目状态", "在谈", "终止", "2021年11月15日", "运城盐湖高新技术产业开发区", "亿元", "必填"):
        assert expected in text
    sheet = workbook.worksheets[0]
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert any("选项" in f for f in formulas)
    options = workbook["选项"]
    assert options.sheet_state == "hidden"
    assert "终止" in [c.value for c in options["D"]]
    long_text = "\n".join(str(v) for row in open_template("long")[INSTRUCTIONS_SHEET].iter_rows(values_only=True)
                          for v in row if v)
    for indicator in catalogue.indicators().values():
        assert indicator.name_zh in long_text
    enterprises = "\n".join(str(v) for row in open_template("enterprises")[INSTRUCTIONS_SHEET].iter_rows(
        values_only=True) for v in row if v)
    assert "专精特新中小企业" in enterprises and "高新技术企业" in enterprises


def test_english_explanations_keep_the_chinese_headers():
    sheet = open_template("targets", "en").worksheets[0]
    _, columns = header(sheet)
    assert {"开发区", "年份", "指标", "目标值"} <= set(columns)
    assert "Required" in sheet.cell(2, columns["目标值"]).comment.text
    with pytest.raises(ValueError):
        build_template("targets", "fr")
    with pytest.raises(ValueError, match="未知的模板格式"):
        build_template("chain")


def test_cli_template(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": ROOT})

    out = tmp_path / "sub" / "台账模板.xlsx"
    done = run("template", "ledger", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "项目台账"
    wrong = run("template", "nonsense", "--out", str(tmp_path / "x.xlsx"))
    assert wrong.returncode == 2 and "long / wide / ledger / enterprises / targets" in wrong.stderr
