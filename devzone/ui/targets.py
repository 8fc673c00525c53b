"""The 年度目标 panel of 总览 (overview) and 项目推进 (progress)."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from devzone import db, fmt, queries
from devzone.i18n import t
from devzone.ui.cache import load
from devzone.ui.filters import zone_label
from devzone.ui.panels import chart_panel, empty_state


@st.cache_resource(max_entries=200, show_spinner=False)
def _targets_parts(snapshot: str, zone_id: str, year: int, as_of: dt.date, lang: str) -> dict | None:
    """The panel's sentence, figure and table for one snapshot and selection (building the figure is the slow
    part). Shared between sessions: nothing may modify the result."""
    from devzone import charts, targets_view

    progress = load(queries.target_progress, zone_id, year, as_of)
    if progress.empty:
        return None
    share = targets_view.elapsed_share(progress, year, as_of)
    figure = charts.target_progress(
        targets_view.chart_frame(progress, lang), label="label", rate="rate", text="text", on_schedule="on_schedule",
        share=share, share_label=t("targets.share_line", lang, share=fmt.percent(share)),
        status_labels=(t("targets.status.ahead", lang), t("targets.status.behind", lang)))
    return {"summary": targets_view.summary(progress, year, as_of, lang), "figure": figure,
            "table": targets_view.table(progress, lang), "synthetic": bool(progress["is_synthetic"].any())}


def render_targets_panel(zone_id: str | None, year: int | None, lang: str, *, as_of: dt.date | None = None,
                         key: str = "targets") -> None:
    """Annual targets of a zone and year against 序时进度 at `as_of` (default today): a sentence, a chart with the
    序时进度 line, and the table (CSV / Excel) behind it. Speaks plainly when there are no targets."""
    as_of = as_of or dt.date.today()
    st.subheader(t("targets.title", lang))
    if zone_id is None or year is None:
        empty_state("home.selection_none", lang)
        return
    if not load(queries.missing_relations, ("target_progress",)).empty:
        empty_state("chains.needs_reload", lang)
        return
    parts = _targets_parts(db.reader().snapshot_id(), zone_id, int(year), as_of, lang)
    if parts is None:
        empty_state("targets.empty", lang, zone=fmt.plain(zone_label(zone_id)), year=fmt.year(year, lang))
        return
    st.markdown(parts["summary"])
    chart_panel(parts["figure"], parts["table"], key=key, source=t("targets.source", lang), lang=lang,
                synthetic=parts["synthetic"], title=t("targets.title", lang))
