"""Everything the reports need about one zone and year, gathered once through the query layer.

`Loader` is `load(queries.fn, *args) -> DataFrame`: `devzone.ui.load` on a page (cached per
snapshot) or `direct_loader()` outside Streamlit (console script, tests).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from devzone import db, fmt, periods, queries, state

Loader = Callable[..., pd.DataFrame]


def direct_loader(path: str | os.PathLike[str] | None = None) -> Loader:
    """Run query functions straight against the snapshot at `path` (default: DEVZONE_DB or data/…),
    remembering each answer for the loader's lifetime (one report build)."""
    reader = db.reader(path)
    memo: dict[tuple, pd.DataFrame] = {}

    def load(query_fn: Callable[..., pd.DataFrame], *args: object) -> pd.DataFrame:
        if getattr(queries, query_fn.__name__, None) is not query_fn:
            raise ValueError(f"{query_fn!r} is not a function of devzone.queries")
        key = (query_fn.__name__, args)
        if key not in memo:
            memo[key] = query_fn(reader, *args)
        return memo[key]

    return load


def zone_directory(load: Loader) -> state.ZoneDirectory:
    return state.ZoneDirectory.from_frame(load(queries.zones))


def resolve_zone(load: Loader, name: str) -> str | None:
    """A zone id, short name or full name -> zone_id (None when unknown)."""
    return zone_directory(load).resolve(name)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    category: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass
class ZoneYear:
    """The frames one report on `zone_id` in `year` is written from (all from devzone.queries)."""

    zone_id: str
    year: int
    zone: pd.Series            # a row of queries.zones
    catalogue: pd.DataFrame    # queries.indicators
    history: pd.DataFrame      # queries.report_zone_history (all years)
    ranks: pd.DataFrame        # queries.report_year_ranks for the zone's province and `year`
    previous_ranks: pd.DataFrame  # … for `year - 1` (may be empty)
    targets: pd.DataFrame      # queries.report_targets
    projects: pd.DataFrame     # queries.report_projects (signed in `year`, plus 在谈)
    enterprises: pd.DataFrame  # queries.report_enterprise_names (recognised in `year`)
    meta: pd.DataFrame         # queries.snapshot_meta
    ledger_day: dt.date | None = None  # queries.ledger_as_of: the day the project ledger describes
    latest_year: int | None = None     # the latest year with reported values in the zone's province

    @property
    def short_name(self) -> str:
        return str(self.zone["short_name"])

    @property
    def province(self) -> str:
        return str(self.zone["province"])

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {
            str(r.indicator): Indicator(str(r.indicator), str(r.name_zh), str(r.name_en), str(r.unit),
                                        str(r.direction), str(r.category))
            for r in self.catalogue.itertuples()
        }

    @cached_property
    def _rows(self) -> dict[tuple[str, int], dict]:
        return {(str(r["indicator"]), int(r["year"])): r for r in self.history.to_dict("records")}

    def value_row(self, indicator: str, year: int | None = None) -> dict | None:
        """The zone's history row (a dict) for an indicator and year (default: the report year), or None."""
        return self._rows.get((indicator, self.year if year is None else int(year)))

    def value(self, indicator: str, year: int | None = None) -> float | None:
        row = self.value_row(indicator, year)
        return None if row is None else float(row["value"])

    def series(self, indicator: str) -> pd.DataFrame:
        """year, value, is_synthetic of one indicator over all years, ascending."""
        rows = self.history[self.history["indicator"] == indicator]
        return rows[["year", "value", "is_synthetic", "source"]].sort_values("year").reset_index(drop=True)

    def target(self, indicator: str) -> float | None:
        rows = self.targets[self.targets["indicator"] == indicator]
        return None if rows.empty else float(rows.iloc[0]["target"])

    def target_synthetic(self, indicator: str) -> bool:
        rows = self.targets[self.targets["indicator"] == indicator]
        return not rows.empty and fmt.synthetic_flag(rows.iloc[0]["is_synthetic"])

    def signed_projects(self) -> pd.DataFrame:
        """Projects signed in the report year (not the ones still under negotiation)."""
        p = self.projects
        signed = p["signed_date"].notna() & (p["status"] != "在谈")
        return p[signed].reset_index(drop=True)

    @cached_property
    def mixed(self) -> bool:
        """Whether the report shows synthetic figures: then each real one is tagged 真实 (fmt.tag_real)."""
        return any(bool(frame["is_synthetic"].fillna(False).astype(bool).any())
                   for frame in (self.history, self.targets, self.projects) if "is_synthetic" in frame.columns)

    def real_projects(self) -> pd.DataFrame:
        """Headline projects of the year that are real (not synthetic), e.g. the 宏明 chain base of the seed."""
        live = self.headline_projects()
        return live[~live["is_synthetic"].fillna(False).astype(bool)].reset_index(drop=True)

    def headline_projects(self) -> pd.DataFrame:
        """Signed projects a report may name as notable: those of the year not terminated (终止). A terminated
        project still counts in the year's signed totals, but never headlines anything."""
        signed = self.signed_projects()
        return signed[signed["status"] != "终止"].reset_index(drop=True)

    def talks_in_view(self) -> pd.DataFrame:
        """Projects still 在谈 (no signing date, so no year): they describe the ledger's day, and are only said of
        the latest year with data; for an earlier year nobody knows which were in talks then (empty)."""
        talks = self.projects[self.projects["status"] == "在谈"]
        if self.latest_year is None or self.year < self.latest_year:
            return talks.iloc[0:0]
        return talks.reset_index(drop=True)

    def snapshot_date(self) -> dt.date | None:
        """The China date (periods.china_date) the snapshot was published: the deck's 数据更新于."""
        rows = self.meta[self.meta["key"] == "published_at"]
        return None if rows.empty else periods.china_date(rows.iloc[0]["value"])


def gather(load: Loader, zone_id: str, year: int) -> ZoneYear:
    """Ask the query layer for everything a report on `zone_id` in `year` shows."""
    zones = load(queries.zones)
    matches = zones[zones["zone_id"] == zone_id]
    if matches.empty:
        raise LookupError(f"unknown zone: {zone_id}")
    zone = matches.iloc[0]
    province = str(zone["province"])
    catalogue = load(queries.indicators)
    order = {code: i for i, code in enumerate(catalogue["indicator"])}
    targets = load(queries.report_targets, zone_id, int(year))
    targets = targets.sort_values("indicator", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return ZoneYear(
        zone_id=zone_id,
        year=int(year),
        zone=zone,
        catalogue=catalogue,
        history=load(queries.report_zone_history, zone_id),
        ranks=load(queries.report_year_ranks, province, int(year)),
        previous_ranks=load(queries.report_year_ranks, province, int(year) - 1),
        targets=targets,
        projects=load(queries.report_projects, zone_id, int(year)),
        enterprises=load(queries.report_enterprise_names, zone_id, int(year)),
        meta=load(queries.snapshot_meta),
        ledger_day=None if not load(queries.missing_relations, ("project_versions",)).empty  # an older snapshot
        else _day(load(queries.ledger_as_of)),
        latest_year=_latest_year(load(queries.years_available, province)),
    )


def _day(frame: pd.DataFrame) -> dt.date | None:
    if frame.empty or pd.isna(frame.iloc[0, 0]):
        return None
    return pd.Timestamp(frame.iloc[0, 0]).date()


def _latest_year(frame: pd.DataFrame) -> int | None:
    return None if frame.empty else int(frame["year"].max())
