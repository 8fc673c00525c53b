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


def test_an_empty_name_or_a_folder_is_refused_as_such(tmp_path):
    db = tmp_path / "d.duckdb"
    empty = run("load", "", "--db", str(db))
    assert empty.returncode == 2
    assert empty.stderr.strip() == "文件名为空 — 请给出要导入的 .xlsx / .xls / .et / .csv 文件"
    folder = run("load", str(tmp_path), "--db", str(db))
    assert folder.returncode == 2
    assert folder.stderr.strip() == f"这是文件夹，不是文件：{tmp_path} — 请给出文件夹中要导入的文件"
    assert not db.exists()


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


def test_an_unwritable_folder_exits_3_with_one_line(tmp_path):
    """A failure of the machine, not of the input: exit 3 (README), one line naming the path, no traceback."""
    good = write_csv(tmp_path / "ok.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    result = run("load", str(good), "--db", str(not_a_folder / "d.duckdb"))
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(not_a_folder) in lines[0] and lines[0].startswith("环境错误"), lines


def test_a_full_disk_exits_3_and_leaves_the_database_as_it_was(tmp_path, monkeypatch, capsys):
    import errno
    import os

    import etl.__main__ as cli
    import etl.publish

    db = tmp_path / "d.duckdb"
    first = write_csv(tmp_path / "ok.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])
    assert cli.main(["load", str(first), "--db", str(db)]) == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    capsys.readouterr()

    def full(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(etl.publish, "_fsync", full)
    second = write_csv(tmp_path / "more.csv", ["开发区,年份,签约项目数", "太原高新区,2021,51"])
    assert cli.main(["load", str(second), "--db", str(db)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "磁盘空间不足" in err[0] and "Traceback" not in err[0], err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_broken_settings_file_exits_3_naming_it(tmp_path, monkeypatch, capsys):
    """rows.toml (footer and total words) edited by hand into invalid TOML: a failure of the setup, not the input."""
    import etl.__main__ as cli
    import etl.rows

    settings = tmp_path / "catalogue"
    settings.mkdir()
    broken = settings / "rows.toml"
    broken.write_text("footer_labels = [\"填表人\"\nnote_labels = = 1\n", encoding="utf-8")
    monkeypatch.setattr(etl.rows, "CATALOGUE_DIR", settings)
    etl.rows._rules.cache_clear()
    try:
        good = write_csv(tmp_path / "ok.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])
        assert cli.main(["load", str(good), "--db", str(tmp_path / "d.duckdb")]) == 3
    finally:
        etl.rows._rules.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(broken) in err[0] and "TOML" in err[0], err
    assert not (tmp_path / "d.duckdb").exists()
