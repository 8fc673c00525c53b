"""Issue #7: zone, project and firm names holding `<script>`, `<img onerror>`, markdown, `<b>`, `javascript:`
links and 300 characters are shown as plain text on every page (AppTest), in charts and in the exports.

The database is `hostile_db` (tests/conftest.py): the demo plus one zone built from tests/builders.py's
hostile inputs through the real ETL. The browser half is tests/browser/test_hostile_names_browser.py.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from devzone import charts, fmt
from tests.builders import (
    HOSTILE_ZONE_ID,
    HOSTILE_ZONE_NAME,
    HOSTILE_ZONE_SHORT,
    LONG_NAME,
    XSS_BOLD,
    XSS_IMG,
    XSS_LINK,
    XSS_MARKDOWN,
    XSS_SCRIPT,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGES = ["overview", "projects", "enterprises", "output_tax", "rankings", "chains", "progress", "data_quality",
         "present", "data_admin"]
YEAR = "2025"
TIMEOUT = 90
# Pieces of the hostile names that must never reach HTML or plotly text as they are (plotly and st.html read
# tags); markdown (st.markdown, captions, titles, labels) also reads `**` and links.
RAW_HTML = ("<script", "<img", "<b>加粗", "</b>链主", "<a href", "<b>开发区")
RAW = (*RAW_HTML, "**粗体**", "](javascript:", "**运城**")


@pytest.fixture(scope="module")
def hostile_env(hostile_db):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEVZONE_DB", str(hostile_db))
        yield hostile_db


def open_page(page: str, **params: str) -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params.update({"zone": HOSTILE_ZONE_ID, "year": YEAR, "lang": "zh", **params})
    if page != "overview":
        app.switch_page(f"app_pages/{page}.py")
    return app.run()


def markdown_texts(app: AppTest) -> Iterator[tuple[str, str]]:
    """(kind, source) of every piece of text Streamlit renders as markdown, main area and sidebar."""
    for node in _walk(app._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None:
            continue
        if kind in ("markdown", "caption", "title", "header", "subheader", "divider", "info", "warning", "success",
                    "error"):
            yield kind, proto.body
        elif kind == "metric":
            yield "metric", proto.label
            yield "metric_help", proto.help
            yield "metric_delta_description", proto.delta_description
        elif kind in ("expander", "tab"):
            yield kind, node.label
        elif hasattr(proto, "label") and isinstance(proto.label, str):
            yield f"{kind}_label", proto.label
            if isinstance(getattr(proto, "help", None), str):
                yield f"{kind}_help", proto.help


def html_texts(app: AppTest) -> list[str]:
    return [node.proto.body for node in _walk(app._tree) if getattr(node, "type", "") == "html"]


def _walk(node) -> Iterator[object]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def chart_strings(app: AppTest) -> list[str]:
    found: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        collect(spec.get("data"))
        collect(spec.get("layout"))
    return found


def leaks(texts: list[str], raw: tuple[str, ...] = RAW) -> list[str]:
    """Texts holding a hostile piece as it is (a backslash-escaped character in markdown does not count)."""
    return [text[:160] for text in texts if any(piece in re.sub(r"\\.", "", text) for piece in raw)]


def project_id(db_path: Path, name: str) -> str:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT project_id FROM projects WHERE project_name = ?", [name]).fetchone()[0]
    finally:
        con.close()


def assert_plain(app: AppTest) -> list[str]:
    """No exception, no hostile piece as it is in markdown, st.html or a chart; returns the markdown texts."""
    assert not app.exception, [e.value for e in app.exception]
    shown = [text for _, text in markdown_texts(app)]
    assert leaks(shown) == []
    assert leaks(html_texts(app), RAW_HTML) == []
    assert leaks(chart_strings(app), RAW_HTML) == []
    # not vacuous: the zone is named on every page (at least in the sidebar caption), escaped
    assert any(fmt.plain(HOSTILE_ZONE_NAME) in text for text in shown), shown[:20]
    return shown


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_hostile_names_as_plain_text(hostile_env, page):
    assert_plain(open_page(page))


@pytest.mark.parametrize("view", ["xun", "month", "quarter"])
def test_progress_sections(hostile_env, view):
    assert_plain(open_page("progress", view=view))


@pytest.mark.parametrize("name", [XSS_MARKDOWN, XSS_SCRIPT, LONG_NAME])
def test_project_detail(hostile_env, name):
    shown = assert_plain(open_page("projects", project=project_id(hostile_env, name)))
    assert any(fmt.plain(name) in text for text in shown)


def test_every_slide(hostile_env):
    number, seen_zone = 1, False
    while True:
        app = open_page("present", slide=str(number))
        shown = assert_plain(app)
        seen_zone = seen_zone or any(fmt.plain(HOSTILE_ZONE_SHORT) in text for text in shown)
        counter = [text for text in shown if "/" in text and text.replace(" ", "").split("/")[0].isdigit()]
        total = int(counter[-1].replace(" ", "").split("/")[1])
        if number >= total:
            break
        number += 1
    assert number > 3 and seen_zone


def test_chart_builders_escape_names_but_keep_their_own_markup():
    frame = pd.DataFrame({"label": [XSS_BOLD, XSS_LINK], "value": [2.0, 1.0], "text": ["2", "1"],
                          "key": ["a", "b"]})
    fig = charts.ranking_bar(frame, label="label", value="value", text="text", chosen="a", key="key",
                             axis_title=XSS_SCRIPT, title=XSS_IMG)
    spec = fig.to_plotly_json()
    assert list(spec["data"][0]["y"]) == ["&lt;a href=\"javascript:window.__xss=1\"&gt;点我&lt;/a&gt;",
                                          "&lt;b&gt;加粗&lt;/b&gt;"]
    assert spec["layout"]["title"]["text"] == '&lt;img src=x onerror="window.__xss=1"&gt;'
    assert spec["layout"]["xaxis"]["title"]["text"] == "&lt;script&gt;window.__xss=1&lt;/script&gt;"
    assert spec["data"][0]["hovertemplate"] == "%{y}<br>%{text}<extra></extra>"  # the builder's own markup
    assert frame["label"].tolist() == [XSS_BOLD, XSS_LINK]  # the caller's frame is not changed
    counts = charts.zone_counts(pd.DataFrame({"zone": [XSS_BOLD], "zone_id": ["z"], "n": [1]}), label="zone",
                                key="zone_id", chosen="z", measures={"n": "签约"})
    assert list(counts.data[0].y) == [f"<b><span style='color:{charts.HIGHLIGHT}'>&lt;b&gt;加粗&lt;/b&gt;</span></b>"]


def test_plain_markdown():
    assert fmt.plain(XSS_MARKDOWN) == r"\*\*粗体\*\* \[链接\]\(javascript\:window\.\_\_xss=1\)"
    assert fmt.plain("盐湖高新区") == "盐湖高新区"
    assert fmt.plain(None) == fmt.MISSING
