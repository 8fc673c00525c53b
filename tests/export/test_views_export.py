"""`python -m etl export`: the six public views as Parquet, CSV (UTF-8 with BOM) and .xlsx, opened back with
pandas / openpyxl and compared with the views themselves; the stamp (load id, as-of date) and the synthetic flag."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math

import openpyxl
import pandas as pd
import pytest

from devzone.queries import PUBLIC_VIEWS
from etl.__main__ import main
from etl.publish import load_files
from tests.builders import LEDGER_HEADER, frame, ledger_row, query

STAMPS = ("snapshot_load_id", "data_as_of")
FORMULAS = ('=HYPERLINK("http://example.invalid","点我")', "+1+1", "-2+3", "@SUM(A1:A2)")


def _view(db, view: str, where: str = "", params: list | None = None) -> pd.DataFrame:
    """The view as any client reads it: all its columns, no extras."""
    return frame(db, f"SELECT * FROM {view} {where}", params)


def _stamp(db) -> tuple[int, dt.date]:
    (load_id,), = query(db, "SELECT value FROM snapshot_meta WHERE key = 'load_id'")
    (as_of,), = query(db, "SELECT progress_as_of()")
    return int(load_id), as_of


def _value(v: object) -> object:
    """One cell in a form every format gives back alike (CSV is read as text): numbers as rounded floats,
    dates and times as ISO text, True/False as booleans, empty as None."""
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, bool) or type(v).__name__ == "bool_" or v in ("True", "False"):
        return v if isinstance(v, bool) else bool(v) if not isinstance(v, str) else v == "True"
    if isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
        return str(pd.Timestamp(v)).removesuffix(" 00:00:00")
    try:
        return round(float(v), 9)  # a number, or text that reads as one ("2021" as a sheet name)
    except (TypeError, ValueError):
        return str(v)


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return sorted((tuple(_value(v) for v in row) for row in frame.itertuples(index=False)), key=repr)


def _check_stamped(frame: pd.DataFrame, view: str, db) -> pd.DataFrame:
    """The stamp columns hold the snapshot's load id and as-of date on every row; returns the rest."""
    load_id, as_of = _stamp(db)
    assert list(frame.columns[-2:]) == list(STAMPS), view
    assert {_value(v) for v in frame["snapshot_load_id"]} == {_value(load_id)}, view
    assert {_value(v) for v in frame["data_as_of"]} == {_value(as_of)}, view
    assert "is_synthetic" in frame.columns
    return frame.drop(columns=list(STAMPS))


def _expected(db, view: str) -> pd.DataFrame:
    """The view's rows plus the synthetic flag each row must carry (from the view itself, or the figure ranked,
    or false for the register, the catalogue and the load records)."""
    frame = _view(db, view)
    if "is_synthetic" in frame.columns:
        return frame
    if view == "provincial_rankings":
        flags = _view(db, "indicator_values")[["zone_id", "year", "indicator", "is_synthetic"]]
        return frame.merge(flags, on=["zone_id", "year", "indicator"], how="left")
    return frame.assign(is_synthetic=False)


@pytest.fixture(scope="module")
def exported(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("exported")
    for file_format in ("parquet", "csv", "xlsx"):
        assert main(["export", "--db", str(demo_db), "--format", file_format, "--out", str(out / file_format)]) == 0
    return out


def test_parquet_holds_every_view(demo_db, exported):
    for view in PUBLIC_VIEWS:
        back = _check_stamped(pd.read_parquet(exported / "parquet" / f"{view}.parquet"), view, demo_db)
        expected = _expected(demo_db, view)
        assert list(back.columns) == list(expected.columns), view
        assert _rows(back) == _rows(expected), view


def test_csv_is_utf8_with_bom_and_holds_every_view(demo_db, exported):
    for view in PUBLIC_VIEWS:
        path = exported / "csv" / f"{view}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), view  # Excel and WPS then read UTF-8
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header, *lines = list(csv.reader(handle))
        back = pd.DataFrame(lines, columns=header, dtype=object)
        back = _check_stamped(back, view, demo_db)
        expected = _expected(demo_db, view)
        assert list(back.columns) == list(expected.columns), view
        assert _rows(back) == _rows(expected), view
    zone_names = set(_view(demo_db, "zones")["zone_name"])
    with open(exported / "csv" / "zones.csv", encoding="utf-8-sig", newline="") as handle:
        assert {row["zone_name"] for row in csv.DictReader(handle)} == zone_names  # the Chinese survives


def test_xlsx_has_a_sheet_per_view_and_the_stamp(demo_db, exported):
    path = exported / "xlsx" / "devzone_views.xlsx"
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets)[:len(PUBLIC_VIEWS)] == list(PUBLIC_VIEWS)
    for view in PUBLIC_VIEWS:
        back = _check_stamped(sheets[view], view, demo_db)
        expected = _expected(demo_db, view)
        assert list(back.columns) == list(expected.columns), view
        assert _rows(back) == _rows(expected), view
    load_id, as_of = _stamp(demo_db)
    notes = openpyxl.load_workbook(path, read_only=True)[list(sheets)[-1]]
    texts = [str(cell) for row in notes.iter_rows(values_only=True) for cell in row if cell is not None]
    assert str(load_id) in texts and as_of.isoformat() in texts


def test_year_and_zone_keep_only_their_rows(demo_db, tmp_path):
    (year,), = query(demo_db, "SELECT max(year) FROM indicator_values")
    (zone_id, short_name), = query(demo_db, "SELECT zone_id, short_name FROM zones ORDER BY zone_id LIMIT 1")
    assert main(["export", "--db", str(demo_db), "--format", "parquet", "--out", str(tmp_path),
                 "--year", str(year), "--zone", short_name]) == 0
    filters = {
        "zones": ("WHERE zone_id = ?", [zone_id]),
        "indicators": ("", []),
        "indicator_values": ("WHERE year = ? AND zone_id = ?", [year, zone_id]),
        "provincial_rankings": ("WHERE year = ? AND zone_id = ?", [year, zone_id]),
        "projects": ("WHERE year(signed_date) = ? AND zone_id = ?", [year, zone_id]),
        "load_history": ("", []),
    }
    for view, (where, params) in filters.items():
        back = pd.read_parquet(tmp_path / f"{view}.parquet").drop(columns=list(STAMPS))
        expected = _view(demo_db, view, where, params)
        assert len(back) == len(expected), view
        assert _rows(back[list(expected.columns)]) == _rows(expected), view


def test_unknown_zone_is_a_usage_error(demo_db, tmp_path, capsys):
    assert main(["export", "--db", str(demo_db), "--format", "csv", "--out", str(tmp_path), "--zone", "火星开发区"]) == 2
    err = capsys.readouterr().err
    assert "火星开发区" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    db = tmp_path / "d.duckdb"
    rows = [",".join(LEDGER_HEADER)]
    for index, text in enumerate(FORMULAS):
        row = ledger_row(f"F-{index}", text, signed="2021-03-01", investor=text)
        rows.append(",".join('"' + str("" if v is None else v).replace('"', '""') + '"' for v in row))
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("\n".join(rows) + "\n", encoding="utf-8")
    load_files([ledger], db)
    assert sorted(r[0] for r in query(db, "SELECT project_name FROM projects")) == sorted(FORMULAS)
    assert main(["export", "--db", str(db), "--format", "xlsx", "--out", str(tmp_path / "x")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "x" / "devzone_views.xlsx")["projects"]
    header = [c.value for c in sheet[1]]
    for column in ("project_name", "investor"):
        cells = [row[header.index(column)] for row in sheet.iter_rows(min_row=2)]
        assert sorted(c.value for c in cells) == sorted(FORMULAS)
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), column  # text, never a formula


@pytest.mark.parametrize(("lang", "shown"), [("zh", "2026年11月30日 18:12"), ("en", "30 Nov 2026 18:12")])
def test_notes_print_the_publish_time_as_the_product_does(lang, shown):
    """published_at is stored as a UTC stamp with microseconds; the notes give China time to the minute."""
    from devzone.export import views

    raw = "2026-11-30 10:12:33.123456+00:00"
    exported = views.ViewExport({"zones": pd.DataFrame({"zone_id": ["X1"]})}, 12, dt.date(2026, 11, 30), raw,
                                None, None)
    book = openpyxl.load_workbook(io.BytesIO(views.workbook(exported, lang)), read_only=True)
    texts = [str(cell) for row in book[book.sheetnames[-1]].iter_rows(values_only=True) for cell in row if cell]
    assert shown in texts
    assert not any(raw in text or "10:12:33" in text for text in texts)
