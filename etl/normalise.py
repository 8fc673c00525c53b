"""Turn understood tables into canonical facts: zone ids, indicator codes, canonical units, numbers, dates.

Each extractor returns a DataFrame whose rows remember where they came from (file, sheet, Excel row,
column) so that validation can point at the cell a person must fix.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from etl import bulk, catalogue, ledger
from etl.catalogue import normalise_label
from etl.cells import cell_text, is_missing, parse_number
from etl.errors import ErrorCollector
from etl.facts import (
    CHAIN_LINK_COLUMNS,
    ENTERPRISE_COLUMNS,
    TARGET_COLUMNS,
    VALUE_COLUMNS,
    ZoneResolver,
    agreed_unit,
    amount_problem,
    indicator_and_unit,
    indicator_named,
    note_assumed_unit,
    note_companion_rows,
    parse_flag,
    parse_year,
    resolve_unit,
    to_canonical,
    unit_unstated,
)
from etl.layout import (
    LAYOUT_CHAIN_LINKS,
    LAYOUT_ENTERPRISES,
    LAYOUT_LEDGER,
    LAYOUT_LONG,
    LAYOUT_TARGETS,
    LAYOUT_WIDE,
    LAYOUT_ZONE_REPORT,
    Table,
    sheet_year,
)


class Extractor:
    """Shared cell access for one table: every problem becomes a located error."""

    def __init__(self, table: Table, errors: ErrorCollector, zones: ZoneResolver):
        self.table = table
        self.errors = errors
        self.zones = zones
        self.file_name, self.sheet = table.location

    def cell(self, row: list[Any], key: str) -> Any:
        header = self.table.columns.get(key)
        if header is None or header.column > len(row):
            return None
        return row[header.column - 1]

    def column_of(self, key: str) -> int | None:
        header = self.table.columns.get(key)
        return header.column if header else None

    def fail(self, row_number: int, key_or_column: str | int | None, message: str) -> None:
        column = key_or_column if isinstance(key_or_column, int) or key_or_column is None else self.column_of(key_or_column)
        self.errors.add(message, row=row_number, column=column)

    def provenance(self, row_number: int) -> dict[str, Any]:
        return {"file_name": self.file_name, "sheet": self.sheet, "row_number": row_number, "sha256": self.table.raw.sha256}

    def zone(self, row_number: int, row: list[Any]) -> str | None:
        raw = self.cell(row, "zone")
        if is_missing(raw):
            self.fail(row_number, "zone", "开发区名称为空 — 应填写开发区全称或简称")
            return None
        zone_id, problem = self.zones.resolve(raw)
        if problem:
            self.fail(row_number, "zone", problem)
        return zone_id

    def year(self, row_number: int, row: list[Any], key: str = "year", fallback: int | None = None) -> int | None:
        if key in self.table.columns:
            year, problem = parse_year(self.cell(row, key), dated=key == "recognised_year")
            if problem:
                self.fail(row_number, key, f"{problem} — 应为四位年份，如 2021")
                return None
            if year is not None:
                return year
        if fallback is not None:
            return fallback
        self.fail(row_number, key if key in self.table.columns else None,
                  "缺少年份 — 应在“年份”列填写，或在标题/工作表名中写明（如“2021年”）")
        return None

    def indicator(self, row_number: int, row: list[Any]) -> tuple[str | None, str | None]:
        """(code, the unit written after the indicator's name)."""
        code, problem, unit = indicator_named(self.cell(row, "indicator"))
        if problem:
            self.fail(row_number, "indicator", problem)
        elif code is None and not is_missing(self.cell(row, "indicator")):
            note_companion_rows(self.table.raw.account, [self.cell(row, "indicator")])
        return code, unit

    def synthetic(self, row_number: int, row: list[Any]) -> bool:
        flag, problem = parse_flag(self.cell(row, "synthetic"))
        if problem:
            self.fail(row_number, "synthetic", f"{problem} — “是否模拟”应填“是”或“否”")
        return flag

    def amount(self, row_number: int, column: int, raw: Any, indicator_code: str, explicit_unit: str | None,
               label: str, unit_column: int | None = None) -> tuple[float | None, bool]:
        """Parse one indicator figure into its canonical unit. Returns (value, ok)."""
        number, problem = parse_number(raw)
        if problem:
            self.fail(row_number, column, amount_problem(label, indicator_code, raw, problem))
            return None, False
        factor, unit_problem = resolve_unit(indicator_code, explicit_unit, self.table.units_line,
                                            self.table.raw.format_units)
        if unit_problem:
            self.fail(row_number, unit_column or column, unit_problem)
            return None, False
        if number is not None and unit_unstated(indicator_code, explicit_unit, self.table.units_line):
            note_assumed_unit(self.table.raw.account, catalogue.indicators()[indicator_code].name_zh, indicator_code)
        return (None if number is None else to_canonical(number, factor)), True


def extract_targets(table: Table, errors: ErrorCollector, zones: ZoneResolver) -> pd.DataFrame:
    ex = Extractor(table, errors, zones)
    fallback_year = sheet_year(table)
    records = []
    for row_number, row in table.rows:
        zone_id = ex.zone(row_number, row)
        year = ex.year(row_number, row, fallback=fallback_year)
        code, name_unit = ex.indicator(row_number, row)
        synthetic = ex.synthetic(row_number, row)
        if code is None:
            continue
        header = table.columns["target"]
        unit_text = cell_text(ex.cell(row, "unit"))
        unit, clash = agreed_unit(name_unit, unit_text, header.unit)
        if clash:
            ex.fail(row_number, "unit" if unit_text else "indicator", clash)
            continue
        value, ok = ex.amount(row_number, header.column, ex.cell(row, "target"), code, unit,
                              "目标值", ex.column_of("unit") if unit_text else None)
        if ok and value is not None and zone_id and year is not None:
            records.append({"zone_id": zone_id, "year": year, "indicator": code, "target": value,
                            "is_synthetic": synthetic, "column": header.column, "year_column": ex.column_of("year"),
                            **ex.provenance(row_number)})
    return pd.DataFrame.from_records(records, columns=TARGET_COLUMNS)


def extract_zone_report(table: Table, errors: ErrorCollector, zones: ZoneResolver) -> pd.DataFrame:
    """A zone's own report: one indicator a row, 本年累计 / 上年同期 columns, the zone and year in the title."""
    ex = Extractor(table, errors, zones)
    year = sheet_year(table)
    if year is None:
        ex.fail(table.header_row, None, "缺少年份 — 请在标题中写明年份（如“盐湖高新区2025年主要指标完成情况”）")
        return pd.DataFrame(columns=VALUE_COLUMNS + ["role"])
    zone_name = catalogue.zone_names().get(table.zone_in_title, table.zone_in_title)
    table.raw.account.note(f"开发区取自标题：{zone_name}；年份：{year} 年")  # what the clerk must see was understood
    records = []
    for row_number, row in table.rows:
        name = cell_text(ex.cell(row, "indicator"))
        if is_missing(name):
            continue
        code, name_unit = indicator_and_unit(name)
        if code is None:  # a zone's report lists more than the catalogue holds: say so, store nothing of it
            figures = [row[h.column - 1] for h in table.role_columns if h.column <= len(row)]
            heading = all(is_missing(v) for v in figures)
            table.raw.account.skip_row(row_number, "分类标题" if heading else "目录外指标", name)
            continue
        unit_text = cell_text(ex.cell(row, "unit"))
        for header in table.role_columns:
            raw = row[header.column - 1] if header.column <= len(row) else None
            unit, clash = agreed_unit(name_unit, unit_text, header.unit)
            if clash:
                ex.fail(row_number, ex.column_of("unit") if unit_text else ex.column_of("indicator"), clash)
                break
            value, ok = ex.amount(row_number, header.column, raw, code, unit, header.text,
                                  ex.column_of("unit") if unit_text else None)
            if ok and value is not None:
                records.append({"zone_id": table.zone_in_title, "year": year - (1 if header.role == "prior" else 0),
                                "indicator": code, "value": value, "source": None, "is_synthetic": False,
                                "column": header.column, "year_column": None, "role": header.role,
                                **ex.provenance(row_number)})
    return pd.DataFrame.from_records(records, columns=VALUE_COLUMNS + ["role"])


def extract_enterprises(table: Table, errors: ErrorCollector, zones: ZoneResolver) -> pd.DataFrame:
    ex = Extractor(table, errors, zones)
    categories = catalogue.enterprise_categories()
    records = []
    for row_number, row in table.rows:
        name = cell_text(ex.cell(row, "enterprise_name"))
        zone_id = ex.zone(row_number, row)
        year = ex.year(row_number, row, key="recognised_year", fallback=sheet_year(table))
        synthetic = ex.synthetic(row_number, row)
        raw_category = cell_text(ex.cell(row, "category"))
        category = categories.get(normalise_label(raw_category))
        if not name:
            ex.fail(row_number, "enterprise_name", "企业名称为空 — 应填写企业全称")
        if category is None:
            ex.fail(row_number, "category",
                    f"未知的认定类别“{raw_category[:30]}” — 应为：{'、'.join(sorted(set(categories.values())))}")
        if name and category and zone_id and year is not None:
            records.append({"zone_id": zone_id, "enterprise_name": name, "category": category,
                            "recognised_year": year, "is_synthetic": synthetic,
                            "year_column": ex.column_of("recognised_year"), **ex.provenance(row_number)})
    frame = pd.DataFrame.from_records(records, columns=ENTERPRISE_COLUMNS)
    _note_firms_in_two_zones(table, frame)
    return frame


def _note_firms_in_two_zones(table: Table, frame: pd.DataFrame) -> None:
    """A firm listed under two zones counts in both: said, as it is more often a slip than a firm with two homes."""
    names = frame.assign(key=[normalise_label(n) for n in frame["enterprise_name"]])
    spread = names.groupby("key")["zone_id"].nunique()
    for key in spread[spread > 1].index[:5]:
        rows = names[names["key"] == key]
        where = "、".join(catalogue.zone_names().get(z, z) for z in dict.fromkeys(rows["zone_id"]))
        table.raw.account.note(f"企业“{rows['enterprise_name'].iloc[0][:30]}”同时列在{where}：两处都计入；"
                               "如为同一企业，请只保留其所在的开发区")


def extract_chain_links(table: Table, errors: ErrorCollector, zones: ZoneResolver) -> pd.DataFrame:
    """链主关系: one row per firm a chain leader brought in (and, for multi-level chains, who introduced it)."""
    ex = Extractor(table, errors, zones)
    records = []
    for row_number, row in table.rows:
        zone_id = ex.zone(row_number, row)
        leader = cell_text(ex.cell(row, "chain_leader"))
        partner = cell_text(ex.cell(row, "partner"))
        introduced_by = cell_text(ex.cell(row, "introduced_by")) or None
        synthetic = ex.synthetic(row_number, row)
        ok = True
        if not leader:
            ex.fail(row_number, "chain_leader", "链主企业为空 — 应填写引进该企业的链主企业全称")
            ok = False
        if not partner:
            ex.fail(row_number, "partner", "引进企业为空 — 应填写被引进企业的全称")
            ok = False
        if ok and normalise_label(partner) == normalise_label(leader):
            ex.fail(row_number, "partner", f"引进企业“{partner[:30]}”与链主企业相同 — 应填写链主引进的其他企业")
            ok = False
        if ok and introduced_by and normalise_label(introduced_by) == normalise_label(partner):
            ex.fail(row_number, "introduced_by",
                    f"引荐企业“{introduced_by[:30]}”与引进企业相同 — 应填写引荐它的链主或已入驻企业，或留空")
            ok = False
        if ok and zone_id:
            records.append({
                "zone_id": zone_id, "chain_leader": leader, "partner": partner,
                "relation": cell_text(ex.cell(row, "relation")) or None, "introduced_by": introduced_by,
                "mode": cell_text(ex.cell(row, "mode")) or None, "chain": cell_text(ex.cell(row, "chain")) or None,
                "segment": cell_text(ex.cell(row, "segment")) or None,
                "project_name": cell_text(ex.cell(row, "project_name")) or None,
                "project_ref": cell_text(ex.cell(row, "project_id")) or None,
                "note": cell_text(ex.cell(row, "note")) or None, "is_synthetic": synthetic,
                **ex.provenance(row_number)})
    return pd.DataFrame.from_records(records, columns=CHAIN_LINK_COLUMNS)


EXTRACTORS = {
    LAYOUT_LONG: ("values", bulk.extract_values),  # column-at-a-time, see etl/bulk.py
    LAYOUT_WIDE: ("values", bulk.extract_values),
    LAYOUT_ZONE_REPORT: ("values", extract_zone_report),
    LAYOUT_TARGETS: ("targets", extract_targets),
    LAYOUT_ENTERPRISES: ("enterprises", extract_enterprises),
    LAYOUT_LEDGER: ("projects", ledger.extract_projects),  # column-at-a-time, see etl/ledger.py
    LAYOUT_CHAIN_LINKS: ("chain_links", extract_chain_links),
}
