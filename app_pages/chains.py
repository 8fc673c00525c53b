"""产业链 / Industrial chains: each 链主 with the firms and projects it brought, what that adds up to,
the chains' upstream/downstream links and gaps, and the firms still 在谈.

Uses the shared sidebar (zone; the year only for "of which signed in {year}"). No page parameters.
"""
import streamlit as st

from devzone import chains_view as cv
from devzone import charts, db, queries, tables, ui
from devzone.i18n import t


@st.cache_resource(max_entries=200, show_spinner=False)
def screen(snapshot, zone_id, year, lang):
    """Everything the screen draws for one snapshot and selection (building figures is the slow part).

    Shared between sessions: nothing may modify the result.
    """
    links = ui.load(queries.chain_links_detail, zone_id)
    own = ui.load(queries.chain_leader_projects, zone_id)
    coverage = ui.load(queries.chain_coverage, zone_id)
    pipeline = ui.load(queries.chain_pipeline, zone_id)
    totals = cv.leader_totals(links, own)
    nodes, edges = cv.forest(links, own, lang)
    legend = {"leader": t("chains.tree.legend.leader", lang), "partner": t("chains.tree.legend.partner", lang),
              "pipeline": t("chains.tree.legend.pipeline", lang), "stopped": t("chains.tree.legend.stopped", lang),
              "以企招企": t("chains.tree.legend.firm_mode", lang),
              "以商招商": t("chains.tree.legend.business_mode", lang)}
    tree = charts.chain_tree(nodes, edges, legend_labels=legend)
    leader_chains = [c for chain in totals["chain"].dropna() for c in chain.split("、")]
    cells = cv.coverage_frame(coverage, lang, chains_first=leader_chains)
    coverage_labels = {c: t("chains.coverage." + c, lang) for c in cv.COVERAGE_ORDER}
    return {
        "links": links, "totals": totals, "tree": tree, "coverage": coverage, "pipeline": pipeline,
        "headline": cv.headline(totals, links, year, lang),
        "links_table": cv.links_table(links, lang), "totals_table": cv.totals_table(totals, lang),
        "coverage_chart": charts.chain_coverage(cells, legend_labels=coverage_labels) if len(cells) else None,
        "coverage_table": cv.coverage_table(coverage, lang), "gap_summary": cv.gap_summary(coverage, lang),
        "pipeline_table": cv.pipeline_table(pipeline, lang),
        "synthetic": bool(links["is_synthetic"].any() or pipeline["is_synthetic"].any()),
    }


filters = ui.current_filters()
lang = filters.lang
st.title(t("chains.title", lang))
st.caption(t("chains.caption", lang))

if filters.zone_id is None:
    ui.empty_state("home.selection_none", lang)
    st.stop()

if not ui.load(queries.missing_relations, ("chain_links", "chain_pipeline", "chain_segment_coverage")).empty:
    ui.empty_state("chains.needs_reload", lang)
    st.stop()

zone = ui.zone_label(filters.zone_id)
view = screen(db.snapshot_id(), filters.zone_id, filters.year, lang)
if view["synthetic"]:
    ui.synthetic_banner(lang)

if view["links"].empty:
    ui.empty_state("chains.empty", lang, zone=zone)
else:
    metrics = view["headline"]
    for start in range(0, len(metrics), 3):  # rows of three: long amounts stay readable on a projector
        for column, item in zip(st.columns(3), metrics[start:start + 3], strict=False):
            column.metric(item.label, item.value, help=item.help, border=True)

    st.subheader(t("chains.tree.title", lang))
    st.caption(t("chains.tree.caption", lang))
    ui.chart_panel(view["tree"], view["links_table"], key="chain_links", source=t("chains.source", lang), lang=lang,
                   synthetic=view["synthetic"], title=t("chains.tree.title", lang))

    st.subheader(t("chains.totals.title", lang))
    st.caption(t("chains.totals.caption", lang))
    st.table(tables.unbreakable(view["totals_table"]), hide_index=True)  # a few rows: wraps instead of scrolling columns away

st.subheader(t("chains.gaps.title", lang))
st.caption(t("chains.gaps.caption", lang))
if view["coverage_chart"] is None:
    ui.empty_state("chains.empty", lang, zone=zone)
else:
    st.markdown(view["gap_summary"])
    ui.chart_panel(view["coverage_chart"], view["coverage_table"], key="chain_coverage",
                   source=t("progress.source.projects", lang), lang=lang, synthetic=view["synthetic"],
                   title=t("chains.gaps.title", lang))

st.subheader(t("chains.pipeline.title", lang))
st.caption(t("chains.pipeline.caption", lang))
if view["pipeline"].empty:
    ui.empty_state("chains.pipeline.empty", lang)
else:
    st.table(tables.unbreakable(view["pipeline_table"]), hide_index=True)
