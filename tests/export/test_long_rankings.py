"""A province of more zones than a chart can name (tests/conftest.py's big_province_db: 60 zones): the deck's and the
presentation's ranking draws the leaders and the zone's neighbours, each run left out as one row; its table keeps
every zone. A province of the demo's size is drawn whole (tests/export/test_deck.py)."""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from devzone import labels
from devzone.export import data as report_data
from devzone.export import deck, figures, story
from devzone.export.story import SLIDE_RANKING_LEADERS as LEADERS

ZONE, YEAR, N = "T200050", 2021, 60  # 50th of 60 in signed projects


def ranking_slide(db, lang="zh"):
    zy = report_data.gather(report_data.direct_loader(db), ZONE, YEAR)
    the_story = story.zone_story(zy, lang)
    return the_story, next(s for s in the_story.slides if s.key == "ranking")


def expected_rows() -> list[str]:
    near = range(50 - labels.BAR_NEIGHBOURS, 50 + labels.BAR_NEIGHBOURS + 1)
    return [*(f"{i}. 河北第{i}高新区" for i in range(1, LEADERS + 1)),
            f"⋯ 另{near[0] - 1 - LEADERS}个（第{LEADERS + 1}—{near[0] - 1}名）",
            *(f"{i}. 河北第{i}高新区" for i in near), f"⋯ 另{N - near[-1]}个（第{near[-1] + 1}—{N}名）"]


def test_the_ranking_slide_draws_the_leaders_and_the_zones_neighbours(big_province_db):
    _, slide = ranking_slide(big_province_db)
    chart = slide.charts[0]
    assert list(chart.categories) == expected_rows()
    values = chart.series[0].values
    assert [v is None for v in values] == [c.startswith("⋯") for c in chart.categories]
    assert chart.highlight == ("50. 河北第50高新区",)
    assert len(chart.table) == N  # the data behind the chart: every zone
    assert f"共{N}个开发区参与排名" in slide.note
    assert f"图中为前{LEADERS}名和本开发区前后各{labels.BAR_NEIGHBOURS}名" in slide.note
    assert len(chart.categories) == story.SLIDE_RANKING_ROWS  # two halves of 12 under a two-line note: every name legible


def test_the_deck_and_the_screen_figure_draw_the_same_rows(big_province_db):
    the_story, slide = ranking_slide(big_province_db)
    presentation = Presentation(io.BytesIO(deck.render(the_story)))
    bars = [c for s in presentation.slides for c in (sh.chart for sh in s.shapes if sh.has_chart)
            if c.chart_type == XL_CHART_TYPE.BAR_CLUSTERED and any("河北第" in str(x) for x in c.plots[0].categories)]
    drawn = [str(c) for chart in bars for c in chart.plots[0].categories]
    assert drawn == expected_rows()  # in two halves, top down
    figure = figures.figure(slide.charts[0])
    assert list(figure.data[0].y)[::-1] == [c for c in expected_rows()]  # the PNG / presentation page: top down


def test_the_monthly_bulletins_rankings_of_a_big_province_stay_legible(big_province_db):
    from devzone.export import bulletin

    month = bulletin.gather(report_data.direct_loader(big_province_db), "河北省", YEAR, 11)
    the_story = bulletin.bulletin_story(month, "zh", highlight="河北第50高新区")
    ytd = next(s for s in the_story.slides if s.key == "ytd_ranking")
    rows = list(ytd.charts[0].categories)
    assert len(rows) == story.SLIDE_RANKING_ROWS
    assert rows[:3] == ["1. 河北第1高新区", "1. 河北第2高新区", "1. 河北第3高新区"]  # one signing each, the rest none
    assert "4. 河北第50高新区" in rows and ytd.charts[0].highlight == ("4. 河北第50高新区",)  # tied with 56 others
    k = labels.BAR_NEIGHBOURS
    assert [r for r in rows if r.startswith("⋯")] == [f"⋯ 另{49 - k - LEADERS}个（并列第4名）",
                                                      f"⋯ 另{N - 50 - k}个（并列第4名）"]
    assert len(ytd.charts[0].table) == N and "其余从略" in ytd.note
    yearly = next(s for s in the_story.slides if s.key == "yearly_ranking")
    assert len(yearly.charts[0].categories) == story.SLIDE_RANKING_ROWS and len(yearly.charts[0].table) == N
    movement_rows = sum(len(s.table) for s in the_story.slides if s.key.startswith("movement_"))
    assert movement_rows == N  # every zone is still in the tables that follow
