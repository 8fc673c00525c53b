"""全省分布's optional boundary map (devzone.geo): the setting, loading and checking the administrator's GeoJSON,
matching its features to cities, the choropleth, and the page in AppTest with a good, a bad and no file.
The fixture is hand-made rectangles (tests/fixtures/geo), not real boundaries."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from devzone import charts, geo, map_view
from devzone.i18n import t

REPO_ROOT = Path(__file__).resolve().parent.parent
RECTANGLES = REPO_ROOT / "tests" / "fixtures" / "geo" / "rectangles.geojson"


def test_no_setting_means_tiles_only():
    assert geo.setting({}) is None
    assert geo.setting({geo.ENV_PATH: "  "}) is None
    config = geo.setting({geo.ENV_PATH: "/srv/m.geojson", geo.ENV_APPROVAL: " 晋S(2024)001号 "})
    assert config == geo.Setting(Path("/srv/m.geojson"), "晋S(2024)001号", "name")
    assert geo.setting({geo.ENV_PATH: "/x", geo.ENV_PROPERTY: "NAME_CHN"}).name_property == "NAME_CHN"


def test_the_fixture_loads_and_matches_with_or_without_shi():
    collection = geo.load(RECTANGLES)
    assert len(collection["features"]) == 5  # the point is not an area
    matched = geo.match(collection, "name", list(map_view.CITY_TILES))
    assert sorted(f["id"] for f in matched["features"]) == ["临汾", "大同", "太原", "运城"]  # 测试市 is no city
    assert {f["geometry"]["type"] for f in matched["features"]} == {"Polygon", "MultiPolygon"}
    assert "id" not in collection["features"][0]  # the cached original is left alone


def clockwise(ring) -> bool:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) < 0


def test_rings_are_put_in_the_order_plotly_draws_areas_in():
    """d3-geo reads an anticlockwise outer ring as the whole globe but the area: outer rings clockwise, holes not."""
    collection = geo.load(RECTANGLES)
    assert not clockwise(collection["features"][0]["geometry"]["coordinates"][0])  # the file's own order
    matched = {f["id"]: f["geometry"] for f in geo.match(collection, "name", list(map_view.CITY_TILES))["features"]}
    for city in ("大同", "太原", "运城"):
        assert clockwise(matched[city]["coordinates"][0]), city
    (outer, hole), (second,) = matched["临汾"]["coordinates"]
    assert clockwise(outer) and not clockwise(hole) and clockwise(second)
    assert not clockwise(collection["features"][0]["geometry"]["coordinates"][0])  # the cached file is unchanged


@pytest.mark.parametrize(("content", "reason"), [
    (b"{not json", "not_json"),
    (b"\xff\xfe\x00", "not_json"),
    (b"[1, 2]", "not_geojson"),
    (json.dumps({"type": "Feature", "geometry": None}).encode(), "not_geojson"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "太原市"}, "geometry": {"type": "Point", "coordinates": [0, 0]}}]
    }).encode(), "not_geojson"),
])
def test_a_bad_file_says_why(tmp_path, content, reason):
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(geo.GeoError) as caught:
        geo.load(path)
    assert caught.value.reason == reason


def test_missing_too_big_and_no_match(tmp_path):
    with pytest.raises(geo.GeoError) as caught:
        geo.load(tmp_path / "nowhere.geojson")
    assert caught.value.reason == "missing"
    big = tmp_path / "big.geojson"
    big.write_bytes(RECTANGLES.read_bytes() + b" " * 200)
    with pytest.raises(geo.GeoError) as caught:
        geo.load(big, max_bytes=len(RECTANGLES.read_bytes()) + 100)
    assert caught.value.reason == "too_big"
    with pytest.raises(geo.GeoError) as caught:
        geo.match(geo.load(RECTANGLES), "NAME_CHN", list(map_view.CITY_TILES))
    assert caught.value.reason == "no_match"


def test_the_matched_map_is_kept_until_the_file_changes(tmp_path):
    path = tmp_path / "m.geojson"
    path.write_bytes(RECTANGLES.read_bytes())
    config = geo.Setting(path, "", "name")
    first = geo.boundary_map(config, ["太原", "大同"])
    assert geo.boundary_map(config, ["大同", "太原"]) is first
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(geo.GeoError) as caught:
        geo.boundary_map(config, ["太原", "大同"])
    assert caught.value.reason == "not_json"
    path.unlink()
    with pytest.raises(geo.GeoError) as caught:
        geo.boundary_map(config, ["太原"])
    assert caught.value.reason == "missing"


def test_messages_name_no_path(tmp_path):
    config = geo.Setting(tmp_path / "secret-folder" / "m.geojson", "", "name")
    for reason in ("missing", "too_big", "not_json", "not_geojson", "no_match"):
        for lang in ("zh", "en"):
            message = geo.error_message(geo.GeoError(reason, str(config.path)), config, lang)
            assert message and "secret-folder" not in message and "{" not in message
    assert "20 MB" in geo.error_message(geo.GeoError("too_big"), config, "en")
    assert geo.approval_line(config, "zh") == t("map.geo.no_approval", "zh")
    assert geo.approval_line(geo.Setting(config.path, "晋S(2024)001号", "name"), "zh") == "审图号：晋S(2024)001号"


def test_the_choropleth_colours_city_totals_and_hides_the_base_map():
    values = pd.DataFrame({"zone_id": ["a", "b", "c"], "short_name": ["甲", "<b>乙</b>", "丙"],
                           "city": ["太原市", "大同市", "运城市"], "value": [5.0, 2.0, None]})
    tiles = map_view.tiles(values, "个", "zh")
    shapes = geo.match(geo.load(RECTANGLES), "name", [tile.city for tile in tiles])
    fig = charts.city_choropleth(map_view.choropleth_frame(tiles, "zh"), shapes, location="city", value="total",
                                 text="hover")
    coloured = next(trace for trace in fig.data if trace.showscale is not False)
    grey = next(trace for trace in fig.data if trace.showscale is False)
    assert dict(zip(coloured.locations, coloured.z, strict=True)) == {"太原": 5.0, "大同": 2.0}
    assert list(grey.locations) == ["运城"]
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    assert sorted(f["id"] for f in coloured.geojson["features"]) == ["大同", "太原"]  # each trace its own areas
    assert [f["id"] for f in grey.geojson["features"]] == ["运城"]
    assert "太原市：5个" in coloured.text


def map_warnings(app: AppTest) -> list[str]:
    return [w.value for w in app.warning if w.icon == ":material/map:"]  # not the 模拟数据 banner


def run_map(monkeypatch, lang: str = "zh", **env: str) -> AppTest:
    for name in (geo.ENV_PATH, geo.ENV_APPROVAL, geo.ENV_PROPERTY):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=90)
    app.query_params.update({"zone": "X140802", "year": "2021", "lang": lang})
    app.switch_page("app_pages/map.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("tile-map" in h.proto.body for h in app.get("html"))  # the tiles stay, whatever the file
    return app


def test_the_page_without_a_file_has_no_boundary_map(demo_db, monkeypatch):
    app = run_map(monkeypatch)
    assert not app.get("plotly_chart") and not map_warnings(app)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_draws_the_configured_map_with_its_approval_number(demo_db, monkeypatch, lang):
    app = run_map(monkeypatch, lang, DEVZONE_MAP_GEOJSON=str(RECTANGLES), DEVZONE_MAP_APPROVAL="测试-非真实边界")
    charts_drawn = app.get("plotly_chart")
    assert len(charts_drawn) == 1 and not map_warnings(app)
    spec = json.loads(charts_drawn[0].proto.spec)
    assert {trace["type"] for trace in spec["data"]} == {"choropleth"}
    assert json.loads(charts_drawn[0].proto.config)["topojsonURL"] == geo.TOPOJSON_URL
    assert geo.approval_line(geo.setting({geo.ENV_PATH: "x", geo.ENV_APPROVAL: "测试-非真实边界"}), lang) in \
        [c.value for c in app.caption]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_file_is_explained_without_its_path_and_the_tiles_remain(demo_db, monkeypatch, tmp_path, lang):
    bad = tmp_path / "hidden-admin-folder" / "shanxi.geojson"
    bad.parent.mkdir()
    bad.write_text("<html>not json</html>", encoding="utf-8")
    app = run_map(monkeypatch, lang, DEVZONE_MAP_GEOJSON=str(bad))
    assert not app.get("plotly_chart")
    assert map_warnings(app) == [t("map.geo.error.not_json", lang)]
    page_text = " ".join(str(e.value) for e in [*app.warning, *app.caption, *app.markdown])
    assert "hidden-admin-folder" not in page_text
