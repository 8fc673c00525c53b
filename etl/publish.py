"""Read → normalise → validate → publish, all or nothing per call.

The live database file is never written in place: a new snapshot is built beside it (a copy of the live
file plus this load) and swapped in with os.replace, so readers see either the old or the new snapshot,
and a crash at any point leaves the live file as it was.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import catalogue, distribute, layout, ledger, plausibility, snapshots, storage, totals
from etl.account import SheetAccount
from etl.errors import ErrorCollector, InputError, InputRejected, OutliersUnconfirmed, PublishBusy
from etl.facts import (
    CHAIN_LINK_COLUMNS,
    ENTERPRISE_COLUMNS,
    PROJECT_COLUMNS,
    TARGET_COLUMNS,
    VALUE_COLUMNS,
    ZoneResolver,
)
from etl.normalise import EXTRACTORS
from etl.paths import SCHEMA_SQL
from etl.read import read_file
from etl.validate import project_conflicts, validate
from etl.workbooks import release_freed_memory

KINDS = ("values", "targets", "enterprises", "projects", "chain_links")
_EMPTY = {"values": VALUE_COLUMNS, "targets": TARGET_COLUMNS, "enterprises": ENTERPRISE_COLUMNS,
          "projects": PROJECT_COLUMNS + ledger.EXTRA_COLUMNS, "chain_links": CHAIN_LINK_COLUMNS}
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
class FileRecord:
    """One input file of a load: its name, SHA-256 and size in bytes."""

    name: str
    sha256: str
    size: int


@dataclass
class Batch:
    frames: dict[str, pd.DataFrame]
    sheets: list[SheetRecord]
    accounts: list[SheetAccount] = field(default_factory=list)
    priors: pd.DataFrame | None = None  # 上年同期 figures, taken where nothing else gives that year (_take_priors)
    renames: dict[str, str] = field(default_factory=dict)  # stored project_id -> the 编号 a ledger now gives it


@dataclass
class Change:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    detail: pd.DataFrame | None = None  # one row per added/changed fact with old and new values
    removed: int = 0  # only a rollback removes facts


@dataclass
class LoadResult:
    db_path: Path
    sheets: list[SheetRecord]
    changes: dict[str, Change] = field(default_factory=dict)
    load_id: int | None = None
    published: bool = False
    dry_run: bool = False
    rules_changed: bool = False  # progress rules / chain links (etl/catalogue/*.toml) differ from the snapshot's
    # One row per incoming fact (and, for a rollback, per fact it removes): see DIFF_COLUMNS for the columns.
    diffs: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[FileRecord] = field(default_factory=list)
    kind: str = "load"  # load | rollback | demo
    rolled_back_to: int | None = None  # for kind == "rollback": the load whose data was restored
    loaded_by: str | None = None
    accounts: list[SheetAccount] = field(default_factory=list)  # what was read from each sheet, and how
    outliers: list[InputError] = field(default_factory=list)  # suspect magnitudes (etl/plausibility.py)
    outliers_confirmed: bool = False  # published with outliers because someone confirmed them

    @property
    def changed_anything(self) -> bool:
        return self.rules_changed or any(c.added or c.changed or c.removed for c in self.changes.values())

    @property
    def value_diff(self) -> pd.DataFrame:
        return self.diffs.get("values", _empty_diff("values"))

    @property
    def project_diff(self) -> pd.DataFrame:
        return self.diffs.get("projects", _empty_diff("projects"))

    def summary_lines(self) -> list[str]:
        names = _KIND_NAMES
        if self.accounts:
            lines = [line for account in self.accounts for line in account.lines()]
        else:
            lines = [f"{s.file_name}{':' + s.sheet if s.sheet else ''}：{layout.LAYOUT_NAMES[s.layout]}，{s.rows} 行"
                     for s in self.sheets]
        if self.kind == "rollback":
            lines.append(f"回滚到第 {self.rolled_back_to} 次导入后的数据")
        for kind, change in self.changes.items():
            if change.added or change.changed or change.unchanged or change.removed:
                removed = f"，移除 {change.removed}" if change.removed else ""
                lines.append(f"{names[kind]}：新增 {change.added}，更新 {change.changed}{removed}，"
                             f"未变 {change.unchanged}")
        if self.rules_changed:
            lines.append("项目推进规则或产业链环节配置已更改，将随本次导入生效")
        if self.outliers:
            done = "，已确认无误" if self.outliers_confirmed else "，发布前须确认（--confirm-outliers）"
            lines.append(f"疑似异常值 {len(self.outliers)} 处{done}：")
            lines.extend(f"  {error}" for error in self.outliers)
        if self.dry_run:
            lines.append("试运行（--dry-run）：数据库未作任何改动")
        elif self.published and self.kind == "rollback":
            lines.append(f"已发布为第 {self.load_id} 次发布（回滚）：{self.db_path}")
        elif self.published:
            lines.append(f"已发布为第 {self.load_id} 次导入：{self.db_path}")
        else:
            lines.append("文件中的数值与库中相同，未作任何改动（留空或填“—”的单元格不改变库中已有的数值）")
        return lines

    def to_dict(self) -> dict:
        """The account, the counts and (dry run) every changing figure, for `--json` and scripts."""
        return {
            "db": str(self.db_path), "dry_run": self.dry_run, "published": self.published, "load_id": self.load_id,
            "kind": self.kind, "sheets": [account.to_dict() for account in self.accounts],
            "changes": {kind: {"added": c.added, "changed": c.changed, "unchanged": c.unchanged, "removed": c.removed}
                        for kind, c in self.changes.items()},
            "diffs": {kind: json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
                      for kind, frame in self.diffs.items() if frame is not None and not frame.empty},
            "outliers": [{"location": e.location(), "file": e.file_name, "sheet": e.sheet, "row": e.row,
                          "column": e.column, "message": e.message} for e in self.outliers],
            "outliers_confirmed": self.outliers_confirmed,
            "summary": self.summary_lines(),
        }


def parse_files(paths: list[Path | str]) -> tuple[Batch, list[InputError]]:
    zones = ZoneResolver()
    parts: dict[str, list[pd.DataFrame]] = {kind: [] for kind in KINDS}
    sheets: list[SheetRecord] = []
    accounts: list[SheetAccount] = []
    errors: list[InputError] = []
    priors: list[pd.DataFrame] = []
    for path in paths:
        result = read_file(path)
        errors += result.errors
        accounts += result.skipped
        file_tables = file_rows = 0
        for raw in result.sheets:
            collector = ErrorCollector(raw.file_name, raw.sheet)
            table = layout.understand(raw, collector)
            if table is not None:
                kind, extract = EXTRACTORS[table.layout]
                frame = totals.extract_checked(extract, table, collector, zones)  # and any further tables on it
                file_rows += len(frame)
                if "role" in frame.columns:  # a values sheet may carry targets and last year's figures too
                    parts["targets"].append(_as_targets(frame[frame["role"] == "target"]))
                    priors.append(frame[frame["role"] == "prior"].drop(columns="role"))
                    frame = frame[frame["role"] == "value"].drop(columns="role")
                parts[kind].append(frame)
                sheets.append(SheetRecord(raw.file_name, raw.sheet, raw.sha256, table.layout, len(frame)))
                file_tables += 1
            accounts.append(raw.account)
            errors += collector.errors
        if result.sheets and not any(e.file_name == Path(path).name for e in errors):
            if not file_tables:
                errors.append(InputError(Path(path).name, message="文件中没有任何数据 — 应包含表头和数据行"))
            elif not file_rows:  # every row skipped (names outside the catalogue, figures all blank …): never "no change"
                errors.append(InputError(Path(path).name, message="没有读到可导入的数据：表中各行都被跳过或没有数值（见下方读取情况）"
                                                                  " — 请核对指标、开发区名称是否与目录一致，数值是否已填写"))
    frames = {kind: _concat(parts[kind], _EMPTY[kind]) for kind in KINDS}
    return Batch(frames, sheets, accounts, _concat(priors, VALUE_COLUMNS)), errors


def _as_targets(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"value": "target"})[TARGET_COLUMNS].reset_index(drop=True)


def _take_priors(batch: Batch, base: Path | None) -> None:
    """上年同期 figures fill the year before only where nothing says otherwise: a value of this batch or of the
    live database wins, and a prior that contradicts it is reported in the sheet's account, never stored."""
    priors = batch.priors
    if priors is None or priors.empty:
        return
    keys = ["zone_id", "year", "indicator"]
    known = batch.frames["values"][keys + ["value"]].astype({"zone_id": str, "indicator": str})
    if base is not None:
        con = open_read_only(base)
        try:
            stored = con.execute("SELECT zone_id, year, indicator, value FROM value_store").df()
        finally:
            con.close()
        known = pd.concat([known, stored.astype({"zone_id": str, "indicator": str})], ignore_index=True)
    known = known.drop_duplicates(keys, keep="first")
    priors = priors.astype({"zone_id": str, "indicator": str}).drop_duplicates(keys, keep="first")
    joined = priors.merge(known, on=keys, how="left", suffixes=("", "_known"))
    by_place = {(a.file_name, a.sheet): a for a in batch.accounts}
    names = {code: i.name_zh for code, i in catalogue.indicators().items()}
    for row in joined[joined["value_known"].notna()].itertuples(index=False):
        if abs(row.value - row.value_known) > 1e-6 * max(1.0, abs(row.value_known)):
            account = by_place.get((row.file_name, row.sheet))
            if account is not None:
                account.note(f"第 {row.row_number} 行“{names.get(row.indicator, row.indicator)}”上年同期数 {row.value:g}"
                             f" 与已有的 {row.year} 年数据 {row.value_known:g} 不一致 — 未采用上年同期数，请核对")
    fresh = joined[joined["value_known"].isna()].drop(columns="value_known")
    if not fresh.empty:
        batch.frames["values"] = pd.concat([batch.frames["values"], fresh[VALUE_COLUMNS]], ignore_index=True)


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=columns)
    if len(parts) == 1:  # a million-row sheet need not be copied
        return parts[0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


def load_files(paths: list[Path | str], db_path: Path | str, *, dry_run: bool = False, fresh: bool = False,
               loaded_by: str | None = None, lock_timeout: float | None = None, kind: str = "load",
               confirm_outliers: bool = False) -> LoadResult:
    """Load files as one all-or-nothing batch. Raises InputRejected (and touches nothing) on any error.

    fresh=True builds the new snapshot from an empty database instead of the live one (used by build-demo); it is
    still one more publish in the history (etl.publish._carry_history), so earlier snapshots stay restorable.
    dry_run=True compares with the live snapshot and fills result.diffs (value_diff, project_diff, …) but
    writes nothing. lock_timeout: seconds to wait for another publish to finish (None = wait as long as it
    takes); raises PublishBusy when it runs out. kind is recorded in the `loads` table (load | demo).
    Suspect magnitudes (etl/plausibility.py) are listed in result.outliers; a real load with any raises
    OutliersUnconfirmed (an InputRejected) unless confirm_outliers=True.
    """
    db_path = Path(db_path)
    files = [file_record(p) for p in paths if Path(p).is_file()]
    batch, errors = parse_files(paths)
    release_freed_memory()  # the sheets' grids are gone: the peak of what follows stays near the batch's own size
    if not errors:
        _take_priors(batch, db_path if db_path.exists() and not fresh else None)
    errors += validate(*(batch.frames[kind] for kind in KINDS))
    settings, problem = _progress_settings()
    if problem:
        errors.append(problem)
    if errors:
        raise InputRejected(errors, batch.accounts)
    result = LoadResult(db_path, batch.sheets, dry_run=dry_run, files=files, kind=kind, loaded_by=loaded_by,
                        accounts=batch.accounts)
    if not dry_run:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    elif not db_path.parent.exists():  # nothing to compare with and nowhere to lock: everything is new
        result.outliers = _outliers(batch, None)
        result.changes, result.diffs = _compare(batch, None)
        return result
    with write_lock(db_path, lock_timeout):
        base = None if fresh or not db_path.exists() else db_path
        if base is not None:
            _match_projects(batch, base)
        result.outliers = _outliers(batch, base)
        if result.outliers and not dry_run:
            _confirm_outliers(result, batch, confirm_outliers)
        result.changes, result.diffs = _compare(batch, base, detailed=dry_run)
        result.rules_changed = base is not None and _settings_changed(base, settings)
        if dry_run or (base is not None and not result.changed_anything):
            return result
        result.load_id = _publish(batch, base, db_path, loaded_by, result, fresh=fresh)
        result.published = True
    return result


def _outliers(batch: Batch, base: Path | None) -> list[InputError]:
    """The batch's suspect magnitudes against the snapshot `base` (read-only) and its own other rows."""
    try:
        limits = plausibility.thresholds()
    except (OSError, ValueError, TypeError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        problem = InputError(plausibility.THRESHOLDS_FILE.name, message=f"配置文件无法使用：{exc} — 请按文件中的说明修改")
        raise InputRejected([problem], batch.accounts) from None
    con = open_read_only(base) if base else duckdb.connect(":memory:")
    try:
        return plausibility.find_outliers(batch.frames, con, stored=base is not None, limits=limits)
    finally:
        con.close()


def _confirm_outliers(result: LoadResult, batch: Batch, confirmed: bool) -> None:
    """Refuse a real load with unconfirmed outliers; a confirmed one says so in the account of each sheet."""
    if not confirmed:
        raise OutliersUnconfirmed(result.outliers, batch.accounts)
    result.outliers_confirmed = True
    for account in batch.accounts:
        mine = [e for e in result.outliers if (e.file_name, e.sheet) == (account.file_name, account.sheet)]
        if mine:
            account.note(f"疑似异常值 {len(mine)} 处，已由{result.loaded_by or '操作人'}确认无误后发布")


def _match_projects(batch: Batch, base: Path) -> None:
    """Projects without 项目编号 take the ids they are stored under (etl.ledger.match_stored); raises
    InputRejected, before anything is written, when a name is ambiguous or the matching makes two rows one."""
    projects = batch.frames["projects"]
    if projects.empty:
        return
    con = open_read_only(base)
    try:
        stored = _stored_relation(con, _TABLES["projects"], ["project_id", "zone_id", "project_name"])
        if stored is None:
            return
        batch.renames = ledger.ids_now_given(projects, con, stored, batch.accounts)
        matched, errors = projects, []
        if not projects["id_given"].all():
            matched, errors = ledger.match_stored(projects, con, stored, batch.accounts)
        errors += _older_than_stored(matched, con, batch.renames)
        _note_possible_renames(matched, con, batch.accounts)
        _note_left_out(matched, con, batch.renames, batch.accounts)
    finally:
        con.close()
    errors += project_conflicts(matched)
    if errors:
        raise InputRejected(errors, batch.accounts)
    batch.frames["projects"] = matched


def _note_possible_renames(projects: pd.DataFrame, con: duckdb.DuckDBPyConnection,
                           accounts: list[SheetAccount]) -> None:
    """A project new to the store, sent without 编号, whose investor and signing day are those of a stored project of
    the zone that this send leaves out: most likely the same project renamed. Said, not guessed (a name is how
    a ledger without 编号 tells its projects apart)."""
    fresh = projects[~projects["id_given"].to_numpy(dtype=bool)] if "id_given" in projects else projects.iloc[0:0]
    fresh = fresh[fresh["investor"].notna() & fresh["signed_date"].notna()]
    if fresh.empty:
        return
    stored = _stored_relation(con, _TABLES["projects"], ["project_id", "zone_id", "project_name", "investor",
                                                         "signed_date"])
    known = con.execute(f"SELECT project_id AS old_id, zone_id, project_name AS old_name, investor, signed_date"
                        f" FROM {stored} WHERE zone_id IN (SELECT unnest(?::VARCHAR[])) AND investor IS NOT NULL",
                        [fresh["zone_id"].unique().tolist()]).df()
    fresh = fresh[~fresh["project_id"].isin(known["old_id"])]
    known = known[~known["old_id"].isin(projects["project_id"])]  # left out of this send
    if fresh.empty or known.empty:
        return
    def day(dates: pd.Series) -> pd.Series:  # one type on both sides, whatever each side's date type
        return pd.to_datetime(dates, errors="coerce").dt.strftime("%Y-%m-%d")

    fresh = fresh.assign(day=day(fresh["signed_date"]), investor=fresh["investor"].astype(str))
    known = known.assign(day=day(known["signed_date"]), investor=known["investor"].astype(str)).drop(
        columns="signed_date")
    pairs = fresh.merge(known, on=["zone_id", "investor", "day"])
    for account in accounts:
        for row in account.rows_in(pairs).head(5).itertuples(index=False):
            account.note(f"新项目“{str(row.project_name)[:30]}”与库中未在本次台账出现的“{str(row.old_name)[:30]}”"
                         f"（{row.old_id}）投资方、签约日期相同 — 如为同一项目改名，请在“项目编号”列填写 {row.old_id}，"
                         "否则两者都计入")


def _note_left_out(projects: pd.DataFrame, con: duckdb.DuckDBPyConnection, renames: dict[str, str],
                   accounts: list[SheetAccount]) -> None:
    """Stored projects of the ledger's zones that this send does not list: they keep counting as they stand, which
    a clerk who dropped a withdrawn project from the sheet may not expect."""
    stored = _stored_relation(con, _TABLES["projects"], ["project_id", "zone_id", "project_name", "status"])
    sent = set(projects["project_id"]) | set(renames)
    left = con.execute(f"SELECT project_id, project_name FROM {stored} WHERE zone_id IN (SELECT unnest(?::VARCHAR[]))"
                       " AND coalesce(status, '') <> '终止' ORDER BY project_id",
                       [projects["zone_id"].dropna().unique().tolist()]).df()
    left = left[~left["project_id"].isin(sent)]
    ledger_accounts = [a for a in accounts if a.file_name in set(projects["file_name"])]
    if left.empty or not ledger_accounts:
        return
    examples = "、".join(f"“{str(name)[:20]}”" for name in left["project_name"].head(2))
    ledger_accounts[0].note(f"库中这些开发区另有 {len(left)} 个项目本次台账未列出（如{examples}）：仍按库中的状态计入；"
                            "已终止或转出的项目请留在台账中，把项目状态写为“终止”")


def _older_than_stored(projects: pd.DataFrame, con: duckdb.DuckDBPyConnection, renames: dict[str, str]
                       ) -> list[InputError]:
    """A ledger as of an earlier day than the one its projects are stored from (last month's sent again after this
    week's): loading it would set their status and dates back. Refused, one error per sheet, naming both days."""
    if "updated_date" not in projects or projects["updated_date"].isna().all():
        return []
    stored = _stored_relation(con, _TABLES["projects"], ["project_id", "updated_date"])
    incoming = projects.loc[projects["updated_date"].notna(), ["project_id", "updated_date", "project_name",
                                                              "file_name", "sheet", "row_number"]]
    back = {new: old for old, new in renames.items()}
    incoming = incoming.assign(stored_id=[back.get(i, i) for i in incoming["project_id"]])
    known = con.execute(f"SELECT project_id AS stored_id, updated_date AS stored_date FROM {stored}"
                        " WHERE updated_date IS NOT NULL AND project_id IN (SELECT unnest(?::VARCHAR[]))",
                        [incoming["stored_id"].unique().tolist()]).df()
    if known.empty:
        return []
    both = incoming.merge(known, on="stored_id")
    older = both[pd.to_datetime(both["updated_date"]) < pd.to_datetime(both["stored_date"])]
    errors = []
    for (file_name, sheet), rows in older.groupby(["file_name", "sheet"], dropna=False, sort=False):
        first = rows.sort_values("row_number").iloc[0]
        errors.append(InputError(file_name, None if pd.isna(sheet) else sheet, int(first["row_number"]), None,
                                 f"本台账的项目截至 {pd.Timestamp(first['updated_date']).date()}，早于库中的"
                                 f" {pd.Timestamp(first['stored_date']).date()}（“{str(first['project_name'])[:30]}”等"
                                 f" {len(rows)} 个项目）— 导入会把它们的状态和日期退回旧值；如这是新台账，请改正标题或"
                                 "“更新日期”列中的日期，如确要恢复旧数据，请在数据管理中回滚到当时的导入"))
    return errors


def file_record(path: Path | str) -> FileRecord:
    path = Path(path)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return FileRecord(path.name, digest.hexdigest(), path.stat().st_size)


_LOCK_POLL_SECONDS = 0.05


@contextlib.contextmanager
def write_lock(db_path: Path | str, timeout: float | None = None) -> Iterator[None]:
    """One writer at a time per database; a second writer waits (at most `timeout` seconds, then PublishBusy).

    Leftovers of crashed publishes (temporary snapshots beside the live file and in the snapshot folder)
    are removed once the lock is held.
    """
    db_path = Path(db_path)
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "a+") as handle:
        if timeout is None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        else:
            started = time.monotonic()
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        raise
                    waited = time.monotonic() - started
                    if waited >= timeout:
                        raise PublishBusy(db_path, waited) from None
                    time.sleep(min(_LOCK_POLL_SECONDS, max(timeout - waited, 0.001)))
        try:
            for stale in db_path.parent.glob(f".{db_path.name}.*.tmp*"):
                stale.unlink(missing_ok=True)
            snapshots.remove_partial(db_path)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


FILE_MODE, DIR_MODE = 0o640, 0o750  # nothing the ETL writes is world-readable


def temp_path(db_path: Path) -> Path:
    """Where a new snapshot is built: beside the live file (same file system, so os.replace is atomic)."""
    return db_path.with_name(f".{db_path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")


def remove_temp(tmp_path: Path) -> None:
    tmp_path.unlink(missing_ok=True)
    tmp_path.with_name(tmp_path.name + ".wal").unlink(missing_ok=True)


def swap_in(tmp_path: Path, db_path: Path, load_id: int) -> None:
    """fsync the finished snapshot, keep it under .snapshots/, os.replace it over the live file, prune.
    The database and its kept snapshots are readable by owner and group only (FILE_MODE, DIR_MODE)."""
    os.chmod(tmp_path, FILE_MODE)  # before it is kept: a hard link shares the mode
    _fsync(tmp_path)
    kept = snapshots.stage(tmp_path, db_path, load_id)
    if kept is not None:
        os.chmod(kept, FILE_MODE)  # a copy or clone has the umask's mode
        os.chmod(kept.parent, DIR_MODE)
    try:
        os.replace(tmp_path, db_path)
        _fsync(db_path.parent)
        snapshots.commit(kept, db_path, load_id)
    finally:
        snapshots.discard(kept)
    snapshots.prune(db_path)
    distribute.publish_if_configured(db_path)  # replicas on other hosts (DEVZONE_PUBLISH_DIR)


def _stored_frame(kind: str, batch_frame: pd.DataFrame) -> pd.DataFrame:
    columns = _KEYS[kind] + _FIELDS[kind] + _PROVENANCE[1:-1]
    if kind != "projects":
        return batch_frame.drop_duplicates(_KEYS[kind], keep="first")[columns]
    # A 200,000-row ledger is not copied when it holds each project once and its dates are datetime.date
    # objects already (etl.ledger gives them so): only other frames have their dates converted.
    duplicated = batch_frame.duplicated(_KEYS[kind], keep="first")
    frame = batch_frame[~duplicated][columns] if duplicated.any() else batch_frame[columns]
    for column in _DATE_FIELDS:
        if pd.api.types.infer_dtype(frame[column], skipna=True) != "date":
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _compare(batch: Batch, base: Path | None, *, detailed: bool = True
             ) -> tuple[dict[str, Change], dict[str, pd.DataFrame]]:
    """What this batch adds and changes against the snapshot `base`: counts per kind and the added/changed rows;
    with detailed=True (a dry run, which people read) also one diff row per fact, unchanged ones included.
    A real load skips the diff tables: on a million-row file only the changed rows are worth bringing back."""
    changes: dict[str, Change] = {}
    diffs: dict[str, pd.DataFrame] = {}
    con = open_read_only(base) if base else None
    try:
        for kind in KINDS:
            new = _stored_frame(kind, batch.frames[kind])
            keys, fields = _KEYS[kind], _FIELDS[kind]
            stored = None if con is None or new.empty else _stored_relation(con, _TABLES[kind], keys + fields)
            renamed = ""
            if stored is not None and kind == "projects" and batch.renames:  # compared under the ids they now take
                con.register("project_renames", _renames_frame(batch.renames))
                stored = (f"(SELECT coalesce(r.new_id, s.project_id) AS project_id, s.* EXCLUDE (project_id),"
                          f" r.new_id IS NOT NULL AS renamed FROM {stored} s"
                          " LEFT JOIN project_renames r ON r.old_id = s.project_id)")
                renamed = " OR s.renamed"
            if stored is None:  # no snapshot yet, nothing incoming, or a snapshot from before this kind existed
                changes[kind] = Change(added=len(new), detail=new.assign(change="added"))
                if detailed:
                    diffs[kind] = diff_frame(kind, new.assign(**{f"old_{f}": None for f in fields},
                                                              diff_status="added", changed_fields=""))
                continue
            con.register("incoming", storage.for_scan(new))
            if kind == "projects" and not detailed:  # a real load: the counts are all it reports
                changes[kind] = _project_counts(con, stored, len(new), renamed)
                con.unregister("incoming")
                continue
            joined = con.execute(
                f"""SELECT * FROM (
                        SELECT i.*, {', '.join(f's.{f} AS old_{f}' for f in fields)},
                               s.{keys[0]} IS NULL AS is_new,
                               s.{keys[0]} IS NOT NULL AND ({_any_distinct(fields)}{renamed}) AS is_changed,
                               CASE WHEN s.{keys[0]} IS NULL THEN ''
                                    ELSE {_changed_list(fields, renamed=bool(renamed))} END
                                   AS changed_fields
                        FROM incoming i LEFT JOIN {stored} s USING ({', '.join(keys)}))
                    {'' if detailed else 'WHERE is_new OR is_changed'}"""
            ).df()
            con.unregister("incoming")
            is_new, is_changed = joined["is_new"].astype(bool), joined["is_changed"].astype(bool)
            added, changed = int(is_new.sum()), int(is_changed.sum())
            status = pd.Series("unchanged", index=joined.index, dtype=object)
            status[is_new] = "added"
            status[is_changed] = "changed"
            joined["diff_status"] = status
            detail = joined[is_new | is_changed].copy()
            detail["change"] = detail["diff_status"]
            changes[kind] = Change(added, changed, len(new) - added - changed,
                                   detail.drop(columns=["is_new", "is_changed", "diff_status", "changed_fields"]))
            if detailed:
                diffs[kind] = diff_frame(kind, joined)
    finally:
        if con is not None:
            con.close()
    return changes, diffs


def _project_counts(con: duckdb.DuckDBPyConnection, stored: str, incoming: int, renamed: str = "") -> Change:
    """Added and changed projects counted in DuckDB: a 200,000-row weekly ledger whose every row changed need
    not come back to Python (Change.detail stays None)."""
    keys, fields = _KEYS["projects"], _FIELDS["projects"]
    added, changed = con.execute(
        f"""SELECT count(*) FILTER (WHERE s.{keys[0]} IS NULL),
                   count(*) FILTER (WHERE s.{keys[0]} IS NOT NULL AND ({_any_distinct(fields)}{renamed}))
            FROM incoming i LEFT JOIN {stored} s USING ({', '.join(keys)})""").fetchall()[0]
    return Change(added, changed, incoming - added - changed)


def _any_distinct(fields: list[str], new: str = "i", old: str = "s") -> str:
    return " OR ".join(f"{new}.{f} IS DISTINCT FROM {old}.{f}" for f in fields)


def _changed_list(fields: list[str], new: str = "i", old: str = "s", renamed: bool = False) -> str:
    parts = [f"CASE WHEN {new}.{f} IS DISTINCT FROM {old}.{f} THEN '{f}' END" for f in fields]
    if renamed:  # a project that takes the 编号 a ledger now gives it (_compare)
        parts.append(f"CASE WHEN {old}.renamed THEN 'project_id' END")
    return f"concat_ws(', ', {', '.join(parts)})"


# ---- diffs: what a load (or a rollback) does to each fact, in the words of the people who check it

DIFF_STATUSES = ("added", "changed", "removed", "unchanged")
FIELD_LABELS = {
    "value": "数值", "source": "来源", "is_synthetic": "模拟数据", "target": "目标值", "recognised_year": "认定年份",
    "project_name": "项目名称", "zone_id": "所属开发区", "investor": "投资方", "investor_origin": "投资方所在地",
    "chain": "产业链", "total_investment": "总投资（亿元）", "signed_date": "签约日期", "started_date": "开工日期",
    "production_date": "投产日期", "status": "项目状态", "projected_output": "预计年产值（亿元）",
    "projected_tax": "预计利税（亿元）", "chain_leader": "链主企业", "lead_official": "包联领导", "note": "备注",
    "planned_production_date": "计划投产日期", "updated_date": "更新日期", "relation": "关系",
    "introduced_by": "引荐企业", "mode": "招商方式", "segment": "产业链环节", "project_ref": "项目编号",
    "project_id": "项目编号",
}
DIFF_COLUMNS = {
    "values": ["zone_code", "zone_name", "year", "indicator_code", "indicator_name", "unit", "old_value",
               "new_value", "status", "changed_fields", "change_text"],
    "targets": ["zone_code", "zone_name", "year", "indicator_code", "indicator_name", "unit", "old_target",
                "new_target", "status", "changed_fields", "change_text"],
    "projects": ["project_id", "project_name", "zone_code", "zone_name", "project_status", "old_project_status",
                 "total_investment", "old_total_investment", "status", "changed_fields", "change_text"],
    "enterprises": ["zone_code", "zone_name", "enterprise_name", "category", "recognised_year",
                    "old_recognised_year", "status", "changed_fields", "change_text"],
    "chain_links": ["zone_code", "zone_name", "chain_leader", "partner", "relation", "status", "changed_fields",
                    "change_text"],
}


def _empty_diff(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=DIFF_COLUMNS[kind])


def _show(value: object) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def diff_frame(kind: str, joined: pd.DataFrame) -> pd.DataFrame:
    """Turn a compared frame (new columns, old_<field> columns, diff_status, changed_fields) into the diff table."""
    if joined.empty:
        return _empty_diff(kind)
    frame = joined.reset_index(drop=True)
    zone_names = {z["zone_id"]: z["zone_name"] for z in catalogue.zones()}
    indicators = catalogue.indicators()
    texts = pd.Series("", index=frame.index, dtype=object)
    touched = frame["changed_fields"].fillna("").astype(str) != ""
    for index, row in zip(frame.index[touched], frame[touched].to_dict("records"), strict=True):
        names = [f for f in row["changed_fields"].split(", ") if f]
        texts[index] = "；".join(f"{FIELD_LABELS.get(f, f)}：{_show(row.get('old_' + f))} → {_show(row.get(f))}"
                                 for f in names)
    out = pd.DataFrame({"zone_code": frame["zone_id"]})
    out["zone_name"] = frame["zone_id"].map(zone_names)
    if kind in ("values", "targets"):
        out["year"] = frame["year"].astype("Int64")
        out["indicator_code"] = frame["indicator"]
        out["indicator_name"] = frame["indicator"].map(lambda c: indicators[c].name_zh if c in indicators else c)
        out["unit"] = frame["indicator"].map(lambda c: indicators[c].unit if c in indicators else None)
        field_name = "value" if kind == "values" else "target"
        out[f"old_{field_name}"] = pd.to_numeric(frame[f"old_{field_name}"], errors="coerce")
        out[f"new_{field_name}"] = pd.to_numeric(frame[field_name], errors="coerce")
    elif kind == "projects":
        out.insert(0, "project_id", frame["project_id"])
        out.insert(1, "project_name", frame["project_name"].where(frame["project_name"].notna(),
                                                                  frame["old_project_name"]))
        out["zone_code"] = frame["zone_id"].where(frame["zone_id"].notna(), frame["old_zone_id"])
        out["zone_name"] = out["zone_code"].map(zone_names)
        out["project_status"] = frame["status"]
        out["old_project_status"] = frame["old_status"]
        out["total_investment"] = pd.to_numeric(frame["total_investment"], errors="coerce")
        out["old_total_investment"] = pd.to_numeric(frame["old_total_investment"], errors="coerce")
    elif kind == "enterprises":
        out["enterprise_name"] = frame["enterprise_name"]
        out["category"] = frame["category"]
        out["recognised_year"] = pd.to_numeric(frame["recognised_year"], errors="coerce").astype("Int64")
        out["old_recognised_year"] = pd.to_numeric(frame["old_recognised_year"], errors="coerce").astype("Int64")
    else:
        out["chain_leader"] = frame["chain_leader"]
        out["partner"] = frame["partner"]
        out["relation"] = frame["relation"]
    out["status"] = frame["diff_status"].astype(object)
    out["changed_fields"] = frame["changed_fields"].fillna("").astype(object)
    out["change_text"] = texts
    order = out["status"].map({s: i for i, s in enumerate(DIFF_STATUSES)})
    out = out.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")
    return out[DIFF_COLUMNS[kind]].reset_index(drop=True)


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB with the snapshot ATTACHed read-only (never the process-wide cached instance
    of the path, which may still be an older snapshot) and selected as the default catalog."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {storage.sql_string(str(path))} AS snap (READ_ONLY)")
        con.execute("USE snap")
    except BaseException:
        con.close()
        raise
    return con


def _stored_relation(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> str | None:
    """`table` as a subquery with `columns`, NULL for columns an older snapshot lacks; None if there is no table."""
    present = {row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
        " AND table_catalog = current_database()", [table]).fetchall()}
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
    con = open_read_only(base)
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


def _publish(batch: Batch, base: Path | None, db_path: Path, loaded_by: str | None, result: LoadResult,
             fresh: bool = False) -> int:
    tmp_path = temp_path(db_path)
    try:
        con = storage.open_new_snapshot(tmp_path, base)
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
            backfill_loads(con)
            _sync_catalogue(con)
            _sync_settings(con)
            load_id = next_load_id(con)
            if fresh:
                load_id = _carry_history(con, db_path, load_id)
            loaded_at = dt.datetime.now().replace(microsecond=0)
            for sheet in batch.sheets:
                con.execute("INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, 'loaded', ?)",
                            [load_id, loaded_at, sheet.file_name, sheet.sheet, sheet.sha256, sheet.rows, loaded_by])
            if batch.renames:  # before the ledger's rows meet the store: they match the projects by their new ids
                _rename_projects(con, batch.renames)
            for kind in KINDS:
                _apply(con, kind, batch.frames[kind], load_id, loaded_at)
            snapshot_id = uuid.uuid4().hex
            record_load(con, load_id, kind=result.kind, loaded_at=loaded_at, loaded_by=loaded_by,
                        files=files_json(result.files, batch.sheets, result), changes=result.changes,
                        snapshot_id=snapshot_id)
            con.execute("INSERT OR REPLACE INTO snapshot_meta VALUES ('snapshot_id', ?), ('published_at', ?),"
                        " ('load_id', ?)", [snapshot_id, loaded_at.isoformat(), str(load_id)])
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        swap_in(tmp_path, db_path, load_id)
        return load_id
    finally:
        remove_temp(tmp_path)


def history_source(db_path: Path) -> Path | None:
    """Where the history of `db_path` can be read: the live file, else the newest readable kept snapshot."""
    for candidate in [db_path, *reversed(snapshots.kept(db_path).values())]:
        if not candidate.is_file():
            continue
        try:
            con = open_read_only(candidate)
            try:
                con.execute("SELECT count(*) FROM load_log").fetchone()
            finally:
                con.close()
        except duckdb.Error:
            continue
        return candidate
    return None


def _carry_history(con: duckdb.DuckDBPyConnection, db_path: Path, load_id: int) -> int:
    """A build from scratch is one more publish, not a new lineage: the history of the database it replaces
    (the live file, or the newest readable kept snapshot when that is damaged) is copied in, every earlier load
    marked as replaced by this one, and the new load id follows every earlier id and every kept snapshot, so
    that the earlier snapshots stay valid rollback targets. Returns this publish's load id."""
    source = history_source(db_path)
    if source is not None:
        con.execute(f"ATTACH {storage.sql_string(str(source))} AS prior (READ_ONLY)")
        try:
            has_loads = con.execute("SELECT table_name FROM information_schema.tables"
                                   " WHERE table_catalog = 'prior' AND table_name = 'loads'").fetchall()
            for table in ("loads", "load_log") if has_loads else ("load_log",):
                present = {r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'prior'"
                    " AND table_name = ?", [table]).fetchall()}
                columns = [r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database()"
                    " AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]
                shared = [c for c in columns if c in present]
                con.execute(f"INSERT INTO {table} ({', '.join(shared)}) SELECT {', '.join(shared)} FROM prior.{table}")
        finally:
            con.execute("DETACH prior")
        backfill_loads(con)  # loads older than the `loads` table, from the copied load_log
    load_id = max(next_load_id(con), max(snapshots.kept(db_path), default=0) + 1, load_id)
    con.execute("UPDATE loads SET rolled_back_by = ? WHERE coalesce(status, 'active') = 'active'", [load_id])
    con.execute("UPDATE loads SET status = 'rolled_back'")
    con.execute("UPDATE load_log SET status = 'rolled_back'")
    return load_id


# ---- the `loads` table: one row per publish (load, demo build or rollback)

LOAD_COLUMNS = ["load_id", "kind", "loaded_at", "loaded_by", "files", "values_added", "values_changed",
                "values_unchanged", "values_removed", "changes", "target_load_id", "status", "rolled_back_by",
                "snapshot_id"]


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(greatest((SELECT max(load_id) FROM load_log),"
                       " (SELECT max(load_id) FROM loads)), 0) + 1").fetchone()[0]


def files_json(files: list[FileRecord], sheets: list[SheetRecord], result: LoadResult | None = None) -> str:
    records = []
    for record in files:
        records.append({"name": record.name, "sha256": record.sha256, "size": record.size,
                        "sheets": [s.sheet for s in sheets if s.file_name == record.name and s.sheet],
                        "rows": sum(s.rows for s in sheets if s.file_name == record.name)})
        if result is not None and result.outliers_confirmed:  # who vouched for which suspect figures
            records[-1]["confirmed_outliers"] = [str(e) for e in result.outliers if e.file_name == record.name]
    return json.dumps(records, ensure_ascii=False)


def changes_json(changes: dict[str, Change]) -> str:
    return json.dumps({kind: {"added": c.added, "changed": c.changed, "unchanged": c.unchanged,
                              "removed": c.removed} for kind, c in changes.items()})


def record_load(con: duckdb.DuckDBPyConnection, load_id: int, *, kind: str, loaded_at: dt.datetime,
                loaded_by: str | None, files: str, changes: dict[str, Change], snapshot_id: str,
                target_load_id: int | None = None) -> None:
    values = changes.get("values") or Change()
    con.execute(f"INSERT INTO loads ({', '.join(LOAD_COLUMNS)}) VALUES ({', '.join('?' * len(LOAD_COLUMNS))})",
                [load_id, kind, loaded_at, loaded_by, files, values.added, values.changed, values.unchanged,
                 values.removed, changes_json(changes), target_load_id, "active", None, snapshot_id])


def backfill_loads(con: duckdb.DuckDBPyConnection) -> None:
    """Loads published before the `loads` table existed get a row from load_log (no sizes or counts)."""
    missing = con.execute("""
        SELECT load_id, min(loaded_at), any_value(loaded_by),
               list({'name': file_name, 'sha256': sha256, 'sheet': sheet, 'rows': rows} ORDER BY file_name, sheet),
               bool_and(status = 'rolled_back')
        FROM load_log WHERE load_id NOT IN (SELECT load_id FROM loads) GROUP BY load_id ORDER BY load_id""").fetchall()
    for load_id, loaded_at, loaded_by, sheets, rolled_back in missing:
        files: dict[str, dict] = {}
        for sheet in sheets:
            entry = files.setdefault(sheet["name"], {"name": sheet["name"], "sha256": sheet["sha256"], "size": None,
                                                     "sheets": [], "rows": 0})
            if sheet["sheet"]:
                entry["sheets"].append(sheet["sheet"])
            entry["rows"] += sheet["rows"] or 0
        con.execute(f"INSERT INTO loads ({', '.join(LOAD_COLUMNS)}) VALUES ({', '.join('?' * len(LOAD_COLUMNS))})",
                    [load_id, "demo" if loaded_by == "build-demo" else "load", loaded_at, loaded_by,
                     json.dumps(list(files.values()), ensure_ascii=False), None, None, None, None, None, None,
                     "rolled_back" if rolled_back else "active", None, None])


def _renames_frame(renames: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(renames.items()), columns=["old_id", "new_id"])


def _rename_projects(con: duckdb.DuckDBPyConnection, renames: dict[str, str]) -> None:
    """Projects stored without 编号 take the 编号 the ledger now gives them, their history with them."""
    con.register("project_renames", _renames_frame(renames))
    for table in ("project_store", "project_history"):
        con.execute(f"UPDATE {table} SET project_id = r.new_id FROM project_renames r"
                    f" WHERE {table}.project_id = r.old_id")
    con.unregister("project_renames")


def _apply(con: duckdb.DuckDBPyConnection, kind: str, frame: pd.DataFrame, load_id: int,
           loaded_at: dt.datetime) -> None:
    if frame.empty:
        return
    keys, fields, table = _KEYS[kind], _FIELDS[kind], _TABLES[kind]
    incoming = _stored_frame(kind, frame).assign(load_id=load_id, loaded_at=loaded_at)
    con.register("incoming", storage.for_scan(incoming))
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
        select = ", ".join(f"p.{c}" for c in columns)
        if kind == "projects" and not empty:
            # Stored projects are updated in place: deleting and re-inserting 200,000 primary keys in one
            # transaction costs DuckDB seconds at COMMIT (its index), an UPDATE of the other columns does not.
            assignments = ", ".join(f"{c} = p.{c}" for c in fields + _PROVENANCE)
            con.execute(f"UPDATE {table} s SET {assignments} FROM pending p WHERE {key_match}")
            con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM pending p"
                        f" WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE {key_match})")
        else:
            con.execute(f"DELETE FROM {table} s WHERE EXISTS (SELECT 1 FROM pending p WHERE {key_match})")
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
