"""What the 全省排名 (Provincial rankings) screen computes and says. Pure: no Streamlit, no SQL.

The ranks themselves come from `queries.filtered_rankings` (recomputed in SQL within the zones the
level/type filters keep). This module turns that frame into chart frames and display tables, and
holds the two analyses of the page as pure functions:

- `gap_analysis`: how far the chosen zone is from the next rank up and from the top three;
- `composite_scores`: a weighted sum of min-max normalised indicators, weighted per category.

Composite score (综合得分), the method shown on the page and in the README:
each indicator is normalised over the zones being compared to 0–1 (best = 1, worst = 0; for a
lower-is-better indicator the scale is turned round; when every zone has the same value all get 1;
a missing value scores 0). A category's score is the mean over its indicators that have data.
The composite is 100 × Σ weight × category score / Σ weight, so weights need not add up to 1.
Default weights 招商引资 0.5 · 企业培育 0.3 · 产值税收 0.2, after the weighted categories of the
national 经开区 comprehensive evaluation (国家级经济技术开发区综合发展水平考核评价), where
opening-up and investment weigh most. Ties (equal to 6 decimals) share the best rank.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from devzone import charts, fmt, state
from devzone.i18n import province_name, t, t_or
from devzone.labels import BAR_LEADERS, BAR_NEIGHBOURS, ranking_window, shows_neighbours
from devzone.scorecard import category_label, ordered_categories

DEFAULT_INDICATOR = "signed_projects"
DEFAULT_WEIGHTS: dict[str, float] = {"projects": 0.5, "enterprises": 0.3, "output_tax": 0.2}
LEVEL_ORDER = ("国家级", "省级")
TYPE_ORDER = ("高新区", "经开区", "工业园区", "综合保税区")
TOP_N = 3
COMPARE_DEFAULT_COUNT = 3
SCORE_DECIMALS = 6

PARAM_INDICATOR = "indicator"
PARAM_LEVEL = "level"
PARAM_TYPE = "type"
PARAM_FROM = "from"
PARAM_TO = "to"
PARAM_COMPARE = "compare"
PARAM_WEIGHTS = "weights"
PAGE_PARAMS = (PARAM_INDICATOR, PARAM_LEVEL, PARAM_TYPE, PARAM_FROM, PARAM_TO, PARAM_COMPARE, PARAM_WEIGHTS)


def _name_column(lang: str) -> str:
    return "name_en" if lang == "en" else "name_zh"


def _is_lower(direction: object) -> bool:
    return str(direction) == "lower"


# ---------------------------------------------------------------- URL parameters

def parse_indicator(raw: object, codes: Sequence[str]) -> str | None:
    """The indicator a URL asks for; else signed_projects; else the catalogue's first; None if empty."""
    raw = state.last_value(raw)
    wanted = raw.strip() if isinstance(raw, str) else None
    if wanted in codes:
        return wanted
    if DEFAULT_INDICATOR in codes:
        return DEFAULT_INDICATOR
    return codes[0] if codes else None


def ordered_options(values: Iterable[object], order: Sequence[str]) -> list[str]:
    """Distinct values present, known ones in `order` first, others after in order of appearance."""
    if isinstance(values, pd.Series):
        values = values.drop_duplicates()  # a national zone list has thousands of rows and a handful of levels
    present = list(dict.fromkeys(str(v) for v in values if not fmt.is_missing(v)))
    return [v for v in order if v in present] + [v for v in present if v not in order]


def parse_year_range(raw_from: object, raw_to: object, years: Sequence[int]) -> tuple[int, int] | None:
    """The year range a URL asks for, within the years that exist; a bad end falls back to the extreme."""
    available = sorted({int(y) for y in years})
    if not available:
        return None
    first = state.resolve_year(raw_from, available) or available[0]
    last = state.resolve_year(raw_to, available) or available[-1]
    return (first, last) if first <= last else (last, first)


def parse_compare(raw: object, zones: state.ZoneDirectory, allowed: Sequence[str]) -> list[str] | None:
    """Comparison zones from `?compare=太原经开区,G141060`; None when the URL says nothing (use defaults)."""
    parts = state.split_list(raw)
    if not parts:
        return None
    chosen = [zones.resolve(part) for part in parts]
    return list(dict.fromkeys(z for z in chosen if z is not None and z in allowed))


def default_weights(categories: Sequence[str]) -> dict[str, float]:
    """DEFAULT_WEIGHTS for the known categories; a category new to the catalogue starts at 0."""
    return {category: DEFAULT_WEIGHTS.get(category, 0.0) for category in categories}


def parse_weights(raw: object, categories: Sequence[str]) -> dict[str, float]:
    """`?weights=0.5,0.3,0.2` in category order, each 0–1; anything unreadable -> the defaults."""
    parts = state.split_list(raw)
    if len(parts) != len(categories):
        return default_weights(categories)
    weights = {}
    for category, part in zip(categories, parts, strict=True):
        try:
            value = float(part)
        except ValueError:
            return default_weights(categories)
        if not math.isfinite(value) or not 0 <= value <= 1:
            return default_weights(categories)
        weights[category] = value
    return weights


def weights_param(weights: Mapping[str, float], categories: Sequence[str]) -> str:
    return ",".join(fmt.number(weights.get(category, 0.0), 2) for category in categories)


def url_params(*, indicator: str | None, levels: Sequence[str], zone_types: Sequence[str],
               year_range: tuple[int, int] | None, compare: Sequence[str], zones: state.ZoneDirectory,
               weights: Mapping[str, float], categories: Sequence[str]) -> dict[str, str]:
    """The page's own URL parameters (the sidebar writes zone/year/lang); '' means 'leave it out'."""
    params = {
        PARAM_INDICATOR: indicator or "",
        PARAM_LEVEL: ",".join(levels),
        PARAM_TYPE: ",".join(zone_types),
        PARAM_FROM: str(year_range[0]) if year_range else "",
        PARAM_TO: str(year_range[1]) if year_range else "",
        PARAM_COMPARE: ",".join(zones.url_value(z) for z in compare),
        PARAM_WEIGHTS: weights_param(weights, categories) if categories else "",
    }
    return params


# ---------------------------------------------------------------- labels

def indicator_label(catalogue: pd.DataFrame, indicator: str, lang: str) -> str:
    rows = catalogue[catalogue["indicator"] == indicator]
    return indicator if rows.empty else str(rows.iloc[0][_name_column(lang)])


def indicator_info(catalogue: pd.DataFrame, indicator: str) -> tuple[str, str]:
    """(unit, direction) of an indicator."""
    row = catalogue[catalogue["indicator"] == indicator].iloc[0]
    return str(row["unit"]), str(row["direction"])


def level_label(level: object, lang: str) -> str:
    return t_or(f"zone.level.{level}", str(level), lang)


def type_label(zone_type: object, lang: str) -> str:
    return t_or(f"zone.type.{zone_type}", str(zone_type), lang)


def filter_caption(levels: Sequence[str], zone_types: Sequence[str], n_zones: int, lang: str,
                   province: str | None = None) -> str:
    """`山西省28个开发区参与排名` or `筛选：国家级 · 高新区，共2个开发区，名次在其中重新计算`."""
    if not levels and not zone_types:
        if province is None:
            return t("rk.scope_all", lang, n=n_zones)
        return t("rk.scope_province", lang, province=province_name(province, lang), n=n_zones)
    parts = [province_name(province, lang)] if province is not None else []
    if levels:
        parts.append(" / ".join(level_label(v, lang) for v in levels))
    if zone_types:
        parts.append(" / ".join(type_label(v, lang) for v in zone_types))
    return t("rk.scope_filtered", lang, scope=" · ".join(parts), n=n_zones)


def year_label(year: object, lang: str) -> str:
    return fmt.year(year, lang)


def axis_title(label: str, unit: str, lang: str) -> str:
    return t("rk.axis", lang, name=label, unit=t_or(f"unit.{unit}", unit, lang))


# ---------------------------------------------------------------- one indicator, one year

def year_indicator(rankings: pd.DataFrame, year: int | None, indicator: str | None) -> pd.DataFrame:
    """The rows of `filtered_rankings` for one year and indicator, best first, missing last."""
    part = rankings[(rankings["year"] == year) & (rankings["indicator"] == indicator)]
    return part.sort_values(["rank", "zone_id"], na_position="last").reset_index(drop=True)


def _rank_short(rank: object, tied: object, lang: str, from_synthetic: object = False) -> str:
    return fmt.rank(rank, None, lang, tied=bool(tied) if not fmt.is_missing(tied) else False,
                    from_synthetic=from_synthetic)


def _rank_full(rank: object, n: object, tied: object, lang: str, from_synthetic: object = False) -> str:
    return fmt.rank(rank, n, lang, tied=bool(tied) if not fmt.is_missing(tied) else False,
                    from_synthetic=from_synthetic)


def _marks(part: pd.DataFrame) -> list[object]:
    """rank_from_synthetic per row (False when the frame has no such column)."""
    return part["rank_from_synthetic"].tolist() if "rank_from_synthetic" in part.columns else [False] * len(part)


def bar_frame(part: pd.DataFrame, unit: str, lang: str) -> pd.DataFrame:
    """Ranked zones only, best first: zone_id, rank, label, value, text (`36个 · 第3名`, `33个 · 并列第4名`)."""
    ranked = part[part["rank"].notna()]
    return pd.DataFrame({
        "zone_id": ranked["zone_id"].tolist(),
        "rank": ranked["rank"].astype(int).tolist(),
        "label": ranked["short_name"].tolist(),
        "value": ranked["value"].astype(float).tolist(),
        "text": [t("rk.bar_text", lang, value=fmt.indicator_value(v, unit, lang), rank=_rank_short(r, tied, lang, m))
                 for v, r, tied, m in zip(ranked["value"], ranked["rank"], ranked["tied"], _marks(ranked),
                                          strict=True)],
    })


def trimmed_bars(bars: pd.DataFrame, chosen: str | None, chosen_label: str, lang: str) -> tuple[pd.DataFrame, str]:
    """`bars` (zone_id, rank, label, value, text; best first) as drawn (labels.ranking_window): a run left out is
    a row with its label and no bar, no zone. Returns (frame, note): the note says what the chart leaves out ('' when
    nothing)."""
    ids = bars["zone_id"].tolist()
    at = ids.index(chosen) if chosen in ids else None
    rows = ranking_window(bars["rank"].tolist(), at, lang)
    if len(rows) == len(bars):
        return bars, ""
    pieces = [bars.iloc[[row]] if isinstance(row, int) else
              pd.DataFrame({"zone_id": [None], "rank": [None], "label": [row], "value": [math.nan], "text": [""]})
              for row in rows]
    key = "rk.bar_trimmed_zone" if shows_neighbours(len(bars), at) else "rk.bar_trimmed"
    note = t(key, lang, n=len(bars), top=BAR_LEADERS, zone=chosen_label, k=BAR_NEIGHBOURS)
    return pd.concat(pieces, ignore_index=True), note


def unranked_labels(part: pd.DataFrame) -> list[str]:
    return part.loc[part["rank"].isna(), "short_name"].tolist()


def _source_column(part: pd.DataFrame) -> list[str]:
    return [fmt.source_name(s) for s in part["source"]]


def _synthetic_column(part: pd.DataFrame, lang: str) -> list[str]:
    return [fmt.MISSING if fmt.is_missing(s) else t("rk.yes" if s else "rk.no", lang) for s in part["is_synthetic"]]


def ranking_table(part: pd.DataFrame, label: str, unit: str, lang: str) -> pd.DataFrame:
    """The table behind the bar chart: every zone of the set, unranked ones last with `—`."""
    return pd.DataFrame({
        t("rk.col.rank", lang): [_rank_full(r, n, tied, lang, m) for r, n, tied, m in
                                 zip(part["rank"], part["n_ranked"], part["tied"], _marks(part), strict=True)],
        t("rk.col.zone", lang): part["short_name"].tolist(),
        t("rk.col.level", lang): [level_label(v, lang) for v in part["level"]],
        t("rk.col.type", lang): [type_label(v, lang) for v in part["zone_type"]],
        axis_title(label, unit, lang): [fmt.indicator_value(v, unit, lang) for v in part["value"]],
        t("rk.col.source", lang): _source_column(part),
        t("rk.col.synthetic", lang): _synthetic_column(part, lang),
    })


def is_synthetic(part: pd.DataFrame) -> bool:
    return bool(part["is_synthetic"].fillna(False).astype(bool).any()) if not part.empty else False


@dataclass(frozen=True)
class Summary:
    """The chosen zone's standing, for two metric cards: the rank (its total in the label) and the value."""

    rank_label: str
    rank: str
    value_label: str
    value: str


def chosen_summary(part: pd.DataFrame, zone_id: str | None, zone_label: str, indicator_name: str, unit: str,
                   lang: str) -> Summary | None:
    """None when the zone is not in the set; `未排名` / `—` when it has no value."""
    rows = part[part["zone_id"] == zone_id]
    if rows.empty:
        return None
    row = rows.iloc[0]
    n_ranked = int(row["n_ranked"]) if not fmt.is_missing(row["n_ranked"]) else 0
    rank_label = t("rk.metric.rank", lang, zone=fmt.plain(zone_label), n=n_ranked)  # metric labels are markdown
    value_label = t("rk.metric.value", lang, zone=fmt.plain(zone_label), indicator=indicator_name)
    if fmt.is_missing(row["rank"]):
        return Summary(rank_label, t("rk.unranked", lang), value_label, fmt.MISSING)
    return Summary(rank_label, _rank_short(row["rank"], row["tied"], lang, row.get("rank_from_synthetic")), value_label,
                   fmt.indicator_value(row["value"], unit, lang))


def default_compare(part: pd.DataFrame, chosen: str | None, count: int = COMPARE_DEFAULT_COUNT) -> list[str]:
    """The best-ranked zones other than the chosen one (what an official compares with first)."""
    ranked = part[part["rank"].notna() & (part["zone_id"] != chosen)]
    return ranked["zone_id"].head(count).tolist()


# ---------------------------------------------------------------- gap analysis

@dataclass(frozen=True)
class Gap:
    """Where a zone stands on one indicator and how far it is from moving up.

    status: 'absent' (not among the zones), 'missing' (no value: not ranked), 'first', 'ranked'.
    Gaps are amounts in the indicator's unit, always ≥ 0: how much more (higher-is-better) or
    less (lower-is-better) is needed to draw level with the next rank up / with the top three
    (equal values share a rank, so drawing level is enough to take that rank).
    """

    status: str
    value: float | None = None
    rank: int | None = None
    n_ranked: int = 0
    tied_with: tuple[str, ...] = ()
    next_rank: int | None = None
    next_value: float | None = None
    next_zones: tuple[str, ...] = ()
    next_gap: float | None = None
    in_top: bool = False
    top_rank: int | None = None
    top_value: float | None = None
    top_zones: tuple[str, ...] = ()
    top_gap: float | None = None
    lower_is_better: bool = False
    top_n: int = TOP_N
    ranks: Mapping[str, int] = field(default_factory=dict)


def competition_ranks(values: pd.Series, direction: str = "higher") -> pd.Series:
    """1, 2, 2, 4 ranks of the non-missing values (index kept); missing values are left out."""
    present = values.dropna().astype(float)
    return present.rank(method="min", ascending=_is_lower(direction)).astype(int)


def gap_analysis(values: pd.Series, zone_id: str, direction: str = "higher", top_n: int = TOP_N) -> Gap:
    """`values`: indicator value per zone (index zone_id; NaN = missing) for one year, within the
    zones being compared. Ranks follow the contract rule (ties share the best rank)."""
    lower = _is_lower(direction)
    if zone_id not in values.index:
        return Gap("absent", lower_is_better=lower, top_n=top_n)
    ranks = competition_ranks(values, direction)
    present = values.dropna().astype(float)
    if zone_id not in ranks.index:
        return Gap("missing", n_ranked=len(ranks), lower_is_better=lower, top_n=top_n, ranks=ranks.to_dict())
    value, rank = float(present[zone_id]), int(ranks[zone_id])
    tied_with = tuple(sorted(z for z in ranks.index[ranks == rank] if z != zone_id))
    common = {"value": value, "rank": rank, "n_ranked": len(ranks), "tied_with": tied_with,
              "lower_is_better": lower, "top_n": top_n, "ranks": ranks.to_dict()}
    top_rank = int(ranks[ranks <= top_n].max())
    top_value = float(present[ranks[ranks == top_rank].index[0]])
    top = {"in_top": rank <= top_n, "top_rank": top_rank, "top_value": top_value,
           "top_zones": tuple(sorted(ranks.index[ranks == top_rank]))}
    if rank == 1:
        return Gap("first", **common, **top)
    better = ranks[ranks < rank]
    next_rank = int(better.max())
    next_zones = tuple(sorted(better.index[better == next_rank]))
    next_value = float(present[next_zones[0]])
    if rank > top_n:
        top["top_gap"] = abs(top_value - value)
    return Gap("ranked", next_rank=next_rank, next_value=next_value, next_zones=next_zones,
               next_gap=abs(next_value - value), **common, **top)


def gap_lines(gap: Gap, labels: Mapping[str, str], unit: str, lang: str) -> list[str]:
    """The gap analysis as markdown sentences (amounts in the indicator's unit)."""
    def names(zone_ids: Iterable[str]) -> str:
        return t("rk.list_sep", lang).join(labels.get(z, z) for z in zone_ids)

    def amount(value: float | None) -> str:
        return fmt.indicator_value(value, unit, lang)

    more_or_less = "rk.gap.less" if gap.lower_is_better else "rk.gap.more"
    if gap.status == "absent":
        return [t("rk.gap.absent", lang)]
    if gap.status == "missing":
        return [t("rk.gap.missing", lang)]
    lines = []
    if gap.status == "first":
        lines.append(t("rk.gap.first", lang))
        if gap.tied_with:
            lines.append(t("rk.gap.tied_with", lang, zones=names(gap.tied_with)))
        return lines
    lines.append(t("rk.gap.next", lang, rank=fmt.rank(gap.next_rank, None, lang), zones=names(gap.next_zones),
                   value=amount(gap.next_value),
                   gap=t(more_or_less, lang, amount=amount(gap.next_gap))))
    if gap.in_top:
        lines.append(t("rk.gap.in_top", lang, n=gap.top_n))
    else:
        lines.append(t("rk.gap.top", lang, n=gap.top_n, rank=fmt.rank(gap.top_rank, None, lang),
                       zones=names(gap.top_zones), value=amount(gap.top_value),
                       gap=t(more_or_less, lang, amount=amount(gap.top_gap))))
    return lines


# ---------------------------------------------------------------- rank over the years (bump chart)

def bump_frame(rankings: pd.DataFrame, indicator: str | None, year_range: tuple[int, int] | None,
               zone_ids: Sequence[str], lang: str) -> pd.DataFrame:
    """year, zone_id, label, rank, text — ranked rows of the zones asked for, the first of them last
    so the chosen zone is drawn on top."""
    if year_range is None or not zone_ids:
        return pd.DataFrame(columns=["year", "zone_id", "label", "rank", "text"])
    first, last = year_range
    part = rankings[(rankings["indicator"] == indicator) & rankings["year"].between(first, last)
                    & rankings["zone_id"].isin(list(zone_ids)) & rankings["rank"].notna()]
    order = {z: i for i, z in enumerate(reversed(list(zone_ids)))}
    part = part.assign(_order=part["zone_id"].map(order)).sort_values(["_order", "year"])
    return pd.DataFrame({
        "year": part["year"].astype(int).tolist(),
        "zone_id": part["zone_id"].tolist(),
        "label": part["short_name"].tolist(),
        "rank": part["rank"].astype(int).tolist(),
        "text": [_rank_full(r, n, tied, lang, m) for r, n, tied, m in zip(part["rank"], part["n_ranked"],
                                                                            part["tied"], _marks(part), strict=True)],
    })


def bump_table(bump: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Zones × years of rank texts, for the download."""
    if bump.empty:
        return pd.DataFrame({t("rk.col.zone", lang): []})
    wide = bump.pivot(index="label", columns="year", values="text")
    wide.columns = [fmt.year(y, lang) for y in wide.columns]
    return wide.reset_index().rename(columns={"label": t("rk.col.zone", lang)}).fillna(fmt.MISSING)


# ---------------------------------------------------------------- zones × indicators (heatmap)

def short_indicator_label(name: str, lang: str, width: int | None = None) -> str:
    """Wrap a long indicator name over lines (`<br>`) so heatmap columns stay narrow."""
    if lang == "en":
        width = width or 10
        words, lines, line = name.split(), [], ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        return "<br>".join(charts.plain(x) for x in lines)
    width = width or 5
    return "<br>".join(charts.plain(name[i:i + width]) for i in range(0, len(name), width))


def heatmap_frame(rankings: pd.DataFrame, year: int | None, catalogue: pd.DataFrame, zone_order: Sequence[str],
                  chosen: str | None, lang: str) -> pd.DataFrame:
    """Long frame for charts.rank_heatmap: row (zone label, chosen one in bold), column (wrapped
    indicator name), rank, text (rank number, `—` when unranked), hover (full rank text)."""
    part = rankings[rankings["year"] == year]
    names = {row.indicator: short_indicator_label(str(getattr(row, _name_column(lang))), lang)
             for row in catalogue.itertuples(index=False)}
    zone_position = {z: i for i, z in enumerate(zone_order)}
    indicator_position = {code: i for i, code in enumerate(catalogue["indicator"])}
    part = part[part["zone_id"].isin(zone_position) & part["indicator"].isin(indicator_position)]
    part = part.assign(_z=part["zone_id"].map(zone_position), _i=part["indicator"].map(indicator_position))
    part = part.sort_values(["_z", "_i"])
    rows = [f'<b><span style="color:{charts.HIGHLIGHT}">{charts.plain(label)}</span></b>'
            if zone == chosen else charts.plain(label)  # plotly markup (charts.rank_heatmap): names escaped
            for zone, label in zip(part["zone_id"], part["short_name"], strict=True)]
    return pd.DataFrame({
        "row": rows,
        "column": [names[code] for code in part["indicator"]],
        "rank": part["rank"].astype(float).tolist(),
        "text": [fmt.MISSING if fmt.is_missing(r) else fmt.number(r, 0) for r in part["rank"]],
    })


def heatmap_table(rankings: pd.DataFrame, year: int | None, catalogue: pd.DataFrame, zone_order: Sequence[str],
                  lang: str) -> pd.DataFrame:
    """Zones × indicators of full rank texts (`并列第2名/共28个`), for the download."""
    part = rankings[(rankings["year"] == year) & rankings["zone_id"].isin(list(zone_order))]
    texts = [_rank_full(r, n, tied, lang, m) for r, n, tied, m in zip(part["rank"], part["n_ranked"], part["tied"],
                                                                       _marks(part), strict=True)]
    wide = part.assign(_text=texts).pivot(index="zone_id", columns="indicator", values="_text")
    kept = [z for z in zone_order if z in wide.index]
    codes = [code for code in catalogue["indicator"] if code in wide.columns]
    wide = wide.reindex(index=kept, columns=codes).fillna(fmt.MISSING)
    names = dict(zip(catalogue["indicator"], catalogue[_name_column(lang)], strict=True))
    labels = zone_labels(part)
    table = pd.DataFrame({t("rk.col.zone", lang): [labels[z] for z in kept]})
    for code in codes:
        table[str(names[code])] = wide[code].tolist()
    return table


# ---------------------------------------------------------------- composite score

def _normalise(values: pd.Series, direction: str) -> pd.Series:
    """Min-max to 0–1, best = 1; all equal -> 1; missing -> 0."""
    present = values.dropna().astype(float)
    if present.empty:
        return pd.Series(0.0, index=values.index)
    low, high = present.min(), present.max()
    if math.isclose(low, high):
        scaled = pd.Series(1.0, index=present.index)
    elif _is_lower(direction):
        scaled = (high - present) / (high - low)
    else:
        scaled = (present - low) / (high - low)
    return scaled.reindex(values.index).fillna(0.0)


def composite_scores(values: pd.DataFrame, catalogue: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Weighted composite score per zone (0–100), see the module docstring for the method.

    `values`: zone_id, indicator, value (one year, the zones being compared; NaN = missing).
    Returns zone_id, score, score_<category> (0–100 each), n_missing, rank, tied — best first.
    Empty when no weight is positive or there is nothing to score.
    """
    columns = ["zone_id", "score", "n_missing", "rank", "tied"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    wide = values.pivot(index="zone_id", columns="indicator", values="value").astype(float)
    wide = wide.reindex(index=sorted(values["zone_id"].unique()))
    scores = pd.DataFrame(index=wide.index)
    used_weights = {}
    for category in ordered_categories(catalogue):
        members = catalogue[(catalogue["category"] == category) & catalogue["indicator"].isin(wide.columns)]
        members = [row for row in members.itertuples(index=False) if wide[row.indicator].notna().any()]
        if not members:
            continue
        normalised = pd.concat([_normalise(wide[row.indicator], row.direction) for row in members], axis=1)
        scores[f"score_{category}"] = 100 * normalised.mean(axis=1)
        weight = float(weights.get(category, 0.0) or 0.0)
        if weight > 0:
            used_weights[category] = weight
    total = sum(used_weights.values())
    if total <= 0:
        return pd.DataFrame(columns=columns)
    scores["score"] = sum(scores[f"score_{c}"] * w for c, w in used_weights.items()) / total
    codes = [code for code in catalogue["indicator"] if code in wide.columns]
    scores["n_missing"] = wide[codes].isna().sum(axis=1).astype(int)
    rounded = scores["score"].round(SCORE_DECIMALS)
    scores["rank"] = rounded.rank(method="min", ascending=False).astype(int)
    scores["tied"] = rounded.duplicated(keep=False)
    scores = scores.reset_index().rename(columns={"index": "zone_id"})
    return scores.sort_values(["rank", "zone_id"]).reset_index(drop=True)


def composite_input(rankings: pd.DataFrame, year: int | None) -> pd.DataFrame:
    part = rankings[rankings["year"] == year]
    return part[["zone_id", "indicator", "value"]]


def composite_table(scores: pd.DataFrame, labels: Mapping[str, str], catalogue: pd.DataFrame,
                    lang: str) -> pd.DataFrame:
    table = pd.DataFrame({
        t("rk.col.rank", lang): [_rank_short(r, tied, lang) for r, tied in zip(scores["rank"], scores["tied"],
                                                                               strict=True)],
        t("rk.col.zone", lang): [labels.get(z, z) for z in scores["zone_id"]],
        t("rk.col.score", lang): [fmt.number(s, 1, keep_zeros=True) for s in scores["score"]],
    })
    for category in ordered_categories(catalogue):
        column = f"score_{category}"
        if column in scores.columns:
            table[t_or(f"rk.short.{category}", category_label(category, lang), lang)] = [
                fmt.number(s, 1, keep_zeros=True) for s in scores[column]]
    table[t("rk.col.missing", lang)] = [fmt.number(n, 0) for n in scores["n_missing"]]
    return table


def composite_bar_frame(scores: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "zone_id": scores["zone_id"].tolist(),
        "rank": scores["rank"].astype(int).tolist(),
        "label": [labels.get(z, z) for z in scores["zone_id"]],
        "value": scores["score"].astype(float).tolist(),
        "text": [t("rk.score_text", lang, score=fmt.number(s, 1, keep_zeros=True)) for s in scores["score"]],
    })


def weights_caption(weights: Mapping[str, float], categories: Sequence[str], lang: str) -> str:
    """`当前权重：招商引资 50% · 企业培育 30% · 产值税收 20%（按比例折算）`."""
    total = sum(max(0.0, weights.get(c, 0.0)) for c in categories)
    if total <= 0:
        return t("rk.weights_none", lang)
    parts = [t("rk.weight_part", lang, category=category_label(c, lang), share=fmt.percent(weights.get(c, 0.0) / total, 0))
             for c in categories]
    return t("rk.weights_now", lang, parts=" · ".join(parts))


def zone_labels(rankings: pd.DataFrame) -> dict[str, str]:
    return dict(zip(rankings["zone_id"], rankings["short_name"], strict=False))


# ---------------------------------------------------------------- whole sections (cached by the page)
# Building plotly figures and tables costs tens of milliseconds each; the page caches these
# section builders on a fingerprint of the query frames, so a rerun that changes nothing (or only
# another section's control) does not rebuild them.

@dataclass(frozen=True)
class Scope:
    """One indicator and year within the filtered set."""

    part: pd.DataFrame  # year_indicator()
    zone_ids: tuple[str, ...]  # the zones of the set, best first, unranked last
    labels: Mapping[str, str]
    synthetic_year: bool  # any synthetic value among the zones this year (any indicator)
    synthetic_any: bool  # … in any year


def scope(rankings: pd.DataFrame, year: int | None, indicator: str | None) -> Scope:
    part = year_indicator(rankings, year, indicator)
    return Scope(part, tuple(part["zone_id"]), zone_labels(rankings),
                 is_synthetic(rankings[rankings["year"] == year]), is_synthetic(rankings))


@dataclass(frozen=True)
class BarSection:
    figure: object | None  # None when no zone has a value
    table: pd.DataFrame
    summary: Summary | None
    gap_lines: tuple[str, ...]
    unranked: str  # '' or the sentence naming the unranked zones
    synthetic: bool
    trimmed: str = ""  # '' or what the chart leaves out of a long list (trimmed_bars)


def bar_section(rankings: pd.DataFrame, catalogue: pd.DataFrame, indicator: str, year: int, chosen: str | None,
                chosen_label: str, lang: str) -> BarSection:
    current = scope(rankings, year, indicator)
    unit, direction = indicator_info(catalogue, indicator)
    label = indicator_label(catalogue, indicator, lang)
    bars, trimmed = trimmed_bars(bar_frame(current.part, unit, lang), chosen, chosen_label, lang)
    figure = None if bars.empty else charts.ranking_bar(
        bars, label="label", value="value", text="text", chosen=chosen, key="zone_id",
        axis_title=axis_title(label, unit, lang), best_first=True)
    gap = gap_analysis(current.part.set_index("zone_id")["value"], chosen or "", direction)
    unranked = unranked_labels(current.part)
    return BarSection(
        figure=figure,
        table=ranking_table(current.part, label, unit, lang),
        summary=chosen_summary(current.part, chosen, chosen_label, label, unit, lang),
        gap_lines=tuple(gap_lines(gap, current.labels, unit, lang)),
        unranked=t("rk.unranked_note", lang, zones=t("rk.list_sep", lang).join(unranked)) if unranked else "",
        synthetic=is_synthetic(current.part),
        trimmed=trimmed,
    )


@dataclass(frozen=True)
class ChartSection:
    figure: object | None
    table: pd.DataFrame
    synthetic: bool


def bump_section(rankings: pd.DataFrame, indicator: str, year_range: tuple[int, int] | None,
                 zone_ids: tuple[str, ...], chosen_label: str, lang: str) -> ChartSection:
    bump = bump_frame(rankings, indicator, year_range, zone_ids, lang)
    if bump.empty:
        return ChartSection(None, bump_table(bump, lang), False)
    figure = charts.bump(bump, x="year", rank="rank", series="label", chosen=chosen_label,
                         axis_title=t("rk.bump_axis", lang))
    figure.update_yaxes(range=[int(bump["rank"].max()) + 0.5, 0.5])  # whole markers at rank 1 and at the bottom
    first, last = year_range or (0, 0)
    shown = rankings[rankings["zone_id"].isin(list(zone_ids)) & rankings["year"].between(first, last)
                     & (rankings["indicator"] == indicator)]
    return ChartSection(figure, bump_table(bump, lang), is_synthetic(shown))


def heatmap_section(rankings: pd.DataFrame, catalogue: pd.DataFrame, year: int, zone_ids: tuple[str, ...],
                    chosen: str | None, lang: str) -> ChartSection:
    heat = heatmap_frame(rankings, year, catalogue, zone_ids, chosen, lang)
    figure = charts.rank_heatmap(heat, rows="row", columns="column", rank="rank", text="text",
                                 colorbar_title=t("rk.bump_axis", lang))
    figure.update_xaxes(tickangle=0, tickfont={"size": charts.BASE_FONT_SIZE - 3})  # wrapped names, not slanted
    return ChartSection(figure, heatmap_table(rankings, year, catalogue, zone_ids, lang),
                        is_synthetic(rankings[rankings["year"] == year]))


@dataclass(frozen=True)
class CompositeSection:
    figure: object | None  # None when no weight is positive
    table: pd.DataFrame
    weights_caption: str
    synthetic: bool
    trimmed: str = ""  # '' or what the chart leaves out of a long list (trimmed_bars)


def composite_section(rankings: pd.DataFrame, catalogue: pd.DataFrame, year: int,
                      weights: tuple[tuple[str, float], ...], chosen: str | None, lang: str) -> CompositeSection:
    chosen_weights = dict(weights)
    categories = [c for c, _ in weights]
    scores = composite_scores(composite_input(rankings, year), catalogue, chosen_weights)
    caption = weights_caption(chosen_weights, categories, lang)
    synthetic = is_synthetic(rankings[rankings["year"] == year])
    if scores.empty:
        return CompositeSection(None, pd.DataFrame(), caption, synthetic)
    labels = zone_labels(rankings)
    bars, trimmed = trimmed_bars(composite_bar_frame(scores, labels, lang), chosen, labels.get(chosen, ""), lang)
    figure = charts.ranking_bar(bars, label="label", value="value", text="text", chosen=chosen, key="zone_id",
                                axis_title=t("rk.composite_axis", lang), best_first=True,
                                value_max=100)  # a 0–100 score: the axis ends at 100
    return CompositeSection(figure, composite_table(scores, labels, catalogue, lang), caption, synthetic, trimmed)


def zone_rank_list(heat_table: pd.DataFrame, zone_label: str, lang: str) -> pd.DataFrame:
    """The chosen zone's row of `heatmap_table` as a list (指标 · 名次): what a phone shows instead of the
    heatmap, which has no room there. Empty when the zone is not in the table."""
    zone_column = t("rk.col.zone", lang)
    rows = heat_table[heat_table[zone_column] == zone_label]
    indicator_column, rank_column = t("col.indicator", lang), t("rk.col.rank", lang)
    if rows.empty:
        return pd.DataFrame({indicator_column: [], rank_column: []})
    row = rows.iloc[0].drop(zone_column)
    return pd.DataFrame({indicator_column: list(row.index), rank_column: list(row.values)})
