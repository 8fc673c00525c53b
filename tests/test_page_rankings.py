"""全省排名 (Provincial rankings) in Streamlit's AppTest against the demo database, in zh and en."""
import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devzone import charts, fmt

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
TIMEOUT = 60
PAGE = "app_pages/rankings.py"


def run_rankings(**query_params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    app.run()
    return app.switch_page(PAGE).run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.main.metric}


def composite_table(app: AppTest, score: str = "综合得分"):
    """The composite-score table shown next to its chart (the first table with a score column)."""
    return next(frame.value for frame in app.main.dataframe if score in frame.value.columns)


def decoded(array):
    """Plotly sends numeric arrays as {dtype, bdata}; lists stay lists."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def plotly_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


@pytest.fixture(scope="module")
def raw(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def test_default_view_shows_the_seed_zone_third(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    assert app.title[0].value == "全省排名"
    rank, n = raw.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' "
                          "AND year = 2021 AND indicator = 'signed_projects'").fetchone()
    shown = metrics(app)
    assert shown[f"盐湖高新区名次（共{n}个）"] == f"第{rank}名※" == "第3名※"  # ※: a real figure ranked among the other zones' synthetic ones
    assert any(c.value == fmt.legend("zh") for c in app.caption)  # the key to ※, once
    assert shown["盐湖高新区签约项目数"] == "36个"
    assert app.selectbox(key="rk_indicator").value == "signed_projects"
    assert app.warning[0].value.startswith("演示数据")
    params = app.query_params
    assert params["indicator"] == "signed_projects" and params["weights"] == "0.5,0.3,0.2"
    first, last = raw.execute("SELECT min(year), max(year) FROM indicator_values").fetchone()
    assert (params["from"], params["to"]) == (str(first), str(last))


def test_bar_chart_ranks_every_zone_and_highlights_the_chosen_one(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021")
    bar = plotly_specs(app)[0]["data"][0]
    labels, texts, colours = bar["y"], bar["text"], bar["marker"]["color"]
    assert len(labels) == raw.execute("SELECT count(*) FROM provincial_rankings WHERE year = 2021 "
                                      "AND indicator = 'signed_projects'").fetchone()[0]
    assert colours[labels.index("盐湖高新区")] == charts.HIGHLIGHT
    assert colours.count(charts.HIGHLIGHT) == 1
    assert texts[labels.index("盐湖高新区")] == "36个 · 第3名※"
    ties = raw.execute("SELECT count(*) FROM provincial_rankings p WHERE year = 2021 AND indicator = "
                       "'signed_projects' AND (SELECT count(*) FROM provincial_rankings q WHERE q.year = p.year "
                       "AND q.indicator = p.indicator AND q.rank = p.rank) > 1").fetchone()[0]
    assert sum("并列" in text for text in texts) == ties > 0
    values = decoded(bar["x"])
    assert values == sorted(values)  # best on top (plotly draws the first bar at the bottom)


def test_gap_analysis_for_the_seed_zone(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021")
    above, name = raw.execute("SELECT value, zone_id FROM provincial_rankings WHERE year = 2021 AND indicator = "
                              "'signed_projects' AND rank = 2").fetchone()
    short = raw.execute("SELECT short_name FROM zones WHERE zone_id = ?", [name]).fetchone()[0]
    lines = [m.value for m in app.main.markdown]
    assert f"追平上一名次（第2名：{short}，{fmt.count(above, '个')}）：还差 **{fmt.count(above - 36, '个')}**" in lines
    assert "已居前3名" in lines


def test_indicator_from_the_url_and_a_bad_one_falls_back(demo_db):
    app = run_rankings(zone="盐湖高新区", year="2021", indicator="signed_investment")
    assert_ran_cleanly(app)
    assert metrics(app)["盐湖高新区签约项目总投资"] == "179.78亿元"
    app = run_rankings(zone="盐湖高新区", year="2021", indicator="nonsense", level="火星级", type="x",
                       compare="火星区", weights="9,9", **{"from": "1800", "to": "abc"})
    assert_ran_cleanly(app)
    assert app.selectbox(key="rk_indicator").value == "signed_projects"
    assert app.query_params["indicator"] == "signed_projects" and app.query_params["weights"] == "0.5,0.3,0.2"
    assert "level" not in app.query_params and "type" not in app.query_params


def test_changing_the_indicator_changes_the_numbers_and_the_url(demo_db):
    app = run_rankings(zone="盐湖高新区", year="2021")
    app.selectbox(key="rk_indicator").set_value("signed_started_projects").run()
    assert_ran_cleanly(app)
    assert metrics(app)["盐湖高新区当年签约并开工项目数"] == "34个"
    assert app.query_params["indicator"] == "signed_started_projects"
    assert app.subheader[0].value == "当年签约并开工项目数：各开发区排名"


def test_level_filter_recomputes_ranks_within_the_set(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021")
    app.pills(key="rk_levels").set_value(["省级"]).run()
    assert_ran_cleanly(app)
    values = raw.execute("SELECT v.zone_id, v.value FROM indicator_values v JOIN zones z USING (zone_id) "
                         "WHERE z.level = '省级' AND v.year = 2021 AND v.indicator = 'signed_projects' "
                         "AND v.value IS NOT NULL").df().set_index("zone_id")["value"]
    expected_rank = int(values.rank(method="min", ascending=False)["X140802"])
    assert metrics(app)[f"盐湖高新区名次（共{len(values)}个）"] == f"第{expected_rank}名※"
    assert app.query_params["level"] == "省级"
    assert len(plotly_specs(app)[0]["data"][0]["y"]) == len(values)
    assert "筛选" in app.main.caption[0].value and f"共{len(values)}个开发区" in app.main.caption[0].value


def test_filter_without_the_chosen_zone(demo_db):
    app = run_rankings(zone="盐湖高新区", year="2021", level="国家级")
    assert_ran_cleanly(app)
    assert any("不在筛选范围内" in info.value for info in app.info)
    bar = plotly_specs(app)[0]["data"][0]
    assert charts.HIGHLIGHT not in bar["marker"]["color"]


def test_a_filter_that_keeps_nothing(demo_db):
    app = run_rankings(zone="盐湖高新区", year="2021", level="国家级", type="工业园区")
    assert_ran_cleanly(app)
    assert any("没有符合筛选条件的开发区" in info.value for info in app.info)
    assert not app.get("plotly_chart")


def test_bump_chart_compares_the_zones_chosen_in_the_url(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021", compare="太原经开区", **{"from": "2018", "to": "2021"})
    assert_ran_cleanly(app)
    assert app.multiselect(key="rk_compare").value == ["G141004"]
    bump = plotly_specs(app)[1]["data"]
    assert sorted(trace["name"] for trace in bump) == sorted(["盐湖高新区", "太原经开区"])
    yanhu = next(trace for trace in bump if trace["name"] == "盐湖高新区")
    assert decoded(yanhu["x"]) == [2018, 2019, 2020, 2021]
    expected = [r[0] for r in raw.execute("SELECT rank FROM provincial_rankings WHERE zone_id = 'X140802' AND "
                                          "indicator = 'signed_projects' AND year BETWEEN 2018 AND 2021 "
                                          "ORDER BY year").fetchall()]
    assert decoded(yanhu["y"]) == expected
    app.multiselect(key="rk_compare").set_value(["G141004", "G142005"]).run()
    assert app.query_params["compare"] == "太原经开区,太原高新区"
    assert len(plotly_specs(app)[1]["data"]) == 3


def test_heatmap_has_every_zone_and_indicator(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021")
    heat = plotly_specs(app)[2]["data"][0]
    n_zones = raw.execute("SELECT count(*) FROM zones").fetchone()[0]
    n_indicators = raw.execute("SELECT count(*) FROM indicators").fetchone()[0]
    assert len(heat["y"]) == n_zones and len(heat["x"]) == n_indicators
    assert "盐湖高新区" in heat["y"][2]  # ordered by the chosen indicator's rank: the seed zone is third


def test_composite_score_weights(demo_db):
    app = run_rankings(zone="盐湖高新区", year="2021")
    table = composite_table(app)
    assert list(table.columns)[:3] == ["名次", "开发区", "综合得分"] and len(table) == 28
    assert "当前权重：招商引资 50% · 企业培育 30% · 产值税收 20%" in [c.value for c in app.main.caption]
    before = table.set_index("开发区")["综合得分"].to_dict()
    app.number_input(key="rk_weight_projects").set_value(1.0).run()
    app.number_input(key="rk_weight_enterprises").set_value(0.0).run()
    app.number_input(key="rk_weight_output_tax").set_value(0.0).run()
    assert_ran_cleanly(app)
    assert app.query_params["weights"] == "1,0,0"
    after = composite_table(app).set_index("开发区")
    assert after["综合得分"].to_dict() != before
    assert (after["综合得分"] == after["招商引资"]).all()  # only investment counts now
    app.number_input(key="rk_weight_projects").set_value(0.0).run()
    assert_ran_cleanly(app)
    assert any("大于0的权重" in info.value for info in app.info)


def test_weights_from_the_url(demo_db):
    app = run_rankings(zone="盐湖高新区", year="2021", weights="0,1,0")
    assert_ran_cleanly(app)
    table = composite_table(app)
    assert (table["综合得分"] == table["企业培育"]).all()


def test_changing_the_year_in_the_sidebar(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021")
    app.sidebar.selectbox[1].set_value(2020).run()
    assert_ran_cleanly(app)
    rank, n = raw.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' "
                          "AND year = 2020 AND indicator = 'signed_projects'").fetchone()
    value = raw.execute("SELECT value FROM indicator_values WHERE zone_id = 'X140802' AND year = 2020 "
                        "AND indicator = 'signed_projects'").fetchone()[0]
    shown = metrics(app)
    assert shown[f"盐湖高新区名次（共{n}个）"] == fmt.rank(rank, None, tied=shown[f"盐湖高新区名次（共{n}个）"]
                                                         .startswith("并列"))
    assert shown["盐湖高新区签约项目数"] == fmt.count(value, "个")


def test_english(demo_db):
    app = run_rankings(zone="盐湖高新区", year="2021", lang="en")
    assert_ran_cleanly(app)
    assert app.title[0].value == "Provincial rankings"
    shown = metrics(app)
    assert shown["盐湖高新区: rank (of 28)"] == "3rd※"
    assert shown["盐湖高新区: Signed projects"] == "36"
    assert app.pills(key="rk_levels").options == ["National", "Provincial"]
    assert "Already in the top 3" in [m.value for m in app.main.markdown]
    assert list(composite_table(app, "Score").columns)[:3] == ["Rank", "Zone", "Score"]


def test_a_filter_that_drops_every_compared_zone_starts_the_comparison_afresh(demo_db, raw):
    app = run_rankings(zone="盐湖高新区", year="2021")
    national = {r[0] for r in raw.execute("SELECT zone_id FROM zones WHERE level = '国家级'").fetchall()}
    assert set(app.multiselect(key="rk_compare").value) <= national  # the province's leaders
    app.pills(key="rk_levels").set_value(["省级"]).run()
    assert_ran_cleanly(app)
    compared = app.multiselect(key="rk_compare").value
    assert compared and not set(compared) & national and "X140802" not in compared
    assert len(plotly_specs(app)[1]["data"]) == len(compared) + 1


# ---------------------------------------------------------------- a database holding more than one province

@pytest.fixture
def two_provinces(two_province_db, monkeypatch):
    monkeypatch.setenv("DEVZONE_DB", str(two_province_db))
    con = duckdb.connect(str(two_province_db), read_only=True)
    yield con
    con.close()


def province_zones(con, province: str) -> dict[str, str]:
    return dict(con.execute("SELECT zone_id, short_name FROM zones WHERE province = ?", [province]).fetchall())


def test_every_section_keeps_to_the_chosen_zones_province(two_provinces):
    from tests.builders import OTHER_PROVINCE

    shanxi, hebei = province_zones(two_provinces, "山西省"), province_zones(two_provinces, OTHER_PROVINCE)
    app = run_rankings(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    rank, n = two_provinces.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' "
                                    "AND year = 2021 AND indicator = 'signed_projects'").fetchone()
    assert metrics(app)[f"盐湖高新区名次（共{n}个）"] == f"第{rank}名※" == "第3名※"
    bar, bump, heat, composite = plotly_specs(app)
    assert set(bar["data"][0]["y"]) <= set(shanxi.values()) and len(bar["data"][0]["y"]) == n
    assert not {trace["name"] for trace in bump["data"]} & set(hebei.values())
    assert len(heat["data"][0]["y"]) == len(shanxi) and not set(heat["data"][0]["y"]) & set(hebei.values())
    assert not set(composite["data"][0]["y"]) & set(hebei.values())
    assert not set(composite_table(app)["开发区"]) & set(hebei.values())
    assert f"山西省{len(shanxi)}个开发区参与排名" in app.main.caption[0].value


def test_a_zone_of_the_other_province_is_ranked_among_its_own(two_provinces):
    from tests.builders import OTHER_PROVINCE, OTHER_ZONES

    hebei = province_zones(two_provinces, OTHER_PROVINCE)
    zone_id, _, short = OTHER_ZONES[1][:3]
    app = run_rankings(zone=zone_id, year="2021")
    assert_ran_cleanly(app)
    assert metrics(app)[f"{short}名次（共{len(hebei)}个）"] == "第2名"
    bar = plotly_specs(app)[0]["data"][0]
    assert sorted(bar["y"]) == sorted(hebei.values())
    assert f"河北省{len(hebei)}个开发区参与排名" in app.main.caption[0].value
    assert app.pills(key="rk_types").options == ["高新区", "经开区", "工业园区"]  # not Shanxi's 综合保税区


def test_a_province_of_many_zones_draws_the_leaders_and_the_chosen_zones_neighbours(big_province_db, monkeypatch):
    from devzone import labels

    monkeypatch.setenv("DEVZONE_DB", str(big_province_db))
    app = run_rankings(zone="T200050", year="2021")  # 50th of 60
    assert_ran_cleanly(app)
    assert metrics(app)["河北第50高新区名次（共60个）"] == "第50名"
    bar = plotly_specs(app)[0]["data"][0]
    near = range(50 - labels.BAR_NEIGHBOURS, 50 + labels.BAR_NEIGHBOURS + 1)
    drawn = [label for label in bar["y"][::-1] if not label.startswith("⋯")]
    assert drawn == [f"河北第{i}高新区" for i in [*range(1, labels.BAR_LEADERS + 1), *near]]
    note = f"共60个开发区参与排名，图中显示前{labels.BAR_LEADERS}名和河北第50高新区前后各{labels.BAR_NEIGHBOURS}名；完整排名见“查看数据表”。"
    assert [c.value for c in app.main.caption].count(note) == 2  # under the ranking and under the composite score
    assert len(app.main.dataframe[0].value) == 60  # the table behind the chart: every zone
