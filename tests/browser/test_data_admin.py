"""数据管理 in headless Chromium: an admin logs in, uploads a file, checks it, publishes, and 总览 shows the
new number. Screenshots: tests/artifacts/.

Publishing changes the database, so this module serves the app on its own copy of the demo database
(with its own users file and audit log) instead of the session-wide `app_server`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from devzone import auth, fmt
from tests.browser.helpers import ERROR_BOX, grid_rows, metric, open_page, save_screenshot, wait_until_idle

ADMIN, PASSWORD = "管理员甲", "admin-password-1"
ZONE_ID, ZONE, YEAR = "X140802", "盐湖高新区", 2020  # a synthetic year of the demo


def signed_projects(db_path: Path) -> float:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT value FROM indicator_values WHERE zone_id = ? AND year = ? "
                           "AND indicator = 'signed_projects'", [ZONE_ID, YEAR]).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def admin_server(demo_db, tmp_path_factory, serve_app):
    """`streamlit run dashboard.py` on 127.0.0.1 against a private copy of the demo DB, with one admin."""
    home = tmp_path_factory.mktemp("admin_server")
    db_path = home / "devzone.duckdb"
    shutil.copy(demo_db, db_path)
    kept = demo_db.parent / ".snapshots" / demo_db.stem  # the demo's kept snapshots: loads to roll back to
    if kept.is_dir():
        shutil.copytree(kept, db_path.parent / ".snapshots" / db_path.stem)
    users_file = home / "users.toml"
    auth.write_users({ADMIN: auth.User(ADMIN, "admin", auth.hash_password(PASSWORD))}, users_file)
    with serve_app(home, DEVZONE_DB=str(db_path), DEVZONE_AUDIT_LOG=str(home / "audit.log"),
                   **{auth.USERS_FILE_ENV: str(users_file)}) as base_url:
        yield base_url, db_path, home


@pytest.fixture
def page(browser_page) -> Page:
    return browser_page


def log_in_and_open_data_admin(page: Page) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("管理员登录").click()
    sidebar.get_by_label("用户名").fill(ADMIN)
    sidebar.get_by_label("密码", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar).to_contain_text(f"已登录：{ADMIN}（管理员）")
    sidebar.get_by_role("link", name="数据管理").click()
    expect(page.get_by_role("heading", name="数据管理", exact=True)).to_be_visible()
    wait_until_idle(page)


def upload_and_check(page: Page, base_url: str, path: Path, outcome: str):
    """Open the app, log in, upload `path` on 数据管理 and press 检查（试运行）; wait for `outcome`. Returns stMain."""
    open_page(page, base_url, "")
    log_in_and_open_data_admin(page)
    main = page.get_by_test_id("stMain")
    main.locator("input[type=file]").set_input_files(str(path))
    expect(main).to_contain_text(path.name)
    wait_until_idle(page)
    main.get_by_role("button", name="检查（试运行）").click()
    expect(main).to_contain_text(outcome, timeout=60_000)
    wait_until_idle(page)
    return main


def test_an_invalid_file_shows_where_the_errors_are(page: Page, admin_server, tmp_path):
    base_url, db_path, _ = admin_server
    before = db_path.stat().st_mtime_ns, db_path.stat().st_size
    bad = tmp_path / "有错误的表.csv"
    bad.write_text("开发区,年份,指标,数值,单位\n盐湖高新区,2020,签约项目数,很多,个\n火星开发区,2020,签约项目数,3,个\n",
                   encoding="utf-8")
    main = upload_and_check(page, base_url, bad, "检查未通过")
    rows = grid_rows(main.get_by_test_id("stDataFrame").filter(has_text="问题"))
    assert any("有错误的表.csv" in row and "火星开发区" in row for row in rows), rows
    expect(main.get_by_role("button", name="发布")).to_be_disabled()
    assert (db_path.stat().st_mtime_ns, db_path.stat().st_size) == before


def test_admin_uploads_checks_publishes_and_the_overview_shows_it(page: Page, admin_server, tmp_path):
    base_url, db_path, home = admin_server
    old = signed_projects(db_path)
    new = old + 7
    upload = tmp_path / "签约项目更新.csv"
    upload.write_text(f"开发区,年份,指标,数值,单位\n{ZONE},{YEAR},签约项目数,{new:g},个\n", encoding="utf-8")

    open_page(page, base_url, "")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name="数据管理")).to_have_count(0)  # a viewer has no such page

    log_in_and_open_data_admin(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name="发布")).to_be_disabled()

    main.locator("input[type=file]").set_input_files(str(upload))
    expect(main).to_contain_text("签约项目更新.csv")
    wait_until_idle(page)
    main.get_by_role("button", name="检查（试运行）").click()
    expect(main).to_contain_text("检查通过", timeout=60_000)
    wait_until_idle(page)
    diff = main.get_by_test_id("stDataFrame").filter(has_text="原值 → 新值")
    rows = grid_rows(diff)
    assert any(f"{fmt.count(old, '个')} → {fmt.count(new, '个')}" in row and "更新" in row for row in rows), rows
    assert signed_projects(db_path) == old  # the dry run wrote nothing
    save_screenshot(page, "test_data_admin-preview")

    main.get_by_role("button", name="发布").click()
    expect(main).to_contain_text("已发布", timeout=60_000)
    wait_until_idle(page)
    assert page.locator(ERROR_BOX).count() == 0
    assert signed_projects(db_path) == new
    page.get_by_role("tab", name="导入历史与回滚").click()
    expect(main.get_by_role("button", name="回滚……")).to_be_visible()
    history = grid_rows(main.get_by_test_id("stDataFrame").filter(has_text="操作人"))
    assert ADMIN in history[0] and "当前数据" in history[0], history
    save_screenshot(page, "test_data_admin-history")
    page.get_by_role("tab", name="模板下载").click()
    with page.expect_download() as download:
        main.get_by_role("button", name="下载模板：长表").click()
    assert download.value.suggested_filename == "导入模板_长表.xlsx"
    wait_until_idle(page)
    page.get_by_role("tab", name="审计日志").click()
    audit = main.get_by_test_id("stDataFrame").filter(has_text="操作")
    expect(audit).to_contain_text("下载模板")  # written by the download's callback, drawn by the rerun it starts
    audit_rows = grid_rows(audit)
    assert "下载模板" in audit_rows[0] and "long" in audit_rows[0], audit_rows  # the newest entry first
    assert "发布" in audit_rows[1] and "签约项目更新.csv" in audit_rows[1], audit_rows
    assert "检查（试运行）" in audit_rows[2], audit_rows
    save_screenshot(page, "test_data_admin-published")

    open_page(page, base_url, "", zone=ZONE, year=YEAR)  # a new session, as any viewer opens the app
    # .first: the overview's headline band repeats its key figures
    expect(metric(page, "签约项目数").first).to_have_text(fmt.count(new, "个"), timeout=60_000)
    assert page.locator(ERROR_BOX).count() == 0


def test_admin_publishes_then_rolls_back_and_the_overview_shows_the_old_value(page: Page, admin_server, tmp_path):
    base_url, db_path, _home = admin_server
    old = signed_projects(db_path)
    upload = tmp_path / "待回滚.csv"
    upload.write_text(f"开发区,年份,指标,数值,单位\n{ZONE},{YEAR},签约项目数,{old + 3:g},个\n", encoding="utf-8")
    open_page(page, base_url, "")
    log_in_and_open_data_admin(page)
    main = page.get_by_test_id("stMain")
    main.locator("input[type=file]").set_input_files(str(upload))
    expect(main).to_contain_text("待回滚.csv")
    wait_until_idle(page)
    main.get_by_role("button", name="检查（试运行）").click()
    expect(main).to_contain_text("检查通过", timeout=60_000)
    wait_until_idle(page)
    main.get_by_role("button", name="发布").click()
    expect(main).to_contain_text("已发布", timeout=60_000)
    wait_until_idle(page)
    assert signed_projects(db_path) == old + 3

    page.get_by_role("tab", name="导入历史与回滚").click()
    main.get_by_role("button", name="回滚……").click()  # the picker starts at the newest load before this one
    wait_until_idle(page)
    main.get_by_role("button", name="确认回滚").click()
    expect(main).to_contain_text("已回滚", timeout=60_000)
    wait_until_idle(page)
    assert signed_projects(db_path) == old
    history = grid_rows(main.get_by_test_id("stDataFrame").filter(has_text="操作人"))
    assert "回滚" in history[0], history  # the rollback is itself recorded, newest first
    save_screenshot(page, "test_data_admin-rolled-back")

    open_page(page, base_url, "", zone=ZONE_ID, year=YEAR)
    expect(metric(page, "签约项目数").first).to_have_text(fmt.count(old, "个"), timeout=60_000)


def test_an_old_excel_file_loads_through_the_page_with_its_account(page: Page, admin_server):
    """An Excel 97–2003 .xls as an office sends it (title, 单位：万元 line): checked, its account shown, published."""
    base_url, db_path, _home = admin_server
    upload = Path(__file__).resolve().parents[1] / "fixtures" / "office" / "formats" / "wide.xls"
    main = upload_and_check(page, base_url, upload, "检查通过")
    account = main.get_by_test_id("stExpander").filter(has_text="wide.xls:2021")
    expect(account).to_contain_text("宽表")
    account.get_by_text("wide.xls:2021").first.click()
    rows = grid_rows(account.get_by_test_id("stDataFrame"))
    assert any("万元" in row and "A2" in row for row in rows), rows  # where the unit was found
    save_screenshot(page, "test_data_admin-xls-account")
    main.get_by_role("button", name="发布").click()
    expect(main).to_contain_text("已发布", timeout=60_000)
    wait_until_idle(page)
    assert page.locator(ERROR_BOX).count() == 0
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        stored = con.execute("SELECT value FROM indicator_values WHERE zone_id = ? AND year = 2021 "
                             "AND indicator = 'signed_investment'", [ZONE_ID]).fetchone()[0]
    finally:
        con.close()
    assert stored == 17.978  # 179,780 万元 as the sheet says


def test_the_file_uploader_speaks_chinese(page: Page, admin_server):
    """Streamlit writes the uploader's button and limits line in English ("Upload", "200MB per file • …")."""
    base_url, _, _ = admin_server
    open_page(page, base_url, "")
    log_in_and_open_data_admin(page)
    zone = page.get_by_test_id("stFileUploaderDropzone")
    expect(zone).to_be_visible()
    shown = zone.evaluate("""el => [...el.querySelectorAll('*')].filter(e => e.checkVisibility())
        .map(e => e.childNodes.length === 1 && e.firstChild.nodeType === 3 ? e.textContent : '').join(' ')
        + ' ' + [...el.querySelectorAll('*')].map(e => getComputedStyle(e, '::after').content)
        .filter(c => c && c !== 'none' && c !== 'normal').join(' ')""")
    assert "选择文件" in shown and "每个文件不超过 20 MB" in shown, shown
    assert "Upload" not in shown and "per file" not in shown, shown
