"""An indicator named with its unit — 签约项目总投资（万元） as a row of a zone's report, a long table's 指标 cell or
a target's — is that indicator in that unit; a 单位 cell or header that says otherwise is refused, not guessed;
and a file whose every row is skipped is refused instead of being reported as "no change"."""
from __future__ import annotations

import hashlib

import pytest

from etl.errors import InputRejected
from etl.facts import indicator_and_unit
from etl.publish import load_files
from tests.builders import query, write_csv, write_xlsx

TITLE = "盐湖高新区2021年主要经济指标完成情况"
SALT_LAKE_VALUES = ("SELECT indicator, year, value FROM indicator_values WHERE zone_id ="
                    " (SELECT zone_id FROM zones WHERE short_name = '盐湖高新区') ORDER BY indicator, year")


@pytest.mark.parametrize("label, expected", [
    ("签约项目总投资（万元）", ("signed_investment", "万元")),
    ("签约项目总投资 (亿元)", ("signed_investment", "亿元")),
    ("签约项目数（个）", ("signed_projects", "个")),
    ("签约项目数", ("signed_projects", None)),
    ("签约项目数（含续建）", (None, None)),  # not a unit: another definition, not this indicator
    ("营业收入（万元）", (None, None)),
    ("一、签约项目数（个）", ("signed_projects", "个")),  # an outline number is not part of the name
    ("（二）签约项目总投资", ("signed_investment", None)),
    ("12.高新技术企业数", ("high_tech_enterprises", None)),
    ("1.5签约项目数", (None, None)),
    ("①签约项目数", ("signed_projects", None)),  # circled numbers, as Word and WPS number a list
    ("⑫高新技术企业数（家）", ("high_tech_enterprises", "家")),
    ("❷签约项目总投资(万元)", ("signed_investment", "万元")),
    ("➀签约项目数", ("signed_projects", None)),
    ("㊁签约项目总投资", ("signed_investment", None)),
    ("㈢签约项目数", ("signed_projects", None)),
    ("⑴签约项目数", ("signed_projects", None)),
    ("⒉签约项目数", ("signed_projects", None)),
    ("1）签约项目数", ("signed_projects", None)),
    ("二)签约项目总投资", ("signed_investment", None)),
    ("1签约项目数", (None, None)),  # a bare digit could be part of a name: not taken for a number
    # the names clerks write for the catalogue's indicators
    ("专精特新中小企业数", ("srdi_enterprises", None)),
    ("新增“四上”企业数（家）", ("new_four_above_enterprises", "家")),
    ("两化融合贯标企业数", ("ii_integration_pilots", None)),
    ("国家级孵化器数", ("national_incubators", None)),
    ("预计利税总额（亿元）", ("projected_tax", "亿元")),
    ("四上企业总数", (None, None)),  # all of them, not the newly cultivated
    ("专精特新“小巨人”企业", (None, None)),
])
def test_a_label_gives_its_indicator_and_the_unit_after_it(label, expected):
    assert indicator_and_unit(label) == expected


def test_a_zone_report_numbering_its_indicators_with_circled_numbers_loads_each_row(tmp_path):
    path = write_xlsx(tmp_path / "report.xlsx", {"Sheet1": [
        [TITLE], ["单位：亿元、个"], ["指标名称", "本年累计", "上年同期"],
        ["①签约项目数（个）", 36, 30], ["②签约项目总投资（万元）", 1797800, 1505000], ["③高新技术企业数", 52, 48]]})
    load_files([path], tmp_path / "d.duckdb")
    assert query(tmp_path / "d.duckdb", SALT_LAKE_VALUES) == [
        ("high_tech_enterprises", 2020, 48.0), ("high_tech_enterprises", 2021, 52.0),
        ("signed_investment", 2020, 150.5), ("signed_investment", 2021, 179.78),
        ("signed_projects", 2020, 30.0), ("signed_projects", 2021, 36.0)]


def test_a_zone_report_with_units_in_its_indicator_names_converts_each_row(tmp_path):
    path = write_xlsx(tmp_path / "report.xlsx", {"Sheet1": [
        [TITLE], ["单位：亿元、个"], ["序号", "指标名称", "本年累计", "上年同期", "同比增长(%)"],
        ["1", "签约项目数（个）", 36, 30, 20.0],
        ["2", "签约项目总投资（万元）", 1797800, 1505000, 19.5],
        ["3", "高新技术企业数（家）", 52, 48, 8.3]]})
    load_files([path], tmp_path / "d.duckdb")
    assert query(tmp_path / "d.duckdb", SALT_LAKE_VALUES) == [
        ("high_tech_enterprises", 2020, 48.0), ("high_tech_enterprises", 2021, 52.0),
        ("signed_investment", 2020, 150.5), ("signed_investment", 2021, 179.78),
        ("signed_projects", 2020, 30.0), ("signed_projects", 2021, 36.0)]


def test_a_long_table_with_units_in_its_indicator_cells_converts_each_row(tmp_path):
    path = write_csv(tmp_path / "long.csv", ["开发区,年份,指标,数值", "盐湖高新区,2021,签约项目总投资（万元）,1797800",
                                             "盐湖高新区,2021,签约项目数(个),36", "盐湖高新区,2020,签约项目总投资,150.5"])
    load_files([path], tmp_path / "d.duckdb")
    assert query(tmp_path / "d.duckdb", SALT_LAKE_VALUES) == [
        ("signed_investment", 2020, 150.5), ("signed_investment", 2021, 179.78), ("signed_projects", 2021, 36.0)]


def test_targets_with_units_in_their_indicator_cells_convert(tmp_path):
    path = write_csv(tmp_path / "targets.csv", ["开发区,年份,指标,目标值", "盐湖高新区,2021,签约项目总投资（万元）,2000000"])
    load_files([path], tmp_path / "d.duckdb")
    assert query(tmp_path / "d.duckdb", "SELECT indicator, target FROM annual_targets") == [("signed_investment", 200.0)]


@pytest.mark.parametrize("name, rows, where", [
    ("long.csv", ["开发区,年份,指标,数值,单位", "盐湖高新区,2021,签约项目总投资（万元）,179.78,亿元"], ":2:E:"),
    ("report.csv", [TITLE, "指标名称,本年累计（亿元）", "签约项目总投资（万元）,179.78"], ":3:A:"),
])
def test_a_unit_that_contradicts_the_one_in_the_name_is_refused_naming_both(tmp_path, name, rows, where):
    db = tmp_path / "d.duckdb"
    load_files([write_csv(tmp_path / "seed.csv", ["开发区,年份,签约项目数", "晋城经开区,2019,8"])], db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(InputRejected) as caught:
        load_files([write_csv(tmp_path / name, rows)], db)
    (message,) = [str(e) for e in caught.value.errors]
    assert where in message and "“万元”" in message and "“亿元”" in message and "不一致" in message, message
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_file_whose_every_row_is_skipped_is_refused_not_reported_unchanged(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([write_csv(tmp_path / "seed.csv", ["开发区,年份,签约项目数", "晋城经开区,2019,8"])], db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    path = write_xlsx(tmp_path / "other.xlsx", {"Sheet1": [[TITLE], ["指标名称", "本年累计", "上年同期"],
                                                           ["营业收入（万元）", 52000, 48000], ["税收收入（万元）", 3100, 2900]]})
    with pytest.raises(InputRejected) as caught:
        load_files([path], db)
    (message,) = [str(e) for e in caught.value.errors]
    assert message.startswith("other.xlsx") and "没有读到可导入的数据" in message, message
    skipped = {(n.row, n.reason) for n in caught.value.accounts[0].skipped_rows}
    assert skipped == {(3, "目录外指标"), (4, "目录外指标")}
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def _wide_with_format(path, header: str, number_format: str | None):
    """A wide sheet of two zones' 签约项目总投资 typed as 3000 and 800, shown with `number_format`."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["2021年开发区签约情况"], ["开发区", "签约项目数", header], ["盐湖高新区", 4, 3000], ["太原高新区", 2, 800]):
        sheet.append(row)
    if number_format:
        for row in (3, 4):
            sheet.cell(row=row, column=3).number_format = number_format
    book.save(path)
    return path


@pytest.mark.parametrize("number_format", ['#,##0"万元"', '0.00\\万\\元'])
def test_money_shown_in_wan_by_its_number_format_but_stated_nowhere_is_refused(tmp_path, number_format):
    """Excel shows "3,000万元" while the cell holds 3000: read as 亿元 it would be 10,000 times too large."""
    path = _wide_with_format(tmp_path / "签约.xlsx", "签约项目总投资", number_format)
    with pytest.raises(InputRejected) as caught:
        load_files([path], tmp_path / "d.duckdb")
    messages = [str(e) for e in caught.value.errors]
    assert messages and all("显示格式带有“万元”" in m and "签约项目总投资（万元）" in m for m in messages), messages
    assert messages[0].startswith("签约.xlsx:Sheet:3:C: ")
    assert not (tmp_path / "d.duckdb").exists()


def test_money_with_its_unit_in_the_header_loads_whatever_its_number_format(tmp_path):
    path = _wide_with_format(tmp_path / "签约.xlsx", "签约项目总投资（万元）", '#,##0"万元"')
    load_files([path], tmp_path / "d.duckdb")
    assert query(tmp_path / "d.duckdb", "SELECT value FROM indicator_values WHERE indicator = 'signed_investment'"
                                        " ORDER BY value") == [(0.08,), (0.3,)]


def test_money_stated_nowhere_is_read_in_yi_and_the_reading_notes_says_so(tmp_path):
    from etl.publish import parse_files

    path = _wide_with_format(tmp_path / "签约.xlsx", "签约项目总投资", None)
    batch, errors = parse_files([path])
    assert not errors
    notes = [note for account in batch.accounts for note in account.notes]
    assert any("“签约项目总投资”未注明单位：按亿元读取" in note for note in notes), notes
    ledger = write_xlsx(tmp_path / "台账.xlsx", {"台账": [["项目名称", "所属开发区", "总投资", "签约日期"],
                                                         ["甲项目", "盐湖高新区", 12.5, "2021-03-08"]]})
    batch, errors = parse_files([ledger])
    assert not errors
    notes = [note for account in batch.accounts for note in account.notes]
    assert any("“总投资”未注明单位：按亿元读取" in note for note in notes), notes


def test_growth_and_rank_rows_of_a_long_table_are_skipped_and_said(tmp_path):
    """签约项目数同比增长 -14.3% in a long table is a rate of the indicator, like a 同比 column of a wide one."""
    from etl.publish import parse_files

    path = write_csv(tmp_path / "long.csv", ["开发区,年份,指标,数值,单位", "盐湖高新区,2021,签约项目数,36,个",
                                             "盐湖高新区,2021,签约项目数同比增长,-14.3%,", "盐湖高新区,2021,签约项目总投资增速,-12.5,%",
                                             "盐湖高新区,2021,签约项目总投资,179.78,亿元", "盐湖高新区,2021,签约项目数全省排名,3,"])
    batch, errors = parse_files([path])
    assert not errors, [str(e) for e in errors]
    assert sorted(zip(batch.frames["values"]["indicator"], batch.frames["values"]["value"], strict=True)) == [
        ("signed_investment", 179.78), ("signed_projects", 36.0)]
    notes = [note for account in batch.accounts for note in account.notes]
    assert any(note.startswith("跳过增速、同比、排名等行（") and "签约项目数同比增长" in note for note in notes), notes
    unknown = write_csv(tmp_path / "u.csv", ["开发区,年份,指标,数值", "盐湖高新区,2021,营业收入,12"])
    assert parse_files([unknown])[1]  # an indicator the catalogue lacks is still refused


@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_an_xls_showing_its_money_in_wan_by_number_format_is_refused_too(tmp_path, suffix):
    """The same trap in an Excel 97–2003 / WPS file (tests/fixtures/make_office_formats.py, saved by LibreOffice)."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "fixtures" / "office" / "formats" / "wan_format.xls"
    path = tmp_path / f"签约{suffix}"
    path.write_bytes(source.read_bytes())
    with pytest.raises(InputRejected) as caught:
        load_files([path], tmp_path / "d.duckdb")
    messages = [str(e) for e in caught.value.errors]
    assert messages and all("显示格式带有“万元”" in m for m in messages), messages
