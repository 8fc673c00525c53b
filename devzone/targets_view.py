"""年度目标 / Annual targets against 序时进度 ("时间过半、任务过半"), from `queries.target_progress`.

Pure functions (no Streamlit, no SQL); `devzone.ui.render_targets_panel` draws them.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from devzone import fmt, periods
from devzone.i18n import t


def _name(progress: pd.DataFrame, lang: str) -> pd.Series:
    return progress["name_en" if lang == "en" else "name_zh"]


def status_key(on_schedule: object) -> str:
    if on_schedule is True or (not fmt.is_missing(on_schedule) and bool(on_schedule)):
        return "ahead"
    if fmt.is_missing(on_schedule):
        return "unknown"
    return "behind"


def elapsed_share(progress: pd.DataFrame, year: int, as_of: dt.date) -> float:
    """序时进度 of the year at `as_of` (the view's value when there are rows, else computed the same way)."""
    if len(progress) and not fmt.is_missing(progress["time_elapsed_share"].iloc[0]):
        return float(progress["time_elapsed_share"].iloc[0])
    return periods.elapsed_share(as_of, year)


def summary(progress: pd.DataFrame, year: int, as_of: dt.date, lang: str) -> str:
    """`2026年序时进度 90.4%（截至2026年11月26日）：4 项目标中 2 项达到序时进度。`"""
    share = elapsed_share(progress, year, as_of)
    known = progress[progress["on_schedule"].notna()]
    ahead = int(known["on_schedule"].astype(bool).sum())
    return t("targets.summary", lang, year=fmt.year(year, lang), share=fmt.percent(share), date=fmt.date(as_of, lang),
             n=len(progress), ahead=ahead, behind=len(known) - ahead)


def _marks(progress: pd.DataFrame) -> list[object]:
    """completion_from_synthetic per row (queries.target_progress); False without the column."""
    column = "completion_from_synthetic"
    return progress[column].tolist() if column in progress.columns else [False] * len(progress)


def _value(value: object, unit: str, lang: str) -> str:
    return fmt.indicator_value(value, unit, lang)


def table(progress: pd.DataFrame, lang: str) -> pd.DataFrame:
    """指标 · 目标 · 完成 · 完成率 · 序时进度 · 状态 · 完成值来源."""
    return pd.DataFrame({
        t("targets.col.indicator", lang): _name(progress, lang),
        t("targets.col.target", lang): [_value(v, u, lang) for v, u in zip(progress["target"], progress["unit"],
                                                                          strict=True)],
        t("targets.col.actual", lang): [_value(v, u, lang) for v, u in zip(progress["actual"], progress["unit"],
                                                                          strict=True)],
        t("targets.col.rate", lang): [fmt.mark_from_synthetic(fmt.percent(v), m)
                                      for v, m in zip(progress["completion_rate"], _marks(progress), strict=True)],
        t("targets.col.share", lang): [fmt.percent(v) for v in progress["time_elapsed_share"]],
        t("targets.col.status", lang): [t(f"targets.status.{status_key(v)}", lang) for v in progress["on_schedule"]],
        t("targets.col.source", lang): progress["actual_source"].map(fmt.source_name),
    })


def chart_frame(progress: pd.DataFrame, lang: str) -> pd.DataFrame:
    """label, rate (fraction, 0 when unknown), text (`39/40个 · 97.5%`), on_schedule (True/False/None)."""
    texts = []
    for actual, target, unit, rate, mark in zip(progress["actual"], progress["target"], progress["unit"],
                                                progress["completion_rate"], _marks(progress), strict=True):
        shown_unit = "" if lang == "en" else (unit if unit in fmt.COUNT_UNITS else "")
        if unit in fmt.MONEY_UNITS and lang == "en":
            pair = t("targets.bar_pair", lang, actual=fmt.money(actual, lang), target=fmt.money(target, lang))
        elif unit in fmt.MONEY_UNITS:  # both in 亿元, as the target is set: 136.49/145亿元
            pair = t("targets.bar_pair", lang, actual=fmt.number(actual), target=fmt.number(target) + unit)
        else:
            pair = t("targets.bar_pair", lang, actual=fmt.number(actual, 1), target=fmt.number(target, 1) + shown_unit)
        texts.append(t("targets.bar_text", lang, pair=pair, rate=fmt.mark_from_synthetic(fmt.percent(rate), mark)))
    return pd.DataFrame({
        "label": _name(progress, lang).tolist(),
        "rate": pd.to_numeric(progress["completion_rate"], errors="coerce").fillna(0).tolist(),
        "text": texts,
        "on_schedule": [None if fmt.is_missing(v) else bool(v) for v in progress["on_schedule"]],
    })


def year_with_figures(years: pd.DataFrame, wanted: int) -> int:
    """The target year to show for a day in `wanted`: that year when anything is done towards its targets,
    else the latest earlier year that has figures (never a row of 0/43个 because the year has just begun in
    the ledger or has no reports yet); `wanted` when no year has any. `years`: queries.target_years."""
    with_figures = years.loc[years["has_actual"].astype(bool), "year"].astype(int).tolist()
    if wanted in with_figures or not with_figures:
        return wanted
    earlier = [y for y in with_figures if y < wanted]
    return max(earlier) if earlier else wanted
