"""总览 view logic (devzone.scorecard) and its queries, against the demo database and small frames."""
import datetime as dt

import duckdb
import pandas as pd
import pytest

from devzone import db, fmt, queries, scorecard

SEED_2021 = {"signed_projects": "36个", "signed_investment": "179.78亿元", "signed_started_projects": "34个",
             "new_four_above_enterprises": "19家", "ii_integration_pilots": "2家", "srdi_enterprises": "4家",
             "national_incubators": "1家"}
TODAY = dt.date(2026, 11, 26)


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


def cards_by_code(cards):
    return {card.indicator: card for card in cards}


# ---------------------------------------------------------------- queries

def test_history_holds_values_ranks_and_provenance(demo, raw):
    history = queries.zone_indicator_history(demo, "X140802")
    expected = raw.execute(
        "SELECT v.year, v.indicator, v.value, r.rank, r.n_ranked FROM indicator_values v "
        "JOIN provincial_rankings r USING (zone_id, year, indicator) WHERE v.zone_id = 'X140802'").df()
    merged = history.merge(expected, on=["year", "indicator"], suffixes=("", "_sql"))
    assert len(merged) == len(history) == len(expected)
    assert (merged["value"] == merged["value_sql"]).all()
    assert (merged["rank"] == merged["rank_sql"]).all() and (merged["n_ranked"] == merged["n_ranked_sql"]).all()
    kinds = history.set_index(["year", "indicator"])["source_kind"]
    assert kinds[(2021, "signed_projects")] == "cited"  # the seed article
    assert kinds[(2021, "projected_output")] == "ledger"  # added up from the ledger
    assert kinds[(2020, "signed_projects")] == "reported"  # the provincial statistics workbook


def test_tied_flag_matches_shared_ranks(demo, raw):
    history = queries.zone_indicator_history(demo, "X140802")
    shared = raw.execute(
        "SELECT year, indicator, count(*) > 1 AS shared FROM provincial_rankings r "
        "WHERE (year, indicator, rank) IN (SELECT (year, indicator, rank) FROM provincial_rankings "
        "WHERE zone_id = 'X140802') GROUP BY ALL").df()
    merged = history.merge(shared, on=["year", "indicator"])
    assert len(merged) == len(history)
    assert (merged["tied"] == merged["shared"]).all()
    assert merged["tied"].any()  # the demo has shared ranks for the seed zone


def test_targets_and_profile(demo, raw):
    targets = queries.zone_targets(demo, "X140802", 2021)
    expected = raw.execute("SELECT indicator, target FROM annual_targets WHERE zone_id = 'X140802' AND year = 2021"
                           ).df()
    assert dict(zip(targets["indicator"], targets["target"], strict=True)) == dict(
        zip(expected["indicator"], expected["target"], strict=True))
    profile = queries.zone_profile(demo, "G141004")
    assert profile.iloc[0]["zone_name"] == "太原经济技术开发区"
    assert queries.zone_profile(demo, "nowhere").empty


# ---------------------------------------------------------------- cards

def test_seed_zone_2021_cards(demo, raw, catalogue):
    cards = cards_by_code(scorecard.build_cards(
        catalogue, queries.zone_indicator_history(demo, "X140802"), 2021, "zh"))
    assert list(cards) == catalogue["indicator"].tolist()
    for code, shown in SEED_2021.items():
        assert cards[code].value == shown, code
        assert cards[code].source == "来源：公开报道（真实数据）"
        assert "运城日报" in cards[code].source_help
    rank, n = raw.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = 'X140802' "
                          "AND year = 2021 AND indicator = 'signed_projects'").fetchone()
    assert rank <= 3
    assert cards["signed_projects"].rank == f"全省第{rank}名/共{n}个※"  # a real figure among synthetic ones
    before = raw.execute("SELECT value FROM indicator_values WHERE zone_id = 'X140802' AND year = 2020 "
                         "AND indicator = 'signed_projects'").fetchone()[0]
    assert cards["signed_projects"].delta.text == fmt.yoy(36, before) + fmt.FROM_SYNTHETIC  # 2020 is synthetic
    assert cards["signed_projects"].delta.arrow == "auto" and cards["signed_projects"].delta.color == "normal"
    assert cards["projected_output"].source == "来源：项目台账汇总（模拟数据）"
    assert cards["projected_output"].is_synthetic and not cards["signed_projects"].is_synthetic


def test_trend_runs_up_to_the_chosen_year(demo, raw, catalogue):
    cards = cards_by_code(scorecard.build_cards(catalogue, queries.zone_indicator_history(demo, "X140802"), 2021,
                                                "zh"))
    series = raw.execute("SELECT year, value FROM indicator_values WHERE zone_id = 'X140802' "
                         "AND indicator = 'signed_projects' AND year <= 2021 ORDER BY year").df()
    assert cards["signed_projects"].trend == tuple(series["value"])
    assert cards["signed_projects"].trend_years == tuple(series["year"])


def test_a_missing_value_shows_a_dash_not_zero(demo, raw, catalogue):
    zone_id, year, indicator = raw.execute(
        "SELECT v.zone_id, v.year + 1, v.indicator FROM indicator_values v WHERE NOT EXISTS ("
        "SELECT 1 FROM indicator_values w WHERE w.zone_id = v.zone_id AND w.year = v.year + 1 "
        "AND w.indicator = v.indicator) AND v.year < (SELECT max(year) FROM indicator_values) "
        "ORDER BY v.zone_id = 'X140802' DESC, 1, 2, 3 LIMIT 1").fetchone()
    cards = cards_by_code(scorecard.build_cards(catalogue, queries.zone_indicator_history(demo, zone_id), year, "zh"))
    card = cards[indicator]
    assert card.missing and card.value == "—" and card.delta.text == "—"
    assert card.rank == "全省未排名" and card.source == "暂无数据"
    assert card.trend == ()  # no trend line running past a missing value


def test_english_cards(demo, catalogue):
    cards = cards_by_code(scorecard.build_cards(catalogue, queries.zone_indicator_history(demo, "X140802"), 2021,
                                                "en"))
    assert cards["signed_projects"].value == "36"
    assert cards["signed_investment"].value == "RMB 17.98 bn"
    assert cards["signed_projects"].label == "Signed projects"
    assert cards["signed_projects"].rank.startswith("Province: 3rd of ")
    assert cards["signed_projects"].source == "Source: published article (real)"


def test_groups_follow_the_catalogue_categories(demo, catalogue):
    cards = scorecard.build_cards(catalogue, queries.zone_indicator_history(demo, "X140802"), 2021, "zh")
    groups = scorecard.group_cards(cards, catalogue, "zh")
    assert [label for label, _ in groups] == ["招商引资", "企业培育", "产值税收"]
    assert sum(len(members) for _, members in groups) == len(catalogue)


# ---------------------------------------------------------------- 同比 and rank changes

@pytest.mark.parametrize(("current", "previous", "unit", "direction", "expected"), [
    (36, 18, "个", "higher", ("+100.0%", "normal", "auto")),
    (17, 20, "个", "higher", ("-15.0%", "normal", "auto")),
    (20, 20, "个", "higher", ("0.0%", "off", "off")),
    (1, 0, "家", "higher", ("+1家", "normal", "auto")),  # no base for a percentage: the amount
    (0.5, 0, "亿元", "higher", ("+5,000万元", "normal", "auto")),
    (None, 5, "个", "higher", ("—", "off", "off")),
    (5, None, "个", "higher", ("—", "off", "off")),
    (8, 10, "个", "lower", ("-20.0%", "inverse", "auto")),  # a fall is good: green
])
def test_yoy_delta(current, previous, unit, direction, expected):
    delta = scorecard.yoy_delta(current, previous, unit, direction, "zh")
    assert (delta.text, delta.color, delta.arrow) == expected


def test_rank_change_text():
    assert scorecard.rank_change(3, 7, "zh") == ":green[↑ 较上年升4位]"
    assert scorecard.rank_change(5, 3, "zh") == ":red[↓ 较上年降2位]"
    assert scorecard.rank_change(3, 3, "en") == "same as last year"
    assert scorecard.rank_change(3, None, "zh") == ""


# ---------------------------------------------------------------- targets and attention

def frames(rows, targets=()):
    """history rows: (year, indicator, value, rank, tied)."""
    history = pd.DataFrame(rows, columns=["year", "indicator", "value", "rank", "tied"])
    history["n_ranked"] = 10
    history["source"], history["source_kind"], history["is_synthetic"] = "表", "reported", True
    return history, pd.DataFrame(list(targets), columns=["indicator", "target"])


CATALOGUE = pd.DataFrame({
    "indicator": ["a", "b", "c"], "name_zh": ["甲", "乙", "丙"], "name_en": ["A", "B", "C"],
    "unit": ["个", "亿元", "个"], "direction": ["higher", "higher", "lower"],
    "category": ["projects", "output_tax", "projects"],
})


def test_elapsed_share():
    assert scorecard.elapsed_share(2025, TODAY) == 1.0
    assert scorecard.elapsed_share(2027, TODAY) == 0.0
    assert scorecard.elapsed_share(2026, dt.date(2026, 12, 31)) == pytest.approx(1.0)
    assert scorecard.elapsed_share(2026, dt.date(2026, 7, 2)) == pytest.approx(183 / 365)


def test_target_completion_past_and_current_year():
    history, targets = frames([(2025, "a", 45, 1, False), (2025, "b", 90, 1, False)], [("a", 50), ("b", 80)])
    past = {s.indicator: s for s in scorecard.target_statuses(CATALOGUE, history, targets, 2025, "zh", TODAY)}
    assert past["a"].completion == pytest.approx(0.9) and past["a"].behind  # a finished year: below 100%
    assert not past["b"].behind
    mid_year = dt.date(2025, 7, 2)  # about half the year gone
    current = {s.indicator: s for s in scorecard.target_statuses(CATALOGUE, history, targets, 2025, "zh", mid_year)}
    assert not current["a"].behind  # 90% done with half the year gone is ahead of 序时进度
    history, targets = frames([(2025, "a", 20, 1, False)], [("a", 50), ("b", 10)])
    current = {s.indicator: s for s in scorecard.target_statuses(CATALOGUE, history, targets, 2025, "zh", mid_year)}
    assert current["a"].behind and current["a"].expected == pytest.approx(183 / 365)
    assert current["b"].behind and current["b"].actual is None  # a target without any actual value


def test_a_real_actual_against_a_synthetic_target_marks_its_completion():
    history, _ = frames([(2021, "a", 36, 3, False), (2021, "b", 90, 1, False)])
    history.loc[history["indicator"] == "a", "is_synthetic"] = False  # a real figure (the seed's 36)
    targets = pd.DataFrame({"indicator": ["a", "b"], "target": [30.0, 100.0], "is_synthetic": [True, True]})
    statuses = scorecard.target_statuses(CATALOGUE, history, targets, 2021, "zh", TODAY)
    assert [s.from_synthetic for s in statuses] == [True, False]  # synthetic against synthetic: unmarked
    table = scorecard.targets_table(statuses, "zh")
    assert table["完成率"].tolist() == [fmt.percent(36 / 30) + fmt.FROM_SYNTHETIC, fmt.percent(0.9)]
    targets["is_synthetic"] = False  # a real target: a real completion
    assert not any(s.from_synthetic for s in scorecard.target_statuses(CATALOGUE, history, targets, 2021, "zh", TODAY))


def test_lower_is_better_target():
    history, targets = frames([(2025, "c", 12, 1, False)], [("c", 10)])
    [status] = scorecard.target_statuses(CATALOGUE, history, targets, 2025, "zh", TODAY)
    assert status.behind and status.completion == pytest.approx(10 / 12)


def test_attention_lists_rank_falls_yoy_falls_and_missed_targets():
    history, targets = frames([
        (2024, "a", 50, 2, False), (2025, "a", 40, 4, True),  # fell in value and in rank
        (2024, "b", 1.0, 3, False), (2025, "b", 2.0, 1, False),  # rose
        (2024, "c", 5, 1, False), (2025, "c", 7, 2, False),  # lower is better: 5 -> 7 is worse
    ], [("a", 50), ("b", 1.5)])
    items = scorecard.attention_items(CATALOGUE, history, targets, 2025, "zh", TODAY)
    assert [(i.kind, i.indicator) for i in items] == [
        ("rank_down", "a"), ("rank_down", "c"), ("yoy_down", "a"), ("yoy_down", "c"), ("behind_target", "a")]
    texts = [i.text for i in items]
    assert texts[0] == "**甲**：全省排名由第2名降至并列第4名"
    assert texts[2] == "**甲**：同比-20.0%（50个 → 40个）"
    assert texts[4] == "**甲**：完成年度目标的80.0%（40个，目标50个）"
    blocks = scorecard.attention_markdown(items, "zh")
    assert [heading for heading, _ in blocks] == ["全省排名下降（2项）", "同比下降（2项）", "落后于年度目标（1项）"]


def test_attention_in_the_demo_matches_the_database(demo, raw, catalogue):
    """A zone-year whose rank fell vs the year before shows it in the list (found with plain SQL)."""
    zone_id, year, indicator = raw.execute(
        "SELECT a.zone_id, a.year, a.indicator FROM provincial_rankings a JOIN provincial_rankings b "
        "ON a.zone_id = b.zone_id AND a.indicator = b.indicator AND b.year = a.year - 1 "
        "WHERE a.rank > b.rank ORDER BY a.zone_id = 'X140802' DESC, a.year DESC, 1, 3 LIMIT 1").fetchone()
    history = queries.zone_indicator_history(demo, zone_id)
    targets = queries.zone_targets(demo, zone_id, year)
    items = scorecard.attention_items(catalogue, history, targets, year, "zh", TODAY)
    assert ("rank_down", indicator) in [(i.kind, i.indicator) for i in items]
    statuses = scorecard.target_statuses(catalogue, history, targets, year, "zh", TODAY)
    assert len(statuses) == len(targets)


def test_seed_zone_2021_needs_no_attention(demo, catalogue):
    history = queries.zone_indicator_history(demo, "X140802")
    targets = queries.zone_targets(demo, "X140802", 2021)
    assert scorecard.attention_items(catalogue, history, targets, 2021, "zh", TODAY) == []


# ---------------------------------------------------------------- profile

def test_profile_lines(demo):
    lines = dict(scorecard.profile_lines(queries.zone_profile(demo, "G141004"), "zh"))
    assert lines["级别"] == "国家级" and lines["类型"] == "经开区" and lines["所在城市"] == "太原市"
    assert lines["批准时间"] == "2001年6月"
    assert lines["核准面积"] == "960公顷（9.6平方公里）"
    seed = dict(scorecard.profile_lines(queries.zone_profile(demo, "X140802"), "en"))
    assert seed["Approved"] == "—" and seed["Approved area"] == "—"  # not in the 2018 catalogue
    assert seed["Level"] == "Provincial" and seed["Leading industries"] == "空调制冷、高效节能装备"
    assert scorecard.profile_lines(pd.DataFrame(columns=["zone_name"]), "zh") == []


@pytest.mark.parametrize(("raw_value", "zh", "en"), [
    ("2012.08", "2012年8月", "Aug 2012"), ("1992-11", "1992年11月", "Nov 1992"), ("2006", "2006年", "2006"),
    ("", "—", "—"), (None, "—", "—"), ("2010.13", "2010.13", "2010.13"),
])
def test_approval_date(raw_value, zh, en):
    assert scorecard.approval_date(raw_value, "zh") == zh
    assert scorecard.approval_date(raw_value, "en") == en


def test_a_fall_from_a_synthetic_previous_year_is_marked_in_needs_attention(catalogue):
    """A real figure that fell against a synthetic previous one: the fall is not a fact, it carries ※."""
    import pandas as pd

    history = pd.DataFrame({
        "year": [2020, 2021], "indicator": ["signed_projects"] * 2, "value": [50.0, 36.0],
        "source": ["模拟", "运城日报"], "source_kind": ["reported", "cited"], "is_synthetic": [True, False],
        "rank": [None, None], "n_ranked": [None, None], "tied": [False, False]})
    targets = pd.DataFrame(columns=["indicator", "target", "unit", "is_synthetic"])
    items = scorecard.attention_items(catalogue, history, targets, 2021, "zh", dt.date(2022, 6, 1))
    falls = [a.text for a in items if a.kind == "yoy_down"]
    assert falls and "-28.0%※" in falls[0], falls
