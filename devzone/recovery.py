"""When the live database is missing or damaged: what was there, and the (admin-only) demo rebuild.

No Streamlit here (the screens are in devzone/ui/first_run.py). Rules (issue #14):

- The first-run demo build happens only where there has never been a database: no kept snapshot, no damaged
  file set aside, no audit log. Anything else means someone's data was here, and a missing file is explained.
- A rebuild sets the damaged file aside (`<name>.corrupt-<time>`), never deletes a kept snapshot, and is itself
  a publish in the history (kind 'demo', etl.publish._carry_history): the data before it can be restored with
  etl.history.rollback. Every build, first run included, is one line in the audit log.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from devzone import audit
from etl import snapshots
from etl.publish import history_source, open_read_only

BACKUP_SUFFIX = ".corrupt-"
FIRST_RUN_USER = "(first run)"
_build_lock = threading.Lock()  # two sessions at once build once


@dataclass(frozen=True)
class LastLoad:
    """The newest publish still readable (live file or kept snapshot): what a rebuild replaces as live data."""

    load_id: int
    kind: str
    loaded_at: dt.datetime | None
    loaded_by: str
    values: int
    in_snapshot: bool  # True: read from a kept snapshot (the live file is unreadable), restorable by rollback


def backups(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f"{db_path.name}{BACKUP_SUFFIX}*"))


def had_database(db_path: Path, audit_path: Path | None = None) -> bool:
    """True when a database was ever published here (kept snapshots, a damaged file set aside, an audit log)."""
    audit_path = audit_path or audit.audit_log_path(db_path)
    return (snapshots.snapshot_dir(db_path).is_dir() or bool(backups(db_path))
            or any(p.is_file() and p.stat().st_size > 0 for p in audit.log_files(audit_path)))


def last_load(db_path: Path) -> LastLoad | None:
    """The current load of the live file, else of the newest readable kept snapshot; None when none is readable."""
    source = history_source(db_path)
    if source is None:
        return None
    con = open_read_only(source)
    try:
        row = con.execute("SELECT value FROM snapshot_meta WHERE key = 'load_id'").fetchone()
        load_id = int(row[0]) if row and row[0] else int(con.execute("SELECT max(load_id) FROM load_log").fetchone()[0])
        found = con.execute("SELECT kind, loaded_at, loaded_by FROM loads WHERE load_id = ?", [load_id]).fetchone()
        kind, loaded_at, loaded_by = found or ("load", None, None)
        values = int(con.execute("SELECT count(*) FROM value_store").fetchone()[0])
    except (duckdb.Error, TypeError, ValueError):
        return None
    finally:
        con.close()
    return LastLoad(load_id, kind or "load", loaded_at, loaded_by or "", values, source != db_path)


def rebuild_demo(db_path: Path, *, user: str, role: str, first_run: bool = False) -> int | None:
    """Set a damaged file aside and build the demo as one more publish; audited. Returns the new load id
    (None when, under the lock, another session had already made the file readable or built the first run)."""
    from devzone import db  # the app's reader: close it before the file is replaced
    from etl.demo import build_demo  # imported late: the ETL is only needed to (re)build

    audit_path = audit.audit_log_path(db_path)
    with _build_lock:
        if first_run and db_path.exists():
            return None
        if not first_run and _readable(db_path):
            return None
        replaced = last_load(db_path)
        db.close_all()
        aside = None
        if db_path.exists():
            aside = db_path.with_name(f"{db_path.name}{BACKUP_SUFFIX}{dt.datetime.now():%Y%m%d-%H%M%S}")
            db_path.rename(aside)
        what = "first run" if first_run else (f"replaced load {replaced.load_id}" if replaced else "no readable load")
        if aside is not None:
            what += f"; damaged file kept as {aside.name}"
        try:
            result = build_demo(db_path)
        except Exception as exc:
            audit.record("rebuild", user=user, role=role, result="failed", detail=f"{what}: {exc}", path=audit_path)
            raise
        audit.record("rebuild", user=user, role=role, result="ok", path=audit_path,
                     detail=f"demo load {result.load_id}; {what}")
        return result.load_id


def _readable(db_path: Path) -> bool:
    from devzone import db

    try:
        db.reader(db_path).check()
    except db.DatabaseBusyError:
        return True  # being written: certainly not to be rebuilt over
    except db.DatabaseError:
        return False
    return True
