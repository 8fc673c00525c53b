"""The storage version every snapshot is written in, so that analysts' older DuckDB clients can open it.

DuckDB 2.0 writes new files in its own storage format (v2.0.0), which no 1.x client can read. Every snapshot
is therefore created with an explicit `ATTACH … (STORAGE_VERSION '…')`: by default the oldest version that holds
what etl/schema.sql uses (tables, views, primary keys — nothing newer), configurable with
`DEVZONE_STORAGE_VERSION` (e.g. `v1.2.0`, or `v2.0.0` once every client is on 2.0).

A file keeps the storage version it was created with: copying the live snapshot and writing into the copy keeps
its version. When the live file (or a kept snapshot being restored) has another version than the configured
one — an older deployment's file written by DuckDB 2.0's default — the new snapshot is rebuilt at the configured
version with `COPY FROM DATABASE` instead of copied.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from pathlib import Path

import duckdb

from etl.errors import StorageVersionError

# DuckDB 1.1 and later open a snapshot in v1.0.0 (tests/etl/test_old_clients.py); 1.0 itself reads v1.0.0 files
# but not the primary-key indexes DuckDB 2.0 writes into them.
DEFAULT_STORAGE_VERSION = "v1.0.0"
STORAGE_VERSION_ENV = "DEVZONE_STORAGE_VERSION"
NEW_ALIAS = "snap_new"
_BASE_ALIAS = "snap_base"
_VERSION = re.compile(r"v\d+\.\d+\.\d+")


def storage_version() -> str:
    """`DEVZONE_STORAGE_VERSION`, else DEFAULT_STORAGE_VERSION; always of the form vMAJOR.MINOR.PATCH."""
    wanted = (os.environ.get(STORAGE_VERSION_ENV) or DEFAULT_STORAGE_VERSION).strip()
    if not _VERSION.fullmatch(wanted):
        raise StorageVersionError(f"{STORAGE_VERSION_ENV}={wanted!r} 不是存储版本 — 应写作 v1.0.0 这样的形式")
    return wanted


def file_storage_version(path: Path | str) -> str | None:
    """The storage version recorded in a DuckDB file (e.g. 'v1.0.0'), None when DuckDB does not say."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {sql_string(str(path))} AS {_BASE_ALIAS} (READ_ONLY)")
        tags = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = ?", [_BASE_ALIAS]).fetchone()
    finally:
        con.close()
    return _plain((tags[0] or {}).get("storage_version")) if tags else None


def open_new_snapshot(tmp_path: Path, base: Path | None, version: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is a new snapshot file at `tmp_path` in the storage version `version`
    (default: storage_version()), holding a copy of `base` when given."""
    version = version or storage_version()
    written = written_version(version)  # refuses a version this DuckDB cannot write
    rebuild = base is not None and file_storage_version(base) != written
    if base is not None and not rebuild:
        shutil.copyfile(base, tmp_path)  # the copy keeps the base's storage version
    con = duckdb.connect(":memory:")
    try:
        option = "" if base is not None and not rebuild else f" (STORAGE_VERSION '{version}')"
        con.execute(f"ATTACH {sql_string(str(tmp_path))} AS {NEW_ALIAS}{option}")
        if rebuild:
            con.execute(f"ATTACH {sql_string(str(base))} AS {_BASE_ALIAS} (READ_ONLY)")
            con.execute(f"COPY FROM DATABASE {_BASE_ALIAS} TO {NEW_ALIAS}")
            con.execute(f"DETACH {_BASE_ALIAS}")
        con.execute(f"USE {NEW_ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


@functools.lru_cache(maxsize=8)
def written_version(version: str) -> str:
    """The storage version DuckDB records in a file created with STORAGE_VERSION `version` (v1.1.0 → v1.0.0:
    1.1 wrote the 1.0 format); StorageVersionError if this DuckDB cannot write that version."""
    with tempfile.TemporaryDirectory(prefix="devzone-storage-") as folder:
        probe = Path(folder) / "probe.duckdb"
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"ATTACH {sql_string(str(probe))} AS probe (STORAGE_VERSION '{version}')")
            con.execute("CREATE TABLE probe.t AS SELECT 1 AS x")
        except duckdb.Error as exc:
            raise StorageVersionError(f"{STORAGE_VERSION_ENV}={version}：DuckDB {duckdb.__version__} "
                                      f"无法写入该存储版本（{str(exc).split(', valid options')[0]}）— 请改为 {DEFAULT_STORAGE_VERSION} 或更新的版本") from None
        finally:
            con.close()
        return file_storage_version(probe) or version


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _plain(tag: object) -> str | None:
    """DuckDB tags a v1.0.0 file 'v1.0.0+' (readable by 1.0.0 and later)."""
    return str(tag).rstrip("+") if tag else None


def for_scan(frame):
    """A pandas frame as DuckDB reads it fastest: an Arrow table (categoricals become dictionaries), which DuckDB
    scans in about half the time of the frame itself (a million values: 0.23 s against 0.46 s into a snapshot).
    NaN and None arrive as NULL either way. The frame itself where Arrow refuses a column (mixed types in one)."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, ValueError, TypeError):
        return frame
