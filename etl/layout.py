"""Find the header under title and unit lines, tell which kind of table a sheet is and why, and keep its data rows.

What a sheet says decides, never a guess: the header's words (`etl/headers.py`), the units it states and where
(`etl/units.py`), the title and sheet name (targets vs actual values, the year, the period). What is ambiguous is
refused with what to rename; every decision is written into the sheet's account (`etl/account.py`).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from etl import catalogue, headers, units
from etl.account import column_letter
from etl.catalogue import normalise_label
from etl.cells import cell_text, parse_number
from etl.errors import ErrorCollector
from etl.headers import PRIOR, TARGET, VALUE, HeaderCell, split_header  # noqa: F401 (split_header: public here)
from etl.rows import SheetFrom
from etl.rows import pick as _pick_rows
from etl.sheet import RawSheet

HEADER_SCAN_ROWS = 30
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|$)")
# "截至2025年12月" / "截至2026年11月21日" in a ledger title: the day the data describes.
_AS_OF = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
             "十二": 12}
_MONTH = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
# A title about part of a year: 1—11月, 1-6月, 上半年, 前三季度, 一季度, 截至…年N月 (N < 12), a single month.
_PART_YEAR = [re.compile(r"(?:19|20)\d{2}\s*年\s*(?:1|一)\s*(?:[—–\-－~～至到]+|月\s*[—–\-－~～至到]+)\s*" + _MONTH + r"\s*月"),
              re.compile(r"截[至止]\s*(?:19|20)\d{2}\s*年\s*" + _MONTH + r"\s*月(?!\s*\d{1,2}\s*日)"),
              re.compile(r"(?:19|20)\d{2}\s*年\s*" + _MONTH + r"\s*月(?![\s\d]*日)(?!\s*[—–\-－~～至到])")]
_PART_WORDS = re.compile(r"(?:19|20)\d{2}\s*年\s*(上半年|下半年|前三季度|第?[一二三四1-4]季度)")

LAYOUT_LEDGER = "ledger"
LAYOUT_CHAIN_LINKS = "chain_links"
LAYOUT_ENTERPRISES = "enterprises"
LAYOUT_TARGETS = "targets"
LAYOUT_LONG = "long"
LAYOUT_WIDE = "wide"
LAYOUT_ZONE_REPORT = "zone_report"
LAYOUT_NAMES = {
    LAYOUT_LEDGER: "项目台账",
    LAYOUT_CHAIN_LINKS: "链主关系",
    LAYOUT_ENTERPRISES: "企业名录",
    LAYOUT_TARGETS: "年度目标",
    LAYOUT_LONG: "长表（每行一个指标值）",
    LAYOUT_WIDE: "宽表（每行一个开发区）",
    LAYOUT_ZONE_REPORT: "单个开发区指标表（每行一个指标）",
}
REQUIRED_COLUMNS = {
    LAYOUT_LEDGER: ("project_name", "zone"),
    LAYOUT_CHAIN_LINKS: ("zone", "chain_leader", "partner"),
    LAYOUT_ENTERPRISES: ("enterprise_name", "zone", "category", "recognised_year"),
    LAYOUT_TARGETS: ("zone", "indicator", "target"),
    LAYOUT_LONG: ("zone", "indicator", "value"),
    LAYOUT_WIDE: ("zone",),
    LAYOUT_ZONE_REPORT: ("indicator",),
}
COLUMN_LABELS = {
    "zone": "开发区", "year": "年份", "indicator": "指标", "value": "数值", "target": "目标值",
    "project_name": "项目名称", "chain_leader": "链主企业", "partner": "引进企业", "enterprise_name": "企业名称", "category": "认定类别", "recognised_year": "认定年份",
}
_VALUE_LAYOUTS = (LAYOUT_LONG, LAYOUT_WIDE, LAYOUT_ZONE_REPORT, LAYOUT_TARGETS)
_BULK_LAYOUTS = (LAYOUT_LONG, LAYOUT_WIDE, LAYOUT_LEDGER)  # their rows stay in DuckDB: etl/bulk.py, etl/ledger.py


@dataclass
class Table:
    """One sheet with its header understood and its data rows kept with their Excel row numbers."""

    raw: RawSheet
    layout: str
    header_row: int  # 1-based: the last header row (data rows come after it)
    columns: dict[str, HeaderCell]  # canonical column key -> cell
    indicator_columns: list[tuple[HeaderCell, str]]  # (cell, indicator code) for wide sheets; cell.role says which
    row_list: list[tuple[int, list[Any]]] | None = None  # (Excel row number, cells); see rows
    title_year: int | None = None
    title_as_of: dt.date | None = None  # "截至…" in the title
    units_line: list[str] = field(default_factory=list)  # the unit stated above the header, one per kind
    body: Any = None  # long/wide sheets: the data rows in bulk (etl.grid.Body)
    skipped: list = field(default_factory=list)  # etl.rows.SkippedRow: the rows below the header left out, and why
    more: list[Table] = field(default_factory=list)  # further tables on the same sheet (a second title and header)
    zone_in_title: str | None = None  # zone report: the zone_id its title names
    role_columns: list[HeaderCell] = field(default_factory=list)  # zone report: 本年 / 上年同期 / 目标 columns
    title: str | None = None  # the first text above the header that is not a unit line
    title_row: int = 1

    def said_where(self) -> str:
        """`标题“…”、工作表名“…”`: where a table names itself, for messages."""
        parts = ([f"标题“{self.title[:40]}”"] if self.title else []) + (
            [f"工作表名“{self.raw.sheet}”"] if self.raw.sheet else [])
        return "、".join(parts) or "标题"

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


@dataclass
class HeaderRead:
    columns: dict[str, HeaderCell] = field(default_factory=dict)
    indicators: list[tuple[HeaderCell, str]] = field(default_factory=list)
    companions: list[HeaderCell] = field(default_factory=list)
    unknown: list[HeaderCell] = field(default_factory=list)
    role_columns: list[HeaderCell] = field(default_factory=list)  # 本年累计 / 上年同期 without an indicator above
    hidden: list[HeaderCell] = field(default_factory=list)  # columns the clerk hid: not read
    last_index: int = 0  # 0-based index of the last header row
    two_rows: bool = False

    @property
    def score(self) -> int:
        return len(self.columns) + len(self.indicators)


def _read_header(head: list[list[Any]], index: int) -> HeaderRead:
    synonyms = catalogue.column_synonyms()
    aliases = catalogue.indicator_aliases()
    row = head[index]
    sub = head[index + 1] if index + 1 < len(head) else []
    read = HeaderRead(last_index=index)
    if sub and headers.is_sub_header_row(sub):
        pairs = headers.combine_two_rows(row, sub)
        if any(split_header(top)[0] in aliases for top, below in pairs if below):
            read.two_rows, read.last_index = True, index + 1
    grouped = headers.group_pairs(row, sub) if sub and not read.two_rows else None
    if grouped is not None:  # 签约项目 merged over 个数 | 总投资
        pairs, read.two_rows, read.last_index = grouped, True, index + 1
    if not read.two_rows:
        pairs = [(cell_text(v), None) for v in row]
    for j, (top, below) in enumerate(pairs):
        if not top and not below:
            continue
        if below == top:  # one header cell merged down over both rows
            below = None
        named = headers.role_split(top) if top and not below else None
        if named is not None:  # 签约项目数（上年同期）, 签约项目数去年同期: the indicator and which of its figures
            name, unit, role = named
            cell = HeaderCell(j + 1, top, name, unit)
            cell.role = role
            read.indicators.append((cell, aliases[name]))
            continue
        base, unit = split_header(top) if top else ("", None)
        role = headers.sub_role(below) if below else None
        if read.two_rows and below and role is None and base in aliases:  # 本月 / 其中… under an indicator
            read.unknown.append(HeaderCell(j + 1, f"{top}·{below}", base, unit))
            continue
        if below and unit is None:
            unit = split_header(below)[1]
        text = f"{top}·{below}" if below and below != top else top
        cell = HeaderCell(j + 1, text, base, unit)
        key = synonyms.get(base)
        if base in aliases and (key is None or key in read.columns or role is not None):
            if role == "skip":
                read.companions.append(cell)
                continue
            cell.role = role if role in (VALUE, PRIOR, TARGET) else VALUE
            read.indicators.append((cell, aliases[base]))
        elif key and key not in read.columns:
            read.columns[key] = cell
        elif headers.target_indicator(base):
            cell.role = TARGET
            read.indicators.append((cell, headers.target_indicator(base)))
        elif headers.sub_role(top) in (VALUE, PRIOR, TARGET):
            cell.role = headers.sub_role(top)
            read.role_columns.append(cell)
        elif headers.is_companion(base) or (top and headers.sub_role(top) == "skip"):
            read.companions.append(cell)
        else:
            read.unknown.append(cell)
    _indicator_under_project(read)
    return read


def _indicator_under_project(read: HeaderRead) -> None:
    """A zone's own report headed 项目 · 本年累计 · 上年同期 (项目 meaning 指标项目): no zone column, no project columns,
    figures in role columns — the 项目 column holds the indicators."""
    cell = read.columns.get("project_name")
    if (cell is not None and cell.base in ("项目", "指标项目") and read.role_columns and "indicator" not in read.columns
            and not set(read.columns) & {"zone", "investor", "total_investment", "signed_date", "status", "project_id"}):
        read.columns["indicator"] = read.columns.pop("project_name")


def _layout_of(read: HeaderRead) -> str | None:
    columns = read.columns
    if "partner" in columns and "chain_leader" in columns:  # before the ledger: it may name the project too
        return LAYOUT_CHAIN_LINKS
    if "project_name" in columns:
        return LAYOUT_LEDGER
    if "enterprise_name" in columns:
        return LAYOUT_ENTERPRISES
    if ("target" in columns and "indicator" in columns and "zone" not in columns
            and ("value" in columns or read.role_columns)):
        return LAYOUT_ZONE_REPORT  # a zone's own report: 年度目标 beside 本年完成, the zone in the title
    if "target" in columns and "indicator" in columns:
        return LAYOUT_TARGETS
    if "indicator" in columns and "value" in columns and "zone" in columns:
        return LAYOUT_LONG
    if "indicator" in columns and "zone" not in columns and ("value" in columns or read.role_columns):
        return LAYOUT_ZONE_REPORT
    if "indicator" in columns and "value" in columns:
        return LAYOUT_LONG
    if "zone" in columns and (read.indicators or _wide_extras(columns)):
        return LAYOUT_WIDE
    return None


# Columns a wide sheet reads as such; any other recognised column that is also an indicator name (预计年产值,
# 预计利税, 总投资 are ledger columns too) is an indicator column of the wide sheet.
_WIDE_KEYS = {"zone", "year", "source", "synthetic", "unit"}


def _wide_extras(columns: dict[str, HeaderCell]) -> list[tuple[HeaderCell, str]]:
    aliases = catalogue.indicator_aliases()
    return [(cell, aliases[cell.base]) for key, cell in columns.items()
            if key not in _WIDE_KEYS and cell.base in aliases]


_CN_DIGITS = str.maketrans("〇○零ＯO一二三四五六七八九", "00000123456789")
_CN_YEAR = re.compile(r"([一二][〇○零ＯO一二三四五六七八九]{3})\s*年")  # 二〇二一年, as 公文 date their titles


def digit_years(text: str) -> str:
    """二〇二一年 -> 2021年, so that a title's year and any part of a year it names read as if typed in digits."""
    return _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS) + "年", text) if text else text


def _year_in(text: str) -> int | None:
    match = _YEAR.search(digit_years(text or ""))
    return int(match.group(1)) if match else None


_YEAR_HEADER = re.compile(r"^(?:19|20)\d{2}(?:\.0)?(?:年度?)?$")


def _years_as_columns(head: list[list[Any]]) -> list[str]:
    """The year headers of a row that has a zone or indicator column and two or more years ("2019年", 2020)."""
    synonyms = catalogue.column_synonyms()
    for row in head:
        texts = [cell_text(v) for v in row if cell_text(v)]
        years = [t.removesuffix(".0") for t in texts if _YEAR_HEADER.match(t)]
        named = any(synonyms.get(normalise_label(t)) in ("zone", "indicator") for t in texts)
        if len(years) >= 2 and named:
            return years
    return []


def _zones_across(head: list[list[Any]]) -> list[str]:
    """The zone names of a row that holds two or more zones, in a sheet whose rows start with indicator names: a
    table with zones as columns (transposed)."""
    zones, aliases = catalogue.zone_aliases(), catalogue.indicator_aliases()
    starts = [next((cell_text(v) for v in row if cell_text(v)), "") for row in head]
    if sum(normalise_label(split_header(text)[0]) in aliases for text in starts) < 2:
        return []
    for row in head:
        named = [cell_text(v) for v in row if cell_text(v) and normalise_label(cell_text(v)) in zones]
        if len(named) >= 2:
            return named
    return []


def _no_header_message(head: list[list[Any]]) -> str:
    """What was seen (the row with most text cells) and, per cell, the nearest names we know."""
    from rapidfuzz import process

    rows = [list(dict.fromkeys(cell_text(v) for v in row if cell_text(v) and not isinstance(v, (int, float))))
            for row in head]  # a title merged across the row is one text, not one per cell
    seen = max(rows, key=len, default=[])
    expected = "；".join(
        f"{name}需含“{'、'.join(COLUMN_LABELS.get(c, c) for c in REQUIRED_COLUMNS[key])}”"
        + ("及指标列" if key == LAYOUT_WIDE else "")
        for key, name in LAYOUT_NAMES.items() if key not in (LAYOUT_CHAIN_LINKS, LAYOUT_ZONE_REPORT))
    message = f"找不到可识别的表头（前 {HEADER_SCAN_ROWS} 行内）— 应为以下格式之一：{expected}"
    across = _zones_across(head)
    if across:
        return (f"本表每列一个开发区（{'、'.join(across[:3])}…）、每行一个指标，这种行列互换的格式不能直接导入 — 请在 Excel "
                "中复制后“选择性粘贴 → 转置”，改成每行一个开发区、每列一个指标，表头第一列写“开发区”")
    by_year = _years_as_columns(head)
    if by_year:
        return (f"本表每个年份一列（{'、'.join(by_year[:4])}），这种格式不能直接导入 — 请每个年份单独一张工作表（工作表名写"
                "年份，如“2021”），或改成长表：每行一个数，列为“开发区、年份、指标、数值”")
    if seen:
        known = sorted(set(catalogue.column_synonyms()) | set(catalogue.indicator_aliases()))
        hints = []
        for text in seen[:8]:
            base = split_header(text)[0]
            nearest = [] if base in known else [
                m for m, score, _ in process.extract(base, known, limit=2) if score >= 50]
            hints.append(f"“{text[:20]}”" + (f"（最接近：{'、'.join(nearest)}）" if nearest else ""))
        message += "。看到的表头：" + "、".join(hints)
        roles = [text for text in seen if headers.sub_role(text) in (VALUE, PRIOR, TARGET)]
        if roles and not any(split_header(text)[0] in catalogue.indicator_aliases() for text in seen):
            message += (f"。表头有“{'”“'.join(roles[:3])}”而没有指标名称 — 请在表头写明是哪个指标，如“签约项目数（目标）”"
                        "“签约项目数（完成）”")
    return message


def _context(head: list[list[Any]], header_index: int, sheet: str | None) -> str:
    texts = [cell_text(v) for row in head[:header_index] for v in row if cell_text(v)]
    return normalise_label(digit_years(" ".join(dict.fromkeys(texts)) + " " + (sheet or "")))


def _part_year(context: str) -> str | None:
    for pattern in _PART_YEAR:
        for match in pattern.finditer(context):
            month = match.group(1)
            number = _CN_MONTH.get(month) or (int(month) if month.isdigit() else 12)
            if number < 12:
                return match.group(0)
    match = _PART_WORDS.search(context)
    return match.group(0) if match else None


def _zone_in(text: str) -> str | None:
    folded = normalise_label(text)
    found = [(len(alias), zone_id) for alias, zone_id in catalogue.zone_aliases().items()
             if len(alias) >= 4 and alias in folded and not alias.startswith("X1")]
    return max(found)[1] if found else None


def understand(raw: RawSheet, errors: ErrorCollector) -> Table | None:
    """Return the sheet as a Table, or None (with errors added) when it cannot be read as any layout.

    A sheet with no content at all is skipped silently (None, no error): workbooks often carry empty sheets.
    """
    account = raw.account
    head = raw.head(HEADER_SCAN_ROWS)
    if not any(cell_text(v) for row in head for v in row) and not _any_content(raw):
        account.skipped = "空白工作表"
        return None
    best: HeaderRead | None = None
    for index in range(len(head)):
        read = _read_header(head, index)
        if _layout_of(read) and (best is None or read.score > best.score):
            best = read
    if best is None:
        errors.add(_no_header_message(head), row=1)
        return None
    read = best
    header_index = read.last_index - (1 if read.two_rows else 0)
    context = _context(head, header_index, raw.sheet)
    layout = _layout_of(read)
    columns = read.columns
    _drop_hidden_columns(read, raw.hidden_columns)
    if layout == LAYOUT_WIDE:
        extras = _wide_extras(columns)
        for cell, _code in extras:
            del columns[next(key for key, c in columns.items() if c is cell)]
        read.indicators = sorted(read.indicators + extras, key=lambda pair: pair[0].column)
    table = Table(raw, layout, read.last_index + 1, columns, read.indicators if layout == LAYOUT_WIDE else [])
    table.role_columns = read.role_columns
    account.header_row = table.header_row
    account.layout_name = LAYOUT_NAMES[layout]
    _read_preamble(table, head[:header_index])
    failed = len(errors.errors)
    layout = _decide_kind(table, read, context, errors)
    if len(errors.errors) > failed:
        return None
    _read_units(table, read, head, errors)
    if layout in _VALUE_LAYOUTS:
        _check_columns(table, read, head, context, errors)
        _check_period(table, context, errors)
    if len(errors.errors) > failed:
        return None
    account.layout = table.layout
    if table.layout != LAYOUT_WIDE or not account.layout_name:
        account.layout_name = LAYOUT_NAMES[table.layout]
    _account_columns(table, read)
    _check_merged_figures(table, errors)
    if len(errors.errors) > failed:
        return None
    zone_cell = columns.get("zone")
    zone_column = zone_cell.column if zone_cell else None
    name_cell = columns.get("project_name") or columns.get("enterprise_name")
    second = _pick_rows(table, zone_column, table.layout in _BULK_LAYOUTS,  # table.body/row_list, table.skipped
                        name_cell.column if name_cell else None)
    if second is not None:
        _read_second(table, *second, errors)  # table.more
    missing = [key for key in REQUIRED_COLUMNS[table.layout] if key not in columns]
    if table.layout == LAYOUT_ENTERPRISES and "recognised_year" in missing and sheet_year(table) is not None:
        missing.remove("recognised_year")  # "2021年新认定高新技术企业名单": every firm of the list was recognised then
        account.note(f"认定年份取自{table.said_where()}：{sheet_year(table)} 年")
    for key in missing:
        errors.add(
            f"缺少必需列“{COLUMN_LABELS.get(key, key)}” — {LAYOUT_NAMES[table.layout]}应包含"
            f"“{'、'.join(COLUMN_LABELS.get(c, c) for c in REQUIRED_COLUMNS[table.layout])}”列",
            row=table.header_row,
        )
    if missing:
        return None
    if not table.row_count:
        errors.add("表头下没有数据行 — 应至少有一行数据", row=table.header_row)
        return None
    return table


def _read_second(table: Table, start: int, title: str, errors: ErrorCollector) -> None:
    """The second table on a sheet (etl.rows.pick found where it begins), read like the first one and kept in
    table.more when it is of the same kind and year."""
    where = f"第 {start} 行起是另一张表（“{title[:30]}”）"
    account = table.raw.account
    kept = account.header_row, list(account.columns), list(account.units), account.reason, account.layout_name
    second = understand(SheetFrom(table.raw, start), errors)
    # the account describes the sheet's first table; the second is one note
    account.header_row, account.columns, account.units, account.reason, account.layout_name = kept
    if second is None:
        return
    if second.layout != table.layout:
        errors.add(f"{where}，与上方的{LAYOUT_NAMES[table.layout]}格式不同"
                   " — 请把第二张表移到单独的工作表", row=start)
        return
    if "year" not in second.columns and sheet_year(second) is None and sheet_year(table) is not None:
        second.title_year = sheet_year(table)  # "二、企业培育" under the sheet's "2021年…" heads a section of it
    year = sheet_year(second)
    if "year" not in second.columns and second.title_year is not None and year != second.title_year:
        errors.add(f"{where}，标题年份 {second.title_year} 与工作表名“{table.raw.sheet}”的年份 {year} 不符"
                   " — 请把第二张表移到单独的工作表", row=start)
        return
    table.raw.account.note(f"{where}，表头在第 {second.header_row} 行，已分别读取")
    table.more = [second, *second.more]
    second.more = []


def _drop_hidden_columns(read: HeaderRead, hidden: frozenset[int]) -> None:
    """Columns the clerk hid are left out like hidden rows (key columns such as 开发区 stay: the table needs them)."""
    if not hidden:
        return
    read.hidden = [cell for cell, _ in read.indicators if cell.column in hidden]
    read.hidden += [cell for cell in read.companions + read.unknown + read.role_columns if cell.column in hidden]
    read.indicators = [(cell, code) for cell, code in read.indicators if cell.column not in hidden]
    for name in ("companions", "unknown", "role_columns"):
        setattr(read, name, [cell for cell in getattr(read, name) if cell.column not in hidden])


def _decide_kind(table: Table, read: HeaderRead, context: str, errors: ErrorCollector) -> str:
    """Targets or actual values: the header's own words first, then the title and sheet name; else refuse."""
    account = table.raw.account
    says_target = headers.context_says(context, "target_context")
    says_actual = headers.context_says(context, "actual_context")
    layout = table.layout
    reasons = {LAYOUT_LEDGER: "表头含“项目名称”", LAYOUT_ENTERPRISES: "表头含“企业名称”",
               LAYOUT_CHAIN_LINKS: "表头含“链主企业”“引进企业”", LAYOUT_TARGETS: "表头含“目标值”"}
    account.reason = reasons.get(layout, "")
    if layout == LAYOUT_WIDE:
        explicit = any(cell.role != VALUE for cell, _ in table.indicator_columns) or read.two_rows
        account.reason = "表头为开发区名称加指标列" + ("（两行表头）" if read.two_rows else "")
        if not explicit and says_target and says_actual:
            errors.add(f"无法判断本表是目标还是完成数：{table.said_where()}既有“目标/计划”又有“完成”字样 — 请在"
                       "表头写明（如“签约项目数（目标）”），或把目标与完成数分成两张表", row=table.header_row)
        elif not explicit and says_target:
            for cell, _code in table.indicator_columns:
                cell.role = TARGET
            account.reason = f"{table.said_where()}含“目标/计划”字样，读作年度目标"
            account.layout_name = "年度目标（宽表，每行一个开发区）"
    elif layout == LAYOUT_LONG:
        account.reason = "表头含“开发区”“指标”“数值”"
        if says_target and says_actual:
            errors.add(f"无法判断本表是目标还是完成数：{table.said_where()}既有“目标/计划”又有“完成”字样 — 目标请用"
                       "“目标值”列，完成数请用“数值”列", row=table.header_row)
        elif says_target:
            table.columns["target"] = table.columns.pop("value")
            table.layout = LAYOUT_TARGETS
            account.reason = f"{table.said_where()}含“目标/计划”字样，“数值”列读作目标值"
    elif layout == LAYOUT_ZONE_REPORT:
        table.zone_in_title = _zone_in(context)
        account.reason = "表头含“指标名称”而无开发区列，开发区取自标题"
        if table.zone_in_title is None:
            errors.add(f"本表每行一个指标、没有开发区列，但{table.said_where()}中找不到开发区名称 — 请在标题中写明开发区"
                       "（如“盐湖高新区2025年主要指标完成情况”），或加一列“开发区”", row=table.header_row)
        alone = not table.role_columns and "target" not in table.columns
        value, target = table.columns.get("value"), table.columns.get("target")
        if value is not None and value not in table.role_columns:  # 本年完成 beside 上年同期 or 年度目标
            value.role = TARGET if alone and says_target and not says_actual else VALUE
            table.role_columns.append(value)
        if target is not None and target not in table.role_columns:
            target.role = TARGET
            table.role_columns.append(target)
        table.role_columns.sort(key=lambda cell: cell.column)
    return table.layout


def _read_units(table: Table, read: HeaderRead, head: list[list[Any]], errors: ErrorCollector) -> None:
    """The units above the header, a units row right below it, and the header's own units: agreeing, or refused."""
    account = table.raw.account
    header_index = read.last_index - (1 if read.two_rows else 0)
    marks = units.preamble_units(head[:header_index])
    chosen, clashes = units.by_kind(marks)
    for first, other in clashes:
        errors.add(f"单位说明不一致：{first.describe()}为{first.unit}，{other.describe()}为{other.unit} — 请只保留正确的一处",
                   row=other.row, column=other.column)
    table.units_line = [mark.unit for mark in chosen.values()]
    for kind, mark in chosen.items():
        account.units.append(f"{units.KIND_NAMES.get(kind, kind)}：{mark.unit}（{mark.describe()}）")
    below = head[read.last_index + 1] if read.last_index + 1 < len(head) else None
    per_column = units.unit_row(below) if below else None
    cells = [c for c, _ in table.indicator_columns] + list(table.columns.values()) + table.role_columns
    if per_column:
        table.header_row += 1
        account.units.append(f"表头下第 {table.header_row} 行逐列注明单位")
        for cell in cells:
            unit = per_column.get(cell.column)
            if unit and cell.unit and units.known_unit(cell.unit) and unit != cell.unit:
                errors.add(f"表头“{cell.text}”注明{cell.unit}，下一行注明{unit} — 请只保留正确的一处",
                           row=table.header_row, column=cell.column)
            elif unit:
                cell.unit = unit
    for cell in cells:
        unit = units.known_unit(cell.unit) if cell.unit else None
        mark = chosen.get(unit.kind) if unit else None
        if unit and mark and catalogue.units()[mark.unit].factor != unit.factor:
            errors.add(f"表头“{cell.text}”的单位为{unit.name}，与{mark.describe()}的{mark.unit}不一致 — 请核对后只保留正确的"
                       "单位（改表头括号内的单位或单位行）", row=table.header_row - (1 if per_column else 0),
                       column=cell.column)


def _check_columns(table: Table, read: HeaderRead, head: list[list[Any]], context: str,
                   errors: ErrorCollector) -> None:
    """Unknown headers over numbers are refused; generic money headers need a table about signed projects."""
    header_row = read.last_index + 1
    sample = head[read.last_index + 1:]
    for cell, _code in list(table.indicator_columns) + [(c, None) for c in table.columns.values()]:
        problem = headers.generic_money_problem(cell.base, context)
        if problem and (_code in ("signed_investment", None) and cell.base in headers.words()["generic_money"]):
            errors.add(problem, row=header_row, column=cell.column)
    if table.layout == LAYOUT_ZONE_REPORT:
        return
    from rapidfuzz import process

    names = [i.name_zh for i in catalogue.indicators().values()]
    for cell in read.unknown:
        values = [row[cell.column - 1] if cell.column <= len(row) else None for row in sample]
        if headers.looks_numeric(values):
            nearest = "、".join(n for n, _s, _ in process.extract(cell.base, names, limit=2))
            errors.add(f"无法识别的列“{cell.text[:30]}”含数值 — 请把表头改为指标目录中的名称（最接近：{nearest}），或删去此列"
                       "（同比、增长率、完成率、占比、排名、序号、备注列会自动跳过）", row=header_row, column=cell.column)


_FIGURE_KEYS = ("value", "target", "total_investment", "projected_output", "projected_tax")


def _check_merged_figures(table: Table, errors: ErrorCollector) -> None:
    """A number merged over several data cells belongs to none of them alone: copying it into each would count
    it twice (or give one indicator another's figure). Refused, located; merged labels (zone, 合计) are fine."""
    figures = {cell.column for cell, _ in table.indicator_columns} | {cell.column for cell in table.role_columns}
    figures |= {cell.column for key, cell in table.columns.items() if key in _FIGURE_KEYS}
    for top, left, bottom, right in table.raw.merged_ranges:
        if bottom <= table.header_row or (top == bottom and left == right):
            continue
        if not figures & set(range(left, right + 1)):
            continue
        line = table.raw.row(top)
        value = line[left - 1] if left <= len(line) else None
        number, problem = parse_number(value)
        if number is not None and problem in (None, "percent"):
            span = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
            errors.add(f"数值“{cell_text(value)}”是合并单元格 {span}，无法判断属于哪一行/哪一列 — 请取消合并，把数值只填在"
                       "它所属的单元格中", row=top, column=left)


def _check_period(table: Table, context: str, errors: ErrorCollector) -> None:
    part, where, row, column = _part_year(context), "标题/工作表名", 1, None
    if not part:
        cell = _part_year_column(table)
        if cell is not None:
            part, where, row, column = cell.text, "表头", table.header_row, cell.column
    if part and "year" not in table.columns or part and table.layout == LAYOUT_ZONE_REPORT:
        errors.add(f"{where}“{part}”表明本表是部分月份的累计数 — 指标目录只收全年数，不能当作全年数据导入；请报送全年"
                   "（1—12月）数据", row=row, column=column)
    if table.layout in (LAYOUT_WIDE, LAYOUT_LONG, LAYOUT_TARGETS) and "year" not in table.columns:
        from_sheet = _sheet_name_year(table.raw.sheet)
        if from_sheet and table.title_year and from_sheet != table.title_year:
            errors.add(f"工作表名“{table.raw.sheet}”为 {from_sheet} 年，标题为 {table.title_year} 年 — 请改正其一，使年份一致",
                       row=table.title_row)


def _part_year_column(table: Table):
    """A figure column headed 1—N月 with N < 12 ("1-11月累计"), or None."""
    cells = [cell for cell, _ in table.indicator_columns] + list(table.role_columns)
    for cell in cells:
        spans = [headers.month_span(part) for part in cell.text.split("·")]
        if any(span and span < 12 for span in spans):
            return cell
    return None


def _account_columns(table: Table, read: HeaderRead) -> None:
    account = table.raw.account
    indicators = catalogue.indicators()
    labels = {**catalogue.column_labels(), **COLUMN_LABELS}
    entries = []
    for cell, code in table.indicator_columns:
        entries.append((cell, f"→ {indicators[code].name_zh}（{headers.ROLE_NAMES[cell.role]}"
                              f"{'，' + cell.unit if cell.unit else ''}）"))
    for key, cell in table.columns.items():
        entries.append((cell, f"→ {labels.get(key, key)}"))
    for cell in table.role_columns:
        entries.append((cell, f"→ {headers.ROLE_NAMES[cell.role]}"))
    for cell in read.companions:
        entries.append((cell, "跳过：同比/增长率/完成率/占比/排名/序号等辅助列"))
    for cell in read.unknown:
        entries.append((cell, "跳过：未识别（非数值列）"))
    for cell in read.hidden:
        entries.append((cell, "跳过：隐藏列"))
    for cell, outcome in sorted(entries, key=lambda e: e[0].column):
        account.column(cell.column, cell.text, outcome)


def _any_content(raw: RawSheet) -> bool:
    if raw.in_grid:
        return raw.grid().any_content()
    return any(cell_text(v) for row in raw.cells for v in row)


def _read_preamble(table: Table, rows: list[list[Any]]) -> None:
    for number, row in enumerate(rows, 1):
        for value in row:
            text = cell_text(value)
            if not text or units.units_in_cell(text) and not _YEAR.search(text):
                continue
            if table.title is None:
                table.title, table.title_row = text, number
            if table.title_year is None:
                table.title_year = _year_in(text)
            if table.title_as_of is None:
                table.title_as_of = title_as_of(text)


def _sheet_name_year(sheet: str | None) -> int | None:
    if not sheet:
        return None
    name = sheet.strip()
    if re.fullmatch(r"(?:19|20)\d{2}(?:年.*)?", name) or _year_in(name):
        return _year_in(name) or int(name[:4])
    return None


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
