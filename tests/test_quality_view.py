"""数据质量 view logic (devzone/quality_view.py) and its queries, against the real demo database.

Expectations come from SQL on the contract views (and the storage tables where a view would be the thing
under test); only the seed facts and the three planted discrepancies are written down.
"""
import duckdb
import pandas as pd
import pytest

from devzone import db, fmt, periods, queries
from devzone import quality_view as view
from etl.demo_sources import PLANTED_DISCREPANCIES

YANHU = "X140802"
SEED_FILE = "00_种子数据_盐湖高新区2021年.csv"
PLANTED = {(d.zone_id, d.year, d.indicator, d.delta / 10000 if d.indicator == "signed_investment" else d.delta)
           for d in PLANTED_DISCREPANCIES}


@pytest.fixture(scope="module")
def demo(demo_db):
    reader = db.SnapshotReader(demo_db)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def raw(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def catalogue(demo):
    return queries.indicators(demo)


# ---------------------------------------------------------------- coverage

def test_coverage_counts_and_gaps(demo, raw, catalogue):
    zones = queries.zones(demo)
    years = [int(y) for y in queries.years_available(demo)["year"]]
    result = view.coverage(queries.value_coverage(demo), zones, years, catalogue, "zh")
    n_values = raw.execute("SELECT count(*) FROM indicator_values WHERE value IS NOT NULL").fetchone()[0]
    assert result.present == n_values
    assert result.expected == len(zones) * len(years) * len(catalogue)
    missing = raw.execute(
        """
        SELECT z.short_name, y.year, count(*) FROM zones z
        CROSS JOIN (SELECT DISTINCT year FROM indicator_values WHERE value IS NOT NULL) y
        CROSS JOIN indicators i
        LEFT JOIN indicator_values v ON v.zone_id = z.zone_id AND v.year = y.year AND v.indicator = i.indicator
                                     AND v.value IS NOT NULL
        WHERE v.value IS NULL GROUP BY ALL
        """).fetchall()
    gaps = {(row["开发区"], row["年份"]): row["缺少指标数"] for _, row in result.gaps.iterrows()}
    assert gaps == {(name, fmt.year(year)): n for name, year, n in missing}
    assert result.expected - result.present == sum(n for *_, n in missing)
    # one cell per zone and year, zones in display order
    assert len(result.cells) == len(zones) * len(years)
    assert list(dict.fromkeys(result.cells["zone_id"])) == list(zones["zone_id"])
    assert list(result.table.columns) == ["开发区", *[str(y) for y in years]]


def test_coverage_cell_hover_names_what_is_missing(demo, raw, catalogue):
    zones = queries.zones(demo)
    years = [int(y) for y in queries.years_available(demo)["year"]]
    result = view.coverage(queries.value_coverage(demo), zones, years, catalogue, "zh")
    cell = result.cells.set_index(["zone_id", "year"]).loc[(YANHU, 2021)]
    assert reported_value(raw, YANHU, 2021, "high_tech_enterprises") is None
    assert cell["n"] == len(catalogue) - 1 and "高新技术企业数" in cell["hover"]
    summary = view.coverage_summary(result, len(zones), len(years), len(catalogue), "zh")
    assert summary.startswith(f"{len(zones)}个开发区 × {len(years)}年 × {len(catalogue)}项指标")


def test_coverage_of_an_empty_snapshot(catalogue):
    empty = pd.DataFrame(columns=["zone_id", "year", "indicator", "from_ledger", "is_synthetic"])
    zones = pd.DataFrame(columns=["zone_id", "short_name"])
    result = view.coverage(empty, zones, [], catalogue, "zh")
    assert result.expected == 0 and result.present == 0 and result.gaps.empty


def reported_value(raw, zone_id, year, indicator):
    row = raw.execute("SELECT value FROM indicator_values WHERE zone_id = ? AND year = ? AND indicator = ?",
                      [zone_id, year, indicator]).fetchone()
    return None if row is None else row[0]


# ---------------------------------------------------------------- provenance

def test_a_seed_value_names_its_file_row_and_fingerprint(demo, raw):
    provenance = queries.zone_year_provenance(demo, YANHU, 2021)
    assert list(provenance["indicator"]) == list(queries.indicators(demo)["indicator"])  # catalogue order
    file_name, row_number, sha, loaded_at = raw.execute(
        "SELECT file_name, row_number, sha256, loaded_at FROM value_provenance "
        "WHERE zone_id = ? AND year = 2021 AND indicator = 'signed_projects'", [YANHU]).fetchone()
    assert file_name == SEED_FILE
    origin = view.provenance(provenance, "signed_projects", "盐湖高新区", 2021, "zh")
    assert origin.kind == "file"
    assert origin.headline.startswith("盐湖高新区 2021年 签约项目数 = **36个**")
    facts = dict(origin.facts)
    assert facts["文件"] == SEED_FILE and facts["行号（与 Excel 中一致）"] == str(row_number)
    china = loaded_at.astimezone(periods.CHINA).replace(tzinfo=None)  # stored as the server's clock, shown in China time
    assert facts["文件指纹 SHA-256"] == sha and facts["载入时间"] == fmt.date_time(china)
    assert facts["数据性质"] == "真实" and "运城日报" in facts["来源"]
    ledger = raw.execute("SELECT value FROM ledger_indicator_values WHERE zone_id = ? AND year = 2021 "
                         "AND indicator = 'signed_projects'", [YANHU]).fetchone()[0]
    assert origin.check == f"项目台账汇总为 {fmt.count(ledger, '个')}，与报表一致。"


def test_provenance_table_for_the_selection(demo):
    table = view.provenance_table(queries.zone_year_provenance(demo, YANHU, 2021), "zh").set_index("指标")
    assert table.loc["签约项目总投资", "数值"] == "179.78亿元"
    source = table.loc["签约项目数", "来源（文件与行号）"]
    assert source.startswith("运城日报《") and f"（{SEED_FILE} 第" in source
    assert table.loc["签约项目数", "与台账对照"].startswith("一致")
    assert table.loc["高新技术企业数", "数值"] == fmt.MISSING
    assert table.loc["高新技术企业数", "来源（文件与行号）"] == fmt.MISSING
    assert table.loc["新开工项目数", "来源（文件与行号）"] == "项目台账汇总"
    assert table.loc["新开工项目数", "数据性质"] == "模拟"


@pytest.mark.parametrize("indicator", ["started_projects", "projected_output", "projected_tax"])
def test_a_ledger_value_lists_the_projects_it_adds_up(demo, raw, indicator):
    source, value = raw.execute("SELECT source, value FROM indicator_values WHERE zone_id = ? AND year = 2021 "
                                "AND indicator = ?", [YANHU, indicator]).fetchone()
    assert source == "项目台账汇总"
    provenance = queries.zone_year_provenance(demo, YANHU, 2021)
    origin = view.provenance(provenance, indicator, "盐湖高新区", 2021, "zh")
    assert origin.kind == "ledger" and "项目台账汇总" in origin.headline and origin.check == ""
    counted = queries.ledger_projects_counted(demo, YANHU, 2021, indicator)
    if indicator == "started_projects":
        assert len(counted) == value
    else:
        column = {"projected_output": "projected_output", "projected_tax": "projected_tax"}[indicator]
        assert counted[column].sum() == pytest.approx(value)
    summary = view.ledger_projects_summary(counted, indicator, "zh")
    assert summary.startswith(f"计入的台账项目：{len(counted)}个") and "口径" in summary
    table = view.ledger_projects_table(counted, "zh")
    assert len(table) == len(counted) and table.columns[0] == "项目编号"


def test_ledger_project_rules_match_the_ledger_view_everywhere(demo, raw):
    """For every ledger figure of three zones, the projects listed add up to exactly that figure."""
    rows = raw.execute(
        "SELECT zone_id, year, indicator, value FROM ledger_indicator_values "
        "WHERE zone_id IN ('X140802', 'G141060', 'S147015')").fetchall()
    assert rows
    for zone_id, year, indicator, value in rows:
        counted = queries.ledger_projects_counted(demo, zone_id, year, indicator)
        if indicator in ("signed_projects", "signed_started_projects", "started_projects"):
            assert len(counted) == value, (zone_id, year, indicator)
        else:
            column = "total_investment" if indicator == "signed_investment" else indicator
            assert counted[column].sum() == pytest.approx(value, abs=1e-6), (zone_id, year, indicator)
    assert queries.ledger_projects_counted(demo, YANHU, 2021, "national_incubators").empty


def test_a_planted_discrepancy_shows_in_the_provenance_of_that_value(demo):
    planted = next(d for d in PLANTED_DISCREPANCIES if d.indicator == "signed_projects")
    assert (planted.zone_id, planted.delta) == ("G141060", 1)
    provenance = queries.zone_year_provenance(demo, "G141060", planted.year)
    origin = view.provenance(provenance, "signed_projects", "大同经开区", planted.year, "zh")
    assert origin.kind == "file"
    ledger = int(demo.query("SELECT value FROM ledger_indicator_values WHERE zone_id = 'G141060' AND year = ?"
                            " AND indicator = 'signed_projects'", [planted.year])["value"].iloc[0])
    assert origin.check.startswith(f"⚠ 项目台账汇总为 {ledger}个") and "+1个" in origin.check
    table = view.provenance_table(provenance, "zh").set_index("指标")
    assert table.loc["签约项目数", "与台账对照"] == f"⚠ 台账 {ledger}个，差 +1个"
    assert table.loc["签约项目数", "来源（文件与行号）"].startswith(
        f"01_全省开发区招商引资主要指标.xlsx：{planted.year} 第")


def test_a_missing_value_says_so(demo):
    origin = view.provenance(queries.zone_year_provenance(demo, YANHU, 2021), "high_tech_enterprises",
                             "盐湖高新区", 2021, "en")
    assert origin.kind == "missing" and origin.facts == []
    assert origin.headline == "High-tech enterprises of 盐湖高新区 in 2021: no value loaded (missing is not zero)."


def test_file_location():
    assert view.file_location("a.xlsx", "2021", 5, "zh") == "a.xlsx：2021 第5行"
    assert view.file_location("a.csv", None, 7, "en") == "a.csv, row 7"
    assert view.file_location(None, None, None, "zh") == fmt.MISSING


# ---------------------------------------------------------------- reported vs ledger

def test_exactly_the_three_planted_discrepancies(demo, raw):
    found = queries.ledger_discrepancy_list(demo)
    assert {(r.zone_id, r.year, r.indicator, round(r.difference, 6)) for r in found.itertuples()} == PLANTED
    assert len(found) == raw.execute("SELECT count(*) FROM ledger_discrepancies").fetchone()[0] == 3
    table = view.discrepancy_table(found, "zh").set_index(["开发区", "指标"])
    assert table.loc[("大同经开区", "签约项目数"), "差额（报表−台账）"] == "+1个"
    assert table.loc[("大同经开区", "签约项目数"), "说明"] == "报表比台账多1个"
    assert table.loc[("晋中经开区", "签约项目总投资"), "差额（报表−台账）"] == "+3,000万元"
    assert table.loc[("临汾经开区", "当年签约并开工项目数"), "说明"] == "报表比台账少1个"
    english = view.discrepancy_table(found, "en")
    assert "report 1 higher" in set(english["What it means"])


def test_discrepancy_summary():
    found = pd.DataFrame({"zone_id": ["G141060", "G141062", "S147015"]})
    assert view.discrepancy_summary(found, "X140802", "盐湖高新区", "zh") == "共 **3处** 报表数与台账汇总不一致。 盐湖高新区没有不一致。"
    assert view.discrepancy_summary(found, "G141060", "大同经开区", "zh").endswith("其中大同经开区 1处。")
    assert view.discrepancy_summary(found.iloc[0:0], None, "—", "zh") == "报表数与项目台账汇总全部一致。"


# ---------------------------------------------------------------- synthetic shares and loads

def test_synthetic_share_per_table(demo, raw):
    table = view.synthetic_table(queries.synthetic_rows_by_table(demo), "zh").set_index("数据表")
    for label, view_name, where in [("指标数值", "indicator_values", "WHERE value IS NOT NULL"),
                                    ("招商项目", "projects", ""), ("企业名录", "enterprises", ""),
                                    ("年度目标", "annual_targets", "")]:
        n, synthetic = raw.execute(
            f"SELECT count(*), count(*) FILTER (WHERE is_synthetic) FROM {view_name} {where}").fetchone()
        assert table.loc[label, "行数"] == fmt.number(n, 0)
        assert table.loc[label, "其中模拟"] == fmt.number(synthetic, 0)
        assert table.loc[label, "模拟占比"] == view.share_text(synthetic, n)
    assert "合计" in table.index
    assert table.loc["企业名录", "模拟占比"] != "100.0%"  # 网易 is real: never round it away


def test_share_text_never_hides_a_remainder():
    assert view.share_text(3893, 3894) == "99.97%"
    assert view.share_text(2128, 2135) == "99.7%"
    assert view.share_text(1, 3000) == "0.03%"
    assert view.share_text(0, 10) == "0.0%" and view.share_text(10, 10) == "100.0%"
    assert view.share_text(0, 0) == fmt.MISSING


def test_load_history_caption(demo, raw):
    loads = queries.recent_loads(demo, 200)
    files, entries, rows = raw.execute(
        "SELECT count(DISTINCT file_name), count(*), sum(rows) FROM load_history").fetchone()
    assert view.load_history_caption(loads, "zh") == (
        f"{fmt.number(files, 0)}个文件，{fmt.number(entries, 0)}条载入记录（按工作表），共 {fmt.number(rows, 0)} 行。")


def test_build_snapshot_and_selection(demo, catalogue):
    loads = queries.recent_loads(demo, 200)
    built = view.build_snapshot(
        values=queries.value_coverage(demo), zones=queries.zones(demo),
        years=[int(y) for y in queries.years_available(demo)["year"]], catalogue=catalogue,
        discrepancies=queries.ledger_discrepancy_list(demo), by_table=queries.synthetic_rows_by_table(demo),
        loads=loads, lang="zh")
    assert len(built.discrepancy_table) == 3 and built.loads_caption == view.load_history_caption(loads, "zh")
    assert built.coverage_summary.endswith("缺失不等于0。")

    provenance = queries.zone_year_provenance(demo, YANHU, 2021)
    assert view.needs_projects(provenance, "signed_projects")        # reported, and the ledger gives it too
    assert view.needs_projects(provenance, "started_projects")       # a ledger total
    assert not view.needs_projects(provenance, "national_incubators")  # the ledger has nothing to say
    assert not view.needs_projects(provenance, "high_tech_enterprises")  # missing
    counted = queries.ledger_projects_counted(demo, YANHU, 2021, "started_projects")
    selection = view.build_selection(provenance, "started_projects", "盐湖高新区", 2021, counted, "zh")
    assert selection.origin.kind == "ledger" and len(selection.projects) == len(counted)
    assert selection.projects_summary.startswith(f"计入的台账项目：{len(counted)}个")
    plain = view.build_selection(provenance, "national_incubators", "盐湖高新区", 2021, None, "zh")
    assert plain.projects is None and plain.projects_summary == "" and len(plain.table) == len(catalogue)


def test_coverage_chart_draws_every_zone_when_few_and_the_worst_when_many():
    zones = [f"Z{i:03d}" for i in range(100)]
    cells = pd.DataFrame({"zone_id": zones * 2, "zone": zones * 2, "year": [2020] * 100 + [2021] * 100,
                          "n": [11] * 200, "text": "", "hover": ""})
    cells.loc[cells["zone_id"].isin(["Z007", "Z050"]), "n"] = 3  # the two zones missing most
    result = view.Coverage(cells, pd.DataFrame(), pd.DataFrame(), expected=2200, present=int(cells["n"].sum()))
    drawn, left_out = view.coverage_chart_cells(result, limit=2)
    assert set(drawn["zone_id"]) == {"Z007", "Z050"} and left_out == 98
    everything, none_left = view.coverage_chart_cells(result, limit=100)
    assert len(everything) == 200 and none_left == 0
