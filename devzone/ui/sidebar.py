"""The shared sidebar: zone / year / language pickers kept in sync with `?zone=&year=&lang=`, and their copy at
the top of the page for a phone."""
from __future__ import annotations

import streamlit as st

from devzone import fmt, queries, state
from devzone.i18n import LANGUAGES, province_name, t
from devzone.ui.cache import load
from devzone.ui.filters import (
    KEY_FILTERS,
    KEY_LANG,
    KEY_SEEDED,
    KEY_URL_MISSES,
    KEY_YEAR,
    KEY_ZONE,
    latest_year_of,
    year_for_zone,
    years_available,
    zone_caption,
    zone_directory,
    zone_label,
)


def _seed_widgets(filters: state.FilterState) -> None:
    st.session_state[KEY_ZONE] = filters.zone_id
    st.session_state[KEY_YEAR] = filters.year
    st.session_state[KEY_LANG] = filters.lang


def _initial_filters(zones: state.ZoneDirectory, years: list[int]) -> None:
    """First run of a session: the URL decides. Later runs: the widgets decide, within what exists."""
    if not st.session_state.get(KEY_SEEDED):
        params = st.query_params.to_dict()
        _seed_widgets(state.from_query_params(params, zones, years, latest_year_of))
        st.session_state[KEY_URL_MISSES] = state.unknown_in_url(params, zones, years)
        st.session_state[KEY_SEEDED] = True
        return
    remembered = state.FilterState(
        st.session_state.get(KEY_ZONE), st.session_state.get(KEY_YEAR), st.session_state.get(KEY_LANG, "zh")
    )
    usable = state.sanitise(remembered, zones, years, latest_year_of)  # a reload may have removed a zone or a year
    if usable != remembered:
        _seed_widgets(usable)


def _write_url(filters: state.FilterState, zones: state.ZoneDirectory) -> None:
    """Put the selection in the address bar (only our keys; pages may add their own parameters)."""
    current = st.query_params.to_dict()
    wanted = state.to_query_params(filters, zones)
    for key in state.FILTER_PARAMS:
        if key not in wanted and key in current:
            del st.query_params[key]  # e.g. ?zone=… while the database has no zones at all
        elif key in wanted and current.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]


def sidebar_filters() -> state.FilterState:
    zones, years = zone_directory(), years_available()
    _initial_filters(zones, years)
    with st.sidebar:
        lang = st.session_state.get(KEY_LANG, "zh")
        st.markdown(f"**{t('app.title', lang)}**  \n{_subtitle(st.session_state.get(KEY_ZONE), lang)}")
        zone_id = st.selectbox(
            t("sidebar.zone", lang), zones.zone_ids, format_func=zones.label, key=KEY_ZONE,
            help=t("sidebar.zone_help", lang), placeholder=t("sidebar.zone_none", lang),
            filter_mode="contains", on_change=_chose_zone_in_sidebar,
        )
        if zone_id is not None:
            st.caption(zone_caption(zone_id, lang))
        # Plain "2021", not "2021年": after a language switch the browser keeps showing the label
        # the selected option had before, so option labels must not depend on the language.
        year = st.selectbox(
            t("sidebar.year", lang), sorted(years, reverse=True), key=KEY_YEAR,
            placeholder=t("sidebar.year_none", lang), on_change=_chose_in_sidebar,
        )
        st.divider()
        lang = st.segmented_control(
            t("sidebar.language", lang), LANGUAGES, format_func=lambda code: t(f"lang.{code}", code),
            key=KEY_LANG, required=True, on_change=_chose_in_sidebar,
        )
    filters = state.FilterState(zone_id, year, lang or "zh")
    _close_sidebar_on_a_phone()
    _top_pickers(filters, zones, years)
    _say_what_the_link_lacked(filters, zones)
    _write_url(filters, zones)
    st.session_state[KEY_FILTERS] = filters
    return filters


def _subtitle(zone_id: str | None, lang: str) -> str:
    """`山西省开发区主要经济指标`: the province of the zone chosen (a database may hold several)."""
    province = state.province_of(load(queries.zones), zone_id)
    if province is None:
        return t("app.subtitle_plain", lang)
    return t("app.subtitle", lang, province=province_name(province, lang))


KEY_CLOSE_SIDEBAR = "close_sidebar_after_choice"
KEY_TOP_ZONE = "top_zone"
KEY_TOP_YEAR = "top_year"
# On a phone the open sidebar covers the page: once a choice is made there, close it (a click on its own
# collapse button, as a person would). Nothing happens on a wider screen, where the sidebar sits beside the page.
_CLOSE_SIDEBAR_JS = """<script>
(() => {
  if (window.innerWidth > 640) return;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (sidebar && sidebar.dataset.collapsed === 'false' && button) button.click();
})();
</script>"""


def _chose_in_sidebar() -> None:
    st.session_state[KEY_CLOSE_SIDEBAR] = True


def _chose_zone_in_sidebar() -> None:
    _chose_in_sidebar()
    st.session_state[KEY_YEAR] = year_for_zone(st.session_state.get(KEY_ZONE), st.session_state.get(KEY_YEAR))


def _close_sidebar_on_a_phone() -> None:
    if st.session_state.pop(KEY_CLOSE_SIDEBAR, False):
        st.html(_CLOSE_SIDEBAR_JS, unsafe_allow_javascript=True)


def _from_top_pickers() -> None:
    zone, year = st.session_state.get(KEY_TOP_ZONE), st.session_state.get(KEY_TOP_YEAR)
    if zone != st.session_state.get(KEY_ZONE):
        year = year_for_zone(zone, year)
    st.session_state[KEY_ZONE], st.session_state[KEY_YEAR] = zone, year


def _top_pickers(filters: state.FilterState, zones: state.ZoneDirectory, years: list[int]) -> None:
    """The zone and year pickers again at the top of the page, for a phone (screens.css shows them only on a
    narrow screen): one tap on `盐湖高新区 · 2021年` instead of opening the sidebar."""
    if filters.zone_id is None or filters.year is None:
        return
    lang = filters.lang
    st.session_state[KEY_TOP_ZONE] = filters.zone_id
    st.session_state[KEY_TOP_YEAR] = filters.year
    with st.container(key="top-pickers"), st.popover(
            t("top.pickers", lang, zone=zones.label(filters.zone_id), year=fmt.year(filters.year, lang)),
            icon=":material/tune:", width="stretch"):
        st.selectbox(t("sidebar.zone", lang), zones.zone_ids, format_func=zones.label, key=KEY_TOP_ZONE,
                     filter_mode="contains", on_change=_from_top_pickers)
        st.selectbox(t("sidebar.year", lang), sorted(years, reverse=True), key=KEY_TOP_YEAR,
                     on_change=_from_top_pickers)



def _say_what_the_link_lacked(filters: state.FilterState, zones: state.ZoneDirectory) -> None:
    """On the first view only: a shared link named a zone or year this snapshot does not have."""
    for miss in st.session_state.pop(KEY_URL_MISSES, None) or []:
        if miss.param == state.PARAM_ZONE:
            text = t("url.zone_not_found", filters.lang, raw=fmt.plain(miss.raw),
                     shown=fmt.plain(zone_label(filters.zone_id)))
        else:
            text = t("url.year_not_found", filters.lang, raw=fmt.plain(miss.raw),
                     shown=fmt.year(filters.year, filters.lang))
        st.warning(text, icon=":material/link_off:")  # the link's words escaped: shown as typed
