"""What each header cell means: a key column, an indicator (this year's value, last year's, or a target), a companion
column to skip (同比, 完成率, 排名 …), or something unknown. Two-row headers (an indicator over 本年 / 上年同期 /
同比增长) are read as one. The words are data: `etl/catalogue/header_words.toml`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from etl import catalogue
from etl.catalogue import normalise_label
from etl.cells import cell_text, parse_number
from etl.paths import CATALOGUE_DIR

_UNIT_IN_HEADER = re.compile(r"^(?P<base>.*?)[（(](?P<unit>[^()（）]*)[)）]\s*$")

VALUE, PRIOR, TARGET = "value", "prior", "target"  # the roles of an indicator column
ROLE_NAMES = {VALUE: "本年数", PRIOR: "上年同期数（记入上一年）", TARGET: "目标值"}


@dataclass
class HeaderCell:
    column: int  # 1-based
    text: str
    base: str  # folded, unit removed
    unit: str | None
    role: str = VALUE  # indicator columns: VALUE, PRIOR (the year before) or TARGET


@cache
def words() -> dict[str, Any]:
    with open(CATALOGUE_DIR / "header_words.toml", "rb") as handle:
        table = tomllib.load(handle)
    folded = {key: [normalise_label(w) for w in table[key]] for key in ("current", "prior", "target", "companion")}
    folded["generic_money"] = [normalise_label(w) for w in table["generic_money"]["headers"]]
    folded["generic_money_started"] = table["generic_money"]["started_words"]
    folded["generic_money_signed"] = table["generic_money"]["signed_words"]
    folded["target_context"] = table["context"]["target"]
    folded["actual_context"] = table["context"]["actual"]
    return folded


def split_header(text: str) -> tuple[str, str | None]:
    flat = "".join(str(text).split())
    match = _UNIT_IN_HEADER.match(flat)
    if match and match.group("base"):
        return normalise_label(match.group("base")), match.group("unit").strip() or None
    return normalise_label(flat), None


# "1-11月累计", "1—12月", "1至6月完成": a cumulative column of the first N months (N < 12 is part of a year).
_MONTH_SPAN = re.compile(r"^(?:本年)?1月?[-—–~～至到]+(\d{1,2})月份?(?:累计|完成|实绩|实际)?[数值]?$")


def month_span(text: str) -> int | None:
    """N for a header reading 1—N月 (累计), else None."""
    match = _MONTH_SPAN.match(split_header(text)[0])
    return int(match.group(1)) if match else None


def sub_role(text: str) -> str | None:
    """The role a sub-header (本年 / 上年同期 / 目标) gives, 'skip' for 同比 and the like, None if it is none of these."""
    base, _unit = split_header(text)
    if not base:
        return None
    w = words()
    bare = base.removesuffix("数") if base.endswith(("累计数", "同期数", "本年数", "上年数", "本期数", "完成数")) else base
    if base in w["current"] or bare in w["current"] or month_span(base):
        return VALUE
    if base in w["prior"] or bare in w["prior"]:
        return PRIOR
    if base in w["target"]:
        return TARGET
    if is_companion(base):
        return "skip"
    return None


_ROLE_AFTER_UNIT = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]+)\)(?P<role>[^()]+)$")


def role_split(text: str) -> tuple[str, str | None, str] | None:
    """(indicator name, unit, role) of a one-cell header naming an indicator and which figure of it: 签约项目数（上年同期）,
    签约项目数去年同期, 本年签约项目数, 签约总投资（亿元）去年; None for any other header."""
    aliases = catalogue.indicator_aliases()
    base, unit = split_header(text)
    if base in aliases:
        role = sub_role(unit) if unit else None
        return (base, None, role) if role in (VALUE, PRIOR, TARGET) else None
    match = _ROLE_AFTER_UNIT.match(normalise_label(text))
    if match and match.group("name") in aliases and sub_role(match.group("role")) in (VALUE, PRIOR, TARGET):
        return match.group("name"), match.group("unit"), sub_role(match.group("role"))
    w = words()
    for word in sorted({*w["current"], *w["prior"], *w["target"]}, key=len, reverse=True):
        role = sub_role(word)
        for rest in (base.removesuffix(word) if base.endswith(word) else "",
                     base.removeprefix(word) if base.startswith(word) else ""):
            rest = rest.strip(":·-—_")
            if rest in aliases and role in (VALUE, PRIOR, TARGET):
                return rest, unit, role
    return None


def is_companion(base: str) -> bool:
    """同比 / 增长率 / 完成率 / 占比 / 排名 / 序号 / 备注 columns: not figures to store."""
    return any(word in base for word in words()["companion"])


def target_indicator(base: str) -> str | None:
    """`签约项目数目标`, `目标签约项目数`, `年度目标：签约项目数` → the indicator code (a target column)."""
    aliases = catalogue.indicator_aliases()
    for word in sorted(words()["target"], key=len, reverse=True):
        if not word:
            continue
        for rest in (base.removeprefix(word) if base.startswith(word) else None,
                     base.removesuffix(word) if base.endswith(word) else None):
            if rest:
                rest = rest.strip(":：()（）")
                if rest in aliases:
                    return aliases[rest]
    return None


def is_sub_header_row(row: list[Any]) -> bool:
    """A row of 本年 / 上年同期 / 同比 labels under the indicator names (mostly known words, at least one a figure)."""
    roles = [sub_role(cell_text(v)) for v in row if cell_text(v) and not isinstance(v, (int, float))]
    known = [r for r in roles if r]
    return bool(roles) and len(known) * 2 >= len(roles) and any(r in (VALUE, PRIOR, TARGET) for r in known)


def combine_two_rows(top: list[Any], sub: list[Any]) -> list[tuple[str, str | None]]:
    """Per column: (the indicator/key text, the sub-header text or None). Blank top cells under a sub-header take
    the text to their left (what a merged indicator cell becomes in a CSV export)."""
    width = max(len(top), len(sub))
    out: list[tuple[str, str | None]] = []
    last = ""
    for j in range(width):
        above = cell_text(top[j]) if j < len(top) else ""
        below = cell_text(sub[j]) if j < len(sub) else ""
        if above:
            last = above
        elif below and sub_role(below):
            above = last
        out.append((above, below or None))
    return out


def group_pairs(top: list[Any], sub: list[Any]) -> list[tuple[str, str | None]] | None:
    """A heading merged across the columns it groups, their names below it — 签约项目 over 个数 | 总投资（亿元）|
    其中：亿元以上 — read as one name per column: 签约项目个数, 签约项目总投资（亿元）, 签约项目·其中：亿元以上 (a part:
    skipped). None when no grouped column then names a catalogue indicator (two rows that are not such a header).
    A cell merged down over both rows (开发区) keeps its name."""
    aliases = catalogue.indicator_aliases()
    width = max(len(top), len(sub))
    above = [cell_text(top[j]) if j < len(top) else "" for j in range(width)]
    out: list[tuple[str, str | None]] = []
    named = False
    for j in range(width):
        below = cell_text(sub[j]) if j < len(sub) else ""
        grouped = bool(above[j] and below and below != above[j] and not isinstance(sub[j], (int, float)) and (
            (j > 0 and above[j - 1] == above[j]) or (j + 1 < width and above[j + 1] == above[j])))
        if not grouped:
            out.append((above[j] or below, None))
            continue
        (group, group_unit), (name, unit) = split_header(above[j]), split_header(below)
        if is_companion(name) or normalise_label(below).startswith("其中"):
            out.append((f"{above[j]}·{below}", None))
            continue
        named = named or group + name in aliases
        unit = unit or group_unit
        out.append((f"{group}{name}（{unit}）" if unit else group + name, None))
    return out if named else None


def context_says(context: str, key: str) -> bool:
    return any(word in context for word in words()[key])


def generic_money_problem(base: str, context: str) -> str | None:
    """A generic money header (`总投资`) read as signed investment only where the table is about signed projects."""
    w = words()
    if base not in w["generic_money"]:
        return None
    started = any(word in context for word in w["generic_money_started"])
    signed = any(word in context for word in w["generic_money_signed"])
    if started:
        both = "既涉及签约又涉及开工" if signed else "是开工项目表"
        return (f"表头“{base}”含义不明（本表{both}，此列可能是新开工项目的投资）— 若为签约项目总投资，请把表头改为"
                "“签约项目总投资”；若为新开工项目投资，指标目录中没有此指标，请删去此列")
    return None


def looks_numeric(values: list[Any]) -> bool:
    """Most non-blank cells of a column sample are numbers."""
    filled = [v for v in values if cell_text(v) and cell_text(v) not in ("—", "-", "/", "／", "——")]
    if not filled:
        return False
    numbers = sum(1 for v in filled if parse_number(v)[1] in (None, "percent"))
    return numbers * 2 > len(filled)
