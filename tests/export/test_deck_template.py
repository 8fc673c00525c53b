"""The example office template shipped with the demo (data/demo/templates/示例单位模板.potx, made by
devzone/export/example_template.py): a deck made with it uses its master and layouts and still never overflows."""
from __future__ import annotations

import io
import subprocess

import pytest
from pptx import Presentation

from devzone.export import deck, example_template, story
from tests.export.test_deck_overflow import assert_bullets_fit, attention_slides, crowded  # noqa: F401 - crowded: the seed fixture


def master_texts(prs) -> dict[str, str]:
    return {shape.name: shape.text_frame.text for shape in prs.slide_master.shapes if shape.has_text_frame}


def test_the_shipped_template_is_the_one_the_script_makes(tmp_path):
    assert example_template.EXAMPLE_TEMPLATE.is_file()
    made = tmp_path / "made.potx"
    assert example_template.main(["--out", str(made)]) == 0
    shipped = deck._open_template(example_template.EXAMPLE_TEMPLATE)  # noqa: SLF001 - opens a .potx
    fresh = deck._open_template(made)  # noqa: SLF001
    assert master_texts(shipped) == master_texts(fresh)
    assert [lay.name for lay in shipped.slide_layouts] == [lay.name for lay in fresh.slide_layouts]
    assert (shipped.slide_width, shipped.slide_height) == (deck.SLIDE_WIDTH, deck.SLIDE_HEIGHT)
    assert example_template.UNIT in master_texts(shipped)["unit-name"]
    assert example_template.FOOTER in master_texts(shipped)["unit-footer"]


def test_it_is_found_when_configured(monkeypatch):
    monkeypatch.setenv("DEVZONE_TEMPLATES", str(example_template.EXAMPLE_TEMPLATE.parent))
    assert deck.find_template() == example_template.EXAMPLE_TEMPLATE


@pytest.fixture(scope="module")
def branded(crowded):  # noqa: F811 - the fixture imported above
    the_story = story.zone_story(crowded, "zh")
    return the_story, Presentation(io.BytesIO(deck.render(the_story, template=example_template.EXAMPLE_TEMPLATE)))


def test_the_deck_uses_the_templates_master_and_layouts(branded):
    the_story, prs = branded
    template = deck._open_template(example_template.EXAMPLE_TEMPLATE)  # noqa: SLF001
    assert master_texts(prs) == master_texts(template)  # the unit's name and footer on every slide
    layout_names = {lay.name for lay in template.slide_layouts}
    assert all(slide.slide_layout.name in layout_names for slide in prs.slides)
    assert prs.slides[0].slide_layout.name == "Title Slide"
    assert {slide.slide_layout.name for slide in list(prs.slides)[1:]} == {"Title Only"}
    assert "示例页" not in "\n".join(s.shapes.title.text for s in prs.slides if s.shapes.title is not None)
    assert prs.slides[0].shapes.title.text == the_story.title


def _band_top(prs) -> int:
    return next(s.top for s in prs.slide_master.shapes if s.name == "unit-footer")


def _band_bottom(prs) -> int:
    band = next(s for s in prs.slide_master.shapes if s.name == "unit-name")
    return band.top + band.height


def test_nothing_of_the_deck_runs_into_the_templates_bands_or_off_the_slide(branded):
    _, prs = branded
    footer_top, header_bottom = _band_top(prs), _band_bottom(prs)
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert shape.top + shape.height <= footer_top, (number, shape.name)  # the footer band stays clear
            if shape.name != "synthetic-mark":  # the red mark may sit on the band's lower edge
                assert shape.top >= header_bottom, (number, shape.name)


def test_attention_items_still_continue_and_fit(branded, crowded):  # noqa: F811
    _, prs = branded
    bullets, _ = story.attention_points(crowded, "zh")
    slides = attention_slides(prs)
    said = [p.text.removeprefix("■  ") for s in slides for shape in s.shapes if shape.name == "bullets"
            for p in shape.text_frame.paragraphs]
    assert said == bullets and len(slides) >= 2
    assert_bullets_fit(prs.slides)


def test_libreoffice_renders_the_branded_deck(branded, tmp_path):
    soffice = deck.soffice()
    if soffice is None:
        from tests.conftest import skip_or_fail

        skip_or_fail("no LibreOffice (apt-get install libreoffice-impress)")
    _, prs = branded
    path = tmp_path / "branded.pptx"
    prs.save(str(path))
    pdf = deck.to_pdf(path, tmp_path)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {len(prs.slides)}" in pages
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert example_template.UNIT in text.replace(" ", "")
