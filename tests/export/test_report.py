"""A4 报告 (PDF): what the report says comes from the database, and Chromium prints it on A4 with page numbers,
the running head and the rankings on a page of their own. Page images: tests/artifacts/report-*.png."""
from __future__ import annotations

import datetime as dt
import re
import subprocess

import pandas as pd
import pytest

from devzone import fmt, queries, scorecard
from devzone.export import report
from devzone.i18n import t
from tests.conftest import ARTIFACTS_DIR, chromium_path, skip_or_fail
from tests.export.conftest import SEED_ZONE

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def latest_year(sql) -> int:
    return int(sql("SELECT max(year) FROM indicator_values WHERE value IS NOT NULL")[0][0])


@pytest.fixture(scope="module")
def zone_label(sql) -> str:
    return sql("SELECT short_name FROM zones WHERE zone_id = ?", [SEED_ZONE])[0][0]


def test_the_headline_is_the_key_figures_and_the_rank_from_the_database(load, sql, latest_year):
    frames = (load(queries.indicators), load(queries.zone_indicator_history, SEED_ZONE),
              load(queries.zone_targets, SEED_ZONE, latest_year), load(queries.zone_profile, SEED_ZONE))
    view = scorecard.overview_model(*frames, latest_year, "zh", TODAY)
    items = scorecard.headline(view, frames[1], latest_year, "zh")
    assert len(items) == len(scorecard.HEADLINE_INDICATORS) + 1
    for item, code in zip(items, scorecard.HEADLINE_INDICATORS, strict=False):
        value, unit = sql("SELECT v.value, i.unit FROM indicator_values v JOIN indicators i USING (indicator) "
                          "WHERE zone_id = ? AND year = ? AND indicator = ?", [SEED_ZONE, latest_year, code])[0]
        assert item.value == fmt.indicator_value(value, unit, "zh")
    rank, n_ranked = sql("SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id = ? AND year = ? "
                         "AND indicator = ?", [SEED_ZONE, latest_year, scorecard.HEADLINE_RANK_INDICATOR])[0]
    assert re.fullmatch(rf"第{rank}名※?", items[-1].value), items[-1].value  # one line; how many in the note
    assert f"共{n_ranked}个" in items[-1].note, items[-1].note


def test_the_rank_matrix_has_every_ranked_zone_with_its_rank(load, sql, latest_year):
    province = sql("SELECT province FROM zones WHERE zone_id = ?", [SEED_ZONE])[0][0]
    year_ranks = load(queries.report_year_ranks, province, latest_year)
    matrix = report.rank_matrix(year_ranks, load(queries.indicators), "zh")
    zones_ranked = sql("SELECT count(DISTINCT zone_id) FROM provincial_rankings WHERE province = ? AND year = ?",
                       [province, latest_year])[0][0]
    assert len(matrix) == zones_ranked
    short, rank = sql("SELECT z.short_name, r.rank FROM provincial_rankings r JOIN zones z USING (zone_id) "
                      "WHERE r.province = ? AND r.year = ? AND r.indicator = 'signed_projects' ORDER BY r.rank "
                      "LIMIT 1", [province, latest_year])[0]
    row = matrix[matrix["开发区"] == short].iloc[0]
    assert row["签约项目数"].endswith(str(rank))


def test_names_from_the_input_files_are_escaped():
    document = report.report_html(
        zone="<b>区</b>", year=2021, as_of="2022年1月1日", lang="zh",
        figures=[report.Figure("<script>x</script>", "1个", "**全省第1名**")],
        attention=(("下降 <i>", "- **<img src=x onerror=alert(1)>** 降了"),), cards_table=pd.DataFrame({"a": ["<x>"]}),
        targets_table=None, ranks=pd.DataFrame({"开发区": ["<b>区</b>"], "签约项目数": ["1"]}), synthetic=False)
    for raw in ("<script>", "<img", "<b>区</b>", "<x>", "<i>"):
        assert raw not in document
    assert "<b>全省第1名</b>" in document


def pdf_pages(pdf: bytes, tmp_path, name: str) -> list[str]:
    """The text of each page (pdftotext), and each page drawn to tests/artifacts/<name>-<n>.png (pdftoppm)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS_DIR / name)], check=True)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_prints_on_a4_with_head_and_page_numbers(load, sql, latest_year, zone_label, tmp_path, lang):
    if chromium_path() is None:
        skip_or_fail("no Chromium found")
    document = report.build(load, SEED_ZONE, latest_year, lang, zone_label, TODAY)
    pages = pdf_pages(report.to_pdf(document, lang), tmp_path, f"report-{lang}")
    assert 2 <= len(pages) <= 4, len(pages)
    as_of = report.data_as_of(load, lang)
    for number, text in enumerate(pages, start=1):
        assert zone_label in text and as_of in text, f"page {number} has no running head"
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\b", text), f"page {number} has no page number"
    heading = t("report.rankings", lang, year=fmt.year(latest_year, lang))
    first_rankings = next(i for i, text in enumerate(pages) if heading in re.sub(r"\s+", " ", text))
    assert first_rankings >= 1, "the rankings start on a page of their own"
    zones_ranked = [row[0] for row in sql(
        "SELECT DISTINCT z.short_name FROM provincial_rankings r JOIN zones z USING (zone_id) WHERE r.year = ?",
        [latest_year])]
    rankings_text = "".join(pages[first_rankings:])
    assert all(name in rankings_text for name in zones_ranked)
