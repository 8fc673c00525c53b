"""数据管理 (app_pages/data_admin.py) and the access control around it, in Streamlit's AppTest.

Each test works on its own copy of the demo database (publishing changes it), its own users file and
its own audit log. The admin logs in through the sidebar form, uploads with AppTest's file_uploader,
checks (dry run), publishes, and the 总览 page then shows the new value.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from devzone import auth, db, fmt, limits

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = str(REPO_ROOT / "dashboard.py")
PAGE = "app_pages/data_admin.py"
TIMEOUT = 90
ADMIN, ADMIN_PASSWORD = "管理员甲", "admin-password-1"
VIEWER, VIEWER_PASSWORD = "浏览者乙", "viewer-password-1"
ZONE_ID, ZONE, YEAR, INDICATOR = "X140802", "盐湖高新区", 2020, "signed_projects"  # a synthetic year of the demo


@dataclass
class Env:
    db_path: Path
    users_file: Path
    audit_log: Path

    def value(self, zone_id: str = ZONE_ID, year: int = YEAR, indicator: str = INDICATOR) -> float | None:
        con = duckdb.connect(str(self.db_path), read_only=True)
        try:
            row = con.execute("SELECT value FROM indicator_values WHERE zone_id = ? AND year = ? AND indicator = ?",
                              [zone_id, year, indicator]).fetchone()
        finally:
            con.close()
        return None if row is None else row[0]

    def table(self, name: str):
        con = duckdb.connect(str(self.db_path), read_only=True)
        try:
            return con.execute(f"SELECT * FROM {name} ORDER BY ALL").df()
        finally:
            con.close()

    def audit(self) -> list[dict]:
        if not self.audit_log.exists():
            return []
        return [json.loads(line) for line in self.audit_log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def env(demo_db, tmp_path, monkeypatch) -> Env:
    yield make_env(demo_db, tmp_path, monkeypatch)
    db.close_all()


def make_env(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    """A copy of the demo database with its kept snapshots, a users file (an admin, a viewer), the audit log."""
    db_path = tmp_path / "data" / "devzone.duckdb"
    db_path.parent.mkdir()
    shutil.copy(demo_db, db_path)
    kept = demo_db.parent / ".snapshots" / demo_db.stem
    if kept.is_dir():
        shutil.copytree(kept, db_path.parent / ".snapshots" / db_path.stem)
    users_file = tmp_path / "users.toml"
    auth.write_users({
        ADMIN: auth.User(ADMIN, "admin", auth.hash_password(ADMIN_PASSWORD)),
        VIEWER: auth.User(VIEWER, "viewer", auth.hash_password(VIEWER_PASSWORD)),
    }, users_file)
    monkeypatch.setenv("DEVZONE_DB", str(db_path))
    monkeypatch.setenv(auth.USERS_FILE_ENV, str(users_file))
    monkeypatch.delenv("DEVZONE_AUDIT_LOG", raising=False)  # default: beside the database
    return Env(db_path, users_file, db_path.parent / "audit.log")


def long_csv(value: float, zone: str = ZONE, year: int = YEAR) -> bytes:
    return f"开发区,年份,指标,数值,单位\n{zone},{year},签约项目数,{value:g},个\n".encode()


def assert_ran_cleanly(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def button(app: AppTest, label: str):
    matches = [b for b in app.button if b.label == label]
    assert matches, f"no button {label!r}: {[b.label for b in app.button]}"
    return matches[0]


_LAST_MENU: list[list[str]] = [[]]


@pytest.fixture(autouse=True)
def record_the_menu(monkeypatch):
    """Keep the titles of the pages the last st.navigation call shows in its menu (hidden pages are registered,
    so that their address answers, but are not in the menu)."""
    import streamlit as st

    real_navigation = st.navigation

    def navigation(pages, *args, **kwargs):
        _LAST_MENU[0] = [page.title for page in pages if page.visibility == "visible"]
        return real_navigation(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", navigation)


def nav_titles(app: AppTest) -> list[str]:
    """The pages in the menu of `app`'s last run (call it right after that run)."""
    return list(_LAST_MENU[0])


def registered_titles(app: AppTest) -> list[str]:
    """Every page st.navigation registered in the last run, hidden ones included (AppTest keeps them)."""
    return [info.get("page_name") for info in app._registered_pages.values()]


def log_in(app: AppTest, name: str, password: str, label: str = "登录") -> AppTest:
    app.text_input(key="auth_login_name").input(name)
    app.text_input(key="auth_login_password").input(password)
    return button(app, label).click().run()


def admin_on_page() -> AppTest:
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT).run()
    log_in(app, ADMIN, ADMIN_PASSWORD)
    app.switch_page(PAGE)
    return app.run()


def upload_and_check(app: AppTest, files: list[tuple[str, bytes, str]]) -> AppTest:
    app.file_uploader[0].set_value(files).run()
    return button(app, "检查（试运行）").click().run()


def table_with(app: AppTest, column: str):
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


# ---------------------------------------------------------------- viewers

def test_a_viewer_sees_no_data_admin_page_in_the_menu():
    from devzone.navigation import menu

    hidden = {file_name for file_name, _, _, visibility in menu(is_admin=False) if visibility == "hidden"}
    assert hidden == {"data_admin.py"}
    assert all(visibility == "visible" for *_, visibility in menu(is_admin=True))


def test_a_viewer_who_opens_the_admin_address_gets_the_refusal(env):
    """Registered (hidden) for everyone: the address answers with the page's refusal, not "Page not found"."""
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT).run()
    assert_ran_cleanly(app)
    assert "总览" in nav_titles(app) and "数据管理" not in nav_titles(app)
    assert "数据管理" in registered_titles(app)
    log_in(app, VIEWER, VIEWER_PASSWORD)  # a logged-in viewer is still a viewer
    assert any("浏览者乙（浏览者）" in c.value for c in app.sidebar.caption)
    app.switch_page(PAGE)
    app.run()
    assert [e.value for e in app.error] == ["数据管理页面仅限管理员使用。请先在左侧边栏以管理员身份登录。"]
    assert not app.file_uploader and not app.title


def test_the_page_itself_refuses_a_viewer(env):
    app = AppTest.from_file(str(REPO_ROOT / PAGE), default_timeout=TIMEOUT).run()
    assert not app.exception
    assert [e.value for e in app.error] == ["数据管理页面仅限管理员使用。请先在左侧边栏以管理员身份登录。"]
    assert not app.file_uploader and not app.button and not app.dataframe and not app.title
    assert [(e["action"], e["result"]) for e in env.audit()] == [("refused", "refused")]


def test_a_wrong_password_is_refused_audited_and_locks_out(env, monkeypatch):
    monkeypatch.setattr(limits, "LOGIN_DELAY_SECONDS", 0.0)
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT).run()
    log_in(app, ADMIN, "not the password")
    assert [e.value for e in app.sidebar.error] == ["用户名或密码不正确。"]
    assert "数据管理" not in nav_titles(app)
    entry = env.audit()[-1]
    assert (entry["action"], entry["user"], entry["result"]) == ("login_failed", ADMIN, "failed")
    for _ in range(limits.LOGIN_MAX_FAILURES - 1):  # no waiting between them (the delays are tested in test_auth)
        log_in(app, ADMIN, "not the password")
    log_in(app, ADMIN, ADMIN_PASSWORD)  # the right password does not help while locked out
    assert "秒后再试" in app.sidebar.error[0].value
    assert "数据管理" not in nav_titles(app)
    assert env.audit()[-1]["detail"] == "locked out"


def oidc_app(email: str, verified: bool = True) -> AppTest:
    """A session signed in through an identity provider: `[auth]` configured, st.user filled by the IdP."""
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                            "client_id": "dashboard", "client_secret": "secret",
                            "server_metadata_url": "https://idp.example/.well-known/openid-configuration"},
                   "devzone": {"admins": ["boss@example.cn"]}}
    app.user = {"is_logged_in": True, "email": email, "email_verified": verified, "sub": "sub-" + email,
                "name": "某人"}
    return app.run()


def test_oidc_admins_are_listed_in_secrets_or_the_users_file(env):
    viewer = oidc_app("someone@example.cn")
    assert_ran_cleanly(viewer)
    assert any("someone@example.cn（浏览者）" in c.value for c in viewer.sidebar.caption)
    assert "数据管理" not in nav_titles(viewer)

    boss = oidc_app("boss@example.cn")  # in secrets [devzone] admins
    assert_ran_cleanly(boss)
    assert any("boss@example.cn（管理员）" in c.value for c in boss.sidebar.caption)
    assert "数据管理" in nav_titles(boss)
    boss.switch_page(PAGE).run()
    assert_ran_cleanly(boss)
    assert boss.title[0].value == "数据管理" and boss.file_uploader

    unverified = oidc_app("boss@example.cn", verified=False)  # an email the provider has not verified
    assert_ran_cleanly(unverified)
    assert "数据管理" not in nav_titles(unverified)

    users_ = auth.read_users(env.users_file)
    users_["ops@example.cn"] = auth.User("ops@example.cn", "admin")  # added with --no-password
    auth.write_users(users_, env.users_file)
    assert "数据管理" in nav_titles(oidc_app("ops@example.cn"))
    logins = [(e["user"], e["role"], e["detail"]) for e in env.audit() if e["action"] == "login"]
    assert logins == [("someone@example.cn", "viewer", "oidc"), ("boss@example.cn", "admin", "oidc"),
                      ("boss@example.cn", "viewer", "oidc"), ("ops@example.cn", "admin", "oidc")]


# ---------------------------------------------------------------- admins

def test_admin_checks_publishes_and_every_page_shows_the_new_value(env):
    old = env.value()
    new = old + 5
    app = admin_on_page()
    assert_ran_cleanly(app)
    assert "数据管理" in nav_titles(app)
    assert app.title[0].value == "数据管理"
    assert env.audit()[0]["action"] == "login"
    publish = button(app, "发布")
    assert publish.disabled  # nothing checked yet

    content = long_csv(new)
    upload_and_check(app, [("签约项目更新.csv", content, "text/csv")])
    assert_ran_cleanly(app)
    assert any("检查通过" in s.value for s in app.success)
    diff = table_with(app, "原值 → 新值")
    row = diff[(diff["开发区"] == "运城盐湖高新技术产业开发区") & (diff["年份"] == f"{YEAR}年")].iloc[0]
    assert row["指标"] == "签约项目数"
    assert row["原值 → 新值"] == f"{fmt.count(old, '个')} → {fmt.count(new, '个')}"
    assert row["状态"] == "更新"
    assert env.value() == old  # a dry run writes nothing

    publish = button(app, "发布")
    assert not publish.disabled
    publish.click().run()
    assert_ran_cleanly(app)
    assert any("已发布" in s.value for s in app.success)
    assert env.value() == new
    actions = [(e["action"], e["result"]) for e in env.audit()]
    assert actions[-2:] == [("dry_run", "ok"), ("publish", "ok")]
    published = env.audit()[-1]
    assert published["user"] == ADMIN and published["role"] == "admin"
    assert published["files"] == [{"name": "签约项目更新.csv", "sha256": hashlib.sha256(content).hexdigest()}]
    assert button(app, "发布").disabled  # the same files need a new check before another publish

    history = table_with(app, "快照已保留")
    assert history.iloc[0]["操作人"] == ADMIN and "签约项目更新.csv" in history.iloc[0]["文件（SHA-256 前12位）"]
    audit_shown = table_with(app, "操作")
    assert list(audit_shown["操作"][:2]) == ["发布", "检查（试运行）"]

    overview = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    overview.query_params.update(zone=ZONE, year=str(YEAR))
    overview.run()
    assert_ran_cleanly(overview)
    assert {m.label: m.value for m in overview.main.metric}["签约项目数"] == fmt.count(new, "个")


def test_invalid_file_shows_located_errors_and_publishes_nothing(env):
    before = hashlib.sha256(env.db_path.read_bytes()).hexdigest()
    bad = "开发区,年份,指标,数值,单位\n盐湖高新区,2020,签约项目数,很多,个\n火星开发区,2020,签约项目数,3,个\n".encode()
    app = admin_on_page()
    upload_and_check(app, [("有错误的表.csv", bad, "text/csv"), ("好的表.csv", long_csv(99), "text/csv")])
    assert not app.exception
    assert any("检查未通过" in e.value for e in app.error)
    errors = table_with(app, "问题")
    assert list(errors.columns) == ["文件", "工作表", "行", "列", "问题"]
    located = set(zip(errors["文件"], errors["行"], errors["列"], strict=True))
    assert ("有错误的表.csv", "2", "D") in located  # 很多 is not a number: row 2, column D (数值)
    assert ("有错误的表.csv", "3", "A") in located  # unknown zone: row 3, column A (开发区)
    assert any("火星开发区" in message for message in errors["问题"])
    assert button(app, "发布").disabled
    assert hashlib.sha256(env.db_path.read_bytes()).hexdigest() == before
    assert env.audit()[-1]["action"] == "dry_run" and env.audit()[-1]["result"] == "rejected"


def test_publishing_while_another_publish_holds_the_lock(env, monkeypatch):
    from devzone import admin_view
    from etl.publish import write_lock

    monkeypatch.setattr(admin_view, "PUBLISH_LOCK_TIMEOUT", 0.5)
    old = env.value()
    app = admin_on_page()
    upload_and_check(app, [("a.csv", long_csv(old + 9), "text/csv")])
    with write_lock(env.db_path):  # another admin (or `python -m etl load`) is publishing
        button(app, "发布").click().run()
    assert [w.value for w in app.warning] == ["另一位管理员正在发布，请稍后重试。"]
    assert env.value() == old
    assert (env.audit()[-1]["action"], env.audit()[-1]["result"]) == ("publish", "busy")
    button(app, "发布").click().run()  # the dry run still stands: publishing again works once the lock is free
    assert env.value() == old + 9


def test_changing_the_files_after_a_check_needs_a_new_check(env):
    app = admin_on_page()
    upload_and_check(app, [("a.csv", long_csv(50), "text/csv")])
    assert not button(app, "发布").disabled
    app.file_uploader[0].set_value([("a.csv", long_csv(51), "text/csv")]).run()  # same name, other content
    assert button(app, "发布").disabled


def test_an_oversized_file_is_refused_before_checking(env):
    app = admin_on_page()
    big = b"x" * (20 * 1024 * 1024 + 1)
    app.file_uploader[0].set_value([("大文件.csv", big, "text/csv")]).run()
    assert any(fmt.plain("大文件.csv") in e.value and "超过上限 20 MB" in e.value for e in app.error)  # name escaped
    assert button(app, "检查（试运行）").disabled and button(app, "发布").disabled


def test_the_upload_limit_is_the_same_in_config_and_code():
    import tomllib

    from devzone import admin_view

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == admin_view.MAX_UPLOAD_MB == 20


def test_rollback_restores_the_previous_values_exactly(env):
    old = env.value()
    app = admin_on_page()
    upload_and_check(app, [("第一版.csv", long_csv(old + 1), "text/csv")])
    button(app, "发布").click().run()
    first_load = int(table_with(app, "快照已保留").iloc[0]["序号"])
    after_first = env.table("indicator_values")
    upload_and_check(app, [("第二版.csv", long_csv(old + 2), "text/csv")])
    button(app, "发布").click().run()
    assert env.value() == old + 2

    pick = next(box for box in app.selectbox if box.label == "回滚到哪一次导入之后的数据")
    assert pick.value == first_load  # the newest load before the live one comes first
    pick.set_value(first_load).run()
    button(app, "回滚……").click().run()
    assert any(f"第 {first_load} 次导入后的数据" in w.value for w in app.warning)
    assert env.value() == old + 2  # nothing happens before the confirmation
    button(app, "确认回滚").click().run()
    assert_ran_cleanly(app)
    assert env.value() == old + 1
    assert env.table("indicator_values").equals(after_first)
    rollback = env.audit()[-1]
    assert (rollback["action"], rollback["result"], rollback["user"]) == ("rollback", "ok", ADMIN)
    assert table_with(app, "快照已保留").iloc[0]["类型"].startswith("回滚")


def test_templates_one_download_per_layout(env):
    app = admin_on_page()
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == [f"下载模板：{name}" for name in ("长表", "宽表", "项目台账", "企业名录", "年度目标")]
    assert len([c for c in app.caption if c.value.startswith(("长表：", "宽表：", "项目台账：", "企业名录：",
                                                               "年度目标："))]) == 5
    from devzone import admin_view

    first = admin_view.templates("zh")[0]
    assert (first.layout, first.file_name) == ("long", "导入模板_长表.xlsx")
    assert first.data()[:2] == b"PK"  # an .xlsx (zip) made by the ETL


def test_the_page_in_english(env):
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params["lang"] = "en"
    app.run()
    log_in(app, ADMIN, ADMIN_PASSWORD, label="Log in")
    assert "Data admin" in nav_titles(app)
    app.switch_page(PAGE).run()
    assert_ran_cleanly(app)
    assert app.title[0].value == "Data admin"
    app.file_uploader[0].set_value([("a.csv", long_csv(env.value() + 3), "text/csv")]).run()
    button(app, "Check (dry run)").click().run()
    assert_ran_cleanly(app)
    diff = table_with(app, "Old → new")
    assert list(diff["Status"]) == ["Changed"]


def test_logout_hides_the_page_again(env):
    app = admin_on_page()
    button(app, "退出登录").click().run()
    assert "数据管理" not in nav_titles(app)
    assert env.audit()[-1]["action"] == "logout"


# ---------------------------------------------------------------- suspect magnitudes and the account of each sheet

INVESTMENT = "signed_investment"


def investment_csv(value: float, zone: str = ZONE, year: int = YEAR) -> bytes:
    return f"开发区,年份,指标,数值,单位\n{zone},{year},签约项目总投资,{value:g},亿元\n".encode()


def test_suspect_figures_need_the_checkbox_and_the_confirmation_is_recorded(env):
    old = env.value(indicator=INVESTMENT)
    app = admin_on_page()
    upload_and_check(app, [("万元当亿元.csv", investment_csv(3_000_000), "text/csv")])
    assert_ran_cleanly(app)
    assert any("1 处数值的量级远超以往或其他开发区" in w.value for w in app.warning)
    outliers = table_with(app, "问题")
    assert list(zip(outliers["文件"], outliers["行"], outliers["列"], strict=True)) == [("万元当亿元.csv", "2", "D")]
    assert "“签约项目总投资”为 3,000,000 亿元，是该区历年最大值" in outliers["问题"][0]
    assert "疑似把万元当作亿元填报" in outliers["问题"][0]
    box = next(c for c in app.checkbox if c.label == "确认异常值无误，仍然发布")
    assert not box.value and button(app, "发布").disabled

    from devzone import admin_view

    before = hashlib.sha256(env.db_path.read_bytes()).hexdigest()
    uploads = [admin_view.Upload("万元当亿元.csv", investment_csv(3_000_000))]
    refused = admin_view.publish(uploads, env.db_path, ADMIN, "admin")  # the page's call without the tick
    assert (refused.status, refused.detail) == ("rejected", "1 unconfirmed outliers") and refused.accounts
    assert hashlib.sha256(env.db_path.read_bytes()).hexdigest() == before
    assert env.value(indicator=INVESTMENT) == old

    next(c for c in app.checkbox if c.label == "确认异常值无误，仍然发布").check().run()
    assert not button(app, "发布").disabled
    button(app, "发布").click().run()
    assert_ran_cleanly(app)
    assert any("已发布" in s.value for s in app.success)
    assert env.value(indicator=INVESTMENT) == 3_000_000
    published = env.audit()[-1]
    assert (published["action"], published["result"]) == ("publish", "ok")
    assert published["detail"].endswith("; 1 outliers confirmed")
    files = json.loads(env.table("loads").sort_values("load_id").iloc[-1]["files"])
    assert files[0]["confirmed_outliers"][0].startswith("万元当亿元.csv:2:D: “签约项目总投资”为 3,000,000 亿元")


def test_a_check_without_suspect_figures_shows_no_checkbox(env):
    app = admin_on_page()
    upload_and_check(app, [("a.csv", investment_csv(env.value(indicator=INVESTMENT) + 1), "text/csv")])
    assert_ran_cleanly(app)
    assert not app.checkbox and not button(app, "发布").disabled


def account_expanders(app: AppTest):
    return [e for e in app.expander if e.dataframe and "数据行数" in list(e.dataframe[0].value["项目"])]


def test_the_account_of_each_sheet_is_shown_as_plain_text(env):
    from tests.builders import XSS_MARKDOWN

    name = f"{XSS_MARKDOWN}.csv"
    app = admin_on_page()
    upload_and_check(app, [(name, long_csv(env.value() + 1), "text/csv")])
    assert_ran_cleanly(app)
    assert "读取情况" in [h.value for h in app.subheader]
    [expander] = account_expanders(app)
    assert expander.label.startswith(fmt.plain(name) + "：")  # escaped: the markdown in the name stays inert
    table = expander.dataframe[0].value
    assert list(table.columns) == ["项目", "内容"]
    assert dict(zip(table["项目"], table["内容"], strict=True))["数据行数"] == str(
        next(s for s in app.session_state["admin_dry_runs"].values()).accounts[0].rows)


def test_the_account_is_shown_after_a_refusal_too(env):
    bad = "开发区,年份,指标,数值,单位\n盐湖高新区,2020,签约项目数,很多,个\n".encode()
    app = admin_on_page()
    upload_and_check(app, [("有错误的表.csv", bad, "text/csv")])
    assert any("检查未通过" in e.value for e in app.error)
    [expander] = account_expanders(app)
    assert expander.label.startswith(fmt.plain("有错误的表.csv") + "：")


def test_the_suspect_figures_and_the_account_in_english(env):
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.query_params["lang"] = "en"
    app.run()
    log_in(app, ADMIN, ADMIN_PASSWORD, label="Log in")
    app.switch_page(PAGE).run()
    app.file_uploader[0].set_value([("a.csv", investment_csv(3_000_000), "text/csv")]).run()
    button(app, "Check (dry run)").click().run()
    assert_ran_cleanly(app)
    assert {"Suspect figures", "What was read"} <= {h.value for h in app.subheader}
    assert [c.label for c in app.checkbox] == ["These figures are right; publish anyway"]
    assert button(app, "Publish").disabled
