"""The magnitude check (etl/plausibility.py): figures typed in the wrong unit are named, located, and refused
unless confirmed; a confirmed load says so. Stored figures are read back through the SQL views."""
import json

import duckdb
import pandas as pd
import pytest

from etl import plausibility
from etl.__main__ import main
from etl.errors import InputRejected, OutliersUnconfirmed
from etl.publish import load_files
from tests.builders import LEDGER_HEADER, digest, ledger_row, query, write_csv, write_xlsx

HINT = "请核对单位，确认无误请勾选“确认异常值无误，仍然发布”或加 --confirm-outliers"
YANHU, TAIYUAN = "X140802", "G142005"


def long_csv(tmp_path, name, rows, unit="亿元", indicator="签约项目总投资"):
    return write_csv(tmp_path / name, ["开发区,年份,指标,数值,单位"] +
                     [f"{zone},{year},{indicator},{value},{unit}" for zone, year, value in rows])


def wide_2021(tmp_path, investment):
    """The brief's case: sheet 2021, 盐湖's 签约项目总投资 in row 5, column D, under a 亿元 header."""
    return write_xlsx(tmp_path / "a.xlsx", {"2021": [
        ["2021年全省开发区招商引资情况"], ["填报单位：省商务厅"],
        ["开发区", "签约项目数（个）", "新开工项目数（个）", "签约项目总投资（亿元）"],
        ["太原高新区", 52, 30, 120.5],
        ["盐湖高新区", 36, 20, investment]]})


@pytest.fixture
def history_db(tmp_path):
    """盐湖 2020: 179.78 亿元 signed, 36 projects; 太原 2020: 120 亿元."""
    db = tmp_path / "d.duckdb"
    load_files([long_csv(tmp_path, "h.csv", [("盐湖高新区", 2020, 179.78), ("太原高新区", 2020, 120)])], db)
    load_files([long_csv(tmp_path, "n.csv", [("盐湖高新区", 2020, 36)], unit="个", indicator="签约项目数")], db)
    return db


def test_wan_yuan_typed_into_a_yi_yuan_sheet_is_named_at_its_cell(tmp_path, history_db):
    result = load_files([wide_2021(tmp_path, 1797800)], history_db, dry_run=True)
    assert [str(e) for e in result.outliers] == [
        "a.xlsx:2021:5:D: “签约项目总投资”为 1,797,800 亿元，是该区历年最大值 179.78 亿元（2020年，已入库）的 10,000 倍"
        f" — 疑似把万元当作亿元填报；{HINT}"]
    assert "疑似异常值 1 处，发布前须确认（--confirm-outliers）：" in result.summary_lines()
    assert result.to_dict()["outliers"][0]["location"] == "a.xlsx:2021:5:D"


def test_a_real_load_with_outliers_is_refused_and_the_database_is_untouched(tmp_path, history_db):
    before = digest(history_db)
    with pytest.raises(OutliersUnconfirmed) as refused:
        load_files([wide_2021(tmp_path, 1797800)], history_db)
    assert isinstance(refused.value, InputRejected)
    assert [e.location() for e in refused.value.errors] == ["a.xlsx:2021:5:D"]
    assert refused.value.accounts and refused.value.to_dict()["outliers_unconfirmed"] is True
    assert digest(history_db) == before


def test_a_confirmed_load_publishes_and_records_the_confirmation(tmp_path, history_db):
    result = load_files([wide_2021(tmp_path, 1797800)], history_db, confirm_outliers=True, loaded_by="王科长")
    assert result.published and result.outliers_confirmed
    assert query(history_db, "SELECT value FROM indicator_values WHERE zone_id = ? AND year = 2021"
                             " AND indicator = 'signed_investment'", [YANHU]) == [(1797800.0,)]
    assert "疑似异常值 1 处，已由王科长确认无误后发布" in result.accounts[0].notes
    files = json.loads(query(history_db, "SELECT files FROM loads WHERE load_id = ?", [result.load_id])[0][0])
    assert files[0]["confirmed_outliers"] == [str(result.outliers[0])]
    # The figure is now stored as confirmed: sending the same file again asks nothing.
    again = load_files([wide_2021(tmp_path, 1797800)], history_db)
    assert again.outliers == [] and not again.published


def test_an_ordinary_year_passes(tmp_path, history_db):
    result = load_files([wide_2021(tmp_path, 210.5)], history_db)
    assert result.outliers == [] and result.published


def test_yuan_typed_as_yi_yuan(tmp_path, history_db):
    result = load_files([long_csv(tmp_path, "y.csv", [("盐湖高新区", 2021, 17978000000)])], history_db, dry_run=True)
    assert [e.message for e in result.outliers] == [
        "“签约项目总投资”为 17,978,000,000 亿元，是该区历年最大值 179.78 亿元（2020年，已入库）的 100,000,000 倍"
        f" — 疑似把元当作亿元填报；{HINT}"]


def test_counts_with_extra_digits_and_ten_times_is_not_flagged(tmp_path, history_db):
    path = long_csv(tmp_path, "c.csv", [("盐湖高新区", 2021, 36000)], unit="个", indicator="签约项目数")
    result = load_files([path], history_db, dry_run=True)
    assert [str(e) for e in result.outliers] == [
        f"c.csv:2:D: “签约项目数”为 36,000 个，是该区历年最大值 36 个（2020年，已入库）的 1,000 倍 — 疑似多填了 3 位数；{HINT}"]
    ten_times = long_csv(tmp_path, "t.csv", [("盐湖高新区", 2021, 360)], unit="个", indicator="签约项目数")
    assert load_files([ten_times], history_db, dry_run=True).outliers == []  # below the ratio of 100


def test_the_zones_other_years_in_the_batch_count_as_its_history(tmp_path):
    """A first load of several years: the one year typed in 万元 stands out against the zone's other rows."""
    rows = [("盐湖高新区", 2019, 150.2), ("盐湖高新区", 2020, 179.78), ("盐湖高新区", 2021, 1_500_000)]
    [outlier] = load_files([long_csv(tmp_path, "y.csv", rows)], tmp_path / "y.duckdb", dry_run=True).outliers
    assert outlier.message.startswith("“签约项目总投资”为 1,500,000 亿元，是该区历年最大值 179.78 亿元"
                                      "（2020年，本批 y.csv:3）的 8,344 倍 — 疑似把万元当作亿元填报；")


def test_a_fresh_database_is_protected_by_the_ceiling(tmp_path):
    db = tmp_path / "fresh.duckdb"
    with pytest.raises(OutliersUnconfirmed) as refused:
        load_files([long_csv(tmp_path, "f.csv", [("盐湖高新区", 2021, 1797800)])], db)
    assert [str(e) for e in refused.value.errors] == [
        "f.csv:2:D: “签约项目总投资”为 1,797,800 亿元，超过每区每年上限 5,000 亿元（plausibility.toml）"
        f"— 疑似把万元当作亿元填报；{HINT}"]
    assert not db.exists()


def test_the_other_zones_of_the_batch_give_the_province_spread(tmp_path):
    """No history at all: four zones of 25–40 亿元 in the same file show that 4,800 亿元 (under the ceiling) is
    out of line."""
    zones = ["太原高新区", "太原经开区", "晋中经开区", "大同经开区"]
    rows = [(zone, 2021, 25 + i * 5) for i, zone in enumerate(zones)] + [("盐湖高新区", 2021, 4800)]
    result = load_files([long_csv(tmp_path, "p.csv", rows)], tmp_path / "p.duckdb", dry_run=True)
    assert [str(e) for e in result.outliers] == [
        "p.csv:6:D: “签约项目总投资”为 4,800 亿元，是其他开发区最大值 40 亿元（大同经济技术开发区 2021年，本批 p.csv:5）"
        f"的 120 倍 — 数值远超其他开发区；{HINT}"]


def test_a_handful_of_zones_is_no_spread(tmp_path):
    rows = [("太原高新区", 2021, 1), ("盐湖高新区", 2021, 179.78)]  # two zones: 180× apart, both plausible
    assert load_files([long_csv(tmp_path, "two.csv", rows)], tmp_path / "t.duckdb", dry_run=True).outliers == []


def test_targets_are_checked_against_the_zones_figures(tmp_path, history_db):
    path = write_xlsx(tmp_path / "t.xlsx", {"目标": [["2021年目标任务分解表"], ["开发区", "年份", "指标", "目标值", "单位"],
                                                  ["盐湖高新区", 2021, "签约项目总投资", 2000000, "亿元"]]})
    result = load_files([path], history_db, dry_run=True)
    assert [e.location() for e in result.outliers] == ["t.xlsx:目标:3:D"]
    assert result.outliers[0].message.startswith("“签约项目总投资”目标值为 2,000,000 亿元，是该区历年最大值 179.78 亿元")


def ledger(tmp_path, name, rows):
    return write_xlsx(tmp_path / name, {"台账": [LEDGER_HEADER, *rows]})


def test_a_projects_total_investment_against_the_zones_projects(tmp_path):
    db = tmp_path / "l.duckdb"
    load_files([ledger(tmp_path, "l1.xlsx", [ledger_row("P1", "甲项目", investment=12000, signed="2024-01-05")])], db)
    # 总投资（万元）: 120,000,000 万元 = 12,000 亿元, typed by someone who thought the column was 元.
    path = ledger(tmp_path, "l2.xlsx", [ledger_row("P2", "乙项目", investment=120_000_000, signed="2024-02-05")])
    with pytest.raises(OutliersUnconfirmed) as refused:
        load_files([path], db)
    assert [str(e) for e in refused.value.errors] == [
        "l2.xlsx:台账:2:G: 项目“乙项目”的“总投资”为 12,000 亿元，是该区项目最大值 1.2 亿元（项目“甲项目”，已入库）的"
        f" 10,000 倍 — 疑似把万元当作亿元填报；{HINT}"]
    assert query(db, "SELECT project_id FROM projects") == [("P1",)]


def test_a_single_projects_ceiling(tmp_path):
    path = ledger(tmp_path, "big.xlsx", [ledger_row("P9", "超大项目", investment=30_000_000)])  # 3,000 亿元
    [outlier] = load_files([path], tmp_path / "b.duckdb", dry_run=True).outliers
    assert "超过单个项目上限 2,000 亿元" in outlier.message and outlier.location() == "big.xlsx:台账:2:G"


def test_yi_yuan_typed_as_wan_yuan_needs_a_long_history(tmp_path):
    db = tmp_path / "s.duckdb"
    years = [("盐湖高新区", y, 150 + y - 2018) for y in (2018, 2019, 2020)] + [("太原高新区", 2019, 90),
                                                                           ("太原高新区", 2020, 95)]
    load_files([long_csv(tmp_path, "h.csv", years)], db)
    # 180 亿元 sent as 180 万元 = 0.018 亿元: against three years of 150-ish it is named; 太原 has two years only.
    path = long_csv(tmp_path, "w.csv", [("盐湖高新区", 2021, 180), ("太原高新区", 2021, 100)], unit="万元")
    result = load_files([path], db, dry_run=True)
    assert [str(e) for e in result.outliers] == [
        "w.csv:2:D: “签约项目总投资”为 0.018 亿元，仅为该区历年最小非零值 150 亿元（2018年，已入库）的 1/8,333"
        f" — 疑似把亿元当作万元填报；{HINT}"]


def test_the_same_figure_in_two_sheets_is_not_its_own_comparison(tmp_path, history_db):
    files = [long_csv(tmp_path, "a.csv", [("盐湖高新区", 2021, 1797800)]),
             long_csv(tmp_path, "b.csv", [("盐湖高新区", 2021, 1797800)])]
    result = load_files(files, history_db, dry_run=True)
    assert sorted(e.location() for e in result.outliers) == ["a.csv:2:D", "b.csv:2:D"]
    assert all("历年最大值 179.78 亿元（2020年，已入库）" in e.message for e in result.outliers)


def test_the_demo_sources_hold_no_outliers(tmp_path):
    from etl.demo import demo_sources

    main_files = [p for p in demo_sources() if "周调度" not in p.name]
    assert load_files(main_files, tmp_path / "demo.duckdb", dry_run=True).outliers == []


def test_thresholds_come_from_the_catalogue_file(tmp_path, monkeypatch, history_db):
    strict = tmp_path / "plausibility.toml"
    strict.write_text(plausibility.THRESHOLDS_FILE.read_text(encoding="utf-8").replace(
        "[indicator.signed_investment]\nceiling = 5000.0", "[indicator.signed_investment]\nceiling = 200.0"),
        encoding="utf-8")
    monkeypatch.setattr(plausibility, "THRESHOLDS_FILE", strict)
    result = load_files([wide_2021(tmp_path, 210.5)], history_db, dry_run=True)
    assert ["超过每区每年上限 200 亿元" in e.message for e in result.outliers] == [True]


def test_an_unusable_thresholds_file_is_a_located_refusal(tmp_path, monkeypatch, history_db):
    broken = tmp_path / "plausibility.toml"
    broken.write_text("[default.money]\nratio = 0.5\n", encoding="utf-8")
    monkeypatch.setattr(plausibility, "THRESHOLDS_FILE", broken)
    before = digest(history_db)
    with pytest.raises(InputRejected) as refused:
        load_files([wide_2021(tmp_path, 210.5)], history_db)
    assert refused.value.errors[0].file_name == "plausibility.toml"
    assert "ratio 应为大于 1 的数" in refused.value.errors[0].message
    assert digest(history_db) == before


def test_a_whole_sheet_in_the_wrong_unit_lists_the_first_ones_and_counts_the_rest(monkeypatch):
    monkeypatch.setattr(plausibility, "MAX_LISTED", 3)
    frame = pd.DataFrame({"zone_id": [YANHU] * 10, "year": range(2011, 2021), "indicator": "signed_investment",
                          "value": 1e6, "column": 4, "file_name": "x.csv", "sheet": None, "row_number": range(2, 12)})
    con = duckdb.connect(":memory:")
    errors = plausibility.find_outliers({"values": frame}, con, stored=False)
    assert [e.row for e in errors] == [2, 3, 4, None]
    assert errors[-1].message.startswith("……另有 7 个数值同样疑似异常（共 10 个）")


def test_a_million_figures_are_checked_in_one_query():
    zones = [f"Z{i:05d}" for i in range(2000)]
    frame = pd.DataFrame({"zone_id": pd.Categorical(zones * 500), "year": [2000 + i // 2000 % 25 for i in range(1_000_000)],
                          "indicator": pd.Categorical(["signed_projects", "started_projects"] * 500_000),
                          "value": 10.0, "column": 4, "file_name": "big.csv", "sheet": None,
                          "row_number": range(2, 1_000_002)})
    frame.loc[123_456, "value"] = 100_000.0
    con = duckdb.connect(":memory:")
    errors = plausibility.find_outliers({"values": frame}, con, stored=False)
    assert [e.row for e in errors] == [123_458]


def test_cli_refuses_then_loads_with_confirm_outliers(tmp_path, history_db, capsys):
    path = wide_2021(tmp_path, 1797800)
    before = digest(history_db)
    assert main(["load", str(path), "--db", str(history_db)]) == 1
    err = capsys.readouterr().err
    assert "a.xlsx:2021:5:D: “签约项目总投资”为 1,797,800 亿元" in err
    assert "1 处疑似异常值未经确认，数据库未作任何改动。核对无误后加 --confirm-outliers 重新导入。" in err
    assert digest(history_db) == before
    assert main(["load", str(path), "--db", str(history_db), "--dry-run", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [o["location"] for o in shown["outliers"]] == ["a.xlsx:2021:5:D"] and not shown["outliers_confirmed"]
    assert main(["load", str(path), "--db", str(history_db), "--confirm-outliers", "--by", "王科长"]) == 0
    assert "疑似异常值 1 处，已确认无误：" in capsys.readouterr().out
    assert query(history_db, "SELECT value FROM indicator_values WHERE zone_id = ? AND year = 2021"
                             " AND indicator = 'signed_investment'", [YANHU]) == [(1797800.0,)]


def test_a_csv_outlier_loaded_beside_a_workbook_has_no_sheet(tmp_path, history_db):
    """Frames of csv (no sheet) and xlsx files concatenated: the csv's sheet is NaN there, not a sheet name."""
    files = [long_csv(tmp_path, "c.csv", [("盐湖高新区", 2022, 1797800)]), wide_2021(tmp_path, 1797800)]
    outliers = load_files(files, history_db, dry_run=True).outliers
    assert [(e.sheet, e.location()) for e in outliers] == [("2021", "a.xlsx:2021:5:D"), (None, "c.csv:2:D")]
