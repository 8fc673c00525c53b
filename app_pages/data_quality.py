"""数据质量 / Data & sources: what is loaded, where each value comes from, and where the sources disagree.

Page parameter in the URL: `ind` (the indicator whose source is shown for the sidebar's zone and year).

What the page shows is built once per snapshot and language (`snapshot_view`) and per selection
(`selection_view`), then reused on later reruns.
"""
import streamlit as st

from devzone import admin_view, charts, db, fmt, overview, queries, state, tables, ui
from devzone import quality_view as view
from devzone.i18n import t

PARAM_INDICATOR, KEY_INDICATOR = "ind", "dq_indicator"
LOADS_SHOWN = 200


@st.cache_resource(max_entries=50, show_spinner=False)
def snapshot_view(db_path: str, snapshot: str, lang: str):
    """(view.SnapshotView, (coverage figure, zones left out of it), load-history table, catalogue table) — shared,
    never modified."""
    catalogue = ui.load(queries.indicators)
    loads = ui.load(queries.recent_loads, LOADS_SHOWN)
    built = view.build_snapshot(
        values=ui.load(queries.value_coverage), zones=ui.load(queries.zones),
        years=[int(y) for y in ui.load(queries.years_available)["year"]], catalogue=catalogue,
        discrepancies=ui.load(queries.ledger_discrepancy_list), by_table=ui.load(queries.synthetic_rows_by_table),
        loads=loads, lang=lang)
    figure, left_out = None, 0
    if built.coverage.expected:
        cells, left_out = view.coverage_chart_cells(built.coverage)
        figure = charts.coverage_heatmap(cells, rows="zone", columns="year", value="n", text="text",
                                         hover="hover", max_value=len(catalogue))
    return (built, (figure, left_out), tables.load_history(loads, lang),
            tables.indicator_catalogue(ui.load(queries.indicator_coverage), lang))


@st.cache_resource(max_entries=300, show_spinner=False)
def selection_view(db_path: str, snapshot: str, zone_id: str, year: int, lang: str, indicator: str):
    provenance = ui.load(queries.zone_year_provenance, zone_id, year)
    counted = (ui.load(queries.ledger_projects_counted, zone_id, year, indicator)
               if view.needs_projects(provenance, indicator) else None)
    zone_label = fmt.plain(ui.zone_label(zone_id))  # the sentences below are markdown
    coverage_line = overview.selection_coverage(ui.load(queries.zone_year_values, zone_id, year), zone_label, year,
                                                lang)
    return coverage_line, view.build_selection(provenance, indicator, zone_label, year, counted, lang)


filters = ui.current_filters()
lang = filters.lang
summary = ui.load(queries.snapshot_summary)
snapshot_key = ui.run_snapshot_key()

st.title(t("nav.data_quality", lang))
st.caption(overview.snapshot_caption(summary, db.resolve_path() if ui.current_identity().is_admin else None, lang))

if overview.has_synthetic_data(summary):
    st.warning(overview.synthetic_banner(summary, lang), icon=":material/science:")
if not overview.has_values(summary):
    st.info(t("home.empty_db", lang), icon=":material/upload_file:")

metrics = overview.headline_metrics(summary, lang)
for row_start in range(0, len(metrics), 3):  # two rows of three: long values stay readable on a projector
    for column, metric in zip(st.columns(3), metrics[row_start:row_start + 3], strict=False):
        column.metric(metric.label, metric.value, help=metric.help, border=True, height="stretch")

built, (coverage_figure, zones_left_out), loads_table, catalogue_table = snapshot_view(*snapshot_key, lang)
zone_label = fmt.plain(ui.zone_label(filters.zone_id))  # only shown in markdown

# ---------------------------------------------------------------- where the selected values come from
st.subheader(t("dq.section.source", lang))
if filters.zone_id is not None and filters.year is not None:
    catalogue = ui.load(queries.indicators)
    codes = list(catalogue["indicator"])
    names = view.indicator_names(catalogue, lang)
    if KEY_INDICATOR not in st.session_state:  # first view of the page: the URL decides
        st.session_state[KEY_INDICATOR] = state.resolve_option(st.query_params.get(PARAM_INDICATOR), codes, codes[0])
    chosen = st.session_state[KEY_INDICATOR]
    coverage_line, selection = selection_view(*snapshot_key, filters.zone_id, filters.year, lang, chosen)
    st.markdown(coverage_line)
    widths = {"dq.col.indicator": 190, "dq.col.value": 105, "dq.col.source": 300, "dq.col.nature": 70}
    ui.fitting_table(selection.table, name="dq-values", height="content",
                     column_config={t(key, lang): st.column_config.TextColumn(width=w) for key, w in widths.items()})

    st.columns([1, 1])[0].selectbox(t("dq.src.pick", lang), codes, key=KEY_INDICATOR, format_func=names.get)
    ui.mirror_to_url(PARAM_INDICATOR, chosen, codes[0])  # the default stays out of the address

    origin = selection.origin
    st.markdown(origin.headline)
    if origin.check:
        st.markdown(origin.check)
    if origin.kind == "file":
        ui.fitting_table(view.facts_table(origin.facts, lang), name="dq-facts", height="content", width="content")
    if selection.projects is not None:
        with st.expander(selection.projects_summary, expanded=origin.kind == "ledger", icon=":material/list_alt:"):
            ui.fitting_table(selection.projects, name="dq-projects",
                             height=min(420, 38 + 35 * max(1, len(selection.projects))))
else:
    st.markdown(t("home.selection_none", lang))

# ---------------------------------------------------------------- coverage
st.subheader(t("dq.section.coverage", lang))
coverage = built.coverage
if coverage_figure is None:
    ui.empty_state("dq.cov.empty", lang)
else:
    st.markdown(built.coverage_summary)
    st.caption(t("dq.cov.legend", lang))
    if zones_left_out:
        st.caption(t("dq.cov.drawn", lang, drawn=view.COVERAGE_ZONES_DRAWN, left_out=zones_left_out))
    ui.chart_panel(coverage_figure, coverage.table, key="coverage", source=t("dq.cov.source", lang), lang=lang,
                   title=t("dq.section.coverage", lang))
    if coverage.gaps.empty:
        st.markdown(t("dq.gaps.none", lang))
    else:
        st.markdown(t("dq.gaps.title", lang, n=len(coverage.gaps)))
        ui.fitting_table(coverage.gaps, name="dq-gaps")

# ---------------------------------------------------------------- reported vs ledger
st.subheader(t("dq.section.discrepancies", lang))
st.markdown(t("dq.disc.explain", lang))
st.markdown(view.discrepancy_summary(built.discrepancies, filters.zone_id, zone_label, lang))
if not built.discrepancies.empty:
    ui.fitting_table(built.discrepancy_table, name="dq-discrepancies")

# ---------------------------------------------------------------- synthetic shares
st.subheader(t("dq.section.synthetic", lang))
st.caption(t("dq.synthetic.caption", lang))
ui.fitting_table(built.synthetic_table, name="dq-synthetic")

# ---------------------------------------------------------------- load history and catalogue
st.subheader(t("home.loads", lang))
if loads_table.empty:
    st.markdown(t("home.loads_empty", lang))
else:
    st.caption(built.loads_caption)
    ui.fitting_table(loads_table, name="dq-loads")

st.subheader(t("home.indicators", lang))
st.caption(t("home.indicators_caption", lang))
ui.fitting_table(catalogue_table, name="dq-catalogue")

# ---------------------------------------------------------------- the public views as one workbook (admins only)
identity = ui.current_identity()
if identity.is_admin:
    st.subheader(t("dq.section.export", lang))
    st.caption(t("dq.export.caption", lang))
    scope = st.radio(t("dq.export.scope", lang), view.EXPORT_SCOPES, horizontal=True, key="dq_export_scope",
                     format_func=lambda s: view.export_scope_label(s, lang),
                     disabled=filters.zone_id is None or filters.year is None)
    export_year, export_zone = view.export_scope(scope, filters.zone_id, filters.year)
    db_path = db.resolve_path()
    st.download_button(
        t("dq.export.button", lang), icon=":material/download:", key="dq_export_views", mime=admin_view.XLSX_MIME,
        file_name=view.views_file_name(ui.load(queries.export_stamp), export_year, export_zone),
        # built when clicked (not on every rerun), from the snapshot live at that moment: its stamp is inside
        data=lambda: view.views_workbook(db.reader(db_path), export_year, export_zone, lang),
        on_click=admin_view.record_views_download, args=(scope, identity.name, identity.role, db_path))
