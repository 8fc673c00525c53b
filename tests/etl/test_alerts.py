"""project_alerts_at(as_of): levels at the threshold days, thresholds read from the config file, history."""
import datetime as dt

import duckdb
import pytest

from etl.demo_sources import DISPATCH_DAYS
from etl.errors import InputRejected
from etl.paths import CATALOGUE_DIR
from etl.publish import load_files
from tests.builders import write_xlsx

D = dt.date
HEADER = ["项目编号", "项目名称", "所属开发区", "投资方", "总投资（亿元）", "签约日期", "开工日期", "计划投产日期", "投产日期",
          "项目状态", "包联领导", "更新日期", "是否模拟"]
SIGNED = D(2025, 1, 10)
STARTED = D(2024, 3, 1)
PLANNED = D(2025, 6, 30)
UPDATED = D(2025, 3, 1)


def row(number, name, *, signed=None, started=None, planned=None, produced=None, status=None, updated=None,
        official="王建国（副主任）"):
    return [number, name, "盐湖高新区", "某某科技有限公司", 3, signed, started, planned, produced, status, official,
            updated, "是"]


def ledger(tmp_path, *rows, name="ledger.xlsx", title="重点项目台账"):
    return write_xlsx(tmp_path / name, {"台账": [[title], HEADER, *rows]})


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "d.duckdb"
    load_files([ledger(
        tmp_path,
        row("A", "签约未开工项目", signed=SIGNED, status="签约", updated=D(2030, 1, 1)),
        row("B", "有计划投产日期的项目", signed=D(2024, 1, 5), started=STARTED, planned=PLANNED, status="开工",
            updated=D(2030, 1, 1)),
        row("C", "没有计划投产日期的项目", signed=D(2024, 1, 5), started=STARTED, status="开工", updated=D(2030, 1, 1)),
        row("S", "久未更新的项目", signed=D(2024, 1, 5), started=STARTED, planned=D(2030, 1, 1), status="开工",
            updated=UPDATED, official=None),
        row("P", "已投产项目", signed=D(2023, 1, 5), started=D(2023, 3, 1), produced=D(2024, 5, 1), status="投产"),
        row("T", "已终止项目", signed=D(2023, 1, 5), status="终止"),
        row("N", "在谈项目", status="在谈"),
        row("F", "以后才签约的项目", signed=D(2027, 6, 1), status="签约"),
    )], path)
    return path


def alert(db, project_id, as_of, columns="level, signed_level, late_level, stale_level, reason"):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT {columns} FROM project_alerts_at(?) WHERE project_id = ?",
                           [as_of, project_id]).fetchone()
    finally:
        con.close()


def listed(db, as_of):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT project_id FROM project_alerts_at(?)", [as_of]).fetchall())
    finally:
        con.close()


@pytest.mark.parametrize(("days", "expected"), [
    (89, None), (90, "yellow"), (91, "yellow"), (179, "yellow"), (180, "red"), (181, "red")])
def test_signed_but_not_started_at_the_thresholds(db, days, expected):
    """Default rules: yellow from day 90 after signing, red from day 180."""
    level, signed_level, late_level, stale_level, reason = alert(db, "A", SIGNED + dt.timedelta(days=days))
    assert signed_level == expected and late_level is None
    assert level == (expected or "green")
    assert reason == (f"签约已满{days}天未开工" if expected else "按计划推进")


@pytest.mark.parametrize(("days", "expected"), [(0, None), (1, "yellow"), (2, "yellow"), (89, "yellow"), (90, "red"),
                                                (91, "red")])
def test_past_the_planned_production_date_at_the_thresholds(db, days, expected):
    level, _, late_level, _, reason = alert(db, "B", PLANNED + dt.timedelta(days=days))
    assert late_level == expected and level == (expected or "green")
    if expected:
        assert reason == f"超过计划投产日期{days}天（计划2025-06-30）"


def test_without_a_planned_date_the_default_build_time_counts(db):
    planned = STARTED + dt.timedelta(days=540)
    assert alert(db, "C", planned, "planned_production_date, late_level") == (planned, None)
    assert alert(db, "C", planned + dt.timedelta(days=1), "planned_production_date, late_level") == (planned, "yellow")


@pytest.mark.parametrize(("days", "expected"), [(29, None), (30, "yellow"), (31, "yellow"), (1000, "yellow")])
def test_no_update_at_the_threshold_and_never_red(db, days, expected):
    level, _, _, stale_level, _ = alert(db, "S", UPDATED + dt.timedelta(days=days))
    assert stale_level == expected and level == (expected or "green")


def test_only_projects_under_way_are_listed(db):
    assert listed(db, D(2025, 6, 1)) == ["A", "B", "C", "S"]
    assert listed(db, D(2023, 6, 1)) == ["P"]  # P was under construction then; A, B, C, S not signed yet
    assert listed(db, D(2029, 6, 1)) == ["A", "B", "C", "F", "S"]


def test_the_worst_rule_decides_and_every_reason_is_given(db):
    day = D(2030, 4, 1)
    level, _, late_level, stale_level, reason = alert(db, "S", day)
    assert (level, late_level, stale_level) == ("red", "red", "yellow")
    assert reason == f"超过计划投产日期90天（计划2030-01-01）；{(day - UPDATED).days}天未更新"
    assert alert(db, "S", day, "lead_official")[0] is None  # no official: still listed


def test_project_alerts_is_at_the_ledgers_day_unless_the_data_is_current(db):
    """The view counts from the day the ledger describes (its 截至 date, else its latest update), not the
    wall clock — today only when the data is current (devzone.periods.default_day, the page's rule)."""
    from devzone import periods

    con = duckdb.connect(str(db), read_only=True)
    try:
        stated, today = con.execute("SELECT ledger_as_of(), current_date").fetchone()
        assert stated == con.execute("SELECT max(updated_date) FROM project_versions").fetchone()[0]
        day = periods.default_day(stated, today)
        assert con.execute("SELECT progress_as_of()").fetchone()[0] == day
        shown = con.execute("SELECT * FROM project_alerts ORDER BY project_id").fetchall()
        explicit = con.execute("SELECT * FROM project_alerts_at(?) ORDER BY project_id", [day]).fetchall()
        assert shown == explicit and {r[6] for r in shown} <= {day}
    finally:
        con.close()


def rules_file(tmp_path, **days):
    """The shipped rules file with some thresholds replaced, e.g. signed_yellow=10."""
    text = (CATALOGUE_DIR / "progress_rules.toml").read_text(encoding="utf-8")
    sections = {"signed": "[rules.signed_not_started]", "late": "[rules.past_planned_production]",
                "stale": "[rules.no_update]"}
    for key, value in days.items():
        rule, field = key.split("_", 1)
        head, _, tail = text.partition(sections[rule])
        start = tail.index(f"{field}_days = ")
        end = tail.index("\n", start)
        text = head + sections[rule] + tail[:start] + f"{field}_days = {value}" + tail[end:]
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_thresholds_changed_in_the_config_change_the_levels(tmp_path, db, monkeypatch):
    day = SIGNED + dt.timedelta(days=20)
    assert alert(db, "A", day)[0] == "green"
    monkeypatch.setenv("DEVZONE_PROGRESS_RULES", str(rules_file(tmp_path, signed_yellow=10, signed_red=20)))
    same_data = ledger(tmp_path, row("A", "签约未开工项目", signed=SIGNED, status="签约", updated=D(2030, 1, 1)),
                       name="again.xlsx")
    result = load_files([same_data], db)
    assert result.rules_changed and result.published
    assert alert(db, "A", SIGNED + dt.timedelta(days=9))[0] == "green"
    assert alert(db, "A", SIGNED + dt.timedelta(days=10))[0] == "yellow"
    assert alert(db, "A", day)[:2] == ("red", "red")
    monkeypatch.delenv("DEVZONE_PROGRESS_RULES")
    assert load_files([same_data], db).rules_changed
    assert alert(db, "A", day)[0] == "green"
    assert not load_files([same_data], db).published  # nothing differs any more


def test_a_broken_rules_file_refuses_the_load(tmp_path, db, monkeypatch):
    before = db.read_bytes()
    monkeypatch.setenv("DEVZONE_PROGRESS_RULES", str(rules_file(tmp_path, signed_yellow=200)))  # red 180 < yellow
    with pytest.raises(InputRejected) as info:
        load_files([ledger(tmp_path, row("A", "签约未开工项目", signed=SIGNED, status="签约"), name="x.xlsx")], db)
    assert "red_days 应为不小于 yellow_days 的整数" in str(info.value.errors[0])
    assert db.read_bytes() == before


def test_history_each_day_sees_the_version_current_then(tmp_path):
    path = tmp_path / "h.duckdb"
    load_files([ledger(tmp_path, row("A", "签约未开工项目", signed=SIGNED, status="签约", updated=D(2025, 5, 1)),
                       name="w1.xlsx")], path)
    load_files([ledger(tmp_path, row("A", "签约未开工项目", signed=SIGNED, status="终止", updated=D(2025, 6, 1)),
                       name="w2.xlsx")], path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        def status(day):
            return con.execute("SELECT status FROM project_state_at(?)", [day]).fetchone()[0]

        assert (status(D(2025, 5, 31)), status(D(2025, 6, 1))) == ("签约", "终止")
        assert status(D(2024, 1, 1)) == "签约"  # before the first report: the earliest version
        assert con.execute("SELECT count(*) FROM project_versions").fetchone()[0] == 2
    finally:
        con.close()
    assert listed(path, D(2025, 5, 31)) == ["A"] and listed(path, D(2025, 6, 1)) == []


def test_the_title_date_is_the_update_date_of_rows_without_one(tmp_path):
    path = tmp_path / "t.duckdb"
    load_files([ledger(tmp_path, row("A", "签约未开工项目", signed=SIGNED, status="签约"),
                       title="重点项目台账（截至2025年2月）")], path)
    assert alert(path, "A", D(2025, 3, 30), "last_update, days_since_update, stale_level") == (
        D(2025, 2, 28), 30, "yellow")


# ---- the demo -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def test_demo_has_red_yellow_and_green_today(demo):
    day = demo.execute("SELECT progress_as_of()").fetchone()[0]  # the last dispatch ledger's day
    everywhere = dict(demo.execute("SELECT level, count(*) FROM project_alerts_at(?) GROUP BY level", [day]).fetchall())
    yanhu = dict(demo.execute("SELECT level, count(*) FROM project_alerts_at(?) WHERE zone_id = 'X140802'"
                              " GROUP BY level", [day]).fetchall())
    for counts in (everywhere, yanhu):
        assert set(counts) == {"red", "yellow", "green"} and min(counts.values()) >= 5


def test_demo_weekly_ledgers_are_versions_of_the_same_projects(demo):
    loads = demo.execute("SELECT load_id, count(*) FROM project_history GROUP BY load_id ORDER BY load_id").fetchall()
    assert len(loads) == 3 and loads[0][1] > loads[1][1] > loads[2][1] > 0
    first, last = DISPATCH_DAYS
    changed = demo.execute(
        """SELECT count(*) FROM project_state_at(?) a JOIN project_state_at(?) b
           USING (project_id) WHERE a.status IS DISTINCT FROM b.status""", [last, first]).fetchone()[0]
    assert changed >= 10  # starts, completions and terminations reported at the last dispatch meeting
    # nothing is dated after the last dispatch day; the weekly ledgers date nothing in the reported years
    assert max(demo.execute("SELECT max(signed_date), max(started_date), max(production_date) FROM projects"
                            ).fetchone()) <= last
    assert demo.execute("SELECT min(signed_date) FROM projects WHERE project_id NOT IN (SELECT project_id"
                        " FROM project_history WHERE load_id = (SELECT min(load_id) FROM project_history))"
                        ).fetchone()[0].year == last.year


def test_assessment_weights_travel_with_the_snapshot(tmp_path, db, monkeypatch):
    def weights(path):
        con = duckdb.connect(str(path), read_only=True)
        try:
            return dict(con.execute("SELECT component, weight FROM assessment_weights").fetchall())
        finally:
            con.close()

    assert weights(db)["red_alerts"] == 15.0
    text = (CATALOGUE_DIR / "progress_rules.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition('component = "red_alerts"')
    changed = tmp_path / "weights.toml"
    changed.write_text(head + 'component = "red_alerts"' + tail.replace("weight = 15", "weight = 40", 1),
                       encoding="utf-8")
    monkeypatch.setenv("DEVZONE_PROGRESS_RULES", str(changed))
    result = load_files([ledger(tmp_path, row("A", "签约未开工项目", signed=SIGNED, status="签约", updated=D(2030, 1, 1)),
                               name="same.xlsx")], db)
    assert result.rules_changed and weights(db)["red_alerts"] == 40.0
    assert "项目推进规则或产业链环节配置已更改，将随本次导入生效" in result.summary_lines()
