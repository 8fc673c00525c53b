"""The example office template shipped with the demo: data/demo/templates/示例单位模板.potx.

    python -m devzone.export.example_template [--out PATH] [--unit 单位名称]

A 16:9 PowerPoint 模板 (.potx) made with python-pptx: its slide master carries the unit's name in a coloured band
at the top and a footer band at the bottom, the theme's colours are the unit's, and the “Title Slide” / “Title
Only” layouts put the titles where the deck expects them (between the bands). The deck (devzone/export/deck.py)
uses it when it is the template found (`DEVZONE_TEMPLATES=data/demo/templates`, or copy it into data/templates/).
Its bands stay outside the area the deck draws on: the deck's content ends above its source line (`Frame`), the
source line ends above the footer band.
"""
from __future__ import annotations

import argparse
import copy
import io
import re
import sys
import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Pt

from etl.paths import DEMO_DIR

EXAMPLE_TEMPLATE = DEMO_DIR / "templates" / "示例单位模板.potx"
UNIT = "山西省开发区建设服务中心（示例单位）"
FOOTER = "内部资料　注意保存"
BRAND = RGBColor(0x8B, 0x1A, 0x1A)     # the unit's red
BRAND_DARK = RGBColor(0x1F, 0x3A, 0x5F)  # and its navy
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
TOP_BAND = 0.045     # of the slide's height: the unit's name (the deck's 模拟数据 mark may sit over its lower edge)
FOOTER_TOP = 0.978   # the footer band: below the deck's source line (0.925–0.975 of the height)
MASTER_SHAPES = ("unit-name", "unit-footer")
_THEME_COLOURS = {"accent1": "8B1A1A", "accent2": "1F3A5F", "dk2": "1F3A5F", "hlink": "8B1A1A"}
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PRESENTATION_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def _band(slide, top: float, height: float, colour: RGBColor, text: str, size: float, name: str, *,
          align=PP_ALIGN.LEFT):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Emu(int(HEIGHT * top)), WIDTH, Emu(int(HEIGHT * height)))
    shape.name = name
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    shape.line.fill.background()
    shape.shadow.inherit = False
    frame = shape.text_frame
    frame.margin_left = frame.margin_right = Inches(0.45)
    frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), True
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    run.font.name = "微软雅黑"
    return shape


def _recolour_theme(prs) -> None:
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    for slot, colour in _THEME_COLOURS.items():
        xml = re.sub(rf"(<a:{slot}>\s*)<a:(?:srgbClr|sysClr)[^>]*?/>", rf'\1<a:srgbClr val="{colour}"/>', xml)
    theme._blob = xml.encode("utf-8")  # noqa: SLF001 - python-pptx keeps a theme as a plain part


def _place_titles(prs) -> None:
    """Default layouts are 4:3; on 16:9 the titles go between the bands, left-aligned under the unit's name."""
    for ph in prs.slide_master.placeholders:
        ph.left, ph.width = Emu(int(ph.left * WIDTH / Inches(10))), Emu(int(ph.width * WIDTH / Inches(10)))
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            kind = ph.placeholder_format.type
            if kind == 3:  # CENTER_TITLE (title slide)
                ph.left, ph.top, ph.width, ph.height = Inches(1.0), Inches(2.2), Inches(11.33), Inches(1.5)
            elif kind == 1:  # TITLE
                ph.left, ph.top, ph.width, ph.height = Inches(0.6), Inches(0.45), Inches(10.2), Inches(0.85)
            elif ph.placeholder_format.idx == 1 and layout.name == "Title Slide":
                ph.left, ph.top, ph.width, ph.height = Inches(1.5), Inches(3.9), Inches(10.33), Inches(2.2)
            else:
                ph.left, ph.width = Emu(int(ph.left * WIDTH / Inches(10))), Emu(int(ph.width * WIDTH / Inches(10)))


def build(unit: str = UNIT) -> bytes:
    """The example template as .potx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _place_titles(prs)
    _recolour_theme(prs)
    scratch = prs.slides.add_slide(prs.slide_layouts[6])  # shapes are drawn here, then moved onto the master
    shapes = [_band(scratch, 0, TOP_BAND, BRAND, unit, 11, "unit-name"),
              _band(scratch, FOOTER_TOP, 1 - FOOTER_TOP, BRAND_DARK, f"{unit}　{FOOTER}", 7, "unit-footer",
                    align=PP_ALIGN.RIGHT)]
    tree = prs.slide_master.shapes._spTree  # noqa: SLF001 - python-pptx has no API for master shapes
    for shape in shapes:
        tree.append(copy.deepcopy(shape._element))  # noqa: SLF001
    sample = prs.slides.add_slide(prs.slide_layouts[5])
    sample.shapes.title.text = "示例页（使用时删除）"
    slide_ids = prs.slides._sldIdLst  # noqa: SLF001
    prs.part.drop_rel(slide_ids[0].rId)
    slide_ids.remove(slide_ids[0])
    prs.core_properties.title = f"{unit} 演示文稿模板"
    prs.core_properties.author = unit
    buffer = io.BytesIO()
    prs.save(buffer)
    return _as_template(buffer.getvalue())


def _as_template(pptx: bytes) -> bytes:
    """A .pptx as a .potx: the same parts, the main part typed as a template."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pptx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(_PRESENTATION_TYPE, _TEMPLATE_TYPE)
            target.writestr(item, data)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devzone.export.example_template", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=EXAMPLE_TEMPLATE, help=f"where to write (default {EXAMPLE_TEMPLATE})")
    parser.add_argument("--unit", default=UNIT, help="the unit's name on the master")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(build(args.unit))
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
