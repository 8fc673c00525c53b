"""招商引资 / 产值税收: the queries (against the demo DB) and the pure view functions of devzone.projects_view,
devzone.output_tax_view and what they share (devzone.projects_common).

Expectations are computed with direct SQL on the demo database; only the seed facts are written down.
"""
import datetime as dt
import math

import duckdb
import pandas as pd
import pytest

from devzone import charts, db, fmt, queries
from devzone import output_tax_view as otv
from devzone import projects_common as common
from devzone import projects_view as pv

YANHU = "X140802"
HONGMING = "宏明空调全产业链生产基地"
HENGTONG_INVESTOR = "天津亨通制冷机电有限公司"
SIGNED = "signed_date IS NOT NULL AND status <> '在谈'"


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
def ledger(demo):
    return queries.projects_ledger(demo, YANHU)


@pytest.fixture(scope="module")
def signed(ledger):
    return common.signed_projects(ledger)


@pytest.fixture(scope="module")
def totals(demo):
    return queries.projects_year_totals(demo, YANHU, pv.PROJECT_INDICATORS)


def scalar(raw, sql, params=()):
    return raw.execute(sql, list(params)).fetchone()[0]


# ---------------------------------------------------------------- queries

def test_ledger_of_a_zone_and_of_the_province(demo, raw, ledger):
    assert len(ledger) == scalar(raw, "SELECT count(*) FROM projects WHERE zone_id = ?", [YANHU])
    assert set(ledger["zone_id"]) == {YANHU}
    assert set(ledger["short_name"]) == {"盐湖高新区"}
    province = queries.projects_ledger(demo, None)
    assert len(province) == scalar(raw, "SELECT count(*) FROM projects")
    dates = ledger["signed_date"].dropna()
    assert dates.is_monotonic_decreasing  # newest first
    assert ledger["signed_date"].isna().iloc[-1]  # 在谈 without a date at the end
    assert ledger["total_investment"].dtype == "float64"


def test_year_totals_are_the_reported_figures(raw, totals):
    values = totals.set_index(["year", "indicator"])["value"]
    assert values[(2021, "signed_projects")] == 36
    assert values[(2021, "signed_investment")] == pytest.approx(179.78)
    assert values[(2021, "signed_started_projects")] == 34
    expected = raw.execute(
        "SELECT year, indicator, value, source FROM indicator_values WHERE zone_id = ? "
        "AND indicator IN ('signed_projects', 'signed_investment', 'signed_started_projects')", [YANHU]).fetchall()
    assert len(totals) == len(expected)
    by_key = totals.set_index(["year", "indicator"])
    for year, indicator, value, source in expected:
        assert by_key.loc[(year, indicator), "value"] == pytest.approx(value)
        assert by_key.loc[(year, indicator), "source"] == source
    assert not by_key.loc[(2021, "signed_projects"), "is_synthetic"]  # the seed article


def test_province_totals_add_up_every_zone(demo, raw):
    totals = queries.projects_year_totals(demo, None, ("signed_projects",))
    for year, value, n_zones in zip(totals["year"], totals["value"], totals["n_zones"], strict=True):
        expected, zones = raw.execute(
            "SELECT sum(value), count(DISTINCT zone_id) FROM indicator_values "
            "WHERE indicator = 'signed_projects' AND year = ?", [year]).fetchone()
        assert value == pytest.approx(expected)
        assert n_zones == zones


def test_zone_ranks(demo, raw):
    ranks = queries.projects_zone_ranks(demo, YANHU, 2021, pv.PROJECT_INDICATORS).set_index("indicator")
    for indicator in pv.PROJECT_INDICATORS:
        rank, n_ranked = raw.execute(
            "SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = ? AND year = 2021 AND indicator = ?",
            [YANHU, indicator]).fetchone()
        sharing = scalar(raw, "SELECT count(*) FROM provincial_rankings WHERE year = 2021 AND indicator = ? "
                              "AND rank = ?", [indicator, rank])
        assert ranks.loc[indicator, "rank"] == rank
        assert ranks.loc[indicator, "n_ranked"] == n_ranked
        assert bool(ranks.loc[indicator, "tied"]) == (sharing > 1)
    # the seed article: signed projects and signed-and-started both in the province's top three
    assert ranks.loc["signed_projects", "rank"] <= 3
    assert ranks.loc["signed_started_projects", "rank"] <= 3


def test_reported_vs_ledger_query(demo, raw):
    frame = queries.output_tax_reported_vs_ledger(demo, YANHU, otv.OUTPUT_INDICATORS)
    assert set(frame["indicator"]) == set(otv.OUTPUT_INDICATORS)
    for year, indicator, value, ledger_value in zip(frame["year"], frame["indicator"], frame["value"],
                                                    frame["ledger"], strict=True):
        expected = scalar(raw, "SELECT value FROM indicator_values WHERE zone_id = ? AND year = ? AND indicator = ?",
                          [YANHU, year, indicator])
        expected_ledger = scalar(raw, "SELECT value FROM ledger_indicator_values WHERE zone_id = ? AND year = ? "
                                      "AND indicator = ?", [YANHU, year, indicator])
        assert value == pytest.approx(expected)
        assert ledger_value == pytest.approx(expected_ledger)


# ---------------------------------------------------------------- the ledger, signed projects

def test_seed_facts_from_the_ledger(signed, raw):
    summary = pv.year_summary(signed, 2021)
    assert summary["projects"] == 36
    assert summary["investment"] == pytest.approx(179.78)
    assert summary["started"] == 34
    view = dict(raw.execute("SELECT indicator, value FROM ledger_indicator_values WHERE zone_id = ? AND year = 2021",
                            [YANHU]).fetchall())
    assert summary["output"] == pytest.approx(view["projected_output"])
    assert summary["tax"] == pytest.approx(view["projected_tax"])


def test_every_year_of_the_ledger_matches_the_ledger_view(signed, raw):
    by_year = otv.by_signing_year(signed).set_index("year")
    rows = raw.execute(
        "SELECT year, indicator, value FROM ledger_indicator_values WHERE zone_id = ? "
        "AND indicator IN ('signed_projects', 'signed_investment', 'signed_started_projects')", [YANHU]).fetchall()
    column = {"signed_projects": "projects", "signed_investment": "investment", "signed_started_projects": "started"}
    for year, indicator, value in rows:
        assert by_year.loc[year, column[indicator]] == pytest.approx(value), (year, indicator)


@pytest.mark.parametrize("period, n", [("quarter", 4), ("month", 12)])
def test_period_breakdown(signed, raw, period, n):
    frame = pv.period_breakdown(signed, 2021, period, "zh")
    assert list(frame["period"]) == list(range(1, n + 1))
    assert frame["projects"].sum() == 36
    assert frame["investment"].sum() == pytest.approx(179.78)
    assert frame["started"].sum() == 34
    sql = (f"SELECT {period}(signed_date), count(*) FROM projects WHERE zone_id = ? AND {SIGNED} "
           "AND year(signed_date) = 2021 GROUP BY 1")
    expected = dict(raw.execute(sql, [YANHU]).fetchall())
    for number, count in zip(frame["period"], frame["projects"], strict=True):
        assert count == expected.get(number, 0)
    assert frame["label"].iloc[0] == ("一季度" if period == "quarter" else "1月")
    english = pv.period_breakdown(signed, 2021, period, "en")
    assert english["label"].iloc[0] == ("Q1" if period == "quarter" else "Jan")


def test_hongming_signed_in_november_2021(signed):
    months = pv.period_breakdown(signed, 2021, "month", "zh").set_index("period")
    assert months.loc[11, "projects"] >= 1
    assert months.loc[11, "output"] >= 20  # its 20 亿元 projected output


def test_chain_breakdown(signed, raw):
    frame = common.group_breakdown(signed, 2021, "chain", "zh")
    expected = dict(raw.execute(
        f"SELECT chain, count(*) FROM projects WHERE zone_id = ? AND {SIGNED} AND year(signed_date) = 2021 "
        "GROUP BY 1", [YANHU]).fetchall())
    assert dict(zip(frame["label"], frame["projects"], strict=True)) == expected
    assert list(frame["projects"]) == sorted(frame["projects"], reverse=True)
    assert frame["projects"].sum() == 36


def test_origin_breakdown_groups_by_province(signed, raw):
    frame = common.group_breakdown(signed, 2021, "origin", "zh")
    origins = [r[0] for r in raw.execute(
        f"SELECT investor_origin FROM projects WHERE zone_id = ? AND {SIGNED} AND year(signed_date) = 2021",
        [YANHU]).fetchall()]
    expected: dict[str, int] = {}
    for origin in origins:
        province = "未填写" if not origin or not origin.strip() else next(
            (p for p in ("内蒙古", "黑龙江") if origin.startswith(p)), origin[:2])
        expected[province] = expected.get(province, 0) + 1
    assert dict(zip(frame["label"], frame["projects"], strict=True)) == expected
    assert "山西" in expected  # the 宏明 chain leader is from 山西运城


@pytest.mark.parametrize("origin, province", [
    ("山西运城", "山西"), ("北京", "北京"), ("天津", "天津"), ("上海浦东", "上海"), ("重庆", "重庆"),
    ("内蒙古鄂尔多斯", "内蒙古"), ("黑龙江哈尔滨", "黑龙江"), ("广东深圳", "广东"), ("香港", "香港"),
    (" 山东济南 ", "山东"), ("山西省运城市", "山西"), ("新加坡", "新加坡"), ("", None), ("  ", None), (None, None),
    (float("nan"), None),
])
def test_origin_province(origin, province):
    assert common.origin_province(origin) == province


def test_origin_label_for_blanks():
    assert common.origin_label(None, "zh") == "未填写"
    assert common.origin_label(None, "en") == "Not given"
    assert common.chain_label("新材料", "en") == "New materials"  # the catalogue chain, in English
    assert common.chain_label("新材料", "zh") == "新材料"


def test_started_same_year_needs_a_start_in_the_signing_year():
    ledger = pd.DataFrame({
        "project_id": ["a", "b", "c", "d"], "project_name": ["A", "B", "C", "D"],
        "signed_date": pd.to_datetime(["2021-03-01", "2021-12-20", "2021-05-01", None]),
        "started_date": pd.to_datetime(["2021-06-01", "2022-01-10", None, None]),
        "status": ["开工", "开工", "签约", "在谈"],
        "total_investment": [1.0, None, 2.5, None], "projected_output": [None, None, None, None],
        "projected_tax": [None, None, None, None],
    })
    signed = common.signed_projects(ledger)
    assert list(signed["project_id"]) == ["a", "b", "c"]
    assert list(signed["started_same_year"]) == [True, False, False]
    summary = pv.year_summary(signed, 2021)
    assert summary == {"projects": 3, "investment": 3.5, "started": 1, "output": summary["output"],
                       "tax": summary["tax"]}
    assert math.isnan(summary["output"])  # nothing known is not zero


# ---------------------------------------------------------------- pipeline

def test_pipeline_is_cumulative(ledger, raw):
    counts = dict(raw.execute("SELECT status, count(*) FROM projects WHERE zone_id = ? GROUP BY 1",
                              [YANHU]).fetchall())
    funnel = pv.pipeline(ledger, "zh")
    assert funnel.stages == ["在谈", "签约", "开工", "投产"]
    expected = [
        sum(counts.get(s, 0) for s in ("在谈", "签约", "开工", "投产")),
        sum(counts.get(s, 0) for s in ("签约", "开工", "投产")),
        sum(counts.get(s, 0) for s in ("开工", "投产")),
        counts.get("投产", 0),
    ]
    assert funnel.counts == expected
    assert funnel.terminated == counts.get("终止", 0)
    assert funnel.total == len(ledger)
    assert funnel.texts[0] == f"{expected[0]}个"
    rate = fmt.percent(expected[1] / expected[0])
    assert funnel.texts[1] == f"{expected[1]}个　转化率 {rate}"
    assert list(funnel.table["较上一阶段转化率"]) == ["—", rate, fmt.percent(expected[2] / expected[1]),
                                                 fmt.percent(expected[3] / expected[2])]
    english = pv.pipeline(ledger, "en")
    assert english.stages == ["Negotiating", "Signed", "Started", "In production"]


def test_pipeline_of_an_empty_ledger(ledger):
    funnel = pv.pipeline(ledger.iloc[0:0], "zh")
    assert funnel.counts == [0, 0, 0, 0]
    assert funnel.terminated == 0


# ---------------------------------------------------------------- ledger table, search, detail

def test_ledger_in_period_uses_the_signed_rule(ledger):
    in_2021 = pv.ledger_in_period(ledger, "year", 2021)
    assert len(in_2021) == 36
    assert len(pv.ledger_in_period(ledger, "all", 2021)) == len(ledger)


def test_search_matches_name_investor_and_chain(ledger):
    assert list(pv.search_ledger(ledger, "宏明空调全产业链")["project_name"]) == [HONGMING]
    by_investor = pv.search_ledger(ledger, "亨通")
    assert HENGTONG_INVESTOR in set(by_investor["investor"])
    by_chain = pv.search_ledger(ledger, "空调制冷")
    assert len(by_chain) == (ledger["chain"].fillna("").str.contains("空调制冷")).sum() > 0
    assert len(pv.search_ledger(ledger, "  宏明   基地 ")) == 1  # every word must match
    assert pv.search_ledger(ledger, "宏明 火星").empty
    assert len(pv.search_ledger(ledger, "")) == len(ledger)


def test_search_ignores_case_and_width():
    ledger = pd.DataFrame({"project_name": ["ABC新材料项目"], "investor": [None], "chain": ["新材料"]})
    assert len(pv.search_ledger(ledger, "ａｂｃ")) == 1


def test_ledger_table(ledger):
    shown = pv.ledger_in_period(ledger, "year", 2021)
    table = pv.ledger_table(shown, "zh", with_zone=False)
    assert list(table.columns) == [c.label for c in pv.ledger_columns("zh", with_zone=False)]
    assert "所属开发区" not in table.columns
    assert table["总投资（亿元）"].sum() == pytest.approx(179.78)
    row = table.loc[table["项目名称"] == HONGMING].iloc[0]
    assert row["签约日期"] == pd.Timestamp("2021-11-15")
    assert row["项目状态"] == "签约"
    assert row["预计利税（亿元）"] == pytest.approx(0.5)
    assert "模拟数据" not in table.columns and "投产日期" not in table.columns  # in the detail view
    export = pv.ledger_export(shown, "zh", with_zone=False)
    hongming = export.loc[export["项目名称"] == HONGMING].iloc[0]
    assert hongming["模拟数据"] == "真实数据（种子材料）"
    assert hongming["项目编号"].startswith("X140802-")
    assert list(export.columns[export.columns.get_loc("开工日期"):][:2]) == ["开工日期", "投产日期"]
    assert {"链主企业", "包联领导"} <= set(export.columns)
    assert list(export.columns[export.columns.get_loc("投资方"):][:2]) == ["投资方", "投资方所在地"]
    kinds = {c.label: c.kind for c in pv.ledger_columns("zh", with_zone=True)}
    assert kinds["总投资（亿元）"] == "money" and kinds["签约日期"] == "date" and kinds["所属开发区"] == "text"
    english = pv.ledger_table(shown, "en", with_zone=True)
    assert "Zone" in english.columns and "Investment (RMB 100 mn)" in english.columns


def test_hongming_detail(ledger):
    row = ledger.loc[ledger["project_name"] == HONGMING].iloc[0].to_dict()
    detail = pv.project_detail(row, "zh")
    fields = dict(detail.fields)
    assert detail.title == HONGMING
    assert detail.status == "签约"
    assert fields["签约日期"] == "2021年11月15日"
    assert dict(detail.figures) == {"总投资": "—", "预计年产值": "20亿元", "预计利税": "5,000万元"}
    assert fields["投资方"] == "山西宏明空调科技有限公司"
    assert fields["投资方所在地"] == "山西运城（山西）"
    assert fields["所属开发区"] == "运城盐湖高新技术产业开发区"
    assert fields["数据性质"] == "真实数据（种子材料）"
    assert "链主企业" in fields and "包联领导" in fields
    assert detail.progress == "在谈 ✓ → 签约 ● → 开工 ○ → 投产 ○"
    assert not detail.synthetic
    left, right = pv.detail_markdown(detail)
    assert "**签约日期**　2021年11月15日" in left + right
    assert (left + "  \n" + right).count("  \n") == len(detail.fields) - 1
    english = pv.project_detail(row, "en")
    assert dict(english.fields)["Signed"] == "15 Nov 2021"
    assert dict(english.figures) == {"Total investment": "—", "Projected annual output": "RMB 2 bn",
                                     "Projected profit & tax": "RMB 50 mn"}


def test_hengtong_is_under_negotiation(ledger):
    row = ledger.loc[ledger["investor"] == HENGTONG_INVESTOR].iloc[0].to_dict()
    detail = pv.project_detail(row, "zh")
    assert detail.status == "在谈"
    assert detail.progress.startswith("在谈 ●")
    assert dict(detail.fields)["签约日期"] == "—"
    assert pv.detail_heading(detail).endswith(":blue-badge[在谈]")


def test_detail_of_a_synthetic_and_terminated_project():
    row = {"project_id": "Z-1", "project_name": "某*项目|一期", "status": "终止", "is_synthetic": True,
           "signed_date": pd.Timestamp("2020-01-02"), "total_investment": 1.25, "investor_origin": "上海"}
    detail = pv.project_detail(row, "zh")
    assert detail.synthetic and detail.terminated
    assert dict(detail.fields)["数据性质"] == "模拟数据"
    assert detail.progress == "项目已终止"
    assert pv.detail_heading(detail) == "#### 某\\*项目\\|一期 :red-badge[终止]"
    assert dict(detail.figures)["总投资"] == "1.25亿元"


def test_option_labels_tell_namesakes_apart(ledger):
    labels = pv.project_option_labels(ledger, "zh")
    hongming = ledger.loc[ledger["project_name"] == HONGMING, "project_id"].iloc[0]
    assert labels[hongming] == HONGMING + " · 2021年11月15日"
    hengtong = ledger.loc[ledger["investor"] == HENGTONG_INVESTOR, "project_id"].iloc[0]
    assert labels[hengtong].endswith(" · 在谈")


# ---------------------------------------------------------------- headline figures and the ledger check

def test_project_headlines(demo, raw, totals):
    ranks = queries.projects_zone_ranks(demo, YANHU, 2021, pv.PROJECT_INDICATORS)
    headlines = pv.project_headlines(totals, ranks, 2021, "zh")
    assert [h.label for h in headlines] == ["签约项目", "签约总投资", "当年签约并开工", "当年开工率"]
    assert [h.value for h in headlines] == ["36个", "179.78亿元", "34个", fmt.percent(34 / 36)]
    before = dict(raw.execute(
        "SELECT indicator, value FROM indicator_values WHERE zone_id = ? AND year = 2020", [YANHU]).fetchall())
    # real 2021 against synthetic 2020: the change is marked as computed from a synthetic value
    assert headlines[0].delta == fmt.yoy(36, before["signed_projects"]) + fmt.FROM_SYNTHETIC
    assert headlines[1].delta == fmt.yoy(179.78, before["signed_investment"]) + fmt.FROM_SYNTHETIC
    assert headlines[0].tag == "真实"
    rank, n_ranked = raw.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = ? AND year = 2021 "
                                 "AND indicator = 'signed_projects'", [YANHU]).fetchone()
    assert headlines[0].rank.startswith("全省") and f"第{rank}名/共{n_ranked}个" in headlines[0].rank
    assert headlines[3].rank is None
    english = pv.project_headlines(totals, None, 2021, "en")
    assert [h.value for h in english[:3]] == ["36", "RMB 17.98 bn", "34"]
    assert english[0].rank is None


def test_headline_description():
    # the rank is shown on its own line (Headline.rank): beside the delta Streamlit cut it short
    assert common.Headline("a", "1", delta="+5.0%", rank="全省第3名/共28个").description("zh") == "同比"
    assert common.Headline("a", "1", rank="Province: 3rd of 28").description("en") is None
    assert common.Headline("a", "1", delta="+5.0%").description("en") == "year on year"
    assert common.Headline("a", "1").description("zh") is None


def test_headline_delta_colour():
    assert common.Headline("a", "1", delta="+0.0%").delta_color == "off"
    assert common.Headline("a", "1", delta="0.0%").delta_color == "off"
    assert common.Headline("a", "1", delta="-3.0%").delta_color == "normal"
    assert common.Headline("a", "1").delta_color == "normal"


def test_first_year_has_no_delta(totals):
    first = int(totals["year"].min())
    assert pv.project_headlines(totals, None, first, "zh")[0].delta is None


def test_ledger_check_for_the_seed_year(signed, totals):
    check = pv.ledger_check(signed, totals, 2021, "zh")
    assert check.consistent
    assert check.message == "项目台账中2021年签约36个项目、总投资179.78亿元、当年开工34个，与报表数一致。"


def test_ledger_check_reports_differences(signed, totals):
    changed = totals.copy()
    changed.loc[(changed["year"] == 2021) & (changed["indicator"] == "signed_projects"), "value"] = 40
    check = pv.ledger_check(signed, changed, 2021, "zh")
    assert not check.consistent
    assert check.differences == ["- 签约项目数：报表 40个，台账 36个"]
    assert "与报表数不一致" in check.message


def test_ledger_check_without_anything(signed, totals):
    assert pv.ledger_check(signed.iloc[0:0], totals.iloc[0:0], 2021, "zh") is None


def test_sources(totals):
    assert pv.sources_text(totals, 2021, "zh", province=False) == "运城日报《高超：“链主”招商的领路人》"
    assert pv.sources_text(totals, 2021, "zh", province=True).startswith("各开发区报表数")
    every_year = pv.sources_text(totals, None, "zh", province=False)
    assert "运城日报" in every_year and every_year.count("运城日报") == 1


def test_trend_frame_and_table(totals):
    frame = pv.trend_frame(totals, "signed_investment", "investment", "zh")
    row = frame.loc[frame["year"] == 2021].iloc[0]
    assert (row["label"], row["text"]) == ("2021年", "179.78亿元")
    table = pv.trend_table(totals, "zh", province=False)
    assert list(table.columns) == ["年份", "签约项目数（个）", "签约总投资（亿元）", "当年签约并开工项目数（个）", "来源"]
    seed = table.loc[table["年份"] == 2021].iloc[0]
    assert (seed["签约项目数（个）"], seed["签约总投资（亿元）"]) == (36, 179.78)
    assert "来源" not in pv.trend_table(totals, "zh", province=True).columns


def test_is_synthetic(ledger, totals):
    assert common.is_synthetic(ledger)
    seed_only = ledger.loc[ledger["project_name"] == HONGMING]
    assert not common.is_synthetic(seed_only)
    assert not common.is_synthetic(totals.loc[totals["year"] == 2021])


# ---------------------------------------------------------------- 产值税收

@pytest.fixture(scope="module")
def comparison(demo):
    return queries.output_tax_reported_vs_ledger(demo, YANHU, otv.OUTPUT_INDICATORS)


def test_output_headlines(signed, comparison, raw):
    values = dict(raw.execute("SELECT indicator, value FROM indicator_values WHERE zone_id = ? AND year = 2021 "
                              "AND indicator IN ('projected_output', 'projected_tax')", [YANHU]).fetchall())
    before = dict(raw.execute("SELECT indicator, value FROM indicator_values WHERE zone_id = ? AND year = 2020 "
                              "AND indicator IN ('projected_output', 'projected_tax')", [YANHU]).fetchall())
    output, tax, intensity, tax_rate = otv.output_headlines(comparison, signed, 2021, "zh")
    assert output.value == fmt.money(values["projected_output"])
    assert output.delta == fmt.yoy(values["projected_output"], before["projected_output"])
    assert tax.value == fmt.money(values["projected_tax"])
    both_output, both_investment = raw.execute(
        f"SELECT sum(projected_output), sum(total_investment) FROM projects WHERE zone_id = ? AND {SIGNED} "
        "AND year(signed_date) = 2021 AND projected_output IS NOT NULL AND total_investment > 0",
        [YANHU]).fetchone()
    assert intensity.value == fmt.number(both_output / both_investment) + "倍"
    assert tax_rate.value == fmt.percent(values["projected_tax"] / values["projected_output"])


def test_output_by_year(signed, comparison, raw):
    frame = otv.output_year_frame(signed, comparison, "output", "zh")
    expected = dict(raw.execute("SELECT year, value FROM indicator_values WHERE zone_id = ? "
                                "AND indicator = 'projected_output'", [YANHU]).fetchall())
    assert dict(zip(frame["year"], frame["value"], strict=True)) == pytest.approx(expected)
    table = otv.output_year_table(signed, comparison, "zh")
    assert list(table.columns) == ["年份", "签约项目数（个）", "签约总投资（亿元）", "预计年产值（亿元）", "预计利税（亿元）",
                                   "产出强度（亿元产值/亿元投资）"]
    assert table.loc[table["年份"] == 2021, "签约项目数（个）"].iloc[0] == 36


def test_top_projects(signed, raw):
    top = otv.top_projects(signed, 2021)
    expected = [r[0] for r in raw.execute(
        f"SELECT project_id FROM projects WHERE zone_id = ? AND {SIGNED} AND year(signed_date) = 2021 "
        "AND projected_output IS NOT NULL ORDER BY projected_output DESC, project_id LIMIT 10", [YANHU]).fetchall()]
    assert list(top["project_id"]) == expected
    assert HONGMING in set(otv.top_projects(signed, 2021, n=36)["project_name"])
    table = otv.top_projects_table(top, "zh")
    assert list(table["排名"]) == list(range(1, len(top) + 1))
    chart = otv.top_projects_chart_frame(top, "output", "zh")
    assert chart["text"].iloc[0] == fmt.money(top["projected_output"].iloc[0])
    by_tax = otv.top_projects(signed, None, "tax", n=3)
    assert list(by_tax["projected_tax"]) == sorted(by_tax["projected_tax"], reverse=True)


def test_intensity_by_chain(signed, raw):
    frame = common.group_breakdown(signed, None, "chain", "zh").set_index("label")
    rows = raw.execute(
        f"SELECT chain, sum(projected_output) / sum(total_investment) FROM projects WHERE zone_id = ? AND {SIGNED} "
        "AND projected_output IS NOT NULL AND total_investment > 0 GROUP BY 1", [YANHU]).fetchall()
    for chain, ratio in rows:
        assert frame.loc[chain, "intensity"] == pytest.approx(ratio)
    bars = otv.intensity_frame(frame.reset_index(), "zh")
    assert len(bars) == len(rows)


def test_reported_vs_ledger_on_the_demo(comparison):
    """The demo's wide sheet reports 预计年产值/预计利税 (equal to the ledger sums) for every year but 2021."""
    compared = otv.reported_vs_ledger(comparison, {"projected_output": "预计年产值", "projected_tax": "预计利税"}, "zh")
    assert compared.any_reported and not any(compared.differs)
    kinds = dict(zip(compared.table["年份"] + compared.table["指标"], compared.table["数值类型"], strict=True))
    assert kinds["2021年预计年产值"] == "台账汇总（无报表数）" and kinds["2020年预计年产值"] == "报表数"
    assert comparison["year"].max() == 2021  # no year under way: the ledger's 2022 signings make no year figure
    assert set(compared.table["差额（数值−台账）"]) == {"一致"}
    assert compared.table["年份"].iloc[0] == fmt.year(comparison["year"].max())  # newest first


def test_reported_vs_ledger_when_all_figures_come_from_the_ledger(comparison):
    ledger_only = comparison.assign(source=common.LEDGER_SOURCE_TAG, value=comparison["ledger"])
    compared = otv.reported_vs_ledger(ledger_only, {"projected_output": "预计年产值", "projected_tax": "预计利税"}, "zh")
    assert not compared.any_reported
    assert not any(compared.differs)
    assert set(compared.table["数值类型"]) == {"台账汇总（无报表数）"}
    assert set(compared.table["差额（数值−台账）"]) == {"一致"}


def test_a_reported_figure_that_disagrees_with_the_ledger_is_flagged(comparison):
    changed = comparison.copy()
    row = changed.index[(changed["source"] != common.LEDGER_SOURCE_TAG) & changed["value"].notna()][0]
    changed.loc[row, "value"] = changed.loc[row, "ledger"] + 1.5
    compared = otv.reported_vs_ledger(changed, {"projected_output": "预计年产值", "projected_tax": "预计利税"}, "zh")
    assert sum(compared.differs) == 1
    assert "+1.5亿元" in set(compared.table["差额（数值−台账）"])


def test_reported_vs_ledger_highlights_differences():
    comparison = pd.DataFrame({
        "year": [2021, 2021, 2020], "indicator": ["projected_output", "projected_tax", "projected_output"],
        "value": [25.0, 0.5, 10.0], "source": ["统计局报表", "统计局报表", "项目台账汇总"],
        "is_synthetic": [False, False, True], "ledger": [20.0, 0.5, 10.0],
    })
    compared = otv.reported_vs_ledger(comparison, {"projected_output": "预计年产值"}, "zh")
    assert compared.any_reported
    assert compared.reported == [True, True, False]
    assert compared.differs == [True, False, False]
    only = compared.reported_rows()
    assert len(only.table) == 2 and only.differs == [True, False]
    assert list(compared.table["差额（数值−台账）"]) == ["+5亿元", "一致", "一致"]
    assert list(compared.table["指标"]) == ["预计年产值", "projected_tax", "预计年产值"]
    styled = otv.highlight_differences(compared).to_html()
    assert styled.count(otv.DIFFERENCE_STYLE.split(";")[0]) >= 1


def test_output_sources(comparison):
    assert otv.output_sources_text(comparison, 2021, "zh") == "项目台账汇总"
    assert otv.output_sources_text(comparison, 2021, "en") == "Sum of the project ledger"


# ---------------------------------------------------------------- empty inputs

def test_breakdowns_of_a_year_without_projects(signed):
    quarters = pv.period_breakdown(signed, 1999, "quarter", "zh")
    assert list(quarters["projects"]) == [0, 0, 0, 0]
    assert quarters["investment"].isna().all()
    assert common.group_breakdown(signed, 1999, "chain", "zh").empty
    assert otv.top_projects(signed, 1999).empty
    empty = common.signed_projects(signed.iloc[0:0])
    assert otv.by_signing_year(empty, [2020, 2021])["projects"].tolist() == [0, 0]


# ---------------------------------------------------------------- chart builders

def test_period_columns_highlight_the_chosen_year():
    frame = pd.DataFrame({"label": ["2020年", "2021年", "2022年"], "value": [1.0, 3.0, 2.0],
                          "text": ["1个", "3个", "2个"]})
    fig = charts.period_columns(frame, x="label", y="value", text="text", chosen="2021年")
    colours = list(fig.data[0].marker.color)
    assert colours == [charts.OTHERS, charts.HIGHLIGHT, charts.OTHERS]
    assert list(fig.layout.xaxis.categoryarray) == ["2020年", "2021年", "2022年"]
    plain = charts.period_columns(frame, x="label", y="value", text="text")
    assert set(plain.data[0].marker.color) == {charts.PALETTE[0]}


def test_sorted_hbars_put_the_largest_on_top():
    frame = pd.DataFrame({"label": ["短", "一个非常非常非常非常长的项目名称啊啊啊", "中"], "value": [1.0, 5.0, 3.0],
                          "text": ["a", "b", "c"]})
    fig = charts.sorted_hbars(frame, label="label", value="value", text="text", max_label_chars=8)
    bar = fig.data[0]
    assert list(bar.x) == [1.0, 3.0, 5.0]  # plotly draws the last category on top
    assert fig.layout.yaxis.ticktext[-1] == "一个非常非常非…"  # 8 characters with the ellipsis
    assert bar.customdata[-1] == "一个非常非常非常非常长的项目名称啊啊啊"


def test_dates_format_for_the_table_config():
    assert pv.DATE_FORMATS["zh"] == "YYYY年M月D日"
    assert fmt.date(dt.date(2021, 11, 15)) == "2021年11月15日"


def test_sources_are_compacted_over_the_years():
    rows = pd.DataFrame({
        "year": [2019, 2020, 2021, 2022, 2023, 2023],
        "source": ["表.xlsx：2019", "表.xlsx：2020", "运城日报《高超：“链主”招商的领路人》", "表.xlsx：2022", "表.xlsx：2023",
                   "项目台账汇总"],
    })
    assert common.compact_sources(rows, "zh") == (
        "表（2019—2020、2022—2023年）；运城日报《高超：“链主”招商的领路人》（2021年）；项目台账汇总（2023年）")
    assert common.compact_sources(rows, "en") == (
        "表 (2019–2020, 2022–2023); 运城日报《高超：“链主”招商的领路人》 (2021); Sum of the project ledger (2023)")
    assert common.compact_sources(rows.iloc[:2], "zh") == "表"
    assert common.compact_sources(rows.iloc[0:0], "zh") == "—"


# ---------------------------------------------------------------- whole screens

def test_projects_screen(ledger, totals, demo):
    ranks = queries.projects_zone_ranks(demo, YANHU, 2021, pv.PROJECT_INDICATORS)
    screen = pv.projects_screen(ledger, totals, ranks, place="盐湖高新区", year=2021, measure="investment", lang="zh",
                                province=False)
    assert screen.synthetic and screen.signed_in_year == 36 and screen.ledger_size == len(ledger)
    assert [h.value for h in screen.headlines[:3]] == ["36个", "179.78亿元", "34个"]
    assert screen.check.consistent
    assert screen.trend.key == "projects_trend"
    assert screen.trend.figure.layout.title.text == "历年签约总投资（2021年突出显示）"
    assert set(screen.periods) == {"quarter", "month"} and set(screen.groups) == {"chain", "origin"}
    assert screen.periods["quarter"].table["签约总投资（亿元）"].sum() == pytest.approx(179.78)
    assert screen.groups["origin"].figure.layout.title.text == "2021年签约投资：按投资方省份"
    assert screen.pipeline.table["阶段"].tolist() == ["在谈", "签约", "开工", "投产"]


def test_projects_screen_without_projects(ledger, totals):
    screen = pv.projects_screen(ledger.iloc[0:0], totals, None, place="某开发区", year=2021, measure="projects",
                                lang="zh", province=False)
    assert screen.ledger_size == 0 and screen.signed_in_year == 0
    assert screen.periods == {} and screen.groups == {} and screen.pipeline is None
    assert screen.trend is not None  # the reported figures still have a history
    assert not screen.check.consistent  # 36 reported, none in the ledger


def test_ledger_view(ledger):
    view = pv.ledger_view(ledger, query="空调", period="year", year=2021, lang="zh", province=False)
    assert len(view.table) == len(view.project_ids) == len(view.export)
    assert all("空调" in name or "空调" in chain for name, chain in zip(view.table["项目名称"], view.table["产业链"],
                                                                       strict=True))
    assert len(view.labels) == len(ledger)  # the picker can name any project of the ledger


def test_output_tax_screen(demo, ledger, comparison):
    catalogue = queries.indicators(demo)
    screen = otv.output_tax_screen(ledger, comparison, catalogue, place="盐湖高新区", year=2021, measure="output",
                                  period="year", lang="zh")
    assert not screen.empty and screen.synthetic
    assert screen.years.figure.layout.title.text == "历年预计年产值（2021年突出显示）"
    assert screen.top.table["项目名称"].tolist() == otv.top_projects(common.signed_projects(ledger), 2021)[
        "project_name"].tolist()
    assert screen.chains is not None and screen.intensity is not None
    assert screen.comparison.any_reported and not any(screen.comparison.differs)
    empty = otv.output_tax_screen(ledger.iloc[0:0], comparison.iloc[0:0], catalogue, place="某开发区", year=2021,
                                 measure="tax", period="all", lang="en")
    assert empty.empty and empty.years is None and empty.top is None


def test_ledger_height():
    assert pv.ledger_height(1) == 73
    assert pv.ledger_height(36) == 420


def test_a_terminated_project_never_tops_the_output_list():
    import pandas as pd

    signed = pd.DataFrame({
        "project_id": ["A", "B", "C"], "project_name": ["终止的大项目", "在建项目", "投产项目"],
        "signed_year": [2023] * 3, "status": ["终止", "开工", "投产"],
        "projected_output": [30.0, 10.0, 5.0], "projected_tax": [3.0, 1.0, 0.5]})
    for measure in ("output", "tax"):
        top = otv.top_projects(signed, 2023, measure)
        assert top["project_name"].tolist() == ["在建项目", "投产项目"], measure


# ---------------------------------------------------------------- download names

def test_ledger_download_is_named_by_subject_place_and_year():
    assert pv.ledger_file_stem("盐湖高新区", pv.PERIOD_YEAR, 2021, "zh") == "项目台账_盐湖高新区_2021"
    assert pv.ledger_file_stem("山西省", pv.PERIOD_ALL, 2021, "zh") == "项目台账_山西省"
    assert pv.ledger_file_stem("盐湖高新区", pv.PERIOD_YEAR, 2021, "en") == "project_ledger_盐湖高新区_2021"
    assert pv.ledger_file_stem("a/b", pv.PERIOD_YEAR, 2021, "zh") == "项目台账_a_b_2021"
    assert pv.ledger_sheet_name("zh") == "项目台账" and pv.ledger_sheet_name("en") == "Project ledger"
