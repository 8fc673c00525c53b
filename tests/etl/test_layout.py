from etl import layout
from etl.errors import ErrorCollector
from etl.sheet import RawSheet


def understand(rows, sheet=None):
    errors = ErrorCollector("f.xlsx", sheet)
    table = layout.understand(RawSheet("f.xlsx", sheet, rows, "0" * 64), errors)
    return table, errors.errors


def test_header_found_under_title_and_units_line_with_footnotes_dropped():
    table, errors = understand([
        ["2021年全省开发区主要指标完成情况表", None, None],
        ["单位：个、万元", None, None],
        [None, None, None],
        ["开发区名称", "签约项目数\n（个）", "签约项目总投资（万元）"],
        ["盐湖高新区", "36", "1,797,800"],
        [None, None, None],
        ["合计", "36", "1,797,800"],
        ["注：本表为快报数。", None, None],
        ["数据来源：各开发区管委会", None, None],
    ])
    assert not errors
    assert table.layout == layout.LAYOUT_WIDE and table.header_row == 4
    assert [n for n, _ in table.rows] == [5]
    assert table.title_year == 2021 and table.units_line == ["个", "万元"]
    assert [(c.unit, code) for c, code in table.indicator_columns] == [("个", "signed_projects"), ("万元", "signed_investment")]


def test_full_width_and_ascii_parentheses_give_the_unit():
    assert layout.split_header("总投资（万元）") == ("总投资", "万元")
    assert layout.split_header("总投资(亿元)") == ("总投资", "亿元")
    assert layout.split_header(" 签约 项目数 ") == ("签约项目数", None)


def test_layouts_are_recognised_from_headers():
    cases = {
        layout.LAYOUT_LONG: ["开发区", "年份", "指标", "数值", "单位"],
        layout.LAYOUT_WIDE: ["开发区", "年份", "高新技术企业数"],
        layout.LAYOUT_LEDGER: ["项目名称", "所属开发区", "总投资"],
        layout.LAYOUT_ENTERPRISES: ["企业名称", "所属开发区", "认定类别", "认定年份"],
        layout.LAYOUT_TARGETS: ["开发区", "年份", "指标", "目标值"],
    }
    for expected, header in cases.items():
        table, errors = understand([header, ["盐湖高新区"] + ["1"] * (len(header) - 1)])
        assert table is not None and table.layout == expected, (expected, errors)


def test_year_from_sheet_name_then_title():
    table, _ = understand([["开发区", "签约项目数"], ["盐湖高新区", "1"]], sheet="2022")
    assert layout.sheet_year(table) == 2022
    table, _ = understand([["2019年开发区情况"], ["开发区", "签约项目数"], ["盐湖高新区", "1"]], sheet="Sheet1")
    assert layout.sheet_year(table) == 2019


def test_unrecognisable_sheet_says_what_is_expected():
    table, errors = understand([["姓名", "电话"], ["张三", "123"]])
    assert table is None
    assert "找不到可识别的表头" in errors[0].message and "项目台账" in errors[0].message


def test_missing_key_column_is_located_at_the_header():
    table, errors = understand([["标题"], ["项目名称", "总投资"], ["某项目", "1"]])
    assert table is None
    assert errors[0].row == 2 and "缺少必需列“开发区”" in errors[0].message


def test_header_without_data_rows():
    table, errors = understand([["开发区", "签约项目数"], ["注：无数据", None]])
    assert table is None and "没有数据行" in errors[0].message


def test_empty_sheet_is_skipped_silently():
    table, errors = understand([[None, None], [None]])
    assert table is None and not errors
