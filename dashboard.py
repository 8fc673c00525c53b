"""开发区经济指标看板 — the entrypoint. It only routes: page setup, shared sidebar, navigation.

Run with `streamlit run dashboard.py` (or `./run.sh`). Screens live in app_pages/, one file each.
(Not `pages/`: a directory of that name switches Streamlit into its legacy multipage mode for
the first run of every server process and for every AppTest run, which skips this file.)
"""
from pathlib import Path

import streamlit as st

from devzone import navigation, offline, ui, uploads
from devzone.i18n import t
from devzone.navigation import ADMIN_PAGES, PAGES

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
# A file, not ":material/…": Streamlit fetches material-icon favicons from a font CDN, unreachable on an intranet.
FAVICON = Path(__file__).resolve().parent / "devzone" / "assets" / "favicon.png"

st.set_page_config(page_title=t("app.title"), page_icon=str(FAVICON), layout="wide")
offline.pin_addresses()  # a websocket from another site must not make Streamlit look up our address online

ui.ensure_database()
ui.begin_run()
filters = ui.sidebar_filters()
identity = ui.sidebar_account(filters.lang)
uploads.permit(identity.is_admin)  # only an admin's session may hold uploaded files (devzone/uploads.py)

pages = [
    st.Page(PAGES_DIR / file_name, title=t(title_key, filters.lang), icon=icon, default=(i == 0),
            visibility=visibility)  # admin pages: hidden from viewers' menu, but their address refuses plainly
    for i, (file_name, title_key, icon, visibility) in enumerate(navigation.menu(identity.is_admin, PAGES, ADMIN_PAGES))
]
missing = ui.not_found_address([f for f, *_ in PAGES + ADMIN_PAGES])
if missing is not None:  # served at the address asked for, so Streamlit shows no English "Page not found"
    pages.append(st.Page(lambda: ui.render_not_found(missing, pages[0], filters.lang),
                         title=t("nav.not_found", filters.lang), url_path=missing, visibility="hidden"))
router = st.navigation(pages)
# After st.navigation: the probe's report reruns the session, and a rerun sent before the browser has heard which
# page this is would carry the entrypoint's hash, and Streamlit would answer with the landing page.
ui.screen_styles(filters)
if ui.leaving_for_home():
    st.switch_page(pages[0])
router.run()
