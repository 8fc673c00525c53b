import duckdb

from etl.publish import load_files
from tests.builders import write_csv


def test_ranking_ties_share_the_best_rank_and_missing_is_unranked(tmp_path):
    db = tmp_path / "d.duckdb"
    write_csv(tmp_path / "r.csv", [
        "开发区,年份,签约项目数,签约项目总投资", "太原高新区,2021,50,10", "长治高新区,2021,40,—", "盐湖高新区,2021,40,30",
        "太原经开区,2021,30,20", "大同经开区,2021,—,5"])
    load_files([tmp_path / "r.csv"], db)
    con = duckdb.connect(str(db), read_only=True)
    ranks = con.execute("SELECT zone_id, rank, n_ranked FROM provincial_rankings WHERE indicator='signed_projects'"
                        " ORDER BY rank, zone_id").fetchall()
    assert ranks == [("G142005", 1, 4), ("G142057", 2, 4), ("X140802", 2, 4), ("G141004", 4, 4)]
    money = con.execute("SELECT zone_id, rank FROM provincial_rankings WHERE indicator='signed_investment'"
                        " ORDER BY rank").fetchall()
    assert money == [("X140802", 1), ("G141004", 2), ("G142005", 3), ("G141060", 4)]
    con.close()


def test_contract_views_have_contract_columns(tmp_path):
    db = tmp_path / "d.duckdb"
    write_csv(tmp_path / "r.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])
    load_files([tmp_path / "r.csv"], db)
    con = duckdb.connect(str(db), read_only=True)
    expected = {
        "zones": "zone_id, zone_name, short_name, city, province, level, zone_type",
        "indicators": "indicator, name_zh, name_en, unit, direction, category",
        "indicator_values": "zone_id, zone_name, year, indicator, value, unit, source, is_synthetic",
        "provincial_rankings": "province, year, indicator, zone_id, zone_name, value, rank, n_ranked",
        "projects": "project_id, project_name, zone_id, investor, investor_origin, chain, total_investment, "
                    "signed_date, started_date, production_date, status, projected_output, projected_tax, "
                    "chain_leader, lead_official, is_synthetic",
        "load_history": "load_id, loaded_at, file_name, sheet, sha256, rows, status",
    }
    for view, columns in expected.items():
        assert [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description] == columns.split(", ")
    assert con.execute("SELECT count(*) FROM zones").fetchone()[0] == 28
    assert dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE indicator_values)").fetchall())["value"] == "DOUBLE"
    con.close()
