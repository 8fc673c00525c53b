"""Keep a replica's own local copy of the published snapshot (replicas on several hosts; see deploy/README.md).

    python -m devzone.sync SOURCE_DIR LOCAL_DIR [--interval SECONDS] [--once]

SOURCE_DIR is the ETL host's distribution directory (etl/distribute.py: numbered snapshots plus the pointer
file CURRENT), reached however the site likes — a read-only NFS/SMB mount, or a folder rsync fills. Every
`--interval` seconds (default 10) the pointer is read; when it names another snapshot than the local one, the
file is copied to a temporary name in LOCAL_DIR, its size and SHA-256 are checked against the pointer, it is
fsynced and swapped in with os.replace as LOCAL_DIR/devzone.duckdb. The dashboard (DEVZONE_DB pointing there)
notices the new file on its next query. A copy that does not match the pointer (the source still being
written, a broken transfer) is thrown away and tried again at the next interval: the local file is always a
whole, verified snapshot, and only local files are ever opened by DuckDB.

Exit status of --once: 0 up to date (or updated), 1 the source has no usable snapshot, 2 usage error.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from etl.distribute import POINTER, read_pointer, sha256_of, write_pointer
from etl.snapshots import _fsync

LOCAL_NAME = "devzone.duckdb"
DEFAULT_INTERVAL = 10.0


@dataclass(frozen=True)
class SyncResult:
    status: str  # "updated" | "current" | "no-source" | "mismatch"
    load_id: int | None = None
    detail: str = ""


def local_db(local_dir: Path | str) -> Path:
    """The file a replica's DEVZONE_DB points at."""
    return Path(local_dir) / LOCAL_NAME


def sync_once(source_dir: Path | str, local_dir: Path | str) -> SyncResult:
    """Bring LOCAL_DIR up to the snapshot SOURCE_DIR/CURRENT names (see the module docstring)."""
    source_dir, local_dir = Path(source_dir), Path(local_dir)
    pointer = read_pointer(source_dir)
    if pointer is None:
        return SyncResult("no-source", detail=f"{source_dir / POINTER} 不存在或无法读取")
    local = read_pointer(local_dir)
    if local is not None and local.get("sha256") == pointer.get("sha256") and local_db(local_dir).is_file():
        return SyncResult("current", pointer.get("load_id"))
    local_dir.mkdir(parents=True, exist_ok=True)
    for stale in local_dir.glob(f".{LOCAL_NAME}.*.partial"):  # left by a copy that was killed
        stale.unlink(missing_ok=True)
    partial = local_dir / f".{LOCAL_NAME}.{uuid.uuid4().hex[:8]}.partial"
    try:
        try:
            shutil.copyfile(source_dir / pointer["file"], partial)
        except OSError as exc:
            return SyncResult("mismatch", pointer.get("load_id"), f"复制 {pointer['file']} 失败：{exc}")
        size, digest = partial.stat().st_size, sha256_of(partial)
        if size != pointer.get("size") or digest != pointer.get("sha256"):
            return SyncResult("mismatch", pointer.get("load_id"),
                              f"{pointer['file']} 与指针不符（{size} 字节，SHA-256 {digest[:12]}…），下次再试")
        os.chmod(partial, 0o640)  # the replica's copy is as private as the published one
        _fsync(partial)
        os.replace(partial, local_db(local_dir))
        _fsync(local_dir)
    finally:
        partial.unlink(missing_ok=True)
    write_pointer(local_dir, pointer)
    return SyncResult("updated", pointer.get("load_id"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devzone.sync",
                                     description="把分发目录中的最新快照同步到本机目录（每个副本一份本地文件）")
    parser.add_argument("source_dir", type=Path, metavar="SOURCE_DIR", help="分发目录（含 CURRENT 指针文件）")
    parser.add_argument("local_dir", type=Path, metavar="LOCAL_DIR",
                        help=f"本机目录；看板的 DEVZONE_DB 指向其中的 {LOCAL_NAME}")
    parser.add_argument("--interval", type=float, default=DEFAULT_INTERVAL, help="检查间隔（秒，默认 10）")
    parser.add_argument("--once", action="store_true", help="只同步一次后退出（供 systemd timer / cron 使用）")
    return parser


def _say(result: SyncResult) -> None:
    if result.status == "updated":
        print(f"已同步第 {result.load_id} 次导入后的快照", flush=True)
    elif result.status != "current":
        print(f"未同步：{result.detail}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.interval <= 0:
        print("--interval 应大于 0 秒", file=sys.stderr)
        return 2
    while True:
        result = sync_once(args.source_dir, args.local_dir)
        _say(result)
        if args.once:
            return 0 if result.status in ("updated", "current") else 1
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
