"""The history of publishes (`loads` table) and rollback to the data of a kept snapshot.

A rollback is a publish like a load: under the same write lock it copies the kept snapshot of the target
load beside the live file, brings the history in that copy up to date (every load the live database knows
stays listed; those the rollback undoes are marked rolled back; a new row kind='rollback' says who restored
which load), fsyncs it and swaps it in with os.replace. The result is kept as a snapshot like any other.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from etl import snapshots, storage
from etl.paths import SCHEMA_SQL
from etl.publish import (
    _FIELDS,
    _KEYS,
    _TABLES,
    KINDS,
    LOAD_COLUMNS,
    Change,
    LoadResult,
    _any_distinct,
    _changed_list,
    backfill_loads,
    diff_frame,
    next_load_id,
    open_read_only,
    record_load,
    remove_temp,
    swap_in,
    temp_path,
    write_lock,
)

HISTORY_COLUMNS = [
    "load_id", "kind", "loaded_at", "loaded_by", "files", "file_names", "values_added", "values_changed",
    "values_unchanged", "values_removed", "target_load_id", "status", "rolled_back_by", "is_current",
    "snapshot_kept", "snapshot_path",
]
KIND_NAMES = {"load": "导入", "demo": "演示数据", "rollback": "回滚"}
STATUS_NAMES = {"active": "生效", "rolled_back": "已回滚"}


class RollbackError(Exception):
    """A rollback that cannot be done; str() is a complete Chinese sentence for the person who asked."""


def list_loads(db_path: Path | str) -> pd.DataFrame:
    """Every publish recorded in the live database, newest first (columns: HISTORY_COLUMNS).

    files is a list of {name, sha256, size, sheets, rows}; file_names joins the names with 、.
    is_current marks the publish whose snapshot is live; snapshot_kept whether it can be rolled back to.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    con = open_read_only(db_path)
    try:
        frame, current = _read_loads(con)
    finally:
        con.close()
    return _history_frame(frame, current, db_path)


def _read_loads(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, int | None]:
    """The `loads` rows of a snapshot (rows synthesised from load_log for loads older than that table)."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()").fetchall()}
    if "loads" in tables:
        frame = con.execute(f"SELECT {', '.join(LOAD_COLUMNS)} FROM loads").df()
    else:
        frame = pd.DataFrame(columns=LOAD_COLUMNS)
    if "load_log" in tables:
        known = set(frame["load_id"].dropna().astype(int))
        older = con.execute(
            "SELECT load_id, min(loaded_at) AS loaded_at, any_value(loaded_by) AS loaded_by,"
            " list({'name': file_name, 'sha256': sha256, 'size': NULL, 'sheets': [sheet], 'rows': rows})"
            "     AS files, bool_and(status = 'rolled_back') AS rolled_back"
            " FROM load_log GROUP BY load_id").df()
        older = older[~older["load_id"].isin(known)]
        if not older.empty:
            extra = pd.DataFrame({
                "load_id": older["load_id"],
                "kind": ["demo" if by == "build-demo" else "load" for by in older["loaded_by"]],
                "loaded_at": older["loaded_at"], "loaded_by": older["loaded_by"],
                "files": [json.dumps([{**f, "sheets": [s for s in f["sheets"] if s]} for f in files],
                                     ensure_ascii=False, default=str) for files in older["files"]],
                "status": ["rolled_back" if r else "active" for r in older["rolled_back"]]})
            frame = pd.concat([frame.astype(object), extra.astype(object)], ignore_index=True)
    current = None
    if "snapshot_meta" in tables:
        row = con.execute("SELECT value FROM snapshot_meta WHERE key = 'load_id'").fetchone()
        current = int(row[0]) if row and row[0] else None
    return frame.reindex(columns=LOAD_COLUMNS), current


def _history_frame(frame: pd.DataFrame, current: int | None, db_path: Path) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    kept = snapshots.kept(db_path)
    out = frame.copy()
    out["load_id"] = out["load_id"].astype(int)
    out["files"] = [json.loads(f) if isinstance(f, str) and f else [] for f in out["files"]]
    out["file_names"] = ["、".join(f["name"] for f in files) for files in out["files"]]
    for column in ("values_added", "values_changed", "values_unchanged", "values_removed", "target_load_id",
                   "rolled_back_by"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    out["loaded_at"] = pd.to_datetime(out["loaded_at"])
    out["status"] = out["status"].fillna("active")
    out["is_current"] = out["load_id"] == current
    out["snapshot_kept"] = out["load_id"].map(lambda i: i in kept).astype(bool)
    out["snapshot_path"] = out["load_id"].map(lambda i: str(kept[i]) if i in kept else None)
    return out.sort_values("load_id", ascending=False)[HISTORY_COLUMNS].reset_index(drop=True)


def rollback(db_path: Path | str, load_id: int, by: str | None, *, lock_timeout: float | None = None,
             dry_run: bool = False) -> LoadResult:
    """Restore the data as it was right after publish `load_id`, as a new publish (kind='rollback').

    Returns a LoadResult: kind='rollback', rolled_back_to=load_id, load_id = the new publish, changes and
    diffs (status added/changed/removed/unchanged) from the live data to the restored data. dry_run=True
    computes all that and publishes nothing. Raises RollbackError (Chinese message) when the load is
    unknown, is already the live data, or its snapshot is no longer kept; PublishBusy on lock_timeout.
    """
    db_path = Path(db_path)
    load_id = int(load_id)
    if not db_path.exists():
        raise RollbackError(f"数据库 {db_path} 不存在，无法回滚")
    with write_lock(db_path, lock_timeout):
        live = open_read_only(db_path)
        try:
            history, current = _read_loads(live)
            live_log = live.execute("SELECT * FROM load_log").df()
        finally:
            live.close()
        history = history.assign(load_id=history["load_id"].astype(int))
        if load_id not in set(history["load_id"]):
            raise RollbackError(f"没有第 {load_id} 次导入的记录，无法回滚 — 请在导入历史中选择要恢复的导入")
        if load_id == current:
            raise RollbackError(f"第 {load_id} 次导入的数据就是当前数据，无需回滚")
        snapshot = snapshots.snapshot_path(db_path, load_id)
        if not snapshot.is_file():
            raise RollbackError(
                f"第 {load_id} 次导入的快照已被清理（只保留最近 {snapshots.keep_count()} 次发布的快照），"
                f"无法回滚到该次导入 — 可重新导入当时的文件")
        expected = history.loc[history["load_id"] == load_id, "snapshot_id"].iloc[0]
        _check_snapshot(snapshot, load_id, expected)
        new_id = max(int(history["load_id"].max()), int(live_log["load_id"].max() if len(live_log) else 0)) + 1
        tmp_path = temp_path(db_path)
        try:
            con = storage.open_new_snapshot(tmp_path, snapshot)
            try:
                con.execute("BEGIN TRANSACTION")
                con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
                backfill_loads(con)
                new_id = max(new_id, next_load_id(con))
                restored_active = set(con.execute(
                    "SELECT load_id FROM loads WHERE coalesce(status, 'active') = 'active'").df()["load_id"])
                restored_active.add(load_id)
                result = LoadResult(db_path, [], kind="rollback", rolled_back_to=load_id, dry_run=dry_run,
                                    loaded_by=by)
                result.changes, result.diffs = _compare_snapshots(con, db_path)
                if dry_run:
                    con.execute("ROLLBACK")
                    return result
                loaded_at = dt.datetime.now().replace(microsecond=0)
                _merge_history(con, history, live_log, restored_active, new_id)
                snapshot_id = uuid.uuid4().hex
                record_load(con, new_id, kind="rollback", loaded_at=loaded_at, loaded_by=by, files="[]",
                            changes=result.changes, snapshot_id=snapshot_id, target_load_id=load_id)
                con.execute("INSERT OR REPLACE INTO snapshot_meta VALUES ('snapshot_id', ?), ('published_at', ?),"
                            " ('load_id', ?), ('restored_from_load', ?)",
                            [snapshot_id, loaded_at.isoformat(), str(new_id), str(load_id)])
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            swap_in(tmp_path, db_path, new_id)
        finally:
            remove_temp(tmp_path)
    result.load_id = new_id
    result.published = True
    return result


def _check_snapshot(snapshot: Path, load_id: int, expected_id: object) -> None:
    """The kept file must be the snapshot this database published as `load_id` (not one of an older lineage)."""
    try:
        con = open_read_only(snapshot)
        try:
            meta = dict(con.execute("SELECT key, value FROM snapshot_meta").fetchall())
        finally:
            con.close()
    except duckdb.Error as exc:
        raise RollbackError(f"第 {load_id} 次导入的快照文件无法读取（{snapshot.name}：{exc}），无法回滚") from None
    same_load = meta.get("load_id") == str(load_id)
    same_file = not isinstance(expected_id, str) or meta.get("snapshot_id") == expected_id
    if not (same_load and same_file):
        raise RollbackError(f"第 {load_id} 次导入的快照文件与导入记录不符（{snapshot.name}），无法回滚")


def _compare_snapshots(con: duckdb.DuckDBPyConnection, db_path: Path) -> tuple[dict[str, Change],
                                                                               dict[str, pd.DataFrame]]:
    """In the restored copy (`con`), compare every kind of fact with the live database."""
    con.execute(f"ATTACH '{str(db_path).replace(chr(39), chr(39) * 2)}' AS live (READ_ONLY)")
    changes: dict[str, Change] = {}
    diffs: dict[str, pd.DataFrame] = {}
    try:
        for kind in KINDS:
            keys, fields, table = _KEYS[kind], _FIELDS[kind], _TABLES[kind]
            present = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'live'"
                " AND table_name = ?", [table]).fetchall()}
            columns = keys + fields
            old = (f"(SELECT {', '.join(c if c in present else f'NULL AS {c}' for c in columns)} FROM live.{table})"
                   if present else f"(SELECT {', '.join(columns)} FROM {table} WHERE false)")
            joined = con.execute(f"""
                SELECT {', '.join(f'coalesce(r.{k}, s.{k}) AS {k}' for k in keys)},
                       {', '.join(f'r.{f} AS {f}' for f in fields)},
                       {', '.join(f's.{f} AS old_{f}' for f in fields)},
                       CASE WHEN s.{keys[0]} IS NULL THEN 'added' WHEN r.{keys[0]} IS NULL THEN 'removed'
                            WHEN {_any_distinct(fields, 'r', 's')} THEN 'changed' ELSE 'unchanged' END AS diff_status,
                       CASE WHEN s.{keys[0]} IS NULL OR r.{keys[0]} IS NULL THEN ''
                            ELSE {_changed_list(fields, 'r', 's')} END AS changed_fields
                FROM (SELECT {', '.join(columns)} FROM {table}) r
                FULL OUTER JOIN {old} s USING ({', '.join(keys)})""").df()
            counts = joined["diff_status"].value_counts()
            changes[kind] = Change(added=int(counts.get("added", 0)), changed=int(counts.get("changed", 0)),
                                   unchanged=int(counts.get("unchanged", 0)), removed=int(counts.get("removed", 0)))
            diffs[kind] = diff_frame(kind, joined)
    finally:
        con.execute("DETACH live")
    return changes, diffs


def _merge_history(con: duckdb.DuckDBPyConnection, history: pd.DataFrame, live_log: pd.DataFrame,
                   active: set[int], rollback_id: int) -> None:
    """Replace the restored copy's history with the live one: nothing is lost, undone loads are marked."""
    merged = history.copy()
    was_active = merged["status"].fillna("active") == "active"
    now_active = merged["load_id"].isin(active)
    merged["status"] = now_active.map({True: "active", False: "rolled_back"})
    undone = was_active & ~now_active
    merged["rolled_back_by"] = merged["rolled_back_by"].astype(object)
    merged.loc[undone, "rolled_back_by"] = rollback_id
    merged.loc[now_active, "rolled_back_by"] = None
    merged = merged.reindex(columns=LOAD_COLUMNS).astype(object).where(merged.notna(), None)
    con.execute("DELETE FROM loads")
    con.register("merged_loads", merged)
    con.execute(f"INSERT INTO loads ({', '.join(LOAD_COLUMNS)}) SELECT "
                f"{', '.join(f'CAST({c} AS {t})' for c, t in _LOAD_TYPES.items())} FROM merged_loads")
    con.unregister("merged_loads")
    if len(live_log):
        log = live_log.copy()
        restored = log["load_id"].isin(active)
        log["status"] = log["status"].where(~(restored & (log["status"] == "rolled_back")), "loaded")
        log.loc[~restored, "status"] = "rolled_back"
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database()"
            " AND table_name = 'load_log' ORDER BY ordinal_position").fetchall()]
        log = log.reindex(columns=columns)
        con.execute("DELETE FROM load_log")
        con.register("merged_log", log)
        con.execute(f"INSERT INTO load_log ({', '.join(columns)}) SELECT {', '.join(columns)} FROM merged_log")
        con.unregister("merged_log")


_LOAD_TYPES = {
    "load_id": "INTEGER", "kind": "VARCHAR", "loaded_at": "TIMESTAMP", "loaded_by": "VARCHAR", "files": "VARCHAR",
    "values_added": "INTEGER", "values_changed": "INTEGER", "values_unchanged": "INTEGER",
    "values_removed": "INTEGER", "changes": "VARCHAR", "target_load_id": "INTEGER", "status": "VARCHAR",
    "rolled_back_by": "INTEGER", "snapshot_id": "VARCHAR",
}
