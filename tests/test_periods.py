"""旬, week, month and quarter boundaries (devzone.periods), February of leap and common years included."""
import datetime as dt

import pytest

from devzone import periods

D = dt.date


@pytest.mark.parametrize(("day", "index", "start", "end"), [
    (D(2026, 11, 1), 1, D(2026, 11, 1), D(2026, 11, 10)),
    (D(2026, 11, 10), 1, D(2026, 11, 1), D(2026, 11, 10)),
    (D(2026, 11, 11), 2, D(2026, 11, 11), D(2026, 11, 20)),
    (D(2026, 11, 20), 2, D(2026, 11, 11), D(2026, 11, 20)),
    (D(2026, 11, 21), 3, D(2026, 11, 21), D(2026, 11, 30)),
    (D(2026, 11, 30), 3, D(2026, 11, 21), D(2026, 11, 30)),
    (D(2026, 12, 31), 3, D(2026, 12, 21), D(2026, 12, 31)),   # 下旬 of a 31-day month: 11 days
    (D(2026, 2, 21), 3, D(2026, 2, 21), D(2026, 2, 28)),      # common year: 8 days
    (D(2026, 2, 28), 3, D(2026, 2, 21), D(2026, 2, 28)),
    (D(2024, 2, 28), 3, D(2024, 2, 21), D(2024, 2, 29)),      # leap year: 9 days
    (D(2024, 2, 29), 3, D(2024, 2, 21), D(2024, 2, 29)),
    (D(2024, 2, 10), 1, D(2024, 2, 1), D(2024, 2, 10)),
    (D(2100, 2, 25), 3, D(2100, 2, 21), D(2100, 2, 28)),      # 2100 is not a leap year
    (D(2000, 2, 25), 3, D(2000, 2, 21), D(2000, 2, 29)),      # 2000 is
])
def test_xun_boundaries(day, index, start, end):
    assert periods.xun_index(day) == index
    assert periods.xun_of(day) == periods.Period(start, end)
    assert day in periods.xun_of(day)


def test_every_day_of_a_year_is_in_exactly_one_xun_and_there_are_36():
    for year in (2024, 2026):
        day, seen = D(year, 1, 1), set()
        while day.year == year:
            seen.add(periods.xun_of(day))
            day += dt.timedelta(days=1)
        assert len(seen) == 36
        assert sum(p.days for p in seen) == (366 if year == 2024 else 365)


@pytest.mark.parametrize(("day", "previous"), [
    (D(2026, 11, 26), periods.Period(D(2026, 11, 11), D(2026, 11, 20))),
    (D(2026, 11, 15), periods.Period(D(2026, 11, 1), D(2026, 11, 10))),
    (D(2026, 3, 5), periods.Period(D(2026, 2, 21), D(2026, 2, 28))),
    (D(2024, 3, 1), periods.Period(D(2024, 2, 21), D(2024, 2, 29))),
    (D(2027, 1, 3), periods.Period(D(2026, 12, 21), D(2026, 12, 31))),
])
def test_previous_xun(day, previous):
    assert periods.previous_xun(day) == previous


@pytest.mark.parametrize(("day", "quarter", "start", "end"), [
    (D(2026, 1, 1), 1, D(2026, 1, 1), D(2026, 3, 31)),
    (D(2026, 3, 31), 1, D(2026, 1, 1), D(2026, 3, 31)),
    (D(2026, 4, 1), 2, D(2026, 4, 1), D(2026, 6, 30)),
    (D(2026, 6, 30), 2, D(2026, 4, 1), D(2026, 6, 30)),
    (D(2026, 7, 1), 3, D(2026, 7, 1), D(2026, 9, 30)),
    (D(2026, 9, 30), 3, D(2026, 7, 1), D(2026, 9, 30)),
    (D(2026, 10, 1), 4, D(2026, 10, 1), D(2026, 12, 31)),
    (D(2026, 12, 31), 4, D(2026, 10, 1), D(2026, 12, 31)),
    (D(2024, 2, 29), 1, D(2024, 1, 1), D(2024, 3, 31)),
])
def test_quarter_boundaries(day, quarter, start, end):
    assert periods.quarter_index(day) == quarter
    assert periods.quarter_of(day) == periods.quarter_bounds(day.year, quarter) == periods.Period(start, end)


def test_quarter_lengths_in_leap_and_common_years():
    assert periods.quarter_bounds(2024, 1).days == 91 and periods.quarter_bounds(2026, 1).days == 90
    assert [periods.quarter_bounds(2026, q).days for q in (2, 3, 4)] == [91, 92, 92]
    with pytest.raises(ValueError):
        periods.quarter_bounds(2026, 5)


def test_previous_quarters_cross_the_year():
    assert periods.previous_quarters(D(2026, 2, 1), 3) == [(2026, 1), (2025, 4), (2025, 3)]


def test_month_and_week():
    assert periods.month_of(D(2024, 2, 10)) == periods.Period(D(2024, 2, 1), D(2024, 2, 29))
    assert periods.month_of(D(2026, 2, 10)).end == D(2026, 2, 28)
    assert periods.week_ending(D(2026, 11, 26)) == periods.Period(D(2026, 11, 20), D(2026, 11, 26))
    assert periods.week_before(D(2026, 3, 3)) == D(2026, 2, 24)


@pytest.mark.parametrize(("day", "year", "share"), [
    (D(2026, 11, 26), 2026, 330 / 365), (D(2024, 2, 29), 2024, 60 / 366), (D(2024, 12, 31), 2024, 1.0),
    (D(2026, 1, 1), 2026, 1 / 365), (D(2026, 6, 1), 2025, 1.0), (D(2026, 6, 1), 2027, 0.0)])
def test_elapsed_share(day, year, share):
    assert periods.elapsed_share(day, year) == pytest.approx(share)


@pytest.mark.parametrize(("raw", "day"), [
    ("2026-11-26", D(2026, 11, 26)), (" 2024-2-29 ", D(2024, 2, 29)), (["2020-01-01", "2021-05-06"], D(2021, 5, 6)),
    ("2026-02-29", None), ("2026/11/26", None), ("yesterday", None), ("", None), (None, None)])
def test_parse_day(raw, day):
    assert periods.parse_day(raw) == day


@pytest.mark.parametrize(("raw", "quarter"), [
    ("2026Q4", (2026, 4)), ("2025-q1", (2025, 1)), ("2026Q5", None), ("Q4", None), (None, None)])
def test_parse_quarter(raw, quarter):
    assert periods.parse_quarter(raw) == quarter
    if quarter:
        assert periods.parse_quarter(periods.quarter_code(*quarter)) == quarter


@pytest.mark.parametrize(("data_as_of", "today", "expected"), [
    (dt.date(2025, 12, 31), dt.date(2026, 12, 1), dt.date(2025, 12, 31)),  # old data: its own day, not the clock
    (dt.date(2026, 11, 21), dt.date(2026, 12, 1), dt.date(2026, 11, 21)),  # ten days old: not current
    (dt.date(2026, 11, 26), dt.date(2026, 12, 1), dt.date(2026, 12, 1)),   # this week's dispatch: current
    (dt.date(2026, 12, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
    (dt.date(2027, 1, 5), dt.date(2026, 12, 1), dt.date(2027, 1, 5)),      # a clock behind the data hides nothing
    (None, dt.date(2026, 12, 1), dt.date(2026, 12, 1)),                    # no ledger dates at all
])
def test_default_day_is_the_datas_as_of_day_unless_the_data_is_current(data_as_of, today, expected):
    assert periods.default_day(data_as_of, today) == expected
