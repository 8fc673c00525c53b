"""Word documents in the official form of GB/T 9704-2012 (党政机关公文格式), written with python-docx.

A document is plain data (`Document` of `Block`s) built by zone_report.py (文字综述 / 情况汇报) and
month_notice.py (月通报); `render(document)` writes the .docx:

- A4, 版心 156 × 225 mm (天头 37 mm, 订口 28 mm), 22 lines of 28 characters (fixed 28.95 pt pitch);
- title 方正小标宋简体 二号 (style "Title"), body 仿宋_GB2312 三号 ("Normal"), 一、 headings 黑体 ("Heading 1"),
  (一) headings 楷体_GB2312 ("Heading 2"), each with a stand-in font in the font table (宋体, 仿宋, 楷体);
- page numbers `— 1 —` in 宋体 四号, odd pages right, even pages left, one character in from the edge;
- tables as real Word tables (header row repeated on every page); no text boxes, no images of text.

Fonts, sizes and page geometry come from etl/catalogue/documents.toml (`wording.settings()`).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pandas as pd
from docx import Document as new_document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from devzone.export.wording import quoted, settings

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NOTE_STYLE = "Doc Note"
TABLE_STYLE = "Doc Table Text"
CAPTION_STYLE = "Doc Caption"
KINDS = ("title", "note", "addressee", "h1", "h2", "p", "item", "table", "date")


@dataclass(frozen=True)
class Block:
    """kind: title, note (first-page note), addressee (主送), h1 (一、), h2 ((一)), p, item (1.), table, date."""

    kind: str
    text: str = ""
    table: pd.DataFrame | None = None


@dataclass
class Document:
    title: str
    file_stem: str
    lang: str = "zh"
    blocks: list[Block] = field(default_factory=list)
    synthetic: bool = False

    def add(self, kind: str, text: str = "", table: pd.DataFrame | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(kind)
        if self.lang == "en" and text[:1].islower():  # a sentence that starts with a catalogue name
            text = text[0].upper() + text[1:]
        self.blocks.append(Block(kind, text, table))

    def file_name(self) -> str:
        return f"{self.file_stem}.docx"

    def text(self) -> str:
        """All the words, in order (tests, speaker notes)."""
        lines = []
        for b in self.blocks:
            lines.append(b.text)
            if b.table is not None:
                lines.extend(" ".join(map(str, r)) for r in [list(b.table.columns), *b.table.values.tolist()])
        return "\n".join(line for line in lines if line)


def clean(text: object) -> str:
    """Text as Word stores it: no control characters (not XML), Chinese quotes “”."""
    return quoted(_NOT_XML.sub("", str(text)))


# ---------------------------------------------------------------- styles

def _set_fonts(element, names: list[str]) -> None:
    """All four scripts in the first font; the theme fonts of the template no longer override it."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), names[0])


def _style(doc, name: str, fonts: list[str], size: float, *, bold: bool = False, align=None,
           indent_chars: float = 0, pitch: float | None = None, base: str | None = None, outline: int | None = None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base or "Normal"]
        style.quick_style = True
    _set_fonts(style.element, fonts)
    font = style.font
    font.size, font.bold, font.italic = Pt(size), bold, False
    font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size * indent_chars) if indent_chars else Pt(0)
    fmt.left_indent = fmt.right_indent = Pt(0)
    if pitch:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(pitch)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        fmt.alignment = align
    fmt.widow_control = True
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the template's Title has a rule under it
        ppr.remove(border)
    if outline is not None:
        fmt.keep_with_next = True
    return style


def _styles(doc) -> None:
    fonts, pitch = settings()["fonts"], float(settings()["page"]["line_pitch_pt"])
    body = float(fonts["body_pt"])
    _style(doc, "Normal", fonts["body"], body, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2, pitch=pitch)
    _style(doc, "Title", fonts["title"], float(fonts["title_pt"]), bold=bool(fonts["title_bold"]),
           align=WD_ALIGN_PARAGRAPH.CENTER, pitch=max(pitch, float(fonts["title_pt"]) * 1.5))
    _style(doc, "Heading 1", fonts["heading1"], body, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2,
           pitch=pitch, outline=0)
    _style(doc, "Heading 2", fonts["heading2"], body, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2,
           pitch=pitch, outline=1)
    _style(doc, NOTE_STYLE, fonts["heading2"], body, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2, pitch=pitch)
    _style(doc, CAPTION_STYLE, fonts["heading1"], float(fonts["table_pt"]) + 2, align=WD_ALIGN_PARAGRAPH.CENTER,
           pitch=pitch, outline=2)
    table_text = _style(doc, TABLE_STYLE, fonts["body"], float(fonts["table_pt"]), align=WD_ALIGN_PARAGRAPH.CENTER)
    snap = OxmlElement("w:snapToGrid")  # single-spaced cells, not stretched to the page's 28.95 pt line grid
    snap.set(qn("w:val"), "0")
    table_text.element.get_or_add_pPr().append(snap)


def _font_table(doc) -> None:
    """Each 公文 font with its stand-in (altName), so Word on a machine without it picks the named substitute."""
    part = doc.part
    font_part = next((rel.target_part for rel in part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if font_part is None:
        return
    from docx.oxml import parse_xml

    root = parse_xml(font_part.blob)
    fonts = settings()["fonts"]
    for names in (fonts["title"], fonts["body"], fonts["heading1"], fonts["heading2"], fonts["page_number"]):
        entry = OxmlElement("w:font")
        entry.set(qn("w:name"), names[0])
        if len(names) > 1:
            alt = OxmlElement("w:altName")
            alt.set(qn("w:val"), names[1])
            entry.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        entry.append(charset)
        root.append(entry)
    from lxml import etree

    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- page

def _page(doc) -> None:
    page = settings()["page"]
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(page["width_mm"]), Mm(page["height_mm"])
    section.top_margin = Mm(page["top_mm"])
    section.bottom_margin = Mm(page["height_mm"] - page["top_mm"] - page["text_height_mm"])
    section.left_margin = Mm(page["left_mm"])
    section.right_margin = Mm(page["width_mm"] - page["left_mm"] - page["text_width_mm"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(max(5, page["height_mm"] - page["top_mm"] - page["text_height_mm"] - 7 - 6))
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(float(page["line_pitch_pt"]) * 20)))
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _field_run(paragraph, kind: str, text: str = ""):
    run = paragraph.add_run()
    if kind == "instr":
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = text
        run._r.append(instr)
    elif kind == "text":
        run.text = text
    else:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)
    return run


def _page_number(paragraph, align) -> None:
    """`— 1 —`: 宋体 四号, one character in from the outer edge (GB/T 9704 7.5)."""
    fonts = settings()["fonts"]
    size = float(fonts["page_number_pt"])
    paragraph.paragraph_format.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(size)
    else:
        paragraph.paragraph_format.left_indent = Pt(size)
    runs = [paragraph.add_run("— "), _field_run(paragraph, "begin"), _field_run(paragraph, "instr", " PAGE "),
            _field_run(paragraph, "separate"), _field_run(paragraph, "text", "1"), _field_run(paragraph, "end"),
            paragraph.add_run(" —")]
    for run in runs:
        run.font.size = Pt(size)
        _set_fonts(run._r, fonts["page_number"])


# ---------------------------------------------------------------- body

def _table(doc, frame: pd.DataFrame) -> None:
    text_width = float(settings()["page"]["text_width_mm"])
    rows = [[clean(c) for c in frame.columns], *([clean(v) for v in r] for r in frame.astype(object).values.tolist())]
    table = doc.add_table(rows=len(rows), cols=len(frame.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # sized by the cells (a long header wraps, a zone's name should not); +1 for the cell's padding
    weights = [1.6 + max(3.0, min(_width(rows[0][i]), 4.0), *(_width(r[i]) for r in rows[1:]))
               for i in range(len(frame.columns))]
    widths = [Mm(text_width * w / sum(weights)) for w in weights]
    for column, width in zip(table.columns, widths, strict=True):  # the grid LibreOffice and WPS lay out by
        column.width = width
    for r, values in enumerate(rows):
        row = table.rows[r]
        if r == 0:  # repeated at the top of every page the table runs onto
            trpr = row._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            trpr.append(header)
        cant_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant_split)
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles[TABLE_STYLE]
            run = paragraph.add_run(value)
            run.bold = r == 0


def _width(text: str) -> float:
    """Rough width in character cells: a Chinese character 1, a digit or letter ½; long cells wrap, so capped."""
    return min(10.0, sum(1 if ord(ch) > 0x2E80 else 0.62 for ch in text))


def render(document: Document) -> bytes:
    doc = new_document()
    _styles(doc)
    _font_table(doc)
    _page(doc)
    props = doc.core_properties
    props.title, props.author, props.language = clean(document.title), "", "zh-CN" if document.lang == "zh" else "en"
    body = doc.paragraphs[0] if doc.paragraphs else None  # the template's empty first paragraph
    if body is not None:
        body._p.getparent().remove(body._p)
    style_of = {"title": "Title", "h1": "Heading 1", "h2": "Heading 2", "note": NOTE_STYLE, "p": "Normal",
                "item": "Normal", "addressee": "Normal", "date": "Normal"}
    for block in document.blocks:
        if block.kind == "table":
            if block.text:
                doc.add_paragraph(clean(block.text), style=CAPTION_STYLE)
            if block.table is not None and not block.table.empty:
                _table(doc, block.table)
            continue
        paragraph = doc.add_paragraph(clean(block.text), style=style_of[block.kind])
        if block.kind == "addressee":
            paragraph.paragraph_format.first_line_indent = Pt(0)
        elif block.kind == "date":
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(float(settings()["fonts"]["body_pt"]) * 4)
        elif block.kind == "title":
            paragraph.paragraph_format.space_after = Pt(float(settings()["page"]["line_pitch_pt"]))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
