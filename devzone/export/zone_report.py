"""文字综述 / 情况汇报 of a zone and year as a Word document in official form (official.py).

    盐湖高新区2021年主要经济指标完成情况汇报
    （说明：……为真实数据，已标“真实”；其余为模拟数据……）
    一、总体情况        the year's figures, 同比 and rank, and a table of every indicator
    二、主要亮点        targets exceeded (one sentence), ranks held, growth, the notable projects
    三、存在问题        what fell, what lags its target, projects signed but not started, ranks lost, gaps
    四、下一步工作建议  one numbered suggestion for each kind of problem found

Everything is drawn from `data.ZoneYear`; a terminated (终止) project is never named. Figures follow the
marking of fmt.tag_real / fmt.mark_change (真实, ※), and the first page says which figures are real.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from devzone import fmt
from devzone.export import official, wording
from devzone.export import summary as summary_mod
from devzone.export.data import ZoneYear
from devzone.i18n import t
from devzone.periods import china_today

TOP_PROJECTS = 5
TOP_RANKS = 3  # ranks named among the highlights


def _name(zy: ZoneYear, code: str, lang: str) -> str:
    return wording.quoted(summary_mod.mid_sentence(zy.indicators[code].name(lang), lang))


@dataclass
class Figure:
    """One indicator of the report year, with its wording."""

    code: str
    name: str
    value: str           # tagged 真实 where the view mixes real and synthetic figures
    change: wording.Growth
    rank: int | None
    tied: bool
    previous_rank: int | None
    real: bool
    from_synthetic: bool
    tiny: bool = False   # the change is said in counts (`由1家增至4家`), so the clause says it once
    flag: object = None  # is_synthetic of the value


@dataclass
class Findings:
    figures: list[Figure] = field(default_factory=list)
    exceeded: list[tuple[str, str]] = field(default_factory=list)   # name, completion %
    met: list[str] = field(default_factory=list)
    short: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, pct, target, gap
    fell: list[tuple[str, str]] = field(default_factory=list)       # name, 由X降至Y…
    rank_lost: list[tuple[str, str]] = field(default_factory=list)  # name, 全省排名由第a位降至第b位
    missing: list[str] = field(default_factory=list)
    waiting: pd.DataFrame = field(default_factory=pd.DataFrame)    # signed, not started
    talks: pd.DataFrame = field(default_factory=pd.DataFrame)


def figures(zy: ZoneYear, lang: str) -> Findings:
    found = Findings()
    for code, indicator in zy.indicators.items():
        row, previous = zy.value_row(code), zy.value_row(code, zy.year - 1)
        if row is None:
            if previous is not None:
                found.missing.append(_name(zy, code, lang))
            continue
        unit = indicator.unit
        before = None if previous is None else float(previous["value"])
        moved = wording.growth(row["value"], before, unit, lang)
        previous_flag = None if previous is None else previous["is_synthetic"]
        moved = dataclasses.replace(moved, text=fmt.mark_change(moved.text, row["is_synthetic"], previous_flag),
                                    size=fmt.mark_change(moved.size, row["is_synthetic"], previous_flag))
        rank = None if fmt.is_missing(row["rank"]) else int(row["rank"])
        previous_rank = None if previous is None or fmt.is_missing(previous["rank"]) else int(previous["rank"])
        name = _name(zy, code, lang)
        found.figures.append(Figure(
            code, name, fmt.tag_real(fmt.indicator_value(row["value"], unit, lang), row["is_synthetic"], lang,
                                     mixed=zy.mixed),
            moved, rank, bool(row["tied"]), previous_rank, fmt.is_real(row["is_synthetic"], mixed=zy.mixed),
            moved.direction != "none" and fmt.change_from_synthetic(row["is_synthetic"], previous_flag),
            tiny=moved.direction in ("up", "down") and before is not None and wording.is_tiny(before, unit),
            flag=row["is_synthetic"]))
        if moved.direction == "down" and before is not None:
            found.fell.append((name, fmt.mark_change(wording.fall(float(row["value"]), before, unit, lang),
                                                     row["is_synthetic"], previous_flag)))
        if rank is not None and previous_rank is not None and rank > previous_rank:
            found.rank_lost.append((name, wording.rank_fall(previous_rank, rank, lang)))
    for target in zy.targets.itertuples():
        code = str(target.indicator)
        value = zy.value(code)
        if code not in zy.indicators or value is None or fmt.is_missing(target.target) or float(target.target) <= 0:
            continue
        goal, unit, name = float(target.target), zy.indicators[code].unit, _name(zy, code, lang)
        ratio = value / goal
        if ratio > 1:
            found.exceeded.append((name, wording.percent(ratio)))
        elif ratio == 1:
            found.met.append(name)
        else:
            found.short.append((name, wording.percent(ratio), fmt.indicator_value(goal, unit, lang),
                                fmt.indicator_value(goal - value, unit, lang)))
    signed = zy.signed_projects()
    found.waiting = signed[signed["status"] == "签约"].reset_index(drop=True)
    found.talks = zy.talks_in_view()
    return found


# ---------------------------------------------------------------- 一、总体情况

GROUPS = (("doc.report.investment", summary_mod.INVESTMENT), ("doc.report.enterprises", summary_mod.ENTERPRISES),
          ("doc.report.output_tax", summary_mod.OUTPUT_TAX))


def _rank_words(figure: Figure, lang: str) -> str:
    return summary_mod.rank_phrase(figure.rank, figure.tied, lang) if figure.rank is not None else ""


def _clause(figure: Figure, lang: str, mixed: bool) -> str:
    if figure.tiny:
        parts = [fmt.tag_real(t("doc.report.value", lang, name=figure.name, value=figure.change.text), figure.flag,
                              lang, mixed=mixed)]
        ranked = _rank_words(figure, lang)
        return t("summary.clause_sep", lang).join([*parts, ranked] if ranked else parts)
    parts = [t("doc.report.value", lang, name=figure.name, value=figure.value)]
    if figure.change.text:
        parts.append(figure.change.text)
    ranked = _rank_words(figure, lang)
    if ranked:
        parts.append(ranked)
    return t("summary.clause_sep", lang).join(parts)


def overview(zy: ZoneYear, found: Findings, lang: str) -> list[str]:
    by_code = {f.code: f for f in found.figures}
    year = fmt.year(zy.year, lang)
    sentences = []
    known = {c for _, codes in GROUPS for c in codes}
    groups = [*GROUPS, ("doc.report.others", tuple(c for c in by_code if c not in known))]
    for key, codes in groups:
        clauses = [_clause(by_code[c], lang, zy.mixed) for c in codes if c in by_code]
        if clauses:
            sentences.append(t(key, lang, year=year, zone=zy.short_name,
                               clauses=t("summary.group_sep", lang).join(clauses)))
    if not sentences:
        sentences.append(t("summary.no_investment", lang, year=year, zone=zy.short_name))
    return sentences


def indicator_table(zy: ZoneYear, found: Findings, lang: str) -> pd.DataFrame:
    rows = []
    for figure in found.figures:
        indicator = zy.indicators[figure.code]
        previous = zy.value_row(figure.code, zy.year - 1)
        rows.append({
            t("deck.col.indicator", lang): figure.name,
            t("doc.col.this_year", lang, year=zy.year): figure.value,
            t("doc.col.last_year", lang, year=zy.year - 1): fmt.MISSING if previous is None
            else fmt.indicator_value(previous["value"], indicator.unit, lang),
            t("deck.col.yoy", lang): wording.table_change(figure.change, lang),
            t("deck.col.rank", lang): fmt.MISSING if figure.rank is None
            else fmt.rank(figure.rank, lang=lang, tied=figure.tied),
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- 二、主要亮点

def highlights(zy: ZoneYear, found: Findings, lang: str) -> list[tuple[str, list[str]]]:
    """(heading, sentences) of each highlight present."""
    out: list[tuple[str, list[str]]] = []
    sentences = []
    if found.exceeded:  # one sentence listing them all, never the same frame four times
        names, pcts = zip(*found.exceeded, strict=True)
        key = "doc.report.exceeded_one" if len(names) == 1 else "doc.report.exceeded"
        sentences.append(t(key, lang, names=wording.joined(list(names), lang),
                           pcts=wording.joined(list(pcts), lang)))
    if found.met:
        sentences.append(t("doc.report.met", lang, names=wording.joined(found.met, lang)))
    if sentences:
        out.append((t("doc.report.h.targets", lang), sentences))
    sentences = [s for s in (_growth_sentence(found, lang), _rank_sentence(found, lang)) if s]
    if sentences:
        out.append((t("doc.report.h.growth", lang), sentences))
    projects = project_items(zy, lang)
    if projects:
        out.append((t("doc.report.h.projects", lang), projects))  # numbered items (1. 2.) under the heading
    return out


def _growth_sentence(found: Findings, lang: str) -> str:
    """The indicators that grew, listed by how the growth is said, each group in one clause:
    `签约项目总投资和预计利税分别增长2.1倍和2.6倍；签约项目数增长100.0%；专精特新企业数由上年1家增至4家`."""
    up = [f for f in found.figures if f.change.direction == "up"]
    clauses = []
    for kind in ("times", "pct"):
        group = [f for f in up if f.change.kind == kind]
        if group:
            key = "doc.report.grew_each" if len(group) > 1 else "doc.report.grew_one"
            clauses.append(t(key, lang, names=wording.joined([f.name for f in group], lang),
                             sizes=wording.joined([f.change.size for f in group], lang)))
    counted = [f for f in up if f.change.kind == "counts"]
    if len(counted) > 1:
        clauses.append(t("doc.report.grew_counts", lang, names=wording.joined([f.name for f in counted], lang),
                         befores=wording.joined([f.change.before for f in counted], lang),
                         afters=wording.joined([f.change.size for f in counted], lang)))
    clauses += [t("doc.report.value", lang, name=f.name, value=f.change.text) for f in up
                if f.change.kind not in ("times", "pct") and not (len(counted) > 1 and f in counted)]
    return t("doc.report.grew", lang, clauses=t("summary.group_sep", lang).join(clauses)) if clauses else ""


def _rank_sentence(found: Findings, lang: str) -> str:
    """`国家级科技企业孵化器数居全省第1位，专精特新企业数并列全省第2位，A、B和C均居全省第3位`."""
    ranked: dict[tuple[int, bool], list[Figure]] = {}
    for f in found.figures:
        if f.rank is not None and f.rank <= TOP_RANKS:
            ranked.setdefault((f.rank, f.tied), []).append(f)
    clauses = []
    for key in sorted(ranked):
        group = ranked[key]
        template = "doc.report.ranked_all" if len(group) > 1 else "doc.report.ranked_one"
        clauses.append(t(template, lang, names=wording.joined([f.name for f in group], lang),
                         rank=_rank_words(group[0], lang)))
    return t("doc.report.ranked", lang, clauses=t("summary.clause_sep", lang).join(clauses)) if clauses else ""


def project_items(zy: ZoneYear, lang: str) -> list[str]:
    """`1.“年产17万台商用空调机组项目”，总投资15.09亿元，商用空调产业链，已开工。` — live projects only."""
    live = zy.headline_projects()
    real = zy.real_projects() if zy.mixed else live.iloc[0:0]
    top = live.dropna(subset=["total_investment"]).sort_values(["total_investment", "project_id"],
                                                                ascending=[False, True])
    top = pd.concat([real, top[~top["project_id"].isin(real["project_id"])]]).head(max(TOP_PROJECTS, len(real)))
    items = []
    for number, p in enumerate(top.itertuples(), start=1):
        parts = [fmt.tag_real(t("deck.quoted", lang, name=p.project_name), p.is_synthetic, lang, mixed=zy.mixed)]
        for key, value in (("summary.real_investment", p.total_investment), ("summary.real_output", p.projected_output),
                           ("summary.real_tax", p.projected_tax)):
            if not fmt.is_missing(value):
                parts.append(t(key, lang, amount=fmt.money(value, lang)))
        if not fmt.is_missing(p.chain):
            parts.append(t("doc.report.chain", lang, chain=p.chain))
        parts.append(t("doc.report.status", lang, status=t_status(p.status, lang)))
        items.append(t("doc.item", lang, n=number, text=t("summary.clause_sep", lang).join(parts)
                       + t("doc.full_stop", lang)))
    led = live.dropna(subset=["chain_leader"])
    if not led.empty:
        leaders = led.groupby("chain_leader", sort=False).size().sort_values(ascending=False, kind="stable")
        items.append(t("doc.report.chain_leader", lang, leader=leaders.index[0],
                       count=fmt.count(int(leaders.iloc[0]), "个", lang)))
    return items


def t_status(status: object, lang: str) -> str:
    from devzone.i18n import t_or

    return t_or(f"doc.status.{status}", str(status), lang)


# ---------------------------------------------------------------- 三、存在问题 / 四、下一步工作建议

def problems(zy: ZoneYear, found: Findings, lang: str) -> list[tuple[str, str, str]]:
    """(kind, heading, sentence) of each problem present; kind picks the suggestion."""
    out = []
    year = fmt.year(zy.year, lang)
    if found.fell:
        out.append(("fell", t("doc.report.h.fell", lang), t("doc.report.fell", lang, year=year, clauses=t(
            "summary.group_sep", lang).join(t("doc.report.value", lang, name=n, value=w) for n, w in found.fell))))
    if found.short:
        out.append(("short", t("doc.report.h.short", lang), t("summary.group_sep", lang).join(
            t("doc.report.short", lang, name=n, pct=p, target=g, gap=d) for n, p, g, d in found.short)
            + t("doc.full_stop", lang)))
    if not found.waiting.empty:
        names = [t("deck.quoted", lang, name=n) for n in found.waiting["project_name"]]
        amount = found.waiting["total_investment"].sum(min_count=1)
        key = "doc.report.waiting_one" if len(names) == 1 else "doc.report.waiting"
        said = t(key, lang, year=year, count=len(names), names=wording.joined(names, lang))
        if not fmt.is_missing(amount):
            said += t("doc.report.waiting_amount", lang, amount=fmt.money(amount, lang))
        out.append(("waiting", t("doc.report.h.waiting", lang), said + t("doc.full_stop", lang)))
    if not found.talks.empty:
        names = [t("deck.quoted", lang, name=n) for n in found.talks["project_name"]]
        said = t("doc.report.talks", lang, count=len(names), names=wording.joined(names, lang))
        if zy.ledger_day is not None:
            said = t("deck.attn.as_of", lang, date=fmt.date(zy.ledger_day, lang), text=said)
        out.append(("talks", t("doc.report.h.talks", lang), said + t("doc.full_stop", lang)))
    if found.rank_lost:
        out.append(("rank", t("doc.report.h.rank", lang), t("summary.group_sep", lang).join(
            t("doc.report.value", lang, name=n, value=w) for n, w in found.rank_lost) + t("doc.full_stop", lang)))
    if found.missing:
        out.append(("missing", t("doc.report.h.missing", lang),
                    t("doc.report.missing", lang, year=year, names=wording.joined(found.missing, lang))))
    return out


def suggestions(found: Findings, kinds: list[str], lang: str) -> list[str]:
    said = []
    names = {"fell": wording.joined([n for n, _ in found.fell], lang),
             "short": wording.joined([n for n, *_ in found.short], lang),
             "rank": wording.joined([n for n, _ in found.rank_lost], lang),
             "missing": wording.joined(found.missing, lang)}
    for kind in kinds:
        said.append(t(f"doc.report.do.{kind}", lang, names=names.get(kind, "")))
    said.append(t("doc.report.do.keep", lang))
    return [t("doc.item", lang, n=i, text=s) for i, s in enumerate(said, start=1)]


# ---------------------------------------------------------------- the document

def first_page_note(zy: ZoneYear, found: Findings, lang: str) -> str:
    """Which figures are real (by name), what ※ means, and the day the data describe."""
    real = [f.name for f in found.figures if f.real]
    if real:
        key = "doc.note.real_marked" if any(f.from_synthetic for f in found.figures) else "doc.note.real"
        said = t(key, lang, names=wording.joined(real, lang), mark=fmt.FROM_SYNTHETIC)
    elif zy.mixed or bool(zy.history["is_synthetic"].fillna(False).astype(bool).any()):
        said = t("doc.note.synthetic", lang)
    else:
        said = ""
    as_of = zy.ledger_day or zy.snapshot_date()  # the data's own date (the ledger's 截至), else the snapshot's
    if as_of:
        said += t("doc.note.as_of", lang, date=fmt.date(as_of, lang))
    return t("doc.note", lang, text=said) if said else ""


def build(zy: ZoneYear, lang: str = "zh", *, today: dt.date | None = None) -> official.Document:
    lang = "en" if lang == "en" else "zh"
    found = figures(zy, lang)
    title = t("doc.report.title", lang, zone=zy.short_name, year=fmt.year(zy.year, lang))
    doc = official.Document(title=title, file_stem=file_stem(zy.short_name, zy.year, lang),
                            lang=lang, synthetic=zy.mixed)
    doc.add("title", title)
    note = first_page_note(zy, found, lang)
    if note:
        doc.add("note", note)
    doc.add("h1", t("doc.report.h1.overview", lang))
    for sentence in overview(zy, found, lang):
        doc.add("p", sentence)
    table = indicator_table(zy, found, lang)
    if not table.empty:
        doc.add("table", t("doc.report.table", lang, zone=zy.short_name, year=fmt.year(zy.year, lang)), table)
    doc.add("h1", t("doc.report.h1.highlights", lang))
    parts = highlights(zy, found, lang)
    if not parts:
        doc.add("p", t("doc.report.no_highlights", lang))
    for index, (heading, sentences) in enumerate(parts, start=1):
        doc.add("h2", t("doc.h2", lang, n=chinese_number(index, lang), text=heading))
        for sentence in sentences:
            doc.add("item" if _numbered(sentence) else "p", sentence)
    doc.add("h1", t("doc.report.h1.problems", lang))
    found_problems = problems(zy, found, lang)
    if not found_problems:
        doc.add("p", t("doc.report.no_problems", lang))
    for index, (_, heading, sentence) in enumerate(found_problems, start=1):
        doc.add("h2", t("doc.h2", lang, n=chinese_number(index, lang), text=heading))
        doc.add("p", sentence)
    doc.add("h1", t("doc.report.h1.next", lang))
    for item in suggestions(found, [k for k, _, _ in found_problems], lang):
        doc.add("item", item)
    doc.add("date", fmt.date(today or china_today(), lang))
    return doc


def _numbered(text: str) -> bool:
    head = text.split(".", 1)[0]
    return head.isdigit() and "." in text[:4]


CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int, lang: str) -> str:
    if lang == "en":
        return str(n)
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def file_stem(short_name: str, year: int, lang: str) -> str:
    """`盐湖高新区_2021_情况汇报` — also the name the page offers before the document is made."""
    return f"{short_name}_{int(year)}_{t('doc.report.stem', lang)}"


def render(zy: ZoneYear, lang: str = "zh", *, today: dt.date | None = None) -> bytes:
    return official.render(build(zy, lang, today=today))
