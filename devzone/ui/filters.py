"""The selection (zone, year, language) of this run, and the zones of the snapshot it is made from."""
from __future__ import annotations

import streamlit as st

from devzone import fmt, queries, state
from devzone.i18n import t, t_or
from devzone.ui.cache import KEY_RUN_SNAPSHOT, load

KEY_ZONE = "filter_zone"
KEY_YEAR = "filter_year"
KEY_LANG = "filter_lang"
KEY_SEEDED = "filters_seeded_from_url"
KEY_FILTERS = "current_filters"
KEY_URL_MISSES = "filters_not_found_in_url"  # what the link asked for and the snapshot lacks: said once
KEY_ZONE_DIRECTORY = "zone_directory_of_snapshot"


def zone_directory() -> state.ZoneDirectory:
    """The zones of this run's snapshot, with every name a URL may use for them. Built once per snapshot and
    session: the sidebar, captions and export notes ask for it many times a run."""
    pinned = st.session_state.get(KEY_RUN_SNAPSHOT)  # (path, snapshot): a pin on another file differs too
    remembered = st.session_state.get(KEY_ZONE_DIRECTORY)
    if pinned is not None and remembered is not None and remembered[0] == pinned:
        return remembered[1]
    directory = state.ZoneDirectory.from_frame(load(queries.zones))
    if pinned is not None:
        st.session_state[KEY_ZONE_DIRECTORY] = (pinned, directory)
    return directory


def years_available() -> list[int]:
    return [int(y) for y in load(queries.years_available)["year"]]


def _province_years(zone_id: str | None) -> list[int]:
    province = state.province_of(load(queries.zones), zone_id)
    return [] if province is None else [int(y) for y in load(queries.years_available, province)["year"]]


def latest_year_of(zone_id: str | None) -> int | None:
    """The latest year with data in the province of `zone_id` (state.zone_default_year)."""
    return state.default_year(_province_years(zone_id))


def year_for_zone(zone_id: str | None, year: int | None) -> int | None:
    """`year`, unless the province of a zone just chosen has no data for it: then its latest year (a database may
    hold a province whose figures end a year earlier than another's)."""
    own = _province_years(zone_id)
    return year if not own or year in own else max(own)


def zone_caption(zone_id: str, lang: str) -> str:
    zone = load(queries.zones).set_index("zone_id").loc[zone_id]
    return t(
        "sidebar.zone_caption", lang,
        zone_name=fmt.plain(zone["zone_name"]), city=fmt.plain(zone["city"]),
        level=fmt.plain(t_or(f"zone.level.{zone['level']}", str(zone["level"]), lang)),
        zone_type=fmt.plain(t_or(f"zone.type.{zone['zone_type']}", str(zone["zone_type"]), lang)),
    )


def current_filters() -> state.FilterState:
    """The selection made in the sidebar of this run (defaults if a page runs without the entrypoint)."""
    filters = st.session_state.get(KEY_FILTERS)
    if isinstance(filters, state.FilterState):
        return filters
    return state.from_query_params(st.query_params.to_dict(), zone_directory(), years_available(), latest_year_of)


def zone_label(zone_id: str | None) -> str:
    return fmt.MISSING if zone_id is None else zone_directory().label(zone_id)
