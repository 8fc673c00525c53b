"""Read-only access to the current DuckDB snapshot, noticing when the ETL swaps in a new file.

The ETL publishes by writing a new database file beside the live one and `os.replace`-ing it in.
An open DuckDB handle keeps reading the file it opened (the old inode), so every query first
compares the file's identity (inode, mtime_ns, size) with the one the connection was opened on
and reconnects when they differ.

Each connection is a private in-memory DuckDB with the snapshot ATTACHed read-only. Plain
`duckdb.connect(path)` would be handed the process-wide cached instance of an already open path,
i.e. the *old* snapshot, whenever anything else in the process still holds it.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd

from etl.paths import default_db_path

SNAPSHOT_ALIAS = "snapshot"
# The contract views (and the meta table) the app relies on; a file without them is not a snapshot.
REQUIRED_RELATIONS = (
    "zones", "indicators", "indicator_values", "provincial_rankings", "projects",
    "load_history", "snapshot_meta",
)
_BUSY_RETRIES = 5
_BUSY_WAIT_SECONDS = 0.2


class DatabaseError(Exception):
    """The snapshot cannot be read. `reason` is a short machine-readable word; str() is for people."""

    reason = "error"

    def __init__(self, path: Path, detail: str = ""):
        self.path = Path(path)
        self.detail = detail
        super().__init__(f"{self.path}: {detail}" if detail else str(self.path))


class DatabaseMissingError(DatabaseError):
    reason = "missing"


class DatabaseCorruptError(DatabaseError):
    """The file exists but is not a readable snapshot (not DuckDB, truncated, or lacks the contract views)."""

    reason = "corrupt"


class DatabaseBusyError(DatabaseError):
    """Another process holds a write lock on the file for longer than we are willing to wait."""

    reason = "busy"


class SnapshotChangedError(Exception):
    """A query pinned to one snapshot found another one live; the caller should retry with the new id."""


@dataclass(frozen=True)
class SnapshotIdentity:
    inode: int
    mtime_ns: int
    size: int

    def token(self) -> str:
        return f"{self.inode}-{self.mtime_ns}-{self.size}"


def resolve_path(path: str | os.PathLike[str] | None = None) -> Path:
    return Path(path) if path is not None else default_db_path()


def snapshot_identity(path: str | os.PathLike[str] | None = None) -> SnapshotIdentity:
    db_path = resolve_path(path)
    try:
        st = os.stat(db_path)
    except FileNotFoundError:
        raise DatabaseMissingError(db_path, "数据库文件不存在 / database file does not exist") from None
    return SnapshotIdentity(st.st_ino, st.st_mtime_ns, st.st_size)


def snapshot_id(path: str | os.PathLike[str] | None = None) -> str:
    """A token that changes whenever a new snapshot file is swapped in; use it as a cache key."""
    return snapshot_identity(path).token()


class QuerySource(Protocol):
    """What `devzone.queries` functions need: run SQL with parameters, get a DataFrame."""

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame: ...


def _classify_open_error(path: Path, exc: duckdb.Error) -> DatabaseError:
    message = str(exc)
    lowered = message.lower()
    if "does not exist" in lowered or "no such file" in lowered:
        return DatabaseMissingError(path, message)
    if "lock" in lowered:
        return DatabaseBusyError(path, message)
    return DatabaseCorruptError(path, message)


def _open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """Open `path` read-only inside a private in-memory instance and check it is a snapshot."""
    for attempt in range(_BUSY_RETRIES):
        con = duckdb.connect(":memory:")
        try:
            quoted = str(path).replace("'", "''")
            con.execute(f"ATTACH '{quoted}' AS {SNAPSHOT_ALIAS} (READ_ONLY)")
            con.execute(f"USE {SNAPSHOT_ALIAS}")
            _check_contract_relations(path, con)
            return con
        except duckdb.Error as exc:
            con.close()
            error = _classify_open_error(path, exc)
            if isinstance(error, DatabaseBusyError) and attempt + 1 < _BUSY_RETRIES:
                time.sleep(_BUSY_WAIT_SECONDS)
                continue
            raise error from exc
        except DatabaseError:
            con.close()
            raise
    raise AssertionError("unreachable")


def _check_contract_relations(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    present = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ?", [SNAPSHOT_ALIAS]
        ).fetchall()
    }
    missing = [name for name in REQUIRED_RELATIONS if name not in present]
    if missing:
        raise DatabaseCorruptError(
            path, "不是开发区看板的数据库（缺少 " + ", ".join(missing) + "）/ not a dashboard snapshot"
        )


class SnapshotReader:
    """One read-only connection per database path, renewed whenever the file is swapped.

    Safe to share between Streamlit sessions (threads): queries are serialised by a lock. They are
    small and their results are cached by the page layer, so the lock is not a bottleneck.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = resolve_path(path)
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: SnapshotIdentity | None = None

    def snapshot_id(self) -> str:
        return snapshot_id(self.path)

    def _ensure_current(self) -> SnapshotIdentity:
        """Reconnect if the file on disk is not the one the connection was opened on."""
        before = snapshot_identity(self.path)
        if self._con is not None and before == self._identity:
            return before
        self._close_connection()
        for _ in range(_BUSY_RETRIES):
            con = _open_snapshot(self.path)
            after = snapshot_identity(self.path)
            if after == before:
                self._con, self._identity = con, after
                return after
            # Swapped while we were opening: we cannot tell which file we got. Try again.
            con.close()
            before = after
        raise DatabaseBusyError(self.path, "数据库文件在持续更新 / the file keeps changing")

    def query(
        self,
        sql: str,
        params: Sequence[Any] | dict[str, Any] | None = None,
        *,
        expected_snapshot: str | None = None,
    ) -> pd.DataFrame:
        """Run one SELECT against the current snapshot.

        With `expected_snapshot`, raise SnapshotChangedError instead of answering from a different
        snapshot, so a cache keyed on that id never stores another snapshot's data.
        """
        with self._lock:
            identity = self._ensure_current()
            if expected_snapshot is not None and identity.token() != expected_snapshot:
                raise SnapshotChangedError(expected_snapshot, identity.token())
            assert self._con is not None
            try:
                return self._con.execute(sql, params).df()
            except duckdb.IOException as exc:  # the file went bad under an open connection
                self._close_connection()
                raise DatabaseCorruptError(self.path, str(exc)) from exc

    def pinned(self, snapshot: str) -> PinnedSnapshot:
        return PinnedSnapshot(self, snapshot)

    def check(self) -> str:
        """Open (or re-validate) the snapshot and return its id; raises a DatabaseError if unusable."""
        with self._lock:
            return self._ensure_current().token()

    def _close_connection(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            finally:
                self._con, self._identity = None, None

    def close(self) -> None:
        with self._lock:
            self._close_connection()


@dataclass(frozen=True)
class PinnedSnapshot:
    """A QuerySource that refuses to answer from any snapshot but `snapshot`."""

    reader: SnapshotReader
    snapshot: str

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        return self.reader.query(sql, params, expected_snapshot=self.snapshot)


_readers: dict[Path, SnapshotReader] = {}
_readers_lock = threading.Lock()


def reader(path: str | os.PathLike[str] | None = None) -> SnapshotReader:
    """The process-wide reader for `path` (default: `DEVZONE_DB` or data/devzone.duckdb)."""
    key = resolve_path(path).absolute()
    with _readers_lock:
        if key not in _readers:
            _readers[key] = SnapshotReader(key)
        return _readers[key]


def close_all() -> None:
    """Drop every open connection (before the app rebuilds a snapshot in-process, and in tests)."""
    with _readers_lock:
        for snapshot_reader in _readers.values():
            snapshot_reader.close()
        _readers.clear()
