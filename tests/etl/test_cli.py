import hashlib
import subprocess
import sys

from tests.builders import write_csv


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, env=env, timeout=120)


def test_load_ok_then_bad_input_exit_1_with_located_messages(tmp_path):
    db = tmp_path / "d.duckdb"
    good = write_csv(tmp_path / "ok.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"], "gbk")
    result = run("load", str(good), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "已发布" in result.stdout
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = write_csv(tmp_path / "bad.csv", ["开发区,年份,签约项目数", "太原高兴区,2021,50"], "gbk")
    result = run("load", str(bad), "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.startswith("bad.csv:2:A: 未知的开发区“太原高兴区”")
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_usage_errors_exit_2(tmp_path):
    assert run("load").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("load", str(tmp_path / "missing.csv"), "--db", str(tmp_path / "d.duckdb")).returncode == 2


def test_devzone_db_environment_variable(tmp_path):
    import os

    path = write_csv(tmp_path / "ok.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])
    env = {**os.environ, "DEVZONE_DB": str(tmp_path / "env.duckdb")}
    assert run("load", str(path), env=env).returncode == 0
    assert (tmp_path / "env.duckdb").exists()


def test_dry_run_leaves_no_database(tmp_path):
    path = write_csv(tmp_path / "ok.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])
    result = run("load", str(path), "--db", str(tmp_path / "d.duckdb"), "--dry-run")
    assert result.returncode == 0 and "试运行" in result.stdout
    assert not (tmp_path / "d.duckdb").exists()
