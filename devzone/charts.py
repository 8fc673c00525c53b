"""Pure chart builders: a DataFrame (plus labels) in, a plotly Figure out. No Streamlit, no SQL.

One visual language everywhere: the chosen zone is always HIGHLIGHT, everything else calm; type large
enough for a projector; fonts that exist on the intranet machine (no web fonts).
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

HIGHLIGHT = "#C0392B"  # the chosen zone, on every chart
OTHERS = "#A9B4C2"
INK = "#1F2933"
GRID = "#E4E7EB"
PALETTE = ["#1F4E79", "#2E86C1", "#D68910", "#239B56", "#7D3C98", "#5D6D7E", "#A04000", "#17A589", "#B7950B",
           "#884EA0", "#2874A6", "#CA6F1E"]
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
BASE_FONT_SIZE = 15


def style(fig: go.Figure, *, title: str | None = None, height: int | None = None, legend: bool = True) -> go.Figure:
    """The house style; every builder ends here."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": BASE_FONT_SIZE + 3}} if title else None,
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": INK},
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 20, "t": 50 if title else 20, "b": 10},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "title": None},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE}},
        colorway=PALETTE,
        separators=".,",
    )
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    return fig


def highlight_colors(labels: Sequence[object], chosen: object) -> list[str]:
    return [HIGHLIGHT if label == chosen else OTHERS for label in labels]


def ranking_bar(frame: pd.DataFrame, *, label: str, value: str, text: str, chosen: object, key: str,
                axis_title: str, title: str | None = None) -> go.Figure:
    """Every zone ranked, best on top, chosen zone highlighted. `text` holds the shown value (with 并列)."""
    ordered = frame.sort_values(value, ascending=True)
    fig = go.Figure(go.Bar(
        x=ordered[value], y=ordered[label], orientation="h", text=ordered[text], textposition="outside",
        cliponaxis=False, marker_color=highlight_colors(ordered[key].tolist(), chosen),
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    fig.update_xaxes(title=axis_title)
    fig.update_yaxes(title=None, tickfont={"size": BASE_FONT_SIZE - 2})
    return style(fig, title=title, height=max(360, 26 * len(ordered) + 80), legend=False)


def trend(frame: pd.DataFrame, *, x: str, y: str, series: str | None = None, chosen: object = None,
          axis_title: str = "", title: str | None = None, hover_text: str | None = None) -> go.Figure:
    """Lines over years; with `series`, one line each and the chosen one drawn on top in HIGHLIGHT."""
    fig = go.Figure()
    groups = [(None, frame)] if series is None else list(frame.groupby(series, sort=False))
    for index, (name, part) in enumerate(groups):
        is_chosen = series is None or name == chosen
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], name=str(name) if name is not None else axis_title, mode="lines+markers",
            line={"width": 4 if is_chosen else 2,
                  "color": HIGHLIGHT if (is_chosen and series is not None) or series is None else PALETTE[index % len(PALETTE)]},
            marker={"size": 9 if is_chosen else 6},
            text=part[hover_text] if hover_text else None,
            hovertemplate=("%{x}<br>%{text}<extra>%{fullData.name}</extra>" if hover_text
                           else "%{x}<br>%{y:,.2f}<extra>%{fullData.name}</extra>"),
        ))
    fig.update_xaxes(title=None, dtick=1, tickformat="d")
    fig.update_yaxes(title=axis_title, rangemode="tozero")
    return style(fig, title=title, legend=series is not None)


def sparkline(values: Sequence[float], years: Sequence[int]) -> go.Figure:
    fig = go.Figure(go.Scatter(x=list(years), y=list(values), mode="lines+markers",
                               line={"color": HIGHLIGHT, "width": 2}, marker={"size": 4},
                               hovertemplate="%{x}: %{y:,.2f}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=70, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
    return fig


def bars(frame: pd.DataFrame, *, x: str, y: str, color: str | None = None, axis_title: str = "",
         title: str | None = None, horizontal: bool = False, text: str | None = None) -> go.Figure:
    """Grouped or stacked bars (stacked when `color` is given), in palette order."""
    fig = go.Figure()
    groups = [(None, frame)] if color is None else list(frame.groupby(color, sort=False))
    for index, (name, part) in enumerate(groups):
        values, labels = (part[y], part[x]) if not horizontal else (part[x], part[y])
        fig.add_trace(go.Bar(
            x=labels if not horizontal else values, y=values if not horizontal else labels,
            orientation="h" if horizontal else "v", name=str(name) if name is not None else axis_title,
            marker_color=PALETTE[index % len(PALETTE)] if color else PALETTE[0],
            text=part[text] if text else None, textposition="auto" if text else None,
        ))
    fig.update_layout(barmode="stack" if color else "group")
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    value_axis(title=axis_title)
    return style(fig, title=title, legend=color is not None)


def funnel(stages: Sequence[str], counts: Sequence[float], texts: Sequence[str], title: str | None = None) -> go.Figure:
    fig = go.Figure(go.Funnel(y=list(stages), x=list(counts), text=list(texts), textinfo="text",
                              marker={"color": PALETTE[: len(stages)]}, connector={"line": {"color": GRID}}))
    return style(fig, title=title, legend=False)


def rank_heatmap(frame: pd.DataFrame, *, rows: str, columns: str, rank: str, text: str, title: str | None = None,
                 colorbar_title: str = "") -> go.Figure:
    """Zones × indicators, darker = better rank."""
    grid = frame.pivot_table(index=rows, columns=columns, values=rank, aggfunc="first", sort=False)
    labels = frame.pivot_table(index=rows, columns=columns, values=text, aggfunc="first", sort=False)
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=list(grid.columns), y=list(grid.index), text=labels.reindex_like(grid).values,
        texttemplate="%{text}", colorscale=[[0, "#1F4E79"], [0.5, "#AED6F1"], [1, "#F4F6F7"]],
        colorbar={"title": colorbar_title}, hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return style(fig, title=title, height=max(400, 24 * len(grid) + 120), legend=False)


def bump(frame: pd.DataFrame, *, x: str, rank: str, series: str, chosen: object, title: str | None = None,
         axis_title: str = "") -> go.Figure:
    """Rank over the years; rank 1 on top."""
    fig = trend(frame, x=x, y=rank, series=series, chosen=chosen, axis_title=axis_title, title=title)
    fig.update_yaxes(autorange="reversed", rangemode="normal", dtick=1)
    return fig


def donut(frame: pd.DataFrame, *, label: str, value: str, title: str | None = None) -> go.Figure:
    fig = go.Figure(go.Pie(labels=frame[label], values=frame[value], hole=0.55, sort=False,
                           marker={"colors": PALETTE[: len(frame)]}, textinfo="label+percent"))
    return style(fig, title=title, legend=False)
