"""月通报 — the monthly bulletin of every zone in a province, as a `Story` the deck renderer draws.

Monthly figures (signings, starts, investment signed) come from the project ledger, counted by the
signing and start dates (`queries.report_monthly_ledger`); the yearly ranking uses the yearly
indicators the zones report (`queries.report_year_ranks`). The slides say which is which.

Movements: each zone's rank by projects signed in the year to date, against the same ranking one
month earlier, and its total against the same months of the year before.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from devzone import fmt, periods, queries
from devzone.export import data as report_data
from devzone.export.story import (
    COUNT_FORMAT,
    MONEY_FORMAT,
    Chart,
    Kpi,
    Series,
    Slide,
    Story,
    rank_movement,
    ranked_highlight,
    ranked_labels,
    slide_ranking,
)
from devzone.export.summary import change
from devzone.i18n import t
from devzone.labels import LEDGER_SOURCE, source_line, unit_header

ROWS_PER_TABLE = 14
SLIPPED_PLACES = 3
NAMES_LISTED = 6
YEARLY_RANKING = "signed_investment"


@dataclass
class Month:
    province: str
    year: int
    month: int
    current: pd.DataFrame        # report_monthly_ledger(year, month)
    month_before: pd.DataFrame   # … (year, month - 1): the year to date one month earlier
    year_before: pd.DataFrame    # … (year - 1, month)
    per_month: pd.DataFrame      # month, year, signed (province totals), months 1..month of both years
    yearly: pd.DataFrame         # report_year_ranks of the latest year <= `year` with figures
    yearly_year: int | None
    catalogue: pd.DataFrame


def gather(load: report_data.Loader, province: str, year: int, month: int) -> Month:
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1–12, not {month}")
    year, month = int(year), int(month)
    current = load(queries.report_monthly_ledger, province, year, month)
    if current.empty:
        raise LookupError(f"no zones in province {province!r}")
    rows = []
    for y in (year - 1, year):
        for m in range(1, month + 1):
            frame = load(queries.report_monthly_ledger, province, y, m)
            rows.append({"year": y, "month": m, "signed": int(frame["signed_month"].sum()),
                         "synthetic": bool(frame["is_synthetic"].any())})
    yearly, yearly_year = pd.DataFrame(), None
    for y in (year, year - 1):
        ranks = load(queries.report_year_ranks, province, y)
        if not ranks[ranks["indicator"] == YEARLY_RANKING].empty:
            yearly, yearly_year = ranks, y
            break
    return Month(
        province=province, year=year, month=month, current=current,
        month_before=load(queries.report_monthly_ledger, province, year, month - 1),
        year_before=load(queries.report_monthly_ledger, province, year - 1, month),
        per_month=pd.DataFrame(rows), yearly=yearly, yearly_year=yearly_year,
        catalogue=load(queries.indicators),
    )


def _ranked(frame: pd.DataFrame, column: str) -> pd.Series:
    """Competition ranks, most first, ties sharing the best rank (1, 2, 2, 4)."""
    return frame[column].rank(method="min", ascending=False).astype(int)


def movements(mb: Month, lang: str) -> pd.DataFrame:
    """Per zone: rank by signings in the year to date, its movement since last month, the year before."""
    now = mb.current[["zone_id", "short_name", "signed_ytd", "signed_month", "is_synthetic"]].copy()
    now["rank"] = _ranked(now, "signed_ytd")
    before = mb.month_before[["zone_id", "signed_ytd"]].copy()
    before["rank_before"] = _ranked(before, "signed_ytd") if mb.month > 1 else pd.NA
    last_year = mb.year_before[["zone_id", "signed_ytd", "is_synthetic"]].rename(
        columns={"signed_ytd": "last_year", "is_synthetic": "synthetic_last_year"})
    merged = now.merge(before[["zone_id", "rank_before"]], on="zone_id", how="left").merge(
        last_year, on="zone_id", how="left")
    merged["movement"], merged["steps"] = zip(
        *(rank_movement(b, a, lang) for b, a in zip(merged["rank_before"], merged["rank"], strict=True)), strict=True)
    merged["yoy"] = [fmt.yoy(c, p) for c, p in zip(merged["signed_ytd"], merged["last_year"], strict=True)]
    return merged.sort_values(["rank", "zone_id"]).reset_index(drop=True)


def _kpi_slide(mb: Month, lang: str) -> Slide:
    def total(frame: pd.DataFrame, column: str) -> float:
        return float(frame[column].sum())

    kpis = []
    specs = [
        ("bulletin.kpi.month_signed", "signed_month", "个"),
        ("bulletin.kpi.ytd_signed", "signed_ytd", "个"),
        ("bulletin.kpi.ytd_investment", "investment_ytd", "亿元"),
        ("bulletin.kpi.ytd_started", "started_ytd", "个"),
    ]
    for key, column, unit in specs:
        now, before = total(mb.current, column), total(mb.year_before, column)
        moved = change(now, before, unit, lang)
        kpis.append(Kpi(label=t(key, lang, month=mb.month), value=fmt.indicator_value(now, unit, lang),
                        change=moved.text or t("deck.kpi_no_change", lang), direction=moved.direction,
                        rank=t("bulletin.kpi.vs_last_year", lang, value=fmt.indicator_value(before, unit, lang))))
    notes = "\n".join(f"{k.label}: {k.value}, {k.change} ({k.rank})" for k in kpis)
    return Slide(key="kpis", title=t("bulletin.kpis", lang, month=mb.month), kpis=tuple(kpis),
                 note=t("bulletin.note", lang), notes=notes,
                 source=source_line([LEDGER_SOURCE], lang, extra=[t("bulletin.source", lang, n=len(mb.current))]),
                 synthetic=bool(mb.current["is_synthetic"].any() or mb.year_before["is_synthetic"].any()))


def _ytd_ranking_slide(mb: Month, moves: pd.DataFrame, lang: str, highlight: str | None) -> Slide:
    names = tuple(str(n) for n in moves["short_name"])
    values = tuple(float(v) for v in moves["signed_ytd"])
    title = t("bulletin.ytd_ranking", lang, month=mb.month)
    header = t("bulletin.col.ytd", lang, month=mb.month)
    table = pd.DataFrame({t("bulletin.col.rank", lang): moves["rank"].tolist(), t("deck.col.zone", lang): list(names),
                          header: list(values)})
    labels = ranked_labels(moves["rank"], names, lang)
    categories, shown, texts, trimmed = slide_ranking(moves["rank"].tolist(), labels, values,
                                                      tuple(fmt.number(v, 0) for v in values), _at(highlight, names),
                                                      lang)
    chart = Chart(key="ytd_ranking", kind="bar", title=title, categories=categories,
                  series=(Series(header, shown, texts),),
                  number_format=COUNT_FORMAT, axis_title=header,
                  highlight=ranked_highlight(highlight, names, labels), table=table)
    return Slide(key="ytd_ranking", title=title, charts=(chart,), note=t("bulletin.note", lang) + trimmed,
                 notes="\n".join(f"{r}. {n} {int(v)}" for r, n, v in zip(moves["rank"], names, values, strict=True)),
                 source=source_line([LEDGER_SOURCE], lang, extra=[t("bulletin.source", lang, n=len(names))]),
                 synthetic=bool(moves["is_synthetic"].any()))


def _monthly_slide(mb: Month, lang: str) -> Slide:
    months = list(range(1, mb.month + 1))
    categories = tuple(t("bulletin.month_label", lang, month=m) for m in months)
    series, table = [], {t("deck.col.year", lang): categories}
    for year in (mb.year - 1, mb.year):
        part = mb.per_month[mb.per_month["year"] == year].set_index("month").reindex(months)
        values = tuple(float(v) for v in part["signed"])
        name = t("bulletin.series_year", lang, year=year)
        series.append(Series(name, values, tuple(fmt.number(v, 0) for v in values)))
        table[unit_header(name, "个", lang)] = list(values)
    title = t("bulletin.monthly", lang)
    chart = Chart(key="monthly", kind="column", title=title, categories=categories, series=tuple(series),
                  number_format=COUNT_FORMAT, axis_title=title, table=pd.DataFrame(table))
    return Slide(key="monthly", title=title, charts=(chart,), note=t("bulletin.note", lang),
                 notes="\n".join(f"{s.name}: " + ", ".join(s.texts) for s in series),
                 source=source_line([LEDGER_SOURCE], lang, extra=[t("bulletin.source", lang, n=len(mb.current))]),
                 synthetic=bool(mb.per_month["synthetic"].any()))


def _movement_slides(mb: Month, moves: pd.DataFrame, lang: str) -> list[Slide]:
    table = pd.DataFrame({
        t("bulletin.col.rank", lang): moves["rank"].astype(str).tolist(),
        t("deck.col.zone", lang): moves["short_name"].tolist(),
        t("bulletin.col.ytd", lang, month=mb.month): [fmt.number(v, 0) for v in moves["signed_ytd"]],
        t("bulletin.col.vs_month", lang): moves["movement"].tolist(),
        t("bulletin.col.last_year", lang): [fmt.number(v, 0) for v in moves["last_year"]],
        t("bulletin.col.yoy", lang): moves["yoy"].tolist(),
    })
    parts = [table.iloc[i:i + ROWS_PER_TABLE].reset_index(drop=True) for i in range(0, len(table), ROWS_PER_TABLE)]
    slides = []
    for index, part in enumerate(parts, start=1):
        label = f"{index}/{len(parts)}"
        slides.append(Slide(
            key=f"movement_{index}", title=t("bulletin.movement", lang, part=label), table=part,
            notes="\n".join(" · ".join(map(str, r)) for r in part.itertuples(index=False)),
            source=source_line([LEDGER_SOURCE], lang, extra=[t("bulletin.source", lang, n=len(moves))]),
            synthetic=bool(moves["is_synthetic"].any() or moves["synthetic_last_year"].fillna(False).any()),
        ))
    return slides


def _yearly_slide(mb: Month, lang: str, highlight: str | None) -> Slide | None:
    if mb.yearly_year is None:
        return None
    ranked = mb.yearly[mb.yearly["indicator"] == YEARLY_RANKING].sort_values(["rank", "zone_id"])
    row = mb.catalogue[mb.catalogue["indicator"] == YEARLY_RANKING].iloc[0]
    name = row["name_en"] if lang == "en" else row["name_zh"]
    names = tuple(str(n) for n in ranked["short_name"])
    values = tuple(float(v) for v in ranked["value"])
    header = unit_header(name, row["unit"], lang)
    title = t("bulletin.yearly_ranking", lang, year=mb.yearly_year)
    table = pd.DataFrame({t("deck.col.rank", lang): ranked["rank"].tolist(), t("deck.col.zone", lang): list(names),
                          header: list(values)})
    labels = ranked_labels(ranked["rank"], names, lang)
    categories, shown, texts, trimmed = slide_ranking(ranked["rank"].tolist(), labels, values,
                                                      tuple(fmt.number(v) for v in values), _at(highlight, names), lang)
    chart = Chart(key="yearly_ranking", kind="bar", title=title, categories=categories,
                  series=(Series(name, shown, texts),),
                  number_format=MONEY_FORMAT, axis_title=header,
                  highlight=ranked_highlight(highlight, names, labels), table=table)
    return Slide(key="yearly_ranking", title=title, charts=(chart,), note=t("bulletin.note", lang) + trimmed,
                 notes="\n".join(f"{r}. {n} {fmt.number(v)}" for r, n, v in zip(ranked["rank"], names, values, strict=True)),
                 source=source_line(ranked["source"], lang, extra=[t("deck.source_rankings", lang, n=len(ranked))]),
                 synthetic=bool(ranked["is_synthetic"].any()))


def _at(highlight: str | None, names: Sequence[str]) -> int | None:
    """The highlighted zone's row (by short name) in a ranking, or None."""
    return list(names).index(highlight) if highlight in names else None


def _names(names: list[str], lang: str) -> str:
    shown = t("deck.list_sep", lang).join(names[:NAMES_LISTED])
    return shown + (t("deck.source_more", lang) if len(names) > NAMES_LISTED else "")


def _attention_slide(mb: Month, moves: pd.DataFrame, lang: str) -> Slide:
    bullets = []
    idle = moves.loc[moves["signed_month"] == 0, "short_name"].tolist()
    if idle:
        bullets.append(t("bulletin.attn.no_signing", lang, month=mb.month, names=_names(idle, lang)))
    slipped = moves.loc[moves["steps"].map(lambda s: s is not None and s <= -SLIPPED_PLACES), "short_name"].tolist()
    if slipped:
        bullets.append(t("bulletin.attn.slipped", lang, names=_names(slipped, lang)))
    behind = moves.loc[moves["last_year"].notna() & (moves["signed_ytd"] < moves["last_year"]), "short_name"].tolist()
    if behind:
        bullets.append(t("bulletin.attn.behind", lang, names=_names(behind, lang)))
    if not bullets:
        bullets.append(t("bulletin.attn.none", lang))
    return Slide(key="attention", title=t("bulletin.attention", lang), bullets=tuple(bullets),
                 notes="\n".join(bullets), note=t("bulletin.note", lang),
                 source=source_line([LEDGER_SOURCE], lang, extra=[t("bulletin.source", lang, n=len(moves))]),
                 synthetic=bool(moves["is_synthetic"].any()))


def bulletin_story(mb: Month, lang: str = "zh", *, highlight: str | None = None,
                   today: dt.date | None = None) -> Story:
    """`highlight`: a zone's short name drawn in red on the rankings (e.g. the city's own zone)."""
    lang = "en" if lang == "en" else "zh"
    today = today or periods.china_today()  # one date everywhere: China time
    moves = movements(mb, lang)
    body = [
        _kpi_slide(mb, lang),
        _ytd_ranking_slide(mb, moves, lang, highlight),
        _monthly_slide(mb, lang),
        *_movement_slides(mb, moves, lang),
        _yearly_slide(mb, lang, highlight),
        _attention_slide(mb, moves, lang),
    ]
    slides = [s for s in body if s is not None]
    title = Slide(
        key="title", title=t("bulletin.title", lang, province=mb.province),
        subtitle=t("bulletin.subtitle", lang, year=mb.year, month=mb.month),
        text=t("deck.made_on", lang, date=fmt.date(today, lang)), note=t("bulletin.note", lang),
        notes=t("bulletin.note", lang),
        source=source_line([LEDGER_SOURCE], lang, extra=[t("bulletin.source", lang, n=len(moves))]),
        synthetic=any(s.synthetic for s in slides),
    )
    stem = f"{mb.province}_{mb.year}-{mb.month:02d}_{'月通报' if lang == 'zh' else 'bulletin'}"
    return Story(title=title.title, subtitle=title.subtitle, lang=lang, slides=[title, *slides], file_stem=stem)
