"""A 合计 row is not data, but it is a check the clerk wrote down: the rows it covers must add up to it.

Runs after a sheet's values are extracted (the data rows' figures are then parsed and in canonical units). A
合计/总计/全省 row covers every data row above it back to the header (or, when it stands first, every data row
below it); a 小计 / 太原市小计 row the data rows since the previous total; an 其中 row is a subset and is not checked.
Figures are compared in the sheet's unit, to the decimals the total cell shows (half a unit in its last digit).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from etl import facts as n
from etl.account import column_letter
from etl.cells import cell_text
from etl.errors import ErrorCollector
from etl.layout import LAYOUT_LEDGER, LAYOUT_LONG, LAYOUT_WIDE, Table
from etl.ledger import LEDGER_MONEY
from etl.rows import GRAND, HIDDEN, PART, TOTAL, total_kind


def extract_checked(extract: Callable, table: Table, errors: ErrorCollector, zones) -> pd.DataFrame:
    """Extract every table of the sheet (table.more: a second title and header further down) and check the total
    rows of each against its extracted figures. A table whose rows already have errors is not checked."""
    frames = []
    for part in [table, *table.more]:
        before = len(errors.errors)
        frame = extract(part, errors, zones)
        if len(errors.errors) == before:
            check(part, frame, errors)
        frames.append(frame)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


@dataclass
class _Figure:
    """One figure a total row states, and what it must equal."""

    row: int
    column: int
    shown: str  # as the clerk sees it
    number: float  # in the sheet's unit
    decimals: int
    typed: bool  # a number cell (.xlsx): its display format is unknown, so a whole number's decimals are the rows'
    factor: float  # sheet unit -> canonical
    select: Callable[[pd.DataFrame], pd.Series]  # the frame rows (already range-filtered) it covers
    hidden: Callable[[list[Any]], float | None]  # the same figure read from a hidden row's cells


def check(table: Table, frame: pd.DataFrame, errors: ErrorCollector) -> None:
    totals = [row for row in table.skipped if row.reason == TOTAL]
    if not totals or table.layout not in (LAYOUT_WIDE, LAYOUT_LONG, LAYOUT_LEDGER):
        return
    account = table.raw.account
    zone = table.columns.get("zone")
    zone_column = zone.column if zone else None
    boundaries = [table.header_row] + [row.row for row in totals]
    rows_of_data = frame["row_number"]
    checked = []
    for index, total in enumerate(totals):
        kind = _kind(total.cells, zone_column)
        if kind == PART:
            continue
        low = table.header_row if kind == GRAND else boundaries[index]
        covered = (rows_of_data > low) & (rows_of_data < total.row)
        scope = "上方各行合计" if kind == GRAND else f"第 {low + 1}–{total.row - 1} 行合计"
        span = (low, total.row)
        if kind == GRAND and not covered.any():  # 全省合计 written first, above the zones
            covered = rows_of_data > total.row
            later = [row.row for row in totals[index + 1:] if _kind(row.cells, zone_column) == GRAND]
            if later:
                covered &= rows_of_data < later[0]
            scope = "下方各行合计"
            span = (total.row, later[0] if later else math.inf)
        if not covered.any():
            account.note(f"第 {total.row} 行“{_label(total.cells, zone_column)}”未核对：其所合计的范围内没有数据行")
            continue
        part = frame[covered]
        year, problem = _year(table, total.cells, part)
        if problem:
            account.note(f"第 {total.row} 行“{_label(total.cells, zone_column)}”未核对：{problem}")
            continue
        if year is not None:
            part = part[part["year"] == year]
        hidden = [row.cells for row in table.skipped if row.reason == HIDDEN and span[0] < row.row < span[1]]
        results = [_compare(figure, part, hidden, errors, scope, account) for figure in _figures(table, total)]
        if results and all(results):
            checked.append(total.row)
    if checked:
        rows = "、".join(str(r) for r in dict.fromkeys(checked))
        account.note(f"合计行核对相符：第 {rows} 行")


def _kind(cells: list[Any], zone_column: int | None) -> str | None:
    return total_kind(_label(cells, zone_column))


def _label(cells: list[Any], zone_column: int | None) -> str:
    """The text that makes the row a total: its zone cell when it names one, else the first cell that does (序号 or
    a ledger's 项目名称 beside the zone it totals), else its zone cell or first filled cell."""
    texts = [cell_text(v) for v in cells]
    zone = texts[zone_column - 1] if zone_column and zone_column <= len(texts) else ""
    if total_kind(zone):
        return zone
    return next((text for text in texts if text and total_kind(text)), zone or next((t for t in texts if t), ""))


def _year(table: Table, cells: list[Any], part: pd.DataFrame) -> tuple[int | None, str | None]:
    """The one year a total covers: its own year cell, else the single year of the rows it covers."""
    if "year" not in table.columns or "year" not in part:
        return None, None
    column = table.columns["year"].column
    own, problem = n.parse_year(cells[column - 1] if column <= len(cells) else None)
    if own is not None and not problem:
        return own, None
    years = sorted(set(part["year"].tolist()))
    if len(years) > 1:
        return None, f"合计行未写年份，而所合计的各行含多个年份（{'、'.join(str(y) for y in years)}）"
    return None, None


def _figures(table: Table, total) -> list[_Figure]:
    cells = total.cells

    def at(column: int) -> Any:
        return cells[column - 1] if column <= len(cells) else None

    out = []

    def add(column: int, code: str, unit: str | None, select: Callable, hidden: Callable) -> None:
        raw = at(column)
        number, problem = n.parse_number(raw)
        if number is None or problem:
            return
        factor, unit_problem = n.resolve_unit(code, unit, table.units_line)
        if unit_problem:
            return
        out.append(_Figure(total.row, column, _shown(raw), number, _decimals(raw),
                           not isinstance(raw, str), factor, select, hidden))

    if table.layout == LAYOUT_WIDE:
        for header, code in table.indicator_columns:
            add(header.column, code, header.unit, lambda f, c=header.column: f.loc[f["column"] == c, "value"],
                lambda row, c=header.column: n.parse_number(row[c - 1] if c <= len(row) else None))
    elif table.layout == LAYOUT_LONG:
        code, problem = n.indicator_of(at(table.columns["indicator"].column))
        if code is None or problem:
            return out
        value = table.columns["value"].column
        unit_cell = table.columns.get("unit")
        unit = (cell_text(at(unit_cell.column)) if unit_cell else "") or table.columns["value"].unit
        add(value, code, unit, lambda f: f.loc[f["indicator"].astype(str) == code, "value"],
            lambda row: _hidden_long(table, row, code))
    else:
        for key, code in LEDGER_MONEY.items():
            header = table.columns.get(key)
            if header is not None:
                add(header.column, code, header.unit, lambda f, k=key: f[k],
                    lambda row, c=header.column: n.parse_number(row[c - 1] if c <= len(row) else None))
    return out


def _hidden_long(table: Table, row: list[Any], code: str) -> tuple[float | None, str | None]:
    column = table.columns["indicator"].column
    if n.indicator_of(row[column - 1] if column <= len(row) else None)[0] != code:
        return None, None
    value = table.columns["value"].column
    return n.parse_number(row[value - 1] if value <= len(row) else None)


def _compare(figure: _Figure, part: pd.DataFrame, hidden: list[list[Any]], errors: ErrorCollector, scope: str,
             account) -> bool:
    values = pd.to_numeric(figure.select(part), errors="coerce").dropna()
    total = float(values.sum()) / figure.factor
    if figure.typed and figure.decimals == 0:  # a typed 232.04 shows its rounding; a typed 232 says nothing of it
        figure.decimals = max([figure.decimals, *(_decimals(round(v / figure.factor, 8)) for v in values.unique()[:1000])])
    if _agrees(figure, total):
        return True
    extra = [number for number, problem in (figure.hidden(row) for row in hidden) if number is not None and not problem]
    if extra and _agrees(figure, total + sum(extra)):
        account.note(f"第 {figure.row} 行 {column_letter(figure.column)} 列合计含隐藏行的数值（隐藏行未导入）")
        return True
    label = "合计" if not scope.startswith("第") else "小计"
    errors.add(f"{label}行第 {figure.row} 行 {column_letter(figure.column)} 列为 {figure.shown}，{scope} "
               f"{total:{',' if ',' in figure.shown else ''}.{figure.decimals}f} — 请核对合计或各行数据", row=figure.row, column=figure.column)
    return False


def _agrees(figure: _Figure, total: float) -> bool:
    tolerance = 0.5 * 10 ** -figure.decimals + 1e-9 * max(1.0, abs(figure.number))
    return abs(total - figure.number) <= tolerance


def _shown(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return cell_text(raw)


def _decimals(raw: Any) -> int:
    """How many decimals the total cell shows: "180.00" -> 2; a stored 179.78000000000003 counts as 8 at most."""
    if isinstance(raw, bool):
        return 0
    if isinstance(raw, int) or (isinstance(raw, float) and raw.is_integer()):
        return 0
    text = cell_text(raw).replace(",", "").rstrip("%")
    if isinstance(raw, float):
        text = repr(float(raw))  # (numpy scalars repr as "np.float64(…)")
    if "e" in text.lower():
        return 8
    return min(8, len(text.split(".", 1)[1])) if "." in text else 0
