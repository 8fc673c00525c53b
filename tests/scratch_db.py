"""A tiny snapshot built straight from etl/schema.sql, independent of the ETL pipeline.

Used where a test needs a database it fully controls (swap detection, corrupt files), and as a
stand-in for `etl.demo.build_demo` while that is unavailable. Values: the seed facts for
盐湖高新区 2021 (real) plus a few synthetic ones for every zone; `marker` lets a test tell two
snapshots apart.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import duckdb

from etl.paths import CATALOGUE_DIR, REFERENCE_DIR, SCHEMA_SQL

SEED_ZONE = "X140802"
SEED_VALUES_2021 = {
    "signed_projects": 36.0,
    "signed_investment": 179.78,
    "signed_started_projects": 34.0,
    "new_four_above_enterprises": 19.0,
    "ii_integration_pilots": 2.0,
    "srdi_enterprises": 4.0,
    "national_incubators": 1.0,
}
SCRATCH_YEARS = (2020, 2021)


def build_scratch_db(path: str | os.PathLike[str], *, marker: int = 0) -> Path:
    """Write a complete small snapshot to `path`, atomically (temp file + os.replace)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.scratch.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        with open(REFERENCE_DIR / "zones.csv", encoding="utf-8") as f:
            zones = list(csv.DictReader(f))
        for z in zones:
            con.execute(
                "INSERT INTO zone_dim VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [z["zone_id"], z["zone_name"], z["short_name"], z["city"], z["province"], z["level"],
                 z["zone_type"], z["approved"] or None, float(z["area_ha"]) if z["area_ha"] else None,
                 z["leading_industries"], z["source"]],
            )
        with open(CATALOGUE_DIR / "indicators.csv", encoding="utf-8") as f:
            for order, row in enumerate(csv.DictReader(f)):
                con.execute(
                    "INSERT INTO indicator_dim VALUES (?,?,?,?,?,?,?,?)",
                    [row["indicator"], row["name_zh"], row["name_en"], row["unit"], row["direction"],
                     row["category"], row["kind"], order],
                )
        loaded_at = dt.datetime(2024, 3, 1, 9, 30)
        con.execute(
            "INSERT INTO load_log VALUES (1, ?, 'scratch_values.csv', NULL, ?, ?, 'ok', 'test')",
            [loaded_at, "ab" + "0" * 62, len(zones) * len(SCRATCH_YEARS) + len(SEED_VALUES_2021)],
        )
        rows = []
        for i, z in enumerate(zones):
            for year in SCRATCH_YEARS:
                if z["zone_id"] == SEED_ZONE and year == 2021:
                    continue
                rows.append((z["zone_id"], year, "signed_projects", float(5 + i % 7 + year - 2020) + marker,
                             "演示数据", True))
        rows += [
            (SEED_ZONE, 2021, code, value, "运城日报", False) for code, value in SEED_VALUES_2021.items()
        ]
        for n, (zone_id, year, indicator, value, source, synthetic) in enumerate(rows, start=2):
            con.execute(
                "INSERT INTO value_store VALUES (?,?,?,?,?,?,1,'scratch_values.csv',NULL,?,NULL,?)",
                [zone_id, year, indicator, value, source, synthetic, n, loaded_at],
            )
        con.execute(
            """INSERT INTO project_store (project_id, project_name, zone_id, investor, investor_origin, chain,
                   total_investment, signed_date, status, projected_output, projected_tax, chain_leader,
                   is_synthetic)
               VALUES ('P1', '宏明空调全产业链生产基地', ?, '山西宏明空调科技有限公司', '山西运城',
                       '空调制冷', NULL, DATE '2021-11-15', '签约', 20, 0.5, NULL, false)""",
            [SEED_ZONE],
        )
        con.execute(
            "INSERT INTO snapshot_meta VALUES ('built_by', 'tests/scratch_db.py'), ('marker', ?)",
            [str(marker)],
        )
    finally:
        con.close()
    os.replace(tmp, path)
    return path
