"""The magnitude check: figures 10⁴× too big (万元 typed into a 亿元 sheet) are stopped before a leader sees them.

Every numeric fact of a load — indicator values, targets, and each project's total_investment / projected_output /
projected_tax — is compared with (a) the zone's own largest earlier figure for that indicator (stored, or another
row of the same zone in this batch), (b) the largest figure any other zone has (stored plus this batch), (c) an
absolute ceiling, and, for money, (d) the zone's smallest earlier non-zero stored figure (亿元 typed as 万元).
A suspect figure comes back as a located InputError naming the likely cause; load_files lists them on a dry run
and refuses a real load unless the outliers are confirmed (`--confirm-outliers`, the page's checkbox).

The thresholds live in etl/catalogue/plausibility.toml rather than in new indicators.csv columns: an extended
catalogue (DEVZONE_INDICATORS_FILE, e.g. the national benchmark's) knows nothing of them and is still protected by
the per-kind defaults there, the ledger's per-project limits are not indicators, and TOML lets every number carry
the comment that justifies it. All comparisons run in one DuckDB query over the batch and the snapshot.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from etl import catalogue, storage
from etl.errors import InputError
from etl.paths import CATALOGUE_DIR

THRESHOLDS_FILE = CATALOGUE_DIR / "plausibility.toml"
MAX_LISTED = 1000  # a whole sheet typed in the wrong unit gives one message per cell; more would bury the rest
CONFIRM_HINT = "请核对单位，确认无误请勾选“确认异常值无误，仍然发布”或加 --confirm-outliers"
PROJECT_FIELDS = {"total_investment": "总投资", "projected_output": "预计年产值", "projected_tax": "预计利税"}
_PROJECT_UNIT = "亿元"


@dataclass(frozen=True)
class Limits:
    ratio: float
    floor: float
    ceiling: float | None
    shrink_ratio: float | None = None
    shrink_history: int = 3
    spread_zones: int = 3  # other zones with a figure needed before (b) means anything


@dataclass(frozen=True)
class Thresholds:
    series: dict[str, Limits]  # indicator code, or "project.<field>"
    money_tolerance: float
    count_tolerance: float


def thresholds(path: Path | None = None) -> Thresholds:
    """The limits of every indicator of the catalogue and of the ledger's money columns. ValueError if unusable."""
    path = path or THRESHOLDS_FILE
    with open(path, "rb") as handle:
        table = tomllib.load(handle)
    defaults, listed = table.get("default", {}), table.get("indicator", {})
    series = {}
    for code, indicator in catalogue.indicators().items():
        series[code] = _limits({**defaults.get(indicator.kind, {}), **listed.get(code, {})}, f"{path.name}: {code}")
    for field in PROJECT_FIELDS:
        spec = {**defaults.get("money", {}), "shrink_ratio": None, **table.get("project", {}).get(field, {})}
        series["project." + field] = _limits(spec, f"{path.name}: project.{field}")
    cause = table.get("cause", {})
    return Thresholds(series, float(cause.get("money_tolerance", 3.0)), float(cause.get("count_tolerance", 1.5)))


def _limits(spec: dict, where: str) -> Limits:
    ratio, floor, ceiling = spec.get("ratio", 100), spec.get("floor", 0), spec.get("ceiling")
    shrink, history, zones = spec.get("shrink_ratio"), spec.get("shrink_history", 3), spec.get("spread_zones", 3)
    numbers = [ratio, floor] + [x for x in (ceiling, shrink) if x is not None]
    if (not all(isinstance(x, (int, float)) and x >= 0 for x in numbers) or ratio <= 1
            or not isinstance(history, int) or not isinstance(zones, int)):
        raise ValueError(f"{where}：ratio 应为大于 1 的数，floor / ceiling / shrink_ratio 应为非负数，"
                         "shrink_history / spread_zones 应为整数")
    return Limits(float(ratio), float(floor), None if ceiling is None else float(ceiling),
                  None if shrink is None else float(shrink), history, zones)


# ---- the query

def find_outliers(frames: dict[str, pd.DataFrame], con: duckdb.DuckDBPyConnection, *, stored: bool,
                  limits: Thresholds | None = None) -> list[InputError]:
    """Suspect figures of a parsed batch (frames as etl.publish.parse_files gives them), located at their cells.

    con: a connection whose default catalog is the live snapshot (stored=True) or any connection (stored=False).
    """
    limits = limits or thresholds()
    values, targets, projects = (frames.get(k, pd.DataFrame()) for k in ("values", "targets", "projects"))
    if values.empty and targets.empty and projects.empty:
        return []
    limit_rows = pd.DataFrame([{"series": s, **vars(lim)} for s, lim in limits.series.items()])
    registered = {"plaus_limits": limit_rows}
    if not values.empty:
        registered["plaus_values"] = values
    if not targets.empty:
        registered["plaus_targets"] = targets
    if not projects.empty:
        needed = ["zone_id", "project_id", "project_name", "file_name", "sheet", "row_number", *PROJECT_FIELDS]
        registered["plaus_projects"] = _project_candidates(projects[needed].assign(_src=range(len(projects))),
                                                           limits)
    for name, frame in registered.items():
        con.register(name, storage.for_scan(frame))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE plaus_facts AS SELECT row_number() OVER () AS fid, * FROM"
                    f" ({_facts_sql(registered)})")
        flagged = con.execute(_QUERY.format(stored=_stored_sql(con) if stored else _NO_STORED,
                                            place_a=_place("a.file_name", "a.sheet", "a.row_number"),
                                            place_b=_place("b.file_name", "b.sheet", "b.row_number"))).df()
        total = len(flagged)
    finally:
        con.execute("DROP TABLE IF EXISTS temp.plaus_facts")
        for name in registered:
            con.unregister(name)
    errors = [_error(row, limits, projects) for row in flagged.head(MAX_LISTED).to_dict("records")]
    if total > MAX_LISTED:
        errors.append(InputError(str(flagged.iloc[MAX_LISTED]["file_name"]),
                                 message=f"……另有 {total - MAX_LISTED} 个数值同样疑似异常（共 {total} 个）— {CONFIRM_HINT}"))
    return errors


def _project_candidates(projects: pd.DataFrame, limits: Thresholds) -> pd.DataFrame:
    """The projects that could be flagged or serve as a reference: per zone and money field the two largest
    and the smallest non-zero, and any over a ceiling. A project below its zone's largest can never be 100× it,
    so a 200,000-row ledger is checked on a few thousand rows."""
    if len(projects) <= 5000:
        return projects
    keep = pd.Series(False, index=projects.index)
    zones = projects["zone_id"].astype(str)
    for field in PROJECT_FIELDS:
        values = projects[field].astype(float).where(lambda v: v > 0)
        grouped = values.groupby(zones)
        keep |= grouped.rank(method="first", ascending=False) <= 2
        keep |= grouped.rank(method="first", ascending=True) <= 1
        ceiling = limits.series.get(f"project.{field}")
        if ceiling is not None and ceiling.ceiling is not None:
            keep |= values > ceiling.ceiling
    return projects[keep]


def _place(file: str = "file_name", sheet: str = "sheet", row: str = "row_number") -> str:
    return f"{file}::VARCHAR || coalesce(':' || {sheet}::VARCHAR, '') || ':' || {row}::VARCHAR"


def _facts_sql(registered: dict) -> str:
    """One row per incoming figure: measure, zone_id, series, value, year, project_name, key, where it is."""
    parts = []
    for measure, table, column in (("value", "plaus_values", "value"), ("target", "plaus_targets", "target")):
        if table in registered:
            parts.append(f"""SELECT '{measure}' AS measure, zone_id::VARCHAR AS zone_id, indicator::VARCHAR AS series,
                {column}::DOUBLE AS value, year::INTEGER AS year, NULL::VARCHAR AS project_name,
                '{measure}:' || year AS key, file_name::VARCHAR AS file_name, sheet::VARCHAR AS sheet,
                row_number::INTEGER AS row_number, "column"::INTEGER AS col, NULL::BIGINT AS src
                FROM {table} WHERE {column} IS NOT NULL""")
    if "plaus_projects" in registered:
        for field in PROJECT_FIELDS:
            parts.append(f"""SELECT 'project' AS measure, zone_id::VARCHAR AS zone_id, 'project.{field}' AS series,
                {field}::DOUBLE AS value, NULL::INTEGER AS year, project_name::VARCHAR AS project_name,
                project_id::VARCHAR AS key, file_name::VARCHAR AS file_name, sheet::VARCHAR AS sheet,
                row_number::INTEGER AS row_number, NULL::INTEGER AS col, _src::BIGINT AS src
                FROM plaus_projects WHERE {field} IS NOT NULL""")
    return " UNION ALL ".join(parts)


def _stored_sql(con: duckdb.DuckDBPyConnection) -> str:
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()").fetchall()}
    parts = []
    for table, column in (("value_store", "value"), ("target_store", "target")):
        if table in present:
            parts.append(f"SELECT zone_id, indicator AS series, {column} AS value, year, NULL::VARCHAR AS project_name,"
                         f" '{column}:' || year AS key FROM {table}")
    if "project_store" in present:
        parts += [f"SELECT zone_id, 'project.{f}', {f}, NULL::INTEGER, project_name, project_id FROM project_store"
                  for f in PROJECT_FIELDS]
    return " UNION ALL ".join(parts) if parts else _NO_STORED


_NO_STORED = ("SELECT NULL::VARCHAR AS zone_id, NULL::VARCHAR AS series, NULL::DOUBLE AS value,"
              " NULL::INTEGER AS year, NULL::VARCHAR AS project_name, NULL::VARCHAR AS key WHERE false")

# Candidates are the stored figures and, for the batch, one entry per fact key (zone·year·measure, or project):
# a figure is never compared with itself or with a copy of itself sent in another sheet of the same batch.
# A figure the snapshot already holds unchanged was accepted (or confirmed) before and is not asked about again.
# `stored` is read where it is used, not materialised: a copy of a 200,000-project store's three money fields
# cost a load ~60 MB at its peak (benchmarks: ledger_resend_200k_rss_mb).
_QUERY = """
WITH stored AS NOT MATERIALIZED (
    SELECT zone_id, series, value, year, project_name, key FROM ({stored}) s
    WHERE value > 0 AND series IN (SELECT DISTINCT series FROM plaus_facts)),
candidates AS (
    SELECT zone_id, series, value, year, project_name, NULL::BIGINT AS rep, NULL::VARCHAR AS key FROM stored
    UNION ALL
    SELECT zone_id, series, max(value), arg_max(year, value), arg_max(project_name, value), arg_max(fid, value), key
    FROM plaus_facts WHERE value > 0 GROUP BY zone_id, series, key),
zone_top AS (  -- each zone·series's two largest candidates (ties: a stored one first, then the earlier batch row)
    SELECT zone_id, series, arg_max({{'value': value, 'year': year, 'name': project_name, 'rep': rep, 'key': key}},
                                    {{'v': value, 'stored': rep IS NULL, 'r': -coalesce(rep, 0)}}, 2) AS top
    FROM candidates GROUP BY zone_id, series),
zone_pair AS (  -- side by side; where a batch figure came from is spelled out for these few rows only
    SELECT z.zone_id, z.series, len(z.top) AS n,
           z.top[1].value AS v1, z.top[1].year AS y1, z.top[1].name AS n1, z.top[1].key AS k1,
           CASE WHEN a.fid IS NOT NULL THEN {place_a} END AS p1,
           z.top[2].value AS v2, z.top[2].year AS y2, z.top[2].name AS n2, z.top[2].key AS k2,
           CASE WHEN b.fid IS NOT NULL THEN {place_b} END AS p2
    FROM zone_top z LEFT JOIN plaus_facts a ON a.fid = z.top[1].rep LEFT JOIN plaus_facts b ON b.fid = z.top[2].rep),
province_pair AS (  -- each series's two zones with the largest figure (ties: the lower zone_id)
    SELECT series, count(*) - 1 AS zones_besides, arg_min({{'zone': zone_id, 'value': v1, 'year': y1, 'name': n1,
                                                           'place': p1}}, {{'v': -v1, 'z': zone_id}}, 2) AS top
    FROM zone_pair GROUP BY series),
smallest AS (
    SELECT zone_id, series, count(*) AS low_n, min(value) AS low_ref, arg_min(year, value) AS low_year,
           arg_min(project_name, value) AS low_name
    FROM stored GROUP BY zone_id, series),
numbers AS (  -- every figure against the zone's largest figure that is not this one (nor a copy of it) and
              -- another zone's largest: numbers only, so a million facts carry no texts or structs through the joins
    SELECT f.fid, f.zone_id, f.series, f.value,
           CASE WHEN z.k1 IS DISTINCT FROM f.key THEN 1 WHEN z.n = 2 AND z.k2 IS DISTINCT FROM f.key THEN 2 END AS own,
           CASE WHEN p.top[1].zone <> f.zone_id THEN 1 WHEN p.top[2].zone <> f.zone_id THEN 2 END AS other,
           z.v1, z.v2, p.top[1].value AS pv1, p.top[2].value AS pv2, p.zones_besides
    FROM plaus_facts f LEFT JOIN zone_pair z ON z.zone_id = f.zone_id AND z.series = f.series
    LEFT JOIN province_pair p ON p.series = f.series),
referred AS (
    SELECT fid, zone_id, series, value, own, other, CASE own WHEN 1 THEN v1 WHEN 2 THEN v2 END AS own_ref,
           CASE other WHEN 1 THEN pv1 WHEN 2 THEN pv2 END AS other_ref,
           CASE WHEN other IS NOT NULL THEN zones_besides END AS other_zones
    FROM numbers),
judged AS (
    SELECT f.*, s.low_n, s.low_ref, s.low_year, s.low_name,
           l.ratio, l.floor, l.ceiling, l.shrink_ratio,
           own_ref IS NOT NULL AND f.value > l.ratio * greatest(own_ref, l.floor) AS above_own,
           other_ref IS NOT NULL AND other_zones >= l.spread_zones
               AND f.value > l.ratio * greatest(other_ref, l.floor) AS above_others,
           l.ceiling IS NOT NULL AND f.value > l.ceiling AS above_ceiling,
           l.shrink_ratio IS NOT NULL AND f.value > 0 AND s.low_n >= l.shrink_history
               AND f.value * l.shrink_ratio < s.low_ref AS below_own
    FROM referred f JOIN plaus_limits l USING (series)
    LEFT JOIN smallest s ON s.zone_id = f.zone_id AND s.series = f.series),
flagged AS (SELECT * FROM judged WHERE above_own OR above_others OR above_ceiling OR below_own)
-- only now, for the few figures flagged, where each one and its references came from
SELECT f.fid, f.measure, f.zone_id, f.series, f.value, f.year, f.project_name, f.key, f.file_name, f.sheet,
       f.row_number, f.col, f.src,
       j.own_ref, CASE j.own WHEN 1 THEN z.y1 WHEN 2 THEN z.y2 END AS own_year,
       CASE j.own WHEN 1 THEN z.n1 WHEN 2 THEN z.n2 END AS own_name,
       CASE j.own WHEN 1 THEN z.p1 WHEN 2 THEN z.p2 END AS own_place,
       j.other_ref, p.top[j.other].zone AS other_zone, p.top[j.other].year AS other_year,
       p.top[j.other].name AS other_name, p.top[j.other].place AS other_place, j.other_zones,
       j.low_n, j.low_ref, j.low_year, j.low_name, j.ratio, j.floor, j.ceiling, j.shrink_ratio,
       j.above_own, j.above_others, j.above_ceiling, j.below_own
FROM flagged j JOIN plaus_facts f ON f.fid = j.fid
LEFT JOIN zone_pair z ON z.zone_id = f.zone_id AND z.series = f.series
LEFT JOIN province_pair p ON p.series = f.series
WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.zone_id = f.zone_id AND s.series = f.series AND s.key = f.key
                  AND s.value = f.value)
ORDER BY file_name, sheet NULLS FIRST, row_number, col, series
"""


# ---- the message a clerk reads

def _error(row: dict, limits: Thresholds, projects: pd.DataFrame) -> InputError:
    if row["measure"] == "project":
        field = row["series"].removeprefix("project.")
        what, unit, kind = f"项目“{row['project_name']}”的“{PROJECT_FIELDS[field]}”", _PROJECT_UNIT, "money"
        column = (projects.iloc[int(row["src"])]["cell_columns"] or {}).get(field) if "cell_columns" in projects else None
        zone_history, per = "该区项目最大值", "单个项目"
    else:
        indicator = catalogue.indicators()[row["series"]]
        what = f"“{indicator.name_zh}”" + ("目标值" if row["measure"] == "target" else "")
        unit, kind, column = indicator.unit, indicator.kind, _int(row["col"])
        zone_history, per = "该区历年最大值", "每区每年"
    value = row["value"]
    head = f"{what}为 {number(value)} {unit}，"
    if row["above_own"] or row["above_others"]:
        own = bool(row["above_own"])
        ref = row["own_ref"] if own else row["other_ref"]
        origin = _origin(row, "own" if own else "other")
        label = zone_history if own else "其他开发区最大值"
        text = f"{head}是{label} {number(ref)} {unit}（{origin}）的 {times(value / ref)} 倍 — "
        text += _cause(value / ref, kind, limits, fallback="数值远超以往" if own else "数值远超其他开发区")
    elif row["above_ceiling"]:
        text = f"{head}超过{per}上限 {number(row['ceiling'])} {unit}（{THRESHOLDS_FILE.name}）— "
        text += _ceiling_cause(value, row["ceiling"], kind)
    else:
        origin = _origin(row, "low")
        text = (f"{head}仅为该区历年最小非零值 {number(row['low_ref'])} {unit}（{origin}）的 1/{times(row['low_ref'] / value)}"
                f" — {_shrink_cause(row['low_ref'] / value, limits)}")
    sheet = row["sheet"] if _present(row["sheet"]) else None
    return InputError(row["file_name"], sheet, _int(row["row_number"]), column, f"{text}；{CONFIRM_HINT}")


def _origin(row: dict, prefix: str) -> str:
    parts = []
    if prefix == "other":
        zone = row["other_zone"]
        parts.append(catalogue.zone_names().get(zone, zone))
    year, name = row.get(f"{prefix}_year"), row.get(f"{prefix}_name")
    if _present(year):
        parts.append(f"{int(year)}年")
    if _present(name):
        parts.append(f"项目“{name}”")
    place = row.get(f"{prefix}_place")
    where = f"本批 {place}" if _present(place) else "已入库"
    return " ".join(parts) + ("，" if parts else "") + where


def _cause(ratio: float, kind: str, limits: Thresholds, fallback: str) -> str:
    power = math.log10(ratio)
    if kind == "money":
        tolerance = math.log10(limits.money_tolerance)
        if abs(power - 4) <= tolerance:
            return "疑似把万元当作亿元填报"
        if abs(power - 8) <= tolerance:
            return "疑似把元当作亿元填报"
        return fallback
    digits = round(power)
    if digits >= 1 and abs(power - digits) <= math.log10(limits.count_tolerance):
        return f"疑似多填了 {digits} 位数"
    return fallback


def _ceiling_cause(value: float, ceiling: float, kind: str) -> str:
    if kind != "money":
        return "疑似多填了位数"
    if value / 1e4 <= ceiling:
        return "疑似把万元当作亿元填报"
    if value / 1e8 <= ceiling:
        return "疑似把元当作亿元填报"
    return "数值超出合理范围"


def _shrink_cause(ratio: float, limits: Thresholds) -> str:
    if abs(math.log10(ratio) - 4) <= math.log10(limits.money_tolerance):
        return "疑似把亿元当作万元填报"
    return "数值远低于以往"


def number(value: float) -> str:
    """1797800.0 -> 1,797,800; 179.78 -> 179.78; 0.0017978 -> 0.001798."""
    if abs(value) >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def times(ratio: float) -> str:
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA


def _int(value) -> int | None:
    return int(value) if _present(value) else None
