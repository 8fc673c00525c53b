"""What the 产值税收 (output & tax) screen shows, as frames and strings.

Pure: no Streamlit, no SQL. Inputs are the frames of devzone.queries (`projects_ledger`,
`output_tax_reported_vs_ledger`, `indicators`); outputs are labelled tables, chart-ready frames and the sentences
a page prints. What it shares with 招商引资 is in devzone.projects_common.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from devzone import charts, fmt
from devzone.i18n import t
from devzone.projects_common import (
    BREAKDOWN_COLUMNS,
    LEDGER_SOURCE_TAG,
    PERIOD_YEAR,
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
    signed_projects,
    source_name,
    status_label,
    with_text,
    year_text,
)

# ---------------------------------------------------------------- vocabulary

OUTPUT_MEASURES = ("output", "tax")
OUTPUT_INDICATOR = {"output": "projected_output", "tax": "projected_tax"}
OUTPUT_INDICATORS = tuple(OUTPUT_INDICATOR.values())
TOP_N = 10


# ---------------------------------------------------------------- labels and the ledger

def output_measure_label(measure: str, lang: str) -> str:
    return t(f"pv.measure.{measure}", lang)


def by_signing_year(signed: pd.DataFrame, years: Sequence[int] = ()) -> pd.DataFrame:
    """Per signing year (plus any `years` without projects, as zero/NaN): the aggregate columns. Given `years`
    (the years with zone-year figures), a signing year after the last of them is a year under way whose first
    months are no year figure: it is left out."""
    frame = aggregate(signed, "signed_year").set_index("signed_year") if not signed.empty else pd.DataFrame(
        columns=BREAKDOWN_COLUMNS)
    last = max((int(y) for y in years), default=None)
    all_years = sorted({int(y) for y in frame.index if last is None or int(y) <= last} | {int(y) for y in years})
    frame = frame.reindex(all_years)
    frame["projects"] = frame["projects"].fillna(0).astype("int64")
    frame["started"] = frame["started"].fillna(0).astype("int64")
    frame.index.name = "year"
    return frame.reset_index()


# ---------------------------------------------------------------- headline figures, chart frames and tables

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
    return _ratio(known_sum(both["projected_output"]), known_sum(both["total_investment"]))


def output_headlines(comparison: pd.DataFrame, signed: pd.DataFrame, year: int, lang: str) -> list[OutputHeadline]:
    """预计年产值 and 预计利税 (the zone-year figures, 同比), 产出强度 and 利税率 of the year's projects."""
    values = {(int(y), str(i)): v for y, i, v in zip(comparison["year"], comparison["indicator"],
                                                      comparison["value"], strict=True) if not fmt.is_missing(v)}
    headlines = []
    for measure, indicator in OUTPUT_INDICATOR.items():
        headlines.append(OutputHeadline(
            label=t(f"pv.headline.{measure}", lang),
            value=fmt.money(values.get((int(year), indicator)), lang),
            delta=delta_text(values, int(year), indicator),
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
        is_reported = clean_text(source) not in (None, LEDGER_SOURCE_TAG) and not fmt.is_missing(value)
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


# ---------------------------------------------------------------- the whole screen (built once per snapshot and selection)

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
