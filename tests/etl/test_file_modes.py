"""Nothing the ETL or the app writes is world-readable: the database, its kept snapshots, the audit log."""
from __future__ import annotations

import os
import stat

import pytest

from devzone import audit
from etl import snapshots
from etl.history import rollback
from etl.publish import load_files
from tests.builders import write_csv


@pytest.fixture
def open_umask():
    """The most permissive usual umask (022): the modes must not depend on the operator's."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def others_can_read(path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IROTH | stat.S_IWOTH | stat.S_IXOTH))


def written_paths(db):
    return [db, *snapshots.kept(db).values(), snapshots.snapshot_dir(db)]


@pytest.mark.parametrize("hard_links", [True, False], ids=["snapshots as the file system keeps them", "copied snapshots"])
def test_database_and_snapshots_are_not_world_readable(tmp_path, open_umask, monkeypatch, hard_links):
    if not hard_links:
        def no_links(*args):
            raise OSError("no hard links on this file system")

        monkeypatch.setattr(snapshots.os, "link", no_links)
    db = tmp_path / "devzone.duckdb"
    first = write_csv(tmp_path / "a.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])
    second = write_csv(tmp_path / "b.csv", ["开发区,年份,签约项目数", "太原高新区,2021,51"])
    load_files([first], db)
    result = load_files([second], db)
    assert len(snapshots.kept(db)) >= 2
    assert [str(p) for p in written_paths(db) if others_can_read(p)] == []
    assert stat.S_IMODE(db.stat().st_mode) == 0o640
    rollback(db, result.load_id - 1, "test")
    assert [str(p) for p in written_paths(db) if others_can_read(p)] == []


def test_the_audit_log_is_not_world_readable(tmp_path, open_umask):
    log = tmp_path / "audit.log"
    audit.record("publish", user="u", role="admin", result="ok", path=log)
    assert stat.S_IMODE(log.stat().st_mode) == 0o640


def test_distributed_and_synced_copies_are_not_world_readable(tmp_path, open_umask):
    from devzone import sync
    from etl import distribute

    db = tmp_path / "devzone.duckdb"
    load_files([write_csv(tmp_path / "a.csv", ["开发区,年份,签约项目数", "太原高新区,2021,50"])], db)
    pointer = distribute.publish_snapshot(db, tmp_path / "published")
    sync.sync_once(tmp_path / "published", tmp_path / "local")
    assert not others_can_read(tmp_path / "published" / pointer["file"])
    assert not others_can_read(sync.local_db(tmp_path / "local"))
