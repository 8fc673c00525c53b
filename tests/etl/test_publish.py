import datetime as dt
import multiprocessing
import os
import signal
import time

import duckdb
import pandas as pd
import pytest

from etl.errors import InputRejected
from etl.publish import load_files
from tests.builders import LEDGER_HEADER, digest, ledger_row, query, write_csv, write_xlsx


def gbk_wide(tmp_path, value="1,797,800", name="wide.csv"):
    return write_csv(tmp_path / name, [
        "2021年全省开发区招商引资情况", "单位：个、万元",
        "开发区,签约项目数（个）,签约项目总投资（万元）",
        f"运城盐湖高新技术产业开发区,36,\"{value}\"", "太原高新区,52,—", "注：快报数"], "gbk")


def test_gbk_wide_with_title_units_and_wan_yuan(tmp_path):
    db = tmp_path / "d.duckdb"
    result = load_files([gbk_wide(tmp_path)], db)
    assert result.published and result.load_id == 1
    rows = query(db, "SELECT zone_id, year, indicator, value, unit FROM indicator_values ORDER BY ALL")
    assert rows == [("G142005", 2021, "signed_projects", 52.0, "个"),
                    ("X140802", 2021, "signed_investment", 179.78, "亿元"),
                    ("X140802", 2021, "signed_projects", 36.0, "个")]


def test_workbook_with_one_sheet_per_year(tmp_path):
    sheets = {str(y): [[f"{y}年企业培育情况"], ["开发区", "高新技术企业数（家）"], ["盐湖高新区", y - 2000]] for y in (2020, 2021)}
    db = tmp_path / "d.duckdb"
    load_files([write_xlsx(tmp_path / "w.xlsx", sheets)], db)
    assert query(db, "SELECT year, value FROM indicator_values ORDER BY year") == [(2020, 20.0), (2021, 21.0)]


def test_ledger_with_merged_title_excel_dates_and_text_dates(tmp_path):
    db = tmp_path / "d.duckdb"
    path = write_xlsx(tmp_path / "ledger.xlsx", {"项目台账": [
        ["开发区重点项目台账"], LEDGER_HEADER,
        ledger_row("HM-1", "宏明空调全产业链生产基地", signed=dt.datetime(2021, 11, 15), investment=None,
                   output=20, tax=5000),
        ledger_row("KF-1", "凯丰节能项目", signed="2023年4月2日", started="2023/5/2", status="开工", investment="12,000",
                   leader="山西宏明空调科技有限公司"),
    ]})
    load_files([path], db)
    rows = query(db, "SELECT project_id, total_investment, signed_date, started_date, status, projected_output,"
                     " projected_tax, chain_leader FROM projects ORDER BY project_id")
    assert rows == [
        ("HM-1", None, dt.date(2021, 11, 15), None, "签约", 20.0, 0.5, None),
        ("KF-1", 1.2, dt.date(2023, 4, 2), dt.date(2023, 5, 2), "开工", 20.0, 0.5, "山西宏明空调科技有限公司"),
    ]
    derived = query(db, "SELECT year, indicator, value, source FROM indicator_values WHERE year = 2023 ORDER BY indicator")
    assert ("signed_projects", 1.0) in [(r[1], r[2]) for r in derived]
    assert {r[3] for r in derived} == {"项目台账汇总"}


def test_identical_reload_changes_nothing(tmp_path):
    db = tmp_path / "d.duckdb"
    path = gbk_wide(tmp_path)
    load_files([path], db)
    before = digest(db)
    result = load_files([path], db)
    assert not result.published and result.changes["values"].unchanged == 3
    assert digest(db) == before


def test_corrected_reload_replaces_values_and_keeps_history(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([gbk_wide(tmp_path)], db)
    result = load_files([gbk_wide(tmp_path, "1,800,000", name="wide-corrected.csv")], db)
    assert result.changes["values"].changed == 1 and result.changes["values"].unchanged == 2
    assert query(db, "SELECT value FROM indicator_values WHERE indicator = 'signed_investment'") == [(180.0,)]
    assert [r[0] for r in query(db, "SELECT file_name FROM load_history ORDER BY load_id")] == [
        "wide.csv", "wide-corrected.csv"]
    assert query(db, "SELECT value, superseded_by_load FROM value_history") == [(179.78, 2)]
    assert query(db, "SELECT file_name, row_number, length(sha256) FROM value_provenance"
                     " WHERE indicator = 'signed_investment'") == [("wide-corrected.csv", 4, 64)]


def test_ledger_reload_updates_projects_and_keeps_their_history(tmp_path):
    db = tmp_path / "d.duckdb"
    week1 = write_xlsx(tmp_path / "w1.xlsx", {"台账": [LEDGER_HEADER, ledger_row("", "甲项目", signed="2024-01-05")]})
    week2 = write_xlsx(tmp_path / "w2.xlsx", {"台账": [LEDGER_HEADER, ledger_row(
        "", "甲项目", signed="2024-01-05", started="2024-03-01", status="开工")]})
    load_files([week1], db)
    result = load_files([week2], db)
    assert result.changes["projects"].changed == 1
    assert query(db, "SELECT count(*), any_value(status) FROM projects") == [(1, "开工")]
    assert query(db, "SELECT status FROM project_history ORDER BY load_id") == [("签约",), ("开工",)]


def test_batch_with_one_bad_file_stores_nothing(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([gbk_wide(tmp_path)], db)
    before = digest(db)
    good = write_csv(tmp_path / "good.csv", ["开发区,年份,高新技术企业数", "太原高新区,2022,30"])
    bad = write_csv(tmp_path / "bad.csv", ["开发区,年份,高新技术企业数", "太原高新区,2022,-30"])
    with pytest.raises(InputRejected):
        load_files([good, bad], db)
    assert digest(db) == before
    assert query(db, "SELECT count(*) FROM indicator_values WHERE year = 2022") == [(0,)]


def test_dry_run_reports_changes_and_writes_nothing(tmp_path):
    db = tmp_path / "d.duckdb"
    result = load_files([gbk_wide(tmp_path)], db, dry_run=True)
    assert result.changes["values"].added == 3 and not db.exists()


def test_load_while_a_reader_holds_the_live_file_open(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([gbk_wide(tmp_path)], db)
    reader = duckdb.connect(str(db), read_only=True)
    try:
        before = reader.execute("SELECT value FROM indicator_values WHERE indicator='signed_investment'").fetchall()
        load_files([gbk_wide(tmp_path, "2,000,000", name="v2.csv")], db)
        still = reader.execute("SELECT value FROM indicator_values WHERE indicator='signed_investment'").fetchall()
        assert before == still == [(179.78,)]  # the open reader keeps its consistent snapshot
    finally:
        reader.close()
    assert query(db, "SELECT value FROM indicator_values WHERE indicator='signed_investment'") == [(200.0,)]


def _slow_load(paths, db):
    import etl.publish as publish

    original = publish._apply

    def crawl(*args, **kwargs):
        original(*args, **kwargs)
        time.sleep(0.5)

    publish._apply = crawl
    load_files(paths, db)


def test_kill_during_load_leaves_live_file_intact(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([gbk_wide(tmp_path)], db)
    before = digest(db)
    ctx = multiprocessing.get_context("fork")
    process = ctx.Process(target=_slow_load, args=([gbk_wide(tmp_path, "9,999", name="v2.csv")], db))
    process.start()
    deadline = time.time() + 20
    while not list(tmp_path.glob(".d.duckdb.*.tmp")) and time.time() < deadline:
        time.sleep(0.02)
    assert list(tmp_path.glob(".d.duckdb.*.tmp")), "the load never started writing its snapshot"
    time.sleep(0.3)  # well inside the (slowed) apply step
    # Mid-load, the live file is untouched and open to readers (a load writing into it would hold its lock).
    assert query(db, "SELECT value FROM indicator_values WHERE indicator='signed_investment'") == [(179.78,)]
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    assert digest(db) == before
    assert query(db, "SELECT value FROM indicator_values WHERE indicator='signed_investment'") == [(179.78,)]
    load_files([gbk_wide(tmp_path, "1,000,000", name="v3.csv")], db)  # the next load cleans up and works
    assert not list(tmp_path.glob(".d.duckdb.*.tmp"))


READER_SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
query = "SELECT value FROM indicator_values WHERE indicator='signed_investment'"
print(con.execute(query).fetchall(), flush=True)
sys.stdin.readline()  # hold the file open until the test has published a new snapshot
print(con.execute(query).fetchall(), flush=True)
"""


def test_load_while_another_process_reads(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "d.duckdb"
    load_files([gbk_wide(tmp_path)], db)
    reader = subprocess.Popen([sys.executable, "-c", READER_SCRIPT, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "[(179.78,)]"
        result = load_files([gbk_wide(tmp_path, "2,500,000", name="v2.csv")], db)
        assert result.published
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "[(179.78,)]"  # its snapshot stayed whole
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert query(db, "SELECT value FROM indicator_values WHERE indicator='signed_investment'") == [(250.0,)]


def test_dry_run_diff_shows_added_changed_and_unchanged_values(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([gbk_wide(tmp_path)], db)
    before = digest(db)
    corrected = write_csv(tmp_path / "corrected.csv", [
        "开发区,年份,签约项目数（个）,签约项目总投资（万元）",
        "运城盐湖高新技术产业开发区,2021,36,\"1,800,000\"", "太原高新区,2021,52,—", "太原高新区,2022,60,"], "gbk")
    result = load_files([corrected], db, dry_run=True)
    assert digest(db) == before and not result.published
    diff = result.value_diff
    assert list(diff.columns[:9]) == ["zone_code", "zone_name", "year", "indicator_code", "indicator_name", "unit",
                                      "old_value", "new_value", "status"]
    rows = {(r.zone_code, r.year, r.indicator_code): r for r in diff.itertuples()}
    changed = rows[("X140802", 2021, "signed_investment")]
    assert (changed.old_value, changed.new_value, changed.status) == (179.78, 180.0, "changed")
    assert changed.zone_name == "运城盐湖高新技术产业开发区" and changed.indicator_name == "签约项目总投资"
    assert changed.unit == "亿元" and changed.changed_fields == "value" and "179.78 → 180" in changed.change_text
    added = rows[("G142005", 2022, "signed_projects")]
    assert added.status == "added" and pd.isna(added.old_value) and added.new_value == 60.0
    assert rows[("X140802", 2021, "signed_projects")].status == "unchanged"
    assert sorted(diff["status"]) == sorted(["changed", "added", "unchanged", "unchanged"])
    counts = result.changes["values"]
    assert (counts.added, counts.changed, counts.unchanged) == (1, 1, 2)


def test_dry_run_project_diff_names_the_changed_fields(tmp_path):
    db = tmp_path / "d.duckdb"
    week1 = write_xlsx(tmp_path / "w1.xlsx", {"台账": [
        LEDGER_HEADER, ledger_row("P1", "甲项目", signed="2024-01-05"), ledger_row("P2", "乙项目", signed="2024-01-06")]})
    week2 = write_xlsx(tmp_path / "w2.xlsx", {"台账": [
        LEDGER_HEADER, ledger_row("P1", "甲项目", signed="2024-01-05", started="2024-03-01", status="开工",
                                  investment=60000),
        ledger_row("P2", "乙项目", signed="2024-01-06"), ledger_row("P3", "丙项目", signed="2024-02-01")]})
    load_files([week1], db)
    diff = load_files([week2], db, dry_run=True).project_diff.set_index("project_id")
    assert diff["status"].to_dict() == {"P1": "changed", "P2": "unchanged", "P3": "added"}
    assert diff.loc["P1", "changed_fields"] == "total_investment, started_date, status"
    assert (diff.loc["P1", "old_project_status"], diff.loc["P1", "project_status"]) == ("签约", "开工")
    assert "项目状态：签约 → 开工" in diff.loc["P1", "change_text"]
    assert diff.loc["P3", "project_name"] == "丙项目" and diff.loc["P3", "zone_name"] == "运城盐湖高新技术产业开发区"


def test_dry_run_without_a_database_shows_everything_added(tmp_path):
    result = load_files([gbk_wide(tmp_path)], tmp_path / "d.duckdb", dry_run=True)
    assert set(result.value_diff["status"]) == {"added"} and len(result.value_diff) == 3
    assert result.value_diff["old_value"].isna().all()


def test_a_resent_report_with_a_dash_where_a_figure_is_stored_says_the_figure_stays(tmp_path):
    """"—" is missing, not zero: the stored figure stays, and the summary says so rather than "identical"."""
    from tests.builders import write_csv as csv_file

    db = tmp_path / "d.duckdb"
    load_files([csv_file(tmp_path / "a.csv", ["开发区,年份,签约项目数,专精特新企业数", "盐湖高新区,2021,36,4"])], db)
    result = load_files([csv_file(tmp_path / "b.csv", ["开发区,年份,签约项目数,专精特新企业数", "盐湖高新区,2021,36,—"])], db)
    assert not result.published
    assert result.summary_lines()[-1] == "文件中的数值与库中相同，未作任何改动（留空或填“—”的单元格不改变库中已有的数值）"
