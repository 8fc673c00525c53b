"""Display tables: a query's DataFrame -> the table a person reads (headings and values in one language).

Pure functions, no Streamlit: pages pass the result straight to `st.dataframe`.
"""
from __future__ import annotations

import re

import pandas as pd

from devzone import fmt, periods
from devzone.i18n import t, t_or
from devzone.labels import unit_label

SHA_SHOWN = 12


def _name_column(lang: str) -> str:
    return "name_en" if lang == "en" else "name_zh"


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
            t("col.loaded_at", lang): [periods.china_date_time(when, lang) for when in loads["loaded_at"]],
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


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A signed plain number such as `+12.5%` or `-3` (同比 columns) evaluates to itself: left alone.
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})*|\d+)(\.\d+)?%?$")


# English amounts and dates a wrapping table must not break inside: `RMB 1.79 bn`, `RMB 5,000`, `17 Jan 2026`.
_WHOLE_TERMS = re.compile(r"RMB -?[\d,.]+(?: (?:bn|mn))?|\d{1,2} [A-Z][a-z]{2} \d{4}")


# Chinese amounts and dates: `179.78亿元`, `36个`, `116.0%※`, `2026年1月17日` — a browser may break between any
# two CJK characters, so their characters are held together with WORD JOINER (U+2060, invisible).
_WHOLE_ZH = re.compile(r"[-+]?[\d,.]+(?:亿元|万元|元|个|家|项|%|倍|名)※?|(?:19|20)\d{2}年\d{1,2}月(?:\d{1,2}日)?")
_JOINER = "\u2060"


def _keep_whole(text: str) -> str:
    text = _WHOLE_TERMS.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)
    return _WHOLE_ZH.sub(lambda m: _JOINER.join(m.group(0)), text)


def unbreakable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.table (which wraps cells): amounts and dates kept whole — English ones joined by
    non-breaking spaces, Chinese ones by word joiners. Downloads use the caller's frame, unchanged."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = [_keep_whole(v) if isinstance(v, str) else v for v in out[column]]
    return out


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas (=, +, -, @, tab, CR) get a leading apostrophe."""
    guarded = frame.copy()
    for column in guarded.columns:
        if guarded[column].dtype == object or pd.api.types.is_string_dtype(guarded[column]):
            guarded[column] = guarded[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_PREFIXES)
                and not _PLAIN_NUMBER.match(v) else v)
    return guarded


_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def download_stem(*parts: object) -> str:
    """`企业名录_盐湖高新区_2021`: the non-empty parts joined by `_`; a zone name cannot add a folder or a character
    Windows refuses in a file name."""
    return "_".join(_NOT_IN_FILE_NAMES.sub("_", str(part)) for part in parts if part not in (None, ""))


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so that Excel on Chinese Windows opens it without mojibake."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


# ---------------------------------------------------------------- a table that fits a phone and prints whole

STACKED_MAX_ROWS = 300  # beyond this only the data grid is drawn (a static copy would cost more than it helps)


def cell_text(value: object) -> str:
    if fmt.is_missing(value):
        return fmt.MISSING
    if pd.api.types.is_number(value) and not pd.api.types.is_bool(value):
        return fmt.number(value, 2)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else str(value)
    return str(value)


def stacked_html(table: pd.DataFrame, *, key: str) -> str:
    """`table` as plain HTML for a narrow screen and for paper (screens.css): on a phone each row is a small
    card of `heading: value` lines (no column cut off at the right edge); printed, a table whose header repeats
    on every page. Every heading and value is escaped."""
    import html

    headings = [html.escape(str(column)) for column in table.columns]
    head = "".join(f"<th>{h}</th>" for h in headings)
    rows = []
    for values in table.itertuples(index=False, name=None):
        cells = "".join(f'<td data-label="{h}">{html.escape(cell_text(v))}</td>'
                        for h, v in zip(headings, values, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return (f'<table class="stacked-table" data-key="{html.escape(key)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")
