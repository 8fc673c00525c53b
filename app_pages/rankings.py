"""全省排名 / Provincial rankings — where the chosen zone stands among the province's zones.

Controls (kept in the URL: ?indicator=&level=&type=&from=&to=&compare=&weights=): the indicator,
level and type filters (ranks recomputed in SQL within the zones kept), the years of the bump
chart, comparison zones, composite-score weights. Sections: every zone ranked with the gap
analysis; rank over the years; zones × indicators ranks; the composite score.
Everything shown is prepared by devzone.ranking_view; this file only lays it out.
"""
import streamlit as st

from devzone import fmt, queries, scorecard, state, ui
from devzone import ranking_view as rv
from devzone.i18n import t

KEY_INDICATOR = "rk_indicator"
KEY_LEVELS = "rk_levels"
KEY_TYPES = "rk_types"
KEY_RANGE = "rk_year_range"
KEY_COMPARE = "rk_compare"
KEY_WEIGHT_PREFIX = "rk_weight_"


def seed(key, value, still_valid=lambda current: True):
    """Give a page widget its starting value (from the URL) the first time it is shown, or when the
    value it holds no longer exists in this snapshot."""
    if key not in st.session_state or not still_valid(st.session_state[key]):
        st.session_state[key] = value


@st.cache_resource(max_entries=256, show_spinner=False)
def build(builder, token, _frames, args):
    """`ranking_view.<builder>(*frames, *args)`, kept per content of the frames (`token`): figures and
    tables are rebuilt only when the data or a control of that section changes."""
    return getattr(rv, builder)(*_frames, *args)


filters = ui.current_filters()
lang, year, chosen = filters.lang, filters.year, filters.zone_id
st.title(t("nav.rankings", lang))

catalogue = ui.load(queries.indicators)
zones = ui.load(queries.zones)
years = [int(y) for y in ui.load(queries.years_available)["year"]]

if catalogue.empty or not years or year is None:
    ui.empty_state("ov.no_selection", lang)
else:
    params = st.query_params
    directory = ui.zone_directory()
    codes = catalogue["indicator"].tolist()
    names = dict(zip(codes, catalogue["name_en" if lang == "en" else "name_zh"], strict=True))
    province = state.province_of(zones, chosen)  # ranks are within a province: never several shown together
    in_province = zones[zones["province"] == province]
    level_options = rv.ordered_options(in_province["level"], rv.LEVEL_ORDER)
    type_options = rv.ordered_options(in_province["zone_type"], rv.TYPE_ORDER)
    categories = scorecard.ordered_categories(catalogue)

    seed(KEY_INDICATOR, rv.parse_indicator(params.get(rv.PARAM_INDICATOR), codes), lambda v: v in codes)
    seed(KEY_LEVELS, state.resolve_choices(params.get(rv.PARAM_LEVEL), level_options),
         lambda v: set(v) <= set(level_options))
    seed(KEY_TYPES, state.resolve_choices(params.get(rv.PARAM_TYPE), type_options),
         lambda v: set(v) <= set(type_options))

    indicator_column, level_column, type_column = st.columns([3, 2, 5], vertical_alignment="top")
    indicator = indicator_column.selectbox(t("rk.indicator", lang), codes, format_func=names.get, key=KEY_INDICATOR)
    levels = level_column.pills(t("rk.level", lang), level_options, selection_mode="multi", key=KEY_LEVELS,
                                format_func=lambda v: rv.level_label(v, lang), help=t("rk.filter_help", lang),
                                wrap=True)
    zone_types = type_column.pills(t("rk.type", lang), type_options, selection_mode="multi", key=KEY_TYPES,
                                   format_func=lambda v: rv.type_label(v, lang), help=t("rk.filter_help", lang),
                                   wrap=True)

    rankings = ui.load(queries.filtered_rankings, years[0], years[-1], tuple(levels), tuple(zone_types), province)
    token = (ui.run_snapshot(), years[0], years[-1], tuple(levels), tuple(zone_types), province)  # makes `rankings`
    label = names[indicator]
    current = build("scope", token, (rankings,), (year, indicator))
    in_set = list(current.zone_ids)
    chosen_in_set = chosen in in_set
    chosen_label = ui.zone_label(chosen)

    st.caption(t("rk.caption", lang, zone=fmt.plain(chosen_label), year=rv.year_label(year, lang),
                 scope=rv.filter_caption(levels, zone_types, len(in_set), lang, province)))
    if current.synthetic_any:
        ui.synthetic_banner(lang)

    compare_options = [z for z in in_set if z != chosen]
    seed(KEY_RANGE, rv.parse_year_range(params.get(rv.PARAM_FROM), params.get(rv.PARAM_TO), years),
         lambda v: isinstance(v, tuple | list) and len(v) == 2 and set(v) <= set(years))
    url_compare = rv.parse_compare(params.get(rv.PARAM_COMPARE), directory, compare_options)
    seed(KEY_COMPARE, rv.default_compare(current.part, chosen) if url_compare is None else url_compare)
    kept = [z for z in st.session_state[KEY_COMPARE] if z in compare_options]
    if st.session_state[KEY_COMPARE] and not kept:  # a filter removed every zone compared: start afresh
        kept = rv.default_compare(current.part, chosen)
    st.session_state[KEY_COMPARE] = kept
    url_weights = rv.parse_weights(params.get(rv.PARAM_WEIGHTS), categories)
    for category in categories:
        seed(KEY_WEIGHT_PREFIX + category, url_weights[category])

    if not in_set:
        ui.empty_state("rk.empty_set", lang)
    else:
        if not chosen_in_set:
            st.info(t("rk.chosen_outside", lang, zone=fmt.plain(chosen_label)), icon=":material/filter_alt:")

        # ------------------------------------------------ every zone ranked + gap analysis
        bar_title = t("rk.section.bar", lang, indicator=label)
        st.subheader(bar_title)
        bar = build("bar_section", token, (rankings, catalogue), (indicator, year, chosen, chosen_label, lang))
        if bar.figure is None:
            ui.empty_state("rk.no_data", lang, year=rv.year_label(year, lang))
        else:
            summary_column, chart_column = st.columns([1, 2], gap="large")
            with summary_column:
                if bar.summary is not None:
                    st.metric(bar.summary.rank_label, bar.summary.rank, border=True)
                    st.metric(bar.summary.value_label, bar.summary.value, border=True)
                    if bar.summary.rank.endswith(fmt.FROM_SYNTHETIC):  # a real figure ranked among synthetic ones
                        st.caption(fmt.legend(lang))
                st.markdown("##### " + t("rk.gap.title", lang))
                for line in bar.gap_lines:
                    st.markdown(line)
                st.caption(t("rk.gap.caption", lang))
                if bar.unranked:
                    st.caption(bar.unranked)
            with chart_column:
                if bar.trimmed:
                    st.caption(bar.trimmed)
                ui.chart_panel(bar.figure, bar.table, key="rankings_bar", source=t("rk.source_values", lang),
                               lang=lang, synthetic=bar.synthetic, title=bar_title)

        # ------------------------------------------------ rank over the years
        bump_title = t("rk.section.bump", lang, indicator=label)
        st.subheader(bump_title)
        range_column, compare_column = st.columns([2, 3], vertical_alignment="bottom")
        year_range = range_column.select_slider(t("rk.year_range", lang), options=years, key=KEY_RANGE)
        compare = compare_column.multiselect(t("rk.compare", lang), compare_options, key=KEY_COMPARE,
                                             format_func=lambda z: current.labels.get(z, z), select_all=False,
                                             help=t("rk.compare_help", lang))
        series = tuple(([chosen] if chosen_in_set else []) + list(compare))
        bump = build("bump_section", token, (rankings,), (indicator, tuple(year_range), series, chosen_label, lang))
        if bump.figure is None:
            ui.empty_state("rk.bump_empty", lang)
        else:
            ui.chart_panel(bump.figure, bump.table, key="rankings_bump", source=t("rk.source_values", lang),
                           lang=lang, synthetic=bump.synthetic, title=bump_title)

        # ------------------------------------------------ zones × indicators
        heat_title = t("rk.section.heatmap", lang, year=rv.year_label(year, lang))
        st.subheader(heat_title)
        heat = build("heatmap_section", token, (rankings, catalogue), (year, current.zone_ids, chosen, lang))
        with st.container(key="wide-only-heatmap"):  # a phone shows the chosen zone's ranks as a list instead
            ui.chart_panel(heat.figure, heat.table, key="rankings_heatmap", source=t("rk.source_values", lang),
                           lang=lang, synthetic=heat.synthetic, title=heat_title)
            st.caption(t("rk.heatmap_caption", lang))
        with st.container(key="narrow-only-heatmap"):
            st.table(rv.zone_rank_list(heat.table, directory.label(chosen) if chosen else "", lang), hide_index=True)

        # ------------------------------------------------ composite score
        st.subheader(t("rk.section.composite", lang))
        st.caption(t("rk.composite_method", lang))
        weights = []
        for column, category in zip(st.columns(len(categories)), categories, strict=True):
            weights.append((category, column.number_input(
                scorecard.category_label(category, lang), min_value=0.0, max_value=1.0, step=0.05, format="%.2f",
                key=KEY_WEIGHT_PREFIX + category, help=t("rk.weight_help", lang))))
        composite = build("composite_section", token, (rankings, catalogue), (year, tuple(weights), chosen, lang))
        st.caption(composite.weights_caption)
        if composite.figure is None:
            ui.empty_state("rk.weights_none", lang)
        else:
            table_column, chart_column = st.columns([3, 2], gap="medium")
            with table_column:
                ui.fitting_table(composite.table, name="rankings-composite", height="content")
            with chart_column:
                if composite.trimmed:
                    st.caption(composite.trimmed)
                ui.chart_panel(composite.figure, composite.table, key="rankings_composite",
                               source=t("rk.source_composite", lang), lang=lang, synthetic=composite.synthetic,
                               title=t("rk.section.composite", lang))
    ui.mirror_all_to_url(rv.url_params(
        indicator=indicator, levels=levels, zone_types=zone_types,
        year_range=tuple(st.session_state.get(KEY_RANGE) or ()) or None,
        compare=st.session_state.get(KEY_COMPARE, []), zones=directory,
        weights={c: st.session_state.get(KEY_WEIGHT_PREFIX + c, 0.0) for c in categories}, categories=categories))
