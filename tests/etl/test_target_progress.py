"""target_progress_at(as_of): 序时进度 (share of the year elapsed), actuals, on_schedule ("时间过半、任务过半")."""
import datetime as dt

import duckdb
import pytest

from etl.publish import load_files
from tests.builders import LEDGER_HEADER, ledger_row, write_csv, write_xlsx

D = dt.date


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("targets")
    targets = write_csv(folder / "targets.csv", [
        "开发区,年份,指标,目标值,单位",
        "盐湖高新区,2024,签约项目数,6,个",
        "盐湖高新区,2025,签约项目数,10,个",
        "盐湖高新区,2026,签约项目数,4,个",
        "盐湖高新区,2026,签约项目总投资,20,亿元",
        "盐湖高新区,2026,专精特新企业数,3,家",
        "盐湖高新区,2027,签约项目数,5,个",
    ])
    reported = write_csv(folder / "reported.csv", ["开发区,年份,签约项目数", "盐湖高新区,2025,12"])
    ledger = write_xlsx(folder / "ledger.xlsx", {"台账": [LEDGER_HEADER,
        ledger_row("A", "一月签约项目", signed=dt.datetime(2026, 1, 15), investment=30000),
        ledger_row("B", "三月签约项目", signed=dt.datetime(2026, 3, 1), investment=50000),
        ledger_row("C", "八月签约项目", signed=dt.datetime(2026, 8, 1), investment=40000),
        ledger_row("N", "在谈项目", status="在谈", investment=None)]})
    path = folder / "d.duckdb"
    load_files([targets, reported, ledger], path)
    return path


def progress(db, as_of, year, indicator="signed_projects"):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT target, actual, completion_rate, time_elapsed_share, on_schedule, actual_source"
            " FROM target_progress_at(?) WHERE zone_id = 'X140802' AND year = ? AND indicator = ?",
            [as_of, year, indicator]).fetchone()
    finally:
        con.close()


def test_half_the_year_half_the_task(db):
    """2 of 4 projects signed: on schedule on day 182 (49.9% of 2026 elapsed), behind on day 183 (50.1%)."""
    target, actual, rate, share, on_schedule, source = progress(db, D(2026, 7, 1), 2026)
    assert (target, actual, rate) == (4.0, 2.0, 0.5)
    assert share == pytest.approx(182 / 365) and on_schedule is True
    assert source == "项目台账（截至2026-07-01）"
    assert progress(db, D(2026, 7, 2), 2026)[3:5] == (pytest.approx(183 / 365), False)


def test_the_current_year_counts_the_ledger_up_to_the_day(db):
    assert progress(db, D(2026, 2, 28), 2026)[1] == 1.0
    assert progress(db, D(2026, 8, 1), 2026)[1] == 3.0
    assert progress(db, D(2026, 8, 1), 2026, "signed_investment")[:3] == (20.0, 12.0, pytest.approx(0.6))


def test_past_years_use_the_reported_figure_and_the_whole_year(db):
    assert progress(db, D(2026, 7, 1), 2025) == (10.0, 12.0, 1.2, 1.0, True, "reported.csv")


def test_future_years_and_missing_actuals(db):
    assert progress(db, D(2026, 7, 1), 2027) == (5.0, None, None, 0.0, None, None)
    # no reported figure and not a ledger indicator: unknown, not zero
    assert progress(db, D(2026, 7, 1), 2026, "srdi_enterprises") == (3.0, None, None, pytest.approx(182 / 365), None,
                                                                     None)


def test_leap_year_share(db):
    assert progress(db, D(2024, 2, 29), 2024)[3] == pytest.approx(60 / 366)
    assert progress(db, D(2024, 12, 31), 2024)[3] == 1.0
    assert progress(db, D(2025, 1, 1), 2025)[3] == pytest.approx(1 / 365)


def test_target_progress_is_at_the_ledgers_day_unless_the_data_is_current(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert (con.execute("SELECT * FROM target_progress ORDER BY ALL").fetchall()
                == con.execute("SELECT * FROM target_progress_at(progress_as_of()) ORDER BY ALL").fetchall())
        assert {d for d, in con.execute("SELECT DISTINCT as_of FROM target_progress").fetchall()} <= {
            con.execute("SELECT progress_as_of()").fetchone()[0]}
        columns = [d[0] for d in con.execute("SELECT * FROM target_progress LIMIT 0").description]
        assert columns[:8] == ["zone_id", "year", "indicator", "target", "actual", "completion_rate",
                               "time_elapsed_share", "on_schedule"]
    finally:
        con.close()


def test_demo_targets_are_both_ahead_of_and_behind_schedule(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        day = con.execute("SELECT progress_as_of()").fetchone()[0]  # the ledger's day, not the wall clock
        past = con.execute("SELECT max(year) FROM indicator_values").fetchone()[0]  # the latest reported year
        assert past < day.year
        marks = dict(con.execute("SELECT on_schedule, count(*) FROM target_progress_at(?) WHERE year = ?"
                                 " GROUP BY ALL", [day, past]).fetchall())
        assert marks[True] >= 20 and marks[False] >= 20
        expected = dict(con.execute("SELECT indicator, value FROM indicator_values WHERE zone_id = 'X140802'"
                                    " AND year = ?", [past]).fetchall())
        rows = con.execute("SELECT indicator, actual, time_elapsed_share FROM target_progress_at(?)"
                           " WHERE zone_id = 'X140802' AND year = ?", [day, past]).fetchall()
        assert len(rows) == 4
        for indicator, actual, share in rows:
            assert actual == expected[indicator] and share == 1.0
        days_in_year = (D(day.year + 1, 1, 1) - D(day.year, 1, 1)).days
        assert con.execute("SELECT DISTINCT time_elapsed_share FROM target_progress_at(?) WHERE year = ?",
                           [day, day.year]).fetchall() == [(day.timetuple().tm_yday / days_in_year,)]
    finally:
        con.close()
