"""Spreadsheets into RawSheets through python-calamine: .xlsx/.xlsm/.xlsb/.ods (zip) and .xls/.et (OLE2/BIFF),
plus the HTML tables reporting systems save as .xls. Imported only by etl.read.

For .xlsx/.xlsm a streamed pre-scan (etl.xlsx_parts) checks the limits, finds hidden rows/columns and formulas
saved without results before calamine builds its dense grid. .xls/.et: calamine does not expose row/column
attributes, so hidden rows there stay unknown (xlrd with formatting_info=True could read them; not worth a
second reader). .xlsb: binary, so its extent is checked on calamine's grid before it becomes Python lists.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import struct
import tomllib
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from etl import xlsx_parts
from etl.account import SheetAccount
from etl.errors import InputError
from etl.formulas import Evaluator, NotEvaluable
from etl.paths import CATALOGUE_DIR
from etl.sheet import HEAD_ROWS, RawSheet, ReadResult

# What zipfile raises on damaged bytes: zlib.error from its own inflater (a stream torn near its start),
# RuntimeError for a password or NotImplementedError for an unknown version or method, besides the obvious ones
_DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError)

PASSWORD = ("文件设有打开密码，无法读取 — 请去掉密码后再导入：Excel 中 文件 → 信息 → 保护工作簿 → 用密码进行加密，"
            "清空密码后保存；WPS 中 文件 → 文档加密 → 密码加密，清除密码后保存")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # an OLE2 directory entry: an encrypted .xlsx


def not_valid(suffix: str) -> str:
    shown = suffix if suffix in (".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods") else ".xlsx"
    return f"不是有效的 {shown} 文件（文件损坏、被截断或并非 Excel 表格）— 请用 Excel/WPS 打开确认后重新保存"


def _fail(name: str, message: str, sheet: str | None = None) -> ReadResult:
    return ReadResult(errors=[InputError(name, sheet, message=message)])


# -- what the bytes are -------------------------------------------------------------------------------------

def markup_kind(data: bytes) -> str | None:
    """'html' for an HTML table saved as .xls, 'spreadsheetml' for Excel 2003 XML, else None."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:8192].decode("utf-16", "replace").lstrip("\ufeff \t\r\n").lower().encode()
    if head.startswith((b"<html", b"<table", b"<!doctype html")):
        return "html"
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head or b"<workbook" in head:
            return "spreadsheetml"
        if b"<html" in head or b"urn:schemas-microsoft-com:office:excel" in head:
            return "html"
    return None


def read_zip(data: bytes, name: str, digest: str, suffix: str) -> ReadResult:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except _DAMAGED:
        return _fail(name, not_valid(suffix))
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "xl/workbook.bin" in names:
        kind = "xlsb"
    elif "content.xml" in names and b"opendocument.spreadsheet" in _member(archive, "mimetype"):
        kind = "ods"
    else:
        return _fail(name, not_valid(suffix))
    limit = xlsx_parts.limits()
    try:
        parts = xlsx_parts.sheet_parts(archive) if kind == "xlsx" else {}
        xlsx_parts.check_zip(archive, limit, frozenset(parts.values()))
    except xlsx_parts.TooBig as exc:
        return _fail(name, str(exc))
    except _DAMAGED:
        return _fail(name, not_valid(suffix))
    ods_hidden = {}
    if kind == "ods":
        try:
            ods_hidden = xlsx_parts.scan_ods(archive, limit)
        except (xlsx_parts.TooBig, *_DAMAGED):
            ods_hidden = {}  # (sizes were checked above; a malformed attribute only loses the hidden rows)
    return _read_calamine(data, name, digest, suffix, archive=archive, parts=parts, ods_hidden=ods_hidden)


def _member(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        return archive.read(member)[:200]
    except (KeyError, *_DAMAGED):
        return b""


def read_ole2(data: bytes, name: str, digest: str, suffix: str) -> ReadResult:
    if _ENCRYPTED_PACKAGE in data or _biff_encrypted(data):
        return _fail(name, PASSWORD)
    hidden, format_units = _biff_hidden(data)
    return _read_calamine(data, name, digest, suffix, ods_hidden=hidden, format_units=format_units)


def _biff_encrypted(data: bytes) -> bool:
    """An .xls/.et with an opening password: its workbook stream's BOF is followed by a FILEPASS record (BIFF5/8).
    (calamine reports it only when told the format, not when it finds the format out itself.)"""
    from xlrd import compdoc

    try:
        doc = compdoc.CompDoc(data, logfile=io.StringIO())
        for stream in ("Workbook", "Book"):
            mem, base, size = doc.locate_named_stream(stream)
            if mem is not None and size >= 8:
                kind, length = struct.unpack_from("<HH", mem, base)
                after = base + 4 + length
                return kind in (0x0809, 0x0409, 0x0209, 0x0009) and after + 2 <= base + size \
                    and struct.unpack_from("<H", mem, after)[0] == 0x002F
    except Exception:  # noqa: BLE001 (xlrd raises assorted errors on a damaged file: calamine decides)
        return False
    return False


def _biff_hidden(data: bytes) -> tuple[dict[str, tuple[set[int], set[int]]], frozenset[str]]:
    """Hidden rows and columns of an .xls/.et, per sheet (1-based), and the money units of its number formats
    (xlsx_parts.number_format_units). calamine reports neither; xlrd reads the BIFF row, column and FORMAT records
    (formatting_info). A file xlrd cannot parse gives none: calamine decides."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception:  # noqa: BLE001 (xlrd raises assorted errors on what calamine may still read)
        return {}, frozenset()
    units = xlsx_parts.money_in_formats(getattr(f, "format_str", "") for f in book.format_map.values())
    hidden: dict[str, tuple[set[int], set[int]]] = {}
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
            columns = {c + 1 for c, info in sheet.colinfo_map.items() if info.hidden}
            if rows or columns:
                hidden[sheet.name] = (rows, columns)
            book.unload_sheet(index)
    except Exception:  # noqa: BLE001
        return hidden, units
    return hidden, units


# -- calamine -----------------------------------------------------------------------------------------------

@cache
def _instruction_names() -> frozenset[str]:
    with open(CATALOGUE_DIR / "instruction_sheets.toml", "rb") as handle:
        return frozenset(_fold_sheet_name(n) for n in tomllib.load(handle)["names"])


_ANNEX = re.compile(r"^(?:附件|附表|附)\s*[0-9一二三四五六七八九十]*\s*[:：.、\-]?\s*")


def _fold_sheet_name(sheet: str) -> str:
    folded = "".join(unicodedata.normalize("NFKC", sheet).split()).casefold()
    return _ANNEX.sub("", folded) or folded


def is_instruction_sheet(sheet: str) -> bool:
    return _fold_sheet_name(sheet) in _instruction_names()


def _read_calamine(data: bytes, name: str, digest: str, suffix: str, *, archive: zipfile.ZipFile | None = None,
                   parts: dict[str, str] | None = None, ods_hidden: dict | None = None,
                   format_units: frozenset[str] = frozenset()) -> ReadResult:
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = workbook.sheets_metadata
    except calamine.PasswordError:
        return _fail(name, PASSWORD)
    except BaseException as exc:  # calamine raises CalamineError, XmlError, ZipError … and PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return _fail(name, not_valid(suffix))
    result = ReadResult()
    limit = xlsx_parts.limits()
    if archive is not None and parts:
        format_units = xlsx_parts.number_format_units(archive, limit)
    for sheet_meta in metadata:
        sheet = sheet_meta.name
        if sheet_meta.visible != calamine.SheetVisibleEnum.Visible:
            result.skipped.append(SheetAccount(name, sheet, skipped="隐藏工作表"))
            continue
        if sheet_meta.typ != calamine.SheetTypeEnum.WorkSheet:
            result.skipped.append(SheetAccount(name, sheet, skipped="图表或宏表，不含数据"))
            continue
        if is_instruction_sheet(sheet):
            result.skipped.append(SheetAccount(name, sheet, skipped="说明页"))
            continue
        scan = None
        if archive is not None and parts and sheet in parts and parts[sheet] in archive.namelist():
            try:
                scan = xlsx_parts.scan_sheet(archive, parts[sheet], sheet, limit)
            except xlsx_parts.TooBig as exc:
                result.errors.append(InputError(name, sheet, message=str(exc)))
                continue
            except _DAMAGED:  # damaged bytes (checksum, size)
                workbook.close()
                return _fail(name, not_valid(suffix))
        details = None if scan is None else partial(xlsx_parts.scan_details, archive, parts[sheet], sheet, limit, scan)
        try:
            raw, gridded = _load_sheet(workbook, name, sheet, digest, limit, scan, details)
        except xlsx_parts.TooBig as exc:
            result.errors.append(InputError(name, sheet, message=str(exc)))
            continue
        except calamine.PasswordError:
            return _fail(name, PASSWORD)
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            result.errors.append(InputError(name, sheet, message=f"无法解析此工作表（{type(exc).__name__}）"
                                                                 " — 请用 Excel/WPS 打开后重新保存"))
            continue
        if gridded is not None:
            height, width, empty = gridded
        else:
            if scan is not None:
                errors = _fill_formulas(raw, scan)
                if errors:
                    result.errors += errors
                    continue
            height, width = len(raw.cells), max((len(r) for r in raw.cells), default=0)
            empty = not any(v is not None for row in raw.cells for v in row)
        if scan is not None:
            _set_hidden(raw, scan.hidden_rows, scan.hidden_columns, height, width)
        elif ods_hidden and sheet in ods_hidden:
            _set_hidden(raw, *ods_hidden[sheet], height, width)
        if empty:
            result.skipped.append(SheetAccount(name, sheet, skipped="空白工作表"))
            continue
        if raw.merged_ranges:
            raw.account.note(f"合并单元格 {len(raw.merged_ranges)} 处，已按左上角的值填满")
        raw.format_units = format_units
        result.sheets.append(raw)
    workbook.close()  # calamine's hold on the file and its strings
    if not result.sheets and not result.errors:
        kinds = "、".join(sorted({a.skipped for a in result.skipped if a.skipped})) or "无工作表"
        result.errors.append(InputError(name, message=f"工作簿中没有可导入的工作表（{kinds}）— 数据应放在一个可见的、"
                                                      "含表头和数据行的工作表中"))
    return result


def _set_hidden(raw: RawSheet, rows: set[int], columns: set[int], height: int, width: int) -> None:
    """Only those within the grid ("hide columns E to XFD" is one <col> element)."""
    raw.hidden_rows = frozenset(r for r in rows if r <= height)
    raw.hidden_columns = frozenset(c for c in columns if c <= width)


# Sheets of at least this many cells (from A1 to the last value) go straight from calamine to a DuckDB grid, a
# batch of rows at a time, instead of becoming a Python list of rows first (etl.bulk.GridBuilder).
GRID_CELLS = 100_000


def _load_sheet(workbook, name: str, sheet: str, digest: str, limit: xlsx_parts.Limits,
                scan: xlsx_parts.SheetScan | None, meanwhile: Callable[[], None] | None = None,
                ) -> tuple[RawSheet, tuple[int, int, bool] | None]:
    """The sheet's cells from A1, merged ranges filled: as rows, or (a big sheet whose formulas all have their
    results) as a grid, then with its (height, width, empty). meanwhile (the rest of the scan) runs while calamine
    parses the sheet."""
    source = _parse(workbook, sheet, meanwhile)
    end = source.end
    height, width = (end[0] + 1, end[1] + 1) if end is not None else (0, 0)
    if height * width > limit.max_area:  # (.xls/.xlsb/.ods: the pre-scan could not tell)
        raise xlsx_parts.TooBig(f"工作表“{sheet}”的内容范围过大（{height:,} 行 × {width:,} 列）"
                                "— 请删除表格以外多余的行和列后保存，或把数据分成几个文件后再导入")
    merged = _merged_within(source.merged_cell_ranges or [], height, width, sheet, limit)
    if end is None or height * width < GRID_CELLS or (scan is not None and any(not f.cached for f in scan.formulas)):
        cells = [_clean(row) for row in source.to_python(skip_empty_area=False)] if end is not None else []
        for top, left, bottom, right in merged:
            value = cells[top - 1][left - 1]
            for r in range(top - 1, bottom):
                cells[r][left - 1:right] = [value] * (right - left + 1)
        raw = RawSheet(name, sheet, cells, digest)
        gridded = None
    else:
        grid, head, any_value = _stream_grid(source, width, merged)
        del source  # calamine's copy of the sheet: give its memory back before the sheet is read any further
        release_freed_memory()
        raw = RawSheet(name, sheet, None, digest, grid=grid, head=head)
        gridded = height, width, not any_value
    raw.merged_ranges = merged
    return raw, gridded


def _parse(workbook, sheet: str, meanwhile: Callable[[], None] | None):
    """calamine's parse of the sheet while meanwhile runs in a thread (calamine is Rust and lets go of the GIL): for
    a big sheet the second scan then costs nothing. calamine stays on this thread, so that its big allocations come
    from the main heap, which release_freed_memory trims. An exception from either is raised once both are done."""
    if meanwhile is None:
        return workbook.get_sheet_by_name(sheet)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="scan") as pool:
        done = pool.submit(meanwhile)
        try:
            source = workbook.get_sheet_by_name(sheet)
        finally:
            error = done.exception()  # (waits for it)
        if error is not None:
            raise error
        return source


def release_freed_memory() -> None:
    """Hand freed heap pages back to the system: glibc's (calamine frees a big sheet as millions of small blocks,
    which glibc keeps for a reuse that DuckDB and Arrow, with their own allocators, never make) and Arrow's pool's
    (the grid of a sheet already judged: it would otherwise count on top of everything the load builds next)."""
    import contextlib
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # (not glibc: nothing to do)
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _stream_grid(source, width: int, merged: list[tuple[int, int, int, int]]):
    """(grid, first HEAD_ROWS rows (etl.read), whether any cell holds a value) of a calamine sheet, merged ranges filled.
    iter_rows gives rows from row 1 but columns from the first one used: the columns before it are padded."""
    from etl.grid import BATCH_ROWS, GridBuilder

    lead = [""] * source.start[1]
    builder = GridBuilder(width, clean=True)
    reaching: dict[int, list[int]] = {}  # batch → the merged ranges (indexes, in order) with rows in it
    for index, (top, _left, bottom, _right) in enumerate(merged):
        for batch in range((top - 1) // BATCH_ROWS, (bottom - 1) // BATCH_ROWS + 1):
            reaching.setdefault(batch, []).append(index)
    values: dict[int, Any] = {}  # each range's value, read in the batch holding its top row
    head: list[list[Any]] = []
    rows: list[list[Any]] = []

    def flush() -> None:
        first = builder.rows + 1  # the batch's first row, 1-based
        for index in reaching.get(builder.rows // BATCH_ROWS, ()):
            top, left, bottom, right = merged[index]
            if top >= first:
                values[index] = rows[top - first][left - 1]
            for r in range(max(top, first) - first, min(bottom, first + len(rows) - 1) - first + 1):
                rows[r][left - 1:right] = [values[index]] * (right - left + 1)
        if len(head) < HEAD_ROWS:
            head.extend(_clean(row) for row in rows[:HEAD_ROWS - len(head)])
        builder.add(rows)
        rows.clear()

    source_rows = source.iter_rows()
    while batch := list(itertools.islice(source_rows, BATCH_ROWS)):  # (islice: no Python step per row)
        rows[:] = [lead + row for row in batch] if lead else batch
        flush()
    return builder.finish(), head, builder.any_value


def _clean(row: list[Any]) -> list[Any]:
    """calamine's values as openpyxl gave them: '' → None, 36.0 → 36, a date cell → datetime at midnight."""
    out = []
    append = out.append
    for value in row:
        kind = type(value)
        if kind is str:
            append(value if value else None)
        elif kind is float:
            append(int(value) if value.is_integer() else value)
        elif kind is dt.date:
            append(dt.datetime(value.year, value.month, value.day))
        else:
            append(value)
    return out


def _merged_within(ranges: list, height: int, width: int, sheet: str,
                   limit: xlsx_parts.Limits) -> list[tuple[int, int, int, int]]:
    """The merged ranges to fill, as 1-based (top, left, bottom, right), within the grid (a range reaching row
    1048576 does not make rows). Each merged cell takes its range's top-left value, range after range."""
    filled = []
    for (top, left), (bottom, right) in ranges:
        if top >= height or left >= width:
            continue
        bottom, right = min(bottom, height - 1), min(right, width - 1)
        filled_cells = (bottom - top + 1) * (right - left + 1)
        if filled_cells > limit.max_merged_cells:
            raise xlsx_parts.TooBig(f"工作表“{sheet}”的合并单元格覆盖 {filled_cells:,} 个单元格，超过上限"
                                    f" {limit.max_merged_cells:,} — 请取消大片区域的合并后保存再导入")
        filled.append((top + 1, left + 1, bottom + 1, right + 1))
    return filled


# -- formulas saved without results --------------------------------------------------------------------------

def _fill_formulas(raw: RawSheet, scan: xlsx_parts.SheetScan) -> list[InputError]:
    pending = {(f.row, f.column): f for f in scan.formulas if not f.cached}
    if not pending:
        return []
    masters = {f.shared_index: f for f in scan.formulas if f.master}
    cells = raw.cells

    def value(row: int, column: int) -> Any:
        if row <= len(cells) and column <= len(cells[row - 1]):
            return cells[row - 1][column - 1]
        return None

    def formula_at(row: int, column: int) -> tuple[str, tuple[int, int]] | None:
        formula = pending.get((row, column))
        if formula is None:
            return None
        if formula.text:
            return formula.text, (0, 0)
        master = masters.get(formula.shared_index)
        if master is None:
            raise NotEvaluable("shared formula without its master")
        return master.text, (row - master.row, column - master.column)

    evaluator = Evaluator(value, formula_at)
    errors, done = [], []
    for (row, column), formula in sorted(pending.items()):
        try:
            result = evaluator.cell(row, column)
        except (NotEvaluable, RecursionError, OverflowError):
            shown = formula.text or (masters[formula.shared_index].text if formula.shared_index in masters else "…")
            errors.append(InputError(raw.file_name, raw.sheet, row, column,
                                     f"公式“={shown}”没有保存计算结果，无法读取 — 请在 Excel/WPS 中打开、保存后再导入"))
            continue
        while len(cells) < row:
            cells.append([None] * len(cells[0]) if cells else [])
        line = cells[row - 1]
        if len(line) < column:
            line.extend([None] * (column - len(line)))
        line[column - 1] = int(result) if float(result).is_integer() else result
        done.append(f"{xlsx_parts.column_letter(column)}{row}")
    if done and not errors:
        shown = "、".join(done[:10]) + ("…" if len(done) > 10 else "")
        raw.account.note(f"{len(done)} 个公式单元格无保存结果，已按公式计算：{shown}")
    return errors


# -- HTML tables saved as .xls --------------------------------------------------------------------------------

def read_html(data: bytes, name: str, digest: str) -> ReadResult:
    import pandas as pd

    text = _decode_markup(data)
    try:
        tables = pd.read_html(io.StringIO(text), header=None, extract_links="all")  # every cell as text
    except (ValueError, ImportError) as exc:
        if "No tables found" in str(exc):
            return _fail(name, "这是网页（HTML）文件，但其中没有表格 — 请从报表系统重新导出 .xlsx 或 .csv")
        return _fail(name, "无法解析网页（HTML）表格 — 请在 Excel/WPS 中打开，“另存为” .xlsx 后再导入")
    result = ReadResult()
    for index, frame in enumerate(tables, start=1):
        rows = _header_rows(frame.columns)
        rows += [[_link_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        sheet = f"表{index}"
        raw = RawSheet(name, sheet, rows, digest)
        if not any(v is not None for row in rows for v in row):
            result.skipped.append(SheetAccount(name, sheet, skipped="空白工作表"))
            continue
        raw.account.note("网页（HTML）格式的表格，按文本读取")
        result.sheets.append(raw)
    if not result.sheets:
        result.errors.append(InputError(name, message="网页（HTML）中的表格都是空的 — 请从报表系统重新导出"))
    return result


def _link_text(value: Any) -> Any:
    text = value[0] if isinstance(value, tuple) else value
    if text is None or (isinstance(text, float) and text != text):
        return None
    text = str(text)
    return text if text.strip() else None


def _header_rows(columns) -> list[list[Any]]:
    import pandas as pd

    texts = [str(_link_text(c)) for c in columns]
    if isinstance(columns, pd.RangeIndex) or texts == [str(i) for i in range(len(texts))]:
        return []  # no <thead>: pandas numbered the columns
    if isinstance(columns, pd.MultiIndex):
        return [[_link_text(c[level]) for c in columns] for level in range(columns.nlevels)]
    return [[_link_text(c) for c in columns]]


def _decode_markup(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    declared = re.search(rb"""charset\s*=\s*["']?([\w-]+)""", data[:4096], re.IGNORECASE)
    candidates = ["utf-8-sig"] + ([declared.group(1).decode("ascii")] if declared else []) + ["gb18030"]
    for encoding in candidates:
        try:
            return data.decode("gb18030" if encoding.lower() in ("gbk", "gb2312") else encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", "replace")
