"""The demo database: the source files in data/demo/ loaded through the same readers users' files go through."""
from __future__ import annotations

from pathlib import Path

from etl.paths import DEMO_DIR
from etl.publish import LoadResult, load_files


def demo_sources() -> list[Path]:
    return sorted(p for p in DEMO_DIR.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))


def build_demo(db_path: Path | str) -> LoadResult:
    """Rebuild the demo snapshot from scratch and swap it in atomically."""
    return load_files(demo_sources(), db_path, fresh=True, loaded_by="build-demo")
