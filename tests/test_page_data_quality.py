"""The 数据质量 page (app_pages/data_quality.py) — and the app shell around it — in Streamlit's AppTest.

The whole app runs (dashboard.py -> sidebar -> page) against the demo DB. This page was the landing page
(数据概况) before 总览 took that place; the shell tests that lived with it (URL handling, first run, swapped
and damaged snapshots) open it directly now, so that they do not depend on another page.
"""
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from devzone import db, fmt
from etl.demo_sources import PLANTED_DISCREPANCIES
from etl.paths import SCHEMA_SQL
from tests.scratch_db import build_scratch_db

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGE = "app_pages/data_quality.py"
TIMEOUT = 60  # the first run may build a demo database


def run_app(**query_params: str) -> AppTest:
    """The app opened on the data page, as `/data_quality?…` does in a browser."""
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    app.switch_page(PAGE)
    return app.run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def sidebar_selection(app: AppTest) -> tuple[str, int]:
    zone, year = app.sidebar.selectbox
    return zone.value, year.value


def table_with(app: AppTest, column: str):
    """The first table on the page that has `column`."""
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


@pytest.fixture(scope="module")
def facts(demo_db):
    """What the demo database holds, asked directly (not through the app's query layer)."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        first, last, n, synthetic = con.execute(
            "SELECT min(year), max(year), count(*), count(*) FILTER (WHERE is_synthetic) "
            "FROM indicator_values WHERE value IS NOT NULL").fetchone()
        projects = con.execute("SELECT count(*) FROM projects").fetchone()[0]
        files = {r[0] for r in con.execute("SELECT file_name FROM load_history").fetchall()}
        loads = con.execute("SELECT count(*) FROM load_history").fetchone()[0]
        discrepancies = con.execute("SELECT count(*) FROM ledger_discrepancies").fetchone()[0]
    finally:
        con.close()
    return {"first": first, "last": last, "values": n, "share": synthetic / n, "projects": projects,
            "files": files, "loads": loads, "discrepancies": discrepancies}


# ---------------------------------------------------------------- what the page shows

def test_data_page_in_chinese_shows_what_is_loaded(demo_db, facts):
    app = run_app()
    assert_ran_cleanly(app)
    assert app.title[0].value == "数据质量"
    shown = metrics(app)
    assert shown["开发区"] == "28个"
    assert shown["覆盖年份"] == f"{facts['first']}—{facts['last']}年"
    assert shown["指标"] == "11项"
    assert shown["指标数值"] == fmt.count(facts["values"], "条")
    assert shown["招商项目"] == fmt.count(facts["projects"], "个")
    assert shown["模拟数据占比"] == fmt.percent(facts["share"])
    assert "数据更新于" in app.caption[0].value  # the snapshot time


def test_synthetic_data_banner(demo_db, facts):
    app = run_app()
    banners = [w.value for w in app.warning]
    assert len(banners) == 1
    assert banners[0].startswith("演示数据：")
    assert "模拟生成" in banners[0] and "不是官方统计数据" in banners[0]
    assert fmt.percent(facts["share"]) in banners[0]


def test_indicator_catalogue_and_load_history(demo_db, facts):
    app = run_app()
    catalogue = table_with(app, "代码")
    assert len(catalogue) == 11
    by_code = catalogue.set_index("代码")
    assert by_code.loc["signed_investment", "指标"] == "签约项目总投资"
    assert by_code.loc["signed_investment", "单位"] == "亿元"
    assert by_code.loc["new_four_above_enterprises", "单位"] == "家"
    assert by_code.loc["signed_projects", "排名方向"] == "越高越好"
    loads = table_with(app, "载入时间")
    assert set(loads["文件"]) == facts["files"] and len(loads) == facts["loads"]
    assert all(len(sha) == 12 for sha in loads["文件指纹（SHA-256 前12位）"])


def test_coverage_heatmap_and_gaps(demo_db, facts):
    app = run_app(zone="盐湖高新区", year="2021")
    heatmap = [c for c in app.get("plotly_chart") if '"heatmap"' in c.proto.spec]
    assert len(heatmap) == 1
    gaps = table_with(app, "缺少的指标")
    assert ((gaps["开发区"] == "盐湖高新区") & (gaps["年份"] == "2021年")).any()
    summary = next(m.value for m in app.markdown if "个数值位置" in m.value)
    assert "缺失不等于0" in summary


def test_value_sources_of_the_selection(demo_db):
    app = run_app(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    provenance = table_with(app, "来源（文件与行号）").set_index("指标")
    assert provenance.loc["签约项目数", "数值"] == "36个"
    assert "00_种子数据_盐湖高新区2021年.csv 第" in provenance.loc["签约项目数", "来源（文件与行号）"]
    assert provenance.loc["新开工项目数", "来源（文件与行号）"] == "项目台账汇总"
    facts_table = next(f.value for f in app.dataframe if list(f.value.columns) == ["项目", "内容"])
    assert "文件指纹 SHA-256" in set(facts_table["项目"])
    assert any(m.value.startswith("项目台账汇总为 36个") for m in app.markdown)


def test_a_ledger_value_lists_its_projects_and_the_choice_goes_into_the_url(demo_db):
    app = run_app(zone="盐湖高新区", year="2021")
    next(s for s in app.selectbox if s.key == "dq_indicator").set_value("started_projects").run()
    assert_ran_cleanly(app)
    assert app.query_params["ind"] == "started_projects"
    assert any("项目台账汇总" in m.value and "新开工项目数" in m.value for m in app.markdown)
    projects = table_with(app, "项目编号")
    assert len(projects) == int(next(e for e in app.expander if "计入的台账项目" in e.label).label
                                .split("：")[1].split("个")[0])


def test_a_link_to_a_value_source(demo_db):
    planted = next(d for d in PLANTED_DISCREPANCIES if d.indicator == "signed_projects")
    app = run_app(zone="大同经开区", year=str(planted.year), ind="signed_projects")
    assert_ran_cleanly(app)
    con = duckdb.connect(str(demo_db), read_only=True)
    ledger, = con.execute("SELECT value FROM ledger_indicator_values WHERE zone_id = ? AND year = ?"
                          " AND indicator = 'signed_projects'", [planted.zone_id, planted.year]).fetchone()
    con.close()
    assert any(m.value.startswith(f"⚠ 项目台账汇总为 {ledger:g}个") for m in app.markdown)
    app = run_app(zone="盐湖高新区", year="2021", ind="not_an_indicator")
    assert_ran_cleanly(app)
    assert next(s for s in app.selectbox if s.key == "dq_indicator").value == "signed_projects"
    assert "ind" not in app.query_params


def test_the_three_discrepancies_are_listed_and_explained(demo_db, facts):
    app = run_app(zone="大同经开区", year=str(PLANTED_DISCREPANCIES[0].year))
    assert facts["discrepancies"] == 3
    found = table_with(app, "差额（报表−台账）")
    assert len(found) == 3
    assert set(found["说明"]) == {"报表比台账多1个", "报表比台账多3,000万元", "报表比台账少1个"}
    assert any("采用**报表数**" in m.value for m in app.markdown)  # the plain explanation
    assert any(m.value.startswith("共 **3处**") and "大同经开区 1处" in m.value for m in app.markdown)


def test_synthetic_share_per_table(demo_db):
    app = run_app()
    shares = table_with(app, "数据表").set_index("数据表")
    assert {"指标数值", "招商项目", "企业名录", "年度目标", "合计"} <= set(shares.index)
    assert shares.loc["企业名录", "模拟占比"] != "100.0%"  # 网易 is real


# ---------------------------------------------------------------- the shell, seen from this page

def test_defaults_are_the_home_zone_and_the_latest_year(demo_db, facts):
    app = run_app()
    assert sidebar_selection(app) == ("X140802", facts["last"])
    assert app.query_params["zone"] == "盐湖高新区"
    assert app.query_params["year"] == str(facts["last"])
    assert app.query_params["lang"] == "zh"


def test_url_selects_zone_and_year(demo_db):
    app = run_app(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    assert sidebar_selection(app) == ("X140802", 2021)
    assert "运城盐湖高新技术产业开发区" in app.sidebar.caption[0].value
    coverage = app.markdown[0].value
    assert coverage.startswith("盐湖高新区") and "2021年" in coverage
    # the seed article gives 7 indicators for 2021; the ledger adds more
    available = int(coverage.split("已有 ")[1].split("/")[0])
    assert 7 <= available <= 11


@pytest.mark.parametrize(
    ("zone", "expected_id", "expected_url"),
    [("G141004", "G141004", "太原经开区"), ("山西运城经济开发区", "S147018", "运城经开区"),
     (" 太原经开区 ", "G141004", "太原经开区")],
)
def test_url_zone_by_id_full_or_short_name(demo_db, zone, expected_id, expected_url):
    app = run_app(zone=zone, year="2020")
    assert_ran_cleanly(app)
    assert sidebar_selection(app) == (expected_id, 2020)
    assert app.query_params["zone"] == expected_url  # the address bar shows the canonical short name


def test_invalid_url_values_fall_back_without_a_traceback(demo_db, facts):
    app = run_app(zone="火星开发区", year="1900", lang="xx")
    assert_ran_cleanly(app)
    assert sidebar_selection(app) == ("X140802", facts["last"])
    assert app.title[0].value == "数据质量"
    assert app.query_params["zone"] == "盐湖高新区"


def test_english(demo_db, facts):
    app = run_app(lang="en", zone="太原经开区", year="2021")
    assert_ran_cleanly(app)
    assert app.title[0].value == "Data & sources"
    shown = metrics(app)
    assert shown["Development zones"] == "28"
    assert shown["Years covered"] == f"{facts['first']}–{facts['last']}"
    assert app.warning[0].value.startswith("Demo data:")
    assert app.markdown[0].value.startswith("太原经开区, 2021:")
    catalogue = table_with(app, "Code").set_index("Code")
    assert catalogue.loc["signed_investment", "Indicator"] == "Signed investment"
    assert app.sidebar.selectbox[1].label == "Year"
    found = table_with(app, "What it means")
    assert len(found) == 3


def test_switching_language_keeps_the_selection_and_updates_the_url(demo_db):
    app = run_app(zone="太原经开区", year="2020")
    app.sidebar.segmented_control[0].set_value("en").run()
    assert_ran_cleanly(app)
    assert app.title[0].value == "Data & sources"
    assert sidebar_selection(app) == ("G141004", 2020)
    assert app.query_params == {"zone": "太原经开区", "year": "2020", "lang": "en"}
    app.sidebar.selectbox[0].set_value("S147018").run()  # then pick another zone
    assert app.query_params["zone"] == "运城经开区"
    assert app.markdown[0].value.startswith("运城经开区, 2020:")


def test_first_run_without_a_database_builds_the_demo(tmp_path, monkeypatch):
    target = tmp_path / "fresh" / "devzone.duckdb"
    target.parent.mkdir()
    monkeypatch.setenv("DEVZONE_DB", str(target))
    try:
        app = run_app()
        assert_ran_cleanly(app)
        assert target.is_file()
        assert metrics(app)["开发区"] == "28个"
    finally:
        db.close_all()


def test_a_snapshot_swapped_in_by_the_etl_shows_on_the_next_rerun(demo_db, facts, tmp_path, monkeypatch):
    live = build_scratch_db(tmp_path / "devzone.duckdb")
    monkeypatch.setenv("DEVZONE_DB", str(live))
    try:
        app = run_app()
        assert_ran_cleanly(app)
        assert metrics(app)["招商项目"] == "1个"  # the scratch snapshot holds one project
        staged = tmp_path / "staged.duckdb"
        shutil.copyfile(demo_db, staged)
        os.replace(staged, live)  # what `python -m etl load` does while the dashboard is open
        app.run()
        assert_ran_cleanly(app)
        assert metrics(app)["招商项目"] == fmt.count(facts["projects"], "个")
    finally:
        db.close_all()


def test_an_empty_snapshot_says_how_to_load_data(tmp_path, monkeypatch):
    empty = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(empty))
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.close()
    monkeypatch.setenv("DEVZONE_DB", str(empty))
    try:
        app = run_app(zone="盐湖高新区", year="2021")
        assert_ran_cleanly(app)
        assert "python -m etl load" in app.info[0].value
        assert metrics(app)["开发区"] == "0个"
        assert metrics(app)["覆盖年份"] == "—"
        assert not app.warning  # nothing synthetic to warn about
        assert app.query_params == {"lang": "zh"}
    finally:
        db.close_all()


PROBE_PAGE = '''
import streamlit as st
from devzone import ui

filters = ui.current_filters()
st.title("probe")
st.markdown(f"{filters.zone_id}|{filters.year}|{filters.lang}")
'''


def test_selection_survives_a_page_move(demo_db, tmp_path):
    """A copy of the app with one extra page: what is chosen in the sidebar follows the user to it."""
    app_dir = tmp_path / "app"
    (app_dir / "app_pages").mkdir(parents=True)
    for page in (REPO_ROOT / "app_pages").glob("*.py"):
        (app_dir / "app_pages" / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    (app_dir / "app_pages" / "probe.py").write_text(PROBE_PAGE, encoding="utf-8")
    source = (REPO_ROOT / "dashboard.py").read_text(encoding="utf-8")
    navigation_import = "from devzone.navigation import ADMIN_PAGES, PAGES\n"
    probe_entry = 'PAGES = [("probe.py", "nav.data_quality", ":material/science:"), *PAGES]\n'
    registered = source.replace(navigation_import, navigation_import + probe_entry, 1)
    assert registered != source, "dashboard.py no longer imports PAGES from devzone.navigation — update this test"
    (app_dir / "dashboard.py").write_text(registered, encoding="utf-8")

    app = AppTest.from_file(str(app_dir / "dashboard.py"), default_timeout=TIMEOUT)
    app.query_params.update(zone="太原经开区", year="2020")
    app.run()
    app.sidebar.segmented_control[0].set_value("en").run()
    app.switch_page("app_pages/data_quality.py").run()
    assert app.title[0].value == "Data & sources"
    assert sidebar_selection(app) == ("G141004", 2020)

    app.switch_page("app_pages/probe.py").run()
    assert_ran_cleanly(app)
    assert app.title[0].value == "probe"
    assert app.markdown[0].value == "G141004|2020|en"
    assert sidebar_selection(app) == ("G141004", 2020)
    assert app.query_params == {"zone": "太原经开区", "year": "2020", "lang": "en"}


def test_load_times_are_china_time_like_the_overviews_update_time(demo_db):
    """The server's clock may run in any zone (this one: UTC): 载入时间 reads as China time, as 数据更新于 does."""
    import datetime as dt

    from devzone import periods

    with duckdb.connect(str(demo_db), read_only=True) as con:
        stored = con.execute("SELECT loaded_at FROM load_history ORDER BY loaded_at DESC NULLS LAST, load_id DESC "
                             "LIMIT 1").fetchone()[0]
    local = stored.replace(tzinfo=dt.datetime.now().astimezone().tzinfo)  # stored as the server's wall clock
    expected = fmt.date_time(local.astimezone(periods.CHINA).replace(tzinfo=None), "zh")
    loads = table_with(run_app(), "载入时间")
    assert loads["载入时间"].iloc[0] == expected
