-- Storage tables (internal) and the contract views (public: see data-contract.md).
CREATE TABLE IF NOT EXISTS zone_dim (
    zone_id VARCHAR PRIMARY KEY, zone_name VARCHAR NOT NULL, short_name VARCHAR NOT NULL,
    city VARCHAR, province VARCHAR, level VARCHAR, zone_type VARCHAR, approved VARCHAR,
    area_ha DOUBLE, leading_industries VARCHAR, source VARCHAR);
CREATE TABLE IF NOT EXISTS indicator_dim (
    indicator VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, unit VARCHAR,
    direction VARCHAR, category VARCHAR, kind VARCHAR, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS load_log (
    load_id INTEGER, loaded_at TIMESTAMP, file_name VARCHAR, sheet VARCHAR, sha256 VARCHAR,
    rows INTEGER, status VARCHAR, loaded_by VARCHAR);
-- provenance columns shared by every stored fact
CREATE TABLE IF NOT EXISTS value_store (
    zone_id VARCHAR, year INTEGER, indicator VARCHAR, value DOUBLE, source VARCHAR, is_synthetic BOOLEAN,
    load_id INTEGER, file_name VARCHAR, sheet VARCHAR, row_number INTEGER, sha256 VARCHAR, loaded_at TIMESTAMP,
    PRIMARY KEY (zone_id, year, indicator));
CREATE TABLE IF NOT EXISTS value_history AS SELECT *, NULL::INTEGER AS superseded_by_load FROM value_store WITH NO DATA;
CREATE TABLE IF NOT EXISTS project_store (
    project_id VARCHAR PRIMARY KEY, project_name VARCHAR, zone_id VARCHAR, investor VARCHAR,
    investor_origin VARCHAR, chain VARCHAR, total_investment DOUBLE, signed_date DATE, started_date DATE,
    production_date DATE, status VARCHAR, projected_output DOUBLE, projected_tax DOUBLE,
    chain_leader VARCHAR, lead_official VARCHAR, note VARCHAR, is_synthetic BOOLEAN,
    load_id INTEGER, file_name VARCHAR, sheet VARCHAR, row_number INTEGER, sha256 VARCHAR, loaded_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS project_history AS SELECT * FROM project_store WITH NO DATA;
CREATE TABLE IF NOT EXISTS enterprise_store (
    zone_id VARCHAR, enterprise_name VARCHAR, category VARCHAR, recognised_year INTEGER, is_synthetic BOOLEAN,
    load_id INTEGER, file_name VARCHAR, sheet VARCHAR, row_number INTEGER, sha256 VARCHAR, loaded_at TIMESTAMP,
    PRIMARY KEY (zone_id, enterprise_name, category));
CREATE TABLE IF NOT EXISTS target_store (
    zone_id VARCHAR, year INTEGER, indicator VARCHAR, target DOUBLE, is_synthetic BOOLEAN,
    load_id INTEGER, file_name VARCHAR, sheet VARCHAR, row_number INTEGER, sha256 VARCHAR, loaded_at TIMESTAMP,
    PRIMARY KEY (zone_id, year, indicator));
CREATE TABLE IF NOT EXISTS snapshot_meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE OR REPLACE VIEW zones AS
    SELECT zone_id, zone_name, short_name, city, province, level, zone_type FROM zone_dim;
CREATE OR REPLACE VIEW zone_profiles AS SELECT * FROM zone_dim;
CREATE OR REPLACE VIEW indicators AS
    SELECT indicator, name_zh, name_en, unit, direction, category FROM indicator_dim ORDER BY sort_order;

CREATE OR REPLACE VIEW projects AS
    SELECT project_id, project_name, zone_id, investor, investor_origin, chain, total_investment,
           signed_date, started_date, production_date, status, projected_output, projected_tax,
           chain_leader, lead_official, is_synthetic
    FROM project_store;

-- Zone-year figures derived from the project ledger (signed = has a signing date and is past 在谈).
CREATE OR REPLACE VIEW ledger_indicator_values AS
    WITH signed AS (
        SELECT zone_id, year(signed_date)::INTEGER AS year, * EXCLUDE (zone_id)
        FROM project_store WHERE signed_date IS NOT NULL AND status <> '在谈'),
    per_year AS (
        SELECT zone_id, year,
               count(*)::DOUBLE AS signed_projects,
               round(sum(total_investment), 6) AS signed_investment,
               count(*) FILTER (WHERE year(started_date) = year)::DOUBLE AS signed_started_projects,
               round(sum(projected_output), 6) AS projected_output,
               round(sum(projected_tax), 6) AS projected_tax,
               bool_or(is_synthetic) AS is_synthetic
        FROM signed GROUP BY ALL),
    started AS (
        SELECT zone_id, year(started_date)::INTEGER AS year, count(*)::DOUBLE AS started_projects,
               bool_or(is_synthetic) AS is_synthetic
        FROM project_store WHERE started_date IS NOT NULL GROUP BY ALL)
    SELECT zone_id, year, indicator, value, is_synthetic FROM (
        UNPIVOT per_year ON signed_projects, signed_investment, signed_started_projects,
                            projected_output, projected_tax INTO NAME indicator VALUE value)
    UNION ALL
    SELECT zone_id, year, 'started_projects', started_projects, is_synthetic FROM started;

CREATE OR REPLACE VIEW indicator_values AS
    WITH combined AS (
        SELECT zone_id, year, indicator, value,
               coalesce(source, file_name || coalesce('：' || sheet, '')) AS source, is_synthetic
        FROM value_store
        UNION ALL
        SELECT l.zone_id, l.year, l.indicator, l.value, '项目台账汇总' AS source, l.is_synthetic
        FROM ledger_indicator_values l
        WHERE l.value IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM value_store v
            WHERE v.zone_id = l.zone_id AND v.year = l.year AND v.indicator = l.indicator))
    SELECT c.zone_id, z.zone_name, c.year, c.indicator, c.value, i.unit, c.source, c.is_synthetic
    FROM combined c JOIN zone_dim z USING (zone_id) JOIN indicator_dim i USING (indicator);

CREATE OR REPLACE VIEW provincial_rankings AS
    SELECT z.province, v.year, v.indicator, v.zone_id, v.zone_name, v.value,
           rank() OVER (PARTITION BY z.province, v.year, v.indicator
                        ORDER BY CASE WHEN i.direction = 'lower' THEN v.value ELSE -v.value END) AS rank,
           count(*) OVER (PARTITION BY z.province, v.year, v.indicator) AS n_ranked
    FROM indicator_values v JOIN zone_dim z USING (zone_id) JOIN indicator_dim i USING (indicator)
    WHERE v.value IS NOT NULL;

-- Reported figures next to what the ledger adds up to, where both exist and differ.
CREATE OR REPLACE VIEW ledger_discrepancies AS
    SELECT v.zone_id, z.zone_name, v.year, v.indicator, v.value AS reported, l.value AS ledger,
           round(v.value - l.value, 6) AS difference
    FROM value_store v JOIN ledger_indicator_values l USING (zone_id, year, indicator)
    JOIN zone_dim z USING (zone_id)
    WHERE v.value IS NOT NULL AND l.value IS NOT NULL AND abs(v.value - l.value) > 1e-6;

CREATE OR REPLACE VIEW value_provenance AS
    SELECT zone_id, year, indicator, value, source, is_synthetic, load_id, file_name, sheet,
           row_number, sha256, loaded_at FROM value_store;

CREATE OR REPLACE VIEW enterprises AS
    SELECT zone_id, enterprise_name, category, recognised_year, is_synthetic FROM enterprise_store;
CREATE OR REPLACE VIEW annual_targets AS
    SELECT t.zone_id, t.year, t.indicator, t.target, i.unit, t.is_synthetic
    FROM target_store t JOIN indicator_dim i USING (indicator);

CREATE OR REPLACE VIEW load_history AS
    SELECT load_id, loaded_at, file_name, sheet, sha256, rows, status FROM load_log;
