"""Published snapshots kept for rollback: `<db dir>/.snapshots/<db stem>/load-<load_id>.duckdb`.

Every publish writes a new database file and swaps it in with os.replace. The kept snapshot is a file of
its own, never a hard link to the live one: damage to the live file (a disk error, a stray write) must not
reach the copy a rollback would restore. Where the file system can clone (reflink: btrfs, XFS, APFS-like
copy-on-write) the copy shares blocks until either side changes and costs no extra space; elsewhere it is
a plain copy. Only the last N are kept (N = $DEVZONE_KEEP_SNAPSHOTS, default 10; 0 keeps none).
Snapshots are only ever read (copied back for a rollback), never opened for writing.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import uuid
from pathlib import Path

DEFAULT_KEEP = 10
_NAME = re.compile(r"^load-(\d+)\.duckdb$")


def keep_count() -> int:
    raw = os.environ.get("DEVZONE_KEEP_SNAPSHOTS", "").strip()
    try:
        return max(int(raw), 0) if raw else DEFAULT_KEEP
    except ValueError:
        return DEFAULT_KEEP


def snapshot_dir(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.parent / ".snapshots" / db_path.stem


def snapshot_path(db_path: Path | str, load_id: int) -> Path:
    return snapshot_dir(db_path) / f"load-{int(load_id)}.duckdb"


def kept(db_path: Path | str) -> dict[int, Path]:
    """load_id -> kept snapshot file."""
    folder = snapshot_dir(db_path)
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and path.is_file():
            found[int(match.group(1))] = path
    return dict(sorted(found.items()))


def stage(finished: Path, db_path: Path, load_id: int) -> Path | None:
    """Clone (else copy) the finished snapshot to a partial name in the snapshot folder; None if not kept."""
    if keep_count() == 0:
        return None
    folder = snapshot_dir(db_path)
    staged = folder / f".load-{int(load_id)}.duckdb.{uuid.uuid4().hex[:8]}.partial"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            _clone(finished, staged)
        except OSError:  # no reflinks here (ext4, tmpfs, another file system, network shares): copy
            staged.unlink(missing_ok=True)
            shutil.copyfile(finished, staged)
        _fsync(staged)
    except OSError:  # keeping a snapshot must never stop a publish: this one just cannot be rolled back to
        staged.unlink(missing_ok=True)
        return None
    return staged


def commit(staged: Path | None, db_path: Path, load_id: int) -> None:
    if staged is not None:
        os.replace(staged, snapshot_path(db_path, load_id))


def discard(staged: Path | None) -> None:
    if staged is not None:
        staged.unlink(missing_ok=True)


def prune(db_path: Path | str, keep: int | None = None) -> list[int]:
    """Delete all but the newest `keep` snapshots; returns the load ids removed."""
    keep = keep_count() if keep is None else keep
    files = kept(db_path)
    doomed = list(files)[: max(len(files) - keep, 0)]
    for load_id in doomed:
        files[load_id].unlink(missing_ok=True)
    return doomed


def remove_partial(db_path: Path | str) -> None:
    """Leftovers of a publish that crashed while keeping its snapshot (called under the write lock)."""
    folder = snapshot_dir(db_path)
    if folder.is_dir():
        for stale in folder.glob(".load-*.partial"):
            stale.unlink(missing_ok=True)


_FICLONE = 0x40049409  # linux/fs.h: _IOW(0x94, 9, int)


def _clone(source: Path, target: Path) -> None:
    """A copy-on-write clone of `source` at `target` (OSError where the file system cannot)."""
    with open(source, "rb") as src, open(target, "xb") as dst:
        fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
