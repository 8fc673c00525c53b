"""benchmarks/ledger.py at a tiny size: every measure is taken from real, successful loads."""
import duckdb

from benchmarks import ledger
from benchmarks.serve import REPO_ROOT


def test_ledger_measures_come_from_successful_loads(tmp_path):
    size = {"ledger_rows": 300, "wide_zones": 30, "wide_years": 2}
    results = ledger.bench_ledger(tmp_path, size, 1, REPO_ROOT)
    assert set(ledger.TARGETS) <= set(results)
    assert all(results[key] > 0 for key in ledger.TARGETS)
    inputs = tmp_path / "ledger-inputs"
    assert (inputs / "ledger.csv").read_bytes().decode("gbk").startswith("项目编号,项目名称,所属开发区")
    con = duckdb.connect(str(tmp_path / "ledger-xlsx.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 300
    finally:
        con.close()
    con = duckdb.connect(str(tmp_path / "ledger-wide.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(DISTINCT zone_id), count(DISTINCT year) FROM value_store").fetchone() == (30, 2)
    finally:
        con.close()
    assert "项目：新增 0，更新 0，未变 300" in (tmp_path / "ledger-csv.log").read_text(encoding="utf-8")
