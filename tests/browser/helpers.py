"""What every browser test does: open a page and wait until the app has finished running, and read what a person
sees (metric cards, grid rows, the address). Fixtures (server, Chromium, pages) are in tests/browser/conftest.py.

Why the waiting is not "the running-man widget is gone": a new session runs the script twice. The first run draws
the page; the screen probe (devzone/ui.py) then reports the width of the window and that starts a second run, which
redraws it. Between the two the page looks finished, and a test that read or clicked then met a page about to be
replaced (a slide not drawn, cards still in their first layout). So each page records the Streamlit messages on its
websocket (RUN_WATCH) and `wait_until_idle` waits until every run the browser asked for — the first, the probe's,
a widget's — has started on the server after it was asked for and has finished, and the page shows it.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import ARTIFACTS_DIR

ERROR_BOX = '[data-testid="stException"], [data-testid="stAlertContentError"]'
RUN_TIMEOUT_MS = 120_000  # one run of a page on a loaded 2-core machine, with room to spare

# Viewports (width, height) of the screens the dashboard is used on.
SCREENS = {"phone": (390, 844), "phone-360": (360, 780), "laptop": (1280, 720), "desktop": (1440, 900),
           "projector": (1920, 1080)}
HEIGHT_OF_WIDTH = {width: height for width, height in SCREENS.values()}

# The widget key of the screen probe in devzone/ui.py (KEY_SCREEN_PROBE): its report is the second run of a session.
SCREEN_PROBE_KEY = "screen-probe"

# Installed in every page before Streamlit's own scripts. Top-level protobuf fields only (field numbers from
# streamlit/proto): BackMsg 11 = rerun_script; ForwardMsg 4 = new_session (sent as each run starts),
# 6 = script_finished (2 = stopped early for a rerun, which is followed by another run).
RUN_WATCH = """(() => {
  if (window.__runs) return;
  const runs = window.__runs = {asked: 0, askedAt: 0, probeAt: 0, startedAt: 0, finishedAt: 0};
  const probeKey = new TextEncoder().encode(PROBE_KEY);
  const bytes = d => d instanceof ArrayBuffer ? new Uint8Array(d)
    : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null;
  const fields = b => {  // top-level field number -> the varint value (or true for other wire types)
    const found = {};
    let i = 0;
    const varint = () => { let v = 0, s = 1, c; do { c = b[i++]; v += (c & 127) * s; s *= 128; } while (c & 128 && i < b.length); return v; };
    while (i < b.length) {
      const tag = varint(), type = tag & 7, field = Math.floor(tag / 8);
      if (type === 0) found[field] = varint();
      else if (type === 2) { const n = varint(); i += n; found[field] = true; }
      else if (type === 1) { i += 8; found[field] = true; }
      else if (type === 5) { i += 4; found[field] = true; }
      else break;
    }
    return found;
  };
  const contains = (b, part) => {
    outer: for (let i = 0; i + part.length <= b.length; i++) {
      for (let j = 0; j < part.length; j++) if (b[i + j] !== part[j]) continue outer;
      return true;
    }
    return false;
  };
  let tick = 0;
  const now = () => ++tick;  // an order of events, not a time
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const b = bytes(data);
    if (b && fields(b)[11] !== undefined) {
      runs.asked++; runs.askedAt = now();
      if (contains(b, probeKey)) runs.probeAt = runs.askedAt;
    }
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        const b = bytes(event.data);
        if (!b) return;
        const f = fields(b);
        if (f[4] !== undefined) runs.startedAt = now();
        if (f[6] !== undefined && f[6] !== 2) {
          runs.finishedAt = now();
          runs.firstFinishedMs = runs.firstFinishedMs || performance.now();
        }
      });
    }
  };
})();""".replace("PROBE_KEY", repr(SCREEN_PROBE_KEY))

# The probe reports within a tenth of a second of the first run's end (seen: 0.1 s); a page whose app sent no
# report this long after it (a screen it already knew) is not waited for any longer.
PROBE_GRACE_MS = 3_000

# True once every run asked for (the probe's among them) has started after it was asked for and finished, and the
# page shows it: the app's root says the script is not running, the running-man widget and skeletons are gone, charts are drawn.
SETTLED = """() => {
  const r = window.__runs;
  if (!r) return false;
  // the probe's report asked for a run, or the probe found the screen the page was drawn for (no run coming)
  const silent = window.__devzoneScreen && !window.__devzoneScreenReported && r.firstFinishedMs;
  const probed = r.probeAt || silent || (r.firstFinishedMs && performance.now() - r.firstFinishedMs > PROBE_GRACE_MS);
  if (!probed || !r.askedAt || r.startedAt < r.askedAt || r.finishedAt < r.startedAt) return false;
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED' || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}""".replace("PROBE_GRACE_MS", str(PROBE_GRACE_MS))

# Every chart on the page drawn, nothing still loading (for a page whose charts draw once scrolled to).
CHARTS_DRAWN = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}"""


def screen_size(screen: str | int) -> tuple[int, int]:
    """A screen's (width, height): by name (SCREENS) or by width (390 -> 390×844, 1280 -> 1280×720, …)."""
    return SCREENS[screen] if isinstance(screen, str) else (screen, HEIGHT_OF_WIDTH[screen])


def wait_until_idle(page: Page, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Until every run the page asked for — a new session's two, a widget's — has finished and been drawn."""
    page.wait_for_function(SETTLED, timeout=timeout)


def address(server: str, path: str = "", lang: str | None = None, **params: object) -> str:
    """`server` + `path` (which may carry its own query) + the params, URL-quoted (`lang` last, as the app writes it)."""
    if lang is not None:
        params["lang"] = lang
    query = "&".join(f"{key}={quote(str(value))}" for key, value in params.items())
    path = path if path.startswith("/") else "/" + path
    return server + path + ("" if not query else ("&" if "?" in path else "?") + query)


def open_page(page: Page, server: str, path: str = "", *, width: str | int | None = None, lang: str | None = None,
              timeout: float = RUN_TIMEOUT_MS, **params: object) -> Page:
    """Open `path` (with `lang` and the other params in its query) at the screen `width` (a SCREENS name or a
    width) and wait until the app has finished running — both runs of the new session. Returns the page."""
    if width is not None:
        w, h = screen_size(width)
        page.set_viewport_size({"width": w, "height": h})
    page.goto(address(server, path, lang, **params))
    wait_until_idle(page, timeout)
    return page


# ---------------------------------------------------------------- what a person reads

def metric(within: Page | Locator, label: str) -> Locator:
    """The value on the metric card labelled `label`, anywhere on a page or inside a locator (a locator: `expect`
    retries until it renders)."""
    root = within if isinstance(within, Page) else within.page
    card = within.get_by_test_id("stMetric").filter(
        has=root.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return card.get_by_test_id("stMetricValue")


def card(page: Page, label: str) -> Locator:
    """The bordered card whose metric is labelled `label` (the innermost block holding that metric)."""
    return page.get_by_test_id("stVerticalBlock").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)).last


def card_value(page: Page, label: str) -> Locator:
    """The value on the overview's card labelled `label` (its headline band repeats some figures: the card's)."""
    return card(page, label).get_by_test_id("stMetricValue")


def grid_rows(grid: Locator) -> list[str]:
    """The rows a st.dataframe has drawn, heading left out (its accessible table mirrors the canvas; it draws
    only what is on screen, so it is scrolled into view first)."""
    grid.scroll_into_view_if_needed()
    rows = grid.locator("[role=row]")
    expect(rows.nth(1)).to_be_attached()
    return [rows.nth(i).inner_text() for i in range(1, rows.count())]


def url_params(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def expect_url_params(page: Page, expected: dict[str, str], timeout: float = 15_000) -> None:
    """The app writes the selection into the address bar at the end of a run: wait until it is exactly `expected`."""
    try:
        page.wait_for_url(lambda url: url_params(url) == expected, timeout=timeout)
    except PlaywrightTimeoutError:
        assert url_params(page.url) == expected  # shows the difference


def wait_for_param(page: Page, key: str, value: str, timeout: float = 15_000) -> None:
    """Until the address says `key=value`."""
    try:
        page.wait_for_url(lambda url: url_params(url).get(key) == value, timeout=timeout)
    except PlaywrightTimeoutError:
        assert url_params(page.url).get(key) == value  # shows the difference


def no_error_shown(page: Page) -> bool:
    return page.locator(ERROR_BOX).count() == 0


# ---------------------------------------------------------------- what a person does

def sidebar_choice(page: Page, label: str) -> Locator:
    """The sidebar selectbox called `label`; its value is the option shown."""
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name=label)


def pick_in_sidebar(page: Page, label: str, option: str, typed: str | None = None) -> None:
    """Choose `option` in the sidebar selectbox `label`: the list is long and drawn only around what is in view,
    so type (`typed`, else the option) to narrow it first, as a person would; then wait for the page's run."""
    sidebar_choice(page, label).click()
    page.keyboard.type(typed or option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


# Resolves once the element has stayed put for five animation frames: the page has stopped scrolling and
# shifting under it (charts drawn, the scroll that brought it into view finished).
AT_REST = """element => new Promise(resolve => {
    let last = null, still = 0;
    const look = () => {
        const r = element.getBoundingClientRect(), now = [r.top, r.left, r.width, r.height].join();
        still = now === last ? still + 1 : 0;
        last = now;
        if (still >= 5) resolve(true); else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
})"""


def choose(page: Page, combobox: Locator, option: str) -> None:
    """Pick `option` in a selectbox as a person does: when the page has finished drawing, bring the box into
    view and let it come to rest, then open the list, click the option and see it shown in the box.

    Why at rest: the list (a react-aria popover) closes when anything around the box scrolls. Clicking while
    the page was still scrolling the box into view — or shifting as charts above it were drawn — opened the
    list and closed it again at once, and the test waited for an option that was gone (the timeouts of #13)."""
    wait_until_idle(page)
    combobox.scroll_into_view_if_needed()
    combobox.evaluate(AT_REST)
    for _attempt in range(4):  # a list that closed under the pointer is opened again, as a person would
        combobox.click()
        try:
            expect(combobox).to_have_attribute("aria-expanded", "true", timeout=5_000)
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except (AssertionError, PlaywrightTimeoutError):
            combobox.evaluate(AT_REST)
    expect(combobox).to_have_value(option)


# ---------------------------------------------------------------- screenshots

def save_screenshot(page: Page, name: str) -> Path:
    """tests/artifacts/<name>.png, the whole page: Streamlit scrolls inside its main block, so grow the viewport
    to fit it first."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    viewport = page.viewport_size or {"width": 1440, "height": 900}
    height = viewport["height"]
    for _ in range(3):  # tables may still grow to their content height: measure until it is stable
        content_height = page.evaluate(
            "() => Math.max(0, ...[...document.querySelectorAll("
            "'[data-testid=stMain], [data-testid=stSidebarContent]')].map(e => e.scrollHeight))"
        )
        if content_height <= height:
            break
        height = content_height
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path
