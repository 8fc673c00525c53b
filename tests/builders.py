"""Write small input files the way statistics offices send them (used by the ETL tests)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], merge_title: bool = True) -> Path:
    """Each sheet is a list of rows; a one-cell first row is merged across the table width like a real title."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        width = max(len(r) for r in rows)
        for row in rows:
            sheet.append(row)
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, (dt.date, dt.datetime)):
                    cell.number_format = "yyyy-mm-dd"
        if merge_title and len(rows[0]) == 1 and width > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    workbook.save(path)
    return path


LEDGER_HEADER = ["项目编号", "项目名称", "所属开发区", "投资方", "投资方所在地", "产业链", "总投资（万元）", "签约日期",
                 "开工日期", "投产日期", "项目状态", "预计年产值（亿元）", "预计利税（万元）", "链主企业", "包联领导", "备注"]


def ledger_row(number: str, name: str, zone: str = "盐湖高新区", investment: Any = 50000, signed: Any = None,
               started: Any = None, produced: Any = None, status: str = "签约", **extra: Any) -> list[Any]:
    row = {"项目编号": number, "项目名称": name, "所属开发区": zone, "投资方": extra.get("investor", "某某科技有限公司"),
           "投资方所在地": extra.get("origin", "山东济南"), "产业链": extra.get("chain", "装备制造"),
           "总投资（万元）": investment, "签约日期": signed, "开工日期": started, "投产日期": produced,
           "项目状态": status, "预计年产值（亿元）": extra.get("output", 20), "预计利税（万元）": extra.get("tax", 5000),
           "链主企业": extra.get("leader"), "包联领导": extra.get("official", "王建国（副主任）"), "备注": None}
    return [row[h] for h in LEDGER_HEADER]
