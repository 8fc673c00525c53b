"""产值税收 / Output & tax: projected annual output (预计年产值) and 利税 of the zone's investment projects.

By signing year, by industrial chain, the largest projects, and the zone-year figures next to what the ledger
adds up to. Page parameters in the URL (besides zone/year/lang): `measure=output|tax`, `period=year|all`.
"""
import streamlit as st

from devzone import fmt, queries, state, ui
from devzone import output_tax_view as otv
from devzone import projects_common as common
from devzone.i18n import t

KEY_MEASURE = "output_tax_measure"
KEY_PERIOD = "output_tax_period"


@st.cache_resource(max_entries=200, show_spinner=False)
def screen(snapshot, zone_id, year, measure, period, lang):
    """Everything the screen shows, built once per snapshot and selection (figures are slow to build).

    The result is shared between sessions: nothing may modify it.
    """
    return otv.output_tax_screen(
        ui.load(queries.projects_ledger, zone_id),
        ui.load(queries.output_tax_reported_vs_ledger, zone_id, otv.OUTPUT_INDICATORS),
        ui.load(queries.indicators), place=ui.zone_label(zone_id), year=year, measure=measure, period=period,
        lang=lang,
    )


filters = ui.current_filters()
lang = filters.lang
year = filters.year

st.title(t("nav.output_tax", lang))
if filters.zone_id is None or year is None:
    ui.empty_state("pv.no_selection", lang)
    st.stop()

ui.seed_from_url(KEY_MEASURE, "measure", lambda raw: state.resolve_choice(raw, otv.OUTPUT_MEASURES, "output"))
ui.seed_from_url(KEY_PERIOD, "period", lambda raw: state.resolve_choice(raw, common.PERIODS, common.PERIOD_YEAR))
view = screen(ui.run_snapshot(), filters.zone_id, year, st.session_state[KEY_MEASURE] or "output",
              st.session_state[KEY_PERIOD] or common.PERIOD_YEAR, lang)

st.caption(t("output_tax.caption", lang, place=fmt.plain(view.place), year=view.year_text))
if view.empty:
    ui.empty_state("output_tax.empty_zone", lang, place=fmt.plain(view.place))
    st.stop()
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
                st.caption(headline.rank)  # a line of its own: beside the delta it was cut short
st.caption(t("panel.source", lang, source=fmt.plain(view.headline_source)))

# ---------------------------------------------------------------- by signing year
st.subheader(t("output_tax.section.years", lang))
measure = st.segmented_control(
    t("pv.measure", lang), otv.OUTPUT_MEASURES, format_func=lambda m: otv.output_measure_label(m, lang),
    key=KEY_MEASURE, required=True,
) or "output"
ui.mirror_to_url("measure", measure, "output")
if view.years is None:
    ui.empty_state("output_tax.no_figures", lang, place=fmt.plain(view.place), measure=view.measure_name)
else:
    ui.view_panel(view.years, lang)

# ---------------------------------------------------------------- reported vs ledger
st.subheader(t("output_tax.section.compare", lang))
compared = view.comparison
if compared.table.empty:
    ui.empty_state("output_tax.no_figures", lang, place=fmt.plain(view.place), measure=view.measure_name)
elif not compared.any_reported:  # nothing to compare: say so, keep the figures one click away
    st.info(t("output_tax.compare_ledger_only", lang), icon=":material/info:")
    with st.expander(t("output_tax.compare_all_years", lang), icon=":material/table:"):
        ui.fitting_table(compared.table, name="ot-compare-all")
        st.caption(t("output_tax.compare_caption", lang))
else:
    reported = compared.reported_rows()
    if any(reported.differs):
        st.warning(t("output_tax.compare_differs", lang, n=sum(reported.differs)), icon=":material/rule:")
        st.dataframe(otv.highlight_differences(reported), hide_index=True, height="content")
        st.caption(t("output_tax.compare_caption", lang))
    else:  # a table saying 一致 on every row says one sentence's worth: the figures stay in the expander
        st.success(t("output_tax.compare_matches", lang, n=len(reported.table)), icon=":material/check_circle:")
    with st.expander(t("output_tax.compare_all_years", lang), icon=":material/table:"):
        ui.fitting_table(compared.table, name="ot-compare-years")

# ---------------------------------------------------------------- largest projects, by chain
st.subheader(t("output_tax.section.projects", lang))
period = st.segmented_control(
    t("output_tax.period", lang), common.PERIODS, format_func=lambda p: otv.signing_period_label(p, year, lang),
    key=KEY_PERIOD, required=True,
) or common.PERIOD_YEAR
ui.mirror_to_url("period", period, common.PERIOD_YEAR)
if view.top is None:
    ui.empty_state("output_tax.no_projects", lang, place=fmt.plain(view.place), period=view.period_text,
                   measure=view.measure_name)
    st.stop()
ui.view_panel(view.top, lang)

left, right = st.columns(2)
with left:
    ui.view_panel(view.chains, lang)
with right:
    if view.intensity is None:
        ui.empty_state("output_tax.no_intensity", lang)
    else:
        ui.view_panel(view.intensity, lang)
        st.caption(t("output_tax.intensity_caption", lang))
