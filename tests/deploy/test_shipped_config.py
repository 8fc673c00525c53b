"""What viewers can get out of the app by its settings (.streamlit/config.toml): no error details, no raw CSV."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.serve import REPO_ROOT

SECRET_PATH = "/srv/devzone/data/users.toml"


def shipped_options(*names: str) -> dict[str, object]:
    """The options as `streamlit run` in the repository reads them (a fresh interpreter: nothing cached)."""
    code = ("import json, sys; from streamlit import config; config.get_config_options(force_reparse=True); "
            "print(json.dumps({n: config.get_option(n) for n in sys.argv[1:]}))")
    done = subprocess.run([sys.executable, "-c", code, *names], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)  # Streamlit reads ./.streamlit/config.toml
    from streamlit import config

    config.get_config_options(force_reparse=True)
    yield
    config.get_config_options(force_reparse=True)


def test_a_viewer_sees_no_traceback_path_or_toml_excerpt(in_repo, tmp_path):
    """An uncaught error (here a broken TOML file named by its server path) shows only a generic message."""
    script = tmp_path / "broken_page.py"
    script.write_text(textwrap.dedent(f"""
        import tomllib
        try:
            tomllib.loads('role = = "admin"')
        except tomllib.TOMLDecodeError as exc:
            raise RuntimeError("{SECRET_PATH}: " + str(exc)) from exc
    """), encoding="utf-8")
    app = AppTest.from_file(str(script)).run()
    assert len(app.exception) == 1
    shown = app.exception[0]
    visible = " ".join([shown.message, shown.proto.type, *shown.stack_trace])
    assert SECRET_PATH not in visible and "TOMLDecodeError" not in visible and "RuntimeError" not in visible
    assert shown.stack_trace == []


def test_the_grid_toolbar_offers_no_raw_csv():
    """st.dataframe's "Download as CSV" writes =, +, -, @ cells raw: it is off; panels offer neutralised files."""
    assert shipped_options("client.disableDataExport") == {"client.disableDataExport": True}


def test_a_broken_users_file_is_not_quoted_to_viewers(in_repo, demo_db, tmp_path, monkeypatch):
    """users.toml edited into invalid TOML: the sidebar says so without its server path or the parser's text;
    `python -m devzone.users list` gives the operator the cause."""
    users_file = tmp_path / "secret-folder" / "users.toml"
    users_file.parent.mkdir()
    users_file.write_text('[users.zhangsan]\nrole = = "admin"\n', encoding="utf-8")
    monkeypatch.setenv("DEVZONE_USERS_FILE", str(users_file))
    app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=90).run()
    said = [e.value for e in app.sidebar.error]
    assert said, "the sidebar does not say that the users file cannot be read"
    assert not [s for s in said if "secret-folder" in s or "users.toml" in s or "line 2" in s], said
    cause = subprocess.run([sys.executable, "-m", "devzone.users", "list"], cwd=REPO_ROOT, capture_output=True,
                           text=True, timeout=60, env={**os.environ, "DEVZONE_USERS_FILE": str(users_file)})
    assert str(users_file) in cause.stderr + cause.stdout
