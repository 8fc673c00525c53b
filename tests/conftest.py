"""Shared fixtures: the demo database (built once per session), the hostile-names database, Chromium (the
browser tests' served app, pages and session-wide Chromium are in tests/browser/conftest.py).

Browser tests need Playwright and a Chromium binary. Locally they are skipped when either is
missing; with CI=true they fail instead, so a CI image without a browser cannot pass silently.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = REPO_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Missing tooling: skip on a workstation, fail in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """`CHROMIUM_PATH` if set, else the Debian package's /usr/bin/chromium, else whatever is on PATH."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_dir = REPO_ROOT / "tests" / "browser"
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------- database

@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo database, built once through the real ETL; DEVZONE_DB points at it for the session."""
    from etl.demo import build_demo

    path = tmp_path_factory.mktemp("demo_db") / "devzone.duckdb"
    build_demo(path)
    assert path.is_file(), "etl.demo.build_demo did not create the database file"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEVZONE_DB", str(path))
        yield path


def _clear_catalogue_caches() -> None:
    import etl.catalogue as catalogue

    for value in vars(catalogue).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database plus one zone whose names, projects, investors, 链主 and listed firms are hostile
    (`<script>`, `<img onerror>`, markdown, `<b>`, `javascript:` links, 300 characters: tests/builders.py),
    built through the real ETL. The zone register comes from `DEVZONE_ZONES_FILE` (zones.csv plus that zone),
    set only while building; the environment is left as it was. The zones file stays beside the database."""
    from etl.paths import REFERENCE_DIR
    from tests.builders import write_hostile_inputs

    home = tmp_path_factory.mktemp("hostile_db")
    zones_file, inputs = write_hostile_inputs(home / "inputs", REFERENCE_DIR / "zones.csv")
    return _demo_plus(home / "devzone.duckdb", zones_file, inputs, "hostile-names")


def _demo_plus(path: Path, zones_file: Path, inputs: list[Path], loaded_by: str) -> Path:
    """The demo's files plus `inputs` loaded through the real ETL into `path`, with `zones_file` as the register
    (set only while loading)."""
    from etl.demo import DISPATCH_MARK, demo_sources
    from etl.publish import load_files

    sources = demo_sources()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEVZONE_ZONES_FILE", str(zones_file))
        _clear_catalogue_caches()
        try:
            load_files([p for p in sources if DISPATCH_MARK not in p.name] + inputs, path, fresh=True,
                       loaded_by=loaded_by, kind="demo")
            for weekly in (p for p in sources if DISPATCH_MARK in p.name):
                load_files([weekly], path, loaded_by=loaded_by, kind="demo")
        finally:
            _clear_catalogue_caches()
    assert path.is_file()
    return path


@pytest.fixture(scope="session")
def two_province_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database plus three zones of another province (tests/builders.py's OTHER_ZONES, 河北省) whose
    figures would top Shanxi's, built through the real ETL: pages that rank or total 全省 must keep to the
    chosen zone's province. The zone register comes from `DEVZONE_ZONES_FILE` only while building."""
    from etl.paths import REFERENCE_DIR
    from tests.builders import write_other_province_inputs

    home = tmp_path_factory.mktemp("two_province_db")
    zones_file, inputs = write_other_province_inputs(home / "inputs", REFERENCE_DIR / "zones.csv")
    return _demo_plus(home / "devzone.duckdb", zones_file, inputs, "two-provinces")


@pytest.fixture(scope="session")
def big_province_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database plus a province of 60 zones (tests/builders.py's many_other_zones), more than a ranking
    chart draws in full."""
    from etl.paths import REFERENCE_DIR
    from tests.builders import many_other_zones, write_other_province_inputs

    home = tmp_path_factory.mktemp("big_province_db")
    zones_file, inputs = write_other_province_inputs(home / "inputs", REFERENCE_DIR / "zones.csv", many_other_zones(60))
    return _demo_plus(home / "devzone.duckdb", zones_file, inputs, "big-province")


# ---------------------------------------------------------------- browser

def launch_chromium() -> Iterator:
    """A headless system Chromium (`playwright install` is not needed), closed when the generator is; skipped locally
    (a failure under CI=true) without Playwright or Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    executable = chromium_path()
    if executable is None:
        skip_or_fail("no Chromium found (install the Debian package `chromium` or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the whole session, for tests/browser and tests/deploy alike (Playwright's sync API
    allows one running instance per process: a second one while the first is open fails)."""
    yield from launch_chromium()


def check_real_tags(open_page, assert_ran_cleanly):
    """盐湖高新区 2021 (the seed's real figures) against synthetic 2020: 真实 on each headline, ※ on its 同比, the
    key under them; 2020 (synthetic on both sides) tags nothing."""
    app = open_page(zone="盐湖高新区", year="2021")
    assert_ran_cleanly(app)
    deltas = [m.proto.delta for m in app.metric if m.proto.delta]
    assert deltas and all(d.endswith("※") for d in deltas), deltas
    badges = [m.value for m in app.markdown if "badge[" in m.value and "真实" in m.value]
    assert len(badges) >= 2, badges
    assert any("※ 表示同比由模拟的上年数值算出" in c.value for c in app.caption)
    later = open_page(zone="盐湖高新区", year="2020")  # synthetic on both sides: nothing tagged
    assert not [m.value for m in later.markdown if "badge[" in m.value and "真实" in m.value]
    assert not any(m.proto.delta.endswith("※") for m in later.metric if m.proto.delta)
