"""项目推进 page (app_pages/progress.py) in Streamlit's AppTest, through dashboard.py, against the demo DB."""
import datetime as dt
import html
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from devzone import fmt, periods
from etl.demo_sources import DATA_AS_OF

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGE = "app_pages/progress.py"
TIMEOUT = 60
DAY = DATA_AS_OF  # the demo's last dispatch ledger (截至 that day)
XUN = periods.xun_of(DAY)
QUARTER_ZH = "一二三四"[(DAY.month - 1) // 3]
# the last whole month before the as-of day: a month of the ledger with every day reported
MONTH = periods.month_of(DAY.replace(day=1) - dt.timedelta(days=1))


def open_page(**query_params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    app.switch_page(PAGE)
    return app.run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def table_with(app: AppTest, column: str):
    found = [frame.value for frame in app.dataframe if column in frame.value.columns]
    assert found, [list(frame.value.columns) for frame in app.dataframe]
    return found[0]


def texts(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown]


def html_tables(app: AppTest) -> list[list[dict[str, str]]]:
    """The st.html tables of the page as rows of {heading: cell text}."""
    tables = []
    for element in app.html:
        if "stacked-table" in element.value:
            continue  # a phone's and paper's copy of a data grid (ui.fitting_table), not a table of its own
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
                for row in re.findall(r"<tr>(.*?)</tr>", element.value)]
        if rows:
            tables.append([dict(zip(rows[0], r, strict=True)) for r in rows[1:]])
    return tables


def section(app: AppTest, name: str) -> AppTest:
    app.segmented_control[0].set_value(name).run()
    assert_ran_cleanly(app)
    return app


@pytest.fixture(scope="module")
def facts(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        def levels(zone_id, day):
            counts = dict(con.execute("SELECT level, count(*) FROM project_alerts_at(?) WHERE zone_id = ?"
                                      " GROUP BY level", [day, zone_id]).fetchall())
            return {level: counts.get(level, 0) for level in ("red", "yellow", "green")}

        month = con.execute(
            """SELECT count(*) FILTER (WHERE signed_date BETWEEN $a AND $b AND status <> '在谈'),
                      count(*) FILTER (WHERE started_date BETWEEN $a AND $b),
                      count(*) FILTER (WHERE production_date BETWEEN $a AND $b AND status = '投产')
               FROM projects WHERE zone_id = 'X140802'""", {"a": MONTH.start, "b": MONTH.end}).fetchone()
        return {"yanhu": levels("X140802", DAY), "taiyuan": levels("G141004", DAY),
                "yanhu_month": levels("X140802", MONTH.end), "month": month}
    finally:
        con.close()


def test_chinese_page_for_the_as_of_day(demo_db, facts):
    app = open_page(zone="盐湖高新区", year="2021", as_of=DAY.isoformat())
    assert_ran_cleanly(app)
    assert app.title[0].value == "项目推进"
    counts = facts["yanhu"]
    shown = metrics(app)
    assert shown["在推项目"] == fmt.count(sum(counts.values()), "个")
    assert shown["红色预警"] == fmt.count(counts["red"], "个")
    assert shown["黄色预警"] == fmt.count(counts["yellow"], "个")
    assert shown["正常推进"] == fmt.count(counts["green"], "个")
    assert app.segmented_control[0].options == ["周调度", "旬预警", "月通报", "季考核"]
    assert app.segmented_control[0].value == "week"
    assert [h.value for h in app.subheader] == ["年度目标完成情况"]
    # the ledger's signings of the year under way count towards its targets, against 序时进度 at the as-of day
    elapsed = fmt.percent(periods.elapsed_share(DAY, DAY.year))
    assert any(m.startswith(f"{DAY.year}年序时进度 {elapsed}（截至{fmt.date(DAY)}）") for m in texts(app)), texts(app)
    for name, heading in (("xun", f"{DAY.year}年{DAY.month}月下旬（{XUN.start.day}日—{XUN.end.day}日）预警"),
                          ("month", f"{DAY.year}年{DAY.month}月全省开发区项目推进通报"),
                          ("quarter", f"{DAY.year}年第{QUARTER_ZH}季度考核")):
        assert section(app, name).subheader[0].value == heading
        assert app.query_params["view"] == name
    assert app.query_params["as_of"] == DAY.isoformat()
    assert app.query_params["quarter"] == f"{DAY.year}Q{periods.quarter_index(DAY)}"
    assert any("预警规则：签约满90天未开工为黄色、满180天为红色" in c.value for c in app.caption)


def test_weekly_dispatch_groups_by_official_and_shows_changes(demo_db, facts):
    app = open_page(zone="盐湖高新区", year="2021", as_of=DAY.isoformat())
    week = periods.week_ending(DAY)
    summary = next(m for m in texts(app) if m.startswith(f"本周（{fmt.date(week.start)}—{fmt.date(week.end)}）"))
    assert f"较 {fmt.date(periods.week_before(DAY))} 的版本有变化" in summary
    groups = [m for m in texts(app) if m.startswith("**") and "包联" in m]
    assert len(groups) >= 3
    # a group whose rows all read 无变化 leaves the column out (its heading says 本周变化 0个)
    changes = [row.get("本周变化", "无变化") for table in html_tables(app) for row in table]
    assert any(v.startswith("状态：开工→投产") for v in changes)
    assert sum(v != "无变化" for v in changes) >= 5


def test_xun_warnings_list_red_and_yellow_with_reasons(demo_db, facts):
    app = open_page(zone="盐湖高新区", year="2021", as_of=DAY.isoformat(), view="xun")
    [warnings] = html_tables(app)
    counts = facts["yanhu"]
    assert len(warnings) == counts["red"] + counts["yellow"]
    levels = [row["预警"] for row in warnings]
    assert levels == sorted(levels, key=["红色", "黄色"].index) and set(levels) == {"红色", "黄色"}  # red first
    assert all(re.search("天未开工|超过计划投产日期|天未更新", row["原因"]) for row in warnings)
    assert {row["较上旬末"] for row in warnings} <= {"新增", "升级为红色", "持续"}


def test_monthly_bulletin_and_quarterly_assessment(demo_db, facts):
    quarter = periods.quarter_code(MONTH.end.year, periods.quarter_index(MONTH.end))
    app = open_page(zone="盐湖高新区", year="2021", as_of=MONTH.end.isoformat(), quarter=quarter, view="month")
    assert_ran_cleanly(app)
    bulletin = table_with(app, "新投产").set_index("开发区")
    signed, started, completed = facts["month"]
    assert signed > 0 and started > 0  # the month shown has figures
    assert bulletin.loc["盐湖高新区", "新签约"] == fmt.count(signed, "个")
    assert bulletin.loc["盐湖高新区", "新开工"] == fmt.count(started, "个")
    assert bulletin.loc["盐湖高新区", "新投产"] == fmt.count(completed, "个")
    assert bulletin.loc["盐湖高新区", "红色预警"] == fmt.count(facts["yanhu_month"]["red"], "个")
    assert "全省合计" in bulletin.index and len(bulletin) == 29
    section(app, "quarter")
    scores = table_with(app, "得分")
    assert len(scores) == 28 and scores["名次"].iloc[0] in ("第1名/共28个", "并列第1名/共28个")
    quarter_zh = "一二三四"[periods.quarter_index(MONTH.end) - 1]
    assert f"{MONTH.end.year}年第{quarter_zh}季度考核" in [h.value for h in app.subheader]
    assert app.query_params["quarter"] == quarter


def test_picking_another_day_moves_every_period(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", as_of=DAY.isoformat())
    section(app, "xun")
    app.date_input[0].set_value(dt.date(2020, 2, 29)).run()
    assert_ran_cleanly(app)
    assert app.subheader[0].value == "2020年2月下旬（21日—29日）预警"
    assert section(app, "month").subheader[0].value == "2020年2月全省开发区项目推进通报"
    assert section(app, "quarter").subheader[0].value == "2020年第一季度考核"
    assert app.query_params["as_of"] == "2020-02-29" and app.query_params["quarter"] == "2020Q1"


def data_day(demo_db) -> dt.date:
    """The ledger's 截至 date (the title's date lands in updated_date), the way the page reads it."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return con.execute("SELECT max(updated_date) FROM project_versions").fetchone()[0]
    finally:
        con.close()


def test_bad_url_values_fall_back_to_the_datas_day(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", as_of="2026-13-45", quarter="someday", view="nothing")
    assert_ran_cleanly(app)
    assert app.query_params["view"] == "week"
    day = periods.default_day(data_day(demo_db), dt.date.today())
    assert app.query_params["as_of"] == day.isoformat()
    assert app.query_params["quarter"] == f"{day.year}Q{(day.month - 1) // 3 + 1}"


def test_every_period_opens_on_the_latest_data_and_says_so(demo_db):
    """Opened without a day, the page shows the ledger's 截至 date, not the wall clock: the month, quarter and
    alert days count from there, and the targets show the latest year with figures, not 0/43个."""
    stated = data_day(demo_db)
    day = periods.default_day(stated, dt.date.today())
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    assert app.query_params["as_of"] == day.isoformat()
    assert app.date_input[0].value == day
    assert any(f"数据截至{fmt.date(stated)}" in c.value for c in app.caption), [c.value for c in app.caption]
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        red, = con.execute("SELECT count(*) FROM project_alerts_at(?) WHERE zone_id = 'X140802' AND level = 'red'",
                           [day]).fetchone()
    finally:
        con.close()
    assert metrics(app)["红色预警"] == fmt.count(red, "个")
    assert section(app, "month").subheader[0].value == f"{day.year}年{day.month}月全省开发区项目推进通报"
    bulletin = table_with(app, "新投产").set_index("开发区")
    assert bulletin.loc["全省合计"].ne("0个").any(), "the month shown has no figures at all"
    import json
    bars = " ".join(str(trace.get("text")) for chart in app.get("plotly_chart")
                    for trace in json.loads(chart.proto.spec)["data"])
    assert not re.search(r"(?<![\d.])0/\d+个", bars), bars  # no target row reading 0/43个 · 0.0%


def test_an_explicit_day_after_the_data_is_flagged(demo_db):
    stated = data_day(demo_db)
    later = stated + dt.timedelta(days=30)
    app = open_page(zone="盐湖高新区", year="2021", as_of=later.isoformat())
    assert_ran_cleanly(app)
    assert any("晚于数据截至日期" in c.value for c in app.caption), [c.value for c in app.caption]


def test_english_and_another_zone(demo_db, facts):
    app = open_page(zone="盐湖高新区", year="2021", as_of=DAY.isoformat(), lang="en", view="xun")
    assert_ran_cleanly(app)
    assert app.title[0].value == "Project progress"
    assert metrics(app)["Red"] == fmt.count(facts["yanhu"]["red"], lang="en")
    month_en = DAY.strftime("%B")
    assert [h.value for h in app.subheader][0] == f"Late {month_en} {DAY.year} (days {XUN.start.day}–{XUN.end.day}): warnings"
    app.sidebar.selectbox[0].set_value("G141004").run()
    assert_ran_cleanly(app)
    assert metrics(app)["Red"] == fmt.count(facts["taiyuan"]["red"], lang="en")
    assert metrics(app)["Projects under way"] == fmt.count(sum(facts["taiyuan"].values()), lang="en")


def test_a_snapshot_from_an_older_importer_asks_for_a_reload(demo_db, tmp_path, monkeypatch):
    import shutil

    from devzone import db

    old = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db, old)
    con = duckdb.connect(str(old))
    for view in ("project_alerts", "target_progress", "chain_pipeline", "chain_segment_coverage", "chain_links"):
        con.execute(f"DROP VIEW {view}")
    con.close()
    monkeypatch.setenv("DEVZONE_DB", str(old))
    try:
        for page in ("app_pages/progress.py", "app_pages/chains.py"):
            app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
            app.query_params.update(zone="盐湖高新区", year="2021")
            app.switch_page(page)
            app.run()
            assert_ran_cleanly(app)
            assert "python -m etl build-demo" in app.info[0].value
    finally:
        db.close_all()


def test_month_section_offers_the_bulletin_as_word(demo_db):
    """The 月通报 is downloadable from the page as .docx (before: CLI only, and slides only); the button makes it
    when clicked with month_notice.document_bytes, for the page's province and month."""
    import io

    from docx import Document

    from devzone.export import data as report_data
    from devzone.export import month_notice

    day = periods.default_day(data_day(demo_db), dt.date.today())
    app = section(open_page(zone="盐湖高新区", year="2021"), "month")
    buttons = [b for b in app.get("download_button") if b.proto.label == "下载月通报（Word）"]
    assert len(buttons) == 1, [b.proto.label for b in app.get("download_button")]
    assert buttons[0].proto.deferred_file_id  # made on click, not on every rerun
    content = month_notice.document_bytes(report_data.direct_loader(demo_db), "山西省", day.year, day.month)
    title = Document(io.BytesIO(content)).paragraphs[0]
    assert title.style.name == "Title" and f"{day.year}年" in title.text and f"{day.month}月" in title.text
