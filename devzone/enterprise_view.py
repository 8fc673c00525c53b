"""What the 企业培育 (Enterprises) screen shows, as frames and strings. Pure: no Streamlit, no SQL.

Two sources meet on this page:
- the reported counts (`indicator_values`, catalogue category 'enterprises': 新培育"四上"企业数,
  专精特新企业数, 两化融合贯标试点企业数, 高新技术企业数, 国家级科技企业孵化器数);
- the enterprise list (`enterprises`, 企业名录): one row per enterprise and recognition category.
Each reported count is set beside the number of list entries recognised in the same year, so a
person sees at once where the two disagree.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from devzone import fmt, tables
from devzone.i18n import STRINGS, t

CATALOGUE_CATEGORY = "enterprises"
CAPTION_BREAK = "  \n"  # a Markdown line break: one fact per line under a card
DEFAULT_INDICATOR = "new_four_above_enterprises"

# Enterprise-list categories, by a language-neutral key. The Chinese names are those of
# etl/catalogue/enterprise_categories.csv (quotes and spaces do not matter, see `category_key`).
# `indicator` is the reported count the list backs; 小巨人 and 创新型 have none of their own.
CATEGORY_NAMES = {
    "four_above": "四上企业",
    "innovative_sme": "创新型中小企业",
    "srdi_sme": "专精特新中小企业",
    "little_giant": "专精特新“小巨人”",
    "ii_pilot": "两化融合管理体系贯标",
    "high_tech": "高新技术企业",
    "incubator": "国家级科技企业孵化器",
}
CATEGORY_INDICATOR = {
    "four_above": "new_four_above_enterprises",
    "srdi_sme": "srdi_enterprises",
    "ii_pilot": "ii_integration_pilots",
    "high_tech": "high_tech_enterprises",
    "incubator": "national_incubators",
}
# 优质中小企业梯度培育: 创新型中小企业 → 专精特新中小企业 → 专精特新"小巨人".
LADDER = ("innovative_sme", "srdi_sme", "little_giant")
CATEGORY_ORDER = ("four_above", "innovative_sme", "srdi_sme", "little_giant", "ii_pilot", "high_tech",
                  "incubator")
_QUOTES = "\"'“”‘’「」『』"


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if ch not in _QUOTES and not ch.isspace())


_KEY_BY_NAME = {_fold(name): key for key, name in CATEGORY_NAMES.items()}


def category_key(category: object) -> str | None:
    """`专精特新"小巨人"`, `专精特新“小巨人”` and `专精特新 小巨人` all -> 'little_giant'; unknown -> None."""
    if not isinstance(category, str):
        return None
    return _KEY_BY_NAME.get(_fold(category))


def category_label(category: object, lang: str) -> str:
    """The category as a person reads it: the data's own Chinese name, or its English name."""
    if fmt.is_missing(category):
        return fmt.MISSING
    key = category_key(category)
    if key is None:
        return str(category)
    return t(f"entcat.{key}", lang)


def _category_rank(category: object) -> int:
    key = category_key(category)
    return CATEGORY_ORDER.index(key) if key in CATEGORY_ORDER else len(CATEGORY_ORDER)


def sort_categories(categories: Iterable[object]) -> list[str]:
    """Known categories in ladder order, then any others alphabetically."""
    return sorted({str(c) for c in categories if not fmt.is_missing(c)}, key=lambda c: (_category_rank(c), c))


def list_category_for(indicator: str, categories: Iterable[object]) -> str | None:
    """The enterprise-list category (as spelt in the data) that backs a reported indicator, if the list has it."""
    for category in categories:
        key = category_key(category)
        if key is not None and CATEGORY_INDICATOR.get(key) == indicator:
            return str(category)
    return None


# ---------------------------------------------------------------- page parameters (URL)

def parse_categories(raw: object, options: Sequence[str]) -> list[str]:
    """`?cat=四上企业,高新技术企业` -> the known ones, in option order; nothing valid -> [] (= all)."""
    if not isinstance(raw, str) or not raw.strip():
        return []
    wanted = {category_key(part) or part.strip() for part in raw.split(",")}
    return [option for option in options if (category_key(option) or option) in wanted]


def categories_param(chosen: Sequence[str]) -> str:
    return ",".join(chosen)


def scope_label(scope: str, year: int, lang: str) -> str:
    """The list's year filter: recognised in the chosen year, or in any year."""
    return t("ent.filter.scope_all", lang) if scope == "all" else t("ent.filter.scope_year", lang, year=year)


def url_params(indicator: str, categories: Sequence[str], search: str, scope: str) -> dict[str, str | None]:
    """The page's own URL parameters; None = at its default, so left out of the address."""
    return {
        "ind": None if indicator == DEFAULT_INDICATOR else indicator,
        "cat": categories_param(categories) or None,
        "q": (search or "").strip() or None,
        "scope": None if scope == "year" else scope,
    }


# ---------------------------------------------------------------- the catalogue's enterprise indicators

def enterprise_indicators(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue rows of category 'enterprises', in catalogue order."""
    return catalogue[catalogue["category"] == CATALOGUE_CATEGORY].reset_index(drop=True)


def indicator_label(indicator: str, catalogue: pd.DataFrame, lang: str) -> str:
    """A short label (`新培育四上企业`), or the catalogue name for indicators added later."""
    key = f"ent.short.{indicator}"
    if key in STRINGS:
        return t(key, lang)
    names = dict(zip(catalogue["indicator"], catalogue["name_en" if lang == "en" else "name_zh"], strict=True))
    return str(names.get(indicator, indicator))


# ---------------------------------------------------------------- reported vs list, per year

class _Lookup:
    """Dictionaries over the page's small frames: a dict lookup costs far less than a pandas filter."""

    def __init__(self, history: pd.DataFrame, enterprise_list: pd.DataFrame | None = None,
                 totals: pd.DataFrame | None = None, catalogue: pd.DataFrame | None = None):
        self.rows = {(r["indicator"], int(r["year"])): r for r in history.to_dict("records")}
        self.counts: dict[tuple[str, int], int] = {}
        if enterprise_list is not None and not enterprise_list.empty:
            for (category, year), n in enterprise_list.groupby(["category", "recognised_year"]).size().items():
                self.counts[(str(category), int(year))] = int(n)
        self.totals = ({} if totals is None else
                       {(r["indicator"], int(r["year"])): r for r in totals.to_dict("records")})
        self.units = {} if catalogue is None else dict(zip(catalogue["indicator"], catalogue["unit"], strict=True))

    def reported(self, indicator: str, year: int) -> float:
        row = self.rows.get((indicator, int(year)))
        return float("nan") if row is None or fmt.is_missing(row["value"]) else float(row["value"])

    def row(self, indicator: str, year: int) -> dict | None:
        return self.rows.get((indicator, int(year)))

    def listed(self, category: str | None, year: int) -> float:
        """List entries of `category` recognised in `year`; NaN when the list has no such category at all."""
        return float("nan") if category is None else float(self.counts.get((category, int(year)), 0))

    def total(self, indicator: str, year: int) -> dict | None:
        return self.totals.get((indicator, int(year)))

    def unit(self, indicator: str) -> str:
        return str(self.units.get(indicator, "家"))

    def share(self, indicator: str, year: int) -> float:
        value, total = self.reported(indicator, year), self.total(indicator, year)
        if fmt.is_missing(value) or total is None or fmt.is_missing(total["total"]) or not total["total"]:
            return float("nan")
        return value / float(total["total"])


def compare(reported: float, listed: float) -> str:
    """'same' | 'differs' | 'no_report' | 'no_list' | 'none' — how a reported count and the list agree."""
    has_reported, has_listed = not fmt.is_missing(reported), not fmt.is_missing(listed)
    if has_reported and has_listed:
        return "same" if abs(reported - listed) < 1e-9 else "differs"
    if has_listed:
        return "no_report" if listed > 0 else "none"
    if has_reported:
        return "no_list"
    return "none"


def comparison_note(status: str, reported: float, listed: float, unit: str, lang: str) -> str:
    if status == "differs":
        gap = reported - listed
        key = "ent.cmp.more" if gap > 0 else "ent.cmp.fewer"
        return t(key, lang, gap=fmt.count(abs(gap), unit, lang))
    if status == "no_report" and not fmt.is_missing(listed):
        return t("ent.cmp.no_report", lang, listed=fmt.count(listed, unit, lang))
    return t(f"ent.cmp.{status}", lang)


def is_mismatch(status: str) -> bool:
    return status in ("differs", "no_report")


@dataclass(frozen=True)
class Trend:
    frame: pd.DataFrame  # year, reported, listed, status, mismatch, note, text (reported, formatted)
    table: pd.DataFrame  # labelled, for download
    list_category: str | None


def trend(history: pd.DataFrame, enterprise_list: pd.DataFrame, all_categories: Iterable[object],
          indicator: str, years: Sequence[int], catalogue: pd.DataFrame, lang: str) -> Trend:
    """One row per year: the reported count, the list count for the same year, and whether they agree."""
    category = list_category_for(indicator, all_categories)
    look = _Lookup(history, enterprise_list, catalogue=catalogue)
    unit = look.unit(indicator)
    rows = []
    for year in sorted({int(y) for y in years}):
        reported, listed = look.reported(indicator, year), look.listed(category, year)
        status = compare(reported, listed)
        rows.append({"year": year, "reported": reported, "listed": listed, "status": status,
                     "mismatch": is_mismatch(status),
                     "note": comparison_note(status, reported, listed, unit, lang),
                     "text": "" if fmt.is_missing(reported) else fmt.count(reported, unit, lang)})
    frame = pd.DataFrame(rows, columns=["year", "reported", "listed", "status", "mismatch", "note", "text"])
    table = pd.DataFrame({
        t("ent.col.year", lang): [fmt.year(y, lang) for y in frame["year"]],
        t("ent.col.reported", lang): [fmt.count(v, unit, lang) for v in frame["reported"]],
        t("ent.col.listed", lang): [fmt.count(v, unit, lang) for v in frame["listed"]],
        t("ent.col.check", lang): frame["note"],
    })
    return Trend(frame, table, category)


def trend_caption(result: Trend, indicator: str, catalogue: pd.DataFrame, lang: str) -> str:
    """Says which list category the comparison uses and how many years disagree."""
    label = indicator_label(indicator, catalogue, lang)
    if result.list_category is None:
        return t("ent.trend.no_list", lang, indicator=label)
    mismatched = [fmt.year(y, lang) for y in result.frame.loc[result.frame["mismatch"], "year"]]
    text = t("ent.trend.basis", lang, indicator=label, category=category_label(result.list_category, lang))
    if category_key(result.list_category) == "srdi_sme":
        text += t("ent.trend.srdi_note", lang)
    if mismatched:
        return text + t("ent.trend.mismatch", lang, years="、".join(mismatched) if lang != "en" else
                        ", ".join(mismatched))
    return text + t("ent.trend.all_match", lang)


# ---------------------------------------------------------------- headline cards

@dataclass(frozen=True)
class Card:
    indicator: str
    label: str
    value: str
    delta: str | None
    delta_description: str | None
    caption: str  # lines separated by a Markdown line break
    help: str
    series: list[float]
    mismatch: bool
    flat: bool = False  # no change on last year: show the delta without a colour
    tag: str = ""  # `真实` on a real figure beside synthetic ones (fmt.real_tag); its 同比 may carry ※


def headline_cards(history: pd.DataFrame, enterprise_list: pd.DataFrame, all_categories: Iterable[object],
                   totals: pd.DataFrame, catalogue: pd.DataFrame, year: int, years: Sequence[int],
                   lang: str) -> list[Card]:
    """One card per enterprise indicator for the chosen year: reported count, 同比, list count, rank, share.

    `history` is `queries.zone_indicator_history` (year, indicator, value, source, rank, n_ranked, tied);
    `totals` is `queries.province_indicator_totals`.
    """
    categories = list(all_categories)
    look = _Lookup(history, enterprise_list, totals, catalogue)
    mixed = "is_synthetic" in history and bool(history["is_synthetic"].fillna(False).astype(bool).any())
    cards = []
    for indicator in enterprise_indicators(catalogue)["indicator"]:
        unit = look.unit(indicator)
        row = look.row(indicator, year)
        reported, previous = look.reported(indicator, year), look.reported(indicator, year - 1)
        category = list_category_for(indicator, categories)
        listed = look.listed(category, year)
        status = compare(reported, listed)
        delta = None if fmt.is_missing(reported) or fmt.is_missing(previous) else fmt.yoy(reported, previous)
        if delta == fmt.MISSING:  # previous year was 0: say by how much instead of a percentage
            delta = _signed_count(reported - previous, unit, lang)
        before = look.row(indicator, year - 1)
        if delta and row is not None and before is not None:
            delta = fmt.mark_change(delta, row.get("is_synthetic"), before.get("is_synthetic"))
        parts = [t("ent.card.listed", lang, listed=fmt.count(listed, unit, lang))
                 if category is not None else t("ent.card.no_list", lang)]
        if is_mismatch(status):
            parts[0] += " ⚠"
        if fmt.is_missing(reported):
            parts.insert(0, t("ent.card.no_report", lang))
        share = look.share(indicator, year)
        if row is not None and not fmt.is_missing(row.get("rank")):
            parts.append(t("ent.card.rank", lang, rank=fmt.rank(row["rank"], row["n_ranked"], lang,
                                                                tied=bool(row.get("tied", False)),
                                                                from_synthetic=row.get("rank_from_synthetic"))))
        if not fmt.is_missing(share):
            parts.append(t("ent.card.share", lang, share=fmt.percent(share)))
        source = fmt.MISSING if row is None else fmt.source_name(row["source"])
        help_text = t("ent.card.help", lang, source=source,
                      previous=t("ent.card.previous", lang, year=fmt.year(year - 1, lang),
                                 previous=fmt.count(previous, unit, lang)),
                      check=comparison_note(status, reported, listed, unit, lang))
        series = [v for v in (look.reported(indicator, int(y)) for y in sorted(years)) if not fmt.is_missing(v)]
        cards.append(Card(
            indicator=indicator, label=indicator_label(indicator, catalogue, lang),
            value=fmt.count(reported, unit, lang), delta=delta,
            delta_description=t("ent.card.yoy", lang) if delta else None,
            caption=CAPTION_BREAK.join(parts), help=help_text, series=series, mismatch=is_mismatch(status),
            flat=delta is not None and not fmt.is_missing(previous) and reported == previous,
            tag="" if row is None or fmt.is_missing(reported) else fmt.real_tag(row.get("is_synthetic"), lang,
                                                                                mixed=mixed),
        ))
    return cards


def _signed_count(difference: float, unit: str, lang: str) -> str:
    if abs(difference) < 1e-9:
        return fmt.count(0, unit, lang)
    return ("+" if difference > 0 else "-") + fmt.count(abs(difference), unit, lang)


# ---------------------------------------------------------------- composition of the year

@dataclass(frozen=True)
class Composition:
    frame: pd.DataFrame  # category, label, n, text (categories with at least one entry, ladder order)
    table: pd.DataFrame
    total: int


def composition(enterprise_list: pd.DataFrame, year: int, lang: str) -> Composition:
    """List entries recognised in `year`, by category, in ladder order."""
    of_year = enterprise_list.loc[enterprise_list["recognised_year"] == year, "category"].value_counts()
    ordered = sort_categories(of_year.index)
    n = [int(of_year[c]) for c in ordered]
    total = int(sum(n))
    frame = pd.DataFrame({"category": ordered, "label": [category_label(c, lang) for c in ordered], "n": n,
                          "text": [t("ent.composition.text", lang, n=fmt.count(v, "家", lang),
                                     share=fmt.percent(v / total)) for v in n]})
    table = pd.DataFrame({
        t("ent.col.category", lang): frame["label"],
        t("ent.col.count", lang): [fmt.count(v, "家", lang) for v in frame["n"]],
        t("ent.col.share_of_year", lang): [fmt.percent(v / total) if total else fmt.MISSING for v in frame["n"]],
    })
    return Composition(frame, table, total)


# ---------------------------------------------------------------- the SRDI ladder

@dataclass(frozen=True)
class Ladder:
    frame: pd.DataFrame  # key, label, present, stock (recognised up to the year), new (in the year), text
    table: pd.DataFrame
    missing: list[str]  # labels of ladder levels the data does not have at all


def ladder(enterprise_list: pd.DataFrame, all_categories: Iterable[object], year: int, lang: str) -> Ladder:
    """创新型中小企业 → 专精特新中小企业 → 专精特新"小巨人", top rung first, counted for the zone.

    A level the enterprise list does not have at all keeps its rung (stock NaN) and says so.
    """
    present = {category_key(c): str(c) for c in all_categories if category_key(c) in LADDER}
    rows, missing = [], []
    for key in reversed(LADDER):
        label = t(f"entcat.{key}", lang)
        if key not in present:
            missing.append(label)
            rows.append({"key": key, "label": label, "present": False, "stock": float("nan"),
                         "new": float("nan"), "text": t("ent.ladder.absent", lang)})
            continue
        entries = enterprise_list[enterprise_list["category"] == present[key]]
        stock = int((entries["recognised_year"] <= year).sum())
        new = int((entries["recognised_year"] == year).sum())
        rows.append({"key": key, "label": label, "present": True, "stock": stock, "new": new,
                     "text": t("ent.ladder.text", lang, stock=fmt.count(stock, "家", lang),
                               new=fmt.count(new, "家", lang))})
    frame = pd.DataFrame(rows, columns=["key", "label", "present", "stock", "new", "text"])
    table = pd.DataFrame({
        t("ent.col.level", lang): frame["label"],
        t("ent.col.stock", lang, year=fmt.year(year, lang)): [
            fmt.count(v, "家", lang) if p else t("ent.ladder.absent", lang)
            for v, p in zip(frame["stock"], frame["present"], strict=True)],
        t("ent.col.new", lang, year=fmt.year(year, lang)): [
            fmt.count(v, "家", lang) if p else fmt.MISSING for v, p in zip(frame["new"], frame["present"], strict=True)],
    })
    return Ladder(frame, table, list(reversed(missing)))


def ladder_note(result: Ladder, lang: str) -> str | None:
    if not result.missing:
        return None
    separator = ", " if lang == "en" else "、"
    return t("ent.ladder.missing", lang, levels=separator.join(result.missing))


def join_names(names: Sequence[str], lang: str) -> str:
    return (", " if lang == "en" else "、").join(names)


def upgraded(enterprise_list: pd.DataFrame, all_categories: Iterable[object], year: int) -> list[str]:
    """Names of the zone's 小巨人 (recognised up to `year`) that were first on the zone's 专精特新 list."""
    present = {category_key(c): str(c) for c in all_categories}
    if "little_giant" not in present or "srdi_sme" not in present:
        return []
    upto = enterprise_list[enterprise_list["recognised_year"] <= year]
    giants = set(upto.loc[upto["category"] == present["little_giant"], "enterprise_name"])
    srdi = set(upto.loc[upto["category"] == present["srdi_sme"], "enterprise_name"])
    return sorted(giants & srdi)


# ---------------------------------------------------------------- share of the province

@dataclass(frozen=True)
class Shares:
    frame: pd.DataFrame  # indicator, label, value, total, share, n_zones, text
    table: pd.DataFrame


def province_shares(history: pd.DataFrame, totals: pd.DataFrame, catalogue: pd.DataFrame, year: int,
                    province: str, lang: str) -> Shares:
    look = _Lookup(history, totals=totals, catalogue=catalogue)
    rows = []
    for indicator in enterprise_indicators(catalogue)["indicator"]:
        unit = look.unit(indicator)
        row, total_row = look.row(indicator, year), look.total(indicator, year)
        value = look.reported(indicator, year)
        total = float("nan") if total_row is None else float(total_row["total"])
        n_zones = 0 if total_row is None else int(total_row["n_zones"])
        share = look.share(indicator, year)
        rank = (fmt.MISSING if row is None or fmt.is_missing(row.get("rank"))
                else fmt.rank(row["rank"], row["n_ranked"], lang, tied=bool(row.get("tied", False)),
                              from_synthetic=row.get("rank_from_synthetic")))
        text = t("ent.share.no_report", lang) if fmt.is_missing(share) else t(
            "ent.share.text", lang, share=fmt.percent(share), value=fmt.count(value, unit, lang),
            total=fmt.count(total, unit, lang))
        rows.append({"indicator": indicator, "label": indicator_label(indicator, catalogue, lang),
                     "value": value, "total": total, "share": share, "n_zones": n_zones, "rank": rank,
                     "text": text, "unit": unit})
    frame = pd.DataFrame(rows, columns=["indicator", "label", "value", "total", "share", "n_zones", "rank",
                                        "text", "unit"])
    table = pd.DataFrame({
        t("ent.col.indicator", lang): frame["label"],
        t("ent.col.zone_value", lang): [fmt.count(v, u, lang) for v, u in zip(frame["value"], frame["unit"],
                                                                              strict=True)],
        t("ent.col.province_total", lang, province=province): [
            fmt.count(v, u, lang) for v, u in zip(frame["total"], frame["unit"], strict=True)],
        t("ent.col.share", lang): [fmt.percent(s) for s in frame["share"]],
        t("ent.col.rank", lang): frame["rank"],
        t("ent.col.n_zones", lang): [fmt.number(n, 0) for n in frame["n_zones"]],
    })
    return Shares(frame, table)


# ---------------------------------------------------------------- the list itself

def filter_list(enterprise_list: pd.DataFrame, categories: Sequence[str], text: str,
                year: int | None) -> pd.DataFrame:
    """Entries of the chosen categories ([] = all), whose name contains `text`, recognised in `year` (None = any)."""
    chosen = enterprise_list
    if categories:
        chosen = chosen[chosen["category"].isin(list(categories))]
    needle = unicodedata.normalize("NFKC", text or "").strip().casefold()
    if needle:
        names = chosen["enterprise_name"].map(lambda n: unicodedata.normalize("NFKC", str(n)).casefold())
        chosen = chosen[names.str.contains(needle, regex=False)]
    if year is not None:
        chosen = chosen[chosen["recognised_year"] == year]
    order = chosen.assign(_rank=chosen["category"].map(_category_rank))
    order = order.sort_values(["recognised_year", "_rank", "enterprise_name"], ascending=[False, True, True])
    return order.drop(columns="_rank").reset_index(drop=True)


def list_table(entries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """企业名称 · 认定类别 · 认定年份 · 数据性质 — what a person reads and downloads."""
    return pd.DataFrame({
        t("ent.col.name", lang): entries["enterprise_name"].astype(str),
        t("ent.col.category", lang): [category_label(c, lang) for c in entries["category"]],
        t("ent.col.recognised_year", lang): [fmt.year(y, lang) for y in entries["recognised_year"]],
        t("ent.col.nature", lang): [t("ent.synthetic" if s else "ent.real", lang) for s in entries["is_synthetic"]],
    })


def list_summary(entries: pd.DataFrame, total: int, year: int | None, lang: str) -> str:
    scope = t("ent.list.scope_all", lang) if year is None else fmt.year(year, lang)
    return t("ent.list.summary", lang, shown=fmt.number(len(entries), 0), total=fmt.number(total, 0), scope=scope)


def has_synthetic(*frames: pd.DataFrame) -> bool:
    return any(bool(frame["is_synthetic"].fillna(False).astype(bool).any())
               for frame in frames if "is_synthetic" in frame and not frame.empty)


def download_name(zone_label: str, year: int | None, stem: str) -> str:
    """`企业名录_盐湖高新区_2021` (no extension)."""
    return tables.download_stem(stem, zone_label, year)


# ---------------------------------------------------------------- everything the page shows, in one object

@dataclass(frozen=True)
class PageModel:
    """All the page's content for one zone, year, language and trend indicator (built once, then reused)."""
    province: str
    synthetic: bool
    cards: list[Card]
    indicators: list[str]
    indicator_labels: dict[str, str]
    trend: Trend | None
    trend_caption: str
    composition: Composition
    ladder: Ladder
    ladder_note: str | None
    upgraded: str  # names of SRDI SMEs that became little giants, joined; "" if none
    shares: Shares
    list_options: list[str]
    list_total: int
    list_synthetic: bool


def build_page(*, catalogue: pd.DataFrame, years: Sequence[int], history: pd.DataFrame,
               enterprise_list: pd.DataFrame, all_categories: Sequence[object], totals: pd.DataFrame,
               province: str, year: int, lang: str, indicator: str) -> PageModel:
    """From the page's query results (`queries.indicators`, `years_available`, `zone_indicator_history`,
    `enterprise_list`, `enterprise_categories`, `province_indicator_totals`)."""
    indicators = list(enterprise_indicators(catalogue)["indicator"])
    own = history[history["indicator"].isin(indicators)]
    result = (trend(history, enterprise_list, all_categories, indicator, years, catalogue, lang)
              if indicator in indicators else None)
    steps = ladder(enterprise_list, all_categories, year, lang)
    return PageModel(
        province=province,
        synthetic=has_synthetic(own, enterprise_list),
        cards=headline_cards(history, enterprise_list, all_categories, totals, catalogue, year, years, lang),
        indicators=indicators,
        indicator_labels={code: indicator_label(code, catalogue, lang) for code in indicators},
        trend=result,
        trend_caption="" if result is None else trend_caption(result, indicator, catalogue, lang),
        composition=composition(enterprise_list, year, lang),
        ladder=steps,
        ladder_note=ladder_note(steps, lang),
        upgraded=join_names(upgraded(enterprise_list, all_categories, year), lang),
        shares=province_shares(history, totals, catalogue, year, province, lang),
        list_options=sort_categories(enterprise_list["category"]),
        list_total=len(enterprise_list),
        list_synthetic=has_synthetic(enterprise_list),
    )


@dataclass(frozen=True)
class ListView:
    summary: str
    table: pd.DataFrame  # labelled; empty when nothing matches
    file_stem: str
    sheet_name: str


def build_list(enterprise_list: pd.DataFrame, categories: Sequence[str], text: str, scope: str, year: int,
               zone_label: str, lang: str) -> ListView:
    """The list as filtered on the page: summary line, labelled table, download file name."""
    scope_year = year if scope == "year" else None
    shown = filter_list(enterprise_list, categories, text, scope_year)
    return ListView(summary=list_summary(shown, len(enterprise_list), scope_year, lang),
                    table=list_table(shown, lang),
                    file_stem=download_name(zone_label, scope_year, t("ent.list.file", lang)),
                    sheet_name=t("ent.list.sheet", lang))
