"""A Streamlit session opened by a plain client, the way a browser tab opens one (for tests on 127.0.0.1)."""
from __future__ import annotations

import contextlib
import http.cookiejar
import threading
import urllib.error
import urllib.request
import uuid

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect


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
