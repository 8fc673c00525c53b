"""Before any page: the first-run demo build, and a clear stop when the database is missing or damaged (only an
admin may rebuild it)."""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from devzone import auth, db, fmt, periods, recovery, state
from devzone.i18n import LANGUAGES, Lang, t
from devzone.ui.account import sidebar_account
from devzone.ui.filters import KEY_LANG


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
    when = fmt.plain(periods.china_date_time(last.loaded_at, lang))
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
