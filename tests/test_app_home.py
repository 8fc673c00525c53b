"""The whole app (dashboard.py -> sidebar -> 数据概况) in Streamlit's AppTest, against the demo DB."""
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from devzone import db, fmt
from etl.paths import SCHEMA_SQL
from tests.scratch_db import build_scratch_db

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
TIMEOUT = 60  # the first run may build a demo database


def run_app(**query_params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    return app.run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def sidebar_selection(app: AppTest) -> tuple[str, int]:
    zone, year = app.sidebar.selectbox
    return zone.value, year.value


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
    finally:
        con.close()
    return {"first": first, "last": last, "values": n, "share": synthetic / n, "projects": projects,
            "files": files}


def test_home_in_chinese_shows_what_is_loaded(demo_db, facts):
    app = run_app()
    assert_ran_cleanly(app)
    assert app.title[0].value == "数据概况"
    shown = metrics(app)
    assert shown["开发区"] == "28个"
    assert shown["覆盖年份"] == f"{facts['first']}—{facts['last']}年"
    assert shown["指标"] == "11项"
    assert shown["指标数值"] == fmt.count(facts["values"], "条")
    assert shown["招商项目"] == fmt.count(facts["projects"], "个")
    assert shown["模拟数据占比"] == fmt.percent(facts["share"])


def test_synthetic_data_banner(demo_db, facts):
    app = run_app()
    banners = [w.value for w in app.warning]
    assert len(banners) == 1
    assert banners[0].startswith("演示数据：")
    assert "模拟生成" in banners[0] and "不是官方统计数据" in banners[0]
    assert fmt.percent(facts["share"]) in banners[0]


def test_indicator_table_and_load_history(demo_db, facts):
    app = run_app()
    catalogue, loads = (frame.value for frame in app.dataframe)
    assert len(catalogue) == 11
    by_code = catalogue.set_index("代码")
    assert by_code.loc["signed_investment", "指标"] == "签约项目总投资"
    assert by_code.loc["signed_investment", "单位"] == "亿元"
    assert by_code.loc["new_four_above_enterprises", "单位"] == "家"
    assert by_code.loc["signed_projects", "排名方向"] == "越高越好"
    assert set(loads["文件"]) <= facts["files"] and len(loads) > 0


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
    assert app.title[0].value == "数据概况"
    assert app.query_params["zone"] == "盐湖高新区"


def test_english(demo_db, facts):
    app = run_app(lang="en", zone="太原经开区", year="2021")
    assert_ran_cleanly(app)
    assert app.title[0].value == "Data overview"
    shown = metrics(app)
    assert shown["Development zones"] == "28"
    assert shown["Years covered"] == f"{facts['first']}–{facts['last']}"
    assert app.warning[0].value.startswith("Demo data:")
    assert app.markdown[0].value.startswith("太原经开区, 2021:")
    catalogue = app.dataframe[0].value.set_index("Code")
    assert catalogue.loc["signed_investment", "Indicator"] == "Signed investment"
    assert app.sidebar.selectbox[1].label == "Year"


def test_switching_language_keeps_the_selection_and_updates_the_url(demo_db):
    app = run_app(zone="太原经开区", year="2020")
    app.sidebar.segmented_control[0].set_value("en").run()
    assert_ran_cleanly(app)
    assert app.title[0].value == "Data overview"
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


def test_corrupt_database_is_explained_and_rebuilt_only_on_request(tmp_path, monkeypatch):
    broken = tmp_path / "devzone.duckdb"
    junk = b"not a database " * 500
    broken.write_bytes(junk)
    monkeypatch.setenv("DEVZONE_DB", str(broken))
    try:
        app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT).run()
        assert not app.exception
        assert "无法读取" in app.error[0].value and str(broken) in app.error[0].value
        assert broken.read_bytes() == junk, "the corrupt file must not be replaced without being asked"
        assert not app.metric, "no numbers are shown from an unreadable database"
        [rebuild] = [b for b in app.button if b.label == "重新生成演示数据库"]

        rebuild.click().run()
        assert_ran_cleanly(app)
        assert metrics(app)["开发区"] == "28个"
        backups = list(tmp_path.glob("devzone.duckdb.corrupt-*"))
        assert len(backups) == 1 and backups[0].read_bytes() == junk  # kept, not deleted
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
    probe_entry = '    ("probe.py", "nav.home", ":material/science:"),\n'
    registered = source.replace("PAGES = [\n", "PAGES = [\n" + probe_entry, 1)
    assert registered != source, "dashboard.py no longer declares `PAGES = [` — update this test"
    (app_dir / "dashboard.py").write_text(registered, encoding="utf-8")

    app = AppTest.from_file(str(app_dir / "dashboard.py"), default_timeout=TIMEOUT)
    app.query_params.update(zone="太原经开区", year="2020")
    app.run()
    app.sidebar.segmented_control[0].set_value("en").run()
    app.switch_page("app_pages/home.py").run()
    assert app.title[0].value == "Data overview"
    assert sidebar_selection(app) == ("G141004", 2020)

    app.switch_page("app_pages/probe.py").run()
    assert_ran_cleanly(app)
    assert app.title[0].value == "probe"
    assert app.markdown[0].value == "G141004|2020|en"
    assert sidebar_selection(app) == ("G141004", 2020)
    assert app.query_params == {"zone": "太原经开区", "year": "2020", "lang": "en"}
