"""Where a sheet says its unit, the way offices write it.

`单位：万元`, `金额单位：万元`, `（单位：万元）`, `单位：万元、个`, `计量单位：亿元`, `填报单位：某某管委会　　单位：万元` (the
reporting body and the unit in one cell), a unit in the title (`……情况表（万元）`) or alone in a cell at the right
end of the title row. 填报单位 / 报送单位 name who reports, never a unit. Each unit found keeps the cell it came
from, so a disagreement can name both cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from etl import catalogue
from etl.account import column_letter
from etl.catalogue import normalise_label
from etl.cells import cell_text

# "单位：" not preceded by a word that makes it the reporting body (填报单位：太原市商务局).
_UNIT_LABEL = re.compile(r"(?<!填报)(?<!报送)(?<!制表)(?<!填表)(?<!编制)(?<!上报)(?<!统计)(?<!主管)(?<!报表)"
                         r"(?:金额|计量|价值量|货币|数量)?单位\s*[:：]\s*")
_PARENTHESISED = re.compile(r"[（(]([^（）()]{1,20})[)）]")
_SPLIT = re.compile(r"[、，,/；;|\s　]+")


@dataclass(frozen=True)
class UnitMark:
    """A unit a sheet states, the kind it applies to (money/count) and the cell that says it."""

    unit: str
    kind: str
    row: int  # 1-based
    column: int  # 1-based
    text: str  # the cell as written

    @property
    def cell(self) -> str:
        return f"{column_letter(self.column)}{self.row}"

    def describe(self) -> str:
        return f"{self.cell}“{self.text[:40]}”"


def known_unit(token: str) -> catalogue.Unit | None:
    return catalogue.units().get(normalise_label(token).strip("()（）"))


def _tokens(text: str) -> list[catalogue.Unit] | None:
    """The units in a run of text like `万元、个`, or None if any token is not a unit."""
    words = [w for w in _SPLIT.split(text.strip()) if w]
    units = [known_unit(w) for w in words]
    if not words or any(u is None for u in units):
        return None
    return units  # type: ignore[return-value]


def units_in_cell(text: str) -> list[catalogue.Unit]:
    """Units a preamble cell states: after a 单位： label, in parentheses, or the whole cell being units."""
    text = text.strip()
    if not text:
        return []
    found: list[catalogue.Unit] = []
    for match in _UNIT_LABEL.finditer(text):
        rest = text[match.end():]
        # the units run up to a wide space, a closing parenthesis or the next label
        run = re.split(r"[　)）]|\s{2,}|[^\s　、，,/；;|()（）]*[:：]", rest, maxsplit=1)[0]
        words = [w for w in _SPLIT.split(run) if w]
        for word in words:
            unit = known_unit(word)
            if unit is None:
                break
            found.append(unit)
    if found:
        return found
    for inner in _PARENTHESISED.findall(text):
        inner = re.sub(r"^\s*(?:金额|计量)?单位\s*[:：]\s*", "", inner)
        units = _tokens(inner)
        if units:
            found += units
    if found:
        return found
    return _tokens(text) or []


def preamble_units(rows: list[list[Any]]) -> list[UnitMark]:
    """Every unit stated above the header, with its cell."""
    marks: list[UnitMark] = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = cell_text(value)
            if not text or isinstance(value, (int, float)):
                continue
            for unit in units_in_cell(text):
                marks.append(UnitMark(unit.name, unit.kind, r + 1, c + 1, text))
    return marks


def unit_row(row: list[Any]) -> dict[int, str] | None:
    """A row right under the header that only gives each column's unit (`万元`, `个`, `（亿元）`): {column: unit}."""
    found: dict[int, str] = {}
    for c, value in enumerate(row):
        text = cell_text(value)
        if not text:
            continue
        text = re.sub(r"^\s*(?:计量)?单位\s*[:：]?\s*", "", text)
        unit = known_unit(text)
        if unit is None:
            return None
        found[c + 1] = unit.name
    return found or None


def by_kind(marks: list[UnitMark]) -> tuple[dict[str, UnitMark], list[tuple[UnitMark, UnitMark]]]:
    """The stated unit of each kind, and pairs of marks that disagree about one kind."""
    chosen: dict[str, UnitMark] = {}
    clashes: list[tuple[UnitMark, UnitMark]] = []
    for mark in marks:
        first = chosen.setdefault(mark.kind, mark)
        if first.unit != mark.unit and catalogue.units()[first.unit].factor != catalogue.units()[mark.unit].factor:
            clashes.append((first, mark))
    return chosen, clashes


KIND_NAMES = {"money": "金额", "count": "个数"}
