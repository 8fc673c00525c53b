"""Planted `=`, `+`, `-`, `@` names never become formulas in any export: the Excel workbook, the workbooks
embedded in the deck's native charts (what PowerPoint's “编辑数据” opens) and the Word documents."""
from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import openpyxl
import pandas as pd
from pptx import Presentation

from devzone.export import deck, official, story, workbook, zone_report
from devzone.export.story import Chart, Series, Slide, Story

PLANTED = ("=1+2", "+1+2", "-1+2", "@SUM(A1:A3)", "=HYPERLINK(\"http://example.invalid\",\"x\")")


def embedded_cells(pptx: bytes) -> list:
    cells = []
    for slide in Presentation(io.BytesIO(pptx)).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                blob = shape.chart.part.chart_workbook.xlsx_part.blob
                book = openpyxl.load_workbook(io.BytesIO(blob))
                cells += [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
                          if c.value is not None]
    return cells


def planted_story() -> Story:
    chart = Chart(key="planted", kind="bar", title="图", categories=PLANTED,
                  series=(Series("=SUM(1,2)", tuple(float(i) for i in range(len(PLANTED))),
                                 tuple(str(i) for i in range(len(PLANTED)))),))
    slide = Slide(key="planted", title="植入的名称", charts=(chart,))
    return Story(title="t", subtitle="s", lang="zh", slides=[slide], file_stem="planted")


def test_chart_workbooks_of_the_deck_keep_planted_names_as_text():
    cells = embedded_cells(deck.render(planted_story()))
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert set(PLANTED) <= texts and "=SUM(1,2)" in texts
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


def test_demo_deck_chart_workbooks_store_numbers_as_numbers_and_names_as_text(seed):
    cells = embedded_cells(deck.render(story.zone_story(seed, "zh")))
    assert cells and not [c for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, float | int) for c in cells)


def test_planted_project_and_zone_names_in_the_workbook_and_docx(seed):
    zone = seed.zone.copy()
    zone["short_name"] = PLANTED[0]
    projects = seed.projects.copy()
    names = (list(PLANTED) * len(projects))[:len(projects)]
    projects["project_name"] = names
    zy = dataclasses.replace(seed, zone=zone, projects=projects)
    the_story = story.zone_story(zy, "zh")
    book = openpyxl.load_workbook(io.BytesIO(workbook.zone_workbook(zy, the_story, "zh")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c for c in embedded_cells(deck.render(the_story)) if c.data_type == "f"]
    xml = zipfile.ZipFile(io.BytesIO(official.render(zone_report.build(zy, "zh")))).read("word/document.xml")
    text = xml.decode()
    assert PLANTED[0] in text and "<w:instrText" not in text and "<w:fldSimple" not in text
    assert pd.Series(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", text)).str.contains("=1+2", regex=False).any()
