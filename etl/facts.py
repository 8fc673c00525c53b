"""One cell to one canonical fact: zone, year, 是否模拟 flag, date, indicator, unit and amount — the scalar rules
the row-by-row extractors (etl.normalise) and the column-at-a-time ones (etl.bulk, etl.ledger) share — and the
columns of each kind of fact.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from etl import catalogue
from etl.catalogue import normalise_label
from etl.cells import cell_text, is_missing, parse_number
from etl.headers import words

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TRUE = {"是", "y", "yes", "true", "1", "模拟", "模拟数据"}
_FALSE = {"否", "n", "no", "false", "0", "实际", "真实", ""}
PROVENANCE = ["file_name", "sheet", "row_number", "sha256"]


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    if is_missing(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 100_000:  # an Excel serial day number left without a date format
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date(), None
        return None, f"“{value}”不是日期"
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        return None, f"“{text[:40]}”不是可识别的日期"
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"日期“{text}”不存在"


# A day or month after the year (2021-09, 2021.12, 2021年9月, 2021/9/1): a recognition's date, of which the year counts.
_DATED_YEAR = re.compile(r"^((?:19|20)\d{2})[-./年](?:0?[1-9]|1[0-2])(?:月(?:\d{1,2}日)?|[-./]\d{1,2})?$")


def parse_year(value: Any, dated: bool = False) -> tuple[int | None, str | None]:
    """The year a cell names (2021, "2021年", "2021年度", a date); with `dated`, also the year of a month or day."""
    if is_missing(value):
        return None, None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, None
    if dated and isinstance(value, str):
        match = _DATED_YEAR.match("".join(unicodedata.normalize("NFKC", value).split()))
        if match:
            return int(match.group(1)), None
    text = str(value).strip().removesuffix("年度").removesuffix("年") if isinstance(value, str) else value
    number, problem = parse_number(text)
    if problem or number is None or number != int(number):
        return None, f"年份“{cell_text(value)[:20]}”无法识别"
    return int(number), None


def parse_flag(value: Any) -> tuple[bool, str | None]:
    text = normalise_label(cell_text(value)).lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE or is_missing(value):
        return False, None
    return False, f"“{cell_text(value)}”无法识别"


# What a 单位名称 cell adds to a zone's name: its 管委会, a footnote mark (太原经开区* / ※ / （注1）).
_ZONE_DECORATION = re.compile(r"(?:管理委员会|管委会)?(?:[*※]+|\(注\d*\))?$")


class ZoneResolver:
    def __init__(self) -> None:
        self.aliases = catalogue.zone_aliases()
        self.display = sorted({z["zone_name"] for z in catalogue.zones()} | {z["short_name"] for z in catalogue.zones()})

    def resolve(self, name: Any) -> tuple[str | None, str | None]:
        text = cell_text(name)
        label = normalise_label(text)
        zone_id = self.aliases.get(label) or self.aliases.get(_ZONE_DECORATION.sub("", label))
        if zone_id:
            return zone_id, None
        from rapidfuzz import process

        # Names that share its place name (盐湖开发区 -> 盐湖高新区) before those that only look alike.
        place = label[:2]
        sharing = [name for name in self.display if place and place in normalise_label(name)]
        closest = [match for match, _score, _ in process.extract(text, sharing or self.display, limit=3)]
        return None, f"未知的开发区“{text[:40]}” — 最接近的已知名称：{'、'.join(closest)}"


_UNIT_AFTER_NAME = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]+)\)$")  # (on a normalise_label'd text)
# The outline number a report writes before an indicator's name: 一、 （一） 1. 1、 (as NFKC leaves them).
_OUTLINE_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)|\d+[、.](?!\d))")
# Circled numbers (① ❶ ➀ ㉑ ㊀ …), as Word and WPS number a list: taken off before NFKC, which turns ① into a bare
# 1 and ㊀ into 一 (a bare digit may belong to a name, so it is not read as a number afterwards).
_CIRCLED_NUMBER = re.compile("^\\s*[\u2460-\u2473\u24eb-\u24fe\u2776-\u2793\u3251-\u325f\u3280-\u3289\u32b1-\u32bf]")


def indicator_and_unit(value: Any) -> tuple[str | None, str | None]:
    """(indicator code, the unit written after the name) of a label: 签约项目总投资（万元） -> (signed_investment, 万元).
    The whole label is looked up first (an alias may end in parentheses); what the parentheses hold counts only
    when the catalogue knows it as a unit, so 签约项目数（含续建） stays a name the catalogue does not have. An outline
    number before the name (一、 （一） 1.) is not part of it."""
    label = normalise_label(cell_text(value))
    aliases = catalogue.indicator_aliases()
    if label in aliases:
        return aliases[label], None
    label = _OUTLINE_NUMBER.sub("", normalise_label(_CIRCLED_NUMBER.sub("", cell_text(value), count=1)), count=1)
    if label in aliases:
        return aliases[label], None
    match = _UNIT_AFTER_NAME.match(label)
    if match and match.group("unit") in catalogue.units() and match.group("name") in aliases:
        return aliases[match.group("name")], match.group("unit")
    return None, None


def companion_of_indicator(value: Any) -> bool:
    """签约项目数同比增长, 签约项目总投资增速（%）, 签约项目数排名: a rate, rank or part of an indicator, not its figure."""
    label = normalise_label(cell_text(value))
    if not any(word in label for word in words()["companion"]):
        return False
    return any(label.startswith(alias) for alias in catalogue.indicator_aliases() if len(alias) >= 2)


def indicator_named(value: Any) -> tuple[str | None, str | None, str | None]:
    """(indicator code, the problem naming the closest names, the unit after the name) for a cell; no code and no
    problem for a growth rate or rank of an indicator (companion_of_indicator), a row to skip."""
    raw = cell_text(value)
    code, unit = indicator_and_unit(raw)
    if code is not None:
        return code, None, unit
    if companion_of_indicator(raw):
        return None, None, None
    from rapidfuzz import process

    names = process.extract(raw, [i.name_zh for i in catalogue.indicators().values()], limit=3)
    return None, f"未知的指标“{raw[:40]}” — 应为指标目录中的名称，最接近：{'、'.join(n for n, _s, _ in names)}", None


def note_companion_rows(account, labels: list[Any]) -> None:
    """Say which rows were left out as rates or ranks of an indicator (companion_of_indicator)."""
    shown = [cell_text(label) for label in labels if cell_text(label)]
    if shown:
        more = f"等 {len(shown)} 种" if len(shown) > 3 else ""
        account.note(f"跳过增速、同比、排名等行（{'、'.join(shown[:3])}{more}）：不是指标本身的数值")


def indicator_of(value: Any) -> tuple[str | None, str | None]:
    """Indicator code for a cell (its name, or its name and unit), or the problem naming the closest names."""
    return indicator_named(value)[:2]


def amount_problem(label: str, indicator_code: str, raw: Any, problem: str) -> str:
    """The message for a figure parse_number refused (problem as parse_number gave it)."""
    if problem == "percent":
        kind = catalogue.indicators()[indicator_code].kind
        return f"“{label}”填写了百分比“{cell_text(raw)}” — 应为{_units_for(kind)}计的数值"
    return f"“{label}”：{problem} — 应为数值，如 1,234.56；缺失请填“—”"


def resolve_unit(indicator_code: str, explicit: str | None, units_line: list[str],
                 format_units: frozenset[str] = frozenset()) -> tuple[float, str | None]:
    """Factor to the canonical unit, or a problem. Header/unit-column unit first, then the 单位： line; a unit
    written nowhere is the catalogue's, unless the workbook's number formats show one (`format_units`, 万元):
    the cells then hold 3000 and show "3,000万元", and the figure is refused rather than read as 3000 亿元."""
    indicator = catalogue.indicators()[indicator_code]
    known = catalogue.units()
    if explicit:
        unit = known.get(normalise_label(explicit))
        if unit is None:
            return 1.0, f"单位“{explicit}”无法识别 — {indicator.name_zh}的单位应为{_units_for(indicator.kind)}"
        if unit.kind != indicator.kind:
            return 1.0, f"单位“{explicit}”与指标“{indicator.name_zh}”不符 — 应为{_units_for(indicator.kind)}"
        return unit.factor, None
    for name in units_line:
        unit = known.get(normalise_label(name))
        if unit and unit.kind == indicator.kind:
            return unit.factor, None
    shown = sorted(u for u in format_units if (known.get(u) and known[u].kind == indicator.kind))
    if shown:
        return 1.0, (f"“{indicator.name_zh}”没有注明单位，而单元格的显示格式带有“{'、'.join(shown)}” — 导入读取的是单元格中"
                     f"存的数，不含显示格式里的单位；请在表头注明单位（如“{indicator.name_zh}（{shown[0]}）”）或在表上方加一行"
                     f"“单位：{shown[0]}”后重新导入")
    return 1.0, None


def unit_unstated(indicator_code: str, explicit: str | None, units_line: list[str]) -> bool:
    """A money figure whose unit is written nowhere (name, header, 单位 cell, units line): read in the catalogue's."""
    if explicit or catalogue.indicators()[indicator_code].kind != "money":
        return False
    known = catalogue.units()
    return not any(known.get(normalise_label(name)) and known[normalise_label(name)].kind == "money"
                   for name in units_line)


def note_assumed_unit(account, label: str, indicator_code: str) -> None:
    """Say in the sheet's 读取说明 that `label`'s figures were read in the catalogue's unit, none being written."""
    unit = catalogue.indicators()[indicator_code].unit
    account.note(f"“{label}”未注明单位：按{unit}读取（指标目录的单位）— 如为万元或元，请在表头注明，如“{label}（万元）”")


def agreed_unit(name_unit: str | None, column_unit: str | None, header_unit: str | None
                ) -> tuple[str | None, str | None]:
    """The unit a figure is in, given the one after its indicator's name (indicator_and_unit), its 单位 cell and
    its column header's: the name's is the most particular; a 单位 cell or header naming another unit of the same
    kind (亿元 against 万元) is a contradiction, reported rather than guessed. A header unit of the other kind
    (a 万元 column holding a count row) is the header speaking of the money rows."""
    if name_unit is None:
        return column_unit or header_unit, None
    known = catalogue.units()
    mine = known[normalise_label(name_unit)]
    for where, other in (("“单位”列", column_unit), ("表头", header_unit)):
        unit = known.get(normalise_label(other)) if other else None
        if unit is not None and unit.kind == mine.kind and unit.factor != mine.factor:
            return None, (f"指标名称中的单位“{name_unit}”与{where}的单位“{other}”不一致 — 请核对后只在一处写明单位")
    if column_unit and normalise_label(column_unit) not in known:
        return column_unit, None  # (resolve_unit names the unit it cannot read)
    return name_unit, None


def _units_for(kind: str) -> str:
    return "/".join(u.name for u in catalogue.units().values() if u.kind == kind)


def to_canonical(number: float, factor: float) -> float:
    # Rounding keeps 1,797,800 万元 -> exactly 179.78 亿元 rather than 179.78000000000003.
    return round(number * factor, 8) if factor != 1 else number


# Optional progress columns (周调度): the plan, and the day the row was last updated (else the title's 截至 date).
PROGRESS_DATES = ["planned_production_date", "updated_date"]
VALUE_COLUMNS = ["zone_id", "year", "indicator", "value", "source", "is_synthetic", "column", "year_column", *PROVENANCE]
TARGET_COLUMNS = ["zone_id", "year", "indicator", "target", "is_synthetic", "column", "year_column", *PROVENANCE]
ENTERPRISE_COLUMNS = ["zone_id", "enterprise_name", "category", "recognised_year", "is_synthetic", "year_column",
                      *PROVENANCE]
PROJECT_COLUMNS = ["project_id", "project_name", "zone_id", "investor", "investor_origin", "chain", "total_investment",
                   "signed_date", "started_date", "production_date", "status", "projected_output", "projected_tax",
                   "chain_leader", "lead_official", "note", "is_synthetic", *PROGRESS_DATES, *PROVENANCE]
CHAIN_LINK_COLUMNS = ["zone_id", "chain_leader", "partner", "relation", "introduced_by", "mode", "chain", "segment",
                      "project_name", "project_ref", "note", "is_synthetic", *PROVENANCE]
