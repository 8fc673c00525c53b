"""devzone.chains_view (tree layout, totals, coverage) and charts.chain_tree, without Streamlit or a database."""
import datetime as dt

import pandas as pd
import pytest

from devzone import chains_view as cv
from devzone import charts

LEADER = "山西宏明空调科技有限公司"
LINK_COLUMNS = ["chain_leader", "partner", "relation", "mode", "introduced_by", "segment", "source", "project_id",
                "project_name", "chain", "status", "signed_date", "total_investment", "projected_output",
                "projected_tax", "investor_origin", "is_synthetic"]


def link(partner, *, leader=LEADER, introduced_by=None, status="投产", project=None, investment=1.0, output=2.0,
         tax=0.1, relation="业务伙伴", mode="以企招企", chain="节能环保与空调制冷"):
    return {"chain_leader": leader, "partner": partner, "relation": relation, "mode": mode,
            "introduced_by": introduced_by, "segment": None, "source": "链主关系",
            "project_id": None if status is None else (project or partner + "-P"),
            "project_name": None if status is None else partner + "项目", "chain": chain, "status": status,
            "signed_date": dt.date(2021, 11, 15), "total_investment": investment, "projected_output": output,
            "projected_tax": tax, "investor_origin": "山东", "is_synthetic": True}


def seed_links():
    return pd.DataFrame([
        link("山东凯丰节能科技有限公司"),
        *(link(f, introduced_by="山东凯丰节能科技有限公司", relation="慕名入驻", mode="以商招商")
          for f in ("湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司", "深圳长实流体设备有限公司")),
        link("天津亨通制冷机电有限公司", status="在谈", relation="洽谈中", investment=None, output=None, tax=None),
        link("美的集团", status=None, relation="洽谈中"),
    ], columns=LINK_COLUMNS)


OWN = pd.DataFrame([{"chain_leader": LEADER, "project_id": "HM", "project_name": "宏明空调全产业链生产基地",
                     "chain": "节能环保与空调制冷", "status": "签约", "signed_date": dt.date(2021, 11, 15),
                     "total_investment": None, "projected_output": 20.0, "projected_tax": 0.5, "is_synthetic": False}])


def test_tidy_tree_puts_leaves_on_their_own_rows_and_parents_between_their_children():
    parents = {"root": None, "a": "root", "a1": "a", "a2": "a", "a3": "a", "b": "root", "c": "root"}
    placed = cv.tidy_tree(parents)
    assert [placed[k].depth for k in ("root", "a", "a1", "b")] == [0, 1, 2, 1]
    assert [placed[k].row for k in ("a1", "a2", "a3", "b", "c")] == [0, 1, 2, 3, 4]
    assert placed["a"].row == 1 and placed["root"].row == (1 + 4) / 2


def test_tidy_tree_forest_cycles_and_unknown_parents():
    placed = cv.tidy_tree({"r1": None, "x": "r1", "r2": None, "y": "r2", "p": "q", "q": "p", "z": "nobody"})
    assert placed["r1"].row == placed["x"].row == 0
    assert placed["r2"].row == 2  # one blank row between trees
    assert placed["z"].depth == 0  # unknown parent: a root
    assert {placed["p"].depth, placed["q"].depth} == {0, 1}  # the cycle is broken, both still drawn


def test_fifty_nodes_stay_apart():
    """A 链主 with 49 firms over three levels: every leaf on its own row, every parent between its children."""
    parents = {"L": None}
    for i in range(7):
        parents[f"f{i}"] = "L"
        for j in range(6):
            parents[f"f{i}-{j}"] = f"f{i}"
    assert len(parents) == 50
    placed = cv.tidy_tree(parents)
    leaves = [k for k in parents if k not in set(parents.values())]
    rows = [placed[k].row for k in leaves]
    assert len(set(rows)) == len(rows) == 42 and max(rows) == 41
    for i in range(7):
        kids = [placed[f"f{i}-{j}"].row for j in range(6)]
        assert min(kids) < placed[f"f{i}"].row < max(kids)


def test_fifty_node_chart_grows_instead_of_overlapping():
    rows = [link(f"企业{i:02d}", introduced_by=None if i < 7 else f"企业{i % 7:02d}") for i in range(49)]
    nodes, edges = cv.forest(pd.DataFrame(rows, columns=LINK_COLUMNS), OWN.iloc[0:0], "zh")
    assert len(nodes) == 50 and len(edges) == 49
    figure = charts.chain_tree(nodes, edges, legend_labels={})
    assert figure.layout.height >= 42 * 30  # one-line labels (more than 20 leaves), 30 px a row
    assert not nodes["label"].str.contains("<br>").any() or nodes["kind"].eq("leader").any()


def test_the_seed_forest():
    nodes, edges = cv.forest(seed_links(), OWN, "zh")
    by_name = nodes.set_index("name")
    assert by_name.loc[LEADER, "kind"] == "leader" and by_name.loc[LEADER, "depth"] == 0
    assert by_name.loc["山东凯丰节能科技有限公司", "depth"] == 1
    assert (by_name.loc[["湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司"], "depth"] == 2).all()
    assert by_name.loc["天津亨通制冷机电有限公司", "kind"] == "pipeline"
    assert by_name.loc["美的集团", "kind"] == "pipeline"
    assert "慕名入驻" in by_name.loc["湖北久特电机组装总成分厂", "label"]
    assert "宏明空调全产业链生产基地" in by_name.loc[LEADER, "hover"]
    kinds = dict(zip(edges["child"].str.split("\u241f").str[1], edges["kind"], strict=True))
    assert kinds["美的集团"] == "pipeline" and kinds["山东凯丰节能科技有限公司"] == "partner"


def test_leader_totals_count_signed_projects_only():
    totals = cv.leader_totals(seed_links(), OWN).iloc[0]
    assert (totals["firms"], totals["projects"], totals["pipeline"]) == (4, 4, 2)
    assert totals["investment"] == pytest.approx(4.0) and totals["tax"] == pytest.approx(0.4)
    assert (totals["own_projects"], totals["own_investment"]) == (1, None)
    table = cv.totals_table(cv.leader_totals(seed_links(), OWN), "zh")
    assert table.iloc[0]["链主自身项目"] == "1个" and table.iloc[0]["总投资"] == "4.00亿元"  # a column keeps two decimals


def test_coverage_frame_and_gap_summary():
    coverage = pd.DataFrame({
        "chain": ["装备制造", "装备制造", "节能环保与空调制冷", "节能环保与空调制冷"],
        "position": ["上游", "下游", "上游", "中游"], "segment": ["基础零部件", "维修及服务", "压缩机", "整机"],
        "n_projects": [3, 0, 24, 0], "n_pipeline": [0, 0, 0, 1], "coverage": ["covered", "gap", "covered", "pipeline"]})
    frame = cv.coverage_frame(coverage, "zh", chains_first=["节能环保与空调制冷"])
    assert list(frame["chain"]) == ["节能环保与空调制冷", "节能环保与空调制冷", "装备制造", "装备制造"]
    assert list(frame["slot"]) == [0, 1, 0, 1]
    assert list(frame["text"]) == ["压缩机 24", "整机 在谈", "基础零部件 3", "维修及服务 缺"]
    assert cv.coverage_frame(coverage.assign(segment="空调整机及节能装备"), "zh")["text"][0] == "空调整机及<br>节能装备 3"
    assert cv.gap_summary(coverage, "zh") == "待补链环节 2 个：装备制造·维修及服务；节能环保与空调制冷·整机"
    assert cv.gap_summary(coverage[coverage["coverage"] == "covered"], "en") == "All 2 links are covered: no gaps."


def test_link_names_never_break_inside_a_word():
    """`流体冷却设备` on two lines reads `流体冷却 / 设备`, never `流体冷 / 却设备`; English breaks between words."""
    assert cv._wrap("流体冷却设备") == "流体冷却<br>设备"
    assert cv._wrap("空调整机及节能装备") == "空调整机及<br>节能装备"
    assert cv._wrap("农产品初加工") == "农产品<br>初加工"
    assert cv._wrap("压缩机") == "压缩机"
    assert cv._wrap("Fluid cooling equipment") == "Fluid cooling<br>equipment"
    assert "<br>" not in cv._wrap("Motors")


def test_chains_and_links_in_english():
    coverage = pd.DataFrame({"chain": ["装备制造"], "position": ["下游"], "segment": ["维修及服务"], "n_projects": [0],
                             "n_pipeline": [0], "coverage": ["gap"]})
    cells = cv.coverage_frame(coverage, "en")
    assert list(cells["chain"]) == ["Equipment manufacturing"] and "Repair" in cells["text"][0]
    assert "Equipment manufacturing · Repair & services" in cv.gap_summary(coverage, "en")
    assert list(cv.coverage_table(coverage, "en").iloc[0])[:3] == ["Equipment manufacturing", "Downstream",
                                                                    "Repair & services"]


def test_long_english_link_names_fit_a_chip():
    """Plotly hides a chip's text when a line is too wide: English names go on lines of at most 16 characters."""
    for name in ("AC units & energy-saving equipment", "Energy & environmental services"):
        lines = cv._wrap(name).split("<br>")
        assert all(len(line.replace("&amp;", "&")) <= 16 for line in lines), lines
        assert " ".join(lines).replace("&amp;", "&") == name
