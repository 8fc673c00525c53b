"""Rules every load must pass, as pandera schemas plus the cross-row rules pandera does not express.

Indicator values and targets (millions of rows) are checked with column operations instead of pandera, with
the messages pandera would give; pandera is imported only when the other kinds of fact are present.
Failures come back as located InputErrors pointing at the cell to fix.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import pandas as pd

from etl import catalogue
from etl.errors import InputError

FIRST_YEAR = 2000


def last_year() -> int:
    return dt.date.today().year + 1


def _year_error() -> str:
    return f"年份超出范围 — 应在 {FIRST_YEAR} 至 {last_year()} 年之间"


def _year_check():
    import pandera.pandas as pa

    return pa.Check(lambda s: s.isna() | s.between(FIRST_YEAR, last_year()), error=_year_error())


def _fractional_counts(frame: pd.DataFrame, value_column: str) -> list[InputError]:
    if frame.empty:
        return []
    kinds = frame["indicator"].map({code: i.kind for code, i in catalogue.indicators().items()})
    values = frame[value_column].astype(float)
    bad = frame[(kinds == "count") & values.notna() & (values != values.round())]
    return [InputError(row["file_name"], row["sheet"], int(row["row_number"]), _value_cell(row, value_column),
                       f"“{show(row[value_column])}”不是整数 — 个数/家数应为不带小数的非负整数")
            for _, row in bad.iterrows()]


def show(value) -> str:
    """A number as a person wrote it: 36 rather than 36.0; an empty cell as 空 (never Python's None)."""
    if _scalar_na(value):
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_NON_NEGATIVE = "不能为负数 — 应为 0 或正数"


def _figure_errors(frame: pd.DataFrame, value_column: str) -> list[InputError]:
    """Years in range and figures not negative, as the pandera schema of old reported them."""
    if frame.empty:
        return []
    years = frame["year"].astype("int64")
    values = frame[value_column].astype(float)
    errors = []
    indicators = catalogue.indicators()
    for mask, field, message in ((~years.between(FIRST_YEAR, last_year()), "year", _year_error()),
                                 (values < 0, value_column, _NON_NEGATIVE)):
        for _, row in frame[mask].iterrows():
            said = f"“{show(row[field])}”"
            indicator = indicators.get(row.get("indicator")) if field == value_column else None
            if indicator is not None and indicator.kind == "money":  # as stored, in 亿元: not what the cell says
                said = f"“{show(row[field])}{indicator.unit}”（折算成{indicator.unit}后）"
            errors.append(InputError(row["file_name"], row["sheet"], int(row["row_number"]), _value_cell(row, field),
                                     f"{said}{message}"))
    return errors


@cache
def _schemas() -> dict:
    import pandera.pandas as pa

    return {
        "enterprises": pa.DataFrameSchema({"recognised_year": pa.Column(int, _year_check(), coerce=True)}),
    }


# Which spreadsheet column a failing field was read from, per frame.
_VALUE_CELLS = {"year": "year_column", "value": "column", "target": "column", "recognised_year": "year_column"}


def _schema_errors(frame: pd.DataFrame, kind: str,
                   column_of: Callable[[pd.Series, str | None], int | None]) -> list[InputError]:
    if frame.empty:
        return []
    import pandera.pandas as pa

    schema = _schemas()[kind]
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        errors = []
        for case in exc.failure_cases.itertuples(index=False):
            if case.index is None or pd.isna(case.index):
                continue
            row = frame.loc[case.index]
            field = case.column if isinstance(case.column, str) and case.column in frame.columns else None
            message = _message_for(str(case.check), schema, field)
            shown = "" if field is None else f"“{show(row[field])}”"
            errors.append(InputError(row["file_name"], row["sheet"], int(row["row_number"]),
                                     column_of(row, field), f"{shown}{message}"))
        return errors
    return []


def _message_for(check: str, schema, field: str | None) -> str:
    checks = list(schema.checks)
    if field and field in schema.columns:
        checks += list(schema.columns[field].checks)
    for candidate in checks:
        if candidate.error and (candidate.error == check or candidate.name == check):
            return candidate.error
    return f"未通过检查（{check}）"


def _value_cell(row: pd.Series, field: str | None) -> int | None:
    key = _VALUE_CELLS.get(field or "", "column")
    value = row.get(key)
    return None if value is None or pd.isna(value) else int(value)


def _where(row: pd.Series) -> str:
    sheet = f":{row['sheet']}" if row["sheet"] else ""
    return f"{row['file_name']}{sheet}:{int(row['row_number'])}"


def _conflicts(frame: pd.DataFrame, keys: list[str], compare: list[str], what: str | Callable[[pd.Series], str],
               column_of: Callable[[pd.Series], int | None]) -> list[InputError]:
    """Rows with the same key but different content inside one load: both places are reported."""
    if frame.empty:
        return []
    errors = []
    for _key, group in frame[frame.duplicated(keys, keep=False)].groupby(keys, sort=False, dropna=False):
        distinct = group.drop_duplicates(compare)
        if len(distinct) < 2:
            continue
        first = group.iloc[0]
        for _, row in group.iloc[1:].iterrows():
            if all(_same(row[c], first[c]) for c in compare):
                continue
            shown = "、".join(show(row[c]) for c in compare if not _same(row[c], first[c]))
            earlier = "、".join(show(first[c]) for c in compare if not _same(row[c], first[c]))
            named = what(row) if callable(what) else what
            advice = ("；如两个文件是不同日期的台账，请按日期先后分次导入" if named.startswith("项目")
                      and row["file_name"] != first["file_name"] else "")
            errors.append(InputError(row["file_name"], row["sheet"], int(row["row_number"]), column_of(row),
                                     f"与 {_where(first)} 的{named}重复但数值不同（此处 {shown}，彼处 {earlier}）"
                                     f" — 同一批导入中每项只能有一个值{advice}"))
    return errors


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) if (_scalar_na(a) or _scalar_na(b)) else a == b


def _scalar_na(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NaT


def _date_order(projects: pd.DataFrame) -> list[InputError]:
    """签约 ≤ 开工 ≤ 投产 and a plausible 签约 year, judged a column at a time; only failing rows are visited."""
    if projects.empty:
        return []
    pairs = [("signed_date", "started_date", "开工日期早于签约日期"),
             ("started_date", "production_date", "投产日期早于开工日期"),
             ("started_date", "planned_production_date", "计划投产日期早于开工日期")]
    days = {column: pd.to_datetime(projects[column]) for column in
            {"signed_date", "started_date", "production_date", "planned_production_date"}}
    errors = []

    def located(mask, field: str, message) -> None:
        for row in projects[mask.to_numpy(dtype=bool)].to_dict("records"):
            errors.append(InputError(row["file_name"], row["sheet"], int(row["row_number"]),
                                     (row["cell_columns"] or {}).get(field), message(row)))

    for earlier, later, problem in pairs:
        located(days[later] < days[earlier], later,  # NaT on either side compares False
                lambda row, e=earlier, lt=later, p=problem: f"{p}（{row[e]} → {row[lt]}）— 应为 签约 ≤ 开工 ≤ 投产")
    years = days["signed_date"].dt.year
    located(years.notna() & ~years.between(FIRST_YEAR, last_year()), "signed_date",
            lambda row: f"签约日期 {row['signed_date']} 超出范围 — 应在 {FIRST_YEAR} 至 {last_year()} 年之间")
    return errors


def _negative_money(projects: pd.DataFrame) -> list[InputError]:
    """Money figures of projects are not negative (as the pandera schema of old reported them)."""
    errors = []
    for field in ("total_investment", "projected_output", "projected_tax"):
        negative = pd.to_numeric(projects[field], errors="coerce") < 0
        for row in projects[negative.to_numpy(dtype=bool)].to_dict("records"):
            errors.append(InputError(row["file_name"], row["sheet"], int(row["row_number"]),
                                     (row["cell_columns"] or {}).get(field),
                                     f"“{show(row[field])}亿元”（折算成亿元后）{_NON_NEGATIVE}"))
    return errors


_PROJECT_FIELDS = ["project_name", "zone_id", "total_investment", "signed_date", "started_date", "production_date",
                   "status", "projected_output", "projected_tax"]


def project_conflicts(projects: pd.DataFrame) -> list[InputError]:
    """Rows of one load with the same 项目编号 but different content (also run again once publish has matched
    projects without 项目编号 to stored ones)."""
    return _conflicts(projects, ["project_id"], _PROJECT_FIELDS,
                      lambda row: "项目编号" if row.get("id_given", True) else "项目（开发区和项目名称相同）",
                      lambda row: None)


def validate(values: pd.DataFrame, targets: pd.DataFrame, enterprises: pd.DataFrame,
             projects: pd.DataFrame, chain_links: pd.DataFrame | None = None) -> list[InputError]:
    def value_cell(row: pd.Series) -> int | None:
        return _value_cell(row, "value")

    errors = _figure_errors(values, "value")
    errors += _figure_errors(targets, "target")
    errors += _schema_errors(enterprises, "enterprises", _value_cell)
    errors += _negative_money(projects)
    errors += _fractional_counts(values, "value") + _fractional_counts(targets, "target")
    errors += _conflicts(values, ["zone_id", "year", "indicator"], ["value"], "开发区-年份-指标", value_cell)
    errors += _conflicts(targets, ["zone_id", "year", "indicator"], ["target"], "目标", value_cell)
    errors += project_conflicts(projects)
    errors += _date_order(projects)
    if chain_links is not None:
        errors += _conflicts(chain_links, ["zone_id", "chain_leader", "partner"],
                             ["relation", "introduced_by", "mode", "chain", "segment", "project_name"],
                             "链主-引进企业关系", lambda row: None)
    return errors
