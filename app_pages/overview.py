"""总览 / Overview — the landing page: one zone and year at a glance.

A card per catalogue indicator (value in its official unit, 同比, provincial rank, trend, source),
what needs attention (rank fell, fell year on year, behind the annual target) and the zone profile.
Everything shown is prepared by devzone.scorecard; this file only lays it out.
"""
import datetime as dt

import streamlit as st

from devzone import fmt, queries, scorecard, screens, tables, ui
from devzone.i18n import t


@st.cache_resource(max_entries=256, show_spinner=False)
def build(token, _frames, year, lang, today):
    """scorecard.overview_model, kept per content of the query frames (`token`)."""
    return scorecard.overview_model(*_frames, year, lang, today)


filters = ui.current_filters()
lang = filters.lang
st.title(t("nav.overview", lang))

if filters.zone_id is None or filters.year is None:
    ui.empty_state("ov.no_selection", lang)
else:
    zone_id, year = filters.zone_id, filters.year
    zone_label = ui.zone_label(zone_id)
    frames = (
        ui.load(queries.indicators),
        ui.load(queries.zone_indicator_history, zone_id),
        ui.load(queries.zone_targets, zone_id, year),
        ui.load(queries.zone_profile, zone_id),
    )
    view = build(scorecard.fingerprint(*frames), frames, year, lang, dt.date.today())

    with st.container(horizontal=True, vertical_alignment="center", key="ov-title-row"):
        st.subheader(scorecard.heading(zone_label, year, lang))
        ui.report_button(zone_id, year, lang)
    if view.synthetic:
        ui.synthetic_banner(lang)
    if not view.has_values:
        ui.empty_state("ov.no_values", lang, zone=fmt.plain(zone_label), year=year)
    # The headline band: the key figures and the rank in large type, then what needs attention, then every card.
    with st.container(horizontal=True, gap="small", key=screens.BAND_KEY):
        for item in scorecard.headline(view, frames[1], year, lang):
            with st.container(border=True, width="stretch", height="stretch"):
                st.metric(item.label, item.value, delta=item.delta.text or None, delta_color=item.delta.color,
                          delta_arrow=item.delta.arrow, delta_description=t("ov.yoy", lang) if item.delta.text else None)
                st.markdown(ui.badge_after(item.note, item.tag))

    attention_column, targets_column = st.columns(2, gap="large")
    with attention_column, st.container(key="ov-attention"):
        st.subheader(t("ov.attention.title", lang))
        if not view.attention:
            st.success(t("ov.attention.none", lang), icon=":material/check_circle:")
        for block_heading, bullets in view.attention:
            st.markdown("##### " + block_heading)
            st.markdown(bullets)
    with targets_column, st.container(key="ov-targets"):
        st.subheader(t("ov.targets.title", lang))
        if view.targets_table is not None:
            # a static table: it wraps to the column's width (a data grid in this narrow column scrolls its last
            # columns out of sight in English at 1440 px)
            st.table(tables.unbreakable(view.targets_table), hide_index=True)
            st.caption(t("ov.targets.caption", lang))
        else:
            st.markdown(t("ov.targets.none", lang))

    st.subheader(t("ov.cards.title", lang))
    st.caption(t("ov.cards_caption", lang))
    if view.legend:
        st.caption(view.legend)
    st.html(screens.card_grid_css([len(group) for _, group in view.groups], lang))
    with st.container(key=screens.GRID_KEY):
        for index, (category, group) in enumerate(view.groups):
            st.markdown("#### " + category)
            with st.container(key=screens.grid_key(len(group), index), gap="small"):
                for card in group:
                    with st.container(border=True, height="stretch", key=screens.card_key(card.indicator)):
                        st.metric(
                            card.label, card.value,
                            delta=card.delta.text, delta_color=card.delta.color, delta_arrow=card.delta.arrow,
                            delta_description=t("ov.yoy", lang), help=fmt.plain(card.source_help),
                            chart_data=list(card.trend) or None, chart_type="line",
                        )
                        if card.tag:
                            st.badge(card.tag, icon=":material/verified:", color="green")
                        st.markdown(scorecard.card_rank_markdown(card))
                        st.caption(fmt.plain(card.source))

    with st.expander(t("ov.table.title", lang), icon=":material/table:"):
        ui.fitting_table(view.cards_table, name="ov-cards-table")

    st.subheader(t("ov.profile.title", lang))
    with st.container(border=True, key="ov-profile"):
        st.markdown(view.profile)
        st.caption(fmt.plain(view.profile_source))
