"""The PowerPoint deck: native charts with their data, fonts, marks, template, CLI, LibreOffice, speed."""
from __future__ import annotations

import copy
import io
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from devzone.export import bulletin, deck, deck_cli, story, summary
from tests.conftest import ARTIFACTS_DIR, in_ci
from tests.export.conftest import SEED_YEAR, SEED_ZONE

SYNTHETIC_MARK = "synthetic-mark"


@pytest.fixture(scope="module")
def deck_file(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    assert deck_cli.main(["--zone", "盐湖高新区", "--year", "2021", "--out", str(out), "--no-template"]) == 0
    return out


@pytest.fixture(scope="module")
def prs(deck_file):
    return Presentation(str(deck_file))


def charts_of(presentation):
    return [shape.chart for slide in presentation.slides for shape in slide.shapes if shape.has_chart]


def texts_of(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def shape_named(slide, name: str):
    return next((shape for shape in slide.shapes if shape.name == name), None)


# ---------------------------------------------------------------- acceptance

def test_deck_has_at_least_6_slides_and_4_native_charts(prs):
    assert len(prs.slides) >= 6
    charts = charts_of(prs)
    assert len(charts) >= 4
    kinds = {chart.chart_type for chart in charts}
    assert {XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.COLUMN_CLUSTERED, XL_CHART_TYPE.LINE_MARKERS,
            XL_CHART_TYPE.DOUGHNUT} <= kinds
    for slide in prs.slides:  # charts are chart objects, never pictures
        assert not [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE


def test_chart_series_read_back_with_the_36_signed_projects(prs, sql):
    found = []
    for chart in charts_of(prs):
        categories = [str(c).split(". ", 1)[-1] for c in chart.plots[0].categories]  # ranking bars: `3. 盐湖高新区`
        for series in chart.plots[0].series:
            for category, value in zip(categories, series.values, strict=True):
                if value == 36.0 and category in ("盐湖高新区", "2021年"):
                    found.append((chart.chart_type, category))
    assert (XL_CHART_TYPE.BAR_CLUSTERED, "盐湖高新区") in found      # the provincial ranking
    assert (XL_CHART_TYPE.COLUMN_CLUSTERED, "2021年") in found      # the trend
    (n_zones,) = sql("SELECT count(*) FROM provincial_rankings WHERE year = 2021 AND indicator = 'signed_projects'")[0]
    ranking = [c for c in charts_of(prs) if c.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
               and any(str(cat).endswith(("区", "园区")) for cat in c.plots[0].categories)]
    assert sum(len(list(c.plots[0].categories)) for c in ranking) == n_zones  # every zone, in two halves
    line = next(c for c in charts_of(prs) if c.chart_type == XL_CHART_TYPE.LINE_MARKERS)
    values = dict(zip(line.plots[0].categories, line.plots[0].series[0].values, strict=True))
    assert values["2021年"] == 179.78


def test_16_to_9_with_a_title_slide(prs):
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    title = texts_of(prs.slides[0])
    assert "盐湖高新区" in title and "2021年" in title
    assert "运城盐湖高新技术产业开发区" in title
    assert "年" in title.split("\n")[-1] or "月" in title  # the date the deck was made


def test_every_slide_has_a_source_line_and_synthetic_slides_a_mark(prs, deck_file, demo_db):
    the_story = story.zone_story(summary.report_data.gather(summary.report_data.direct_loader(demo_db),
                                                            SEED_ZONE, SEED_YEAR), "zh")
    assert len(the_story.slides) == len(prs.slides)
    for spec, slide in zip(the_story.slides, prs.slides, strict=True):
        source = shape_named(slide, "source-line")
        assert source is not None and source.text_frame.text.startswith("数据来源："), spec.key
        mark = shape_named(slide, SYNTHETIC_MARK)
        assert (mark is not None) == spec.synthetic, spec.key
        if mark is not None:
            assert mark.text_frame.text == "模拟数据"
    assert the_story.synthetic


def test_a_slide_of_real_values_only_has_no_mark(tmp_path):
    real = story.Story(title="t", subtitle="s", lang="zh", file_stem="x", slides=[
        story.Slide(key="title", title="标题", subtitle="副标题", text="2021年", source="数据来源：运城日报"),
        story.Slide(key="kpis", title="主要指标", kpis=(story.Kpi("签约项目数", "36个", "", "none", ""),),
                    source="数据来源：运城日报", synthetic=False),
    ])
    presentation = Presentation(io.BytesIO(deck.render(real)))
    assert all(shape_named(s, SYNTHETIC_MARK) is None for s in presentation.slides)


def test_every_run_names_latin_and_east_asian_typefaces(deck_file):
    from zipfile import ZipFile

    from lxml import etree

    with ZipFile(deck_file) as archive:
        parts = [n for n in archive.namelist() if n.startswith(("ppt/slides/slide", "ppt/charts/chart"))
                 and n.endswith(".xml")]
        runs = 0
        for name in parts:
            root = etree.fromstring(archive.read(name))
            for props in root.iter(qn("a:rPr"), qn("a:defRPr")):
                if props.tag == qn("a:defRPr") and props.find(qn("a:latin")) is None:
                    continue  # list-style defaults python-pptx writes without fonts
                latin, ea = props.find(qn("a:latin")), props.find(qn("a:ea"))
                assert latin is not None and ea is not None, name
                assert latin.get("typeface") == ea.get("typeface") == deck.DEFAULT_FONT
                runs += 1
        assert runs > 100
        theme = next(n for n in archive.namelist() if n.startswith("ppt/theme/"))
        assert 'script="Hans" typeface="微软雅黑"' in archive.read(theme).decode("utf-8")


def test_summary_is_on_the_summary_slide_and_in_the_speaker_notes(prs, demo_db):
    paragraph = summary.paragraph(SEED_ZONE, SEED_YEAR, "zh")
    summary_slide = next(s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text == "文字综述")
    assert shape_named(summary_slide, "summary-text").text_frame.text == paragraph
    assert summary_slide.notes_slide.notes_text_frame.text == paragraph
    assert prs.slides[0].notes_slide.notes_text_frame.text == paragraph


def test_english_deck(demo_db, tmp_path):
    out = tmp_path / "deck_en.pptx"
    assert deck_cli.main(["--zone", "X140802", "--year", "2021", "--lang", "en", "--out", str(out),
                          "--no-template"]) == 0
    presentation = Presentation(str(out))
    titles = [s.shapes.title.text for s in presentation.slides if s.shapes.title is not None]
    assert "Key indicators at a glance" in titles
    assert any(shape_named(s, SYNTHETIC_MARK) is not None and shape_named(s, SYNTHETIC_MARK).text_frame.text
               == "Synthetic data" for s in presentation.slides)
    assert all(shape_named(s, "source-line").text_frame.text.startswith("Source: ") for s in presentation.slides)


# ---------------------------------------------------------------- template

def make_template(folder: Path) -> Path:
    """A corporate template: 16:9, a branded master (a named rectangle), one sample slide to be dropped."""
    template = Presentation()
    template.slide_width, template.slide_height = Inches(13.333), Inches(7.5)
    sample = template.slides.add_slide(template.slide_layouts[1])
    sample.shapes.title.text = "示例页（应被删除）"
    brand = sample.shapes.add_shape(1, Inches(0), Inches(7.1), Inches(13.333), Inches(0.4))
    brand.name = "TEMPLATE-BRAND"
    template.slide_masters[0].shapes._spTree.append(copy.deepcopy(brand._element))  # python-pptx: no master API
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "单位模板.pptx"
    template.save(str(path))
    return path


def test_a_template_in_the_templates_folder_lends_its_master(demo_db, tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    make_template(folder)
    monkeypatch.setenv("DEVZONE_TEMPLATES", str(folder))
    assert deck.find_template() == folder / "单位模板.pptx"
    out = tmp_path / "branded.pptx"
    assert deck_cli.main(["--zone", "盐湖高新区", "--year", "2021", "--out", str(out)]) == 0
    presentation = Presentation(str(out))
    assert any(s.name == "TEMPLATE-BRAND" for s in presentation.slide_masters[0].shapes)
    texts = "\n".join(texts_of(s) for s in presentation.slides)
    assert "示例页" not in texts  # the template's own slides are dropped
    assert presentation.slides[1].shapes.title.text == "主要指标一览"  # titles go in the layout's placeholder
    assert len(charts_of(presentation)) >= 4
    no_template = tmp_path / "plain.pptx"
    assert deck_cli.main(["--zone", "盐湖高新区", "--year", "2021", "--out", str(no_template), "--no-template"]) == 0
    assert not any(s.name == "TEMPLATE-BRAND" for s in Presentation(str(no_template)).slide_masters[0].shapes)


def test_no_templates_folder_means_no_template(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVZONE_TEMPLATES", str(tmp_path / "missing"))
    assert deck.find_template() is None


# ---------------------------------------------------------------- console script

def test_console_script_is_declared():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'devzone-deck = "devzone.export.deck_cli:main"' in text


def test_cli_refuses_what_it_cannot_do(demo_db, tmp_path, capsys):
    assert deck_cli.main(["--zone", "没有这个开发区", "--year", "2021", "--out", str(tmp_path / "x.pptx")]) == 1
    assert "未找到开发区" in capsys.readouterr().err
    assert deck_cli.main(["--zone", "盐湖高新区", "--year", "1990", "--out", str(tmp_path / "x.pptx")]) == 1
    for usage in (["--province", "山西省", "--format", "xlsx"], ["--province", "山西省", "--year", "2021"],
                  ["--zone", "盐湖高新区", "--year", "2021", "--month", "3"]):
        with pytest.raises(SystemExit) as stop:
            deck_cli.main(usage)
        assert stop.value.code == 2
    assert not (tmp_path / "x.pptx").exists()


def test_installed_console_script_runs(demo_db, tmp_path):
    script = shutil.which("devzone-deck")
    if script is None:
        pytest.skip("devzone-deck is not installed in this environment (pip install -e .)")
    out = tmp_path / "cli.pptx"
    result = subprocess.run([script, "--zone", "盐湖高新区", "--year", "2021", "--out", str(out), "--no-template"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert len(Presentation(str(out)).slides) >= 6


# ---------------------------------------------------------------- 月通报

@pytest.fixture(scope="module")
def bulletin_file(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bulletin") / "bulletin.pptx"
    assert deck_cli.main(["--province", "山西省", "--year", "2021", "--month", "11", "--highlight", "盐湖高新区",
                          "--out", str(out), "--no-template"]) == 0
    return out


def test_monthly_bulletin_ranks_every_zone_by_the_ledger(bulletin_file, sql):
    presentation = Presentation(str(bulletin_file))
    assert "月通报" in texts_of(presentation.slides[0])
    expected = dict(sql(
        """SELECT z.short_name, count(p.project_id) FROM zones z LEFT JOIN projects p ON p.zone_id = z.zone_id
           AND p.status <> '在谈' AND year(p.signed_date) = 2021 AND month(p.signed_date) <= 11
           WHERE z.province = '山西省' GROUP BY z.short_name"""))
    ranking = [c for c in charts_of(presentation) if c.chart_type == XL_CHART_TYPE.BAR_CLUSTERED][:2]
    shown = {str(cat).split(". ", 1)[1]: value for chart in ranking  # the bars carry their rank: `1. 太原高新区`
             for cat, value in zip(chart.plots[0].categories, chart.plots[0].series[0].values, strict=True)}
    assert shown == {name: float(n) for name, n in expected.items()}
    everything = "\n".join(texts_of(s) for s in presentation.slides)
    assert "项目台账" in everything and "年度指标" in everything  # the slides say where each number comes from
    assert "较上月" in everything and "上年同期" in everything


def test_bulletin_movements_compare_with_last_month(load, sql):
    month = bulletin.gather(load, "山西省", 2021, 11)
    moves = bulletin.movements(month, "zh").set_index("zone_id")
    before = dict(sql(
        """SELECT z.zone_id, count(p.project_id) FROM zones z LEFT JOIN projects p ON p.zone_id = z.zone_id
           AND p.status <> '在谈' AND year(p.signed_date) = 2021 AND month(p.signed_date) <= 10
           WHERE z.province = '山西省' GROUP BY z.zone_id"""))
    for zone_id, row in moves.iterrows():
        rank_before = 1 + sum(1 for other in before.values() if other > before[zone_id])
        steps = rank_before - int(row["rank"])
        expected = "持平" if steps == 0 else f"上升{steps}位" if steps > 0 else f"下降{-steps}位"
        assert row["movement"] == expected, zone_id


def test_bulletin_in_january_has_no_previous_month(load):
    month = bulletin.gather(load, "山西省", 2021, 1)
    moves = bulletin.movements(month, "zh")
    assert set(moves["movement"]) <= {"新进排名", "—"}
    with pytest.raises(ValueError):
        bulletin.gather(load, "山西省", 2021, 13)


# ---------------------------------------------------------------- LibreOffice, and a look at the pages

def test_libreoffice_converts_the_deck_to_pdf(deck_file, bulletin_file, tmp_path):
    if deck.soffice() is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-impress"
        if in_ci():
            pytest.fail(message + " (CI=true: the conversion must run)")
        pytest.skip(message)
    for source in (deck_file, bulletin_file):
        pdf = deck.to_pdf(source, tmp_path)
        assert pdf.read_bytes().startswith(b"%PDF")
        pages = pdf.read_bytes().count(b"/Type /Page\n") + pdf.read_bytes().count(b"/Type/Page\n")
        n_slides = len(Presentation(str(source)).slides)
        assert pages in (0, n_slides)  # some writers compress the page tree; when countable it must match
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            if in_ci():
                pytest.fail("pdftoppm (poppler-utils) is missing (CI=true)")
            continue
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        prefix = ARTIFACTS_DIR / f"pdf-{source.stem}"
        subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf), str(prefix)], check=True, timeout=120)
        rendered = sorted(ARTIFACTS_DIR.glob(f"{prefix.name}-*.png"))
        assert len(rendered) == n_slides


# ---------------------------------------------------------------- speed

def test_a_10_slide_deck_builds_in_under_5_seconds(demo_db):
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        slides = deck.benchmark_deck(demo_db, SEED_ZONE, SEED_YEAR)
        samples.append(time.perf_counter() - started)
    assert slides == 10
    print(f"\n10-slide deck: median {statistics.median(samples):.2f} s, best {min(samples):.2f} s")
    assert min(samples) < 5.0


def test_kpi_tiles_tag_real_figures_and_mark_a_change_from_synthetic(prs):
    """The deck says what the page says: 真实 on each real KPI, ※ on a 同比 from synthetic 2020, the key."""
    kpi_slide = next(s for s in prs.slides if "主要指标一览" in texts_of(s))
    tile = shape_named(kpi_slide, "kpi-1").text_frame.text
    assert "36个" in tile and "真实" in tile and "100.0%※" in tile
    output_tile = next(shape_named(kpi_slide, f"kpi-{i}").text_frame.text for i in range(1, 7)
                       if "预计年产值" in shape_named(kpi_slide, f"kpi-{i}").text_frame.text)
    assert "真实" not in output_tile and "※" not in output_tile
    assert "※ 表示同比由模拟的上年数值算出" in texts_of(kpi_slide)
    projects = next(s for s in prs.slides if "招商项目与产业链" in texts_of(s))
    assert "宏明空调全产业链生产基地（真实）" in texts_of(projects) and "利税5,000万元" in texts_of(projects)
