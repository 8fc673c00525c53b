"""Who is using the app (devzone.auth): the sidebar sign-in (local users file, or OIDC through `st.login()`),
the identity of this session, and the admin-only page guard."""
from __future__ import annotations

import sqlite3
import time

import streamlit as st

from devzone import auth
from devzone.i18n import t
from devzone.ui.audit_log import client_address, record

KEY_LOCAL_USER = "auth_local_user"  # the name a local user logged in with (their role is re-read every run)
KEY_LOCAL_TOKEN = "auth_local_token"  # auth.session_token at login: a changed password ends the session
KEY_OIDC_RECORDED = "auth_oidc_login_recorded"
KEY_LOGIN_ERROR = "auth_login_error"
KEY_GO_HOME = "auth_go_home"


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
        record("logout", name, auth.role_of_local_user(users, name), "ok", "session ended: password changed")
    if oidc_configured() and st.user.is_logged_in:
        claims = st.user.to_dict()
        return auth.Identity(auth.oidc_display_name(claims),
                             auth.role_of_oidc_user(claims, users, _secret_admins()), "oidc")
    return auth.ANONYMOUS


def _try_local_login(users: dict[str, auth.User], name: str, password: str, lang: str) -> None:
    guard = auth.LoginGuard()
    try:
        attempt = guard.attempt(name, client_address())
    except sqlite3.Error as exc:  # the lockout store cannot be written: no attempt can be counted, so none is made
        st.session_state[KEY_LOGIN_ERROR] = t("auth.unavailable", lang)
        record("login_failed", name.strip(), auth.VIEWER, "refused", f"lockout store: {exc}")
        return
    if attempt.refused:
        st.session_state[KEY_LOGIN_ERROR] = t("auth.locked", lang, seconds=int(attempt.locked_seconds) + 1)
        record("login_failed", name.strip(), auth.VIEWER, "refused", "locked out")
        return
    time.sleep(attempt.delay)  # repeated failures answer ever more slowly
    user = auth.authenticate(users, name, password)
    if user is None:
        st.session_state[KEY_LOGIN_ERROR] = t("auth.failed", lang)
        record("login_failed", name.strip(), auth.VIEWER, "failed")
        return
    guard.succeeded(name)
    st.session_state.pop(KEY_LOGIN_ERROR, None)
    st.session_state[KEY_LOCAL_USER] = user.name
    st.session_state[KEY_LOCAL_TOKEN] = auth.session_token(user)
    record("login", user.name, user.role, "ok", "local")


def _logout(identity: auth.Identity) -> None:
    record("logout", identity.name, identity.role, "ok", identity.method)
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
        record("login", identity.name, identity.role, "ok", "oidc")
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
        record("refused", identity.name, identity.role, "refused", "data_admin")
        st.error(t("admin.refused", lang), icon=":material/lock:")
        st.stop()
    return identity
