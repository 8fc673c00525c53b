"""Streamlit glue shared by the entrypoint and every page; pages use `from devzone import ui` and the names below.

- `ensure_database()` (first_run): first-run demo build; a clear stop when the file is missing or bad.
- `load(queries.fn, *args)` (cache): run a query function, cached per snapshot (a swapped-in file is a new key).
- `sidebar_filters()` (sidebar): the zone / year / language sidebar, kept in sync with `?zone=&year=&lang=`.
- `current_filters()` (filters): what a page reads to know the selection.
- `sidebar_account()` / `current_identity()` / `require_admin()` (account): who is using the app (devzone.auth).
- `chart_panel()` and the rest of the page furniture (panels), the screen class and its styles (screen),
  page controls mirrored in the URL (url), the 年度目标 panel (targets), the PDF report button (pdf) and the
  app's own "no such page" (routing).

The modules import downward only: cache <- filters <- sidebar / screen <- panels <- targets; audit_log <- account
<- first_run. Nothing outside this package imports it except dashboard.py and app_pages/.
"""
from devzone.ui.account import current_identity, leaving_for_home, require_admin, sidebar_account
from devzone.ui.cache import begin_run, load, run_snapshot, run_snapshot_key
from devzone.ui.filters import current_filters, zone_directory, zone_label
from devzone.ui.first_run import ensure_database
from devzone.ui.panels import (
    badge_after,
    chart_panel,
    empty_state,
    export_notes,
    fitting_table,
    synthetic_banner,
    view_panel,
)
from devzone.ui.pdf import report_button
from devzone.ui.routing import not_found_address, render_not_found
from devzone.ui.screen import screen, screen_styles, uploader_in_language
from devzone.ui.sidebar import sidebar_filters
from devzone.ui.targets import render_targets_panel
from devzone.ui.url import mirror_all_to_url, mirror_to_url, seed_from_url

__all__ = [
    "badge_after",
    "begin_run",
    "chart_panel",
    "current_filters",
    "current_identity",
    "empty_state",
    "ensure_database",
    "export_notes",
    "fitting_table",
    "leaving_for_home",
    "load",
    "mirror_all_to_url",
    "mirror_to_url",
    "not_found_address",
    "render_not_found",
    "render_targets_panel",
    "report_button",
    "require_admin",
    "run_snapshot",
    "run_snapshot_key",
    "screen",
    "screen_styles",
    "seed_from_url",
    "sidebar_account",
    "sidebar_filters",
    "synthetic_banner",
    "uploader_in_language",
    "view_panel",
    "zone_directory",
    "zone_label",
]
