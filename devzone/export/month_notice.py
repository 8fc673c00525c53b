"""月通报 of a province for a month as a Word document in official form (official.py).

    关于2021年1—11月全省开发区招商引资工作情况的通报
    各开发区：
    一、总体情况            the province's signings, investment and starts against the same period a year before
    二、各开发区排名情况    every zone by rank (并列 for ties), a table of all, the zones that rose and fell
    三、需要关注的问题      the zones with no signing this month, those behind the year before — all named
    四、工作要求

Figures from the project ledger (`bulletin.gather`, `bulletin.movements`), as the slides of the bulletin.
"""
from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from devzone import fmt, queries
from devzone.export import bulletin, official, wording
from devzone.export import data as report_data
from devzone.export.zone_report import chinese_number
from devzone.i18n import t
from devzone.periods import china_today

COUNT = "个"


def last_month(load: report_data.Loader, province: str) -> tuple[int, int] | None:
    """(year, month) of the last signing in the province's ledger, or None."""
    frame = load(queries.report_last_ledger_month, province)
    if frame.empty or fmt.is_missing(frame.iloc[0]["year"]):
        return None
    return int(frame.iloc[0]["year"]), int(frame.iloc[0]["month"])


def period(mb: bulletin.Month, lang: str) -> str:
    """`2021年1—11月`, `2021年1月`."""
    key = "doc.notice.period_one" if mb.month == 1 else "doc.notice.period"
    month = calendar.month_name[mb.month] if lang == "en" else mb.month  # `January–November 2021`
    return t(key, lang, year=mb.year, month=month)


def _count(value: object, lang: str) -> str:
    return fmt.count(value, COUNT, lang)


def _tagged(text: str, flag: object, mixed: bool, lang: str) -> str:
    return fmt.tag_real(text, flag, lang, mixed=mixed)


def overall(mb: bulletin.Month, lang: str) -> str:
    clauses = []
    for key, column, unit in (("doc.notice.ytd_signed", "signed_ytd", COUNT),
                              ("doc.notice.ytd_investment", "investment_ytd", "亿元"),
                              ("doc.notice.ytd_started", "started_ytd", COUNT)):
        now, before = float(mb.current[column].sum()), float(mb.year_before[column].sum())
        moved = wording.growth(now, before, unit, lang)
        clauses.append(t(key, lang, value=fmt.indicator_value(now, unit, lang),
                         change=moved.text or t("deck.kpi_no_change", lang)))
    month_now, month_before = float(mb.current["signed_month"].sum()), float(mb.year_before["signed_month"].sum())
    moved = wording.growth(month_now, month_before, COUNT, lang)
    return t("doc.notice.overall", lang, period=period(mb, lang), n=len(mb.current),
             clauses=t("summary.group_sep", lang).join(clauses), month=mb.month,
             month_value=_count(month_now, lang), month_change=moved.text or t("deck.kpi_no_change", lang))


def ranking_sentence(moves: pd.DataFrame, mb: bulletin.Month, lang: str) -> str:
    """Every zone by rank: `第1名A（12个）；并列第2名B和C（各10个）；…` — no zone left out."""
    mixed = bool(moves["is_synthetic"].any())
    parts = []
    for rank, group in moves.groupby("rank", sort=True):
        names = [_tagged(str(n), s, mixed, lang) for n, s in zip(group["short_name"], group["is_synthetic"],
                                                                 strict=True)]
        value = _count(group["signed_ytd"].iloc[0], lang)
        if len(names) > 1:
            parts.append(t("doc.notice.rank_tied", lang, rank=int(rank), names=wording.joined(names, lang),
                           value=value))
        else:
            parts.append(t("doc.notice.rank_one", lang, rank=int(rank), names=names[0], value=value))
    return t("doc.notice.ranking", lang, period=period(mb, lang),
             ranks=t("summary.group_sep", lang).join(parts))


def ranking_table(moves: pd.DataFrame, mb: bulletin.Month, lang: str) -> pd.DataFrame:
    mixed = bool(moves["is_synthetic"].any())
    ties = moves["rank"].map(moves["rank"].value_counts()) > 1
    rows = []
    for row, tied in zip(moves.itertuples(), ties, strict=True):
        last_year = row.last_year
        change = wording.growth(row.signed_ytd, last_year, COUNT, lang)
        rows.append({
            t("bulletin.col.rank", lang): fmt.rank(row.rank, lang=lang, tied=bool(tied)),
            t("deck.col.zone", lang): _tagged(str(row.short_name), row.is_synthetic, mixed, lang),
            t("doc.notice.col.ytd", lang, period=period(mb, lang)): fmt.number(row.signed_ytd, 0),
            t("doc.notice.col.month", lang, month=mb.month): fmt.number(row.signed_month, 0),
            t("bulletin.col.vs_month", lang): row.movement,
            t("bulletin.col.last_year", lang): fmt.number(last_year, 0),
            t("bulletin.col.yoy", lang): wording.table_change(change, lang),
        })
    return pd.DataFrame(rows)


def _by_steps(moves: pd.DataFrame, rising: bool, lang: str) -> str:
    """`A和B各上升1位，C上升3位` — grouped by places, never one sentence per zone."""
    steps = moves["steps"].map(lambda s: None if s is None or pd.isna(s) else int(s))
    chosen = moves[steps.map(lambda s: s is not None and (s > 0 if rising else s < 0))]
    groups = []
    for places, group in chosen.groupby(chosen["steps"].map(lambda s: abs(int(s))), sort=True):
        names = [str(n) for n in group["short_name"]]
        key = ("doc.notice.rose" if rising else "doc.notice.fell") + ("_each" if len(names) > 1 else "")
        groups.append(t(key, lang, names=wording.joined(names, lang), n=int(places)))
    return t("summary.clause_sep", lang).join(reversed(groups) if rising else groups)


def movement_sentences(moves: pd.DataFrame, mb: bulletin.Month, lang: str) -> list[tuple[str, str]]:
    if mb.month == 1:
        return [("", t("doc.notice.first_month", lang))]
    out = []
    rose, fell = _by_steps(moves, True, lang), _by_steps(moves, False, lang)
    if rose:
        out.append((t("doc.notice.h.rose", lang), t("doc.notice.moved", lang, clauses=rose)))
    if fell:
        out.append((t("doc.notice.h.fell", lang), t("doc.notice.moved", lang, clauses=fell)))
    if not out:
        out.append(("", t("doc.notice.unchanged", lang)))
    return out


def concerns(moves: pd.DataFrame, mb: bulletin.Month, lang: str) -> list[tuple[str, str, list[str]]]:
    """(heading, sentence, names) of each concern present: no signing this month, behind the year before."""
    out = []
    idle = [str(n) for n in moves.loc[moves["signed_month"] == 0, "short_name"]]
    if idle:
        out.append((t("doc.notice.h.idle", lang), t("doc.notice.idle", lang, month=mb.month,
                                                     names=wording.joined(idle, lang), n=len(idle)), idle))
    behind = moves[moves["last_year"].notna() & (moves["signed_ytd"] < moves["last_year"])]
    if not behind.empty:
        names = [str(n) for n in behind["short_name"]]
        said = [t("doc.notice.behind_one", lang, name=n, fell=wording.fall(float(now), float(before), COUNT, lang))
                for n, now, before in zip(names, behind["signed_ytd"], behind["last_year"], strict=True)]
        out.append((t("doc.notice.h.behind", lang), t("doc.notice.behind", lang, period=period(mb, lang),
                                                       names=wording.joined(names, lang),
                                                       clauses=t("summary.group_sep", lang).join(said)), names))
    return out


def first_page_note(moves: pd.DataFrame, lang: str) -> str:
    flags = moves["is_synthetic"].fillna(False).astype(bool)
    if not flags.any():
        return ""
    real = [str(n) for n, s in zip(moves["short_name"], flags, strict=True) if not s]
    text = (t("doc.notice.note_real", lang, names=wording.joined(real, lang)) if real
            else t("doc.notice.note_synthetic", lang))
    return t("doc.note", lang, text=text + t("doc.notice.basis", lang))


def build(mb: bulletin.Month, lang: str = "zh", *, today: dt.date | None = None) -> official.Document:
    lang = "en" if lang == "en" else "zh"
    moves = bulletin.movements(mb, lang)
    title = t("doc.notice.title", lang, period=period(mb, lang), province=mb.province)
    doc = official.Document(title=title, file_stem=file_stem(mb.province, mb.year, mb.month, lang), lang=lang, synthetic=bool(moves["is_synthetic"].any()))
    doc.add("title", title)
    note = first_page_note(moves, lang)
    if note:
        doc.add("note", note)
    doc.add("addressee", t("doc.notice.addressee", lang))
    doc.add("p", t("doc.notice.lead", lang, period=period(mb, lang)))
    doc.add("h1", t("doc.notice.h1.overall", lang))
    doc.add("p", overall(mb, lang))
    doc.add("h1", t("doc.notice.h1.ranking", lang))
    doc.add("p", ranking_sentence(moves, mb, lang))
    doc.add("table", t("doc.notice.table", lang, period=period(mb, lang)), ranking_table(moves, mb, lang))
    index = 0
    for heading, sentence in movement_sentences(moves, mb, lang):
        if heading:
            index += 1
            doc.add("h2", t("doc.h2", lang, n=chinese_number(index, lang), text=heading))
        doc.add("p", sentence)
    doc.add("h1", t("doc.notice.h1.concerns", lang))
    found = concerns(moves, mb, lang)
    if not found:
        doc.add("p", t("doc.notice.no_concerns", lang, month=mb.month))
    for number, (heading, sentence, _) in enumerate(found, start=1):
        doc.add("h2", t("doc.h2", lang, n=chinese_number(number, lang), text=heading))
        doc.add("p", sentence)
    doc.add("h1", t("doc.notice.h1.asks", lang))
    asks = [t("doc.notice.ask.targets", lang)]
    for heading, _, names in found:
        key = "doc.notice.ask.idle" if heading == t("doc.notice.h.idle", lang) else "doc.notice.ask.behind"
        asks.append(t(key, lang, names=wording.joined(names, lang)))
    asks.append(t("doc.notice.ask.ledger", lang))
    for number, ask in enumerate(asks, start=1):
        doc.add("item", t("doc.item", lang, n=number, text=ask))
    issuer = str(wording.settings().get("notice", {}).get("issuer", "")).strip()
    if issuer:
        doc.add("date", issuer)
    doc.add("date", fmt.date(today or china_today(), lang))
    return doc


def file_stem(province: str, year: int, month: int, lang: str) -> str:
    """`山西省_2021-11_月通报` — also the name the page offers before the document is made."""
    return f"{province}_{int(year)}-{int(month):02d}_{t('doc.notice.stem', lang)}"


def document_bytes(load: report_data.Loader, province: str, year: int, month: int, lang: str = "zh") -> bytes:
    """The .docx of the province's 月通报 for a month (the 项目推进 page's download, made when clicked)."""
    return render(bulletin.gather(load, province, int(year), int(month)), lang)


def render(mb: bulletin.Month, lang: str = "zh", *, today: dt.date | None = None) -> bytes:
    return official.render(build(mb, lang, today=today))
