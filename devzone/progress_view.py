"""项目推进 / Project progress: 周调度 · 旬预警 · 月通报 · 季考核, from the frames of devzone.queries.

Pure functions (no Streamlit, no SQL). Levels are `red` / `yellow` / `green` as project_alerts_at gives them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape

import pandas as pd

from devzone import fmt, periods, tables
from devzone.i18n import t, t_or

LEVELS = ("red", "yellow", "green")
_LEVEL_RANK = {"red": 0, "yellow": 1, "green": 2}
# 季考核 components and the column of queries.monthly_bulletin each is counted from
COMPONENT_COLUMNS = {"signed_projects": "signed", "signed_investment": "signed_investment",
                     "started_projects": "started", "completed_projects": "completed", "red_alerts": "red"}
DISPATCH_FIELDS = ("status", "started_date", "production_date", "planned_production_date", "lead_official",
                   "total_investment", "note")
_DATE_FIELDS = {"started_date", "production_date", "planned_production_date"}


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    help: str | None = None


def level_label(level: object, lang: str) -> str:
    return t(f"progress.level.{level}", lang) if level in LEVELS else fmt.MISSING


def stage_label(stage: object, lang: str) -> str:
    return fmt.MISSING if fmt.is_missing(stage) else t_or(f"chains.status.{stage}", str(stage), lang)


def official_label(name: object, lang: str) -> str:
    return t("progress.no_official", lang) if fmt.is_missing(name) or not str(name).strip() else str(name)


def _days(value: object, lang: str) -> str:
    return fmt.number(value, 0)


def reason(row: pd.Series | dict, lang: str) -> str:
    """Why a project has its level, in the page language (the view's `reason` column is Chinese only)."""
    parts = []
    if not fmt.is_missing(row.get("signed_level")):
        parts.append(t("progress.reason.signed", lang, days=_days(row["days_since_signed"], lang)))
    if not fmt.is_missing(row.get("late_level")):
        parts.append(t("progress.reason.late", lang, days=_days(row["days_past_plan"], lang),
                       date=fmt.date(row["planned_production_date"], lang)))
    if not fmt.is_missing(row.get("stale_level")):
        parts.append(t("progress.reason.stale", lang, days=_days(row["days_since_update"], lang)))
    return ("；" if lang != "en" else "; ").join(parts) or t("progress.reason.on_track", lang)


def level_counts(alerts: pd.DataFrame) -> dict[str, int]:
    counts = alerts["level"].value_counts() if len(alerts) else pd.Series(dtype=int)
    return {level: int(counts.get(level, 0)) for level in LEVELS}


def headline(alerts: pd.DataFrame, lang: str) -> list[Headline]:
    counts = level_counts(alerts)
    return [Headline(t("progress.metric.active", lang), fmt.count(len(alerts), "个", lang),
                     t("progress.metric.active_help", lang))] + [
        Headline(t(f"progress.metric.{level}", lang), fmt.count(counts[level], "个", lang)) for level in LEVELS]


def rules_caption(rules: pd.DataFrame, lang: str) -> str:
    """The thresholds in force, read from the snapshot (so a changed config shows here too)."""
    by_rule = {r["rule"]: r for _, r in rules.iterrows()}
    parts = []
    for rule in ("signed_not_started", "past_planned_production", "no_update"):
        spec = by_rule.get(rule)
        if spec is None:
            continue
        text = t(f"progress.rule.{rule}.yellow", lang, days=_days(spec["yellow_days"], lang))
        if not fmt.is_missing(spec["red_days"]):
            text += t("progress.rule.red", lang, days=_days(spec["red_days"], lang))
        parts.append(text)
    if not parts:
        return t("progress.rule.none", lang)
    return t("progress.rule.caption", lang, rules=("；" if lang != "en" else "; ").join(parts))


_LEVEL_STYLE = {"red": "background-color: #FADBD8; color: #922B21; font-weight: 600",
                "yellow": "background-color: #FCF3CF; color: #7D6608; font-weight: 600",
                "green": "background-color: #D5F5E3; color: #1E8449"}


_TABLE = ("width:100%;border-collapse:collapse;font-size:15px;line-height:1.45;margin:0 0 0.5rem 0;"
          "font-family:inherit")
_TH = "text-align:left;padding:6px 10px;background:#F4F6F7;border-bottom:1px solid #D5DBDF;white-space:nowrap"
_TD = "padding:6px 10px;border-bottom:1px solid #E4E7EB;vertical-align:top"
_PILL = "display:inline-block;padding:1px 8px;border-radius:4px;white-space:nowrap;"


# A date never breaks inside: `2026年1月17日`, `17 Jan 2026`.
_DATE_TEXT = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2} [A-Z][a-z]{2} \d{4}")


def _keep_dates_whole(text: str) -> str:
    return _DATE_TEXT.sub(lambda m: f"<span style='white-space:nowrap'>{m.group(0)}</span>", text)


def html_table(table: pd.DataFrame, lang: str) -> str:
    """The table as plain HTML (for st.html), its 预警 column as red / yellow / green marks.

    A static table reads well on a projector and in print, and costs far less to draw than a styled data grid;
    the same table is offered for download as CSV / Excel.
    """
    change_column = t("progress.col.change", lang)
    if change_column in table.columns and table[change_column].eq(t("progress.week.unchanged", lang)).all():
        table = table.drop(columns=change_column)  # 无变化 on every row: the heading already says 本周变化 0个
    level_column = t("progress.col.level", lang)
    colours = {level_label(level, lang): css for level, css in _LEVEL_STYLE.items()}
    compact = {t(key, lang) for key in ("progress.col.level", "progress.col.stage", "progress.col.versus")}
    wide = {t("progress.col.project", lang): "min-width:8em;", t("progress.col.change", lang): "min-width:12em;",
            t("progress.col.reason", lang): "min-width:10em;"}
    head = "".join(f"<th style='{_TH}'>{escape(str(c))}</th>" for c in table.columns)
    body = []
    for values in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, values, strict=True):
            text = _keep_dates_whole(escape(fmt.MISSING if fmt.is_missing(value) else str(value)))
            if column == level_column and str(value) in colours:
                text = f"<span style='{_PILL}{colours[str(value)]}'>{text}</span>"
            extra = "white-space:nowrap;" if column in compact else wide.get(column, "")
            cells.append(f"<td style='{_TD};{extra}'>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<div style='overflow-x:auto'><table style='{_TABLE}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


# ---------------------------------------------------------------- 旬预警

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def month_name(day: dt.date, lang: str) -> str:
    return _MONTHS_EN[day.month - 1] if lang == "en" else f"{day.month}月"


def xun_title(day: dt.date, lang: str) -> str:
    """`2026年11月下旬（21日—30日）`, `Late November 2026 (days 21–30)`."""
    period = periods.xun_of(day)
    return t("progress.xun.title", lang, year=day.year, month=month_name(day, lang),
             part=t(f"progress.xun.part{periods.xun_index(day)}", lang), first=period.start.day, last=period.end.day)


def versus_previous(level: str, previous: object) -> str:
    """new (was green or not under dispatch), worse (yellow -> red), same."""
    if level not in ("red", "yellow"):
        return "none"
    if previous not in ("red", "yellow"):
        return "new"
    return "worse" if _LEVEL_RANK[level] < _LEVEL_RANK[str(previous)] else "same"


def warnings_table(alerts: pd.DataFrame, previous_levels: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Red and yellow projects (red first) with their reasons and how they compare with the previous 旬's end."""
    before = dict(zip(previous_levels["project_id"], previous_levels["level"], strict=True))
    flagged = alerts[alerts["level"].isin(("red", "yellow"))]
    return pd.DataFrame({
        t("progress.col.level", lang): [level_label(v, lang) for v in flagged["level"]],
        t("progress.col.project", lang): flagged["project_name"],
        t("progress.col.official", lang): [official_label(v, lang) for v in flagged["lead_official"]],
        t("progress.col.reason", lang): [reason(r, lang) for _, r in flagged.iterrows()],
        t("progress.col.versus", lang): [
            t(f"progress.versus.{versus_previous(lvl, before.get(pid))}", lang)
            for pid, lvl in zip(flagged["project_id"], flagged["level"], strict=True)],
        t("progress.col.stage", lang): [stage_label(v, lang) for v in flagged["stage"]],
        t("progress.col.planned", lang): [fmt.date(v, lang) for v in flagged["planned_production_date"]],
        t("progress.col.updated", lang): [fmt.date(v, lang) for v in flagged["last_update"]],
    })


def levels_by_official(alerts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """official, red, yellow, green — one row per 包联领导 (most red first), for the stacked bars."""
    if alerts.empty:
        return pd.DataFrame(columns=["official", *LEVELS])
    frame = alerts.assign(official=[official_label(v, lang) for v in alerts["lead_official"]])
    table = pd.crosstab(frame["official"], frame["level"]).reindex(columns=list(LEVELS), fill_value=0)
    table = table.sort_values(["red", "yellow", "green"], ascending=False)
    return table.reset_index().rename_axis(None, axis=1)


def levels_by_official_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("progress.col.official", lang): frame["official"],
        **{level_label(level, lang): [fmt.count(v, "个", lang) for v in frame[level]] for level in LEVELS},
    })


# ---------------------------------------------------------------- 周调度

@dataclass(frozen=True)
class OfficialGroup:
    official: str
    table: pd.DataFrame  # every project of the official
    projects: int
    changed: int
    red: int
    yellow: int
    focus: pd.DataFrame | None = None  # what the meeting discusses: changed, red or yellow, or off the list
    quiet: tuple[str, ...] = ()  # green and unchanged: named, not tabled


def _shown(field: str, value: object, lang: str) -> str:
    if fmt.is_missing(value) or (isinstance(value, str) and not value.strip()):
        return fmt.MISSING
    if field in _DATE_FIELDS:
        return fmt.date(value, lang)
    if field == "total_investment":
        return fmt.money(value, lang)
    if field == "status":
        return stage_label(value, lang)
    return str(value)


def _same(a: object, b: object) -> bool:
    if fmt.is_missing(a) and fmt.is_missing(b):
        return True
    if fmt.is_missing(a) or fmt.is_missing(b):
        return False
    if isinstance(a, (pd.Timestamp, dt.date)) or isinstance(b, (pd.Timestamp, dt.date)):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def changes(row: pd.Series | dict, lang: str) -> list[str]:
    """`状态：开工→投产` for every field that differs from the version current a week before."""
    out = []
    for field in DISPATCH_FIELDS:
        old, new = row.get(f"prev_{field}"), row.get(field)
        if not _same(old, new):
            out.append(t("progress.week.change", lang, field=t(f"progress.field.{field}", lang),
                         old=_shown(field, old, lang), new=_shown(field, new, lang)))
    return out


def change_text(row: pd.Series | dict, lang: str) -> tuple[str, bool]:
    """(what changed this week, whether anything did)."""
    if not row.get("known_before"):
        return t("progress.week.new", lang), True
    found = changes(row, lang)
    if found:
        return ("；" if lang != "en" else "; ").join(found), True
    return t("progress.week.unchanged", lang), False


def weekly_groups(dispatch: pd.DataFrame, alerts: pd.DataFrame, lang: str) -> list[OfficialGroup]:
    """周调度: the zone's projects under way, one group per 包联领导, changed projects first in each group."""
    level_of = dict(zip(alerts["project_id"], alerts["level"], strict=True))
    reason_of = {r["project_id"]: reason(r, lang) for _, r in alerts.iterrows()}
    rows = []
    for _, r in dispatch.iterrows():
        text, changed = change_text(r, lang)
        level = level_of.get(r["project_id"])
        rows.append({"official": official_label(r["lead_official"], lang), "missing_official":
                     fmt.is_missing(r["lead_official"]), "changed": changed, "level": level,
                     "rank": _LEVEL_RANK.get(level, 3),
                     t("progress.col.project", lang): r["project_name"],
                     t("progress.col.change", lang): text,
                     t("progress.col.level", lang): level_label(level, lang) if level else
                     t("progress.week.off_list", lang, status=stage_label(r["status"], lang)),
                     t("progress.col.reason", lang): reason_of.get(r["project_id"], fmt.MISSING),
                     t("progress.col.planned", lang): fmt.date(r["planned_production_date"], lang),
                     t("progress.col.note", lang): _shown("note", r["note"], lang)})
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    groups = []
    for (_missing, official), part in frame.groupby(["missing_official", "official"], sort=True):
        part = part.sort_values(["changed", "rank"], ascending=[False, True], kind="stable")
        helper = ["official", "missing_official", "changed", "level", "rank"]
        shown = part.drop(columns=helper).reset_index(drop=True)
        quiet = ~part["changed"] & part["level"].eq("green")
        groups.append(OfficialGroup(
            official, shown, len(part), int(part["changed"].sum()), int((part["level"] == "red").sum()),
            int((part["level"] == "yellow").sum()), part[~quiet].drop(columns=helper).reset_index(drop=True),
            tuple(part.loc[quiet, t("progress.col.project", lang)])))
    return groups


def quiet_line(group: OfficialGroup, lang: str) -> str:
    """`其余 5个项目按计划推进、本周无变化：甲、乙…` (empty when there are none)."""
    if not group.quiet:
        return ""
    names = ("、" if lang != "en" else ", ").join(fmt.plain(name) for name in group.quiet)  # markdown
    return t("progress.week.quiet", lang, n=fmt.count(len(group.quiet), "个", lang), names=names)


def group_heading(group: OfficialGroup, lang: str) -> str:
    """Markdown (the page puts it in bold): the official's name is escaped."""
    return t("progress.week.group", lang, official=fmt.plain(group.official), n=fmt.count(group.projects, "个", lang),
             changed=fmt.count(group.changed, "个", lang), red=group.red, yellow=group.yellow)


def week_summary(groups: list[OfficialGroup], day: dt.date, lang: str) -> str:
    window = periods.week_ending(day)
    return t("progress.week.summary", lang, first=fmt.date(window.start, lang), last=fmt.date(window.end, lang),
             n=fmt.count(sum(g.projects for g in groups), "个", lang),
             changed=fmt.count(sum(g.changed for g in groups), "个", lang),
             before=fmt.date(periods.week_before(day), lang))


# ---------------------------------------------------------------- 月通报

def month_title(day: dt.date, lang: str) -> str:
    return t("progress.month.title", lang, year=day.year, month=month_name(day, lang))


def bulletin_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per zone (and the province's total last): signings, investment signed, starts, completions, alerts."""
    total = {"short_name": t("progress.month.total", lang),
             **{c: frame[c].sum() for c in ("signed", "signed_investment", "started", "completed", "red", "yellow")}}
    rows = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return pd.DataFrame({
        t("progress.col.zone", lang): rows["short_name"],
        t("progress.col.signed_n", lang): [fmt.count(v, "个", lang) for v in rows["signed"]],
        t("progress.col.signed_investment", lang): fmt.money_column(rows["signed_investment"], lang),
        t("progress.col.started_n", lang): [fmt.count(v, "个", lang) for v in rows["started"]],
        t("progress.col.completed_n", lang): [fmt.count(v, "个", lang) for v in rows["completed"]],
        t("progress.col.red_n", lang): [fmt.count(v, "个", lang) for v in rows["red"]],
        t("progress.col.yellow_n", lang): [fmt.count(v, "个", lang) for v in rows["yellow"]],
    })


def bulletin_chart_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long form for stacked bars: zone, measure (label), value — signings, starts, completions."""
    measures = {"signed": t("progress.col.signed_n", lang), "started": t("progress.col.started_n", lang),
                "completed": t("progress.col.completed_n", lang)}
    long = frame.melt(id_vars=["short_name"], value_vars=list(measures), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(measures)
    return long.rename(columns={"short_name": "zone"})


def zone_month_sentence(frame: pd.DataFrame, zone_id: str, zone_name: str, day: dt.date, lang: str) -> str:
    row = frame[frame["zone_id"] == zone_id]
    if row.empty:
        return ""
    r = row.iloc[0]
    month = t("progress.month.label", lang, year=day.year, month=month_name(day, lang))
    return t("progress.month.sentence", lang, zone=zone_name, month=month,
             signed=fmt.count(r["signed"], "个", lang), started=fmt.count(r["started"], "个", lang),
             completed=fmt.count(r["completed"], "个", lang), red=fmt.count(r["red"], "个", lang))


# ---------------------------------------------------------------- 季考核

def quarter_title(year: int, quarter: int, lang: str) -> str:
    shown = f"Q{quarter}" if lang == "en" else "第" + "一二三四"[quarter - 1]
    return t("progress.quarter.title", lang, year=year, quarter=shown)


def quarter_scores(components: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Score and rank zones for a quarter.

    `components` has the columns of queries.monthly_bulletin for the quarter; `weights` those of
    queries.assessment_weights. Each component is scaled to 0–100 across the zones (best 100, worst 0,
    reversed for direction "lower"; 100 for everyone when all zones are equal); score = Σ weight × scaled /
    Σ weight, rounded to 0.1; rank 1 is best and ties share the best rank. Components this version does not
    count (not in COMPONENT_COLUMNS) are ignored. Adds scaled_<component>, score, rank, n_ranked, tied.
    """
    out = components.copy()
    usable = weights[weights["component"].isin(COMPONENT_COLUMNS) & (weights["weight"] > 0)]
    total_weight = float(usable["weight"].sum())
    score = pd.Series(0.0, index=out.index)
    for _, w in usable.iterrows():
        values = pd.to_numeric(out[COMPONENT_COLUMNS[w["component"]]], errors="coerce").fillna(0).astype(float)
        low, high = values.min(), values.max()
        if high == low:
            scaled = pd.Series(100.0, index=out.index)
        elif w["direction"] == "lower":
            scaled = (high - values) / (high - low) * 100
        else:
            scaled = (values - low) / (high - low) * 100
        out[f"scaled_{w['component']}"] = scaled
        score += float(w["weight"]) * scaled
    out["score"] = (score / total_weight).round(1) if total_weight else float("nan")
    out["rank"] = out["score"].rank(method="min", ascending=False).astype("Int64")
    out["n_ranked"] = int(out["score"].notna().sum())
    out["tied"] = out["score"].duplicated(keep=False) & out["score"].notna()
    return out.sort_values(["rank", "short_name"], kind="stable").reset_index(drop=True)


def scores_table(scores: pd.DataFrame, weights: pd.DataFrame, lang: str) -> pd.DataFrame:
    name_column = "name_en" if lang == "en" else "name_zh"
    table = {
        t("progress.col.rank", lang): [fmt.rank(r, n, lang, tied=bool(tie)) for r, n, tie in
                                       zip(scores["rank"], scores["n_ranked"], scores["tied"], strict=True)],
        t("progress.col.zone", lang): scores["short_name"],
        t("progress.col.score", lang): [fmt.number(v, 1, keep_zeros=True) for v in scores["score"]],
    }
    for _, w in weights[weights["component"].isin(COMPONENT_COLUMNS)].iterrows():
        column = COMPONENT_COLUMNS[w["component"]]
        values = scores[column]
        table[w[name_column]] = (fmt.money_column(values, lang) if column == "signed_investment"
                                 else [fmt.count(v, "个", lang) for v in values])
    return pd.DataFrame(table)


def weights_caption(weights: pd.DataFrame, lang: str) -> str:
    name_column = "name_en" if lang == "en" else "name_zh"
    usable = weights[weights["component"].isin(COMPONENT_COLUMNS) & (weights["weight"] > 0)]
    total = float(usable["weight"].sum()) or 1.0
    parts = [t("progress.quarter.weight", lang, name=w[name_column], share=fmt.percent(w["weight"] / total, 0))
             + (t("progress.quarter.lower", lang) if w["direction"] == "lower" else "")
             for _, w in usable.iterrows()]
    return t("progress.quarter.weights", lang, weights=("、" if lang != "en" else ", ").join(parts))


def score_chart_frame(scores: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({"zone": scores["short_name"], "zone_id": scores["zone_id"], "score": scores["score"],
                         "text": [t("progress.quarter.bar_text", lang, score=fmt.number(s, 1, keep_zeros=True),
                                    rank=fmt.rank(r, n, lang, tied=bool(tie)))
                                  for s, r, n, tie in zip(scores["score"], scores["rank"], scores["n_ranked"],
                                                          scores["tied"], strict=True)]})


def zone_quarter_sentence(scores: pd.DataFrame, zone_id: str, zone_name: str, lang: str) -> str:
    row = scores[scores["zone_id"] == zone_id]
    if row.empty:
        return ""
    r = row.iloc[0]
    return t("progress.quarter.sentence", lang, zone=zone_name, score=fmt.number(r["score"], 1, keep_zeros=True),
             rank=fmt.rank(r["rank"], r["n_ranked"], lang, tied=bool(r["tied"])))


# ---------------------------------------------------------------- download names

def table_file_stem(section: str, zone_label: str, as_of: dt.date, lang: str) -> str:
    """`周调度_盐湖高新区_2022-03-26` / `weekly_dispatch_…`: a section's table as downloaded, for its as-of day."""
    return tables.download_stem(t(f"progress.file.{section}", lang), zone_label, as_of.isoformat())


def table_sheet_name(section: str, lang: str) -> str:
    return t(f"progress.tab.{section}", lang)[:31]
