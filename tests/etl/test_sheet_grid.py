"""Big spreadsheets go from python-calamine straight into their DuckDB grid, a batch of rows at a time
(etl.workbooks._stream_grid, etl.grid.GridBuilder): every workbook reads exactly as through Python row lists."""
from dataclasses import asdict
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl import grid, workbooks
from etl.publish import parse_files
from etl.read import read_file
from tests.builders import LEDGER_HEADER, ledger_row

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# An HTML table saved as .xls, and formulas saved without results (computed on the rows): never a grid.
ROWS_ANYWAY = {"html_table.xls", "formulas.xlsx", "formula_unsupported.xlsx"}
WORKBOOKS = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods"))


def sheet_facts(result):
    return ([str(e) for e in result.errors], [asdict(a) for a in result.skipped],
            [(s.sheet, s.head(30), s.cells, s.hidden_rows, s.hidden_columns, s.merged_ranges, asdict(s.account),
              s.grid().rows()) for s in result.sheets])


@pytest.fixture
def through_the_grid(monkeypatch):
    """Every sheet through the grid, two rows a batch (merged ranges then reach across batches)."""
    def use():
        monkeypatch.setattr(workbooks, "GRID_CELLS", 0)
        monkeypatch.setattr(grid, "BATCH_ROWS", 2)
    return use


def test_there_are_workbooks_to_compare():
    assert len(WORKBOOKS) > 30 and {p.suffix for p in WORKBOOKS} >= {".xlsx", ".xls", ".ods", ".et"}


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_every_workbook_reads_the_same_through_the_grid(path, through_the_grid):
    rows = read_file(path)
    through_the_grid()
    gridded = read_file(path)
    assert not any(s.in_grid for s in rows.sheets)
    if path.name not in ROWS_ANYWAY:
        assert all(s.in_grid for s in gridded.sheets)
    assert sheet_facts(gridded) == sheet_facts(rows)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_every_workbook_loads_the_same_through_the_grid(path, through_the_grid):
    batch, errors = parse_files([path])
    through_the_grid()
    gridded, gridded_errors = parse_files([path])
    assert [str(e) for e in gridded_errors] == [str(e) for e in errors]
    assert [asdict(a) for a in gridded.accounts] == [asdict(a) for a in batch.accounts]
    for kind, frame in batch.frames.items():
        pd.testing.assert_frame_equal(gridded.frames[kind], frame)


def write_ledger(path: Path, count: int, merged: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(["2021年项目台账"])
    sheet.append(LEDGER_HEADER)
    for i in range(count):
        sheet.append(ledger_row(f"YH-{i}", f"项目{i}", investment=i * 10 + 0.5, signed=f"2021-0{i % 9 + 1}-01"))
    if merged:  # one zone name written once over the rows it stands for
        sheet.merge_cells(start_row=3, start_column=3, end_row=2 + count, end_column=3)
    book.save(path)
    return path


def test_a_big_ledger_stays_in_its_grid_and_loads_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(grid, "BATCH_ROWS", 1000)  # the merged zone name reaches across batches
    path = write_ledger(tmp_path / "l.xlsx", 7000, merged=True)
    raw = read_file(path).sheets[0]
    assert (7000 + 2) * len(LEDGER_HEADER) >= workbooks.GRID_CELLS
    assert raw.in_grid and raw.merged_ranges == [(3, 3, 7002, 3)]
    batch, errors = parse_files([path])
    assert errors == [] and len(batch.frames["projects"]) == 7000
    monkeypatch.setattr(workbooks, "GRID_CELLS", 10**9)
    rows, row_errors = parse_files([path])
    assert row_errors == [] and not read_file(path).sheets[0].in_grid
    pd.testing.assert_frame_equal(batch.frames["projects"], rows.frames["projects"])
    assert [asdict(a) for a in batch.accounts] == [asdict(a) for a in rows.accounts]


def test_a_ledger_read_from_its_grid_never_becomes_python_rows(tmp_path, monkeypatch):
    raw = read_file(write_ledger(tmp_path / "l.xlsx", 7000)).sheets[0]
    monkeypatch.setattr(type(raw), "cells", property(lambda self: pytest.fail("the whole sheet became rows")))
    from etl import layout, ledger
    from etl.errors import ErrorCollector
    from etl.facts import ZoneResolver

    errors = ErrorCollector(raw.file_name, raw.sheet)
    table = layout.understand(raw, errors)
    frame = ledger.extract_projects(table, errors, ZoneResolver())
    assert errors.errors == [] and frame["project_id"].tolist() == [f"YH-{i}" for i in range(7000)]
