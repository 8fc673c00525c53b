"""Every SQL statement the app runs, as small functions returning DataFrames.

Each function takes a `QuerySource` (see devzone.db) first and only plain, hashable arguments
after it, so the page layer can cache results per snapshot (`devzone.ui.load`). Queries read only
the contract views of data-contract.md, never the storage tables behind them.
"""
from __future__ import annotations

import pandas as pd

from devzone.db import QuerySource

# National zones first, then provincial; within a level by catalogue code.
_ZONE_ORDER = "CASE level WHEN '国家级' THEN 0 WHEN '省级' THEN 1 ELSE 2 END, zone_id"


def zones(db: QuerySource) -> pd.DataFrame:
    """zone_id, zone_name, short_name, city, province, level, zone_type — in display order."""
    return db.query(
        "SELECT zone_id, zone_name, short_name, city, province, level, zone_type "
        f"FROM zones ORDER BY {_ZONE_ORDER}"
    )


def years_available(db: QuerySource) -> pd.DataFrame:
    """year — every year with at least one indicator value, ascending."""
    return db.query(
        "SELECT DISTINCT year::INTEGER AS year FROM indicator_values WHERE value IS NOT NULL ORDER BY year"
    )


def indicators(db: QuerySource) -> pd.DataFrame:
    """The indicator catalogue in its own order: indicator, name_zh, name_en, unit, direction, category."""
    return db.query("SELECT indicator, name_zh, name_en, unit, direction, category FROM indicators")


def indicator_coverage(db: QuerySource) -> pd.DataFrame:
    """The catalogue plus what is loaded for each indicator, in catalogue order.

    Adds n_values, n_zones, first_year, last_year and synthetic_share (NaN when nothing is loaded).
    """
    coverage = db.query(
        """
        SELECT indicator,
               count(*) AS n_values,
               count(DISTINCT zone_id) AS n_zones,
               min(year)::INTEGER AS first_year,
               max(year)::INTEGER AS last_year,
               avg(coalesce(is_synthetic, false)::INTEGER) AS synthetic_share
        FROM indicator_values
        WHERE value IS NOT NULL
        GROUP BY indicator
        """
    )
    merged = indicators(db).merge(coverage, on="indicator", how="left", sort=False)
    for column in ("n_values", "n_zones"):
        merged[column] = merged[column].fillna(0).astype("int64")
    for column in ("first_year", "last_year"):
        merged[column] = merged[column].astype("Int64")
    return merged


def zone_year_values(db: QuerySource, zone_id: str, year: int) -> pd.DataFrame:
    """Every catalogue indicator for one zone and year, in catalogue order; value is NaN when missing.

    Columns: indicator, name_zh, name_en, unit, direction, category, value, source, is_synthetic.
    """
    values = db.query(
        "SELECT indicator, value, source, is_synthetic FROM indicator_values WHERE zone_id = ? AND year = ?",
        [zone_id, int(year)],
    )
    return indicators(db).merge(values, on="indicator", how="left", sort=False)


def recent_loads(db: QuerySource, limit: int = 10) -> pd.DataFrame:
    """The latest rows of load_history, newest first."""
    return db.query(
        "SELECT load_id, loaded_at, file_name, sheet, sha256, rows, status FROM load_history "
        "ORDER BY loaded_at DESC NULLS LAST, load_id DESC LIMIT ?",
        [int(limit)],
    )


def snapshot_summary(db: QuerySource) -> pd.DataFrame:
    """One row describing what the snapshot holds.

    zones, zones_with_values, n_years, first_year, last_year, indicators, n_values,
    synthetic_values, synthetic_share (of indicator values; NaN if none), projects,
    synthetic_projects, has_synthetic (any synthetic value or project), loads, last_loaded_at.
    """
    return db.query(
        """
        WITH v AS (SELECT * FROM indicator_values WHERE value IS NOT NULL),
        counts AS (
            SELECT
                (SELECT count(*) FROM zones) AS zones,
                (SELECT count(DISTINCT zone_id) FROM v) AS zones_with_values,
                (SELECT count(DISTINCT year) FROM v) AS n_years,
                (SELECT min(year)::INTEGER FROM v) AS first_year,
                (SELECT max(year)::INTEGER FROM v) AS last_year,
                (SELECT count(*) FROM indicators) AS indicators,
                (SELECT count(*) FROM v) AS n_values,
                (SELECT count(*) FROM v WHERE is_synthetic) AS synthetic_values,
                (SELECT count(*) FROM projects) AS projects,
                (SELECT count(*) FROM projects WHERE is_synthetic) AS synthetic_projects,
                (SELECT count(DISTINCT load_id) FROM load_history) AS loads,
                (SELECT max(loaded_at) FROM load_history) AS last_loaded_at)
        SELECT *,
               CASE WHEN n_values > 0 THEN synthetic_values / n_values END AS synthetic_share,
               (synthetic_values + synthetic_projects) > 0 AS has_synthetic
        FROM counts
        """
    )


def snapshot_meta(db: QuerySource) -> pd.DataFrame:
    """key, value — whatever the ETL recorded about this snapshot."""
    return db.query("SELECT key, value FROM snapshot_meta ORDER BY key")
