"""What the 招商引资 (devzone.projects_view) and 产值税收 (devzone.output_tax_view) screens share: the ledger's
vocabulary, the signed projects and their breakdowns, labels, source lines and the shape of a panel.

Pure: no Streamlit, no SQL. "Signed" follows the ledger view of the ETL (`ledger_indicator_values`): a project
with a signing date whose status is past 在谈; signed-and-started = started in the year it was signed. The same
rule everywhere keeps the ledger sums on these screens equal to the view's.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from devzone import fmt
from devzone.i18n import chain_name, province_name, t

# ---------------------------------------------------------------- vocabulary

STAGES = ("在谈", "签约", "开工", "投产")  # the pipeline, in order
TERMINATED = "终止"
STATUSES = (*STAGES, TERMINATED)

PERIOD_YEAR, PERIOD_ALL = "year", "all"
PERIODS = (PERIOD_YEAR, PERIOD_ALL)

LEDGER_SOURCE_TAG = "项目台账汇总"  # indicator_values.source of a figure derived from the ledger


def clean_text(value: object) -> str | None:
    """A cleaned text cell, or None when blank/missing."""
    if fmt.is_missing(value):
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------- labels

def status_label(status: object, lang: str) -> str:
    text = clean_text(status)
    if text is None:
        return fmt.MISSING
    return t(f"pv.status.{text}", lang) if text in STATUSES else text


_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_THREE_CHAR = ("内蒙古", "黑龙江")
_TWO_CHAR = (
    "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
    "广东", "广西", "海南", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港",
    "澳门", "台湾",
)


def origin_province(origin: object) -> str | None:
    """投资方所在地 -> province: `山西运城` -> 山西, `北京` -> 北京, `内蒙古鄂尔多斯` -> 内蒙古.

    Blank -> None (shown as 未填写). Places that are not a Chinese province (`新加坡`, `德国`) stay as
    written, so nothing is silently merged into the wrong province.
    """
    text = clean_text(origin)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).replace(" ", "")
    for prefix in (*_THREE_CHAR, *_MUNICIPALITIES, *_TWO_CHAR):
        if text.startswith(prefix):
            return prefix
    return text


def origin_label(province: object, lang: str) -> str:
    text = clean_text(province)
    return t("pv.blank", lang) if text is None else province_name(text, lang)


def chain_label(chain: object, lang: str) -> str:
    text = clean_text(chain)
    return t("pv.blank", lang) if text is None else chain_name(text, lang)


def chart_text(value: object, measure: str, lang: str) -> str:
    """A bar's label, in the unit of the chart's axis (money in 亿元: `0.5亿元`, not `5,000万元`; English the
    number, the axis saying `RMB 100 mn`)."""
    if measure in ("investment", "output", "tax"):
        return fmt.money_on_axis(value, lang)
    return fmt.count(value, "个", lang)


# ---------------------------------------------------------------- the ledger

def signed_projects(ledger: pd.DataFrame) -> pd.DataFrame:
    """Projects that count as signed, with signed_year, quarter, month and started_same_year."""
    mask = ledger["signed_date"].notna() & (ledger["status"].fillna("") != "在谈")
    signed = ledger.loc[mask].copy()
    signed["signed_year"] = signed["signed_date"].dt.year.astype("int64")
    signed["quarter"] = signed["signed_date"].dt.quarter.astype("int64")
    signed["month"] = signed["signed_date"].dt.month.astype("int64")
    signed["started_same_year"] = (signed["started_date"].dt.year == signed["signed_year"]).fillna(False)
    return signed


def known_sum(values: pd.Series) -> float:
    """Sum of the known values; NaN when none is known (missing is not zero)."""
    return float(values.sum(min_count=1))


def aggregate(signed: pd.DataFrame, by: str) -> pd.DataFrame:
    grouped = signed.groupby(by, sort=False, dropna=False)
    return pd.DataFrame({
        "projects": grouped.size(),
        "investment": grouped["total_investment"].sum(min_count=1),
        "started": grouped["started_same_year"].sum(),
        "output": grouped["projected_output"].sum(min_count=1),
        "tax": grouped["projected_tax"].sum(min_count=1),
    }).reset_index()


BREAKDOWN_COLUMNS = ["projects", "investment", "started", "output", "tax"]


def group_breakdown(signed: pd.DataFrame, year: int | None, by: str, lang: str) -> pd.DataFrame:
    """Projects signed in `year` (None: all years) by `chain` or investor `origin` (province).

    Columns: group, label, projects, investment, started, output, tax, intensity (output per 亿元
    invested, over projects with both figures); sorted by projects then investment, descending.
    """
    rows = signed if year is None else signed.loc[signed["signed_year"] == int(year)]
    rows = rows.copy()
    if by == "origin":
        rows["group"] = [origin_province(o) for o in rows["investor_origin"]]
        labeler = origin_label
    else:
        rows["group"] = [clean_text(c) for c in rows["chain"]]
        labeler = chain_label
    if rows.empty:
        return pd.DataFrame(columns=["group", "label", *BREAKDOWN_COLUMNS, "intensity"])
    frame = aggregate(rows, "group")
    both = rows.loc[rows["projected_output"].notna() & (rows["total_investment"] > 0)]
    both_sums = both.groupby("group", dropna=False)[["projected_output", "total_investment"]].sum()
    ratio = both_sums["projected_output"] / both_sums["total_investment"]
    frame["intensity"] = frame["group"].map(lambda g: ratio.get(g, math.nan))
    frame.insert(1, "label", [labeler(g, lang) for g in frame["group"]])
    return frame.sort_values(["projects", "investment"], ascending=False, na_position="last",
                             kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- headline figures and source lines

@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    delta: str | None = None  # 同比, signed
    rank: str | None = None  # 全省第3名/共28个
    help: str | None = None
    tag: str = ""  # `真实` on a real figure beside synthetic ones (fmt.real_tag); its 同比 may carry ※

    @property
    def delta_color(self) -> str:
        """A zero change is grey, not a green arrow."""
        return "off" if self.delta is not None and not re.search(r"[1-9]", self.delta) else "normal"

    @property
    def delta_arrow(self) -> str:
        """No arrow on a zero change (`0.0%`, `+0个`): Streamlit draws an up-arrow for any text delta."""
        return "off" if self.delta_color == "off" else "auto"

    def description(self, lang: str) -> str | None:
        """The muted word beside the delta: `同比` (None without a delta). The rank goes on a line of its own
        under the card (`rank`): beside the delta, Streamlit cut it to `全省第3…` on a 1440 px screen."""
        return t("pv.yoy", lang) if self.delta else None


def delta_text(values: Mapping[tuple[int, str], float], year: int, indicator: str) -> str | None:
    now, before = values.get((year, indicator)), values.get((year - 1, indicator))
    text = fmt.yoy(now, before)
    return None if text == fmt.MISSING else text


def year_text(year: object, lang: str) -> str:
    """`2021年` / `2021` for titles and captions."""
    return fmt.year(year, lang)


_SHEET_OF_YEAR = re.compile(r"^(?P<file>.+)：(?P<year>\d{4})$")


def _year_runs(years: Sequence[int], lang: str) -> str:
    """`2019—2020、2022—2025年`; English `2019–2020, 2022–2025`."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    if lang == "en":
        return ", ".join(fmt.year_span(run, lang) for run in runs)
    return "、".join(fmt.year_span(run, lang).removesuffix("年") for run in runs) + "年"


def source_name(source: str, lang: str) -> str:
    return t("pv.source.ledger_sum", lang) if source == LEDGER_SOURCE_TAG else fmt.source_name(source)


def compact_sources(rows: pd.DataFrame, lang: str) -> str:
    """The distinct sources of `rows` (year, source), each with the years it covers.

    A workbook with one sheet per year (`文件.xlsx：2019`) is named once:
    `01_…主要指标.xlsx（2019—2020、2022—2025年）；运城日报《…》（2021年）`.
    """
    years_by_source: dict[str, list[int]] = {}
    for year, source in zip(rows["year"], rows["source"], strict=True):
        text = clean_text(source)
        if text is None:
            continue
        match = _SHEET_OF_YEAR.match(text)
        name = match.group("file") if match and match.group("year") == str(int(year)) else text
        years_by_source.setdefault(name, []).append(int(year))
    if not years_by_source:
        return fmt.MISSING
    if len(years_by_source) == 1:
        return source_name(next(iter(years_by_source)), lang)
    opening, closing, separator = (" (", ")", "; ") if lang == "en" else ("（", "）", "；")
    return separator.join(f"{source_name(name, lang)}{opening}{_year_runs(years, lang)}{closing}"
                          for name, years in years_by_source.items())


def is_synthetic(*frames: pd.DataFrame) -> bool:
    """Any synthetic value among the frames shown (an is_synthetic column; missing counts as not)."""
    for frame in frames:
        if frame is not None and "is_synthetic" in frame and bool(frame["is_synthetic"].fillna(False).any()):
            return True
    return False


# ---------------------------------------------------------------- chart frames and tables

_MEASURE_UNIT = {"projects": "个", "investment": "亿元", "started": "个", "output": "亿元", "tax": "亿元"}


def measure_header(measure: str, lang: str) -> str:
    """`签约项目数（个）` — the header of a measure's column in a downloaded table."""
    return t("pv.header", lang, name=t(f"pv.measure.{measure}", lang), unit=t(f"pv.unit.{_MEASURE_UNIT[measure]}",
                                                                                 lang))


def with_text(frame: pd.DataFrame, measure: str, lang: str, *, compact: bool = False) -> pd.DataFrame:
    """Adds `value` (the measure) and `text` (how it reads) columns for a chart.

    `compact`: the bare number (`31.2`, `6`), for charts with many narrow bars whose axis title gives the unit.
    """
    out = frame.copy()
    out["value"] = out[measure].astype("float64")
    if compact:
        out["text"] = [fmt.number(v, 1) if not fmt.is_missing(v) and v else "" for v in out["value"]]
    else:
        out["text"] = [chart_text(v, measure, lang) for v in out["value"]]
    return out


def breakdown_table(frame: pd.DataFrame, first_header: str, measures: Sequence[str], lang: str,
                    with_intensity: bool = False) -> pd.DataFrame:
    """A period/group breakdown with labelled headers (units in them), numbers rounded, for download."""
    table = pd.DataFrame({first_header: frame["label"].to_numpy()})
    for measure in measures:
        values = frame[measure].astype("float64").round(4)
        table[measure_header(measure, lang)] = values.to_numpy()
    if with_intensity:
        table[t("pv.col.intensity", lang)] = frame["intensity"].astype("float64").round(2).to_numpy()
    return table


# ---------------------------------------------------------------- whole screens

@dataclass(frozen=True)
class Panel:
    """One chart with the table behind it, ready for ui.chart_panel."""

    figure: object  # plotly Figure; shared between sessions once cached: never modify it
    table: pd.DataFrame
    key: str
    source: str
    synthetic: bool
