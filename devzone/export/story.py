"""The storyline of a work-promotion meeting, one idea per slide, as plain data.

`zone_story(zy, lang)` turns `data.ZoneYear` into a `Story`: title, key indicators, written summary,
targets, provincial ranking, every indicator's rank, trend, projects and chains, enterprise
cultivation, what needs attention. Presentation mode (app_pages/present.py) and the PowerPoint
deck (deck.py) render the same `Story`, so the meeting and the hand-out never disagree.
Charts are kept as categories and series (`Chart`) so the deck can write native, editable
PowerPoint charts and the page can draw plotly figures (figures.py) from one definition.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from devzone import fmt, periods
from devzone.export import summary as summary_mod
from devzone.export import wording
from devzone.export.data import ZoneYear
from devzone.i18n import t
from devzone.labels import (
    BAR_NEIGHBOURS,
    LEDGER_SOURCE,
    RANKING_CODES,
    ranking_window,
    shows_neighbours,
    source_line,
    unit_header,
    yes_no,
)

KPI_CODES = ("signed_projects", "signed_investment", "signed_started_projects",
             "new_four_above_enterprises", "srdi_enterprises", "projected_output")
TREND_COUNTS = ("signed_projects", "signed_started_projects")
TREND_MONEY = "signed_investment"
ENTERPRISE_CODES = summary_mod.ENTERPRISES
TREND_YEARS = 5
TOP_PROJECTS = 5
TOP_CHAINS = 5
NAMES_IN_BULLET = 3
COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
LONG_RANKING = 16  # more bars than this are drawn as two charts side by side
# A slide names 28 zones at most (two halves of 14: every name legible); a longer ranking shows 24 rows (its note
# takes a second line): its leaders and the zone with its neighbours (labels.ranking_window), a row for each run
# left out.
SLIDE_RANKING_LIMIT = 28
SLIDE_RANKING_ROWS = 24
SLIDE_RANKING_LEADERS = SLIDE_RANKING_ROWS - (2 * BAR_NEIGHBOURS + 1) - 2


# ---------------------------------------------------------------- the model

@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...]  # the values as a person reads them (labels on the page)


@dataclass(frozen=True, eq=False)
class Chart:
    """A chart as data. kind: 'bar' (horizontal, first category on top), 'column', 'line', 'doughnut'."""

    key: str
    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    number_format: str = COUNT_FORMAT
    axis_title: str = ""
    highlight: tuple[str, ...] = ()
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # labelled numbers, for downloads


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    change: str
    direction: str  # up / down / flat / about_flat / none
    rank: str
    tag: str = ""   # `真实` / `real`: a real figure beside synthetic ones (fmt.real_tag); the change carries ※


@dataclass(eq=False)
class Slide:
    key: str
    title: str
    subtitle: str = ""
    kpis: tuple[Kpi, ...] = ()
    charts: tuple[Chart, ...] = ()
    bullets: tuple[str, ...] = ()
    text: str = ""
    table: pd.DataFrame | None = None
    note: str = ""
    notes: str = ""      # speaker notes
    source: str = ""     # the source line under the slide
    synthetic: bool = False


@dataclass(eq=False)
class Story:
    title: str
    subtitle: str
    lang: str
    slides: list[Slide]
    file_stem: str
    summary: str = ""

    @property
    def synthetic(self) -> bool:
        return any(s.synthetic for s in self.slides)

    def charts(self) -> list[Chart]:
        return [c for s in self.slides for c in s.charts]

    def file_name(self, extension: str) -> str:
        """`盐湖高新区_2021_汇报材料.pptx` and friends."""
        return f"{self.file_stem}.{extension.lstrip('.')}"


def halves(spec: Chart) -> list[Chart]:
    """A long ranking (more than LONG_RANKING bars) is drawn as two charts side by side, 1–14 | 15–28,
    so every zone's name stays legible."""
    if spec.kind != "bar" or len(spec.categories) <= LONG_RANKING:
        return [spec]
    cut = -(-len(spec.categories) // 2)
    parts = []
    for index, part in enumerate((slice(0, cut), slice(cut, None)), start=1):
        parts.append(replace(
            spec, key=f"{spec.key}-{index}", categories=spec.categories[part],
            series=tuple(replace(s, values=s.values[part], texts=s.texts[part]) for s in spec.series),
        ))
    return parts


def slide_ranking(ranks: Sequence[object], labels: Sequence[str], values: Sequence[float | None],
                  texts: Sequence[str], at: int | None, lang: str) -> tuple[tuple, tuple, tuple, str]:
    """A ranking (best first) as a slide draws it: every zone up to SLIDE_RANKING_LIMIT, else the leaders and row
    `at` (the highlighted zone's; None: none) with its neighbours, a row without a bar for each run left out
    (labels.ranking_window). Returns (categories, values, texts, sentence for the note: '' when nothing is left out)."""
    window = {"limit": SLIDE_RANKING_LIMIT, "leaders": SLIDE_RANKING_LEADERS}
    rows = ranking_window(ranks, at, lang, **window)
    if len(rows) == len(labels):
        return tuple(labels), tuple(values), tuple(texts), ""
    drawn = [(labels[r], values[r], texts[r]) if isinstance(r, int) else (r, None, "") for r in rows]
    key = "deck.ranking_trimmed_zone" if shows_neighbours(len(labels), at, **window) else "deck.ranking_trimmed"
    return (tuple(c for c, _, _ in drawn), tuple(v for _, v, _ in drawn), tuple(x for *_, x in drawn),
            t(key, lang, top=SLIDE_RANKING_LEADERS, k=BAR_NEIGHBOURS))


def axis_max(spec: Chart) -> float | None:
    values = [v for s in spec.series for v in s.values if v is not None]
    if not values or max(values) <= 0:
        return None
    top = max(values) * 1.12  # room for the value labels
    step = 10 ** max(0, len(str(int(top))) - 1)
    return float(-(-top // step) * step)


# ---------------------------------------------------------------- small helpers

def _value_format(unit: str) -> str:
    return MONEY_FORMAT if unit in fmt.MONEY_UNITS else COUNT_FORMAT


def _list(names: Sequence[str], lang: str, limit: int = NAMES_IN_BULLET) -> str:
    shown = t("deck.list_sep", lang).join(names[:limit])
    return shown + (t("deck.source_more", lang) if len(names) > limit else "")


def _rank_text(row: pd.Series | None, lang: str) -> str:
    if row is None or fmt.is_missing(row["rank"]):
        return fmt.MISSING
    return fmt.rank(row["rank"], row["n_ranked"], lang, tied=bool(row["tied"]),
                    from_synthetic=row.get("rank_from_synthetic"))


def ranked_labels(ranks: Iterable[object], names: Sequence[str], lang: str) -> tuple[str, ...]:
    """Ranking bars carry their rank: `3. 盐湖高新区` (ties share the number)."""
    return tuple(t("deck.ranked_name", lang, rank=int(r), name=n) if not fmt.is_missing(r) else n  # type: ignore[call-overload]
                 for r, n in zip(ranks, names, strict=True))


def ranked_highlight(highlight: str | None, names: Sequence[str], labels: Sequence[str]) -> tuple[str, ...]:
    """The label of the highlighted zone's bar (by its short name), or nothing."""
    return (labels[list(names).index(highlight)],) if highlight in names else ()


def rank_movement(before: object, after: object, lang: str) -> tuple[str, int | None]:
    """Rank movement; a smaller rank number is better, so 5 -> 3 is 上升2位."""
    if fmt.is_missing(after):
        return fmt.MISSING, None
    if fmt.is_missing(before):
        return t("deck.move_new", lang), None
    steps = int(before) - int(after)  # type: ignore[call-overload]
    if steps > 0:
        return t("deck.move_up", lang, n=steps), steps
    if steps < 0:
        return t("deck.move_down", lang, n=-steps), steps
    return t("deck.move_same", lang), 0


def _synthetic(*flags: object) -> bool:
    return any(bool(f) for f in flags if not fmt.is_missing(f))


# ---------------------------------------------------------------- slides of the zone story

def _title_slide(zy: ZoneYear, lang: str, today: dt.date, sources: list[object], synthetic: bool,
                 summary_text: str) -> Slide:
    published = zy.snapshot_date()
    return Slide(
        key="title",
        title=t("deck.title", lang, zone=zy.short_name, year=fmt.year(zy.year, lang)),
        subtitle=t("deck.subtitle", lang, zone_name=zy.zone["zone_name"]),
        text=t("deck.made_on", lang, date=fmt.date(today, lang)),
        note=t("deck.as_of", lang, when=fmt.date(published, lang)) if published else "",
        notes=summary_text,
        source=source_line(sources, lang),
        synthetic=synthetic,
    )


def _kpi_slide(zy: ZoneYear, lang: str) -> Slide | None:
    kpis, sources, synthetic, notes = [], [], False, []
    for code in KPI_CODES:
        row, indicator = zy.value_row(code), zy.indicators.get(code)
        if row is None or indicator is None:
            continue
        previous = zy.value_row(code, zy.year - 1)
        moved = summary_mod.change(row["value"], None if previous is None else previous["value"],
                                   indicator.unit, lang)
        rank = _rank_text(row, lang)
        kpi = Kpi(
            label=wording.quoted(indicator.name(lang)),
            value=fmt.indicator_value(row["value"], indicator.unit, lang),
            change=fmt.mark_change(moved.text, row["is_synthetic"], None if previous is None
                                   else previous["is_synthetic"]) or t("deck.kpi_no_change", lang),
            direction=moved.direction,
            rank=t("deck.kpi_rank", lang, rank=rank) if rank != fmt.MISSING else "",
            tag=fmt.real_tag(row["is_synthetic"], lang, mixed=zy.mixed),
        )
        kpis.append(kpi)
        sources.append(row["source"])
        synthetic = synthetic or _synthetic(row["is_synthetic"], None if previous is None else previous["is_synthetic"])
        notes.append(" · ".join(p for p in (kpi.label, fmt.tag_real(kpi.value, row["is_synthetic"], lang,
                                                                    mixed=zy.mixed), kpi.change, kpi.rank) if p))
    if not kpis:
        return None
    return Slide(key="kpis", title=t("deck.kpis", lang), kpis=tuple(kpis), notes="\n".join(notes),
                 note=_legend_if(any(k.tag for k in kpis), lang), source=source_line(sources, lang),
                 synthetic=synthetic)


def _legend_if(tagged: bool, lang: str) -> str:
    """The key to 真实 and ※ on a slide that tags figures (shown as the slide's note)."""
    return fmt.legend(lang) if tagged else ""


def _summary_slide(zy: ZoneYear, written: summary_mod.Summary, lang: str) -> Slide:
    sources = zy.history.loc[zy.history["year"].isin([zy.year, zy.year - 1]), "source"]
    return Slide(key="summary", title=t("deck.summary", lang), text=written.text, notes=written.text,
                 source=source_line(sources, lang), synthetic=written.synthetic)


def _targets_slide(zy: ZoneYear, lang: str) -> Slide | None:
    rows = []
    for target in zy.targets.itertuples():
        code = str(target.indicator)
        row, indicator = zy.value_row(code), zy.indicators.get(code)
        if row is None or indicator is None or fmt.is_missing(target.target) or float(target.target) <= 0:
            continue
        rows.append((indicator, float(row["value"]), float(target.target), row, bool(target.is_synthetic)))
    if not rows:
        return None
    names = tuple(wording.quoted(ind.name(lang)) for ind, *_ in rows)
    ratios = tuple(value / goal for _, value, goal, _, _ in rows)
    table = pd.DataFrame({
        t("deck.col.indicator", lang): names,
        t("deck.col.unit", lang): [fmt.MISSING if False else ind.unit for ind, *_ in rows],
        t("deck.col.target", lang): [goal for _, _, goal, _, _ in rows],
        t("deck.col.value", lang): [value for _, value, _, _, _ in rows],
        t("deck.col.completion", lang): list(ratios),
    })
    chart = Chart(
        key="targets", kind="bar", title=t("deck.targets", lang), categories=names,
        series=(Series(t("deck.targets_series", lang), ratios, tuple(
            fmt.mark_from_synthetic(fmt.percent(r), fmt.change_from_synthetic(row["is_synthetic"], target_flag))
            for r, (_, _, _, row, target_flag) in zip(ratios, rows, strict=True))),),
        number_format=PERCENT_FORMAT, axis_title=t("deck.targets_axis", lang),
        highlight=tuple(n for n, r in zip(names, ratios, strict=True) if r < 1), table=table,
    )
    bullets = tuple(
        summary_mod.completion_phrase(wording.quoted(ind.name(lang)), value, goal, ind.unit, lang,
                                      from_synthetic=fmt.change_from_synthetic(row["is_synthetic"], target_flag))
        for ind, value, goal, row, target_flag in rows
    )
    return Slide(
        key="targets", title=t("deck.targets", lang), charts=(chart,), bullets=bullets, notes="\n".join(bullets),
        # the targets' own file first (年度目标), then where the completed figures come from
        source=source_line([*zy.targets.get("source", pd.Series(dtype=object)).tolist(),
                            *(r["source"] for *_, r, _ in rows)], lang),
        synthetic=any(_synthetic(r["is_synthetic"], s) for *_, r, s in rows),
    )


def _ranking_slide(zy: ZoneYear, lang: str) -> Slide | None:
    for code in RANKING_CODES:
        ranked = zy.ranks[zy.ranks["indicator"] == code].sort_values(["rank", "zone_id"])
        indicator = zy.indicators.get(code)
        if not ranked.empty and indicator is not None and (ranked["zone_id"] == zy.zone_id).any():
            break
    else:
        return None
    names = tuple(str(n) for n in ranked["short_name"])
    values = tuple(float(v) for v in ranked["value"])
    texts = tuple(fmt.indicator_value(v, indicator.unit, lang) for v in values)
    title = t("deck.ranking", lang, indicator=indicator.name(lang))
    header = unit_header(indicator.name(lang), indicator.unit, lang)
    table = pd.DataFrame({
        t("deck.col.rank", lang): ranked["rank"].astype(int).tolist(),
        t("deck.col.zone", lang): list(names),
        header: list(values),
        t("deck.col.synthetic", lang): [yes_no(s, lang) for s in ranked["is_synthetic"]],
    })
    labels = ranked_labels(ranked["rank"], names, lang)
    own_label = labels[names.index(zy.short_name)] if zy.short_name in names else zy.short_name
    categories, shown, shown_texts, trimmed = slide_ranking(ranked["rank"].tolist(), labels, values, texts,
                                                            ranked["zone_id"].tolist().index(zy.zone_id), lang)
    chart = Chart(key="ranking", kind="bar", title=title, categories=categories,
                  series=(Series(indicator.name(lang), shown, shown_texts),),
                  number_format=_value_format(indicator.unit), axis_title=header,
                  highlight=(own_label,), table=table)
    own = ranked[ranked["zone_id"] == zy.zone_id].iloc[0]
    note = t("deck.ranking_note", lang, zone=zy.short_name, rank=_rank_text(own, lang), n=int(own["n_ranked"]))
    note += trimmed
    return Slide(
        key="ranking", title=title, charts=(chart,), note=note, notes=note,
        source=source_line(ranked["source"], lang, extra=[t("deck.source_rankings", lang, n=len(ranked))]),
        synthetic=bool(ranked["is_synthetic"].any()),
    )


def _rank_table_slide(zy: ZoneYear, lang: str) -> Slide | None:
    rows, sources, synthetic, tagged = [], [], False, False
    for code, indicator in zy.indicators.items():
        row = zy.value_row(code)
        if row is None:
            continue
        previous = zy.value_row(code, zy.year - 1)
        movement, _ = rank_movement(None if previous is None else previous["rank"], row["rank"], lang)
        previous_flag = None if previous is None else previous["is_synthetic"]
        tagged = tagged or fmt.is_real(row["is_synthetic"], mixed=zy.mixed)
        rows.append({
            t("deck.col.indicator", lang): wording.quoted(indicator.name(lang)),
            t("deck.col.value", lang): fmt.tag_real(fmt.indicator_value(row["value"], indicator.unit, lang),
                                                    row["is_synthetic"], lang, mixed=zy.mixed),
            t("deck.col.yoy", lang): fmt.mark_change(
                fmt.yoy(row["value"], None if previous is None else previous["value"]), row["is_synthetic"],
                previous_flag),
            t("deck.col.rank", lang): _rank_text(row, lang),
            t("deck.col.previous_rank", lang): _rank_text(previous, lang),
            t("deck.col.movement", lang): movement,
        })
        sources.append(row["source"])
        synthetic = synthetic or _synthetic(row["is_synthetic"], None if previous is None else previous["is_synthetic"])
    if not rows:
        return None
    table = pd.DataFrame(rows)
    synthetic = synthetic or bool(zy.ranks["is_synthetic"].any())  # ranks depend on every zone's value
    return Slide(key="rank_table", title=t("deck.rank_table", lang), table=table, note=_legend_if(tagged, lang),
                 notes="\n".join(" · ".join(map(str, r.values())) for r in rows),
                 source=source_line(sources, lang, extra=[t("deck.source_rankings", lang, n=zy.ranks["zone_id"].nunique())]),
                 synthetic=synthetic)


def _year_window(zy: ZoneYear, codes: Sequence[str]) -> list[int]:
    years = zy.history.loc[zy.history["indicator"].isin(codes) & (zy.history["year"] <= zy.year), "year"]
    return sorted({int(y) for y in years})[-TREND_YEARS:]


def _trend_slide(zy: ZoneYear, lang: str) -> Slide | None:
    charts, sources, synthetic = [], [], False
    years = _year_window(zy, [*TREND_COUNTS, TREND_MONEY])
    if len(years) < 2:
        return None
    categories = tuple(fmt.year(y, lang) for y in years)
    count_series, table = [], {t("deck.col.year", lang): years}
    for code in TREND_COUNTS:
        indicator = zy.indicators.get(code)
        if indicator is None:
            continue
        values = tuple(zy.value(code, y) for y in years)
        if all(v is None for v in values):
            continue
        count_series.append(Series(indicator.name(lang), values,
                                   tuple(fmt.indicator_value(v, indicator.unit, lang) for v in values)))
        table[unit_header(indicator.name(lang), indicator.unit, lang)] = list(values)
    if count_series:
        charts.append(Chart(key="trend_counts", kind="column", title=t("deck.trend_counts", lang),
                            categories=categories, series=tuple(count_series), number_format=COUNT_FORMAT,
                            axis_title=t("deck.trend_counts", lang), table=pd.DataFrame(table)))
    money = zy.indicators.get(TREND_MONEY)
    if money is not None:
        values = tuple(zy.value(TREND_MONEY, y) for y in years)
        if any(v is not None for v in values):
            money_table = pd.DataFrame({t("deck.col.year", lang): years,
                                        unit_header(money.name(lang), money.unit, lang): list(values)})
            charts.append(Chart(key="trend_money", kind="line", title=t("deck.trend_money", lang),
                                categories=categories,
                                series=(Series(money.name(lang), values,
                                               tuple(fmt.number(v) for v in values)),),
                                number_format=MONEY_FORMAT, axis_title=t("deck.trend_money", lang),
                                table=money_table))
    if not charts:
        return None
    used = zy.history[zy.history["indicator"].isin([*TREND_COUNTS, TREND_MONEY]) & zy.history["year"].isin(years)]
    sources, synthetic = used["source"], bool(used["is_synthetic"].any())
    notes = "\n".join(f"{s.name}: " + t("deck.list_sep", lang).join(
        f"{c} {x}" for c, x in zip(categories, s.texts, strict=True)) for c in charts for s in c.series)
    return Slide(key="trend", title=t("deck.trend", lang), charts=tuple(charts), notes=notes,
                 source=source_line(sources, lang), synthetic=synthetic)


def _projects_slide(zy: ZoneYear, lang: str) -> Slide | None:
    signed = zy.signed_projects()
    if signed.empty:
        return None
    chains = (signed.assign(chain=signed["chain"].fillna(t("deck.chain_none", lang)))
              .groupby("chain", sort=False)["total_investment"].sum(min_count=1).dropna()
              .sort_values(ascending=False, kind="stable"))
    charts = []
    if not chains.empty:
        if len(chains) > TOP_CHAINS:
            rest = chains.iloc[TOP_CHAINS - 1:].sum()
            chains = pd.concat([chains.iloc[:TOP_CHAINS - 1], pd.Series({t("deck.chain_other", lang): rest})])
        values = tuple(round(float(v), 6) for v in chains.values)
        total = sum(values)
        table = pd.DataFrame({
            t("deck.col.chain", lang): [str(c) for c in chains.index],
            unit_header(t("deck.col.investment", lang), "亿元", lang): list(values),
            t("deck.col.share", lang): [v / total if total else None for v in values],
        })
        charts.append(Chart(key="chains", kind="doughnut", title=t("deck.chain_chart", lang),
                            categories=tuple(str(c) for c in chains.index),
                            series=(Series(t("deck.chain_chart", lang), values,
                                           tuple(fmt.money(v, lang) for v in values)),),
                            number_format=MONEY_FORMAT, table=table))
    headline = zy.headline_projects()  # the largest live projects: a terminated one never headlines
    top = headline.dropna(subset=["total_investment"]).head(TOP_PROJECTS)
    real = zy.real_projects() if zy.mixed else headline.iloc[0:0]
    top = pd.concat([real, top[~top["project_id"].isin(real["project_id"])]]).head(max(TOP_PROJECTS, len(real)))
    table = pd.DataFrame({
        t("deck.col.project", lang): [fmt.tag_real(str(n), s, lang, mixed=zy.mixed)
                                      for n, s in zip(top["project_name"], top["is_synthetic"], strict=True)],
        t("deck.col.chain", lang): top["chain"].fillna(fmt.MISSING).tolist(),
        t("deck.col.investment", lang): [fmt.money(v, lang) for v in top["total_investment"]],
        t("deck.col.status", lang): top["status"].fillna(fmt.MISSING).tolist(),
    })
    bullets = []
    led = headline.dropna(subset=["chain_leader"])
    if not led.empty:
        leaders = led.groupby("chain_leader", sort=False).size().sort_values(ascending=False, kind="stable")
        bullets.append(t("summary.chain_leader", lang, leader=leaders.index[0],
                         count=fmt.count(int(leaders.iloc[0]), "个", lang)))
    for project in real.itertuples():  # the real 宏明 chain base: 20 亿元 output, 5,000 万元 利税
        phrase = summary_mod.real_project_phrase(project, lang)
        if phrase:
            bullets.append(phrase)
    notes = "\n".join([*bullets, *(" · ".join(map(str, r)) for r in table.itertuples(index=False))])
    return Slide(key="projects", title=t("deck.projects", lang), charts=tuple(charts), table=table,
                 note=_legend_if(not real.empty, lang),
                 bullets=tuple(bullets), notes=notes, source=source_line([LEDGER_SOURCE], lang),
                 synthetic=bool(signed["is_synthetic"].any()))


def _enterprise_slide(zy: ZoneYear, lang: str) -> Slide | None:
    codes = [c for c in ENTERPRISE_CODES if c in zy.indicators
             and (zy.value(c) is not None or zy.value(c, zy.year - 1) is not None)]
    if not codes:
        return None
    names = tuple(wording.quoted(zy.indicators[c].name(lang)) for c in codes)
    series, table = [], {t("deck.col.category", lang): list(names)}
    for year in (zy.year - 1, zy.year):
        values = tuple(zy.value(c, year) for c in codes)
        if all(v is None for v in values):
            continue
        label = fmt.year(year, lang)
        series.append(Series(label, values, tuple(fmt.number(v, 0) for v in values)))
        table[unit_header(label, "家", lang)] = list(values)
    chart = Chart(key="enterprises", kind="column", title=t("deck.enterprise_chart", lang), categories=names,
                  series=tuple(series), number_format=COUNT_FORMAT, axis_title=t("deck.enterprise_chart", lang),
                  table=pd.DataFrame(table))
    bullets = []
    for code in codes:
        category = summary_mod.ENTERPRISE_CATEGORY.get(code)
        if category is None:
            continue
        listed = zy.enterprises.loc[zy.enterprises["category"] == category, "enterprise_name"].tolist()
        if listed:
            bullets.append(wording.quoted(zy.indicators[code].name(lang)) + "：" * (lang != "en") + ": " * (lang == "en")
                           + _list([str(n) for n in listed], lang))
    used = zy.history[zy.history["indicator"].isin(codes) & zy.history["year"].isin([zy.year - 1, zy.year])]
    notes = "\n".join(f"{s.name}: " + t("deck.list_sep", lang).join(
        f"{n} {x}" for n, x in zip(names, s.texts, strict=True)) for s in series)
    return Slide(key="enterprises", title=t("deck.enterprises", lang), charts=(chart,), bullets=tuple(bullets),
                 notes="\n".join([notes, *bullets]), source=source_line(used["source"], lang),
                 synthetic=bool(used["is_synthetic"].any()))


def attention_points(zy: ZoneYear, lang: str) -> tuple[list[str], bool]:
    """What needs attention, from the numbers: falls, slipped ranks, targets short, stalled projects."""
    bullets, synthetic = [], False
    for code, indicator in zy.indicators.items():
        row, previous = zy.value_row(code), zy.value_row(code, zy.year - 1)
        if row is None or previous is None:
            continue
        name = wording.quoted(indicator.name(lang))
        moved = summary_mod.change(row["value"], previous["value"], indicator.unit, lang)
        if moved.direction == "down":  # 由X降至Y，下降25.0% (on a tiny base only the counts)
            fell = fmt.mark_change(wording.fall(float(row["value"]), float(previous["value"]), indicator.unit, lang),
                                   row["is_synthetic"], previous["is_synthetic"])
            bullets.append(t("deck.attn.fell", lang, name=name, fell=fell))
            synthetic = synthetic or _synthetic(row["is_synthetic"], previous["is_synthetic"])
        _, steps = rank_movement(previous["rank"], row["rank"], lang)
        if steps is not None and steps < 0:
            bullets.append(t("deck.attn.rank_down", lang, name=name, before=int(previous["rank"]),
                             after=int(row["rank"])))
            synthetic = True if bool(zy.ranks["is_synthetic"].any()) else synthetic
    for target in zy.targets.itertuples():
        indicator = zy.indicators.get(str(target.indicator))
        value = zy.value(str(target.indicator))
        if indicator is None or value is None or fmt.is_missing(target.target) or float(target.target) <= 0:
            continue
        if value < float(target.target):
            bullets.append(t("deck.attn.target_short", lang, name=wording.quoted(indicator.name(lang)),
                             pct=wording.percent(value / float(target.target)),
                             target=fmt.indicator_value(target.target, indicator.unit, lang),
                             gap=fmt.indicator_value(float(target.target) - value, indicator.unit, lang)))
            synthetic = synthetic or bool(target.is_synthetic)
    signed = zy.signed_projects()
    waiting = signed[signed["status"] == "签约"]
    if not waiting.empty:
        names = [t("deck.quoted", lang, name=n) for n in waiting["project_name"]]
        amount = waiting["total_investment"].sum(min_count=1)
        key = "deck.attn.not_started" if not fmt.is_missing(amount) else "deck.attn.not_started_no_amount"
        key += "_one" if len(names) == 1 else ""  # no 如 before a single example
        bullets.append(t(key, lang, count=len(waiting), year=fmt.year(zy.year, lang),
                         amount=fmt.money(amount, lang), names=_list(names, lang)))
        synthetic = synthetic or bool(waiting["is_synthetic"].any())
    talks = zy.talks_in_view()
    if not talks.empty:
        names = [t("deck.quoted", lang, name=n) for n in talks["project_name"]]
        said = t("deck.attn.negotiating" + ("_one" if len(names) == 1 else ""), lang, count=len(talks),
                 names=_list(names, lang))
        if zy.ledger_day is not None:
            said = t("deck.attn.as_of", lang, date=fmt.date(zy.ledger_day, lang), text=said)
        bullets.append(said)
        synthetic = synthetic or bool(talks["is_synthetic"].any())
    missing = [wording.quoted(ind.name(lang)) for code, ind in zy.indicators.items()
               if zy.value(code) is None and zy.value(code, zy.year - 1) is not None]
    if missing:
        bullets.append(t("deck.attn.missing", lang, year=fmt.year(zy.year, lang), names=_list(missing, lang, 6)))
    if not bullets:
        bullets.append(t("deck.attn.none", lang))
    return bullets, synthetic


def _attention_slide(zy: ZoneYear, lang: str) -> Slide:
    bullets, synthetic = attention_points(zy, lang)
    used = zy.history[zy.history["year"].isin([zy.year - 1, zy.year])]
    return Slide(key="attention", title=t("deck.attention", lang), bullets=tuple(bullets),
                 notes="\n".join(bullets), source=source_line(used["source"], lang, extra=[LEDGER_SOURCE]),
                 synthetic=synthetic)


def zone_story(zy: ZoneYear, lang: str = "zh", *, today: dt.date | None = None) -> Story:
    """The meeting storyline for one zone and year (slides without data are left out)."""
    lang = "en" if lang == "en" else "zh"
    today = today or periods.china_today()  # one date everywhere: China time
    written = summary_mod.build(zy, lang)
    body = [
        _kpi_slide(zy, lang),
        _summary_slide(zy, written, lang),
        _targets_slide(zy, lang),
        _ranking_slide(zy, lang),
        _rank_table_slide(zy, lang),
        _trend_slide(zy, lang),
        _projects_slide(zy, lang),
        _enterprise_slide(zy, lang),
        _attention_slide(zy, lang),
    ]
    slides = [s for s in body if s is not None]
    used = zy.history[zy.history["year"].isin([zy.year - 1, zy.year])]
    title = _title_slide(zy, lang, today, list(used["source"]), any(s.synthetic for s in slides), written.text)
    return Story(title=title.title, subtitle=title.subtitle, lang=lang, slides=[title, *slides],
                 file_stem=file_stem(zy.short_name, zy.year, lang), summary=written.text)


def file_stem(short_name: str, year: int, lang: str) -> str:
    """`盐湖高新区_2021_汇报材料` / `盐湖高新区_2021_deck` — the deck's and workbook's file name."""
    return f"{short_name}_{int(year)}_{'deck' if lang == 'en' else '汇报材料'}"


def has_data(zy: ZoneYear) -> bool:
    return not zy.history[zy.history["year"] == zy.year].empty
