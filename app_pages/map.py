"""全省分布 / Province map — a schematic tile map of the cities: where the zones are, coloured by an indicator's
city total, each zone a link to its overview; above it, when the administrator has configured one, their boundary
map (devzone.geo). Everything shown is prepared by devzone.map_view, devzone.geo and devzone.charts."""
import streamlit as st

from devzone import charts, geo, map_view, queries, state, ui
from devzone.i18n import province_name, t

KEY_INDICATOR = "map_indicator"
PARAM_INDICATOR = "indicator"

filters = ui.current_filters()
lang, year = filters.lang, filters.year
st.title(t("nav.map", lang))
st.caption(t("map.caption", lang))

catalogue = ui.load(queries.indicators)
if catalogue.empty or year is None:
    ui.empty_state("ov.no_selection", lang)
    st.stop()

codes = catalogue["indicator"].tolist()
names = dict(zip(codes, catalogue["name_en" if lang == "en" else "name_zh"], strict=True))
units = dict(zip(codes, catalogue["unit"], strict=True))
ui.seed_from_url(KEY_INDICATOR, PARAM_INDICATOR, lambda raw: state.resolve_option(raw, codes, codes[0]))
if st.session_state[KEY_INDICATOR] not in names:
    st.session_state[KEY_INDICATOR] = codes[0]
indicator = st.selectbox(t("map.indicator", lang), codes, format_func=names.get, key=KEY_INDICATOR)
ui.mirror_to_url(PARAM_INDICATOR, indicator, codes[0])

province = state.province_of(ui.load(queries.zones), filters.zone_id)  # the chosen zone's: totals never mix two
values = ui.load(queries.zone_values_for_map, int(year), indicator, province)
if bool(values["is_synthetic"].any()):
    ui.synthetic_banner(lang)
directory = ui.zone_directory()
tiles = map_view.tiles(values, units[indicator], lang, url_value=directory.url_value, grid=map_view.grid_for(province))
st.subheader(t("map.heading", lang, province=province_name(province or "", lang), indicator=names[indicator], year=year))
boundaries = geo.setting()
if boundaries is not None:  # the administrator's own standard map, above the tiles (which carry the links)
    try:
        shapes = geo.boundary_map(boundaries, [tile.city for tile in tiles])
    except geo.GeoError as error:
        st.warning(geo.error_message(error, boundaries, lang), icon=":material/map:")
    else:
        st.plotly_chart(charts.city_choropleth(map_view.choropleth_frame(tiles, lang), shapes, location="city",
                                               value="total", text="hover"),
                        width="stretch", key="map_boundaries", config=geo.PLOTLY_CONFIG)
        st.caption(geo.approval_line(boundaries, lang))
        st.caption(t("map.geo.caption", lang))
st.html(map_view.tiles_html(tiles, int(year), lang))
st.caption(t("map.legend", lang))
if note := map_view.provenance_note(values, lang):
    st.caption(note)
with st.expander(t("panel.show_table", lang), icon=":material/table:"):
    ui.fitting_table(map_view.city_table(tiles, lang), name="map-cities")
