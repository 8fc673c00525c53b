"""The deck never overflows: 18 attention items continue on “（续）” slides, every shape lies within its slide,
and the text of every bullet box fits the box (estimated, and checked on the LibreOffice rendering)."""
from __future__ import annotations

import dataclasses
import io
import re
import subprocess

import pytest
from pptx import Presentation

from devzone.export import deck, story


@pytest.fixture(scope="module")
def crowded(seed):
    """The seed with every indicator fallen by half and one place lower than the year before."""
    history = seed.history.copy()
    for code in seed.indicators:
        now = (history["indicator"] == code) & (history["year"] == seed.year)
        before = history[(history["indicator"] == code) & (history["year"] == seed.year - 1)]
        if now.any() and not before.empty:
            history.loc[now, "value"] = float(before["value"].iloc[0]) / 2
            history.loc[now, "rank"] = float(before["rank"].iloc[0]) + 1 if not before["rank"].isna().iloc[0] else 1
    return dataclasses.replace(seed, history=history)


@pytest.fixture(scope="module")
def crowded_deck(crowded):
    the_story = story.zone_story(crowded, "zh")
    return the_story, deck.render(the_story)


def attention_slides(prs):
    return [s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text.startswith("需要关注的问题")]


def test_eighteen_attention_items_continue_on_continued_slides(crowded, crowded_deck):
    bullets, _ = story.attention_points(crowded, "zh")
    assert len(bullets) >= 18
    _, content = crowded_deck
    slides = attention_slides(Presentation(io.BytesIO(content)))
    assert len(slides) >= 2
    assert slides[0].shapes.title.text == "需要关注的问题"
    assert all(s.shapes.title.text == "需要关注的问题（续）" for s in slides[1:])
    said = [p.text.removeprefix("■  ") for s in slides for shape in s.shapes if shape.name == "bullets"
            for p in shape.text_frame.paragraphs]
    assert said == bullets  # every item, once, in order


def test_every_shape_lies_within_its_slide(crowded_deck):
    _, content = crowded_deck
    prs = Presentation(io.BytesIO(content))
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (number, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (number, shape.name)


def test_bullet_text_fits_its_box(crowded_deck):
    _, content = crowded_deck
    assert_bullets_fit(Presentation(io.BytesIO(content)).slides)


def assert_bullets_fit(slides) -> None:
    """The text of every bullet box of `slides` fits the box (estimated with the deck's own width measure)."""
    for slide in slides:
        for shape in slide.shapes:
            if shape.name != "bullets":
                continue
            width_pt, height_pt = shape.width / 12700 - 14, shape.height / 12700 - 10
            needed = 0.0
            for paragraph in shape.text_frame.paragraphs:
                size = paragraph.runs[0].font.size.pt
                ems = deck._text_width(paragraph.text) / 2  # noqa: SLF001 - the deck's own width measure
                lines = -(-ems * size * 1.04 // width_pt)
                needed += lines * size * 1.3 * 1.2 + size * 0.6
            assert needed <= height_pt, (slide.shapes.title.text, needed, height_pt)


def test_the_rendered_pages_keep_bullets_above_the_footer(crowded_deck, tmp_path):
    _, content = crowded_deck
    source = tmp_path / "crowded.pptx"
    source.write_bytes(content)
    pdf = deck.to_pdf(source, tmp_path)
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    prs = Presentation(str(source))
    height_pt = prs.slide_height / 12700
    for page in re.findall(r"<page[^>]*>(.*?)</page>", html, flags=re.S):
        for y_max in re.findall(r'yMax="([\d.]+)"', page):
            assert float(y_max) <= height_pt + 0.5


def big_kpis(seed):
    """The seed with its money figures 10,000 times larger: `1,797,800亿元` must still stay on one line."""
    history = seed.history.copy()
    money = history["indicator"].isin(["signed_investment", "projected_output"])
    history.loc[money, "value"] = history.loc[money, "value"] * 10_000
    return dataclasses.replace(seed, history=history)


def test_kpi_values_never_wrap(seed):
    prs = Presentation(io.BytesIO(deck.render(story.zone_story(big_kpis(seed), "zh"))))
    tiles = [shape for slide in prs.slides for shape in slide.shapes if shape.name.startswith("kpi-")]
    assert tiles
    for tile in tiles:
        value = tile.text_frame.paragraphs[1]
        size = value.runs[0].font.size.pt
        width_pt = (tile.width - tile.text_frame.margin_left - tile.text_frame.margin_right) / 12700
        assert deck._text_width(value.text) / 2 * size * 1.05 <= width_pt, (value.text, size)  # noqa: SLF001


def test_chart_text_is_at_least_14_pt(crowded_deck):
    from pptx.oxml.ns import qn

    _, content = crowded_deck
    for slide in Presentation(io.BytesIO(content)).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                sizes = [int(e.get("sz")) / 100 for e in shape.chart._chartSpace.iter(qn("a:defRPr"), qn("a:rPr"))  # noqa: SLF001
                         if e.get("sz")]
                assert sizes and min(sizes) >= 14, (slide.shapes.title.text, min(sizes))


def test_targets_slide_cites_the_targets_own_source(seed, sql):
    from devzone import fmt

    files = {f for (f,) in sql("SELECT DISTINCT file_name FROM target_store WHERE zone_id = ? AND year = ?",
                                [seed.zone_id, seed.year]) if f}
    assert files
    slide = next(s for s in story.zone_story(seed, "zh").slides if s.key == "targets")
    for name in files:
        assert fmt.source_name(name) in slide.source


def test_ranking_bars_carry_their_rank(seed, sql, load):
    from devzone.export import bulletin

    ranks = dict(sql("""SELECT z.short_name, r.rank FROM provincial_rankings r JOIN zones z USING (zone_id)
                         WHERE r.year = ? AND r.indicator = 'signed_projects' AND z.province = '山西省'""",
                     [seed.year]))
    chart = next(s for s in story.zone_story(seed, "zh").slides if s.key == "ranking").charts[0]
    assert list(chart.categories) == [f"{ranks[n]}. {n}" for n in (c.split(". ", 1)[1] for c in chart.categories)]
    assert chart.highlight == (f"{ranks[seed.short_name]}. {seed.short_name}",)
    month = bulletin.gather(load, "山西省", seed.year, 11)
    moves = bulletin.movements(month, "zh")
    ytd = next(s for s in bulletin.bulletin_story(month, "zh").slides if s.key == "ytd_ranking").charts[0]
    assert list(ytd.categories) == [f"{r}. {n}" for r, n in zip(moves["rank"], moves["short_name"], strict=True)]


def test_doughnut_labels_never_collide_small_slices_are_left_to_the_legend():
    from pptx.oxml.ns import qn

    from devzone.export.story import Chart, Series, Slide, Story

    values = (80.0, 10.0, 4.0, 3.0, 2.0, 1.0)  # four thin slices side by side
    chart = Chart(key="chains", kind="doughnut", title="产业链", categories=tuple("ABCDEF"),
                  series=(Series("投资", values, tuple(map(str, values))),))
    content = deck.render(Story("t", "s", "zh", [Slide(key="projects", title="招商项目", charts=(chart,))], "x"))
    shape = next(s for s in Presentation(io.BytesIO(content)).slides[0].shapes if s.has_chart)
    deleted = {int(d.find(qn("c:idx")).get("val")) for d in shape.chart._chartSpace.iter(qn("c:dLbl"))  # noqa: SLF001
               if d.find(qn("c:delete")) is not None and d.find(qn("c:delete")).get("val") == "1"}
    total = sum(values)
    shown = [i for i in range(len(values)) if i not in deleted]
    assert deleted == {i for i, v in enumerate(values) if v / total < deck.DOUGHNUT_MIN_SHARE}
    for a, b in zip(shown, shown[1:], strict=False):  # neighbouring labels each have a slice wide enough
        assert values[a] / total >= deck.DOUGHNUT_MIN_SHARE and values[b] / total >= deck.DOUGHNUT_MIN_SHARE


def test_table_text_fits_its_cells(seed, crowded_deck):
    _, crowded = crowded_deck
    decks = [crowded, deck.render(story.zone_story(seed, "zh"))]
    for content in decks:
        for slide in Presentation(io.BytesIO(content)).slides:
            for shape in slide.shapes:
                if not shape.has_table:
                    continue
                table = shape.table
                for c, column in enumerate(table.columns):
                    room = (column.width - 2 * table.cell(0, c).margin_left) / 12700
                    for r in range(len(table.rows)):
                        cell = table.cell(r, c)
                        run = cell.text_frame.paragraphs[0].runs[0]
                        needed = deck._text_width(cell.text) / 2 * run.font.size.pt * 1.05  # noqa: SLF001
                        assert needed <= room, (slide.shapes.title.text, cell.text, needed, room)


def test_no_ru_before_a_single_example(seed):
    bullets, _ = story.attention_points(seed, "zh")
    waiting = seed.signed_projects()
    waiting = waiting[waiting["status"] == "签约"]
    assert len(waiting) == 1, "the seed has one signed project not started"
    said = next(b for b in bullets if "尚未开工" in b)
    assert "如“" not in said and f"“{waiting['project_name'].iloc[0]}”" in said


def test_an_office_potx_template_is_found_and_lends_its_master(seed, tmp_path, monkeypatch):
    """Offices keep their masters as .potx (PowerPoint 模板); it is used like a .pptx template."""
    import zipfile

    from tests.export.test_deck import make_template

    pptx = make_template(tmp_path / "made")
    potx = tmp_path / "templates" / "单位模板.potx"
    potx.parent.mkdir()
    with zipfile.ZipFile(pptx) as source, zipfile.ZipFile(potx, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentationml.presentation.main+xml", b"presentationml.template.main+xml")
            target.writestr(item, data)
    monkeypatch.setenv("DEVZONE_TEMPLATES", str(potx.parent))
    assert deck.find_template() == potx
    out = Presentation(io.BytesIO(deck.render(story.zone_story(seed, "zh"), template=potx)))
    assert any(s.name == "TEMPLATE-BRAND" for s in out.slide_masters[0].shapes)
    assert out.slides[1].shapes.title.text == "主要指标一览"


def test_the_key_above_the_tiles_has_room_for_its_lines(seed):
    """The KPI slide's key to 真实 and ※ wraps onto a second line: the tiles start under it, not over it."""
    prs = Presentation(io.BytesIO(deck.render(story.zone_story(seed, "zh"))))
    slide = next(s for s in prs.slides if any(shape.name.startswith("kpi-") for shape in s.shapes))
    note = next(shape for shape in slide.shapes if shape.name == "note")
    size = note.text_frame.paragraphs[0].runs[0].font.size.pt
    width_pt = note.width / 12700 - 14
    lines = -(-deck._text_width(note.text_frame.text) / 2 * size * 1.04 // width_pt)  # noqa: SLF001
    assert lines >= 2  # the case this guards: a key longer than one line
    assert note.height / 12700 - 10 >= lines * size * 1.2
    tiles_top = min(shape.top for shape in slide.shapes if shape.name.startswith("kpi-"))
    assert tiles_top >= note.top + note.height
