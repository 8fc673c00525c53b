"""文字综述 — the written summary officials paste into their reports, from the data, in zh or en.

    2021年，盐湖高新区签约项目36个，同比增长100.0%，居全省第3位；签约总投资179.78亿元，……

Deterministic templates (devzone/locales/*.toml, keys `summary.*`) filled from `data.ZoneYear`: value,
同比 with the verb chosen by the sign of the change (增长 / 下降 / 持平), provincial rank (并列 for
ties), target completion where a target exists, notable projects. A sentence only says what its
numbers support; when any number used is synthetic the paragraph ends with a note saying so.

On a page: `summary.paragraph(zone_id, year, lang, load=ui.load)`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from devzone import fmt
from devzone.export import data as report_data
from devzone.export import wording
from devzone.export.wording import Change
from devzone.i18n import t, t_or

# Indicators in the order a report mentions them; `full` ones get 同比 and rank, the others value and 同比.
INVESTMENT = ("signed_projects", "signed_investment", "signed_started_projects")
ENTERPRISES = ("new_four_above_enterprises", "srdi_enterprises", "ii_integration_pilots",
               "high_tech_enterprises", "national_incubators")
OUTPUT_TAX = ("projected_output", "projected_tax")
BRIEF = {"srdi_enterprises", "ii_integration_pilots", "high_tech_enterprises", "national_incubators",
         "projected_tax"}
# Named enterprises are listed when a category has this few of them.
NAMES_LISTED = 3
ENTERPRISE_CATEGORY = {"national_incubators": "国家级科技企业孵化器"}


# ---------------------------------------------------------------- change wording (pure)

def change(current: float | None, previous: float | None, unit: str, lang: str) -> Change:
    """同比 of `current` against `previous` in the documents' words (devzone/export/wording.py): the verb follows
    the sign, growth above 100% in 倍, a count on a tiny base in counts (`由上年1家增至4家`)."""
    moved = wording.growth(current, previous, unit, lang)
    return Change(moved.direction, moved.text)


def rank_phrase(rank: object, tied: bool, lang: str) -> str:
    """`居全省第3位` / `并列全省第2位`; English `3rd in the province` / `tied 2nd in the province`."""
    if fmt.is_missing(rank):
        return ""
    if lang == "en":
        return t("summary.rank", lang, rank=fmt.rank(rank, lang="en", tied=tied))
    return t("summary.rank_tied" if tied else "summary.rank", lang, rank=int(rank))  # type: ignore[call-overload]


def completion_phrase(name: str, value: float, target: float, unit: str, lang: str, *,
                      from_synthetic: object = False) -> str:
    """Target completion: 超额完成 only above 100%, 完成 at exactly 100%, 完成…的x% below; the % carries ※ when a
    real figure is set against a synthetic target (`from_synthetic`)."""
    ratio = value / target
    key = "summary.target_exceeded" if ratio > 1 else "summary.target_met" if ratio == 1 else "summary.target_short"
    return t(key, lang, name=name, target=fmt.indicator_value(target, unit, lang),
             pct=fmt.mark_from_synthetic(fmt.percent(ratio), from_synthetic))


def mid_sentence(name: str, lang: str) -> str:
    """English catalogue names are capitalised for headings: `Signed projects` -> `signed projects`
    inside a sentence (acronyms such as `SRDI` stay as they are)."""
    if lang == "en" and len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


# ---------------------------------------------------------------- the paragraph

@dataclass
class Clause:
    """One indicator as the summary states it (kept for tests and for the deck's KPI notes)."""

    indicator: str
    text: str
    change: Change
    synthetic: bool
    real: bool = False            # tagged 真实 (a real figure beside synthetic ones)
    from_synthetic: bool = False  # its 同比 is computed from a synthetic previous value (marked ※)


@dataclass
class Summary:
    sentences: list[str] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    synthetic: bool = False
    lang: str = "zh"

    @property
    def text(self) -> str:
        joiner = "" if self.lang != "en" else " "
        return joiner.join(self.sentences)


def _name(zy: report_data.ZoneYear, code: str, lang: str) -> str:
    indicator = zy.indicators.get(code)
    fallback = indicator.name(lang) if indicator else code
    return _quoted(t_or(f"summary.name.{code}", fallback, lang))


def _quoted(name: str) -> str:
    """`新培育"四上"企业数` -> `新培育“四上”企业数` (wording.quoted: the documents' quotes)."""
    return wording.quoted(name)


def _clause(zy: report_data.ZoneYear, code: str, lang: str, *, full: bool) -> Clause | None:
    row = zy.value_row(code)
    indicator = zy.indicators.get(code)
    if row is None or indicator is None:
        return None
    value, unit = float(row["value"]), indicator.unit
    previous_row = zy.value_row(code, zy.year - 1)
    previous = None if previous_row is None else float(previous_row["value"])
    moved = change(value, previous, unit, lang)
    parts = [t("summary.value", lang, name=_name(zy, code, lang), value=fmt.indicator_value(value, unit, lang))]
    names = _listed_names(zy, code)
    if names:
        parts[0] += t("summary.names", lang, names=t("summary.name_sep", lang).join(names))
    parts[0] = fmt.tag_real(parts[0], row["is_synthetic"], lang, mixed=zy.mixed)  # `签约项目36个（真实）`
    if moved.text:
        parts.append(fmt.mark_change(moved.text, row["is_synthetic"],
                                     None if previous_row is None else previous_row["is_synthetic"]))
    if full:
        ranked = fmt.mark_from_synthetic(rank_phrase(row["rank"], bool(row["tied"]), lang),
                                         row.get("rank_from_synthetic"))
        if ranked:
            parts.append(ranked)
    synthetic = bool(row["is_synthetic"]) or (moved.direction != "none" and bool(previous_row["is_synthetic"]))
    return Clause(code, t("summary.clause_sep", lang).join(parts), moved, synthetic,
                  real=fmt.is_real(row["is_synthetic"], mixed=zy.mixed),
                  from_synthetic=(moved.direction != "none" and fmt.change_from_synthetic(
                      row["is_synthetic"], previous_row["is_synthetic"]))
                  or (full and bool(row.get("rank_from_synthetic"))))


def _listed_names(zy: report_data.ZoneYear, code: str) -> list[str]:
    category = ENTERPRISE_CATEGORY.get(code)
    if category is None:
        return []
    names = zy.enterprises.loc[zy.enterprises["category"] == category, "enterprise_name"].tolist()
    return [str(n) for n in names] if 0 < len(names) <= NAMES_LISTED else []


def _group_sentence(clauses: list[Clause], template: str, lang: str, **values: object) -> str | None:
    if not clauses:
        return None
    body = t("summary.group_sep", lang).join(c.text for c in clauses)
    return t(template, lang, clauses=body, **values)


def _target_sentence(zy: report_data.ZoneYear, lang: str) -> tuple[str | None, bool]:
    phrases, synthetic = [], False
    for row in zy.targets.itertuples():
        value = zy.value(str(row.indicator))
        indicator = zy.indicators.get(str(row.indicator))
        if value is None or indicator is None or fmt.is_missing(row.target) or float(row.target) <= 0:
            continue
        name = _quoted(mid_sentence(indicator.name(lang), lang))
        value_row = zy.value_row(indicator.code)
        phrases.append(completion_phrase(name, value, float(row.target), indicator.unit, lang,
                                         from_synthetic=fmt.change_from_synthetic(value_row["is_synthetic"],
                                                                                  row.is_synthetic)))
        synthetic = synthetic or bool(row.is_synthetic) or bool(zy.value_row(indicator.code)["is_synthetic"])
    if not phrases:
        return None, False
    return t("summary.targets", lang, clauses=t("summary.group_sep", lang).join(phrases)), synthetic


def _project_sentence(zy: report_data.ZoneYear, lang: str) -> tuple[str | None, bool]:
    signed = zy.headline_projects()  # never a terminated (终止) project
    parts, synthetic = [], False
    by_investment = signed.dropna(subset=["total_investment"])
    if not by_investment.empty:
        top = by_investment.sort_values(["total_investment", "project_id"], ascending=[False, True]).iloc[0]
        parts.append(t("summary.top_investment", lang, name=top["project_name"],
                       amount=fmt.money(top["total_investment"], lang)))
        synthetic = synthetic or bool(top["is_synthetic"])
    by_output = signed.dropna(subset=["projected_output"])
    if not by_output.empty:
        top = by_output.sort_values(["projected_output", "project_id"], ascending=[False, True]).iloc[0]
        key = "summary.top_output_tax" if not fmt.is_missing(top["projected_tax"]) else "summary.top_output"
        parts.append(t(key, lang, name=top["project_name"], output=fmt.money(top["projected_output"], lang),
                       tax=fmt.money(top["projected_tax"], lang)))
        synthetic = synthetic or bool(top["is_synthetic"])
    led = signed.dropna(subset=["chain_leader"])
    if not led.empty:
        leaders = led.groupby("chain_leader", sort=False).size().sort_values(ascending=False, kind="stable")
        leader, count = leaders.index[0], int(leaders.iloc[0])
        parts.append(t("summary.chain_leader", lang, leader=leader, count=fmt.count(count, "个", lang)))
        synthetic = synthetic or bool(led["is_synthetic"].any())
    if zy.mixed:  # the real projects of the year (the seed's 宏明 chain base) with their real figures
        for real in zy.real_projects().itertuples():
            phrase = real_project_phrase(real, lang)
            if phrase:
                parts.append(phrase)
    if not parts:
        return None, False
    return t("summary.projects", lang, clauses=t("summary.group_sep", lang).join(parts)), synthetic


def real_project_phrase(project, lang: str) -> str:
    """`宏明空调全产业链生产基地（真实）预计年产值20亿元、利税5,000万元` — a real project with the figures it has."""
    figures = []
    if not fmt.is_missing(project.total_investment):
        figures.append(t("summary.real_investment", lang, amount=fmt.money(project.total_investment, lang)))
    if not fmt.is_missing(project.projected_output):
        figures.append(t("summary.real_output", lang, amount=fmt.money(project.projected_output, lang)))
    if not fmt.is_missing(project.projected_tax):
        figures.append(t("summary.real_tax", lang, amount=fmt.money(project.projected_tax, lang)))
    if not figures:
        return ""
    return t("summary.real_project", lang, name=fmt.tag_real(str(project.project_name), False, lang),
             figures=t("summary.name_sep", lang).join(figures))


def _note(summary: Summary, zy: report_data.ZoneYear, lang: str) -> str:
    """The closing note: which figures are real (by name) and what ※ means; the old note without real ones."""
    real = [_quoted(mid_sentence(zy.indicators[c.indicator].name(lang), lang)) for c in summary.clauses if c.real]
    if not real:
        return t("summary.synthetic_note", lang)
    key = "summary.real_note_marked" if any(c.from_synthetic for c in summary.clauses) else "summary.real_note"
    return t(key, lang, names=t("summary.name_sep", lang).join(real), mark=fmt.FROM_SYNTHETIC)


def build(zy: report_data.ZoneYear, lang: str = "zh") -> Summary:
    """The summary of one zone and year, sentence by sentence."""
    lang = "en" if lang == "en" else "zh"
    summary = Summary(lang=lang)
    known = set(INVESTMENT) | set(ENTERPRISES) | set(OUTPUT_TAX)
    others = tuple(code for code in zy.indicators if code not in known and code != "started_projects")
    groups = [
        (INVESTMENT, "summary.investment"),
        (ENTERPRISES, "summary.enterprises"),
        (OUTPUT_TAX, "summary.output_tax"),
        (others, "summary.others"),
    ]
    year = fmt.year(zy.year, lang)
    for codes, template in groups:
        clauses = [c for c in (_clause(zy, code, lang, full=code not in BRIEF) for code in codes) if c]
        if template == "summary.investment" and not clauses:
            summary.sentences.append(t("summary.no_investment", lang, year=year, zone=zy.short_name))
            continue
        sentence = _group_sentence(clauses, template, lang, year=year, zone=zy.short_name)
        if sentence:
            summary.sentences.append(sentence)
            summary.clauses.extend(clauses)
    for maker in (_target_sentence, _project_sentence):
        sentence, synthetic = maker(zy, lang)
        if sentence:
            summary.sentences.append(sentence)
            summary.synthetic = summary.synthetic or synthetic
    summary.synthetic = summary.synthetic or any(c.synthetic for c in summary.clauses)
    if summary.synthetic:
        summary.sentences.append(_note(summary, zy, lang))
    return summary


def paragraph(zone_id: str, year: int, lang: str = "zh", *, load: report_data.Loader | None = None) -> str:
    """The 文字综述 of a zone and year as one paragraph. `load` defaults to the live database."""
    loader = load or report_data.direct_loader()
    return build(report_data.gather(loader, zone_id, int(year)), lang).text


def changes_mentioned(summary: Summary) -> pd.DataFrame:
    """indicator, direction, text — for checking that the wording follows the numbers."""
    return pd.DataFrame(
        [(c.indicator, c.change.direction, c.change.text) for c in summary.clauses],
        columns=["indicator", "direction", "text"],
    )
