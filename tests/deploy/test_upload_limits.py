"""An anonymous visitor cannot park files in the server's memory (devzone/uploads.py).

A plain client on 127.0.0.1 does what any browser tab can: opens a session over the websocket, takes the
XSRF cookie from the health endpoint (as the page does), then PUTs file after file to /_stcore/upload_file/<its session>/<any id>.
The server's resident memory (/proc/PID/status, VmRSS) is read before and after.
"""
from __future__ import annotations

import contextlib
import http.cookiejar
import threading
import urllib.error
import urllib.request
import uuid

import pytest

from benchmarks.serve import rss_mb, streamlit_server
from devzone import uploads
from devzone.admin_view import MAX_UPLOAD_MB

pytest.importorskip("websockets")
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

FILES = 8
FILE_MB = MAX_UPLOAD_MB - 1  # each one within server.maxUploadSize: Streamlit's own check lets it through
GROWTH_BOUND_MB = 2 * FILE_MB  # one request in flight may be buffered; nothing may be kept


class AnonymousSession:
    """A session opened the way the browser opens one, its messages drained in the background."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.opener.open(base_url + "/_stcore/health", timeout=30).read()  # sets the XSRF cookie
        self.xsrf = next((c.value for c in self.cookies if c.name == "_streamlit_xsrf"), "")
        host = base_url.removeprefix("http://")
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(connect(
            f"ws://{host}/_stcore/stream", subprotocols=["streamlit", self.xsrf] if self.xsrf else ["streamlit"],
            additional_headers={"Cookie": cookie, "Origin": base_url}, max_size=None, open_timeout=30))
        self.session_id: str | None = None
        self.finished = threading.Event()
        self._known = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        rerun.rerun_script.page_script_hash = ""
        self.ws.send(rerun.SerializeToString())
        assert self._known.wait(60), "no new_session message"
        assert self.finished.wait(120), "the first run of the app did not finish"

    def _drain(self) -> None:
        try:
            for data in self.ws:
                msg = ForwardMsg.FromString(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    self.session_id = msg.new_session.initialize.session_id
                    self._known.set()
                elif kind == "script_finished":
                    self.finished.set()
        except Exception:  # noqa: BLE001 - the socket closes when the test ends
            pass

    def put(self, size: int) -> int:
        """PUT one file of `size` bytes under a fresh file id; the HTTP status."""
        boundary = uuid.uuid4().hex
        body = b"".join([f"--{boundary}\r\n".encode(),
                         b'Content-Disposition: form-data; name="file"; filename="x.csv"\r\n',
                         b"Content-Type: text/csv\r\n\r\n", b"a" * size, f"\r\n--{boundary}--\r\n".encode()])
        request = urllib.request.Request(
            f"{self.base_url}/_stcore/upload_file/{self.session_id}/{uuid.uuid4()}", data=body, method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": self.xsrf})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            return refused.code

    def close(self) -> None:
        self._stack.close()


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
