"""KPI tiles keep their text inside the tile in zh and en: measured with the glyph widths of Noto Sans CJK (the
CJK sans LibreOffice puts in for 微软雅黑) and checked on the LibreOffice rendering."""
from __future__ import annotations

import io
import re
import string
import subprocess
from pathlib import Path

from pptx import Presentation

from devzone.export import deck, story
from tests.conftest import skip_or_fail
from tests.export.test_deck_overflow import big_kpis

NOTO = Path("/usr/share/fonts/opentype/noto")
SC = 2  # Noto Sans CJK SC in the .ttc


def noto(bold: bool):
    from PIL import ImageFont

    path = NOTO / ("NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc")
    if not path.is_file():
        skip_or_fail(f"{path} is missing: apt-get install fonts-noto-cjk")
    return ImageFont.truetype(str(path), 1000, index=SC)


def real_ems(text: str, bold: bool) -> float:
    return noto(bold).getlength(text) / 1000


# LibreOffice sets Noto Sans CJK lines 1.17–1.27 em apart (measured on its PDF); its words are 1.3 em tall.
LINE_HEIGHT = 1.3


def wrapped_lines(text: str, size: float, width_pt: float, bold: bool) -> int:
    """Lines `text` takes at `size` pt in `width_pt`: Latin words stay whole, CJK breaks between characters."""
    tokens = re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+|.", text)
    lines, used = 1, 0.0
    for token in tokens:
        need = real_ems(token.rstrip(), bold) * size
        if used and used + need > width_pt:
            lines, used = lines + 1, 0.0
        used += real_ems(token, bold) * size
    return lines


def kpi_decks(seed):
    for lang in ("zh", "en"):
        for data in (seed, big_kpis(seed)):
            yield lang, Presentation(io.BytesIO(deck.render(story.zone_story(data, lang))))


def tiles_of(prs):
    return [shape for slide in prs.slides for shape in slide.shapes if shape.name.startswith("kpi-")]


def test_width_measure_is_never_narrower_than_the_glyphs():
    samples = [*string.printable[:95], "RMB 17.98 bn", "RMB 1,797,800 bn", "179.78 亿元", "36 个",
               "▲ up 1.5 times on the year before※", "3rd of 28※ in the province", "Signed investment",
               "MWm% @", "New above-scale (四上) enterprises", "▼ 同比下降 12.5%※"]
    for text in samples:
        for bold in (False, True):
            estimate = deck._text_width(text) / 2  # noqa: SLF001 - the deck's own width measure
            assert estimate >= real_ems(text, bold) - 1e-6, (text, bold, estimate, real_ems(text, bold))
    for text in samples[95:]:  # and not so wide that type is made needlessly small
        assert deck._text_width(text) / 2 <= real_ems(text, True) * 1.15 + 0.3, text  # noqa: SLF001


def test_every_kpi_tile_holds_its_text_in_zh_and_en(seed):
    for lang, prs in kpi_decks(seed):
        tiles = tiles_of(prs)
        assert tiles, lang
        for tile in tiles:
            frame = tile.text_frame
            width_pt = (tile.width - frame.margin_left - frame.margin_right) / 12700
            height_pt = (tile.height - frame.margin_top - frame.margin_bottom) / 12700
            paragraphs = frame.paragraphs
            value = paragraphs[1]
            value_size = value.runs[0].font.size.pt
            assert real_ems(value.text, True) * value_size <= width_pt, (lang, value.text, value_size, width_pt)
            needed = sum(wrapped_lines(p.text, p.runs[0].font.size.pt, width_pt, bool(p.runs[0].font.bold))
                         * p.runs[0].font.size.pt * LINE_HEIGHT for p in paragraphs)
            assert needed <= height_pt, (lang, frame.text, needed, height_pt)
            assert min(p.runs[0].font.size.pt for p in paragraphs) >= 12, (lang, frame.text)


def test_the_rendered_english_tiles_keep_their_words_inside(seed, tmp_path):
    if deck.soffice() is None:
        skip_or_fail("LibreOffice (soffice) is not installed: apt-get install libreoffice-impress")
    source = tmp_path / "en.pptx"
    source.write_bytes(deck.render(story.zone_story(seed, "en")))
    prs = Presentation(str(source))
    number, slide = next((n, s) for n, s in enumerate(prs.slides, start=1) if tiles_of_slide(s))
    pdf = deck.to_pdf(source, tmp_path)
    html = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]
    assert words
    tiles = [(t.left / 12700, t.top / 12700, (t.left + t.width) / 12700, (t.top + t.height) / 12700, t)
             for t in tiles_of_slide(slide)]
    for x0, y0, x1, y1, word in words:
        for left, top, right, bottom, _ in tiles:
            overlaps = x0 < right and x1 > left and y0 < bottom and y1 > top
            if overlaps:
                inside = x0 >= left - 0.5 and x1 <= right + 0.5 and y0 >= top - 0.5 and y1 <= bottom + 0.5
                assert inside, (word, (x0, y0, x1, y1), (left, top, right, bottom))
    for left, top, right, bottom, tile in tiles:  # each value on one line of its tile
        value = tile.text_frame.paragraphs[1].text.split()
        rows = {round(y0) for x0, y0, x1, y1, w in words if w in value and left <= x0 and x1 <= right
                and top <= y0 and y1 <= bottom}
        assert len(rows) == 1, (value, rows)


def tiles_of_slide(slide):
    return [shape for shape in slide.shapes if shape.name.startswith("kpi-")]
