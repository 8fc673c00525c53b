import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from devzone import fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (179.78, "179.78亿元"),
        (20, "20亿元"),
        (20.0, "20亿元"),
        (1.5, "1.5亿元"),
        (1, "1亿元"),
        (1234.5, "1,234.5亿元"),
        (0.5, "5,000万元"),  # 利税 of the 宏明 project
        (0.29, "2,900万元"),  # not 2,899.99…: floats are read by their shortest repr
        (0.123456, "1,234.56万元"),
        (0.00005, "0.5万元"),
        (0.99999999, "1亿元"),  # rounds up to 10,000万元, which is written in 亿元
        (0, "0万元"),
        (-0.5, "-5,000万元"),
        (-179.78, "-179.78亿元"),
        (2.345, "2.35亿元"),  # 四舍五入, not banker's rounding
        (2.335, "2.34亿元"),
    ],
)
def test_money_in_chinese_follows_official_reports(value, expected):
    assert fmt.money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (179.78, "RMB 17.98 bn"),
        (136.49, "RMB 13.65 bn"),
        (20, "RMB 2 bn"),
        (0.5, "RMB 50 mn"),
        (3.5, "RMB 350 mn"),
        (0.00005, "RMB 5,000"),
    ],
)
def test_money_in_english(value, expected):
    assert fmt.money(value, "en") == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_is_a_dash_never_zero(missing):
    assert fmt.money(missing) == "—"
    assert fmt.count(missing, "个") == "—"
    assert fmt.rank(missing, 28) == "—"
    assert fmt.yoy(missing, 10) == "—"
    assert fmt.yoy(10, missing) == "—"
    assert fmt.percent(missing) == "—"
    assert fmt.date(missing) == "—"
    assert fmt.indicator_value(missing, "亿元") == "—"


def test_counts_carry_their_measure_word_in_chinese_only():
    assert fmt.count(36, "个") == "36个"
    assert fmt.count(19.0, "家") == "19家"
    assert fmt.count(1234, "个") == "1,234个"
    assert fmt.count(np.int64(3479), "个") == "3,479个"
    assert fmt.count(12.5, "个") == "12.5个"
    assert fmt.count(36, "个", "en") == "36"
    assert fmt.count(1234, "家", "en") == "1,234"


def test_indicator_value_picks_the_format_from_the_unit():
    assert fmt.indicator_value(179.78, "亿元") == "179.78亿元"
    assert fmt.indicator_value(36.0, "个") == "36个"
    assert fmt.indicator_value(4.0, "家") == "4家"
    assert fmt.indicator_value(0.5, "亿元", "en") == "RMB 50 mn"
    assert fmt.indicator_value(12.5, "%") == "12.5%"


def test_rank_and_ties():
    assert fmt.rank(3, 28) == "第3名/共28个"
    assert fmt.rank(2, 28, tied=True) == "并列第2名/共28个"
    assert fmt.rank(np.int64(1), np.int64(28)) == "第1名/共28个"
    assert fmt.rank(5, None) == "第5名"
    assert fmt.rank(3, 28, "en") == "3rd of 28"
    assert fmt.rank(2, 28, "en", tied=True) == "tied 2nd of 28"
    assert [fmt.rank(n, 30, "en") for n in (1, 11, 12, 13, 21, 22, 23)] == [
        "1st of 30", "11th of 30", "12th of 30", "13th of 30", "21st of 30", "22nd of 30", "23rd of 30",
    ]


def test_year_on_year_is_signed_with_one_decimal():
    assert fmt.yoy(112.5, 100) == "+12.5%"
    assert fmt.yoy(97, 100) == "-3.0%"
    assert fmt.yoy(100, 100) == "0.0%"
    assert fmt.yoy(5, 0) == "—"  # no base to compare with
    assert fmt.percent_change(0.125) == "+12.5%"
    assert fmt.percent_change(-0.03) == "-3.0%"
    assert fmt.percent_change(-0.0004) == "0.0%"  # no "-0.0%"


def test_percent_of_a_share():
    assert fmt.percent(0.875) == "87.5%"
    assert fmt.percent(0.996721) == "99.7%"
    assert fmt.percent(1) == "100.0%"
    assert fmt.percent(0.5, 0) == "50%"


@pytest.mark.parametrize(
    "value",
    [dt.date(2021, 11, 15), dt.datetime(2021, 11, 15, 8, 0), "2021-11-15", pd.Timestamp("2021-11-15"),
     np.datetime64("2021-11-15")],
)
def test_dates_in_both_languages(value):
    assert fmt.date(value) == "2021年11月15日"
    assert fmt.date(value, "en") == "15 Nov 2021"


def test_date_time_and_years():
    assert fmt.date_time(dt.datetime(2024, 3, 1, 9, 5)) == "2024年3月1日 09:05"
    assert fmt.date_time(dt.datetime(2024, 3, 1, 9, 5), "en") == "1 Mar 2024 09:05"
    assert fmt.year(2021) == "2021年"
    assert fmt.year(np.int32(2021), "en") == "2021"
    assert fmt.year_span([2021, 2019, 2020]) == "2019—2021年"
    assert fmt.year_span([2019, 2021], "en") == "2019–2021"
    assert fmt.year_span([2021.0, None]) == "2021年"
    assert fmt.year_span([]) == "—"


def test_number_helper():
    assert fmt.number(1234.5) == "1,234.5"
    assert fmt.number(1234.5, 2, keep_zeros=True) == "1,234.50"
    assert fmt.number(-0.001) == "0"
    assert fmt.number(math.nan) == "—"


def test_real_figures_are_tagged_only_beside_synthetic_ones():
    assert fmt.tag_real("36个", False) == "36个（真实）"
    assert fmt.tag_real("36", False, "en") == "36 (real)"
    assert fmt.tag_real("36个", True) == "36个"
    assert fmt.tag_real("36个", None) == "36个（真实）"  # no flag: loaded as real
    assert fmt.tag_real("36个", False, mixed=False) == "36个"  # nothing synthetic in view: no tags
    assert fmt.tag_real(fmt.MISSING, False) == fmt.MISSING


def test_a_change_across_the_real_synthetic_boundary_is_marked():
    assert fmt.mark_change("+100.0%", False, True) == "+100.0%※"  # real 2021 against synthetic 2020
    assert fmt.mark_change("+100.0%", False, False) == "+100.0%"
    assert fmt.mark_change("+100.0%", True, True) == "+100.0%"  # a synthetic figure: untagged, like its change
    assert fmt.mark_change("", False, True) == ""
    assert "※" in fmt.legend("zh") and "真实" in fmt.legend("zh") and "※" in fmt.legend("en")


def test_a_rank_or_completion_computed_from_synthetic_figures_is_marked():
    """A real figure ranked among synthetic ones, or set against a synthetic target, is no fact: ※."""
    assert fmt.rank(3, 28, from_synthetic=True) == "第3名/共28个※"
    assert fmt.rank(2, 28, "en", tied=True, from_synthetic=True) == "tied 2nd of 28※"
    assert fmt.rank(3, 28, from_synthetic=False) == fmt.rank(3, 28) == "第3名/共28个"
    assert fmt.rank(None, 28, from_synthetic=True) == fmt.MISSING
    assert fmt.mark_derived("120.0%", False, True) == "120.0%※"  # real actual, synthetic target
    assert fmt.mark_derived("120.0%", True, True) == "120.0%"  # synthetic on both sides: unmarked = synthetic
    assert fmt.mark_derived("120.0%", False, False) == "120.0%"  # real on both sides
    assert fmt.mark_from_synthetic("第3位", None) == "第3位"  # a missing flag marks nothing
    assert "名次" in fmt.legend("zh") and "rank" in fmt.legend("en")


@pytest.mark.parametrize(("raw", "expected"), [
    ("01_全省开发区招商引资主要指标.xlsx：2021", "全省开发区招商引资主要指标"),
    ("01_全省开发区招商引资主要指标.xlsx", "全省开发区招商引资主要指标"),
    ("02_开发区企业培育情况.csv", "开发区企业培育情况"),
    ("03-重点项目台账.XLS：项目台账", "重点项目台账"), ("03_重点项目台账.xlsx：Sheet1", "重点项目台账"),
    ("2021年全省开发区主要指标.xlsb：汇总", "2021年全省开发区主要指标（汇总）"),
    ("/srv/devzone/uploads/统计表.ods", "统计表"),
    ("运城日报《高超：“链主”招商的领路人》", "运城日报《高超：“链主”招商的领路人》"),
    ("项目台账汇总", "项目台账汇总"),
])
def test_source_names_are_for_people_not_file_systems(raw, expected):
    """A 数据来源 caption names the table, never a server path, a numeric file prefix or an extension."""
    assert fmt.source_name(raw) == expected


def test_a_missing_source_is_a_dash():
    assert fmt.source_name(None) == fmt.MISSING


def test_one_money_unit_per_column():
    """A table or chart states money in one unit: no `0万元` beside `28.37亿元`, no `RMB 50 mn` beside `RMB 2 bn`."""
    # ... and with the same decimals on every row (`20.00亿元` under `179.78亿元`)
    assert fmt.money_column([28.37, 0, 0.5, None], "zh") == ["28.37亿元", "0.00亿元", "0.50亿元", "—"]
    assert fmt.money_column([0.5, 0.0123, 0], "zh") == ["5,000.00万元", "123.00万元", "0.00万元"]
    assert fmt.money_column([20, 0.5, 0], "en") == ["RMB 2.00 bn", "RMB 0.05 bn", "RMB 0.00 bn"]
    assert fmt.money_column([0.5, 0.0123], "en") == ["RMB 50.00 mn", "RMB 1.23 mn"]
    assert fmt.money_column([], "zh") == []


def test_money_in_the_unit_of_an_axis():
    """Chart labels beside an axis in 亿元 (`RMB 100 mn`): the number in that unit."""
    assert fmt.money_on_axis(136.49, "zh") == "136.49亿元"
    assert fmt.money_on_axis(0.5, "zh") == "0.5亿元"
    assert fmt.money_on_axis(136.49, "en") == "136.49"


def test_a_static_table_keeps_amounts_and_dates_whole():
    """`RMB 1.79 bn` and `17 Jan 2026` never wrap inside in a table that wraps its cells (st.table)."""
    import pandas as pd

    from devzone import tables

    frame = pd.DataFrame({"Investment": ["RMB 1.79 bn", "—"], "Signed": ["17 Jan 2026", "x y"], "n": [1, 2]})
    kept = tables.unbreakable(frame)
    assert list(kept["Investment"]) == ["RMB\u00a01.79\u00a0bn", "—"]
    assert list(kept["Signed"]) == ["17\u00a0Jan\u00a02026", "x y"]
    assert list(frame["Investment"]) == ["RMB 1.79 bn", "—"]  # the caller's frame (and the downloads) unchanged


def test_a_static_table_keeps_chinese_amounts_and_dates_whole():
    """`179.78亿元` never breaks into `179.78亿` / `元` (a browser may break between any two CJK characters)."""
    import pandas as pd

    from devzone import tables

    frame = pd.DataFrame({"完成": ["179.78亿元", "36个", "116.0%※", "签约项目数"], "日期": ["2026年1月17日", "—", "", "x"]})
    kept = tables.unbreakable(frame)
    joiner = "\u2060"
    assert kept["完成"][0] == joiner.join("179.78亿元") and kept["完成"][1] == joiner.join("36个")
    assert kept["完成"][2] == joiner.join("116.0%※") and kept["完成"][3] == "签约项目数"  # words may wrap
    assert kept["日期"][0] == joiner.join("2026年1月17日")
    assert [v.replace(joiner, "") for v in kept["完成"]] == list(frame["完成"])
