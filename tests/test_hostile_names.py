"""Issue #7: zone, project and firm names holding `<script>`, `<img onerror>`, markdown, `<b>`, `javascript:`
links and 300 characters are shown as plain text on every page (AppTest), in charts and in the exports.

The database is `hostile_db` (tests/conftest.py): the demo plus one zone built from tests/builders.py's
hostile inputs through the real ETL. The browser half is tests/browser/test_hostile_names_browser.py.
"""
from __future__ import annotations

import io
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
PAGES = ["overview", "projects", "enterprises", "output_tax", "rankings", "map", "chains", "progress", "data_quality",
         "present", "data_admin"]
YEAR = "2025"
TIMEOUT = 90
# Pieces of the hostile names that must never reach HTML or plotly text as they are (plotly and st.html read
# tags); markdown (st.markdown, captions, titles, labels) also reads `**` and links.
RAW_HTML = ("<script", "<img", "<b>加粗", "</b>链主", "<a href", "<b>开发区")
RAW = (*RAW_HTML, "**粗体**", "](javascript:", "**运城**", "www.evil")  # a bare URL would be auto-linked


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
    assert spec["data"][0]["hoverinfo"] == "skip"  # the label says it: no hover box over it
    assert frame["label"].tolist() == [XSS_BOLD, XSS_LINK]  # the caller's frame is not changed
    counts = charts.zone_counts(pd.DataFrame({"zone": [XSS_BOLD], "zone_id": ["z"], "n": [1]}), label="zone",
                                key="zone_id", chosen="z", measures={"n": "签约"})
    assert list(counts.data[0].y) == [f"<b><span style='color:{charts.HIGHLIGHT}'>&lt;b&gt;加粗&lt;/b&gt;</span></b>"]


def test_plain_markdown():
    assert fmt.plain(XSS_MARKDOWN) == (r"\*\*粗体\*\* \[链接\]\(javascript\:window\.\_\_xss=1\) "
                                       r"www\.evil\.example")
    assert fmt.plain("盐湖高新区") == "盐湖高新区"
    assert fmt.plain(None) == fmt.MISSING


# ---------------------------------------------------------------- exports: the names come back as typed

@pytest.fixture(scope="module")
def hostile_story(hostile_db):
    from devzone.export import data as report_data
    from devzone.export import story

    load = report_data.direct_loader(hostile_db)
    zone_year = report_data.gather(load, HOSTILE_ZONE_ID, int(YEAR))
    return load, zone_year, story.zone_story(zone_year, "zh")


def pptx_texts(data: bytes) -> list[str]:
    from pptx import Presentation

    texts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                texts += [str(c) for plot in shape.chart.plots for c in plot.categories]
                texts += [s.name for plot in shape.chart.plots for s in plot.series]
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


def not_escaped(texts: list[str]) -> list[str]:
    """Exports take names as they are: no HTML entity or markdown backslash from the screen's escaping."""
    return [t for t in texts if "&lt;" in t or "&gt;" in t or "\\<" in t or "\\*" in t]


def test_deck_shows_the_names_as_typed(hostile_story):
    from devzone.export import deck

    _, _, the_story = hostile_story
    texts = pptx_texts(deck.render(the_story))
    everything = "\n".join(texts)
    assert HOSTILE_ZONE_SHORT in everything
    assert not_escaped(texts) == []


def test_workbook_shows_the_names_as_typed(hostile_story):
    import openpyxl

    from devzone.export import workbook

    _, zone_year, the_story = hostile_story
    book = openpyxl.load_workbook(io.BytesIO(workbook.zone_workbook(zone_year, the_story, "zh")))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert not_escaped(cells) == []
    assert any(HOSTILE_ZONE_SHORT in c for c in cells)
    assert {XSS_SCRIPT, XSS_IMG, XSS_MARKDOWN, XSS_LINK} <= set(cells), "the projects signed in 2025"
    assert all(c.data_type != "f" for sheet in book.worksheets for row in sheet.iter_rows() for c in row)


def test_summary_and_bulletin_show_the_names_as_typed(hostile_story):
    from devzone.export import bulletin, deck, summary

    load, _, the_story = hostile_story
    paragraph = summary.paragraph(HOSTILE_ZONE_ID, int(YEAR), "zh", load=load)
    assert not_escaped([paragraph, the_story.summary]) == []
    month = bulletin.gather(load, "山西省", int(YEAR), 11)
    texts = pptx_texts(deck.render(bulletin.bulletin_story(month, "zh", highlight=HOSTILE_ZONE_ID)))
    assert HOSTILE_ZONE_SHORT in "\n".join(texts)
    assert not_escaped(texts) == []


def test_page_downloads_show_the_names_as_typed(hostile_db):
    from devzone import tables
    from devzone.export import workbook

    frame = pd.DataFrame({"项目名称": [XSS_SCRIPT, XSS_MARKDOWN, "=HYPERLINK(\"javascript:x\")"], "n": [1, 2, 3]})
    book = __import__("openpyxl").load_workbook(io.BytesIO(workbook.to_xlsx_bytes(
        frame, notes=[("开发区", HOSTILE_ZONE_SHORT)])))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    values = [c.value for c in cells]
    assert XSS_SCRIPT in values and XSS_MARKDOWN in values and HOSTILE_ZONE_SHORT in values
    assert all(c.data_type != "f" for c in cells)  # formula neutralisation is kept
    assert XSS_SCRIPT in tables.to_csv_bytes(frame).decode("utf-8-sig")


def test_png_of_a_chart_with_hostile_names(hostile_story):
    from tests.conftest import ARTIFACTS_DIR, chromium_path

    if chromium_path() is None:
        pytest.skip("no Chromium for kaleido")
    from devzone.export import figures, images

    _, _, the_story = hostile_story
    chart = next(c for c in the_story.charts() if c.key == "ranking")
    fig = figures.figure(chart)
    drawn = images.presentation_figure(fig, title=chart.title + XSS_BOLD, caption="数据来源：" + XSS_LINK)
    strings = []

    def collect(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                collect(v)
    collect(json.loads(drawn.to_json()))
    assert leaks(strings, RAW_HTML) == []
    assert any("&lt;script&gt;" in s for s in strings)  # the hostile zone is on the ranking, escaped
    png = images.png_bytes(fig, title=chart.title + XSS_BOLD, caption="数据来源：" + XSS_LINK)
    assert png.startswith(b"\x89PNG")
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS_DIR / "hostile_names_ranking.png").write_bytes(png)


# ---------------------------------------------------------------- the data admin page's own texts (issue #14)
# A file or sheet name is chosen by whoever made the file: in markdown it must not become a link, neither a
# `[x](y)` one nor a bare URL that GitHub-flavoured markdown links by itself.
HOSTILE_FILE = "[点我](https://evil.example/x) https://evil.example/y www.evil.example 表.csv"
LINK_PIECES = ("](", "https://evil", "www.evil")


def test_upload_problems_show_file_names_as_plain_text():
    from devzone import admin_view as view

    uploads = [view.Upload(HOSTILE_FILE, b""), view.Upload(HOSTILE_FILE, b"x"), view.Upload(HOSTILE_FILE + ".exe", b"x"),
               view.Upload("." + HOSTILE_FILE, b"x"), view.Upload("大" + HOSTILE_FILE, b"x" * (2 * 1024 * 1024))]
    problems = view.upload_problems(uploads, "zh", max_mb=1) + view.upload_problems(uploads, "en", max_mb=1)
    assert len(problems) >= 2 * len(uploads)  # empty, duplicate, wrong type, bad name, too big: each said
    assert leaks(problems, LINK_PIECES) == []
    assert sum(fmt.plain(HOSTILE_FILE) in p for p in problems) >= 2


def test_the_sheets_read_show_file_and_sheet_names_as_plain_text():
    from types import SimpleNamespace

    from devzone import admin_view as view

    sheet = "[工作表](https://evil.example/s)"
    result = SimpleNamespace(sheets=[SimpleNamespace(file_name=HOSTILE_FILE, sheet=sheet, layout="long", rows=3)])
    for lang in ("zh", "en"):
        shown = view.sheets_markdown(result, lang)
        assert leaks([shown], LINK_PIECES) == []
        assert fmt.plain(HOSTILE_FILE) in shown and fmt.plain(sheet) in shown
