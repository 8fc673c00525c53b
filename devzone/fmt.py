"""How numbers, ranks and dates are written — the one place to change a format.

Chinese follows official reports: `179.78亿元`, amounts under 1 亿元 in 万元 (`5,000万元`), one unit per table
column or chart (`money_column`),
`36个`, `第3名/共28个`, `并列第2名/共28个`, `+12.5%`, `2021年11月15日`. Rounding is
四舍五入 (half up), not banker's rounding. Missing values are shown as `—`, never as 0.
Money arrives in the canonical unit 亿元.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

MISSING = "—"
MONEY_UNITS = {"亿元"}
COUNT_UNITS = {"个", "家", "项", "户", "人"}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WAN_PER_YI = Decimal(10_000)
_YUAN_PER_YI = Decimal(100_000_000)


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _decimal(value: float | int | Decimal | str) -> Decimal:
    """Exact decimal of the *shortest repr* of a float, so 0.29 stays 0.29 and not 0.28999…"""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def _round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: object, decimals: int = 2, *, keep_zeros: bool = False) -> str:
    """`1234.5` -> `1,234.5`; trailing zeros dropped unless `keep_zeros`; missing -> `—`."""
    if is_missing(value):
        return MISSING
    rounded = _round_half_up(_decimal(value), decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    text = f"{rounded:,.{decimals}f}"
    if not keep_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_BILLION, _MILLION = Decimal(1_000_000_000), Decimal(1_000_000)


def money(value_yi: object, lang: str = "zh", *, decimals: int = 2, unit: str | None = None,
          keep_zeros: bool = False) -> str:
    """Money given in 亿元: `179.78亿元`, `5,000万元`; English, as an English report writes it: `RMB 17.98 bn`,
    `RMB 50 mn`. `unit` ("亿元"/"万元", "bn"/"mn") fixes the unit, as in a table column (`money_column`)."""
    if is_missing(value_yi):
        return MISSING
    yi = _decimal(value_yi)
    if lang == "en":
        return _money_en(yi * _YUAN_PER_YI, decimals, unit, keep_zeros)
    wan = _round_half_up(yi * _WAN_PER_YI, decimals)
    if unit == "亿元" or (unit is None and abs(wan) >= _WAN_PER_YI):  # also 0.999999 亿元 rounding to 10,000万元
        return f"{number(yi, decimals, keep_zeros=keep_zeros)}亿元"
    return f"{number(wan, decimals, keep_zeros=keep_zeros)}万元"


def _money_en(yuan: Decimal, decimals: int = 2, unit: str | None = None, keep_zeros: bool = False) -> str:
    if unit == "bn" or (unit is None and abs(yuan) >= _BILLION):
        return f"RMB {number(yuan / _BILLION, decimals, keep_zeros=keep_zeros)} bn"
    if unit == "mn" or (unit is None and abs(yuan) >= _MILLION):
        return f"RMB {number(yuan / _MILLION, decimals, keep_zeros=keep_zeros)} mn"
    return f"RMB {number(yuan, 0)}"


def money_unit(values_yi: Iterable[object], lang: str = "zh") -> str:
    """The one unit a column of money (in 亿元) is written in: the unit of its largest amount."""
    present = [abs(_decimal(v)) for v in values_yi if not is_missing(v)]
    largest = max(present, default=Decimal(0))
    if lang == "en":
        return "bn" if largest * _YUAN_PER_YI >= _BILLION else "mn"
    return "亿元" if _round_half_up(largest * _WAN_PER_YI, 2) >= _WAN_PER_YI else "万元"


def money_column(values_yi: Iterable[object], lang: str = "zh", *, decimals: int = 2) -> list[str]:
    """Amounts of one table column, all in one unit and with the same decimals: `28.37亿元`, `0.50亿元`."""
    values = list(values_yi)
    unit = money_unit(values, lang)
    return [money(v, lang, decimals=decimals, unit=unit, keep_zeros=True) for v in values]


def money_on_axis(value_yi: object, lang: str = "zh", *, decimals: int = 2) -> str:
    """A chart label beside an axis in 亿元: `136.49亿元`; English only the number (the axis says `RMB 100 mn`)."""
    if is_missing(value_yi):
        return MISSING
    return number(value_yi, decimals) if lang == "en" else f"{number(value_yi, decimals)}亿元"


def count(value: object, unit: str = "", lang: str = "zh") -> str:
    """`36个`, `1,234家`; English drops the Chinese measure word: `36`, `1,234`."""
    if is_missing(value):
        return MISSING
    text = number(value, 1)
    return text if lang == "en" else f"{text}{unit}"


def indicator_value(value: object, unit: str, lang: str = "zh") -> str:
    """A stored indicator value in its canonical unit, written the way its unit calls for."""
    if unit in MONEY_UNITS:
        return money(value, lang)
    if unit in COUNT_UNITS:
        return count(value, unit, lang)
    if is_missing(value):
        return MISSING
    if unit == "%":
        return f"{number(value, 1)}%"
    return f"{number(value)}{unit}" if lang != "en" else f"{number(value)} {unit}".rstrip()


def _ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rank(position: object, total: object = None, lang: str = "zh", *, tied: bool = False,
         unit: str = "个") -> str:
    """`第3名/共28个`, tied `并列第2名/共28个`; English `3rd of 28`, `tied 2nd of 28`."""
    if is_missing(position):
        return MISSING
    place = int(position)  # type: ignore[arg-type]
    has_total = not is_missing(total)
    if lang == "en":
        text = ("tied " if tied else "") + _ordinal_en(place)
        return f"{text} of {int(total)}" if has_total else text  # type: ignore[arg-type]
    text = ("并列" if tied else "") + f"第{place}名"
    return f"{text}/共{int(total)}{unit}" if has_total else text  # type: ignore[arg-type]


def percent(share: object, decimals: int = 1) -> str:
    """A share given as a fraction: `0.875` -> `87.5%`."""
    if is_missing(share):
        return MISSING
    return f"{number(_decimal(share) * 100, decimals, keep_zeros=True)}%"


def percent_change(ratio: object, decimals: int = 1) -> str:
    """A change given as a fraction, always signed: `0.125` -> `+12.5%`, `-0.03` -> `-3.0%`."""
    if is_missing(ratio):
        return MISSING
    rounded = _round_half_up(_decimal(ratio) * 100, decimals)
    if rounded == 0:
        return f"{abs(rounded):.{decimals}f}%"
    return f"{rounded:+.{decimals}f}%"


def yoy(current: object, previous: object, decimals: int = 1) -> str:
    """同比 (year on year): `yoy(112.5, 100)` -> `+12.5%`. No base (missing or ≤ 0) -> `—`."""
    if is_missing(current) or is_missing(previous):
        return MISSING
    base = _decimal(previous)
    if base <= 0:
        return MISSING
    return percent_change(_decimal(current) / base - 1, decimals)


def _as_datetime(value: object) -> dt.datetime | None:
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    stamp = pd.Timestamp(value)  # str, numpy datetime64, Timestamp
    return None if stamp is pd.NaT else stamp.to_pydatetime()


def date(value: object, lang: str = "zh") -> str:
    """`2021年11月15日`; English `15 Nov 2021`."""
    moment = _as_datetime(value)
    if moment is None:
        return MISSING
    if lang == "en":
        return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"
    return f"{moment.year}年{moment.month}月{moment.day}日"


def date_time(value: object, lang: str = "zh") -> str:
    """`2021年11月15日 14:03`; English `15 Nov 2021 14:03`."""
    moment = _as_datetime(value)
    if moment is None:
        return MISSING
    return f"{date(moment, lang)} {moment:%H:%M}"


def year(value: object, lang: str = "zh") -> str:
    if is_missing(value):
        return MISSING
    return f"{int(value)}" if lang == "en" else f"{int(value)}年"  # type: ignore[arg-type]


def year_span(years: Iterable[object], lang: str = "zh") -> str:
    """`2019—2023年` (or `2021年` for one year); English `2019–2023`."""
    present = sorted({int(y) for y in years if not is_missing(y)})  # type: ignore[call-overload]
    if not present:
        return MISSING
    first, last = present[0], present[-1]
    if first == last:
        return year(first, lang)
    return f"{first}–{last}" if lang == "en" else f"{first}—{last}年"


_FILE_SOURCE = re.compile(
    r"^(?P<file>[^：:]+?\.(?:xlsx|xlsm|xlsb|xls|ods|et|csv|txt))(?:[：:](?P<sheet>.*))?$", re.IGNORECASE)
_NUMERIC_PREFIX = re.compile(r"^\s*\d{1,3}(?:[_\-\s.、．]+)(?=\D)")
_NOISE_SHEET = re.compile(r"^(?:\d{4}年?度?|sheet\s*\d*|工作表\s*\d*|)$", re.IGNORECASE)


def source_name(source: object) -> str:
    """The name of a source as an official reads it: `01_全省开发区招商引资主要指标.xlsx：2021` ->
    `全省开发区招商引资主要指标` — no folder, no numeric prefix, no extension, no sheet that only repeats the
    year or is `Sheet1`; a cited source that is not a file name (`运城日报《…》`, `项目台账汇总`) stays whole.
    The file, sheet and row stay on the 数据质量 page."""
    if is_missing(source) or not str(source).strip():
        return MISSING
    text = str(source).strip()
    match = _FILE_SOURCE.match(text)
    if match is None:
        return text
    stem = re.split(r"[\\/]", match.group("file"))[-1].rsplit(".", 1)[0]
    stem = _NUMERIC_PREFIX.sub("", stem).strip() or stem
    sheet = (match.group("sheet") or "").strip()
    if _NOISE_SHEET.match(sheet) or sheet in stem:
        return stem
    return f"{stem}（{sheet}）"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text: object) -> str:
    """A name (zone, project, firm…) to put into markdown: shown literally, never as markup.

    Every character markdown, Streamlit's directives (`:red[…]`, `:material/…:`, `$…$`) or HTML could read
    is backslash-escaped, so `**粗体**`, `[链接](javascript:…)` and `<b>` appear as typed. Also fine for a
    whole sentence holding names when the sentence itself has no markdown of its own. Only for text that goes
    into st.markdown / st.caption / titles / labels; data frames, plotly figures (devzone.charts escapes those)
    and the exports take the name as it is.
    """
    if is_missing(text):
        return MISSING
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


# ---------------------------------------------------------------- real or synthetic, figure by figure (issue #13)
# One rule for every surface (cards, tables, slides, the deck, the written summary). In a view that shows
# synthetic (demo) figures, a real figure carries a small 真实 / real tag; an unmarked figure is synthetic. A change
# (同比) of a real figure computed against a synthetic one — real 2021 against synthetic 2020 — is not a fact:
# it carries FROM_SYNTHETIC (※); so does a rank of a real figure among synthetic figures of other zones, and a
# completion rate of a real figure against a synthetic target (mark_derived). `legend(lang)` says so once per surface. With no synthetic figure in view
# (a production database) nothing is tagged.

FROM_SYNTHETIC = "※"


def synthetic_flag(flag: object) -> bool:
    """An is_synthetic cell as a bool (missing = not synthetic)."""
    return False if is_missing(flag) else bool(flag)


def is_real(flag: object, *, mixed: bool = True) -> bool:
    """Whether a figure gets the 真实 tag: it is real and the view also shows synthetic figures."""
    return mixed and not synthetic_flag(flag)


def real_tag(flag: object, lang: str = "zh", *, mixed: bool = True) -> str:
    """`真实` / `real` for a real figure in a mixed view, else ``."""
    from devzone.i18n import t  # late: the words live in i18n, which imports nothing of ours

    return t("prov.real", lang) if is_real(flag, mixed=mixed) else ""


def tag_real(text: str, flag: object, lang: str = "zh", *, mixed: bool = True) -> str:
    """`36个` -> `36个（真实）` / `36 (real)` for a real figure in a mixed view; other texts unchanged."""
    tag = real_tag(flag, lang, mixed=mixed)
    if not tag or not text or text == MISSING:
        return text
    from devzone.i18n import t

    return t("prov.tagged", lang, text=text, tag=tag)


def change_from_synthetic(current_flag: object, previous_flag: object) -> bool:
    """A change of a real figure computed from a synthetic previous value (the real/synthetic boundary)."""
    return not synthetic_flag(current_flag) and synthetic_flag(previous_flag)


def mark_change(text: str, current_flag: object, previous_flag: object) -> str:
    """`+100.0%` -> `+100.0%※` when the change crosses from a synthetic previous value to a real one."""
    return mark_derived(text, current_flag, previous_flag)


def mark_derived(text: str, real_flag: object, others_flag: object) -> str:
    """A figure computed from a real value and synthetic ones carries ※: `第3名/共28个` -> `第3名/共28个※` for a real
    figure ranked among synthetic figures of other zones (others_flag: any of them synthetic), `82.5%` -> `82.5%※`
    for a real figure against a synthetic target. Computed from synthetic values only (unmarked = synthetic) or
    from real ones only, it is left as it is."""
    return mark_from_synthetic(text, change_from_synthetic(real_flag, others_flag))


def rank(position: object, total: object = None, lang: str = "zh", *, tied: bool = False, unit: str = "个",
         from_synthetic: object = False) -> str:
    """`第3名/共28个` (see _rank); `第3名/共28个※` when `from_synthetic`: a real figure ranked among synthetic ones."""
    text = _rank(position, total, lang, tied=tied, unit=unit)
    return mark_from_synthetic(text, from_synthetic)


def mark_from_synthetic(text: str, from_synthetic: object) -> str:
    """`text` + ※ when it was computed from a real figure and synthetic ones (`from_synthetic`, e.g. the
    rank_from_synthetic column of the rank queries); missing is not."""
    if not text or text == MISSING or is_missing(from_synthetic) or not from_synthetic:
        return text
    return text + FROM_SYNTHETIC


def legend(lang: str = "zh") -> str:
    """The one-line key to 真实 and ※ (shown once wherever tagged figures are)."""
    from devzone.i18n import t

    return t("prov.legend", lang)
