"""产业链 page (app_pages/chains.py) in Streamlit's AppTest, through dashboard.py, against the demo DB."""
import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devzone import fmt

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGE = "app_pages/chains.py"
TIMEOUT = 60
HONGMING = "山西宏明空调科技有限公司"
KAIFENG = "山东凯丰节能科技有限公司"
FOLLOWERS = ("湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司", "深圳长实流体设备有限公司")


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
    frames = [*app.dataframe, *app.table]  # small tables are static (st.table), the others data grids
    found = [frame.value.replace("\u2060", "", regex=True) for frame in frames if column in frame.value.columns]
    assert found, [list(frame.value.columns) for frame in frames]
    return found[0]


def tree_spec(app: AppTest) -> dict:
    return json.loads(app.get("plotly_chart")[0].proto.spec)


def values(array) -> list:
    """A plotly array as a list (plotly 6 sends numbers as base64 `bdata`)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def node_depths(spec: dict) -> dict[str, float]:
    """Firm name -> x (tree level) from the marker traces (labels are in text or in annotations)."""
    depths = {}
    for trace in spec["data"]:
        if "markers" not in trace.get("mode", ""):
            continue
        for x, label in zip(values(trace["x"]), trace.get("text") or [], strict=False):
            if label:
                depths[label.split("<br>")[0]] = x
    for note in spec["layout"].get("annotations", []):
        depths[note["text"].split("<br>")[0].replace("<b>", "").replace("</b>", "")] = note["x"]
    return depths


@pytest.fixture(scope="module")
def facts(demo_db):
    """What the page should say, asked of the views directly."""
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        def zone_facts(zone_id):
            leaders, firms = con.execute(
                "SELECT count(DISTINCT l.chain_leader), count(DISTINCT l.partner) FILTER (WHERE p.status IN"
                " ('签约', '开工', '投产')) FROM chain_links l LEFT JOIN projects p USING (project_id)"
                " WHERE l.zone_id = ?", [zone_id]).fetchone()
            investment, output, tax = con.execute(
                "SELECT sum(total_investment), sum(projected_output), sum(projected_tax) FROM projects"
                " WHERE status IN ('签约', '开工', '投产') AND project_id IN"
                " (SELECT project_id FROM chain_links WHERE zone_id = ?)", [zone_id]).fetchone()
            return {"leaders": leaders, "firms": firms, "investment": investment, "output": output, "tax": tax}

        without = con.execute("SELECT min(zone_id) FROM zones WHERE zone_id NOT IN (SELECT zone_id FROM chain_links)"
                              ).fetchone()[0]
        short = dict(con.execute("SELECT zone_id, short_name FROM zones").fetchall())
        return {"X140802": zone_facts("X140802"), "G141004": zone_facts("G141004"), "without": without,
                "short": short}
    finally:
        con.close()


def test_chinese_page_shows_the_chain_leaders_and_what_they_brought(demo_db, facts):
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    assert app.title[0].value == "产业链招商（“链主”招商）"
    expected = facts["X140802"]
    shown = metrics(app)
    assert shown["链主企业"] == fmt.count(expected["leaders"], "家")
    assert shown["引进企业（已签约）"] == fmt.count(expected["firms"], "家")
    assert shown["引进项目总投资"] == fmt.money(expected["investment"])
    assert shown["预计年产值"] == fmt.money(expected["output"])
    assert shown["预计利税"] == fmt.money(expected["tax"])
    assert app.warning[0].value.startswith("演示数据")
    headings = [h.value for h in app.subheader]
    assert headings == ["链主带动关系", "各链主带动成效", "产业链上下游环节", "在谈企业"]


def test_the_seed_chain_reads_hongming_kaifeng_then_the_three_followers(demo_db):
    app = open_page(zone="盐湖高新区", year="2021")
    depths = node_depths(tree_spec(app))
    assert depths[HONGMING] == 0 and depths[KAIFENG] == 1
    for firm in FOLLOWERS:
        assert depths[firm] == 2, firm
    assert depths["天津亨通制冷机电有限公司"] == 1 and depths["美的集团"] == 1
    totals = table_with(app, "链主自身项目").set_index("链主企业")
    assert totals.loc[HONGMING, "引进企业"] == "4家" and totals.loc[HONGMING, "在谈企业"] == "2家"
    pipeline = table_with(app, "客商来源地")
    assert {"天津亨通制冷机电有限公司", "美的集团"} <= set(pipeline["企业"])


def test_english(demo_db, facts):
    app = open_page(zone="盐湖高新区", year="2021", lang="en")
    assert_ran_cleanly(app)
    assert app.title[0].value == "Chain-leader investment attraction"
    shown = metrics(app)
    assert shown["Chain leaders"] == fmt.count(facts["X140802"]["leaders"], lang="en")
    assert shown["Investment brought in"] == fmt.money(facts["X140802"]["investment"], "en")
    labels = [t.get("name") for t in tree_spec(app)["data"]]
    assert "Chain leader" in labels and "In talks" in labels
    assert table_with(app, "Leader's own projects").shape[0] == facts["X140802"]["leaders"]


def test_another_zone_shows_its_own_leaders(demo_db, facts):
    app = open_page(zone="盐湖高新区", year="2021")
    before = metrics(app)["引进项目总投资"]
    app.sidebar.selectbox[0].set_value("G141004").run()
    assert_ran_cleanly(app)
    shown = metrics(app)
    assert shown["引进项目总投资"] == fmt.money(facts["G141004"]["investment"]) != before
    assert HONGMING not in node_depths(tree_spec(app))


def test_a_zone_without_chain_leaders_says_so(demo_db, facts):
    app = open_page(zone=facts["without"], year="2021")
    assert_ran_cleanly(app)
    assert not app.metric
    assert "暂无“链主”招商记录" in app.info[0].value
