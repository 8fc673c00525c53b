"""Every snapshot is written in an explicit storage version (etl/storage.py), by default one 1.x clients read."""
from __future__ import annotations

import duckdb
import pytest

from etl import storage
from etl.errors import StorageVersionError
from etl.history import rollback
from etl.publish import load_files
from tests.builders import query, write_csv


def _values_csv(tmp_path, value: int, name: str = "v.csv"):
    return write_csv(tmp_path / name, ["开发区,年份,指标,数值,单位", f"盐湖高新区,2021,签约项目数,{value},个"])


def _tag(path) -> str:
    """What DuckDB itself reports for the file, read without etl.storage."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{path}' AS f (READ_ONLY)")
        return con.execute("SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'f'"
                           ).fetchone()[0]
    finally:
        con.close()


def test_a_new_snapshot_has_the_default_storage_version(tmp_path, monkeypatch):
    monkeypatch.delenv(storage.STORAGE_VERSION_ENV, raising=False)
    db = tmp_path / "d.duckdb"
    load_files([_values_csv(tmp_path, 36)], db)
    assert _tag(db) == storage.DEFAULT_STORAGE_VERSION + "+"
    # DuckDB's own default for a new file is newer (2.0 writes v2.0.0, which no 1.x client reads)
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    assert _tag(plain) != _tag(db)


def test_the_storage_version_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv(storage.STORAGE_VERSION_ENV, "v1.2.0")
    db = tmp_path / "d.duckdb"
    load_files([_values_csv(tmp_path, 36)], db)
    assert _tag(db) == "v1.2.0+"
    load_files([_values_csv(tmp_path, 41, "w.csv")], db)  # the next snapshot keeps it
    assert _tag(db) == "v1.2.0+"


def test_a_live_file_in_another_version_is_rewritten_in_the_configured_one(tmp_path, monkeypatch):
    db = tmp_path / "d.duckdb"
    monkeypatch.setenv(storage.STORAGE_VERSION_ENV, "v2.0.0")  # as an older deployment wrote it
    load_files([_values_csv(tmp_path, 36)], db)
    assert _tag(db) == "v2.0.0+"
    before = query(db, "SELECT * FROM indicator_values")
    monkeypatch.delenv(storage.STORAGE_VERSION_ENV)
    load_files([write_csv(tmp_path / "e.csv", ["开发区,年份,指标,数值,单位", "太原高新区,2021,签约项目数,52,个"])], db)
    assert _tag(db) == storage.DEFAULT_STORAGE_VERSION + "+"
    after = query(db, "SELECT * FROM indicator_values")
    assert set(before) < set(after) and len(after) == len(before) + 1
    # a rollback to the v2.0.0 snapshot is written in the configured version as well
    rollback(db, 1, "test")
    assert _tag(db) == storage.DEFAULT_STORAGE_VERSION + "+"
    assert sorted(query(db, "SELECT * FROM indicator_values")) == sorted(before)


def test_an_unusable_storage_version_is_refused_clearly(tmp_path, monkeypatch):
    db = tmp_path / "d.duckdb"
    for wrong in ("1.0", "v9.9.9"):
        monkeypatch.setenv(storage.STORAGE_VERSION_ENV, wrong)
        storage.written_version.cache_clear()
        with pytest.raises(StorageVersionError, match=storage.STORAGE_VERSION_ENV):
            load_files([_values_csv(tmp_path, 36)], db)
        assert not db.exists()


def test_frames_reach_duckdb_as_arrow_with_the_same_values(tmp_path):
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    frame = pd.DataFrame({"zone_id": pd.Categorical(["X1", "X2", "X1"]), "value": [1.5, np.nan, 3.0],
                          "sheet": [None, "表1", None], "flag": [True, False, True]})
    scanned = storage.for_scan(frame)
    assert isinstance(scanned, pa.Table)
    con = duckdb.connect()
    con.register("as_frame", frame)
    con.register("as_arrow", scanned)
    rows = "SELECT zone_id::VARCHAR, value, sheet, flag FROM {}"
    assert con.execute(rows.format("as_arrow")).fetchall() == con.execute(rows.format("as_frame")).fetchall() == [
        ("X1", 1.5, None, True), ("X2", None, "表1", False), ("X1", 3.0, None, True)]


def test_a_column_arrow_refuses_is_handed_over_as_the_frame_itself():
    import pandas as pd

    mixed = pd.DataFrame({"note": pd.Series(["见附件", 12, 3.5], dtype=object)})  # a 备注 column of text and numbers
    assert storage.for_scan(mixed) is mixed
