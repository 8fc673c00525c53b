"""devzone.progress_view and devzone.targets_view: pure functions, no Streamlit, no database."""
import datetime as dt

import pandas as pd
import pytest

from devzone import progress_view as pv
from devzone import targets_view as tv

D = dt.date


def alert_row(**values):
    base = {"project_id": "P1", "project_name": "项目", "lead_official": "王建国（副主任）", "level": "green",
            "stage": "开工", "signed_date": D(2025, 1, 1), "planned_production_date": D(2026, 1, 1),
            "last_update": D(2026, 11, 20), "days_since_signed": None, "days_past_plan": None,
            "days_since_update": 6, "signed_level": None, "late_level": None, "stale_level": None}
    return {**base, **values}


def test_reason_in_both_languages():
    row = alert_row(level="red", late_level="red", days_past_plan=313, stale_level="yellow", days_since_update=35,
                    planned_production_date=D(2026, 1, 17))
    assert pv.reason(row, "zh") == "超过计划投产日期313天（计划2026年1月17日）；35天未更新"
    assert pv.reason(row, "en") == "313 days past the planned production date (17 Jan 2026); no update for 35 days"
    assert pv.reason(alert_row(), "zh") == "按计划推进"
    assert pv.reason(alert_row(signed_level="yellow", days_since_signed=1234), "zh") == "签约已满1,234天未开工"


@pytest.mark.parametrize(("level", "before", "expected"), [
    ("red", None, "new"), ("red", "green", "new"), ("red", "yellow", "worse"), ("red", "red", "same"),
    ("yellow", "yellow", "same"), ("yellow", "red", "same"), ("green", "red", "none")])
def test_versus_the_previous_xun(level, before, expected):
    assert pv.versus_previous(level, before) == expected


def test_xun_and_period_titles():
    assert pv.xun_title(D(2024, 2, 29), "zh") == "2024年2月下旬（21日—29日）预警"
    assert pv.xun_title(D(2026, 11, 5), "en") == "Early November 2026 (days 1–10): warnings"
    assert pv.month_title(D(2026, 11, 26), "zh") == "2026年11月全省开发区项目推进通报"
    assert pv.quarter_title(2026, 4, "zh") == "2026年第四季度考核"
    assert pv.quarter_title(2026, 1, "en") == "Q1 2026 assessment"


def dispatch_row(**values):
    base = {"project_id": "P1", "project_name": "换热器项目", "investor": "某公司", "lead_official": "王建国（副主任）",
            "valid_from": D(2026, 11, 21), "prev_valid_from": D(2026, 11, 14), "known_before": True,
            "status": "开工", "started_date": D(2025, 3, 1), "production_date": None,
            "planned_production_date": D(2027, 1, 1), "total_investment": 3.0, "note": "厂房已封顶",
            "prev_status": "开工", "prev_started_date": D(2025, 3, 1), "prev_production_date": None,
            "prev_planned_production_date": D(2027, 1, 1), "prev_lead_official": "王建国（副主任）",
            "prev_total_investment": 3.0, "prev_note": "厂房已封顶", "is_synthetic": True}
    return {**base, **values}


def test_what_changed_since_last_week():
    assert pv.change_text(dispatch_row(), "zh") == ("无变化", False)
    done = dispatch_row(status="投产", production_date=pd.Timestamp("2026-11-18"), note="已竣工投产")
    assert pv.change_text(done, "zh") == (
        "状态：开工→投产；投产日期：—→2026年11月18日；进展：厂房已封顶→已竣工投产", True)
    assert pv.change_text(dispatch_row(known_before=False), "en") == ("Newly on the dispatch list", True)
    moved = dispatch_row(lead_official="李立新（主任）")
    assert pv.changes(moved, "zh") == ["包联领导：王建国（副主任）→李立新（主任）"]


def test_weekly_groups_by_official_changed_first():
    dispatch = pd.DataFrame([
        dispatch_row(project_id="A", project_name="甲"),
        dispatch_row(project_id="B", project_name="乙", note="设备安装调试中"),
        dispatch_row(project_id="C", project_name="丙", lead_official=None, prev_lead_official=None),
    ])
    alerts = pd.DataFrame([alert_row(project_id="A", level="red", late_level="red", days_past_plan=100),
                           alert_row(project_id="B"), alert_row(project_id="C", lead_official=None)])
    groups = pv.weekly_groups(dispatch, alerts, "zh")
    assert [g.official for g in groups] == ["王建国（副主任）", "未明确包联领导"]
    first = groups[0]
    assert (first.projects, first.changed, first.red, first.yellow) == (2, 1, 1, 0)
    assert list(first.table["项目"]) == ["乙", "甲"]  # the changed one first
    assert pv.group_heading(first, "zh") == "王建国（副主任）　包联 2个，本周变化 1个，红 1 · 黄 0"
    assert list(first.focus["项目"]) == ["乙", "甲"] and first.quiet == ()
    quiet = groups[1]
    assert len(quiet.focus) == 0 and quiet.quiet == ("丙",)
    assert pv.quiet_line(quiet, "zh") == "其余 1个按计划推进、本周无变化：丙"
    assert "<span" in pv.html_table(first.focus, "zh") and "&lt;" in pv.html_table(
        first.focus.assign(**{"项目": "<b>"}), "zh")


def bulletin(**rows):
    frame = pd.DataFrame(rows)
    frame["signed_investment"] = frame.get("signed_investment", 0.0)
    frame["yellow"] = 0
    frame["is_synthetic"] = True
    return frame


def test_quarter_scores_scale_weight_and_rank_with_ties():
    components = bulletin(zone_id=["A", "B", "C", "D"], short_name=["甲", "乙", "丙", "丁"], signed=[10, 5, 5, 0],
                          started=[0, 0, 0, 0], completed=[1, 3, 3, 2], red=[4, 0, 0, 8])
    weights = pd.DataFrame({"component": ["signed_projects", "started_projects", "completed_projects", "red_alerts",
                                          "unknown_component"],
                            "name_zh": ["签约", "开工", "投产", "红色", "未知"], "name_en": ["s", "t", "c", "r", "u"],
                            "weight": [50.0, 10.0, 20.0, 20.0, 99.0],
                            "direction": ["higher", "higher", "higher", "lower", "higher"]})
    scores = pv.quarter_scores(components, weights).set_index("zone_id")
    # 甲: signed 100, started 100 (all equal), completed 0, red (8-4)/8*100 = 50 → (5000+1000+0+1000)/100 = 70
    assert scores.loc["A", "score"] == 70.0
    # 乙 and 丙: 50, 100, 100, 100 → (2500+1000+2000+2000)/100 = 75, tied first
    assert scores.loc["B", "score"] == scores.loc["C", "score"] == 75.0
    assert (scores.loc["B", "rank"], scores.loc["C", "rank"], scores.loc["A", "rank"], scores.loc["D", "rank"]) == (
        1, 1, 3, 4)
    assert bool(scores.loc["B", "tied"]) and not bool(scores.loc["A", "tied"])
    table = pv.scores_table(pv.quarter_scores(components, weights), weights, "zh")
    assert list(table["名次"][:2]) == ["并列第1名/共4个", "并列第1名/共4个"]
    assert "未知" not in table.columns  # components this version does not count are ignored
    assert pv.weights_caption(weights, "zh").count("%") == 4


def test_changing_a_weight_changes_the_ranking():
    components = bulletin(zone_id=["A", "B"], short_name=["甲", "乙"], signed=[10, 0], started=[0, 0],
                          completed=[0, 10], red=[0, 0])
    weights = pd.DataFrame({"component": ["signed_projects", "completed_projects"], "name_zh": ["签", "投"],
                            "name_en": ["s", "c"], "weight": [60.0, 40.0], "direction": ["higher", "higher"]})
    assert pv.quarter_scores(components, weights)["zone_id"].iloc[0] == "A"
    weights["weight"] = [40.0, 60.0]
    assert pv.quarter_scores(components, weights)["zone_id"].iloc[0] == "B"


def progress_frame():
    return pd.DataFrame({
        "indicator": ["signed_projects", "signed_investment", "srdi_enterprises"],
        "name_zh": ["签约项目数", "签约项目总投资", "专精特新企业数"], "name_en": ["Signed projects", "Signed investment", "SRDI"],
        "unit": ["个", "亿元", "家"], "target": [40.0, 145.0, 5.0], "actual": [39.0, 136.49, None],
        "completion_rate": [0.975, 136.49 / 145, None], "time_elapsed_share": [330 / 365] * 3,
        "on_schedule": [True, True, None], "actual_source": ["台账", "台账", None], "is_synthetic": [True] * 3})


def test_targets_view():
    frame = progress_frame()
    assert tv.summary(frame, 2026, D(2026, 11, 26), "zh") == (
        "2026年序时进度 90.4%（截至2026年11月26日）：3 项目标中 2 项达到序时进度，0 项落后。")
    table = tv.table(frame, "zh")
    assert list(table["状态"]) == ["达到序时进度", "达到序时进度", "暂无完成数据"]
    assert list(table["完成"]) == ["39个", "136.49亿元", "—"]
    bars = tv.chart_frame(frame, "zh")
    assert list(bars["text"]) == ["39/40个 · 97.5%", "136.49/145亿元 · 94.1%", "—/5家 · —"]
    assert list(bars["on_schedule"]) == [True, True, None]
    assert tv.chart_frame(frame, "en")["text"][1] == "RMB 13.65 bn / RMB 14.5 bn · 94.1%"


def test_a_week_without_changes_drops_the_column_that_says_nothing():
    """本周变化 reading 无变化 on every row says nothing the heading does not: the table leaves it out."""
    quiet = pd.DataFrame({"项目": ["甲项目", "乙项目"], "本周变化": ["无变化", "无变化"], "计划投产": ["2026年1月17日", "—"]})
    assert "本周变化" not in pv.html_table(quiet, "zh")
    moved = quiet.assign(本周变化=["无变化", "状态：签约 → 开工"])
    assert "本周变化" in pv.html_table(moved, "zh")


def test_dates_in_tables_never_break_inside():
    """`2026年1月17日` stays on one line (not `2026年1月17` / `日`), in its own column and inside a reason."""
    table = pd.DataFrame({"项目": ["甲项目"], "原因": ["超过计划投产日期318天（计划2026年1月17日）"],
                          "计划投产": ["2026年1月17日"]})
    html = pv.html_table(table, "zh")
    assert html.count("<span style='white-space:nowrap'>2026年1月17日</span>") == 2
    english = pv.html_table(pd.DataFrame({"Reason": ["planned 17 Jan 2026"]}), "en")
    assert "<span style='white-space:nowrap'>17 Jan 2026</span>" in english


# ---------------------------------------------------------------- download names

@pytest.mark.parametrize(("section", "lang", "stem", "sheet"), [
    ("week", "zh", "周调度_盐湖高新区_2022-03-26", "周调度"),
    ("xun", "zh", "旬预警_盐湖高新区_2022-03-26", "旬预警"),
    ("month", "zh", "月通报_盐湖高新区_2022-03-26", "月通报"),
    ("week", "en", "weekly_dispatch_盐湖高新区_2022-03-26", "Weekly dispatch"),
    ("xun", "en", "ten_day_warnings_盐湖高新区_2022-03-26", "Ten-day warnings"),
    ("month", "en", "monthly_bulletin_盐湖高新区_2022-03-26", "Monthly bulletin"),
])
def test_table_downloads_are_named_by_subject_zone_and_day(section, lang, stem, sheet):
    assert pv.table_file_stem(section, "盐湖高新区", dt.date(2022, 3, 26), lang) == stem
    assert pv.table_sheet_name(section, lang) == sheet


def test_a_zone_name_cannot_make_a_path():
    assert pv.table_file_stem("week", 'a/b\\c:d*?"<>|', dt.date(2022, 3, 26), "zh") == \
        "周调度_a_b_c_d" + "_" * 7 + "2022-03-26"  # six refused characters, then the joint
