"""The 企业培育 page (app_pages/enterprises.py) in Streamlit's AppTest, through dashboard.py, on the demo DB."""
import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devzone import db, fmt
from etl.paths import SCHEMA_SQL
from tests.conftest import check_real_tags

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGE = "app_pages/enterprises.py"
TIMEOUT = 60
YANHU = "X140802"
CARD_LABELS = {"new_four_above_enterprises": "新增四上企业", "srdi_enterprises": "专精特新企业",
               "ii_integration_pilots": "两化融合贯标", "high_tech_enterprises": "高新技术企业",
               "national_incubators": "国家级孵化器"}


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


def enterprise_list(app: AppTest):
    return app.dataframe[-1].value  # the list is the page's last table


def widget(app: AppTest, kind: str, key: str):
    return next(w for w in getattr(app, kind) if w.key == key)


def chart_spec(app: AppTest, index: int) -> dict:
    return json.loads(app.get("plotly_chart")[index].proto.spec)


def decode(values) -> list:
    """Plotly writes numeric arrays as base64 (`{"dtype": "f8", "bdata": …}`)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


@pytest.fixture(scope="module")
def raw(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def reported(raw, zone_id: str, year: int) -> dict[str, float]:
    return dict(raw.execute(
        "SELECT indicator, value FROM indicator_values v JOIN indicators i USING (indicator) "
        "WHERE zone_id = ? AND year = ? AND i.category = 'enterprises'", [zone_id, year]).fetchall())


def test_seed_zone_2021_in_chinese(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    assert app.title[0].value == "企业培育"
    shown = metrics(app)
    assert shown["新增四上企业"] == "19家"
    assert shown["专精特新企业"] == "4家"
    assert shown["两化融合贯标"] == "2家"
    assert shown["国家级孵化器"] == "1家"
    assert shown["高新技术企业"] == fmt.MISSING  # not reported for 2021; the list is compared instead
    assert app.warning[0].value.startswith("演示数据")  # the synthetic banner
    n_2021 = raw.execute("SELECT count(*) FROM enterprises WHERE zone_id = ? AND recognised_year = 2021",
                         [YANHU]).fetchone()[0]
    listing = enterprise_list(app)
    assert list(listing.columns) == ["企业名称", "认定类别", "认定年份", "数据性质"]
    assert len(listing) == n_2021 and set(listing["认定年份"]) == {"2021年"}
    assert (listing["认定类别"] == "四上企业").sum() == 19
    netease = listing[listing["认定类别"] == "国家级科技企业孵化器"]
    assert netease["企业名称"].tolist() == ["网易"] and netease["数据性质"].tolist() == ["真实"]
    infos = " ".join(i.value for i in app.info)
    assert "创新型中小企业" in infos  # the ladder says plainly which level the data lacks


def test_trend_chart_shows_the_reports_and_the_list(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    spec = chart_spec(app, 0)
    bars, diamonds = spec["data"][0], spec["data"][1]
    years = decode(bars["x"])
    expected = dict(raw.execute("SELECT year, value FROM indicator_values WHERE zone_id = ? "
                                "AND indicator = 'new_four_above_enterprises'", [YANHU]).fetchall())
    assert decode(bars["y"]) == [expected[y] for y in years]
    listed = dict(raw.execute("SELECT recognised_year, count(*) FROM enterprises WHERE zone_id = ? "
                              "AND category = '四上企业' GROUP BY 1", [YANHU]).fetchall())
    assert decode(diamonds["y"]) == [listed.get(y, 0) for y in years]
    assert 2021 in years and decode(bars["y"])[years.index(2021)] == 19


def test_picking_another_indicator_redraws_the_trend_and_goes_into_the_url(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    widget(app, "segmented_control", "ent_indicator").set_value("high_tech_enterprises").run()
    assert_ran_cleanly(app)
    assert app.query_params["ind"] == "high_tech_enterprises"
    spec = chart_spec(app, 0)
    years = decode(spec["data"][0]["x"])
    listed = raw.execute("SELECT count(*) FROM enterprises WHERE zone_id = ? AND category = '高新技术企业' "
                         "AND recognised_year = 2021", [YANHU]).fetchone()[0]
    assert decode(spec["data"][1]["y"])[years.index(2021)] == listed
    assert np.isnan(decode(spec["data"][0]["y"])[years.index(2021)])  # no report that year
    assert any("⚠" in m.value and "2021年" in m.value for m in app.markdown)


def test_list_filters_search_and_url(demo_db):
    app = open_page(zone="盐湖高新区", year="2021")
    widget(app, "multiselect", "ent_categories").set_value(["国家级科技企业孵化器"]).run()
    assert enterprise_list(app)["企业名称"].tolist() == ["网易"]
    assert app.query_params["cat"] == "国家级科技企业孵化器"
    widget(app, "multiselect", "ent_categories").set_value([]).run()
    widget(app, "text_input", "ent_search").set_value("网易").run()
    widget(app, "segmented_control", "ent_scope").set_value("all").run()
    assert_ran_cleanly(app)
    assert enterprise_list(app)["企业名称"].tolist() == ["网易"]
    assert app.query_params["q"] == "网易" and app.query_params["scope"] == "all"
    assert "cat" not in app.query_params
    widget(app, "text_input", "ent_search").set_value("没有这家企业").run()
    assert any("没有符合筛选条件的企业" in i.value for i in app.info)


def test_a_copied_link_reproduces_the_view(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", ind="srdi_enterprises", cat="国家级科技企业孵化器",
                    q="网易", scope="all")
    assert_ran_cleanly(app)
    assert widget(app, "segmented_control", "ent_indicator").value == "srdi_enterprises"
    assert widget(app, "multiselect", "ent_categories").value == ["国家级科技企业孵化器"]
    assert widget(app, "segmented_control", "ent_scope").value == "all"
    assert enterprise_list(app)["企业名称"].tolist() == ["网易"]
    bars = chart_spec(app, 0)["data"][0]
    assert decode(bars["y"])[decode(bars["x"]).index(2021)] == 4  # the SRDI reports are drawn


def test_invalid_page_parameters_fall_back(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", ind="DROP TABLE", cat="火星企业", scope="forever")
    assert_ran_cleanly(app)
    assert widget(app, "segmented_control", "ent_indicator").value == "new_four_above_enterprises"
    assert widget(app, "multiselect", "ent_categories").value == []
    assert widget(app, "segmented_control", "ent_scope").value == "year"
    assert {"ind", "cat", "scope"}.isdisjoint(app.query_params)  # defaults stay out of the address


def test_changing_zone_and_year_in_the_sidebar_changes_the_numbers(demo_db, raw):
    app = open_page(zone="盐湖高新区", year="2021")
    app.sidebar.selectbox[0].set_value("G141004").run()
    assert_ran_cleanly(app)
    expected = reported(raw, "G141004", 2021)
    shown = metrics(app)
    for indicator, label in CARD_LABELS.items():
        assert shown[label] == fmt.count(expected.get(indicator), "家"), label
    assert app.query_params["zone"] == "太原经开区"
    app.sidebar.selectbox[1].set_value(2019).run()
    assert_ran_cleanly(app)
    expected = reported(raw, "G141004", 2019)
    assert metrics(app)["新增四上企业"] == fmt.count(expected["new_four_above_enterprises"], "家")
    n_2019 = raw.execute("SELECT count(*) FROM enterprises WHERE zone_id = 'G141004' AND recognised_year = 2019"
                         ).fetchone()[0]
    assert len(enterprise_list(app)) == n_2019


def test_english(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", lang="en")
    assert_ran_cleanly(app)
    assert app.title[0].value == "Enterprises"
    shown = metrics(app)
    assert shown["Above-scale"] == "19" and shown["SRDI firms"] == "4" and shown["Incubators"] == "1"
    assert app.warning[0].value.startswith("Demo data")
    listing = enterprise_list(app)
    assert list(listing.columns) == ["Enterprise", "Category", "Recognised", "Data"]
    assert "National incubators" in set(listing["Category"])
    assert any("Innovative SMEs" in i.value for i in app.info)


def test_switching_language_keeps_the_page_state(demo_db):
    app = open_page(zone="盐湖高新区", year="2021", cat="四上企业")
    app.sidebar.segmented_control[0].set_value("en").run()
    assert_ran_cleanly(app)
    assert app.title[0].value == "Enterprises"
    assert len(enterprise_list(app)) == 19
    assert app.query_params["cat"] == "四上企业" and app.query_params["lang"] == "en"


def test_an_empty_snapshot_explains_itself(tmp_path, monkeypatch):
    empty = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(empty))
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.close()
    monkeypatch.setenv("DEVZONE_DB", str(empty))
    try:
        app = open_page(zone="盐湖高新区", year="2021")
        assert_ran_cleanly(app)
        assert app.title[0].value == "企业培育"
        assert "选择开发区和年份" in app.info[0].value
    finally:
        db.close_all()


def test_real_headlines_are_tagged_and_a_change_from_synthetic_2020_is_marked(demo_db):
    """盐湖高新区 2021 (the seed's real figures) against synthetic 2020: 真实 on each, ※ on the 同比, the key."""
    check_real_tags(open_page, assert_ran_cleanly)
