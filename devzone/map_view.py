"""全省分布 — a schematic tile map of Shanxi's 11 cities: one equal tile per city, placed roughly where the city
lies (大同 top right, 运城 bottom left, 晋城 bottom right), coloured by the chosen indicator's city total and
listing the city's zones, each a link to its overview. No boundaries (a published boundary map needs an
approval number, 审图号), nothing fetched from anywhere: plain HTML that reads on a phone and prints.

Pure: frames in (`queries.zone_values_for_map`), strings and HTML out.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from devzone import fmt
from devzone.i18n import t

# (row, column) on a 3-column grid, north at the top. A city not in this table (another province's data)
# gets a tile in an extra row at the bottom, so no zone is ever left off the map.
CITY_TILES: dict[str, tuple[int, int]] = {
    "朔州": (1, 2), "大同": (1, 3),
    "忻州": (2, 2),
    "吕梁": (3, 1), "太原": (3, 2), "阳泉": (3, 3),
    "晋中": (4, 2),
    "临汾": (5, 1), "长治": (5, 3),
    "运城": (6, 1), "晋城": (6, 3),
}
GRID_COLUMNS = 3
CITY_EN = {"太原": "Taiyuan", "大同": "Datong", "朔州": "Shuozhou", "忻州": "Xinzhou", "阳泉": "Yangquan",
           "吕梁": "Lüliang", "晋中": "Jinzhong", "长治": "Changzhi", "临汾": "Linfen", "晋城": "Jincheng",
           "运城": "Yuncheng"}
# Light to dark blue by share of the largest city total; no value: grey.
_LIGHT, _DARK, _NONE = (0xE8, 0xF0, 0xFA), (0x1F, 0x4E, 0x8C), "#F3F4F6"


GRID_PROVINCE = "山西"  # the province CITY_TILES draws


def grid_for(province: object) -> dict[str, tuple[int, int]]:
    """The tile positions for a province: CITY_TILES for Shanxi; none for another (its cities then fill the grid
    from the top, in the order they come)."""
    return CITY_TILES if str(province or "").startswith(GRID_PROVINCE) else {}


def city_key(city: object) -> str:
    """`太原市` -> `太原` (the tile's name); blank -> ''."""
    text = "" if fmt.is_missing(city) else str(city).strip()
    return text.removesuffix("市") if len(text) > 1 else text


def city_name(key: str, lang: str) -> str:
    if lang == "en":
        return CITY_EN.get(key, key)
    return f"{key}市" if key and not key.endswith(("市", "盟", "地区")) else key


def colour(share: float | None) -> str:
    """`#RRGGBB` between the light and the dark blue; grey without a value."""
    if share is None:
        return _NONE
    share = min(1.0, max(0.0, share))
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(_LIGHT, _DARK, strict=True))
    return f"#{r:02X}{g:02X}{b:02X}"


@dataclass(frozen=True)
class ZoneEntry:
    zone_id: str
    name: str
    value: str
    url_value: str


@dataclass(frozen=True)
class Tile:
    city: str  # the key (`太原`)
    name: str  # as shown (`太原市`, `Taiyuan`)
    row: int
    column: int
    total: float | None
    total_text: str
    colour: str
    dark: bool
    zones: tuple[ZoneEntry, ...]


def tiles(values: pd.DataFrame, unit: str, lang: str, url_value=lambda zone_id: zone_id,
          grid: dict[str, tuple[int, int]] = CITY_TILES) -> list[Tile]:
    """One tile per city of `values` (zone_id, short_name, city, value — every zone of one province, value
    missing where the zone has none), plus every city of `grid` without zones. Totals add the zones' values; a
    city whose zones have no value has no total (not zero). `url_value(zone_id)` is what the zone's link says."""
    by_city: dict[str, list] = {key: [] for key in grid}
    for row in values.itertuples(index=False):
        by_city.setdefault(city_key(row.city), []).append(row)
    totals = {city: (None if all(fmt.is_missing(r.value) for r in rows) or not rows
                     else float(sum(r.value for r in rows if not fmt.is_missing(r.value))))
              for city, rows in by_city.items()}
    mixed = _has_synthetic(values)
    largest = max((v for v in totals.values() if v is not None), default=None)
    extra_row = max((row for row, _ in grid.values()), default=0) + 1
    result, spare = [], 0
    for city, rows in by_city.items():
        if city in grid:
            grid_row, grid_column = grid[city]
        else:
            grid_row, grid_column = extra_row + spare // GRID_COLUMNS, spare % GRID_COLUMNS + 1
            spare += 1
        total = totals[city]
        share = None if total is None or not largest else total / largest
        ordered = sorted(rows, key=lambda r: (fmt.is_missing(r.value), -(0 if fmt.is_missing(r.value) else r.value)))
        result.append(Tile(
            city=city, name=city_name(city, lang) or t("map.no_city", lang), row=grid_row, column=grid_column,
            total=total, total_text=_total_text(total, rows, unit, lang, mixed), colour=colour(share),
            dark=share is not None and share > 0.55,
            zones=tuple(ZoneEntry(str(r.zone_id), str(r.short_name),
                                  fmt.tag_real(fmt.indicator_value(r.value, unit, lang), _flag(r), lang, mixed=mixed),
                                  str(url_value(str(r.zone_id)))) for r in ordered)))
    return sorted(result, key=lambda tile: (tile.row, tile.column))


def _flag(row) -> bool:
    return fmt.synthetic_flag(getattr(row, "is_synthetic", False))


def _shown_flags(values: pd.DataFrame) -> set[bool]:
    """Whether each figure on the map is synthetic, as a set: {False}, {True}, both, or none."""
    if "is_synthetic" not in values:
        return set()
    return set(values.loc[values["value"].notna(), "is_synthetic"].map(fmt.synthetic_flag))


def _has_synthetic(values: pd.DataFrame) -> bool:
    return True in _shown_flags(values)


def _total_text(total: float | None, rows: list, unit: str, lang: str, mixed: bool) -> str:
    """A city total as the rest of the product writes figures: 真实 when every zone in it is real (in a view with
    synthetic figures), ※ when it adds real and synthetic values, unmarked when synthetic only."""
    text = fmt.indicator_value(total, unit, lang)
    flags = {_flag(r) for r in rows if not fmt.is_missing(r.value)}
    if not mixed or not flags:
        return text
    if flags == {False}:
        return fmt.tag_real(text, False, lang)
    return fmt.mark_from_synthetic(text, flags == {False, True})


def provenance_note(values: pd.DataFrame, lang: str) -> str:
    """The key to 真实 and ※ when the map shows synthetic figures beside real ones, else ''."""
    return fmt.legend(lang) if _shown_flags(values) == {False, True} else ""


MAP_CSS = """
<style>
.tile-map { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.5rem; max-width: 60rem; }
.tile-map .tile { border: 1px solid #CBD5E1; border-radius: 0.5rem; padding: 0.45rem 0.6rem; min-height: 6.5rem;
  break-inside: avoid; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.tile-map .tile.dark, .tile-map .tile.dark a { color: #FFFFFF; }
.tile-map .city { font-weight: 700; font-size: 1.05rem; }
.tile-map .total { font-size: 1.25rem; font-weight: 700; margin: 0.1rem 0 0.25rem 0; }
.tile-map ul { list-style: none; margin: 0; padding: 0; font-size: 0.85rem; line-height: 1.45; }
.tile-map li { margin: 0; display: flex; justify-content: space-between; gap: 0.4rem; }
.tile-map a { color: #1E3A8A; text-decoration: underline; min-height: 1.6rem; display: inline-block; }
.tile-map .empty { opacity: 0.75; font-size: 0.85rem; }
@media (max-width: 640px) {
  .tile-map { gap: 0.3rem; }
  .tile-map .tile { padding: 0.35rem 0.4rem; }
  .tile-map .city { font-size: 0.9rem; } .tile-map .total { font-size: 1rem; }
  .tile-map ul { font-size: 0.75rem; } .tile-map li { display: block; }
  .tile-map li span { margin-left: 0.3rem; opacity: 0.85; }
  .tile-map a { min-height: 2.5rem; display: inline-block; padding-top: 0.55rem; }
}
@media (min-width: 1800px) {
  .tile-map { max-width: none; } .tile-map .city { font-size: 1.4rem; } .tile-map .total { font-size: 1.7rem; }
  .tile-map ul { font-size: 1.15rem; }
}
</style>
"""


def zone_link(entry: ZoneEntry, year: int, lang: str) -> str:
    """The overview of the zone (the landing page, at the site root), for this year and language."""
    return f"./?zone={quote(entry.url_value)}&year={int(year)}&lang={quote(lang)}"


def tiles_html(tile_list: list[Tile], year: int, lang: str) -> str:
    """The tiles as one HTML block (every name escaped)."""
    cells = []
    for tile in tile_list:
        if tile.zones:
            items = "".join(
                f'<li><a class="zone" target="_self" href="{html.escape(zone_link(z, year, lang))}">{html.escape(z.name)}</a>'
                f"<span>{html.escape(z.value)}</span></li>" for z in tile.zones)
            body = f"<ul>{items}</ul>"
        else:
            body = f"<div class='empty'>{html.escape(t('map.no_zones', lang))}</div>"
        total = "" if tile.total is None and not tile.zones else f"<div class='total'>{html.escape(tile.total_text)}</div>"
        cells.append(
            f"<div class='tile{' dark' if tile.dark else ''}' data-city='{html.escape(tile.city)}' "
            f"style='grid-row: {tile.row}; grid-column: {tile.column}; background: {tile.colour};'>"
            f"<div class='city'>{html.escape(tile.name)}</div>{total}{body}</div>")
    return MAP_CSS + f"<div class='tile-map' role='list'>{''.join(cells)}</div>"


def choropleth_frame(tile_list: list[Tile], lang: str) -> pd.DataFrame:
    """Each city with zones as the boundary map colours it (charts.city_choropleth): key, total, hover line."""
    rows = [tile for tile in tile_list if tile.zones]
    return pd.DataFrame({"city": [tile.city for tile in rows],
                         "total": pd.array([tile.total for tile in rows], dtype="Float64").astype(float),
                         "hover": [t("map.geo.hover", lang, city=tile.name, total=tile.total_text) for tile in rows]})


def city_table(tile_list: list[Tile], lang: str) -> pd.DataFrame:
    """The same figures as a table (for the download and for anyone who reads tables): city, total, zones."""
    rows = [tile for tile in tile_list if tile.zones]
    return pd.DataFrame({
        t("map.col.city", lang): [tile.name for tile in rows],
        t("map.col.total", lang): [tile.total_text for tile in rows],
        t("map.col.zones", lang): ["、".join(z.name for z in tile.zones) if lang == "zh"
                                   else ", ".join(z.name for z in tile.zones) for tile in rows],
    })
