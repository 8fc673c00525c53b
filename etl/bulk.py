"""Long and wide statistics sheets, a column at a time: the cell grid lives in DuckDB (etl.grid), and every
distinct zone name, year, flag, indicator, unit and odd number is judged once by the scalar rules in etl.facts,
then joined back. Errors carry the same messages and cells as the row-by-row rules would give.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from etl import catalogue
from etl import facts as n
from etl.cells import cell_text
from etl.errors import ErrorCollector
from etl.grid import FAST_NUMBER, Body, _sql, canonical_sql
from etl.layout import LAYOUT_LONG, sheet_year


def extract_values(table, errors: ErrorCollector, zones) -> pd.DataFrame:
    """Long and wide statistics tables -> one row per (zone, year, indicator) with a value.

    The same facts and the same located errors as judging each row in turn: a row's zone, year, 是否模拟 flag
    and (long) indicator are checked on every row; its figure(s) only where the indicator is known; the unit
    only where the figure reads as a number or is missing; a value is kept where everything holds.
    """
    body: Body = table.body
    grid, con, view = body.grid, body.grid.con, body.view
    columns = table.columns
    long = table.layout == LAYOUT_LONG

    def column(key: str) -> int | None:
        header = columns.get(key)
        return header.column if header else None

    def key(name: str) -> str:
        return f"coalesce({grid.col(column(name))}, '')"

    fallback = sheet_year(table)
    has_year = "year" in columns

    def year_of(raw: Any) -> tuple[int | None, str | None]:
        if has_year:
            year, problem = n.parse_year(raw)
            if problem:
                return None, f"{problem} — 应为四位年份，如 2021"
            if year is not None:
                return year, None
        if fallback is not None:
            return fallback, None
        return None, "缺少年份 — 应在“年份”列填写，或在标题/工作表名中写明（如“2021年”）"

    def zone_of(raw: Any) -> tuple[str | None, str | None]:
        if n.is_missing(raw):
            return None, "开发区名称为空 — 应填写开发区全称或简称"
        return zones.resolve(raw)

    def flag_of(raw: Any) -> tuple[bool, str | None]:
        flag, problem = n.parse_flag(raw)
        return flag, (f"{problem} — “是否模拟”应填“是”或“否”" if problem else None)

    checks = [("zone", zone_of, {"zone_id": "VARCHAR", "msg": "VARCHAR"}),
              ("year", year_of, {"year": "BIGINT", "msg": "VARCHAR"}),
              ("synthetic", flag_of, {"flag": "BOOLEAN", "msg": "VARCHAR"})]
    if long:
        checks.append(("indicator", n.indicator_named, {"code": "VARCHAR", "msg": "VARCHAR", "unit": "VARCHAR"}))
    maps, single = {}, {}  # single: the one result of a column holding the same text throughout (no join needed)
    for name, fn, types in checks:
        maps[name], results = grid.map_distinct(view, key(name), fn, types)
        if len(results) == 1:
            single[name] = next(iter(results.values()))
        failing = [k for k, result in results.items() if result[1]]
        if name == "indicator":
            n.note_companion_rows(table.raw.account, [grid.decode(k) for k, result in results.items()
                                                      if k is not None and result[0] is None and not result[1]])
        if failing:  # every row holding a refused value is reported at that cell
            for row_number, k in _sql(con, f"SELECT row_number, {key(name)} FROM {view} WHERE {key(name)}"
                                           " IN (SELECT unnest(?::VARCHAR[])) ORDER BY row_number", [failing]).fetchall():
                errors.add(results[k][1], row=row_number, column=column(name))
    maps["source"], sources = grid.map_distinct(view, key("source"), lambda raw: (cell_text(raw) or None,),
                                                {"source": "VARCHAR"})
    if len(sources) == 1:
        single["source"] = next(iter(sources.values()))

    # One cell per figure: (row, spreadsheet column, indicator code, raw text, unit text) with the row's facts.
    facts = f"row_number, {key('zone')} AS zk, {key('year')} AS yk, {key('synthetic')} AS sk, {key('source')} AS ok"
    labels: dict[tuple[int, str], str] = {}
    # col, code, unit cell, unit after the indicator's name -> factor, problem, the cell to blame
    units: list[tuple[int, str, str, str, float, str | None, int]] = []
    if long:
        header = columns["value"]
        unit_column = column("unit")
        cells_sql = (f"SELECT b.*, i.code, coalesce(i.unit, '') AS name_unit FROM (SELECT {facts}, {header.column}"
                     f" AS col, 'value' AS role, 0 AS yoff, {key('indicator')} AS ik,"
                     f" coalesce({grid.col(header.column)}, '') AS raw, {key('unit')} AS unit_raw FROM {view}) b"
                     f" JOIN {maps['indicator']} i ON i.k = b.ik AND i.code IS NOT NULL")
        for code, unit_raw, name_unit in _sql(con, f"SELECT DISTINCT code, unit_raw, name_unit"
                                                   f" FROM ({cells_sql})").fetchall():
            unit_text = cell_text(grid.decode(unit_raw))
            unit, problem = n.agreed_unit(name_unit or None, unit_text, header.unit)
            factor = 1.0
            if problem is None:
                factor, problem = n.resolve_unit(code, unit, table.units_line, table.raw.format_units)
            if problem is None and n.unit_unstated(code, unit, table.units_line):
                n.note_assumed_unit(table.raw.account, catalogue.indicators()[code].name_zh, code)
            blame = unit_column if unit_text else column("indicator") if name_unit else header.column
            units.append((header.column, code, unit_raw, name_unit, factor, problem, blame))
            labels[(header.column, code)] = catalogue.indicators()[code].name_zh
    else:
        selects = []
        for header, code in table.indicator_columns:
            role = getattr(header, "role", "value")
            selects.append(f"SELECT {facts}, {header.column} AS col, '{role}' AS role,"
                           f" {-1 if role == 'prior' else 0} AS yoff, coalesce({grid.col(header.column)}, '') AS raw,"
                           f" '' AS unit_raw, '{code}' AS code, '' AS name_unit FROM {view}")
            factor, problem = n.resolve_unit(code, header.unit, table.units_line, table.raw.format_units)
            if problem is None and n.unit_unstated(code, header.unit, table.units_line):
                n.note_assumed_unit(table.raw.account, header.text, code)
            units.append((header.column, code, "", "", factor, problem, header.column))
            labels[(header.column, code)] = header.text
        cells_sql = " UNION ALL ".join(selects)
    m_unit = grid.name("m_unit")
    _sql(con, f"""CREATE TEMP TABLE {m_unit} AS SELECT unnest(?::BIGINT[]) AS col, unnest(?::VARCHAR[]) AS code,
                  unnest(?::VARCHAR[]) AS unit_raw, unnest(?::VARCHAR[]) AS name_unit, unnest(?::DOUBLE[]) AS factor,
                  unnest(?::VARCHAR[]) AS msg, unnest(?::BIGINT[]) AS unit_col""",
         [list(c) for c in zip(*units, strict=True)] if units else [[]] * 7)
    fast = f"(length(c.raw) <= 40 AND regexp_full_match(c.raw, '{FAST_NUMBER}'))"  # longer ones may overflow
    m_number, numbers = grid.map_distinct(f"({cells_sql}) c", f"CASE WHEN c.raw <> '' AND NOT {fast} THEN c.raw END",
                                          n.parse_number, {"number": "DOUBLE", "problem": "VARCHAR"})
    number = (f"CASE WHEN c.raw = '' THEN NULL WHEN {fast} THEN CAST(replace(trim(c.raw), ',', '') AS DOUBLE)"
              " ELSE m.number END")
    problem = f"CASE WHEN c.raw = '' OR {fast} THEN NULL ELSE m.problem END"
    parsed = f"""SELECT c.row_number, c.col, c.code, c.role, c.yoff, c.raw, c.zk, c.yk, c.sk, c.ok, {number} AS number,
                        {problem} AS problem, u.factor, u.msg AS unit_msg, u.unit_col
                 FROM ({cells_sql}) c LEFT JOIN {m_number} m ON m.k = c.raw
                 LEFT JOIN {m_unit} u ON u.col = c.col AND u.code = c.code AND u.unit_raw = c.unit_raw
                                     AND u.name_unit = c.name_unit"""
    if any(result[1] for result in numbers.values()):
        for row_number, col, code, raw, problem_text in _sql(
                con, f"SELECT row_number, col, code, raw, problem FROM ({parsed}) WHERE problem IS NOT NULL"
                     " ORDER BY row_number, col").fetchall():
            errors.add(n.amount_problem(labels[(col, code)], code, grid.decode(raw), problem_text),
                       row=row_number, column=col)
    if any(unit[5] for unit in units):
        for row_number, unit_col, message in _sql(
                con, f"SELECT row_number, unit_col, unit_msg FROM ({parsed}) WHERE problem IS NULL"
                     " AND unit_msg IS NOT NULL ORDER BY row_number, col").fetchall():
            errors.add(message, row=row_number, column=unit_col)
    value, needs_python = canonical_sql("p.number", "p.factor")
    # Zone ids, codes and sources come back as categoricals (DuckDB ENUMs): a million short strings cost far
    # more to build, to de-duplicate and to hand back to DuckDB than a million small integers.
    enums = {}
    for name, table_name, field in (("zone_id", maps["zone"], "zone_id"), ("source", maps["source"], "source"),
                                    ("indicator", m_unit, "code")):
        enums[name] = grid.name("enum")
        _sql(con, f"CREATE TYPE {enums[name]} AS ENUM (SELECT DISTINCT {field} FROM {table_name}"
                  f" WHERE {field} IS NOT NULL ORDER BY 1)")
    flag, source, joins = "f.flag", "s.source", []
    if "synthetic" in single:
        flag = "true" if single["synthetic"][0] else "false"
    else:
        joins.append(f"JOIN {maps['synthetic']} f ON f.k = p.sk")
    if "source" in single:
        source = "NULL" if single["source"][0] is None else "'" + single["source"][0].replace("'", "''") + "'"
    else:
        joins.append(f"JOIN {maps['source']} s ON s.k = p.ok")
    joins = "\n        ".join(joins)
    converts = any(unit[4] != 1 for unit in units)  # only then can a value need Python's round()
    extra = f", {needs_python} AS needs_python, p.number, p.factor" if converts else ""
    frame = _sql(con, f"""
        SELECT z.zone_id::{enums['zone_id']} AS zone_id, y.year + p.yoff AS year, p.role,
               p.code::{enums['indicator']} AS indicator,
               {value} AS value, {source}::{enums['source']} AS source, {flag} AS is_synthetic,
               p.col AS "column", p.row_number{extra}
        FROM ({parsed}) p
        JOIN {maps['zone']} z ON z.k = p.zk AND z.zone_id IS NOT NULL
        JOIN {maps['year']} y ON y.k = p.yk AND y.year IS NOT NULL
        {joins}
        WHERE p.problem IS NULL AND p.unit_msg IS NULL AND p.number IS NOT NULL
        ORDER BY p.row_number, p.col""").df()
    if converts:
        redo = frame["needs_python"].to_numpy(dtype=bool)
        if redo.any():
            frame.loc[redo, "value"] = [n.to_canonical(x, f) for x, f in
                                        zip(frame.loc[redo, "number"], frame.loc[redo, "factor"], strict=True)]
        frame = frame.drop(columns=["needs_python", "number", "factor"])
    file_name, sheet = table.location
    frame["year_column"] = column("year")
    for name, constant in (("file_name", file_name), ("sheet", sheet), ("sha256", table.raw.sha256)):
        frame[name] = _constant(constant, len(frame))
    roles = [getattr(header, "role", "value") for header, _code in table.indicator_columns]
    return frame[n.VALUE_COLUMNS + (["role"] if any(role != "value" for role in roles) else [])]


def _constant(value: str | None, length: int) -> pd.Categorical | None:
    """A column holding one text throughout, as a categorical (None stays None, as the row-wise frames had it)."""
    if value is None:
        return None
    return pd.Categorical.from_codes(np.zeros(length, dtype=np.int8), categories=[value])
