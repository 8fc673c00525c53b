"""An unknown page address: the app's own "no such page" instead of Streamlit's English one."""
from __future__ import annotations

import streamlit as st

from devzone.i18n import t


def requested_page() -> str | None:
    """The page address (path segment) the browser asked for in this run, before st.navigation resolves it;
    None when a page is chosen by its script (the menu, st.switch_page) or Streamlit does not say."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        manager = get_script_run_ctx().pages_manager  # type: ignore[union-attr]
        if manager.intended_page_script_hash:
            return None
        return manager.intended_page_name
    except Exception:  # noqa: BLE001 - an internal that moved: Streamlit's own fallback applies
        return None


KEY_NOT_FOUND = "unknown_page_address"


def not_found_address(file_names: list[str]) -> str | None:
    """The unknown address this session was sent to (see navigation.unknown_address), kept for the reruns that
    follow (a widget, the screen probe): those carry the page's hash, not its address, and the page must still
    be registered, or Streamlit falls back to the landing page under the viewer's eyes."""
    from devzone import navigation

    requested = requested_page()
    if requested is not None:
        st.session_state[KEY_NOT_FOUND] = navigation.unknown_address(requested, file_names)
    return st.session_state.get(KEY_NOT_FOUND)


def render_not_found(name: str, home, lang: str) -> None:
    """The app's own "no such page", in the viewer's language, with a way back to the landing page."""
    st.title(t("nav.not_found", lang))
    st.info(t("nav.not_found.body", lang, name=name), icon=":material/travel_explore:")
    st.page_link(home, label=t("nav.not_found.home", lang), icon=":material/dashboard:")
