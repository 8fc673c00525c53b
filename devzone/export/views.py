"""The public views as files for people outside DuckDB (Excel, WPS, Power BI, pandas): Parquet, CSV or .xlsx.

    exported = collect(source, year=2021, zone="盐湖高新区")     # frames of the six views, stamped
    write(exported, out_dir, "csv")                            # one file per view (CSV: UTF-8 with BOM)
    workbook(exported, lang)                                   # one .xlsx, a sheet per view (also the admin download)

Every row carries the snapshot's load id (`snapshot_load_id`) and the day the data describes (`data_as_of`,
progress_as_of() of the snapshot), and whether it is a synthetic figure (`is_synthetic`). Text that a spreadsheet
would run as a formula stays text (devzone.export.workbook). `python -m etl export` is the command line.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from devzone import fmt, periods, queries
from devzone.db import QuerySource
from devzone.export.workbook import BY_UNIT, workbook_bytes
from devzone.i18n import t

FORMATS = ("parquet", "csv", "xlsx")
WORKBOOK_NAME = "devzone_views.xlsx"
XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
STAMP_COLUMNS = ("snapshot_load_id", "data_as_of")


class ExportError(ValueError):
    """The export cannot be made as asked (unknown zone, too many rows for a worksheet); str() says what to do."""


@dataclass(frozen=True)
class ViewExport:
    frames: dict[str, pd.DataFrame]  # view name -> its rows, stamped
    load_id: int | None
    as_of: dt.date | None
    published_at: str | None
    year: int | None
    zone_id: str | None


def collect(source: QuerySource, *, year: int | None = None, zone: str | None = None,
            lang: str = "zh") -> ViewExport:
    """The six public views (queries.PUBLIC_VIEWS) for `year` and `zone` (a code, short or full name; None: all)."""
    zone_id = None
    if zone is not None:
        found = queries.export_zone(source, str(zone).strip())
        if found.empty:
            raise ExportError(t("export.unknown_zone", lang, zone=zone))
        zone_id = str(found["zone_id"].iloc[0])
    stamp = queries.export_stamp(source).iloc[0]
    load_id = None if fmt.is_missing(stamp["load_id"]) else int(stamp["load_id"])
    as_of = None if fmt.is_missing(stamp["as_of"]) else pd.Timestamp(stamp["as_of"]).date()
    frames = {}
    for view in queries.PUBLIC_VIEWS:
        frame = queries.public_view(source, view, year, zone_id)
        frame["snapshot_load_id"] = pd.array([load_id] * len(frame), dtype="Int64")
        frame["data_as_of"] = pd.Series([as_of] * len(frame), index=frame.index, dtype=object)  # a date, not a time
        frame["is_synthetic"] = frame["is_synthetic"].fillna(False).astype(bool)
        frames[view] = frame
    published = None if fmt.is_missing(stamp["published_at"]) else str(stamp["published_at"])
    return ViewExport(frames, load_id, as_of, published, year, zone_id)


def write(exported: ViewExport, out_dir: Path | str, file_format: str, lang: str = "zh") -> list[Path]:
    """Write the export into `out_dir` (created if needed): `<view>.parquet` / `<view>.csv` per view, or one
    WORKBOOK_NAME. Each file appears whole (written beside and renamed). Returns the paths written."""
    if file_format not in FORMATS:
        raise ExportError(t("export.unknown_format", lang, format=file_format, formats=" / ".join(FORMATS)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if file_format == "xlsx":
        return [_replace(out_dir / WORKBOOK_NAME, workbook(exported, lang))]
    written = []
    for view, frame in exported.frames.items():
        target = out_dir / f"{view}.{file_format}"
        partial = target.with_name(f".{target.name}.partial")
        if file_format == "csv":
            # utf-8-sig: the byte-order mark makes Excel and WPS read the Chinese text as UTF-8
            frame.to_csv(partial, index=False, encoding="utf-8-sig")
        else:
            frame.to_parquet(partial, index=False)
        os.replace(partial, target)
        written.append(target)
    return written


def workbook(exported: ViewExport, lang: str = "zh") -> bytes:
    """One .xlsx: a sheet per view (column names as in the views), then the notes sheet with the stamp."""
    for view, frame in exported.frames.items():
        if len(frame) > XLSX_MAX_ROWS:
            raise ExportError(t("export.too_many_rows", lang, view=view, rows=f"{len(frame):,}",
                                limit=f"{XLSX_MAX_ROWS:,}"))
    notes = [
        (t("export.note.load_id", lang), fmt.MISSING if exported.load_id is None else str(exported.load_id)),
        (t("export.note.as_of", lang), fmt.MISSING if exported.as_of is None else exported.as_of.isoformat()),
        (t("export.note.published_at", lang), published_text(exported.published_at, lang)),
        (t("xlsx.filters", lang), filters_text(exported, lang)),
        (t("export.note.columns", lang), t("export.note.columns_text", lang)),
    ]
    by_unit = {"value": BY_UNIT + "unit"}
    return workbook_bytes(list(exported.frames.items()), notes=notes, lang=lang,
                          formats={"indicator_values": by_unit})


def published_text(published_at: str | None, lang: str) -> str:
    """`2026年11月30日 18:12` in China time, as the overview prints the update time (the stamp is stored in UTC)."""
    return periods.china_date_time(published_at, lang)


def filters_text(exported: ViewExport, lang: str) -> str:
    year = t("export.all", lang) if exported.year is None else str(exported.year)
    zone = t("export.all", lang) if exported.zone_id is None else exported.zone_id
    return t("export.filters", lang, year=year, zone=zone)


def workbook_file_name(load_id: int | None, year: int | None = None, zone_id: str | None = None) -> str:
    """devzone_views_load12[_2021][_X140802].xlsx — what the admin download is saved as."""
    parts = ["devzone_views", None if load_id is None else f"load{load_id}",
             None if year is None else str(year), zone_id]
    return "_".join(p for p in parts if p) + ".xlsx"


def _replace(target: Path, data: bytes) -> Path:
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target
