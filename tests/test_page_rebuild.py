"""A damaged or missing database (issue #14): viewers get an explanation, only an admin may rebuild, after a
confirmation that names what is replaced; a rebuild deletes no kept snapshot, is audited and can be rolled back."""
from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from devzone import auth, db, fmt, users
from etl import snapshots
from etl.history import list_loads, rollback
from tests.builders import digest, query
from tests.test_page_data_admin import (  # noqa: F401 - fixtures
    ADMIN,
    ADMIN_PASSWORD,
    ENTRYPOINT,
    TIMEOUT,
    VIEWER,
    VIEWER_PASSWORD,
    Env,
    assert_ran_cleanly,
    button,
    log_in,
    make_env,
    nav_titles,
    record_the_menu,
)

VALUES = "SELECT zone_id, year, indicator, value FROM value_store ORDER BY ALL"
REBUILD = "重新生成演示数据库"


@pytest.fixture
def env(demo_db, tmp_path, monkeypatch) -> Env:
    yield make_env(demo_db, tmp_path, monkeypatch)
    db.close_all()


def damage(path) -> bytes:
    """Overwrite the live file in place (same inode), as a disk error would."""
    junk = b"not a database " * (path.stat().st_size // 15)
    with open(path, "r+b") as handle:
        handle.write(junk)
    return path.read_bytes()


def newest_kept(db_path):
    load_id, path = list(snapshots.kept(db_path).items())[-1]
    return load_id, path


def opened() -> AppTest:
    return AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT).run()


def page_text(app: AppTest) -> str:
    return "\n".join(e.value for e in [*app.error, *app.warning, *app.info, *app.caption])


def test_a_viewer_on_a_damaged_database_gets_an_explanation_and_no_button(env):
    broken = damage(env.db_path)
    app = opened()
    assert not app.exception
    assert "无法读取" in app.error[0].value
    assert "管理员" in app.info[0].value
    assert str(env.db_path.parent) not in page_text(app) and env.db_path.name not in page_text(app)  # no paths
    assert REBUILD not in [b.label for b in app.button] and not app.metric
    log_in(app, VIEWER, VIEWER_PASSWORD)  # a signed-in viewer is still a viewer
    assert REBUILD not in [b.label for b in app.button]
    assert env.db_path.read_bytes() == broken


def test_only_an_admin_rebuilds_after_confirming_and_nothing_kept_is_deleted(env):
    load_id, kept_path = newest_kept(env.db_path)
    before = query(kept_path, VALUES)
    values = query(kept_path, "SELECT count(*) FROM value_store")[0][0]
    kept_before = {i: digest(p) for i, p in snapshots.kept(env.db_path).items()}
    broken = damage(env.db_path)

    app = opened()
    log_in(app, ADMIN, ADMIN_PASSWORD)
    assert not app.exception
    warning = next(w.value for w in app.warning if "演示数据替换" in w.value)
    assert f"第 {load_id} 次发布" in warning and fmt.count(values, "个") in warning
    assert "回滚" in warning  # its snapshot is kept: restorable
    rebuild = button(app, REBUILD)
    assert rebuild.disabled  # not before the confirmation is ticked
    app.checkbox(key="rebuild_demo_confirm").check().run()
    button(app, REBUILD).click().run()
    assert_ran_cleanly(app)
    assert app.metric  # the dashboard shows data again

    aside = list(env.db_path.parent.glob("devzone.duckdb.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == broken  # set aside, not deleted
    kept_after = snapshots.kept(env.db_path)
    assert {i: digest(kept_after[i]) for i in kept_before} == kept_before  # no kept snapshot deleted
    loads = list_loads(env.db_path)
    demo_ids = [i for i in loads["load_id"] if i > max(kept_before)]
    assert demo_ids and set(loads.set_index("load_id").loc[demo_ids, "kind"]) == {"demo"}
    [entry] = [e for e in env.audit() if e["action"] == "rebuild"]
    assert (entry["user"], entry["role"], entry["result"]) == (ADMIN, "admin", "ok")
    assert f"replaced load {load_id}" in entry["detail"] and aside[0].name in entry["detail"]

    rollback(env.db_path, load_id, by=ADMIN)  # the data before the rebuild comes back
    assert query(env.db_path, VALUES) == before


def test_a_missing_file_after_there_was_data_is_explained_not_replaced(env):
    env.db_path.unlink()
    app = opened()
    assert not app.exception
    assert "不见了" in app.error[0].value and "管理员" in app.info[0].value
    assert not env.db_path.exists(), "no silent demo build over someone's data"
    assert REBUILD not in [b.label for b in app.button]
    log_in(app, ADMIN, ADMIN_PASSWORD)
    assert button(app, REBUILD).disabled
    assert not env.db_path.exists()


def test_the_first_run_builds_the_demo_only_where_there_never_was_a_database(tmp_path, monkeypatch):
    path = tmp_path / "data" / "devzone.duckdb"
    monkeypatch.setenv("DEVZONE_DB", str(path))
    monkeypatch.setenv(auth.USERS_FILE_ENV, str(tmp_path / "users.toml"))
    monkeypatch.delenv("DEVZONE_AUDIT_LOG", raising=False)
    app = opened()
    assert_ran_cleanly(app)
    assert path.is_file() and app.metric
    entries = [line for line in (path.parent / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 1 and '"action": "rebuild"' in entries[0] and "first run" in entries[0]


def test_a_password_change_ends_the_users_sessions(env, monkeypatch):
    app = opened()
    log_in(app, ADMIN, ADMIN_PASSWORD)
    assert "数据管理" in nav_titles(app)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a new password 2\n"))
    assert users.main(["--file", str(env.users_file), "passwd", ADMIN, "--password-stdin"]) == 0
    app.run()
    assert_ran_cleanly(app)
    assert "数据管理" not in nav_titles(app)
    assert not any(ADMIN in c.value for c in app.sidebar.caption)
    assert env.audit()[-1]["action"] == "logout" and "password changed" in env.audit()[-1]["detail"]


def test_a_lockout_survives_a_reload_and_a_new_session(env, monkeypatch):
    from devzone import limits

    monkeypatch.setattr(limits, "LOGIN_DELAY_SECONDS", 0.0)
    app = opened()
    for _ in range(limits.LOGIN_MAX_FAILURES):
        log_in(app, ADMIN, "not the password")
    reloaded = opened()  # a reload is a new session
    log_in(reloaded, ADMIN, ADMIN_PASSWORD)
    assert "秒后再试" in reloaded.sidebar.error[0].value
    assert "数据管理" not in nav_titles(reloaded)
    failures = [e for e in env.audit() if e["action"] == "login_failed"]
    assert len(failures) == limits.LOGIN_MAX_FAILURES + 1 and failures[-1]["detail"] == "locked out"
    assert os.path.exists(auth.lockout_store_path(env.users_file))


def test_an_unwritable_lockout_store_refuses_the_login_plainly(env, monkeypatch):
    import sqlite3

    def broken(self, name, client):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(auth.LoginGuard, "attempt", broken)
    app = opened()
    log_in(app, ADMIN, ADMIN_PASSWORD)
    assert not app.exception
    assert [e.value for e in app.sidebar.error] == ["暂时无法登录，请联系服务器管理员。"]
    assert "数据管理" not in nav_titles(app)
