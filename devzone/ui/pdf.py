"""The A4 report (PDF) of a zone and year, made when its button is clicked."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from devzone.i18n import t
from devzone.ui.cache import load
from devzone.ui.filters import zone_label


def report_pdf(zone_id: str, year: int, lang: str) -> bytes:
    """The A4 report (devzone/export/report.py) of the overview and the provincial rankings, as PDF bytes."""
    from devzone.export import report

    return report.to_pdf(report.build(load, zone_id, int(year), lang, zone_label(zone_id), dt.date.today()), lang)


def report_button(zone_id: str | None, year: int | None, lang: str) -> None:
    """One click: the A4 report (PDF) of the chosen zone and year, made when clicked (headless Chromium)."""
    if zone_id is None or year is None:
        return
    from devzone.export import report

    st.download_button(
        t("report.button", lang), help=t("report.button_help", lang), icon=":material/picture_as_pdf:",
        data=lambda: report_pdf(zone_id, int(year), lang), mime=report.PDF_MIME, on_click="ignore",
        file_name=f"{zone_label(zone_id)}-{year}.pdf", key="report_pdf")
