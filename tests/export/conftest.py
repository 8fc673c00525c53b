"""Shared fixtures of the export tests: the demo database asked directly, and a report loader."""
from __future__ import annotations

import duckdb
import pytest

from devzone.export import data as report_data

SEED_ZONE = "X140802"
SEED_YEAR = 2021


@pytest.fixture(scope="session")
def sql(demo_db):
    """`sql("SELECT …", params)` -> list of tuples, straight from the demo database (not the query layer)."""
    con = duckdb.connect(str(demo_db), read_only=True)

    def run(statement: str, params: list | None = None) -> list[tuple]:
        return con.execute(statement, params or []).fetchall()

    yield run
    con.close()


@pytest.fixture(scope="session")
def load(demo_db):
    return report_data.direct_loader(demo_db)


@pytest.fixture(scope="session")
def seed(load):
    return report_data.gather(load, SEED_ZONE, SEED_YEAR)
