"""Where things live. The product never reads ../shared at run time."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
DATA_DIR = REPO_ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
REFERENCE_DIR = DATA_DIR / "reference"
SCHEMA_SQL = Path(__file__).resolve().parent / "schema.sql"


def default_db_path() -> Path:
    """`DEVZONE_DB` overrides the default `data/devzone.duckdb`."""
    return Path(os.environ.get("DEVZONE_DB") or DATA_DIR / "devzone.duckdb")


def zones_file() -> Path:
    """The zone register. `DEVZONE_ZONES_FILE` points elsewhere (e.g. a national register for benchmarks)."""
    return Path(os.environ.get("DEVZONE_ZONES_FILE") or REFERENCE_DIR / "zones.csv")


def indicators_file() -> Path:
    """The indicator catalogue. `DEVZONE_INDICATORS_FILE` points at an extended catalogue."""
    return Path(os.environ.get("DEVZONE_INDICATORS_FILE") or CATALOGUE_DIR / "indicators.csv")


def progress_rules_file() -> Path:
    """The project-progress rules and 季考核 weights. `DEVZONE_PROGRESS_RULES` points at another file."""
    return Path(os.environ.get("DEVZONE_PROGRESS_RULES") or CATALOGUE_DIR / "progress_rules.toml")


def chain_segments_file() -> Path:
    """The links (环节) of each industrial chain. `DEVZONE_CHAIN_SEGMENTS` points at another file."""
    return Path(os.environ.get("DEVZONE_CHAIN_SEGMENTS") or CATALOGUE_DIR / "chain_segments.toml")
