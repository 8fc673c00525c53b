"""Loads swap snapshots while 20 sessions rerun a page: no errors, and no run mixes old and new data."""
from __future__ import annotations

import threading
from pathlib import Path

from streamlit.testing.v1 import AppTest

from etl.demo import build_demo
from etl.publish import load_files
from tests.builders import write_csv

REPO_ROOT = Path(__file__).resolve().parent.parent
# Two queries that a page would draw side by side; if they came from different snapshots they disagree.
PROBE_PAGE = '''
import time
import streamlit as st
from devzone import queries, ui

values = ui.load(queries.zone_year_values, "X140802", 2021).set_index("indicator")
time.sleep(0.05)  # a page takes a moment to draw; a swap may land in between
loads = ui.load(queries.recent_loads, 1)
st.markdown(str(int(values.loc["signed_projects", "value"])) + "|" + str(int(loads["load_id"].iloc[0])))
'''


def probe_app(tmp_path: Path) -> Path:
    app_dir = tmp_path / "app"
    (app_dir / "app_pages").mkdir(parents=True)
    (app_dir / "app_pages" / "probe.py").write_text(PROBE_PAGE, encoding="utf-8")
    source = (REPO_ROOT / "dashboard.py").read_text(encoding="utf-8")
    navigation_import = "from devzone.navigation import ADMIN_PAGES, PAGES\n"
    assert navigation_import in source, "dashboard.py no longer imports PAGES from devzone.navigation"
    entry = source.replace(navigation_import,
                           navigation_import + 'PAGES = [("probe.py", "nav.overview", ":material/science:")]\n'
                           "ADMIN_PAGES = []\n", 1)  # the probe app has no admin page file
    (app_dir / "dashboard.py").write_text(entry, encoding="utf-8")
    return app_dir / "dashboard.py"


def test_twenty_sessions_never_see_a_half_swapped_snapshot(tmp_path, monkeypatch):
    db = tmp_path / "live.duckdb"
    base_load = build_demo(db).load_id
    monkeypatch.setenv("DEVZONE_DB", str(db))
    entry = probe_app(tmp_path)
    publishes = 12

    def publish_in_background():
        for k in range(1, publishes + 1):
            path = write_csv(tmp_path / f"load{k}.csv", ["开发区,年份,指标,数值,单位", f"盐湖高新区,2021,签约项目数,{100 + k},个"])
            assert load_files([path], db).load_id == base_load + k

    sessions = [AppTest.from_file(str(entry), default_timeout=60) for _ in range(20)]
    publisher = threading.Thread(target=publish_in_background)
    publisher.start()
    seen = set()
    try:
        while publisher.is_alive() or len(seen) < 2:
            for session in sessions:
                session.run()
                assert not session.exception, [e.value for e in session.exception]
                value, load_id = (int(x) for x in session.markdown[0].value.split("|"))
                expected = 36 if load_id == base_load else 100 + load_id - base_load
                assert value == expected, f"mixed snapshot: value {value} with load {load_id}"
                seen.add(load_id)
            if not publisher.is_alive():
                break
    finally:
        publisher.join()
    for session in sessions:  # once the loads are done every session shows the last one
        session.run()
        assert session.markdown[0].value == f"{100 + publishes}|{base_load + publishes}"
    assert len(seen) >= 2
