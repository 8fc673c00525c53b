"""全省分布's optional boundary map: a GeoJSON file the administrator supplies (their 标准地图, with its 审图号),
drawn as a choropleth of the city totals above the schematic tiles. Nothing here draws a boundary of its own.

    DEVZONE_MAP_GEOJSON=/srv/maps/shanxi_cities.geojson   # a FeatureCollection of the cities (at most 20 MB)
    DEVZONE_MAP_APPROVAL=晋S(2024)001号                     # the 审图号, shown under the map
    DEVZONE_MAP_NAME_PROPERTY=name                         # the feature property holding the city's name

Features are matched to cities by that property, `太原市` or `太原` alike (map_view.city_key). A file that is
missing, unreadable, not JSON, not a FeatureCollection, too big or matching no city raises GeoError, whose
`reason` picks the viewer's message (map.geo.error.*): the path only goes to the server log.
"""
from __future__ import annotations

import copy
import functools
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from devzone import map_view
from devzone.i18n import t

MAX_MB = 20
MAX_BYTES = MAX_MB * 1024 * 1024
ENV_PATH, ENV_APPROVAL, ENV_PROPERTY = "DEVZONE_MAP_GEOJSON", "DEVZONE_MAP_APPROVAL", "DEVZONE_MAP_NAME_PROPERTY"
DEFAULT_PROPERTY = "name"
AREA_TYPES = ("Polygon", "MultiPolygon")
# Plotly's geo charts fetch a base-map topology (world_110m.json) even with the base map hidden; it is served by
# the app itself (static/plotly-geo/, server.enableStaticServing), never from cdn.plot.ly. Relative, so a
# server.baseUrlPath or a proxy prefix still finds it.
TOPOJSON_URL = "./app/static/plotly-geo/"
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False, "topojsonURL": TOPOJSON_URL}

log = logging.getLogger(__name__)


class GeoError(ValueError):
    """The configured file cannot be drawn; `reason` is one of missing, too_big, not_json, not_geojson, no_match."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Setting:
    path: Path
    approval: str
    name_property: str


def setting(environ: Mapping[str, str] | None = None) -> Setting | None:
    """The configured boundary map, or None when DEVZONE_MAP_GEOJSON is unset or blank (the tiles only)."""
    environ = os.environ if environ is None else environ
    path = environ.get(ENV_PATH, "").strip()
    if not path:
        return None
    return Setting(Path(path).expanduser(), environ.get(ENV_APPROVAL, "").strip(),
                   environ.get(ENV_PROPERTY, "").strip() or DEFAULT_PROPERTY)


def load(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> dict:
    """The file's FeatureCollection (kept in memory while the file is unchanged). Raises GeoError."""
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise GeoError("missing", f"{path}: {error}") from None
    if stat.st_size > max_bytes:
        raise GeoError("too_big", f"{path}: {stat.st_size} bytes")
    return _load(str(path), stat.st_mtime_ns, stat.st_size, max_bytes)


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int, max_bytes: int) -> dict:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise GeoError("missing", f"{path}: {error}") from None
    if len(raw) > max_bytes:
        raise GeoError("too_big", path)
    return parse(raw)


def parse(raw: bytes | str) -> dict:
    """A GeoJSON FeatureCollection of areas from its text. Raises GeoError (not_json, not_geojson)."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise GeoError("not_json", str(error)) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise GeoError("not_geojson", "not a FeatureCollection")
    areas = [f for f in features if isinstance(f, dict) and isinstance(f.get("geometry"), dict)
             and f["geometry"].get("type") in AREA_TYPES]
    if not areas:
        raise GeoError("not_geojson", "no Polygon or MultiPolygon feature")
    return {"type": "FeatureCollection", "features": areas}


def feature_city(feature: Mapping, name_property: str) -> str:
    properties = feature.get("properties")
    name = properties.get(name_property) if isinstance(properties, Mapping) else None
    return map_view.city_key(name) if isinstance(name, str) else ""


def _signed_area(ring: list) -> float:
    """Twice the planar area of a ring, positive when it runs anticlockwise (lon east, lat north)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))


def _rewound(geometry: Mapping) -> dict:
    """The geometry with its outer rings clockwise and its holes anticlockwise, as d3-geo (Plotly) draws them:
    an anticlockwise outer ring — RFC 7946's own order, common in exported files — would fill the whole globe
    except the area."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    fixed = []
    for polygon in polygons:
        rings = []
        for index, ring in enumerate(polygon):
            clockwise = _signed_area(ring) < 0
            rings.append(list(ring) if clockwise == (index == 0) else list(reversed(ring)))
        fixed.append(rings)
    return {"type": geometry["type"], "coordinates": fixed[0] if geometry["type"] == "Polygon" else fixed}


def match(collection: Mapping, name_property: str, cities: Iterable[str]) -> dict:
    """The features naming one of `cities` (keys as map_view.city_key: `太原`), each with `id` = that key and its
    rings in d3-geo's order, the first feature of a city kept. Raises GeoError("no_match") when none does."""
    wanted, kept = set(cities), {}
    for feature in collection.get("features", []):
        city = feature_city(feature, name_property)
        if city in wanted and city not in kept:
            kept[city] = {**{k: copy.deepcopy(v) for k, v in feature.items() if k != "geometry"}, "id": city,
                          "geometry": _rewound(feature["geometry"])}
    if not kept:
        raise GeoError("no_match", f"no feature's {name_property!r} names a city")
    return {"type": "FeatureCollection", "features": list(kept.values())}


def boundary_map(config: Setting, cities: Iterable[str]) -> dict:
    """The configured file's features of `cities` (kept while the file is unchanged; not to be modified), or
    GeoError (logged with the path, for the administrator)."""
    try:
        try:
            stat = config.path.stat()
        except OSError as error:
            raise GeoError("missing", f"{config.path}: {error}") from None
        return _boundary_map(str(config.path), stat.st_mtime_ns, stat.st_size, config.name_property,
                             tuple(sorted(set(cities))))
    except GeoError as error:
        log.warning("boundary map %s not drawn: %s", config.path, error)
        raise


@functools.lru_cache(maxsize=8)
def _boundary_map(path: str, mtime_ns: int, size: int, name_property: str, cities: tuple[str, ...]) -> dict:
    return match(load(path), name_property, cities)


def error_message(error: GeoError, config: Setting, lang: str) -> str:
    """What the viewer reads when the boundary map is not drawn (never the path)."""
    return t(f"map.geo.error.{error.reason}", lang, mb=MAX_MB, property=config.name_property)


def approval_line(config: Setting, lang: str) -> str:
    return (t("map.geo.approval", lang, number=config.approval) if config.approval
            else t("map.geo.no_approval", lang))
