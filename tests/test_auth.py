"""Access control without Streamlit: the users file, password hashing, roles, login throttling, the CLI,
and the audit log."""
from __future__ import annotations

import io
import json
import stat
import threading

import pytest

from devzone import audit, auth, users


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "private" / "users.toml"
    monkeypatch.setenv(auth.USERS_FILE_ENV, str(path))
    return path


def cli(*argv: str, password: str | None = None, monkeypatch=None) -> int:
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return users.main(list(argv))


# ---------------------------------------------------------------- hashing

def test_passwords_are_hashed_salted_and_checked(users_file, monkeypatch):
    assert cli("add", "张三", "--role", "admin", "--password-stdin", password="correct horse 1",
               monkeypatch=monkeypatch) == 0
    assert cli("add", "李四", "--role", "viewer", "--password-stdin", password="correct horse 1",
               monkeypatch=monkeypatch) == 0
    text = users_file.read_text(encoding="utf-8")
    assert "correct horse" not in text  # no plaintext
    stored = auth.read_users(users_file)
    first, second = stored["张三"].password_hash, stored["李四"].password_hash
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second  # salted: the same password hashes differently
    assert auth.authenticate(stored, "张三", "correct horse 1") == stored["张三"]
    assert auth.authenticate(stored, "张三", "correct horse 2") is None
    assert auth.authenticate(stored, "王五", "correct horse 1") is None  # unknown name
    assert auth.authenticate(stored, " 张三 ", "correct horse 1") is not None


def test_getpass_asks_twice_and_refuses_a_mismatch(users_file, monkeypatch, capsys):
    answers = iter(["first password", "other password"])
    monkeypatch.setattr(users.getpass, "getpass", lambda prompt: next(answers))
    assert users.main(["add", "张三", "--role", "admin"]) == 1
    assert "不一致" in capsys.readouterr().err
    assert not users_file.exists()
    answers = iter(["first password", "first password"])
    assert users.main(["add", "张三", "--role", "admin"]) == 0
    assert auth.authenticate(auth.read_users(users_file), "张三", "first password")


def test_short_passwords_are_refused(users_file, monkeypatch):
    assert cli("add", "张三", "--role", "admin", "--password-stdin", password="short", monkeypatch=monkeypatch) == 1
    assert auth.read_users(users_file) == {}


# ---------------------------------------------------------------- the CLI and the file

def test_cli_add_list_passwd_remove(users_file, monkeypatch, capsys):
    assert cli("add", "张三", "--role", "admin", "--password-stdin", password="password one",
               monkeypatch=monkeypatch) == 0
    assert cli("add", "张三", "--role", "viewer", "--password-stdin", password="password one",
               monkeypatch=monkeypatch) == 1  # exists already
    assert cli("add", "ops@example.cn", "--role", "admin", "--no-password") == 0
    capsys.readouterr()
    assert cli("list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == ["ops@example.cn\tadmin\t单位账号", "张三\tadmin\t密码"]
    assert "argon2" not in "\n".join(listed)

    before = auth.read_users(users_file)["张三"].password_hash
    assert cli("passwd", "张三", "--password-stdin", password="password two", monkeypatch=monkeypatch) == 0
    after = auth.read_users(users_file)
    assert after["张三"].password_hash != before and after["张三"].role == "admin"
    assert auth.authenticate(after, "张三", "password two") and not auth.authenticate(after, "张三", "password one")

    assert cli("remove", "张三") == 0
    assert set(auth.read_users(users_file)) == {"ops@example.cn"}
    assert cli("remove", "张三") == 1
    assert cli("passwd", "nobody", "--password-stdin", password="whatever123", monkeypatch=monkeypatch) == 1


def test_file_is_private_and_replaced_atomically(users_file, monkeypatch):
    assert cli("add", "张三", "--role", "admin", "--password-stdin", password="password one",
               monkeypatch=monkeypatch) == 0
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    inode = users_file.stat().st_ino
    assert cli("add", "李四", "--role", "viewer", "--password-stdin", password="password one",
               monkeypatch=monkeypatch) == 0
    assert users_file.stat().st_ino != inode  # a new file swapped in, never rewritten in place
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert [p.name for p in users_file.parent.iterdir()] == ["users.toml"]  # no temp files left


def test_names_needing_quotes_round_trip(tmp_path):
    path = tmp_path / "users.toml"
    odd = 'a "quoted" name.with dots'
    auth.write_users({odd: auth.User(odd, "admin", auth.hash_password("password one"))}, path)
    assert auth.authenticate(auth.read_users(path), odd, "password one")


def test_a_bad_role_is_reported(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text('[users."张三"]\nrole = "root"\n', encoding="utf-8")
    with pytest.raises(auth.UsersFileError, match="root"):
        auth.read_users(path)
    assert auth.read_users(tmp_path / "absent.toml") == {}


# ---------------------------------------------------------------- roles

def test_role_lookup():
    users_ = {
        "张三": auth.User("张三", "admin", auth.hash_password("password one")),
        "李四": auth.User("李四", "viewer", auth.hash_password("password one")),
        "ops@example.cn": auth.User("ops@example.cn", "admin"),
        "王五": auth.User("王五", "admin", None, email="wangwu@example.cn"),
        "guest@example.cn": auth.User("guest@example.cn", "viewer"),
    }
    assert auth.role_of_local_user(users_, "张三") == "admin"
    assert auth.role_of_local_user(users_, "李四") == "viewer"
    assert auth.role_of_local_user(users_, "removed since") == "viewer"
    assert auth.role_of_local_user(users_, "ops@example.cn") == "viewer"  # no password: cannot log in locally
    assert auth.role_of_oidc_user({"email": "OPS@example.cn", "sub": "1"}, users_) == "admin"
    assert auth.role_of_oidc_user({"email": "wangwu@example.cn"}, users_) == "admin"
    assert auth.role_of_oidc_user({"email": "guest@example.cn"}, users_) == "viewer"
    assert auth.role_of_oidc_user({"email": "x@example.cn", "sub": "abc"}, users_, admins=["abc"]) == "admin"
    assert auth.role_of_oidc_user({"email": "x@example.cn"}, users_, admins=["abc"]) == "viewer"
    assert auth.role_of_oidc_user({}, users_, admins=[""]) == "viewer"


# ---------------------------------------------------------------- lockout

def test_throttle_slows_down_then_locks_out():
    now = [1000.0]
    throttle = auth.LoginThrottle(free_failures=2, max_failures=5, delay_seconds=1.0, lockout_seconds=60,
                                  clock=lambda: now[0])
    delays = []
    for _ in range(4):
        delays.append(throttle.delay())
        throttle.failed()
    assert delays == [0.0, 0.0, 1.0, 2.0]
    assert not throttle.is_locked()
    throttle.failed()  # the fifth
    assert throttle.is_locked() and throttle.seconds_locked() == 60
    now[0] += 59
    assert throttle.is_locked()
    now[0] += 2
    assert not throttle.is_locked() and throttle.delay() == 0.0
    throttle.failed()
    throttle.succeeded()
    assert throttle.failures == 0 and throttle.delay() == 0.0


# ---------------------------------------------------------------- audit log

def test_audit_log_appends_json_lines_and_reads_newest_first(tmp_path, monkeypatch):
    path = tmp_path / "audit.log"
    monkeypatch.setenv(audit.AUDIT_LOG_ENV, str(path))
    assert audit.audit_log_path() == path
    files = audit.file_entries([("a.csv", b"x")])
    assert files == [{"name": "a.csv", "sha256": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"}]
    audit.record("dry_run", user="张三", role="admin", result="ok", files=files)
    audit.record("publish", user="张三", role="admin", result="ok", files=files, detail="load 7")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["dry_run", "publish"]
    assert set(json.loads(lines[0])) == {"time", "user", "role", "action", "files", "result", "detail"}
    assert [e["action"] for e in audit.recent(1)] == ["publish"]
    with pytest.raises(ValueError):
        audit.record("delete_everything", user="x", role="admin", result="ok")


def test_audit_log_default_is_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv(audit.AUDIT_LOG_ENV, raising=False)
    assert audit.audit_log_path(tmp_path / "db" / "devzone.duckdb") == tmp_path / "db" / "audit.log"


def test_concurrent_appends_never_interleave(tmp_path):
    path = tmp_path / "audit.log"
    detail = "x" * 5000  # longer than one write() of a small buffer

    def writer(n: int) -> None:
        for i in range(20):
            audit.record("login", user=f"user{n}", role="admin", result="ok", detail=f"{i}{detail}", path=path)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 80
