"""deploy/monthly-bulletin.sh: last month's 月通报 (docx + pptx) into the shared folder, on the first working
day only (the 1st, or the Monday after a weekend 1st)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "deploy" / "monthly-bulletin.sh"


@pytest.fixture()
def run(demo_db, tmp_path):
    wrapper = tmp_path / "devzone-deck"
    wrapper.write_text(f'#!/bin/sh\ncd "{REPO_ROOT}" && exec "{sys.executable}" -m devzone.export.deck_cli "$@"\n')
    wrapper.chmod(0o755)
    share = tmp_path / "share"

    def go(today: str, **extra: str) -> list[str]:
        env = {**os.environ, "DEVZONE_DB": str(demo_db), "BULLETIN_DIR": str(share), "DEVZONE_DECK": str(wrapper),
               "TODAY": today, **extra}
        subprocess.run(["sh", str(SCRIPT)], env=env, check=True, timeout=300, capture_output=True)
        return sorted(p.name for p in share.iterdir()) if share.is_dir() else []

    go.share = share
    return go


def test_first_working_day_writes_last_months_bulletin(run, demo_db):
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as con:
        year, month = con.execute(
            "SELECT year(max(signed_date)), month(max(signed_date)) FROM projects WHERE status <> '在谈'").fetchone()
    # the first working day of the month after the last month with data
    nxt = f"{year + month // 12}-{month % 12 + 1:02d}-01"
    names = run(nxt, FORCE="1")
    stem = f"山西省_{year}-{month:02d}_月通报"
    assert names == [f"{stem}.docx", f"{stem}.pptx"]
    title = Document(str(run.share / f"{stem}.docx")).paragraphs[0]
    assert title.style.name == "Title" and f"{year}年" in title.text and f"{month}月" in title.text


@pytest.mark.parametrize(("day", "acts"), [("2021-12-01", True), ("2022-01-01", False), ("2022-01-03", True),
                                            ("2022-01-04", False), ("2021-11-02", False)])
def test_only_on_the_first_working_day(run, day, acts):
    # 2021-12-01 a Wednesday; 2022-01-01 a Saturday, so Monday 2022-01-03 is the first working day
    assert bool(run(day)) == acts
