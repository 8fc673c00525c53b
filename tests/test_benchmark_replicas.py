"""benchmarks/replicas.py for real at a tiny size: two replicas behind nginx, three sessions opened at once."""
from benchmarks.replicas import bench_replicas, nginx_binary, percentile
from tests.conftest import skip_or_fail


def test_percentile_is_nearest_rank():
    values = [0.4, 0.1, 0.3, 0.2]
    assert percentile(values, 50) == 0.2
    assert percentile(values, 95) == 0.4
    assert percentile(values, 100) == 0.4
    assert percentile([], 50) is None


def test_three_sessions_through_nginx_onto_two_replicas(tmp_path):
    if nginx_binary() is None:
        skip_or_fail("nginx is not installed (Debian package nginx)")
    from etl.demo import build_demo

    db = tmp_path / "demo.duckdb"
    build_demo(db)
    result = bench_replicas(db, 3, tmp_path)
    assert result["errors"] == 0, result["error_samples"]
    assert result["warm_errors"] == []
    assert (result["sessions"], result["replicas"]) == (3, 2)
    for point in ("first_numbers", "finished"):
        assert 0 < result[f"{point}_p50_s"] <= result[f"{point}_p95_s"] <= result[f"{point}_max_s"]
    assert result["first_numbers_p50_s"] <= result["finished_p95_s"]
    # nginx hashes each new visitor's random id: with three sessions all three land on one replica a quarter of
    # the time, so only that every session was placed on one of the two
    assert len(result["per_replica_sessions"]) == 2
    assert sum(result["per_replica_sessions"]) == 3 and result["unplaced_sessions"] == 0
    assert len(result["rss_mb"]) == len(result["idle_rss_mb"]) == 2
    assert all(mb > 0 for mb in result["rss_mb"] + result["idle_rss_mb"])
    assert result["client"].startswith("protocol")
    for index in range(2):
        assert "Traceback" not in (tmp_path / f"replica{index}.log").read_text(encoding="utf-8")
