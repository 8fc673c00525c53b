"""One sheet as read: its cells (`RawSheet`, 1-based Excel rows and columns), what a file read gives (`ReadResult`).
Lower than every stage: etl.read and etl.workbooks make them, etl.layout and etl.rows read them.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.account import SheetAccount
from etl.errors import InputError
from etl.grid import Grid

HEAD_ROWS = 64  # rows of a spreadsheet held in a grid that are also kept as Python rows, to find the header in


@dataclass
class BulkCsv:
    """A big UTF-8 CSV for DuckDB to read: where it is, how it is split, and its first rows as csv.reader reads them."""

    path: Path
    delimiter: str
    head: list[list[str]]
    data: bytes
    encoding: str


class RawSheet:
    """One sheet's cells. Big sheets keep them out of Python: a big CSV on disk, a big spreadsheet in its grid
    (etl.grid.Grid, DuckDB), with its first rows at hand for finding the header; `cells` makes the row list
    of such a sheet only when something asks for it."""

    def __init__(self, file_name: str, sheet: str | None, cells: list[list[Any]] | None, sha256: str,
                 encoding: str | None = None, bulk_source: BulkCsv | None = None, *, grid=None,
                 head: list[list[Any]] | None = None):
        self.file_name = file_name
        self.sheet = sheet
        self.sha256 = sha256
        self.encoding = encoding
        self.bulk_source = bulk_source
        self._cells = cells
        self._grid = grid
        self._head = head if grid is not None else None
        self.merged_ranges: list[tuple[int, int, int, int]] = []  # 1-based (top, left, bottom, right), filled
        self.hidden_rows: frozenset[int] = frozenset()  # 1-based Excel rows the clerk hid: not data
        self.hidden_columns: frozenset[int] = frozenset()  # 1-based (A = 1) columns the clerk hid
        self.format_units: frozenset[str] = frozenset()  # money units in the workbook's number formats (万元)
        self.account = SheetAccount(file_name, sheet)

    @property
    def in_grid(self) -> bool:
        """The cells are not (yet) a Python row list: ask the grid for rows."""
        return self._cells is None and (self.bulk_source is not None or self._head is not None)

    @property
    def cells(self) -> list[list[Any]]:
        if self._cells is None:
            if self._head is not None:
                self._cells = [cells for _number, cells in self._grid.rows()]
            else:
                source = self.bulk_source
                text = source.data.decode("utf-8-sig" if source.encoding == "utf-8-sig" else "utf-8")
                self._cells = csv_rows(text, source.delimiter)
        return self._cells

    def head(self, count: int) -> list[list[Any]]:
        if self._cells is None and self.bulk_source is not None:
            return self.bulk_source.head[:count]
        if self._cells is None and self._head is not None and (count <= len(self._head) or len(self._head) < HEAD_ROWS):
            return self._head[:count]
        return self.cells[:count]

    def row(self, number: int) -> list[Any]:
        """The cells of row `number` (1-based); [] below the last row."""
        if self.in_grid:
            return next((cells for _number, cells in self.grid().rows(f"row_number = {int(number)}")), [])
        return self.cells[number - 1] if 1 <= number <= len(self.cells) else []

    def grid(self):
        """The cells as an etl.grid.Grid (DuckDB), built once."""
        if self._grid is None:
            if self.bulk_source is not None and self._cells is None:
                self._grid = Grid.from_csv(self.bulk_source.path, self.bulk_source.delimiter, self.bulk_source.head)
            if self._grid is None:
                self._grid = Grid.from_rows(self.cells)
        return self._grid


@dataclass
class ReadResult:
    sheets: list[RawSheet] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    skipped: list[SheetAccount] = field(default_factory=list)  # sheets not loaded (hidden, 说明 …), with why


def csv_rows(text: str, delimiter: str) -> list[list[str]]:
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
