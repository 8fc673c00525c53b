"""Word documents in official form: the 文字综述 of a zone and year, the 月通报 of the province's last month.

Opened with python-docx (styles, headings, fonts, page size, 页码), rendered with LibreOffice → PDF → PNG, and
read for the wording rules (倍, 由X降至Y, counts on tiny bases, one sentence per frame, “” quotes).
Expected figures come from the demo database through SQL, never copied from the output.
"""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile

import pandas as pd
import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from devzone.export import bulletin, deck, deck_cli, month_notice, official, wording, zone_report
from tests.conftest import ARTIFACTS_DIR
from tests.export.conftest import SEED_YEAR, SEED_ZONE

PROVINCE = "山西省"
HOSTILE = ("=1+2", "+SUM(A1:A9)", "-2+3", "@cmd|' /C calc'!A0")


@pytest.fixture(scope="module")
def report_doc(seed):
    return zone_report.build(seed, "zh")


@pytest.fixture(scope="module")
def report_docx(report_doc):
    return Document(io.BytesIO(official.render(report_doc)))


@pytest.fixture(scope="module")
def last_month(sql):
    year, month = sql("""SELECT year(max(signed_date)), month(max(signed_date)) FROM projects p JOIN zones z
                         USING (zone_id) WHERE z.province = ? AND status <> '在谈'""", [PROVINCE])[0]
    return int(year), int(month)


@pytest.fixture(scope="module")
def month(load, last_month):
    return bulletin.gather(load, PROVINCE, *last_month)


@pytest.fixture(scope="module")
def notice_doc(month):
    return month_notice.build(month, "zh")


@pytest.fixture(scope="module")
def notice_docx(notice_doc):
    return Document(io.BytesIO(official.render(notice_doc)))


def east_asia(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def paragraphs(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def body_text(document) -> str:
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# ---------------------------------------------------------------- the form (GB/T 9704)

@pytest.mark.parametrize("which", ["report_docx", "notice_docx"])
def test_page_is_a4_with_a_156_by_225_text_block_and_22_lines(which, request):
    document = request.getfixturevalue(which)
    section = document.sections[0]
    page = wording.settings()["page"]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.page_width - section.left_margin - section.right_margin - Mm(156)) < Mm(0.5)
    assert abs(section.page_height - section.top_margin - section.bottom_margin - Mm(225)) < Mm(0.5)
    assert abs(section.top_margin - Mm(37)) < Mm(0.5) and abs(section.left_margin - Mm(28)) < Mm(0.5)
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    lines = Mm(225) / normal.line_spacing
    assert 22 <= lines < 23 and abs(normal.line_spacing.pt - page["line_pitch_pt"]) < 0.05


@pytest.mark.parametrize("which", ["report_docx", "notice_docx"])
def test_fonts_and_sizes_follow_the_standard(which, request):
    document = request.getfixturevalue(which)
    styles = document.styles
    assert east_asia(styles["Title"]) == "方正小标宋简体" and styles["Title"].font.size == Pt(22)  # 二号
    assert east_asia(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size == Pt(16)  # 三号
    assert east_asia(styles["Heading 1"]) == "黑体" and styles["Heading 1"].font.size == Pt(16)
    assert east_asia(styles["Heading 2"]) == "楷体_GB2312" and styles["Heading 2"].font.size == Pt(16)
    for name in ("Title", "Heading 1", "Heading 2"):  # no theme font overrides the named one
        fonts = styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
    table = zipfile.ZipFile(io.BytesIO(_saved(document))).read("word/fontTable.xml").decode()
    for font, stand_in in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        assert re.search(f'w:name="{font}"><w:altName w:val="{stand_in}"/>', table), font


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("which", ["report_docx", "notice_docx"])
def test_page_numbers_are_dashed_fields_right_on_odd_left_on_even_pages(which, request):
    document = request.getfixturevalue(which)
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        instructions = [i.text.strip() for i in paragraph._p.iter(qn("w:instrText"))]
        assert instructions == ["PAGE"]
        assert paragraph.alignment.name.lower() == align


@pytest.mark.parametrize("which", ["report_docx", "notice_docx"])
def test_plain_editable_word_no_text_boxes_no_pictures(which, request):
    document = request.getfixturevalue(which)
    xml = document.element.xml
    assert "w:txbxContent" not in xml and "w:drawing" not in xml and "w:pict" not in xml
    assert not document.inline_shapes
    assert document.tables  # the figures a table says better are a real table


# ---------------------------------------------------------------- the 综述

def test_report_has_the_four_sections_as_real_headings(report_docx, report_doc):
    assert paragraphs(report_docx, "Title") == [report_doc.title]
    assert paragraphs(report_docx, "Heading 1") == ["一、总体情况", "二、主要亮点", "三、存在问题", "四、下一步工作建议"]
    subheads = paragraphs(report_docx, "Heading 2")
    assert subheads and all(re.match(r"（[一二三四五六七八九十]+）", h) for h in subheads)
    numbered = [p for p in paragraphs(report_docx, "Normal") if re.match(r"\d+\. ", p)]
    assert numbered and [int(p.split(".")[0]) for p in numbered if "下一步" not in p][:1] == [1]


def test_first_page_says_which_figures_are_real(report_doc, sql):
    real = sql("""SELECT name_zh FROM indicator_values v JOIN indicators i USING (indicator)
                  WHERE zone_id = ? AND year = ? AND NOT coalesce(is_synthetic, false)""", [SEED_ZONE, SEED_YEAR])
    note = next(b.text for b in report_doc.blocks if b.kind == "note")
    assert report_doc.blocks[1].kind == "note"  # right under the title
    assert real, "the seed has real figures"
    for (name,) in real:
        assert wording.quoted(name) in note
    assert "模拟数据" in note


def test_report_states_the_seed_figures_with_their_tags(report_doc, sql):
    text = report_doc.text()
    value = sql("SELECT value FROM indicator_values WHERE zone_id = ? AND year = ? AND indicator = 'signed_projects'",
                [SEED_ZONE, SEED_YEAR])[0][0]
    assert f"签约项目数{int(value)}个（真实）" in text


def test_growth_above_100_percent_is_said_in_times_and_tiny_bases_in_counts(seed, report_doc):
    text = report_doc.text()
    rules = wording.rules()
    overview = " ".join(b.text for b in report_doc.blocks[:8] if b.kind == "p")
    for code, indicator in seed.indicators.items():
        now, before = seed.value(code), seed.value(code, seed.year - 1)
        if now is None or before is None or now <= before:
            continue
        name = wording.quoted(indicator.name_zh)
        clause = next(c for c in overview.replace("。", "；").split("；") if name in c)
        if indicator.unit in ("个", "家") and before < rules.tiny_base:
            assert f"由上年{before:g}{indicator.unit}增至{now:g}{indicator.unit}" in clause
            assert "%" not in clause and "倍" not in clause
        elif (now - before) / before > rules.times_above:
            assert f"增长{(now - before) / before:.1f}倍" in clause
        else:
            assert "%" in clause
    assert '"' not in text and "'" not in text  # Chinese quotes throughout


def test_exceeded_targets_are_one_sentence_not_a_repeated_frame(seed, report_doc):
    exceeded = [seed.indicators[str(r.indicator)].name_zh for r in seed.targets.itertuples()
                if seed.value(str(r.indicator)) is not None and seed.value(str(r.indicator)) > float(r.target)]
    text = report_doc.text()
    assert exceeded
    assert text.count("超额完成年度目标") == 1
    sentence = next(s for s in text.split("。") if "超额完成年度目标" in s)
    for name in exceeded:
        assert wording.quoted(name) in sentence


def test_a_terminated_project_is_never_named(seed):
    projects = seed.projects.copy()
    biggest = projects["total_investment"].max()
    planted = projects.iloc[[0]].assign(project_id="P-TERMINATED", project_name="已终止的超大项目",
                                        status="终止", total_investment=biggest * 10)
    zy = dataclasses.replace(seed, projects=pd.concat([projects, planted], ignore_index=True))
    assert "已终止的超大项目" not in zone_report.build(zy, "zh").text()


def test_problems_name_what_fell_with_from_x_to_y(seed):
    history = seed.history.copy()
    mask = (history["indicator"] == "signed_investment") & (history["year"] == seed.year)
    before = seed.value("signed_investment", seed.year - 1)
    history.loc[mask, "value"] = before / 2
    zy = dataclasses.replace(seed, history=history)
    doc = zone_report.build(zy, "zh")
    problems = doc.text().split("三、存在问题")[1]
    assert "部分指标同比下降" in problems
    assert f"由{wording.fmt.money(before)}降至{wording.fmt.money(before / 2)}，下降50.0%" in problems


def test_signed_but_not_started_projects_are_all_named_without_ru(seed, report_doc):
    waiting = seed.signed_projects()
    waiting = waiting[waiting["status"] == "签约"]
    text = report_doc.text()
    for name in waiting["project_name"]:
        assert f"“{name}”" in text.split("三、存在问题")[1]
    assert "如“" not in text


def test_english_report_builds_with_the_same_sections(seed):
    doc = zone_report.build(seed, "en")
    heads = [b.text for b in doc.blocks if b.kind == "h1"]
    assert heads == ["1. Overview", "2. Highlights", "3. Problems", "4. Next steps"]
    assert not re.search(r"[\u4e00-\u9fff]{6,}", " ".join(heads))


# ---------------------------------------------------------------- the 月通报

def test_notice_is_of_the_last_month_and_names_every_zone(notice_doc, notice_docx, sql, last_month):
    year, month_no = last_month
    assert f"{year}年1—{month_no}月" in notice_doc.title or f"{year}年{month_no}月" in notice_doc.title
    zones = [z for (z,) in sql("SELECT short_name FROM zones WHERE province = ?", [PROVINCE])]
    ranking = next(b.text for b in notice_doc.blocks if b.text.startswith("按"))
    for zone in zones:
        assert zone in ranking
        assert zone in body_text(notice_docx)
    assert "……" not in notice_doc.text() and not re.search("区等", notice_doc.text())
    assert paragraphs(notice_docx, "Heading 1") == ["一、总体情况", "二、各开发区排名情况", "三、需要关注的问题",
                                                     "四、工作要求"]


def test_notice_ties_share_a_rank_as_binglie(notice_doc, sql, last_month):
    year, month_no = last_month
    counts = dict(sql("""SELECT z.short_name, count(p.project_id) FILTER (WHERE year(p.signed_date) = ? AND
                                month(p.signed_date) <= ? AND p.status <> '在谈')
                         FROM zones z LEFT JOIN projects p USING (zone_id) WHERE z.province = ?
                         GROUP BY z.short_name""", [year, month_no, PROVINCE]))
    ranking = next(b.text for b in notice_doc.blocks if b.text.startswith("按"))
    for zone, n in counts.items():
        rank = 1 + sum(1 for other in counts.values() if other > n)
        tied = sum(1 for other in counts.values() if other == n) > 1
        part = next(p for p in ranking.rstrip("。").split("；") if zone in p)
        assert part.split("，")[-1].startswith(("并列" if tied else "") + f"第{rank}名"), zone


def test_notice_lists_every_zone_without_a_signing_this_month(notice_doc, sql, last_month):
    year, month_no = last_month
    idle = [z for (z,) in sql("""SELECT z.short_name FROM zones z WHERE z.province = ? AND NOT EXISTS (
                                    SELECT 1 FROM projects p WHERE p.zone_id = z.zone_id AND p.status <> '在谈'
                                    AND year(p.signed_date) = ? AND month(p.signed_date) = ?)""",
                              [PROVINCE, year, month_no])]
    text = notice_doc.text()
    if not idle:
        assert "均有新签约项目" in text
        return
    sentence = next(s for s in text.split("\n") if "无新签约项目。" in s)
    for zone in idle:
        assert zone in sentence
    assert f"共{len(idle)}个开发区" in sentence


def test_notice_rank_movements_are_grouped_not_repeated(notice_doc):
    for block in notice_doc.blocks:
        if block.text.startswith("与上月相比"):
            assert block.text.count("与上月相比") == 1


def test_month_notice_in_january_compares_no_movement(load, last_month):
    doc = month_notice.build(bulletin.gather(load, PROVINCE, last_month[0], 1), "zh")
    assert "1月为年度首月" in doc.text()
    assert doc.title.startswith(f"关于{last_month[0]}年1月")


# ---------------------------------------------------------------- wording (pure)

@pytest.mark.parametrize(("now", "before", "unit", "said"), [
    (36, 18, "个", "同比增长100.0%"),
    (179.78, 58.63, "亿元", "同比增长2.1倍"),
    (4, 1, "家", "由上年1家增至4家"),
    (1, 0, "家", "由上年0家增至1家"),
    (30, 40, "个", "同比下降25.0%"),
    (5, 5, "个", "与上年持平"),
    (2.0, 0, "亿元", "比上年增加2亿元"),
])
def test_growth_words(now, before, unit, said):
    assert wording.growth(now, before, unit, "zh").text == said


def test_fall_and_rank_words():
    assert wording.fall(30, 40, "个", "zh") == "由40个降至30个，下降25.0%"
    assert wording.fall(1, 3, "家", "zh") == "由3家降至1家"  # a tiny base: counts only
    assert wording.rank_fall(2, 5, "zh") == "全省排名由第2位降至第5位"
    assert wording.joined(["A", "B", "C"], "zh") == "A、B和C" and wording.joined(["A"], "zh") == "A"
    assert wording.quoted('新培育"四上"企业数') == "新培育“四上”企业数"


# ---------------------------------------------------------------- hostile names

def test_planted_formula_names_stay_text_in_the_docx(seed, month):
    zone = seed.zone.copy()
    zone["short_name"] = HOSTILE[0]
    projects = seed.projects.copy()
    live = projects.index[projects["status"] == "签约"]
    for index, name in zip(live, HOSTILE[1:] * len(live), strict=False):
        projects.loc[index, "project_name"] = name + "\x07"
    zy = dataclasses.replace(seed, zone=zone, projects=projects)
    current = month.current.copy()
    current.loc[current.index[0], "short_name"] = HOSTILE[3]
    for content in (official.render(zone_report.build(zy, "zh")),
                    official.render(month_notice.build(dataclasses.replace(month, current=current), "zh"))):
        xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
        assert "<w:instrText" not in xml and "fldSimple" not in xml and "\x07" not in xml
        texts = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)).replace("&amp;", "&")
        assert any(h.replace("'", "’") in texts or h in texts for h in HOSTILE)


# ---------------------------------------------------------------- command line, LibreOffice

def test_cli_writes_both_word_documents_into_a_folder(demo_db, tmp_path, last_month):
    folder = str(tmp_path / "share") + "/"
    assert deck_cli.main(["--zone", "盐湖高新区", "--year", str(SEED_YEAR), "--format", "docx", "--out", folder]) == 0
    assert deck_cli.main(["--province", PROVINCE, "--format", "docx", "--out", folder]) == 0
    names = sorted(p.name for p in (tmp_path / "share").iterdir())
    assert names == sorted([f"盐湖高新区_{SEED_YEAR}_情况汇报.docx",
                            f"{PROVINCE}_{last_month[0]}-{last_month[1]:02d}_月通报.docx"])
    for path in (tmp_path / "share").iterdir():
        assert Document(str(path)).paragraphs[0].style.name == "Title"


def test_libreoffice_renders_every_page_of_both(report_doc, notice_doc, tmp_path):
    if deck.soffice() is None or shutil.which("pdftoppm") is None:
        pytest.fail("LibreOffice Writer and pdftoppm are needed: apt-get install libreoffice-writer poppler-utils")
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    for doc in (report_doc, notice_doc):
        source = tmp_path / doc.file_name()
        source.write_bytes(official.render(doc))
        pdf = deck.to_pdf(source, tmp_path)
        assert pdf.read_bytes().startswith(b"%PDF")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert pages >= 2 and "595.3" in info and "841.8" in info  # A4 in points
        prefix = ARTIFACTS_DIR / f"docx-{source.stem}"
        for stale in ARTIFACTS_DIR.glob(f"{prefix.name}-*.png"):  # from an earlier run with more pages
            stale.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True, timeout=120)
        assert len(list(ARTIFACTS_DIR.glob(f"{prefix.name}-*.png"))) == pages


def test_one_date_everywhere_china_time(seed, month):
    import datetime as dt

    from devzone import fmt
    from devzone.export import story

    china = fmt.date(dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date())
    assert zone_report.build(seed, "zh").blocks[-1].text == china
    assert month_notice.build(month, "zh").blocks[-1].text == china
    assert china in story.zone_story(seed, "zh").slides[0].text
    assert china in bulletin.bulletin_story(month, "zh").slides[0].text
