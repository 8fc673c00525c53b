"""The nginx front (deploy/nginx-replicas.conf.template) sends the security headers on every response and
refuses request bodies larger than an upload may be."""
from __future__ import annotations

import http.server
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks.serve import free_port
from tests.conftest import skip_or_fail
from tests.deploy.test_replicas import start_nginx

SECURITY_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Upstream(http.server.BaseHTTPRequestHandler):
    """Stands in for a replica: 200 on GET, 404 elsewhere (headers must be there on errors too)."""

    def do_GET(self) -> None:  # noqa: N802
        status = 200 if self.path == "/" else 404
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def front(tmp_path):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        skip_or_fail("nginx is not installed (Debian package nginx)")
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    nginx = start_nginx(tmp_path / "nginx", [upstream.server_address[1]], port)
    try:
        yield f"http://127.0.0.1:{port}", (tmp_path / "nginx" / "nginx.conf").read_text()
    finally:
        nginx.terminate()
        nginx.wait(15)
        upstream.shutdown()
        upstream.server_close()


def response_headers(url: str, **request) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, **request), timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_every_response_carries_the_security_headers(front):
    base, rendered = front
    for directive, value in SECURITY_HEADERS.items():
        assert f'add_header {directive} "{value}" always;' in rendered
    for path in ("/", "/missing"):
        status, headers = response_headers(base + path)
        assert status in (200, 404)
        for name, value in SECURITY_HEADERS.items():
            assert headers.get(name) == value, (path, name, headers)
        assert "nginx/" not in headers.get("Server", "")


def test_a_body_larger_than_an_upload_is_refused_by_nginx(front):
    base, _ = front
    status, headers = response_headers(base + "/_stcore/upload_file/s/f", data=b"a" * (25 * 1024 * 1024),
                                       method="PUT")
    assert status == 413
    assert headers.get("X-Frame-Options") == "SAMEORIGIN"
