"""Who may do what: viewers (everyone, no login) and admins (may load, publish and roll back data).

Two ways to be an admin:

- **OIDC** (`[auth]` in `.streamlit/secrets.toml`, Streamlit's `st.login()`): the identity provider says
  who the person is; they are an admin when their email or `sub` is listed in the local users file with
  role admin, or in secrets `[devzone] admins = [...]`.
- **Local users file** (intranets without an identity provider): a TOML file — `DEVZONE_USERS_FILE`,
  default `data/users.toml`, git-ignored — with a name, a role and an Argon2id password hash per user
  (argon2-cffi's PasswordHasher: salted, memory-hard). Passwords are never stored.
  Managed with `python -m devzone.users`.

This module does not import Streamlit (the sidebar form and `st.user` live in devzone/ui.py).
"""
from __future__ import annotations

import json
import os
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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


def role_of_oidc_user(claims: dict[str, object], users: dict[str, User], admins: Iterable[str] = ()) -> Role:
    """Admin when the identity's email or sub is listed as an admin (users file or secrets `[devzone] admins`)."""
    identities = {str(claims[key]).strip().lower() for key in ("email", "sub") if claims.get(key)}
    if not identities:
        return VIEWER
    listed = {a.strip().lower() for a in admins}
    for user in users.values():
        if user.is_admin:
            listed |= {user.name.strip().lower()} | ({user.email.strip().lower()} if user.email else set())
    return ADMIN if identities & listed else VIEWER


def oidc_display_name(claims: dict[str, object]) -> str:
    for key in ("email", "name", "sub"):
        if claims.get(key):
            return str(claims[key])
    return "?"


# ---------------------------------------------------------------- login throttling (per session)

@dataclass
class LoginThrottle:
    """Slows down password guessing in one session.

    Every failure after the first `free_failures` adds a delay before the answer; after `max_failures`
    failures in a row, logging in is refused for `lockout_seconds`. A success resets it.
    """

    free_failures: int = 2
    max_failures: int = 5
    delay_seconds: float = 1.0
    lockout_seconds: float = 60.0
    failures: int = 0
    locked_until: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    def seconds_locked(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    def is_locked(self) -> bool:
        return self.seconds_locked() > 0

    def delay(self) -> float:
        """How long to wait before answering the current attempt."""
        return self.delay_seconds * max(0, self.failures - self.free_failures + 1) if self.failures else 0.0

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.max_failures:
            self.locked_until = self.clock() + self.lockout_seconds
            self.failures = 0

    def succeeded(self) -> None:
        self.failures = 0
        self.locked_until = 0.0
