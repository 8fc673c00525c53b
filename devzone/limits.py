"""Every limit that keeps anonymous viewers from flooding the server, in one place (README: 安全 / Security).

Sign-in (devzone/auth.py LoginGuard, stored in `<users file>.lockout.sqlite`): failures are counted per account
name and per client address, across sessions, reloads and server processes.
Audit log (devzone/audit.py): what anonymous viewers can cause to be written is rate-limited and capped, and
the file is rotated by size.
"""
from __future__ import annotations

# ---- sign-in
LOGIN_FREE_FAILURES = 2  # failures (per name and per client) answered without delay
LOGIN_DELAY_SECONDS = 1.0  # then each further failure adds this much delay to the answer …
LOGIN_MAX_DELAY_SECONDS = 5.0  # … up to this
LOGIN_MAX_FAILURES = 5  # this many failures within LOGIN_WINDOW_SECONDS lock the name (or the client) out
LOGIN_LOCKOUT_SECONDS = 60.0  # the first lockout; each further one doubles it …
LOGIN_MAX_LOCKOUT_SECONDS = 3600.0  # … up to an hour
LOGIN_WINDOW_SECONDS = 15 * 60.0  # failures older than this (and no lockout since) are forgotten

# ---- audit log
AUDIT_NAME_MAX_CHARS = 64  # a typed user name is cut to this many characters in the log
AUDIT_DETAIL_MAX_CHARS = 2000  # a detail longer than this is cut
AUDIT_VIEWER_LINES_PER_MINUTE = 10  # per client, per name and per server process: failed logins, refusals …
# … beyond that they are counted and written as one summary line per key and minute.
AUDIT_MAX_BYTES = 5 * 1024 * 1024  # audit.log is rotated to audit.log.1 (… .N) beyond this size
AUDIT_KEEP_FILES = 5  # rotated files kept (audit.log.1 … audit.log.5); older ones are deleted
