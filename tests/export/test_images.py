"""Chart images through kaleido and the system Chromium: presentation size, Chinese rendered."""
from __future__ import annotations

import io

import plotly.graph_objects as go
import pytest
from PIL import Image

from devzone import charts
from devzone.export import figures, images, story
from tests.conftest import ARTIFACTS_DIR, chromium_path, skip_or_fail

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module", autouse=True)
def browser():
    if chromium_path() is None:
        skip_or_fail("no Chromium for kaleido (install the Debian package `chromium`)")
    yield
    images.stop()


def text_figure(text: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 120, "family": charts.FONT_FAMILY})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def test_chart_png_at_presentation_size_with_its_source(seed):
    chart = next(c for c in story.zone_story(seed, "zh").charts() if c.key == "ranking")
    png = images.png_bytes(figures.figure(chart), title=chart.title, caption="数据来源：运城日报（含模拟数据）")
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    assert image.size == (images.WIDTH * images.SCALE, images.HEIGHT * images.SCALE) == (3200, 1800)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS_DIR / "image-ranking.png").write_bytes(png)


def test_chinese_is_drawn_with_real_glyphs():
    """Missing CJK fonts draw every character as the same empty box: two different words would then
    render identically. With fonts-noto-cjk they differ, and both have ink."""
    first = Image.open(io.BytesIO(images.png_bytes(text_figure("盐湖高新区"), scale=1))).convert("L")
    second = Image.open(io.BytesIO(images.png_bytes(text_figure("签约项目数"), scale=1))).convert("L")
    ink = [sum(1 for p in img.tobytes() if p < 128) for img in (first, second)]
    assert min(ink) > 2000
    assert first.tobytes() != second.tobytes()
    different = sum(1 for a, b in zip(first.tobytes(), second.tobytes(), strict=True) if abs(a - b) > 64)
    assert different > 1000


def test_the_figure_shown_on_screen_is_not_changed(seed):
    fig = charts.donut(story.zone_story(seed, "zh").charts()[-1].table.iloc[:, :2].set_axis(["a", "b"], axis=1),
                       label="a", value="b")
    before = fig.to_json()
    images.png_bytes(fig, scale=1, width=800, height=450)
    assert fig.to_json() == before


def ink_bands(image: Image.Image, top: int) -> list[tuple[int, int]]:
    """Runs of rows below `top` holding dark pixels (text), separated by blank rows."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    bands, start = [], None
    for y in range(top, height):
        inked = sum(1 for x in range(0, width, 2) if pixels[x, y] < 150) > 2
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            bands.append((start, y))
            start = None
    if start is not None:
        bands.append((start, height))
    return bands


@pytest.mark.parametrize("key", ["trend_counts", "ranking"])
def test_caption_is_never_covered_by_the_legend_or_the_axis_title(seed, key):
    chart = next(c for c in story.zone_story(seed, "zh").charts() if c.key == key)
    fig, caption = figures.figure(chart), "数据来源：运城日报（含模拟数据）"
    figure = images.presentation_figure(fig, title=chart.title, caption=caption)
    image = Image.open(io.BytesIO(images.png_bytes(fig, scale=1, title=chart.title, caption=caption)))
    bands = ink_bands(image, images.HEIGHT - int(figure.layout.margin.b) + 2)
    # below the plot: tick labels (or the x axis line), the legend or axis title, the caption — never merged
    assert len(bands) >= 3, bands
    caption_band = bands[-1]
    assert caption_band[0] - bands[-2][1] >= 4 and caption_band[1] < images.HEIGHT


def test_a_page_not_yet_loaded_by_kaleido_is_drawn_by_a_fresh_browser(monkeypatch):
    """Under load kaleido has called its page's script before the page had it (a CI failure): one retry."""
    import plotly.io as pio

    calls, restarts = [], []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return b"\x89PNG"

    monkeypatch.setattr(pio, "to_image", flaky)
    monkeypatch.setattr(images, "_ensure_server", lambda: None)
    monkeypatch.setattr(images, "_restart_server", lambda: restarts.append(1))
    assert images.png_bytes(go.Figure(go.Bar(x=["a"], y=[1]))) == b"\x89PNG"
    assert (len(calls), len(restarts)) == (2, 1)
    monkeypatch.setattr(pio, "to_image", lambda *a, **k: (_ for _ in ()).throw(ValueError("bad figure")))
    with pytest.raises(ValueError):  # any other failure is not retried
        images.png_bytes(go.Figure())
