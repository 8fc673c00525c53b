"""Pure chart builders: a DataFrame (plus labels) in, a plotly Figure out. No Streamlit, no SQL.

One visual language everywhere: the chosen zone is always HIGHLIGHT, everything else calm; type large
enough for a projector; fonts that exist on the intranet machine (no web fonts).
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

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


# ---------------------------------------------------------------- names as plain text (issue #7)
# Plotly reads a subset of HTML in every text it draws (titles, tick labels, bar text, hover labels, legends,
# annotations): `<b>`, `<a href>`, `<br>`, `<span style>`. Names come from input files, so every builder below
# escapes `<` and `>` in all the text it is given (`plain_inputs`) before it adds markup of its own. The few
# columns a view fills with markup of its own (`<br>` between lines, `<b>` around a name) are named in the
# builder's `plain_inputs(...)`; the view escapes the names inside them with `plain`.

_ANGLES = str.maketrans({"<": "&lt;", ">": "&gt;"})


def plain(text: object) -> str:
    """`<b>加粗</b>` -> `&lt;b&gt;加粗&lt;/b&gt;`: plotly shows it as typed. Idempotent."""
    return str(text).translate(_ANGLES)


def _needs_escape(value: object) -> bool:
    return isinstance(value, str) and ("<" in value or ">" in value)


def _plain_series(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if any(_needs_escape(c) for c in categories):
            return values.cat.rename_categories([plain(c) if _needs_escape(c) else c for c in categories])
        return values
    if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
        return values
    mask = values.map(_needs_escape).fillna(False).astype(bool)
    return values.where(~mask, values[mask].map(plain)) if mask.any() else values


def _plain_frame(frame: pd.DataFrame, markup_columns: set[str]) -> pd.DataFrame:
    changed = {}
    for position in range(frame.shape[1]):
        if frame.columns[position] in markup_columns:
            continue
        escaped = _plain_series(frame.iloc[:, position])
        if escaped is not frame.iloc[:, position]:
            changed[position] = escaped
    if not changed:
        return frame
    copy = frame.copy()
    for position, escaped in changed.items():
        copy.isetitem(position, escaped)
    return copy


def _plain_value(value: Any, markup_columns: set[str]) -> Any:
    if isinstance(value, pd.DataFrame):
        return _plain_frame(value, markup_columns)
    if isinstance(value, pd.Series):
        return _plain_series(value)
    if _needs_escape(value):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_value(v, markup_columns) for v in value)
    if isinstance(value, dict):
        return {k: _plain_value(v, markup_columns) for k, v in value.items()}
    return value


def plain_inputs(*markup: str) -> Callable[[Callable[..., go.Figure]], Callable[..., go.Figure]]:
    """Every text a builder is given (frames, series, labels, titles) arrives with `<` and `>` escaped, except the
    frame columns named in `markup` — a parameter whose value names a column, or a column name — which the
    caller fills with plotly markup and escaped names."""
    def decorate(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
        signature = inspect.signature(builder)

        @functools.wraps(builder)
        def wrapper(*args: Any, **kwargs: Any) -> go.Figure:
            bound = signature.bind(*args, **kwargs)
            columns = {bound.arguments.get(name, name) for name in markup}
            columns = {c for c in columns if isinstance(c, str)}
            for name, value in bound.arguments.items():
                bound.arguments[name] = _plain_value(value, columns)
            return builder(*bound.args, **bound.kwargs)
        return wrapper
    return decorate


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
    fig.update_traces(textangle=0, selector={"type": "bar"})  # a label inside a short bar reads level, not rotated
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    return fig


# ---------------------------------------------------------------- screen classes (devzone/screens.py)
# How much larger every text, margin and row of a chart is drawn on each class of screen: on a projector the
# smallest text a builder uses (BASE_FONT_SIZE - 3) comes out at SCREEN_MIN_FONT_PX or more.
SCREEN_MIN_FONT_PX = 18
PLOTLY_DEFAULT_HEIGHT = 450  # what plotly draws when a builder sets no height
SCREEN_SCALE = {"projector": SCREEN_MIN_FONT_PX / (BASE_FONT_SIZE - 3)}


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(value * factor, 1)
    if isinstance(value, list | tuple):
        return [_scaled(v, factor) for v in value]
    return value


def _scale_fonts(node: Any, factor: float) -> None:
    """Every `…font` dict's size in a figure's JSON, in place (titles, ticks, legends, bar text, annotations,
    colour bars, hover labels)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                value["size"] = _scaled(value["size"], factor)
            _scale_fonts(value, factor)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, factor)


def _font_at_least(part: dict, key: str, size: float) -> None:
    font = part.setdefault(key, {})
    if font.get("size") is None:
        font["size"] = size


def _for_phone(fig: go.Figure) -> go.Figure:
    """A phone's plot is a third as wide as a desk's: the label beside the longest horizontal bar (`54个 · 第1名`)
    would run past the right edge. There a label goes inside the bar when it fits (the long bars) and beside it
    when not (the short ones, which leave room); a funnel's labels stay inside its bars. `fig` itself when
    nothing changes."""
    spec = fig.to_plotly_json()
    changed = False
    for trace in spec.get("data") or ():
        if trace.get("type") == "bar" and trace.get("orientation") == "h" and trace.get("textposition") == "outside":
            trace.update(textposition="auto", insidetextanchor="end")
            changed = True
        elif trace.get("type") == "funnel" and trace.get("textposition") in (None, "auto", "outside"):
            trace["textposition"] = "inside"
            changed = True
    return go.Figure(spec, skip_invalid=False) if changed else fig


def for_screen(fig: go.Figure, screen: str | None) -> go.Figure:
    """`fig` as drawn on a `screen` class: on a projector every text SCREEN_SCALE times larger (none under
    SCREEN_MIN_FONT_PX), with the height and margins grown alike so rows and labels keep their room. A new
    figure (a cached one is never changed); on a desk `fig` itself. On a phone see `_for_phone`."""
    if screen == "phone":
        return _for_phone(fig)
    factor = SCREEN_SCALE.get(screen or "")
    if not factor:
        return fig
    spec = fig.to_plotly_json()
    layout = spec.setdefault("layout", {})
    _scale_fonts(spec, factor)
    layout.setdefault("font", {}).setdefault("size", BASE_FONT_SIZE * factor)
    if "uniformtext" in layout and "minsize" in layout["uniformtext"]:
        layout["uniformtext"]["minsize"] = max(layout["uniformtext"]["minsize"], SCREEN_MIN_FONT_PX)
    layout["height"] = int((layout.get("height") or PLOTLY_DEFAULT_HEIGHT) * factor)
    # what the builder left to the theme (Streamlit's draws ticks at 12 px): the scaled base size, explicitly
    text_px = layout["font"]["size"]
    for name, part in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(part, dict):
            _font_at_least(part, "tickfont", text_px)
            if isinstance(part.get("title"), dict):
                _font_at_least(part["title"], "font", text_px)
    _font_at_least(layout.setdefault("legend", {}), "font", text_px)
    for annotation in layout.get("annotations") or ():
        _font_at_least(annotation, "font", text_px)
    for trace in spec.get("data") or ():
        if isinstance(trace.get("colorbar"), dict):
            _font_at_least(trace["colorbar"], "tickfont", text_px)
    if isinstance(layout.get("margin"), dict):
        layout["margin"] = {k: _scaled(v, factor) if k in "lrtb" else v for k, v in layout["margin"].items()}
    return go.Figure(spec, skip_invalid=False)


def highlight_colors(labels: Sequence[object], chosen: object) -> list[str]:
    return [HIGHLIGHT if label == chosen else OTHERS for label in labels]


def _label_px(texts: pd.Series) -> float:
    """The width of the longest label in pixels (CJK counts a full em)."""
    widths = [sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in str(t)) for t in texts if isinstance(t, str)]
    return (max(widths) if widths else 0) * BASE_FONT_SIZE + 10


def _label_headroom(texts: pd.Series, plot_px: float = 480.0) -> float:
    """How far to stretch a value axis so the longest outside label still fits."""
    return 1 / (1 - min(0.5, _label_px(texts) / plot_px))


def ranking_bar(frame: pd.DataFrame, *, label: str, value: str, text: str, chosen: object, key: str,
                axis_title: str, title: str | None = None, value_max: float | None = None,
                best_first: bool = False) -> go.Figure:
    """Every zone ranked, best on top, chosen zone highlighted. `text` holds the shown value (with 并列).

    `best_first`: `frame` is already in rank order (best first; a lower-is-better measure, rows without a bar) and
    is drawn in that order, top down; otherwise the largest value is drawn on top.
    `value_max`: the measure's own top (100 for a 0–100 score): the axis ends there, the labels of the longest
    bars sit in the right margin instead of stretching the axis past what the measure can reach."""
    ordered = frame.iloc[::-1] if best_first else frame.sort_values(value, ascending=True)
    fig = go.Figure(go.Bar(
        x=ordered[value], y=ordered[label], orientation="h", text=ordered[text], textposition="outside",
        cliponaxis=False, marker_color=highlight_colors(ordered[key].tolist(), chosen),
        hoverinfo="skip",  # the label beside each bar says it all; a hover box would sit on top of it
    ))
    fig.update_xaxes(title=axis_title)
    top, bottom = ordered[value].max(skipna=True), ordered[value].min(skipna=True)
    if value_max is not None:
        fig.update_xaxes(range=[0, value_max])
    elif pd.notna(top) and top > 0 and bottom >= 0:  # room for the labels outside the longest bar
        fig.update_xaxes(range=[0, top * _label_headroom(ordered[text])])
    fig.update_yaxes(title=None, tickfont={"size": BASE_FONT_SIZE - 2})
    styled = style(fig, title=title, height=max(360, 26 * len(ordered) + 80), legend=False)
    if value_max is not None:
        styled.update_layout(margin={"r": int(_label_px(ordered[text])) + 20})
    return styled


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
                              marker={"color": PALETTE[: len(stages)]}, textfont={"size": BASE_FONT_SIZE + 1},
                              connector={"line": {"color": GRID}, "fillcolor": "#EEF1F4"},
                              hovertemplate="%{y}<br>%{text}<extra></extra>"))
    fig.update_yaxes(tickfont={"size": BASE_FONT_SIZE})
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


# ---------------------------------------------------------------- 企业培育 Enterprises / 数据质量 Data & sources
# (app_pages/enterprises.py, app_pages/data_quality.py)

def _light(fig: go.Figure) -> go.Figure:
    """Drop plotly's default template (about nine tenths of a small figure's JSON; `style` sets what we use).

    Every rerun copies and serialises each figure: without the template that costs a fraction.
    """
    fig.update_layout(template="none")
    return fig


def reported_vs_list(frame: pd.DataFrame, *, x: str, reported: str, listed: str, mismatch: str, note: str,
                     reported_text: str, reported_name: str, listed_name: str, axis_title: str = "",
                     title: str | None = None) -> go.Figure:
    """Reported counts as bars, the list's count for the same year as a diamond on top of each bar.

    Years where the two disagree (`mismatch` True) get a HIGHLIGHT diamond and a ⚠ above the bar;
    `note` (per row) says how they compare, in the hover label.
    """
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=frame[x], y=frame[reported], name=reported_name, marker_color=PALETTE[0],
        text=frame[reported_text], textposition="inside", insidetextanchor="middle",
        textfont={"color": "white", "size": BASE_FONT_SIZE}, customdata=frame[note],
        hovertemplate="%{x}<br>%{text}<br>%{customdata}<extra>%{fullData.name}</extra>",
    ))
    flagged = frame[mismatch].fillna(False).astype(bool).tolist()
    fig.add_trace(go.Scatter(
        x=frame[x], y=frame[listed], name=listed_name, mode="markers",
        marker={"symbol": "diamond", "size": 15, "color": [HIGHLIGHT if f else PALETTE[2] for f in flagged],
                "line": {"color": "white", "width": 1.5}},
        customdata=frame[note], hovertemplate="%{x}<br>%{y:,.0f}<br>%{customdata}<extra>%{fullData.name}</extra>",
    ))
    tops = frame[[reported, listed]].max(axis=1, skipna=True).fillna(0)
    for x_value, top, is_flagged in zip(frame[x], tops, flagged, strict=True):
        if is_flagged:
            fig.add_annotation(x=x_value, y=top, text="⚠", showarrow=False, yshift=24,
                               font={"size": BASE_FONT_SIZE + 5, "color": HIGHLIGHT})
    fig.update_xaxes(title=None, dtick=1, tickformat="d")
    fig.update_yaxes(title=axis_title, rangemode="tozero")
    return _light(style(fig, title=title, height=400))


def hbars(frame: pd.DataFrame, *, label: str, value: str, text: str, color: str = PALETTE[0],
          axis_title: str = "", percent_axis: bool = False, title: str | None = None) -> go.Figure:
    """One horizontal bar per row, in the frame's order from the top, each labelled with `text`.

    Rows whose value is missing keep their place (and their text), without a bar. `percent_axis`: values
    are shares (0–1), the axis reads 0%–100%.
    """
    values = frame[value]
    top = values.max(skipna=True)
    top = 0.0 if pd.isna(top) else float(top)
    upper = (min(1.0, top * 1.5) if percent_axis else top * 1.5) if top > 0 else 1.0  # room for outside text
    # Long bars carry their label inside; short, empty and missing ones beside them (so it is always seen).
    positions = ["inside" if not pd.isna(v) and v > upper * 0.5 else "outside" for v in values]
    fig = go.Figure(go.Bar(
        x=values.fillna(0), y=frame[label], orientation="h", marker_color=color, text=frame[text],
        textposition=positions, insidetextanchor="end", cliponaxis=False,
        textfont={"size": BASE_FONT_SIZE}, hoverinfo="skip",  # the label says it: no box on top of it
    ))
    fig.update_xaxes(title=axis_title, range=[0, upper], tickformat=".0%" if percent_axis else ",d")
    fig.update_yaxes(title=None, autorange="reversed")
    return _light(style(fig, title=title, height=max(220, 54 * len(frame) + 90), legend=False))


def _coverage_steps(max_value: float) -> list[list]:
    if max_value <= 1:
        return [[0, HIGHLIGHT], [0.5, HIGHLIGHT], [0.5, "#D6EAF8"], [1, "#D6EAF8"]]
    one_short, almost = (max_value - 1.5) / max_value, (max_value - 0.5) / max_value
    return [[0, "#E6705F"], [one_short, "#E6705F"], [one_short, "#F8C471"], [almost, "#F8C471"],
            [almost, "#D6EAF8"], [1, "#D6EAF8"]]


def coverage_heatmap(frame: pd.DataFrame, *, rows: str, columns: str, value: str, text: str, hover: str,
                     max_value: float, title: str | None = None) -> go.Figure:
    """Rows × columns, each cell how many of `max_value` items are present: full cells calm blue, one
    missing amber, two or more missing red (hard steps, no colour bar: say so in a caption)."""
    grid = frame.pivot_table(index=rows, columns=columns, values=value, aggfunc="first", sort=False)
    labels = frame.pivot_table(index=rows, columns=columns, values=text, aggfunc="first", sort=False)
    hovers = frame.pivot_table(index=rows, columns=columns, values=hover, aggfunc="first", sort=False)
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=[str(c) for c in grid.columns], y=list(grid.index),
        text=labels.reindex_like(grid).values, customdata=hovers.reindex_like(grid).values,
        texttemplate="%{text}", zmin=0, zmax=max_value, xgap=2, ygap=2, showscale=False,
        colorscale=_coverage_steps(max_value),
        hovertemplate="%{y}<br>%{x}<br>%{customdata}<extra></extra>",
    ))
    fig.update_xaxes(side="top", type="category", showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False, tickfont={"size": BASE_FONT_SIZE - 2})
    style(fig, title=title, height=max(360, 26 * len(grid) + 110), legend=False)
    fig.update_layout(margin={"l": 10, "r": 20, "t": 70 if title else 40, "b": 10})  # years on top
    return _light(fig)


# ---------------------------------------------------------------- 招商引资 Projects / 产值税收 Output & tax
# (app_pages/projects.py, app_pages/output_tax.py)

def period_columns(frame: pd.DataFrame, *, x: str, y: str, text: str, chosen: object = None, axis_title: str = "",
                   title: str | None = None, height: int = 340) -> go.Figure:
    """Vertical bars over ordered periods (years, quarters, months), values printed on the bars.

    With `chosen`, that bar is HIGHLIGHT and the others calm; without, all bars are the first palette colour.
    Categories keep the frame's order (no 2019.5 ticks, no re-sorting).
    """
    labels = [str(v) for v in frame[x]]
    colors = [PALETTE[0]] * len(labels) if chosen is None else highlight_colors(labels, str(chosen))
    fig = go.Figure(go.Bar(
        x=labels, y=frame[y], text=frame[text], textposition="outside", cliponaxis=False, marker_color=colors,
        hovertemplate="%{x}<br>%{text}<extra></extra>",
    ))
    top = frame[y].max(skipna=True)
    fig.update_xaxes(title=None, type="category", categoryorder="array", categoryarray=labels)
    fig.update_yaxes(title=axis_title, rangemode="tozero",
                     range=None if pd.isna(top) or top <= 0 else [0, top * 1.18])  # room for the labels
    return style(fig, title=title, height=height, legend=False)


def sorted_hbars(frame: pd.DataFrame, *, label: str, value: str, text: str, axis_title: str = "",
                 title: str | None = None, color: str = PALETTE[0], max_label_chars: int = 16) -> go.Figure:
    """Horizontal bars, largest on top; long labels are shortened on the axis and kept whole in the hover."""
    ordered = frame.sort_values(value, ascending=True, kind="stable", na_position="first")
    full = [str(v) for v in ordered[label]]
    shown = [v if len(v) <= max_label_chars else v[: max_label_chars - 1] + "…" for v in full]
    fig = go.Figure(go.Bar(
        x=ordered[value], y=list(range(len(full))), orientation="h", text=ordered[text], textposition="auto",
        insidetextanchor="end", cliponaxis=False, marker_color=color, customdata=full,
        textfont={"size": BASE_FONT_SIZE - 1}, hovertemplate="%{customdata}<br>%{text}<extra></extra>",
    ))  # "auto": the value inside a long bar, beside a short one; never cut off at the right edge
    top = ordered[value].max(skipna=True)
    fig.update_xaxes(title=axis_title, rangemode="tozero",
                     range=None if pd.isna(top) or top <= 0 else [0, top * 1.3])
    fig.update_yaxes(title=None, tickmode="array", tickvals=list(range(len(full))), ticktext=shown,
                     tickfont={"size": BASE_FONT_SIZE - 1})
    return style(fig, title=title, height=max(260, 34 * len(full) + 90), legend=False)


# ---------------------------------------------------------------- 产业链 Chains / 项目推进 Progress / 年度目标 targets
LEVEL_COLORS = {"red": "#C0392B", "yellow": "#D4AC0D", "green": "#239B56"}
COVERAGE_COLORS = {"covered": "#239B56", "pipeline": "#D68910", "gap": "#C0392B"}
_TREE_MODE_COLORS = {"以企招企": PALETTE[0], "以商招商": PALETTE[2]}


def chain_tree(nodes: pd.DataFrame, edges: pd.DataFrame, *, legend_labels: dict[str, str],
               title: str | None = None) -> go.Figure:
    """A left-to-right tree per 链主 (nodes laid out by devzone.chains_view.tidy_tree).

    nodes: key, depth, row, kind (leader | partner | pipeline | stopped), label (may hold <br>), hover, mode.
    edges: parent, child, kind, mode. Edges are coloured by how the firm came (以企招企 / 以商招商), dashed
    for firms still in talks, dotted grey for terminated projects. `legend_labels` names the legend entries:
    leader, partner, pipeline, stopped and the two modes. Row 0 is at the top; the figure grows with the
    number of rows. Leaves are labelled to their right; a node with children above-right of itself, clear of
    its outgoing line (the elbow turns three quarters of the way to the children).
    """
    fig = go.Figure()
    if nodes.empty:
        return style(fig, title=title, height=200, legend=False)
    place = {k: (d, -r) for k, d, r in zip(nodes["key"], nodes["depth"], nodes["row"], strict=True)}
    line_styles = {"partner": "solid", "leader": "solid", "pipeline": "dash", "stopped": "dot"}
    # where a parent has a signed (solid) child, its other children's lines start at the elbow, so that a
    # dashed line never runs over the solid trunk they share
    solid_parents = {p for p, k in zip(edges["parent"], edges["kind"], strict=True) if line_styles.get(k) == "solid"}
    for dash in ("dot", "dash", "solid"):
        for mode, colour in ((None, OTHERS), *_TREE_MODE_COLORS.items()):
            xs: list[float | None] = []
            ys: list[float | None] = []
            for parent, child, kind, edge_mode in edges[["parent", "child", "kind", "mode"]].itertuples(index=False):
                known = edge_mode if edge_mode in _TREE_MODE_COLORS else None
                if known != mode or line_styles.get(kind, "solid") != dash:
                    continue
                (x0, y0), (x1, y1) = place[parent], place[child]
                xm = x0 + 0.75 * (x1 - x0)
                start = xm if dash != "solid" and parent in solid_parents else x0
                xs += [start, xm, xm, x1, None]  # elbow connector: readable even with many siblings
                ys += [y0, y0, y1, y1, None]
            if xs:
                fig.add_trace(go.Scatter(
                    x=xs, y=ys, mode="lines", hoverinfo="skip",
                    line={"color": OTHERS if dash == "dot" else colour, "width": 2.5, "dash": dash},
                    name=legend_labels.get(mode or "", ""), showlegend=bool(mode) and dash == "solid",
                    legendgroup=f"mode-{mode}", legendrank=2))
    styles = {
        "leader": {"size": 22, "color": HIGHLIGHT, "line": {"color": "white", "width": 2}, "symbol": "diamond"},
        "partner": {"size": 15, "color": PALETTE[0], "line": {"color": "white", "width": 1.5}, "symbol": "circle"},
        "pipeline": {"size": 14, "color": "white", "line": {"color": PALETTE[5], "width": 2}, "symbol": "circle"},
        "stopped": {"size": 12, "color": OTHERS, "line": {"color": "white", "width": 1}, "symbol": "x"},
    }
    has_children = set(edges["parent"])
    for kind, marker in styles.items():
        part = nodes[nodes["kind"] == kind]
        if part.empty:
            continue
        leaf = ~part["key"].isin(has_children)
        fig.add_trace(go.Scatter(
            x=part["depth"], y=-part["row"], mode="markers+text", marker=marker, name=legend_labels.get(kind, kind),
            text=part["label"].where(leaf, ""), textposition="middle right", cliponaxis=False,
            textfont={"size": BASE_FONT_SIZE - 1}, hovertext=part["hover"],
            hovertemplate="%{hovertext}<extra></extra>", legendrank=1))
        # a node with children: label above-right on a white card, so the lines to its children pass behind it
        for x, y, label, is_leaf in zip(part["depth"], part["row"], part["label"], leaf, strict=True):
            if not is_leaf:
                fig.add_annotation(x=x, y=-y, text=label, showarrow=False, xanchor="left", yanchor="bottom",
                                   xshift=-4, yshift=10, align="left", bgcolor="rgba(255,255,255,0.9)",
                                   font={"size": BASE_FONT_SIZE + (1 if kind == "leader" else -1), "color": INK})
    depth = int(nodes["depth"].max())
    rows = float(nodes["row"].max()) + 1
    two_line = nodes["label"].str.contains("<br>").any()
    row_px = 66 if two_line else 30
    fig.update_xaxes(visible=False, range=[-0.2, depth + 1.05])
    fig.update_yaxes(visible=False, range=[-rows + 0.4, 1.0])
    fig = style(fig, title=title, height=int(max(320, rows * row_px + 150)), legend=True)
    fig.update_layout(hovermode="closest", margin={"l": 10, "r": 10, "t": 60 if title else 40, "b": 10})
    return fig


def chain_coverage(frame: pd.DataFrame, *, legend_labels: dict[str, str], title: str | None = None) -> go.Figure:
    """One row per chain, its links (环节) left to right from upstream to downstream as coloured chips:
    covered (green), only in talks (amber), gap (red). frame: chain, slot, coverage, text, hover."""
    fig = go.Figure()
    chains = list(dict.fromkeys(frame["chain"]))
    for coverage, colour in COVERAGE_COLORS.items():
        part = frame[frame["coverage"] == coverage]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            y=part["chain"], x=[0.94] * len(part), base=part["slot"], orientation="h", name=legend_labels[coverage],
            marker={"color": colour, "line": {"color": "white", "width": 2}}, text=part["text"],
            textposition="inside", insidetextanchor="middle", textfont={"color": "white", "size": BASE_FONT_SIZE - 3},
            hovertext=part["hover"], hovertemplate="%{hovertext}<extra></extra>", width=0.7))
    fig.update_xaxes(visible=False, range=[-0.05, float(frame["slot"].max()) + 1 if len(frame) else 1])
    fig.update_yaxes(categoryorder="array", categoryarray=chains[::-1], title=None)
    fig.update_layout(barmode="overlay", uniformtext={"minsize": 9, "mode": "hide"})
    return style(fig, title=title, height=max(220, 64 * len(chains) + 110))


def level_bars(frame: pd.DataFrame, *, label: str, levels: dict[str, str], axis_title: str = "",
               title: str | None = None) -> go.Figure:
    """Horizontal stacked bars of red / yellow / green counts per row (e.g. per 包联领导).
    frame: `label` plus one count column per key of `levels` (red, yellow, green); `levels` names them."""
    fig = go.Figure()
    ordered = frame.iloc[::-1]
    for level, name in levels.items():
        if level not in ordered:
            continue
        fig.add_trace(go.Bar(y=ordered[label], x=ordered[level], orientation="h", name=name,
                             marker_color=LEVEL_COLORS[level], text=ordered[level].where(ordered[level] > 0),
                             textposition="inside", textangle=0, insidetextanchor="middle",
                             hovertemplate="%{y}<br>" + name + "：%{x}<extra></extra>"))
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title=axis_title, dtick=5 if len(frame) and frame[list(levels)].sum(axis=1).max() > 20 else 1)
    fig.update_yaxes(title=None)
    return style(fig, title=title, height=max(260, 44 * len(frame) + 120))


def target_progress(frame: pd.DataFrame, *, label: str, rate: str, text: str, on_schedule: str, share: float,
                    share_label: str, status_labels: tuple[str, str], title: str | None = None) -> go.Figure:
    """完成率 per target as horizontal bars (green when at or above 序时进度, red when behind) with the
    序时进度 line. frame: `label`, `rate` (fraction), `text` (shown), `on_schedule` (bool or NA)."""
    ordered = frame.iloc[::-1]
    colours = [LEVEL_COLORS["green"] if ok is True else LEVEL_COLORS["red"] if ok is False else OTHERS
               for ok in ordered[on_schedule]]
    fig = go.Figure(go.Bar(
        y=ordered[label], x=ordered[rate].astype(float) * 100, orientation="h", marker_color=colours,
        text=ordered[text], textposition="outside", cliponaxis=False, showlegend=False,
        hoverinfo="skip"))  # the label beside each bar says it all; a hover box would sit on top of it
    fig.add_vline(x=share * 100, line={"color": INK, "width": 2, "dash": "dash"},
                  annotation={"text": share_label, "font": {"size": BASE_FONT_SIZE - 1}}, annotation_position="top")
    for name, colour in zip(status_labels, (LEVEL_COLORS["green"], LEVEL_COLORS["red"]), strict=True):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name,
                                 marker={"color": colour, "size": 12, "symbol": "square"}))
    top = max(110.0, float(pd.to_numeric(ordered[rate], errors="coerce").max() or 0) * 100 + 25)
    fig.update_xaxes(range=[0, top], ticksuffix="%", title=None)
    fig.update_yaxes(title=None)
    fig = style(fig, title=title, height=max(240, 56 * len(frame) + 150))
    # the key under the axis: above the plot it sat under the 序时进度 label of a line near the left edge
    fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.12, "yanchor": "top"})
    return fig


def zone_counts(frame: pd.DataFrame, *, label: str, key: str, chosen: object, measures: dict[str, str],
                axis_title: str = "", title: str | None = None) -> go.Figure:
    """Stacked horizontal bars of several counts per zone (e.g. signed / started / completed this month), zones
    in the frame's order from the top; the chosen zone's name in bold HIGHLIGHT."""
    ordered = frame.iloc[::-1]
    names = [f"<b><span style='color:{HIGHLIGHT}'>{name}</span></b>" if k == chosen else str(name)
             for name, k in zip(ordered[label], ordered[key], strict=True)]
    fig = go.Figure()
    for index, (column, name) in enumerate(measures.items()):
        fig.add_trace(go.Bar(y=names, x=ordered[column], orientation="h", name=name,
                             marker_color=PALETTE[index % len(PALETTE)],
                             text=ordered[column].where(ordered[column] > 0), textposition="inside", textangle=0,
                             insidetextanchor="middle", hovertemplate="%{y}<br>" + name + "：%{x}<extra></extra>"))
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title=axis_title)
    fig.update_yaxes(title=None, tickfont={"size": BASE_FONT_SIZE - 2})
    return style(fig, title=title, height=max(360, 26 * len(frame) + 110))



MAP_LIGHT, MAP_DARK, MAP_NONE = "#E8F0FA", "#1F4E8C", "#F3F4F6"  # as the tiles (devzone.map_view)


def city_choropleth(frame: pd.DataFrame, geojson: dict, *, location: str, value: str, text: str,
                    title: str | None = None) -> go.Figure:
    """The cities of `geojson` (features with `id` = the frame's `location`) coloured light to dark blue by
    `value`; a city without a value grey. Base map hidden, the view fitted to the cities. `text` is the hover
    line (escaped here: the GeoJSON itself is not walked through, it may be 20 MB)."""
    frame = frame.assign(**{text: frame[text].map(plain)})
    known = frame[frame[value].notna()]
    unknown = frame[frame[value].isna()]

    def shapes_of(part: pd.DataFrame) -> dict:  # each trace carries only its own areas (the file may be large)
        wanted = set(part[location])
        return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f.get("id") in wanted]}

    fig = go.Figure()
    if len(unknown):
        fig.add_trace(go.Choropleth(geojson=shapes_of(unknown), locations=unknown[location], z=[0] * len(unknown),
                                    colorscale=[[0, MAP_NONE], [1, MAP_NONE]], showscale=False, text=unknown[text],
                                    hovertemplate="%{text}<extra></extra>", marker_line_color="#FFFFFF"))
    if len(known):
        fig.add_trace(go.Choropleth(geojson=shapes_of(known), locations=known[location], z=known[value],
                                    zmin=0, zmax=float(known[value].max()) or 1.0,
                                    colorscale=[[0, MAP_LIGHT], [1, MAP_DARK]], text=known[text],
                                    hovertemplate="%{text}<extra></extra>", marker_line_color="#FFFFFF",
                                    colorbar={"thickness": 14, "len": 0.8, "title": None}))
    fig.update_geos(fitbounds="locations", visible=False)
    style(fig, title=title, height=520, legend=False)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0})
    return fig


_MARKUP_COLUMNS = {"chain_tree": ("label", "hover"), "chain_coverage": ("text", "hover"),
                   "rank_heatmap": ("rows", "columns"), "coverage_heatmap": ("hover",)}
for _builder in (ranking_bar, trend, sparkline, bars, funnel, rank_heatmap, bump, donut, reported_vs_list, hbars,
                 coverage_heatmap, period_columns, sorted_hbars, chain_tree, chain_coverage, level_bars,
                 target_progress, zone_counts):
    globals()[_builder.__name__] = plain_inputs(*_MARKUP_COLUMNS.get(_builder.__name__, ()))(_builder)
del _builder
