"""文字综述: the seed facts, the provincial rank, and wording that follows the sign of every change."""
from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from devzone import fmt
from devzone.export import summary
from devzone.export.summary import change
from etl.demo_sources import TERMINATED_HEADLINE_YEARS
from tests.export.conftest import SEED_YEAR, SEED_ZONE

UP_WORDS = ("增长", "增加", "增至", "up ")
DOWN_WORDS = ("下降", "减少", "减至", "down ")
FLAT_WORDS = ("持平", "unchanged", "about the same")


def rank_of(sql, indicator: str, zone_id: str = SEED_ZONE, year: int = SEED_YEAR) -> tuple[int, bool]:
    rank, tied = sql(
        """SELECT rank, (SELECT count(*) FROM provincial_rankings r2 WHERE r2.province = r.province
                          AND r2.year = r.year AND r2.indicator = r.indicator AND r2.rank = r.rank) > 1
           FROM provincial_rankings r WHERE zone_id = ? AND year = ? AND indicator = ?""",
        [zone_id, year, indicator])[0]
    return int(rank), bool(tied)


def with_history(zy, changes: dict[tuple[str, int], dict]):
    """A copy of `zy` whose history rows (indicator, year) are replaced / added with the given fields."""
    history = zy.history.copy()
    for (indicator, year), fields in changes.items():
        mask = (history["indicator"] == indicator) & (history["year"] == year)
        if fields is None:
            history = history[~mask]
        elif mask.any():
            for column, value in fields.items():
                history.loc[mask, column] = value
        else:
            row = {"year": year, "indicator": indicator, "value": None, "source": "测试", "is_synthetic": True,
                   "rank": None, "n_ranked": None, "tied": False, **fields}
            history = pd.concat([history, pd.DataFrame([row])], ignore_index=True)
    return dataclasses.replace(zy, history=history.reset_index(drop=True))


def clause(result: summary.Summary, indicator: str) -> str:
    return next(c.text for c in result.clauses if c.indicator == indicator)


# ---------------------------------------------------------------- the seed facts

def test_seed_paragraph_states_36_projects_179_78_and_the_actual_rank(seed, sql):
    text = summary.build(seed, "zh").text
    rank, tied = rank_of(sql, "signed_projects")
    assert text.startswith("2021年，盐湖高新区签约项目36个")
    assert "签约总投资179.78亿元" in text
    projects_clause = text.split("；")[0]
    assert ("并列全省第" if tied else "居全省第") + f"{rank}位" in projects_clause
    money_rank, money_tied = rank_of(sql, "signed_investment")
    assert ("并列全省第" if money_tied else "居全省第") + f"{money_rank}位" in text.split("；")[1]
    assert "当年签约并开工项目34个" in text
    assert "新培育“四上”企业19家" in text and "专精特新企业4家" in text and "两化融合贯标试点企业2家" in text
    assert "国家级科技企业孵化器1家（网易）（真实）" in text


def test_seed_rank_is_in_the_top_three_as_the_article_says(sql):
    assert rank_of(sql, "signed_projects")[0] <= 3
    assert rank_of(sql, "signed_started_projects")[0] <= 3


def test_seed_year_on_year_follows_the_database(seed, sql):
    (previous,) = sql("SELECT value FROM indicator_values WHERE zone_id = ? AND year = ? AND indicator = ?",
                      [SEED_ZONE, SEED_YEAR - 1, "signed_projects"])[0]
    text = clause(summary.build(seed, "zh"), "signed_projects")
    expected = fmt.yoy(36, previous)
    word = "同比增长" if previous < 36 else "同比下降" if previous > 36 else "与上年持平"
    assert word in text
    if previous != 36:
        assert expected.lstrip("+-") in text


def test_english_paragraph(seed, sql):
    text = summary.build(seed, "en").text
    rank, tied = rank_of(sql, "signed_projects")
    assert text.startswith("In 2021, 盐湖高新区 recorded 36 signed projects (real)")
    assert "RMB 17.98 bn of signed investment (real)" in text
    assert ("tied " if tied else "") + fmt.rank(rank, lang="en") + " in the province" in text
    assert not re.search(r"[，。；]", text)  # no Chinese punctuation in the English register


def test_notable_projects_are_the_largest_signed_that_year(seed, sql):
    (name, amount), = sql(
        """SELECT project_name, total_investment FROM projects WHERE zone_id = ? AND year(signed_date) = ?
           AND status <> '在谈' AND total_investment IS NOT NULL ORDER BY total_investment DESC, project_id LIMIT 1""",
        [SEED_ZONE, SEED_YEAR])
    text = summary.build(seed, "zh").text
    assert f"总投资最大的是{name}（{fmt.money(amount)}）" in text


def test_targets_are_reported_with_completion(seed, sql):
    targets = sql("SELECT indicator, target FROM annual_targets WHERE zone_id = ? AND year = ?", [SEED_ZONE, SEED_YEAR])
    text = summary.build(seed, "zh").text
    assert targets, "the demo has targets for the seed zone"
    for indicator, target in targets:
        value = seed.value(indicator)
        if value is None:
            continue
        assert fmt.percent(value / target) in text


def test_paragraph_reads_the_database_in_devzone_db(demo_db, seed):
    assert summary.paragraph(SEED_ZONE, SEED_YEAR, "zh") == summary.build(seed, "zh").text


def test_synthetic_numbers_are_flagged(seed):
    result = summary.build(seed, "zh")
    assert result.synthetic  # 2020 comparison values and projects are synthetic in the demo
    assert result.text.endswith("其余为模拟数据，仅供演示；※表示同比由模拟的上年数值算出，不是真实变化；"
                                "名次、完成率标※的，是真实数值与其他开发区的模拟数值或模拟的目标相比得出。）")


# ---------------------------------------------------------------- wording follows the numbers

@pytest.mark.parametrize(
    ("current", "previous", "direction", "zh", "en"),
    [
        (36, 18, "up", "同比增长100.0%", "up 100.0% year on year"),
        (36, 50, "down", "同比下降28.0%", "down 28.0% year on year"),
        (36, 36, "flat", "与上年持平", "unchanged on the year before"),
        (36.001, 36, "about_flat", "与上年基本持平", "about the same as the year before"),
        (35.999, 36, "about_flat", "与上年基本持平", "about the same as the year before"),
        (36, 0, "up", "由上年0个增至36个", "up from 0 to 36"),  # a tiny base: in counts (wording.py)
        (36, 12, "up", "同比增长2.0倍", "up 2.0 times on the year before"),  # above 100%: in 倍
        (0, 0, "flat", "与上年持平", "unchanged on the year before"),
        (36, None, "none", "", ""),
    ],
)
def test_change_wording(current, previous, direction, zh, en):
    assert change(current, previous, "个", "zh") == summary.Change(direction, zh)
    assert change(current, previous, "个", "en") == summary.Change(direction, en)


def test_money_change_from_zero_is_written_in_money():
    assert change(0.5, 0, "亿元", "zh").text == "比上年增加5,000万元"
    assert change(-2.0, 1.0, "亿元", "zh").text == "同比下降300.0%"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_fall_is_never_called_growth(seed, lang):
    fallen = with_history(seed, {("signed_projects", SEED_YEAR - 1): {"value": 50.0},
                                 ("signed_investment", SEED_YEAR - 1): {"value": 179.78},
                                 ("signed_started_projects", SEED_YEAR - 1): {"value": 30.0}})
    result = summary.build(fallen, lang)
    projects, money, started = (clause(result, c) for c in ("signed_projects", "signed_investment",
                                                               "signed_started_projects"))
    assert ("同比下降28.0%" if lang == "zh" else "down 28.0%") in projects
    assert not any(w in projects for w in UP_WORDS)
    assert any(w in money for w in FLAT_WORDS) and not any(w in money for w in UP_WORDS + DOWN_WORDS)
    assert any(w in started for w in UP_WORDS) and not any(w in started for w in DOWN_WORDS)


def test_no_comparison_without_last_year(seed):
    result = summary.build(with_history(seed, {("signed_projects", SEED_YEAR - 1): None}), "zh")
    text = clause(result, "signed_projects")
    assert text.startswith("签约项目36个")
    assert not any(w in text for w in UP_WORDS + DOWN_WORDS + FLAT_WORDS)


def test_a_real_rank_among_synthetic_figures_and_a_completion_against_a_real_target(seed):
    """盐湖高新区 2021 is real and every other zone synthetic: its rank carries ※ (not a fact); its completion
    against a real target does not, against a synthetic one it does (issue #13)."""
    row = seed.value_row("signed_projects")
    assert row["rank_from_synthetic"] and not row["is_synthetic"]
    text = clause(summary.build(seed, "zh"), "signed_projects")
    assert f"居全省第{int(row['rank'])}位※" in text
    real_target = pd.DataFrame([{"indicator": "signed_projects", "target": 30.0, "unit": "个", "is_synthetic": False}])
    plain = summary.build(dataclasses.replace(seed, targets=real_target), "zh").text
    assert "完成率120.0%）" in plain and "120.0%※" not in plain
    ranked_only = with_history(seed, {("signed_projects", SEED_YEAR): {"rank_from_synthetic": False}})
    assert f"居全省第{int(row['rank'])}位※" not in clause(summary.build(ranked_only, "zh"), "signed_projects")


def test_ties_say_bingli(seed):
    tied = with_history(seed, {("signed_projects", SEED_YEAR): {"rank": 2, "tied": True}})
    assert "并列全省第2位" in clause(summary.build(tied, "zh"), "signed_projects")
    assert "tied 2nd in the province" in clause(summary.build(tied, "en"), "signed_projects")


@pytest.mark.parametrize(
    ("target", "zh", "absent"),
    [(30.0, "签约项目数超额完成年度目标（目标30个，完成率120.0%※）", "完成年度目标的"),  # real 36 vs synthetic target
     (36.0, "签约项目数完成年度目标（目标36个）", "超额"),
     (40.0, "签约项目数完成年度目标的90.0%※（目标40个）", "超额完成年度目标（目标40")],
)
def test_target_wording_follows_completion(seed, target, zh, absent):
    targets = pd.DataFrame([{"indicator": "signed_projects", "target": target, "unit": "个", "is_synthetic": True}])
    text = summary.build(dataclasses.replace(seed, targets=targets), "zh").text
    assert zh in text
    assert absent not in text


def test_every_change_mentioned_in_the_demo_follows_its_numbers(load, sql):
    """Across zones and years of the demo: each clause's verb agrees with the sign of (this year - last year)."""
    zones = [z for (z,) in sql("SELECT zone_id FROM zones ORDER BY zone_id LIMIT 8")]
    checked = 0
    for zone_id in zones:
        for year in (2020, 2022, 2024):
            zy = summary.report_data.gather(load, zone_id, year)
            for lang in ("zh", "en"):
                result = summary.build(zy, lang)
                for c in result.clauses:
                    now, before = zy.value(c.indicator), zy.value(c.indicator, year - 1)
                    if before is None:
                        assert c.change.direction == "none"
                        continue
                    checked += 1
                    wording = c.change.text
                    if now > before:
                        assert any(w in wording for w in UP_WORDS) or c.change.direction == "about_flat", c.text
                        assert not any(w in wording for w in DOWN_WORDS), c.text
                    elif now < before:
                        assert any(w in wording for w in DOWN_WORDS) or c.change.direction == "about_flat", c.text
                        assert not any(w in wording for w in UP_WORDS), c.text
                    else:
                        assert any(w in wording for w in FLAT_WORDS), c.text
    assert checked > 100


# ---------------------------------------------------------------- terminated projects never headline (issue #13)

@pytest.mark.parametrize("year", TERMINATED_HEADLINE_YEARS)
def test_a_terminated_project_never_headlines_the_summary_or_the_deck(load, sql, year):
    """In these years the zone's largest signing was later 终止: it is not "总投资最大的重点项目"."""
    from devzone.export import data as report_data
    from devzone.export import story

    terminated = {n for n, in sql("SELECT project_name FROM projects WHERE zone_id = ? AND year(signed_date) = ?"
                                  " AND status = '终止'", [SEED_ZONE, year])}
    assert terminated, "the demo has a terminated signing this year"
    (name, amount), = sql(
        """SELECT project_name, total_investment FROM projects WHERE zone_id = ? AND year(signed_date) = ?
           AND status NOT IN ('在谈', '终止') AND total_investment IS NOT NULL
           ORDER BY total_investment DESC, project_id LIMIT 1""", [SEED_ZONE, year])
    zy = report_data.gather(load, SEED_ZONE, year)
    for lang in ("zh", "en"):
        text = summary.build(zy, lang).text
        assert not any(n in text for n in terminated), text
        the_story = story.zone_story(zy, lang)
        projects = next(s for s in the_story.slides if s.key == "projects")
        assert not set(projects.table.iloc[:, 0]) & terminated
        assert not any(n in b for b in projects.bullets for n in terminated)
    assert f"总投资最大的是{name}（{fmt.money(amount)}）" in summary.build(zy, "zh").text


def test_projects_in_talks_are_not_attributed_to_a_past_year(load, sql):
    """在谈 projects have no year: "4个项目仍在洽谈" is said of the ledger's day, on the latest year only."""
    from devzone.export import data as report_data
    from devzone.export import story

    talks, = sql("SELECT count(*) FROM projects WHERE zone_id = ? AND status = '在谈'", [SEED_ZONE])[0]
    latest, = sql("SELECT max(year) FROM indicator_values WHERE value IS NOT NULL")[0]
    stated, = sql("SELECT max(updated_date) FROM project_versions")[0]
    assert talks > 0
    phrase = f"{talks}个项目仍在洽谈"
    past = story.attention_points(report_data.gather(load, SEED_ZONE, latest - 1), "zh")[0]
    assert not any(phrase in b for b in past), past
    current = story.attention_points(report_data.gather(load, SEED_ZONE, latest), "zh")[0]
    said = [b for b in current if phrase in b]
    assert said and said[0].startswith(f"截至{fmt.date(stated)}"), current


# ---------------------------------------------------------------- real and synthetic, figure by figure (issue #13)

def test_the_seed_summary_tags_each_real_figure_and_says_which_are_real(seed):
    text = summary.build(seed, "zh").text
    assert "签约项目36个（真实）" in text and "签约总投资179.78亿元（真实）" in text
    assert "当年签约并开工项目34个（真实）" in text
    assert "预计年产值239.53亿元（真实）" not in text  # a synthetic figure is not tagged
    assert text.endswith("。）") and "真实数据" in text.split("（注：")[-1]
    note = text.split("（注：")[-1]
    for name in ("签约项目数", "签约项目总投资", "当年签约并开工项目数"):
        assert name in note, note


def test_a_change_from_a_synthetic_previous_year_is_marked(seed):
    """Real 2021 against synthetic 2020: 同比增长100.0% is computed from a synthetic value, and says so."""
    assert not seed.value_row("signed_projects")["is_synthetic"]
    assert seed.value_row("signed_projects", 2020)["is_synthetic"]
    text = summary.build(seed, "zh").text
    assert "签约项目36个（真实），同比增长100.0%※" in text
    assert "※" in text.split("（注：")[-1]  # the note explains the mark
    english = summary.build(seed, "en").text
    assert "up 100.0% year on year※" in english


def test_the_real_hongming_base_is_named_with_its_real_figures(seed):
    for lang, words in (("zh", ("宏明空调全产业链生产基地（真实）", "预计年产值20亿元", "利税5,000万元")),
                        ("en", ("宏明空调全产业链生产基地 (real)", "RMB 2 bn", "RMB 50 mn"))):
        text = summary.build(seed, lang).text
        assert all(w in text for w in words), (lang, text)
