"""开发区经济指标看板 — the entrypoint. It only routes: page setup, shared sidebar, navigation.

Run with `streamlit run dashboard.py` (or `./run.sh`). Screens live in app_pages/, one file each.
(Not `pages/`: a directory of that name switches Streamlit into its legacy multipage mode for
the first run of every server process and for every AppTest run, which skips this file.)
"""
from pathlib import Path

import streamlit as st

from devzone import ui
from devzone.i18n import t

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
# A file, not ":material/…": Streamlit fetches material-icon favicons from a font CDN, unreachable on an intranet.
FAVICON = Path(__file__).resolve().parent / "devzone" / "assets" / "favicon.png"
# (page file, title key, icon). The first one is the landing page.
PAGES = [
    ("overview.py", "nav.overview", ":material/dashboard:"),
    ("projects.py", "nav.projects", ":material/handshake:"),
    ("enterprises.py", "nav.enterprises", ":material/factory:"),
    ("output_tax.py", "nav.output_tax", ":material/payments:"),
    ("rankings.py", "nav.rankings", ":material/leaderboard:"),
    ("chains.py", "nav.chains", ":material/account_tree:"),
    ("progress.py", "nav.progress", ":material/assignment_late:"),
    ("data_quality.py", "nav.data_quality", ":material/fact_check:"),
    ("present.py", "nav.present", ":material/slideshow:"),
]
# Listed for admins only (the page also checks the role itself on every run).
ADMIN_PAGES = [
    ("data_admin.py", "nav.data_admin", ":material/upload_file:"),
]

st.set_page_config(page_title=t("app.title"), page_icon=str(FAVICON), layout="wide")

ui.ensure_database()
ui.begin_run()
filters = ui.sidebar_filters()
identity = ui.sidebar_account(filters.lang)

navigation = st.navigation(
    [
        st.Page(PAGES_DIR / file_name, title=t(title_key, filters.lang), icon=icon, default=(i == 0))
        for i, (file_name, title_key, icon) in enumerate(PAGES + (ADMIN_PAGES if identity.is_admin else []))
    ]
)
navigation.run()
