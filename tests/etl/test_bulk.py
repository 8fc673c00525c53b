"""The column-at-a-time path (etl/bulk.py) gives what the scalar rules give, row for row and error for error."""
import random
import sys

import duckdb
import pytest

from etl import bulk, catalogue, grid
from etl.cells import parse_number
from etl.errors import ErrorCollector
from etl.facts import amount_problem, to_canonical
from etl.grid import WHITESPACE, Grid, canonical_sql, keep_rows
from etl.publish import parse_files
from etl.read import BULK_CSV_BYTES, read_file
from tests.builders import write_csv

HEADER = "开发区,年份,指标,数值,单位,是否模拟"
ZONES = ["武宿综保区", "太原经开区", "大同经开区", "晋城经开区", "晋中经开区", "太原高新区", "长治高新区", "盐湖高新区"]
TRICKY = ["36", " 36 ", "1,234.56", "+5", "-0", "1234.", ".5", "1e3", "1E-2", "1_000", "１２３", "１,２３４.５",
          "12.5%", "5%%", "—", "-", "--", "/", "N/A", "", "   ", "\u3000 12 \u3000", "\u00a07\u00a0", "12 345", "1,,2",
          ",5", "1,", "abc", "0x10", "NaN", "inf", "-inf", "9" * 30, "9" * 400, "0.1", "00012", "1.2.3", "-1,000",
          "1 000.5", "3.", "+.5", "٣", "1e999", "2021年", "１２％", "0.30000000000000004", "123456789012345678901",
          "12,5", "0,5", "1,2345.6", "1,234,567", "12,345.6", "1234,567", "'12", "’23.40"]


def python_whitespace() -> list[int]:
    return [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def test_whitespace_class_is_exactly_what_python_strips():
    con = duckdb.connect()
    matched = con.execute(f"""SELECT list(i ORDER BY i) FROM range(1, {sys.maxunicode + 1}) t(i)
                              WHERE regexp_full_match(chr((CASE WHEN i BETWEEN 55296 AND 57343 THEN 65 ELSE i END)::INTEGER),
                                                      '[{WHITESPACE}]')
                           """).fetchone()[0]
    assert matched == python_whitespace()


def _long_csv(path, values, unit="个", indicator="签约项目数", pad_to=0):
    lines = [HEADER] + [f"{ZONES[i % len(ZONES)]},{2015 + i % 8},{indicator},\"{v}\",{unit},是" for i, v in enumerate(values)]
    filler, size = 0, sum(len(line.encode()) + 1 for line in lines)
    while size < pad_to:
        lines.append(f"{ZONES[filler % len(ZONES)]},{2000 + filler % 26},专精特新企业数,{filler},家,是")
        size += len(lines[-1].encode()) + 1
        filler += 1
    return write_csv(path, lines)


def _expected(values, factor=1.0, label="签约项目数", code="signed_projects"):
    """What the scalar rules say about each value string: (row, value) kept, (row, message) refused."""
    kept, refused = {}, {}
    for index, raw in enumerate(values):
        number, problem = parse_number(raw)
        if problem:
            refused[index + 2] = amount_problem(label, code, raw, problem)
        elif number is not None:
            kept[index + 2] = to_canonical(number, factor)
    return kept, refused


@pytest.mark.parametrize("big", [False, True], ids=["csv.reader", "duckdb read_csv"])
def test_vectorised_numbers_match_parse_number(tmp_path, big):
    path = _long_csv(tmp_path / "long.csv", TRICKY, pad_to=2 * BULK_CSV_BYTES if big else 0)
    assert read_file(path).sheets[0].grid().read_by == ("read_csv" if big else "rows")
    batch, errors = parse_files([path])
    kept, refused = _expected(TRICKY)
    frame = batch.frames["values"]
    frame = frame[frame["row_number"] <= len(TRICKY) + 1]
    got = dict(zip(frame["row_number"], frame["value"], strict=True))
    assert got.keys() == kept.keys()
    for row, value in kept.items():
        assert got[row] == value or (value != value and got[row] != got[row]), (row, TRICKY[row - 2], got[row], value)
    located = {(e.row, e.column): e.message for e in errors}
    assert located == {(row, 4): message for row, message in refused.items()}


def test_unit_conversion_rounds_exactly_as_to_canonical(tmp_path):
    rnd = random.Random(7)
    values = [f"{rnd.uniform(0, 1e7):.{rnd.randint(0, 6)}f}" for _ in range(3000)]
    values += ["1797800", "0.5", "0.05", "12345.675", "0.00005", "99999999.99995", "1e-9", "5e-9", "1.5e-8"]
    path = _long_csv(tmp_path / "money.csv", values, unit="万元", indicator="签约项目总投资")
    batch, errors = parse_files([path])
    assert not errors
    kept, _ = _expected(values, factor=1e-4, label="签约项目总投资", code="signed_investment")
    got = dict(zip(batch.frames["values"]["row_number"], batch.frames["values"]["value"], strict=True))
    assert got == kept
    assert got[len(values) - 9 + 2] == 179.78


def test_canonical_sql_matches_python_round_on_awkward_products():
    con = duckdb.connect()
    rnd = random.Random(11)
    numbers = [rnd.choice([rnd.uniform(0, 1e6), round(rnd.uniform(0, 1e4), rnd.randint(0, 9)), rnd.randint(0, 10**9)])
               for _ in range(20_000)] + [x + 0.5e-8 for x in (0, 1, 12.345, 179.78)] + [0.125e-7, 2.5e-8, 1e12]
    factors = [1e-4, 1e-8, 0.1, 10.0, 1.0]
    rows = [(x, f) for x in numbers for f in factors]
    value, needs_python = canonical_sql("x", "f")
    result = con.execute(f"SELECT {value}, {needs_python} FROM (SELECT unnest(?::DOUBLE[]) AS x,"
                         " unnest(?::DOUBLE[]) AS f)", [[r[0] for r in rows], [r[1] for r in rows]]).fetchall()
    for (x, f), (got, redo) in zip(rows, result, strict=True):
        if not redo:
            assert got == to_canonical(x, f), (x, f)


def test_three_bad_rows_in_fifty_thousand_are_located(tmp_path):
    lines = [HEADER]
    for i in range(50_000):
        lines.append(f"{ZONES[i % len(ZONES)]},{2001 + i % 20},签约项目数,{i % 97},个,是")
    lines[12_345] = "盐湖高兴区,2010,签约项目数,5,个,是"       # Excel row 12346: unknown zone
    lines[30_000] = "太原高新区,2011,签约项目数,三十六,个,是"   # row 30001: text in the number
    lines[49_999] = "太原高新区,去年,签约项目数,7,个,是"       # row 50000: not a year
    lines += ["合计,,签约项目数,999,个,", ",,,,,", "注：本表为快报数。"]
    path = write_csv(tmp_path / "fifty.csv", lines)
    assert read_file(path).sheets[0].grid().read_by == "read_csv"  # the DuckDB reader, not csv.reader
    batch, errors = parse_files([path])
    assert sorted((e.row, e.column) for e in errors) == [(12_346, 1), (30_001, 4), (50_000, 2)]
    messages = {e.row: e.message for e in errors}
    assert messages[12_346].startswith("未知的开发区“盐湖高兴区” — 最接近的已知名称：")
    assert messages[30_001] == "“签约项目数”：“三十六”不是数字 — 应为数值，如 1,234.56；缺失请填“—”"
    assert messages[50_000] == "年份“去年”无法识别 — 应为四位年份，如 2021"
    assert all(e.file_name == "fifty.csv" and e.sheet is None for e in errors)
    frame = batch.frames["values"]
    assert len(frame) == 50_000 - 3  # the three bad rows refused; total, blank and footnote rows dropped
    assert frame["row_number"].is_monotonic_increasing and frame["row_number"].max() == 50_001
    row = frame[frame["row_number"] == 2].iloc[0]
    assert (row["zone_id"], row["year"], row["indicator"], row["value"]) == (
        catalogue.zone_aliases()[ZONES[0]], 2001, "signed_projects", 0.0)


def test_bulk_read_falls_back_to_csv_reader_when_duckdb_would_read_differently(tmp_path):
    lines = [HEADER] + [f"{ZONES[i % 8]},{2001 + i % 20},签约项目数,{i},个,是" for i in range(40_000)]
    lines[20_000] += ",一个多出来的单元格"  # wider than any row DuckDB saw in the head
    path = write_csv(tmp_path / "ragged.csv", lines)
    raw = read_file(path).sheets[0]
    assert raw.bulk_source is not None
    grid = raw.grid()
    assert grid.read_by == "rows" and grid.width == 7
    assert grid.con.execute("SELECT count(*) FROM grid").fetchone()[0] == 40_001


def test_keep_rows_applies_the_row_rule_only_where_it_could_drop(tmp_path):
    rows = [["标题"], ["开发区", "签约项目数"], ["盐湖高新区", "1"], [None, None], ["\u3000", " "], ["合 计", "9"],
            ["单位：个", None], ["注：说明", None], ["说明书", "2"]]
    grid = Grid.from_rows(rows)
    seen = []

    def dropped(cells):
        seen.append(cells)
        from etl.rows import dropped as _dropped
        return _dropped(cells, 1)

    from etl.rows import first_may_drop as _first_may_drop
    from etl.rows import is_total as _total
    body = keep_rows(grid, 2, 1, dropped, _first_may_drop, _total)
    assert [n for n, _ in body.rows()] == [3, 9]
    # blank, whitespace-only, 合计, units line, footnote, and 说明书 (no known zone: it could be a group heading)
    assert len(seen) == 6


def test_xlsx_typed_cells_keep_their_scalar_meaning():
    import datetime as dt

    rows = [["开发区", "年份", "签约项目数", "是否模拟"], ["盐湖高新区", 2021, 36, "否"], ["盐湖高新区", 2022, True, "否"],
            ["盐湖高新区", dt.date(2023, 1, 1), dt.datetime(2023, 5, 1), 1]]
    from etl.facts import ZoneResolver
    from etl.layout import understand
    from etl.sheet import RawSheet

    errors = ErrorCollector("w.xlsx", "S")
    table = understand(RawSheet("w.xlsx", "S", rows, "0" * 64), errors)
    frame = bulk.extract_values(table, errors, ZoneResolver())
    assert list(zip(frame["year"], frame["value"], frame["is_synthetic"], strict=True)) == [(2021, 36.0, False)]
    assert sorted((e.row, e.column, e.message) for e in errors.errors) == [
        (3, 3, "“签约项目数”：“True”不是数字 — 应为数值，如 1,234.56；缺失请填“—”"),
        (4, 3, "“签约项目数”：“2023-05-01 00:00:00”是日期，不是数字 — 应为数值，如 1,234.56；缺失请填“—”"),
    ]


def test_big_gbk_file_is_transcoded_for_duckdb(tmp_path):
    lines = ["2021年全省开发区主要指标", HEADER] + [f"{ZONES[i % 8]},{2001 + i % 20},签约项目数,{i},个,是"
                                                   for i in range(60_000)]
    lines[30_000] = "晋中经开区,2005,签约项目数,十二,个,是"
    path = write_csv(tmp_path / "gbk.csv", lines, encoding="gbk")
    raw = read_file(path).sheets[0]
    assert raw.bulk_source is not None and raw.encoding in ("gb18030", "gbk") and raw.grid().read_by == "read_csv"
    batch, errors = parse_files([path])
    assert [(e.row, e.column) for e in errors] == [(30_001, 4)]
    assert len(batch.frames["values"]) == 60_000 - 1
    assert raw.cells[30_000] == ["晋中经开区", "2005", "签约项目数", "十二", "个", "是"]


def test_grid_builder_gives_back_each_cell_as_clean_would_across_batches():
    """The per-batch lookups (kept across batches, one per numeric kind) never mix 1, 1.0 and True, never turn text
    into a tag, and store calamine's '' as an empty cell — cell for cell what etl.workbooks._clean gives."""
    import datetime as dt

    from etl.workbooks import _clean

    rnd = random.Random(5)
    pool = ["", "1", "盐湖高新区", 1, 1.0, 2.5, True, False, 0, 0.0, dt.date(2021, 1, 1), dt.datetime(2021, 1, 1),
            dt.datetime(2021, 1, 1, 8), float("nan"), None, 36.0, 36, "36"]
    # column 1 one numeric kind per batch (a different one each time), column 2 all kinds mixed, column 3 text only
    kinds = [1.0, 1, True]
    rows = [[kinds[(i // grid.BATCH_ROWS) % 3] if i % 2 else "", rnd.choice(pool), rnd.choice(["", "a", "乙"])]
            for i in range(grid.BATCH_ROWS * 3 + 17)]
    builder = grid.GridBuilder(3, clean=True)
    for start in range(0, len(rows), grid.BATCH_ROWS):
        builder.add(rows[start:start + grid.BATCH_ROWS])
    built = builder.finish()
    back = [cells for _, cells in built.rows()]
    expected = [_clean(r) for r in rows]
    assert len(back) == len(expected)
    for got, want in zip(back, expected, strict=True):
        assert [(type(v), v) if v == v else "nan" for v in got] == [(type(v), v) if v == v else "nan" for v in want]


@pytest.mark.parametrize("clean", [True, False])
def test_grid_builder_tags_each_distinct_value_once_across_columns_and_batches(clean):
    """Many distinct numbers and dates (tagged a column's new values at a time): each cell comes back as it went
    in (cleaned when clean), and one (type, value) is one tag, whichever column or batch met it first."""
    import datetime as dt

    from etl.workbooks import _clean

    rnd = random.Random(11)
    def number():
        return rnd.choice([round(rnd.uniform(-5000, 5000), 2), float(rnd.randint(-300, 300)), -0.0, 0.0,
                           2.0 ** 60, 1e300, -(2.0 ** 53) - 2, 0.1 + 0.2])

    def day():
        return rnd.choice([dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randint(0, 3000)), ""])

    rows = [[number(), number() if i % 3 else "", day(), rnd.randint(-50, 50), rnd.choice([True, False, 1, 1.0])]
            for i in range(grid.BATCH_ROWS * 2 + 5)]
    rows[0] = ["总投资", "产值", "日期", "个数", "混合"]
    builder = grid.GridBuilder(5, clean=clean)
    for start in range(0, len(rows), grid.BATCH_ROWS):
        builder.add(rows[start:start + grid.BATCH_ROWS])
    built = builder.finish()
    expected = [_clean(r) for r in rows] if clean else [[None if v is None else v for v in r] for r in rows]
    back = [cells for _, cells in built.rows()]
    assert [[(type(v), v) for v in r] for r in back] == [[(type(v), v) for v in r] for r in expected]
    kinds = [(type(v), v) for v in built.exotic]
    assert len(kinds) == len(set(kinds))  # one tag per distinct value
    stored = {v for (_, *cells) in built.con.execute("SELECT * FROM grid").fetchall() for v in cells
              if v is not None}
    assert len(stored) == len({(type(v), v) for r in expected for v in r if v is not None and type(v) is not str}
                              | {v for r in expected for v in r if type(v) is str})
