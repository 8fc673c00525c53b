"""The demo database, queried through the contract views as an analyst would."""
import datetime as dt

import duckdb
import pytest

from etl.demo_sources import DATA_AS_OF, YEARS


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def value(con, indicator, zone="X140802", year=2021):
    return con.execute("SELECT value, is_synthetic FROM indicator_values WHERE zone_id=? AND year=? AND indicator=?",
                       [zone, year, indicator]).fetchone()


@pytest.mark.parametrize("indicator, expected", [
    ("signed_projects", 36), ("signed_investment", 179.78), ("signed_started_projects", 34),
    ("new_four_above_enterprises", 19), ("ii_integration_pilots", 2), ("srdi_enterprises", 4),
    ("national_incubators", 1),
])
def test_seed_facts_exact_and_not_synthetic(con, indicator, expected):
    assert value(con, indicator) == (expected, False)


def test_yanhu_ranks_in_top_three_of_at_least_20(con):
    for indicator in ("signed_projects", "signed_started_projects"):
        rank, n_ranked = con.execute(
            "SELECT rank, n_ranked FROM provincial_rankings WHERE zone_id='X140802' AND year=2021 AND indicator=?",
            [indicator]).fetchone()
        assert rank <= 3 and n_ranked >= 20


def test_hongming_project_and_chain(con):
    row = con.execute("SELECT signed_date, projected_output, projected_tax, investor, is_synthetic FROM projects"
                      " WHERE project_name = '宏明空调全产业链生产基地'").fetchone()
    assert row == (dt.date(2021, 11, 15), 20.0, 0.5, "山西宏明空调科技有限公司", False)
    followers = {r[0] for r in con.execute(
        "SELECT investor FROM projects WHERE chain_leader = '山西宏明空调科技有限公司'").fetchall()}
    assert followers >= {"山东凯丰节能科技有限公司", "湖北久特电机组装总成分厂", "CCS流体冷却技术有限公司", "深圳长实流体设备有限公司"}
    hengtong = con.execute("SELECT status, signed_date FROM projects WHERE investor = '天津亨通制冷机电有限公司'").fetchone()
    assert hengtong == ("在谈", None)


def test_incubator_is_netease(con):
    assert con.execute("SELECT enterprise_name, is_synthetic FROM enterprises WHERE zone_id='X140802'"
                       " AND category='国家级科技企业孵化器' AND recognised_year=2021").fetchall() == [("网易", False)]


def test_coverage_of_the_demo(con):
    assert con.execute("SELECT count(*) FROM zones").fetchone()[0] == 28
    years = [r[0] for r in con.execute("SELECT DISTINCT year FROM indicator_values ORDER BY 1").fetchall()]
    assert years == list(YEARS) and years[-1] == 2021  # the seed article's year ends the statistics
    filled, expected = con.execute(
        "SELECT count(*), (SELECT count(*) FROM zones) * ? * (SELECT count(*) FROM indicators) FROM indicator_values",
        [len(YEARS)]).fetchone()
    assert 0.97 * expected <= filled < expected  # every indicator for every zone-year, with a few realistic gaps
    projects, chains, origins = con.execute(
        "SELECT count(*), count(DISTINCT chain), count(DISTINCT left(investor_origin, 2)) FROM projects").fetchone()
    assert projects >= 400 and chains >= 8 and origins >= 5
    assert con.execute("SELECT count(DISTINCT zone_id) FROM annual_targets").fetchone()[0] == 28


def test_everything_but_the_seed_is_flagged_synthetic(con):
    real = con.execute("SELECT count(*) FROM indicator_values WHERE NOT is_synthetic").fetchone()[0]
    assert real == 7
    synthetic_share = con.execute("SELECT avg(is_synthetic::INT) FROM indicator_values").fetchone()[0]
    assert synthetic_share > 0.99


def test_reported_vs_ledger_discrepancies_are_visible(con):
    assert con.execute("SELECT count(*) FROM ledger_discrepancies").fetchone()[0] >= 1


def test_the_ledger_runs_into_2022_and_the_views_count_from_its_day(con):
    """Project records run past the last statistics year, up to the last dispatch ledger's 截至 day; that
    part-year makes no year figure, and the progress views count from that day."""
    assert con.execute("SELECT ledger_as_of(), progress_as_of()").fetchone() == (DATA_AS_OF, DATA_AS_OF)
    signed_2022 = con.execute("SELECT count(*) FROM projects WHERE year(signed_date) = ?",
                              [DATA_AS_OF.year]).fetchone()[0]
    assert signed_2022 > 0
    assert con.execute("SELECT count(*) FROM indicator_values WHERE year > ?", [YEARS[-1]]).fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM target_progress WHERE year = ? AND actual > 0",
                       [DATA_AS_OF.year]).fetchone()[0] > 0
