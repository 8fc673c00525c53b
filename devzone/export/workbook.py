"""Excel workbooks people can hand on: Chinese headers with units, number formats, frozen header,
column widths, a 说明 sheet (sources, filters, units), and text that can never run as a formula.

    workbook_bytes([("签约项目", frame), …], notes=[("数据来源", "…"), …], lang="zh")
    zone_workbook(zone_year, story, lang)   # the whole present view: every table behind the slides

Number formats follow the unit in the column header: `#,##0.00` for money (亿元/万元), `#,##0` for
counts (个/家/项…), `0.0%` for rates and shares, plain `0` for years. Text starting with = + - @,
tab or CR is written as a string cell with Excel's quote prefix, so `=HYPERLINK(…)` planted in a
zone or project name stays text when opened (and when edited) in Excel or WPS.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from devzone import fmt, periods
from devzone.i18n import t
from devzone.labels import LEDGER_SOURCE, RANKING_CODES, sources_in_full, unit_header, yes_no

MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
YEAR_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
BY_UNIT = "unit:"  # formats={column: "unit:单位"} — each row formatted by the unit in its 单位 cell
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HIGHLIGHT_FILL = PatternFill("solid", fgColor="FCE4D6")
MAX_WIDTH = 60
_MONEY = re.compile(r"亿元|万元|元|RMB|CNY")
_COUNT = re.compile(r"[（(](个|家|项|户|人|条|count|enterprises|items)[）)]")
_PERCENT = re.compile(r"%|率|占比|[Ss]hare|[Cc]ompletion")
_YEAR = re.compile(r"^(年份|年度|[Yy]ear)$|^(年份|[Yy]ear)[（(]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def column_format(header: object, values: pd.Series) -> str | None:
    """The Excel number format of a column, from its header's unit (None: leave as it is)."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    text = str(header)
    if _YEAR.search(text):
        return YEAR_FORMAT
    if _MONEY.search(text):
        return MONEY_FORMAT
    if _PERCENT.search(text):
        return PERCENT_FORMAT
    if _COUNT.search(text) or pd.api.types.is_integer_dtype(values):
        return COUNT_FORMAT
    present = values.dropna()
    if len(present) and (present == present.round()).all():  # ranks, numbers of zones: `28`, never `28.00`
        return COUNT_FORMAT
    return MONEY_FORMAT


def _display_width(value: object) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def safe_sheet_name(name: str, taken: Sequence[str] = ()) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("_", str(name)).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {s.lower() for s in taken}:
        suffix = f"_{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _cell_value(value: object) -> object:
    if isinstance(value, bool):
        return value
    if fmt.is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _put(cell, value: object) -> None:
    """Write one value; text that a spreadsheet would run as a formula stays text."""
    cell.value = _cell_value(value)
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"     # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True  # and Excel keeps it text even when the cell is edited


def print_setup(sheet) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as needed), the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.horizontalCentered = True


def write_frame(sheet, frame: pd.DataFrame, formats: dict[str, str] | None = None,
                highlight: Sequence[int] = ()) -> None:
    """`frame` onto `sheet`: bold header row (frozen, filterable, repeated when printed), formats, widths;
    the rows at the positions in `highlight` (0-based, e.g. the chosen zone) filled."""
    formats = formats or {}
    columns = list(frame.columns)
    for c, header in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=c)
        _put(cell, str(header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c, header in enumerate(columns, start=1):
        series = frame.iloc[:, c - 1]
        number_format = formats.get(str(header)) or column_format(header, series)
        units = None
        if number_format and number_format.startswith(BY_UNIT):  # mixed units: the row's unit decides
            units = frame[number_format.removeprefix(BY_UNIT)].tolist()
        is_date = pd.api.types.is_datetime64_any_dtype(series) or series.map(
            lambda v: isinstance(v, dt.date)).any()
        for r, value in enumerate(series.tolist(), start=2):
            cell = sheet.cell(row=r, column=c)
            _put(cell, value)
            if number_format and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = number_format if units is None else (
                    MONEY_FORMAT if units[r - 2] in fmt.MONEY_UNITS else COUNT_FORMAT)
            elif is_date and isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
        shown = [str(header)] + [fmt.number(v) if isinstance(v, float) else str(v) for v in series.tolist()[:500]]
        width = max((_display_width(s) for s in shown), default=8)
        sheet.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, max(8, width + 2))
        if width > MAX_WIDTH:  # long text (the written summary): wrap instead of one endless line
            for (cell,) in sheet.iter_rows(min_row=2, min_col=c, max_col=c):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for position in highlight:
        for cell in sheet[position + 2]:
            cell.fill = HIGHLIGHT_FILL
            cell.font = Font(bold=True)
    print_setup(sheet)
    sheet.freeze_panes = "A2"
    if columns and len(frame):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    sheet.row_dimensions[1].height = 30


def notes_frame(notes: Sequence[tuple[str, str]], lang: str) -> pd.DataFrame:
    exported = dt.datetime.now(periods.CHINA).replace(tzinfo=None)  # China time, as 发布时间 and the documents' dates
    rows = [(t("xlsx.exported_at", lang), fmt.date_time(exported, lang)), *notes,
            (t("xlsx.units", lang), t("xlsx.units_text", lang)),
            (t("xlsx.formulas", lang), t("xlsx.formulas_text", lang))]
    return pd.DataFrame(rows, columns=[t("xlsx.notes_item", lang), t("xlsx.notes_value", lang)])


def workbook_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], *, notes: Sequence[tuple[str, str]] = (),
                   lang: str = "zh", formats: dict[str, dict[str, str]] | None = None,
                   highlights: dict[str, Sequence[int]] | None = None) -> bytes:
    """Several tables as one .xlsx, followed by the 说明 (notes) sheet."""
    book = Workbook()
    book.remove(book.active)
    taken: list[str] = []
    for name, frame in sheets:
        title = safe_sheet_name(name, taken)
        taken.append(title)
        write_frame(book.create_sheet(title), frame, (formats or {}).get(name), (highlights or {}).get(name, ()))
    notes_sheet = book.create_sheet(safe_sheet_name(t("xlsx.notes_sheet", lang), taken))
    write_frame(notes_sheet, notes_frame(notes, lang))
    notes_sheet.column_dimensions["B"].width = 100
    for row in notes_sheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "数据", *, notes: Sequence[tuple[str, str]] = (),
                  lang: str = "zh") -> bytes:
    """One table as .xlsx: header row frozen, widths, number formats from the units in the headers
    (亿元 -> #,##0.00, 个/家 -> #,##0), formula-looking text kept as text, and a 说明 sheet with `notes`
    (source, filters …). Several tables: workbook_bytes."""
    return workbook_bytes([(sheet_name, frame)], notes=notes, lang=lang)


# ---------------------------------------------------------------- the whole present view

def zone_tables(zy, lang: str) -> tuple[list[tuple[str, pd.DataFrame]], dict[str, dict[str, str]],
                                        dict[str, list[int]]]:
    """The numbers behind the present page and the deck, as labelled tables (numbers stay numbers), their
    formats, and the rows to highlight (the zone itself in 全省排名)."""
    indicator_rows = []
    for code, indicator in zy.indicators.items():
        row, previous = zy.value_row(code), zy.value_row(code, zy.year - 1)
        target = zy.target(code)
        value = None if row is None else row["value"]
        before = None if previous is None else previous["value"]
        indicator_rows.append({
            t("deck.col.indicator", lang): indicator.name(lang),
            t("deck.col.unit", lang): indicator.unit,
            t("deck.col.value", lang): value,
            t("deck.col.previous_value", lang): before,
            t("deck.col.yoy", lang): (value / before - 1) if value is not None and before not in (None, 0) else None,
            t("deck.col.rank", lang): None if row is None or fmt.is_missing(row["rank"]) else int(row["rank"]),
            t("xlsx.ranked", lang): None if row is None or fmt.is_missing(row["n_ranked"]) else int(row["n_ranked"]),
            t("deck.col.target", lang): target,
            t("deck.col.completion", lang): (value / target) if value is not None and target else None,
            t("deck.col.source", lang): None if row is None else row["source"],
            t("deck.col.synthetic", lang): None if row is None else yes_no(row["is_synthetic"], lang),
            # a 同比 computed from a synthetic value (either year) is not a fact: real 2021 against synthetic 2020
            t("xlsx.yoy_from_synthetic", lang): None if row is None or previous is None else yes_no(
                fmt.synthetic_flag(row["is_synthetic"]) or fmt.synthetic_flag(previous["is_synthetic"]), lang),
            # a rank / completion of a real figure computed against synthetic ones (other zones', the target) is ※
            t("xlsx.rank_from_synthetic", lang): None if row is None or fmt.is_missing(row["rank"]) else yes_no(
                row.get("rank_from_synthetic"), lang),
            t("xlsx.completion_from_synthetic", lang): None if row is None or not target else yes_no(
                fmt.change_from_synthetic(row["is_synthetic"], zy.target_synthetic(code)), lang),
        })
    indicator_table = pd.DataFrame(indicator_rows)
    yoy_header = t("deck.col.yoy", lang)
    rank_header = t("deck.col.rank", lang)
    by_unit = BY_UNIT + t("deck.col.unit", lang)
    formats = {yoy_header: PERCENT_FORMAT, rank_header: COUNT_FORMAT, t("deck.col.value", lang): by_unit,
               t("deck.col.previous_value", lang): by_unit, t("deck.col.target", lang): by_unit}

    ranks = zy.ranks.copy()
    ranks["label"] = [unit_header(zy.indicators[c].name(lang), zy.indicators[c].unit, lang)
                      if c in zy.indicators else c for c in ranks["indicator"]]
    wide = ranks.pivot_table(index=["zone_id", "short_name"], columns="label", values="value", aggfunc="first",
                             sort=False)
    order = [unit_header(ind.name(lang), ind.unit, lang) for ind in zy.indicators.values()]
    wide = wide[[c for c in order if c in wide.columns]].reset_index()
    by = next((c for c in RANKING_CODES if (ranks["indicator"] == c).any() and c in zy.indicators), None)
    if by is not None:  # 名次 by the headline indicator, best first; ties share the rank
        rank_of = ranks[ranks["indicator"] == by].set_index("zone_id")["rank"]
        rank_header = t("xlsx.rank_by", lang, name=zy.indicators[by].name(lang))
        wide.insert(0, rank_header, wide["zone_id"].map(rank_of).astype("Int64"))
        wide = wide.sort_values([rank_header, "zone_id"], na_position="last", kind="stable")
    own = [i for i, z in enumerate(wide["zone_id"]) if z == zy.zone_id]
    wide = wide.drop(columns="zone_id").reset_index(drop=True)
    wide = wide.rename(columns={"short_name": t("deck.col.zone", lang)})

    history = zy.history.copy()
    history["label"] = [unit_header(zy.indicators[c].name(lang), zy.indicators[c].unit, lang)
                        if c in zy.indicators else c for c in history["indicator"]]
    by_year = history.pivot_table(index="year", columns="label", values="value", aggfunc="first")
    by_year = by_year[[c for c in order if c in by_year.columns]].reset_index()
    by_year = by_year.rename(columns={"year": t("deck.col.year", lang)})

    projects = zy.signed_projects()  # 签约项目: not the ones still 在谈
    project_table = pd.DataFrame({
        t("deck.col.project", lang): projects["project_name"],
        t("deck.col.investor", lang): projects["investor"],
        t("deck.col.chain", lang): projects["chain"],
        unit_header(t("deck.col.investment", lang), "亿元", lang): projects["total_investment"],
        t("deck.col.signed_date", lang): projects["signed_date"],
        t("deck.col.started_date", lang): projects["started_date"],
        t("deck.col.status", lang): projects["status"],
        unit_header(t("deck.col.output", lang), "亿元", lang): projects["projected_output"],
        unit_header(t("deck.col.tax", lang), "亿元", lang): projects["projected_tax"],
        t("deck.col.synthetic", lang): [yes_no(s, lang) for s in projects["is_synthetic"]],
    })
    enterprises = pd.DataFrame({
        t("deck.col.category", lang): zy.enterprises["category"],
        t("deck.col.enterprise", lang): zy.enterprises["enterprise_name"],
        t("deck.col.synthetic", lang): [yes_no(s, lang) for s in zy.enterprises["is_synthetic"]],
    })
    sheets = [
        (t("xlsx.sheet.indicators", lang), indicator_table),
        (t("xlsx.sheet.rankings", lang), wide),
        (t("xlsx.sheet.history", lang), by_year),
        (t("xlsx.sheet.projects", lang), project_table),
        (t("xlsx.sheet.enterprises", lang), enterprises),
    ]
    return sheets, {t("xlsx.sheet.indicators", lang): formats}, {t("xlsx.sheet.rankings", lang): own}


def zone_workbook(zy, story, lang: str, *, filters: str | None = None) -> bytes:
    """Every table of the present view for one zone and year, with the written summary and notes."""
    if filters is None:
        filters = t("panel.filters", lang, zone=zy.short_name, year=fmt.year(zy.year, lang))
    sheets, formats, highlights = zone_tables(zy, lang)
    sheets.append((t("xlsx.sheet.summary", lang), pd.DataFrame({t("xlsx.sheet.summary", lang): [story.summary]})))
    used = zy.history.loc[zy.history["year"].isin([zy.year - 1, zy.year]), "source"].tolist()
    notes = [
        (t("xlsx.source", lang), sources_in_full([*used, LEDGER_SOURCE], lang)),
        (t("xlsx.filters", lang), filters),
        (t("xlsx.sheets", lang), t("deck.list_sep", lang).join(name for name, _ in sheets)),
    ]
    if story.synthetic:
        notes.append((t("xlsx.synthetic", lang), t("xlsx.synthetic_text", lang)))
    return workbook_bytes(sheets, notes=notes, lang=lang, formats=formats, highlights=highlights)
