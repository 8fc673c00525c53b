"""Shared page furniture: a chart with its table and downloads, tables that fit a phone, banners and notes."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from devzone import charts, fmt, tables
from devzone.export import chart_data, images
from devzone.i18n import t
from devzone.ui.filters import current_filters, zone_label
from devzone.ui.screen import screen


def chart_panel(fig, table: pd.DataFrame, *, key: str, source: str, lang: str, synthetic: bool = False,
                title: str | None = None) -> None:
    """A chart with its table one click away (CSV and Excel downloads) and its source caption underneath.

    `table` is what a person would want to download: already labelled (Chinese headers with units).
    `key` must be unique on the page. `title` is the heading the page shows above the chart when the figure has
    no title of its own: the PNG carries it, and the downloads are named after zone, year and it
    (`盐湖高新区_2021年_签约项目数.xlsx`, sheet `签约项目数`).
    """
    # No plotly toolbar: it sits over the top right of the chart (a long title, the legend); full screen stays in
    # Streamlit's own element toolbar, and the PNG, CSV and Excel downloads are below.
    st.plotly_chart(charts.for_screen(fig, screen()), width="stretch", key=f"chart_{key}", config={"displaylogo": False, "displayModeBar": False})
    caption = t("panel.source", lang, source=source)
    if synthetic:
        caption += " " + t("panel.synthetic_mark", lang)
    st.caption(fmt.plain(caption))  # sources come from the input files: shown as typed
    filters = current_filters()
    shown_title = chart_data.chart_title(fig, title) or key
    stem = chart_data.file_stem(zone_label(filters.zone_id) if filters.zone_id else None, filters.year,
                                shown_title, lang)
    sheet = chart_data.sheet_title(shown_title, filters.year)
    with st.expander(t("panel.show_table", lang), icon=":material/table:"):
        fitting_table(table, name=key)
        left, middle, right = st.columns(3)
        # The files are made when a button is clicked (callables), not on every rerun: an Excel file costs
        # tens of milliseconds, and a page has several panels; a PNG goes through a headless browser.
        notes = export_notes(source, lang, synthetic)
        left.download_button(t("panel.download_csv", lang), data=lambda: tables.to_csv_bytes(table),
                             file_name=f"{stem}.csv", mime="text/csv", key=f"csv_{key}", icon=":material/download:")
        middle.download_button(t("panel.download_xlsx", lang),
                               data=lambda: chart_data.chart_workbook(table, sheet=sheet, notes=notes, lang=lang),
                               file_name=f"{stem}.xlsx", key=f"xlsx_{key}", icon=":material/download:",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        right.download_button(t("panel.download_png", lang),
                              data=lambda: images.png_bytes(fig, title=shown_title, caption=caption),
                              file_name=f"{stem}.png", mime="image/png", key=f"png_{key}", icon=":material/image:",
                              on_click="ignore")


def fitting_table(table: pd.DataFrame, *, name: str, **grid_options) -> object:
    """A data grid on a desk screen; on a phone (and on paper) the same rows as stacked cards that never cut
    a column off (screens.css chooses which one shows). A very long table stays a data grid everywhere.
    `grid_options` go to st.dataframe (column_config, height, selection…); returns what it returns."""
    grid_options.setdefault("hide_index", True)
    grid_options.setdefault("width", "stretch")
    if len(table) > tables.STACKED_MAX_ROWS:
        return st.dataframe(table, **grid_options)
    with st.container(key=f"wide-table-{name}"):
        shown = st.dataframe(table, **grid_options)
    with st.container(key=f"narrow-table-{name}"):
        st.html(tables.stacked_html(table, key=name))
    return shown


def view_panel(item, lang: str) -> None:
    """`chart_panel` for a view's prepared panel (anything with figure, table, key, source and synthetic)."""
    chart_panel(item.figure, item.table, key=item.key, source=item.source, lang=lang, synthetic=item.synthetic)


def export_notes(source: str, lang: str, synthetic: bool = False) -> list[tuple[str, str]]:
    """What the 说明 sheet of a downloaded workbook says: the source and the filters of the view."""
    filters = current_filters()
    notes = [
        (t("xlsx.source", lang), source),
        (t("xlsx.filters", lang), t("panel.filters", lang, zone=zone_label(filters.zone_id),
                                    year=fmt.year(filters.year, lang))),
    ]
    if synthetic:
        notes.append((t("xlsx.synthetic", lang), t("xlsx.synthetic_text", lang)))
    return notes


def synthetic_banner(lang: str) -> None:
    """The one banner every page shows above synthetic demo values."""
    st.warning(t("panel.synthetic_banner", lang), icon=":material/science:")


def badge_after(markdown: str, tag: str) -> str:
    """`全省第3名/共28个` + `真实` -> the line with a small green 真实 badge at its end (fmt.real_tag's tag)."""
    if not tag:
        return markdown
    badge = f":green-badge[:material/verified: {fmt.plain(tag)}]"
    return f"{markdown}　{badge}" if markdown else badge


def empty_state(message_key: str, lang: str, **values: object) -> None:
    st.info(t(message_key, lang, **values), icon=":material/info:")
