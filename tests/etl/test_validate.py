"""Each rule, seen through a load of a small file: the message names file, row, column and what is expected."""
import datetime as dt

import pytest

from etl.errors import InputRejected
from etl.publish import load_files
from tests.builders import LEDGER_HEADER, ledger_row, write_csv, write_xlsx


def rejected_lines(paths, db):
    with pytest.raises(InputRejected) as info:
        load_files(paths, db)
    return [str(e) for e in info.value.errors]


def long_csv(tmp_path, *rows, name="long.csv"):
    return write_csv(tmp_path / name, ["开发区,年份,指标,数值,单位", *rows], "utf-8-sig")


def test_negative_count(tmp_path):
    assert rejected_lines([long_csv(tmp_path, "盐湖高新区,2021,签约项目数,-3,个")], tmp_path / "d.duckdb") == [
        "long.csv:2:D: “-3”不能为负数 — 应为 0 或正数"]


def test_fractional_count(tmp_path):
    lines = rejected_lines([long_csv(tmp_path, "盐湖高新区,2021,专精特新企业数,2.5,家")], tmp_path / "d.duckdb")
    assert lines == ["long.csv:2:D: “2.5”不是整数 — 个数/家数应为不带小数的非负整数"]


def test_negative_money(tmp_path):
    lines = rejected_lines([long_csv(tmp_path, "盐湖高新区,2021,签约项目总投资,-1,亿元",
                                     "盐湖高新区,2020,签约项目总投资,-3500,万元")], tmp_path / "d.duckdb")
    assert lines == ["long.csv:2:D: “-1亿元”（折算成亿元后）不能为负数 — 应为 0 或正数",  # the unit it is shown in
                     "long.csv:3:D: “-0.35亿元”（折算成亿元后）不能为负数 — 应为 0 或正数"]


@pytest.mark.parametrize("year", ["1999", "2090"])
def test_year_out_of_range(tmp_path, year):
    lines = rejected_lines([long_csv(tmp_path, f"盐湖高新区,{year},签约项目数,3,个")], tmp_path / "d.duckdb")
    assert lines[0].startswith("long.csv:2:B: ") and "年份超出范围" in lines[0]


def test_text_in_a_number(tmp_path):
    lines = rejected_lines([long_csv(tmp_path, "盐湖高新区,2021,签约项目数,三十六,个")], tmp_path / "d.duckdb")
    assert lines[0].startswith("long.csv:2:D: ") and "不是数字" in lines[0]


def test_percent_in_a_count(tmp_path):
    lines = rejected_lines([long_csv(tmp_path, "盐湖高新区,2021,签约项目数,12.5%,")], tmp_path / "d.duckdb")
    assert "百分比" in lines[0]


def test_wrong_unit_for_indicator(tmp_path):
    lines = rejected_lines([long_csv(tmp_path, "盐湖高新区,2021,签约项目数,3,亿元")], tmp_path / "d.duckdb")
    assert lines[0].startswith("long.csv:2:E: ") and "与指标“签约项目数”不符" in lines[0]


def test_unknown_indicator_and_zone(tmp_path):
    lines = rejected_lines([long_csv(tmp_path, "盐湖高新区,2021,利润总额,3,亿元", "月球开发区,2021,签约项目数,3,个")],
                           tmp_path / "d.duckdb")
    assert lines[0].startswith("long.csv:2:C: 未知的指标“利润总额”")
    assert lines[1].startswith("long.csv:3:A: 未知的开发区“月球开发区” — 最接近的已知名称：")


def test_conflicting_duplicates_across_files_name_both_places(tmp_path):
    first = long_csv(tmp_path, "盐湖高新区,2021,签约项目数,36,个", name="a.csv")
    second = long_csv(tmp_path, "运城盐湖高新技术产业开发区,2021,签约项目,35,个", name="b.csv")
    lines = rejected_lines([first, second], tmp_path / "d.duckdb")
    assert len(lines) == 1 and "与 a.csv:2 的开发区-年份-指标重复但数值不同（此处 35，彼处 36）" in lines[0]


def test_identical_duplicates_are_fine(tmp_path):
    path = long_csv(tmp_path, "盐湖高新区,2021,签约项目数,36,个", "运城盐湖高新技术产业开发区,2021,签约项目数,36,个")
    assert load_files([path], tmp_path / "d.duckdb").changes["values"].added == 1


def test_dates_out_of_order_and_impossible(tmp_path):
    path = write_xlsx(tmp_path / "ledger.xlsx", {"台账": [
        ["重点项目台账"], LEDGER_HEADER,
        ledger_row("A1", "甲项目", signed=dt.datetime(2021, 5, 1), started=dt.datetime(2021, 4, 1), status="开工"),
        ledger_row("A2", "乙项目", signed="2021-02-30"),
    ]})
    lines = rejected_lines([path], tmp_path / "d.duckdb")
    assert lines == [
        "ledger.xlsx:台账:3:I: 开工日期早于签约日期（2021-05-01 → 2021-04-01）— 应为 签约 ≤ 开工 ≤ 投产",
        "ledger.xlsx:台账:4:H: 日期“2021-02-30”不存在 — 应为日期，如 2021-11-15、2021/11/15 或 2021年11月15日",
    ]


def test_unknown_status(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", {"台账": [LEDGER_HEADER, ledger_row("A1", "甲", status="搁置待定")]})
    assert "未知的项目状态“搁置待定”" in rejected_lines([path], tmp_path / "d.duckdb")[0]


def test_every_error_is_reported_up_to_a_cap(tmp_path):
    rows = [f"盐湖高新区,2021,签约项目数,x{i},个" for i in range(400)]
    with pytest.raises(InputRejected) as info:
        load_files([long_csv(tmp_path, *rows)], tmp_path / "d.duckdb")
    report = info.value.report()
    assert len(info.value.errors) == 400 and len(report) == 301 and "另有 100 处错误" in report[-1]


def test_an_unknown_zone_is_offered_the_zones_of_its_place_first():
    from etl.facts import ZoneResolver

    zone_id, problem = ZoneResolver().resolve("盐湖开发区")  # 盐湖 names two zones: which one is for the clerk to say
    assert zone_id is None
    offered = problem.split("最接近的已知名称：")[1].split("、")
    assert "盐湖高新区" in offered and all("盐湖" in name for name in offered), offered
