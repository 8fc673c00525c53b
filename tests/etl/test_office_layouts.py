"""Tables laid out the way offices lay them out (tests/fixtures/make_office_layouts.py): what each stores, read
back through the SQL views, or the exact located refusal with the database left byte-identical."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.errors import InputRejected
from etl.publish import load_files
from tests.builders import query, write_csv, write_xlsx

LAYOUTS = Path(__file__).resolve().parents[1] / "fixtures" / "office" / "layouts"
SALT_LAKE, TAIYUAN = "X140802", "G142005"


def values(db: Path) -> dict[tuple[str, int, str], float]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT zone_id, year, indicator, value FROM indicator_values").fetchall()
    return {(z, y, i): v for z, y, i, v in rows}


def targets(db: Path) -> dict[tuple[str, int, str], float]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT zone_id, year, indicator, target FROM annual_targets").fetchall()
    return {(z, y, i): v for z, y, i, v in rows}


@pytest.fixture
def live_db(tmp_path) -> Path:
    db = tmp_path / "live.duckdb"
    load_files([write_csv(tmp_path / "seed.csv", ["开发区,年份,签约项目数", "晋城经开区,2019,8"])], db)
    return db


def refused(name: str, db: Path) -> list[str]:
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(InputRejected) as caught:
        load_files([LAYOUTS / name], db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize("name", ["unit_amount_label.xlsx", "unit_parenthesised.xlsx", "unit_two_kinds.csv",
                                  "unit_with_reporting_body.xlsx", "unit_in_title.xlsx", "unit_title_row_right.xlsx"])
def test_every_way_of_writing_wan_yuan_converts(name, live_db):
    load_files([LAYOUTS / name], live_db)
    stored = values(live_db)
    assert stored[(SALT_LAKE, 2021, "signed_investment")] == 179.78
    assert stored[(TAIYUAN, 2021, "signed_investment")] == 200
    assert stored[(SALT_LAKE, 2021, "signed_projects")] == 36


def test_measure_unit_yi_yuan_is_kept(live_db):
    load_files([LAYOUTS / "unit_measure_yi.xlsx"], live_db)
    assert values(live_db)[(SALT_LAKE, 2021, "signed_investment")] == 179.78


def test_where_the_unit_was_found_is_in_the_account(live_db):
    result = load_files([LAYOUTS / "unit_with_reporting_body.xlsx"], live_db, dry_run=True)
    (account,) = result.accounts
    assert account.units == ["金额：万元（A2“填报单位：运城市商务局　　单位：万元”）"]
    assert account.layout == "wide" and account.header_row == 3 and account.rows == 2


def test_header_unit_and_unit_line_that_disagree_name_both_cells(live_db):
    assert refused("unit_clash.xlsx", live_db) == [
        "unit_clash.xlsx:2021:3:C: 表头“签约项目总投资（万元）”的单位为万元，与A2“单位：亿元”的亿元不一致 — 请核对后只保留正确的单位"
        "（改表头括号内的单位或单位行）"]


def test_certain_synonyms_are_read(live_db):
    load_files([LAYOUTS / "synonyms_certain.xlsx"], live_db)
    stored = values(live_db)
    assert stored[(SALT_LAKE, 2021, "signed_investment")] == 179.78
    assert stored[(SALT_LAKE, 2021, "started_projects")] == 12


def test_generic_investment_in_a_started_projects_table_is_refused_with_the_rename(live_db):
    (message,) = refused("started_table_generic_money.xlsx", live_db)
    assert message.startswith("started_table_generic_money.xlsx:2021:3:C: 表头“总投资”含义不明")
    assert "请把表头改为“签约项目总投资”" in message


def test_unknown_numeric_column_is_an_error_naming_the_header(live_db):
    (message,) = refused("unknown_numeric_column.xlsx", live_db)
    assert message.startswith("unknown_numeric_column.xlsx:2021:2:C: 无法识别的列“固定资产投资”含数值")


def test_companion_columns_are_skipped_and_reported(live_db):
    result = load_files([LAYOUTS / "companion_columns.xlsx"], live_db)
    outcomes = {note.letter: note.outcome for note in result.accounts[0].columns}
    assert outcomes["A"].startswith("跳过") and outcomes["D"].startswith("跳过") and outcomes["E"].startswith("跳过")
    assert outcomes["C"] == "→ 签约项目数（本年数）"
    assert values(live_db)[(SALT_LAKE, 2021, "signed_projects")] == 36
    assert not any(key[2] != "signed_projects" for key in values(live_db))


def test_a_target_breakdown_goes_to_targets_not_values(live_db):
    load_files([LAYOUTS / "targets_wide.xlsx"], live_db)
    assert targets(live_db) == {(SALT_LAKE, 2022, "signed_projects"): 40, (SALT_LAKE, 2022, "signed_investment"): 200,
                                (TAIYUAN, 2022, "signed_projects"): 60, (TAIYUAN, 2022, "signed_investment"): 300}
    assert not any(year == 2022 for _z, year, _i in values(live_db))


def test_a_target_or_actual_table_is_refused_and_asks(live_db):
    (message,) = refused("targets_or_actual.xlsx", live_db)
    assert message.startswith("targets_or_actual.xlsx:Sheet1:3: 无法判断本表是目标还是完成数：标题“2022年各开发区目标任务完成情况”")


@pytest.mark.parametrize("name", ["two_row_header.xlsx", "two_row_header.csv"])
def test_two_row_header_takes_this_year_and_last_year_and_skips_growth(name, live_db):
    result = load_files([LAYOUTS / name], live_db)
    stored = values(live_db)
    assert stored[(SALT_LAKE, 2021, "signed_projects")] == 36 and stored[(SALT_LAKE, 2020, "signed_projects")] == 30
    assert stored[(SALT_LAKE, 2021, "signed_investment")] == 179.78
    assert stored[(SALT_LAKE, 2020, "signed_investment")] == 150.5
    assert sum(1 for n in result.accounts[0].columns if n.outcome.startswith("跳过")) == 2


def test_last_years_figure_never_overwrites_what_is_stored(live_db, tmp_path):
    load_files([write_csv(tmp_path / "y2020.csv", ["开发区,年份,签约项目数", "盐湖高新区,2020,31"])], live_db)
    result = load_files([LAYOUTS / "two_row_header.csv"], live_db)
    assert values(live_db)[(SALT_LAKE, 2020, "signed_projects")] == 31
    notes = result.accounts[0].notes
    assert any("上年同期数 30 与已有的 2020 年数据 31 不一致" in note for note in notes), notes


def test_zone_report_with_indicators_as_rows(live_db):
    result = load_files([LAYOUTS / "zone_report_year.xlsx"], live_db)
    stored = values(live_db)
    assert stored[(SALT_LAKE, 2021, "signed_projects")] == 36
    assert stored[(SALT_LAKE, 2021, "signed_investment")] == 179.78
    assert stored[(SALT_LAKE, 2020, "signed_investment")] == 150.5
    assert stored[(SALT_LAKE, 2021, "high_tech_enterprises")] == 52
    skipped = {(n.row, n.reason) for n in result.accounts[0].skipped_rows}
    assert {(3, "分类标题"), (6, "目录外指标")} <= skipped
    assert "开发区取自标题：运城盐湖高新技术产业开发区；年份：2021 年" in result.accounts[0].notes


@pytest.mark.parametrize("with_target", [True, False], ids=["target-actual-prior", "actual-prior"])
def test_a_zone_report_with_its_annual_target_beside_the_actual_figure(live_db, tmp_path, with_target):
    """太原经开区's own report: 年度目标 | 本年完成 | 完成率 | 上年同期, the zone in the title: the actual figures, last
    year's and the targets each go where they belong (it was refused as a target table without a zone column)."""
    head = ["指标名称", "单位", *(["年度目标"] if with_target else []), "本年完成", "完成率（%）", "上年同期"]
    rows = [["签约项目数", "个", 25, 20, 80.0, 18], ["签约项目总投资", "亿元", 70, 65.0, 92.9, 60.0],
            ["高新技术企业数", "家", 320, 300, 93.8, 280]]
    if not with_target:
        rows = [[r[0], r[1], *r[3:]] for r in rows]
    path = write_xlsx(tmp_path / "report.xlsx", {"Sheet1": [["太原经开区2021年主要指标完成情况"], head, *rows]})
    load_files([path], live_db)
    stored = values(live_db)
    zone = "G141004"
    for code, now, before in (("signed_projects", 20, 18), ("signed_investment", 65.0, 60.0),
                              ("high_tech_enterprises", 300, 280)):
        assert stored[(zone, 2021, code)] == now
        assert stored[(zone, 2020, code)] == before
    if with_target:
        assert {k: v for k, v in targets(live_db).items() if k[0] == zone} == {
            (zone, 2021, "signed_projects"): 25, (zone, 2021, "signed_investment"): 70,
            (zone, 2021, "high_tech_enterprises"): 320}


def test_a_heading_merged_over_its_columns_names_each_with_the_word_below(live_db, tmp_path):
    """签约项目 merged over 个数 | 总投资 | 其中：亿元以上, 新开工项目 over 个数: each column is the group's name plus its
    own (签约项目个数, 签约项目总投资); the 其中 part is skipped. It was read as three 签约项目数 columns."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["2021年开发区招商引资和项目建设情况表"], [None, None, None, None, None, None, "单位：个、亿元"],
                ["开发区", "签约项目", None, None, "新开工项目", "高新技术企业数"],
                [None, "个数", "总投资", "其中：亿元以上项目个数", "个数", None],
                ["盐湖高新区", 36, 179.78, 21, 30, 25], ["运城经开区", 22, 88.8, 9, 18, 30]):
        sheet.append(row)
    for merge in ("A1:F1", "A3:A4", "B3:D3", "F3:F4"):
        sheet.merge_cells(merge)
    book.save(tmp_path / "grouped.xlsx")
    result = load_files([tmp_path / "grouped.xlsx"], live_db)
    stored = values(live_db)
    for zone, signed, invested, started, high_tech in ((SALT_LAKE, 36, 179.78, 30, 25), ("S147018", 22, 88.8, 18, 30)):
        assert [stored[(zone, 2021, code)] for code in ("signed_projects", "signed_investment", "started_projects",
                                                         "high_tech_enterprises")] == [signed, invested, started, high_tech]
    assert not [k for k in stored if k[1] == 2021 and k[0] in (SALT_LAKE, "S147018") and k[2] not in (
        "signed_projects", "signed_investment", "started_projects", "high_tech_enterprises")]
    outcomes = {note.header: note.outcome for note in result.accounts[0].columns}
    assert outcomes["签约项目·其中：亿元以上项目个数"].startswith("跳过"), outcomes


def test_a_table_with_zones_as_columns_is_refused_with_how_to_transpose_it(live_db, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["2021年运城市开发区主要指标", "2021年运城市开发区主要指标", "2021年运城市开发区主要指标"],
        ["指标", "盐湖高新区", "运城经开区"], ["签约项目数", 36, 22], ["签约项目总投资", 179.78, 88.8]]})
    with pytest.raises(InputRejected) as caught:
        load_files([path], live_db)
    message = str(caught.value.errors[0])
    assert "每列一个开发区（盐湖高新区、运城经开区…）" in message and "转置" in message, message


def test_a_header_of_targets_and_actuals_without_the_indicator_asks_for_it(live_db, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["2021年各开发区签约项目目标任务完成情况"], ["开发区", "年度目标（个）", "1-12月完成（个）", "完成率（%）", "排名"],
        ["盐湖高新区", 30, 36, 120.0, 1]]})
    with pytest.raises(InputRejected) as caught:
        load_files([path], live_db)
    message = str(caught.value.errors[0])
    assert "看到的表头：“开发区”、“年度目标（个）”" in message, message  # the row as written, once
    assert "而没有指标名称 — 请在表头写明是哪个指标，如“签约项目数（目标）”" in message, message


def test_a_header_naming_the_indicator_and_which_year_of_it_in_one_cell(live_db, tmp_path):
    """签约项目数（上年同期）was read as this year's figure in a unit called 上年同期 (and refused)."""
    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["2021年开发区签约项目情况"],
        ["开发区", "签约项目数（本年）", "签约项目数（上年同期）", "签约总投资（亿元）去年", "本年签约项目总投资（万元）"],
        ["盐湖高新区", 36, 30, 150.2, 1797800]]})
    load_files([path], live_db)
    stored = values(live_db)
    assert [stored[(SALT_LAKE, 2021, "signed_projects")], stored[(SALT_LAKE, 2021, "signed_investment")]] == [36, 179.78]
    assert [stored[(SALT_LAKE, 2020, "signed_projects")], stored[(SALT_LAKE, 2020, "signed_investment")]] == [30, 150.2]


def test_a_second_table_under_a_section_heading_takes_the_sheets_year(live_db, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": [
        ["2021年全市开发区主要指标完成情况"], ["一、招商引资"], ["开发区", "签约项目数（个）", "签约项目总投资（亿元）"],
        ["盐湖高新区", 36, 179.78], ["运城经开区", 22, 88.8], [None],
        ["二、企业培育"], ["开发区", "高新技术企业数（家）", "专精特新企业数（家）"], ["盐湖高新区", 25, 4], ["运城经开区", 30, 6]]})
    load_files([path], live_db)
    stored = values(live_db)
    assert [stored[(SALT_LAKE, 2021, c)] for c in ("signed_projects", "signed_investment", "high_tech_enterprises",
                                                   "srdi_enterprises")] == [36, 179.78, 25, 4]
    assert stored[("S147018", 2021, "high_tech_enterprises")] == 30


def test_a_title_dating_its_year_in_chinese_numerals(live_db, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": [["二〇二一年全市开发区主要指标完成情况"], ["开发区", "签约项目数（个）"],
                                                       ["盐湖高新区", 36]]})
    load_files([path], live_db)
    assert values(live_db)[(SALT_LAKE, 2021, "signed_projects")] == 36
    part = write_xlsx(tmp_path / "p.xlsx", {"Sheet1": [["二〇二一年1—11月全市开发区主要指标"], ["开发区", "签约项目数（个）"],
                                                      ["盐湖高新区", 33]]})
    with pytest.raises(InputRejected) as caught:  # still a part of the year, however the year is written
        load_files([part], live_db)
    assert "部分月份的累计数" in str(caught.value.errors[0])


def test_zone_report_of_eleven_months_is_refused_with_why(live_db):
    (message,) = refused("zone_report_eleven_months.xlsx", live_db)
    assert message.startswith("zone_report_eleven_months.xlsx:主要指标:1: 标题/工作表名“2025年1—11月”表明本表是部分月份的累计数")


def test_a_sheet_per_year_loads_each_into_its_year(live_db):
    load_files([LAYOUTS / "sheets_per_year.xlsx"], live_db)
    stored = values(live_db)
    assert stored[(SALT_LAKE, 2019, "signed_investment")] == 100
    assert stored[(SALT_LAKE, 2020, "signed_investment")] == 120


def test_sheet_name_and_title_that_disagree_on_the_year_are_refused(live_db):
    assert refused("sheet_title_year_clash.xlsx", live_db) == [
        "sheet_title_year_clash.xlsx:2024:1: 工作表名“2024”为 2024 年，标题为 2025 年 — 请改正其一，使年份一致"]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_zone_column_spellings(number, live_db):
    load_files([LAYOUTS / f"zone_header_{number}.xlsx"], live_db)
    assert values(live_db)[(SALT_LAKE, 2021, "signed_projects")] == 36


def test_no_header_lists_what_it_saw_and_the_nearest_names(live_db):
    (message,) = refused("no_header.xlsx", live_db)
    assert "看到的表头：“2021年情况”" not in message
    assert "“项目个数”（最接近：" in message and "“投资额度”（最接近：" in message


def test_json_account_from_the_cli(live_db):
    result = subprocess.run([sys.executable, "-m", "etl", "load", str(LAYOUTS / "zone_report_year.xlsx"), "--db",
                             str(live_db), "--dry-run", "--json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (sheet,) = report["sheets"]
    assert sheet["layout"] == "zone_report" and sheet["sheet"] == "主要指标"
    assert {"letter": "C", "header": "本年累计"}.items() <= next(c for c in sheet["columns"] if c["letter"] == "C").items()
    changed = {(d["zone_code"] if "zone_code" in d else d.get("zone_id"), d.get("year")) for d in report["diffs"]["values"]}
    assert len(changed) == 2 and report["dry_run"] is True


def test_json_refusal_from_the_cli(live_db):
    result = subprocess.run([sys.executable, "-m", "etl", "load", str(LAYOUTS / "unit_clash.xlsx"), "--db",
                             str(live_db), "--json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["rejected"] and report["errors"][0]["location"] == "unit_clash.xlsx:2021:3:C"


def test_a_hidden_column_is_left_out_and_said(live_db, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2021"
    for row in (["开发区名称", "签约项目数", "签约项目总投资"], ["盐湖高新区", 36, 9999]):
        sheet.append(row)
    sheet.column_dimensions["C"].hidden = True
    workbook.save(tmp_path / "hidden_column.xlsx")
    result = load_files([tmp_path / "hidden_column.xlsx"], live_db)
    assert (SALT_LAKE, 2021, "signed_investment") not in values(live_db)
    assert values(live_db)[(SALT_LAKE, 2021, "signed_projects")] == 36
    assert {n.letter: n.outcome for n in result.accounts[0].columns}["C"] == "跳过：隐藏列"


def test_a_figure_merged_over_two_rows_is_refused(live_db, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2021"
    for row in (["开发区名称", "签约项目数", "签约项目总投资"], ["盐湖高新区", 36, 100], ["太原高新区", 50, None]):
        sheet.append(row)
    sheet.merge_cells("C2:C3")  # one 100 for two zones: copying it into both would double it
    workbook.save(tmp_path / "merged_figure.xlsx")
    before = hashlib.sha256(live_db.read_bytes()).hexdigest()
    with pytest.raises(InputRejected) as caught:
        load_files([tmp_path / "merged_figure.xlsx"], live_db)
    assert [str(e) for e in caught.value.errors] == [
        "merged_figure.xlsx:2021:2:C: 数值“100”是合并单元格 C2:C3，无法判断属于哪一行/哪一列 — 请取消合并，把数值只填在它所属的单元格中"]
    assert hashlib.sha256(live_db.read_bytes()).hexdigest() == before


def test_a_merged_zone_label_over_two_rows_is_filled(live_db, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["开发区名称", "年份", "签约项目数"], ["盐湖高新区", 2020, 30], [None, 2021, 36]):
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    workbook.save(tmp_path / "merged_zone.xlsx")
    load_files([tmp_path / "merged_zone.xlsx"], live_db)
    assert values(live_db)[(SALT_LAKE, 2021, "signed_projects")] == 36
    assert values(live_db)[(SALT_LAKE, 2020, "signed_projects")] == 30


def test_an_unknown_sub_header_under_an_indicator_is_not_read_as_this_year(live_db, tmp_path):
    path = write_csv(tmp_path / "monthly.csv", ["2021年开发区招商情况,,", "开发区名称,签约项目数,", ",本月,本年累计",
                                               "盐湖高新区,3,36"])
    before = hashlib.sha256(live_db.read_bytes()).hexdigest()
    with pytest.raises(InputRejected) as caught:
        load_files([path], live_db)
    assert str(caught.value.errors[0]).startswith("monthly.csv:3:B: 无法识别的列“签约项目数·本月”含数值")
    assert hashlib.sha256(live_db.read_bytes()).hexdigest() == before


def test_a_city_report_as_sent_loads_with_its_total_checked_and_footer_skipped(live_db):
    result = load_files([LAYOUTS / "city_report.csv"], live_db)
    stored = values(live_db)
    yuncheng = "S147018"
    assert stored[(SALT_LAKE, 2021, "signed_investment")] == 179.78 and stored[(SALT_LAKE, 2020, "signed_investment")] == 150.5
    assert stored[(yuncheng, 2021, "signed_projects")] == 20 and stored[(yuncheng, 2020, "signed_projects")] == 18
    assert len(stored) == 9  # the seed's one figure and these eight: nothing from the total, note or signatures
    reasons = {n.row: n.reason for n in result.accounts[0].skipped_rows}
    assert reasons == {7: "合计行", 8: "说明", 9: "表尾", 10: "表尾"}


def test_targets_and_actuals_side_by_side(live_db):
    load_files([LAYOUTS / "targets_and_actuals.csv"], live_db)
    assert values(live_db)[(TAIYUAN, 2022, "signed_projects")] == 66
    assert targets(live_db)[(TAIYUAN, 2022, "signed_projects")] == 60
    assert targets(live_db)[(SALT_LAKE, 2022, "signed_investment")] == 200
    assert values(live_db)[(SALT_LAKE, 2022, "signed_investment")] == 179.78


@pytest.fixture
def history_db(live_db, tmp_path) -> Path:
    load_files([write_csv(tmp_path / "y2020.csv", ["开发区,年份,签约项目数,签约项目总投资（亿元）",
                                                   "盐湖高新区,2020,30,179.78", "太原高新区,2020,45,280"])], live_db)
    return live_db


def test_wan_yuan_figures_under_a_yi_yuan_line_are_caught_and_need_confirming(history_db):
    before = hashlib.sha256(history_db.read_bytes()).hexdigest()
    listed = load_files([LAYOUTS / "wan_as_yi.xlsx"], history_db, dry_run=True).outliers
    assert [str(e).split(" — ")[0] for e in listed] == [
        "wan_as_yi.xlsx:2021:4:C: “签约项目总投资”为 1,797,800 亿元，是该区历年最大值 179.78 亿元（2020年，已入库）的 10,000 倍"]
    assert "疑似把万元当作亿元填报" in str(listed[0])
    with pytest.raises(InputRejected):
        load_files([LAYOUTS / "wan_as_yi.xlsx"], history_db)
    assert hashlib.sha256(history_db.read_bytes()).hexdigest() == before
    load_files([LAYOUTS / "wan_as_yi.xlsx"], history_db, confirm_outliers=True)
    assert values(history_db)[(SALT_LAKE, 2021, "signed_investment")] == 1797800


def test_a_ledger_re_sent_without_ids_updates_the_same_projects(live_db):
    load_files([LAYOUTS / "ledger_with_ids.xlsx"], live_db)
    result = load_files([LAYOUTS / "ledger_resent_without_ids.xlsx"], live_db)
    # both are updated (the new 截至 date is each row's update day); none is added again
    assert (result.changes["projects"].added, result.changes["projects"].changed) == (0, 2)
    with duckdb.connect(str(live_db), read_only=True) as con:
        rows = con.execute("SELECT project_id, status FROM projects ORDER BY project_id").fetchall()
    assert rows == [("P-001", "开工"), ("P-002", "签约")]


@pytest.mark.parametrize("title, header", [("盐湖高新区2021年1—11月主要经济指标完成情况", "1-11月累计"),
                                           ("盐湖高新区2021年主要经济指标完成情况", "1-11月累计"),
                                           ("盐湖高新区2021年主要经济指标完成情况", "1至6月完成")])
def test_a_zone_report_of_part_of_a_year_is_refused_for_that_reason(tmp_path, title, header):
    path = write_xlsx(tmp_path / "part.xlsx", {"Sheet1": [[title], ["指标名称", "单位", header, "同比增长%"],
                                                          ["签约项目数", "个", 33, 12.5]]})
    with pytest.raises(InputRejected) as caught:
        load_files([path], tmp_path / "d.duckdb")
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == 1 and "部分月份的累计数" in messages[0] and "找不到可识别的表头" not in messages[0]
    assert not (tmp_path / "d.duckdb").exists()


def test_a_full_year_month_span_column_is_the_years_value(tmp_path):
    path = write_xlsx(tmp_path / "full.xlsx", {"Sheet1": [["盐湖高新区2021年主要经济指标完成情况"],
                                                          ["指标名称", "单位", "1—12月累计"], ["签约项目数", "个", 36]]})
    load_files([path], tmp_path / "d.duckdb")
    assert query(tmp_path / "d.duckdb", "SELECT year, value FROM indicator_values WHERE indicator = 'signed_projects'"
                 " AND zone_id = (SELECT zone_id FROM zones WHERE short_name = '盐湖高新区')") == [(2021, 36.0)]


@pytest.mark.parametrize("rows", [
    [["2019—2021年各开发区签约项目数"], ["开发区", "2019年", "2020年", "2021年"], ["盐湖高新区", 15, 19, 36]],
    [["盐湖高新区主要指标"], ["指标", 2020, 2021], ["签约项目数（个）", 19, 36]],
])
def test_a_table_with_a_column_per_year_is_refused_saying_how_to_send_it(tmp_path, rows):
    with pytest.raises(InputRejected) as caught:
        load_files([write_xlsx(tmp_path / "years.xlsx", {"Sheet1": rows})], tmp_path / "d.duckdb")
    (message,) = [str(e) for e in caught.value.errors]
    assert "每个年份一列" in message and "2020" in message and "工作表名写年份" in message


def test_a_zone_report_headed_xiangmu_with_cumulative_columns_loads_its_indicators(tmp_path):
    path = write_xlsx(tmp_path / "own.xlsx", {"Sheet1": [
        ["盐湖高新区2021年主要经济指标完成情况表"], ["项目", "单位", "本年累计数", "上年同期数", "增长%"],
        ["签约项目数", "个", 36, 19, 89.5], ["签约项目总投资", "亿元", 179.78, 95.1, 89.0]]})
    result = load_files([path], tmp_path / "d.duckdb")
    got = query(tmp_path / "d.duckdb", "SELECT year, indicator, value FROM indicator_values ORDER BY ALL")
    assert got == [(2020, "signed_investment", 95.1), (2020, "signed_projects", 19.0),
                   (2021, "signed_investment", 179.78), (2021, "signed_projects", 36.0)]
    assert not query(tmp_path / "d.duckdb", "SELECT * FROM projects")
    assert result.accounts[0].layout_name.startswith("单个开发区指标表")
