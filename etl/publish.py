"""Read → normalise → validate → publish, all or nothing per call.

The live database file is never written in place: a new snapshot is built beside it (a copy of the live
file plus this load) and swapped in with os.replace, so readers see either the old or the new snapshot,
and a crash at any point leaves the live file as it was.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import catalogue, layout
from etl.errors import ErrorCollector, InputError, InputRejected
from etl.normalise import (
    CHAIN_LINK_COLUMNS,
    ENTERPRISE_COLUMNS,
    EXTRACTORS,
    PROJECT_COLUMNS,
    TARGET_COLUMNS,
    VALUE_COLUMNS,
    ZoneResolver,
)
from etl.paths import SCHEMA_SQL
from etl.read import read_file
from etl.validate import validate

KINDS = ("values", "targets", "enterprises", "projects", "chain_links")
_EMPTY = {"values": VALUE_COLUMNS, "targets": TARGET_COLUMNS, "enterprises": ENTERPRISE_COLUMNS,
          "projects": PROJECT_COLUMNS + ["cell_columns"], "chain_links": CHAIN_LINK_COLUMNS}
# What identifies a stored fact, and what about it may change between loads.
_KEYS = {"values": ["zone_id", "year", "indicator"], "targets": ["zone_id", "year", "indicator"],
         "enterprises": ["zone_id", "enterprise_name", "category"], "projects": ["project_id"],
         "chain_links": ["zone_id", "chain_leader", "partner"]}
_FIELDS = {
    "values": ["value", "source", "is_synthetic"],
    "targets": ["target", "is_synthetic"],
    "enterprises": ["recognised_year", "is_synthetic"],
    "projects": ["project_name", "zone_id", "investor", "investor_origin", "chain", "total_investment",
                 "signed_date", "started_date", "production_date", "status", "projected_output", "projected_tax",
                 "chain_leader", "lead_official", "note", "is_synthetic", "planned_production_date", "updated_date"],
    "chain_links": ["relation", "introduced_by", "mode", "chain", "segment", "project_name", "project_ref", "note",
                    "is_synthetic"],
}
_DATE_FIELDS = ("signed_date", "started_date", "production_date", "planned_production_date", "updated_date")
_TABLES = {"values": "value_store", "targets": "target_store", "enterprises": "enterprise_store",
           "projects": "project_store", "chain_links": "chain_link_store"}
_KIND_NAMES = {"values": "指标值", "targets": "年度目标", "enterprises": "企业", "projects": "项目",
               "chain_links": "链主关系"}
_PROVENANCE = ["load_id", "file_name", "sheet", "row_number", "sha256", "loaded_at"]


@dataclass
class SheetRecord:
    file_name: str
    sheet: str | None
    sha256: str
    layout: str
    rows: int


@dataclass
class Batch:
    frames: dict[str, pd.DataFrame]
    sheets: list[SheetRecord]


@dataclass
class Change:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    detail: pd.DataFrame | None = None  # one row per added/changed fact with old and new values


@dataclass
class LoadResult:
    db_path: Path
    sheets: list[SheetRecord]
    changes: dict[str, Change] = field(default_factory=dict)
    load_id: int | None = None
    published: bool = False
    dry_run: bool = False
    rules_changed: bool = False  # progress rules / chain links (etl/catalogue/*.toml) differ from the snapshot's

    @property
    def changed_anything(self) -> bool:
        return self.rules_changed or any(c.added or c.changed for c in self.changes.values())

    def summary_lines(self) -> list[str]:
        names = _KIND_NAMES
        lines = [f"{s.file_name}{':' + s.sheet if s.sheet else ''}：{layout.LAYOUT_NAMES[s.layout]}，{s.rows} 行"
                 for s in self.sheets]
        for kind, change in self.changes.items():
            if change.added or change.changed or change.unchanged:
                lines.append(f"{names[kind]}：新增 {change.added}，更新 {change.changed}，未变 {change.unchanged}")
        if self.rules_changed:
            lines.append("项目推进规则或产业链环节配置已更改，将随本次导入生效")
        if self.dry_run:
            lines.append("试运行（--dry-run）：数据库未作任何改动")
        elif self.published:
            lines.append(f"已发布为第 {self.load_id} 次导入：{self.db_path}")
        else:
            lines.append("与库中数据完全相同，未作任何改动")
        return lines


def parse_files(paths: list[Path | str]) -> tuple[Batch, list[InputError]]:
    zones = ZoneResolver()
    parts: dict[str, list[pd.DataFrame]] = {kind: [] for kind in KINDS}
    sheets: list[SheetRecord] = []
    errors: list[InputError] = []
    for path in paths:
        result = read_file(path)
        errors += result.errors
        file_tables = 0
        for raw in result.sheets:
            collector = ErrorCollector(raw.file_name, raw.sheet)
            table = layout.understand(raw, collector)
            if table is not None:
                kind, extract = EXTRACTORS[table.layout]
                frame = extract(table, collector, zones)
                parts[kind].append(frame)
                sheets.append(SheetRecord(raw.file_name, raw.sheet, raw.sha256, table.layout, len(frame)))
                file_tables += 1
            errors += collector.errors
        if result.sheets and not file_tables and not any(e.file_name == Path(path).name for e in errors):
            errors.append(InputError(Path(path).name, message="文件中没有任何数据 — 应包含表头和数据行"))
    frames = {kind: _concat(parts[kind], _EMPTY[kind]) for kind in KINDS}
    return Batch(frames, sheets), errors


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=columns)
    if len(parts) == 1:  # a million-row sheet need not be copied
        return parts[0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


def load_files(paths: list[Path | str], db_path: Path | str, *, dry_run: bool = False, fresh: bool = False,
               loaded_by: str | None = None) -> LoadResult:
    """Load files as one all-or-nothing batch. Raises InputRejected (and touches nothing) on any error.

    fresh=True builds the new snapshot from an empty database instead of the live one (used by build-demo).
    """
    db_path = Path(db_path)
    batch, errors = parse_files(paths)
    errors += validate(*(batch.frames[kind] for kind in KINDS))
    settings, problem = _progress_settings()
    if problem:
        errors.append(problem)
    if errors:
        raise InputRejected(errors)
    result = LoadResult(db_path, batch.sheets, dry_run=dry_run)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with write_lock(db_path):
        base = None if fresh or not db_path.exists() else db_path
        result.changes = _compare(batch, base)
        result.rules_changed = base is not None and _settings_changed(base, settings)
        if dry_run or (base is not None and not result.changed_anything):
            return result
        result.load_id = _publish(batch, base, db_path, loaded_by)
        result.published = True
    return result


@contextlib.contextmanager
def write_lock(db_path: Path) -> Iterator[None]:
    """One writer at a time per database; a second writer waits. Leftovers of crashed loads are removed."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for stale in db_path.parent.glob(f".{db_path.name}.*.tmp*"):
                stale.unlink(missing_ok=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stored_frame(kind: str, batch_frame: pd.DataFrame) -> pd.DataFrame:
    frame = batch_frame.drop_duplicates(_KEYS[kind], keep="first")[_KEYS[kind] + _FIELDS[kind] + _PROVENANCE[1:-1]]
    if kind == "projects":
        for column in _DATE_FIELDS:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _compare(batch: Batch, base: Path | None) -> dict[str, Change]:
    changes: dict[str, Change] = {}
    con = duckdb.connect(str(base), read_only=True) if base else None
    try:
        for kind in KINDS:
            new = _stored_frame(kind, batch.frames[kind])
            if con is None or new.empty:
                changes[kind] = Change(added=len(new), detail=new.assign(change="added"))
                continue
            keys, fields = _KEYS[kind], _FIELDS[kind]
            stored = _stored_relation(con, _TABLES[kind], keys + fields)
            if stored is None:  # a snapshot from before this kind of fact existed
                changes[kind] = Change(added=len(new), detail=new.assign(change="added"))
                continue
            con.register("incoming", new)
            detail = con.execute(  # only added/changed rows come back to pandas; the rest are unchanged
                f"""SELECT * EXCLUDE (is_new, is_changed), CASE WHEN is_new THEN 'added' ELSE 'changed' END AS change
                    FROM (SELECT i.*, {', '.join(f's.{f} AS old_{f}' for f in fields)},
                                 s.{keys[0]} IS NULL AS is_new,
                                 s.{keys[0]} IS NOT NULL
                                 AND ({' OR '.join(f'i.{f} IS DISTINCT FROM s.{f}' for f in fields)}) AS is_changed
                          FROM incoming i LEFT JOIN {stored} s USING ({', '.join(keys)}))
                    WHERE is_new OR is_changed"""
            ).df()
            con.unregister("incoming")
            added = int((detail["change"] == "added").sum())
            changed = len(detail) - added
            changes[kind] = Change(added, changed, len(new) - added - changed, detail)
    finally:
        if con is not None:
            con.close()
    return changes


def _stored_relation(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> str | None:
    """`table` as a subquery with `columns`, NULL for columns an older snapshot lacks; None if there is no table."""
    present = {row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
    if not present:
        return None
    if all(c in present for c in columns):
        return table
    return f"(SELECT {', '.join(c if c in present else f'NULL AS {c}' for c in columns)} FROM {table})"


# ---- settings that travel with the snapshot: progress rules, 季考核 weights, chain links (环节)

_SETTINGS_TABLES = {
    "progress_rules": ["rule", "name_zh", "name_en", "yellow_days", "red_days", "default_days", "sort_order"],
    "assessment_weights": ["component", "name_zh", "name_en", "weight", "direction", "sort_order"],
    "chain_segments": ["chain", "position", "segment", "keywords", "sort_order"],
}


def _progress_settings() -> tuple[dict[str, list[dict]], InputError | None]:
    """The settings files as table rows, or the located problem that makes them unusable."""
    from etl.paths import chain_segments_file, progress_rules_file

    try:
        return {"progress_rules": catalogue.progress_rules(), "assessment_weights": catalogue.assessment_weights(),
                "chain_segments": catalogue.chain_segments()}, None
    except (OSError, ValueError, KeyError, TypeError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        names = f"{progress_rules_file().name} / {chain_segments_file().name}"
        return {}, InputError(names, message=f"配置文件无法使用：{exc} — 请按文件中的说明修改")


def _settings_changed(base: Path, settings: dict[str, list[dict]]) -> bool:
    con = duckdb.connect(str(base), read_only=True)
    try:
        for table, columns in _SETTINGS_TABLES.items():
            if _stored_relation(con, table, columns) != table:
                return True
            stored = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY sort_order").fetchall()
            wanted = [tuple(row[c] for c in columns) for row in settings[table]]
            if [tuple(r) for r in stored] != wanted:
                return True
        return False
    finally:
        con.close()


def _sync_settings(con: duckdb.DuckDBPyConnection) -> None:
    settings, problem = _progress_settings()
    if problem:
        raise ValueError(problem.message)
    for table, columns in _SETTINGS_TABLES.items():
        con.execute(f"DELETE FROM {table}")
        for row in settings[table]:
            con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                        [row[c] for c in columns])


def _publish(batch: Batch, base: Path | None, db_path: Path, loaded_by: str | None) -> int:
    tmp_path = db_path.with_name(f".{db_path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        if base is not None:
            shutil.copyfile(base, tmp_path)
        con = duckdb.connect(str(tmp_path))
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
            _sync_catalogue(con)
            _sync_settings(con)
            load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchone()[0]
            loaded_at = dt.datetime.now().replace(microsecond=0)
            for sheet in batch.sheets:
                con.execute("INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, 'loaded', ?)",
                            [load_id, loaded_at, sheet.file_name, sheet.sheet, sheet.sha256, sheet.rows, loaded_by])
            for kind in KINDS:
                _apply(con, kind, batch.frames[kind], load_id, loaded_at)
            con.execute("INSERT OR REPLACE INTO snapshot_meta VALUES ('snapshot_id', ?), ('published_at', ?),"
                        " ('load_id', ?)", [uuid.uuid4().hex, loaded_at.isoformat(), str(load_id)])
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _fsync(tmp_path)
        os.replace(tmp_path, db_path)
        _fsync(db_path.parent)
        return load_id
    finally:
        tmp_path.unlink(missing_ok=True)
        tmp_path.with_name(tmp_path.name + ".wal").unlink(missing_ok=True)


def _apply(con: duckdb.DuckDBPyConnection, kind: str, frame: pd.DataFrame, load_id: int,
           loaded_at: dt.datetime) -> None:
    if frame.empty:
        return
    keys, fields, table = _KEYS[kind], _FIELDS[kind], _TABLES[kind]
    incoming = _stored_frame(kind, frame).assign(load_id=load_id, loaded_at=loaded_at)
    con.register("incoming", incoming)
    columns = keys + fields + _PROVENANCE
    changed_or_new = f"""
        SELECT i.* FROM incoming i LEFT JOIN {table} s USING ({', '.join(keys)})
        WHERE s.{keys[0]} IS NULL OR {' OR '.join(f'i.{f} IS DISTINCT FROM s.{f}' for f in fields)}"""
    # An empty store (a first load): everything is new, so the incoming rows themselves are what is pending.
    empty = not con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)").fetchone()[0]
    pending = "VIEW" if empty else "TABLE"
    con.execute(f"CREATE TEMP {pending} pending AS {'SELECT * FROM incoming' if empty else changed_or_new}")
    key_match = " AND ".join(f"s.{k} = p.{k}" for k in keys)
    # Nothing new or changed: leave the (possibly large) store and its history unscanned.
    if con.execute("SELECT count(*) FROM (SELECT 1 FROM pending LIMIT 1)").fetchone()[0]:
        if kind == "values":
            con.execute(f"""INSERT INTO value_history SELECT s.*, {load_id} FROM value_store s
                            WHERE EXISTS (SELECT 1 FROM pending p WHERE {key_match})""")
        con.execute(f"DELETE FROM {table} s WHERE EXISTS (SELECT 1 FROM pending p WHERE {key_match})")
        select = ", ".join(f"p.{c}" for c in columns)
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM pending p")
        if kind == "projects":
            con.execute(f"INSERT INTO project_history ({', '.join(columns)}) SELECT {select} FROM pending p")
    con.execute(f"DROP {pending} pending")
    con.unregister("incoming")


def _sync_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """Dimensions always follow the catalogue files, so adding an indicator needs no code change."""
    zones = pd.DataFrame(catalogue.zones())
    zones["area_ha"] = pd.to_numeric(zones["area_ha"], errors="coerce")
    con.register("zone_rows", zones)
    con.execute("DELETE FROM zone_dim")
    con.execute("""INSERT INTO zone_dim SELECT zone_id, zone_name, short_name, city, province, level, zone_type,
                   approved, area_ha, leading_industries, source FROM zone_rows""")
    con.unregister("zone_rows")
    indicators = pd.DataFrame([vars(i) for i in catalogue.indicators().values()])
    con.register("indicator_rows", indicators)
    con.execute("DELETE FROM indicator_dim")
    con.execute("""INSERT INTO indicator_dim SELECT code, name_zh, name_en, unit, direction, category, kind,
                   sort_order FROM indicator_rows""")
    con.unregister("indicator_rows")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
