"""The demo database: the source files in data/demo/ loaded through the same readers users' files go through."""
from __future__ import annotations

from pathlib import Path

from etl.paths import DEMO_DIR
from etl.publish import LoadResult, load_files

# Weekly dispatch ledgers (周调度台账) re-send projects already in the main ledger: each is its own load, in
# name order, so that project_history keeps one version per week as it would in real use.
DISPATCH_MARK = "周调度"


def demo_sources() -> list[Path]:
    return sorted(p for p in DEMO_DIR.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))


def build_demo(db_path: Path | str) -> LoadResult:
    """Rebuild the demo snapshot from scratch and swap it in atomically (once per weekly ledger after the first)."""
    sources = demo_sources()
    main = [p for p in sources if DISPATCH_MARK not in p.name]
    result = load_files(main, db_path, fresh=True, loaded_by="build-demo", kind="demo")
    for weekly in (p for p in sources if DISPATCH_MARK in p.name):
        result = load_files([weekly], db_path, loaded_by="build-demo", kind="demo")
    return result
