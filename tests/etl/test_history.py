"""History of publishes, kept snapshots, rollback, the lock timeout and cleanup on failure."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import etl.history as history
import etl.publish as publish
from etl import snapshots
from etl.errors import PublishBusy
from etl.history import RollbackError, list_loads, rollback
from etl.publish import load_files, write_lock
from tests.builders import LEDGER_HEADER, digest, ledger_row, query, write_csv, write_xlsx

ROOT = str(Path(__file__).resolve().parents[2])


def values_csv(tmp_path, name, rows):
    return write_csv(tmp_path / name, ["开发区,年份,签约项目数,签约项目总投资（万元）"] + rows)


FULL_VALUES = "SELECT * FROM value_store ORDER BY zone_id, year, indicator"
FULL_PROJECTS = "SELECT * FROM project_store ORDER BY project_id"


def leftovers(tmp_path):
    return sorted(p.name for p in tmp_path.rglob("*") if ".tmp" in p.name or p.name.endswith(".partial"))


@pytest.fixture
def three_loads(tmp_path):
    """Load 1 (two zones), load 2 (a corrected value + a new year), load 3 (a ledger); state after each."""
    db = tmp_path / "d.duckdb"
    states = {}
    load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,1797800", "太原高新区,2021,52,10000"])], db,
               loaded_by="alice")
    states[1] = (query(db, FULL_VALUES), query(db, FULL_PROJECTS))
    load_files([values_csv(tmp_path, "v2.csv", ["盐湖高新区,2021,37,1797800", "太原高新区,2022,50,20000"])], db,
               loaded_by="bob")
    states[2] = (query(db, FULL_VALUES), query(db, FULL_PROJECTS))
    ledger = write_xlsx(tmp_path / "ledger.xlsx", {"台账": [LEDGER_HEADER, ledger_row("P1", "甲项目", signed="2024-01-05")]})
    load_files([ledger], db, loaded_by="carol")
    states[3] = (query(db, FULL_VALUES), query(db, FULL_PROJECTS))
    return db, states


def test_history_records_who_when_files_and_counts(three_loads, tmp_path):
    db, _ = three_loads
    loads = list_loads(db)
    assert list(loads["load_id"]) == [3, 2, 1]
    assert list(loads["kind"]) == ["load"] * 3 and list(loads["loaded_by"]) == ["carol", "bob", "alice"]
    assert list(loads["status"]) == ["active"] * 3 and list(loads["is_current"]) == [True, False, False]
    second = loads.set_index("load_id").loc[2]
    assert (second["values_added"], second["values_changed"], second["values_unchanged"]) == (2, 1, 1)
    [file] = second["files"]
    source = tmp_path / "v2.csv"
    assert file["name"] == "v2.csv" and file["size"] == source.stat().st_size and file["sha256"] == digest(source)
    assert second["file_names"] == "v2.csv"
    assert loads["loaded_at"].notna().all() and loads["snapshot_kept"].all()


def test_snapshots_are_pruned_to_n(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVZONE_KEEP_SNAPSHOTS", "2")
    db = tmp_path / "d.duckdb"
    for n in range(1, 5):
        load_files([values_csv(tmp_path, f"v{n}.csv", [f"盐湖高新区,2021,{30 + n},10000"])], db)
    kept = snapshots.kept(db)
    assert list(kept) == [3, 4]
    assert kept[4] == tmp_path / ".snapshots" / "d" / "load-4.duckdb"
    assert not os.path.samefile(kept[4], db)  # a file of its own (tests/etl/test_snapshots.py)
    assert query(kept[3], "SELECT value FROM value_store WHERE indicator = 'signed_projects'") == [(33.0,)]
    assert list(list_loads(db)["snapshot_kept"]) == [True, True, False, False]


def test_rollback_restores_previous_values_exactly_and_is_recorded(three_loads):
    db, states = three_loads
    result = rollback(db, 1, by="admin")
    assert result.published and result.kind == "rollback" and result.rolled_back_to == 1 and result.load_id == 4
    assert (query(db, FULL_VALUES), query(db, FULL_PROJECTS)) == states[1]
    assert result.changes["values"].removed == 2 and result.changes["values"].changed == 1
    assert result.changes["projects"].removed == 1
    diff = result.value_diff.set_index(["zone_code", "year", "indicator_code"])
    assert diff.loc[("X140802", 2021, "signed_projects"), ["old_value", "new_value", "status"]].tolist() == [
        37.0, 36.0, "changed"]
    assert diff.loc[("G142005", 2022, "signed_projects"), "status"] == "removed"
    assert result.project_diff["status"].tolist() == ["removed"]
    loads = list_loads(db).set_index("load_id")
    assert loads.loc[4, "kind"] == "rollback" and loads.loc[4, "loaded_by"] == "admin"
    assert loads.loc[4, "target_load_id"] == 1 and loads.loc[4, "is_current"] and loads.loc[4, "snapshot_kept"]
    assert loads.loc[[3, 2], "status"].tolist() == ["rolled_back", "rolled_back"]
    assert loads.loc[[3, 2], "rolled_back_by"].tolist() == [4, 4]
    assert loads.loc[1, "status"] == "active"
    assert query(db, "SELECT value FROM snapshot_meta WHERE key = 'load_id'") == [("4",)]


def test_history_survives_rollback_and_later_loads(three_loads, tmp_path):
    db, states = three_loads
    rollback(db, 1, by="admin")
    assert query(db, "SELECT load_id, file_name, status FROM load_history ORDER BY load_id") == [
        (1, "v1.csv", "loaded"), (2, "v2.csv", "rolled_back"), (3, "ledger.xlsx", "rolled_back")]
    load_files([values_csv(tmp_path, "v5.csv", ["盐湖高新区,2023,40,10000"])], db, loaded_by="dora")
    loads = list_loads(db)
    assert list(loads["load_id"]) == [5, 4, 3, 2, 1]
    assert list(loads["kind"]) == ["load", "rollback", "load", "load", "load"]
    # Undo the rollback: back to the data after load 3. Loads 2 and 3 are live again; 4 and 5 are undone.
    result = rollback(db, 3, by="admin")
    assert (query(db, FULL_VALUES), query(db, FULL_PROJECTS)) == states[3]
    loads = list_loads(db).set_index("load_id")
    assert list(loads.index) == [6, 5, 4, 3, 2, 1]
    assert loads["status"].to_dict() == {6: "active", 5: "rolled_back", 4: "rolled_back", 3: "active",
                                         2: "active", 1: "active"}
    assert loads.loc[5, "rolled_back_by"] == 6 and loads.loc[4, "rolled_back_by"] == 6
    assert loads.loc[[3, 2], "rolled_back_by"].isna().all()
    assert result.load_id == 6


def test_rollback_to_a_pruned_snapshot_errors_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVZONE_KEEP_SNAPSHOTS", "1")
    db = tmp_path / "d.duckdb"
    for n in range(1, 4):
        load_files([values_csv(tmp_path, f"v{n}.csv", [f"盐湖高新区,2021,{30 + n},10000"])], db)
    before = digest(db)
    with pytest.raises(RollbackError, match="第 1 次导入的快照已被清理（只保留最近 1 次发布的快照）"):
        rollback(db, 1, by="admin")
    with pytest.raises(RollbackError, match="没有第 9 次导入的记录"):
        rollback(db, 9, by="admin")
    with pytest.raises(RollbackError, match="就是当前数据"):
        rollback(db, 3, by="admin")
    assert digest(db) == before and list(list_loads(db)["load_id"]) == [3, 2, 1]


def test_rollback_dry_run_reports_and_writes_nothing(three_loads):
    db, _ = three_loads
    before = digest(db)
    result = rollback(db, 2, by="admin", dry_run=True)
    assert not result.published and result.changes["projects"].removed == 1
    assert digest(db) == before and len(list_loads(db)) == 3


def test_lock_timeout_raises_publish_busy_while_another_process_holds_the_lock(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,10000"])], db)
    before = digest(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from etl.publish import write_lock\n"
                               "with write_lock(sys.argv[1]):\n    print('held', flush=True); sys.stdin.readline()",
         str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": ROOT})
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(PublishBusy, match="另一位管理员正在发布，请稍后重试"):
            load_files([values_csv(tmp_path, "v2.csv", ["盐湖高新区,2021,40,10000"])], db, lock_timeout=0.3)
        with pytest.raises(PublishBusy):
            rollback(db, 1, by="admin", lock_timeout=0.2)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert digest(db) == before
    result = load_files([values_csv(tmp_path, "v2.csv", ["盐湖高新区,2021,40,10000"])], db, lock_timeout=5)
    assert result.published


def test_lock_timeout_waits_for_a_short_publish(tmp_path):
    db = tmp_path / "d.duckdb"
    released = threading.Event()

    def hold():
        with write_lock(db):
            started.set()
            released.wait(5)

    started = threading.Event()
    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    threading.Timer(0.2, released.set).start()
    result = load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,10000"])], db, lock_timeout=10)
    thread.join()
    assert result.published


def test_failed_load_leaves_no_temp_files_and_the_db_byte_identical(tmp_path, monkeypatch):
    db = tmp_path / "d.duckdb"
    load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,10000"])], db)
    before, kept_before = digest(db), list(snapshots.kept(db))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "_apply", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        load_files([values_csv(tmp_path, "v2.csv", ["盐湖高新区,2021,40,10000"])], db)
    assert digest(db) == before and leftovers(tmp_path) == [] and list(snapshots.kept(db)) == kept_before
    monkeypatch.undo()

    # a failure while swapping in (after the snapshot was staged) leaves nothing behind either
    def no_replace(*args, **kwargs):
        raise OSError("replace failed")

    monkeypatch.setattr(publish.os, "replace", no_replace)
    with pytest.raises(OSError, match="replace failed"):
        load_files([values_csv(tmp_path, "v3.csv", ["盐湖高新区,2021,41,10000"])], db)
    monkeypatch.undo()
    assert digest(db) == before and leftovers(tmp_path) == [] and list(snapshots.kept(db)) == kept_before
    assert list(list_loads(db)["load_id"]) == [1]


def test_failed_rollback_leaves_no_temp_files_and_the_db_byte_identical(three_loads, tmp_path, monkeypatch):
    db, _ = three_loads
    before = digest(db)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(history, "_merge_history", broken)
    with pytest.raises(RuntimeError, match="boom"):
        rollback(db, 1, by="admin")
    assert digest(db) == before and leftovers(tmp_path) == []
    assert list(snapshots.kept(db)) == [1, 2, 3]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": ROOT})


def test_cli_history_and_rollback(three_loads):
    db, states = three_loads
    shown = run_cli("history", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == 4 and lines[1].startswith("3\t") and "carol" in lines[1] and "v2.csv" in lines[2]
    done = run_cli("rollback", "2", "--db", str(db), "--by", "老王")
    assert done.returncode == 0, done.stderr
    assert "回滚到第 2 次导入后的数据" in done.stdout
    assert query(db, FULL_VALUES) == states[2][0]
    assert list_loads(db).iloc[0][["kind", "loaded_by", "target_load_id"]].tolist() == ["rollback", "老王", 2]
    unknown = run_cli("rollback", "99", "--db", str(db))
    assert unknown.returncode == 1 and "没有第 99 次导入的记录" in unknown.stderr and "Traceback" not in unknown.stderr
    assert run_cli("rollback", "1", "--db", str(db.with_name("missing.duckdb"))).returncode == 2
    assert run_cli("rollback", "abc", "--db", str(db)).returncode == 2
