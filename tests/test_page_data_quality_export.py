"""The 数据质量 page offers admins the public views as one workbook (the same as `python -m etl export --format
xlsx`); viewers are not offered it."""
from __future__ import annotations

import io

import pandas as pd
from streamlit.testing.v1 import AppTest

from devzone import db, queries
from devzone import quality_view as view
from devzone.export import views
from tests import test_page_data_admin
from tests.test_page_data_admin import ADMIN, ADMIN_PASSWORD, ENTRYPOINT, TIMEOUT, log_in

env = test_page_data_admin.env  # the fixture: a copy of the demo, its own users file and audit log

PAGE = "app_pages/data_quality.py"
BUTTON = "下载 Excel（.xlsx）"


def _download_buttons(app: AppTest) -> list:
    return [e for e in app.get("download_button") if e.proto.label == BUTTON]


def test_a_viewer_is_not_offered_the_export(env):
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT)
    app.switch_page(PAGE)
    app.run()
    assert not app.exception
    assert not _download_buttons(app)


def test_an_admin_downloads_the_views_as_the_command_writes_them(env, tmp_path):
    app = AppTest.from_file(ENTRYPOINT, default_timeout=TIMEOUT).run()
    log_in(app, ADMIN, ADMIN_PASSWORD)
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    buttons = _download_buttons(app)
    assert len(buttons) == 1 and buttons[0].proto.deferred_file_id  # built when clicked, not on every rerun
    assert [r.options for r in app.radio if r.key == "dq_export_scope"] == [[
        "全部开发区、全部年份", "侧栏所选开发区和年份"]]

    # what the button hands over is the workbook the command writes (the notes sheet's export time aside)
    from etl.__main__ import main
    assert main(["export", "--db", str(env.db_path), "--format", "xlsx", "--out", str(tmp_path)]) == 0
    from_command = pd.read_excel(tmp_path / views.WORKBOOK_NAME, sheet_name=None, engine="openpyxl")
    downloaded = pd.read_excel(io.BytesIO(view.views_workbook(db.reader(env.db_path), None, None, "zh")),
                               sheet_name=None, engine="openpyxl")
    assert list(downloaded) == list(from_command)
    for name in queries.PUBLIC_VIEWS:
        pd.testing.assert_frame_equal(downloaded[name], from_command[name])


def test_the_selection_scope_keeps_the_sidebar_zone_and_year(env):
    source = db.reader(env.db_path)
    year = int(queries.years_available(source)["year"].max())
    zone_id = str(queries.zones(source)["zone_id"].iloc[0])
    assert view.export_scope("all", zone_id, year) == (None, None)
    assert view.export_scope("selection", zone_id, year) == (year, zone_id)
    stamp = queries.export_stamp(db.reader(env.db_path))
    load_id = int(stamp["load_id"].iloc[0])
    assert view.views_file_name(stamp, year, zone_id) == f"devzone_views_load{load_id}_{year}_{zone_id}.xlsx"
    book = pd.read_excel(io.BytesIO(view.views_workbook(db.reader(env.db_path), year, zone_id, "zh")),
                         sheet_name=None, engine="openpyxl")
    assert set(book["indicator_values"]["zone_id"]) == {zone_id}
    assert set(book["indicator_values"]["year"]) == {year}
