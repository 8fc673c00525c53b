"""The card grid never leaves an orphan when a more even split exists; the style sheet is whole; names in the
running head and in stacked tables are escaped."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from devzone import screens, tables


@pytest.mark.parametrize("count", range(1, 12))
@pytest.mark.parametrize("fits", range(1, 8))
def test_cards_spread_evenly_over_as_few_rows_as_fit(count, fits):
    columns = screens.columns_for(count, fits)
    assert columns <= max(1, fits)
    rows = math.ceil(count / columns)
    assert rows == math.ceil(count / max(1, fits))  # no more rows than needed …
    last_row = count - (rows - 1) * columns
    assert columns - last_row < rows or last_row == columns  # … and the last row is never left short by more


def test_five_cards_where_four_fit_go_three_and_two():
    assert screens.columns_for(5, 4) == 3
    assert screens.columns_for(4, 3) == 2
    assert screens.columns_for(4, 4) == 4


def test_the_grid_css_has_a_rule_per_group_size_and_two_columns_at_least():
    css = screens.card_grid_css([4, 5, 2], "zh")
    for count in (2, 4, 5):
        assert f'st-key-{screens.GRID_KEY}-n{count}-' in css
        base = re.search(rf'n{count}-"\] {{ display: grid !important; gap: [\d.]+rem; '
                         r'grid-template-columns: repeat\((\d+)', css)
        assert int(base.group(1)) == screens.columns_for(count, screens.MIN_COLUMNS)
    assert "@container" in css and "container-type: inline-size" in css


def test_the_style_sheet_covers_phone_projector_and_paper():
    css = screens.page_css()
    assert css.startswith("<style>") and css.endswith("</style>")
    assert "@media (max-width: 640px)" in css and "@media (min-width: 1800px)" in css and "@media print" in css
    assert css.count("{") == css.count("}")


def test_the_running_head_cannot_end_the_style_element():
    css = screens.print_header_css('盐湖"</style><script>x</script>')
    assert "</style><script>" not in css.removesuffix("</style>")
    assert css.count("</style>") == 1


def test_stacked_rows_are_escaped_and_labelled_by_their_headings():
    table = pd.DataFrame({"名称<b>": ["<img src=x>"], "金额": [1234.5], "缺": [None]})
    page = tables.stacked_html(table, key="k")
    assert "<img" not in page and "<b>" not in page
    assert 'data-label="名称&lt;b&gt;"' in page and ">1,234.5<" in page and ">—<" in page


def test_a_phone_lists_the_chosen_zones_ranks_instead_of_the_heatmap():
    from devzone import ranking_view

    heat = pd.DataFrame({"开发区": ["甲区", "乙区"], "签约项目数": ["第1名/共2个", "第2名/共2个"],
                         "预计利税": ["第2名/共2个", "第1名/共2个"]})
    listed = ranking_view.zone_rank_list(heat, "乙区", "zh")
    assert listed.to_dict("list") == {"指标": ["签约项目数", "预计利税"], "名次": ["第2名/共2个", "第1名/共2个"]}
    assert ranking_view.zone_rank_list(heat, "丙区", "zh").empty


@pytest.mark.parametrize(("width", "expected"), [
    (360, screens.PHONE), (390, screens.PHONE), (screens.PHONE_MAX_PX, screens.PHONE),
    (screens.PHONE_MAX_PX + 1, screens.DESK), (1440, screens.DESK), (screens.PROJECTOR_MIN_PX - 1, screens.DESK),
    (screens.PROJECTOR_MIN_PX, screens.PROJECTOR), (1920, screens.PROJECTOR),
    (None, screens.DESK), ("abc", screens.DESK), (0, screens.DESK), (float("nan"), screens.DESK),
])
def test_the_screen_class_follows_the_style_sheets_breakpoints(width, expected):
    assert screens.screen_class(width) == expected
    css = screens.SCREENS_CSS.read_text(encoding="utf-8")
    assert f"(max-width: {screens.PHONE_MAX_PX}px)" in css and f"(min-width: {screens.PROJECTOR_MIN_PX}px)" in css


def test_a_link_may_name_the_screen_and_anything_else_is_ignored():
    assert screens.resolve_screen("projector") == screens.resolve_screen(" Projector ") == screens.PROJECTOR
    assert screens.resolve_screen("投影") == screens.PROJECTOR
    assert screens.resolve_screen(["desk", "projector"]) == screens.PROJECTOR
    for raw in (None, "", "beamer", 3):
        assert screens.resolve_screen(raw) is None


def test_the_probe_reports_with_the_same_breakpoints():
    js = screens.SCREEN_PROBE_JS
    assert f"w <= {screens.PHONE_MAX_PX}" in js and f"w >= {screens.PROJECTOR_MIN_PX}" in js
    assert "now !== known" in js  # a class already known to the server is never reported again: no rerun loop
