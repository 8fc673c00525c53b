"""An anonymous visitor cannot park files in the server's memory (devzone/uploads.py).

A plain client on 127.0.0.1 does what any browser tab can: opens a session over the websocket, takes the
XSRF cookie from the health endpoint (as the page does), then PUTs file after file to /_stcore/upload_file/<its session>/<any id>.
The server's resident memory (/proc/PID/status, VmRSS) is read before and after.
"""
from __future__ import annotations

from benchmarks.serve import rss_mb, streamlit_server
from devzone import uploads
from devzone.admin_view import MAX_UPLOAD_MB
from tests.deploy.client import AnonymousSession

FILES = 8
FILE_MB = MAX_UPLOAD_MB - 1  # each one within server.maxUploadSize: Streamlit's own check lets it through
GROWTH_BOUND_MB = 2 * FILE_MB  # one request in flight may be buffered; nothing may be kept


def test_an_anonymous_session_cannot_grow_the_server_memory(demo_db, tmp_path):
    with streamlit_server("dashboard.py", tmp_path / "server.log", {"DEVZONE_DB": str(demo_db)}) as (url, process):
        session = AnonymousSession(url)
        try:
            before = rss_mb(process.pid)
            statuses = [session.put(FILE_MB * 1024 * 1024) for _ in range(FILES)]
            after = rss_mb(process.pid)
        finally:
            session.close()
    assert after - before < GROWTH_BOUND_MB, (
        f"server memory grew {after - before:.0f} MB after {FILES} uploads of {FILE_MB} MB ({before:.0f} → {after:.0f})")
    assert set(statuses) == {403}, statuses


def test_an_admin_session_is_capped_by_count_and_total(monkeypatch):
    monkeypatch.setattr(uploads, "_permitted", {"admin-session"})
    mb = 1024 * 1024
    assert uploads.check("viewer-session", [], 1)[0] == 403
    assert uploads.check("admin-session", [MAX_UPLOAD_MB * mb] * 2, MAX_UPLOAD_MB * mb) is None
    full = [mb] * uploads.MAX_SESSION_FILES
    assert uploads.check("admin-session", full, 1)[0] == 413
    assert uploads.check("admin-session", [uploads.MAX_SESSION_MB * mb - 10], 11)[0] == 413
    assert uploads.check("admin-session", [uploads.MAX_SESSION_MB * mb - 10], 10) is None
