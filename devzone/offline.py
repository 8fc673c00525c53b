"""Streamlit never asks the internet for this machine's address.

At start, .streamlit/config.toml (server.address, browser.serverAddress) keeps Streamlit from printing an
"External URL", which it would get from checkip.amazonaws.com. The same lookup (and a UDP "connect" to 8.8.8.8
for the internal address) also runs whenever a websocket arrives from another origin, to see whether that origin
is this machine: `pin_addresses()` (dashboard.py, every run; cheap) answers both once and for all, so a page on
another site cannot make the server reach out. Same-origin connections and configured origins are unaffected.
"""
from __future__ import annotations


def pin_addresses() -> None:
    from streamlit import net_util

    if net_util._external_ip is None:  # noqa: SLF001 - Streamlit caches the answer here and asks only when None
        net_util._external_ip = ""  # noqa: SLF001 - matches no origin's host name
    if net_util._internal_ip is None:  # noqa: SLF001
        net_util._internal_ip = "127.0.0.1"  # noqa: SLF001 - loopback is allowed anyway
