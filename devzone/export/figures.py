"""A storyline `Chart` drawn as a plotly figure with the house chart builders (devzone.charts).

`figure(chart)` is what the present page shows and what images.py renders to PNG; the deck draws
the same `Chart` as a native PowerPoint chart instead (deck.py).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from devzone import charts
from devzone.export.story import PERCENT_FORMAT, Chart

# Type on a projector: readable from the back of a meeting room at 1280×720 and 1920×1080.
PRESENT_FONT_SIZE = 20


def _long(chart: Chart) -> pd.DataFrame:
    rows = [
        {"category": category, "series": series.name, "value": value, "text": text}
        for series in chart.series
        for category, value, text in zip(chart.categories, series.values, series.texts, strict=True)
    ]
    return pd.DataFrame(rows, columns=["category", "series", "value", "text"])


def figure(chart: Chart, *, height: int | None = None, font_size: int = PRESENT_FONT_SIZE,
           axis_max: float | None = None, title: str | None = None) -> go.Figure:
    """`axis_max` fixes the value axis (two halves of a long ranking share one scale); `title` is drawn
    above the chart (the page passes it when the chart is not the slide's only subject)."""
    frame = _long(chart)
    if chart.kind == "bar":
        fig = charts.ranking_bar(frame, label="category", value="value", text="text",
                                 chosen=chart.highlight[0] if len(chart.highlight) == 1 else None,
                                 key="category", axis_title=chart.axis_title, best_first=True)  # as the deck
        if len(chart.highlight) > 1:  # several flagged bars (targets not met)
            # colour each bar by its own label, in the order drawn
            flagged = {charts.plain(c) for c in chart.highlight}
            drawn = list(fig.data[0].y)
            fig.update_traces(marker_color=[charts.HIGHLIGHT if c in flagged else charts.PALETTE[0] for c in drawn])
        elif not chart.highlight:
            fig.update_traces(marker_color=charts.PALETTE[0])
        if chart.number_format == PERCENT_FORMAT:
            fig.update_xaxes(tickformat=".0%")
        if axis_max is not None:
            fig.update_xaxes(range=[0, axis_max])
        crowded = len(chart.categories) > 12
        fig.update_yaxes(tickmode="array", tickvals=[charts.plain(c) for c in chart.categories],  # as drawn
                         tickfont={"size": font_size - 4 if crowded else font_size})
        fig.update_traces(textfont={"size": font_size - 4 if crowded else font_size})
    elif chart.kind == "column":
        fig = charts.bars(frame, x="category", y="value", color="series" if len(chart.series) > 1 else None,
                          axis_title=chart.axis_title, text="text")
        fig.update_layout(barmode="group")
        fig.update_traces(textposition="outside", cliponaxis=False)
    elif chart.kind == "line":
        fig = charts.trend(frame, x="category", y="value", axis_title=chart.axis_title, hover_text="text")
        fig.update_xaxes(type="category", dtick=None, tickformat=None)
        fig.update_traces(mode="lines+markers+text", text=frame["text"], textposition="top center")
    elif chart.kind == "doughnut":
        fig = charts.donut(frame, label="category", value="value")
        fig.update_traces(textinfo="label+percent", textposition="outside", automargin=True)
        fig.update_layout(margin={"l": 40, "r": 40, "t": 40, "b": 40})
    else:
        raise ValueError(f"unknown chart kind: {chart.kind}")
    fig.update_layout(font={"size": font_size}, legend={"font": {"size": font_size}})
    if len(chart.series) > 1:  # legend under the plot: the top belongs to the title and the value labels
        fig.update_layout(legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0, "xanchor": "left"})
    if chart.kind != "bar":
        fig.update_xaxes(tickfont={"size": font_size})
    if title:
        fig.update_layout(title={"text": charts.plain(title), "x": 0, "xanchor": "left", "font": {"size": font_size + 2}})
        fig.update_layout(margin={"t": 70})
    if height:
        fig.update_layout(height=height)
    else:  # let the page size it (st.plotly_chart height="stretch")
        fig.update_layout(height=None, autosize=True)
    return fig
