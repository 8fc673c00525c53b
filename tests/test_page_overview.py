"""总览 (Overview, the landing page) in Streamlit's AppTest against the demo database, in zh and en."""
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from devzone import fmt, scorecard

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
TIMEOUT = 60


def run_overview(**query_params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    return app.run()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.main.metric}


def rank_lines(app: AppTest) -> list[str]:
    return [m.value for m in app.main.markdown if m.value.startswith(("**全省", "**Province"))]


def yanhu(raw, indicator: str, year: int) -> float:
    """盐湖高新区's figure from the contract view."""
    return raw.execute("SELECT value FROM indicator_values WHERE zone_id = 'X140802' AND indicator = ? AND year = ?",
                       [indicator, year]).fetchone()[0]


@pytest.fixture(scope="module")
def raw(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def value_of(raw, zone_id: str, year: int, indicator: str):
    row = raw.execute("SELECT value FROM indicator_values WHERE zone_id = ? AND year = ? AND indicator = ?",
                      [zone_id, year, indicator]).fetchone()
    return None if row is None else row[0]


def rank_of(raw, zone_id: str, year: int, indicator: str):
    return raw.execute("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = ? AND year = ? "
                       "AND indicator = ?", [zone_id, year, indicator]).fetchone()


def test_seed_zone_2021_in_chinese(demo_db, raw):
    app = run_overview(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    assert app.title[0].value == "总览"
    shown = metrics(app)
    assert shown["签约项目数"] == "36个"
    assert shown["签约项目总投资"] == "179.78亿元"
    assert shown["当年签约并开工项目数"] == "34个"
    assert shown["新培育\"四上\"企业数"] == "19家"
    assert shown["专精特新企业数"] == "4家" and shown["国家级科技企业孵化器数"] == "1家"
    rank, n = rank_of(raw, "X140802", 2021, "signed_projects")
    assert rank <= 3
    assert f"**全省第{rank}名/共{n}个※**" in rank_lines(app)[0]  # ※: a real figure ranked among the other zones' synthetic ones
    assert "第3名/共28个" in rank_lines(app)[0]  # the demo's answer
    assert app.warning[0].value.startswith("演示数据")  # ledger-derived values next to the seed are synthetic
    assert [h.value for h in app.main.markdown if h.value.startswith("#### ")] == [
        "#### 招商引资", "#### 企业培育", "#### 产值税收"]


def test_each_card_says_where_its_value_comes_from(demo_db):
    app = run_overview(zone="盐湖高新区", year="2021")
    by_label = {m.label: m for m in app.main.metric}
    assert "运城日报" in by_label["签约项目数"].proto.help
    assert "项目台账" in by_label["预计年产值"].proto.help
    captions = [c.value for c in app.main.caption]
    assert "来源：公开报道（真实数据）" in captions and "来源：项目台账汇总（模拟数据）" in captions


def test_yoy_delta_and_trend(demo_db, raw):
    app = run_overview(zone="盐湖高新区", year="2021")
    card = {m.label: m for m in app.main.metric}["签约项目数"]
    before = value_of(raw, "X140802", 2020, "signed_projects")
    assert card.proto.delta == fmt.yoy(36, before) + fmt.FROM_SYNTHETIC  # real 2021 against synthetic 2020
    assert card.proto.delta_description == "同比"
    history = raw.execute("SELECT count(*) FROM indicator_values WHERE zone_id = 'X140802' "
                          "AND indicator = 'signed_projects' AND year <= 2021").fetchone()[0]
    assert len(card.proto.chart_data) == history


def test_a_missing_value_is_a_plain_dash(demo_db, raw):
    assert value_of(raw, "X140802", 2021, "high_tech_enterprises") is None
    app = run_overview(zone="盐湖高新区", year="2021")
    card = {m.label: m for m in app.main.metric}["高新技术企业数"]
    assert card.value == "—" and card.proto.delta == "—"
    assert "**全省未排名**" in rank_lines(app)


def test_changing_year_and_zone_changes_the_numbers(demo_db, raw):
    app = run_overview(zone="盐湖高新区", year="2021")
    app.sidebar.selectbox[1].set_value(2020).run()
    assert_ran_cleanly(app)
    shown = metrics(app)
    assert shown["签约项目数"] == fmt.count(value_of(raw, "X140802", 2020, "signed_projects"), "个")
    assert shown["签约项目总投资"] == fmt.money(value_of(raw, "X140802", 2020, "signed_investment"))
    assert shown["签约项目数"] != "36个"
    rank, n = rank_of(raw, "X140802", 2020, "signed_projects")
    assert rank_lines(app)[0].startswith(f"**全省第{rank}名/共{n}个**")

    app.sidebar.selectbox[0].set_value("G141004").run()
    assert_ran_cleanly(app)
    shown = metrics(app)
    assert shown["签约项目数"] == fmt.count(value_of(raw, "G141004", 2020, "signed_projects"), "个")
    assert app.query_params["zone"] == "太原经开区" and app.query_params["year"] == "2020"
    assert any("太原经济技术开发区" in m.value for m in app.main.markdown)  # the profile follows the zone


def test_needs_attention_lists_a_rank_that_fell(demo_db, raw):
    zone_id, year, indicator, before, now = raw.execute(
        "SELECT a.zone_id, a.year, a.indicator, b.rank, a.rank FROM provincial_rankings a "
        "JOIN provincial_rankings b ON a.zone_id = b.zone_id AND a.indicator = b.indicator "
        "AND b.year = a.year - 1 WHERE a.rank > b.rank ORDER BY a.year DESC, 1, 3 LIMIT 1").fetchone()
    name = raw.execute("SELECT name_zh FROM indicators WHERE indicator = ?", [indicator]).fetchone()[0]
    app = run_overview(zone=zone_id, year=str(year))
    assert_ran_cleanly(app)
    texts = [m.value for m in app.main.markdown]
    assert any(t.startswith("##### 全省排名下降") for t in texts)
    bullets = "\n".join(t for t in texts if t.startswith("- "))
    assert f"**{name}**：全省排名由" in bullets and f"第{now}名" in bullets


def test_targets_table_for_the_seed_zone(demo_db, raw):
    app = run_overview(zone="盐湖高新区", year="2021")
    targets_table = app.main.table[-1].value.replace("\u2060", "", regex=True)  # the joiners that keep 31个 whole
    expected = raw.execute("SELECT count(*) FROM annual_targets WHERE zone_id = 'X140802' AND year = 2021"
                           ).fetchone()[0]
    assert len(targets_table) == expected
    row = targets_table.set_index("指标").loc["签约项目数"]
    target = raw.execute("SELECT target FROM annual_targets WHERE zone_id = 'X140802' AND year = 2021 "
                         "AND indicator = 'signed_projects'").fetchone()[0]
    assert row["年度目标"] == fmt.count(target, "个") and row["完成"] == "36个"
    assert row["完成率"] == fmt.percent(36 / target) + fmt.FROM_SYNTHETIC  # real 36 against a synthetic target


def test_english(demo_db, raw):
    app = run_overview(zone="盐湖高新区", year="2021", lang="en")
    assert_ran_cleanly(app)
    assert app.title[0].value == "Overview"
    shown = metrics(app)
    assert shown["Signed projects"] == "36"
    assert shown["Signed investment"] == "RMB 17.98 bn"
    assert shown["Signed and started in year"] == "34"
    assert rank_lines(app)[0].startswith("**Province: 3rd of 28※**")
    assert app.warning[0].value.startswith("Demo data")
    assert any(m.value.startswith("**Full name**: 运城盐湖高新技术产业开发区") for m in app.main.markdown)


def test_first_and_last_year_render_every_card(demo_db, raw):
    """No previous year (the first) or the latest year: every card is there, no traceback."""
    app = run_overview(zone="盐湖高新区", year="2021")
    years = [r[0] for r in raw.execute("SELECT DISTINCT year FROM indicator_values ORDER BY 1").fetchall()]
    for year in (years[0], years[-1]):
        app.sidebar.selectbox[1].set_value(year).run()
        assert_ran_cleanly(app)
        # a card per catalogue indicator, and the headline band above them (its figures and the rank)
        assert len(app.main.metric) == 11 + len(scorecard.HEADLINE_INDICATORS) + 1


def test_real_cards_are_tagged_and_a_change_from_synthetic_2020_is_marked(demo_db, raw):
    """盐湖高新区 2021: the seed figures are real, 2020 synthetic. Each real card says 真实 and its 同比 ※."""
    app = run_overview(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    deltas = {m.label: m.proto.delta for m in app.metric}
    signed_yoy = fmt.yoy(36, yanhu(raw, "signed_projects", 2020)) + "※"
    assert deltas["签约项目数"] == signed_yoy and deltas["签约项目总投资"].endswith("※")
    assert not deltas["预计年产值"].endswith("※")
    badges = [m.value for m in app.markdown if "badge[" in m.value and "真实" in m.value]
    # the seven figures of the article, and the headline band repeats three of them (all from the article)
    assert len(badges) == 7 + len(scorecard.HEADLINE_INDICATORS), badges
    assert any("※ 表示同比由模拟的上年数值算出" in c.value for c in app.caption)
    table = app.dataframe[0].value.set_index("指标")
    assert table.loc["签约项目数", "数值"] == "36个（真实）" and table.loc["签约项目数", "同比"] == signed_yoy
    assert table.loc["预计年产值", "数值"] == fmt.money(yanhu(raw, "projected_output", 2021))


def test_the_headline_rank_fits_and_is_marked_when_ranked_among_synthetic_figures(demo_db, raw):
    app = run_overview(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    rank, n = rank_of(raw, "X140802", 2021, "signed_investment")
    assert metrics(app)["全省排名"] == f"第{rank}名※"  # the big figure: short enough for one line, marked
    (note,) = [m.value for m in app.main.markdown if "按签约项目总投资" in m.value]
    assert f"共{n}个" in note
    assert "较上年" in note and note.rstrip().endswith("※")  # the change is from the synthetic 2020 rank


@pytest.mark.parametrize(("zone", "lang", "subtitle"), [
    ("盐湖高新区", "zh", "山西省开发区主要经济指标"), ("T130101", "zh", "河北省开发区主要经济指标"),
    ("T130101", "en", "Key indicators of Hebei development zones")])
def test_the_sidebar_names_the_chosen_zones_province(two_province_db, monkeypatch, zone, lang, subtitle):
    monkeypatch.setenv("DEVZONE_DB", str(two_province_db))
    app = run_overview(zone=zone, year="2021", lang=lang)
    assert_ran_cleanly(app)
    assert any(subtitle in m.value for m in app.sidebar.markdown), [m.value for m in app.sidebar.markdown]


@pytest.mark.parametrize("zone", ["盐湖高新区", "T130101"])
def test_a_zone_opens_on_the_latest_year_of_its_own_province(two_province_db, monkeypatch, zone):
    """河北省's figures run a year further than 山西省's: a Shanxi zone must not open on a year it has nothing for."""
    import duckdb

    monkeypatch.setenv("DEVZONE_DB", str(two_province_db))
    with duckdb.connect(str(two_province_db), read_only=True) as check:
        latest = check.execute(
            "SELECT max(year) FROM indicator_values v JOIN zones z USING (zone_id) WHERE value IS NOT NULL "
            "AND z.province = (SELECT province FROM zones WHERE short_name = ? OR zone_id = ?)", [zone, zone]).fetchone()[0]
        newest = check.execute("SELECT max(year) FROM indicator_values WHERE value IS NOT NULL").fetchone()[0]
    app = run_overview(zone=zone, lang="zh")
    assert_ran_cleanly(app)
    assert app.query_params["year"] == str(latest)
    assert any(m.value != "—" for m in app.main.metric), metrics(app)
    if zone == "盐湖高新区":
        assert latest < newest  # the case this guards


@pytest.mark.parametrize("key", ["filter_zone", "top_zone"])  # the sidebar's picker, and the phone's at the top
def test_choosing_a_zone_whose_province_ends_earlier_moves_the_year_to_its_latest(two_province_db, monkeypatch, key):
    import duckdb

    monkeypatch.setenv("DEVZONE_DB", str(two_province_db))
    with duckdb.connect(str(two_province_db), read_only=True) as check:
        shanxi_latest = check.execute(
            "SELECT max(year) FROM indicator_values JOIN zones USING (zone_id) WHERE value IS NOT NULL "
            "AND province = '山西省'").fetchone()[0]
    app = run_overview(zone="T130101", year="2025", lang="zh")
    assert app.query_params["year"] == "2025"
    app.selectbox(key=key).set_value("X140802").run()
    assert_ran_cleanly(app)
    assert app.query_params["year"] == str(shanxi_latest)
    assert app.selectbox(key="filter_year").value == shanxi_latest
    # a year the new zone's province has stays as chosen
    app.selectbox(key="filter_year").set_value(2020).run()
    app.selectbox(key=key).set_value("G141004").run()
    assert app.query_params["year"] == "2020"
