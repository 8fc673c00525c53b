"""What the data-overview (数据概况) screen says, as plain strings. Pure: no Streamlit, no SQL."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from devzone import fmt, periods
from devzone.i18n import t


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str | None = None


def _summary_row(summary: pd.DataFrame) -> pd.Series:
    """`queries.snapshot_summary` returns exactly one row."""
    return summary.iloc[0]


def headline_metrics(summary: pd.DataFrame, lang: str) -> list[Metric]:
    row = _summary_row(summary)
    return [
        Metric(
            t("home.metric.zones", lang),
            fmt.count(row["zones"], "个", lang),
            t("home.metric.zones_help", lang),
        ),
        Metric(t("home.metric.years", lang), fmt.year_span([row["first_year"], row["last_year"]], lang)),
        Metric(t("home.metric.indicators", lang), fmt.count(row["indicators"], "项", lang)),
        Metric(t("home.metric.values", lang), fmt.count(row["n_values"], "条", lang)),
        Metric(t("home.metric.projects", lang), fmt.count(row["projects"], "个", lang)),
        Metric(
            t("home.metric.synthetic_share", lang),
            fmt.percent(row["synthetic_share"]),
            t("home.metric.synthetic_share_help", lang),
        ),
    ]


def has_synthetic_data(summary: pd.DataFrame) -> bool:
    return bool(_summary_row(summary)["has_synthetic"])


def synthetic_banner(summary: pd.DataFrame, lang: str) -> str:
    return t("home.synthetic_banner", lang, share=fmt.percent(_summary_row(summary)["synthetic_share"]))


def has_values(summary: pd.DataFrame) -> bool:
    return int(_summary_row(summary)["n_values"]) > 0


def snapshot_caption(summary: pd.DataFrame, db_path: object, lang: str) -> str:
    """`看板当前载入的数据：data/devzone.duckdb · 数据更新于 2024年3月1日 09:30`; without a path (anyone but an
    admin: a server path is nothing an official should read) `看板数据 · 数据更新于 …`."""
    parts = [t("home.caption", lang, path=db_path) if db_path else t("home.caption_plain", lang)]
    when = _summary_row(summary)["last_loaded_at"]
    if not fmt.is_missing(when):
        parts.append(t("home.updated", lang, when=periods.china_date_time(when, lang)))
    return " · ".join(parts)


def selection_coverage(zone_values: pd.DataFrame, zone_label: str, year: int, lang: str) -> str:
    """From `queries.zone_year_values`: `盐湖高新区　2021年：已有 9/11 项指标数值`."""
    available = int(zone_values["value"].notna().sum())
    return t(
        "home.selection_coverage", lang,
        zone=zone_label, year=fmt.year(year, lang), available=available, total=len(zone_values),
    )
