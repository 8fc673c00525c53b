"""招商引资 / Investment projects: signed projects, signed investment, signed-and-started, the pipeline, the ledger.

Page parameters in the URL (besides zone/year/lang): `scope=zone|province`, `measure=projects|investment|started`,
`q=` (ledger search), `ledger=year|all`, `project=` (project_id of the detail view).
"""
import streamlit as st

from devzone import fmt, queries, state, tables, ui
from devzone import projects_common as common
from devzone import projects_view as pv
from devzone.export import workbook
from devzone.i18n import t

KEY_SCOPE = "projects_scope"
KEY_MEASURE = "projects_measure"
KEY_SEARCH = "projects_search"
KEY_LEDGER = "projects_ledger_period"
KEY_DETAIL = "projects_detail"
KEY_TABLE = "projects_ledger_table"
KEY_TABLE_IDS = "projects_ledger_table_ids"


@st.cache_resource(max_entries=200, show_spinner=False)
def screen(snapshot, zone_id, province, year, measure, lang):
    """What the screen shows above the ledger, built once per snapshot and selection (figures are slow to build):
    of the zone, or with `province` (the zone's own) of every zone of that province.

    The result is shared between sessions: nothing may modify it.
    """
    zone_arg = None if province else zone_id
    ranks = None if province else ui.load(queries.projects_zone_ranks, zone_id, year, pv.PROJECT_INDICATORS)
    place = pv.province_place(province, lang) if province else ui.zone_label(zone_id)
    return pv.projects_screen(
        ui.load(queries.projects_ledger, zone_arg, province),
        ui.load(queries.projects_year_totals, zone_arg, pv.PROJECT_INDICATORS, province),
        ranks, place=place, year=year, measure=measure, lang=lang, province=province is not None,
    )


@st.cache_resource(max_entries=200, show_spinner=False)
def ledger_view(snapshot, zone_arg, province, query, period, year, lang):
    return pv.ledger_view(ui.load(queries.projects_ledger, zone_arg, province), query=query, period=period,
                          year=year, lang=lang, province=zone_arg is None)


def on_row_selected():
    """A row ticked in the ledger table opens its detail (runs before the script, so it may set the picker)."""
    selection = st.session_state.get(KEY_TABLE) or {}
    rows = (selection.get("selection") or {}).get("rows") or []
    shown_ids = st.session_state.get(KEY_TABLE_IDS) or []
    if rows and rows[0] < len(shown_ids):
        st.session_state[KEY_DETAIL] = shown_ids[rows[0]]


def column_config(columns, lang):
    config = {}
    for column in columns:
        if column.kind == "money":
            config[column.label] = st.column_config.NumberColumn(column.label, format=pv.MONEY_FORMAT,
                                                                 width=column.width)
        elif column.kind == "date":
            config[column.label] = st.column_config.DateColumn(column.label, format=pv.DATE_FORMATS[lang],
                                                               width=column.width)
        else:
            config[column.label] = st.column_config.TextColumn(column.label, width=column.width)
    return config


filters = ui.current_filters()
lang = filters.lang
year = filters.year

st.title(t("nav.projects", lang))
if filters.zone_id is None or year is None:
    ui.empty_state("pv.no_selection", lang)
    st.stop()

ui.seed_from_url(KEY_SCOPE, "scope", lambda raw: state.resolve_choice(raw, pv.SCOPES, pv.SCOPE_ZONE))
ui.seed_from_url(KEY_MEASURE, "measure", lambda raw: state.resolve_choice(raw, pv.PROJECT_MEASURES, "projects"))
scope = st.segmented_control(
    t("pv.scope", lang), pv.SCOPES, format_func=lambda s: pv.scope_label(s, lang), key=KEY_SCOPE, required=True,
    help=t("pv.scope_help", lang),
) or pv.SCOPE_ZONE
ui.mirror_to_url("scope", scope, pv.SCOPE_ZONE)
province = state.province_of(ui.load(queries.zones), filters.zone_id) if scope == pv.SCOPE_PROVINCE else None
zone_arg = None if province else filters.zone_id
measure = st.session_state[KEY_MEASURE] or "projects"  # the control itself is drawn further down
snapshot = ui.run_snapshot()
view = screen(snapshot, filters.zone_id, province, year, measure, lang)

st.caption(t("projects.caption", lang, place=fmt.plain(view.place), year=view.year_text))
if view.synthetic:
    ui.synthetic_banner(lang)

# ---------------------------------------------------------------- headline numbers
with st.container(horizontal=True, gap="small"):  # cards as wide as their numbers; they wrap on narrow screens
    for headline in view.headlines:
        with st.container(border=True, width="stretch", height="stretch"):
            st.metric(headline.label, headline.value, delta=headline.delta, delta_color=headline.delta_color,
                      delta_arrow=headline.delta_arrow, delta_description=headline.description(lang),
                      help=headline.help, height="stretch")
            if headline.rank:
                st.caption(headline.rank)
            if headline.tag:
                st.badge(headline.tag, icon=":material/verified:", color="green")
st.caption(t("panel.source", lang, source=fmt.plain(view.headline_source)))
if any(headline.tag for headline in view.headlines):
    st.caption(fmt.legend(lang))
if view.check is not None:
    if view.check.consistent:
        st.caption(view.check.message)
    else:
        st.warning(view.check.message, icon=":material/rule:")

# ---------------------------------------------------------------- by year, quarter, month
st.subheader(t("projects.section.signing", lang))
measure = st.segmented_control(
    t("pv.measure", lang), pv.PROJECT_MEASURES, format_func=lambda m: pv.project_measure_label(m, lang),
    key=KEY_MEASURE, required=True,
) or "projects"
ui.mirror_to_url("measure", measure, "projects")
if view.trend is None:
    ui.empty_state("projects.no_totals", lang, measure=view.measure_name)
else:
    ui.view_panel(view.trend, lang)

for container, period in zip(st.columns(2), ("quarter", "month"), strict=True):
    with container:
        if view.ledger_size == 0:
            ui.empty_state("projects.empty_ledger", lang, place=fmt.plain(view.place))
        elif period not in view.periods:
            ui.empty_state("projects.empty_year", lang, year=view.year_text, place=fmt.plain(view.place))
        else:
            ui.view_panel(view.periods[period], lang)

# ---------------------------------------------------------------- by chain and by investor origin
st.subheader(t("projects.section.structure", lang))
for container, by in zip(st.columns(2), ("chain", "origin"), strict=True):
    with container:
        if by in view.groups:
            ui.view_panel(view.groups[by], lang)
        else:
            ui.empty_state("projects.empty_year", lang, year=view.year_text, place=fmt.plain(view.place))

# ---------------------------------------------------------------- pipeline
st.subheader(t("projects.section.pipeline", lang))
if view.pipeline is None:
    ui.empty_state("projects.empty_ledger", lang, place=fmt.plain(view.place))
else:
    ui.view_panel(view.pipeline, lang)
    st.caption(view.pipeline_caption)

# ---------------------------------------------------------------- ledger and project detail
st.subheader(t("projects.section.ledger", lang))
if view.ledger_size == 0:
    ui.empty_state("projects.empty_ledger", lang, place=fmt.plain(view.place))
    st.stop()

ui.seed_from_url(KEY_SEARCH, "q", state.resolve_search)
ui.seed_from_url(KEY_LEDGER, "ledger", lambda raw: state.resolve_choice(raw, common.PERIODS, common.PERIOD_YEAR))
search_column, period_column = st.columns([3, 2], vertical_alignment="bottom")
query = search_column.text_input(
    t("projects.search", lang), key=KEY_SEARCH, placeholder=t("projects.search_placeholder", lang),
    icon=":material/search:", max_chars=100,
).strip()
period = period_column.segmented_control(
    t("projects.ledger_period", lang), common.PERIODS, format_func=lambda p: pv.period_label(p, year, lang),
    key=KEY_LEDGER, required=True,
) or common.PERIOD_YEAR
ui.mirror_to_url("q", query, "")
ui.mirror_to_url("ledger", period, common.PERIOD_YEAR)

ledger = ledger_view(snapshot, zone_arg, province, query, period, year, lang)
detail_id = st.session_state.get(KEY_DETAIL)
if KEY_DETAIL not in st.session_state:  # first drawn: the URL decides
    detail_id = state.resolve_project(st.query_params.get("project"), list(ledger.labels))
elif detail_id not in ledger.labels:  # chosen under another zone or scope
    detail_id = None
st.session_state[KEY_DETAIL] = detail_id
st.session_state[KEY_TABLE_IDS] = ledger.project_ids

st.caption(t("projects.ledger_count", lang, n=len(ledger.project_ids), total=view.ledger_size))
if not ledger.project_ids:
    ui.empty_state("projects.no_match", lang, query=query)
else:
    preselected = [ledger.project_ids.index(detail_id)] if detail_id in ledger.project_ids else []
    ui.fitting_table(
        ledger.table, name="projects-ledger", column_config=column_config(ledger.columns, lang), key=KEY_TABLE,
        height=pv.ledger_height(len(ledger.project_ids)),
        placeholder=pv.MISSING,
        on_select=on_row_selected, selection_mode="single-row",
        selection_default={"selection": {"rows": preselected}} if preselected else None,
    )
    left, right = st.columns(2)
    stem = pv.ledger_file_stem(view.place, period, year, lang)
    left.download_button(t("panel.download_csv", lang), data=lambda: tables.to_csv_bytes(ledger.export),
                         file_name=stem + ".csv", mime="text/csv", key="csv_projects_ledger",
                         icon=":material/download:")
    right.download_button(t("panel.download_xlsx", lang),
                          data=lambda: workbook.to_xlsx_bytes(ledger.export, pv.ledger_sheet_name(lang), lang=lang),
                          file_name=stem + ".xlsx", key="xlsx_projects_ledger", icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption(t("projects.ledger_hint", lang))

options = ledger.project_ids if detail_id is None or detail_id in ledger.project_ids else [
    detail_id, *ledger.project_ids]
detail_id = st.selectbox(
    t("projects.detail_pick", lang), options, format_func=lambda pid: ledger.labels.get(pid, pid), key=KEY_DETAIL,
    placeholder=t("projects.detail_placeholder", lang), filter_mode="contains",
)
ui.mirror_to_url("project", detail_id, None)

if detail_id is not None:
    detail = pv.project_detail(ui.load(queries.projects_ledger, zone_arg, province).set_index("project_id", drop=False)
                               .loc[detail_id].to_dict(), lang)
    with st.container(border=True, key="project_detail"):
        st.markdown(pv.detail_heading(detail))
        st.caption(detail.progress)
        for column, (label, value) in zip(st.columns(len(detail.figures)), detail.figures, strict=True):
            column.metric(label, value)
        for column, block in zip(st.columns(2), pv.detail_markdown(detail), strict=False):
            column.markdown(block)
        if detail.synthetic:
            st.caption(t("pv.detail.synthetic_note", lang))
