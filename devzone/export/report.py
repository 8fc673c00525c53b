"""A4 报告 (PDF) — the overview and the provincial rankings of one zone and year, the pages officials staple.

`report_html` lays the page out as plain HTML with print CSS (A4, running head with zone, year and 数据截至,
page numbers, header rows repeated, nothing split across pages); `to_pdf` prints it with headless Chromium
(the system browser that kaleido and the tests use: nothing leaves the machine). Pure apart from `to_pdf`.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from devzone import fmt, periods, queries, scorecard, screens, tables
from devzone.i18n import t

PDF_MIME = "application/pdf"
PRINT_TIMEOUT_S = 120
_PRINT_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer"]


class ReportError(RuntimeError):
    """The PDF could not be made; the message says why in the viewer's language (no server path)."""


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    note: str = ""


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_COLOUR = re.compile(r":[a-z]+(?:-badge)?\[(.*?)\]")
_ICON = re.compile(r":material/[a-z_]+:\s*")


def markdown_line(text: str) -> str:
    """One line of the dashboard's markdown as HTML: `**bold**`, `:red[…]` colours and icons dropped, the
    rest escaped (names from the input files are shown as typed)."""
    plain = _ICON.sub("", _COLOUR.sub(r"\1", text.replace("\\", "")))
    return _BOLD.sub(r"<b>\1</b>", html.escape(plain, quote=False))


def _bullets(markdown: str) -> str:
    items = [line.removeprefix("- ").strip() for line in markdown.splitlines() if line.strip()]
    return "<ul>" + "".join(f"<li>{markdown_line(item)}</li>" for item in items) + "</ul>"


def _table(frame: pd.DataFrame, *, highlight: str | None = None, first_column: str | None = None) -> str:
    """A printed table: header repeated on every page, no row split; the row whose `first_column` equals
    `highlight` in bold."""
    heads = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        mark = ' class="mine"' if highlight is not None and first_column is not None and \
            str(values[list(frame.columns).index(first_column)]) == highlight else ""
        cells = "".join(f"<td>{html.escape(tables.cell_text(v))}</td>" for v in values)
        rows.append(f"<tr{mark}>{cells}</tr>")
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def rank_matrix(year_ranks: pd.DataFrame, catalogue: pd.DataFrame, lang: str) -> pd.DataFrame:
    """From `queries.report_year_ranks`: one row per zone (best average rank first), one column per
    indicator with the zone's rank (`并列` ties marked), `—` where it has no value."""
    name_column = "name_en" if lang == "en" else "name_zh"
    names = dict(zip(catalogue["indicator"], catalogue[name_column], strict=True))
    codes = [code for code in catalogue["indicator"] if code in set(year_ranks["indicator"])]
    zone_heading = t("report.col.zone", lang)
    if year_ranks.empty or not codes:
        return pd.DataFrame({zone_heading: []})
    ranks = year_ranks.pivot_table(index="short_name", columns="indicator", values="rank", aggfunc="min")
    tied = year_ranks.pivot_table(index="short_name", columns="indicator", values="tied", aggfunc="max")
    order = ranks[codes].mean(axis=1, skipna=True).sort_values(kind="stable").index
    table = pd.DataFrame({zone_heading: list(order)})
    for code in codes:
        table[names[code]] = [
            fmt.MISSING if fmt.is_missing(ranks.at[zone, code])
            else (t("report.tied", lang) if bool(tied.at[zone, code]) else "") + str(int(ranks.at[zone, code]))
            for zone in order]
    return table


REPORT_CSS = """
@page { size: A4; margin: 18mm 12mm 16mm 12mm;
  @top-left { content: HEAD; font-size: 8.5pt; color: #333; }
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8.5pt; color: #555; } }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; font-size: 10pt;
       color: #1F2937; margin: 0; }
h1 { font-size: 17pt; margin: 0 0 2mm 0; } h2 { font-size: 13pt; margin: 6mm 0 2mm 0; break-after: avoid; }
.meta { color: #4B5563; font-size: 9pt; margin-bottom: 3mm; }
.synthetic { border: 1px solid #F59E0B; background: #FFFBEB; padding: 2mm 3mm; font-size: 9pt; margin: 2mm 0; }
.band { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; break-inside: avoid; }
.figure { border: 1px solid #D1D5DB; border-radius: 2mm; padding: 2.5mm 3mm; break-inside: avoid; }
.figure .label { font-size: 9pt; color: #4B5563; } .figure .value { font-size: 15pt; font-weight: 700; white-space: nowrap; }
.figure .note { font-size: 8.5pt; color: #4B5563; }
.block { break-inside: avoid; }
ul { margin: 1mm 0 0 5mm; padding: 0; } li { margin: 0.6mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
thead { display: table-header-group; } tr { break-inside: avoid; }
th, td { border: 1px solid #D1D5DB; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #F3F4F6; } tr.mine td { font-weight: 700; background: #FEF2F2; }
@page rankings { size: A4 landscape; }
.rankings { break-before: page; page: rankings; }
.rankings td, .rankings th { padding: 0.3mm 1.2mm; font-size: 7.5pt; } .rankings h2 { margin-top: 0; } .rankings td { white-space: nowrap; }
.compact td, .compact th { padding: 0.6mm 1.2mm; font-size: 8pt; }
.caption { font-size: 8pt; color: #6B7280; margin-top: 1mm; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
"""


def report_html(*, zone: str, year: int, as_of: str, lang: str, figures: list[Figure],
                attention: tuple[tuple[str, str], ...] | list[tuple[str, str]], cards_table: pd.DataFrame,
                targets_table: pd.DataFrame | None, ranks: pd.DataFrame, synthetic: bool) -> str:
    """The whole report as one HTML document (every text escaped)."""
    head = t("print.header", lang, zone=zone, year=fmt.year(year, lang), date=as_of)
    parts = [f"<h1>{html.escape(t('report.title', lang, zone=zone, year=fmt.year(year, lang)))}</h1>",
             f"<div class='meta'>{html.escape(head)}</div>"]
    if synthetic:
        parts.append(f"<div class='synthetic'>{html.escape(t('panel.synthetic_banner', lang))}</div>")
    parts.append("<div class='band'>" + "".join(
        f"<div class='figure'><div class='label'>{html.escape(f.label)}</div>"
        f"<div class='value'>{html.escape(f.value)}</div><div class='note'>{markdown_line(f.note)}</div></div>"
        for f in figures) + "</div>")
    parts.append(f"<div class='block'><h2>{html.escape(t('ov.attention.title', lang))}</h2>")
    if attention:
        for heading, bullets in attention:
            parts.append(f"<div class='block'><b>{markdown_line(heading)}</b>{_bullets(bullets)}</div>")
    else:
        parts.append(f"<p>{markdown_line(t('ov.attention.none', lang))}</p>")
    parts.append("</div>")
    if targets_table is not None:
        parts.append(f"<div class='block'><h2>{html.escape(t('ov.targets.title', lang))}</h2>"
                     f"{_table(targets_table)}</div>")
    parts.append(f"<h2>{html.escape(t('ov.table.title', lang))}</h2><div class='compact'>{_table(cards_table)}</div>")
    parts.append(f"<div class='rankings'><h2>{html.escape(t('report.rankings', lang, year=fmt.year(year, lang)))}"
                 f"</h2>{_table(ranks, highlight=zone, first_column=ranks.columns[0])}"
                 f"<div class='caption'>{html.escape(t('report.rankings_caption', lang))}</div></div>")
    css = REPORT_CSS.replace("HEAD", screens.css_string(head))
    title = html.escape(t("report.title", lang, zone=zone, year=fmt.year(year, lang)))
    return (f"<!DOCTYPE html><html lang='{'en' if lang == 'en' else 'zh-CN'}'><head><meta charset='utf-8'>"
            f"<title>{title}</title><style>{css}</style></head><body>{''.join(parts)}</body></html>")


def data_as_of(load, lang: str) -> str:
    """`2022年1月20日`: the day the data describes (the project ledger's 截至 day, else when it was loaded)."""
    day = load(queries.ledger_as_of)["as_of"].iloc[0]
    if fmt.is_missing(day):
        day = periods.china_date(load(queries.snapshot_summary)["last_loaded_at"].iloc[0])
    return fmt.date(day, lang)


def build(load, zone_id: str, year: int, lang: str, zone: str, today: dt.date) -> str:
    """The report of one zone and year as HTML, from `load(queries.fn, *args)` (ui.load in the app,
    export.data.direct_loader elsewhere); `zone` is the zone's label as the app shows it."""
    frames = (load(queries.indicators), load(queries.zone_indicator_history, zone_id),
              load(queries.zone_targets, zone_id, year), load(queries.zone_profile, zone_id))
    view = scorecard.overview_model(*frames, year, lang, today)
    province = load(queries.zones).set_index("zone_id").at[zone_id, "province"]
    ranks = rank_matrix(load(queries.report_year_ranks, province, int(year)), frames[0], lang)
    figures = [Figure(item.label, item.value, item.note) for item in scorecard.headline(view, frames[1], year, lang)]
    return report_html(zone=zone, year=year, as_of=data_as_of(load, lang), lang=lang, figures=figures,
                       attention=view.attention, cards_table=view.cards_table, targets_table=view.targets_table,
                       ranks=ranks, synthetic=view.synthetic)


def chromium() -> str | None:
    """`CHROMIUM_PATH`, else the Debian package's /usr/bin/chromium, else whatever is on PATH."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def to_pdf(document: str, lang: str = "zh") -> bytes:
    """`document` printed to an A4 PDF by headless Chromium (a private profile, no network)."""
    browser = chromium()
    if browser is None:
        raise ReportError(t("report.no_browser", lang))
    with tempfile.TemporaryDirectory(prefix="devzone-report-") as work:
        source, target = Path(work) / "report.html", Path(work) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [browser, *_PRINT_ARGS, f"--user-data-dir={Path(work) / 'profile'}",
                   f"--print-to-pdf={target}", source.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportError(t("report.failed", lang)) from exc
        if not target.is_file() or target.stat().st_size == 0:
            raise ReportError(t("report.failed", lang))
        return target.read_bytes()
