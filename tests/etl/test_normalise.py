import datetime as dt

import pytest

from etl.cells import parse_number
from etl.facts import ZoneResolver, parse_date, parse_year, to_canonical
from etl.publish import load_files
from tests.builders import query, write_csv


@pytest.mark.parametrize("raw, expected", [
    ("1,234.5", 1234.5), (" 36 ", 36.0), (36, 36.0), (179.78, 179.78), ("１２３", 123.0), ("1 797 800", 1797800.0),
])
def test_numbers_written_as_text(raw, expected):
    assert parse_number(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["", "—", "-", "/", None, "  ", "——", "－"])
def test_missing_is_not_zero(raw):
    assert parse_number(raw) == (None, None)


@pytest.mark.parametrize("raw", ["12,5", "0,5", "1,2345.6", "1234,567", "12,34"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused_not_dropped(raw):
    """12,5 (a decimal comma) was read as 125: ten times the figure."""
    number, problem = parse_number(raw)
    assert number is None and "逗号不在千分位上" in problem, (raw, number, problem)


@pytest.mark.parametrize("raw, expected", [("'12", 12.0), ("'23.40", 23.4), ("‘1,234", 1234.0)])
def test_the_text_prefix_pasted_with_a_number_is_not_part_of_it(raw, expected):
    assert parse_number(raw) == (expected, None)


def test_percent_and_junk_are_flagged():
    assert parse_number("12.5%") == (12.5, "percent")
    assert parse_number("abc")[1] and parse_number(dt.date(2021, 1, 1))[1]


@pytest.mark.parametrize("raw", ["2021-11-15", "2021/11/15", "2021年11月15日", "2021.11.15", "20211115",
                                 dt.datetime(2021, 11, 15, 0, 0), dt.date(2021, 11, 15), 44515, "2021-11-15 00:00:00"])
def test_dates_in_every_accepted_form(raw):
    assert parse_date(raw) == (dt.date(2021, 11, 15), None)


@pytest.mark.parametrize("raw, problem", [("2021-02-30", "不存在"), ("2023年13月1日", "不存在"), ("明年", "不是可识别的日期")])
def test_impossible_dates(raw, problem):
    value, message = parse_date(raw)
    assert value is None and problem in message


def test_years():
    assert parse_year("2021年") == (2021, None)
    assert parse_year("2021年度") == (2021, None)
    assert parse_year(2021.0) == (2021, None)
    assert parse_year("二〇二一")[1]
    assert parse_year("年度")[1]


@pytest.mark.parametrize("written", ["2021-09", "2021.12", "2021年9月", "2021/9/1", "2021年9月1日", "2021.5.20"])
def test_a_recognition_dated_by_month_or_day_is_of_its_year(written):
    assert parse_year(written, dated=True) == (2021, None)
    assert parse_year(written)[1]  # a 年份 column of figures says a year, not a day
    assert parse_year("2021-13", dated=True)[1] and parse_year("2021年13月", dated=True)[1]


def test_an_enterprise_list_dated_by_month_loads_each_firm_in_its_year(tmp_path):
    db = tmp_path / "d.duckdb"
    path = write_csv(tmp_path / "名录.csv", ["企业名称,所属开发区,认定类别,认定年份", "甲科技有限公司,盐湖高新区,高新技术企业,2021-09",
                                          "乙制冷有限公司,盐湖高新区,专精特新中小企业,2022年3月"])
    load_files([path], db)
    assert query(db, "SELECT enterprise_name, recognised_year FROM enterprises ORDER BY 1") == [
        ("乙制冷有限公司", 2022), ("甲科技有限公司", 2021)]


@pytest.mark.parametrize("name", ["运城盐湖高新技术产业开发区", "盐湖高新区", "山西运城盐湖高新技术产业开发区", " 盐湖 高新区 ", "X140802"])
def test_zone_names_full_short_and_prefixed(name):
    assert ZoneResolver().resolve(name) == ("X140802", None)


@pytest.mark.parametrize("name", ["盐湖高新区管委会", "运城盐湖高新技术产业开发区管理委员会", "盐湖高新区*", "盐湖高新区※",
                                  "盐湖高新区（注1）", "盐湖高新区管委会＊"])
def test_a_zone_named_with_its_management_committee_or_a_footnote_mark_is_that_zone(name):
    assert ZoneResolver().resolve(name) == ("X140802", None)


@pytest.mark.parametrize("name", ["管委会", "*", "盐湖高新区分局", "盐湖高新区（筹）"])
def test_what_is_left_without_decoration_must_still_be_a_zone(name):
    zone_id, message = ZoneResolver().resolve(name)
    assert zone_id is None and message.startswith("未知的开发区")


def test_zone_without_shanxi_prefix():
    assert ZoneResolver().resolve("运城经济开发区")[0] == "S147018"
    assert ZoneResolver().resolve("运城经开区")[0] == "S147018"


def test_unknown_zone_lists_closest_names():
    zone_id, message = ZoneResolver().resolve("盐湖高兴区")
    assert zone_id is None and "盐湖高新区" in message.split("最接近")[1]


def test_money_converted_exactly():
    assert to_canonical(1797800, 0.0001) == 179.78
    assert to_canonical(5000, 0.0001) == 0.5
    assert to_canonical(17978000000, 1e-8) == 179.78


@pytest.mark.parametrize("written, stored", [
    ("专精特新“小巨人”企业", "专精特新“小巨人”"), ("专精特新小巨人企业", "专精特新“小巨人”"), ("小巨人企业", "专精特新“小巨人”"),
    ("两化融合贯标企业", "两化融合管理体系贯标"), ("国家级高新技术企业", "高新技术企业"), ("专精特新", "专精特新中小企业")])
def test_enterprise_categories_as_lists_write_them(tmp_path, written, stored):
    db = tmp_path / "d.duckdb"
    load_files([write_csv(tmp_path / "名录.csv", ["企业名称,所属开发区,认定类别,认定年份", f"某某公司,盐湖高新区,{written},2022"])], db)
    assert query(db, "SELECT category FROM enterprises") == [(stored,)]


def test_an_enterprise_list_with_its_year_only_in_the_title(tmp_path):
    from tests.builders import write_xlsx

    db = tmp_path / "d.duckdb"
    path = write_xlsx(tmp_path / "名单.xlsx", {"2021年新认定": [["2021年新认定高新技术企业名单"], ["序号", "企业名称", "所属开发区", "认定类别"],
                                                              [1, "太原甲半导体有限公司", "太原高新区", "高新技术企业"]]})
    result = load_files([path], db)
    assert query(db, "SELECT enterprise_name, recognised_year FROM enterprises") == [("太原甲半导体有限公司", 2021)]
    assert any(note.startswith("认定年份取自") for account in result.accounts for note in account.notes)


def test_a_firm_listed_under_two_zones_is_said(tmp_path):
    db = tmp_path / "d.duckdb"
    path = write_csv(tmp_path / "名录.csv", ["企业名称,所属开发区,认定类别,认定年份", "运城丙机械有限公司,盐湖高新区,四上企业,2021",
                                          "运城丙机械有限公司,运城经开区,四上企业,2021", "甲科技有限公司,盐湖高新区,高新技术企业,2021"])
    result = load_files([path], db)
    notes = [note for account in result.accounts for note in account.notes]
    assert any(note.startswith("企业“运城丙机械有限公司”同时列在") and "两处都计入" in note for note in notes), notes
    assert not any("甲科技" in note for note in notes)
