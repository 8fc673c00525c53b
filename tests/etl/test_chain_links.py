"""链主关系: the chain-links layout, its rules, the chain_links / chain_pipeline / chain_segment_coverage views."""
import datetime as dt

import duckdb
import pytest

from etl import layout
from etl.errors import ErrorCollector, InputRejected
from etl.publish import load_files
from etl.sheet import RawSheet
from tests.builders import LEDGER_HEADER, ledger_row, query, write_csv, write_xlsx

HONGMING = "山西宏明空调科技有限公司"
KAIFENG = "山东凯丰节能科技有限公司"
FOLLOWERS = ("湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司", "深圳长实流体设备有限公司")
LINK_HEADER = "所属开发区,链主企业,引进企业,关系,招商方式,引荐企业,产业链,项目名称,是否模拟"


def understand(rows):
    errors = ErrorCollector("f.csv")
    table = layout.understand(RawSheet("f.csv", None, rows, "0" * 64), errors)
    return table, errors.errors


def test_chain_links_layout_is_recognised_from_its_headers():
    table, errors = understand([["所属开发区", "链主企业", "引进企业", "关系", "引荐企业", "产业链", "项目名称", "是否模拟"],
                                ["盐湖高新区", HONGMING, KAIFENG, "业务伙伴", "", "空调", "", "否"]])
    assert not errors and table.layout == layout.LAYOUT_CHAIN_LINKS
    # a ledger names its 链主企业 too, but has no 引进企业 column: it stays a ledger
    table, errors = understand([["项目名称", "所属开发区", "链主企业"], ["凯丰项目", "盐湖高新区", HONGMING]])
    assert not errors and table.layout == layout.LAYOUT_LEDGER


def test_title_as_of_date():
    assert layout.title_as_of("开发区重点招商引资项目台账（截至2025年12月）") == dt.date(2025, 12, 31)
    assert layout.title_as_of("重点项目周调度台账（截至2026年11月21日）") == dt.date(2026, 11, 21)
    assert layout.title_as_of("截止2024年2月") == dt.date(2024, 2, 29)
    assert layout.title_as_of("2021年全省开发区主要指标") is None


@pytest.fixture
def ledger(tmp_path):
    rows = [
        ledger_row("HM-1", "宏明空调全产业链生产基地", signed=dt.datetime(2021, 11, 15), investor=HONGMING,
                   chain="节能环保与空调制冷"),
        ledger_row("KF-1", "凯丰节能换热设备生产项目", signed=dt.datetime(2021, 11, 15), started=dt.datetime(2021, 12, 20),
                   status="开工", investor=KAIFENG, leader=HONGMING, chain="节能环保与空调制冷", investment=51000,
                   output=2.85, tax=2220),
        ledger_row("JT-1", "久特空调电机组装项目", signed=dt.datetime(2021, 12, 16), investor=FOLLOWERS[0], leader=HONGMING,
                   chain="节能环保与空调制冷", investment=26600, output=7.75, tax=9054),
        ledger_row("CCS-1", "CCS流体冷却设备生产项目", signed=dt.datetime(2022, 1, 19), investor=FOLLOWERS[1],
                   leader=HONGMING, chain="节能环保与空调制冷"),
        ledger_row("HT-1", "年产100台套装配式及集成式高效节能装备项目", status="在谈", investor="天津亨通制冷机电有限公司",
                   chain="节能环保与空调制冷", investment=None, output=None, tax=None),
        ledger_row("X-1", "其他链主的项目", signed=dt.datetime(2022, 5, 1), investor="某配套企业", leader="某链主企业",
                   chain="装备制造"),
    ]
    return write_xlsx(tmp_path / "ledger.xlsx", {"项目台账": [["项目台账"], LEDGER_HEADER, *rows]})


def links_csv(tmp_path, *rows, name="links.csv"):
    return write_csv(tmp_path / name, [LINK_HEADER, *rows], "utf-8-sig")


SEED_LINKS = (
    f"盐湖高新区,{HONGMING},{KAIFENG},业务伙伴,以企招企,,节能环保与空调制冷,,否",
    *(f"运城盐湖高新技术产业开发区,{HONGMING},{firm},慕名入驻,以商招商,{KAIFENG},节能环保与空调制冷,,否"
      for firm in FOLLOWERS),
    f"盐湖高新区,{HONGMING},天津亨通制冷机电有限公司,洽谈中,以企招企,,节能环保与空调制冷,"
    "年产100台套装配式及集成式高效节能装备项目,是",
)


def test_declared_links_and_ledger_links_combine(tmp_path, ledger):
    db = tmp_path / "d.duckdb"
    result = load_files([ledger, links_csv(tmp_path, *SEED_LINKS)], db)
    assert result.changes["chain_links"].added == 5
    rows = query(db, "SELECT chain_leader, partner, relation, project_id, chain, introduced_by, mode, source, "
                     "is_synthetic FROM chain_links")
    assert sorted(rows, key=lambda r: (r[7], r[1])) == sorted([
        (HONGMING, "CCS流体冷却技术有限公司", "慕名入驻", "CCS-1", "节能环保与空调制冷", KAIFENG, "以商招商", "链主关系", False),
        (HONGMING, KAIFENG, "业务伙伴", "KF-1", "节能环保与空调制冷", None, "以企招企", "链主关系", False),
        (HONGMING, "天津亨通制冷机电有限公司", "洽谈中", "HT-1", "节能环保与空调制冷", None, "以企招企", "链主关系", True),
        # declared, but the ledger has no project for it yet
        (HONGMING, "深圳长实流体设备有限公司", "慕名入驻", None, "节能环保与空调制冷", KAIFENG, "以商招商", "链主关系", False),
        (HONGMING, "湖北久特电机组装总成分厂", "慕名入驻", "JT-1", "节能环保与空调制冷", KAIFENG, "以商招商", "链主关系", False),
        # only the ledger's 链主企业 column knows this one
        ("某链主企业", "某配套企业", "链主引荐", "X-1", "装备制造", None, None, "项目台账", False),
    ], key=lambda r: (r[7], r[1]))
    provenance = query(db, "SELECT file_name, row_number, load_id FROM chain_link_store WHERE partner = ?", [KAIFENG])
    assert provenance == [("links.csv", 2, 1)]
    pipeline = query(db, "SELECT investor, chain_leader FROM chain_pipeline ORDER BY investor")
    assert pipeline == [("天津亨通制冷机电有限公司", HONGMING), ("深圳长实流体设备有限公司", HONGMING)]


def test_without_a_links_file_the_ledger_column_gives_the_links(tmp_path, ledger):
    db = tmp_path / "d.duckdb"
    load_files([ledger], db)
    rows = query(db, "SELECT chain_leader, partner, project_id, source FROM chain_links ORDER BY project_id COLLATE nocase")
    assert rows == [(HONGMING, FOLLOWERS[1], "CCS-1", "项目台账"), (HONGMING, FOLLOWERS[0], "JT-1", "项目台账"),
                    (HONGMING, KAIFENG, "KF-1", "项目台账"), ("某链主企业", "某配套企业", "X-1", "项目台账")]


def test_reload_is_idempotent_and_a_correction_updates_the_link(tmp_path, ledger):
    db = tmp_path / "d.duckdb"
    path = links_csv(tmp_path, *SEED_LINKS)
    load_files([ledger, path], db)
    again = load_files([path], db)
    assert not again.published and again.changes["chain_links"].unchanged == 5
    corrected = links_csv(tmp_path, SEED_LINKS[0].replace("业务伙伴", "上游供应商"), name="fix.csv")
    result = load_files([corrected], db)
    assert result.published and result.changes["chain_links"].changed == 1
    assert query(db, "SELECT relation FROM chain_links WHERE partner = ?", [KAIFENG]) == [("上游供应商",)]


@pytest.mark.parametrize(("row", "message"), [
    (f"盐湖高新区,,{KAIFENG},业务伙伴,以企招企,,空调,,否", "links.csv:2:B: 链主企业为空 — 应填写引进该企业的链主企业全称"),
    (f"盐湖高新区,{HONGMING},,业务伙伴,以企招企,,空调,,否", "links.csv:2:C: 引进企业为空 — 应填写被引进企业的全称"),
    (f"盐湖高新区,{HONGMING},{HONGMING},业务伙伴,以企招企,,空调,,否",
     f"links.csv:2:C: 引进企业“{HONGMING}”与链主企业相同 — 应填写链主引进的其他企业"),
    (f"盐湖高新区,{HONGMING},{KAIFENG},业务伙伴,以企招企,{KAIFENG},空调,,否",
     f"links.csv:2:F: 引荐企业“{KAIFENG}”与引进企业相同 — 应填写引荐它的链主或已入驻企业，或留空"),
    (f"火星开发区,{HONGMING},{KAIFENG},业务伙伴,以企招企,,空调,,否", "links.csv:2:A: 未知的开发区“火星开发区”"),
    (f"盐湖高新区,{HONGMING},{KAIFENG},业务伙伴,以企招企,,空调,,也许", "links.csv:2:I: “也许”无法识别 — “是否模拟”应填“是”或“否”"),
])
def test_bad_rows_are_refused_with_located_messages(tmp_path, row, message):
    with pytest.raises(InputRejected) as info:
        load_files([links_csv(tmp_path, row)], tmp_path / "d.duckdb")
    assert str(info.value.errors[0]).startswith(message)
    assert not (tmp_path / "d.duckdb").exists()


def test_the_same_link_twice_with_different_content_is_refused(tmp_path):
    path = links_csv(tmp_path, f"盐湖高新区,{HONGMING},{KAIFENG},业务伙伴,以企招企,,空调,,否",
                     f"盐湖高新区,{HONGMING},{KAIFENG},上游供应商,以企招企,,空调,,否")
    with pytest.raises(InputRejected) as info:
        load_files([path], tmp_path / "d.duckdb")
    assert [str(e) for e in info.value.errors] == [
        "links.csv:3: 与 links.csv:2 的链主-引进企业关系重复但数值不同（此处 上游供应商，彼处 业务伙伴） — 同一批导入中每项只能有一个值"]


def test_a_snapshot_from_before_chain_links_accepts_them(tmp_path, ledger):
    """A live file written before this feature (no chain_link_store, no progress columns) loads the new layout."""
    db = tmp_path / "d.duckdb"
    load_files([ledger], db)
    con = duckdb.connect(str(db))
    for statement in ("DROP VIEW chain_pipeline", "DROP VIEW chain_segment_coverage", "DROP VIEW chain_links",
                      "DROP TABLE chain_link_store", "DROP TABLE progress_rules",
                      *(f"ALTER TABLE {t} DROP COLUMN {c}" for t in ("project_store", "project_history")
                        for c in ("planned_production_date", "updated_date"))):
        con.execute(statement)
    con.close()
    result = load_files([links_csv(tmp_path, *SEED_LINKS)], db)
    assert result.published and result.rules_changed
    assert query(db, "SELECT count(*) FROM chain_links WHERE source = '链主关系'") == [(5,)]


def test_segment_coverage_marks_covered_pipeline_and_gaps(tmp_path):
    rows = [
        ledger_row("A", "年产10万台空调压缩机项目", signed=dt.datetime(2023, 1, 5), chain="节能环保与空调制冷"),
        ledger_row("B", "空调电机项目", signed=dt.datetime(2023, 2, 5), chain="节能环保与空调制冷"),
        ledger_row("C", "换热器项目", status="在谈", chain="节能环保与空调制冷"),
        ledger_row("D", "阀件项目", signed=dt.datetime(2023, 2, 5), status="终止", chain="节能环保与空调制冷"),
    ]
    db = tmp_path / "d.duckdb"
    load_files([write_xlsx(tmp_path / "l.xlsx", {"台账": [LEDGER_HEADER, *rows]})], db)
    coverage = dict(query(db, "SELECT segment, coverage FROM chain_segment_coverage WHERE zone_id = 'X140802'"))
    assert coverage["压缩机"] == "covered" and coverage["电机"] == "covered"
    assert coverage["换热器"] == "pipeline"
    assert coverage["阀件及配件"] == "gap"  # a terminated project fills no link
    assert len(coverage) == 7


# ---- the demo -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def test_demo_holds_the_seed_chain(demo):
    links = {r[0]: r[1:] for r in demo.execute(
        "SELECT partner, relation, mode, introduced_by, is_synthetic FROM chain_links"
        " WHERE zone_id = 'X140802' AND chain_leader = ?", [HONGMING]).fetchall()}
    assert links[KAIFENG] == ("业务伙伴", "以企招企", None, False)
    for firm in FOLLOWERS:
        assert links[firm] == ("慕名入驻", "以商招商", KAIFENG, False)
    assert links["天津亨通制冷机电有限公司"][0] == "洽谈中"
    pipeline = {r[0] for r in demo.execute("SELECT investor FROM chain_pipeline WHERE zone_id = 'X140802'").fetchall()}
    assert {"天津亨通制冷机电有限公司", "美的集团"} <= pipeline


def test_demo_chain_links_resolve_to_projects(demo):
    unresolved = demo.execute("SELECT count(*) FROM chain_links WHERE project_id IS NULL AND relation <> '洽谈中'"
                              ).fetchone()[0]
    assert unresolved == 0
    leaders = demo.execute("SELECT count(DISTINCT (zone_id, chain_leader)), count(DISTINCT zone_id) FROM chain_links"
                           ).fetchone()
    assert leaders[0] >= 8 and leaders[1] >= 7
    multi_level = demo.execute("SELECT count(*) FROM chain_links WHERE introduced_by IS NOT NULL").fetchone()[0]
    assert multi_level >= 6
