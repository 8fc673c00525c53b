"""Display tables: a query's DataFrame -> the table a person reads (headings and values in one language).

Pure functions, no Streamlit: pages pass the result straight to `st.dataframe`.
"""
from __future__ import annotations

import pandas as pd

from devzone import fmt
from devzone.i18n import t, t_or

SHA_SHOWN = 12


def _name_column(lang: str) -> str:
    return "name_en" if lang == "en" else "name_zh"


def unit_label(unit: object, lang: str) -> str:
    if fmt.is_missing(unit):
        return fmt.MISSING
    return t_or(f"unit.{unit}", str(unit), lang)


def indicator_catalogue(coverage: pd.DataFrame, lang: str) -> pd.DataFrame:
    """From `queries.indicator_coverage`: name, code, unit, ranking direction, category, what is loaded."""
    return pd.DataFrame(
        {
            t("col.indicator", lang): coverage[_name_column(lang)],
            t("col.indicator_code", lang): coverage["indicator"],
            t("col.unit", lang): [unit_label(u, lang) for u in coverage["unit"]],
            t("col.direction", lang): [t_or(f"direction.{d}", str(d), lang) for d in coverage["direction"]],
            t("col.category", lang): [t_or(f"category.{c}", str(c), lang) for c in coverage["category"]],
            t("col.values", lang): [fmt.number(n, 0) for n in coverage["n_values"]],
            t("col.years", lang): [
                fmt.year_span([first, last], lang)
                for first, last in zip(coverage["first_year"], coverage["last_year"], strict=True)
            ],
            t("col.synthetic_share", lang): [fmt.percent(s, 0) for s in coverage["synthetic_share"]],
        }
    )


def load_history(loads: pd.DataFrame, lang: str) -> pd.DataFrame:
    """From `queries.recent_loads`: when, which file and sheet, how many rows, outcome, file fingerprint."""
    return pd.DataFrame(
        {
            t("col.loaded_at", lang): [fmt.date_time(when, lang) for when in loads["loaded_at"]],
            t("col.file", lang): loads["file_name"].fillna(fmt.MISSING),
            t("col.sheet", lang): loads["sheet"].fillna(fmt.MISSING),
            t("col.rows", lang): [fmt.number(n, 0) for n in loads["rows"]],
            t("col.status", lang): [
                fmt.MISSING if fmt.is_missing(s) else t_or(f"status.{str(s).lower()}", str(s), lang)
                for s in loads["status"]
            ],
            t("col.sha256", lang): [
                fmt.MISSING if fmt.is_missing(sha) else str(sha)[:SHA_SHOWN] for sha in loads["sha256"]
            ],
        }
    )
