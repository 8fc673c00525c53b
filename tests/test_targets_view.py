"""devzone.targets_view: which target year the 项目推进 page shows."""
import pandas as pd

from devzone import targets_view


def years(**has_actual: bool) -> pd.DataFrame:
    return pd.DataFrame({"year": [int(y[1:]) for y in has_actual], "has_actual": list(has_actual.values())})


def test_the_year_of_the_day_when_anything_is_done_towards_it():
    assert targets_view.year_with_figures(years(y2026=True, y2025=True), 2026) == 2026


def test_a_year_without_figures_gives_way_to_the_latest_earlier_one():
    assert targets_view.year_with_figures(years(y2026=False, y2025=True, y2024=True), 2026) == 2025


def test_no_year_with_figures_keeps_the_year_of_the_day():
    assert targets_view.year_with_figures(years(y2026=False), 2026) == 2026
    assert targets_view.year_with_figures(years(), 2026) == 2026


def test_a_real_figure_against_a_synthetic_target_carries_the_mark():
    """completion_from_synthetic (queries.target_progress): the rate in the table and on the bar carries ※."""
    progress = pd.DataFrame({
        "indicator": ["signed_projects", "signed_investment"], "name_zh": ["签约项目数", "签约项目总投资"],
        "name_en": ["Signed projects", "Investment"], "unit": ["个", "亿元"], "target": [30.0, 150.0],
        "actual": [36.0, 120.0], "completion_rate": [1.2, 0.8], "time_elapsed_share": [1.0, 1.0],
        "on_schedule": [True, False], "actual_source": ["运城日报", "01_全省.xlsx"], "is_synthetic": [True, True],
        "completion_from_synthetic": [True, False]})
    rates = targets_view.table(progress, "zh")["完成率"].tolist()
    assert rates == ["120.0%※", "80.0%"]
    texts = targets_view.chart_frame(progress, "zh")["text"].tolist()
    assert texts[0].endswith("120.0%※") and texts[1].endswith("80.0%")
