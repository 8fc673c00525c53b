"""产值税收 page (app_pages/output_tax.py) in Streamlit's AppTest, through dashboard.py, against the demo DB."""
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from devzone import charts, db, fmt
from tests.scratch_db import build_scratch_db

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGE = "app_pages/output_tax.py"
TIMEOUT = 60
SIGNED = "signed_date IS NOT NULL AND status <> '在谈'"


def open_page(**query_params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    app.switch_page(PAGE)
    return app.run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.title[0].value in ("产值税收", "Output & tax")


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def chart_titled(app: AppTest, start: str) -> dict:
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    found = [s for s in specs if s["layout"].get("title", {}).get("text", "").startswith(start)]
    assert found, [s["layout"].get("title", {}).get("text") for s in specs]
    return found[0]


def table_with(app: AppTest, column: str):
    """The first table on the page with that column."""
    found = [d.value for d in app.dataframe if column in d.value.columns]
    assert found, [list(d.value.columns) for d in app.dataframe]
    return found[0]


def control(app: AppTest, label: str):
    [found] = [c for c in app.segmented_control if c.label == label]
    return found


@pytest.fixture(scope="module")
def raw(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def zone_year(raw, zone_id: str, year: int) -> dict[str, float]:
    return dict(raw.execute("SELECT indicator, value FROM indicator_values WHERE zone_id = ? AND year = ? "
                            "AND indicator IN ('projected_output', 'projected_tax')", [zone_id, year]).fetchall())


def top_ten(raw, zone_id: str, year: int | None, column: str = "projected_output") -> list[str]:
    in_year = "AND year(signed_date) = ?" if year else ""
    return [r[0] for r in raw.execute(
        f"SELECT project_name FROM projects WHERE zone_id = ? AND {SIGNED} {in_year} AND {column} IS NOT NULL "
        f"ORDER BY {column} DESC, project_id LIMIT 10", [zone_id] + ([year] if year else [])).fetchall()]


def test_seed_zone_in_chinese(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    expected = zone_year(raw, "X140802", 2021)
    before = zone_year(raw, "X140802", 2020)
    shown = metrics(app)
    assert shown["预计年产值"] == fmt.money(expected["projected_output"])
    assert shown["预计利税"] == fmt.money(expected["projected_tax"])
    assert shown["利税率"] == fmt.percent(expected["projected_tax"] / expected["projected_output"])
    assert {m.label: m.delta for m in app.metric}["预计年产值"] == fmt.yoy(expected["projected_output"],
                                                                        before["projected_output"])
    assert app.warning[0].value.startswith("演示数据：")
    years = chart_titled(app, "历年预计年产值（2021年突出显示）")["data"][0]
    assert years["marker"]["color"][years["x"].index("2021年")] == charts.HIGHLIGHT
    assert fmt.money(expected["projected_output"]) in years["text"]


def test_largest_projects_include_hongming(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    top = table_with(app, "排名")
    assert list(top["项目名称"]) == top_ten(raw, "X140802", 2021)
    assert "宏明空调全产业链生产基地" in set(top["项目名称"])  # 20 亿元: among the year's largest
    hongming = top.loc[top["项目名称"] == "宏明空调全产业链生产基地"].iloc[0]
    assert hongming["预计年产值（亿元）"] == 20 and hongming["预计利税（亿元）"] == 0.5
    assert hongming["签约日期"] == "2021年11月15日"
    bars = chart_titled(app, "预计年产值前10的项目（2021年签约）")["data"][0]
    assert "20亿元" in bars["text"] and bars["text"][-1] == fmt.money(top["预计年产值（亿元）"].iloc[0])


def test_projected_vs_reported(demo_db, raw):
    """The demo's wide statistics sheet reports 预计年产值/预计利税 for every zone and year (equal to the
    ledger sums): the page lists those reported rows and says they match."""
    app = open_page(zone="盐湖高新区", year="2021")
    table = table_with(app, "台账汇总")
    table = table[table["数值类型"] == "报表数"]
    n_reported = raw.execute("SELECT count(*) FROM value_store WHERE zone_id = 'X140802' "
                             "AND indicator IN ('projected_output', 'projected_tax')").fetchone()[0]
    assert n_reported > 0 and len(table) == n_reported
    assert set(table["数值类型"]) == {"报表数"}
    assert set(table["差额（数值−台账）"]) == {"一致"}
    # a table that only says 一致 on every row is one sentence; the figures stay one click away (the expander)
    assert any(s.value == f"{n_reported}项报表数均与项目台账汇总一致。" for s in app.success), [s.value for s in app.success]
    assert len([d for d in app.dataframe if "台账汇总" in d.value.columns]) == 1
    assert not any("没有单独的报表数" in i.value for i in app.info)
    assert not any(".xlsx" in str(s) for s in table["来源"])  # the source by name, not by file


def test_chain_and_intensity(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    [chains] = [d.value for d in app.dataframe if d.value.columns[0] == "产业链" and "签约项目数（个）" in d.value.columns]
    expected = dict(raw.execute(
        f"SELECT chain, sum(projected_output) FROM projects WHERE zone_id = 'X140802' AND {SIGNED} "
        "AND year(signed_date) = 2021 GROUP BY 1").fetchall())
    by_chain = dict(zip(chains["产业链"], chains["预计年产值（亿元）"], strict=True))
    assert by_chain == pytest.approx(expected)
    chart_titled(app, "产出强度：按产业链（2021年签约）")


def test_measure_and_period_controls(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    control(app, "指标").set_value("tax").run()
    assert_ran_cleanly(app)
    assert app.query_params["measure"] == "tax"
    chart_titled(app, "历年预计利税")
    assert list(table_with(app, "排名")["项目名称"]) == top_ten(raw, "X140802", 2021, "projected_tax")
    control(app, "统计范围").set_value("all").run()
    assert_ran_cleanly(app)
    assert app.query_params["period"] == "all"
    assert list(table_with(app, "排名")["项目名称"]) == top_ten(raw, "X140802", None, "projected_tax")
    chart_titled(app, "预计利税前10的项目（历年签约）")


def test_zone_and_year_change_the_numbers(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    app.selectbox(key="filter_zone").set_value("G141004").run()
    assert_ran_cleanly(app)
    assert metrics(app)["预计年产值"] == fmt.money(zone_year(raw, "G141004", 2021)["projected_output"])
    app.selectbox(key="filter_year").set_value(2019).run()
    assert_ran_cleanly(app)
    assert metrics(app)["预计年产值"] == fmt.money(zone_year(raw, "G141004", 2019)["projected_output"])
    assert list(table_with(app, "排名")["项目名称"]) == top_ten(raw, "G141004", 2019)


def test_english(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021", lang="en", measure="tax", period="all")
    assert_ran_cleanly(app)
    expected = zone_year(raw, "X140802", 2021)
    shown = metrics(app)
    assert shown["Projected output"] == fmt.money(expected["projected_output"], "en")
    assert shown["Projected profit & tax"] == fmt.money(expected["projected_tax"], "en")
    assert app.warning[0].value.startswith("Demo data:")
    chart_titled(app, "Projected profit & tax by year (2021 highlighted)")
    chart_titled(app, "Top 10 projects by Projected profit & tax (all years)")
    assert "Ledger sum" in table_with(app, "Ledger sum").columns


def test_bad_parameters_fall_back(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", measure="revenue", period="decade")
    assert_ran_cleanly(app)
    assert control(app, "指标").value == "output"
    assert control(app, "统计范围").value == "year"
    assert "measure" not in app.query_params and "period" not in app.query_params


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A snapshot with one project (宏明, 盐湖高新区 2021) and no projects anywhere else."""
    path = build_scratch_db(tmp_path / "scratch.duckdb")
    monkeypatch.setenv("DEVZONE_DB", str(path))
    yield path
    db.close_all()


def test_a_zone_without_projects(scratch):
    app = open_page(zone="太原经开区", year="2021")
    assert_ran_cleanly(app)
    assert any("太原经开区暂无招商项目台账" in i.value for i in app.info)
    assert not app.get("plotly_chart")


def test_a_year_without_projects(scratch):
    app = open_page(zone="盐湖高新区", year="2020")
    assert_ran_cleanly(app)
    assert metrics(app)["预计年产值"] == "—"
    assert any("没有填报预计年产值的项目" in i.value for i in app.info)


def test_the_seed_project_alone(scratch):
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    shown = metrics(app)
    assert shown["预计年产值"] == "20亿元"
    assert shown["预计利税"] == "5,000万元"
    assert shown["产出强度"] == "—"  # its investment is not known
    assert not any(w.value.startswith("演示数据") for w in app.warning)  # only the real project: no banner


def test_a_reported_figure_that_differs_from_the_ledger_is_highlighted(scratch):
    con = duckdb.connect(str(scratch))
    try:  # a statistics table reports 25 亿元 where the ledger (宏明 alone) adds up to 20 亿元
        con.execute("INSERT INTO value_store VALUES ('X140802', 2021, 'projected_output', 25.0, '统计局报表', false, "
                    "1, 'scratch_values.csv', NULL, 99, NULL, ?)", [dt.datetime(2024, 3, 1, 9, 30)])
    finally:
        con.close()
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    assert metrics(app)["预计年产值"] == "25亿元"
    [warning] = [w.value for w in app.warning if "不一致" in w.value]
    assert warning.startswith("有 1 项报表数与项目台账汇总不一致")
    [styled] = [d for d in app.dataframe if "差额（数值−台账）" in d.value.columns and len(d.value) == 1]
    row = styled.value.iloc[0]
    assert (row["开发区数值"], row["台账汇总"], row["差额（数值−台账）"]) == ("25.00亿元", "20.00亿元", "+5亿元")  # columns keep two decimals
    assert row["数值类型"] == "报表数" and row["来源"] == "统计局报表"
