"""Every screen (devzone/screens.py): the class of the viewer's screen, its style sheets and the probe that
measures it."""
from __future__ import annotations

import streamlit as st

from devzone import fmt, screens, state
from devzone.i18n import t
from devzone.ui.cache import load
from devzone.ui.filters import zone_label


def data_as_of(lang: str) -> str:
    """`2022年1月20日`: the day the data describes (the project ledger's 截至 day, else when it was loaded)."""
    from devzone.export import report

    return report.data_as_of(load, lang)


KEY_SCREEN = "screen_class"  # what the browser measured (devzone/screens.py): phone, desk or projector
KEY_SCREEN_PROBE = "screen-probe"
_screen_probe = st.components.v2.component("devzone_screen_probe", js=screens.SCREEN_PROBE_JS)


def _measured_screen() -> None:
    reported = st.session_state.get(KEY_SCREEN_PROBE)
    measured = getattr(reported, "screen", None) if reported is not None else None
    if measured in screens.SCREEN_CLASSES:
        st.session_state[KEY_SCREEN] = measured


def screen() -> str:
    """The class of the viewer's screen: `?screen=` when the link says, else what the browser measured, else a
    desk. Chart builders size their text from it (charts.for_screen); no reload, one rerun when it is first known."""
    asked = screens.resolve_screen(st.query_params.get(screens.PARAM_SCREEN))
    return asked or st.session_state.get(KEY_SCREEN) or screens.DESK


def screen_styles(filters: state.FilterState) -> None:
    """The phone / projector / print style sheet, the running head of printed pages, and the probe that tells
    the server the class of the screen (st.context knows no window width)."""
    st.html(screens.page_css())
    # What this run drew for: the browser reports only a different class, so a desk viewer's new session is not
    # run twice (a `?screen=` link still learns the real window once, for when the link's class is dropped).
    known = st.session_state.get(KEY_SCREEN) or (None if st.query_params.get(screens.PARAM_SCREEN) else screens.DESK)
    _screen_probe(key=KEY_SCREEN_PROBE, data={"known": known}, height=0, on_screen_change=_measured_screen)
    if filters.zone_id is not None and filters.year is not None:
        st.html(screens.print_header_css(t(
            "print.header", filters.lang, zone=zone_label(filters.zone_id),
            year=fmt.year(filters.year, filters.lang), date=data_as_of(filters.lang))))


def uploader_in_language(lang: str, max_mb: float, types: list[str]) -> None:
    """The file uploader's button and limits line in the page's language (Streamlit writes them in English)."""
    st.html(screens.uploader_css(t("admin.upload.button", lang), t(
        "admin.upload.instructions", lang, limit=fmt.number(max_mb, 0), types=" · ".join(x.upper() for x in types))))
