"""What the 招商引资 (projects) screen shows, as frames and strings.

Pure: no Streamlit, no SQL. Inputs are the frames of devzone.queries (`projects_ledger`, `projects_year_totals`,
`projects_zone_ranks`); outputs are labelled tables (headers carry units, values stay numeric so they sort and
export), chart-ready frames and the sentences a page prints. What it shares with 产值税收 is in
devzone.projects_common.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from devzone import charts, fmt, tables
from devzone.i18n import province_name, t
from devzone.projects_common import (
    BREAKDOWN_COLUMNS,
    PERIOD_ALL,
    PERIOD_YEAR,
    STAGES,
    TERMINATED,
    Headline,
    Panel,
    aggregate,
    breakdown_table,
    chart_text,
    clean_text,
    compact_sources,
    delta_text,
    group_breakdown,
    is_synthetic,
    known_sum,
    measure_header,
    origin_province,
    signed_projects,
    source_name,
    status_label,
    with_text,
    year_text,
)

# ---------------------------------------------------------------- vocabulary

SCOPE_ZONE, SCOPE_PROVINCE = "zone", "province"
SCOPES = (SCOPE_ZONE, SCOPE_PROVINCE)

# 招商引资 measures: the three reported indicators and the ledger column that adds up to each.
PROJECT_MEASURES = ("projects", "investment", "started")
MEASURE_INDICATOR = {
    "projects": "signed_projects",
    "investment": "signed_investment",
    "started": "signed_started_projects",
}
PROJECT_INDICATORS = tuple(MEASURE_INDICATOR.values())

# st.column_config formats (numbers: sprintf-js, dates: momentJS).
MONEY_FORMAT = "%,.2f"
DATE_FORMATS = {"zh": "YYYY年M月D日", "en": "D MMM YYYY"}

MISSING = fmt.MISSING  # what a table shows for a missing value
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = ("一季度", "二季度", "三季度", "四季度")


# ---------------------------------------------------------------- labels

def scope_label(scope: str, lang: str) -> str:
    return t(f"pv.scope.{scope}", lang)


def province_place(province: str, lang: str) -> str:
    """What the province scope is about, named: `山西省开发区` (a database may hold several provinces)."""
    return t("pv.scope.province_name", lang, province=province_name(province, lang))


def period_label(period: str, year: int | None, lang: str) -> str:
    return t(f"pv.period.{period}", lang, year=fmt.year(year, lang))


def project_measure_label(measure: str, lang: str) -> str:
    return t(f"pv.measure.{measure}", lang)


def quarter_label(quarter: int, lang: str) -> str:
    return f"Q{quarter}" if lang == "en" else _QUARTERS_ZH[quarter - 1]


def month_label(month: int, lang: str) -> str:
    return _MONTHS_EN[month - 1] if lang == "en" else f"{month}月"


def measure_text(value: object, measure: str, lang: str) -> str:
    """A measure's value as people read it: `36个`, `179.78亿元`."""
    if measure in ("investment", "output", "tax"):
        return fmt.money(value, lang)
    return fmt.count(value, "个", lang)


# ---------------------------------------------------------------- the ledger

def period_breakdown(signed: pd.DataFrame, year: int, period: str, lang: str) -> pd.DataFrame:
    """Projects signed in `year` by quarter (1-4) or month (1-12), every period present (zero if none).

    Columns: period (number), label, projects, investment, started, output, tax.
    """
    periods = range(1, 5) if period == "quarter" else range(1, 13)
    in_year = signed.loc[signed["signed_year"] == int(year)]
    frame = aggregate(in_year, period).set_index(period) if not in_year.empty else pd.DataFrame(
        columns=BREAKDOWN_COLUMNS)
    frame = frame.reindex(list(periods))
    frame["projects"] = frame["projects"].fillna(0).astype("int64")
    frame["started"] = frame["started"].fillna(0).astype("int64")
    frame.index.name = "period"
    frame = frame.reset_index()
    labeler = quarter_label if period == "quarter" else month_label
    frame.insert(1, "label", [labeler(int(p), lang) for p in frame["period"]])
    return frame


def year_summary(signed: pd.DataFrame, year: int) -> dict[str, float]:
    """What the ledger adds up to for projects signed in `year`: projects, investment, started, output, tax."""
    rows = signed.loc[signed["signed_year"] == int(year)]
    return {
        "projects": float(len(rows)),
        "investment": known_sum(rows["total_investment"]),
        "started": float(rows["started_same_year"].sum()),
        "output": known_sum(rows["projected_output"]),
        "tax": known_sum(rows["projected_tax"]),
    }


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
    text = clean_text(status)
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
        value = clean_text(row.get(key))
        return fmt.MISSING if value is None else value

    origin = clean_text(row.get("investor_origin"))
    province = origin_province(origin)
    origin_text = fmt.MISSING if origin is None else (origin if province in (None, origin) else
                                                       f"{origin}（{province}）" if lang != "en" else
                                                       f"{origin} ({province})")
    zone = clean_text(row.get("zone_name")) or clean_text(row.get("short_name")) or text("zone_id")
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
        terminated=clean_text(row.get("status")) == TERMINATED,
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


# ---------------------------------------------------------------- headline figures and the ledger check

def _totals_lookup(totals: pd.DataFrame) -> dict[tuple[int, str], float]:
    return {(int(y), str(i)): float(v) for y, i, v in zip(totals["year"], totals["indicator"], totals["value"],
                                                          strict=True)}


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
            delta=_marked(delta_text(values, int(year), indicator), flags, int(year), indicator),
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


def sources_text(totals: pd.DataFrame, year: int | None, lang: str, province: bool) -> str:
    """Where the reported figures of `year` (None: of every year) come from, for a source caption."""
    if province:
        return t("pv.source.province_totals", lang)
    if year is not None:  # one year: the sources exactly as recorded (file and sheet)
        names = dict.fromkeys(source_name(str(s), lang) for s in totals.loc[totals["year"] == int(year), "source"]
                              .dropna())
        return ("; " if lang == "en" else "；").join(names) or fmt.MISSING
    return compact_sources(totals.drop_duplicates(["year", "source"]), lang)


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


# ---------------------------------------------------------------- chart frames and tables

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


# ---------------------------------------------------------------- the whole screen (built once per snapshot and selection)

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


# ---------------------------------------------------------------- download names

def ledger_file_stem(place: str, period: str, year: int, lang: str) -> str:
    """`项目台账_盐湖高新区_2021` (signed in the year) / `项目台账_山西省` (every project) / `project_ledger_…`."""
    return tables.download_stem(t("projects.file.ledger", lang), place, year if period == PERIOD_YEAR else None)


def ledger_sheet_name(lang: str) -> str:
    return t("projects.section.ledger", lang)[:31]
