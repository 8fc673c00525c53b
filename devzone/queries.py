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


def years_available(db: QuerySource, province: str | None = None) -> pd.DataFrame:
    """year — every year with at least one indicator value (of a zone in `province`, when given), ascending."""
    where, params = _place_filter("zone_id", None, province)
    return db.query(
        f"SELECT DISTINCT year::INTEGER AS year FROM indicator_values WHERE value IS NOT NULL AND {where} "
        "ORDER BY year", params,
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


# ---------------------------------------------------------------- 总览 Overview / 全省排名 Rankings
# (app_pages/overview.py and app_pages/rankings.py; view logic in devzone/scorecard.py and
# devzone/ranking_view.py)

# Where a value comes from, in three kinds a reader cares about: a statistics table sent in
# ('reported'), the project ledger added up ('ledger'), or a document named in the file's
# 来源 column such as the seed newspaper article ('cited').
_SOURCE_KIND = """
    CASE WHEN v.source = '项目台账汇总' THEN 'ledger'
         WHEN p.file_name IS NULL OR v.source = p.file_name || coalesce('：' || p.sheet, '') THEN 'reported'
         ELSE 'cited' END"""


def zone_profile(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """One row (or none) of zone_profiles: zone_id, zone_name, short_name, city, province, level,
    zone_type, approved, area_ha, leading_industries, source."""
    return db.query(
        "SELECT zone_id, zone_name, short_name, city, province, level, zone_type, approved, area_ha, "
        "leading_industries, source FROM zone_profiles WHERE zone_id = ?",
        [zone_id],
    )


# Provincial ranks with `tied` (another zone shares the rank) and `rank_from_synthetic`: a real value ranked
# among synthetic values of other zones — its rank is not a fact and carries ※ (devzone.fmt.mark_from_synthetic).
_RANKED = """
    SELECT r.zone_id, r.year, r.indicator, r.value, r.rank, r.n_ranked,
           count(*) OVER (PARTITION BY r.province, r.year, r.indicator, r.rank) > 1 AS tied,
           NOT coalesce(v.is_synthetic, false) AND bool_or(coalesce(v.is_synthetic, false))
               OVER (PARTITION BY r.province, r.year, r.indicator) AS rank_from_synthetic
    FROM provincial_rankings r JOIN indicator_values v
      ON v.zone_id = r.zone_id AND v.year = r.year AND v.indicator = r.indicator"""


def zone_indicator_history(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """Every year and indicator with a value for one zone, with its provincial rank and provenance.

    Columns: year, indicator, value, source, source_kind ('reported' | 'ledger' | 'cited'),
    is_synthetic, rank, n_ranked, tied (another zone shares the rank), rank_from_synthetic. Ordered by year.
    """
    return db.query(
        f"""
        WITH ranked AS ({_RANKED})
        SELECT v.year::INTEGER AS year, v.indicator, v.value, v.source, {_SOURCE_KIND} AS source_kind,
               v.is_synthetic, r.rank::INTEGER AS rank, r.n_ranked::INTEGER AS n_ranked,
               coalesce(r.tied, false) AS tied, coalesce(r.rank_from_synthetic, false) AS rank_from_synthetic
        FROM indicator_values v
        LEFT JOIN ranked r USING (zone_id, year, indicator)
        LEFT JOIN value_provenance p USING (zone_id, year, indicator)
        WHERE v.zone_id = ? AND v.value IS NOT NULL
        ORDER BY v.year, v.indicator
        """,
        [zone_id],
    )


def zone_targets(db: QuerySource, zone_id: str, year: int) -> pd.DataFrame:
    """The annual targets (年度目标) of one zone and year: indicator, target, unit, is_synthetic."""
    return db.query(
        "SELECT indicator, target, unit, is_synthetic FROM annual_targets "
        "WHERE zone_id = ? AND year = ? AND target IS NOT NULL ORDER BY indicator",
        [zone_id, int(year)],
    )


def filtered_rankings(db: QuerySource, first_year: int, last_year: int, levels: tuple[str, ...] = (),
                      zone_types: tuple[str, ...] = (), province: str | None = None) -> pd.DataFrame:
    """Ranks recomputed within a filtered set of zones, for every indicator and year in a range.

    `province` keeps that province's zones (None: every province, each ranked within itself); `levels`
    (国家级/省级) and `zone_types` (高新区/经开区/…) keep only those zones; empty = no filter.
    One row per zone of the set × year (with any value) × indicator, missing values included
    (value, rank NULL). Rank 1 is best in the indicator's direction; ties share the best rank
    (1, 2, 2, 4); missing values are not ranked and not counted in n_ranked.
    Columns: year, indicator, zone_id, zone_name, short_name, level, zone_type, value, source,
    is_synthetic, rank, n_ranked, tied, rank_from_synthetic (a real value ranked among synthetic ones).
    """
    return db.query(
        """
        WITH chosen AS (
            SELECT zone_id, zone_name, short_name, province, level, zone_type FROM zones
            WHERE (len($levels) = 0 OR list_contains($levels, level))
              AND (len($types) = 0 OR list_contains($types, zone_type))
              AND ($province IS NULL OR province = $province)),
        years AS (
            SELECT DISTINCT year::INTEGER AS year FROM indicator_values
            WHERE value IS NOT NULL AND year BETWEEN $first AND $last),
        grid AS (
            SELECT y.year, i.indicator, i.direction, c.*
            FROM years y CROSS JOIN indicators i CROSS JOIN chosen c),
        valued AS (
            SELECT g.*, v.value, v.source, v.is_synthetic
            FROM grid g LEFT JOIN indicator_values v
              ON v.zone_id = g.zone_id AND v.year = g.year AND v.indicator = g.indicator
             AND v.value IS NOT NULL),
        ranked AS (
            SELECT *,
                   CASE WHEN value IS NOT NULL THEN rank() OVER (
                       PARTITION BY province, year, indicator, value IS NULL
                       ORDER BY CASE WHEN direction = 'lower' THEN value ELSE -value END) END AS rank,
                   count(value) OVER (PARTITION BY province, year, indicator) AS n_ranked
            FROM valued)
        SELECT year, indicator, zone_id, zone_name, short_name, level, zone_type, value, source,
               is_synthetic, rank::INTEGER AS rank, n_ranked::INTEGER AS n_ranked,
               rank IS NOT NULL AND count(*) OVER (PARTITION BY province, year, indicator, rank) > 1 AS tied,
               rank IS NOT NULL AND NOT coalesce(is_synthetic, false) AND bool_or(coalesce(is_synthetic, false))
                   OVER (PARTITION BY province, year, indicator) AS rank_from_synthetic
        FROM ranked
        ORDER BY year, indicator, rank NULLS LAST, zone_id
        """,
        {"levels": list(levels), "types": list(zone_types), "first": int(first_year), "last": int(last_year),
         "province": province},
    )


# ---------------------------------------------------------------- 企业培育 Enterprises / 数据质量 Data & sources
# (app_pages/enterprises.py and app_pages/data_quality.py; view logic in devzone/enterprise_view.py and
# devzone/quality_view.py)

def enterprise_list(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """The zone's enterprise list (企业名录): enterprise_name, category, recognised_year, is_synthetic.

    Newest recognitions first, then by category and name.
    """
    return db.query(
        "SELECT enterprise_name, category, recognised_year::INTEGER AS recognised_year, is_synthetic "
        "FROM enterprises WHERE zone_id = ? ORDER BY recognised_year DESC, category, enterprise_name",
        [zone_id],
    )


def enterprise_categories(db: QuerySource) -> pd.DataFrame:
    """Every recognition category in the whole enterprise list: category, n, n_zones, first_year, last_year."""
    return db.query(
        "SELECT category, count(*) AS n, count(DISTINCT zone_id) AS n_zones, "
        "min(recognised_year)::INTEGER AS first_year, max(recognised_year)::INTEGER AS last_year "
        "FROM enterprises GROUP BY category ORDER BY category"
    )


def province_indicator_totals(db: QuerySource, province: str, category: str) -> pd.DataFrame:
    """Province totals per year for the indicators of one catalogue category (e.g. 'enterprises').

    Columns: year, indicator, total (sum over the zones with a value), n_zones (zones with a value).
    """
    return db.query(
        "SELECT v.year::INTEGER AS year, v.indicator, sum(v.value) AS total, count(*) AS n_zones "
        "FROM indicator_values v JOIN zones z USING (zone_id) JOIN indicators i USING (indicator) "
        "WHERE z.province = ? AND i.category = ? AND v.value IS NOT NULL "
        "GROUP BY ALL ORDER BY year, indicator",
        [province, category],
    )


def value_coverage(db: QuerySource) -> pd.DataFrame:
    """One row per stored value: zone_id, year, indicator, from_ledger (derived from the project ledger
    because no report gave it), is_synthetic."""
    return db.query(
        "SELECT zone_id, year::INTEGER AS year, indicator, source = '项目台账汇总' AS from_ledger, is_synthetic "
        "FROM indicator_values WHERE value IS NOT NULL"
    )


def zone_year_provenance(db: QuerySource, zone_id: str, year: int) -> pd.DataFrame:
    """Every catalogue indicator for one zone and year with where its value came from, in catalogue order.

    Columns: indicator, name_zh, name_en, unit, direction, category, value, source, is_synthetic,
    load_id, file_name, sheet, row_number, sha256, loaded_at (all NULL for ledger-derived values),
    ledger_value (what the project ledger adds up to; NULL where the ledger does not give it).
    """
    found = db.query(
        """
        WITH keys AS (
            SELECT indicator FROM indicator_values WHERE zone_id = $zone AND year = $year
            UNION SELECT indicator FROM ledger_indicator_values WHERE zone_id = $zone AND year = $year)
        SELECT k.indicator, v.value, v.source, v.is_synthetic, p.load_id, p.file_name, p.sheet,
               p.row_number, p.sha256, p.loaded_at, l.value AS ledger_value
        FROM keys k
        LEFT JOIN indicator_values v ON v.indicator = k.indicator AND v.zone_id = $zone AND v.year = $year
        LEFT JOIN value_provenance p ON p.indicator = k.indicator AND p.zone_id = $zone AND p.year = $year
        LEFT JOIN ledger_indicator_values l ON l.indicator = k.indicator AND l.zone_id = $zone AND l.year = $year
        """,
        {"zone": zone_id, "year": int(year)},
    )
    return indicators(db).merge(found, on="indicator", how="left", sort=False)


def ledger_projects_counted(db: QuerySource, zone_id: str, year: int, indicator: str) -> pd.DataFrame:
    """The ledger projects that the 项目台账汇总 figure of (zone, year, indicator) adds up, by the rules of
    the ledger_indicator_values view (signed = a signing date and past 在谈; started = a start date).

    Columns: project_id, project_name, status, signed_date, started_date, total_investment,
    projected_output, projected_tax, is_synthetic. Empty for indicators the ledger does not give.
    """
    return db.query(
        """
        SELECT project_id, project_name, status, signed_date, started_date, total_investment,
               projected_output, projected_tax, is_synthetic
        FROM projects
        WHERE zone_id = $zone AND CASE
            WHEN $indicator = 'started_projects' THEN
                started_date IS NOT NULL AND year(started_date) = $year
            WHEN $indicator = 'signed_started_projects' THEN
                signed_date IS NOT NULL AND status <> '在谈' AND year(signed_date) = $year
                AND year(started_date) = $year
            WHEN $indicator IN ('signed_projects', 'signed_investment', 'projected_output', 'projected_tax') THEN
                signed_date IS NOT NULL AND status <> '在谈' AND year(signed_date) = $year
            ELSE false END
        ORDER BY signed_date NULLS LAST, started_date NULLS LAST, project_id
        """,
        {"zone": zone_id, "year": int(year), "indicator": indicator},
    )


def ledger_discrepancy_list(db: QuerySource) -> pd.DataFrame:
    """Reported figures that differ from what the project ledger adds up to, with names and units.

    Columns: zone_id, short_name, zone_name, year, indicator, name_zh, name_en, unit, reported, ledger,
    difference (reported − ledger). Ordered by year, zone, catalogue order.
    """
    return db.query(
        """
        SELECT d.zone_id, z.short_name, d.zone_name, d.year::INTEGER AS year, d.indicator, i.name_zh, i.name_en,
               i.unit, d.reported, d.ledger, d.difference
        FROM ledger_discrepancies d JOIN zones z USING (zone_id) JOIN indicators i USING (indicator)
        ORDER BY d.year, d.zone_id, d.indicator
        """
    )


def synthetic_rows_by_table(db: QuerySource) -> pd.DataFrame:
    """How much of each published table is synthetic demo data: table_name, n_rows, n_synthetic."""
    return db.query(
        """
        SELECT 'indicator_values' AS table_name, count(*) AS n_rows,
               count(*) FILTER (WHERE is_synthetic) AS n_synthetic FROM indicator_values WHERE value IS NOT NULL
        UNION ALL SELECT 'projects', count(*), count(*) FILTER (WHERE is_synthetic) FROM projects
        UNION ALL SELECT 'enterprises', count(*), count(*) FILTER (WHERE is_synthetic) FROM enterprises
        UNION ALL SELECT 'annual_targets', count(*), count(*) FILTER (WHERE is_synthetic) FROM annual_targets
        """
    )


# ---------------------------------------------------------------- 招商引资 / 产值税收 (app_pages/projects.py, output_tax.py)

def projects_ledger(db: QuerySource, zone_id: str | None, province: str | None = None) -> pd.DataFrame:
    """The project ledger of one zone (`zone_id=None`: every zone of `province`, or of every province when that
    is None too), newest signing first, 在谈 last.

    Columns of the `projects` view (money in 亿元, dates as datetimes) plus zone_name, short_name.
    """
    where, params = _place_filter("p.zone_id", zone_id, province)
    return db.query(
        "SELECT p.project_id, p.project_name, p.zone_id, p.investor, p.investor_origin, p.chain, "
        "p.total_investment, p.signed_date, p.started_date, p.production_date, p.status, "
        "p.projected_output, p.projected_tax, p.chain_leader, p.lead_official, p.is_synthetic, "
        f"z.zone_name, z.short_name FROM projects p LEFT JOIN zones z USING (zone_id) WHERE {where} "
        "ORDER BY p.signed_date DESC NULLS LAST, p.project_id",
        params,
    )


def _place_filter(column: str, zone_id: str | None, province: str | None) -> tuple[str, list[object]]:
    """A WHERE condition (and its parameters) keeping one zone, else one province's zones, else everything."""
    if zone_id is not None:
        return f"{column} = ?", [zone_id]
    if province is not None:
        return f"{column} IN (SELECT zone_id FROM zones WHERE province = ?)", [province]
    return "true", []


def projects_year_totals(db: QuerySource, zone_id: str | None, indicators: tuple[str, ...],
                         province: str | None = None) -> pd.DataFrame:
    """Reported zone-year figures (indicator_values) of `indicators` for every year.

    One zone: year, indicator, value, source, is_synthetic, n_zones (1). `zone_id=None` adds up the zones of
    `province` (of every province when that is None too) per year; source is then the single source when all
    agree, else NULL.
    """
    where, params = _place_filter("zone_id", zone_id, province)
    return db.query(
        f"""
        SELECT year::INTEGER AS year, indicator, sum(value) AS value,
               CASE WHEN count(DISTINCT source) = 1 THEN any_value(source) END AS source,
               bool_or(coalesce(is_synthetic, false)) AS is_synthetic,
               count(DISTINCT zone_id) AS n_zones
        FROM indicator_values
        WHERE value IS NOT NULL AND list_contains(?, indicator) AND {where}
        GROUP BY year, indicator
        ORDER BY year, indicator
        """,
        [list(indicators), *params],
    )


def projects_zone_ranks(db: QuerySource, zone_id: str, year: int, indicators: tuple[str, ...]) -> pd.DataFrame:
    """The zone's provincial rank in `indicators` for one year: indicator, value, rank, n_ranked, tied,
    rank_from_synthetic (see _RANKED)."""
    return db.query(
        f"""
        WITH r AS ({_RANKED} WHERE r.year = ? AND list_contains(?, r.indicator))
        SELECT indicator, value, rank::INTEGER AS rank, n_ranked::INTEGER AS n_ranked, tied, rank_from_synthetic
        FROM r WHERE zone_id = ?
        """,
        [int(year), list(indicators), zone_id],
    )


def output_tax_reported_vs_ledger(db: QuerySource, zone_id: str, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Per year and indicator: the figure in indicator_values (value, source) and the ledger sum, for the years
    up to the latest one with figures (a later year only the ledger has is under way, as in indicator_values).

    Columns: year, indicator, value, source, is_synthetic, ledger (NaN where one side is missing).
    """
    return db.query(
        """
        WITH v AS (SELECT year::INTEGER AS year, indicator, value, source, is_synthetic
                   FROM indicator_values WHERE zone_id = ? AND list_contains(?, indicator)),
             l AS (SELECT year::INTEGER AS year, indicator, value AS ledger, is_synthetic AS ledger_synthetic
                   FROM ledger_indicator_values WHERE zone_id = ? AND list_contains(?, indicator)
                   -- no year under way (after the latest year with figures: see indicator_values)
                   AND year <= (SELECT max(year) FROM indicator_values))
        SELECT year, indicator, v.value, v.source,
               coalesce(v.is_synthetic, l.ledger_synthetic) AS is_synthetic, l.ledger
        FROM v FULL OUTER JOIN l USING (year, indicator)
        ORDER BY year, indicator
        """,
        [zone_id, list(indicators), zone_id, list(indicators)],
    )


# ---------------------------------------------------------------- 汇报演示 Present / exports
# (app_pages/present.py and devzone/export/: deck, workbook, written summary, monthly bulletin)

def report_zone_history(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """Every year and indicator with a value for one zone, with its provincial rank.

    Columns: year, indicator, value, source, is_synthetic, rank, n_ranked, tied. Ordered by year.
    """
    return db.query(
        f"""
        WITH ranked AS ({_RANKED})
        SELECT v.year::INTEGER AS year, v.indicator, v.value, v.source, coalesce(v.is_synthetic, false)
               AS is_synthetic, r.rank::INTEGER AS rank, r.n_ranked::INTEGER AS n_ranked,
               coalesce(r.tied, false) AS tied, coalesce(r.rank_from_synthetic, false) AS rank_from_synthetic
        FROM indicator_values v LEFT JOIN ranked r USING (zone_id, year, indicator)
        WHERE v.zone_id = ? AND v.value IS NOT NULL
        ORDER BY v.year, v.indicator
        """,
        [zone_id],
    )


def report_year_ranks(db: QuerySource, province: str, year: int) -> pd.DataFrame:
    """Every ranked value of one province and year: zone_id, short_name, zone_name, indicator, value,
    source, is_synthetic, rank, n_ranked, tied. Ordered by indicator, then rank."""
    return db.query(
        """
        SELECT r.zone_id, z.short_name, z.zone_name, r.indicator, r.value, v.source,
               coalesce(v.is_synthetic, false) AS is_synthetic, r.rank::INTEGER AS rank,
               r.n_ranked::INTEGER AS n_ranked,
               count(*) OVER (PARTITION BY r.indicator, r.rank) > 1 AS tied,
               NOT coalesce(v.is_synthetic, false)
                   AND bool_or(coalesce(v.is_synthetic, false)) OVER (PARTITION BY r.indicator) AS rank_from_synthetic
        FROM provincial_rankings r
        JOIN zones z USING (zone_id)
        JOIN indicator_values v ON v.zone_id = r.zone_id AND v.year = r.year AND v.indicator = r.indicator
        WHERE r.province = ? AND r.year = ?
        ORDER BY r.indicator, r.rank, r.zone_id
        """,
        [province, int(year)],
    )


def report_targets(db: QuerySource, zone_id: str, year: int) -> pd.DataFrame:
    """The annual targets (年度目标) of one zone and year: indicator, target, unit, is_synthetic, source (the file
    the targets were loaded from, which the targets slide cites)."""
    return db.query(
        "SELECT a.indicator, a.target, a.unit, coalesce(a.is_synthetic, false) AS is_synthetic, t.file_name AS source "
        "FROM annual_targets a LEFT JOIN target_store t USING (zone_id, year, indicator) "
        "WHERE a.zone_id = ? AND a.year = ? AND a.target IS NOT NULL ORDER BY a.indicator",
        [zone_id, int(year)],
    )


def report_projects(db: QuerySource, zone_id: str, year: int) -> pd.DataFrame:
    """The zone's projects signed in `year`, plus those still under negotiation (在谈, no year needed).

    Columns: the `projects` view's (money in 亿元); largest investment first.
    """
    return db.query(
        """
        SELECT project_id, project_name, investor, investor_origin, chain, total_investment, signed_date,
               started_date, production_date, status, projected_output, projected_tax, chain_leader,
               lead_official, coalesce(is_synthetic, false) AS is_synthetic
        FROM projects
        WHERE zone_id = ? AND (year(signed_date) = ? OR status = '在谈')
        ORDER BY total_investment DESC NULLS LAST, project_id
        """,
        [zone_id, int(year)],
    )


def report_enterprise_names(db: QuerySource, zone_id: str, year: int) -> pd.DataFrame:
    """Enterprises of the zone recognised in `year`: category, enterprise_name, is_synthetic."""
    return db.query(
        "SELECT category, enterprise_name, coalesce(is_synthetic, false) AS is_synthetic FROM enterprises "
        "WHERE zone_id = ? AND recognised_year = ? ORDER BY category, enterprise_name",
        [zone_id, int(year)],
    )


def report_monthly_ledger(db: QuerySource, province: str, year: int, month: int) -> pd.DataFrame:
    """Per zone of a province, from the project ledger: signings and starts in month `month` of `year`
    and in the year to date (January to `month`). `month` 0 gives zeros (the year before January).

    Columns: zone_id, short_name, signed_month, investment_month, started_month, signed_ytd,
    investment_ytd, started_ytd, is_synthetic. Zones without projects appear with zeros.
    """
    return db.query(
        """
        WITH p AS (
            SELECT * FROM projects WHERE status <> '在谈'),
        signed AS (
            SELECT zone_id,
                   count(*) FILTER (WHERE month(signed_date) = $month) AS signed_month,
                   coalesce(sum(total_investment) FILTER (WHERE month(signed_date) = $month), 0)
                       AS investment_month,
                   count(*) FILTER (WHERE month(signed_date) <= $month) AS signed_ytd,
                   coalesce(sum(total_investment) FILTER (WHERE month(signed_date) <= $month), 0)
                       AS investment_ytd,
                   bool_or(coalesce(is_synthetic, false)) AS synthetic_signed
            FROM p WHERE year(signed_date) = $year GROUP BY zone_id),
        started AS (
            SELECT zone_id,
                   count(*) FILTER (WHERE month(started_date) = $month) AS started_month,
                   count(*) FILTER (WHERE month(started_date) <= $month) AS started_ytd,
                   bool_or(coalesce(is_synthetic, false)) AS synthetic_started
            FROM p WHERE year(started_date) = $year GROUP BY zone_id)
        SELECT z.zone_id, z.short_name,
               coalesce(s.signed_month, 0)::INTEGER AS signed_month,
               round(coalesce(s.investment_month, 0), 6) AS investment_month,
               coalesce(t.started_month, 0)::INTEGER AS started_month,
               coalesce(s.signed_ytd, 0)::INTEGER AS signed_ytd,
               round(coalesce(s.investment_ytd, 0), 6) AS investment_ytd,
               coalesce(t.started_ytd, 0)::INTEGER AS started_ytd,
               coalesce(s.synthetic_signed, false) OR coalesce(t.synthetic_started, false) AS is_synthetic
        FROM zones z LEFT JOIN signed s USING (zone_id) LEFT JOIN started t USING (zone_id)
        WHERE z.province = $province
        ORDER BY z.zone_id
        """,
        {"province": province, "year": int(year), "month": int(month)},
    )


# ---------------------------------------------------------------- 产业链 Chains / 项目推进 Progress / 年度目标 targets panel
# (app_pages/chains.py, app_pages/progress.py, ui.render_targets_panel). `as_of` is a datetime.date.

def report_last_ledger_month(db: QuerySource, province: str) -> pd.DataFrame:
    """The last month in which a project of the province was signed (the 月通报 to write by default).

    Columns: year, month (one row; both NULL when the province has no signed project).
    """
    return db.query(
        """
        SELECT year(max(p.signed_date))::INTEGER AS year, month(max(p.signed_date))::INTEGER AS month
        FROM projects p JOIN zones z USING (zone_id)
        WHERE z.province = $province AND p.status <> '在谈' AND p.signed_date IS NOT NULL
        """,
        {"province": province},
    )


def chain_links_detail(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """One row per (链主, 引进企业, project) of the zone with the project's figures (money in 亿元).

    chain_leader, partner, relation, mode, introduced_by, segment, source, project_id, project_name, chain,
    status, signed_date, total_investment, projected_output, projected_tax, investor_origin, is_synthetic.
    Partners still courted without a project have status NULL and relation 洽谈中 (or a 在谈 project).
    """
    return db.query(
        """
        SELECT l.chain_leader, l.partner, l.relation, l.mode, l.introduced_by, l.segment, l.source, l.project_id,
               p.project_name, coalesce(l.chain, p.chain) AS chain, p.status, p.signed_date, p.total_investment,
               p.projected_output, p.projected_tax, p.investor_origin,
               coalesce(l.is_synthetic, false) OR coalesce(p.is_synthetic, false) AS is_synthetic
        FROM chain_links l LEFT JOIN projects p USING (project_id)
        WHERE l.zone_id = ?
        ORDER BY l.chain_leader, p.signed_date NULLS LAST, l.partner
        """,
        [zone_id],
    )


def chain_leader_projects(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """The chain leaders' own projects in the zone: chain_leader, project_id, project_name, chain, status,
    signed_date, total_investment, projected_output, projected_tax, is_synthetic."""
    return db.query(
        """
        SELECT p.investor AS chain_leader, p.project_id, p.project_name, p.chain, p.status, p.signed_date,
               p.total_investment, p.projected_output, p.projected_tax, p.is_synthetic
        FROM projects p
        WHERE p.zone_id = ? AND p.investor IN (SELECT chain_leader FROM chain_links WHERE zone_id = ?)
        ORDER BY p.investor, p.signed_date
        """,
        [zone_id, zone_id],
    )


def chain_coverage(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """Links (环节) of every chain the zone works on: chain, position, segment, n_projects, n_pipeline, coverage
    (covered | pipeline | gap), in the order of the chain catalogue."""
    return db.query(
        """
        SELECT chain, position, segment, n_projects, n_pipeline, coverage
        FROM chain_segment_coverage WHERE zone_id = ?
        ORDER BY min(sort_order) OVER (PARTITION BY chain), sort_order
        """,
        [zone_id],
    )


def chain_pipeline(db: QuerySource, zone_id: str) -> pd.DataFrame:
    """Firms still 在谈 in the zone (the chain_pipeline view): investor, project_name, chain, investor_origin,
    chain_leader, introduced_by, note, is_synthetic — courted by a 链主 first."""
    return db.query(
        """
        SELECT investor, project_name, chain, investor_origin, chain_leader, introduced_by, note, is_synthetic
        FROM chain_pipeline WHERE zone_id = ?
        ORDER BY chain_leader NULLS LAST, investor
        """,
        [zone_id],
    )


def progress_rules(db: QuerySource) -> pd.DataFrame:
    """The alert rules of this snapshot: rule, name_zh, name_en, yellow_days, red_days, default_days."""
    return db.query("SELECT rule, name_zh, name_en, yellow_days, red_days, default_days FROM progress_rules"
                    " ORDER BY sort_order")


def assessment_weights(db: QuerySource) -> pd.DataFrame:
    """季考核 components: component, name_zh, name_en, weight, direction."""
    return db.query("SELECT component, name_zh, name_en, weight, direction FROM assessment_weights ORDER BY sort_order")


def ledger_as_of(db: QuerySource) -> pd.DataFrame:
    """as_of — the day the project ledger describes: its 截至 date (the title's date is each row's update date
    unless the row has its own), else the latest dated signing, start or completion; NaT without any.
    (The same as the ledger_as_of() macro of etl/schema.sql, read from project_versions so that an older
    snapshot without the macro still answers.)"""
    return db.query(
        """
        SELECT coalesce(max(updated_date),
                        max(greatest(signed_date, started_date, CASE WHEN status = '投产' THEN production_date END)))
               AS as_of
        FROM project_versions
        """
    )


def target_years(db: QuerySource, zone_id: str, as_of) -> pd.DataFrame:
    """year, has_actual — the years the zone has targets for up to `as_of`'s year, and whether anything is
    done towards them at `as_of` (an actual above zero), newest first."""
    return db.query(
        """
        SELECT year, coalesce(bool_or(actual > 0), false) AS has_actual
        FROM target_progress_at(?) WHERE zone_id = ? AND year <= year(CAST(? AS DATE))
        GROUP BY year ORDER BY year DESC
        """,
        [as_of, zone_id, as_of],
    )


def zone_alerts(db: QuerySource, zone_id: str, as_of) -> pd.DataFrame:
    """Every project under dispatch in the zone at `as_of`, with its level and what decided it (see
    project_alerts_at): project_id, project_name, lead_official, level, reason, stage, chain, investor,
    total_investment, signed_date, started_date, planned_production_date, last_update, days_since_signed,
    days_past_plan, days_since_update, signed_level, late_level, stale_level, is_synthetic."""
    return db.query(
        """
        SELECT project_id, project_name, lead_official, level, reason, stage, chain, investor, total_investment,
               signed_date, started_date, planned_production_date, last_update, days_since_signed, days_past_plan,
               days_since_update, signed_level, late_level, stale_level, is_synthetic
        FROM project_alerts_at(?) WHERE zone_id = ?
        ORDER BY CASE level WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END, lead_official NULLS LAST,
                 project_name
        """,
        [as_of, zone_id],
    )


def zone_alert_levels(db: QuerySource, zone_id: str, as_of) -> pd.DataFrame:
    """project_id, level at `as_of` for the zone (to compare two days)."""
    return db.query("SELECT project_id, level FROM project_alerts_at(?) WHERE zone_id = ?", [as_of, zone_id])


_DISPATCH_FIELDS = ("status", "started_date", "production_date", "planned_production_date", "lead_official",
                    "total_investment", "note")


def weekly_dispatch(db: QuerySource, zone_id: str, as_of, week_before) -> pd.DataFrame:
    """周调度: the projects of the zone under way at `as_of` (signed, not 终止, not 投产 before the week) with
    the version current at `as_of` next to the one current at `week_before` (prev_* columns; all NULL when
    the project was not known then). project_id, project_name, investor, lead_official, valid_from,
    prev_valid_from, known_before, then each of status, started_date, production_date, planned_production_date,
    lead_official, total_investment, note with its prev_ twin; is_synthetic."""
    previous = ", ".join(f"b.{f} AS prev_{f}" for f in _DISPATCH_FIELDS)
    current = ", ".join(f"a.{f}" for f in _DISPATCH_FIELDS if f != "lead_official")
    return db.query(
        f"""
        SELECT a.project_id, a.project_name, a.investor, a.lead_official, a.valid_from, b.valid_from AS prev_valid_from,
               b.project_id IS NOT NULL AND b.valid_from <= CAST($before AS DATE) AS known_before,
               {current}, {previous}, a.is_synthetic
        FROM project_state_at($as_of) a
        LEFT JOIN project_state_at($before) b USING (project_id)
        WHERE a.zone_id = $zone AND a.signed_date <= CAST($as_of AS DATE) AND a.status <> '在谈'
          AND (a.status NOT IN ('终止', '投产') OR a.valid_from > CAST($before AS DATE))
        ORDER BY a.lead_official NULLS LAST, a.project_name
        """,
        {"as_of": as_of, "before": week_before, "zone": zone_id},
    )


def monthly_bulletin(db: QuerySource, province: str, first_day, last_day, alert_day) -> pd.DataFrame:
    """月通报: per zone of the province, new signings, starts and completions between the two days, and the
    red / yellow alerts at `alert_day`. zone_id, short_name, signed, signed_investment, started, completed,
    red, yellow, is_synthetic."""
    return db.query(
        f"""
        WITH p AS (SELECT * FROM projects WHERE zone_id IN (SELECT zone_id FROM zones WHERE province = $province)),
        counts AS (
            SELECT zone_id,
                   count(*) FILTER (WHERE signed_date BETWEEN $first AND $last AND status <> '在谈') AS signed,
                   coalesce(sum(total_investment) FILTER (WHERE signed_date BETWEEN $first AND $last
                                                          AND status <> '在谈'), 0) AS signed_investment,
                   count(*) FILTER (WHERE started_date BETWEEN $first AND $last) AS started,
                   count(*) FILTER (WHERE production_date BETWEEN $first AND $last AND status = '投产') AS completed,
                   bool_or(is_synthetic) AS is_synthetic
            FROM p GROUP BY zone_id),
        alerts AS (
            SELECT zone_id, count(*) FILTER (WHERE level = 'red') AS red, count(*) FILTER (WHERE level = 'yellow')
                   AS yellow
            FROM project_alerts_at($alert_day) GROUP BY zone_id)
        SELECT z.zone_id, z.short_name, coalesce(c.signed, 0) AS signed,
               coalesce(c.signed_investment, 0) AS signed_investment, coalesce(c.started, 0) AS started,
               coalesce(c.completed, 0) AS completed, coalesce(a.red, 0) AS red, coalesce(a.yellow, 0) AS yellow,
               coalesce(c.is_synthetic, false) AS is_synthetic
        FROM zones z LEFT JOIN counts c USING (zone_id) LEFT JOIN alerts a USING (zone_id)
        WHERE z.province = $province
        ORDER BY {_ZONE_ORDER}
        """,
        {"province": province, "first": first_day, "last": last_day, "alert_day": alert_day},
    )


def target_progress(db: QuerySource, zone_id: str, year: int, as_of) -> pd.DataFrame:
    """年度目标 of the zone and year against what is done at `as_of`, with 序时进度, in catalogue order:
    indicator, name_zh, name_en, unit, target, actual, completion_rate, time_elapsed_share, on_schedule,
    actual_source, is_synthetic, completion_from_synthetic (a real figure against a synthetic target: its
    completion rate carries ※). The as-of year's actual is the ledger's year to date, never a reported figure."""
    progress = db.query(
        """
        SELECT p.indicator, p.target, p.actual, p.completion_rate, p.time_elapsed_share, p.on_schedule,
               p.actual_source, p.is_synthetic,
               v.value IS NOT NULL AND NOT coalesce(v.is_synthetic, false) AND coalesce(t.is_synthetic, false)
                   AS completion_from_synthetic
        FROM target_progress_at($as_of) p
        LEFT JOIN annual_targets t USING (zone_id, year, indicator)
        LEFT JOIN indicator_values v ON v.zone_id = p.zone_id AND v.year = p.year AND v.indicator = p.indicator
             AND p.year < year(CAST($as_of AS DATE))
        WHERE p.zone_id = $zone AND p.year = $year
        """,
        {"as_of": as_of, "zone": zone_id, "year": int(year)},
    )
    catalogue = indicators(db)[["indicator", "name_zh", "name_en", "unit"]]
    return catalogue.merge(progress, on="indicator", how="inner", sort=False).reset_index(drop=True)


def missing_relations(db: QuerySource, names: tuple[str, ...]) -> pd.DataFrame:
    """name — those of `names` (views or tables) the snapshot does not have; an older snapshot lacks the
    chain / progress / target views until its next load."""
    present = db.query("SELECT table_name FROM information_schema.tables")
    return pd.DataFrame({"name": [n for n in names if n not in set(present["table_name"])]})


# ---------------------------------------------------------------- the public views, for analysts (python -m etl export)

# The views of data-contract.md whose columns do not change; an export writes each of them.
PUBLIC_VIEWS = ("zones", "indicators", "indicator_values", "provincial_rankings", "projects", "load_history")
# What --year / --zone keep of each view (None: not filtered). Projects count for the year they were signed.
_VIEW_YEAR = {"indicator_values": "v.year", "provincial_rankings": "v.year", "projects": "year(v.signed_date)"}
_VIEW_ZONE = ("zones", "indicator_values", "provincial_rankings", "projects")
# Each exported row says whether it is a synthetic figure: the views that hold figures have the flag (rankings take
# it from the value ranked); the zone register, the catalogue and the load records are not figures.
_RANKED_VALUE = (" LEFT JOIN indicator_values s ON s.zone_id = v.zone_id AND s.year = v.year"
                 " AND s.indicator = v.indicator")
_VIEW_ORDER = {"zones": "v.zone_id", "indicators": None, "indicator_values": "v.zone_id, v.year, v.indicator",
               "provincial_rankings": "v.province, v.year, v.indicator, v.rank, v.zone_id",
               "projects": "v.project_id", "load_history": "v.load_id, v.file_name, v.sheet"}


def export_stamp(db: QuerySource) -> pd.DataFrame:
    """One row: load_id (the snapshot's latest publish, as text), published_at, and as_of — the day the data
    describes (progress_as_of() of etl/schema.sql: the ledger's 截至 date unless the data is current)."""
    return db.query(
        """
        SELECT (SELECT value FROM snapshot_meta WHERE key = 'load_id') AS load_id,
               (SELECT value FROM snapshot_meta WHERE key = 'published_at') AS published_at,
               progress_as_of() AS as_of
        """
    )


def export_zone(db: QuerySource, zone: str) -> pd.DataFrame:
    """zone_id — the zone a code, short name or full name stands for (no rows if none)."""
    return db.query("SELECT zone_id FROM zones WHERE ? IN (zone_id, short_name, zone_name) ORDER BY zone_id LIMIT 1",
                    [zone])


def public_view(db: QuerySource, view: str, year: int | None = None, zone_id: str | None = None) -> pd.DataFrame:
    """Every column of one of PUBLIC_VIEWS plus is_synthetic (where the view lacks it), for `year` and `zone_id`
    where the view has them (None: all), in a stable order."""
    if view not in PUBLIC_VIEWS:
        raise ValueError(f"not a public view: {view}")
    where, params = [], []
    if year is not None and view in _VIEW_YEAR:
        where.append(f"{_VIEW_YEAR[view]} = ?")
        params.append(int(year))
    if zone_id is not None and view in _VIEW_ZONE:
        where.append("v.zone_id = ?")
        params.append(zone_id)
    synthetic, join = {"indicator_values": ("", ""), "projects": ("", ""),
                       "provincial_rankings": (", coalesce(s.is_synthetic, false) AS is_synthetic", _RANKED_VALUE)
                       }.get(view, (", false AS is_synthetic", ""))
    filtered = f" WHERE {' AND '.join(where)}" if where else ""
    order = f" ORDER BY {_VIEW_ORDER[view]}" if _VIEW_ORDER[view] else ""  # indicators: the catalogue's order
    return db.query(f"SELECT v.*{synthetic} FROM {view} v{join}{filtered}{order}", params)


def zone_values_for_map(db: QuerySource, year: int, indicator: str, province: str | None = None) -> pd.DataFrame:
    """Every zone of `province` (None: of every province) with its city and its value of `indicator` in `year`
    (value NULL where it has none): zone_id, short_name, city, province, value, is_synthetic — for the tile map."""
    where, params = _place_filter("z.zone_id", None, province)
    return db.query(
        f"""
        SELECT z.zone_id, z.short_name, z.city, z.province, v.value, coalesce(v.is_synthetic, false) AS is_synthetic
        FROM zones z
        LEFT JOIN indicator_values v ON v.zone_id = z.zone_id AND v.year = ? AND v.indicator = ?
        WHERE {where}
        ORDER BY z.city, {_ZONE_ORDER.replace('level', 'z.level').replace('zone_id', 'z.zone_id')}
        """,
        [int(year), indicator, *params],
    )
