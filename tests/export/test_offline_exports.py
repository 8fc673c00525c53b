"""Exports never reach the network: no MathJax from cdnjs, no Google update, time or sign-in calls from kaleido's
Chromium, no name looked up by Python while the deck, workbook, summary and every chart image are made.

kaleido's Chromium runs under strace (BROWSER_PATH is a launcher that traces socket, connect and send calls):
every TCP connect and every UDP packet, DNS included, to an address other than loopback fails the test.
Python's own lookups and connects are wrapped in-process.
"""
from __future__ import annotations

import shutil
import time

import pytest

from devzone.export import deck, figures, images, story, summary, workbook
from tests.conftest import chromium_path, skip_or_fail
from tests.export.conftest import SEED_YEAR, SEED_ZONE
from tests.netlog import outside, record_lookups, traced_chromium, traffic_in_strace


@pytest.fixture
def traced_log(tmp_path, monkeypatch):
    chromium = chromium_path()
    if chromium is None:
        skip_or_fail("no Chromium for kaleido (install the Debian package `chromium`)")
    if shutil.which("strace") is None:
        skip_or_fail("strace is not installed (Debian package strace)")
    log = tmp_path / "chromium.strace"
    images.stop()  # a browser started by an earlier test would not be traced
    monkeypatch.setenv("BROWSER_PATH", str(traced_chromium(tmp_path, chromium, log)))
    try:
        yield log
    finally:
        images.stop()


def test_every_export_stays_on_the_machine(traced_log, monkeypatch, load, seed):
    python_net = record_lookups(monkeypatch)
    zone_story = story.zone_story(seed, "zh")
    charts = zone_story.charts()
    assert charts
    for chart in charts:
        png = images.png_bytes(figures.figure(chart), title=chart.title, caption="数据来源", scale=1,
                               width=800, height=450)
        assert png.startswith(b"\x89PNG")
    assert deck.zone_deck(SEED_ZONE, SEED_YEAR, "zh", load=load)[:2] == b"PK"
    assert workbook.zone_workbook(seed, zone_story, "zh")[:2] == b"PK"
    assert summary.build(seed, "zh").text
    time.sleep(3)  # a freshly started browser sends its background requests within a second or two
    images.stop()
    assert traced_log.stat().st_size > 0, "Chromium did not run under strace"
    assert traffic_in_strace(traced_log) == [], "kaleido's Chromium reached out"
    assert outside(python_net) == [], "Python reached out"
