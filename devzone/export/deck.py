"""The storyline as a PowerPoint deck (python-pptx): 16:9, native editable charts, CJK fonts set explicitly.

    pptx_bytes = deck.zone_deck("X140802", 2021, "zh")             # the 工作推进会 deck
    pptx_bytes = deck.render(story, template=deck.find_template())   # any Story (e.g. the 月通报)

- Charts are python-pptx chart objects with their data embedded (bar, clustered column, line,
  doughnut), so a presenter can restyle or edit them in PowerPoint or WPS.
- Every run names its typefaces: latin and east-asian (`a:ea`) = 微软雅黑, with the GB2312 charset
  and panose of a CJK sans, so a machine without 微软雅黑 substitutes a CJK sans (LibreOffice on
  Debian picks Noto Sans CJK SC). `font=` chooses another typeface (e.g. "Noto Sans CJK SC").
- Every slide has a source line; every slide that shows synthetic values a red "模拟数据" mark.
- A user template (`data/templates/*.pptx`, or `template=`) lends its master and layouts: its title
  placeholders carry the slide titles, the content is laid out below them; its own slides are dropped.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from devzone import charts as house
from devzone.export import data as report_data
from devzone.export import story as story_mod
from devzone.export.story import PERCENT_FORMAT, Chart, Kpi, Slide, Story
from devzone.i18n import t

DEFAULT_FONT = "微软雅黑"
FALLBACK_FONT = "Noto Sans CJK SC"
# How 微软雅黑 describes itself, so a viewer without it can pick a CJK sans-serif instead.
_CJK_SANS = {"panose": "020B0503020204020204", "pitchFamily": "34", "charset": "-122"}
SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "data" / "templates"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

INK = RGBColor.from_string(house.INK.lstrip("#"))
MUTED = RGBColor(0x5D, 0x6D, 0x7E)
HIGHLIGHT = RGBColor.from_string(house.HIGHLIGHT.lstrip("#"))
OTHERS = RGBColor.from_string(house.OTHERS.lstrip("#"))
TILE = RGBColor(0xF2, 0xF4, 0xF7)
BAND = RGBColor(0xF7, 0xF9, 0xFB)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
PALETTE = [RGBColor.from_string(c.lstrip("#")) for c in house.PALETTE]
UP = RGBColor.from_string(house.PALETTE[0].lstrip("#"))
DOWN = HIGHLIGHT
REAL = RGBColor.from_string(house.LEVEL_COLORS["green"].lstrip("#"))  # the 真实 tag on a KPI tile


# ---------------------------------------------------------------- fonts

def _typefaces(font, typeface: str) -> None:
    """Latin and east-asian typeface on one run / paragraph default (python-pptx sets latin only)."""
    font.name = typeface
    rpr = font._rPr  # noqa: SLF001 - python-pptx has no API for a:ea
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    ea = etree.SubElement(rpr, qn("a:ea"))
    rpr.remove(ea)
    latin.addnext(ea)
    ea.set("typeface", typeface)
    if typeface == DEFAULT_FONT:
        for key, value in _CJK_SANS.items():
            ea.set(key, value)
            latin.set(key, value)
    rpr.set("lang", "zh-CN")  # the text is Chinese (zone and project names even in English decks):
    rpr.set("altLang", "en-US")  # a viewer choosing a substitute picks Simplified Chinese glyphs


def _style(font, typeface: str, size: float, *, bold: bool = False, color: RGBColor = INK) -> None:
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = color
    _typefaces(font, typeface)


def _theme_fonts(prs, typeface: str) -> None:
    """The theme's major/minor fonts (what new text in PowerPoint uses) — CJK script set too."""
    master_part = prs.slide_masters[0].part
    for rel in master_part.rels.values():
        if rel.reltype.endswith("/theme"):
            theme = etree.fromstring(rel.target_part.blob)
            for scheme in theme.iter(qn("a:majorFont"), qn("a:minorFont")):
                for tag in ("a:latin", "a:ea"):
                    node = scheme.find(qn(tag))
                    if node is not None:
                        node.set("typeface", typeface)
                hans = [f for f in scheme.findall(qn("a:font")) if f.get("script") == "Hans"]
                if hans:
                    hans[0].set("typeface", typeface)
                else:
                    etree.SubElement(scheme, qn("a:font"), script="Hans", typeface=typeface)
            rel.target_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8",  # noqa: SLF001
                                                   standalone=True)
            return


# ---------------------------------------------------------------- geometry

class Frame:
    """Positions as fractions of the slide, so a 4:3 or odd-sized template still lays out."""

    def __init__(self, width: int, height: int, content_top: float = 0.19):
        self.width, self.height = width, height
        self.scale = width / SLIDE_WIDTH
        self.margin = 0.045
        self.content_top = content_top
        self.content_bottom = 0.895

    def box(self, left: float, top: float, width: float, height: float) -> tuple[Emu, Emu, Emu, Emu]:
        return (Emu(int(self.width * left)), Emu(int(self.height * top)),
                Emu(int(self.width * width)), Emu(int(self.height * height)))

    def pt(self, size: float) -> float:
        return max(8.0, round(size * self.scale, 1))

    @property
    def inner_width(self) -> float:
        return 1 - 2 * self.margin


# Advance widths (em) of Latin glyphs, rounded up from Noto Sans CJK SC Bold: LibreOffice puts that font in for
# 微软雅黑, whose Latin is no wider. Half an em each (the old measure) let `RMB 17.98 bn` run past its tile.
_LATIN_EMS = {**dict.fromkeys(" ", 0.25), **dict.fromkeys("ijlI',.:;|", 0.34),
              **dict.fromkeys("f!-()[]{}/\\tr", 0.45), **dict.fromkeys("sz*?c", 0.55),
              **dict.fromkeys("BCDGHKNOPQRU&`", 0.78), **dict.fromkeys("MmWw%@", 1.02)}
_OTHER_LATIN_EMS = 0.65


def _char_ems(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WFA":  # CJK, full-width, and ※ ▲ “ ” (a full em in a CJK font)
        return 1.0
    return _LATIN_EMS.get(ch, _OTHER_LATIN_EMS)


def _text_width(text: str) -> float:
    """Display width in half-ems (a CJK character counts 2), never narrower than the rendered glyphs."""
    return 2 * sum(_char_ems(ch) for ch in str(text))


# LibreOffice sets lines of Noto Sans CJK 1.17–1.27 em apart; the tiles are laid out at 1.3.
KPI_LINE_HEIGHT = 1.3


def _wrapped_lines(text: str, size: float, width_pt: float) -> int:
    """Lines `text` takes at `size` pt in a box `width_pt` wide: Latin words stay whole, CJK breaks anywhere."""
    lines, used = 1, 0.0
    for token in re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+|.", str(text)):
        need = _text_width(token.rstrip()) / 2 * size
        if used and used + need > width_pt:
            lines, used = lines + 1, 0.0
        used += _text_width(token) / 2 * size
    return lines


def _fitting_size(text: str, frame: Frame, width: float, height: float, *, spacing: float) -> float:
    """The largest type (24 pt down to 12 pt) at which `text` fills the box without overflowing."""
    width_pt = frame.width * width / 12700 - 14  # EMU -> pt, minus the text box margins
    height_pt = frame.height * height / 12700 - 10
    ems = _text_width(text) / 2 + 2
    for size in (24, 22, 20, 19, 18, 17, 16, 15, 14, 13, 12):
        size = frame.pt(size)
        lines = -(-ems * size * 1.04 // width_pt)
        if lines * size * spacing * 1.2 <= height_pt:
            return size
    return frame.pt(12)


BULLET_SPACING = 1.3
MIN_BULLET_SIZE = 14  # chart and slide text never below 14 pt


def bullets_height(bullets: Sequence[str], frame: Frame, width: float, size: float) -> float:
    """Points the bullets need in a box `width` (fraction of the slide) wide at `size` pt: wrapped lines at the
    line spacing, plus the space after each paragraph (as `_bullets` writes them)."""
    width_pt = frame.width * width / 12700 - 14
    needed = 0.0
    for bullet in bullets:
        ems = _text_width("■  " + bullet) / 2
        lines = max(1, -(-ems * size * 1.04 // width_pt))
        needed += lines * size * BULLET_SPACING * 1.2 + size * 0.6
    return needed


def note_height(note: str, frame: Frame, size: float = 15) -> float:
    """The height (fraction of the slide) a slide's note needs across the slide: a long key to 真实 and ※ takes
    two lines, and the tiles or chart below start under it, not over it."""
    size = frame.pt(size)
    width_pt = frame.width * frame.inner_width / 12700 - 14
    lines = max(1, -(-_text_width(note) / 2 * size * 1.04 // width_pt))
    return max(0.05, (lines * size * 1.2 + 12) * 12700 / frame.height)


def _box_pt(frame: Frame, height: float) -> float:
    return frame.height * height / 12700 - 10


def _pages_of(bullets: Sequence[str], frame: Frame, width: float, height: float, size: float) -> list[list[str]]:
    """The bullets cut into pages that each fit a box of `width` × `height` (fractions of the slide)."""
    room = _box_pt(frame, height)
    pages: list[list[str]] = [[]]
    for bullet in bullets:
        if pages[-1] and bullets_height([*pages[-1], bullet], frame, width, size) > room:
            pages.append([])
        pages[-1].append(bullet)
    return pages


def _continued(spec: Slide, frame: Frame, lang: str) -> list[Slide]:
    """A slide whose bullets do not fit continues on “（续）” slides holding the rest (only bullets)."""
    if not spec.bullets or spec.kpis or spec.key == "title":
        return [spec]
    size = frame.pt(BULLETS_ONLY_SIZE)
    top = frame.content_top + (0.06 if spec.note else 0)
    height = frame.content_bottom - top
    if spec.charts or spec.table is not None:
        if _strip_height(spec.bullets, frame) is not None or _column_fits(spec, frame, height):
            return [spec]
        first, rest = dataclasses.replace(spec, bullets=()), list(spec.bullets)
    else:
        first, rest = None, list(spec.bullets)
    full = frame.content_bottom - frame.content_top  # a continuation slide has no note
    pages: list[list[str]] = []
    while rest:
        room = height if first is None and not pages else full
        page = _pages_of(rest, frame, frame.inner_width, room, size)[0]
        pages.append(page)
        rest = rest[len(page):]
    out = [] if first is None else [first]
    for page in pages:
        title = spec.title if not out else t("deck.continued", lang, title=spec.title)
        key = spec.key if not out else f"{spec.key}_cont{len(out)}"
        out.append(dataclasses.replace(spec, key=key, title=title, bullets=tuple(page), charts=(), table=None,
                                       note=spec.note if not out else "", text=""))
    return out


def _strip_height(bullets: Sequence[str], frame: Frame) -> float | None:
    """The height (fraction of the slide) of a strip of ≤ 2 bullets under a chart or table, or None when the
    bullets are more, or would take more than a quarter of the content area."""
    if len(bullets) > 2:
        return None
    needed = bullets_height(bullets, frame, frame.inner_width, frame.pt(STRIP_SIZE)) + 10
    fraction = needed * 12700 / frame.height + 0.01
    return fraction if fraction <= (frame.content_bottom - frame.content_top) / 4 else None


def _column_fits(spec: Slide, frame: Frame, height: float) -> bool:
    width = _column_width(spec, frame)
    return bullets_height(spec.bullets, frame, width, frame.pt(COLUMN_SIZE)) <= _box_pt(frame, height)


def _column_width(spec: Slide, frame: Frame) -> float:
    kinds = ["chart"] * sum(len(story_mod.halves(c)) for c in spec.charts)
    if spec.table is not None and not spec.table.empty:
        kinds.append("table")
    kinds.append("bullets")
    weights = {"chart": 1.0, "table": 1.2, "bullets": 0.75}
    usable = frame.inner_width - 0.025 * (len(kinds) - 1)
    return usable * weights["bullets"] / sum(weights[k] for k in kinds)


BULLETS_ONLY_SIZE, COLUMN_SIZE, STRIP_SIZE = 18, 16, 15


# ---------------------------------------------------------------- template handling

def find_template(directory: str | os.PathLike[str] | None = None) -> Path | None:
    """The first `*.pptx` or `*.potx` (by name) in `directory` (default: DEVZONE_TEMPLATES or data/templates/)."""
    folder = Path(directory or os.environ.get("DEVZONE_TEMPLATES") or TEMPLATES_DIR)
    if not folder.is_dir():
        return None
    candidates = sorted(p for pattern in ("*.pptx", "*.potx") for p in folder.glob(pattern)
                        if not p.name.startswith(("~$", ".")))
    return candidates[0] if candidates else None


_TEMPLATE_TYPE = b"presentationml.template.main+xml"
_PRESENTATION_TYPE = b"presentationml.presentation.main+xml"


def _open_template(path: str | os.PathLike[str]):
    """A .pptx, or a .potx (PowerPoint 模板: the same parts, its main part typed as a template), opened so
    that its masters and layouts can be used; the file itself is not changed."""
    import zipfile

    with open(path, "rb") as handle:
        raw = handle.read()
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        types = source.read("[Content_Types].xml")
        if _TEMPLATE_TYPE not in types:
            return Presentation(io.BytesIO(raw))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    data = data.replace(_TEMPLATE_TYPE, _PRESENTATION_TYPE)
                target.writestr(item, data)
    return Presentation(io.BytesIO(out.getvalue()))


def _drop_slides(prs) -> None:
    slide_ids = prs.slides._sldIdLst  # noqa: SLF001 - python-pptx cannot delete slides
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def _has_title(layout) -> bool:
    return any(ph.placeholder_format.type in (1, 3) for ph in layout.placeholders)  # TITLE, CENTER_TITLE


def _pick_layouts(prs, from_template: bool):
    layouts = list(prs.slide_layouts)
    by_name = {layout.name.strip().lower(): layout for layout in layouts}
    title_layout = next((by_name[n] for n in ("title slide", "标题幻灯片") if n in by_name), layouts[0])
    content = next((by_name[n] for n in ("title only", "仅标题") if n in by_name), None)
    if content is None:
        titled = [lay for lay in layouts if _has_title(lay) and lay is not title_layout] or layouts
        content = min(titled, key=lambda lay: len(lay.placeholders))
    return title_layout, content


def _remove_empty_placeholders(slide, keep: Sequence[object] = ()) -> None:
    for shape in list(slide.placeholders):
        if shape in keep:
            continue
        if not shape.has_text_frame or not shape.text_frame.text.strip():
            shape._element.getparent().remove(shape._element)  # noqa: SLF001


# ---------------------------------------------------------------- drawing helpers

def _textbox(slide, box, paragraphs: Sequence[tuple[str, float, bool, RGBColor]], typeface: str, *,
             align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP, wrap: bool = True, spacing: float = 1.15,
             indent_first: float = 0.0):
    shape = slide.shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = wrap
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for i, (text, size, bold, color) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = spacing
        if indent_first:
            paragraph._p.get_or_add_pPr().set("indent", str(int(Pt(size * indent_first))))  # noqa: SLF001
        run = paragraph.add_run()
        run.text = text
        _style(run.font, typeface, size, bold=bold, color=color)
    return shape


def _set_title(shape, text: str, typeface: str, size: float) -> None:
    frame = shape.text_frame
    frame.text = ""
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    _style(run.font, typeface, size, bold=True)


def _badge(slide, frame: Frame, text: str, typeface: str) -> None:
    left, top, width, height = frame.box(1 - frame.margin - 0.13, 0.035, 0.13, 0.065)
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = HIGHLIGHT
    shape.line.fill.background()
    shape.shadow.inherit = False
    text_frame = shape.text_frame
    text_frame.margin_left = text_frame.margin_right = Inches(0.02)
    text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    run = paragraph.add_run()
    run.text = text
    _style(run.font, typeface, frame.pt(14), bold=True, color=WHITE)
    shape.name = "synthetic-mark"


def _footer(slide, frame: Frame, source: str, number: int, typeface: str) -> None:
    if source:
        box = _textbox(slide, frame.box(frame.margin, 0.925, frame.inner_width - 0.06, 0.05),
                       [(source, frame.pt(10.5), False, MUTED)], typeface, anchor=MSO_ANCHOR.MIDDLE)
        box.name = "source-line"
    _textbox(slide, frame.box(1 - frame.margin - 0.05, 0.925, 0.05, 0.05),
             [(str(number), frame.pt(10.5), False, MUTED)], typeface, align=PP_ALIGN.RIGHT,
             anchor=MSO_ANCHOR.MIDDLE).name = "slide-number"


# ---------------------------------------------------------------- native charts

_CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "doughnut": XL_CHART_TYPE.DOUGHNUT,
}


class _TextSafeWorkbookWriter(CategoryWorkbookWriter):
    """The workbook embedded in a chart (PowerPoint's “编辑数据”): a category or series named `=1+2` is stored
    as text, never as a formula (XlsxWriter would otherwise write any string starting with `=` as one)."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        from xlsxwriter import Workbook

        book = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        sheet = book.add_worksheet()
        yield book, sheet
        book.close()


class _TextSafeChartData(CategoryChartData):
    @property
    def _workbook_writer(self):
        return _TextSafeWorkbookWriter(self)


def _chart(slide, box, spec: Chart, typeface: str, frame: Frame, *, show_title: bool = True,
           axis_max: float | None = None):
    chart_data = _TextSafeChartData(number_format=spec.number_format)
    chart_data.categories = list(spec.categories)
    for series in spec.series:
        chart_data.add_series(series.name, [None if v is None else float(v) for v in series.values])
    graphic = slide.shapes.add_chart(_CHART_TYPES[spec.kind], *box, chart_data)
    graphic.name = f"chart-{spec.key}"
    chart = graphic.chart
    base = frame.pt(MIN_BULLET_SIZE)  # chart text never below 14 pt; long rankings are split in halves instead
    _style(chart.font, typeface, base)
    chart.has_title = show_title
    if show_title:
        chart.chart_title.text_frame.text = spec.title
        for paragraph in chart.chart_title.text_frame.paragraphs:
            for run in paragraph.runs:
                _style(run.font, typeface, frame.pt(14), bold=True)
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    _style(labels.font, typeface, base)
    many = len(spec.series) > 1
    chart.has_legend = many or spec.kind == "doughnut"
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM if spec.kind != "doughnut" else XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout = False
        _style(chart.legend.font, typeface, base)
    if spec.kind == "doughnut":
        labels.number_format = "0.0%"
        labels.number_format_is_linked = False
        labels.show_percentage = True
        labels.show_value = False
        labels.show_category_name = False
        for i, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = PALETTE[i % len(PALETTE)]
        own = plot.series[0].data_labels  # series-level labels override the plot's: set them the same way
        own.number_format, own.number_format_is_linked = "0.0%", False
        own.show_percentage, own.show_value, own.show_category_name = True, False, False
        _style(own.font, typeface, base)
        _drop_thin_slice_labels(plot.series[0], spec.series[0].values)
        return chart
    labels.number_format = spec.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END if spec.kind != "line" else XL_LABEL_POSITION.ABOVE
    for i, series in enumerate(plot.series):
        colour = PALETTE[i % len(PALETTE)]
        if spec.kind == "line":
            series.format.line.color.rgb = HIGHLIGHT if not many else colour
            series.format.line.width = Pt(3)
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = (OTHERS if spec.highlight and spec.kind == "bar" and len(spec.highlight) == 1
                                                 else colour)
    if spec.kind in ("bar", "column"):
        plot.gap_width = 40 if spec.kind == "bar" else 80
        plot.overlap = 0
        plot.vary_by_categories = False
    if spec.highlight:
        for index, category in enumerate(spec.categories):
            if category in spec.highlight:
                point = plot.series[0].points[index]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = HIGHLIGHT
    category_axis, value_axis = chart.category_axis, chart.value_axis
    if spec.kind == "bar":
        category_axis.reverse_order = True  # first category (rank 1) on top
    _label_every_category(category_axis)
    _style(category_axis.tick_labels.font, typeface, base)
    _style(value_axis.tick_labels.font, typeface, base)
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xE4, 0xE7, 0xEB)
    value_axis.tick_labels.number_format = {PERCENT_FORMAT: "0%", story_mod.MONEY_FORMAT: "#,##0"}.get(
        spec.number_format, spec.number_format)
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.format.line.fill.background()
    if spec.kind != "line":
        value_axis.minimum_scale = 0
    if axis_max is not None:
        value_axis.maximum_scale = axis_max
    return chart


DOUGHNUT_MIN_SHARE = 0.06  # a slice thinner than this gets no label (the legend and the table name it)


def _drop_thin_slice_labels(series, values) -> None:
    """Percent labels on thin neighbouring slices collide: those slices' labels are deleted (`c:delete`)."""
    present = [0.0 if v is None else float(v) for v in values]
    total = sum(present)
    if total <= 0:
        return
    labels = series._element.get_or_add_dLbls()  # noqa: SLF001
    for index, value in enumerate(present):
        if value / total >= DOUGHNUT_MIN_SHARE:
            continue
        label = labels.get_or_add_dLbl_for_point(index)
        for child in list(label):
            if child.tag != qn("c:idx"):
                label.remove(child)
        etree.SubElement(label, qn("c:delete"), val="1")


def _label_every_category(axis) -> None:
    """`c:tickLblSkip=1`: viewers must not drop every other zone name on a 28-bar ranking."""
    cat_ax = axis._element  # noqa: SLF001
    if cat_ax.find(qn("c:tickLblSkip")) is not None:
        return
    skip = etree.SubElement(cat_ax, qn("c:tickLblSkip"), val="1")
    cat_ax.remove(skip)
    successor = next((cat_ax.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")
                      if cat_ax.find(qn(tag)) is not None), None)
    if successor is not None:
        successor.addprevious(skip)
    else:
        cat_ax.append(skip)


# ---------------------------------------------------------------- tables

def _table(slide, box, frame_data: pd.DataFrame, typeface: str, frame: Frame, size: float = 13):
    rows, cols = len(frame_data) + 1, len(frame_data.columns)
    left, top, width, height = box
    size, needs = _table_fit(frame_data, width / 12700, frame, size)
    row_height = Emu(int(Pt(frame.pt(size)) * 2.1))
    table_height = min(height, Emu(row_height * rows))
    graphic = slide.shapes.add_table(rows, cols, left, top, width, table_height)
    graphic.name = "table"
    table = graphic.table
    total = sum(needs)
    for i, need in enumerate(needs):  # what each column needs, and the spare room shared in proportion
        table.columns[i].width = Emu(int(width * need / total))
    for r in range(rows):
        table.rows[r].height = Emu(int(table_height / rows))
        for c in range(cols):
            cell = table.cell(r, c)
            text = str(frame_data.columns[c]) if r == 0 else str(frame_data.iat[r - 1, c])
            cell.text = ""
            cell.margin_left = cell.margin_right = TABLE_CELL_MARGIN
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            paragraph = cell.text_frame.paragraphs[0]
            run = paragraph.add_run()
            run.text = text
            header = r == 0
            _style(run.font, typeface, size, bold=header, color=WHITE if header else INK)
            paragraph.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.CENTER
            cell.fill.solid()
            cell.fill.fore_color.rgb = PALETTE[0] if header else (BAND if r % 2 == 0 else WHITE)
    return table


TABLE_CELL_MARGIN = Inches(0.06)


def _table_fit(frame_data: pd.DataFrame, width_pt: float, frame: Frame, size: float) -> tuple[float, list[float]]:
    """The largest type (from `size` down to 9 pt) at which every cell's text fits its column on one line, and
    the points each column needs at it."""
    columns = [[str(c), *frame_data[c].astype(str)] for c in frame_data.columns]
    margins = 2 * TABLE_CELL_MARGIN / 12700 + 2
    ems = [max(_text_width(text) / 2 for text in column) for column in columns]
    start = frame.pt(size)
    candidates = [start, *(s for s in range(int(start) - 1, 8, -1))]
    for candidate in candidates:
        needs = [e * candidate * 1.05 + margins for e in ems]
        if sum(needs) <= width_pt:
            return float(candidate), needs
    return float(candidates[-1]), [e * candidates[-1] * 1.05 + margins for e in ems]


# ---------------------------------------------------------------- slide bodies

# (small lines, value) scales tried in turn: the value gives way first, the small lines stay at 14 pt if they can.
KPI_SCALES = [*((s, v) for s in (1.0, 0.95, 0.9) for v in (1.0, 0.9, 0.8)),
              *((0.85, v) for v in (1.0, 0.9, 0.8, 0.7, 0.6)), *((s, v) for s in (0.8, 0.75) for v in (0.7, 0.6, 0.5))]


def _kpi_fit(lines: Sequence[tuple[str, float]], frame: Frame, width_pt: float, height_pt: float) -> tuple[float, float]:
    """(scale of the small lines, value size) for a tile's lines, the value second: the largest at which the wrapped
    lines fit the tile's height, the value (at most 44 pt) always on one line (KPI_SCALES: the order tried)."""
    value_fit = width_pt / (_text_width(lines[1][0]) / 2 * 1.05)
    for scale, value_scale in KPI_SCALES:
        sizes = _kpi_sizes(lines, frame, scale, min(frame.pt(44 * value_scale), value_fit))
        needed = sum(_wrapped_lines(text, size, width_pt) * size * KPI_LINE_HEIGHT
                     for (text, _), size in zip(lines, sizes, strict=True))
        if needed <= height_pt:
            break
    return scale, min(frame.pt(44 * value_scale), value_fit)


def _kpi_sizes(lines: Sequence[tuple[str, float]], frame: Frame, scale: float, value_pt: float) -> list[float]:
    return [value_pt if j == 1 else max(frame.pt(12), frame.pt(size * scale)) for j, (_, size) in enumerate(lines)]


def _kpi_tiles(slide, frame: Frame, kpis: Sequence[Kpi], typeface: str, top: float) -> None:
    columns = 3 if len(kpis) > 4 else 2 if len(kpis) == 4 else max(1, len(kpis))
    rows = -(-len(kpis) // columns)
    gap = 0.02
    top, bottom = top + 0.01, frame.content_bottom
    tile_w = (frame.inner_width - gap * (columns - 1)) / columns
    tile_h = (bottom - top - gap * (rows - 1)) / rows
    margin, margin_y = Inches(0.2), Inches(0.05)
    tiles = []
    for i, kpi in enumerate(kpis):
        r, c = divmod(i, columns)
        box = frame.box(frame.margin + c * (tile_w + gap), top + r * (tile_h + gap), tile_w, tile_h)
        arrow = {"up": "▲ ", "down": "▼ "}.get(kpi.direction, "")
        change_colour = UP if kpi.direction == "up" else DOWN if kpi.direction == "down" else MUTED
        lines = [(kpi.label, 18, False, MUTED), (kpi.value, 44, True, INK), (arrow + kpi.change, 18, False, change_colour)]
        if kpi.tag:  # a real figure among synthetic ones (devzone.fmt.real_tag)
            lines.insert(2, (kpi.tag, 15, True, REAL))
        if kpi.rank:
            lines.append((kpi.rank, 18, False, INK))
        fit = _kpi_fit([(text, size) for text, size, _, _ in lines], frame, (box[2] - 2 * margin) / 12700,
                       (box[3] - 2 * margin_y) / 12700)
        tiles.append((box, lines, fit))
    # One size for every tile of the slide, the smallest any tile needs: smaller type never needs more room.
    scale = min((fit[0] for _, _, fit in tiles), default=1.0)
    value_pt = min((fit[1] for _, _, fit in tiles), default=frame.pt(44))
    for i, (box, lines, _) in enumerate(tiles):
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *box)
        shape.adjustments[0] = 0.06
        shape.fill.solid()
        shape.fill.fore_color.rgb = TILE
        shape.line.fill.background()
        shape.shadow.inherit = False
        shape.name = f"kpi-{i + 1}"
        text_frame = shape.text_frame
        text_frame.word_wrap = True
        text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        text_frame.margin_left = text_frame.margin_right = margin
        text_frame.margin_top = text_frame.margin_bottom = margin_y
        sizes = _kpi_sizes([(text, size) for text, size, _, _ in lines], frame, scale, value_pt)
        for j, ((text, _, bold, colour), size) in enumerate(zip(lines, sizes, strict=True)):
            paragraph = text_frame.paragraphs[0] if j == 0 else text_frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = text
            _style(run.font, typeface, size, bold=bold, color=colour)


def _bullets(slide, frame: Frame, box, bullets: Sequence[str], typeface: str, size: float = 18) -> None:
    shape = _textbox(slide, box, [("■  " + b, frame.pt(size), False, INK) for b in bullets], typeface,
                     spacing=BULLET_SPACING)
    for paragraph in shape.text_frame.paragraphs:
        paragraph.space_after = Pt(frame.pt(size) * 0.6)
    shape.name = "bullets"


def _body(slide, frame: Frame, spec: Slide, typeface: str, lang: str) -> None:
    top = frame.content_top
    if spec.note:
        height = note_height(spec.note, frame)
        _textbox(slide, frame.box(frame.margin, top, frame.inner_width, height),
                 [(spec.note, frame.pt(15), False, MUTED)], typeface).name = "note"
        top += height + 0.01
    bottom = frame.content_bottom
    height = bottom - top
    if spec.kpis:
        _kpi_tiles(slide, frame, spec.kpis, typeface, top)
        return
    if spec.text and not spec.charts:
        size = _fitting_size(spec.text, frame, frame.inner_width, height, spacing=1.5)
        _textbox(slide, frame.box(frame.margin, top, frame.inner_width, height),
                 [(spec.text, size, False, INK)], typeface, spacing=1.5,
                 indent_first=2.0 if lang != "en" else 0.0).name = "summary-text"
        return
    strip = _strip_height(spec.bullets, frame) if spec.bullets and (spec.charts or spec.table is not None) else None
    strip_bullets = strip is not None
    if strip is not None:
        _bullets(slide, frame, frame.box(frame.margin, bottom - strip, frame.inner_width, strip), spec.bullets,
                 typeface, size=STRIP_SIZE)
        height -= strip + 0.01
    items: list[tuple[str, object]] = [("chart", c) for chart in spec.charts for c in story_mod.halves(chart)]
    axis_max = {c.key: story_mod.axis_max(chart) for chart in spec.charts for c in story_mod.halves(chart) if c is not chart}
    if spec.table is not None and not spec.table.empty:
        items.append(("table", spec.table))
    if spec.bullets and not strip_bullets:
        items.append(("bullets", spec.bullets))
    if not items:
        return
    weights = {"chart": 1.0, "table": 1.2, "bullets": 0.75}
    if len(items) == 1 and items[0][0] == "table":
        weights["table"] = 1.0
    total = sum(weights[kind] for kind, _ in items)
    gap = 0.025
    left = frame.margin
    usable = frame.inner_width - gap * (len(items) - 1)
    for kind, item in items:
        width = usable * weights[kind] / total
        box = frame.box(left, top, width, height)
        if kind == "chart":
            _chart(slide, box, item, typeface, frame, show_title=item.title != spec.title,  # type: ignore[union-attr]
                   axis_max=axis_max.get(item.key))  # type: ignore[union-attr]
        elif kind == "table":
            rows = len(item)  # type: ignore[arg-type]
            _table(slide, box, item, typeface, frame, size=14 if rows <= 8 else 12 if rows <= 14 else 10)  # type: ignore[arg-type]
        else:
            _bullets(slide, frame, box, item, typeface,  # type: ignore[arg-type]
                     size=BULLETS_ONLY_SIZE if len(items) == 1 else COLUMN_SIZE)
        left += width + gap


# ---------------------------------------------------------------- the deck

def render(story: Story, *, template: str | os.PathLike[str] | None = None, font: str = DEFAULT_FONT) -> bytes:
    """Write `story` as a .pptx (bytes). With `template`, its master and layouts are used."""
    prs = _open_template(template) if template else Presentation()
    if template:
        _drop_slides(prs)
    else:
        prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    _theme_fonts(prs, font)
    title_layout, content_layout = _pick_layouts(prs, bool(template))
    frame = Frame(prs.slide_width, prs.slide_height)
    lang = story.lang
    slides = [part for spec in story.slides for part in _continued(spec, frame, lang)]
    for number, spec in enumerate(slides, start=1):
        if spec.key == "title":
            _title_slide(prs, title_layout, frame, spec, font, bool(template), lang)
        else:
            slide = prs.slides.add_slide(content_layout)
            title = slide.shapes.title
            slide_frame = frame
            if title is None:
                title = slide.shapes.add_textbox(*frame.box(frame.margin, 0.035, frame.inner_width - 0.15, 0.11))
            elif not template:
                title.left, title.top, title.width, title.height = frame.box(frame.margin, 0.035,
                                                                             frame.inner_width - 0.15, 0.11)
            else:  # keep the template's title where its designer put it; content starts below it
                below = (title.top + title.height) / prs.slide_height + 0.02
                slide_frame = Frame(prs.slide_width, prs.slide_height, content_top=max(0.19, below))
            title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            _set_title(title, spec.title, font, frame.pt(28))
            title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
            _remove_empty_placeholders(slide, keep=[title])
            _body(slide, slide_frame, spec, font, lang)
        slide = prs.slides[-1]
        if spec.synthetic:
            _badge(slide, frame, t("deck.synthetic", lang), font)
        _footer(slide, frame, spec.source, number, font)
        if spec.notes:
            slide.notes_slide.notes_text_frame.text = spec.notes
    prs.core_properties.title = story.title
    prs.core_properties.subject = story.subtitle
    prs.core_properties.author = t("app.title", lang)
    prs.core_properties.language = "en-GB" if lang == "en" else "zh-CN"
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _title_slide(prs, layout, frame: Frame, spec: Slide, typeface: str, from_template: bool, lang: str) -> None:
    slide = prs.slides.add_slide(layout)
    title = slide.shapes.title
    if title is None:
        title = slide.shapes.add_textbox(*frame.box(0.08, 0.28, 0.84, 0.2))
    elif not from_template:
        title.left, title.top, title.width, title.height = frame.box(0.08, 0.26, 0.84, 0.2)
    _set_title(title, spec.title, typeface, frame.pt(40))
    title.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    subtitle = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    lines = [(spec.subtitle, frame.pt(22), False, INK), (spec.text, frame.pt(18), False, MUTED)]
    if spec.note:
        lines.append((spec.note, frame.pt(14), False, MUTED))
    if spec.synthetic:
        lines.append((t("deck.synthetic_title", lang), frame.pt(14), True, HIGHLIGHT))
    if subtitle is not None and from_template:
        text_frame = subtitle.text_frame
        text_frame.text = ""
        for i, (text, size, bold, colour) in enumerate(lines):
            paragraph = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            _style(run.font, typeface, size, bold=bold, color=colour)
        _remove_empty_placeholders(slide, keep=[title, subtitle])
    else:
        _remove_empty_placeholders(slide, keep=[title])
        box = _textbox(slide, frame.box(0.1, 0.5, 0.8, 0.3), lines, typeface, align=PP_ALIGN.CENTER)
        box.name = "subtitle"
        for paragraph in box.text_frame.paragraphs:
            paragraph.space_after = Pt(frame.pt(8))


def zone_deck(zone_id: str, year: int, lang: str = "zh", *, load: report_data.Loader | None = None,
              template: str | os.PathLike[str] | None | bool = True, font: str = DEFAULT_FONT,
              today: dt.date | None = None) -> bytes:
    """The 工作推进会 deck of one zone and year. `template=True` looks in data/templates/."""
    loader = load or report_data.direct_loader()
    zone_year = report_data.gather(loader, zone_id, int(year))
    story = story_mod.zone_story(zone_year, lang, today=today)
    chosen = find_template() if template is True else (template or None)
    return render(story, template=chosen, font=font)


def zone_file_name(short_name: str, year: int, lang: str = "zh") -> str:
    """`盐湖高新区_2021_汇报材料.pptx`, for a download button that builds the deck only when clicked."""
    return f"{story_mod.file_stem(short_name, year, lang)}.pptx"


def file_name(story_or_stem: Story | str) -> str:
    stem = story_or_stem.file_stem if isinstance(story_or_stem, Story) else story_or_stem
    return f"{stem}.pptx"


_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>{font}</family><prefer><family>{fallback}</family></prefer></alias>
  <alias binding="same"><family>Microsoft YaHei</family><prefer><family>{fallback}</family></prefer></alias>
</fontconfig>
"""


def soffice() -> str | None:
    """The LibreOffice binary (Debian package libreoffice-impress), or None."""
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(pptx: str | os.PathLike[str], out_dir: str | os.PathLike[str], *, timeout: float = 180) -> Path:
    """Convert a deck to PDF with headless LibreOffice; 微软雅黑 falls back to Noto Sans CJK SC.

    Each call uses its own LibreOffice profile, so conversions may run side by side.
    Raises RuntimeError when LibreOffice is missing or the conversion fails.
    """
    import subprocess
    import tempfile

    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-impress")
    pptx, out_dir = Path(pptx), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="devzone-soffice-") as work:
        fonts = Path(work) / "fonts.conf"
        fonts.write_text(_FONTCONFIG.format(font=DEFAULT_FONT, fallback=FALLBACK_FONT), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts), "HOME": work}
        command = [binary, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(out_dir), str(pptx)]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    pdf = out_dir / (pptx.stem + ".pdf")
    if result.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"LibreOffice could not convert {pptx.name} (exit {result.returncode}): "
                           f"{result.stderr.strip() or result.stdout.strip()}")
    return pdf


def benchmark_deck(db_path: str | os.PathLike[str] | None = None, zone_id: str | None = None,
                   year: int | None = None) -> int:
    """Build the meeting deck from scratch (fresh queries, storyline, rendering) and return its slide count.

    Used by `python -m benchmarks` (deck_10_slides_s) and tests/export/test_deck.py: the 盐湖高新区 2021
    demo deck has 10 slides, 6 native charts. Default zone: the home zone, else the first; default year:
    the latest with data for that zone.
    """
    from devzone import queries, state

    load = report_data.direct_loader(db_path)
    directory = report_data.zone_directory(load)
    chosen = zone_id or directory.default()
    if chosen is None:
        raise LookupError("the database has no zones")
    if year is None:
        history = load(queries.report_zone_history, chosen)
        year = int(history["year"].max()) if not history.empty else state.default_year(
            load(queries.years_available)["year"])
    the_story = story_mod.zone_story(report_data.gather(load, chosen, int(year)), "zh")
    render(the_story, template=None)
    return len(the_story.slides)
