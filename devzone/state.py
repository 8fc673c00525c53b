"""Filter state (zone, year, language) <-> URL query parameters. Pure: no Streamlit here.

`?zone=盐湖高新区&year=2021&lang=en` — `zone` accepts a zone_id (`X140802`), a short name
(`盐湖高新区`) or a full name (`运城盐湖高新技术产业开发区`); full-width characters and stray
spaces are tolerated. Anything unknown falls back to the default: a mistyped link still opens the
dashboard, and `unknown_in_url` names what was not found so the page can say so.

The pages' own parameters (`?scope=province`, `?project=…`, `?level=国家级,省级`) are read here too: every
`resolve_*` takes what the URL says (a string, a repeated parameter, or nothing) and returns a value the
page can use. Putting the value back in the address is devzone.ui's (`ui.seed_from_url`, `ui.mirror_to_url`).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from devzone.i18n import DEFAULT_LANG, LANGUAGES, Lang

PARAM_ZONE = "zone"
PARAM_YEAR = "year"
PARAM_LANG = "lang"
FILTER_PARAMS = (PARAM_ZONE, PARAM_YEAR, PARAM_LANG)
# The dashboard is run for the city that owns 盐湖高新区 (the seed zone); it opens on it when present.
HOME_ZONE_ID = "X140802"


@dataclass(frozen=True)
class FilterState:
    zone_id: str | None
    year: int | None
    lang: Lang = DEFAULT_LANG


def _normalise_name(text: str) -> str:
    """Fold full-width forms, drop all whitespace, ignore case: `Ｘ140802 ` == `x140802`."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).casefold()


@dataclass(frozen=True)
class ZoneDirectory:
    """The zones known to the snapshot, in display order, and every name a URL may use for them."""

    zone_ids: tuple[str, ...] = ()
    short_names: Mapping[str, str] = field(default_factory=dict)
    _aliases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, zones: pd.DataFrame) -> ZoneDirectory:
        """`zones` has the columns of the `zones` view, already in display order."""
        zone_ids = tuple(str(z) for z in zones["zone_id"])
        short_names = dict(zip(zone_ids, (str(s) for s in zones["short_name"]), strict=True))
        candidates: dict[str, set[str]] = {}
        for column in ("zone_name", "short_name"):
            for zone_id, name in zip(zone_ids, zones[column], strict=True):
                if isinstance(name, str) and name.strip():
                    candidates.setdefault(_normalise_name(name), set()).add(zone_id)
        # A name shared by two zones names neither; an id always names its own zone.
        aliases = {name: next(iter(ids)) for name, ids in candidates.items() if len(ids) == 1}
        aliases.update({_normalise_name(zone_id): zone_id for zone_id in zone_ids})
        return cls(zone_ids, short_names, aliases)

    def resolve(self, raw: object) -> str | None:
        if not isinstance(raw, str) or not raw.strip():
            return None
        return self._aliases.get(_normalise_name(raw))

    def label(self, zone_id: str) -> str:
        return self.short_names.get(zone_id, zone_id)

    def url_value(self, zone_id: str) -> str:
        """The readable short name when it names exactly one zone, else the zone_id."""
        short = self.short_names.get(zone_id)
        if short and self.resolve(short) == zone_id:
            return short
        return zone_id

    def default(self) -> str | None:
        if HOME_ZONE_ID in self.zone_ids:
            return HOME_ZONE_ID
        return self.zone_ids[0] if self.zone_ids else None


def province_of(zones: pd.DataFrame, zone_id: str | None) -> str | None:
    """The province a page's 全省 figures are about: the chosen zone's, else the first zone's (None: no zones).

    `zones` has the columns of the `zones` view. Ranks and totals are within a province, so a database
    holding several provinces never shows them mixed together."""
    if zones.empty:
        return None
    rows = zones[zones["zone_id"] == zone_id]
    return str((rows if not rows.empty else zones)["province"].iloc[0])


def last_value(value: object) -> object:
    """Query parameters may repeat (`?year=2020&year=2021`): the last one wins, as in st.query_params."""
    if isinstance(value, list | tuple):
        return value[-1] if value else None
    return value


def resolve_year(raw: object, years: Iterable[int]) -> int | None:
    raw = last_value(raw)
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("年").strip()
    try:
        wanted = int(text)
    except ValueError:
        return None
    return wanted if wanted in {int(y) for y in years} else None


def default_year(years: Iterable[int]) -> int | None:
    """The latest year with data."""
    available = [int(y) for y in years]
    return max(available) if available else None


def resolve_lang(raw: object) -> Lang | None:
    raw = last_value(raw)
    if not isinstance(raw, str):
        return None
    code = raw.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None  # type: ignore[return-value]


LatestYear = Callable[[str | None], int | None]  # zone -> the latest year with data in its province


def zone_default_year(zone_id: str | None, years: Iterable[int], latest_year: LatestYear | None) -> int | None:
    """The year a view of `zone_id` opens on: the latest with data in the zone's province (`latest_year`), else
    the latest in the snapshot. A database holding several provinces may have one a year ahead of the others;
    a zone of the other must not open on a year with nothing of its own to show."""
    years = [int(y) for y in years]
    own = latest_year(zone_id) if latest_year is not None else None
    return own if own in years else default_year(years)


def from_query_params(
    params: Mapping[str, object], zones: ZoneDirectory, years: Iterable[int], latest_year: LatestYear | None = None
) -> FilterState:
    """The view a URL asks for; unknown or missing values become the defaults."""
    years = list(years)
    zone_id = zones.resolve(last_value(params.get(PARAM_ZONE))) or zones.default()
    return FilterState(
        zone_id=zone_id,
        year=resolve_year(params.get(PARAM_YEAR), years) or zone_default_year(zone_id, years, latest_year),
        lang=resolve_lang(params.get(PARAM_LANG)) or DEFAULT_LANG,
    )


@dataclass(frozen=True)
class UrlMiss:
    """A zone or year a link asked for that the snapshot does not have (`param` is "zone" or "year")."""

    param: str
    raw: str


def unknown_in_url(params: Mapping[str, object], zones: ZoneDirectory, years: Iterable[int]) -> list[UrlMiss]:
    """What a link asks for and cannot be shown: the view falls back to the default, and says so. A snapshot
    with no zones or no years at all says that itself (the page explains how to load data): nothing to report."""
    misses: list[UrlMiss] = []
    years = [int(y) for y in years]
    zone = last_value(params.get(PARAM_ZONE))
    if zones.zone_ids and isinstance(zone, str) and zone.strip() and zones.resolve(zone) is None:
        misses.append(UrlMiss(PARAM_ZONE, zone.strip()))
    year = last_value(params.get(PARAM_YEAR))
    if years and year is not None and str(year).strip() and resolve_year(year, years) is None:
        misses.append(UrlMiss(PARAM_YEAR, str(year).strip()))
    return misses


def to_query_params(filters: FilterState, zones: ZoneDirectory) -> dict[str, str]:
    """The URL parameters that reproduce `filters` (all of them, so a copied link is explicit)."""
    params: dict[str, str] = {}
    if filters.zone_id is not None:
        params[PARAM_ZONE] = zones.url_value(filters.zone_id)
    if filters.year is not None:
        params[PARAM_YEAR] = str(filters.year)
    params[PARAM_LANG] = filters.lang
    return params


def sanitise(filters: FilterState, zones: ZoneDirectory, years: Iterable[int],
             latest_year: LatestYear | None = None) -> FilterState:
    """Replace values the current snapshot no longer has (a zone or year gone after a reload)."""
    years = [int(y) for y in years]
    zone_id = filters.zone_id if filters.zone_id in zones.zone_ids else zones.default()
    year = filters.year if filters.year in years else zone_default_year(zone_id, years, latest_year)
    lang = filters.lang if filters.lang in LANGUAGES else DEFAULT_LANG
    return replace(filters, zone_id=zone_id, year=year, lang=lang)


# ---------------------------------------------------------------- a page's own parameters

_SEPARATORS = re.compile(r"[,，、;；\s]+")


def split_list(raw: object) -> list[str]:
    """`?level=国家级，省级` -> the parts, split at commas (either width), 、, semicolons or spaces."""
    raw = last_value(raw)
    if not isinstance(raw, str):
        return []
    return [part for part in _SEPARATORS.split(raw.strip()) if part]


def resolve_choices(raw: object, options: Sequence[str]) -> list[str]:
    """`?level=国家级,省级` -> the known options named, in option order; unknown ones dropped."""
    named = set(split_list(raw))
    return [option for option in options if option in named]


def resolve_option(raw: object, options: Sequence[str], default: str) -> str:
    """A value kept only if it is exactly one of `options` (a catalogue code, a section), else the default."""
    return raw if isinstance(raw, str) and raw in options else default


def resolve_choice(raw: object, options: Sequence[str], default: str) -> str:
    """A page keyword such as `?scope=province`, forgiving case, width and spaces; anything unknown is the default."""
    raw = last_value(raw)
    if not isinstance(raw, str):
        return default
    wanted = unicodedata.normalize("NFKC", raw).strip().lower()
    return wanted if wanted in options else default


def resolve_project(raw: object, project_ids: Sequence[str]) -> str | None:
    """`?project=X140802-0068` when that project is in the ledger shown, else None."""
    raw = last_value(raw)
    if not isinstance(raw, str):
        return None
    wanted = unicodedata.normalize("NFKC", raw).strip()
    if wanted in project_ids:
        return wanted
    folded = {pid.casefold(): pid for pid in project_ids}
    return folded.get(wanted.casefold())


def resolve_search(raw: object, max_length: int = 100) -> str:
    """`?q=宏明`: the search words, trimmed and cut to a length a search box takes."""
    raw = last_value(raw)
    return raw.strip()[:max_length] if isinstance(raw, str) else ""
