"""Kept snapshots are independent of the live file, and a rebuild from scratch keeps them (issue #14)."""
import os

import duckdb
import pytest

from etl import snapshots
from etl.history import list_loads, rollback
from etl.publish import load_files
from tests.builders import digest, query, write_csv

FULL_VALUES = "SELECT zone_id, year, indicator, value FROM value_store ORDER BY ALL"


def values_csv(tmp_path, name, rows):
    return write_csv(tmp_path / name, ["开发区,年份,签约项目数,签约项目总投资（万元）"] + rows)


def damage_in_place(path):
    """What a disk error or a stray `dd` does: the same inode, its bytes overwritten."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.write(b"\0garbage" * (size // 8))


def test_the_newest_snapshot_is_not_the_live_file(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,10000"])], db)
    kept = snapshots.kept(db)[1]
    assert kept.stat().st_ino != db.stat().st_ino and kept.stat().st_nlink == 1
    expected = query(db, FULL_VALUES)
    damage_in_place(db)
    with pytest.raises(duckdb.Error):
        query(db, FULL_VALUES)
    assert query(kept, FULL_VALUES) == expected


def test_the_snapshot_is_a_plain_copy_where_cloning_is_refused(tmp_path, monkeypatch):
    def no_clone(source, target):
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(snapshots, "_clone", no_clone)
    db = tmp_path / "d.duckdb"
    load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,10000"])], db)
    kept = snapshots.kept(db)[1]
    assert kept.stat().st_ino != db.stat().st_ino and digest(kept) == digest(db)


def test_a_fresh_build_keeps_earlier_snapshots_and_the_history(tmp_path):
    """A rebuild from scratch (the demo, build-demo) is one more load: nothing kept before it is deleted, its
    load id follows the earlier ones, and the data before it can be restored with a rollback."""
    db = tmp_path / "d.duckdb"
    load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,10000"])], db, loaded_by="alice")
    load_files([values_csv(tmp_path, "v2.csv", ["太原高新区,2021,52,20000"])], db, loaded_by="bob")
    before = query(db, FULL_VALUES)
    kept_before = {load_id: digest(path) for load_id, path in snapshots.kept(db).items()}

    result = load_files([values_csv(tmp_path, "v3.csv", ["盐湖高新区,2022,1,1"])], db, fresh=True,
                        loaded_by="build-demo", kind="demo")
    assert result.load_id == max(kept_before) + 1
    assert query(db, FULL_VALUES) != before
    kept_after = snapshots.kept(db)
    assert {i: digest(kept_after[i]) for i in kept_before} == kept_before  # every earlier snapshot, unchanged
    loads = list_loads(db).set_index("load_id")
    assert list(loads.index) == [result.load_id, *sorted(kept_before, reverse=True)]
    assert loads.loc[result.load_id, "kind"] == "demo" and loads.loc[result.load_id, "is_current"]
    assert set(loads.loc[list(kept_before), "status"]) == {"rolled_back"}  # replaced by the rebuild

    rollback(db, max(kept_before), by="admin")
    assert query(db, FULL_VALUES) == before


def test_a_fresh_build_over_a_damaged_file_takes_the_history_from_the_newest_readable_snapshot(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([values_csv(tmp_path, "v1.csv", ["盐湖高新区,2021,36,10000"])], db, loaded_by="alice")
    load_files([values_csv(tmp_path, "v2.csv", ["太原高新区,2021,52,20000"])], db, loaded_by="bob")
    before = query(db, FULL_VALUES)
    damage_in_place(db)
    db.rename(tmp_path / "d.duckdb.corrupt-1")  # what the dashboard's rebuild does with the damaged file

    result = load_files([values_csv(tmp_path, "v3.csv", ["盐湖高新区,2022,1,1"])], db, fresh=True, kind="demo")
    assert result.load_id == 3
    assert list(list_loads(db)["load_id"]) == [3, 2, 1]
    rollback(db, 2, by="admin")
    assert query(db, FULL_VALUES) == before
    assert os.path.exists(tmp_path / "d.duckdb.corrupt-1")
