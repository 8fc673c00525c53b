"""The small downloads behind each chart (devzone.ui.chart_panel): names that say zone, year and chart, and a
workbook whose figures are numbers, not text.

    chart_title(fig, "签约项目数")                          # the title the page shows (the figure's own first)
    file_stem("盐湖高新区", 2021, "签约项目数", "zh")       # 盐湖高新区_2021年_签约项目数
    chart_workbook(table, sheet="签约项目数", notes=[…])   # .xlsx bytes: `179.78亿元` stored as 179.78 in a 亿元 column

Display tables may carry figures written for reading (`36个`, `179.78亿元`, `RMB 1.80 bn`, `12.5%`, `1,234`): a
column whose every cell is such a figure in one kind of unit becomes a number column (money in 亿元, shares as
fractions with a % format) and its header names the unit. A column with anything else in it (a ※ mark, a word)
stays text as it is.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from devzone import charts, fmt
from devzone.export import workbook
from devzone.i18n import t_or

_FIGURE = re.compile(r"^(?P<rmb>RMB )?(?P<num>[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?)"
                     r" ?(?P<unit>亿元|万元|bn|mn|%|" + "|".join(sorted(fmt.COUNT_UNITS)) + r")?$")
# What one written figure is worth in the column's stored unit (亿元 for money, a fraction for %).
_MONEY_SCALE = {"亿元": Decimal(1), "万元": Decimal("0.0001"), "bn": Decimal(10), "mn": Decimal("0.01"),
                "RMB": Decimal("0.00000001")}
_FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\s]+')


def chart_title(fig: object, fallback: str | None = None) -> str | None:
    """The title a chart shows: its figure's own title, else the heading the page puts above it (`fallback`)."""
    layout_title = getattr(getattr(fig, "layout", None), "title", None)
    text = getattr(layout_title, "text", None)
    return charts.plain(text) if text else fallback


def _without_year(title: str, year: int | None) -> str:
    """`2021年签约项目数` -> `签约项目数` (the file name says the year once); `2015—2021年…` is left whole."""
    if year is None:
        return title
    return re.sub(rf"^{int(year)}(?:年度?|\s)\s*(?![—–-]|\d)", "", title).strip() or title


def file_stem(zone: str | None, year: int | None, title: str, lang: str) -> str:
    """`盐湖高新区_2021年_签约项目数`; English `盐湖高新区_2021_Signed_projects` (zone names are the data's)."""
    parts = [zone, fmt.year(year, lang) if year is not None else None, _without_year(title, year)]
    words = [_FILE_FORBIDDEN.sub("_", str(p)).strip("_.") for p in parts if p and not fmt.is_missing(p)]
    return "_".join(w for w in words if w)[:120] or "chart"


def sheet_title(title: str, year: int | None = None) -> str:
    """The chart's name as a sheet name (at most 31 characters, none of []:*?/\\)."""
    return workbook.safe_sheet_name(_without_year(title, year))


def _parse(value: object) -> tuple[str, Decimal] | None:
    """`179.78亿元` -> ("money", 179.78), `12.5%` -> ("%", 0.125), `36个` -> ("个", 36), `1,234` -> ("", 1234)."""
    match = _FIGURE.match(str(value).strip())
    if match is None:
        return None
    number = Decimal(match["num"].replace(",", ""))
    unit = match["unit"] or ""
    if match["rmb"]:
        return "money", number * _MONEY_SCALE[unit or "RMB"]
    if unit in ("bn", "mn"):
        return None  # a bare `1.8 bn` is no figure of ours
    if unit in _MONEY_SCALE:
        return "money", number * _MONEY_SCALE[unit]
    if unit == "%":
        return "%", number / 100
    return unit, number


def _blank(value: object) -> bool:
    return fmt.is_missing(value) or (isinstance(value, str) and value.strip() in ("", fmt.MISSING))


def _unit_header(header: str, kind: str, lang: str) -> str:
    """The header with the unit its numbers are now in, unless it names one already."""
    unit = "亿元" if kind == "money" else kind
    if not unit or unit == "%" or re.search(r"[（(].*[）)]", header):
        return header
    label = t_or(f"unit.{unit}", unit, lang)
    return f"{header}（{label}）" if lang != "en" else f"{header} ({label})"


def numbers_as_numbers(frame: pd.DataFrame, lang: str = "zh") -> tuple[pd.DataFrame, dict[str, str]]:
    """A copy of `frame` whose written figures are numbers (see the module docstring), and the number formats
    of the columns turned into numbers."""
    out = pd.DataFrame(index=frame.index)
    formats: dict[str, str] = {}
    for header in frame.columns:
        column = frame[header]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            out[header] = column
            continue
        parsed = [None if _blank(v) else _parse(v) for v in column]
        present = [p for v, p in zip(column, parsed, strict=True) if not _blank(v)]
        kinds = {p[0] for p in present if p is not None}
        if not present or None in present or len(kinds) != 1:
            out[header] = column
            continue
        kind = kinds.pop()
        name = _unit_header(str(header), kind, lang)
        out[name] = pd.array([None if p is None else float(p[1]) for p in parsed], dtype="Float64")
        if kind:  # a bare number: the usual format by its header (workbook.column_format)
            formats[name] = (workbook.MONEY_FORMAT if kind == "money" else workbook.PERCENT_FORMAT if kind == "%"
                             else workbook.COUNT_FORMAT)
    return out, formats


def chart_workbook(table: pd.DataFrame, *, sheet: str, notes: Sequence[tuple[str, str]] = (),
                   lang: str = "zh") -> bytes:
    """The table behind one chart as .xlsx: figures as numbers, the sheet named after the chart, a 说明 sheet."""
    numbers, formats = numbers_as_numbers(table, lang)
    return workbook.workbook_bytes([(sheet, numbers)], notes=notes, lang=lang, formats={sheet: formats})
