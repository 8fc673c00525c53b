"""The admin audit log: one JSON object per line, appended, never rewritten.

Where: `DEVZONE_AUDIT_LOG`, default `audit.log` beside the database file. Each line holds the time,
the user and role, the action (login, login_failed, logout, dry_run, publish, rollback, template,
refused), the files with their SHA-256, the result and a short detail. Writers take an exclusive
`flock` on the file, so lines from concurrent sessions or processes never interleave.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from collections import deque
from collections.abc import Iterable
from pathlib import Path

AUDIT_LOG_ENV = "DEVZONE_AUDIT_LOG"
ACTIONS = ("login", "login_failed", "logout", "dry_run", "publish", "rollback", "template", "refused")
FILE_MODE = 0o640


def audit_log_path(db_path: Path | str | None = None) -> Path:
    if os.environ.get(AUDIT_LOG_ENV):
        return Path(os.environ[AUDIT_LOG_ENV])
    from etl.paths import default_db_path

    return Path(db_path or default_db_path()).parent / "audit.log"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_entries(files: Iterable[tuple[str, bytes]]) -> list[dict[str, str]]:
    """[(name, content)] -> [{"name": …, "sha256": …}] for an audit record."""
    return [{"name": name, "sha256": sha256_of(content)} for name, content in files]


def record(action: str, *, user: str, role: str, result: str, files: list[dict[str, str]] | None = None,
           detail: str = "", path: Path | None = None, now: dt.datetime | None = None) -> dict:
    """Append one entry and return it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = {
        "time": (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds"),
        "user": user, "role": role, "action": action, "files": files or [], "result": result, "detail": detail,
    }
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    path = path or audit_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return entry


def recent(limit: int = 50, path: Path | None = None) -> list[dict]:
    """The last `limit` entries, newest first (a damaged line is skipped, not fatal)."""
    path = path or audit_log_path()
    try:
        with open(path, encoding="utf-8") as handle:
            lines = deque(handle, maxlen=limit)
    except FileNotFoundError:
        return []
    entries = []
    for line in reversed(lines):
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries
