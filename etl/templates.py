"""Blank Excel templates for each input layout, built from the catalogue so they always load.

    build_template("ledger") -> bytes of an .xlsx: a title row, a `单位：` line where the layout uses one, the
    header row in the column names the reader accepts (etl/catalogue/columns.toml), drop-down lists and header
    comments; a second sheet "填写说明" (skipped by the reader) lists every column with its meaning, unit and
    allowed values. The lists behind the drop-downs live on a hidden sheet (also skipped by the reader).

    python -m etl template LAYOUT --out FILE.xlsx
"""
from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from etl import catalogue
from etl.paths import CATALOGUE_DIR

LAYOUTS = ["long", "wide", "ledger", "enterprises", "targets"]
LANGS = ("zh", "en")
INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
DATA_ROWS_FORMATTED = 500  # rows below the header that get date/number formats and drop-downs
DATE_FORMATS = "2021-11-15、2021/11/15、2021年11月15日，或 Excel 日期单元格"

_SHEET_NAMES = {"long": "指标数据", "wide": "指标数据", "ledger": "项目台账", "enterprises": "企业名录",
                "targets": "年度目标"}
_TITLES = {
    "long": ("开发区主要经济指标（每行填写一个开发区一年的一个指标）", "Development-zone indicators, one value per row"),
    "wide": ("开发区主要经济指标（每行填写一个开发区一年的各项指标）", "Development-zone indicators, one zone-year per row"),
    "ledger": ("开发区招商引资项目台账", "Investment project ledger"),
    "enterprises": ("开发区企业名录（认定企业）", "Recognised enterprises"),
    "targets": ("开发区年度目标", "Annual targets"),
}
_LAYOUT_COLUMNS = {
    "long": ["zone", "year", "indicator", "value", "unit", "source"],
    "wide": ["zone", "year"],  # then one column per indicator
    "ledger": ["project_id", "project_name", "zone", "investor", "investor_origin", "chain", "total_investment",
               "signed_date", "started_date", "production_date", "planned_production_date", "status",
               "projected_output", "projected_tax", "chain_leader", "lead_official", "updated_date", "note"],
    "enterprises": ["enterprise_name", "zone", "category", "recognised_year"],
    "targets": ["zone", "year", "indicator", "target", "unit"],
}
_REQUIRED = {
    "long": {"zone", "year", "indicator", "value"},
    "wide": {"zone", "year"},
    "ledger": {"project_name", "zone"},
    "enterprises": {"enterprise_name", "zone", "category", "recognised_year"},
    "targets": {"zone", "year", "indicator", "target"},
}
# The header spelling used in a template when it is not the first one listed in columns.toml.
_PREFERRED_LABEL = {("ledger", "zone"): "所属开发区", ("enterprises", "zone"): "所属开发区", ("ledger", "status"): "项目状态",
                    ("ledger", "investor"): "投资方", ("ledger", "total_investment"): "总投资"}
_MONEY_IN_HEADER = {"total_investment", "projected_output", "projected_tax"}  # header carries （亿元）
_DATES = {"signed_date", "started_date", "production_date", "planned_production_date", "updated_date"}


@dataclass(frozen=True)
class ColumnHelp:
    zh: str
    en: str
    unit: str = ""  # unit or format
    allowed: str = ""  # allowed values, in words
    options: str | None = None  # drop-down list (a column of the options sheet)


def _indicator_lines() -> str:
    return "；".join(f"{i.name_zh}（{i.unit}）" for i in catalogue.indicators().values())


def _statuses() -> list[tuple[str, str]]:
    with open(CATALOGUE_DIR / "project_status.csv", encoding="utf-8", newline="") as handle:
        return [(r["status"], r["aliases"].replace("|", "、")) for r in csv.DictReader(handle)]


def _categories() -> list[tuple[str, str]]:
    with open(CATALOGUE_DIR / "enterprise_categories.csv", encoding="utf-8", newline="") as handle:
        return [(r["category"], r["aliases"].replace("|", "、")) for r in csv.DictReader(handle)]


def _help(key: str, layout: str) -> ColumnHelp:
    money = "亿元（也可在表头括号内写万元、元，将自动换算）"
    units = "、".join(catalogue.units())
    table = {
        "zone": ColumnHelp("开发区全称或简称，如“运城盐湖高新技术产业开发区”或“盐湖高新区”",
                           "Zone, full or short name", "", "见下方“开发区名称”", "zone"),
        "year": ColumnHelp("统计年度（四位数字）", "Year (four digits)", "年", "如 2021"),
        "indicator": ColumnHelp("指标名称", "Indicator name", "", _indicator_lines(), "indicator"),
        "value": ColumnHelp("指标数值；缺失请填“—”或留空（缺失不等于 0）", "Value; leave empty or “—” when missing",
                            "按“单位”列；“单位”列留空即为指标的标准单位", "数字，可带千分位，如 1,234.56"),
        "target": ColumnHelp("年度目标值", "Target value", "按“单位”列；留空即为指标的标准单位", "数字"),
        "unit": ColumnHelp("数值的单位；留空表示指标的标准单位", "Unit; empty = the indicator's canonical unit", "",
                           units, "unit"),
        "source": ColumnHelp("数据来源（可选），如“统计快报”", "Source (optional)"),
        "project_id": ColumnHelp("项目编号（可选）；有编号时按编号识别同一项目，否则按开发区+项目名称识别",
                                 "Project number (optional): identifies the project across ledgers"),
        "project_name": ColumnHelp("项目名称", "Project name"),
        "investor": ColumnHelp("投资方（企业）全称", "Investor (company)"),
        "investor_origin": ColumnHelp("投资方所在地，如“山东济南”", "Where the investor comes from"),
        "chain": ColumnHelp("所属产业链，如“装备制造”", "Industrial chain"),
        "total_investment": ColumnHelp("项目总投资", "Total investment", money, "数字"),
        "signed_date": ColumnHelp("签约日期", "Signing date", "日期", DATE_FORMATS),
        "started_date": ColumnHelp("开工日期", "Construction start", "日期", DATE_FORMATS),
        "production_date": ColumnHelp("投产日期", "Production start", "日期", DATE_FORMATS),
        "planned_production_date": ColumnHelp("计划投产日期（可选，用于进度预警）", "Planned production date",
                                              "日期", DATE_FORMATS),
        "status": ColumnHelp("项目状态；留空时按日期推断", "Project status (inferred from dates when empty)", "",
                             "；".join(f"{s}（也可写：{a}）" for s, a in _statuses()), "status"),
        "projected_output": ColumnHelp("预计年产值", "Projected annual output", money, "数字"),
        "projected_tax": ColumnHelp("预计利税", "Projected profit and tax", money, "数字"),
        "chain_leader": ColumnHelp("引进该项目的链主企业（如有）", "Chain leader that brought the project, if any"),
        "lead_official": ColumnHelp("包联领导", "Responsible official"),
        "updated_date": ColumnHelp("本行最近更新日期（可选，用于“多久未更新”预警）", "Day this row was last updated",
                                   "日期", DATE_FORMATS),
        "note": ColumnHelp("备注", "Note"),
        "enterprise_name": ColumnHelp("企业全称", "Enterprise name"),
        "category": ColumnHelp("认定类别", "Recognition category", "",
                               "；".join(f"{c}（也可写：{a}）" for c, a in _categories()), "category"),
        "recognised_year": ColumnHelp("认定年份（四位数字）", "Year recognised", "年", "如 2021"),
    }
    return table[key]


def _column_spellings() -> dict[str, list[str]]:
    with open(CATALOGUE_DIR / "columns.toml", "rb") as handle:
        return tomllib.load(handle)


def column_label(layout: str, key: str) -> str:
    """The header text for a column: a spelling from columns.toml, with （亿元） for ledger money columns."""
    spellings = _column_spellings()[key]
    label = _PREFERRED_LABEL.get((layout, key), spellings[0])
    if label not in spellings:  # the catalogue changed: fall back to what it lists
        label = spellings[0]
    return f"{label}（亿元）" if key in _MONEY_IN_HEADER else label


def indicator_label(code: str) -> str:
    """A wide-table header for an indicator: its Chinese name and canonical unit."""
    indicator = catalogue.indicators()[code]
    return f"{indicator.name_zh}（{indicator.unit}）"


@dataclass
class _Column:
    key: str  # canonical column key, or "indicator:<code>" for a wide indicator column
    label: str
    help: ColumnHelp
    required: bool


def template_columns(layout: str) -> list[_Column]:
    if layout not in LAYOUTS:
        raise ValueError(f"未知的模板格式“{layout}” — 应为 {' / '.join(LAYOUTS)} 之一")
    columns = [_Column(k, column_label(layout, k), _help(k, layout), k in _REQUIRED[layout])
               for k in _LAYOUT_COLUMNS[layout]]
    if layout == "wide":
        for code, indicator in catalogue.indicators().items():
            columns.append(_Column(f"indicator:{code}", indicator_label(code),
                                   ColumnHelp(f"{indicator.name_zh}；缺失请填“—”或留空（缺失不等于 0）",
                                              indicator.name_en, indicator.unit, "数字"), False))
    return columns


def _options() -> dict[str, list[str]]:
    return {
        "zone": [z["zone_name"] for z in catalogue.zones()],
        "indicator": [i.name_zh for i in catalogue.indicators().values()],
        "unit": list(catalogue.units()),
        "status": [s for s, _ in _statuses()],
        "category": [c for c, _ in _categories()],
    }


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def build_template(layout: str, lang: str = "zh") -> bytes:
    """A blank .xlsx for `layout` (one of LAYOUTS). lang="en" writes the explanations in English; the header
    row stays in the Chinese spellings the reader accepts."""
    if lang not in LANGS:
        raise ValueError(f"未知的语言“{lang}” — 应为 {' / '.join(LANGS)} 之一")
    en = lang == "en"
    columns = template_columns(layout)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _SHEET_NAMES[layout]
    width = len(columns)
    sheet.cell(1, 1, _TITLES[layout][0]).font = Font(bold=True, size=14)
    if width > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    header_row = 2
    units_line = _units_line(layout, columns)
    if units_line:
        sheet.cell(2, 1, units_line)
        header_row = 3
    first_data, last_data = header_row + 1, header_row + DATA_ROWS_FORMATTED
    options = _options()
    option_sheet = workbook.create_sheet(OPTIONS_SHEET)
    option_ranges = {}
    for index, (name, values) in enumerate(options.items(), start=1):
        option_sheet.cell(1, index, name)
        for row, value in enumerate(values, start=2):
            option_sheet.cell(row, index, value)
        letter = get_column_letter(index)
        option_ranges[name] = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    option_sheet.sheet_state = "hidden"

    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(header_row, index, column.label)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.comment = Comment(_comment(column, en), "开发区经济指标看板", width=320, height=160)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(32, len(column.label) * 2 + 4))
        target = f"{letter}{first_data}:{letter}{last_data}"
        if column.help.options:
            validation = DataValidation(type="list", formula1=option_ranges[column.help.options], allow_blank=True,
                                        showErrorMessage=False, showInputMessage=True,
                                        promptTitle=column.label[:32], prompt=_prompt(column, en))
            validation.add(target)
            sheet.add_data_validation(validation)
        elif column.key in ("year", "recognised_year"):
            validation = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100",
                                        allow_blank=True, showErrorMessage=True, errorTitle="年份",
                                        error="年份应为四位数字，如 2021")
            validation.add(target)
            sheet.add_data_validation(validation)
        if column.key in _DATES:
            for row in range(first_data, last_data + 1):
                sheet.cell(row, index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = sheet.cell(first_data, 1)
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET, 1), layout, columns, header_row, units_line, en)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _units_line(layout: str, columns: list[_Column]) -> str | None:
    if layout == "wide":
        units = dict.fromkeys(catalogue.indicators()[c.key.split(":", 1)[1]].unit
                              for c in columns if c.key.startswith("indicator:"))
        return "单位：" + "、".join(units)
    if layout == "ledger":
        return "单位：亿元"
    return None


def _comment(column: _Column, en: bool) -> str:
    lines = [column.help.en if en else column.help.zh]
    if column.help.unit:
        lines.append(("Unit/format: " if en else "单位/格式：") + column.help.unit)
    if column.help.allowed and len(column.help.allowed) < 200:
        lines.append(("Allowed: " if en else "可填写：") + column.help.allowed)
    elif column.help.options:
        lines.append("See the 填写说明 sheet" if en else "可选值见“填写说明”工作表，也可从下拉列表选择")
    lines.append(("Required" if en else "必填") if column.required else ("Optional" if en else "选填"))
    return "\n".join(lines)


def _prompt(column: _Column, en: bool) -> str:
    text = "Pick from the list or type" if en else "可从下拉列表选择，也可直接填写（简称、别名均可）"
    return text[:255]


def _instructions(sheet, layout: str, columns: list[_Column], header_row: int, units_line: str | None,
                  en: bool) -> None:
    bold = Font(bold=True)
    rows: list[tuple[list[str], bool]] = []
    title = _TITLES[layout][1 if en else 0]
    rows.append(([("How to fill: " if en else "填写说明：") + title], True))
    general = [
        f"在“{_SHEET_NAMES[layout]}”工作表第 {header_row + 1} 行起逐行填写，每行一条；不要修改第 {header_row} 行的表头，"
        "可删除不需要的选填列（橙色为必填列）。",
        "数字可带千分位（1,234.56）；缺失请填“—”或留空，缺失不等于 0；不要填写合计行（合计由看板计算）。",
        f"日期可写 {DATE_FORMATS}。",
        "开发区可写全称或简称；指标、项目状态、认定类别也接受下方列出的别名。",
        "一次导入要么全部成功，要么全部不写入；出错时会指出“文件:工作表:行:列”和应如何修改。",
    ]
    if units_line:
        general.append(f"第 2 行“{units_line}”说明表中数值的单位；表头括号内的单位优先。")
    if en:
        general.append("(Explanations in English are in the column comments; headers must stay in Chinese.)")
    rows += [([line], False) for line in general]
    rows.append(([], False))
    rows.append((["列名", "含义", "单位/格式", "可填写的值", "必填"] if not en else
                 ["Column", "Meaning", "Unit / format", "Allowed values", "Required"], True))
    for column in columns:
        rows.append(([column.label, column.help.en if en else column.help.zh, column.help.unit,
                      column.help.allowed, ("yes" if en else "必填") if column.required else ("no" if en else "选填")],
                     False))
    if layout in ("long", "wide", "targets"):
        rows.append(([], False))
        rows.append((["指标目录", "标准单位", "也可写", "", ""], True))
        with open(catalogue.indicators_file(), encoding="utf-8", newline="") as handle:
            for r in csv.DictReader(handle):
                rows.append(([r["name_zh"], r["unit"], r["aliases"].replace("|", "、"), "", ""], False))
        rows.append(([], False))
        rows.append((["单位", "换算为标准单位的系数", "", "", ""], True))
        for unit in catalogue.units().values():
            rows.append(([unit.name, f"{unit.factor:g}", "", "", ""], False))
    if layout == "ledger":
        rows.append(([], False))
        rows.append((["项目状态", "也可写", "", "", ""], True))
        rows += [([s, a, "", "", ""], False) for s, a in _statuses()]
    if layout == "enterprises":
        rows.append(([], False))
        rows.append((["认定类别", "也可写", "", "", ""], True))
        rows += [([c, a, "", "", ""], False) for c, a in _categories()]
    rows.append(([], False))
    rows.append((["开发区名称", "简称", "所在市", "级别", ""], True))
    for zone in catalogue.zones():
        rows.append(([zone["zone_name"], zone["short_name"], zone["city"], zone["level"], ""], False))
    for index, (values, heading) in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(index, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if heading:
                cell.font = bold
    for letter, width in zip("ABCDE", (30, 48, 28, 60, 8), strict=True):
        sheet.column_dimensions[letter].width = width
