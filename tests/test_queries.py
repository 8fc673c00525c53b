"""The query layer against the real demo database (built by the ETL), plus per-snapshot caching."""
import datetime as dt
import inspect
import os

import duckdb
import pandas as pd
import pytest

from devzone import db, queries, ui
from tests.scratch_db import build_scratch_db

SEED_2021 = {  # 运城日报: 盐湖高新区 in 2021
    "signed_projects": 36,
    "signed_investment": 179.78,
    "signed_started_projects": 34,
    "new_four_above_enterprises": 19,
    "ii_integration_pilots": 2,
    "srdi_enterprises": 4,
    "national_incubators": 1,
}


@pytest.fixture(scope="module")
def demo(demo_db):
    reader = db.SnapshotReader(demo_db)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def raw(demo_db):
    """An independent connection to check the query layer against."""
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def test_zones_national_first(demo):
    zones = queries.zones(demo)
    assert len(zones) == 28
    assert list(zones.columns) == [
        "zone_id", "zone_name", "short_name", "city", "province", "level", "zone_type"]
    levels = zones["level"].tolist()
    assert levels == sorted(levels, key=lambda level: level != "国家级")
    assert "盐湖高新区" in set(zones["short_name"])


def test_years_are_those_with_values(demo, raw):
    years = queries.years_available(demo)["year"].tolist()
    expected = [r[0] for r in raw.execute(
        "SELECT DISTINCT year FROM indicator_values WHERE value IS NOT NULL ORDER BY 1").fetchall()]
    assert years == expected
    assert 2021 in years


def test_years_of_one_province(two_province_db):
    reader, check = db.SnapshotReader(two_province_db), duckdb.connect(str(two_province_db), read_only=True)
    for province in ("山西省", "河北省"):
        expected = [r[0] for r in check.execute(
            "SELECT DISTINCT year FROM indicator_values WHERE value IS NOT NULL "
            "AND zone_id IN (SELECT zone_id FROM zones WHERE province = ?) ORDER BY 1", [province]).fetchall()]
        assert queries.years_available(reader, province)["year"].tolist() == expected
    assert queries.years_available(reader, "河北省")["year"].max() > queries.years_available(reader, "山西省")["year"].max()
    assert queries.years_available(reader, "无此省")["year"].tolist() == []
    reader.close()
    check.close()


def test_seed_facts_for_yanhu_2021(demo):
    values = queries.zone_year_values(demo, "X140802", 2021).set_index("indicator")
    for indicator, expected in SEED_2021.items():
        assert values.loc[indicator, "value"] == pytest.approx(expected), indicator
        assert not values.loc[indicator, "is_synthetic"], f"{indicator} is a real seed fact"


def test_zone_year_values_lists_the_whole_catalogue_in_order(demo):
    catalogue = queries.indicators(demo)
    values = queries.zone_year_values(demo, "X140802", 2021)
    assert values["indicator"].tolist() == catalogue["indicator"].tolist()
    nowhere = queries.zone_year_values(demo, "X140802", 1900)
    assert len(nowhere) == len(catalogue) and nowhere["value"].isna().all()


def test_indicator_coverage_matches_the_values(demo, raw):
    coverage = queries.indicator_coverage(demo).set_index("indicator")
    n, synthetic = raw.execute(
        "SELECT count(*), avg(is_synthetic::INT) FROM indicator_values "
        "WHERE indicator = 'signed_projects' AND value IS NOT NULL").fetchone()
    assert coverage.loc["signed_projects", "n_values"] == n
    assert coverage.loc["signed_projects", "synthetic_share"] == pytest.approx(synthetic)
    assert coverage.loc["signed_investment", "unit"] == "亿元"
    assert len(coverage) == len(queries.indicators(demo))


def test_snapshot_summary_counts(demo, raw):
    summary = queries.snapshot_summary(demo).iloc[0]
    assert summary["zones"] == 28
    assert summary["projects"] == raw.execute("SELECT count(*) FROM projects").fetchone()[0]
    n_values, n_synthetic = raw.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_synthetic) FROM indicator_values WHERE value IS NOT NULL"
    ).fetchone()
    assert summary["n_values"] == n_values
    assert summary["synthetic_share"] == pytest.approx(n_synthetic / n_values)
    assert 0 < summary["synthetic_share"] < 1  # demo data: mostly synthetic, the seed facts real
    assert bool(summary["has_synthetic"])


def test_recent_loads_newest_first_and_limited(demo):
    loads = queries.recent_loads(demo, 3)
    assert 0 < len(loads) <= 3
    assert loads["loaded_at"].is_monotonic_decreasing
    assert {"file_name", "sheet", "sha256", "rows", "status"} <= set(loads.columns)


def test_every_query_function_runs_on_the_demo(demo):
    """A new query that breaks on real data fails here, before any page uses it."""
    arguments = {"zone_year_values": ("X140802", 2021), "recent_loads": (5,)}
    # 企业培育 / 数据质量
    arguments.update({"enterprise_list": ("X140802",), "province_indicator_totals": ("山西省", "enterprises"),
                      "zone_year_provenance": ("X140802", 2021),
                      "ledger_projects_counted": ("X140802", 2021, "signed_projects")})
    # 总览 / 全省排名
    arguments.update({"zone_profile": ("X140802",), "zone_indicator_history": ("X140802",),
                      "zone_targets": ("X140802", 2021), "filtered_rankings": (2019, 2025, ("省级",), ())})
    # Any other query gets demo values by parameter name, so a new query is exercised without editing this test.
    by_parameter = {"zone_id": "X140802", "year": 2021, "province": "山西省", "month": 11, "indicator": "signed_projects",
                    "indicators": ("signed_projects",), "category": "enterprises", "as_of": dt.date(2026, 11, 26),
                    "week_before": dt.date(2026, 11, 19), "first_day": dt.date(2026, 11, 1),
                    "last_day": dt.date(2026, 11, 30), "alert_day": dt.date(2026, 11, 26), "names": ("zones",),
                    "first_year": 2019, "last_year": 2025, "limit": 5, "zone": "盐湖高新区",
                    "view": "indicator_values"}
    names = [n for n in dir(queries) if not n.startswith("_") and callable(getattr(queries, n))
             and getattr(getattr(queries, n), "__module__", "") == queries.__name__]
    assert len(names) >= 7
    for name in names:
        parameters = list(inspect.signature(getattr(queries, name)).parameters.values())[1:]
        default_args = tuple(by_parameter[p.name] for p in parameters if p.default is inspect.Parameter.empty)
        frame = getattr(queries, name)(demo, *arguments.get(name, default_args))
        assert frame is not None and len(frame.columns) > 0, name


def test_ui_load_caches_per_snapshot_and_follows_a_swap(tmp_path, monkeypatch):
    live = build_scratch_db(tmp_path / "devzone.duckdb", marker=10)
    monkeypatch.setenv("DEVZONE_DB", str(live))
    first = ui.load(queries.snapshot_meta).set_index("key")["value"]
    assert first["marker"] == "10"
    staged = build_scratch_db(tmp_path / "staged.duckdb", marker=11)
    os.replace(staged, live)
    second = ui.load(queries.snapshot_meta).set_index("key")["value"]
    assert second["marker"] == "11"
    db.close_all()


def test_ui_load_hands_out_frames_a_page_may_change(tmp_path, monkeypatch):
    """The cached frame is shared by every session: what one page does to its copy reaches nobody else."""
    live = build_scratch_db(tmp_path / "devzone.duckdb", marker=10)
    monkeypatch.setenv("DEVZONE_DB", str(live))
    mine = ui.load(queries.snapshot_meta)
    pristine = mine.copy(deep=True)
    mine["extra"] = 1
    mine.iloc[0, 0] = "changed"
    mine.loc[mine.index[-1], "value"] = "also changed"
    theirs = ui.load(queries.snapshot_meta)
    pd.testing.assert_frame_equal(theirs, pristine)
    db.close_all()


def test_ui_load_only_runs_query_layer_functions():
    with pytest.raises(ValueError, match="devzone.queries"):
        ui.load(lambda source: source.query("SELECT 1"))


def test_the_contract_views_count_alerts_from_the_ledgers_day_not_the_clock(demo, raw):
    """project_alerts / target_progress (the public views) and the page agree on the day: the ledger's 截至
    date when the data is not current, so "签约已满N天未开工" never counts days nobody reported on."""
    from devzone import periods

    stated = queries.ledger_as_of(demo)["as_of"].iloc[0].date()
    assert stated == raw.execute("SELECT max(updated_date) FROM project_versions").fetchone()[0]
    day = periods.default_day(stated, dt.date.today())
    alert_days = {d for d, in raw.execute("SELECT DISTINCT as_of FROM project_alerts").fetchall()}
    assert alert_days == {day}
    target_days = {d for d, in raw.execute("SELECT DISTINCT as_of FROM target_progress").fetchall()}
    assert target_days == {day}


def test_ranks_and_completions_computed_from_synthetic_figures_are_flagged(demo):
    """盐湖高新区 2021 (real) ranked among synthetic zones, and against its synthetic 2021 targets: flagged; a
    synthetic zone's rank and a synthetic year's completion are not."""
    flags = demo.query("SELECT zone_id, year, indicator, bool_or(is_synthetic) AS s FROM ("
                       " SELECT zone_id, year, indicator, is_synthetic FROM indicator_values) GROUP BY ALL")
    real = flags[~flags["s"].astype(bool)]
    assert set(real["year"]) == {2021} and set(real["zone_id"]) == {"X140802"}
    history = queries.zone_indicator_history(demo, "X140802")
    for row in history.itertuples():
        assert bool(row.rank_from_synthetic) == (not row.is_synthetic and not pd.isna(row.rank)), row
    other = queries.zone_indicator_history(demo, "G141004")
    assert not other["rank_from_synthetic"].any()
    ranks = queries.projects_zone_ranks(demo, "X140802", 2021, ("signed_projects", "projected_output"))
    assert dict(zip(ranks["indicator"], ranks["rank_from_synthetic"], strict=True)) == {
        "signed_projects": True, "projected_output": False}
    as_of = demo.query("SELECT progress_as_of() AS d")["d"].iloc[0]
    progress = queries.target_progress(demo, "X140802", 2021, as_of)
    targets_synthetic = demo.query("SELECT bool_and(is_synthetic) AS s FROM annual_targets WHERE zone_id = 'X140802'"
                                   " AND year = 2021")["s"].iloc[0]
    assert targets_synthetic and not progress.empty
    real_codes = set(real["indicator"])
    for row in progress.itertuples():
        assert bool(row.completion_from_synthetic) == (row.indicator in real_codes), row.indicator
    assert not queries.target_progress(demo, "X140802", 2020, as_of)["completion_from_synthetic"].any()
