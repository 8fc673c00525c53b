"""总览 / Overview — the landing page: one zone and year at a glance.

A card per catalogue indicator (value in its official unit, 同比, provincial rank, trend, source),
what needs attention (rank fell, fell year on year, behind the annual target) and the zone profile.
Everything shown is prepared by devzone.scorecard; this file only lays it out.
"""
import datetime as dt

import streamlit as st

from devzone import fmt, queries, scorecard, tables, ui
from devzone.i18n import t

# Cards of a fixed width flow across the page and wrap: four a row on a 1440-pixel screen, three on a
# 1280-pixel projector with the sidebar open. Wide enough for `179.78亿元` (and `RMB 17.98 bn`) in the
# metric's large type; columns of a fixed count would cut amounts off on the smaller screen.
CARD_WIDTH = {"zh": 230, "en": 300}

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

    st.subheader(scorecard.heading(zone_label, year, lang))
    if view.synthetic:
        ui.synthetic_banner(lang)
    if not view.has_values:
        ui.empty_state("ov.no_values", lang, zone=fmt.plain(zone_label), year=year)
    st.caption(t("ov.cards_caption", lang))
    if view.legend:
        st.caption(view.legend)

    for category, group in view.groups:
        st.markdown("#### " + category)
        with st.container(horizontal=True, gap="small"):
            for card in group:
                with st.container(border=True, width=CARD_WIDTH.get(lang, 300), height="stretch"):
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
        st.dataframe(view.cards_table, hide_index=True, width="stretch")

    attention_column, profile_column = st.columns([3, 2], gap="large")
    with attention_column:
        st.subheader(t("ov.attention.title", lang))
        if not view.attention:
            st.success(t("ov.attention.none", lang), icon=":material/check_circle:")
        for block_heading, bullets in view.attention:
            st.markdown("##### " + block_heading)
            st.markdown(bullets)
        st.markdown("##### " + t("ov.targets.title", lang))
        if view.targets_table is not None:
            # a static table: it wraps to the column's width (a data grid in this narrow column scrolls its last
            # columns out of sight in English at 1440 px)
            st.table(tables.unbreakable(view.targets_table), hide_index=True)
            st.caption(t("ov.targets.caption", lang))
        else:
            st.markdown(t("ov.targets.none", lang))
    with profile_column:
        st.subheader(t("ov.profile.title", lang))
        with st.container(border=True):
            st.markdown(view.profile)
            st.caption(fmt.plain(view.profile_source))
