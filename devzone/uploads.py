"""Who may park files in the server's memory, and how much.

Streamlit's upload endpoint (`PUT /_stcore/upload_file/<session>/<file>`) stores a file for any live session
that asks, under any file id it likes: an anonymous viewer could send 20 MB after 20 MB and keep them all in
memory for as long as the tab stays open. Streamlit checks only the size of each file (server.maxUploadSize).

`permit(is_admin)` runs on every run of the app (dashboard.py). Its first call wraps the upload manager's
`add_file` with a guard that
- refuses (403) a file for a session that is not an admin's — only the 数据管理 page has an uploader, and only
  admins see it — and forgets such a session's permission as soon as it is no longer an admin's;
- refuses (413) a file that would take one session past MAX_SESSION_FILES files or MAX_SESSION_MB in total.
A refused file is dropped with its request: the server keeps nothing of it.
"""
from __future__ import annotations

import logging
import threading

from devzone.admin_view import MAX_UPLOAD_MB

MAX_SESSION_FILES = 10
MAX_SESSION_MB = 5 * MAX_UPLOAD_MB  # a batch of several full-size files
_LOGGER = logging.getLogger(__name__)
_lock = threading.Lock()
_permitted: set[str] = set()


def _current_session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def permit(is_admin: bool) -> None:
    """Install the guard (once per process) and allow or forbid uploads for the session of this run."""
    session_id = _current_session_id()
    if session_id is None:  # not under a Streamlit server (a script or test calling the page code)
        return
    _install()
    with _lock:
        if is_admin:
            _permitted.add(session_id)
        else:
            _permitted.discard(session_id)


def permitted(session_id: str) -> bool:
    with _lock:
        return session_id in _permitted


def check(session_id: str, stored_sizes: list[int], new_size: int) -> tuple[int, str] | None:
    """(HTTP status, reason) when this file may not be stored for this session, else None."""
    if not permitted(session_id):
        return 403, "uploads are accepted only on the data admin page, for an administrator"
    if len(stored_sizes) + 1 > MAX_SESSION_FILES:
        return 413, f"a session may hold at most {MAX_SESSION_FILES} uploaded files"
    if sum(stored_sizes) + new_size > MAX_SESSION_MB * 1024 * 1024:
        return 413, f"a session may hold at most {MAX_SESSION_MB} MB of uploaded files"
    return None


def _install() -> None:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return
    manager = Runtime.instance().uploaded_file_mgr
    if getattr(manager, "_devzone_guarded", False):
        return
    with _lock:
        if getattr(manager, "_devzone_guarded", False):
            return
        original = manager.add_file

        def guarded_add_file(session_id, file):
            from starlette.exceptions import HTTPException

            stored = getattr(manager, "file_storage", {}).get(session_id, {})
            sizes = [len(f.data) for file_id, f in stored.items() if file_id != file.file_id]
            refusal = check(session_id, sizes, len(file.data))
            if refusal:
                _LOGGER.warning("upload refused for session %s: %s", session_id[:8], refusal[1])
                raise HTTPException(status_code=refusal[0], detail=refusal[1])
            return original(session_id=session_id, file=file)

        manager.add_file = guarded_add_file
        manager._devzone_guarded = True
