"""Published snapshots for replicas on other hosts: numbered files in a directory plus a small pointer file.

DuckDB's file locking is not safe on network file systems, so replicas never open a shared file. The ETL host
publishes each snapshot into a distribution directory (local, or exported read-only by NFS/SMB/rsync/HTTP):

    DIR/snapshot-000012.duckdb     a finished snapshot, never modified once it has its name
    DIR/CURRENT                    {"load_id": 12, "file": "snapshot-000012.duckdb", "sha256": "…", "size": …}

The snapshot is copied under a temporary name, fsynced and renamed; only then is CURRENT replaced (also
write-then-rename), so a reader that sees a pointer finds the whole file it names. The last KEEP_DEFAULT files
are kept (a replica may still be copying an older one). Each replica copies the file CURRENT names into its
own local directory, checks size and SHA-256, and swaps it in (`python -m devzone.sync SOURCE_DIR LOCAL_DIR`).

`DEVZONE_PUBLISH_DIR` makes every publish (load, rollback, build-demo) do this; `python -m etl distribute
--to DIR` does it once for the live snapshot.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from pathlib import Path

import duckdb

from etl.snapshots import _fsync  # the one fsync of the ETL's published files

POINTER = "CURRENT"
PUBLISH_DIR_ENV = "DEVZONE_PUBLISH_DIR"
KEEP_DEFAULT = 5
_NAME = re.compile(r"^snapshot-(\d+)\.duckdb$")


FILE_MODE = 0o640


def snapshot_name(load_id: int) -> str:
    return f"snapshot-{int(load_id):06d}.duckdb"


def sha256_of(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_pointer(folder: Path | str) -> dict | None:
    """The pointer of a distribution (or replica) directory; None if there is none or it is unreadable."""
    try:
        pointer = json.loads((Path(folder) / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(pointer, dict) or not _NAME.match(str(pointer.get("file", ""))):
        return None
    return pointer


def write_pointer(folder: Path | str, pointer: dict) -> None:
    """Replace `folder`/CURRENT whole (written beside, fsynced, renamed)."""
    folder = Path(folder)
    partial = folder / f".{POINTER}.{uuid.uuid4().hex[:8]}.partial"
    partial.write_text(json.dumps(pointer, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync(partial)
    os.replace(partial, folder / POINTER)
    _fsync(folder)


def publish_snapshot(db_path: Path | str, folder: Path | str, keep: int = KEEP_DEFAULT) -> dict:
    """Copy the live snapshot `db_path` into the distribution directory `folder` and point CURRENT at it."""
    db_path, folder = Path(db_path), Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    load_id, published_at = _stamp(db_path)
    target = folder / snapshot_name(load_id)
    partial = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.partial"
    try:
        shutil.copyfile(db_path, partial)
        os.chmod(partial, FILE_MODE)  # like the live file: not world-readable, whatever the umask
        _fsync(partial)
        pointer = {"load_id": load_id, "file": target.name, "sha256": sha256_of(partial),
                   "size": partial.stat().st_size, "published_at": published_at}
        os.replace(partial, target)
        _fsync(folder)
    finally:
        partial.unlink(missing_ok=True)
    write_pointer(folder, pointer)
    _prune(folder, keep, current=target.name)
    return pointer


def publish_if_configured(db_path: Path | str) -> dict | None:
    """After a publish: distribute the new snapshot when DEVZONE_PUBLISH_DIR is set."""
    folder = os.environ.get(PUBLISH_DIR_ENV)
    return publish_snapshot(db_path, folder) if folder else None


def _stamp(db_path: Path) -> tuple[int, str | None]:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH '" + str(db_path).replace("'", "''") + "' AS snap (READ_ONLY)")
        meta = dict(con.execute("SELECT key, value FROM snap.snapshot_meta").fetchall())
    finally:
        con.close()
    return int(meta["load_id"]), meta.get("published_at")


def _prune(folder: Path, keep: int, current: str) -> None:
    numbered = sorted((int(m.group(1)), p) for p in folder.iterdir() if (m := _NAME.match(p.name)))
    for _, path in numbered[:-max(keep, 1)]:
        if path.name != current:
            path.unlink(missing_ok=True)

