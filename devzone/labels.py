"""Words the page tables (devzone.tables), the deck and the workbooks (devzone.export) share: unit labels and
headers (`签约项目总投资（亿元）`), source lines, the 是/否 of a flag, the ledger's source tag, the ranked
indicators, which rows of a long ranking a chart draws. Lower than both, so that neither imports the other for
them."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from devzone import fmt
from devzone.i18n import t, t_or

LEDGER_SOURCE = "项目台账汇总"  # indicator_values.source of a figure summed from the project ledger
RANKING_CODES = ("signed_projects", "signed_investment", "signed_started_projects")
SOURCES_SHOWN = 3
# A ranking of more than BAR_LIMIT zones: its bar chart (page, deck) draws the BAR_LEADERS best and the chosen zone
# with BAR_NEIGHBOURS either side — 130 bars are 3,500 px tall and put the chosen zone off screen; its table keeps
# every zone.
BAR_LIMIT = 40
BAR_LEADERS = 20
BAR_NEIGHBOURS = 3


def unit_label(unit: object, lang: str) -> str:
    if fmt.is_missing(unit):
        return fmt.MISSING
    return t_or(f"unit.{unit}", str(unit), lang)


def unit_header(name: str, unit: str, lang: str) -> str:
    """`签约项目总投资（亿元）`, `Signed investment (RMB 100 mn)`."""
    label = unit_label(unit, lang)
    return f"{name} ({label})" if lang == "en" else f"{name}（{label}）"


def yes_no(flag: object, lang: str) -> str:
    """是 / 否 (yes / no) in a table cell, e.g. the 模拟数据 column."""
    return t("deck.yes" if flag else "deck.no", lang)


def _clean_source(source: object) -> str | None:
    """`01_…指标.xlsx：2021` -> `全省开发区招商引资主要指标` (fmt.source_name); a cited title stays whole."""
    if fmt.is_missing(source) or not str(source).strip():
        return None
    return fmt.source_name(source)


def source_line(sources: Iterable[object], lang: str, *, extra: Sequence[str] = ()) -> str:
    """`数据来源：运城日报《…》；01_全省….xlsx；项目台账汇总等` — distinct, in order of first use."""
    seen: list[str] = []
    for item in [*extra, *sources]:
        cleaned = _clean_source(item)
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    if not seen:
        return ""
    shown = t("deck.source_sep", lang).join(seen[:SOURCES_SHOWN])
    if len(seen) > SOURCES_SHOWN:
        shown += t("deck.source_more", lang)
    return t("deck.source", lang, sources=shown)


def sources_in_full(sources, lang: str) -> str:
    """Every source used, once each, in order of first use: `运城日报《…》；全省开发区招商引资主要指标；…`."""
    seen: list[str] = []
    for source in sources:
        if not fmt.is_missing(source) and str(source).strip():
            name = fmt.source_name(source)
            if name not in seen:
                seen.append(name)
    return t("deck.source_sep", lang).join(seen) or fmt.MISSING


def ranking_window(ranks: Sequence[object], at: int | None, lang: str, *, limit: int = BAR_LIMIT,
                   leaders: int = BAR_LEADERS) -> list[int | str]:
    """The rows of a ranking (best first; `ranks` their ranks) its bar chart draws: all up to `limit`, else the
    `leaders` and row `at` (the chosen zone's, None: none) with BAR_NEIGHBOURS either side. In order: a row's
    position (int), or for each run left out one label (str) `⋯ 另39个（第21—59名）` naming the ranks it holds."""
    n = len(ranks)
    if n <= limit:
        return list(range(n))
    keep = set(range(leaders))
    if at is not None and 0 <= at < n:
        keep |= set(range(max(0, at - BAR_NEIGHBOURS), min(n, at + BAR_NEIGHBOURS + 1)))
    rows: list[int | str] = []
    start = 0
    for position in [*sorted(keep), n]:
        if position > start:
            left_out = [int(r) for r in ranks[start:position]]  # type: ignore[call-overload]
            first, last = min(left_out), max(left_out)
            rows.append(t("rk.bar_gap", lang, n=position - start, first=first, last=last) if first < last else
                        t("rk.bar_gap_tied", lang, n=position - start, rank=fmt.rank(first, None, lang, tied=True)))
        if position < n:
            rows.append(position)
        start = position + 1
    return rows


def shows_neighbours(n: int, at: int | None, *, limit: int = BAR_LIMIT, leaders: int = BAR_LEADERS) -> bool:
    """Whether ranking_window draws the chosen zone apart from the leaders (it is past them in a long ranking)."""
    return n > limit and at is not None and at >= leaders
