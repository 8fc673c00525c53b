"""Find the header row under title and unit lines, drop footnotes and spacers, and tell which layout a sheet is."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from etl import catalogue
from etl.catalogue import normalise_label
from etl.errors import ErrorCollector
from etl.read import RawSheet
from etl.rows import UNITS_LINE as _UNITS_LINE
from etl.rows import dropped as _dropped
from etl.rows import first_may_drop as _first_may_drop
from etl.rows import is_total as _total

HEADER_SCAN_ROWS = 30
_UNIT_IN_HEADER = re.compile(r"^(?P<base>.*?)[（(](?P<unit>[^()（）]*)[)）]\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|$)")
# "截至2025年12月" / "截至2026年11月21日" in a ledger title: the day the data describes.
_AS_OF = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")

LAYOUT_LEDGER = "ledger"
LAYOUT_CHAIN_LINKS = "chain_links"
LAYOUT_ENTERPRISES = "enterprises"
LAYOUT_TARGETS = "targets"
LAYOUT_LONG = "long"
LAYOUT_WIDE = "wide"
LAYOUT_NAMES = {
    LAYOUT_LEDGER: "项目台账",
    LAYOUT_CHAIN_LINKS: "链主关系",
    LAYOUT_ENTERPRISES: "企业名录",
    LAYOUT_TARGETS: "年度目标",
    LAYOUT_LONG: "长表（每行一个指标值）",
    LAYOUT_WIDE: "宽表（每行一个开发区）",
}
REQUIRED_COLUMNS = {
    LAYOUT_LEDGER: ("project_name", "zone"),
    LAYOUT_CHAIN_LINKS: ("zone", "chain_leader", "partner"),
    LAYOUT_ENTERPRISES: ("enterprise_name", "zone", "category", "recognised_year"),
    LAYOUT_TARGETS: ("zone", "indicator", "target"),
    LAYOUT_LONG: ("zone", "indicator", "value"),
    LAYOUT_WIDE: ("zone",),
}
COLUMN_LABELS = {
    "zone": "开发区", "year": "年份", "indicator": "指标", "value": "数值", "target": "目标值",
    "project_name": "项目名称", "chain_leader": "链主企业", "partner": "引进企业", "enterprise_name": "企业名称", "category": "认定类别", "recognised_year": "认定年份",
}


@dataclass
class HeaderCell:
    column: int  # 1-based
    text: str
    base: str  # folded, unit removed
    unit: str | None


@dataclass
class Table:
    """One sheet with its header understood and its data rows kept with their Excel row numbers."""

    raw: RawSheet
    layout: str
    header_row: int  # 1-based
    columns: dict[str, HeaderCell]  # canonical column key -> cell
    indicator_columns: list[tuple[HeaderCell, str]]  # (cell, indicator code) for wide sheets
    row_list: list[tuple[int, list[Any]]] | None = None  # (Excel row number, cells); see rows
    title_year: int | None = None
    title_as_of: dt.date | None = None  # "截至…" in the title
    units_line: list[str] = field(default_factory=list)
    body: Any = None  # long/wide sheets: the data rows in bulk (etl.bulk.Body)

    @property
    def location(self) -> tuple[str, str | None]:
        return self.raw.file_name, self.raw.sheet

    @property
    def rows(self) -> list[tuple[int, list[Any]]]:
        """The data rows one by one (long/wide sheets are processed in bulk; this is for inspection)."""
        if self.row_list is None:
            self.row_list = self.body.rows() if self.body is not None else []
        return self.row_list

    @property
    def row_count(self) -> int:
        return self.body.count if self.body is not None else len(self.rows)


def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def split_header(text: str) -> tuple[str, str | None]:
    flat = "".join(str(text).split())
    match = _UNIT_IN_HEADER.match(flat)
    if match and match.group("base"):
        return normalise_label(match.group("base")), match.group("unit").strip() or None
    return normalise_label(flat), None


def _classify_header(cells: list[Any]) -> tuple[dict[str, HeaderCell], list[tuple[HeaderCell, str]], int]:
    synonyms = catalogue.column_synonyms()
    indicator_aliases = catalogue.indicator_aliases()
    columns: dict[str, HeaderCell] = {}
    indicator_columns: list[tuple[HeaderCell, str]] = []
    for index, value in enumerate(cells):
        text = cell_text(value)
        if not text:
            continue
        base, unit = split_header(text)
        cell = HeaderCell(index + 1, text, base, unit)
        key = synonyms.get(base)
        if key and key not in columns:
            columns[key] = cell
        elif base in indicator_aliases:
            indicator_columns.append((cell, indicator_aliases[base]))
    return columns, indicator_columns, len(columns) + len(indicator_columns)


def _layout_of(columns: dict[str, HeaderCell], indicator_columns: list) -> str | None:
    if "partner" in columns and "chain_leader" in columns:  # before the ledger: it may name the project too
        return LAYOUT_CHAIN_LINKS
    if "project_name" in columns:
        return LAYOUT_LEDGER
    if "enterprise_name" in columns:
        return LAYOUT_ENTERPRISES
    if "target" in columns and "indicator" in columns:
        return LAYOUT_TARGETS
    if "indicator" in columns and "value" in columns:
        return LAYOUT_LONG
    if "zone" in columns and (indicator_columns or _wide_extras(columns)):
        return LAYOUT_WIDE
    return None


# Columns a wide sheet reads as such; any other recognised column that is also an indicator name (预计年产值,
# 预计利税, 总投资 are ledger columns too) is an indicator column of the wide sheet.
_WIDE_KEYS = {"zone", "year", "source", "synthetic", "unit"}


def _wide_extras(columns: dict[str, HeaderCell]) -> list[tuple[HeaderCell, str]]:
    aliases = catalogue.indicator_aliases()
    return [(cell, aliases[cell.base]) for key, cell in columns.items()
            if key not in _WIDE_KEYS and cell.base in aliases]


def _year_in(text: str) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def understand(raw: RawSheet, errors: ErrorCollector) -> Table | None:
    """Return the sheet as a Table, or None (with errors added) when it cannot be read as any layout.

    A sheet with no content at all is skipped silently (None, no error): workbooks often carry empty sheets.
    """
    head = raw.head(HEADER_SCAN_ROWS)
    if not any(cell_text(v) for row in head for v in row) and not _any_content(raw):
        return None
    best: tuple[int, int] | None = None  # (score, row index)
    for index, row in enumerate(head):
        columns, indicator_columns, score = _classify_header(row)
        if _layout_of(columns, indicator_columns) and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        expected = "；".join(
            f"{name}需含“{'、'.join(COLUMN_LABELS.get(c, c) for c in REQUIRED_COLUMNS[key])}”"
            + ("及指标列" if key == LAYOUT_WIDE else "")
            for key, name in LAYOUT_NAMES.items() if key != LAYOUT_CHAIN_LINKS
        )
        errors.add(f"找不到可识别的表头（前 {HEADER_SCAN_ROWS} 行内）— 应为以下格式之一：{expected}", row=1)
        return None
    header_index = best[1]
    columns, indicator_columns, _ = _classify_header(head[header_index])
    layout = _layout_of(columns, indicator_columns)
    if layout == LAYOUT_WIDE:
        extras = _wide_extras(columns)
        for cell, _code in extras:
            del columns[next(key for key, c in columns.items() if c is cell)]
        indicator_columns = sorted(indicator_columns + extras, key=lambda pair: pair[0].column)
    table = Table(raw, layout, header_index + 1, columns, indicator_columns if layout == LAYOUT_WIDE else [])
    _read_preamble(table, head[:header_index])
    zone_cell = columns.get("zone")
    zone_column = zone_cell.column if zone_cell else None
    if layout in (LAYOUT_LONG, LAYOUT_WIDE, LAYOUT_LEDGER):  # big sheets: see etl/bulk.py, etl/ledger.py
        from etl import bulk

        table.body = bulk.keep_rows(raw.grid(), header_index + 1, zone_column,
                                    lambda row: _dropped(row, zone_column), _first_may_drop, _total)
    else:
        table.row_list = [(index + 1, raw.cells[index]) for index in range(header_index + 1, len(raw.cells))
                          if not _dropped(raw.cells[index], zone_column)]
    missing = [key for key in REQUIRED_COLUMNS[layout] if key not in columns]
    for key in missing:
        errors.add(
            f"缺少必需列“{COLUMN_LABELS.get(key, key)}” — {LAYOUT_NAMES[layout]}应包含"
            f"“{'、'.join(COLUMN_LABELS.get(c, c) for c in REQUIRED_COLUMNS[layout])}”列",
            row=table.header_row,
        )
    if missing:
        return None
    if not table.row_count:
        errors.add("表头下没有数据行 — 应至少有一行数据", row=table.header_row)
        return None
    return table


def _any_content(raw: RawSheet) -> bool:
    if raw.bulk_source is not None:
        return raw.grid().any_content()
    return any(cell_text(v) for row in raw.cells for v in row)


def _read_preamble(table: Table, rows: list[list[Any]]) -> None:
    for row in rows:
        for value in row:
            text = cell_text(value)
            if not text:
                continue
            units = _UNITS_LINE.match(text)
            if units:
                table.units_line = [u for u in re.split(r"[、，,/；;\s]+", units.group("units")) if u]
            else:
                if table.title_year is None:
                    table.title_year = _year_in(text)
                if table.title_as_of is None:
                    table.title_as_of = title_as_of(text)


def sheet_year(table: Table) -> int | None:
    """The year a wide/long sheet is about when there is no year column: sheet name first, then title."""
    if table.raw.sheet:
        name = table.raw.sheet.strip()
        if re.fullmatch(r"(?:19|20)\d{2}(?:年.*)?", name) or _year_in(name):
            return _year_in(name) or int(name[:4])
    return table.title_year


def title_as_of(text: str) -> dt.date | None:
    """`…台账（截至2026年11月21日）` -> 2026-11-21; `截至2025年12月` -> the month's last day."""
    match = _AS_OF.search(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    day = int(match.group(3)) if match.group(3) else calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
