"""Every screen, in zh and en, in Streamlit's AppTest against the demo DB: said plainly, in the user's language.

No internals in front of an official (server paths, `etl/catalogue/*.toml`, view names, raw file names as
数据来源), and no Chinese in English mode where a translation exists (zone level and type).
"""
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from devzone.navigation import PAGES

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
TIMEOUT = 90
# What an official must never read: file names with extensions, numeric file prefixes, config files, views.
INTERNALS = re.compile(
    r"\.(?:toml|duckdb)\b|etl/|/tmp/|/work/|/srv/|"
    r"indicator_values|provincial_rankings|ledger_indicator_values|value_store|load_history|project_alerts",
    re.IGNORECASE)
# Raw file names (`01_全省….xlsx`): fine on 数据质量, where each value is traced to its file, sheet and row.
FILE_NAMES = re.compile(r"\.(?:xlsx|xlsm|xlsb|xls|csv|ods)\b|\b\d{2}_[\u4e00-\u9fff]", re.IGNORECASE)
FILE_DETAILS_PAGE = "data_quality.py"


def open_page(page: str, **query_params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update(query_params)
    app.switch_page(f"app_pages/{page}")
    return app.run()


def visible_texts(app: AppTest) -> list[str]:
    """Every sentence a viewer reads: captions, markdown, alerts, metric help, expander labels, table cells."""
    texts: list[str] = []
    for kind in ("caption", "markdown", "info", "warning", "success", "error", "subheader", "header", "title"):
        texts += [str(element.value) for element in app.get(kind)]
    texts += [str(m.help or "") for m in app.metric]
    texts += [str(e.label) for e in app.expander]
    for frame in app.dataframe:
        value = frame.value
        texts += [str(c) for c in value.columns]
        for column in value.columns:
            if not pd.api.types.is_numeric_dtype(value[column]):  # object or pandas' str dtype
                texts += [str(v) for v in value[column].dropna().unique()[:200]]
    return [text.replace("\\", "") for text in texts]  # markdown escapes (`progress\_rules\.toml`) read as typed


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [file_name for file_name, *_ in PAGES])
def test_no_internals_in_front_of_officials(demo_db, page, lang):
    app = open_page(page, lang=lang)
    assert not app.exception, [e.value for e in app.exception]
    leaks = sorted({text for text in visible_texts(app) if INTERNALS.search(text)
                    or (page != FILE_DETAILS_PAGE and FILE_NAMES.search(text))})
    assert not leaks, leaks


def warnings_of(app: AppTest) -> list[str]:
    return [str(w.value) for w in app.main.warning]


def test_a_shared_link_with_an_unknown_zone_says_so(demo_db):
    app = open_page("overview.py", zone="不存在开发区", year="2021")
    assert not app.exception
    assert "未找到开发区“不存在开发区”，已显示默认开发区盐湖高新区。" in warnings_of(app)
    assert app.sidebar.selectbox[0].value == "X140802"


def test_a_shared_link_with_an_unknown_year_says_so_in_english(demo_db):
    app = open_page("projects.py", zone="盐湖高新区", year="2035", lang="en")
    assert not app.exception
    shown = app.sidebar.selectbox[1].value
    assert f"No data for the year “2035”; showing {shown}, the latest year with data." in warnings_of(app)


def test_a_good_link_has_no_notice_and_the_notice_goes_after_the_first_view(demo_db):
    assert not [w for w in warnings_of(open_page("overview.py", zone="盐湖高新区", year="2021"))
                if "未找到" in w or "没有" in w]
    app = open_page("overview.py", zone="不存在开发区")
    app.sidebar.selectbox[1].set_value(2021).run()
    assert not [w for w in warnings_of(app) if "未找到" in w]


@pytest.mark.parametrize("page", [file_name for file_name, *_ in PAGES])
def test_no_arrow_on_a_zero_change(demo_db, page):
    """`0.0%`, `+0个`, `0家`: a change that is nothing has no up-arrow (Streamlit draws one for any text delta)."""
    from streamlit.proto.Metric_pb2 import Metric

    app = open_page(page, zone="盐湖高新区", year="2019")
    zero = [m for m in app.metric if m.proto.delta and not re.search(r"[1-9]", m.proto.delta)]
    arrows = [(m.label, m.proto.delta) for m in zero if m.proto.direction != Metric.MetricDirection.NONE]
    assert not arrows, arrows


def test_the_zone_caption_in_english_translates_level_and_type(demo_db):
    app = open_page("overview.py", zone="盐湖高新区", lang="en")
    caption = app.sidebar.caption[0].value.replace("\\", "")
    assert caption.endswith("| Provincial High-tech zone"), caption
    chinese = open_page("overview.py", zone="盐湖高新区").sidebar.caption[0].value
    assert chinese.endswith("省级高新区"), chinese


@pytest.mark.parametrize("page", [file_name for file_name, *_ in PAGES if file_name != "present.py"])
def test_no_plotly_toolbar_over_a_chart_title(demo_db, page):
    """Plotly's toolbar sits over the top right of a chart, where a long title or the legend is: it is off
    (Streamlit's own element toolbar still offers full screen; the panel offers PNG, CSV and Excel)."""
    import json

    app = open_page(page, zone="盐湖高新区", year="2021")
    configs = [json.loads(chart.proto.config or "{}") for chart in app.get("plotly_chart")]
    assert all(config.get("displayModeBar") is False for config in configs), configs
