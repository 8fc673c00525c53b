"""devzone.db: read-only access, swap detection, clear errors. Uses scratch snapshots it controls."""
import os
import shutil

import duckdb
import pytest

from devzone import db, queries
from tests.scratch_db import build_scratch_db

MARKER_SQL = "SELECT value FROM snapshot_meta WHERE key = 'marker'"


def marker(source) -> str:
    return source.query(MARKER_SQL)["value"].iloc[0]


def swap_in(live_path, marker_value: float) -> None:
    """What the ETL does: write a complete new file beside the live one, then os.replace it in."""
    staged = live_path.with_name("staged.duckdb")
    build_scratch_db(staged, marker=marker_value)
    os.replace(staged, live_path)


@pytest.fixture
def live_db(tmp_path):
    path = build_scratch_db(tmp_path / "devzone.duckdb", marker=1)
    yield path
    db.close_all()


def test_reads_the_snapshot(live_db):
    reader = db.SnapshotReader(live_db)
    assert marker(reader) == "1"
    assert len(queries.zones(reader)) == 28
    reader.close()


def test_next_query_sees_a_swapped_in_file(live_db):
    reader = db.SnapshotReader(live_db)
    before = reader.snapshot_id()
    assert marker(reader) == "1"
    swap_in(live_db, 2)
    assert reader.snapshot_id() != before
    assert marker(reader) == "2"
    reader.close()


def test_swap_is_seen_even_while_another_connection_holds_the_old_file(live_db):
    # duckdb.connect() hands out a cached instance per path; the reader must not be fooled by it.
    holder = duckdb.connect(str(live_db), read_only=True)
    try:
        reader = db.SnapshotReader(live_db)
        assert marker(reader) == "1"
        swap_in(live_db, 3)
        assert marker(reader) == "3"
        assert holder.execute(MARKER_SQL).fetchone()[0] == "1"  # the holder keeps its old snapshot
        reader.close()
    finally:
        holder.close()


def test_snapshot_id_is_stable_while_nothing_changes(live_db):
    assert db.snapshot_id(live_db) == db.snapshot_id(live_db)
    reader = db.SnapshotReader(live_db)
    queries.zones(reader)
    assert reader.snapshot_id() == db.snapshot_id(live_db)
    reader.close()


def test_a_pinned_query_refuses_a_different_snapshot(live_db):
    reader = db.SnapshotReader(live_db)
    pinned = reader.pinned(reader.snapshot_id())
    assert marker(pinned) == "1"
    swap_in(live_db, 4)
    with pytest.raises(db.SnapshotChangedError):
        marker(pinned)
    assert marker(reader.pinned(reader.snapshot_id())) == "4"
    reader.close()


def test_the_connection_is_read_only(live_db):
    reader = db.SnapshotReader(live_db)
    size_before = live_db.stat().st_size
    with pytest.raises(duckdb.Error, match="read-only"):
        reader.query("CREATE TABLE scribble (a INTEGER)")
    with pytest.raises(duckdb.Error):
        reader.query("DELETE FROM snapshot_meta")
    assert marker(reader) == "1"
    reader.close()
    assert live_db.stat().st_size == size_before


def test_missing_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(db.DatabaseMissingError) as raised:
        db.SnapshotReader(missing).query("SELECT 1")
    assert raised.value.path == missing
    assert raised.value.reason == "missing"
    with pytest.raises(db.DatabaseMissingError):
        db.snapshot_id(missing)


@pytest.mark.parametrize(
    "content", [b"", b"this is not a database" * 100, b"DUCK" + bytes(4096)], ids=["empty", "text", "junk"]
)
def test_corrupt_file_is_a_clear_error(tmp_path, content):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(content)
    with pytest.raises(db.DatabaseCorruptError) as raised:
        db.SnapshotReader(bad).check()
    assert raised.value.reason == "corrupt"
    assert raised.value.path == bad
    assert bad.read_bytes() == content  # never "repaired" behind anyone's back


def test_a_truncated_snapshot_is_corrupt(tmp_path, live_db):
    truncated = tmp_path / "truncated.duckdb"
    shutil.copyfile(live_db, truncated)
    with open(truncated, "r+b") as f:
        f.truncate(live_db.stat().st_size // 3)
    with pytest.raises(db.DatabaseCorruptError):
        reader = db.SnapshotReader(truncated)
        reader.check()
        queries.snapshot_summary(reader)  # damage may only show when pages are read


def test_a_duckdb_file_without_the_contract_views_is_not_a_snapshot(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.close()
    with pytest.raises(db.DatabaseCorruptError, match="zones"):
        db.SnapshotReader(other).check()


def test_the_process_wide_reader_follows_devzone_db(monkeypatch, live_db):
    monkeypatch.setenv("DEVZONE_DB", str(live_db))
    assert db.reader() is db.reader(live_db)
    assert marker(db.reader()) == "1"
