"""项目推进 / Project progress: 周调度 (weekly dispatch) · 旬预警 (ten-day warnings) · 月通报 (monthly bulletin) ·
季考核 (quarterly assessment), for an as-of day, plus the year's targets against 序时进度.

Page parameters in the URL (besides zone/year/lang): `as_of=YYYY-MM-DD` (default: the day the ledger is as of —
its 截至 date — or today when the data is current, periods.default_day), `view=week|xun|month|
quarter` (the section shown, default week), `quarter=2026Q4` (default: the quarter of as_of). Invalid values fall
back to the defaults. Only the chosen section is drawn, which keeps reruns fast.
"""
import datetime as dt

import pandas as pd
import streamlit as st

from devzone import charts, db, fmt, periods, queries, state, tables, targets_view, ui
from devzone import progress_view as pv
from devzone.export import month_notice, official, workbook
from devzone.i18n import t

KEY_AS_OF = "progress_as_of"
KEY_QUARTER = "progress_quarter"
KEY_VIEW = "progress_section"
PARAM_AS_OF = "as_of"
PARAM_QUARTER = "quarter"
PARAM_VIEW = "view"
VIEWS = ("week", "xun", "month", "quarter")
FIRST_DAY = dt.date(2000, 1, 1)
QUARTERS_OFFERED = 12


def downloads(table, key, section, stem, lang):
    left, right, _ = st.columns([1, 1, 4])
    sheet = pv.table_sheet_name(section, lang)
    # made when clicked (a callable), not on every rerun: an Excel file costs 15-30 ms
    left.download_button(t("panel.download_csv", lang), data=lambda: tables.to_csv_bytes(table),
                         file_name=stem + ".csv", mime="text/csv", key="csv_" + key, icon=":material/download:")
    right.download_button(t("panel.download_xlsx", lang),
                          data=lambda: workbook.to_xlsx_bytes(table, sheet_name=sheet, lang=lang),
                          file_name=stem + ".xlsx", key="xlsx_" + key, icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@st.cache_resource(max_entries=200, show_spinner=False)
def screen(snapshot, zone_id, as_of, year, quarter, lang):
    """What the screen draws for one snapshot, zone, day and quarter (figures are the slow part).

    Shared between sessions: nothing may modify the result.
    """
    province = state.province_of(ui.load(queries.zones), zone_id)
    alerts = ui.load(queries.zone_alerts, zone_id, as_of)
    dispatch = ui.load(queries.weekly_dispatch, zone_id, as_of, periods.week_before(as_of))
    previous = ui.load(queries.zone_alert_levels, zone_id, periods.previous_xun(as_of).end)
    month = periods.month_of(as_of)
    bulletin = ui.load(queries.monthly_bulletin, province, month.start, month.end, min(month.end, as_of))
    span = periods.quarter_bounds(year, quarter)
    components = ui.load(queries.monthly_bulletin, province, span.start, span.end, min(span.end, as_of))
    weights = ui.load(queries.assessment_weights)
    scores = pv.quarter_scores(components, weights)
    groups = pv.weekly_groups(dispatch, alerts, lang)
    warnings = pv.warnings_table(alerts, previous, lang)
    zone = fmt.plain(ui.zone_label(zone_id))  # for the month and quarter sentences (markdown)
    officials = pv.levels_by_official(alerts, lang)
    level_names = {level: pv.level_label(level, lang) for level in pv.LEVELS}
    measures = {"signed": t("progress.col.signed_n", lang), "started": t("progress.col.started_n", lang),
                "completed": t("progress.col.completed_n", lang)}
    return {
        "province": province,
        "alerts": alerts, "headline": pv.headline(alerts, lang),
        "rules": pv.rules_caption(ui.load(queries.progress_rules), lang),
        "groups": groups,
        "week_table": pd.concat([g.table.assign(**{t("progress.col.official", lang): g.official}) for g in groups],
                                ignore_index=True) if groups else pd.DataFrame(),
        "group_tables": [pv.html_table(group.focus, lang) if len(group.focus) else "" for group in groups],
        "xun_title": pv.xun_title(as_of, lang),
        "warnings": warnings,
        "warnings_html": pv.html_table(warnings, lang),
        "officials_chart": charts.level_bars(officials, label="official", levels=level_names) if len(officials)
        else None,
        "officials_table": pv.levels_by_official_table(officials, lang),
        "month_title": pv.month_title(as_of, lang),
        "month_sentence": pv.zone_month_sentence(bulletin, zone_id, zone, as_of, lang),
        "month_table": pv.bulletin_table(bulletin, lang),
        "month_chart": charts.zone_counts(bulletin, label="short_name", key="zone_id", chosen=zone_id,
                                          measures=measures),
        "quarter_title": pv.quarter_title(year, quarter, lang),
        "quarter_partial": span.end > as_of,
        "weights": pv.weights_caption(weights, lang),
        "quarter_sentence": pv.zone_quarter_sentence(scores, zone_id, zone, lang),
        "quarter_table": pv.scores_table(scores, weights, lang),
        "quarter_chart": charts.ranking_bar(pv.score_chart_frame(scores, lang), label="zone", value="score",
                                            text="text", chosen=zone_id, key="zone_id",
                                            axis_title=t("progress.quarter.axis", lang), value_max=100),
        "synthetic": bool(alerts["is_synthetic"].any() or bulletin["is_synthetic"].any()),
        "file_stems": {s: pv.table_file_stem(s, ui.zone_label(zone_id), as_of, lang) for s in ("week", "xun", "month")},
    }


filters = ui.current_filters()
lang = filters.lang
today = dt.date.today()
last_day = dt.date(today.year + 1, 12, 31)

st.title(t("progress.title", lang))
st.caption(t("progress.caption", lang))
if filters.zone_id is None:
    ui.empty_state("home.selection_none", lang)
    st.stop()
if not ui.load(queries.missing_relations, ("project_alerts", "project_versions", "target_progress")).empty:
    ui.empty_state("chains.needs_reload", lang)
    st.stop()


stated = ui.load(queries.ledger_as_of)["as_of"].iloc[0]
data_day = None if fmt.is_missing(stated) else pd.Timestamp(stated).date()
default_day = periods.default_day(data_day, today)
last_day = max(last_day, default_day)


def day_from_url(raw):
    day = periods.parse_day(raw)
    return day if day is not None and FIRST_DAY <= day <= last_day else default_day


ui.seed_from_url(KEY_AS_OF, PARAM_AS_OF, day_from_url)
as_of = st.date_input(t("progress.as_of", lang), key=KEY_AS_OF, min_value=FIRST_DAY, max_value=last_day,
                      format="YYYY-MM-DD", help=t("progress.as_of_help_data", lang), width=220) or default_day
ui.mirror_to_url(PARAM_AS_OF, as_of.isoformat())
if data_day is not None:
    st.caption(t("progress.data_as_of" if default_day == today else "progress.data_as_of_stale", lang,
                 date=fmt.date(data_day, lang)))
    if as_of > max(data_day, default_day):
        st.caption(t("progress.after_data", lang, date=fmt.date(data_day, lang)))

quarters = [periods.quarter_code(y, q) for y, q in periods.previous_quarters(as_of, QUARTERS_OFFERED)]
if st.session_state.get(KEY_QUARTER) not in quarters:  # first run, or the day moved away from the chosen quarter
    wanted = periods.parse_quarter(st.query_params.get(PARAM_QUARTER))
    code = periods.quarter_code(*wanted) if wanted else None
    st.session_state[KEY_QUARTER] = code if code in quarters else quarters[0]
ui.mirror_to_url(PARAM_QUARTER, st.session_state[KEY_QUARTER])

quarter_year, quarter = periods.parse_quarter(st.session_state[KEY_QUARTER])
view = screen(db.snapshot_id(), filters.zone_id, as_of, quarter_year, quarter, lang)

if view["synthetic"]:
    ui.synthetic_banner(lang)
for column, item in zip(st.columns(len(view["headline"])), view["headline"], strict=True):
    column.metric(item.label, item.value, help=item.help, border=True)
st.caption(view["rules"])

ui.seed_from_url(KEY_VIEW, PARAM_VIEW, lambda raw: state.resolve_option(raw, VIEWS, VIEWS[0]))
section = st.segmented_control(t("progress.section", lang), VIEWS, key=KEY_VIEW, required=True,
                               format_func=lambda v: t("progress.tab." + v, lang),
                               label_visibility="collapsed") or VIEWS[0]
ui.mirror_to_url(PARAM_VIEW, section)

if section == "week":
    groups = view["groups"]
    if not groups:
        ui.empty_state("progress.week.empty", lang)
    else:
        st.markdown(pv.week_summary(groups, as_of, lang))
        for group, table in zip(groups, view["group_tables"], strict=True):
            st.markdown("**" + pv.group_heading(group, lang) + "**")
            if table:
                st.html(table)
            if group.quiet:
                st.caption(pv.quiet_line(group, lang))
        downloads(view["week_table"], "weekly_dispatch", "week", view["file_stems"]["week"], lang)

elif section == "xun":
    st.subheader(view["xun_title"])
    st.caption(t("progress.xun.caption", lang))
    if view["warnings"].empty:
        ui.empty_state("progress.xun.empty", lang)
    else:
        st.html(view["warnings_html"])
        downloads(view["warnings"], "xun_warnings", "xun", view["file_stems"]["xun"], lang)
    if view["officials_chart"] is not None:
        st.markdown("**" + t("progress.xun.chart_title", lang) + "**")
        ui.chart_panel(view["officials_chart"], view["officials_table"], key="xun_officials",
                       source=t("progress.source.alerts", lang), lang=lang, synthetic=view["synthetic"],
                       title=t("progress.xun.chart_title", lang))

elif section == "month":
    st.subheader(view["month_title"])
    st.markdown(view["month_sentence"])
    st.caption(t("progress.month.caption", lang))
    ui.fitting_table(view["month_table"], name="pr-month")
    downloads(view["month_table"], "monthly_bulletin", "month", view["file_stems"]["month"], lang)
    st.download_button(t("progress.month.download_docx", lang), key="docx_monthly_bulletin",
                       data=lambda: month_notice.document_bytes(ui.load, view["province"], as_of.year, as_of.month,
                                                                lang),
                       file_name=month_notice.file_stem(view["province"], as_of.year, as_of.month, lang) + ".docx",
                       mime=official.DOCX_MIME, icon=":material/description:",
                       help=t("progress.month.download_docx_help", lang))
    st.markdown("**" + t("progress.month.chart_title", lang) + "**")
    ui.chart_panel(view["month_chart"], view["month_table"], key="monthly_bulletin_chart",
                   source=t("progress.source.alerts", lang), lang=lang, synthetic=view["synthetic"],
                   title=t("progress.month.chart_title", lang))

else:
    chosen = st.selectbox(t("progress.quarter.select", lang), quarters, key=KEY_QUARTER, width=220)
    ui.mirror_to_url(PARAM_QUARTER, chosen)
    st.subheader(view["quarter_title"])
    if view["quarter_partial"]:
        st.caption(t("progress.quarter.partial", lang, date=fmt.date(as_of, lang)))
    st.markdown(view["quarter_sentence"])
    st.caption(view["weights"])
    ui.chart_panel(view["quarter_chart"], view["quarter_table"], key="quarterly_assessment",
                   source=t("progress.source.alerts", lang), lang=lang, synthetic=view["synthetic"],
                   title=view["quarter_title"])

target_year = targets_view.year_with_figures(ui.load(queries.target_years, filters.zone_id, as_of), as_of.year)
if target_year != as_of.year:
    st.caption(t("progress.targets_year", lang, year=fmt.year(as_of.year, lang), date=fmt.date(as_of, lang),
                 shown=fmt.year(target_year, lang)))
ui.render_targets_panel(filters.zone_id, target_year, lang, as_of=as_of, key="progress_targets")
