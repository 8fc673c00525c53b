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
-- One row per (zone_id, year, indicator). No PRIMARY KEY index: with a million values, building it was most of
-- a national load. The loader keeps the key unique: it refuses conflicting duplicates in a batch, stores the
-- first of identical ones, and deletes a stored value before inserting its replacement (etl/publish.py _apply).
CREATE TABLE IF NOT EXISTS value_store (
    zone_id VARCHAR, year INTEGER, indicator VARCHAR, value DOUBLE, source VARCHAR, is_synthetic BOOLEAN,
    load_id INTEGER, file_name VARCHAR, sheet VARCHAR, row_number INTEGER, sha256 VARCHAR, loaded_at TIMESTAMP);
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
        -- a year after the latest reported one is a year under way: the ledger's part-year sums are no year figure
        WHERE l.value IS NOT NULL
          AND l.year <= coalesce((SELECT max(year) FROM value_store WHERE value IS NOT NULL), l.year)
          AND NOT EXISTS (
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

-- =====================================================================================================
-- 链主 chains, project progress (周调度 · 旬预警 · 月通报 · 季考核) and annual targets with 序时进度.
-- Everything below is additive: the contract views above are unchanged.

-- A ledger may carry the planned production date and the day each row was last updated (更新日期, else
-- the 截至 date of the ledger's title). Older snapshots get the columns on their next load.
ALTER TABLE project_store ADD COLUMN IF NOT EXISTS planned_production_date DATE;
ALTER TABLE project_store ADD COLUMN IF NOT EXISTS updated_date DATE;
ALTER TABLE project_history ADD COLUMN IF NOT EXISTS planned_production_date DATE;
ALTER TABLE project_history ADD COLUMN IF NOT EXISTS updated_date DATE;

-- 链主关系 input: one row per firm a chain leader brought in; introduced_by for multi-level chains.
CREATE TABLE IF NOT EXISTS chain_link_store (
    zone_id VARCHAR, chain_leader VARCHAR, partner VARCHAR, relation VARCHAR, introduced_by VARCHAR, mode VARCHAR,
    chain VARCHAR, segment VARCHAR, project_name VARCHAR, project_ref VARCHAR, note VARCHAR, is_synthetic BOOLEAN,
    load_id INTEGER, file_name VARCHAR, sheet VARCHAR, row_number INTEGER, sha256 VARCHAR, loaded_at TIMESTAMP,
    PRIMARY KEY (zone_id, chain_leader, partner));

-- Settings copied from etl/catalogue/progress_rules.toml and chain_segments.toml at every publish.
CREATE TABLE IF NOT EXISTS progress_rules (
    rule VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, yellow_days INTEGER, red_days INTEGER,
    default_days INTEGER, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS assessment_weights (
    component VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, weight DOUBLE, direction VARCHAR,
    sort_order INTEGER);
CREATE TABLE IF NOT EXISTS chain_segments (
    chain VARCHAR, position VARCHAR, segment VARCHAR, keywords VARCHAR[], sort_order INTEGER);

-- Who brought whom: the 链主关系 input, plus the ledger's 链主企业 column for projects the input does not
-- describe. project_id is resolved from 项目编号, else 项目名称, else the partner's projects in the ledger.
CREATE OR REPLACE VIEW chain_links AS
    WITH declared AS (
        SELECT c.zone_id, c.chain_leader, c.partner, c.relation, coalesce(c.project_ref, p.project_id) AS project_id,
               coalesce(c.chain, p.chain) AS chain, c.introduced_by, c.mode, c.segment,
               '链主关系' AS source, c.is_synthetic
        FROM chain_link_store c
        LEFT JOIN project_store p ON p.zone_id = c.zone_id AND (
            p.project_id = c.project_ref
            OR (c.project_ref IS NULL AND (p.project_name = c.project_name
                                           OR (c.project_name IS NULL AND p.investor = c.partner))))),
    ledger AS (
        SELECT p.zone_id, p.chain_leader, p.investor AS partner, '链主引荐' AS relation, p.project_id, p.chain,
               NULL::VARCHAR AS introduced_by, NULL::VARCHAR AS mode, NULL::VARCHAR AS segment,
               '项目台账' AS source, p.is_synthetic
        FROM project_store p
        WHERE p.chain_leader IS NOT NULL AND p.investor IS NOT NULL AND p.investor <> p.chain_leader
          AND NOT EXISTS (
              SELECT 1 FROM declared d
              WHERE d.zone_id = p.zone_id AND d.chain_leader = p.chain_leader AND d.partner = p.investor
                AND (d.project_id IS NULL OR d.project_id = p.project_id)))
    SELECT zone_id, chain_leader, partner, relation, project_id, chain, introduced_by, mode, segment, source,
           is_synthetic
    FROM declared
    UNION ALL
    SELECT zone_id, chain_leader, partner, relation, project_id, chain, introduced_by, mode, segment, source,
           is_synthetic
    FROM ledger;

-- Upstream/downstream coverage of each chain a zone works on: covered (a signed project matches the link),
-- in talks (only 在谈 projects match), or a gap.
CREATE OR REPLACE VIEW chain_segment_coverage AS
    WITH zone_chains AS (
        SELECT DISTINCT zone_id, chain FROM project_store WHERE chain IS NOT NULL AND status <> '终止'),
    tagged AS (
        SELECT p.project_id, p.zone_id, p.chain, p.status, s.segment
        FROM project_store p JOIN chain_segments s ON s.chain = p.chain
        WHERE p.status <> '终止' AND (
            len(list_filter(s.keywords, lambda k: contains(coalesce(p.project_name, '') || '|'
                                                            || coalesce(p.investor, ''), k))) > 0
            OR EXISTS (SELECT 1 FROM chain_links l
                       WHERE l.project_id = p.project_id AND l.segment = s.segment)))
    SELECT zc.zone_id, s.chain, s.position, s.segment,
           count(DISTINCT t.project_id) FILTER (WHERE t.status <> '在谈') AS n_projects,
           count(DISTINCT t.project_id) FILTER (WHERE t.status = '在谈') AS n_pipeline,
           CASE WHEN count(DISTINCT t.project_id) FILTER (WHERE t.status <> '在谈') > 0 THEN 'covered'
                WHEN count(DISTINCT t.project_id) > 0 THEN 'pipeline' ELSE 'gap' END AS coverage,
           min(s.sort_order) AS sort_order
    FROM zone_chains zc JOIN chain_segments s ON s.chain = zc.chain
    LEFT JOIN tagged t ON t.zone_id = zc.zone_id AND t.chain = s.chain AND t.segment = s.segment
    GROUP BY zc.zone_id, s.chain, s.position, s.segment;

-- Every stored version of every project (project_history keeps one per load that changed it), with the
-- day it became valid: its 更新日期, else the day it was loaded. Projects without history count once.
CREATE OR REPLACE VIEW project_versions AS
    SELECT project_id, project_name, zone_id, investor, chain, total_investment, signed_date, started_date,
           production_date, planned_production_date, status, projected_output, projected_tax, chain_leader,
           lead_official, note, is_synthetic, updated_date, load_id, loaded_at,
           coalesce(updated_date, loaded_at::DATE, DATE '1900-01-01') AS valid_from
    FROM project_history
    UNION ALL
    SELECT project_id, project_name, zone_id, investor, chain, total_investment, signed_date, started_date,
           production_date, planned_production_date, status, projected_output, projected_tax, chain_leader,
           lead_official, note, is_synthetic, updated_date, load_id, loaded_at,
           coalesce(updated_date, loaded_at::DATE, DATE '1900-01-01') AS valid_from
    FROM project_store s
    WHERE NOT EXISTS (SELECT 1 FROM project_history h WHERE h.project_id = s.project_id);

-- The version of each project current at a day: the latest valid on or before it (the latest load wins a
-- tie); a project first reported after that day is seen through its earliest version.
CREATE OR REPLACE MACRO project_state_at(as_of := current_date) AS TABLE
    SELECT * EXCLUDE (version_rank) FROM (
        SELECT v.*, row_number() OVER (
            PARTITION BY v.project_id
            ORDER BY (v.valid_from <= CAST(as_of AS DATE)) DESC,
                     CASE WHEN v.valid_from <= CAST(as_of AS DATE) THEN v.valid_from END DESC NULLS LAST,
                     CASE WHEN v.valid_from <= CAST(as_of AS DATE) THEN v.load_id END DESC NULLS LAST,
                     v.valid_from, v.load_id) AS version_rank
        FROM project_versions v)
    WHERE version_rank = 1;

-- The day the ledger describes: its 截至 date (a title's 截至 date lands in updated_date for rows without an
-- update date of their own), else the latest dated signing, start or completion; NULL without any.
CREATE OR REPLACE MACRO ledger_as_of() AS (
    SELECT coalesce(max(updated_date),
                    max(greatest(signed_date, started_date, CASE WHEN status = '投产' THEN production_date END)))
    FROM project_versions);

-- The day the progress views count from (devzone.periods.default_day): the ledger's day, not the wall clock,
-- unless the data is current (as of the last 7 days) or undated.
CREATE OR REPLACE MACRO progress_as_of() AS (
    SELECT CASE WHEN d IS NULL OR d BETWEEN current_date - 7 AND current_date THEN current_date ELSE d END
    FROM (SELECT ledger_as_of() AS d));

-- 旬预警: red / yellow / green for every project under dispatch at a day, by the rules in progress_rules
-- (see etl/catalogue/progress_rules.toml). project_alerts is the same at progress_as_of().
CREATE OR REPLACE MACRO project_alerts_at(as_of := current_date) AS TABLE
    WITH rules AS (
        SELECT max(yellow_days) FILTER (WHERE rule = 'signed_not_started') AS signed_yellow,
               max(red_days) FILTER (WHERE rule = 'signed_not_started') AS signed_red,
               max(yellow_days) FILTER (WHERE rule = 'past_planned_production') AS late_yellow,
               max(red_days) FILTER (WHERE rule = 'past_planned_production') AS late_red,
               max(default_days) FILTER (WHERE rule = 'past_planned_production') AS build_days,
               max(yellow_days) FILTER (WHERE rule = 'no_update') AS stale_yellow,
               max(red_days) FILTER (WHERE rule = 'no_update') AS stale_red
        FROM progress_rules),
    staged AS (
        SELECT s.*, CAST(as_of AS DATE) AS alert_day,
               CASE WHEN s.started_date <= CAST(as_of AS DATE)
                         OR (s.started_date IS NULL AND s.status IN ('开工', '投产')) THEN '开工'
                    ELSE '签约' END AS stage
        FROM project_state_at(as_of := as_of) s
        WHERE s.signed_date <= CAST(as_of AS DATE) AND s.status NOT IN ('终止', '在谈')
          AND NOT (s.status = '投产' AND coalesce(s.production_date <= CAST(as_of AS DATE), true))),
    measured AS (
        SELECT st.*, r.*,
               CASE WHEN st.stage = '签约' THEN st.alert_day - st.signed_date END AS days_since_signed,
               CASE WHEN st.stage = '开工' THEN coalesce(
                   st.planned_production_date,
                   CASE WHEN st.status = '开工' THEN st.production_date END,
                   st.started_date + r.build_days) END AS planned_production,
               CASE WHEN st.valid_from <= st.alert_day THEN st.valid_from END AS last_update
        FROM staged st CROSS JOIN rules r),
    counted AS (
        SELECT *, alert_day - planned_production AS days_past_plan, alert_day - last_update AS days_since_update
        FROM measured),
    levelled AS (
        SELECT *,
               CASE WHEN days_since_signed >= signed_red THEN 'red'
                    WHEN days_since_signed >= signed_yellow THEN 'yellow' END AS signed_level,
               CASE WHEN days_past_plan >= late_red THEN 'red'
                    WHEN days_past_plan >= late_yellow THEN 'yellow' END AS late_level,
               CASE WHEN days_since_update >= stale_red THEN 'red'
                    WHEN days_since_update >= stale_yellow THEN 'yellow' END AS stale_level
        FROM counted)
    SELECT project_id, project_name, zone_id, lead_official,
           CASE WHEN 'red' IN (signed_level, late_level, stale_level) THEN 'red'
                WHEN 'yellow' IN (signed_level, late_level, stale_level) THEN 'yellow'
                ELSE 'green' END AS level,
           coalesce(nullif(concat_ws('；',
               CASE WHEN signed_level IS NOT NULL THEN '签约已满' || days_since_signed || '天未开工' END,
               CASE WHEN late_level IS NOT NULL THEN '超过计划投产日期' || days_past_plan || '天（计划'
                                                     || strftime(planned_production, '%Y-%m-%d') || '）' END,
               CASE WHEN stale_level IS NOT NULL THEN days_since_update || '天未更新' END), ''), '按计划推进') AS reason,
           alert_day AS as_of,
           stage, chain, investor, total_investment, signed_date, started_date,
           planned_production AS planned_production_date, last_update, days_since_signed, days_past_plan,
           days_since_update, signed_level, late_level, stale_level, is_synthetic
    FROM levelled;

CREATE OR REPLACE VIEW project_alerts AS SELECT * FROM project_alerts_at(as_of := progress_as_of());

-- 年度目标 against what is done, with 序时进度 (the share of the year elapsed at the as-of day; 1.0 for past
-- years, 0.0 for future ones). Actual: for past years the indicator value; for the as-of year the ledger's
-- figures up to that day where the ledger has them, else the latest reported figure.
-- on_schedule: completion_rate >= time_elapsed_share ("时间过半、任务过半").
CREATE OR REPLACE MACRO target_progress_at(as_of := current_date) AS TABLE
    WITH day AS (SELECT CAST(as_of AS DATE) AS d, year(CAST(as_of AS DATE))::INTEGER AS y),
    signed AS (
        SELECT p.* FROM project_store p, day
        WHERE p.signed_date BETWEEN make_date(day.y, 1, 1) AND day.d AND p.status <> '在谈'),
    ytd_signed AS (
        SELECT zone_id, count(*)::DOUBLE AS signed_projects,
               round(coalesce(sum(total_investment), 0), 6) AS signed_investment,
               (count(*) FILTER (WHERE started_date <= (SELECT d FROM day)))::DOUBLE AS signed_started_projects,
               round(coalesce(sum(projected_output), 0), 6) AS projected_output,
               round(coalesce(sum(projected_tax), 0), 6) AS projected_tax
        FROM signed GROUP BY zone_id),
    ytd AS (
        SELECT zone_id, indicator, value FROM (
            UNPIVOT ytd_signed ON signed_projects, signed_investment, signed_started_projects, projected_output,
                                  projected_tax INTO NAME indicator VALUE value)
        UNION ALL
        SELECT p.zone_id, 'started_projects', count(*)::DOUBLE
        FROM project_store p, day WHERE p.started_date BETWEEN make_date(day.y, 1, 1) AND day.d
        GROUP BY p.zone_id),
    ledger_indicators AS (
        SELECT unnest(['signed_projects', 'signed_investment', 'signed_started_projects', 'projected_output',
                       'projected_tax', 'started_projects']) AS indicator),
    measured AS (
        SELECT t.zone_id, t.year, t.indicator, t.target, t.is_synthetic AS target_synthetic, day.d, day.y,
               CASE WHEN t.year < day.y THEN v.value
                    WHEN t.year = day.y AND t.indicator IN (SELECT indicator FROM ledger_indicators)
                        THEN coalesce(y.value, 0)
                    WHEN t.year = day.y THEN v.value END AS actual,
               CASE WHEN t.year < day.y THEN v.source
                    WHEN t.year = day.y AND t.indicator IN (SELECT indicator FROM ledger_indicators)
                        THEN '项目台账（截至' || strftime(day.d, '%Y-%m-%d') || '）'
                    WHEN t.year = day.y THEN v.source END AS actual_source,
               CASE WHEN t.year < day.y THEN 1.0
                    WHEN t.year > day.y THEN 0.0
                    ELSE dayofyear(day.d) / (make_date(day.y + 1, 1, 1) - make_date(day.y, 1, 1))::DOUBLE
               END AS time_elapsed_share,
               v.is_synthetic AS value_synthetic
        FROM target_store t CROSS JOIN day
        LEFT JOIN indicator_values v ON v.zone_id = t.zone_id AND v.year = t.year AND v.indicator = t.indicator
        LEFT JOIN ytd y ON y.zone_id = t.zone_id AND y.indicator = t.indicator AND t.year = day.y)
    SELECT zone_id, year, indicator, target, actual,
           CASE WHEN target > 0 THEN actual / target END AS completion_rate,
           time_elapsed_share,
           CASE WHEN target > 0 AND actual IS NOT NULL THEN actual / target >= time_elapsed_share END AS on_schedule,
           d AS as_of, actual_source, coalesce(target_synthetic, false) OR coalesce(value_synthetic, false) AS is_synthetic
    FROM measured;

CREATE OR REPLACE VIEW target_progress AS SELECT * FROM target_progress_at(as_of := progress_as_of());

-- Firms still 在谈 in each zone: 在谈 projects of the ledger, and firms a 链主 is courting without a project.
CREATE OR REPLACE VIEW chain_pipeline AS
    WITH talks AS (
        SELECT p.zone_id, p.investor, p.project_id, p.project_name, p.chain, p.investor_origin, p.note, p.is_synthetic
        FROM project_store p WHERE p.status = '在谈'),
    courted AS (
        SELECT c.zone_id, c.partner AS investor, NULL::VARCHAR AS project_id, NULL::VARCHAR AS project_name,
               c.chain, NULL::VARCHAR AS investor_origin, c.note, c.is_synthetic
        FROM chain_link_store c
        WHERE NOT EXISTS (SELECT 1 FROM chain_links l
                          WHERE l.zone_id = c.zone_id AND l.partner = c.partner AND l.project_id IS NOT NULL))
    SELECT a.zone_id, a.investor, a.project_id, a.project_name, a.chain, a.investor_origin, l.chain_leader,
           l.introduced_by, coalesce(a.note, c.note) AS note, a.is_synthetic
    FROM (SELECT * FROM talks UNION ALL SELECT * FROM courted) a
    LEFT JOIN chain_links l ON l.zone_id = a.zone_id AND l.partner = a.investor
         AND (l.project_id = a.project_id OR (a.project_id IS NULL AND l.project_id IS NULL))
    LEFT JOIN chain_link_store c ON c.zone_id = a.zone_id AND c.partner = a.investor
         AND c.chain_leader = l.chain_leader;

-- =====================================================================================================
-- One row per publish: a load of files, a demo build, or a rollback to an earlier load's data. files is a
-- JSON list of {name, sha256, size, sheets, rows}; changes a JSON object {kind: {added, changed, unchanged,
-- removed}}. status is 'active' while the publish's data is part of the live data, 'rolled_back' once a
-- rollback to an earlier load undid it (rolled_back_by names that rollback). A rollback names the load whose
-- data it restored in target_load_id. load_log (per sheet) carries the same 'rolled_back' status.
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER, kind VARCHAR, loaded_at TIMESTAMP, loaded_by VARCHAR, files VARCHAR,
    values_added INTEGER, values_changed INTEGER, values_unchanged INTEGER, values_removed INTEGER,
    changes VARCHAR, target_load_id INTEGER, status VARCHAR, rolled_back_by INTEGER, snapshot_id VARCHAR);
