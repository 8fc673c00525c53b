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
