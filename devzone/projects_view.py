"""What the 招商引资 (projects) and 产值税收 (output & tax) screens show, as frames and strings.

Pure: no Streamlit, no SQL. Inputs are the frames of devzone.queries (`projects_ledger`,
`projects_year_totals`, `projects_zone_ranks`, `output_tax_reported_vs_ledger`); outputs are
labelled tables (headers carry units, values stay numeric so they sort and export), chart-ready
frames and the sentences a page prints.

"Signed" follows the ledger view of the ETL (`ledger_indicator_values`): a project with a signing
date whose status is past 在谈; signed-and-started = started in the year it was signed. The same
rule everywhere keeps the ledger sums on these screens equal to the view's.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from devzone import charts, fmt, tables
from devzone.i18n import chain_name, province_name, t

# ---------------------------------------------------------------- vocabulary

STAGES = ("在谈", "签约", "开工", "投产")  # the pipeline, in order
TERMINATED = "终止"
STATUSES = (*STAGES, TERMINATED)

SCOPE_ZONE, SCOPE_PROVINCE = "zone", "province"
SCOPES = (SCOPE_ZONE, SCOPE_PROVINCE)
PERIOD_YEAR, PERIOD_ALL = "year", "all"
PERIODS = (PERIOD_YEAR, PERIOD_ALL)

# 招商引资 measures: the three reported indicators and the ledger column that adds up to each.
PROJECT_MEASURES = ("projects", "investment", "started")
MEASURE_INDICATOR = {
    "projects": "signed_projects",
    "investment": "signed_investment",
    "started": "signed_started_projects",
}
PROJECT_INDICATORS = tuple(MEASURE_INDICATOR.values())

# 产值税收 measures.
OUTPUT_MEASURES = ("output", "tax")
OUTPUT_INDICATOR = {"output": "projected_output", "tax": "projected_tax"}
OUTPUT_INDICATORS = tuple(OUTPUT_INDICATOR.values())
TOP_N = 10

# st.column_config formats (numbers: sprintf-js, dates: momentJS).
MONEY_FORMAT = "%,.2f"
DATE_FORMATS = {"zh": "YYYY年M月D日", "en": "D MMM YYYY"}

MISSING = fmt.MISSING  # what a table shows for a missing value
LEDGER_SOURCE_TAG = "项目台账汇总"  # indicator_values.source of a figure derived from the ledger
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = ("一季度", "二季度", "三季度", "四季度")


def _text(value: object) -> str | None:
    """A cleaned text cell, or None when blank/missing."""
    if fmt.is_missing(value):
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------- URL parameters

def resolve_choice(raw: object, options: Sequence[str], default: str) -> str:
    """A page parameter such as `?scope=province`; anything unknown is the default."""
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    if not isinstance(raw, str):
        return default
    wanted = unicodedata.normalize("NFKC", raw).strip().lower()
    return wanted if wanted in options else default


def resolve_project(raw: object, project_ids: Sequence[str]) -> str | None:
    """`?project=X140802-0068` when that project is in the ledger shown, else None."""
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    if not isinstance(raw, str):
        return None
    wanted = unicodedata.normalize("NFKC", raw).strip()
    if wanted in project_ids:
        return wanted
    folded = {pid.casefold(): pid for pid in project_ids}
    return folded.get(wanted.casefold())


def resolve_search(raw: object, max_length: int = 100) -> str:
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    return raw.strip()[:max_length] if isinstance(raw, str) else ""


# ---------------------------------------------------------------- labels

def status_label(status: object, lang: str) -> str:
    text = _text(status)
    if text is None:
        return fmt.MISSING
    return t(f"pv.status.{text}", lang) if text in STATUSES else text


def scope_label(scope: str, lang: str) -> str:
    return t(f"pv.scope.{scope}", lang)


def period_label(period: str, year: int | None, lang: str) -> str:
    return t(f"pv.period.{period}", lang, year=fmt.year(year, lang))


def project_measure_label(measure: str, lang: str) -> str:
    return t(f"pv.measure.{measure}", lang)


def output_measure_label(measure: str, lang: str) -> str:
    return t(f"pv.measure.{measure}", lang)


def quarter_label(quarter: int, lang: str) -> str:
    return f"Q{quarter}" if lang == "en" else _QUARTERS_ZH[quarter - 1]


def month_label(month: int, lang: str) -> str:
    return _MONTHS_EN[month - 1] if lang == "en" else f"{month}月"


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
    text = _text(origin)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).replace(" ", "")
    for prefix in (*_THREE_CHAR, *_MUNICIPALITIES, *_TWO_CHAR):
        if text.startswith(prefix):
            return prefix
    return text


def origin_label(province: object, lang: str) -> str:
    text = _text(province)
    return t("pv.blank", lang) if text is None else province_name(text, lang)


def chain_label(chain: object, lang: str) -> str:
    text = _text(chain)
    return t("pv.blank", lang) if text is None else chain_name(text, lang)


def measure_text(value: object, measure: str, lang: str) -> str:
    """A measure's value as people read it: `36个`, `179.78亿元`."""
    if measure in ("investment", "output", "tax"):
        return fmt.money(value, lang)
    return fmt.count(value, "个", lang)


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


def _sum(values: pd.Series) -> float:
    """Sum of the known values; NaN when none is known (missing is not zero)."""
    return float(values.sum(min_count=1))


def _aggregate(signed: pd.DataFrame, by: str) -> pd.DataFrame:
    grouped = signed.groupby(by, sort=False, dropna=False)
    return pd.DataFrame({
        "projects": grouped.size(),
        "investment": grouped["total_investment"].sum(min_count=1),
        "started": grouped["started_same_year"].sum(),
        "output": grouped["projected_output"].sum(min_count=1),
        "tax": grouped["projected_tax"].sum(min_count=1),
    }).reset_index()


_EMPTY_BREAKDOWN_COLUMNS = ["projects", "investment", "started", "output", "tax"]


def period_breakdown(signed: pd.DataFrame, year: int, period: str, lang: str) -> pd.DataFrame:
    """Projects signed in `year` by quarter (1-4) or month (1-12), every period present (zero if none).

    Columns: period (number), label, projects, investment, started, output, tax.
    """
    periods = range(1, 5) if period == "quarter" else range(1, 13)
    in_year = signed.loc[signed["signed_year"] == int(year)]
    frame = _aggregate(in_year, period).set_index(period) if not in_year.empty else pd.DataFrame(
        columns=_EMPTY_BREAKDOWN_COLUMNS)
    frame = frame.reindex(list(periods))
    frame["projects"] = frame["projects"].fillna(0).astype("int64")
    frame["started"] = frame["started"].fillna(0).astype("int64")
    frame.index.name = "period"
    frame = frame.reset_index()
    labeler = quarter_label if period == "quarter" else month_label
    frame.insert(1, "label", [labeler(int(p), lang) for p in frame["period"]])
    return frame


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
        rows["group"] = [_text(c) for c in rows["chain"]]
        labeler = chain_label
    if rows.empty:
        return pd.DataFrame(columns=["group", "label", *_EMPTY_BREAKDOWN_COLUMNS, "intensity"])
    frame = _aggregate(rows, "group")
    both = rows.loc[rows["projected_output"].notna() & (rows["total_investment"] > 0)]
    both_sums = both.groupby("group", dropna=False)[["projected_output", "total_investment"]].sum()
    ratio = both_sums["projected_output"] / both_sums["total_investment"]
    frame["intensity"] = frame["group"].map(lambda g: ratio.get(g, math.nan))
    frame.insert(1, "label", [labeler(g, lang) for g in frame["group"]])
    return frame.sort_values(["projects", "investment"], ascending=False, na_position="last",
                             kind="stable").reset_index(drop=True)


def year_summary(signed: pd.DataFrame, year: int) -> dict[str, float]:
    """What the ledger adds up to for projects signed in `year`: projects, investment, started, output, tax."""
    rows = signed.loc[signed["signed_year"] == int(year)]
    return {
        "projects": float(len(rows)),
        "investment": _sum(rows["total_investment"]),
        "started": float(rows["started_same_year"].sum()),
        "output": _sum(rows["projected_output"]),
        "tax": _sum(rows["projected_tax"]),
    }


def by_signing_year(signed: pd.DataFrame, years: Sequence[int] = ()) -> pd.DataFrame:
    """Per signing year (plus any `years` without projects, as zero/NaN): the _aggregate columns. Given `years`
    (the years with zone-year figures), a signing year after the last of them is a year under way whose first
    months are no year figure: it is left out."""
    frame = _aggregate(signed, "signed_year").set_index("signed_year") if not signed.empty else pd.DataFrame(
        columns=_EMPTY_BREAKDOWN_COLUMNS)
    last = max((int(y) for y in years), default=None)
    all_years = sorted({int(y) for y in frame.index if last is None or int(y) <= last} | {int(y) for y in years})
    frame = frame.reindex(all_years)
    frame["projects"] = frame["projects"].fillna(0).astype("int64")
    frame["started"] = frame["started"].fillna(0).astype("int64")
    frame.index.name = "year"
    return frame.reset_index()


def search_ledger(ledger: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows whose project name, investor or chain contain every word of `query` (case/width-insensitive)."""
    words = [_fold(w) for w in re.split(r"\s+", query.strip()) if w]
    if not words or ledger.empty:
        return ledger
    haystack = (
        ledger["project_name"].fillna("") + "\u0001" + ledger["investor"].fillna("") + "\u0001"
        + ledger["chain"].fillna("")
    ).map(_fold)
    mask = pd.Series(True, index=ledger.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return ledger.loc[mask]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def ledger_in_period(ledger: pd.DataFrame, period: str, year: int | None) -> pd.DataFrame:
    """`year`: the projects signed in that year (the ones the reported totals count); `all`: the whole ledger."""
    if period == PERIOD_ALL or year is None or ledger.empty:
        return ledger
    signed = ledger["signed_date"].notna() & (ledger["status"].fillna("") != "在谈")
    return ledger.loc[signed & (ledger["signed_date"].dt.year == int(year))]


@dataclass(frozen=True)
class Column:
    """How the page should show one column of a display table: its kind picks the st.column_config."""

    label: str
    kind: str  # text | money | date
    width: int | None = None  # pixels; None lets the table decide


def ledger_columns(lang: str, with_zone: bool) -> list[Column]:
    date_width = 116 if lang != "en" else 100
    columns = [Column(t("pv.col.project", lang), "text", 220)]
    if with_zone:
        columns.append(Column(t("pv.col.zone", lang), "text", 110))
    columns += [
        Column(t("pv.col.status", lang), "text", 64 if lang != "en" else 96),
        Column(t("pv.col.investor", lang), "text", 180),
        Column(t("pv.col.chain", lang), "text", 150),
        Column(t("pv.col.investment", lang), "money", 96),
        Column(t("pv.col.signed_date", lang), "date", date_width),
        Column(t("pv.col.started_date", lang), "date", date_width),
        Column(t("pv.col.output", lang), "money", 110),
        Column(t("pv.col.tax", lang), "money", 100),
    ]
    # 投资方所在地, 投产日期, 链主, 包联领导 and the synthetic flag: in the detail view and the download
    return columns


def ledger_height(rows: int, *, row_px: int = 35, max_px: int = 420) -> int:
    """Pixels for a ledger of `rows` rows: no empty grid under a short list, a scroll bar under a long one."""
    return min(max_px, row_px * (rows + 1) + 3)


def ledger_table(ledger: pd.DataFrame, lang: str, with_zone: bool) -> pd.DataFrame:
    """The ledger as shown and downloaded: labelled headers (units in them), numbers and dates kept typed."""
    labels = [c.label for c in ledger_columns(lang, with_zone)]
    values: list[object] = [ledger["project_name"]]
    if with_zone:
        values.append(ledger["short_name"])
    values += [
        [status_label(s, lang) for s in ledger["status"]],
        ledger["investor"],
        ledger["chain"],
        ledger["total_investment"].round(4),
        ledger["signed_date"],
        ledger["started_date"],
        ledger["projected_output"].round(4),
        ledger["projected_tax"].round(4),
    ]
    return pd.DataFrame(dict(zip(labels, (v.to_numpy() if isinstance(v, pd.Series) else list(v) for v in values),
                                 strict=True)))


def ledger_export(ledger: pd.DataFrame, lang: str, with_zone: bool) -> pd.DataFrame:
    """The downloadable ledger: the shown columns plus 投产日期, 链主企业, 包联领导, 项目编号 and the synthetic flag."""
    table = ledger_table(ledger, lang, with_zone)
    table.insert(0, t("pv.col.project_id", lang), ledger["project_id"].to_numpy())
    table.insert(table.columns.get_loc(t("pv.col.investor", lang)) + 1, t("pv.col.origin", lang),
                 ledger["investor_origin"].to_numpy())
    table.insert(table.columns.get_loc(t("pv.col.started_date", lang)) + 1, t("pv.col.production_date", lang),
                 ledger["production_date"].to_numpy())
    table[t("pv.col.chain_leader", lang)] = ledger["chain_leader"].to_numpy()
    table[t("pv.col.lead_official", lang)] = ledger["lead_official"].to_numpy()
    table[t("pv.col.synthetic", lang)] = [t("pv.detail.synthetic" if flag else "pv.detail.real", lang)
                                          for flag in ledger["is_synthetic"].fillna(False).astype(bool)]
    return table


def project_option_labels(ledger: pd.DataFrame, lang: str) -> dict[str, str]:
    """project_id -> `宏明空调全产业链生产基地 · 2021年11月15日` for a picker (the date tells namesakes apart)."""
    labels: dict[str, str] = {}
    for pid, name, signed, status in zip(ledger["project_id"], ledger["project_name"], ledger["signed_date"],
                                         ledger["status"], strict=True):
        when = status_label(status, lang) if fmt.is_missing(signed) else fmt.date(signed, lang)
        labels[str(pid)] = f"{name} · {when}"
    return labels


# ---------------------------------------------------------------- one project

@dataclass(frozen=True)
class ProjectDetail:
    title: str
    status: str
    progress: str  # 在谈 ✓ → 签约 ✓ → 开工 ● → 投产 ○
    figures: list[tuple[str, str]]
    fields: list[tuple[str, str]]
    synthetic: bool
    terminated: bool = False


def _progress(status: object, lang: str) -> str:
    text = _text(status)
    if text == TERMINATED:
        return t("pv.detail.terminated", lang)
    if text not in STAGES:
        return fmt.MISSING
    reached = STAGES.index(text)
    marks = []
    for index, stage in enumerate(STAGES):
        mark = "✓" if index < reached else ("●" if index == reached else "○")
        marks.append(f"{status_label(stage, lang)} {mark}")
    return " → ".join(marks)


def project_detail(row: Mapping[str, object], lang: str) -> ProjectDetail:
    """Everything the ledger knows about one project (a row of `queries.projects_ledger`)."""

    def text(key: str) -> str:
        value = _text(row.get(key))
        return fmt.MISSING if value is None else value

    origin = _text(row.get("investor_origin"))
    province = origin_province(origin)
    origin_text = fmt.MISSING if origin is None else (origin if province in (None, origin) else
                                                       f"{origin}（{province}）" if lang != "en" else
                                                       f"{origin} ({province})")
    zone = _text(row.get("zone_name")) or _text(row.get("short_name")) or text("zone_id")
    synthetic = bool(row.get("is_synthetic")) if not fmt.is_missing(row.get("is_synthetic")) else False
    return ProjectDetail(
        title=text("project_name"),
        status=status_label(row.get("status"), lang),
        progress=_progress(row.get("status"), lang),
        figures=[
            (t("pv.detail.investment", lang), fmt.money(row.get("total_investment"), lang)),
            (t("pv.detail.output", lang), fmt.money(row.get("projected_output"), lang)),
            (t("pv.detail.tax", lang), fmt.money(row.get("projected_tax"), lang)),
        ],
        fields=[
            (t("pv.col.project_id", lang), text("project_id")),
            (t("pv.col.zone", lang), zone),
            (t("pv.col.investor", lang), text("investor")),
            (t("pv.col.origin", lang), origin_text),
            (t("pv.col.chain", lang), text("chain")),
            (t("pv.col.status", lang), status_label(row.get("status"), lang)),
            (t("pv.col.signed_date", lang), fmt.date(row.get("signed_date"), lang)),
            (t("pv.col.started_date", lang), fmt.date(row.get("started_date"), lang)),
            (t("pv.col.production_date", lang), fmt.date(row.get("production_date"), lang)),
            (t("pv.col.chain_leader", lang), text("chain_leader")),
            (t("pv.col.lead_official", lang), text("lead_official")),
            (t("pv.col.data_kind", lang), t("pv.detail.synthetic" if synthetic else "pv.detail.real", lang)),
        ],
        synthetic=synthetic,
        terminated=_text(row.get("status")) == TERMINATED,
    )


def escape_markdown(text: str) -> str:
    """Data shown through st.markdown must not turn into formatting (`*`, `|`, `$` …): fmt.plain."""
    return fmt.plain(text)


def detail_heading(detail: ProjectDetail) -> str:
    """`#### 宏明空调全产业链生产基地 :blue-badge[签约]` (终止 in red)."""
    colour = "red" if detail.terminated else "blue"
    return f"#### {escape_markdown(detail.title)} :{colour}-badge[{escape_markdown(detail.status)}]"


def detail_markdown(detail: ProjectDetail, parts: int = 2) -> list[str]:
    """The fields of a project as `parts` markdown blocks of `**label**　value` lines, for side-by-side columns."""
    lines = [f"**{escape_markdown(label)}**　{escape_markdown(value)}" for label, value in detail.fields]
    size = math.ceil(len(lines) / parts)
    return ["  \n".join(lines[i:i + size]) for i in range(0, len(lines), size)]


# ---------------------------------------------------------------- headline figures (招商引资)

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


def _totals_lookup(totals: pd.DataFrame) -> dict[tuple[int, str], float]:
    return {(int(y), str(i)): float(v) for y, i, v in zip(totals["year"], totals["indicator"], totals["value"],
                                                          strict=True)}


def _delta(values: Mapping[tuple[int, str], float], year: int, indicator: str) -> str | None:
    now, before = values.get((year, indicator)), values.get((year - 1, indicator))
    text = fmt.yoy(now, before)
    return None if text == fmt.MISSING else text


def _marked(delta: str | None, flags: Mapping[tuple[int, str], bool], year: int, indicator: str) -> str | None:
    """A 同比 of a real figure computed from a synthetic previous year carries ※ (fmt.mark_change)."""
    if not delta or (year, indicator) not in flags or (year - 1, indicator) not in flags:
        return delta
    return fmt.mark_change(delta, flags[(year, indicator)], flags[(year - 1, indicator)])


def project_headlines(totals: pd.DataFrame, ranks: pd.DataFrame | None, year: int, lang: str) -> list[Headline]:
    """Signed projects, signed investment, signed-and-started (reported, 同比, provincial rank) and the start rate."""
    values = _totals_lookup(totals)
    flags = {(int(y), str(i)): fmt.synthetic_flag(f) for y, i, f in zip(
        totals["year"], totals["indicator"], totals["is_synthetic"], strict=True)} if "is_synthetic" in totals else {}
    mixed = any(flags.values())
    rank_rows = {} if ranks is None else {str(r["indicator"]): r for _, r in ranks.iterrows()}
    headlines = []
    for measure, indicator in MEASURE_INDICATOR.items():
        value = values.get((int(year), indicator))
        rank_row = rank_rows.get(indicator)
        rank_text = None
        if rank_row is not None:
            rank_text = t("pv.rank", lang, rank=fmt.rank(rank_row["rank"], rank_row["n_ranked"], lang,
                                                         tied=bool(rank_row["tied"]),
                                                         from_synthetic=rank_row.get("rank_from_synthetic")))
        headlines.append(Headline(
            label=t(f"pv.headline.{measure}", lang),
            value=measure_text(value, measure, lang),
            delta=_marked(_delta(values, int(year), indicator), flags, int(year), indicator),
            rank=rank_text,
            tag="" if value is None or (int(year), indicator) not in flags
            else fmt.real_tag(flags[(int(year), indicator)], lang, mixed=mixed),
        ))
    signed = values.get((int(year), "signed_projects"))
    started = values.get((int(year), "signed_started_projects"))
    rate = started / signed if signed and started is not None else None
    headlines.append(Headline(
        label=t("pv.headline.start_rate", lang),
        value=fmt.percent(rate),
        help=t("pv.headline.start_rate_help", lang),
    ))
    return headlines


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
        text = _text(source)
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


def sources_text(totals: pd.DataFrame, year: int | None, lang: str, province: bool) -> str:
    """Where the reported figures of `year` (None: of every year) come from, for a source caption."""
    if province:
        return t("pv.source.province_totals", lang)
    if year is not None:  # one year: the sources exactly as recorded (file and sheet)
        names = dict.fromkeys(source_name(str(s), lang) for s in totals.loc[totals["year"] == int(year), "source"]
                              .dropna())
        return ("; " if lang == "en" else "；").join(names) or fmt.MISSING
    return compact_sources(totals.drop_duplicates(["year", "source"]), lang)


def is_synthetic(*frames: pd.DataFrame) -> bool:
    """Any synthetic value among the frames shown (an is_synthetic column; missing counts as not)."""
    for frame in frames:
        if frame is not None and "is_synthetic" in frame and bool(frame["is_synthetic"].fillna(False).any()):
            return True
    return False


@dataclass(frozen=True)
class Check:
    consistent: bool
    text: str
    differences: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "  \n".join([self.text, *self.differences])


def ledger_check(signed: pd.DataFrame, totals: pd.DataFrame, year: int, lang: str) -> Check | None:
    """Do the ledger's projects signed in `year` add up to the reported figures? None when nothing to compare."""
    values = _totals_lookup(totals)
    summary = year_summary(signed, year)
    if summary["projects"] == 0 and not any((int(year), i) in values for i in PROJECT_INDICATORS):
        return None
    ledger_parts = [
        t("pv.check.ledger_part." + measure, lang, value=measure_text(summary[measure], measure, lang))
        for measure in PROJECT_MEASURES
    ]
    differences = []
    compared = 0
    for measure, indicator in MEASURE_INDICATOR.items():
        reported = values.get((int(year), indicator))
        if reported is None:
            continue
        compared += 1
        ledger_value = summary[measure]
        if fmt.is_missing(ledger_value) or abs(reported - ledger_value) > 1e-6:
            differences.append(t(
                "pv.check.difference", lang, measure=project_measure_label(measure, lang),
                reported=measure_text(reported, measure, lang), ledger=measure_text(ledger_value, measure, lang)))
    ledger_text = t("pv.check.ledger", lang, year=fmt.year(year, lang), parts="、".join(ledger_parts)
                    if lang != "en" else ", ".join(ledger_parts))
    if compared == 0:
        return Check(True, ledger_text + t("pv.check.no_reported", lang))
    if differences:
        return Check(False, ledger_text + t("pv.check.differs", lang), differences)
    return Check(True, ledger_text + t("pv.check.matches", lang))


# ---------------------------------------------------------------- chart frames and tables (招商引资)

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


def trend_frame(totals: pd.DataFrame, indicator: str, measure: str, lang: str) -> pd.DataFrame:
    """Reported values of one indicator over the years: year, label, value, text, source."""
    rows = totals.loc[totals["indicator"] == indicator, ["year", "value", "source", "is_synthetic"]].copy()
    rows["label"] = [fmt.year(y, lang) for y in rows["year"]]
    rows["text"] = [chart_text(v, measure, lang) for v in rows["value"]]
    return rows.reset_index(drop=True)


def trend_table(totals: pd.DataFrame, lang: str, province: bool) -> pd.DataFrame:
    """All three reported indicators by year, for the table behind the trend chart."""
    wide = totals.pivot_table(index="year", columns="indicator", values="value", aggfunc="first")
    table = pd.DataFrame({t("pv.col.year", lang): [int(y) for y in wide.index]})
    for measure, indicator in MEASURE_INDICATOR.items():
        column = wide[indicator] if indicator in wide else pd.Series(math.nan, index=wide.index)
        table[measure_header(measure, lang)] = column.round(4).to_numpy()
    if not province:
        sources = totals.groupby("year")["source"].agg(
            lambda s: ("; " if lang == "en" else "；").join(dict.fromkeys(source_name(str(v), lang) for v in s.dropna())))
        table[t("pv.col.source", lang)] = [sources.get(y, "") for y in wide.index]
    return table


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


@dataclass(frozen=True)
class Pipeline:
    stages: list[str]  # labels
    counts: list[int]
    texts: list[str]  # what the funnel prints on each stage
    terminated: int
    total: int
    table: pd.DataFrame


def pipeline(ledger: pd.DataFrame, lang: str) -> Pipeline:
    """在谈 → 签约 → 开工 → 投产, cumulative (a project in 投产 has passed 签约 and 开工); 终止 apart.

    Each stage counts the projects that reached it; the conversion rate is against the stage before.
    """
    status = ledger["status"].fillna("").astype(str).str.strip()
    reached = [int(status.isin(STAGES[i:]).sum()) for i in range(len(STAGES))]
    labels = [status_label(s, lang) for s in STAGES]
    rates: list[float | None] = [None] + [
        (reached[i] / reached[i - 1]) if reached[i - 1] else None for i in range(1, len(STAGES))]
    first = reached[0]
    texts = []
    for count, rate in zip(reached, rates, strict=True):
        text = fmt.count(count, "个", lang)
        if rate is not None:
            text += t("pv.funnel.rate", lang, rate=fmt.percent(rate))
        texts.append(text)
    table = pd.DataFrame({
        t("pv.col.stage", lang): labels,
        t("pv.col.reached", lang): reached,
        t("pv.col.conversion", lang): [fmt.percent(r) for r in rates],
        t("pv.col.share_of_pipeline", lang): [fmt.percent(c / first) if first else fmt.MISSING for c in reached],
    })
    terminated = int((status == TERMINATED).sum())
    return Pipeline(labels, reached, texts, terminated, int(len(ledger)), table)


# ---------------------------------------------------------------- 产值税收

@dataclass(frozen=True)
class OutputHeadline(Headline):
    pass


def _ratio(numerator: object, denominator: object) -> float | None:
    if fmt.is_missing(numerator) or fmt.is_missing(denominator) or not denominator:
        return None
    return float(numerator) / float(denominator)  # type: ignore[arg-type]


def intensity_of(rows: pd.DataFrame) -> float | None:
    """Projected output per 亿元 invested, over the projects that have both figures."""
    both = rows.loc[rows["projected_output"].notna() & (rows["total_investment"] > 0)]
    return _ratio(_sum(both["projected_output"]), _sum(both["total_investment"]))


def output_headlines(comparison: pd.DataFrame, signed: pd.DataFrame, year: int, lang: str) -> list[OutputHeadline]:
    """预计年产值 and 预计利税 (the zone-year figures, 同比), 产出强度 and 利税率 of the year's projects."""
    values = {(int(y), str(i)): v for y, i, v in zip(comparison["year"], comparison["indicator"],
                                                      comparison["value"], strict=True) if not fmt.is_missing(v)}
    headlines = []
    for measure, indicator in OUTPUT_INDICATOR.items():
        headlines.append(OutputHeadline(
            label=t(f"pv.headline.{measure}", lang),
            value=fmt.money(values.get((int(year), indicator)), lang),
            delta=_delta(values, int(year), indicator),
        ))
    rows = signed.loc[signed["signed_year"] == int(year)]
    intensity = intensity_of(rows)
    headlines.append(OutputHeadline(
        label=t("pv.headline.intensity", lang),
        value=fmt.MISSING if intensity is None else t("pv.intensity_value", lang, value=fmt.number(intensity)),
        help=t("pv.headline.intensity_help", lang),
    ))
    tax_rate = _ratio(values.get((int(year), "projected_tax")), values.get((int(year), "projected_output")))
    headlines.append(OutputHeadline(
        label=t("pv.headline.tax_rate", lang),
        value=fmt.percent(tax_rate),
        help=t("pv.headline.tax_rate_help", lang),
    ))
    return headlines


def output_year_frame(signed: pd.DataFrame, comparison: pd.DataFrame, measure: str, lang: str) -> pd.DataFrame:
    """Per year: the zone-year figure of the measure (indicator_values, else the ledger sum).

    Columns: year, label, value, text.
    """
    indicator = OUTPUT_INDICATOR[measure]
    rows = comparison.loc[comparison["indicator"] == indicator].copy()
    rows["value"] = rows["value"].where(rows["value"].notna(), rows["ledger"])
    years = by_signing_year(signed, [int(y) for y in rows["year"]])
    merged = years[["year"]].merge(rows[["year", "value"]], on="year", how="left")
    if merged["value"].isna().all() and not years.empty:  # nothing in indicator_values: ledger sums
        merged["value"] = years[measure].astype("float64")
    merged["label"] = [fmt.year(y, lang) for y in merged["year"]]
    merged["text"] = [chart_text(v, measure, lang) for v in merged["value"]]
    return merged


def output_year_table(signed: pd.DataFrame, comparison: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per signing year: projects, investment, projected output and tax (ledger) for download."""
    years = by_signing_year(signed, [int(y) for y in comparison["year"]])
    table = pd.DataFrame({t("pv.col.year", lang): years["year"].astype(int).to_numpy()})
    for measure in ("projects", "investment", "output", "tax"):
        table[measure_header(measure, lang)] = years[measure].astype("float64").round(4).to_numpy()
    table[t("pv.col.intensity", lang)] = [
        None if r is None else round(r, 2)
        for r in (intensity_of(signed.loc[signed["signed_year"] == y]) for y in years["year"])]
    return table


def top_projects(signed: pd.DataFrame, year: int | None, measure: str = "output", n: int = TOP_N) -> pd.DataFrame:
    """The `n` projects with the largest projected output (or tax), signed in `year` (None: any year). A terminated
    (终止) project will produce nothing: it never headlines the list."""
    column = "projected_output" if measure == "output" else "projected_tax"
    rows = signed if year is None else signed.loc[signed["signed_year"] == int(year)]
    rows = rows.loc[rows[column].notna() & (rows["status"].fillna("") != "终止")]
    return rows.sort_values([column, "project_id"], ascending=[False, True], kind="stable").head(n)


def top_projects_chart_frame(top: pd.DataFrame, measure: str, lang: str) -> pd.DataFrame:
    column = "projected_output" if measure == "output" else "projected_tax"
    return pd.DataFrame({
        "label": top["project_name"].to_numpy(),
        "value": top[column].astype("float64").to_numpy(),
        "text": [fmt.money_on_axis(v, lang) for v in top[column]],
    })


def top_projects_table(top: pd.DataFrame, lang: str, with_zone: bool = False) -> pd.DataFrame:
    table = pd.DataFrame({t("pv.col.rank", lang): range(1, len(top) + 1)})
    table[t("pv.col.project", lang)] = top["project_name"].to_numpy()
    if with_zone:
        table[t("pv.col.zone", lang)] = top["short_name"].to_numpy()
    table[t("pv.col.chain", lang)] = top["chain"].to_numpy()
    table[t("pv.col.status", lang)] = [status_label(s, lang) for s in top["status"]]
    table[t("pv.col.signed_date", lang)] = [fmt.date(d, lang) for d in top["signed_date"]]
    table[t("pv.col.investment", lang)] = top["total_investment"].round(4).to_numpy()
    table[t("pv.col.output", lang)] = top["projected_output"].round(4).to_numpy()
    table[t("pv.col.tax", lang)] = top["projected_tax"].round(4).to_numpy()
    table[t("pv.col.intensity", lang)] = [
        None if r is None else round(r, 2) for r in map(_ratio, top["projected_output"], top["total_investment"])]
    return table


@dataclass(frozen=True)
class Comparison:
    table: pd.DataFrame  # labelled, formatted; every year and indicator
    differs: list[bool]  # per row: reported and ledger disagree
    reported: list[bool]  # per row: the zone figure comes from a statistics table, not from the ledger

    @property
    def any_reported(self) -> bool:
        return any(self.reported)

    def reported_rows(self) -> Comparison:
        """Only the rows with a reported figure: where there is something to compare."""
        keep = [i for i, flag in enumerate(self.reported) if flag]
        return Comparison(self.table.iloc[keep].reset_index(drop=True), [self.differs[i] for i in keep],
                          [True] * len(keep))


def reported_vs_ledger(comparison: pd.DataFrame, indicator_names: Mapping[str, str], lang: str) -> Comparison:
    """The zone-year figure next to the ledger sum, per year and indicator, with the difference."""
    rows = comparison.sort_values(["year", "indicator"], ascending=[False, True], kind="stable")
    differs, kinds, diffs, reported = [], [], [], []
    for value, source, ledger in zip(rows["value"], rows["source"], rows["ledger"], strict=True):
        is_reported = _text(source) not in (None, LEDGER_SOURCE_TAG) and not fmt.is_missing(value)
        reported.append(is_reported)
        kinds.append(t("pv.compare.kind_reported" if is_reported else "pv.compare.kind_ledger", lang))
        if fmt.is_missing(value) or fmt.is_missing(ledger):
            diffs.append(fmt.MISSING)
            differs.append(False)
            continue
        difference = float(value) - float(ledger)
        disagree = abs(difference) > 1e-6
        differs.append(disagree)
        diffs.append(("+" if difference > 0 else "-") + fmt.money(abs(difference), lang) if disagree
                     else t("pv.compare.same", lang))
    table = pd.DataFrame({
        t("pv.col.year", lang): [fmt.year(y, lang) for y in rows["year"]],
        t("pv.col.indicator", lang): [indicator_names.get(str(i), str(i)) for i in rows["indicator"]],
        t("pv.col.zone_figure", lang): fmt.money_column(rows["value"], lang),
        t("pv.col.source_kind", lang): kinds,
        t("pv.col.source", lang): [source_name(s, lang) if not fmt.is_missing(s) else fmt.MISSING
                                   for s in rows["source"]],
        t("pv.col.ledger_sum", lang): fmt.money_column(rows["ledger"], lang),
        t("pv.col.difference", lang): diffs,
    })
    return Comparison(table, differs, reported)


def intensity_frame(by_chain: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Chains with a known 产出强度, for a bar chart: label, value, text."""
    rows = by_chain.loc[by_chain["intensity"].notna()]
    return pd.DataFrame({
        "label": rows["label"].to_numpy(),
        "value": rows["intensity"].astype("float64").to_numpy(),
        "text": [t("pv.intensity_value", lang, value=fmt.number(v)) for v in rows["intensity"]],
    })


def indicator_names(catalogue: pd.DataFrame, lang: str) -> dict[str, str]:
    """indicator code -> its name in `lang`, from `queries.indicators`."""
    column = "name_en" if lang == "en" else "name_zh"
    return dict(zip(catalogue["indicator"].astype(str), catalogue[column].astype(str), strict=True))


def output_sources_text(comparison: pd.DataFrame, year: int | None, lang: str) -> str:
    """Sources of the zone-year output/tax figures of `year` (None: every year); the ledger says so."""
    rows = comparison if year is None else comparison.loc[comparison["year"] == int(year)]
    text = compact_sources(rows.drop_duplicates(["year", "source"]), lang)
    return t("pv.source.ledger_sum", lang) if text == fmt.MISSING else text


def signing_period_label(period: str, year: int | None, lang: str) -> str:
    """`2021年签约` / `全部年份` for titles of the 产值税收 charts."""
    return t(f"pv.signing_period.{period}", lang, year=fmt.year(year, lang))


DIFFERENCE_STYLE = "background-color: #FDEDEC; color: #922B21; font-weight: 600"


def highlight_differences(compared: Comparison) -> object:
    """A pandas Styler of the comparison table: rows whose figures disagree stand out."""
    flags = list(compared.differs)

    def row_style(row: pd.Series) -> list[str]:
        return [DIFFERENCE_STYLE if flags[row.name] else ""] * len(row)

    return compared.table.style.apply(row_style, axis=1)


# ---------------------------------------------------------------- whole screens (built once per snapshot and selection)

@dataclass(frozen=True)
class Panel:
    """One chart with the table behind it, ready for ui.chart_panel."""

    figure: object  # plotly Figure; shared between sessions once cached: never modify it
    table: pd.DataFrame
    key: str
    source: str
    synthetic: bool


@dataclass(frozen=True)
class ProjectsScreen:
    place: str
    year_text: str
    synthetic: bool
    headlines: list[Headline]
    headline_source: str
    check: Check | None
    measure_name: str
    trend: Panel | None
    signed_in_year: int
    ledger_size: int
    periods: dict[str, Panel]  # quarter, month (empty when nothing was signed in the year)
    groups: dict[str, Panel]  # chain, origin
    pipeline: Panel | None
    pipeline_caption: str


def projects_screen(ledger: pd.DataFrame, totals: pd.DataFrame, ranks: pd.DataFrame | None, *, place: str,
                    year: int, measure: str, lang: str, province: bool) -> ProjectsScreen:
    """Everything the 招商引资 screen shows above the ledger, from the three query frames."""
    signed = signed_projects(ledger)
    year_label = year_text(year, lang)
    measure_name = project_measure_label(measure, lang)
    axis_title = measure_header(measure, lang)
    ledger_source = t("pv.source.ledger", lang)
    ledger_synthetic = is_synthetic(signed)

    trend = None
    trend_rows = trend_frame(totals, MEASURE_INDICATOR[measure], measure, lang)
    if not trend_rows.empty:
        trend = Panel(
            charts.period_columns(trend_rows, x="label", y="value", text="text", chosen=year_label,
                                  axis_title=axis_title,
                                  title=t("projects.trend_title", lang, measure=measure_name, year=year_label)),
            trend_table(totals, lang, province), "projects_trend", sources_text(totals, None, lang, province),
            is_synthetic(totals))

    signed_in_year = int((signed["signed_year"] == int(year)).sum())
    short_name = t(f"pv.measure_short.{measure}", lang)
    periods: dict[str, Panel] = {}
    groups: dict[str, Panel] = {}
    if signed_in_year:
        for period in ("quarter", "month"):
            rows = with_text(period_breakdown(signed, year, period, lang), measure, lang,
                             compact=period == "month")
            periods[period] = Panel(
                charts.period_columns(rows, x="label", y="value", text="text", axis_title=axis_title, height=320,
                                      title=t(f"projects.{period}_title", lang, year=year_label,
                                              measure=short_name)),
                breakdown_table(rows, t(f"pv.col.{period}", lang), PROJECT_MEASURES, lang),
                f"projects_{period}", ledger_source, ledger_synthetic)
        for by, colour in (("chain", charts.PALETTE[0]), ("origin", charts.PALETTE[1])):
            rows = with_text(group_breakdown(signed, year, by, lang), measure, lang)
            groups[by] = Panel(
                charts.sorted_hbars(rows, label="label", value="value", text="text", axis_title=axis_title,
                                    color=colour,
                                    title=t(f"projects.{by}_title", lang, year=year_label, measure=short_name)),
                breakdown_table(rows, t(f"pv.col.{by}", lang), PROJECT_MEASURES, lang),
                f"projects_{by}", ledger_source, ledger_synthetic)

    funnel = None
    funnel_caption = ""
    if not ledger.empty:
        stages = pipeline(ledger, lang)
        funnel = Panel(charts.funnel(stages.stages, stages.counts, stages.texts,
                                     title=t("projects.pipeline_title", lang)),
                       stages.table, "projects_pipeline", ledger_source, is_synthetic(ledger))
        funnel_caption = t("projects.pipeline_caption", lang, total=stages.total, terminated=stages.terminated)

    return ProjectsScreen(
        place=place, year_text=year_label, synthetic=is_synthetic(ledger, totals),
        headlines=project_headlines(totals, ranks, year, lang),
        headline_source=sources_text(totals, year, lang, province),
        check=ledger_check(signed, totals, year, lang), measure_name=measure_name, trend=trend,
        signed_in_year=signed_in_year, ledger_size=len(ledger), periods=periods, groups=groups,
        pipeline=funnel, pipeline_caption=funnel_caption,
    )


@dataclass(frozen=True)
class LedgerView:
    """The ledger as filtered by the page's search and period controls."""

    table: pd.DataFrame
    export: pd.DataFrame
    columns: list[Column]
    project_ids: list[str]
    labels: dict[str, str]  # project_id -> picker label, for every project of the ledger


def ledger_view(ledger: pd.DataFrame, *, query: str, period: str, year: int, lang: str, province: bool) -> LedgerView:
    shown = search_ledger(ledger_in_period(ledger, period, year), query)
    return LedgerView(ledger_table(shown, lang, with_zone=province), ledger_export(shown, lang, with_zone=province),
                      ledger_columns(lang, with_zone=province),
                      shown["project_id"].astype(str).tolist(), project_option_labels(ledger, lang))


@dataclass(frozen=True)
class OutputTaxScreen:
    place: str
    year_text: str
    empty: bool  # no projects and no figures at all
    synthetic: bool
    headlines: list[Headline]
    headline_source: str
    measure_name: str
    years: Panel | None
    comparison: Comparison
    period_text: str
    top: Panel | None
    chains: Panel | None
    intensity: Panel | None


def output_tax_screen(ledger: pd.DataFrame, comparison: pd.DataFrame, catalogue: pd.DataFrame, *, place: str,
                      year: int, measure: str, period: str, lang: str) -> OutputTaxScreen:
    """Everything the 产值税收 screen shows, from the ledger, the reported-vs-ledger frame and the catalogue."""
    signed = signed_projects(ledger)
    year_label = year_text(year, lang)
    measure_name = output_measure_label(measure, lang)
    axis_title = measure_header(measure, lang)
    ledger_source = t("pv.source.ledger", lang)
    ledger_synthetic = is_synthetic(signed)

    years = None
    by_year = output_year_frame(signed, comparison, measure, lang)
    if by_year["value"].notna().any():
        years = Panel(
            charts.period_columns(by_year, x="label", y="value", text="text", chosen=year_label,
                                  axis_title=axis_title,
                                  title=t("output_tax.years_title", lang, measure=measure_name, year=year_label)),
            output_year_table(signed, comparison, lang), "output_tax_years",
            output_sources_text(comparison, None, lang), is_synthetic(comparison, signed))

    compared = reported_vs_ledger(comparison, indicator_names(catalogue, lang), lang)
    period_year = year if period == PERIOD_YEAR else None
    period_text = signing_period_label(period, year, lang)
    top = chains = intensity = None
    best = top_projects(signed, period_year, measure)
    if not best.empty:
        top = Panel(
            charts.sorted_hbars(top_projects_chart_frame(best, measure, lang), label="label", value="value",
                                text="text", axis_title=axis_title, max_label_chars=18,
                                title=t("output_tax.top_title", lang, n=len(best), measure=measure_name,
                                        period=period_text)),
            top_projects_table(best, lang), "output_tax_top", ledger_source, is_synthetic(best))
        by_chain = group_breakdown(signed, period_year, "chain", lang)
        chains = Panel(
            charts.sorted_hbars(with_text(by_chain, measure, lang), label="label", value="value", text="text",
                                axis_title=axis_title,
                                title=t("output_tax.chain_title", lang, measure=t(f"pv.measure_short.{measure}", lang),
                                        period=period_text)),
            breakdown_table(by_chain, t("pv.col.chain", lang), ("projects", "investment", "output", "tax"), lang,
                            with_intensity=True),
            "output_tax_chain", ledger_source, ledger_synthetic)
        bars = intensity_frame(by_chain, lang)
        if not bars.empty:
            intensity = Panel(
                charts.sorted_hbars(bars, label="label", value="value", text="text", color=charts.PALETTE[3],
                                    axis_title=t("pv.col.intensity", lang),
                                    title=t("output_tax.intensity_title", lang, period=period_text)),
                breakdown_table(by_chain.loc[by_chain["intensity"].notna()], t("pv.col.chain", lang),
                                ("investment", "output"), lang, with_intensity=True),
                "output_tax_intensity", ledger_source, ledger_synthetic)

    return OutputTaxScreen(
        place=place, year_text=year_label, empty=ledger.empty and comparison.empty,
        synthetic=is_synthetic(ledger, comparison), headlines=output_headlines(comparison, signed, year, lang),
        headline_source=output_sources_text(comparison, year, lang), measure_name=measure_name, years=years,
        comparison=compared, period_text=period_text,
        top=top, chains=chains, intensity=intensity,
    )


# ---------------------------------------------------------------- download names

def ledger_file_stem(place: str, period: str, year: int, lang: str) -> str:
    """`项目台账_盐湖高新区_2021` (signed in the year) / `项目台账_山西省` (every project) / `project_ledger_…`."""
    return tables.download_stem(t("projects.file.ledger", lang), place, year if period == PERIOD_YEAR else None)


def ledger_sheet_name(lang: str) -> str:
    return t("projects.section.ledger", lang)[:31]
