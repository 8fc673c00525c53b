"""企业培育 view logic (devzone/enterprise_view.py) and its queries, against the real demo database.

Expectations are asked of the database directly (duckdb, SQL on the contract views), never through
the functions under test; only the seed facts are written down.
"""
import csv

import duckdb
import pandas as pd
import pytest

from devzone import db, fmt, queries
from devzone import enterprise_view as view
from etl.paths import CATALOGUE_DIR

YANHU = "X140802"
SEED_2021 = {"new_four_above_enterprises": 19, "srdi_enterprises": 4, "ii_integration_pilots": 2,
             "national_incubators": 1}


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
def page_data(demo):
    """What the page loads for 盐湖高新区."""
    province = queries.zones(demo).set_index("zone_id").loc[YANHU, "province"]
    return {
        "catalogue": queries.indicators(demo),
        "years": [int(y) for y in queries.years_available(demo)["year"]],
        "history": queries.zone_indicator_history(demo, YANHU),
        "entries": queries.enterprise_list(demo, YANHU),
        "categories": list(queries.enterprise_categories(demo)["category"]),
        "totals": queries.province_indicator_totals(demo, province, view.CATALOGUE_CATEGORY),
        "province": province,
    }


def list_count(raw, zone_id, category, year):
    return raw.execute("SELECT count(*) FROM enterprises WHERE zone_id = ? AND category = ? AND recognised_year = ?",
                       [zone_id, category, year]).fetchone()[0]


def reported(raw, zone_id, indicator, year):
    row = raw.execute("SELECT value FROM indicator_values WHERE zone_id = ? AND indicator = ? AND year = ?",
                      [zone_id, indicator, year]).fetchone()
    return None if row is None else row[0]


# ---------------------------------------------------------------- categories

@pytest.mark.parametrize(("spelling", "key"), [
    ('专精特新"小巨人"', "little_giant"), ("专精特新“小巨人”", "little_giant"), ("专精特新 小巨人", "little_giant"),
    ("四上企业", "four_above"), ("国家级科技企业孵化器", "incubator"), ("两化融合管理体系贯标", "ii_pilot"),
    ("创新型中小企业", "innovative_sme"), ("规上工业", None), (None, None),
])
def test_category_key_ignores_quote_styles(spelling, key):
    assert view.category_key(spelling) == key


def test_category_mapping_agrees_with_the_etl_catalogue():
    """The page's category -> indicator map is the one in etl/catalogue/enterprise_categories.csv."""
    with open(CATALOGUE_DIR / "enterprise_categories.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = view.category_key(row["category"])
            assert key is not None, row["category"]
            assert view.CATEGORY_INDICATOR.get(key) == (row["indicator"] or None), row["category"]


def test_every_category_in_the_demo_list_is_known(page_data):
    assert all(view.category_key(c) for c in page_data["categories"])
    ordered = view.sort_categories(page_data["categories"])
    assert ordered[0] == "四上企业" and ordered[-1] == "国家级科技企业孵化器"


# ---------------------------------------------------------------- queries

def test_enterprise_list_query(demo, raw):
    entries = queries.enterprise_list(demo, YANHU)
    assert list(entries.columns) == ["enterprise_name", "category", "recognised_year", "is_synthetic"]
    assert len(entries) == raw.execute("SELECT count(*) FROM enterprises WHERE zone_id = ?", [YANHU]).fetchone()[0]
    assert entries["recognised_year"].is_monotonic_decreasing


def test_province_totals_query(page_data, raw):
    totals = page_data["totals"].set_index(["year", "indicator"])
    expected = raw.execute(
        "SELECT sum(value), count(*) FROM indicator_values v JOIN zones z USING (zone_id) "
        "WHERE z.province = ? AND year = 2021 AND indicator = 'new_four_above_enterprises' AND value IS NOT NULL",
        [page_data["province"]]).fetchone()
    assert totals.loc[(2021, "new_four_above_enterprises"), "total"] == pytest.approx(expected[0])
    assert totals.loc[(2021, "new_four_above_enterprises"), "n_zones"] == expected[1]
    assert set(totals.index.get_level_values("indicator")) <= set(
        view.enterprise_indicators(page_data["catalogue"])["indicator"])


# ---------------------------------------------------------------- seed facts

def test_headline_cards_show_the_seed_facts(page_data):
    cards = {c.indicator: c for c in view.headline_cards(
        page_data["history"], page_data["entries"], page_data["categories"], page_data["totals"],
        page_data["catalogue"], 2021, page_data["years"], "zh")}
    for indicator, expected in SEED_2021.items():
        assert cards[indicator].value == f"{expected}家"
        assert cards[indicator].caption.startswith(f"名录 {expected}家"), cards[indicator].caption
        assert not cards[indicator].mismatch
        assert "运城日报" in cards[indicator].help  # where the number comes from
    assert cards["new_four_above_enterprises"].label == "新增四上企业"


def test_headline_cards_year_on_year_rank_and_share(page_data, raw):
    cards = {c.indicator: c for c in view.headline_cards(
        page_data["history"], page_data["entries"], page_data["categories"], page_data["totals"],
        page_data["catalogue"], 2021, page_data["years"], "zh")}
    previous = reported(raw, YANHU, "new_four_above_enterprises", 2020)
    total = raw.execute("SELECT sum(value) FROM indicator_values WHERE year = 2021 "
                        "AND indicator = 'new_four_above_enterprises'").fetchone()[0]
    four = cards["new_four_above_enterprises"]
    assert four.delta == fmt.yoy(19, previous) + fmt.FROM_SYNTHETIC and four.delta_description == "同比"
    rank, n_ranked, n_same = raw.execute(
        "SELECT rank, n_ranked, (SELECT count(*) FROM provincial_rankings o WHERE o.year = r.year"
        " AND o.indicator = r.indicator AND o.rank = r.rank) FROM provincial_rankings r WHERE zone_id = ?"
        " AND year = 2021 AND indicator = 'new_four_above_enterprises'", [YANHU]).fetchone()
    assert four.caption.split(view.CAPTION_BREAK) == [
        "名录 19家", "全省" + fmt.rank(rank, n_ranked, tied=n_same > 1) + fmt.FROM_SYNTHETIC, "占全省 " + fmt.percent(19 / total)]
    assert not four.flat


def test_an_unchanged_count_is_flat(page_data, raw):
    """盐湖高新区 reported the same number of 两化融合 pilots in 2019 and 2020: no green arrow for +0."""
    assert reported(raw, YANHU, "ii_integration_pilots", 2019) == reported(raw, YANHU, "ii_integration_pilots", 2020)
    cards = {c.indicator: c for c in view.headline_cards(
        page_data["history"], page_data["entries"], page_data["categories"], page_data["totals"],
        page_data["catalogue"], 2020, page_data["years"], "zh")}
    assert cards["ii_integration_pilots"].flat and cards["ii_integration_pilots"].delta == "0.0%"


def test_a_missing_report_is_marked_against_the_list(page_data, raw):
    """盐湖高新区 has no reported 高新技术企业数 for 2021, but the list names firms recognised that year."""
    assert reported(raw, YANHU, "high_tech_enterprises", 2021) is None
    listed = list_count(raw, YANHU, "高新技术企业", 2021)
    assert listed > 0
    cards = {c.indicator: c for c in view.headline_cards(
        page_data["history"], page_data["entries"], page_data["categories"], page_data["totals"],
        page_data["catalogue"], 2021, page_data["years"], "zh")}
    card = cards["high_tech_enterprises"]
    assert card.value == fmt.MISSING and card.delta is None and card.mismatch
    assert card.caption.startswith("无报表数") and f"名录 {listed}家 ⚠" in card.caption


def test_yanhu_2021_list_names_netease_as_the_national_incubator(page_data):
    incubators = view.filter_list(page_data["entries"], ["国家级科技企业孵化器"], "", 2021)
    assert list(incubators["enterprise_name"]) == ["网易"]
    assert not incubators["is_synthetic"].iloc[0]  # a real seed fact
    table = view.list_table(incubators, "zh")
    assert list(table.columns) == ["企业名称", "认定类别", "认定年份", "数据性质"]
    assert table.iloc[0].tolist() == ["网易", "国家级科技企业孵化器", "2021年", "真实"]


def test_composition_of_2021_has_the_seed_counts(page_data):
    mix = view.composition(page_data["entries"], 2021, "zh")
    counts = dict(zip(mix.frame["category"], mix.frame["n"], strict=True))
    assert counts["四上企业"] == 19 and counts["专精特新中小企业"] == 4
    assert counts["两化融合管理体系贯标"] == 2 and counts["国家级科技企业孵化器"] == 1
    assert mix.total == len(view.filter_list(page_data["entries"], [], "", 2021))
    assert list(mix.frame["category"]) == view.sort_categories(mix.frame["category"])
    assert mix.frame.loc[mix.frame["category"] == "四上企业", "text"].iloc[0] == f"19家（{fmt.percent(19 / mix.total)}）"


# ---------------------------------------------------------------- reported vs list over the years

@pytest.mark.parametrize("indicator", ["new_four_above_enterprises", "srdi_enterprises", "ii_integration_pilots",
                                       "high_tech_enterprises", "national_incubators"])
def test_trend_sets_each_report_beside_the_list_of_the_same_year(page_data, raw, indicator):
    result = view.trend(page_data["history"], page_data["entries"], page_data["categories"], indicator,
                        page_data["years"], page_data["catalogue"], "zh")
    category = result.list_category
    assert view.CATEGORY_INDICATOR[view.category_key(category)] == indicator
    assert list(result.frame["year"]) == page_data["years"]
    for row in result.frame.itertuples():
        expected_reported = reported(raw, YANHU, indicator, row.year)
        expected_listed = list_count(raw, YANHU, category, row.year)
        assert (pd.isna(row.reported) if expected_reported is None else row.reported == expected_reported)
        assert row.listed == expected_listed
        disagree = (expected_reported is None and expected_listed > 0) or (
            expected_reported is not None and expected_reported != expected_listed)
        assert row.mismatch == disagree, (indicator, row.year)
    assert len(result.table) == len(page_data["years"])


def test_srdi_reports_are_compared_with_srdi_smes_not_the_little_giants(page_data):
    result = view.trend(page_data["history"], page_data["entries"], page_data["categories"], "srdi_enterprises",
                        page_data["years"], page_data["catalogue"], "zh")
    assert view.category_key(result.list_category) == "srdi_sme"
    assert "不含“小巨人”" in view.trend_caption(result, "srdi_enterprises", page_data["catalogue"], "zh")


def test_trend_caption_names_the_years_that_disagree(page_data):
    result = view.trend(page_data["history"], page_data["entries"], page_data["categories"], "high_tech_enterprises",
                        page_data["years"], page_data["catalogue"], "zh")
    caption = view.trend_caption(result, "high_tech_enterprises", page_data["catalogue"], "zh")
    assert "2021年" in caption and "不一致" in caption
    row = result.frame.set_index("year").loc[2021]
    assert row["status"] == "no_report" and row["note"].startswith("无报表数")


def test_comparison_vocabulary():
    assert view.compare(19, 19) == "same"
    assert view.compare(20, 19) == "differs"
    assert view.compare(float("nan"), 3) == "no_report"
    assert view.compare(float("nan"), 0) == "none"
    assert view.compare(5, float("nan")) == "no_list"
    assert view.comparison_note("differs", 20, 18, "家", "zh") == "不一致：报表比名录多2家"
    assert view.comparison_note("differs", 1, 3, "家", "en") == "differs: report has 2 fewer than the list"


# ---------------------------------------------------------------- the SRDI ladder

def test_ladder_counts_recognitions_up_to_the_year(page_data, raw):
    steps = view.ladder(page_data["entries"], page_data["categories"], 2024, "zh")
    assert list(steps.frame["key"]) == ["little_giant", "srdi_sme", "innovative_sme"]  # top rung first
    by_key = steps.frame.set_index("key")
    for key in ("srdi_sme", "little_giant"):
        category = next(c for c in page_data["categories"] if view.category_key(c) == key)
        stock, new = raw.execute(
            "SELECT count(*) FILTER (WHERE recognised_year <= 2024), count(*) FILTER (WHERE recognised_year = 2024) "
            "FROM enterprises WHERE zone_id = ? AND category = ?", [YANHU, category]).fetchone()
        assert (by_key.loc[key, "stock"], by_key.loc[key, "new"]) == (stock, new)


def test_ladder_says_plainly_that_innovative_smes_are_not_in_the_data(page_data, raw):
    assert not raw.execute("SELECT count(*) FROM enterprises WHERE category LIKE '%创新型%'").fetchone()[0]
    steps = view.ladder(page_data["entries"], page_data["categories"], 2021, "zh")
    innovative = steps.frame.set_index("key").loc["innovative_sme"]
    assert not innovative["present"] and innovative["text"].startswith("无数据")
    assert steps.missing == ["创新型中小企业"]
    assert "创新型中小企业" in view.ladder_note(steps, "zh")
    assert "Innovative SMEs" in view.ladder_note(view.ladder(page_data["entries"], page_data["categories"], 2021,
                                                             "en"), "en")


def test_ladder_with_every_level_present_has_no_note():
    entries = pd.DataFrame({"enterprise_name": ["甲", "甲", "乙"],
                            "category": ["创新型中小企业", "专精特新中小企业", '专精特新"小巨人"'],
                            "recognised_year": [2020, 2021, 2022], "is_synthetic": [True] * 3})
    steps = view.ladder(entries, entries["category"], 2021, "zh")
    assert steps.missing == [] and view.ladder_note(steps, "zh") is None
    assert list(steps.frame["stock"]) == [0, 1, 1]
    assert view.upgraded(entries, entries["category"], 2022) == []  # 乙 was never an SRDI SME here


def test_upgraded_little_giants(page_data, raw):
    giants = raw.execute(
        "SELECT g.enterprise_name FROM enterprises g JOIN enterprises s USING (zone_id, enterprise_name) "
        "WHERE g.zone_id = ? AND g.category LIKE '%小巨人%' AND s.category = '专精特新中小企业'", [YANHU]).fetchall()
    assert view.upgraded(page_data["entries"], page_data["categories"], 2025) == sorted(g[0] for g in giants)


# ---------------------------------------------------------------- share of the province

def test_province_shares(page_data, raw):
    shares = view.province_shares(page_data["history"], page_data["totals"], page_data["catalogue"], 2021,
                                  page_data["province"], "zh")
    by_indicator = shares.frame.set_index("indicator")
    for indicator, value in SEED_2021.items():
        total = raw.execute("SELECT sum(value) FROM indicator_values v JOIN zones z USING (zone_id) "
                            "WHERE z.province = ? AND year = 2021 AND indicator = ?",
                            [page_data["province"], indicator]).fetchone()[0]
        assert by_indicator.loc[indicator, "share"] == pytest.approx(value / total)
        assert by_indicator.loc[indicator, "text"].startswith(fmt.percent(value / total))
    assert pd.isna(by_indicator.loc["high_tech_enterprises", "share"])
    assert by_indicator.loc["high_tech_enterprises", "text"] == "无报表数"
    assert list(shares.table.columns)[2] == "山西省合计"


# ---------------------------------------------------------------- the list and its URL parameters

def test_filter_list_by_category_text_and_year(page_data):
    entries = page_data["entries"]
    assert len(view.filter_list(entries, [], "", None)) == len(entries)
    assert list(view.filter_list(entries, [], " 网易 ", None)["enterprise_name"]) == ["网易"]
    assert list(view.filter_list(entries, [], "网易", 2020)["enterprise_name"]) == []
    four = view.filter_list(entries, ["四上企业"], "", 2021)
    assert len(four) == 19 and set(four["category"]) == {"四上企业"}
    both = view.filter_list(entries, ["四上企业", "国家级科技企业孵化器"], "", 2021)
    assert len(both) == 20


def test_url_parameters_round_trip():
    options = ["四上企业", "专精特新中小企业", "专精特新“小巨人”"]
    assert view.parse_categories('专精特新"小巨人",四上企业,火星企业', options) == ["四上企业", "专精特新“小巨人”"]
    assert view.parse_categories("", options) == [] and view.parse_categories(None, options) == []
    assert view.url_params(view.DEFAULT_INDICATOR, [], "  ", "year") == {"ind": None, "cat": None, "q": None,
                                                                         "scope": None}
    assert view.url_params("srdi_enterprises", ["四上企业", "高新技术企业"], "网易", "all") == {
        "ind": "srdi_enterprises", "cat": "四上企业,高新技术企业", "q": "网易", "scope": "all"}


def test_english_labels(page_data):
    table = view.list_table(view.filter_list(page_data["entries"], ["国家级科技企业孵化器"], "", 2021), "en")
    assert table.iloc[0].tolist() == ["网易", "National incubators", "2021", "real"]
    assert view.category_label('专精特新"小巨人"', "en") == "Little giants (小巨人)"
    assert view.category_label("未知类别", "en") == "未知类别"
    assert view.scope_label("all", 2021, "en") == "any year" and view.scope_label("year", 2021, "zh") == "2021年"


def test_an_empty_list_and_a_zone_without_reports():
    empty = pd.DataFrame({"enterprise_name": pd.Series(dtype=str), "category": pd.Series(dtype=str),
                          "recognised_year": pd.Series(dtype="int64"), "is_synthetic": pd.Series(dtype=bool)})
    history = pd.DataFrame(columns=["year", "indicator", "value", "source", "rank", "n_ranked", "tied"])
    catalogue = pd.DataFrame({"indicator": ["new_four_above_enterprises"], "name_zh": ['新培育"四上"企业数'],
                              "name_en": ["x"], "unit": ["家"], "direction": ["higher"], "category": ["enterprises"]})
    assert view.composition(empty, 2021, "zh").total == 0
    steps = view.ladder(empty, [], 2021, "zh")
    assert not steps.frame["present"].any() and len(steps.missing) == 3
    result = view.trend(history, empty, [], "new_four_above_enterprises", [2020, 2021], catalogue, "zh")
    assert list(result.frame["status"]) == ["none", "none"] and result.list_category is None
    assert "没有与" in view.trend_caption(result, "new_four_above_enterprises", catalogue, "zh")
    [card] = view.headline_cards(history, empty, [], pd.DataFrame(columns=["year", "indicator", "total", "n_zones"]),
                                 catalogue, 2021, [2021], "zh")
    assert card.value == fmt.MISSING and card.caption.startswith("无报表数")
    assert not view.has_synthetic(empty)


def test_build_page_and_list(page_data):
    model = view.build_page(
        catalogue=page_data["catalogue"], years=page_data["years"], history=page_data["history"],
        enterprise_list=page_data["entries"], all_categories=page_data["categories"], totals=page_data["totals"],
        province=page_data["province"], year=2021, lang="zh", indicator="national_incubators")
    assert model.synthetic and model.province == page_data["province"]
    assert [c.value for c in model.cards][:1] == ["19家"]
    assert model.indicators == list(view.enterprise_indicators(page_data["catalogue"])["indicator"])
    assert model.indicator_labels["national_incubators"] == "国家级孵化器"
    assert model.trend.frame.set_index("year").loc[2021, "reported"] == 1
    assert model.composition.total == len(view.filter_list(page_data["entries"], [], "", 2021))
    assert "创新型中小企业" in model.ladder_note
    assert model.list_total == len(page_data["entries"]) and model.list_options[0] == "四上企业"
    unknown = view.build_page(
        catalogue=page_data["catalogue"], years=page_data["years"], history=page_data["history"],
        enterprise_list=page_data["entries"], all_categories=page_data["categories"], totals=page_data["totals"],
        province=page_data["province"], year=2021, lang="en", indicator="signed_projects")
    assert unknown.trend is None and unknown.trend_caption == ""  # not an enterprise indicator: no trend

    listing = view.build_list(page_data["entries"], ["国家级科技企业孵化器"], "", "all", 2021, "盐湖高新区", "zh")
    assert listing.table["企业名称"].tolist() == ["网易"]
    assert listing.summary == f"显示 1 条（全部年份），名录共 {len(page_data['entries'])} 条。"
    assert listing.file_stem == "企业名录_盐湖高新区"
    assert view.build_list(page_data["entries"], [], "", "year", 2021, "盐湖高新区", "en").file_stem == \
        "enterprise_list_盐湖高新区_2021"
    assert listing.sheet_name == "企业名录"
    assert view.build_list(page_data["entries"], [], "", "year", 2021, "盐湖高新区", "en").sheet_name == "Enterprise list"
    assert view.download_name("a/b", 2021, "企业名录") == "企业名录_a_b_2021"
