"""Calendar periods of the project-progress routine (周调度 · 旬预警 · 月通报 · 季考核). Pure date arithmetic.

- 旬 (ten-day period): 上旬 days 1–10, 中旬 11–20, 下旬 21 to the month's last day (28/29/30/31).
- week (周调度): the seven days ending on the as-of day; "last week" ends seven days earlier.
- quarter: Q1 Jan–Mar, Q2 Apr–Jun, Q3 Jul–Sep, Q4 Oct–Dec.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from devzone import fmt

XUN_NAMES = ("上旬", "中旬", "下旬")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def china_today() -> dt.date:
    """Today in China (UTC+8), whatever the server's clock zone: the one date the documents are dated by."""
    return dt.datetime.now(CHINA).date()


def china_time(stamp: object) -> dt.datetime | None:
    """A moment as China (UTC+8) wall-clock time: a stamp with its zone is converted; one without (snapshot_meta's
    published_at, load_log's loaded_at: the server's local clock) is read as server local time first."""
    if stamp is None or (isinstance(stamp, float) and stamp != stamp) or str(stamp).strip() in ("", "NaT", "None"):
        return None
    moment = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp).strip())
    if hasattr(moment, "to_pydatetime"):  # a pandas Timestamp (DuckDB TIMESTAMP): astimezone refuses it naive
        moment = moment.to_pydatetime()
    return moment.astimezone(CHINA)  # a naive moment: astimezone reads it as local time


def china_date_time(stamp: object, lang: str = "zh") -> str:
    """`2026年11月30日 18:12`: a stored moment (china_time) as China wall-clock time, the way every screen and
    export shows when data was loaded or published; `—` when there is none."""
    moment = china_time(stamp)
    return fmt.MISSING if moment is None else fmt.date_time(moment.replace(tzinfo=None), lang)


def china_date(stamp: object) -> dt.date | None:
    """The China date of a moment (china_time): the date every document and screen says data was updated."""
    moment = china_time(stamp)
    return None if moment is None else moment.date()


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_of(day: dt.date) -> Period:
    return Period(day.replace(day=1), month_end(day.year, day.month))


def xun_index(day: dt.date) -> int:
    """1 for 上旬 (1–10), 2 for 中旬 (11–20), 3 for 下旬 (21–end)."""
    return 1 if day.day <= 10 else 2 if day.day <= 20 else 3


def xun_of(day: dt.date) -> Period:
    index = xun_index(day)
    start = day.replace(day=(1, 11, 21)[index - 1])
    end = day.replace(day=(10, 20)[index - 1]) if index < 3 else month_end(day.year, day.month)
    return Period(start, end)


def previous_xun(day: dt.date) -> Period:
    """The 旬 before the one `day` is in (下旬 of the previous month after an 上旬)."""
    return xun_of(xun_of(day).start - dt.timedelta(days=1))


def quarter_index(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> Period:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter!r}")
    first_month = 3 * (quarter - 1) + 1
    return Period(dt.date(year, first_month, 1), month_end(year, first_month + 2))


def quarter_of(day: dt.date) -> Period:
    return quarter_bounds(day.year, quarter_index(day))


def previous_quarters(day: dt.date, count: int) -> list[tuple[int, int]]:
    """(year, quarter) for the quarter of `day` and the `count - 1` before it, newest first."""
    year, quarter = day.year, quarter_index(day)
    out = []
    for _ in range(count):
        out.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out


def week_ending(day: dt.date) -> Period:
    """The seven days ending on `day` (周调度: what changed since the version current a week before)."""
    return Period(day - dt.timedelta(days=6), day)


def week_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=7)


def elapsed_share(day: dt.date, year: int) -> float:
    """序时进度: the share of `year` elapsed at the end of `day` (1.0 for past years, 0.0 for future ones)."""
    if year < day.year:
        return 1.0
    if year > day.year:
        return 0.0
    days_in_year = 366 if calendar.isleap(year) else 365
    return day.timetuple().tm_yday / days_in_year


def parse_day(raw: object) -> dt.date | None:
    """`2026-11-26` (a URL parameter) -> date; anything else -> None."""
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    match = _ISO_DAY.match(str(raw)) if raw is not None else None
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_quarter(raw: object) -> tuple[int, int] | None:
    """`2026Q4` / `2026-q4` -> (2026, 4); anything else -> None."""
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    match = _QUARTER.match(str(raw)) if raw is not None else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def quarter_code(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


# Data younger than this is "current": a weekly dispatch (周调度) loaded this week counts from today.
CURRENT_DAYS = 7


def default_day(data_as_of: dt.date | None, today: dt.date) -> dt.date:
    """The day the progress screens open on: the data's as-of day (the ledger's 截至 date, else its latest
    update), so that no period opens empty and no alert counts days nobody has reported on; today when the
    data is current (as of the last CURRENT_DAYS days) or there is no dated record. A clock behind the data
    hides nothing: the data's day wins. etl/schema.sql (progress_as_of) applies the same rule to the views."""
    if data_as_of is None:
        return today
    if today - dt.timedelta(days=CURRENT_DAYS) <= data_as_of <= today:
        return today
    return data_as_of
