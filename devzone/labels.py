"""Words the page tables (devzone.tables), the deck and the workbooks (devzone.export) share: unit labels and
headers (`签约项目总投资（亿元）`), source lines, the 是/否 of a flag, the ledger's source tag, the ranked
indicators. Lower than both, so that neither imports the other for them."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from devzone import fmt
from devzone.i18n import t, t_or

LEDGER_SOURCE = "项目台账汇总"  # indicator_values.source of a figure summed from the project ledger
RANKING_CODES = ("signed_projects", "signed_investment", "signed_started_projects")
SOURCES_SHOWN = 3


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
