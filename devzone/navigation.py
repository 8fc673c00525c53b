"""The screens of the dashboard, in menu order: (page file in app_pages/, title key in i18n, icon).

Kept apart from dashboard.py so that tests and benchmarks can list the pages without running the app.
"""
# The first one is the landing page (served at `/`); the others at `/<file stem>`.
PAGES = [
    ("overview.py", "nav.overview", ":material/dashboard:"),
    ("projects.py", "nav.projects", ":material/handshake:"),
    ("enterprises.py", "nav.enterprises", ":material/factory:"),
    ("output_tax.py", "nav.output_tax", ":material/payments:"),
    ("rankings.py", "nav.rankings", ":material/leaderboard:"),
    ("map.py", "nav.map", ":material/grid_view:"),
    ("chains.py", "nav.chains", ":material/account_tree:"),
    ("progress.py", "nav.progress", ":material/assignment_late:"),
    ("data_quality.py", "nav.data_quality", ":material/fact_check:"),
    ("present.py", "nav.present", ":material/slideshow:"),
]
# In the menu for admins only. Registered for everyone (hidden from the menu of anyone else), so that a viewer who
# opens its address gets the page's own refusal, in their language, not Streamlit's English "Page not found".
ADMIN_PAGES = [
    ("data_admin.py", "nav.data_admin", ":material/upload_file:"),
]


def menu(is_admin: bool, pages: list | None = None, admin_pages: list | None = None) -> list[tuple[str, str, str, str]]:
    """Every page as (file name, title key, icon, visibility): the admin pages "hidden" for anyone but an admin."""
    pages = PAGES if pages is None else pages
    admin_pages = ADMIN_PAGES if admin_pages is None else admin_pages
    return ([(*page, "visible") for page in pages]
            + [(*page, "visible" if is_admin else "hidden") for page in admin_pages])


def unknown_address(requested: object, file_names: list[str]) -> str | None:
    """The page address a link asked for when no page is served there (`/rankingz`), else None. Served there
    instead of the landing page, the app's own "no such page" keeps Streamlit's English "Page not found" away.
    Streamlit page addresses are one path segment: a longer one cannot be served and is left to Streamlit."""
    if not isinstance(requested, str):
        return None
    name = requested.strip().strip("/")
    if not name or "/" in name or name in {url_path(f) for f in file_names}:
        return None
    return name


def url_path(file_name: str) -> str:
    """Where a page is served: the landing page at the root, the others at their file stem."""
    return "" if file_name == PAGES[0][0] else file_name.removesuffix(".py")
