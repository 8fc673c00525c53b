"""The deck speaks like the Word documents (devzone/export/wording.py): 倍 above 100%, 由X降至Y for a fall, counts on a
tiny base, Chinese quotes; and its 数据更新于 is the China date of the snapshot, whatever the server's clock zone."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time

import pandas as pd
import pytest

from devzone import fmt, periods
from devzone.export import story, summary, wording
from tests.export.test_summary import with_history


def _count_codes(seed) -> list[str]:
    """Count indicators the written summary mentions, with a value in the seed year."""
    return [code for code in summary.INVESTMENT + summary.ENTERPRISES if code in seed.indicators
            and seed.indicators[code].unit in fmt.COUNT_UNITS and seed.value_row(code) is not None]


@pytest.fixture(scope="module")
def worded(seed):
    """The seed with one count fallen on a tiny base, one count fallen on a large base, one count grown 3.5-fold."""
    tiny, large, grown = _count_codes(seed)[:3]
    r = wording.rules()
    small_base = max(1.0, r.tiny_base - 1)
    changes = {(tiny, seed.year - 1): {"value": small_base}, (tiny, seed.year): {"value": small_base - 1},
               (large, seed.year - 1): {"value": r.tiny_base * 4}, (large, seed.year): {"value": r.tiny_base * 3},
               (grown, seed.year - 1): {"value": r.tiny_base * 2}, (grown, seed.year): {"value": r.tiny_base * 9}}
    return with_history(seed, changes), (tiny, large, grown)


def _bullet_of(bullets: list[str], name: str) -> str:
    return next(b for b in bullets if b.startswith(name) and ("降" in b or "fell" in b))


def test_attention_falls_are_said_as_from_x_to_y_without_arrows(worded):
    zy, (tiny, large, _) = worded
    bullets, _ = story.attention_points(zy, "zh")
    assert not any("→" in b for b in bullets)
    tiny_ind, large_ind = zy.indicators[tiny], zy.indicators[large]
    before, after = zy.value(tiny, zy.year - 1), zy.value(tiny)
    said = _bullet_of(bullets, wording.quoted(tiny_ind.name_zh))
    assert fmt.indicator_value(before, tiny_ind.unit, "zh") in said and "%" not in said  # a tiny base: counts only
    assert said.startswith(wording.quoted(tiny_ind.name_zh) + wording.fall(after, before, tiny_ind.unit, "zh"))
    big = _bullet_of(bullets, wording.quoted(large_ind.name_zh))
    pct = wording.percent((zy.value(large, zy.year - 1) - zy.value(large)) / zy.value(large, zy.year - 1))
    assert "由" in big and "降至" in big and big.count(pct) == 1


def test_attention_names_carry_chinese_quotes(seed):
    code = next(c for c, ind in seed.indicators.items() if '"' in ind.name_zh and seed.value_row(c) is not None)
    before = seed.value(code, seed.year - 1) or seed.value(code) + 10
    zy = with_history(seed, {(code, seed.year - 1): {"value": max(before, seed.value(code) + 10)}})
    bullets, _ = story.attention_points(zy, "zh")
    assert any(b.startswith(wording.quoted(zy.indicators[code].name_zh)) for b in bullets)
    assert not any('"' in b for b in bullets)


def test_deck_summary_says_times_and_counts_by_the_documents_rules(worded):
    zy, (tiny, _, grown) = worded
    text = summary.build(zy, "zh").text
    times = wording.growth(zy.value(grown), zy.value(grown, zy.year - 1), zy.indicators[grown].unit, "zh")
    assert times.kind == "times" and times.text in text
    ratio = (zy.value(grown) - zy.value(grown, zy.year - 1)) / zy.value(grown, zy.year - 1)
    assert fmt.percent(ratio) not in text  # never 增长350.0%
    counts = wording.growth(zy.value(tiny), zy.value(tiny, zy.year - 1), zy.indicators[tiny].unit, "zh")
    assert counts.kind == "counts" and counts.text in text


# ---------------------------------------------------------------- 数据更新于 in China time

@pytest.fixture()
def utc_server():
    """The server's clock zone is UTC (time.tzset), as on many hosts; restored afterwards."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def _published(zy, stamp: str):
    meta = zy.meta[zy.meta["key"] != "published_at"]
    meta = pd.concat([meta, pd.DataFrame([{"key": "published_at", "value": stamp}])], ignore_index=True)
    return dataclasses.replace(zy, meta=meta)


def test_title_slide_date_is_the_china_date_of_a_late_evening_utc_publish(seed, utc_server):
    late = dt.datetime(seed.year + 1, 3, 26, 20, 30)  # 20:30 on the server (UTC) is 04:30 next day in China
    zy = _published(seed, late.isoformat())
    china_day = (late.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))).date()
    title = story.zone_story(zy, "zh").slides[0]
    assert title.note.endswith(fmt.date(china_day, "zh"))
    assert zy.snapshot_date() == china_day


def test_a_published_time_with_its_zone_is_converted_to_china(seed):
    zy = _published(seed, f"{seed.year + 1}-03-26T23:10:00+00:00")
    assert zy.snapshot_date() == dt.date(seed.year + 1, 3, 27)


def test_every_slide_text_uses_chinese_quotes(seed):
    the_story = story.zone_story(seed, "zh")
    said = [text for slide in the_story.slides
            for text in (slide.title, slide.text, slide.note, *slide.bullets, *(k.label for k in slide.kpis))]
    assert any("“四上”" in text for text in said)
    assert not any('"' in text for text in said)


def test_a_database_timestamp_reads_as_server_time_too(utc_server):
    stamp = pd.Timestamp("2022-03-26 20:30:00")  # as DuckDB hands back load_log.loaded_at
    assert periods.china_time(stamp) == dt.datetime(2022, 3, 27, 4, 30, tzinfo=periods.CHINA)
    assert periods.china_date(stamp) == dt.date(2022, 3, 27)


def test_the_home_caption_says_the_china_time(utc_server):
    from devzone import overview

    summary_frame = pd.DataFrame({"last_loaded_at": [pd.Timestamp("2022-03-26 20:30:00")]})
    caption = overview.snapshot_caption(summary_frame, None, "zh")
    assert caption.endswith(fmt.date_time(dt.datetime(2022, 3, 27, 4, 30), "zh"))
