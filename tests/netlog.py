"""Record every attempt to reach the network, so a test can fail on any that leaves the machine.

Three recorders, one rule (`outside`: anything but loopback and local files):
- `Recorder`: a plain TCP listener on 127.0.0.1 used as an HTTP(S) proxy (HTTP_PROXY, CHOREO_PROXY_SERVER,
  Chromium's --proxy-server): a proxied client sends "GET http://host/…" or "CONNECT host:443", which is logged.
- `shim_dir(log)`: a sitecustomize.py for a child Python (put its folder on PYTHONPATH) that logs every name
  looked up (getaddrinfo, gethostbyname) and every TCP/UDP connect, to a file, one line each.
- `record_lookups(monkeypatch)`: the same wrapping inside the test process.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import socketserver
import threading
from pathlib import Path

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}

SHIM = '''
import os, socket
_log = os.environ.get("DEVZONE_NETLOG")

def _note(kind, what):
    if _log:
        with open(_log, "a", encoding="utf-8") as f:
            f.write(f"{kind} {what}\\n")

_getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def getaddrinfo(host, *args, **kwargs):
    _note("lookup", host.decode() if isinstance(host, bytes) else host)
    return _getaddrinfo(host, *args, **kwargs)

def gethostbyname(host):
    _note("lookup", host)
    return _gethostbyname(host)

def _address(address):
    return address[0] if isinstance(address, tuple) else address

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _note("connect", _address(address))
    return _connect(self, address)

def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _note("connect", _address(address))
    return _connect_ex(self, address)

socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
'''


def is_local(host: str | None) -> bool:
    """Loopback names and addresses (127/8, ::1); a bare file path or unix socket counts as local."""
    if host is None:
        return True
    host = str(host).strip("[]").lower()
    if host in LOOPBACK_NAMES or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def outside(lines: list[str]) -> list[str]:
    """The `kind host` lines whose host is not local."""
    return [line for line in lines if not is_local(line.split(" ", 1)[1] if " " in line else line)]


def shim_dir(folder: Path) -> Path:
    """A folder holding the logging sitecustomize.py (set PYTHONPATH to it and DEVZONE_NETLOG to the log)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SHIM, encoding="utf-8")
    return folder


def read_log(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


class Recorder:
    """A TCP listener on 127.0.0.1 that logs the first line of every request and closes the connection."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline(4096).decode("latin-1").strip()
                recorder.requests.append(line or "(connection without a request line)")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self.url = f"http://{self.address}"

    def __enter__(self) -> Recorder:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def record_lookups(monkeypatch) -> list[str]:
    """Wrap this process's name lookups and connects; returns the (growing) list of `kind host` lines."""
    seen: list[str] = []
    getaddrinfo, connect = socket.getaddrinfo, socket.socket.connect

    def logged_getaddrinfo(host, *args, **kwargs):
        seen.append(f"lookup {host.decode() if isinstance(host, bytes) else host}")
        return getaddrinfo(host, *args, **kwargs)

    def logged_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            seen.append(f"connect {address[0]}")
        return connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", logged_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", logged_connect)
    return seen


def traced_chromium(folder: Path, chromium: str, log: Path) -> Path:
    """A launcher (for BROWSER_PATH) that runs `chromium` under strace, logging every connect and send."""
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / "chromium-traced"
    launcher.write_text("#!/bin/sh\nexec strace -f -yy -qq --seccomp-bpf -e trace=socket,connect,sendto,sendmsg "
                        f"-e signal=none -o '{log}' '{chromium}' \"$@\"\n", encoding="utf-8")
    launcher.chmod(0o755)
    return launcher


_SOCKET = re.compile(r"^\d+ +socket\((AF_\w+), (SOCK_\w+).*\) = (\d+)")
_CALL = re.compile(r"^\d+ +(connect|sendto|sendmsg)\((\d+)(?:<[^>]*>)?, .*?(?:sin6?_port=htons\((\d+)\)).*?"
                   r"(?:inet_addr\(\"([^\"]+)\"\)|inet_pton\(AF_INET6, \"([^\"]+)\")")


_NAMED_SEND = re.compile(r"^\d+ +(?:sendto|sendmsg|sendmmsg)\(\d+<((?:UDP|TCP)(?:v6)?):\[[^\]]*?(?:\[[^\]]*\][^\]]*?)?->(.+?)\]>")


def traffic_in_strace(log: Path) -> list[str]:
    """`proto host:port` for every TCP connect and every UDP packet (DNS included) to a non-loopback address.

    A UDP connect() alone sends nothing (Chromium uses one to ask the kernel for a route), so it only counts
    when it is to port 53 or followed by a send on the same socket. strace -yy names each descriptor's socket
    (`sendmsg(30<UDPv6:[[::1]:5->[2001:db8::1]:443]>, …)`), so a send is judged by its own socket: descriptor
    numbers are per process, and the Mojo pipes of Chromium's other processes reuse them."""
    kinds: dict[str, str] = {}
    udp_peer: dict[str, str] = {}
    found: list[str] = []
    pending: dict[str, str] = {}  # thread -> socket type of a socket() call strace shows as unfinished
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        fd = None
        if match := _SOCKET.match(line):
            kind, fd = match[2], match[3]
        elif match := re.match(r"^(\d+) +socket\(AF_\w+, (SOCK_\w+).*<unfinished", line):
            pending[match[1]] = match[2]
        elif (match := re.match(r"^(\d+) +<\.\.\. socket resumed>.*= (\d+)", line)) and match[1] in pending:
            kind, fd = pending.pop(match[1]), match[2]
        if fd is not None:
            kinds[fd] = kind
            udp_peer.pop(fd, None)  # a new socket on a reused descriptor
            continue
        if named := _NAMED_SEND.match(line):
            host, port = named[2].rsplit(":", 1)
            if named[1].startswith("UDP") and not is_local(host.strip("[]")):
                found.append(f"udp {host.strip('[]')}:{port}")
            continue
        match = _CALL.match(line)
        if not match:
            if (send := re.match(r"^\d+ +(?:sendto|sendmsg)\((\d+), ", line)) and send[1] in udp_peer:
                found.append(f"udp {udp_peer[send[1]]}")
            continue
        call, fd, port, host = match[1], match[2], match[3], match[4] or match[5]
        if is_local(host):
            continue
        where = f"{host}:{port}"
        if kinds.get(fd, "SOCK_STREAM") == "SOCK_STREAM":
            if call == "connect":
                found.append(f"tcp {where}")
        elif call == "connect":
            udp_peer[fd] = where
            if port == "53":
                found.append(f"dns {where}")
        else:
            found.append(f"udp {where}")
    return found
