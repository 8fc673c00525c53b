"""What the 总览 (Overview) screen says about one zone and year. Pure: no Streamlit, no SQL.

Inputs are the frames of the query layer:
- `catalogue`: `queries.indicators` (indicator, name_zh, name_en, unit, direction, category)
- `history`: `queries.zone_indicator_history` (every year of the zone, with rank and provenance)
- `targets`: `queries.zone_targets` (the zone's annual targets for the year)
- `profile`: `queries.zone_profile`

Outputs are ready-to-show strings: one `Card` per catalogue indicator, the "needs attention"
list, the target-completion table and the zone's profile lines.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from devzone import fmt
from devzone.i18n import t, t_or

CATEGORY_ORDER = ("projects", "enterprises", "output_tax")
SOURCE_KINDS = ("reported", "ledger", "cited")
LEDGER_SOURCE = "项目台账汇总"


def _name_column(lang: str) -> str:
    return "name_en" if lang == "en" else "name_zh"


def _is_lower(direction: object) -> bool:
    return str(direction) == "lower"


def category_label(category: object, lang: str) -> str:
    return t_or(f"category.{category}", str(category), lang)


def ordered_categories(catalogue: pd.DataFrame) -> list[str]:
    """The catalogue's categories: the three known ones first, any new ones after, in catalogue order."""
    present = list(dict.fromkeys(str(c) for c in catalogue["category"]))
    known = [c for c in CATEGORY_ORDER if c in present]
    return known + [c for c in present if c not in known]


# ---------------------------------------------------------------- changes

def signed_amount(difference: object, unit: str, lang: str) -> str:
    """A change in the indicator's unit, always signed: `+2个`, `-12.5亿元`, `0家`."""
    if fmt.is_missing(difference):
        return fmt.MISSING
    diff = float(difference)  # type: ignore[arg-type]
    magnitude = fmt.indicator_value(abs(diff), unit, lang)
    if fmt.number(abs(diff)) == "0":
        return magnitude
    return ("+" if diff > 0 else "-") + magnitude


@dataclass(frozen=True)
class Delta:
    """What st.metric needs for the 同比 line."""

    text: str
    color: str = "off"  # "normal" | "inverse" | "off"
    arrow: str = "off"  # "auto" | "off"


def yoy_delta(current: object, previous: object, unit: str, direction: str, lang: str) -> Delta:
    """同比: a signed percentage when last year's value is positive, the signed amount when it is 0,
    `—` when either year is missing. Arrow and colour follow the sign; for lower-is-better
    indicators a fall is shown green (Streamlit's "inverse")."""
    if fmt.is_missing(current) or fmt.is_missing(previous):
        return Delta(fmt.MISSING)
    now, before = float(current), float(previous)  # type: ignore[arg-type]
    text = fmt.yoy(now, before) if before > 0 else signed_amount(now - before, unit, lang)
    if not text.startswith(("+", "-")):  # no change (after rounding): grey, no arrow
        return Delta(text)
    return Delta(text, "inverse" if _is_lower(direction) else "normal", "auto")


def _change_from_synthetic(now, before) -> bool:
    """A change of rank involves a synthetic figure: this year's rank is among synthetic ones, or last year's
    value or rank was synthetic."""
    def flag(row, column: str) -> bool:
        value = None if row is None else row.get(column)
        return bool(value) and not fmt.is_missing(value)

    return flag(now, "rank_from_synthetic") or flag(before, "is_synthetic") or flag(before, "rank_from_synthetic")


def rank_change(rank_now: object, rank_before: object, lang: str) -> str:
    """`:green[↑ 较上年升2位]`, `:red[↓ 较上年降1位]`, `与上年持平`; '' without both ranks."""
    if fmt.is_missing(rank_now) or fmt.is_missing(rank_before):
        return ""
    moved = int(rank_before) - int(rank_now)  # type: ignore[arg-type]
    if moved > 0:
        return t("ov.rank_up", lang, n=moved)
    if moved < 0:
        return t("ov.rank_down", lang, n=-moved)
    return t("ov.rank_same", lang)


# ---------------------------------------------------------------- cards

@dataclass(frozen=True)
class Card:
    indicator: str
    category: str
    label: str
    value: str
    delta: Delta
    rank: str
    rank_change: str
    source: str
    source_help: str
    trend: tuple[float, ...] = field(default=())
    trend_years: tuple[int, ...] = field(default=())
    is_synthetic: bool = False
    missing: bool = False
    tag: str = ""  # `真实` / `real` on a real figure beside synthetic ones (fmt.real_tag); its 同比 may carry ※


def source_kind_label(kind: object, lang: str) -> str:
    return t_or(f"ov.source_kind.{kind}", str(kind), lang)


def source_texts(source: object, kind: object, is_synthetic: object, lang: str) -> tuple[str, str]:
    """(short caption, tooltip) for a value's provenance, with the synthetic mark when it applies."""
    if fmt.is_missing(source):
        return t("ov.no_value", lang), t("ov.no_value_help", lang)
    kind_label = source_kind_label(kind, lang)
    synthetic = bool(is_synthetic) if not fmt.is_missing(is_synthetic) else False
    mark = t("ov.synthetic_mark", lang) if synthetic else t("ov.real_mark", lang)
    caption = t("ov.source_caption", lang, kind=kind_label, mark=mark)
    detail_key = f"ov.source_help.{kind}" if f"ov.source_help.{kind}" in _HELP_KEYS else "ov.source_help.reported"
    return caption, t(detail_key, lang, source=fmt.source_name(source), mark=mark)


_HELP_KEYS = {f"ov.source_help.{kind}" for kind in SOURCE_KINDS}


def _history_by_indicator(history: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {str(code): part.sort_values("year") for code, part in history.groupby("indicator", sort=False)}


def _row_for(part: pd.DataFrame | None, year: int) -> pd.Series | None:
    if part is None:
        return None
    rows = part[part["year"] == year]
    return None if rows.empty else rows.iloc[0]


def build_cards(catalogue: pd.DataFrame, history: pd.DataFrame, year: int, lang: str, *,
                mixed: bool = False) -> list[Card]:
    """One card per catalogue indicator (catalogue order) for `year`; missing values say `—`. `mixed`: the view
    shows synthetic figures, so each real one is tagged and a 同比 from a synthetic previous year marked ※."""
    by_indicator = _history_by_indicator(history)
    cards = []
    for item in catalogue.itertuples(index=False):
        part = by_indicator.get(item.indicator)
        now, before = _row_for(part, year), _row_for(part, year - 1)
        value = None if now is None else now["value"]
        previous = None if before is None else before["value"]
        if part is not None and now is not None:  # no trend line for a missing value: it would run past it
            upto = part[part["year"] <= year]
            trend, years = tuple(float(v) for v in upto["value"]), tuple(int(y) for y in upto["year"])
        else:
            trend, years = (), ()
        caption, help_text = source_texts(
            None if now is None else now["source"], None if now is None else now["source_kind"],
            None if now is None else now["is_synthetic"], lang)
        rank_now = None if now is None else now["rank"]
        delta = yoy_delta(value, previous, item.unit, item.direction, lang)
        if now is not None and before is not None:
            delta = replace(delta, text=fmt.mark_change(delta.text, now["is_synthetic"], before["is_synthetic"]))
        cards.append(Card(
            indicator=str(item.indicator),
            category=str(item.category),
            label=str(getattr(item, _name_column(lang))),
            value=fmt.indicator_value(value, item.unit, lang),
            delta=delta,
            rank=rank_text(rank_now, None if now is None else now["n_ranked"],
                           None if now is None else now["tied"], lang,
                           from_synthetic=None if now is None else now.get("rank_from_synthetic")),
            rank_change=fmt.mark_from_synthetic(rank_change(rank_now, None if before is None else before["rank"], lang),
                                                _change_from_synthetic(now, before)),
            source=caption,
            source_help=help_text,
            trend=trend if len(trend) >= 2 else (),
            trend_years=years if len(trend) >= 2 else (),
            is_synthetic=bool(now is not None and not fmt.is_missing(now["is_synthetic"]) and now["is_synthetic"]),
            missing=fmt.is_missing(value),
            tag="" if now is None or fmt.is_missing(value) else fmt.real_tag(now["is_synthetic"], lang, mixed=mixed),
        ))
    return cards


def rank_text(rank: object, n_ranked: object, tied: object, lang: str, *, from_synthetic: object = False) -> str:
    """`全省第3名/共28个`, `全省并列第2名/共28个`; `全省未排名` without a value; `全省第3名/共28个※` for a real
    figure ranked among synthetic ones (`from_synthetic`)."""
    if fmt.is_missing(rank):
        return t("ov.unranked", lang)
    is_tied = bool(tied) if not fmt.is_missing(tied) else False
    return t("ov.rank", lang, rank=fmt.rank(rank, n_ranked, lang, tied=is_tied, from_synthetic=from_synthetic))


def group_cards(cards: Sequence[Card], catalogue: pd.DataFrame, lang: str) -> list[tuple[str, list[Card]]]:
    """[(category label, its cards)] in category order; empty categories left out."""
    groups = []
    for category in ordered_categories(catalogue):
        members = [c for c in cards if c.category == category]
        if members:
            groups.append((category_label(category, lang), members))
    return groups


def any_synthetic(*frames: pd.DataFrame) -> bool:
    """Whether any value shown (history, targets) is synthetic demo data."""
    for frame in frames:
        if "is_synthetic" in frame.columns and bool(frame["is_synthetic"].fillna(False).astype(bool).any()):
            return True
    return False


def cards_table(cards: Sequence[Card], catalogue: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The numbers behind the cards, for the download under them."""
    units = dict(zip(catalogue["indicator"], catalogue["unit"], strict=True))
    return pd.DataFrame({
        t("col.category", lang): [category_label(c.category, lang) for c in cards],
        t("col.indicator", lang): [c.label for c in cards],
        t("col.unit", lang): [t_or(f"unit.{units[c.indicator]}", str(units[c.indicator]), lang) for c in cards],
        t("ov.col.value", lang): [fmt.tag_real(c.value, False, lang) if c.tag else c.value for c in cards],
        t("ov.col.yoy", lang): [c.delta.text for c in cards],
        t("ov.col.rank", lang): [c.rank for c in cards],
        t("ov.col.source", lang): [c.source_help for c in cards],
    })


# ---------------------------------------------------------------- annual targets

def elapsed_share(year: int, today: dt.date) -> float:
    """序时进度: the share of `year` that has passed on `today` (1 for past years, 0 for future ones)."""
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    return ((today - start).days + 1) / days


@dataclass(frozen=True)
class TargetStatus:
    indicator: str
    label: str
    unit: str
    direction: str
    target: float
    actual: float | None
    completion: float | None  # actual / target (target / actual for lower-is-better)
    expected: float  # 序时进度 the completion should have reached by now
    behind: bool
    from_synthetic: bool = False  # a real actual against a synthetic target: the completion is marked ※


def target_statuses(catalogue: pd.DataFrame, history: pd.DataFrame, targets: pd.DataFrame, year: int,
                    lang: str, today: dt.date) -> list[TargetStatus]:
    """Each annual target of the year against the actual value, in catalogue order.

    Higher-is-better: completion = actual / target, behind when below 序时进度 (the share of the year
    elapsed; 100% for past years). Lower-is-better: completion = target / actual, behind when the
    actual exceeds the target. A target without an actual value is behind unless the year has not
    started.
    """
    if targets.empty:
        return []
    expected = elapsed_share(year, today)
    wanted = dict(zip(targets["indicator"], targets["target"], strict=True))
    target_flags = (dict(zip(targets["indicator"], targets["is_synthetic"], strict=True))
                    if "is_synthetic" in targets.columns else {})
    in_year = history[history["year"] == year].set_index("indicator")
    actuals = in_year["value"]
    actual_flags = in_year["is_synthetic"] if "is_synthetic" in in_year.columns else pd.Series(dtype=object)
    statuses = []
    for item in catalogue.itertuples(index=False):
        if item.indicator not in wanted or fmt.is_missing(wanted[item.indicator]):
            continue
        target = float(wanted[item.indicator])
        actual = actuals.get(item.indicator)
        actual = None if fmt.is_missing(actual) else float(actual)
        lower = _is_lower(item.direction)
        if actual is None:
            completion, behind = None, expected > 0
        elif lower:
            completion = target / actual if actual > 0 else None
            behind = actual > target
        else:
            completion = actual / target if target > 0 else None
            behind = completion is not None and completion < expected
        from_synthetic = actual is not None and fmt.change_from_synthetic(
            actual_flags.get(item.indicator), target_flags.get(item.indicator))
        statuses.append(TargetStatus(
            str(item.indicator), str(getattr(item, _name_column(lang))), str(item.unit), str(item.direction),
            target, actual, completion, expected, bool(behind), from_synthetic))
    return statuses


def targets_table(statuses: Sequence[TargetStatus], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.indicator", lang): [s.label for s in statuses],
        t("ov.col.target", lang): [fmt.indicator_value(s.target, s.unit, lang) for s in statuses],
        t("ov.col.actual", lang): [fmt.indicator_value(s.actual, s.unit, lang) for s in statuses],
        t("ov.col.completion", lang): [fmt.mark_from_synthetic(fmt.percent(s.completion), s.from_synthetic)
                                       for s in statuses],
        t("ov.col.expected", lang): [fmt.percent(s.expected) for s in statuses],
        t("ov.col.status", lang): [t("ov.target_behind" if s.behind else "ov.target_on_track", lang)
                                   for s in statuses],
    })


# ---------------------------------------------------------------- needs attention

ATTENTION_KINDS = ("rank_down", "yoy_down", "behind_target")


@dataclass(frozen=True)
class Attention:
    kind: str  # one of ATTENTION_KINDS
    indicator: str
    text: str  # markdown, one line


def attention_items(catalogue: pd.DataFrame, history: pd.DataFrame, targets: pd.DataFrame, year: int,
                    lang: str, today: dt.date) -> list[Attention]:
    """Indicators whose provincial rank fell vs last year, that worsened year on year, or that are
    behind the annual target (序时进度 for the current year). Grouped by kind, catalogue order within."""
    by_indicator = _history_by_indicator(history)
    names = dict(zip(catalogue["indicator"], catalogue[_name_column(lang)], strict=True))
    items: list[Attention] = []
    for item in catalogue.itertuples(index=False):
        now = _row_for(by_indicator.get(item.indicator), year)
        before = _row_for(by_indicator.get(item.indicator), year - 1)
        if now is None or before is None:
            continue
        name = names[item.indicator]
        if not fmt.is_missing(now["rank"]) and not fmt.is_missing(before["rank"]) and now["rank"] > before["rank"]:
            items.append(Attention("rank_down", item.indicator, t(
                "ov.attention.rank_down", lang, name=name,
                before=fmt.rank(before["rank"], None, lang, tied=bool(before["tied"])),
                now=fmt.rank(now["rank"], None, lang, tied=bool(now["tied"])))))
        worse = now["value"] > before["value"] if _is_lower(item.direction) else now["value"] < before["value"]
        if worse:
            change = fmt.yoy(now["value"], before["value"])
            if change == fmt.MISSING:
                change = signed_amount(now["value"] - before["value"], item.unit, lang)
            change = fmt.mark_change(change, now["is_synthetic"], before["is_synthetic"])
            items.append(Attention("yoy_down", item.indicator, t(
                "ov.attention.yoy_down", lang, name=name, change=change,
                before=fmt.indicator_value(before["value"], item.unit, lang),
                now=fmt.indicator_value(now["value"], item.unit, lang))))
    for status in target_statuses(catalogue, history, targets, year, lang, today):
        if not status.behind:
            continue
        if status.actual is None:
            text = t("ov.attention.target_no_value", lang, name=status.label,
                     target=fmt.indicator_value(status.target, status.unit, lang))
        elif status.expected < 1:
            text = t("ov.attention.target_pace", lang, name=status.label, completion=fmt.percent(status.completion),
                     expected=fmt.percent(status.expected),
                     actual=fmt.indicator_value(status.actual, status.unit, lang),
                     target=fmt.indicator_value(status.target, status.unit, lang))
        else:
            text = t("ov.attention.target_missed", lang, name=status.label,
                     completion=fmt.percent(status.completion),
                     actual=fmt.indicator_value(status.actual, status.unit, lang),
                     target=fmt.indicator_value(status.target, status.unit, lang))
        items.append(Attention("behind_target", status.indicator, text))
    order = {kind: i for i, kind in enumerate(ATTENTION_KINDS)}
    return sorted(items, key=lambda a: order[a.kind])  # stable: catalogue order within a kind


def attention_markdown(items: Sequence[Attention], lang: str) -> list[tuple[str, str]]:
    """[(heading, markdown bullet list)] per kind that has items."""
    blocks = []
    for kind in ATTENTION_KINDS:
        lines = [f"- {a.text}" for a in items if a.kind == kind]
        if lines:
            blocks.append((t(f"ov.attention.heading.{kind}", lang, n=len(lines)), "\n".join(lines)))
    return blocks


# ---------------------------------------------------------------- profile

_APPROVED = re.compile(r"^\s*(\d{4})\s*[.\-/年]\s*(\d{1,2})")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def approval_date(raw: object, lang: str) -> str:
    """`2012.08` -> `2012年8月` / `Aug 2012`; a bare year stays a year; anything else as given."""
    if fmt.is_missing(raw) or not str(raw).strip():
        return fmt.MISSING
    text = str(raw).strip()
    match = _APPROVED.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        return f"{_MONTHS_EN[month - 1]} {year}" if lang == "en" else f"{year}年{month}月"
    if re.fullmatch(r"\d{4}", text):
        return fmt.year(int(text), lang)
    return text


def area(hectares: object, lang: str) -> str:
    """`294公顷（2.94平方公里）` / `294 ha (2.94 km²)`."""
    if fmt.is_missing(hectares):
        return fmt.MISSING
    ha = float(hectares)  # type: ignore[arg-type]
    return t("ov.area", lang, ha=fmt.number(ha), km2=fmt.number(ha / 100))


def _text(value: object) -> str:
    return fmt.MISSING if fmt.is_missing(value) or not str(value).strip() else str(value).strip()


def profile_lines(profile: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """[(label, value)] for the zone profile card; empty when the zone is unknown."""
    if profile.empty:
        return []
    row = profile.iloc[0]
    return [
        (t("ov.profile.name", lang), _text(row["zone_name"])),
        (t("ov.profile.level", lang), t_or(f"zone.level.{row['level']}", _text(row["level"]), lang)),
        (t("ov.profile.type", lang), t_or(f"zone.type.{row['zone_type']}", _text(row["zone_type"]), lang)),
        (t("ov.profile.city", lang), _text(row["city"])),
        (t("ov.profile.industries", lang), _text(row["leading_industries"])),
        (t("ov.profile.approved", lang), approval_date(row["approved"], lang)),
        (t("ov.profile.area", lang), area(row["area_ha"], lang)),
    ]


def profile_markdown(profile: pd.DataFrame, lang: str) -> str:
    return "  \n".join(t("ov.profile.line", lang, label=label, value=fmt.plain(value))
                       for label, value in profile_lines(profile, lang))


def profile_source(profile: pd.DataFrame, lang: str) -> str:
    if profile.empty:
        return ""
    return t("panel.source", lang, source=_text(profile.iloc[0]["source"]))


def heading(zone_label: str, year: int, lang: str) -> str:
    """Markdown (st.subheader): the zone name is escaped."""
    return t("ov.heading", lang, zone=fmt.plain(zone_label), year=fmt.year(year, lang))


def card_rank_markdown(card: Card) -> str:
    """`**全省第3名/共28个**` and, on a line of its own, `:green[↑ 较上年升4位]` — under a card's number."""
    text = f"**{card.rank}**"
    return f"{text}  \n{card.rank_change}" if card.rank_change else text


# ---------------------------------------------------------------- the whole screen (cached by the page)

@dataclass(frozen=True)
class OverviewModel:
    groups: tuple[tuple[str, tuple[Card, ...]], ...]
    cards_table: pd.DataFrame
    attention: tuple[tuple[str, str], ...]  # (heading, markdown bullets)
    targets_table: pd.DataFrame | None
    profile: str
    profile_source: str
    synthetic: bool
    has_values: bool
    legend: str = ""  # the key to 真实 and ※ when a card carries them


def overview_model(catalogue: pd.DataFrame, history: pd.DataFrame, targets: pd.DataFrame, profile: pd.DataFrame,
                   year: int, lang: str, today: dt.date) -> OverviewModel:
    """Everything the Overview shows for one zone and year, as strings and display tables."""
    synthetic = any_synthetic(history[history["year"] <= year], targets)
    cards = build_cards(catalogue, history, year, lang, mixed=synthetic)
    statuses = target_statuses(catalogue, history, targets, year, lang, today)
    items = attention_items(catalogue, history, targets, year, lang, today)
    return OverviewModel(
        groups=tuple((label, tuple(members)) for label, members in group_cards(cards, catalogue, lang)),
        cards_table=cards_table(cards, catalogue, lang),
        attention=tuple(attention_markdown(items, lang)),
        targets_table=targets_table(statuses, lang) if statuses else None,
        profile=profile_markdown(profile, lang),
        profile_source=profile_source(profile, lang),
        synthetic=synthetic,
        legend=fmt.legend(lang) if any(c.tag for c in cards) else "",
        has_values=bool((history["year"] == year).any()),
    )


def fingerprint(*frames: pd.DataFrame) -> str:
    """A content hash of query frames: the cache key of what is built from them."""
    parts = []
    for frame in frames:
        digest = int(pd.util.hash_pandas_object(frame, index=False).sum()) if not frame.empty else 0
        parts.append(f"{len(frame)}:{'|'.join(map(str, frame.columns))}:{digest & 0xFFFFFFFFFFFFFFFF:x}")
    return "/".join(parts)


# ---------------------------------------------------------------- the headline band (top of the Overview)

HEADLINE_INDICATORS = ("signed_projects", "signed_investment", "signed_started_projects")
HEADLINE_RANK_INDICATOR = "signed_investment"  # the provincial rank shown large beside them


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    delta: Delta
    note: str = ""  # markdown under the figure: the card's rank line, or what the rank ranks and its change
    tag: str = ""


def headline(model: OverviewModel, history: pd.DataFrame, year: int, lang: str) -> list[Headline]:
    """The three or four figures shown large above everything else: the HEADLINE_INDICATORS cards that the
    catalogue has (value, 同比, rank line) and the provincial rank on HEADLINE_RANK_INDICATOR (from `history`,
    `queries.zone_indicator_history`), `第3名/共28个`; `—` when that indicator has no rank that year."""
    cards = {card.indicator: card for _, group in model.groups for card in group}
    items = [Headline(card.label, card.value, card.delta, card.rank, card.tag)
             for code in HEADLINE_INDICATORS if (card := cards.get(code)) is not None]
    ranked = cards.get(HEADLINE_RANK_INDICATOR)
    if ranked is not None:
        row = _row_for(_history_by_indicator(history).get(HEADLINE_RANK_INDICATOR), year)
        rank_now = None if row is None else row["rank"]
        # the big figure stays short enough for one line (第3名※); how many were ranked goes in the note under it
        place = fmt.rank(rank_now, None, lang, tied=bool(row is not None and not fmt.is_missing(row["tied"]) and row["tied"]),
                         from_synthetic=None if row is None else row.get("rank_from_synthetic"))
        total = None if row is None or fmt.is_missing(row["n_ranked"]) else int(row["n_ranked"])
        note = t("ov.headline.rank_of", lang, name=ranked.label)
        if total is not None:
            note = t("ov.headline.rank_of_total", lang, name=ranked.label, total=total)
        items.append(Headline(t("ov.headline.rank", lang), place, Delta(""),
                              f"{note}  \n{ranked.rank_change}" if ranked.rank_change else note))
    return items
