"""Numbered snapshots plus a pointer file (etl/distribute.py), and each replica's local copy (devzone/sync.py)."""
from __future__ import annotations

import json

import pytest

from devzone import sync
from etl import distribute
from etl.publish import load_files
from tests.builders import digest, query, write_csv


def _load(tmp_path, db, value: int):
    path = write_csv(tmp_path / f"v{value}.csv", ["开发区,年份,指标,数值,单位", f"盐湖高新区,2021,签约项目数,{value},个"])
    return load_files([path], db, confirm_outliers=True)


def _value(db) -> float:
    (value,), = query(db, "SELECT value FROM indicator_values WHERE zone_id = 'X140802' AND year = 2021"
                          " AND indicator = 'signed_projects'")
    return value


@pytest.fixture
def published(tmp_path, monkeypatch):
    """An ETL database whose every publish lands in a distribution directory (DEVZONE_PUBLISH_DIR)."""
    source = tmp_path / "dist"
    monkeypatch.setenv(distribute.PUBLISH_DIR_ENV, str(source))
    db = tmp_path / "etl" / "devzone.duckdb"
    db.parent.mkdir()
    _load(tmp_path, db, 36)
    return db, source


def test_every_publish_lands_as_a_numbered_file_and_a_pointer(published, tmp_path):
    db, source = published
    pointer = distribute.read_pointer(source)
    (load_id,), = query(db, "SELECT value::INTEGER FROM snapshot_meta WHERE key = 'load_id'")
    assert pointer["load_id"] == load_id and pointer["file"] == distribute.snapshot_name(load_id)
    assert pointer["sha256"] == digest(source / pointer["file"]) == digest(db)
    for value in range(37, 37 + distribute.KEEP_DEFAULT + 2):
        _load(tmp_path, db, value)
    files = sorted(p.name for p in source.iterdir() if p.name != distribute.POINTER)
    assert len(files) == distribute.KEEP_DEFAULT  # older ones are pruned
    assert distribute.read_pointer(source)["file"] == files[-1]
    assert not [p for p in source.iterdir() if p.name.startswith(".")]  # no partial files left


def test_a_replica_copies_the_pointed_snapshot_and_then_stays(published, tmp_path):
    db, source = published
    local = tmp_path / "replica"
    first = sync.sync_once(source, local)
    assert first.status == "updated"
    assert digest(sync.local_db(local)) == digest(db) and _value(sync.local_db(local)) == 36
    assert sync.sync_once(source, local).status == "current"
    _load(tmp_path, db, 41)
    assert sync.sync_once(source, local).status == "updated"
    assert _value(sync.local_db(local)) == 41
    assert sorted(p.name for p in local.iterdir()) == [distribute.POINTER, sync.LOCAL_NAME]


def test_a_copy_that_does_not_match_the_pointer_is_not_served(published, tmp_path):
    db, source = published
    local = tmp_path / "replica"
    assert sync.sync_once(source, local).status == "updated"
    before = digest(sync.local_db(local))
    _load(tmp_path, db, 41)
    pointer = distribute.read_pointer(source)
    served = source / pointer["file"]
    whole = served.read_bytes()
    served.write_bytes(whole[: len(whole) // 2])  # as if the transfer to the mount were still under way
    result = sync.sync_once(source, local)
    assert result.status == "mismatch" and pointer["file"] in result.detail
    assert digest(sync.local_db(local)) == before and _value(sync.local_db(local)) == 36
    assert not list(local.glob(".*"))
    served.write_bytes(whole)  # the transfer finished: the next round takes it
    assert sync.sync_once(source, local).status == "updated" and _value(sync.local_db(local)) == 41


def test_the_command_once(published, tmp_path, capsys):
    _, source = published
    assert sync.main([str(source), str(tmp_path / "replica"), "--once"]) == 0
    assert "已同步" in capsys.readouterr().out
    assert sync.main([str(tmp_path / "nothing"), str(tmp_path / "replica2"), "--once"]) == 1
    assert "CURRENT" in capsys.readouterr().err


def test_a_broken_pointer_is_no_source(tmp_path):
    source = tmp_path / "dist"
    source.mkdir()
    (source / distribute.POINTER).write_text(json.dumps({"file": "../../etc/passwd"}), encoding="utf-8")
    assert sync.sync_once(source, tmp_path / "replica").status == "no-source"


def test_distribute_command_publishes_the_live_snapshot(tmp_path, monkeypatch, capsys):
    from etl.__main__ import main

    monkeypatch.delenv(distribute.PUBLISH_DIR_ENV, raising=False)
    db = tmp_path / "devzone.duckdb"
    _load(tmp_path, db, 36)
    assert main(["distribute", "--to", str(tmp_path / "dist"), "--db", str(db)]) == 0
    pointer = distribute.read_pointer(tmp_path / "dist")
    assert pointer["sha256"] == digest(db) and pointer["file"] in capsys.readouterr().out
    assert main(["distribute", "--to", str(tmp_path / "dist"), "--db", str(tmp_path / "none.duckdb")]) == 2
