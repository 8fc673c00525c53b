"""企业培育 / Enterprises: reported counts over the years beside the enterprise list, the SRDI ladder,
the zone's share of the province, and the list itself (searchable, downloadable).

Page parameters in the URL: `ind` (indicator of the trend chart), `cat` (list categories, comma
separated), `q` (name search), `scope` (`year` = recognised in the chosen year, `all`).

Everything shown is built once per snapshot, zone, year, language and choice (`page_model`, `list_view`)
and reused on later reruns: building frames and plotly figures is what a rerun would otherwise spend
its time on.
"""
import streamlit as st

from devzone import charts, fmt, queries, state, tables, ui
from devzone import enterprise_view as view
from devzone.export import workbook
from devzone.i18n import t

PARAM_INDICATOR, PARAM_CATEGORIES, PARAM_SEARCH, PARAM_SCOPE = "ind", "cat", "q", "scope"
KEY_INDICATOR, KEY_CATEGORIES, KEY_SEARCH, KEY_SCOPE = "ent_indicator", "ent_categories", "ent_search", "ent_scope"
SCOPES = ("year", "all")


@st.cache_resource(max_entries=300, show_spinner=False)
def page_model(db_path: str, snapshot: str, zone_id: str, year: int, lang: str, indicator: str):
    """(view.PageModel, figures by name) — shared between sessions, never modified after this."""
    zones = ui.load(queries.zones).set_index("zone_id")
    province = str(zones.loc[zone_id, "province"])
    model = view.build_page(
        catalogue=ui.load(queries.indicators),
        years=[int(y) for y in ui.load(queries.years_available)["year"]],
        history=ui.load(queries.zone_indicator_history, zone_id),
        enterprise_list=ui.load(queries.enterprise_list, zone_id),
        all_categories=list(ui.load(queries.enterprise_categories)["category"]),
        totals=ui.load(queries.province_indicator_totals, province, view.CATALOGUE_CATEGORY),
        province=province, year=year, lang=lang, indicator=indicator,
    )
    axis = t("ent.chart.axis", lang)
    figures = {
        "ladder": charts.hbars(model.ladder.frame, label="label", value="stock", text="text",
                               color=charts.PALETTE[1], axis_title=axis),
        "share": charts.hbars(model.shares.frame, label="label", value="share", text="text", color=charts.HIGHLIGHT,
                              percent_axis=True, axis_title=t("ent.share.axis", lang, province=province)),
    }
    if model.trend is not None:
        figures["trend"] = charts.reported_vs_list(
            model.trend.frame, x="year", reported="reported", listed="listed", mismatch="mismatch", note="note",
            reported_text="text", reported_name=t("ent.chart.reported", lang),
            listed_name=t("ent.chart.listed", lang), axis_title=axis)
    if model.composition.total:
        figures["mix"] = charts.hbars(model.composition.frame, label="label", value="n", text="text",
                                      axis_title=axis)
    return model, figures


@st.cache_resource(max_entries=300, show_spinner=False)
def list_view(db_path: str, snapshot: str, zone_id: str, year: int, lang: str, categories: tuple[str, ...],
              search: str, scope: str) -> view.ListView:
    return view.build_list(ui.load(queries.enterprise_list, zone_id), categories, search, scope, year,
                           ui.zone_label(zone_id), lang)


filters = ui.current_filters()
lang = filters.lang
st.title(t("nav.enterprises", lang))

if filters.zone_id is None or filters.year is None:
    ui.empty_state("ent.empty.no_selection", lang)
    st.stop()

zone_id, year = filters.zone_id, filters.year
zone = fmt.plain(ui.zone_label(zone_id))  # only ever shown in markdown (captions, headings, notes)
indicators = list(view.enterprise_indicators(ui.load(queries.indicators))["indicator"])
if KEY_INDICATOR not in st.session_state:  # first view of the page: the URL decides
    st.session_state[KEY_INDICATOR] = state.resolve_option(
        st.query_params.get(PARAM_INDICATOR), indicators,
        view.DEFAULT_INDICATOR if view.DEFAULT_INDICATOR in indicators else (indicators or [""])[0])
snapshot_key = ui.run_snapshot_key()
model, figures = page_model(*snapshot_key, zone_id, year, lang, st.session_state[KEY_INDICATOR])

st.caption(t("ent.caption", lang, zone=zone, year=year))
if model.synthetic:
    ui.synthetic_banner(lang)

# ---------------------------------------------------------------- headline cards
for column, card in zip(st.columns(max(1, len(model.cards))), model.cards, strict=False):
    with column.container(border=True, height="stretch"):
        st.metric(card.label, card.value, delta=card.delta, delta_description=card.delta_description,
                  delta_color="off" if card.flat else "normal", delta_arrow="off" if card.flat else "auto",
                  help=card.help)
        if card.tag:
            st.badge(card.tag, icon=":material/verified:", color="green")
        st.caption(card.caption)
st.caption(t("ent.cards.note", lang))
if any(card.tag for card in model.cards):
    st.caption(fmt.legend(lang))

# ---------------------------------------------------------------- trend: reported vs list
st.subheader(t("ent.section.trend", lang, zone=zone))
chosen = st.session_state[KEY_INDICATOR]
if model.trend is not None:
    st.segmented_control(t("ent.pick_indicator", lang), model.indicators, key=KEY_INDICATOR, required=True,
                         format_func=model.indicator_labels.get)
    st.markdown(model.trend_caption)
    ui.chart_panel(figures["trend"], model.trend.table, key="enterprise_trend", source=t("ent.source.both", lang),
                   lang=lang, synthetic=model.synthetic, title=t("ent.section.trend", lang, zone=zone))

# ---------------------------------------------------------------- composition and the SRDI ladder
left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ent.section.composition", lang, year=year))
    if model.composition.total == 0:
        ui.empty_state("ent.empty.composition", lang, zone=zone, year=year)
    else:
        st.caption(t("ent.composition.caption", lang, n=model.composition.total))
        ui.chart_panel(figures["mix"], model.composition.table, key="enterprise_mix",
                       source=t("ent.source.list", lang), lang=lang, synthetic=model.synthetic,
                       title=t("ent.section.composition", lang, year=year))
with right:
    st.subheader(t("ent.section.ladder", lang))
    st.caption(t("ent.ladder.caption", lang, year=year))
    ui.chart_panel(figures["ladder"], model.ladder.table, key="srdi_ladder", source=t("ent.source.list", lang),
                   lang=lang, synthetic=model.synthetic, title=t("ent.section.ladder", lang))
    if model.ladder_note:
        st.info(model.ladder_note, icon=":material/info:")
    if model.upgraded:
        st.caption(t("ent.ladder.upgraded", lang, names=model.upgraded))

# ---------------------------------------------------------------- share of the province
st.subheader(t("ent.section.share", lang, province=model.province, year=year))
if model.shares.frame["share"].notna().any():
    ui.chart_panel(figures["share"], model.shares.table, key="enterprise_share",
                   source=t("ent.source.reported", lang), lang=lang, synthetic=model.synthetic,
                   title=t("ent.section.share", lang, province=model.province, year=year))
else:
    ui.empty_state("ent.empty.share", lang, zone=zone, year=year)

# ---------------------------------------------------------------- the list
st.subheader(t("ent.section.list", lang, zone=zone))
options = model.list_options
if KEY_CATEGORIES not in st.session_state:
    st.session_state[KEY_CATEGORIES] = view.parse_categories(st.query_params.get(PARAM_CATEGORIES), options)
else:  # another zone may not have every category the last one had
    st.session_state[KEY_CATEGORIES] = [c for c in st.session_state[KEY_CATEGORIES] if c in options]
if KEY_SEARCH not in st.session_state:
    st.session_state[KEY_SEARCH] = st.query_params.get(PARAM_SEARCH, "")
if KEY_SCOPE not in st.session_state:
    st.session_state[KEY_SCOPE] = state.resolve_option(st.query_params.get(PARAM_SCOPE), SCOPES, "year")

filter_row = st.columns([3, 2, 2])
picked = filter_row[0].multiselect(
    t("ent.filter.category", lang), options, key=KEY_CATEGORIES,
    format_func=lambda c: view.category_label(c, lang), placeholder=t("ent.filter.category_all", lang),
    select_all=False,  # its "Select all" option is English in either language
)
search = filter_row[1].text_input(t("ent.filter.search", lang), key=KEY_SEARCH,
                                  placeholder=t("ent.filter.search_placeholder", lang))
scope = filter_row[2].segmented_control(
    t("ent.filter.scope", lang), SCOPES, key=KEY_SCOPE, required=True,
    format_func=lambda s: view.scope_label(s, year, lang),
) or "year"
ui.mirror_all_to_url(view.url_params(chosen, picked, search, scope))

listing = list_view(*snapshot_key, zone_id, year, lang, tuple(picked), search or "", scope)
st.caption(listing.summary)
if model.list_total == 0:
    ui.empty_state("ent.empty.list", lang, zone=zone)
elif listing.table.empty:
    ui.empty_state("ent.empty.no_match", lang)
else:
    ui.fitting_table(listing.table, name="ent-listing")
    down_left, down_right, _ = st.columns([1, 1, 3])
    down_left.download_button(t("panel.download_csv", lang), data=lambda: tables.to_csv_bytes(listing.table),
                              file_name=listing.file_stem + ".csv", mime="text/csv", key="csv_enterprise_list",
                              icon=":material/download:")
    down_right.download_button(
        t("panel.download_xlsx", lang),
        data=lambda: workbook.to_xlsx_bytes(listing.table, sheet_name=listing.sheet_name, lang=lang),
        file_name=listing.file_stem + ".xlsx", key="xlsx_enterprise_list", icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.caption(t("panel.source", lang, source=t("ent.source.list", lang))
           + (" " + t("panel.synthetic_mark", lang) if model.list_synthetic else ""))
