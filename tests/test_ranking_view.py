"""全省排名 view logic: gap analysis, composite score, URL parameters, and the filtered-ranking query."""
import math

import duckdb
import pandas as pd
import pytest

from devzone import db, labels, queries, state
from devzone import ranking_view as rv

CATALOGUE = pd.DataFrame({
    "indicator": ["a", "b", "c", "d"],
    "name_zh": ["甲", "乙", "丙", "丁"],
    "name_en": ["A", "B", "C", "D"],
    "unit": ["个", "亿元", "家", "个"],
    "direction": ["higher", "higher", "higher", "lower"],
    "category": ["projects", "projects", "enterprises", "output_tax"],
})


def values(**by_zone: float | None) -> pd.Series:
    return pd.Series({zone: (math.nan if v is None else v) for zone, v in by_zone.items()}, dtype="float64")


# ---------------------------------------------------------------- gap analysis

def test_gap_to_the_next_rank_and_to_the_top_three():
    gap = rv.gap_analysis(values(A=54, B=47, C=36, D=33, E=33, F=20), "F")
    assert (gap.status, gap.rank, gap.n_ranked) == ("ranked", 6, 6)
    assert gap.next_rank == 4 and gap.next_zones == ("D", "E")  # tied zones share rank 4
    assert gap.next_gap == pytest.approx(13)  # 33 - 20
    assert not gap.in_top and gap.top_rank == 3 and gap.top_zones == ("C",)
    assert gap.top_gap == pytest.approx(16)  # 36 - 20


def test_gap_with_ties_ranks_one_two_two_four():
    series = values(A=10, B=8, C=8, D=5)
    ranks = rv.competition_ranks(series)
    assert ranks.to_dict() == {"A": 1, "B": 2, "C": 2, "D": 4}
    gap = rv.gap_analysis(series, "D")
    assert gap.rank == 4 and gap.next_rank == 2 and gap.next_zones == ("B", "C")
    assert gap.next_gap == pytest.approx(3)
    # top three = ranks ≤ 3; the worst of them is the shared 2nd place: drawing level with it is enough
    assert gap.top_rank == 2 and gap.top_value == 8 and gap.top_gap == pytest.approx(3)
    tied = rv.gap_analysis(series, "C")
    assert tied.rank == 2 and tied.tied_with == ("B",) and tied.in_top
    assert tied.next_rank == 1 and tied.next_gap == pytest.approx(2) and tied.top_gap is None


def test_first_place_says_so_even_when_shared():
    gap = rv.gap_analysis(values(A=10, B=10, C=3), "B")
    assert gap.status == "first" and gap.rank == 1 and gap.tied_with == ("A",)
    lines = rv.gap_lines(gap, {"A": "甲区"}, "个", "zh")
    assert lines == ["**已居第1**", "与甲区并列"]
    assert rv.gap_lines(rv.gap_analysis(values(A=10, C=3), "A"), {}, "个", "en") == ["**Already 1st**"]


def test_missing_values_are_not_ranked_and_not_counted():
    series = values(A=10, B=None, C=7, D=5)
    gap = rv.gap_analysis(series, "D")
    assert gap.rank == 3 and gap.n_ranked == 3 and gap.in_top
    missing = rv.gap_analysis(series, "B")
    assert missing.status == "missing" and missing.rank is None and missing.n_ranked == 3
    assert rv.gap_lines(missing, {}, "个", "zh") == ["该年度无此指标数值，未参与排名。"]
    assert rv.gap_analysis(series, "Z").status == "absent"


def test_lower_is_better_turns_the_ranking_round():
    series = values(A=1.0, B=2.5, C=4.0, D=6.0)
    assert rv.competition_ranks(series, "lower").to_dict() == {"A": 1, "B": 2, "C": 3, "D": 4}
    gap = rv.gap_analysis(series, "D", "lower")
    assert gap.rank == 4 and gap.next_zones == ("C",) and gap.next_gap == pytest.approx(2.0)
    assert gap.top_gap == pytest.approx(2.0) and gap.lower_is_better
    lines = rv.gap_lines(gap, {"C": "丙区"}, "亿元", "zh")
    assert lines[0] == "追平上一名次（第3名：丙区，4亿元）：还需减少 **2亿元**"


def test_gap_sentences_are_in_the_indicator_unit():
    gap = rv.gap_analysis(values(A=54, B=47, C=36, D=12.5), "D")
    labels = {"A": "太原高新区", "B": "太原经开区", "C": "盐湖高新区"}
    zh = rv.gap_lines(gap, labels, "亿元", "zh")
    assert zh == ["追平上一名次（第3名：盐湖高新区，36亿元）：还差 **23.5亿元**",
                  "进入前3名（第3名：盐湖高新区，36亿元）：还差 **23.5亿元**"]
    en = rv.gap_lines(gap, labels, "个", "en")
    assert en[0] == "To draw level with the next rank up (3rd: 盐湖高新区, 36): **23.5** more needed"
    small = rv.gap_lines(rv.gap_analysis(values(A=1.0, B=0.5), "B"), {"A": "甲"}, "亿元", "zh")
    assert small[0].endswith("还差 **5,000万元**")  # under 1 亿元 in 万元, as official reports write it
    assert small[1] == "已居前3名"


def test_fewer_zones_than_the_top_three():
    gap = rv.gap_analysis(values(A=3, B=1), "B")
    assert gap.in_top and gap.top_rank == 2


# ---------------------------------------------------------------- composite score

def long_values(rows: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame([
        {"zone_id": zone, "indicator": code, "value": math.nan if v is None else v}
        for zone, by_code in rows.items() for code, v in by_code.items()])


def test_composite_is_a_weighted_sum_of_min_max_normalised_categories():
    frame = long_values({
        "X": {"a": 10, "b": 100, "c": 5, "d": 1},
        "Y": {"a": 0, "b": 50, "c": 10, "d": 3},
        "Z": {"a": 5, "b": 0, "c": 0, "d": 2},
    })
    scores = rv.composite_scores(frame, CATALOGUE, {"projects": 0.5, "enterprises": 0.3, "output_tax": 0.2})
    by_zone = scores.set_index("zone_id")
    # X: projects mean(1, 1) = 1; enterprises 0.5; output_tax (lower is better, 1 is best) 1
    assert by_zone.loc["X", "score_projects"] == pytest.approx(100)
    assert by_zone.loc["X", "score_enterprises"] == pytest.approx(50)
    assert by_zone.loc["X", "score_output_tax"] == pytest.approx(100)
    assert by_zone.loc["X", "score"] == pytest.approx(100 * (0.5 * 1 + 0.3 * 0.5 + 0.2 * 1))
    # Y: projects mean(0, 0.5) = 0.25; enterprises 1; output_tax 0 (worst)
    assert by_zone.loc["Y", "score"] == pytest.approx(100 * (0.5 * 0.25 + 0.3 * 1 + 0.2 * 0))
    # Z: projects mean(0.5, 0) = 0.25; enterprises 0; output_tax 0.5
    assert by_zone.loc["Z", "score"] == pytest.approx(100 * (0.5 * 0.25 + 0 + 0.2 * 0.5))
    assert scores["zone_id"].tolist() == ["X", "Y", "Z"] and scores["rank"].tolist() == [1, 2, 3]


def test_weights_are_rescaled_and_need_not_sum_to_one():
    frame = long_values({"X": {"a": 10, "c": 0}, "Y": {"a": 0, "c": 10}})
    halves = rv.composite_scores(frame, CATALOGUE, {"projects": 1.0, "enterprises": 1.0})
    tenths = rv.composite_scores(frame, CATALOGUE, {"projects": 0.1, "enterprises": 0.1})
    pd.testing.assert_series_equal(halves["score"], tenths["score"])
    assert halves["score"].tolist() == pytest.approx([50, 50])


def test_equal_scores_share_the_best_rank():
    frame = long_values({"X": {"a": 10, "c": 0}, "Y": {"a": 0, "c": 10}, "Z": {"a": 0, "c": 0}})
    scores = rv.composite_scores(frame, CATALOGUE, {"projects": 0.5, "enterprises": 0.5})
    assert scores.set_index("zone_id")["rank"].to_dict() == {"X": 1, "Y": 1, "Z": 3}
    assert scores.set_index("zone_id")["tied"].to_dict() == {"X": True, "Y": True, "Z": False}


def test_missing_values_score_zero_and_are_counted():
    frame = long_values({"X": {"a": 10, "b": None}, "Y": {"a": 5, "b": 4}, "Z": {"a": 0, "b": 8}})
    scores = rv.composite_scores(frame, CATALOGUE, {"projects": 1.0}).set_index("zone_id")
    assert scores.loc["X", "score"] == pytest.approx(100 * (1 + 0) / 2)
    assert scores.loc["X", "n_missing"] == 1 and scores.loc["Y", "n_missing"] == 0


def test_lower_is_better_and_all_equal_values():
    frame = long_values({"X": {"d": 1, "c": 4}, "Y": {"d": 9, "c": 4}})
    scores = rv.composite_scores(frame, CATALOGUE, {"output_tax": 1.0, "enterprises": 1.0}).set_index("zone_id")
    assert scores.loc["X", "score_output_tax"] == pytest.approx(100)  # the lower value is the better one
    assert scores.loc["Y", "score_output_tax"] == pytest.approx(0)
    assert scores.loc["X", "score_enterprises"] == scores.loc["Y", "score_enterprises"] == pytest.approx(100)


def test_no_positive_weight_or_no_data_gives_nothing_to_rank():
    frame = long_values({"X": {"a": 1}, "Y": {"a": 2}})
    assert rv.composite_scores(frame, CATALOGUE, {"projects": 0.0}).empty
    assert rv.composite_scores(frame.iloc[0:0], CATALOGUE, {"projects": 1.0}).empty


def test_a_new_category_in_the_catalogue_gets_weight_zero_by_default():
    assert rv.default_weights(["projects", "enterprises", "output_tax", "finance"]) == {
        "projects": 0.5, "enterprises": 0.3, "output_tax": 0.2, "finance": 0.0}


# ---------------------------------------------------------------- URL parameters

CODES = ["signed_projects", "signed_investment"]


@pytest.mark.parametrize(("raw", "expected"), [
    (None, "signed_projects"), ("signed_investment", "signed_investment"), (" signed_investment ", "signed_investment"),
    ("nonsense", "signed_projects"), (["signed_projects", "signed_investment"], "signed_investment"),
])
def test_indicator_parameter(raw, expected):
    assert rv.parse_indicator(raw, CODES) == expected
    assert rv.parse_indicator("x", ["only"]) == "only"
    assert rv.parse_indicator("x", []) is None


def test_year_range_parameter():
    years = [2019, 2020, 2021, 2022]
    assert rv.parse_year_range(None, None, years) == (2019, 2022)
    assert rv.parse_year_range("2020", "2021", years) == (2020, 2021)
    assert rv.parse_year_range("2022", "2020", years) == (2020, 2022)  # swapped ends are put right
    assert rv.parse_year_range("1900", "abc", years) == (2019, 2022)
    assert rv.parse_year_range("2020", None, []) is None


def test_weights_parameter_falls_back_to_the_defaults():
    categories = ["projects", "enterprises", "output_tax"]
    assert rv.parse_weights("0.6,0.2,0.2", categories) == {"projects": 0.6, "enterprises": 0.2, "output_tax": 0.2}
    for bad in (None, "0.6,0.2", "a,b,c", "2,0,0", "-1,0,0", "nan,0,0"):
        assert rv.parse_weights(bad, categories) == rv.DEFAULT_WEIGHTS
    assert rv.weights_param({"projects": 0.5, "enterprises": 0.3, "output_tax": 0.25}, categories) == "0.5,0.3,0.25"


def test_compare_parameter_accepts_names_and_ids():
    zones = state.ZoneDirectory.from_frame(pd.DataFrame({
        "zone_id": ["X140802", "G141004", "G142005"], "zone_name": ["运城盐湖高新技术产业开发区", "太原经济技术开发区",
                                                                    "太原高新技术产业开发区"],
        "short_name": ["盐湖高新区", "太原经开区", "太原高新区"]}))
    allowed = ["G141004", "G142005"]
    assert rv.parse_compare(None, zones, allowed) is None
    assert rv.parse_compare("太原经开区,G142005,火星区,盐湖高新区", zones, allowed) == ["G141004", "G142005"]
    params = rv.url_params(indicator="signed_projects", levels=["省级"], zone_types=[], year_range=(2019, 2025),
                           compare=["G141004"], zones=zones, weights=rv.DEFAULT_WEIGHTS,
                           categories=["projects", "enterprises", "output_tax"])
    assert params == {"indicator": "signed_projects", "level": "省级", "type": "", "from": "2019", "to": "2025",
                      "compare": "太原经开区", "weights": "0.5,0.3,0.2"}


# ---------------------------------------------------------------- the query behind the page (demo DB)

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


def test_unfiltered_ranks_are_the_provincial_ranks(demo, raw):
    years = raw.execute("SELECT min(year), max(year) FROM indicator_values").fetchone()
    ranked = queries.filtered_rankings(demo, *years)
    contract = raw.execute("SELECT year, indicator, zone_id, rank, n_ranked FROM provincial_rankings").df()
    merged = ranked.dropna(subset=["rank"]).merge(contract, on=["year", "indicator", "zone_id"], suffixes=("", "_v"))
    assert len(merged) == len(contract) == ranked["rank"].notna().sum()
    assert (merged["rank"] == merged["rank_v"]).all() and (merged["n_ranked"] == merged["n_ranked_v"]).all()


def test_seed_zone_2021_is_in_the_top_three(demo):
    part = rv.year_indicator(queries.filtered_rankings(demo, 2021, 2021), 2021, "signed_projects")
    yanhu = part.set_index("zone_id").loc["X140802"]
    assert yanhu["value"] == 36 and yanhu["rank"] <= 3 and yanhu["n_ranked"] == 28


def test_filtered_ranks_are_recomputed_within_the_set(demo, raw):
    ranked = queries.filtered_rankings(demo, 2021, 2021, ("省级",), ("经开区", "高新区"))
    zones = raw.execute("SELECT zone_id FROM zones WHERE level = '省级' AND zone_type IN ('经开区', '高新区')").df()
    assert set(ranked["zone_id"]) == set(zones["zone_id"])
    for indicator, part in ranked.groupby("indicator"):
        present = part.dropna(subset=["value"]).set_index("zone_id")["value"]
        expected = present.rank(method="min", ascending=False).astype(int)
        got = part.dropna(subset=["rank"]).set_index("zone_id")["rank"].astype(int)
        assert got.sort_index().tolist() == expected.sort_index().tolist(), indicator
        assert (part["n_ranked"] == len(present)).all()
        ties = part.dropna(subset=["rank"]).groupby("rank")["zone_id"].transform("count") > 1
        assert (part.dropna(subset=["rank"])["tied"] == ties).all()


def test_missing_values_are_listed_but_not_ranked(demo, raw):
    zone_id, year, indicator = raw.execute(
        "SELECT z.zone_id, y.year, i.indicator FROM zones z, (SELECT DISTINCT year FROM indicator_values) y, "
        "indicators i WHERE NOT EXISTS (SELECT 1 FROM indicator_values v WHERE v.zone_id = z.zone_id "
        "AND v.year = y.year AND v.indicator = i.indicator AND v.value IS NOT NULL) ORDER BY 2, 3, 1 LIMIT 1"
    ).fetchone()
    part = rv.year_indicator(queries.filtered_rankings(demo, year, year), year, indicator)
    row = part.set_index("zone_id").loc[zone_id]
    assert pd.isna(row["value"]) and pd.isna(row["rank"]) and not row["tied"]
    unranked = part["rank"].isna().tolist()
    assert unranked == sorted(unranked)  # unranked rows come last
    assert row["n_ranked"] == part["value"].notna().sum()
    assert rv.unranked_labels(part) == part.loc[part["rank"].isna(), "short_name"].tolist()


def test_an_empty_filter_set(demo):
    assert queries.filtered_rankings(demo, 2021, 2021, ("不存在的级别",), ()).empty


def test_sections_build_from_the_demo(demo):
    years = queries.years_available(demo)["year"].tolist()
    rankings = queries.filtered_rankings(demo, years[0], years[-1])
    catalogue = queries.indicators(demo)
    bar = rv.bar_section(rankings, catalogue, "signed_projects", 2021, "X140802", "盐湖高新区", "zh")
    # 盐湖高新区's real 36 ranked among the other zones' synthetic figures: the rank carries ※
    assert bar.summary.rank == "第3名※" and bar.summary.rank_label == "盐湖高新区名次（共28个）"
    assert bar.summary.value == "36个"
    assert bar.gap_lines[-1] == "已居前3名"
    assert bar.table.iloc[2].tolist()[:2] == ["第3名/共28个※", "盐湖高新区"]
    assert not any(r.endswith("※") for r in bar.table.iloc[[0, 1, 3], 0])  # synthetic ones among synthetic
    heat = rv.heatmap_section(rankings, catalogue, 2021, tuple(rv.year_indicator(rankings, 2021, "signed_projects")
                                                                ["zone_id"]), "X140802", "zh")
    assert len(heat.table) == 28 and list(heat.table.columns)[1:] == catalogue["name_zh"].tolist()
    bump = rv.bump_section(rankings, "signed_projects", (years[0], years[-1]), ("X140802", "G141004"), "盐湖高新区",
                           "zh")
    assert bump.table.shape == (2, 1 + len(years))
    composite = rv.composite_section(rankings, catalogue, 2021, tuple(rv.DEFAULT_WEIGHTS.items()), "X140802", "zh")
    assert len(composite.table) == 28 and composite.figure is not None


# ---------------------------------------------------------------- bar charts of a province with many zones

def ranked_frame(values_by_zone: dict[str, float], indicator: str = "a", direction: str = "higher") -> pd.DataFrame:
    """Rows shaped like queries.filtered_rankings for one year and indicator, ranked as the query ranks them."""
    series = pd.Series(values_by_zone, dtype="float64")
    ranks = rv.competition_ranks(series, direction)
    frame = pd.DataFrame({
        "year": 2021, "indicator": indicator, "zone_id": series.index, "zone_name": series.index,
        "short_name": [f"{z}区" for z in series.index], "level": "省级", "zone_type": "高新区",
        "value": series.values, "source": "统计局", "is_synthetic": True, "rank": ranks.values,
        "n_ranked": int(series.notna().sum()), "tied": ranks.duplicated(keep=False).values,
        "rank_from_synthetic": False})
    return frame.sort_values(["rank", "zone_id"]).reset_index(drop=True)


def drawn_top_down(figure) -> list[str]:
    """The bar chart's rows as a person reads them, top first (plotly draws the first category at the bottom)."""
    return list(figure.data[0].y)[::-1]


def many_zones(n: int) -> dict[str, float]:
    return {f"Z{i:03d}": float(n + 1 - i) for i in range(1, n + 1)}  # Z001 best


def test_a_lower_is_better_indicator_has_its_best_zone_on_top():
    rankings = ranked_frame({"A": 1.0, "B": 5.0, "C": 3.0}, indicator="d", direction="lower")
    bar = rv.bar_section(rankings, CATALOGUE, "d", 2021, "B", "B区", "zh")
    assert drawn_top_down(bar.figure) == ["A区", "C区", "B区"]
    assert bar.figure.data[0].text[-1].endswith("第1名")


def test_up_to_the_limit_every_zone_is_drawn():
    rankings = ranked_frame(many_zones(labels.BAR_LIMIT))
    bar = rv.bar_section(rankings, CATALOGUE, "a", 2021, "Z040", "Z040区", "zh")
    assert drawn_top_down(bar.figure) == [f"Z{i:03d}区" for i in range(1, labels.BAR_LIMIT + 1)]
    assert bar.trimmed == ""


def test_many_zones_draw_the_leaders_and_the_chosen_zones_neighbours():
    n, chosen = 84, 63
    rankings = ranked_frame(many_zones(n))
    bar = rv.bar_section(rankings, CATALOGUE, "a", 2021, f"Z{chosen:03d}", f"Z{chosen:03d}区", "zh")
    rows = drawn_top_down(bar.figure)
    near = range(chosen - labels.BAR_NEIGHBOURS, chosen + labels.BAR_NEIGHBOURS + 1)
    leaders = [f"Z{i:03d}区" for i in range(1, labels.BAR_LEADERS + 1)]
    hidden_before = chosen - labels.BAR_NEIGHBOURS - labels.BAR_LEADERS - 1
    hidden_after = n - chosen - labels.BAR_NEIGHBOURS
    assert rows == [*leaders, f"⋯ 另{hidden_before}个（第{labels.BAR_LEADERS + 1}—{near[0] - 1}名）",
                    *[f"Z{i:03d}区" for i in near], f"⋯ 另{hidden_after}个（第{near[-1] + 1}—{n}名）"]
    assert len(bar.table) == n  # the table behind the chart keeps every zone
    assert bar.trimmed == (f"共{n}个开发区参与排名，图中显示前{labels.BAR_LEADERS}名和Z{chosen:03d}区前后各"
                           f"{labels.BAR_NEIGHBOURS}名；完整排名见“查看数据表”。")
    colours = list(bar.figure.data[0].marker.color)[::-1]
    assert colours[rows.index(f"Z{chosen:03d}区")] == rv.charts.HIGHLIGHT


@pytest.mark.parametrize("chosen", ["Z005", "Z022", None])
def test_a_chosen_zone_among_or_next_to_the_leaders_needs_no_second_gap(chosen):
    rankings = ranked_frame(many_zones(60))
    bar = rv.bar_section(rankings, CATALOGUE, "a", 2021, chosen, "", "zh")
    rows = drawn_top_down(bar.figure)
    last = {"Z005": labels.BAR_LEADERS, "Z022": 22 + labels.BAR_NEIGHBOURS, None: labels.BAR_LEADERS}[chosen]
    assert rows == [*[f"Z{i:03d}区" for i in range(1, last + 1)], f"⋯ 另{60 - last}个（第{last + 1}—60名）"]


def test_the_composite_chart_of_many_zones_is_trimmed_the_same_way():
    n = 84
    rankings = pd.concat([ranked_frame(many_zones(n), indicator=code) for code in ("a", "b", "c")])
    composite = rv.composite_section(rankings, CATALOGUE, 2021, tuple(rv.DEFAULT_WEIGHTS.items()), "Z070", "zh")
    rows = drawn_top_down(composite.figure)
    assert rows[:labels.BAR_LEADERS] == [f"Z{i:03d}区" for i in range(1, labels.BAR_LEADERS + 1)]
    assert "Z070区" in rows and len(rows) == labels.BAR_LEADERS + 2 * labels.BAR_NEIGHBOURS + 1 + 2
    assert len(composite.table) == n and composite.trimmed.startswith(f"共{n}个开发区")


def test_a_gap_row_names_the_ranks_it_leaves_out_even_across_a_tie():
    scores = many_zones(50)
    scores["Z020"] = scores["Z021"] = scores["Z022"] = 30.0  # 并列第20名 straddles the leaders' edge
    bar = rv.bar_section(ranked_frame(scores), CATALOGUE, "a", 2021, None, "", "zh")
    rows = drawn_top_down(bar.figure)
    assert rows[labels.BAR_LEADERS - 1] == "Z020区" and bar.figure.data[0].text[::-1][labels.BAR_LEADERS - 1].endswith("并列第20名")
    assert rows[labels.BAR_LEADERS] == f"⋯ 另{50 - labels.BAR_LEADERS}个（第20—50名）"


def test_a_gap_row_of_one_shared_rank_says_so():
    scores = {**many_zones(20), **{f"Y{i:03d}": 0.5 for i in range(30)}}  # 30 zones share 第21名
    bar = rv.bar_section(ranked_frame(scores), CATALOGUE, "a", 2021, None, "", "zh")
    assert drawn_top_down(bar.figure)[-1] == "⋯ 另30个（并列第21名）"
