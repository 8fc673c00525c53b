"""Any plotly chart as a PNG at presentation size, rendered by kaleido in the system Chromium.

kaleido (>= 1.0) finds `chromium` on PATH by itself. The first image of a process starts one
headless browser (a few seconds); later ones reuse it (well under a second). Chinese text renders
with the house font stack (Noto Sans CJK SC on Debian, 微软雅黑 on Windows).

Nothing leaves the machine: kaleido's page loads plotly.js from the installed plotly package and no MathJax
(its default is a cdnjs URL; no chart here uses LaTeX), and its Chromium runs with the flags that stop
background networking (update checks, safe browsing, field trials) behind a proxy that goes nowhere, so even a
stray request cannot be resolved or sent (tests/export/test_offline_exports.py).
"""
from __future__ import annotations

import threading
import warnings
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio

from devzone import charts

# 1600×900 at scale 2 = 3200×1800 pixels: sharp on a 4K projector and in a printed report.
WIDTH, HEIGHT, SCALE = 1600, 900, 2
PRESENT_FONT_SIZE = 22
_lock = threading.Lock()
_server = {"started": False}
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Chromium switches that stop its own traffic (choreographer already passes --disable-component-update,
# --disable-sync and --no-first-run); the discard port on loopback as proxy turns any other request into a
# local refusal, so no name is ever looked up.
OFFLINE_SWITCHES = ("--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
                    "--no-pings", "--no-first-run", "--dns-prefetch-disable")
NO_PROXY = "127.0.0.1:9"


def offline_browser_class() -> type:
    """choreographer's Chromium with OFFLINE_SWITCHES added to its command line."""
    from choreographer.browsers.chromium import Chromium

    class OfflineChromium(Chromium):
        def get_cli(self):
            return [*super().get_cli(), *OFFLINE_SWITCHES]

    return OfflineChromium


def kaleido_options() -> dict:
    """What the kaleido server is started with: local plotly.js, no MathJax, offline Chromium."""
    return {"plotlyjs": PLOTLY_JS, "mathjax": False, "browser_cls": offline_browser_class(),
            "proxy_server": NO_PROXY}


def _ensure_server() -> None:
    if _server["started"]:
        return
    import kaleido

    kaleido.start_sync_server(silence_warnings=True, **kaleido_options())
    _server["started"] = True


def presentation_figure(fig: go.Figure, *, font_size: int = PRESENT_FONT_SIZE, title: str | None = None,
                        caption: str | None = None) -> go.Figure:
    """A copy of `fig` with type large enough for a slide (no fixed on-screen height), optionally with
    a title on top and a caption (source, 模拟数据 mark) at the bottom: a pasted image keeps its source."""
    copy = go.Figure(fig)
    current = copy.layout.font.size or 0
    copy.update_layout(font={"size": max(font_size, current)}, height=None, width=None)
    if title and not (copy.layout.title and copy.layout.title.text):
        copy.update_layout(title={"text": charts.plain(title), "x": 0, "xref": "paper", "xanchor": "left",
                                  "font": {"size": font_size + 6}})
        copy.update_layout(margin={"t": 90})
    if caption:
        below = _below_plot(copy, font_size)
        copy.add_annotation(text=charts.plain(caption), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                            yshift=-below, showarrow=False,
                            font={"size": font_size - 6, "color": "#5D6D7E"}, align="left")
        copy.update_layout(margin={"b": below + 2 * font_size})
    return copy


def _below_plot(fig: go.Figure, font_size: int) -> int:
    """Pixels under the plot area taken by tick labels, the x axis title and a legend below the plot: the
    caption goes under all of them, never over them."""
    if not fig.data or fig.data[0].type == "pie":
        return 10
    taken = 2 * font_size  # tick labels
    title = fig.layout.xaxis.title
    if title is not None and title.text:
        taken += int(1.8 * font_size)
    legend = fig.layout.legend
    shows = fig.layout.showlegend is not False and len(fig.data) > 1
    if shows and legend.orientation == "h" and (legend.y is None or legend.y < 0.2):
        plot_height = HEIGHT - 90 - (taken + 4 * font_size)
        below_axis = max(0.0, -(legend.y if legend.y is not None else -0.1)) * plot_height
        taken = max(taken, int(below_axis + 2 * font_size)) + int(0.6 * font_size)
    return taken + 12


def png_bytes(fig: go.Figure, *, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE,
              present: bool = True, title: str | None = None, caption: str | None = None) -> bytes:
    """The chart as PNG bytes (width × height CSS pixels, times `scale`)."""
    figure = presentation_figure(fig, title=title, caption=caption) if present else fig
    with _lock:  # one browser per process, one image at a time
        for attempt in (1, 2):
            _ensure_server()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # "kopts is ignored when using a server"
                    return pio.to_image(figure, format="png", width=width, height=height, scale=scale)
            except Exception as exc:  # noqa: BLE001 - kaleido's own error classes
                # On a busy machine kaleido may call its page's script before the page has loaded it
                # ("kaleido_scopes is not defined"): a fresh browser draws the image.
                if attempt == 2 or "is not defined" not in str(exc):
                    raise
                _restart_server()
    raise AssertionError("unreachable")


def _restart_server() -> None:
    import kaleido

    try:
        kaleido.stop_sync_server(silence_warnings=True)
    finally:
        _server["started"] = False


def stop() -> None:
    """Close the browser (tests; a long-running app simply keeps it)."""
    with _lock:
        if _server["started"]:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _server["started"] = False
