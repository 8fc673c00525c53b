"""全省分布: the tile map's tiles come from the zones table, totals add the zones' values, the tiles keep the
province's rough geography, every name is escaped, and each zone links to its overview. Plus the page in
Streamlit's AppTest, in zh and en."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from devzone import fmt, map_view, queries
from devzone.export import data as report_data
from devzone.i18n import t

REPO_ROOT = Path(__file__).resolve().parent.parent
INDICATOR = "signed_projects"


@pytest.fixture(scope="module")
def load(demo_db):
    return report_data.direct_loader(demo_db)


@pytest.fixture(scope="module")
def latest_year(load) -> int:
    return int(load(queries.years_available)["year"].max())


def test_every_zone_is_on_its_city_tile_and_the_totals_add_up(load, latest_year):
    values = load(queries.zone_values_for_map, latest_year, INDICATOR)
    zones = load(queries.zones)
    assert sorted(values["zone_id"]) == sorted(zones["zone_id"])
    tiles = map_view.tiles(values, "个", "zh")
    on_tiles = sorted(z.zone_id for tile in tiles for z in tile.zones)
    assert on_tiles == sorted(zones["zone_id"])
    for tile in tiles:
        members = values[[map_view.city_key(c) == tile.city for c in values["city"]]]
        if members["value"].notna().any():
            assert tile.total == pytest.approx(float(members["value"].sum()))
            assert tile.total_text.startswith(fmt.indicator_value(members["value"].sum(), "个", "zh"))  # + 真实 or ※
    assert {tile.city for tile in tiles} >= set(map_view.CITY_TILES)


def test_the_tiles_follow_the_province_north_to_south():
    grid = map_view.CITY_TILES
    assert len(grid) == 11 and len(set(grid.values())) == 11  # one tile each, none on top of another
    assert grid["大同"][0] == min(row for row, _ in grid.values())  # 大同 on the top row …
    assert grid["大同"][1] > grid["朔州"][1]  # … east of 朔州
    bottom = max(row for row, _ in grid.values())
    assert grid["运城"] == (bottom, 1) and grid["晋城"] == (bottom, map_view.GRID_COLUMNS)
    assert grid["太原"][0] < grid["临汾"][0] < grid["运城"][0]


def test_the_darkest_tile_is_the_largest_total_and_a_city_without_values_is_grey():
    values = pd.DataFrame({"zone_id": ["a", "b", "c"], "short_name": ["甲", "乙", "丙"],
                           "city": ["太原市", "太原市", "大同市"], "value": [5.0, 7.0, 3.0]})
    tiles = {tile.city: tile for tile in map_view.tiles(values, "个", "zh")}
    assert tiles["太原"].total == 12 and tiles["太原"].colour == map_view.colour(1.0)
    assert tiles["大同"].colour == map_view.colour(3 / 12)
    assert tiles["运城"].total is None and tiles["运城"].colour == map_view.colour(None)
    assert [z.name for z in tiles["太原"].zones] == ["乙", "甲"]  # largest first


def test_a_city_outside_the_grid_still_gets_a_tile():
    values = pd.DataFrame({"zone_id": ["x"], "short_name": ["外省区"], "city": ["郑州市"], "value": [1.0]})
    tiles = {tile.city: tile for tile in map_view.tiles(values, "个", "zh")}
    assert tiles["郑州"].row > max(row for row, _ in map_view.CITY_TILES.values())


def test_names_are_escaped_and_each_zone_links_to_its_overview():
    values = pd.DataFrame({"zone_id": ["X1"], "short_name": ["<img src=x onerror=alert(1)>"], "city": ["运城市"],
                           "value": [2.0]})
    tiles = map_view.tiles(values, "个", "en", url_value=lambda zone_id: f"{zone_id}&x=<b>")
    page = map_view.tiles_html(tiles, 2021, "en")
    assert "<img" not in page and "<b>" not in page
    assert 'href="./?zone=X1%26x%3D%3Cb%3E&amp;year=2021&amp;lang=en"' in page  # the link's value escaped too
    assert "Yuncheng" in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_page_in_apptest(demo_db, load, latest_year, lang):
    app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=90)
    app.query_params.update({"zone": "X140802", "year": str(latest_year), "lang": lang})
    app.switch_page("app_pages/map.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    blocks = [h.proto.body for h in app.get("html")]
    tile_map = next(body for body in blocks if "tile-map" in body)
    city = "运城市" if lang == "zh" else "Yuncheng"
    assert city in tile_map
    short = load(queries.zones).set_index("zone_id").at["X140802", "short_name"]
    assert f">{short}</a>" in tile_map and "?zone=" in tile_map
    assert app.title[0].value == ("全省分布" if lang == "zh" else "Province map")


def test_real_figures_are_tagged_and_a_total_of_real_and_synthetic_carries_the_mark():
    values = pd.DataFrame({"zone_id": ["a", "b", "c", "d"], "short_name": ["甲", "乙", "丙", "丁"],
                           "city": ["太原市", "太原市", "大同市", "运城市"], "value": [5.0, 7.0, 3.0, 4.0],
                           "is_synthetic": [False, True, False, True]})
    tiles = {tile.city: tile for tile in map_view.tiles(values, "个", "zh")}
    assert tiles["太原"].total_text == "12个" + fmt.FROM_SYNTHETIC  # a real 5 and a synthetic 7
    assert {z.name: z.value for z in tiles["太原"].zones} == {"乙": "7个", "甲": fmt.tag_real("5个", False)}
    assert tiles["大同"].total_text == fmt.tag_real("3个", False)  # real zones only: the total is real too
    assert tiles["运城"].total_text == "4个"  # synthetic only: unmarked, as everywhere
    assert map_view.provenance_note(values, "zh") == fmt.legend("zh")
    table = map_view.city_table(list(tiles.values()), "zh")
    assert "12个" + fmt.FROM_SYNTHETIC in table[t("map.col.total", "zh")].tolist()


def test_without_synthetic_figures_nothing_is_tagged():
    values = pd.DataFrame({"zone_id": ["a", "b"], "short_name": ["甲", "乙"], "city": ["太原市", "太原市"],
                           "value": [5.0, 7.0], "is_synthetic": [False, False]})
    tile = next(tile for tile in map_view.tiles(values, "个", "zh") if tile.city == "太原")
    assert tile.total_text == "12个" and [z.value for z in tile.zones] == ["7个", "5个"]
    assert map_view.provenance_note(values, "zh") == ""


def test_the_map_page_says_what_the_marks_mean(demo_db, load, latest_year):
    app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=90)
    app.query_params.update({"zone": "X140802", "year": str(latest_year)})
    app.switch_page("app_pages/map.py")
    app.run()
    values = load(queries.zone_values_for_map, latest_year, INDICATOR)
    assert map_view.provenance_note(values, "zh")  # the demo has real seed figures beside synthetic ones
    assert fmt.legend("zh") in [c.value for c in app.caption]


def test_the_map_shows_the_chosen_zones_province_only(two_province_db, monkeypatch):
    from tests.builders import OTHER_ZONES

    monkeypatch.setenv("DEVZONE_DB", str(two_province_db))
    hebei = [short for _, _, short, *_ in OTHER_ZONES]
    for zone, shown, hidden in (("X140802", ["盐湖高新区", "运城市"], hebei + ["石家庄"]),
                                (OTHER_ZONES[0][0], hebei + ["石家庄", "唐山", "保定"], ["盐湖高新区", "运城", "太原"])):
        app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=90)
        app.query_params.update({"zone": zone, "year": "2021"})
        app.switch_page("app_pages/map.py")
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        tile_map = next(h.proto.body for h in app.get("html") if "tile-map" in h.proto.body)
        assert all(name in tile_map for name in shown), zone
        province = "山西省" if zone == "X140802" else "河北省"
        assert app.subheader[0].value.startswith(f"{province}　"), app.subheader[0].value  # which province it is
        assert not any(name in tile_map for name in hidden), zone


def test_another_provinces_cities_fill_the_grid_from_the_top():
    values = pd.DataFrame({"zone_id": ["x", "y"], "short_name": ["甲", "乙"], "city": ["石家庄市", "唐山市"],
                           "value": [1.0, 2.0]})
    tiles = map_view.tiles(values, "个", "zh", grid=map_view.grid_for("河北省"))
    assert [(tile.city, tile.row, tile.column) for tile in tiles] == [("石家庄", 1, 1), ("唐山", 1, 2)]
    assert map_view.grid_for("山西省") == map_view.CITY_TILES
