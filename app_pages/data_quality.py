"""数据概况 / Data overview: what the dashboard has loaded, and whether it is demo data."""
import streamlit as st

from devzone import db, overview, queries, tables, ui
from devzone.i18n import t

filters = ui.current_filters()
lang = filters.lang
summary = ui.load(queries.snapshot_summary)

st.title(t("home.title", lang))
st.caption(overview.snapshot_caption(summary, db.resolve_path(), lang))

if overview.has_synthetic_data(summary):
    st.warning(overview.synthetic_banner(summary, lang), icon=":material/science:")
if not overview.has_values(summary):
    st.info(t("home.empty_db", lang), icon=":material/upload_file:")

metrics = overview.headline_metrics(summary, lang)
for row_start in range(0, len(metrics), 3):  # two rows of three: long values stay readable on a projector
    for column, metric in zip(st.columns(3), metrics[row_start:row_start + 3], strict=False):
        column.metric(metric.label, metric.value, help=metric.help, border=True, height="stretch")

st.subheader(t("home.selection", lang))
if filters.zone_id is not None and filters.year is not None:
    zone_values = ui.load(queries.zone_year_values, filters.zone_id, filters.year)
    st.markdown(overview.selection_coverage(zone_values, ui.zone_label(filters.zone_id), filters.year, lang))
else:
    st.markdown(t("home.selection_none", lang))

st.subheader(t("home.indicators", lang))
st.caption(t("home.indicators_caption", lang))
catalogue = tables.indicator_catalogue(ui.load(queries.indicator_coverage), lang)
st.dataframe(catalogue, hide_index=True, height="content")

st.subheader(t("home.loads", lang))
loads = ui.load(queries.recent_loads, 10)
if loads.empty:
    st.markdown(t("home.loads_empty", lang))
else:
    st.dataframe(tables.load_history(loads, lang), hide_index=True, height="content")
