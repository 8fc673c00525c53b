"""The admin audit log: one JSON object per line, appended, never rewritten.

Where: `DEVZONE_AUDIT_LOG`, default `audit.log` beside the database file. Each line holds the time,
the user and role, the action (login, login_failed, logout, dry_run, publish, rollback, template,
refused, rebuild, flood), the files with their SHA-256, the result and a short detail. Writers take an
exclusive `flock` on `<log>.lock`, so lines from concurrent sessions or processes never interleave, and the
log is rotated under the same lock (`audit.log.1` … `.N`, devzone/limits.py).

What anonymous viewers can cause (failed logins, refused pages) goes through `record_viewer`: at most
`AUDIT_VIEWER_LINES_PER_MINUTE` lines per client and per name a minute; the rest are counted and written as
one `flood` line per key and minute. `for_admins` is what the admin page shows: every admin action, with
runs of viewer lines folded into one summary row, so a flood never pushes an admin action out of view.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from devzone import limits

AUDIT_LOG_ENV = "DEVZONE_AUDIT_LOG"
ACTIONS = ("login", "login_failed", "logout", "dry_run", "publish", "rollback", "template", "refused", "rebuild",
           "flood")
VIEWER_ACTIONS = ("login_failed", "refused")  # what anyone can cause: rate-limited, folded in the admin view
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


def log_files(path: Path) -> list[Path]:
    """The log and its rotated predecessors, newest first: audit.log, audit.log.1, … audit.log.N."""
    return [path] + [path.with_name(f"{path.name}.{n}") for n in range(1, limits.AUDIT_KEEP_FILES + 1)]


def _cut(text: object, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record(action: str, *, user: str, role: str, result: str, files: list[dict[str, str]] | None = None,
           detail: str = "", path: Path | None = None, now: dt.datetime | None = None, client: str = "") -> dict:
    """Append one entry and return it (the user name and the detail cut to the limits in devzone/limits.py;
    `client`, the viewer's address, only on the lines of `record_viewer`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = {
        "time": (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds"),
        "user": _cut(user, limits.AUDIT_NAME_MAX_CHARS), "role": role, "action": action, "files": files or [],
        "result": result, "detail": _cut(detail, limits.AUDIT_DETAIL_MAX_CHARS),
    }
    if client:
        entry["client"] = _cut(client, 64)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    path = path or audit_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _rotate_if_full(path, len(line))
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    finally:
        os.close(lock)  # releases the flock
    return entry


def _rotate_if_full(path: Path, adding: int) -> None:
    """Under the lock: audit.log.N-1 -> .N, …, audit.log -> .1 once the next line would pass the size limit."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0 or size + adding <= limits.AUDIT_MAX_BYTES:
        return
    files = log_files(path)
    files[-1].unlink(missing_ok=True)
    for older, newer in zip(reversed(files[1:]), reversed(files[:-1]), strict=True):
        if newer.exists():
            os.replace(newer, older)


# ---------------------------------------------------------------- what anonymous viewers can cause

class _ViewerLimiter:
    """Per key ("client:…", "name:…") and minute: how many lines were written and how many held back.

    In process memory, bounded (the oldest keys are forgotten): a flood from many names cannot grow it."""

    MAX_KEYS = 4096

    def __init__(self, clock=time.time):
        self.clock = clock
        self._lock = threading.Lock()
        self._keys: OrderedDict[str, list] = OrderedDict()  # key -> [minute, written, held back]

    def admit(self, keys: Iterable[str]) -> tuple[bool, list[tuple[str, int, int]]]:
        """(write this line?, [(key, minute, held back)] summaries due: held-back lines of a finished minute)."""
        minute = int(self.clock() // 60)
        due: list[tuple[str, int, int]] = []
        allowed = True
        with self._lock:
            while self._keys:  # least recently used first: every key of a finished minute is done
                key, state = next(iter(self._keys.items()))
                if state[0] == minute:
                    break
                del self._keys[key]
                if state[2]:
                    due.append((key, state[0], state[2]))
            states = []
            for key in keys:
                state = self._keys.pop(key, None) or [minute, 0, 0]
                self._keys[key] = state
                states.append(state)
                allowed = allowed and state[1] < limits.AUDIT_VIEWER_LINES_PER_MINUTE
            if allowed:
                for state in states:
                    state[1] += 1
            else:  # counted once, against the first key over its limit
                next(state for state in states if state[1] >= limits.AUDIT_VIEWER_LINES_PER_MINUTE)[2] += 1
            while len(self._keys) > self.MAX_KEYS:
                key, state = self._keys.popitem(last=False)
                if state[2]:
                    due.append((key, state[0], state[2]))
        return allowed, due

    def drain(self) -> list[tuple[str, int, int]]:
        """Every held-back count not yet summarised (tests; a clean shutdown)."""
        with self._lock:
            due = [(key, state[0], state[2]) for key, state in self._keys.items() if state[2]]
            for state in self._keys.values():
                state[2] = 0
        return due


_limiter = _ViewerLimiter()


def record_viewer(action: str, *, user: str, role: str, result: str, detail: str = "", client: str = "",
                  path: Path | None = None) -> dict | None:
    """`record` for what anyone can cause, rate-limited per client and per name (devzone/limits.py).
    Returns the entry, or None when the line was held back (it is then counted in a later `flood` line)."""
    path = path or audit_log_path()
    keys = [f"{path}\0client:{_cut(client or '?', 64)}", f"{path}\0name:{_cut(user, limits.AUDIT_NAME_MAX_CHARS)}"]
    allowed, due = _limiter.admit(keys)  # per log file: each log has its own limits
    for key, minute, held in due:
        write_flood_summary(key, minute, held)
    if not allowed:
        return None
    return record(action, user=user, role=role, result=result, detail=detail, path=path, client=client or "?")


def write_flood_summary(key: str, minute: int, held: int) -> dict:
    """One line for `held` viewer lines of one key (`<log path>\\0client:…` or `…\\0name:…`) and minute."""
    start = dt.datetime.fromtimestamp(minute * 60).astimezone().isoformat(timespec="minutes")
    log, _, key = key.partition("\0")
    path = Path(log)
    kind, _, value = key.partition(":")
    return record("flood", user=value if kind == "name" else "(anonymous)", role="viewer", result="refused",
                  detail=f"{held} more failed logins/refusals from {kind} {value} in the minute from {start}",
                  path=path)


def flush_viewer_summaries() -> int:
    """Write the `flood` lines still pending (each to its own log); returns how many lines they stand for."""
    due = _limiter.drain()
    for key, minute, held in due:
        write_flood_summary(key, minute, held)
    return sum(held for _, _, held in due)


# ---------------------------------------------------------------- reading

def _lines_newest_first(path: Path) -> Iterable[str]:
    for file in log_files(path):
        try:
            with open(file, encoding="utf-8", errors="replace") as handle:
                lines = handle.readlines()
        except FileNotFoundError:
            continue
        yield from reversed(lines)


def _entries_newest_first(path: Path) -> Iterable[dict]:
    for line in _lines_newest_first(path):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a damaged line is skipped, not fatal
        if isinstance(entry, dict):
            yield entry


def recent(limit: int = 50, path: Path | None = None) -> list[dict]:
    """The last `limit` entries, newest first (across rotated files; a damaged line is skipped, not fatal)."""
    path = path or audit_log_path()
    entries = []
    for entry in _entries_newest_first(path):
        if len(entries) >= limit:
            break
        entries.append(entry)
    return entries


def _is_viewer_noise(entry: dict) -> bool:
    return entry.get("role") != "admin" and entry.get("action") in (*VIEWER_ACTIONS, "flood")


def for_admins(limit: int = 50, path: Path | None = None) -> list[dict]:
    """The newest `limit` rows for the admin page, newest first: every other entry as it is, each run of
    consecutive viewer lines (failed logins, refusals, flood summaries) as one row, action 'flood', result
    'summary', whose detail says how many attempts, between which times, and a few of the names."""
    path = path or audit_log_path()
    rows: list[dict] = []
    run: list[dict] = []

    def close_run() -> None:
        if not run:
            return
        if len(run) == 1 and run[0].get("action") != "flood":
            rows.append(run.pop())
            return
        attempts = sum(_held(e) for e in run)
        names = list(dict.fromkeys(str(e.get("user", "")) for e in run))
        shown = "、".join(names[:3]) + (f" …(+{len(names) - 3})" if len(names) > 3 else "")
        rows.append({"time": run[0].get("time", ""), "user": shown, "role": "viewer", "action": "flood",
                     "files": [], "result": "summary",
                     "detail": f"{attempts} × login_failed/refused, {run[-1].get('time', '')} – {run[0].get('time', '')}"})
        run.clear()

    for entry in _entries_newest_first(path):
        if _is_viewer_noise(entry):
            run.append(entry)
            continue
        close_run()
        if len(rows) >= limit:
            break
        rows.append(entry)
    else:
        close_run()
    return rows[:limit]


def _held(entry: dict) -> int:
    if entry.get("action") != "flood":
        return 1
    head = str(entry.get("detail", "")).split(" ", 1)[0]
    return int(head) if head.isdigit() else 1
