"""A sheet's cells in DuckDB, a column at a time: the grid (`Grid`, built by `GridBuilder` a batch at a time),
the data rows kept below a header (`keep_rows`, `Body`) and the SQL the stages share. Lower than every stage:
etl.read builds grids, etl.rows keeps their rows, etl.bulk and etl.ledger judge them.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from itertools import filterfalse
from pathlib import Path
from typing import Any

import duckdb

# Every character str.strip()/str.split() treats as whitespace, as an RE2 class (tests/etl/test_bulk.py checks it).
WHITESPACE = ("\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{1f} \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
              "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}")
# Numbers DuckDB's CAST reads exactly as parse_number does once commas and outer spaces are gone.
FAST_NUMBER = " *[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\\.[0-9]*)? *"  # commas only between groups of three
_EXOTIC = "\x00"  # prefix of a cell that is not text (dates, booleans, numbers from .xlsx): see Grid.decode


_TIMING = bool(os.environ.get("DEVZONE_ETL_TIMING"))


def _sql(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> duckdb.DuckDBPyConnection:
    """con.execute, timed on stderr when DEVZONE_ETL_TIMING is set (to see where a big load spends its time)."""
    if not _TIMING:
        return con.execute(query, params)
    started = time.perf_counter()
    result = con.execute(query, params)
    print(f"[bulk] {time.perf_counter() - started:7.3f}s  {' '.join(query.split())[:110]}", file=sys.stderr)
    return result


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # a long read must not draw on the CLI's stderr
    return con


def _nonblank(column: str) -> str:
    return f"regexp_matches({column}, '[^{WHITESPACE}]')"


class Grid:
    """A sheet's cells as DuckDB reads them, `grid(row_number, c1 … cN)`, all text (NULL for an empty cell): a table
    (read_csv), or GridBuilder's Arrow batches."""

    def __init__(self, con: duckdb.DuckDBPyConnection, width: int, exotic: list[Any] | None = None,
                 read_by: str = "rows", arrow: Any = None):
        self.con = con
        self.arrow = arrow  # the Arrow table DuckDB reads as `grid` (GridBuilder's), kept alive with the grid
        self.width = width
        self.exotic = exotic or []
        self.read_by = read_by  # "read_csv" when DuckDB read the file itself, "rows" when given Python rows
        self._names = 0

    def col(self, column: int | None) -> str:
        return f"c{column}" if column and 1 <= column <= self.width else "NULL"

    def decode(self, text: str | None) -> Any:
        if text and text[0] == _EXOTIC:
            return self.exotic[int(text[1:])]
        return text

    def name(self, prefix: str) -> str:
        self._names += 1
        return f"{prefix}_{self._names}"

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]]) -> Grid:
        builder = GridBuilder(max((len(r) for r in rows), default=0) or 1)
        for start in range(0, max(len(rows), 1), BATCH_ROWS):
            builder.add(rows[start:start + BATCH_ROWS])
        return builder.finish()

    @classmethod
    def from_csv(cls, path: Path, delimiter: str, head: list[list[str]]) -> Grid | None:
        """DuckDB's own reader for a big UTF-8 file; None if it reads the file differently from csv.reader."""
        width = max((len(r) for r in head), default=0) or 1
        columns = "{" + ", ".join(f"'c{j + 1}': 'VARCHAR'" for j in range(width)) + "}"
        con = _connect()
        try:
            _sql(con, f"""CREATE TEMP TABLE grid_raw AS SELECT * FROM read_csv(?, header = false, auto_detect = false,
                            delim = ?, quote = '"', escape = '"', columns = {columns}, null_padding = true,
                            strict_mode = true, encoding = 'utf-8')""", [str(path), delimiter])
            _sql(con, "CREATE TEMP VIEW grid AS SELECT rowid + 1 AS row_number, * FROM grid_raw")
            first = _sql(con, f"SELECT * EXCLUDE (row_number) FROM grid WHERE row_number <= {len(head)}"
                                " ORDER BY row_number").fetchall()
        except duckdb.Error:
            con.close()
            return None
        padded = [tuple((r[j] if j < len(r) and r[j] != "" else None) for j in range(width)) for r in head]
        if [tuple(r) for r in first] != padded:
            con.close()
            return None
        return cls(con, width, read_by="read_csv")

    def rows(self, where: str = "TRUE") -> list[tuple[int, list[Any]]]:
        """(row number, cells), empty cells as None, padded to the grid's width."""
        out = []
        for record in _sql(self.con, f"SELECT * FROM grid WHERE {where} ORDER BY row_number").fetchall():
            out.append((record[0], [self.decode(v) for v in record[1:]]))
        return out

    def first_nonblank(self) -> str:
        whens = " ".join(f"WHEN {_nonblank(f'c{j}')} THEN c{j}" for j in range(1, self.width + 1))
        return f"CASE {whens} END"

    def any_content(self) -> bool:
        return bool(_sql(self.con, f"SELECT count(*) FROM (SELECT 1 FROM grid WHERE {self.first_nonblank()} IS NOT NULL"
                                     " LIMIT 1)").fetchone()[0])

    def map_distinct(self, source: str, expression: str, fn: Callable[[Any], tuple],
                     columns: dict[str, str]) -> tuple[str, dict[str, tuple]]:
        """Apply fn once per distinct value of expression (NULL read as '') and store the results as a table
        keyed by that text: k, *columns. Returns the table's name and the results by key."""
        keys = [r[0] for r in _sql(self.con, f"SELECT DISTINCT coalesce({expression}, '') FROM {source}").fetchall()]
        results = [fn(self.decode(k)) for k in keys]
        return self.table_of(keys, results, columns), dict(zip(keys, results, strict=True))

    def numbers(self) -> str | None:
        """The name of a table (k, number) of the tags of exotic values that are numbers (ints and floats, not
        booleans), with the number parse_number reads each as; None when there are none. Built once."""
        if not hasattr(self, "_numbers"):
            import math

            keys, values = [], []
            for index, value in enumerate(self.exotic):
                if type(value) in (int, float) and math.isfinite(value):
                    keys.append(f"{_EXOTIC}{index}")
                    values.append(float(value))
            self._numbers = None
            if keys:
                import pyarrow as pa

                self._numbers = self.name("numbers")
                self.con.register("numbers_arrow", pa.table({"k": pa.array(keys, pa.string()),
                                                             "number": pa.array(values, pa.float64())}))
                _sql(self.con, f"CREATE TEMP TABLE {self._numbers} AS SELECT * FROM numbers_arrow")
                self.con.unregister("numbers_arrow")
        return self._numbers

    def table_of(self, keys: list[Any], results: list[tuple], columns: dict[str, str], key_type: str = "VARCHAR") -> str:
        name = self.name("m")
        select = [f"unnest(?::{key_type}[]) AS k"] + [f"unnest(?::{t}[]) AS {c}" for c, t in columns.items()]
        values = [list(column) for column in zip(*results, strict=True)] if results else [[] for _ in columns]
        _sql(self.con, f"CREATE TEMP TABLE {name} AS SELECT {', '.join(select)}", [keys, *values])
        return name


BATCH_ROWS = 8_192  # rows turned into Arrow columns at a time (a batch's Python cells are freed before the next)
_TEXT_KINDS = frozenset({str, type(None)})
_EQUAL_ACROSS_KINDS = frozenset({bool, int, float})  # 1 == 1.0 == True, and so one dict key
_BLANK: dict[Any, Any] = {"": None}  # calamine's empty cell, cleaned (GridBuilder.clean)


class GridBuilder:
    """A Grid made a batch of rows at a time, each column of a batch one Arrow array (built in C; the batches are
    the table DuckDB reads), so no whole-sheet copy of the cells is held twice. Text stays text and None NULL; every other
    value (number, date, boolean) becomes a tag, one per distinct (type, value), for grid.exotic.

    clean: the values are python-calamine's, made what openpyxl gave as they are encoded: '' → None, 36.0 → 36,
    a date → datetime at midnight (etl.workbooks._clean, cell for cell)."""

    def __init__(self, width: int, clean: bool = False):
        self.width = width
        self.clean = clean
        self.exotic: list[Any] = []
        self._tags: dict[type, dict[Any, str]] = {}  # per type, since 1, 1.0 and True are one dict key
        self._lookups: dict[type | None, dict[Any, Any]] = {}
        self.con = _connect()
        self.rows = 0
        self.any_value = False  # some cell holds something (not None; with clean, not '')
        self._batches: list = []

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        import itertools

        import pyarrow as pa

        count, width = len(rows), self.width
        if all(len(r) == width for r in rows):  # calamine's rows are all as wide as the sheet
            columns = list(zip(*rows, strict=True)) if count else []
        else:
            columns = list(itertools.zip_longest(*rows))
        arrays = [self._encode(values) for values in columns[:width]]
        arrays += [pa.nulls(count, pa.string())] * (width - len(arrays))
        self.any_value = self.any_value or any(a.null_count < count for a in arrays)
        table = pa.table([pa.array(range(self.rows + 1, self.rows + count + 1), pa.int64()), *arrays],
                         names=["row_number", *(f"c{j + 1}" for j in range(width))])
        del columns, arrays
        self._batches.append(table)
        self.rows += count

    def finish(self) -> Grid:
        import pyarrow as pa

        if not self.rows:
            self.add([])
        # DuckDB reads the Arrow batches where they are (no copy into a table of its own: that took as long as
        # the queries on the grid together)
        table = pa.concat_tables(self._batches)
        self._batches = []
        self.con.register("grid", table)
        return Grid(self.con, self.width, self.exotic, arrow=table)

    def _encode(self, values: Sequence[Any]):
        import pyarrow as pa

        kinds = set(map(type, values))
        clean = self.clean
        if kinds <= _TEXT_KINDS:  # the usual column: no Python loop at all
            column = pa.array(values, pa.string())
            return _blank_to_null(column) if clean and str in kinds else column
        others = kinds - _TEXT_KINDS
        if others == {float}:  # a column of numbers (and text, blanks): Arrow finds the distinct ones, Python tags those
            return self._encode_floats(values, str in kinds)
        numeric = others & _EQUAL_ACROSS_KINDS
        if len(numeric) > 1:  # 1, 1.0 and True are one dict key: tag them kind by kind
            tags = {kind: {v: self._tag(v) for v in dict.fromkeys(v for v in values if type(v) is kind)}
                    for kind in others}
            return pa.array([(v or None if clean else v) if type(v) is str else None if v is None
                             else tags[type(v)][v] for v in values], pa.string())
        # A lookup from each value met so far to what is stored (its tag; '' → None when clean; text not in it is
        # stored as is), kept across batches and applied to the column by map() in C: Python runs once per new
        # distinct value, not once per cell. One lookup per numeric kind, since 1, 1.0 and True are one key.
        kind = next(iter(numeric), None)
        lookup = self._lookups.get(kind)
        if lookup is None:
            lookup = self._lookups[kind] = dict(_BLANK) if clean else {}
        new = [v for v in filterfalse(lookup.__contains__, dict.fromkeys(values)) if type(v) in others]
        if len(others) == 1:
            lookup.update(zip(new, self._tag_all(next(iter(others)), new), strict=True))
        else:
            lookup.update((v, self._tag(v)) for v in new)
        return pa.array(list(map(lookup.get, values, values)), pa.string())

    def _encode_floats(self, values: Sequence[Any], has_text: bool):
        import pyarrow as pa
        import pyarrow.compute as pc

        numbers = pa.array([v if type(v) is float else None for v in values] if has_text else values, pa.float64())
        encoded = numbers.dictionary_encode()
        column = pa.array(self._tag_all(float, encoded.dictionary.to_pylist()), pa.string()).take(encoded.indices)
        if has_text:
            texts = pa.array([v if type(v) is str else None for v in values], pa.string())
            column = pc.coalesce(column, _blank_to_null(texts) if self.clean else texts)
        return column

    def _tag(self, value: Any) -> str:
        kind = type(value)
        if self.clean:
            if kind is float and value.is_integer():
                value, kind = int(value), int
            elif kind is dt.date:
                value, kind = dt.datetime(value.year, value.month, value.day), dt.datetime
        return self._tags_of(kind, [value])[0]

    def _tag_all(self, kind: type, values: list[Any]) -> list[str]:
        """The tags of distinct values all of one type: _tag's work a list at a time (a big ledger column brings a
        hundred thousand new numbers, and a Python call for each was a tenth of the .xlsx read)."""
        if not self.clean or kind not in (float, dt.date):
            return self._tags_of(kind, values)
        if kind is dt.date:
            return self._tags_of(dt.datetime, [dt.datetime(v.year, v.month, v.day) for v in values])
        whole = [v.is_integer() for v in values]
        if not any(whole):
            return self._tags_of(float, values)
        ints = iter(self._tags_of(int, [int(v) for v, w in zip(values, whole, strict=True) if w]))
        fractions = iter(self._tags_of(float, [v for v, w in zip(values, whole, strict=True) if not w]))
        return [next(ints) if w else next(fractions) for w in whole]

    def _tags_of(self, kind: type, keys: list[Any]) -> list[str]:
        """The tag of each key (values of type kind, as stored), new ones made and kept in grid.exotic."""
        tags = self._tags.get(kind)
        if tags is None:
            tags = self._tags[kind] = {}
        fresh = list(filterfalse(tags.__contains__, dict.fromkeys(keys)))
        if fresh:
            start = len(self.exotic)
            tags.update(zip(fresh, map(f"{_EXOTIC}{{}}".format, range(start, start + len(fresh))), strict=True))
            self.exotic.extend(fresh)
        return list(map(tags.__getitem__, keys))


def _blank_to_null(column):
    """calamine's '' (an empty cell) as NULL, in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


class Body:
    """The data rows of a long/wide sheet: the grid below the header without spacer, footnote and total rows."""

    def __init__(self, grid: Grid, view: str, count: int, skipped: list | None = None):
        self.grid = grid
        self.view = view
        self.count = count
        self.skipped = skipped or []  # what `settle` returned: the rows left out, in sheet order

    def rows(self) -> list[tuple[int, list[Any]]]:
        return self.grid.rows(f"row_number IN (SELECT row_number FROM {self.view})")


def keep_rows(grid: Grid, header_row: int, zone_column: int | None,
              dropped: Callable[[list[Any]], Any], first_may_drop: Callable[[Any], bool],
              zone_may_drop: Callable[[Any], bool], *, also: Sequence[int] = (),
              settle: Callable[[list[tuple[int, list[Any]]]], list] | None = None,
              last_row: int | None = None, name_column: int | None = None,
              name_may_drop: Callable[[Any], bool] | None = None) -> Body:
    """Rows below the header (up to last_row) minus those `dropped` (the row-by-row rule) rejects. That rule is
    applied only to rows that could fail it: blank rows, rows whose first non-blank cell is a distinct value
    `first_may_drop` accepts (a footnote or units line), rows whose zone cell is blank or one `zone_may_drop`
    accepts (合计 …), rows whose `name_column` cell (a ledger's 项目名称) is one `name_may_drop` accepts, and the rows
    listed in `also` (hidden rows).

    With `settle`, the doubtful rows go to it together, in sheet order, as (row number, cells); it returns the rows
    to leave out, as objects with a `.row` (a rule that looks at the rows around, like a footer's continuation)."""
    first, zone = grid.first_nonblank(), grid.col(zone_column)
    below = f"FROM grid WHERE row_number > {header_row}" + (f" AND row_number <= {last_row}" if last_row else "")
    # The first non-blank cell is nearly always in column 1: look further along only in rows whose column-1
    # value is blank (as str.strip() sees it), so the whitespace test runs on distinct values, not every row.
    pairs = _sql(grid.con, f"SELECT DISTINCT c1, {zone} {below}").fetchall()
    blank = {p[0] for p in pairs if p[0] is None or not str(grid.decode(p[0])).strip()}
    firsts, zones = {p[0] for p in pairs if p[0] not in blank}, {p[1] for p in pairs}
    if blank:
        firsts |= {r[0] for r in _sql(grid.con, f"SELECT DISTINCT {first} {below} AND (c1 IS NULL OR c1 IN"
                                                 " (SELECT unnest(?::VARCHAR[])))", [[v for v in blank if v]]).fetchall()}
    suspects = [v for v in firsts if v is not None and first_may_drop(grid.decode(v))]
    totals = [v for v in zones if v is not None and zone_may_drop(grid.decode(v))]
    if zone_column and settle is not None:  # a blank zone cell: a footer's continuation, or a total in 序号
        totals += [v for v in zones if v is not None and not str(grid.decode(v)).strip()]
    blank_zone = zone_column is not None and settle is not None and None in zones
    names = []
    if name_column and name_may_drop is not None and name_column != zone_column:
        names = [r[0] for r in _sql(grid.con, f"SELECT DISTINCT {grid.col(name_column)} {below}").fetchall()
                 if r[0] is not None and name_may_drop(grid.decode(r[0]))]
    drop: list[int] = []
    skipped: list = []
    if None in firsts or suspects or totals or also or blank_zone or names:
        _sql(grid.con, "CREATE OR REPLACE TEMP TABLE suspects AS SELECT unnest(?::VARCHAR[]) AS v, unnest(?::VARCHAR[]) AS z",
             [suspects + [None] * max(0, len(totals) - len(suspects)), totals + [None] * max(0, len(suspects) - len(totals))])
        if names:
            _sql(grid.con, "CREATE OR REPLACE TEMP TABLE total_names AS SELECT unnest(?::VARCHAR[]) AS v", [names])
        doubtful = (f"row_number IN (SELECT row_number {below} AND ({first} IS NULL"
                    f" OR {first} IN (SELECT v FROM suspects) OR {zone} IN (SELECT z FROM suspects)"
                    + (f" OR {zone} IS NULL" if blank_zone else "")
                    + (f" OR {grid.col(name_column)} IN (SELECT v FROM total_names)" if names else "")
                    + (f" OR row_number IN ({', '.join(str(int(n)) for n in also)})" if also else "") + "))")
        if settle is None:
            drop = [number for number, cells in grid.rows(doubtful) if dropped(cells)]
        else:
            skipped = settle(grid.rows(doubtful))
            drop = [row.row for row in skipped]
    name = grid.name("dropped")
    _sql(grid.con, f"CREATE TEMP TABLE {name} AS SELECT unnest(?::BIGINT[]) AS row_number", [drop])
    view = grid.name("body")
    _sql(grid.con, f"CREATE TEMP VIEW {view} AS SELECT * {below}"
                   + (f" AND row_number NOT IN (SELECT row_number FROM {name})" if drop else ""))
    count = _sql(grid.con, f"SELECT count(*) FROM {view}").fetchone()[0]
    return Body(grid, view, count, skipped)


# ---- values


def canonical_sql(number: str, factor: str) -> tuple[str, str]:
    """(value, needs_python): round(number × factor, 8) as Python's round() gives it, except where the
    scaled product is too close to a half for a binary computation to be sure — those are redone in Python."""
    product = f"({number} * {factor})"
    scaled = f"({product} * 1e8)"
    safe = f"(abs({product}) < 1e5 AND abs({scaled} - floor({scaled}) - 0.5) > 0.01)"
    value = f"CASE WHEN {factor} = 1 THEN {number} WHEN {safe} THEN round({product}, 8) END"
    return value, f"({factor} <> 1 AND NOT {safe})"
