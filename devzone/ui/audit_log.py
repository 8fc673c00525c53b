"""What the app writes to the audit log about who did what, and from which address."""
from __future__ import annotations

import os

import streamlit as st

from devzone import audit, auth, db


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


def record(action: str, identity_name: str, role: str, result: str, detail: str = "") -> None:
    path = audit.audit_log_path(db.resolve_path())
    if action in audit.VIEWER_ACTIONS and role != auth.ADMIN:  # anyone can cause these: rate-limited
        audit.record_viewer(action, user=identity_name or "(anonymous)", role=role, result=result, detail=detail,
                            client=client_address(), path=path)
        return
    audit.record(action, user=identity_name or "(anonymous)", role=role, result=result, detail=detail, path=path)
