"""招商引资 page (app_pages/projects.py) in Streamlit's AppTest, through dashboard.py, against the demo DB."""
import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from devzone import charts, db, fmt
from tests.conftest import check_real_tags
from tests.scratch_db import build_scratch_db

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGE = "app_pages/projects.py"
TIMEOUT = 60
HONGMING_ID_SQL = "SELECT project_id FROM projects WHERE project_name = '宏明空调全产业链生产基地'"
HENGTONG_ID_SQL = "SELECT project_id FROM projects WHERE investor = '天津亨通制冷机电有限公司'"
SIGNED = "signed_date IS NOT NULL AND status <> '在谈'"


def open_page(**query_params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    app.switch_page(PAGE)
    return app.run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.title[0].value in ("招商引资", "Investment projects")


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def descriptions(app: AppTest) -> dict[str, str]:
    """The muted words beside each metric's delta (同比, provincial rank)."""
    return {m.label: m.proto.delta_description for m in app.metric}


def captions(app: AppTest) -> list[str]:
    return [c.value for c in app.caption]


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def chart_titled(app: AppTest, start: str) -> dict:
    found = [s for s in chart_specs(app) if s["layout"].get("title", {}).get("text", "").startswith(start)]
    assert found, [s["layout"].get("title", {}).get("text") for s in chart_specs(app)]
    return found[0]


def ledger_frame(app: AppTest):
    """The ledger is the last (and widest) table on the page."""
    return app.dataframe[-1].value


def control(app: AppTest, label: str):
    [found] = [c for c in app.segmented_control if c.label == label]
    return found


@pytest.fixture(scope="module")
def raw(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def reported(raw, zone_id: str | None, year: int) -> dict[str, float]:
    where = "AND zone_id = ?" if zone_id else ""
    rows = raw.execute(
        f"SELECT indicator, sum(value) FROM indicator_values WHERE year = ? {where} "
        "AND indicator IN ('signed_projects', 'signed_investment', 'signed_started_projects') GROUP BY 1",
        [year] + ([zone_id] if zone_id else [])).fetchall()
    return dict(rows)


def test_seed_year_in_chinese(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    shown = metrics(app)
    assert shown["签约项目"] == "36个"
    assert shown["签约总投资"] == "179.78亿元"
    assert shown["当年签约并开工"] == "34个"
    assert shown["当年开工率"] == fmt.percent(34 / 36)
    rank = raw.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' AND year = 2021 "
                       "AND indicator = 'signed_projects'").fetchone()
    assert descriptions(app)["签约项目"] == "同比"
    # a real 36 ranked among synthetic figures: ※, on a line of its own under the card
    assert f"全省第{rank[0]}名/共{rank[1]}个※" in captions(app)
    assert "数据来源：运城日报《高超：“链主”招商的领路人》" in captions(app)
    # the ledger adds up to the reported figures for this zone-year
    assert "项目台账中2021年签约36个项目、总投资179.78亿元、当年开工34个，与报表数一致。" in captions(app)
    assert app.warning[0].value.startswith("演示数据：")  # the ledger is mostly synthetic
    ledger = ledger_frame(app)
    assert len(ledger) == 36
    assert ledger["总投资（亿元）"].sum() == pytest.approx(179.78)
    assert "宏明空调全产业链生产基地" in set(ledger["项目名称"])


def test_charts_mark_the_chosen_year_and_add_up(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    trend = chart_titled(app, "历年签约项目数")["data"][0]
    years = raw.execute("SELECT year, value FROM indicator_values WHERE zone_id = 'X140802' "
                        "AND indicator = 'signed_projects' ORDER BY year").fetchall()
    assert trend["x"] == [f"{y}年" for y, _ in years]
    assert trend["text"] == [fmt.count(v, "个") for _, v in years]
    colours = trend["marker"]["color"]
    assert colours[trend["x"].index("2021年")] == charts.HIGHLIGHT
    assert colours.count(charts.HIGHLIGHT) == 1
    quarters = chart_titled(app, "2021年签约项目：按季度")["data"][0]
    assert sum(int(t.removesuffix("个")) for t in quarters["text"]) == 36
    months = chart_titled(app, "2021年签约项目：按月份")["data"][0]
    assert len(months["x"]) == 12
    assert sum(int(t) for t in months["text"] if t) == 36  # bare numbers on the twelve narrow bars
    chain = chart_titled(app, "2021年签约项目：按产业链")["data"][0]
    expected_chains = raw.execute(f"SELECT count(DISTINCT chain) FROM projects WHERE zone_id = 'X140802' AND {SIGNED} "
                                  "AND year(signed_date) = 2021").fetchone()[0]
    assert len(chain["customdata"]) == expected_chains  # numbers arrive base64-encoded, labels as lists
    origin = chart_titled(app, "2021年签约项目：按投资方省份")["data"][0]
    assert "山西" in origin["customdata"]
    funnel = chart_titled(app, "在谈 → 签约 → 开工 → 投产")["data"][0]
    assert funnel["type"] == "funnel"
    assert funnel["x"] == sorted(funnel["x"], reverse=True)  # cumulative: never grows down the funnel


def test_hongming_detail_from_the_url(demo_db, raw):
    project_id = raw.execute(HONGMING_ID_SQL).fetchone()[0]
    app = open_page(zone="盐湖高新区", year="2021", project=project_id)
    assert_ran_cleanly(app)
    shown = metrics(app)
    assert shown["预计年产值"] == "20亿元"
    assert shown["预计利税"] == "5,000万元"
    assert shown["总投资"] == "—"
    detail = "\n".join(m.value for m in app.markdown)
    assert "宏明空调全产业链生产基地" in detail and "2021年11月15日" in detail
    assert "山西宏明空调科技有限公司" in detail and "包联领导" in detail and "链主企业" in detail
    assert "真实数据（种子材料）" in detail
    assert app.selectbox(key="projects_detail").value == project_id
    assert app.query_params["project"] == project_id


def test_hengtong_is_under_negotiation(demo_db, raw):
    project_id = raw.execute(HENGTONG_ID_SQL).fetchone()[0]
    app = open_page(zone="盐湖高新区", year="2021", q="亨通", ledger="all")
    assert_ran_cleanly(app)
    ledger = ledger_frame(app)
    row = ledger.loc[ledger["投资方"] == "天津亨通制冷机电有限公司"].iloc[0]
    assert row["项目状态"] == "在谈"
    app.selectbox(key="projects_detail").set_value(project_id).run()
    assert_ran_cleanly(app)
    heading = [m.value for m in app.markdown if m.value.startswith("####")][0]
    assert heading.endswith(":blue-badge[在谈]")
    assert app.query_params["project"] == project_id
    assert app.query_params["q"] == "亨通" and app.query_params["ledger"] == "all"


def test_changing_the_zone_in_the_sidebar_changes_the_numbers(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    app.selectbox(key="filter_zone").set_value("G141004").run()
    assert_ran_cleanly(app)
    expected = reported(raw, "G141004", 2021)
    shown = metrics(app)
    assert shown["签约项目"] == fmt.count(expected["signed_projects"], "个")
    assert shown["签约总投资"] == fmt.money(expected["signed_investment"])
    assert app.query_params["zone"] == "太原经开区"
    assert app.caption[0].value.startswith("太原经开区")


def test_year_from_the_url(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2019")
    assert_ran_cleanly(app)
    expected = reported(raw, "X140802", 2019)
    assert metrics(app)["签约项目"] == fmt.count(expected["signed_projects"], "个")
    n_signed = raw.execute(f"SELECT count(*) FROM projects WHERE zone_id = 'X140802' AND {SIGNED} "
                           "AND year(signed_date) = 2019").fetchone()[0]
    assert len(ledger_frame(app)) == n_signed


def test_province_scope(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021", scope="province")
    assert_ran_cleanly(app)
    expected = reported(raw, None, 2021)
    shown = metrics(app)
    assert shown["签约项目"] == fmt.count(expected["signed_projects"], "个")
    assert shown["签约总投资"] == fmt.money(expected["signed_investment"])
    assert not any("全省第" in c for c in captions(app))  # no rank for the province itself
    ledger = ledger_frame(app)
    assert "所属开发区" in ledger.columns
    n_signed = raw.execute(f"SELECT count(*) FROM projects WHERE {SIGNED} AND year(signed_date) = 2021").fetchone()[0]
    assert len(ledger) == n_signed
    assert app.caption[0].value.startswith("山西省开发区")
    control(app, "范围").set_value("zone").run()
    assert metrics(app)["签约项目"] == "36个"
    assert "scope" not in app.query_params  # the default leaves the address clean


def test_measure_control_changes_the_charts_and_the_url(demo_db):
    app = open_page(zone="盐湖高新区", year="2021")
    control(app, "指标").set_value("investment").run()
    assert_ran_cleanly(app)
    assert app.query_params["measure"] == "investment"
    trend = chart_titled(app, "历年签约总投资")["data"][0]
    assert "179.78亿元" in trend["text"]
    chain = chart_titled(app, "2021年签约投资：按产业链")["data"][0]
    assert chain["text"][-1].endswith("元")  # money, largest on top


def test_search_filters_the_ledger(demo_db):
    app = open_page(zone="盐湖高新区", year="2021")
    app.text_input(key="projects_search").input("宏明").run()
    assert_ran_cleanly(app)
    ledger = ledger_frame(app)
    assert list(ledger["项目名称"]) == ["宏明空调全产业链生产基地"]
    assert app.query_params["q"] == "宏明"
    app.text_input(key="projects_search").input("没有这个项目").run()
    assert_ran_cleanly(app)
    assert any("没有符合“没有这个项目”的项目" in i.value for i in app.info)


def test_english(demo_db, raw):
    project_id = raw.execute(HONGMING_ID_SQL).fetchone()[0]
    app = open_page(zone="盐湖高新区", year="2021", lang="en", project=project_id)
    assert_ran_cleanly(app)
    shown = metrics(app)
    assert shown["Signed projects"] == "36"
    assert shown["Signed investment"] == "RMB 17.98 bn"
    assert shown["Signed & started"] == "34"
    assert shown["Projected annual output"] == "RMB 2 bn"
    assert shown["Projected profit & tax"] == "RMB 50 mn"
    assert app.warning[0].value.startswith("Demo data:")
    assert "15 Nov 2021" in "\n".join(m.value for m in app.markdown)
    assert "Investment (RMB 100 mn)" in ledger_frame(app).columns
    chart_titled(app, "Signed projects by year (2021 highlighted)")


def test_bad_page_parameters_fall_back(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", scope="mars", measure="nope", ledger="x", project="nothing")
    assert_ran_cleanly(app)
    assert metrics(app)["签约项目"] == "36个"
    assert control(app, "范围").value == "zone"
    assert control(app, "指标").value == "projects"
    assert app.selectbox(key="projects_detail").value is None
    for param in ("scope", "measure", "ledger", "project"):
        assert param not in app.query_params


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A snapshot with one project (宏明, 盐湖高新区 2021) and no projects anywhere else."""
    path = build_scratch_db(tmp_path / "scratch.duckdb")
    monkeypatch.setenv("DEVZONE_DB", str(path))
    yield path
    db.close_all()


def test_a_zone_without_projects_says_so(scratch):
    app = open_page(zone="太原经开区", year="2021")
    assert_ran_cleanly(app)
    infos = [i.value for i in app.info]
    assert any("太原经开区暂无招商项目台账" in i for i in infos)
    # only the reported trend (and the table behind it): no empty charts, no empty ledger
    assert len(app.get("plotly_chart")) == 1 and len(app.dataframe) == 1
    assert metrics(app)["签约项目"] != "—"  # the reported figure is still shown


def test_a_year_without_projects_says_so(scratch):
    app = open_page(zone="盐湖高新区", year="2020")
    assert_ran_cleanly(app)
    infos = [i.value for i in app.info]
    assert any("盐湖高新区2020年没有签约项目记录" in i for i in infos)
    assert any("没有符合" in i for i in infos) or any("显示 0 个项目" in c for c in captions(app))


def test_a_ledger_that_does_not_add_up_is_flagged(scratch):
    app = open_page(zone="盐湖高新区", year="2021", project="P1")
    assert_ran_cleanly(app)
    assert metrics(app)["预计利税"] == "5,000万元"
    # the scratch ledger holds one of the 36 projects the article reports: the page says the two differ
    [mismatch] = [w.value for w in app.warning if "与报表数不一致" in w.value]
    assert "- 签约项目数：报表 36个，台账 1个" in mismatch
    assert "- 签约总投资：报表 179.78亿元，台账 —" in mismatch


def test_real_headlines_are_tagged_and_a_change_from_synthetic_2020_is_marked(demo_db):
    """盐湖高新区 2021 (the seed's real figures) against synthetic 2020: 真实 on each, ※ on the 同比, the key."""
    check_real_tags(open_page, assert_ran_cleanly)


def test_province_scope_keeps_to_the_chosen_zones_province(two_province_db, monkeypatch):
    from tests.builders import OTHER_PROVINCE, OTHER_ZONES

    monkeypatch.setenv("DEVZONE_DB", str(two_province_db))
    con = duckdb.connect(str(two_province_db), read_only=True)
    try:
        def province_total(province: str, indicator: str) -> float:
            return con.execute("SELECT sum(value) FROM indicator_values v JOIN zones z USING (zone_id) WHERE "
                               "z.province = ? AND v.year = 2021 AND v.indicator = ?", [province, indicator]).fetchone()[0]

        def signed_in(province: str) -> int:
            return con.execute(f"SELECT count(*) FROM projects p JOIN zones z USING (zone_id) WHERE z.province = ? "
                               f"AND {SIGNED} AND year(signed_date) = 2021", [province]).fetchone()[0]

        for zone, province in (("盐湖高新区", "山西省"), (OTHER_ZONES[0][0], OTHER_PROVINCE)):
            app = open_page(zone=zone, year="2021", scope="province")
            assert_ran_cleanly(app)
            shown = metrics(app)
            assert shown["签约项目"] == fmt.count(province_total(province, "signed_projects"), "个")
            assert shown["签约总投资"] == fmt.money(province_total(province, "signed_investment"))
            ledger = ledger_frame(app)
            assert len(ledger) == signed_in(province) > 0
            others = {r[0] for r in con.execute("SELECT short_name FROM zones WHERE province <> ?", [province]).fetchall()}
            assert not set(ledger["所属开发区"]) & others
            assert app.caption[0].value.startswith(f"{province}开发区")
    finally:
        con.close()
