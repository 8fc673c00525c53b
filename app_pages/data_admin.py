"""数据管理 / Data admin (admins only): upload files, check them (dry run), publish, roll back, templates, audit.

The entrypoint lists this page for admins only, and the page checks the role itself on every run, before
anything else is drawn: a viewer who types the address gets a refusal and no uploader.

A publish is a second, deliberate click: 「发布」 is enabled only after a successful dry run of exactly the
files now in the uploader (the dry runs are kept in the session, keyed by the files' names and SHA-256).
Loading goes through the ETL's `load_files`, the code path of `python -m etl load`. When the dry run finds
suspect magnitudes (etl/plausibility.py), 「发布」 also needs the box “确认异常值无误，仍然发布” ticked; the ETL
refuses an unconfirmed publish by itself. After every check, what the ETL read from each sheet is shown.
"""
import streamlit as st

from devzone import admin_view as view
from devzone import db, ui
from devzone.i18n import t

KEY_UPLOADER = "admin_upload"
KEY_DRY_RUNS = "admin_dry_runs"  # batch key -> view.Outcome of its dry run
KEY_NOTICE = "admin_notice"  # the sentence a publish or rollback leaves for the next run
KEY_ROLLBACK_PENDING = "admin_rollback_pending"
KEY_STATUS_FILTER = "admin_status_filter"

lang = ui.current_filters().lang
identity = ui.require_admin(lang)  # stops the run here for anyone but an admin
db_path = db.resolve_path()
max_mb = view.MAX_UPLOAD_MB  # also server.maxUploadSize in .streamlit/config.toml

st.title(t("nav.data_admin", lang))
st.caption(t("admin.caption", lang))
notice, notice_box = st.session_state.pop(KEY_NOTICE, None), st.container()  # always there: the tabs keep
if notice:  # their place in the page, so the open tab stays open on the next run
    notice_box.success(notice, icon=":material/check_circle:")

upload_tab, history_tab, templates_tab, audit_tab = st.tabs(
    [t("admin.tab.upload", lang), t("admin.tab.history", lang), t("admin.tab.templates", lang),
     t("admin.tab.audit", lang)])


def show_accounts(outcome: view.Outcome) -> None:
    """Per sheet, what the ETL read (etl/account.py): an expander holding a plain-text table."""
    if not outcome.accounts:
        return
    st.subheader(t("admin.account.title", lang))
    st.caption(t("admin.account.caption", lang))
    for account in outcome.accounts:
        with st.expander(view.account_label(account, lang)):
            st.dataframe(view.account_table(account, lang), hide_index=True, width="stretch")


# ---------------------------------------------------------------- upload, check, publish
with upload_tab:
    ui.uploader_in_language(lang, max_mb, view.UPLOAD_TYPES)
    files = st.file_uploader(t("admin.upload.label", lang), type=view.UPLOAD_TYPES, accept_multiple_files=True,
                             key=KEY_UPLOADER, help=t("admin.upload.help", lang, limit=max_mb))
    uploads = view.uploads_from(files)
    problems = view.upload_problems(uploads, lang, max_mb)
    for problem in problems:
        st.error(problem, icon=":material/error:")
    key = view.batch_key(uploads)
    dry_runs = st.session_state.setdefault(KEY_DRY_RUNS, {})

    check_column, publish_column = st.columns(2)
    if check_column.button(t("admin.check", lang), disabled=not uploads or bool(problems),
                           icon=":material/fact_check:", width="stretch"):
        with st.spinner(t("admin.checking", lang)):
            dry_runs[key] = view.check(uploads, db_path, identity.name, identity.role)
    checked = dry_runs.get(key) if uploads and not problems else None
    confirm_key = view.outliers_key(key)  # the checkbox is drawn below; its tick is known from the start of the run
    outliers_confirmed = bool(st.session_state.get(confirm_key)) and bool(checked and checked.outliers)
    publish_clicked = publish_column.button(
        t("admin.publish", lang), type="primary", disabled=not view.can_publish(checked, outliers_confirmed),
        icon=":material/publish:", width="stretch", help=t("admin.publish_help", lang))

    if publish_clicked and view.can_publish(checked, outliers_confirmed):  # never trust the disabled state alone
        with st.spinner(t("admin.publishing", lang)):
            published = view.publish(uploads, db_path, identity.name, identity.role,
                                     confirm_outliers=outliers_confirmed)
        if published.ok:
            dry_runs.pop(key, None)
            st.session_state[KEY_NOTICE] = view.publish_notice(published, lang)
            ui.begin_run()  # this session's next run, and every page after it, reads the new snapshot
            st.rerun()
        elif published.status == "busy":
            st.warning(t("admin.busy", lang), icon=":material/hourglass:")
        elif published.status == "rejected":
            checked = published
        else:
            st.error(t("admin.failed", lang, detail=published.detail), icon=":material/error:")

    if checked is not None and checked.status == "rejected":
        st.error(t("admin.rejected", lang, n=len(checked.errors)), icon=":material/block:")
        st.dataframe(view.error_table(checked.errors, lang), hide_index=True, width="stretch",
                     column_config={name: st.column_config.TextColumn(width=width)
                                    for name, width in view.error_column_widths(lang).items()})
        show_accounts(checked)
    elif checked is not None and checked.status == "failed":
        st.error(t("admin.failed", lang, detail=checked.detail), icon=":material/error:")
    elif checked is not None:
        result = checked.result
        st.success(t("admin.check_ok", lang), icon=":material/task_alt:")
        st.markdown(view.sheets_markdown(result, lang))
        if checked.outliers:
            st.subheader(t("admin.outliers.title", lang))
            st.warning(t("admin.outliers.found", lang, n=len(checked.outliers)), icon=":material/warning:")
            st.dataframe(view.error_table(checked.outliers, lang), hide_index=True, width="stretch",
                         column_config={name: st.column_config.TextColumn(width=width)
                                        for name, width in view.error_column_widths(lang).items()})
            st.checkbox(t("admin.outliers.confirm", lang), key=confirm_key, help=t("admin.outliers.confirm_help", lang))
            if not outliers_confirmed:
                st.caption(t("admin.outliers.blocked", lang))
        if not result.changed_anything:
            st.info(t("admin.nothing_to_publish", lang), icon=":material/info:")
        st.subheader(t("admin.preview.counts", lang))
        st.dataframe(view.counts_table(result, lang), hide_index=True)

        st.subheader(t("admin.preview.values", lang))
        if result.value_diff.empty:
            st.markdown(t("admin.preview.no_values", lang))
        else:
            options = view.status_options(result.value_diff)
            shown = st.pills(t("admin.diff.filter", lang), options, selection_mode="multi",
                             default=[s for s in options if s != "unchanged"] or options,
                             format_func=lambda status: view.status_label(status, lang), key=KEY_STATUS_FILTER)
            st.dataframe(view.value_diff_table(result.value_diff, lang, shown), hide_index=True, width="stretch")

        st.subheader(t("admin.preview.projects", lang))
        projects = view.project_diff_table(result.project_diff, lang)
        if projects.empty:
            st.markdown(t("admin.preview.no_projects", lang))
        else:
            st.dataframe(projects, hide_index=True, width="stretch")
        show_accounts(checked)

# ---------------------------------------------------------------- history and rollback
with history_tab:
    st.caption(t("admin.history.caption", lang))
    loads = view.history(db_path)
    if loads.empty:
        st.markdown(t("admin.history.empty", lang))
    else:
        st.dataframe(view.history_table(loads, lang), hide_index=True, width="stretch")
        choices = view.rollback_choices(loads)
        if not choices:
            st.markdown(t("admin.history.none_kept", lang))
        else:
            pick_column, button_column = st.columns([3, 1], vertical_alignment="bottom")
            # A new key after every publish: the choice starts again from the newest kept load.
            target = pick_column.selectbox(t("admin.history.pick", lang), choices, key=view.rollback_pick_key(loads),
                                           format_func=lambda load_id: view.rollback_label(loads, load_id, lang))
            if button_column.button(t("admin.history.rollback", lang), icon=":material/history:", width="stretch"):
                st.session_state[KEY_ROLLBACK_PENDING] = target
            pending = st.session_state.get(KEY_ROLLBACK_PENDING)
            if pending is not None and pending in choices:
                st.warning(t("admin.history.confirm_text", lang, load_id=pending), icon=":material/warning:")
                confirm_column, cancel_column, _ = st.columns([1, 1, 2])
                if confirm_column.button(t("admin.history.confirm", lang), type="primary", width="stretch"):
                    st.session_state.pop(KEY_ROLLBACK_PENDING, None)
                    rolled = view.rollback(db_path, pending, identity.name, identity.role)
                    if rolled.ok:
                        st.session_state[KEY_NOTICE] = t("admin.history.done", lang, load_id=pending)
                        ui.begin_run()
                        st.rerun()
                    elif rolled.status == "busy":
                        st.warning(t("admin.busy", lang), icon=":material/hourglass:")
                    else:
                        st.error(t("admin.failed", lang, detail=rolled.detail), icon=":material/error:")
                if cancel_column.button(t("admin.history.cancel", lang), width="stretch"):
                    st.session_state.pop(KEY_ROLLBACK_PENDING, None)
                    st.rerun()

# ---------------------------------------------------------------- templates
with templates_tab:
    st.caption(t("admin.templates.caption", lang))
    available = view.templates(lang)
    if not available:
        st.info(t("admin.templates.unavailable", lang), icon=":material/info:")
    for template in available:
        st.download_button(
            t("admin.templates.download", lang, name=template.title), data=template.data, key=template.key,
            file_name=template.file_name, mime=view.XLSX_MIME, icon=":material/download:",
            on_click=view.record_template_download, args=(template.layout, identity.name, identity.role, db_path))
        st.caption(template.description)

# ---------------------------------------------------------------- audit log
with audit_tab:
    entries = view.recent_audit(db_path)
    st.caption(t("admin.audit.caption", lang, n=view.AUDIT_SHOWN, path=view.audit_path(db_path)))
    if entries:
        st.dataframe(view.audit_table(entries, lang), hide_index=True, width="stretch")
    else:
        st.markdown(t("admin.audit.empty", lang))
