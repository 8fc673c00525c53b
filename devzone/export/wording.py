"""Wording rules of the written documents (devzone/export/official.py), pure and testable.

- growth above 100% in 倍: `增长2.1倍`; at or below as a percentage `增长72.7%`; falls `下降25.0%`;
- a count on a tiny base (below `[wording] tiny_base` of etl/catalogue/documents.toml) in counts: `由1家增至4家`;
- a fall or a rank lost as `由X降至Y`;
- names listed in full, joined `A、B和C`; Chinese quotes “” throughout (`quoted`);
- one decimal rule per measure: percentages and 倍 with `[wording]` decimals, money by fmt.money.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from devzone import fmt
from devzone.i18n import t
from etl.paths import CATALOGUE_DIR

SETTINGS_FILE = CATALOGUE_DIR / "documents.toml"


@cache
def settings() -> dict[str, Any]:
    """etl/catalogue/documents.toml: wording thresholds, page geometry and fonts of the Word documents."""
    with open(SETTINGS_FILE, "rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Rules:
    tiny_base: float
    times_above: float
    percent_decimals: int
    times_decimals: int


def rules() -> Rules:
    w = settings()["wording"]
    return Rules(float(w["tiny_base"]), float(w["times_above"]), int(w["percent_decimals"]),
                 int(w["times_decimals"]))


def _round(value: float, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def quoted(text: object) -> str:
    """ASCII and corner quotes become Chinese quotes in pairs: `新培育"四上"企业数` -> `新培育“四上”企业数`."""
    out, opening = [], True
    for char in str(text).replace("「", "“").replace("」", "”"):
        if char == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(char)
    return "".join(out)


def joined(names: list[str], lang: str) -> str:
    """Every name, none left out: `A`, `A和B`, `A、B和C`; English `A, B and C`."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return t("doc.list_sep", lang).join(names[:-1]) + t("doc.list_last", lang) + names[-1]


@dataclass(frozen=True)
class Change:
    """The direction of a change and how it is worded: 'up', 'down', 'flat', 'about_flat' or 'none'."""

    direction: str
    text: str


@dataclass(frozen=True)
class Growth(Change):
    """A change with its size alone (`2.1倍`, `72.7%`) for sentences that list several: `分别增长2.1倍和2.6倍`."""

    kind: str = ""   # times, pct, counts, by, flat
    size: str = ""   # times, pct: the size alone; counts: the value after (`4家`)
    before: str = ""  # counts: the value before (`1家`)


def is_tiny(previous: float, unit: str, r: Rules | None = None) -> bool:
    r = r or rules()
    return unit in fmt.COUNT_UNITS and previous < r.tiny_base


def growth(current: object, previous: object, unit: str, lang: str, r: Rules | None = None) -> Growth:
    """A year-on-year change in the documents' words (see the module docstring)."""
    if fmt.is_missing(current) or fmt.is_missing(previous):
        return Growth("none", "")
    r = r or rules()
    now, before = float(current), float(previous)  # type: ignore[arg-type]
    diff = now - before
    if abs(diff) < 1e-9:
        return Growth("flat", t("doc.change.flat", lang), "flat")
    direction = "up" if diff > 0 else "down"
    values = {"before": fmt.indicator_value(before, unit, lang), "after": fmt.indicator_value(now, unit, lang)}
    if is_tiny(before, unit, r):
        return Growth(direction, t(f"doc.change.{direction}_counts", lang, **values), "counts", values["after"],
                      values["before"])
    if before <= 0:
        return Growth(direction, t(f"doc.change.{direction}_by", lang,
                                   amount=fmt.indicator_value(abs(diff), unit, lang)), "by")
    ratio = abs(diff) / before
    if direction == "up" and ratio > r.times_above:
        times = _round(ratio, r.times_decimals)
        return Growth(direction, t("doc.change.up_times", lang, times=times), "times",
                      t("doc.times", lang, times=times))
    pct = _round(ratio * 100, r.percent_decimals)
    if pct == 0:
        return Growth("about_flat", t("doc.change.about_flat", lang), "flat")
    return Growth(direction, t(f"doc.change.{direction}_pct", lang, pct=f"{pct}%"), "pct", f"{pct}%")


def fall(current: float, previous: float, unit: str, lang: str, r: Rules | None = None) -> str:
    """`由40个降至30个，下降25.0%`; on a tiny base only the counts: `由3家降至1家`."""
    r = r or rules()
    said = t("doc.fell", lang, before=fmt.indicator_value(previous, unit, lang),
             after=fmt.indicator_value(current, unit, lang))
    if is_tiny(previous, unit, r) or previous <= 0:
        return said
    pct = _round((previous - current) / previous * 100, r.percent_decimals)
    return t("doc.fell_pct", lang, fell=said, pct=f"{pct}%")


def rank_fall(before: int, after: int, lang: str) -> str:
    """`全省排名由第2位降至第5位`."""
    return t("doc.rank_fell", lang, before=int(before), after=int(after))


def percent(ratio: float, r: Rules | None = None) -> str:
    r = r or rules()
    return f"{_round(ratio * 100, r.percent_decimals)}%"


def table_change(change: Growth, lang: str) -> str:
    """A 同比 cell, short enough not to wrap: `+2.1倍※`, `-25.0%`, `1家→4家※` (the column header says 同比)."""
    if change.kind in ("times", "pct"):
        return t(f"doc.table.{change.direction}", lang, size=change.size)
    if change.kind == "counts":
        return t("doc.table.counts", lang, before=change.before, after=change.size)
    if change.kind == "flat":
        return t("doc.table.flat", lang)
    return change.text or fmt.MISSING
