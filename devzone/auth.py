"""Who may do what: viewers (everyone, no login) and admins (may load, publish and roll back data).

Two ways to be an admin:

- **OIDC** (`[auth]` in `.streamlit/secrets.toml`, Streamlit's `st.login()`): the identity provider says
  who the person is; they are an admin when their verified email (`email_verified` true) or their `sub` is
  listed in the local users file with role admin, or in secrets `[devzone] admins = [...]`.
- **Local users file** (intranets without an identity provider): a TOML file — `DEVZONE_USERS_FILE`,
  default `data/users.toml`, git-ignored — with a name, a role and an Argon2id password hash per user
  (argon2-cffi's PasswordHasher: salted, memory-hard). Passwords are never stored.
  Managed with `python -m devzone.users`. Changing a password (or removing the user) ends that user's
  sessions (`session_token`). Failed sign-ins are counted per name and per client (`LoginGuard`).

This module does not import Streamlit (the sidebar form and `st.user` live in devzone/ui/account.py).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from devzone import limits
from etl.paths import DATA_DIR

Role = Literal["viewer", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "admin")
VIEWER: Role = "viewer"
ADMIN: Role = "admin"
USERS_FILE_ENV = "DEVZONE_USERS_FILE"
FILE_MODE = 0o600

_hasher = PasswordHasher()  # Argon2id with the library's recommended parameters and a random salt per hash
# Verified when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UsersFileError(Exception):
    """The users file cannot be read (bad TOML, unknown role, …); str() says where and what."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    password_hash: str | None = None  # None: an OIDC identity (email / sub) that never logs in with a password
    email: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


@dataclass(frozen=True)
class Identity:
    """The person behind one session. `method` is "local", "oidc" or "anonymous"."""

    name: str
    role: Role
    method: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


ANONYMOUS = Identity("", VIEWER, "anonymous")


# ---------------------------------------------------------------- the users file

def users_file_path() -> Path:
    """`DEVZONE_USERS_FILE`, default data/users.toml."""
    return Path(os.environ.get(USERS_FILE_ENV) or DATA_DIR / "users.toml")


def read_users(path: Path | None = None) -> dict[str, User]:
    """Every user in the file, by name; an absent file means no users."""
    path = path or users_file_path()
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"{path}: {exc}") from exc
    users: dict[str, User] = {}
    for name, entry in (document.get("users") or {}).items():
        role = entry.get("role", VIEWER)
        if role not in ROLES:
            raise UsersFileError(f"{path}: [users.{name}] role = {role!r} — expected one of {', '.join(ROLES)}")
        users[name] = User(name, role, entry.get("password_hash"), entry.get("email"))
    return users


def _toml_string(text: str) -> str:
    # A JSON string literal is a valid TOML basic string (same escapes, \uXXXX included).
    return json.dumps(text, ensure_ascii=False)


def render_users(users: dict[str, User]) -> str:
    lines = ["# 开发区经济指标看板 — users (python -m devzone.users). Password hashes are Argon2id; keep this file private.",
             ""]
    for name in sorted(users):
        user = users[name]
        lines.append(f"[users.{_toml_string(name)}]")
        lines.append(f"role = {_toml_string(user.role)}")
        if user.password_hash:
            lines.append(f"password_hash = {_toml_string(user.password_hash)}")
        if user.email:
            lines.append(f"email = {_toml_string(user.email)}")
        lines.append("")
    return "\n".join(lines)


def write_users(users: dict[str, User], path: Path | None = None) -> Path:
    """Replace the file atomically (temp file beside it, fsync, os.replace), readable by its owner only."""
    path = path or users_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(render_users(users))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    os.chmod(path, FILE_MODE)
    return path


def has_password_users(users: dict[str, User]) -> bool:
    return any(user.password_hash for user in users.values())


# ---------------------------------------------------------------- passwords

def hash_password(password: str) -> str:
    if not password:
        raise ValueError("empty password")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    """The user when `name` and `password` match a local user with a password; otherwise None."""
    user = users.get(name.strip())
    if user is None or not user.password_hash:
        verify_password(_DUMMY_HASH, password + "x")  # same cost as a real check
        return None
    return user if verify_password(user.password_hash, password) else None


# ---------------------------------------------------------------- roles

def role_of_local_user(users: dict[str, User], name: str) -> Role:
    """The role the file gives `name` now (a user removed or demoted since logging in is a viewer)."""
    user = users.get(name)
    return user.role if user is not None and user.password_hash else VIEWER


def oidc_identities(claims: dict[str, object]) -> set[str]:
    """What an identity provider vouches for: the email only when `email_verified` is true, and the `sub`."""
    identities = set()
    if claims.get("email") and claims.get("email_verified") in (True, "true", "True"):
        identities.add(str(claims["email"]).strip().lower())
    if claims.get("sub"):
        identities.add(str(claims["sub"]).strip().lower())
    return identities


def role_of_oidc_user(claims: dict[str, object], users: dict[str, User], admins: Iterable[str] = ()) -> Role:
    """Admin when the identity's verified email or its sub is listed as an admin: in secrets `[devzone] admins`,
    as the `email` of an admin in the users file, or as the name of an admin without a password (an OIDC
    identity added with --no-password). The name of a local (password) user never matches: anyone can pick
    a display name or an unverified email at some identity providers."""
    identities = oidc_identities(claims)
    if not identities:
        return VIEWER
    listed = {a.strip().lower() for a in admins}
    for user in users.values():
        if user.is_admin:
            if user.email:
                listed.add(user.email.strip().lower())
            if not user.password_hash:
                listed.add(user.name.strip().lower())
    listed.discard("")
    return ADMIN if identities & listed else VIEWER


def session_token(user: User | None) -> str:
    """A fingerprint of the user's current password hash: a session remembers it at login and ends as soon as
    it differs (`python -m devzone.users passwd` or remove), on the session's next rerun."""
    if user is None or not user.password_hash:
        return ""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:32]


def oidc_display_name(claims: dict[str, object]) -> str:
    for key in ("email", "name", "sub"):
        if claims.get(key):
            return str(claims[key])
    return "?"


# ---------------------------------------------------------------- login lockout (per name and per client)

@dataclass(frozen=True)
class Attempt:
    """What `LoginGuard.attempt` decided: refused while locked (`locked_seconds` > 0), else the delay to wait."""

    locked_seconds: float = 0.0
    delay: float = 0.0

    @property
    def refused(self) -> bool:
        return self.locked_seconds > 0


def lockout_store_path(users_path: Path | None = None) -> Path:
    users_path = users_path or users_file_path()
    return users_path.with_name(users_path.name + ".lockout.sqlite")


class LoginGuard:
    """Failed sign-ins per account name and per client address, in a small SQLite file beside the users file,
    shared by every session, reload, thread and server process (SQLite's file lock; BEGIN IMMEDIATE).

    Every attempt is counted before the password is checked (so concurrent attempts are all counted); a
    success forgets the name's failures. After `LOGIN_FREE_FAILURES` the answer is delayed; at
    `LOGIN_MAX_FAILURES` within the window the name or the client is locked out, for a time that doubles with
    each lockout (devzone/limits.py). A locked name or client is refused without checking the password.
    """

    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time):
        self.path = path or lockout_store_path()
        self.clock = clock

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        if fresh:
            with contextlib.suppress(OSError):
                os.chmod(self.path, FILE_MODE)
        con.execute("CREATE TABLE IF NOT EXISTS attempts (key TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
                    " lockouts INTEGER NOT NULL, locked_until REAL NOT NULL, last_attempt REAL NOT NULL)")
        return con

    @staticmethod
    def keys(name: str, client: str) -> list[str]:
        return [f"name:{name.strip()[: limits.AUDIT_NAME_MAX_CHARS]}", f"client:{(client or '?')[:64]}"]

    def attempt(self, name: str, client: str) -> Attempt:
        """Count one attempt (as a failure until `succeeded`), or refuse it while the name or client is locked."""
        now = self.clock()
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("DELETE FROM attempts WHERE last_attempt < ? AND locked_until < ?",
                        [now - limits.LOGIN_WINDOW_SECONDS, now - limits.LOGIN_MAX_LOCKOUT_SECONDS])
            rows = {key: con.execute("SELECT failures, lockouts, locked_until, last_attempt FROM attempts"
                                     " WHERE key = ?", [key]).fetchone() or (0, 0, 0.0, 0.0)
                    for key in self.keys(name, client)}
            locked = max(until - now for _, _, until, _ in rows.values())
            if locked > 0:
                con.execute("COMMIT")
                return Attempt(locked_seconds=locked)
            delay = 0.0
            for key, (failures, lockouts, until, last) in rows.items():
                if now - last > limits.LOGIN_WINDOW_SECONDS:
                    failures = 0
                    if now - until > limits.LOGIN_WINDOW_SECONDS:
                        lockouts = 0
                if failures >= limits.LOGIN_FREE_FAILURES:
                    delay = max(delay, limits.LOGIN_DELAY_SECONDS * (failures - limits.LOGIN_FREE_FAILURES + 1))
                failures += 1
                if failures >= limits.LOGIN_MAX_FAILURES:
                    until = now + min(limits.LOGIN_LOCKOUT_SECONDS * 2 ** lockouts, limits.LOGIN_MAX_LOCKOUT_SECONDS)
                    failures, lockouts = 0, lockouts + 1
                con.execute("INSERT OR REPLACE INTO attempts VALUES (?, ?, ?, ?, ?)",
                            [key, failures, lockouts, until, now])
            con.execute("COMMIT")
            return Attempt(delay=min(delay, limits.LOGIN_MAX_DELAY_SECONDS))
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def succeeded(self, name: str) -> None:
        """The password was right: the name's failures and lockouts are forgotten (the client's stay)."""
        con = self._connect()
        try:
            con.execute("DELETE FROM attempts WHERE key = ?", [self.keys(name, "")[0]])
        finally:
            con.close()

    def seconds_locked(self, name: str, client: str) -> float:
        now = self.clock()
        con = self._connect()
        try:
            rows = [con.execute("SELECT locked_until FROM attempts WHERE key = ?", [key]).fetchone()
                    for key in self.keys(name, client)]
        finally:
            con.close()
        return max([0.0] + [row[0] - now for row in rows if row])
