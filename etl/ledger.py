"""Project ledgers (项目台账), a column at a time: the rows stay in DuckDB (etl.grid.Grid), every distinct zone
name, date, status, flag and odd number is judged once by the scalar rules of etl.facts and joined back.

A row is kept when its zone and name are known and none of its figures, dates or status was refused; every
refused cell is reported where it is, with the message the row-by-row rules gave.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd

from etl import catalogue
from etl import facts as n
from etl.account import SheetAccount
from etl.catalogue import normalise_label
from etl.cells import cell_text
from etl.errors import ErrorCollector, InputError
from etl.facts import PROGRESS_DATES
from etl.grid import FAST_NUMBER, WHITESPACE, Grid, _sql, canonical_sql
from etl.layout import Table

LEDGER_TEXT = ["investor", "investor_origin", "chain", "chain_leader", "lead_official", "note"]
LEDGER_MONEY = {"total_investment": "signed_investment", "projected_output": "projected_output",
                "projected_tax": "projected_tax"}
LEDGER_DATES = ["signed_date", "started_date", "production_date"]
DATE_HINT = " — 应为日期，如 2021-11-15、2021/11/15 或 2021年11月15日"
STATUS_HINT = " — 应为 在谈/签约/开工/投产/终止"
# Beside PROJECT_COLUMNS: the spreadsheet column of each checked field, and whether the row gave its 项目编号
# (a project without one is matched to the stored one by zone and name when published).
EXTRA_COLUMNS = ["cell_columns", "id_given"]


def project_id_for(zone_id: str, project_name: str) -> str:
    return _hashed_id(zone_id, normalise_label(project_name))


def _hashed_id(zone_id: str, name_key: str) -> str:
    return "P" + hashlib.sha1(f"{zone_id}|{name_key}".encode()).hexdigest()[:12].upper()


def extract_projects(table: Table, errors: ErrorCollector, zones) -> pd.DataFrame:
    grid, view = _body(table)
    con = grid.con
    columns = table.columns

    def column(key: str) -> int | None:
        header = columns.get(key)
        return header.column if header else None

    def raw(key: str, alias: str = "") -> str:
        col = grid.col(column(key))
        return f"coalesce({alias + '.' if alias and col != 'NULL' else ''}{col}, '')"

    def report(key: str, results: dict[str, tuple]) -> None:
        """Every row whose cell in column `key` holds a value its rule refused (result[1]), at that cell."""
        failing = [k for k, result in results.items() if result[1]]
        if failing:
            for row_number, k in _sql(con, f"SELECT row_number, {raw(key)} FROM {view} WHERE {raw(key)}"
                                           " IN (SELECT unnest(?::VARCHAR[]))", [failing]).fetchall():
                errors.add(results[k][1], row=row_number, column=column(key))

    def zone_of(value: Any) -> tuple[str | None, str | None]:
        if n.is_missing(value):
            return None, "开发区名称为空 — 应填写开发区全称或简称"
        return zones.resolve(value)

    def date_of(value: Any) -> tuple[Any, str | None]:
        date, problem = n.parse_date(value)
        return date, (problem + DATE_HINT if problem else None)

    statuses = catalogue.project_statuses()

    def status_of(value: Any) -> tuple[str | None, str | None]:
        text = cell_text(value)
        if not text:
            return None, None
        status = statuses.get(normalise_label(text))
        return status, (None if status else f"未知的项目状态“{text[:20]}”{STATUS_HINT}")

    def flag_of(value: Any) -> tuple[bool, str | None]:
        flag, problem = n.parse_flag(value)
        return flag, (f"{problem} — “是否模拟”应填“是”或“否”" if problem else None)

    text = _Texts(grid, [column(key) for key in ["project_name", "project_id", *LEDGER_TEXT]])
    joins: list[str] = []
    selects: list[str] = ["b.row_number"]
    refused: list[str] = []  # SQL conditions under which a row is left out

    def join_map(key: str, fn, types: dict[str, str]) -> str:
        name, results = grid.map_distinct(view, raw(key), fn, types)
        report(key, results)
        alias = f"m_{key}"
        joins.append(f"LEFT JOIN {name} {alias} ON {alias}.k = {raw(key, 'b')}")
        return alias

    zone = join_map("zone", zone_of, {"zone_id": "VARCHAR", "msg": "VARCHAR"})
    selects.append(f"{zone}.zone_id")
    name_sql = text.of("b", column("project_name"))
    selects.append(f"{name_sql} AS project_name")
    if column("project_name"):
        for (row_number,) in _sql(con, f"SELECT b.row_number FROM {view} b {text.joins('b')}"
                                       f" WHERE {name_sql} = ''").fetchall():
            errors.add("项目名称为空 — 应填写项目名称", row=row_number, column=column("project_name"))
    for key in LEDGER_TEXT:
        selects.append(f"nullif({text.of('b', column(key))}, '') AS {key}")

    redo: list[str] = []
    for key, unit_of in LEDGER_MONEY.items():
        header = columns.get(key)
        if header is None:
            selects.append(f"NULL::DOUBLE AS {key}")
            continue
        value, needs_python, number = _money(grid, view, key, header, unit_of, table.units_line, errors, refused,
                                             joins, table.raw.format_units)
        if n.unit_unstated(unit_of, header.unit, table.units_line):
            n.note_assumed_unit(table.raw.account, header.text, unit_of)
        selects.append(f"{value} AS {key}")
        if needs_python:
            selects.append(f"{needs_python} AS redo_{key}, {number} AS number_{key}")
            redo.append(key)

    dates = {}
    for key in LEDGER_DATES + PROGRESS_DATES:
        if column(key) is None:
            dates[key] = "NULL::DATE"
            continue
        alias = join_map(key, date_of, {"d": "DATE", "msg": "VARCHAR"})
        refused.append(f"{alias}.msg IS NOT NULL")
        dates[key] = f"{alias}.d"
    for key in LEDGER_DATES + PROGRESS_DATES:
        if key == "updated_date" and table.title_as_of is not None:
            selects.append(f"coalesce({dates[key]}, DATE '{table.title_as_of.isoformat()}') AS {key}")
        else:
            selects.append(f"{dates[key]} AS {key}")
    by_dates = (f"CASE WHEN {dates['production_date']} IS NOT NULL THEN '投产' WHEN {dates['started_date']} IS NOT NULL"
                f" THEN '开工' WHEN {dates['signed_date']} IS NOT NULL THEN '签约' ELSE '在谈' END")
    if column("status"):
        status = join_map("status", status_of, {"status": "VARCHAR", "msg": "VARCHAR"})
        refused.append(f"{status}.msg IS NOT NULL")
        _note_statuses(table, grid, view, raw("status"), status_of)
        selects.append(f"CASE WHEN {status}.msg IS NOT NULL THEN NULL ELSE coalesce({status}.status, {by_dates}) END"
                       " AS status")
    else:
        selects.append(f"{by_dates} AS status")
    if column("synthetic"):
        flag = join_map("synthetic", flag_of, {"flag": "BOOLEAN", "msg": "VARCHAR"})
        selects.append(f"coalesce({flag}.flag, false) AS is_synthetic")
    else:
        selects.append("false AS is_synthetic")
    explicit = text.of("b", column("project_id"))
    selects.append(f"nullif({explicit}, '') AS explicit_id")

    keep = f"{zone}.zone_id IS NOT NULL AND {name_sql} <> ''" + "".join(f" AND NOT ({r})" for r in refused)
    frame = con.sql(f"SELECT {', '.join(selects)} FROM {view} b {text.joins('b')} {' '.join(joins)}"
                    f" WHERE {keep} ORDER BY b.row_number").to_arrow_table()
    # Through Arrow, texts become pandas' own string columns and dates datetime.date objects (None when missing),
    # as the row-by-row extractor had them, without a Python object per text cell on the way.
    frame = frame.to_pandas(split_blocks=True, self_destruct=True)  # each Arrow column freed once converted
    for key in redo:  # the few products too close to a half for the SQL rounding: Python's round() decides
        flags = frame.pop(f"redo_{key}").to_numpy(dtype=bool)
        numbers = frame.pop(f"number_{key}")
        if flags.any():
            factor = _factor(columns[key], LEDGER_MONEY[key], table.units_line)
            frame.loc[flags, key] = [n.to_canonical(x, factor) for x in numbers[flags]]
    frame["id_given"] = frame["explicit_id"].notna()
    frame["project_id"] = frame.pop("explicit_id")
    derive = ~frame["id_given"].to_numpy(dtype=bool)
    if derive.any():
        table.raw.account.note(f"{int(derive.sum())} 个项目未填“项目编号”：按所属开发区和项目名称识别"
                               "（与库中同名项目对应，否则生成 P 开头的编号）")
        names = normalise_labels(frame["project_name"][derive].tolist())
        frame.loc[derive, "project_id"] = [_hashed_id(z, name) for z, name in
                                           zip(frame["zone_id"][derive], names, strict=True)]
    if column("status"):
        _note_status_behind_dates(table, frame)
    file_name, sheet = table.location
    frame["file_name"], frame["sheet"], frame["sha256"] = file_name, sheet, table.raw.sha256
    cells = {key: column(key) for key in [*LEDGER_MONEY, *LEDGER_DATES, *PROGRESS_DATES, "project_name"]}
    frame["cell_columns"] = [cells] * len(frame)
    return frame[n.PROJECT_COLUMNS + EXTRA_COLUMNS].reset_index(drop=True)


def _note_statuses(table: Table, grid: Grid, view: str, raw_status: str, status_of) -> None:
    """In the sheet's account: statuses read through a synonym, and blank ones inferred from the dates."""
    counts = _sql(grid.con, f"SELECT {raw_status} AS k, count(*) FROM {view} GROUP BY ALL ORDER BY 1").fetchall()
    synonyms, blank = [], 0
    for key, count in counts:
        written = cell_text(grid.decode(key))
        status, problem = status_of(grid.decode(key))
        if not written:
            blank += count
        elif status and not problem and written != status:
            synonyms.append(f"“{written[:20]}”→{status}（{count} 行）")
    if synonyms:
        table.raw.account.note("项目状态按同义词读取：" + "、".join(synonyms))
    if blank:
        table.raw.account.note(f"{blank} 行未填项目状态：按日期推定（有投产日期为投产，有开工日期为开工，"
                               "有签约日期为签约，否则在谈）")


def _note_status_behind_dates(table: Table, frame: pd.DataFrame) -> None:
    """In the sheet's account: projects whose written status is behind a date already passed (状态“签约” with a 开工日期
    on or before the ledger's day). Pages count projects by status and raise alerts by dates, so the clerk is told."""
    day = table.title_as_of or dt.date.today()
    status = frame["status"]

    def passed(key: str, among: pd.Series) -> pd.Series:  # (only the rows among: a date per row costs)
        dates = frame.loc[among, key]
        return among & dates.map(lambda d: d is not None and not pd.isna(d) and d <= day).reindex(
            frame.index, fill_value=False).astype(bool)

    started = passed("started_date", status.isin(["在谈", "签约"]))
    produced = passed("production_date", status.isin(["在谈", "签约", "开工"]))
    behind = frame.loc[started | produced, ["row_number", "status"]].assign(produced=produced[started | produced])
    if behind.empty:
        return
    shown = "、".join(f"第 {r.row_number} 行“{r.status}”已填{'投产' if r.produced else '开工'}日期"
                     for r in behind.head(5).itertuples(index=False))
    more = f"等 {len(behind)} 个项目" if len(behind) > 5 else ""
    table.raw.account.note(f"项目状态落后于已过的日期：{shown}{more} — 看板按状态统计项目、按日期预警，请核对状态或日期")


def _factor(header, unit_of: str, units_line: list[str]) -> float:
    return n.resolve_unit(unit_of, header.unit, units_line)[0]


def _money(grid: Grid, view: str, key: str, header, unit_of: str, units_line: list[str], errors: ErrorCollector,
           refused: list[str], joins: list[str], format_units: frozenset[str] = frozenset()) -> tuple[str, str | None, str]:
    """(value SQL, needs-Python SQL or None, number SQL) for one money column; refused cells are reported and
    noted. Text that reads as a plain number and the workbook's own numbers are read in SQL, the rest by
    parse_number once per distinct value."""
    con, col = grid.con, grid.col(header.column)
    cell = f"coalesce(b.{col}, '')"
    fast = f"(length({cell}) <= 40 AND regexp_full_match({cell}, '{FAST_NUMBER}'))"
    stored, known, numbers_join, stored_number = grid.numbers(), "false", "", ""
    if stored is not None:
        known = f"(xn_{key}.number IS NOT NULL)"
        numbers_join = f" LEFT JOIN {stored} xn_{key} ON xn_{key}.k = b.{col}"
        stored_number = f" WHEN {known} THEN xn_{key}.number"
        joins.append(numbers_join)
    odd = f"CASE WHEN {cell} <> '' AND NOT {fast} AND NOT {known} THEN {cell} END"
    m_num, numbers = grid.map_distinct(f"{view} b{numbers_join}", odd, n.parse_number,
                                       {"number": "DOUBLE", "problem": "VARCHAR"})
    alias = f"m_num_{key}"
    joins.append(f"LEFT JOIN {m_num} {alias} ON {alias}.k = {cell}")
    number = f"(CASE WHEN {cell} = '' THEN NULL WHEN {fast} THEN CAST(replace(trim({cell}), ',', '') AS DOUBLE)" \
             f"{stored_number} ELSE {alias}.number END)"
    problem = f"(CASE WHEN {cell} = '' OR {fast} OR {known} THEN NULL ELSE {alias}.problem END)"
    failing = [k for k, (_number, message) in numbers.items() if message]
    if failing:
        for row_number, text in _sql(con, f"SELECT row_number, {cell} FROM {view} b WHERE {cell}"
                                          " IN (SELECT unnest(?::VARCHAR[]))", [failing]).fetchall():
            message = n.amount_problem(header.text, unit_of, grid.decode(text), numbers[text][1])
            errors.add(message, row=row_number, column=header.column)
    factor, unit_problem = n.resolve_unit(unit_of, header.unit, units_line, format_units)
    if unit_problem:  # the unit is the column's: every cell that read as a number (or as missing) is refused
        for (row_number,) in _sql(con, f"SELECT row_number FROM {view} b{numbers_join} LEFT JOIN {m_num} {alias}"
                                       f" ON {alias}.k = {cell} WHERE {problem} IS NULL").fetchall():
            errors.add(unit_problem, row=row_number, column=header.column)
        refused.append("TRUE")
        return "NULL::DOUBLE", None, number
    refused.append(f"{problem} IS NOT NULL")
    if factor == 1:
        return number, None, number
    value, needs_python = canonical_sql(number, f"{float(factor)!r}::DOUBLE")
    return value, f"coalesce({needs_python}, false)", number


class _Texts:
    """cell_text() of a grid cell in SQL: text with outer whitespace stripped as str.strip() does; cells that
    were not text in the spreadsheet (numbers, dates) are turned into text in Python, once per distinct value."""

    def __init__(self, grid: Grid, columns: list[int | None]):
        self.grid = grid
        self.columns = sorted({c for c in columns if c and c <= grid.width})
        self.table = None
        if grid.exotic and self.columns:  # only the values that these columns hold (numbers in 项目编号 …)
            held = " UNION ".join(f"SELECT c{j} AS k FROM grid WHERE starts_with(c{j}, chr(0))" for j in self.columns)
            keys = [k for (k,) in _sql(grid.con, held).fetchall()]
            if keys:
                self.table = grid.table_of(keys, [(cell_text(grid.decode(k)),) for k in keys], {"text": "VARCHAR"})

    def of(self, alias: str, column: int | None) -> str:
        if column is None:
            return "''"
        cell = f"{alias}.{self.grid.col(column)}"
        stripped = f"regexp_replace(coalesce({cell}, ''), '^[{WHITESPACE}]+|[{WHITESPACE}]+$', '', 'g')"
        if self.table is None:
            return stripped
        return f"CASE WHEN starts_with({cell}, chr(0)) THEN x{column}.text ELSE {stripped} END"

    def joins(self, alias: str) -> str:
        if self.table is None:
            return ""
        return " ".join(f"LEFT JOIN {self.table} x{j} ON x{j}.k = {alias}.c{j}" for j in self.columns)


def _body(table: Table) -> tuple[Grid, str]:
    """The sheet's data rows as (grid, view of row_number, c1 … cN), from the bulk body or the row list."""
    if table.body is not None:
        return table.body.grid, table.body.view
    rows = table.rows
    grid = Grid.from_rows([cells for _number, cells in rows] or [[None]])
    _sql(grid.con, "CREATE TEMP TABLE numbers AS SELECT unnest(?::BIGINT[]) AS i, unnest(?::BIGINT[]) AS n",
         [list(range(1, len(rows) + 1)), [number for number, _cells in rows]])
    _sql(grid.con, "CREATE TEMP VIEW ledger_rows AS SELECT n.n AS row_number, g.* EXCLUDE (row_number)"
                   " FROM grid g JOIN numbers n ON n.i = g.row_number")
    return grid, "ledger_rows"


def ids_now_given(projects: pd.DataFrame, con, stored: str, accounts: list[SheetAccount]) -> dict[str, str]:
    """{stored id: 编号} for projects stored without 项目编号 (under the id made from their zone and name) that a
    ledger now sends with one: the same project, not a new one. A 编号 already stored, or one stored project
    claimed by two 编号, renames nothing."""
    given = projects.loc[projects["id_given"].to_numpy(dtype=bool), ["zone_id", "project_name", "project_id",
                                                                      "file_name", "sheet"]]
    if given.empty:
        return {}
    known = con.execute(f"SELECT zone_id, project_name, project_id FROM {stored} WHERE zone_id IN"
                        " (SELECT unnest(?::VARCHAR[]))", [given["zone_id"].unique().tolist()]).df()
    taken = set(known["project_id"])
    known["name_key"] = normalise_labels(known["project_name"].fillna("").tolist())
    made = known[[pid == _hashed_id(z, key) for z, key, pid in
                  zip(known["zone_id"], known["name_key"], known["project_id"], strict=True)]]
    fresh = given[~given["project_id"].isin(taken)]
    if fresh.empty or made.empty:
        return {}
    fresh = fresh.assign(name_key=normalise_labels(fresh["project_name"].tolist()))
    pairs = fresh.merge(made.drop(columns="project_name"), on=["zone_id", "name_key"], suffixes=("", "_stored"))
    pairs = pairs[~pairs.duplicated("project_id_stored", keep=False) & ~pairs.duplicated("project_id", keep=False)]
    for account in accounts:
        mine = account.rows_in(pairs)
        if len(mine):
            first = mine.iloc[0]
            account.note(f"{len(mine)} 个项目首次填写“项目编号”：库中按开发区和项目名称识别的同名项目改用所填编号"
                         f"（如 {first['project_id_stored']} → {first['project_id']}），不重复计入")
    return dict(zip(pairs["project_id_stored"], pairs["project_id"], strict=True))


def match_stored(projects: pd.DataFrame, con, stored: str,
                 accounts: list[SheetAccount]) -> tuple[pd.DataFrame, list[InputError]]:
    """Projects sent without 项目编号 take the id of the stored project with the same zone and name (names
    compared as normalise_label folds them), whatever id it was stored under; a name shared by two stored
    projects of the zone is an error naming both. `stored`: the project store (a relation on `con`); the
    sheets' accounts say how many took a stored id."""
    if projects.empty or "id_given" not in projects or projects["id_given"].all():
        return projects, []
    unnamed = projects.loc[~projects["id_given"].to_numpy(dtype=bool), ["zone_id", "project_name", "project_id"]]
    known = con.execute(f"SELECT zone_id, project_name, project_id FROM {stored} WHERE zone_id IN"
                        " (SELECT unnest(?::VARCHAR[])) ORDER BY project_id",
                        [unnamed["zone_id"].unique().tolist()]).df()
    known["name_key"] = normalise_labels(known["project_name"].fillna("").tolist())
    incoming = unnamed.assign(name_key=normalise_labels(unnamed["project_name"].tolist()), at=unnamed.index)
    shared = known.duplicated(["zone_id", "name_key"], keep=False).to_numpy()
    matched = incoming.merge(known[~shared].drop(columns="project_name"), on=["zone_id", "name_key"],
                             suffixes=("", "_stored"))
    ambiguous = incoming.merge(known[shared].drop(columns="project_name"), on=["zone_id", "name_key"],
                               suffixes=("", "_stored"))
    errors = []
    zone_names = {z["zone_id"]: z["zone_name"] for z in catalogue.zones()}
    for at, group in ambiguous.groupby("at", sort=True):
        place, ids = projects.loc[at], group["project_id_stored"].tolist()
        errors.append(InputError(place["file_name"], place["sheet"], int(place["row_number"]),
                                 (place["cell_columns"] or {}).get("project_name"),
                                 f"项目“{place['project_name'][:40]}”在库中{zone_names.get(place['zone_id'], place['zone_id'])}"
                                 f"有 {len(ids)} 个同名项目（编号 {'、'.join(ids)}）— 请在“项目编号”列填写其中一个编号"))
    moved = matched[matched["project_id"] != matched["project_id_stored"]]
    if len(moved) and not errors:
        projects = projects.copy()
        projects.loc[moved["at"].to_numpy(), "project_id"] = moved["project_id_stored"].to_numpy()
        places = projects.loc[moved["at"].to_numpy(), ["file_name", "sheet"]]
        for account in accounts:
            count = len(account.rows_in(places))
            if count:
                account.note(f"{count} 个未填“项目编号”的项目按开发区和项目名称对应到库中已有项目，沿用其编号")
    return projects, errors


def normalise_labels(texts: list[str]) -> list[str]:
    """normalise_label of each text, in one pass over them all: NUL is left alone by NFKC (a starter that
    composes with nothing), by the quote-mark table and by the whitespace split, so it can part the texts."""
    if any("\x00" in text for text in texts):
        return [normalise_label(text) for text in texts]
    return normalise_label("\x00".join(texts)).split("\x00") if texts else []
