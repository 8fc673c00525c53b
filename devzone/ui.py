"""Streamlit glue shared by the entrypoint and every page.

- `ensure_database()`: first-run demo build; a clear stop when the file is missing or bad (an admin may rebuild).
- `load(queries.fn, *args)`: run a query function, cached per snapshot (a swapped-in file is a new key).
- `sidebar_filters()`: the zone / year / language sidebar, kept in sync with `?zone=&year=&lang=`.
- `current_filters()`: what a page reads to know the selection.
- `sidebar_account()` / `current_identity()` / `require_admin()`: who is using the app (devzone.auth):
  the sidebar login (local users file, or OIDC through `st.login()`), and the admin-only page guard.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from devzone import audit, auth, charts, db, fmt, queries, recovery, screens, state, tables
from devzone.export import chart_data, images
from devzone.i18n import LANGUAGES, Lang, t, t_or

KEY_ZONE = "filter_zone"
KEY_YEAR = "filter_year"
KEY_LANG = "filter_lang"
KEY_SEEDED = "filters_seeded_from_url"
KEY_FILTERS = "current_filters"
KEY_URL_MISSES = "filters_not_found_in_url"  # what the link asked for and the snapshot lacks: said once
_SNAPSHOT_RETRIES = 3


# ---------------------------------------------------------------- cached queries

@st.cache_resource(show_spinner=False, max_entries=2000)
def _cached_query(query_name: str, db_path: str, snapshot: str, args: tuple) -> pd.DataFrame:
    """One frame per snapshot and query, shared by every session: never handed out as is (see `load`).

    Not st.cache_data: that pickles and unpickles the frame on every call, which at national scale (hundreds
    of thousands of rows) costs more than the rest of a rerun."""
    query_fn = getattr(queries, query_name)
    return query_fn(db.reader(db_path).pinned(snapshot), *args)


def _private(frame: pd.DataFrame) -> pd.DataFrame:
    # pandas 3 copies on write: a shallow copy costs nothing, and whatever a page does to its copy (new
    # columns, changed values, sorting in place) never reaches the shared frame.
    return frame.copy(deep=False)


KEY_RUN_SNAPSHOT = "snapshot_of_this_run"


def begin_run() -> None:
    """Pin the snapshot for this script run, so every query of one page answers from the same file."""
    snapshot_reader = db.reader()
    st.session_state[KEY_RUN_SNAPSHOT] = (str(snapshot_reader.path), snapshot_reader.snapshot_id())


def run_snapshot_key() -> tuple[str, str]:
    """(database path, snapshot id) this run reads: with a query's arguments, an exact cache key for what is
    built from its result (cheaper than hashing a national-scale frame, and never the file swapped in mid-run)."""
    pin = st.session_state.get(KEY_RUN_SNAPSHOT)
    if not isinstance(pin, tuple):
        begin_run()
        pin = st.session_state[KEY_RUN_SNAPSHOT]
    return pin


def run_snapshot() -> str:
    """`run_snapshot_key()` as one string ("path|id")."""
    return "|".join(run_snapshot_key())


def zone_directory() -> state.ZoneDirectory:
    """The zones of this run's snapshot, with every name a URL may use for them."""
    return _zone_directory()


def _pinned_snapshot(db_path: str) -> str | None:
    """This run's snapshot of `db_path`, if one was pinned (a pin taken on another file does not count)."""
    pin = st.session_state.get(KEY_RUN_SNAPSHOT)
    return pin[1] if isinstance(pin, tuple) and pin[0] == db_path else None


def load(query_fn: Callable[..., pd.DataFrame], *args: object) -> pd.DataFrame:
    """`load(queries.zones)` — the result for this run's snapshot, cached until the file is replaced.

    If the ETL swaps a new snapshot in while a page is being drawn, the run starts again on the new one
    instead of mixing old and new figures on one screen.
    """
    if getattr(queries, query_fn.__name__, None) is not query_fn:
        raise ValueError(f"{query_fn!r} is not a function of devzone.queries")
    snapshot_reader = db.reader()
    db_path = str(snapshot_reader.path)
    pinned = _pinned_snapshot(db_path)
    if pinned is not None:
        try:
            return _private(_cached_query(query_fn.__name__, db_path, pinned, args))
        except db.SnapshotChangedError:
            begin_run()
            st.rerun()
    for _ in range(_SNAPSHOT_RETRIES):
        try:
            return _private(_cached_query(query_fn.__name__, db_path, snapshot_reader.snapshot_id(), args))
        except db.SnapshotChangedError:
            continue  # a new file was swapped in between taking the id and querying: ask again
    raise db.DatabaseBusyError(snapshot_reader.path, "数据库文件在持续更新 / the file keeps changing")


# ---------------------------------------------------------------- database bootstrap

def requested_language() -> Lang:
    """The language before the sidebar exists (for bootstrap messages): session first, then the URL."""
    chosen = st.session_state.get(KEY_LANG)
    if chosen in LANGUAGES:
        return chosen
    return state.resolve_lang(st.query_params.get(state.PARAM_LANG)) or "zh"


def _build_demo_on_first_run(path: Path, lang: Lang) -> None:
    """Only where there has never been a database (devzone.recovery.had_database); audited like any rebuild."""
    with st.spinner(t("db.building_demo", lang), show_time=False):  # "(0.7 seconds)" is English in either language
        try:
            recovery.rebuild_demo(path, user=recovery.FIRST_RUN_USER, role=auth.VIEWER, first_run=True)
        except ImportError as exc:
            st.error(t("db.etl_unavailable", lang, error=exc), icon=":material/error:")
            st.stop()
        except Exception:  # noqa: BLE001 - the app cannot go on; the audit log has the reason
            st.error(t("db.build_failed", lang), icon=":material/error:")
            st.stop()


def _last_load_text(last: recovery.LastLoad | None, lang: Lang) -> str:
    if last is None:
        return t("db.lost_unknown", lang)
    when = fmt.plain(f"{last.loaded_at:%Y-%m-%d %H:%M}" if last.loaded_at else "—")
    return t("db.lost_load", lang, load_id=last.load_id, kind=t(f"db.kind.{last.kind}", lang), when=when,
             by=fmt.plain(last.loaded_by or "—"), values=fmt.count(last.values, "个", lang))


def _database_unavailable(path: Path, error: db.DatabaseError | None, lang: Lang) -> None:
    """A missing (after there was data) or damaged database. Viewers get an explanation and whom to ask;
    only an admin may rebuild, after ticking a confirmation that names what the rebuild replaces."""
    identity = sidebar_account(lang)
    st.error(t("db.missing" if error is None else "db.corrupt", lang), icon=":material/error:")
    if not identity.is_admin:
        st.info(t("db.ask_admin", lang, contact=fmt.plain(admin_contact(lang))), icon=":material/support_agent:")
        return
    if error is not None:
        st.caption(t("db.corrupt_detail", lang, detail=fmt.plain(error.detail or str(error))))
    last = recovery.last_load(path)
    restorable = last is not None and last.in_snapshot
    st.warning(t("db.rebuild_what", lang, last=_last_load_text(last, lang),
                 backup_name=fmt.plain(f"{path.name}{recovery.BACKUP_SUFFIX}…"))
               + " " + t("db.rebuild_restorable" if restorable else "db.rebuild_not_restorable", lang),
               icon=":material/warning:")
    confirmed = st.checkbox(t("db.rebuild_confirm", lang), key="rebuild_demo_confirm")
    if st.button(t("db.rebuild_button", lang), type="primary", key="rebuild_demo_db", disabled=not confirmed):
        with st.spinner(t("db.rebuilding", lang), show_time=False):
            try:
                recovery.rebuild_demo(path, user=identity.name, role=identity.role)
            except Exception:  # noqa: BLE001 - the reason is in the audit log
                st.error(t("db.build_failed", lang), icon=":material/error:")
                st.stop()
        st.session_state.pop("rebuild_demo_confirm", None)
        st.rerun()


def admin_contact(lang: Lang) -> str:
    """Whom a viewer should ask: secrets `[devzone] contact`, else `DEVZONE_CONTACT`, else "the administrator"."""
    try:
        configured = str(st.secrets.get("devzone", {}).get("contact", "") or "")
    except Exception:  # noqa: BLE001 - no secrets file
        configured = ""
    return configured or os.environ.get("DEVZONE_CONTACT", "").strip() or t("db.contact_default", lang)


def ensure_database() -> None:
    """Make sure a readable snapshot is live, or explain why not and stop the run.

    Missing file where there never was a database: build the demo (first run). Missing after there was data,
    or damaged: explain (devzone.recovery); only an admin may rebuild, after a confirmation.
    """
    lang = requested_language()
    path = db.resolve_path()
    if not path.exists():
        if recovery.had_database(path):
            _database_unavailable(path, None, lang)
            st.stop()
        _build_demo_on_first_run(path, lang)
    try:
        db.reader(path).check()
    except db.DatabaseBusyError:
        st.warning(t("db.busy", lang), icon=":material/hourglass:")
        st.stop()
    except db.DatabaseError as exc:  # corrupt, or deleted again since we looked
        _database_unavailable(path, None if isinstance(exc, db.DatabaseMissingError) else exc, lang)
        st.stop()


# ---------------------------------------------------------------- shared sidebar

KEY_ZONE_DIRECTORY = "zone_directory_of_snapshot"


def _zone_directory() -> state.ZoneDirectory:
    """Built once per snapshot and session: the sidebar, captions and export notes ask for it many times a run."""
    pinned = st.session_state.get(KEY_RUN_SNAPSHOT)  # (path, snapshot): a pin on another file differs too
    remembered = st.session_state.get(KEY_ZONE_DIRECTORY)
    if pinned is not None and remembered is not None and remembered[0] == pinned:
        return remembered[1]
    directory = state.ZoneDirectory.from_frame(load(queries.zones))
    if pinned is not None:
        st.session_state[KEY_ZONE_DIRECTORY] = (pinned, directory)
    return directory


def _years() -> list[int]:
    return [int(y) for y in load(queries.years_available)["year"]]


def _seed_widgets(filters: state.FilterState) -> None:
    st.session_state[KEY_ZONE] = filters.zone_id
    st.session_state[KEY_YEAR] = filters.year
    st.session_state[KEY_LANG] = filters.lang


def _initial_filters(zones: state.ZoneDirectory, years: list[int]) -> None:
    """First run of a session: the URL decides. Later runs: the widgets decide, within what exists."""
    if not st.session_state.get(KEY_SEEDED):
        params = st.query_params.to_dict()
        _seed_widgets(state.from_query_params(params, zones, years))
        st.session_state[KEY_URL_MISSES] = state.unknown_in_url(params, zones, years)
        st.session_state[KEY_SEEDED] = True
        return
    remembered = state.FilterState(
        st.session_state.get(KEY_ZONE), st.session_state.get(KEY_YEAR), st.session_state.get(KEY_LANG, "zh")
    )
    usable = state.sanitise(remembered, zones, years)  # a reload may have removed a zone or a year
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
    zones, years = _zone_directory(), _years()
    _initial_filters(zones, years)
    with st.sidebar:
        lang = st.session_state.get(KEY_LANG, "zh")
        st.markdown(f"**{t('app.title', lang)}**  \n{t('app.subtitle', lang)}")
        zone_id = st.selectbox(
            t("sidebar.zone", lang), zones.zone_ids, format_func=zones.label, key=KEY_ZONE,
            help=t("sidebar.zone_help", lang), placeholder=t("sidebar.zone_none", lang),
            filter_mode="contains", on_change=_chose_in_sidebar,
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


def _close_sidebar_on_a_phone() -> None:
    if st.session_state.pop(KEY_CLOSE_SIDEBAR, False):
        st.html(_CLOSE_SIDEBAR_JS, unsafe_allow_javascript=True)


def _from_top_pickers() -> None:
    st.session_state[KEY_ZONE] = st.session_state.get(KEY_TOP_ZONE)
    st.session_state[KEY_YEAR] = st.session_state.get(KEY_TOP_YEAR)


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
    return state.from_query_params(st.query_params.to_dict(), _zone_directory(), _years())


def zone_label(zone_id: str | None) -> str:
    return fmt.MISSING if zone_id is None else _zone_directory().label(zone_id)


# ---------------------------------------------------------------- every screen (devzone/screens.py)

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
    _screen_probe(key=KEY_SCREEN_PROBE, data={"known": st.session_state.get(KEY_SCREEN)}, height=0,
                  on_screen_change=_measured_screen)
    if filters.zone_id is not None and filters.year is not None:
        st.html(screens.print_header_css(t(
            "print.header", filters.lang, zone=zone_label(filters.zone_id),
            year=fmt.year(filters.year, filters.lang), date=data_as_of(filters.lang))))


def uploader_in_language(lang: str, max_mb: float, types: list[str]) -> None:
    """The file uploader's button and limits line in the page's language (Streamlit writes them in English)."""
    st.html(screens.uploader_css(t("admin.upload.button", lang), t(
        "admin.upload.instructions", lang, limit=fmt.number(max_mb, 0), types=" · ".join(x.upper() for x in types))))


def report_pdf(zone_id: str, year: int, lang: str) -> bytes:
    """The A4 report (devzone/export/report.py) of the overview and the provincial rankings, as PDF bytes."""
    from devzone.export import report

    return report.to_pdf(report.build(load, zone_id, int(year), lang, zone_label(zone_id), dt.date.today()), lang)


def report_button(zone_id: str | None, year: int | None, lang: str) -> None:
    """One click: the A4 report (PDF) of the chosen zone and year, made when clicked (headless Chromium)."""
    if zone_id is None or year is None:
        return
    from devzone.export import report

    st.download_button(
        t("report.button", lang), help=t("report.button_help", lang), icon=":material/picture_as_pdf:",
        data=lambda: report_pdf(zone_id, int(year), lang), mime=report.PDF_MIME, on_click="ignore",
        file_name=f"{zone_label(zone_id)}-{year}.pdf", key="report_pdf")


# ---------------------------------------------------------------- shared page furniture

def chart_panel(fig, table: pd.DataFrame, *, key: str, source: str, lang: str, synthetic: bool = False,
                title: str | None = None) -> None:
    """A chart with its table one click away (CSV and Excel downloads) and its source caption underneath.

    `table` is what a person would want to download: already labelled (Chinese headers with units).
    `key` must be unique on the page. `title` is the heading the page shows above the chart when the figure has
    no title of its own: the PNG carries it, and the downloads are named after zone, year and it
    (`盐湖高新区_2021年_签约项目数.xlsx`, sheet `签约项目数`).
    """
    # No plotly toolbar: it sits over the top right of the chart (a long title, the legend); full screen stays in
    # Streamlit's own element toolbar, and the PNG, CSV and Excel downloads are below.
    st.plotly_chart(charts.for_screen(fig, screen()), width="stretch", key=f"chart_{key}", config={"displaylogo": False, "displayModeBar": False})
    caption = t("panel.source", lang, source=source)
    if synthetic:
        caption += " " + t("panel.synthetic_mark", lang)
    st.caption(fmt.plain(caption))  # sources come from the input files: shown as typed
    filters = current_filters()
    shown_title = chart_data.chart_title(fig, title) or key
    stem = chart_data.file_stem(zone_label(filters.zone_id) if filters.zone_id else None, filters.year,
                                shown_title, lang)
    sheet = chart_data.sheet_title(shown_title, filters.year)
    with st.expander(t("panel.show_table", lang), icon=":material/table:"):
        fitting_table(table, name=key)
        left, middle, right = st.columns(3)
        # The files are made when a button is clicked (callables), not on every rerun: an Excel file costs
        # tens of milliseconds, and a page has several panels; a PNG goes through a headless browser.
        notes = export_notes(source, lang, synthetic)
        left.download_button(t("panel.download_csv", lang), data=lambda: tables.to_csv_bytes(table),
                             file_name=f"{stem}.csv", mime="text/csv", key=f"csv_{key}", icon=":material/download:")
        middle.download_button(t("panel.download_xlsx", lang),
                               data=lambda: chart_data.chart_workbook(table, sheet=sheet, notes=notes, lang=lang),
                               file_name=f"{stem}.xlsx", key=f"xlsx_{key}", icon=":material/download:",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        right.download_button(t("panel.download_png", lang),
                              data=lambda: images.png_bytes(fig, title=shown_title, caption=caption),
                              file_name=f"{stem}.png", mime="image/png", key=f"png_{key}", icon=":material/image:",
                              on_click="ignore")


def fitting_table(table: pd.DataFrame, *, name: str, **grid_options) -> object:
    """A data grid on a desk screen; on a phone (and on paper) the same rows as stacked cards that never cut
    a column off (screens.css chooses which one shows). A very long table stays a data grid everywhere.
    `grid_options` go to st.dataframe (column_config, height, selection…); returns what it returns."""
    grid_options.setdefault("hide_index", True)
    grid_options.setdefault("width", "stretch")
    if len(table) > tables.STACKED_MAX_ROWS:
        return st.dataframe(table, **grid_options)
    with st.container(key=f"wide-table-{name}"):
        shown = st.dataframe(table, **grid_options)
    with st.container(key=f"narrow-table-{name}"):
        st.html(tables.stacked_html(table, key=name))
    return shown


def view_panel(item, lang: str) -> None:
    """`chart_panel` for a view's prepared panel (anything with figure, table, key, source and synthetic)."""
    chart_panel(item.figure, item.table, key=item.key, source=item.source, lang=lang, synthetic=item.synthetic)


def seed_from_url(key: str, param: str, resolve: Callable[[str | None], object]) -> None:
    """The first time a page control is drawn its value comes from the URL, so a copied link reproduces the view."""
    if key not in st.session_state:
        st.session_state[key] = resolve(st.query_params.get(param))


def mirror_to_url(param: str, value: object, default: object = None) -> None:
    """Keep `?param=` equal to a page control; an empty or default value leaves the address clean."""
    if value is None or value == "" or value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def export_notes(source: str, lang: str, synthetic: bool = False) -> list[tuple[str, str]]:
    """What the 说明 sheet of a downloaded workbook says: the source and the filters of the view."""
    filters = current_filters()
    notes = [
        (t("xlsx.source", lang), source),
        (t("xlsx.filters", lang), t("panel.filters", lang, zone=zone_label(filters.zone_id),
                                    year=fmt.year(filters.year, lang))),
    ]
    if synthetic:
        notes.append((t("xlsx.synthetic", lang), t("xlsx.synthetic_text", lang)))
    return notes


def synthetic_banner(lang: str) -> None:
    """The one banner every page shows above synthetic demo values."""
    st.warning(t("panel.synthetic_banner", lang), icon=":material/science:")


def badge_after(markdown: str, tag: str) -> str:
    """`全省第3名/共28个` + `真实` -> the line with a small green 真实 badge at its end (fmt.real_tag's tag)."""
    if not tag:
        return markdown
    badge = f":green-badge[:material/verified: {fmt.plain(tag)}]"
    return f"{markdown}　{badge}" if markdown else badge


def empty_state(message_key: str, lang: str, **values: object) -> None:
    st.info(t(message_key, lang, **values), icon=":material/info:")


# ---------------------------------------------------------------- 年度目标 panel (总览 overview, 项目推进 progress)

@st.cache_resource(max_entries=200, show_spinner=False)
def _targets_parts(snapshot: str, zone_id: str, year: int, as_of: dt.date, lang: str) -> dict | None:
    """The panel's sentence, figure and table for one snapshot and selection (building the figure is the slow
    part). Shared between sessions: nothing may modify the result."""
    from devzone import charts, targets_view

    progress = load(queries.target_progress, zone_id, year, as_of)
    if progress.empty:
        return None
    share = targets_view.elapsed_share(progress, year, as_of)
    figure = charts.target_progress(
        targets_view.chart_frame(progress, lang), label="label", rate="rate", text="text", on_schedule="on_schedule",
        share=share, share_label=t("targets.share_line", lang, share=fmt.percent(share)),
        status_labels=(t("targets.status.ahead", lang), t("targets.status.behind", lang)))
    return {"summary": targets_view.summary(progress, year, as_of, lang), "figure": figure,
            "table": targets_view.table(progress, lang), "synthetic": bool(progress["is_synthetic"].any())}


def render_targets_panel(zone_id: str | None, year: int | None, lang: str, *, as_of: dt.date | None = None,
                         key: str = "targets") -> None:
    """Annual targets of a zone and year against 序时进度 at `as_of` (default today): a sentence, a chart with the
    序时进度 line, and the table (CSV / Excel) behind it. Speaks plainly when there are no targets."""
    as_of = as_of or dt.date.today()
    st.subheader(t("targets.title", lang))
    if zone_id is None or year is None:
        empty_state("home.selection_none", lang)
        return
    if not load(queries.missing_relations, ("target_progress",)).empty:
        empty_state("chains.needs_reload", lang)
        return
    parts = _targets_parts(db.reader().snapshot_id(), zone_id, int(year), as_of, lang)
    if parts is None:
        empty_state("targets.empty", lang, zone=fmt.plain(zone_label(zone_id)), year=fmt.year(year, lang))
        return
    st.markdown(parts["summary"])
    chart_panel(parts["figure"], parts["table"], key=key, source=t("targets.source", lang), lang=lang,
                synthetic=parts["synthetic"], title=t("targets.title", lang))


# ---------------------------------------------------------------- who is using the app (devzone.auth)

KEY_LOCAL_USER = "auth_local_user"  # the name a local user logged in with (their role is re-read every run)
KEY_LOCAL_TOKEN = "auth_local_token"  # auth.session_token at login: a changed password ends the session
KEY_OIDC_RECORDED = "auth_oidc_login_recorded"
KEY_LOGIN_ERROR = "auth_login_error"
KEY_GO_HOME = "auth_go_home"


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


def leaving_for_home() -> bool:
    """True once after a logout: the entrypoint then switches to the landing page (an admin page would refuse)."""
    return bool(st.session_state.pop(KEY_GO_HOME, False))


def oidc_configured() -> bool:
    """`[auth]` is set in .streamlit/secrets.toml: sign-in goes through the identity provider (st.login)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # noqa: BLE001 - an unreadable secrets file means no OIDC, not a broken app
        return False


def _secret_admins() -> list[str]:
    try:
        return [str(a) for a in st.secrets.get("devzone", {}).get("admins", [])]
    except Exception:  # noqa: BLE001
        return []


def _users() -> tuple[dict[str, auth.User], str | None]:
    try:
        return auth.read_users(), None
    except auth.UsersFileError as exc:
        return {}, str(exc)


def current_identity() -> auth.Identity:
    """Who this session is, with the role the users file (or secrets) gives them *now*. A local session whose
    password has changed since it logged in (or whose user was removed) is logged out here."""
    users, _ = _users()
    name = st.session_state.get(KEY_LOCAL_USER)
    if name:
        if auth.session_token(users.get(name)) == st.session_state.get(KEY_LOCAL_TOKEN):
            return auth.Identity(name, auth.role_of_local_user(users, name), "local")
        st.session_state.pop(KEY_LOCAL_USER, None)
        st.session_state.pop(KEY_LOCAL_TOKEN, None)
        _record("logout", name, auth.role_of_local_user(users, name), "ok", "session ended: password changed")
    if oidc_configured() and st.user.is_logged_in:
        claims = st.user.to_dict()
        return auth.Identity(auth.oidc_display_name(claims),
                             auth.role_of_oidc_user(claims, users, _secret_admins()), "oidc")
    return auth.ANONYMOUS


def client_address() -> str:
    """The viewer's address: `st.context.ip_address`; behind a reverse proxy that sets it (and only when
    `DEVZONE_TRUST_PROXY=1`), the last address of X-Forwarded-For. "local" for a browser on the server."""
    if os.environ.get("DEVZONE_TRUST_PROXY", "").strip() == "1":
        forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (a bare script run)
        address = None
    return address[:64] if isinstance(address, str) and address else "local"


def _record(action: str, identity_name: str, role: str, result: str, detail: str = "") -> None:
    path = audit.audit_log_path(db.resolve_path())
    if action in audit.VIEWER_ACTIONS and role != auth.ADMIN:  # anyone can cause these: rate-limited
        audit.record_viewer(action, user=identity_name or "(anonymous)", role=role, result=result, detail=detail,
                            client=client_address(), path=path)
        return
    audit.record(action, user=identity_name or "(anonymous)", role=role, result=result, detail=detail, path=path)


def _try_local_login(users: dict[str, auth.User], name: str, password: str, lang: str) -> None:
    guard = auth.LoginGuard()
    try:
        attempt = guard.attempt(name, client_address())
    except sqlite3.Error as exc:  # the lockout store cannot be written: no attempt can be counted, so none is made
        st.session_state[KEY_LOGIN_ERROR] = t("auth.unavailable", lang)
        _record("login_failed", name.strip(), auth.VIEWER, "refused", f"lockout store: {exc}")
        return
    if attempt.refused:
        st.session_state[KEY_LOGIN_ERROR] = t("auth.locked", lang, seconds=int(attempt.locked_seconds) + 1)
        _record("login_failed", name.strip(), auth.VIEWER, "refused", "locked out")
        return
    time.sleep(attempt.delay)  # repeated failures answer ever more slowly
    user = auth.authenticate(users, name, password)
    if user is None:
        st.session_state[KEY_LOGIN_ERROR] = t("auth.failed", lang)
        _record("login_failed", name.strip(), auth.VIEWER, "failed")
        return
    guard.succeeded(name)
    st.session_state.pop(KEY_LOGIN_ERROR, None)
    st.session_state[KEY_LOCAL_USER] = user.name
    st.session_state[KEY_LOCAL_TOKEN] = auth.session_token(user)
    _record("login", user.name, user.role, "ok", "local")


def _logout(identity: auth.Identity) -> None:
    _record("logout", identity.name, identity.role, "ok", identity.method)
    if identity.method == "local":
        st.session_state.pop(KEY_LOCAL_USER, None)
        st.session_state.pop(KEY_LOCAL_TOKEN, None)
        st.session_state[KEY_GO_HOME] = True  # an admin who logs out on an admin page lands on the first page
        st.rerun()
    st.session_state.pop(KEY_OIDC_RECORDED, None)
    st.logout()


def sidebar_account(lang: str) -> auth.Identity:
    """The foot of the sidebar: who is logged in and a logout button, or the admin login. Returns the identity."""
    users, users_error = _users()
    identity = current_identity()
    if identity.method == "oidc" and not st.session_state.get(KEY_OIDC_RECORDED):
        st.session_state[KEY_OIDC_RECORDED] = True
        _record("login", identity.name, identity.role, "ok", "oidc")
    with st.sidebar:
        st.divider()
        if users_error:
            st.error(t("auth.users_file_error", lang, error=users_error), icon=":material/error:")
        if identity.method != "anonymous":
            st.caption(t("auth.signed_in_as", lang, name=identity.name, role=t(f"role.{identity.role}", lang)))
            if st.button(t("auth.logout", lang), key="auth_logout", icon=":material/logout:"):
                _logout(identity)
            return identity
        if oidc_configured() and st.button(t("auth.login_oidc", lang), key="auth_oidc_login",
                                           icon=":material/login:"):
            st.login()
        if auth.has_password_users(users):
            with st.expander(t("auth.login_title", lang), icon=":material/lock:"):
                with st.form("auth_login_form", clear_on_submit=True, border=False):
                    name = st.text_input(t("auth.name", lang), key="auth_login_name")
                    password = st.text_input(t("auth.password", lang), type="password", key="auth_login_password")
                    submitted = st.form_submit_button(t("auth.login_button", lang), icon=":material/login:")
                if submitted:
                    _try_local_login(users, name, password, lang)
                    if KEY_LOCAL_USER in st.session_state:
                        st.rerun()
                login_error = st.session_state.pop(KEY_LOGIN_ERROR, None)
                if login_error:
                    st.error(login_error, icon=":material/block:")
    return identity


def require_admin(lang: str) -> auth.Identity:
    """The guard at the top of an admin page, on every run: a non-admin gets a refusal and nothing else."""
    identity = current_identity()
    if not identity.is_admin:
        _record("refused", identity.name, identity.role, "refused", "data_admin")
        st.error(t("admin.refused", lang), icon=":material/lock:")
        st.stop()
    return identity
