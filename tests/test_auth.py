"""Access control without Streamlit: the users file, password hashing, roles, login throttling, the CLI,
and the audit log."""
from __future__ import annotations

import io
import json
import stat
import threading

import pytest

from devzone import audit, auth, limits, users


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
    verified = {"email_verified": True}
    assert auth.role_of_oidc_user({"email": "OPS@example.cn", "sub": "1", **verified}, users_) == "admin"
    assert auth.role_of_oidc_user({"email": "wangwu@example.cn", **verified}, users_) == "admin"
    assert auth.role_of_oidc_user({"email": "guest@example.cn", **verified}, users_) == "viewer"
    assert auth.role_of_oidc_user({"email": "x@example.cn", "sub": "abc"}, users_, admins=["abc"]) == "admin"
    assert auth.role_of_oidc_user({"email": "x@example.cn", **verified}, users_, admins=["abc"]) == "viewer"
    assert auth.role_of_oidc_user({}, users_, admins=[""]) == "viewer"


def test_oidc_matches_only_a_verified_email_or_the_sub_never_a_local_name():
    users_ = {
        "张三": auth.User("张三", "admin", auth.hash_password("password one"), email="zhangsan@example.cn"),
        "ops@example.cn": auth.User("ops@example.cn", "admin"),
    }
    # an unverified email is anyone's to type at some identity providers
    assert auth.role_of_oidc_user({"email": "ops@example.cn", "sub": "s1"}, users_) == "viewer"
    assert auth.role_of_oidc_user({"email": "ops@example.cn", "email_verified": False, "sub": "s1"}, users_) == "viewer"
    assert auth.role_of_oidc_user({"email": "ops@example.cn", "email_verified": True, "sub": "s1"}, users_) == "admin"
    assert auth.role_of_oidc_user({"email": "boss@example.cn", "sub": "s1"}, users_, ["boss@example.cn"]) == "viewer"
    # the name of a password user matches nothing (a sub or a verified email equal to it included) …
    assert auth.role_of_oidc_user({"sub": "张三"}, users_) == "viewer"
    assert auth.role_of_oidc_user({"email": "张三", "email_verified": True}, users_) == "viewer"
    # … but that user's listed email, verified, does
    assert auth.role_of_oidc_user({"email": "zhangsan@example.cn", "email_verified": True}, users_) == "admin"


def test_a_password_change_changes_the_session_token(users_file, monkeypatch):
    assert cli("add", "张三", "--role", "admin", "--password-stdin", password="password one",
               monkeypatch=monkeypatch) == 0
    before = auth.session_token(auth.read_users(users_file)["张三"])
    assert before and before == auth.session_token(auth.read_users(users_file)["张三"])  # stable while unchanged
    assert cli("passwd", "张三", "--password-stdin", password="password one", monkeypatch=monkeypatch) == 0
    assert auth.session_token(auth.read_users(users_file)["张三"]) != before  # even the same password: new salt
    assert auth.session_token(None) == ""


# ---------------------------------------------------------------- lockout

@pytest.fixture
def clock():
    now = [1_000_000.0]
    return now


def guard(tmp_path, clock) -> auth.LoginGuard:
    return auth.LoginGuard(tmp_path / "users.toml.lockout.sqlite", clock=lambda: clock[0])


def test_failures_slow_down_then_lock_out_and_survive_a_reload(tmp_path, clock):
    delays = []
    for _ in range(limits.LOGIN_MAX_FAILURES):
        attempt = guard(tmp_path, clock).attempt("张三", "10.0.0.1")  # a new guard each time: a reload, a new session
        assert not attempt.refused
        delays.append(attempt.delay)
    free = limits.LOGIN_FREE_FAILURES
    expected = [min(limits.LOGIN_DELAY_SECONDS * max(0, n - free + 1), limits.LOGIN_MAX_DELAY_SECONDS)
                for n in range(limits.LOGIN_MAX_FAILURES)]
    assert delays == expected
    locked = guard(tmp_path, clock).attempt("张三", "10.0.0.1")
    assert locked.refused and locked.locked_seconds == limits.LOGIN_LOCKOUT_SECONDS
    assert guard(tmp_path, clock).attempt("张三", "10.0.0.2").refused  # the name is locked, from anywhere
    clock[0] += limits.LOGIN_LOCKOUT_SECONDS + 1
    assert not guard(tmp_path, clock).attempt("张三", "10.0.0.3").refused


def test_each_lockout_lasts_longer(tmp_path, clock):
    lengths = []
    for _ in range(3):
        for _ in range(limits.LOGIN_MAX_FAILURES):
            guard(tmp_path, clock).attempt("张三", "10.0.0.1")
        lengths.append(guard(tmp_path, clock).seconds_locked("张三", "10.0.0.1"))
        clock[0] += lengths[-1] + 1
    base = limits.LOGIN_LOCKOUT_SECONDS
    assert lengths == [min(base * 2 ** n, limits.LOGIN_MAX_LOCKOUT_SECONDS) for n in range(3)]


def test_one_client_trying_many_names_is_locked_out(tmp_path, clock):
    for n in range(limits.LOGIN_MAX_FAILURES):
        assert not guard(tmp_path, clock).attempt(f"name{n}", "10.0.0.9").refused
    assert guard(tmp_path, clock).attempt("another name", "10.0.0.9").refused
    assert not guard(tmp_path, clock).attempt("another name", "10.0.0.10").refused  # another client is not


def test_a_success_forgets_the_names_failures(tmp_path, clock):
    for _ in range(limits.LOGIN_MAX_FAILURES - 1):
        guard(tmp_path, clock).attempt("张三", "10.0.0.1")
    guard(tmp_path, clock).succeeded("张三")
    attempt = guard(tmp_path, clock).attempt("张三", "10.0.0.2")
    assert not attempt.refused and attempt.delay == 0.0


def test_concurrent_attempts_are_all_counted(tmp_path):
    """Twenty sessions trying at once: exactly LOGIN_MAX_FAILURES get through before the lock, never more."""
    store = tmp_path / "users.toml.lockout.sqlite"
    results: list[auth.Attempt] = []
    barrier = threading.Barrier(20)

    def session(n: int) -> None:
        barrier.wait()
        results.append(auth.LoginGuard(store).attempt("张三", f"10.0.1.{n}"))

    threads = [threading.Thread(target=session, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    assert sum(not r.refused for r in results) == limits.LOGIN_MAX_FAILURES


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


# ---------------------------------------------------------------- audit log floods

@pytest.fixture
def fresh_limiter(monkeypatch):
    now = [6_000_000.0]
    monkeypatch.setattr(audit, "_limiter", audit._ViewerLimiter(clock=lambda: now[0]))
    return now


def test_a_typed_name_is_cut_in_the_log(tmp_path):
    path = tmp_path / "audit.log"
    audit.record("login_failed", user="x" * 10_000, role="viewer", result="failed", detail="y" * 100_000, path=path)
    [entry] = audit.recent(5, path)
    assert len(entry["user"]) == limits.AUDIT_NAME_MAX_CHARS
    assert len(entry["detail"]) == limits.AUDIT_DETAIL_MAX_CHARS


def test_the_log_is_rotated_by_size_and_keeps_n_files(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "AUDIT_MAX_BYTES", 2000)
    path = tmp_path / "audit.log"
    for i in range(200):
        audit.record("login", user=f"user{i}", role="admin", result="ok", detail="d" * 100, path=path)
    files = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("audit.log") and not p.name.endswith("lock"))
    assert files == ["audit.log"] + [f"audit.log.{n}" for n in range(1, limits.AUDIT_KEEP_FILES + 1)]
    assert all(p.stat().st_size <= 2000 for p in audit.log_files(path))
    newest = audit.recent(3, path)
    assert [e["user"] for e in newest] == ["user199", "user198", "user197"]
    # reading crosses into the rotated files, newest first and without gaps
    users_ = [e["user"] for e in audit.recent(1000, path)]
    assert users_ == [f"user{i}" for i in range(199, 199 - len(users_), -1)] and len(users_) > 20


def test_viewer_lines_are_rate_limited_per_client_and_per_name_and_summarised(tmp_path, fresh_limiter):
    path = tmp_path / "audit.log"
    per_minute = limits.AUDIT_VIEWER_LINES_PER_MINUTE
    written = [audit.record_viewer("login_failed", user=f"guess{i}", role="viewer", result="failed",
                                   client="10.0.0.1", path=path) for i in range(3 * per_minute)]
    assert sum(e is not None for e in written) == per_minute  # one client, many names
    written = [audit.record_viewer("login_failed", user="admin", role="viewer", result="failed",
                                   client=f"10.1.0.{i}", path=path) for i in range(3 * per_minute)]
    assert sum(e is not None for e in written) == per_minute  # one name, many clients
    fresh_limiter[0] += 60  # the next minute: the held-back lines are summarised once, then lines flow again
    assert audit.record_viewer("login_failed", user="later", role="viewer", result="failed", client="10.0.0.1",
                               path=path) is not None
    entries = audit.recent(1000, path)
    floods = [e for e in entries if e["action"] == "flood"]
    held_back = {e["detail"].split(" ")[0] for e in floods}
    assert held_back == {str(2 * per_minute)}  # client 10.0.0.1 and name admin: each once
    assert {e["detail"].split(" from ")[1].split(" in ")[0] for e in floods} == {"client 10.0.0.1", "name admin"}


def test_the_admin_view_of_the_log_survives_a_flood(tmp_path, fresh_limiter):
    path = tmp_path / "audit.log"
    audit.record("publish", user="张三", role="admin", result="ok", detail="load 7", path=path)
    audit.record("rollback", user="张三", role="admin", result="ok", detail="to load 6", path=path)
    flood = 500
    for i in range(flood):
        fresh_limiter[0] += 1  # 500 seconds of guessing from 50 clients
        audit.record_viewer("login_failed", user=f"guess{i}", role="viewer", result="failed",
                            client=f"10.0.0.{i % 50}", path=path)
    audit.flush_viewer_summaries()
    rows = audit.for_admins(50, path)
    assert [r["action"] for r in rows] == ["flood", "rollback", "publish"]
    assert rows[0]["result"] == "summary" and rows[0]["detail"].startswith(f"{flood} × ")
    assert [e["action"] for e in audit.recent(3, path)] != ["flood", "rollback", "publish"]  # the raw tail is noise


def test_concurrent_viewer_lines_are_all_accounted_for(tmp_path, fresh_limiter):
    """Forty sessions failing at once from one client: every attempt is a line or counted in a flood line."""
    path = tmp_path / "audit.log"
    barrier = threading.Barrier(40)

    def session(n: int) -> None:
        barrier.wait()
        audit.record_viewer("login_failed", user=f"guess{n}", role="viewer", result="failed", client="10.0.0.1",
                            path=path)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    held = audit.flush_viewer_summaries()
    entries = audit.recent(1000, path)
    lines = [e for e in entries if e["action"] == "login_failed"]
    assert len(lines) == limits.AUDIT_VIEWER_LINES_PER_MINUTE and held == 40 - len(lines)
    assert sum(int(e["detail"].split(" ")[0]) for e in entries if e["action"] == "flood") == held
