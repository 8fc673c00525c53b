"""What a spreadsheet zip holds, found by streaming its XML through regular expressions (never a tree).

Before python-calamine reads a workbook, `check_zip` holds every member against etl/catalogue/limits.toml
(actual inflated bytes, not the sizes the zip claims) and `scan_sheet` finds per .xlsx/.xlsm sheet what calamine
needs checked first: the extent of the cells holding values (calamine builds a dense grid over it) and the cell
count; `scan_details` what calamine does not tell: hidden rows and columns, merged areas, and formulas saved
without a result. `scan_ods` finds hidden rows/columns.
Imported only by etl.read.
"""
from __future__ import annotations

import copy
import html
import re
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from etl.account import column_letter
from etl.paths import CATALOGUE_DIR

_BLOCK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: float
    ratio_floor_bytes: int
    max_area: int
    max_cells: int
    max_merged_cells: int


@cache
def limits() -> Limits:
    with open(CATALOGUE_DIR / "limits.toml", "rb") as handle:
        table = tomllib.load(handle)
    return Limits(**table["zip"], **table["sheet"])


class TooBig(Exception):
    """A member or sheet beyond the limits; the message is for the clerk."""


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


def check_zip(archive: zipfile.ZipFile, limit: Limits, streamed_later: frozenset[str] = frozenset()) -> None:
    """Raise TooBig if any member inflates beyond the limits (~0.1 s per 100 MB). Members in streamed_later (the
    sheets scan_sheet reads) count here by their declared size: zipfile stops there and a longer stream then fails
    its CRC check, so the declared size is what they can inflate to."""
    total = 0
    for info in archive.infolist():
        size = 0
        if info.filename in streamed_later:
            size = info.file_size
            if size > limit.max_member_bytes:
                raise TooBig(f"压缩包成员“{info.filename}”解压后超过 {_mb(limit.max_member_bytes)}"
                             " — 文件过大或异常：请删除多余内容，或把数据分成几个文件后再导入")
        else:
            for block in _inflate(archive, info, limit):
                size += len(block)
        total += size
        if total > limit.max_total_bytes:
            raise TooBig(f"解压后总大小超过 {_mb(limit.max_total_bytes)}（可能是压缩炸弹或异常文件）"
                         " — 请删除多余内容，或把数据分成几个文件后再导入")


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: Limits) -> Iterator[bytes]:
    """The member's bytes, _BLOCK at a time at most, inflated by ISA-L (about four times zlib's speed: a big sheet's
    XML is inflated once here and once by calamine). As zipfile would: BadZipFile for a stream that ends early,
    runs past its declared size or fails its CRC."""
    from isal import isal_zlib

    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = isal_zlib.decompressobj(-15)
    else:  # (bzip2, lzma: no spreadsheet writes them; zipfile reads them)
        yield from _inflate_by_zipfile(archive, info, limit)
        return
    raw = copy.copy(info)  # the member's stored bytes, read through zipfile (headers, bounds) but not inflated
    raw.compress_type, raw.file_size, raw.CRC = zipfile.ZIP_STORED, info.compress_size, None
    size, crc = 0, 0
    with archive.open(raw) as member:
        for block in _inflated(member, inflater, info) if inflater else iter(lambda: member.read(_BLOCK), b""):
            size += len(block)
            _check_size(info, size, limit)
            if size > info.file_size:
                raise zipfile.BadZipFile(f"{info.filename!r} is longer than its declared size")
            crc = isal_zlib.crc32(block, crc)
            yield block
    if size != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 or size for file {info.filename!r}")


def _inflated(member, inflater, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Never more than _BLOCK bytes from one call, however far a bomb's compressed megabyte would inflate."""
    while not inflater.eof:
        chunk = member.read(1 << 20)
        if not chunk:
            if tail := inflater.flush():
                yield tail
            if not inflater.eof:
                raise zipfile.BadZipFile(f"{info.filename!r}: its compressed stream is cut short")
            return
        while chunk:
            try:
                block = inflater.decompress(chunk, _BLOCK)
            except Exception as exc:  # (isal's IsalError: not a deflate stream)
                raise zipfile.BadZipFile(f"{info.filename!r}: {exc}") from exc
            if block:
                yield block
            chunk = inflater.unconsumed_tail


def _inflate_by_zipfile(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: Limits) -> Iterator[bytes]:
    size = 0
    with archive.open(info) as member:
        while block := member.read(_BLOCK):
            size += len(block)
            _check_size(info, size, limit)
            yield block


def _check_size(info: zipfile.ZipInfo, size: int, limit: Limits) -> None:
    if size > limit.max_member_bytes:
        raise TooBig(f"压缩包成员“{info.filename}”解压后超过 {_mb(limit.max_member_bytes)}"
                     " — 文件过大或异常：请删除多余内容，或把数据分成几个文件后再导入")
    if size > limit.ratio_floor_bytes and size > limit.max_ratio * max(info.compress_size, 1):
        raise TooBig(f"压缩包成员“{info.filename}”的压缩比超过 {limit.max_ratio:.0f} 倍（可能是压缩炸弹）"
                     " — 请用 Excel/WPS 打开、删除多余的空行空列后重新保存")


# -- units in number formats -----------------------------------------------------------------------------------

_NUMFMT_TAG = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_STYLES_LIMIT = 8 << 20  # a styles part is a few KB; more is not a stylesheet worth reading for this
_MONEY_IN_FORMAT = re.compile(r"亿元|万元|元")


def number_format_units(archive: zipfile.ZipFile, limit: Limits) -> frozenset[str]:
    """The money units written into the workbook's own number formats (#,##0"万元"): a cell then shows "3,000万元"
    while it holds 3000. Empty when the styles part is missing, damaged or oversized."""
    try:
        info = archive.getinfo("xl/styles.xml")
        if info.file_size > _STYLES_LIMIT:
            return frozenset()
        data = b"".join(_inflate(archive, info, limit))
    except (KeyError, TooBig, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return frozenset()
    return money_in_formats(_attrs(tag).get("formatCode", "") for tag in _NUMFMT_TAG.findall(data))


def money_in_formats(codes) -> frozenset[str]:
    """The money units (亿元, 万元, 元) written into number format codes: #,##0"万元", 0.00\\万\\元."""
    found: set[str] = set()
    for code in codes:
        found.update(_MONEY_IN_FORMAT.findall(str(code).replace("\\", "").replace('"', "")))
    return frozenset(found)


# -- which part holds which sheet -------------------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'(?<![\w:.-])([\w:.-]+)\s*=\s*"([^"]*)"')


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode().split(":")[-1] if k != b"r:id" else "rid": html.unescape(v.decode("utf-8", "replace"))
            for k, v in _ATTR.findall(tag)}


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML (xl/worksheets/sheet1.xml), from workbook.xml and its rels."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for tag in _REL_TAG.findall(rels):
        a = _attrs(tag)
        target = a.get("Target", "")
        targets[a.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts = {}
    for tag in _SHEET_TAG.findall(workbook):
        a = _attrs(tag)
        rid = next((v for k, v in a.items() if k in ("rid", "id")), None)
        if a.get("name") and rid in targets:
            parts[a["name"]] = targets[rid]
    return parts


# -- one .xlsx sheet ----------------------------------------------------------------------------------------

@dataclass
class Formula:
    row: int  # 1-based
    column: int  # 1-based
    text: str  # without the leading "="
    cached: bool  # a result was saved
    shared_index: str | None = None  # t="shared" si=…
    master: bool = False  # the cell holding the shared formula's text


@dataclass
class SheetScan:
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    max_row: int = 0
    max_column: int = 0
    cells: int = 0  # written in the sheet: exact only near the limit, else an upper bound (see scan_sheet)
    merged_cells: int = 0
    formulas: list[Formula] = field(default_factory=list)


_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def parse_ref(ref: str) -> tuple[int, int]:
    """'C5' -> (5, 3)."""
    match = _REF.fullmatch(ref.strip().upper())
    if not match:
        raise ValueError(ref)
    letters, digits = match.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return int(digits), column


class _Patterns:
    """The regexes for one namespace prefix ('' or 'x:' as some generators write)."""

    def __init__(self, p: bytes):
        self.cell_open = b"<" + p + b"c "
        self.bare_cell = b"<" + p + b"c>"
        self.any_c = b"<" + p + b"c"
        self.row_number = re.compile(b"<" + p + rb'row\b[^>]*?\br="(\d+)"')
        self.hidden_row = re.compile(b"<" + p + rb'row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
        self.col = re.compile(b"<" + p + rb"col\b[^>]*>")
        self.merge = re.compile(b"<" + p + rb'mergeCell\b[^>]*?\bref="([A-Z$]+\d+)(?::([A-Z$]+\d+))?"')
        value_end = rb'"[^>]*?(?<!/)>'  # a cell that is not self-closed: it may hold a value
        self.three_letters = re.compile(b"<" + p + rb'c r="([A-Z]{3})\d+' + value_end)
        self.two_letters_any = re.compile(b"<" + p + rb'c r="[A-Z]{2}\d')
        self.two_letters = re.compile(b"<" + p + rb'c r="([A-Z]{2})\d+' + value_end)
        self.value_cell = re.compile(b"<" + p + rb'c r="([A-Z]+)(\d+)' + value_end)
        self.formula = re.compile(b"<" + p + rb"f\b([^>]*?)(?:/>|>([^<]*)</" + p + rb"f>)")
        self.formula_hint = re.compile(b"<" + p + rb"f[ >]")
        self.cell_tag = re.compile(b"<" + p + rb"c\b([^>]*)>")
        self.value = re.compile(b"<" + p + rb"v\s*(?:/>|>([^<]*)</" + p + rb"v>)")
        self.row_end = b"</" + p + b"row>"
        self._unusual: dict[tuple[int, bool], re.Pattern] = {}

    def unusual(self, digits: int, past_z: bool) -> re.Pattern:
        """A cell reference with more than `digits` digits in its row number, or with two letters or more (three
        once past_z): the one search a piece needs when it has none, as most pieces of most sheets."""
        key = (digits, past_z)
        if key not in self._unusual:
            letters = b"[A-Z]{3}" if past_z else b"[A-Z]{2}"
            self._unusual[key] = re.compile(re.escape(self.cell_open) + b'r="(?:' + letters + rb"|[A-Z]+\d{"
                                            + str(digits + 1).encode() + b"})")
        return self._unusual[key]

    @staticmethod
    @cache
    def of(prefix: bytes) -> _Patterns:
        return _Patterns(prefix)


def _pieces(archive: zipfile.ZipFile, part: str, limit: Limits, row_end: bytes | None) -> Iterator[bytes]:
    """The part's XML in pieces that end after a </row> (so no row is ever split between two pieces)."""
    tail = b""
    for block in _inflate(archive, archive.getinfo(part), limit):
        data = tail + block
        cut = data.rfind(row_end) if row_end else -1
        if cut < 0 and len(data) < 8 * _BLOCK:
            tail = data
            continue
        cut = cut + len(row_end) if cut >= 0 else len(data)
        yield data[:cut]
        tail = data[cut:]
    if tail:
        yield tail


def _prefix(archive: zipfile.ZipFile, part: str) -> bytes:
    with archive.open(part) as member:
        head = member.read(1 << 16)
    match = re.search(rb"<(\w+:)?(?:sheetData|worksheet)\b", head)
    return match.group(1) or b"" if match else b""


def scan_sheet(archive: zipfile.ZipFile, part: str, sheet: str, limit: Limits) -> SheetScan:
    """What must be known before calamine builds its dense grid: the cell count and the extent of the cells
    holding values, streaming the sheet's XML once (twice for a sheet both wide and long). Raises TooBig naming
    the sheet. The rest (hidden rows and columns, merged areas, formulas) is scan_details, which may run while
    calamine reads."""
    pat = _Patterns.of(_prefix(archive, part))
    scan = SheetScan()
    three_letters = 0  # the exact last column when some cell's column has three letters (≥ AAA)
    two_letters = False
    cells_below_rows = False  # a cell reference with a longer row number than any <row r=…>
    for piece in _pieces(archive, part, limit, pat.row_end):
        scan.cells += piece.count(pat.any_c)  # every <c …>, <c>, and the few <col…>, <cfRule…> too: at least the cells
        rows = pat.row_number.findall(piece)
        if rows:
            scan.max_row = max(scan.max_row, max(map(int, rows)))
        digits = len(str(scan.max_row))
        if pat.unusual(digits, two_letters or three_letters > 0).search(piece):
            if re.search(re.escape(pat.cell_open) + rb'r="[A-Z]+\d{' + str(digits + 1).encode() + b"}", piece):
                cells_below_rows = True
            three = pat.three_letters.findall(piece)
            if three:
                three_letters = max(three_letters, max(_letters(c) for c in three))
            elif not two_letters and pat.two_letters_any.search(piece):
                two_letters = True
    if scan.cells > limit.max_cells:
        scan.cells = _exact_cells(archive, part, limit, pat)
    if scan.cells > limit.max_cells:
        raise TooBig(f"工作表“{sheet}”有 {scan.cells:,} 个单元格，超过上限 {limit.max_cells:,}"
                     " — 请删除多余内容，或把数据分成几个文件（也可另存为 .csv）后再导入")
    # Cheap bounds first; the exact extent (a regex match per cell) only when the bounds could break the limit.
    scan.max_column = three_letters or (702 if two_letters else 26 if scan.cells else 0)
    if cells_below_rows or scan.max_row * scan.max_column > limit.max_area:
        scan.max_row, scan.max_column = _exact_extent(archive, part, limit, pat)
    area = scan.max_row * scan.max_column
    if area > limit.max_area:
        raise TooBig(f"工作表“{sheet}”的内容范围过大（最远的单元格在 {column_letter(scan.max_column)}{scan.max_row}，"
                     f"{scan.max_row:,} 行 × {scan.max_column:,} 列）— 可能是远处误填了内容：请删除表格以外多余的行和列后保存，"
                     "或把数据分成几个文件后再导入")
    return scan


def scan_details(archive: zipfile.ZipFile, part: str, sheet: str, limit: Limits, scan: SheetScan) -> None:
    """Hidden rows and columns, merged areas and formulas into scan, streaming the XML again. Raises TooBig for
    merged areas covering too much (which only etl.workbooks fills: calamine reports them as ranges)."""
    pat = _Patterns.of(_prefix(archive, part))
    for index, piece in enumerate(_pieces(archive, part, limit, pat.row_end)):
        for tag in pat.hidden_row.findall(piece) if b"hidden" in piece else ():
            number = re.search(rb'\br="(\d+)"', tag)
            if number:
                scan.hidden_rows.add(int(number.group(1)))
        if index == 0:  # <cols> comes before <sheetData>
            _hidden_columns(piece, pat, scan)
        if b"mergeCell" in piece:
            for first, last in pat.merge.findall(piece):
                top, left = parse_ref(first.decode())
                bottom, right = parse_ref(last.decode()) if last else (top, left)
                scan.merged_cells += (bottom - top + 1) * (right - left + 1)
        if pat.formula_hint.search(piece):
            scan.formulas += _formulas(piece, pat)
    if scan.merged_cells > limit.max_merged_cells:
        raise TooBig(f"工作表“{sheet}”的合并单元格共覆盖 {scan.merged_cells:,} 个单元格，超过上限 {limit.max_merged_cells:,}"
                     " — 请取消整行/整列或大片区域的合并后保存再导入")


def _letters(letters: bytes) -> int:
    column = 0
    for ch in letters:
        column = column * 26 + ch - 64
    return column


def _hidden_columns(piece: bytes, pat: _Patterns, scan: SheetScan) -> None:
    for tag in pat.col.findall(piece):
        if re.search(rb'\bhidden="(?:1|true)"', tag):
            low, high = re.search(rb'\bmin="(\d+)"', tag), re.search(rb'\bmax="(\d+)"', tag)
            if low and high:
                scan.hidden_columns.update(range(int(low.group(1)), min(int(high.group(1)), 16384) + 1))


def _exact_cells(archive: zipfile.ZipFile, part: str, limit: Limits, pat: _Patterns) -> int:
    return sum(piece.count(pat.cell_open) + piece.count(pat.bare_cell)  # (<c> with no attributes: a cell too)
               for piece in _pieces(archive, part, limit, pat.row_end))


def _exact_extent(archive: zipfile.ZipFile, part: str, limit: Limits, pat: _Patterns) -> tuple[int, int]:
    max_row = max_column = 0
    for piece in _pieces(archive, part, limit, pat.row_end):
        refs = pat.value_cell.findall(piece)
        if refs:
            max_row = max(max_row, max(int(r) for _, r in refs))
            max_column = max(max_column, max(_letters(c) for c in set(c for c, _ in refs)))
    return max_row, max_column


def _formulas(piece: bytes, pat: _Patterns) -> list[Formula]:
    found = []
    for match in pat.formula.finditer(piece):
        start = piece.rfind(pat.cell_open, 0, match.start())
        cell = pat.cell_tag.match(piece, start) if start >= 0 else None
        if cell is None or cell.end() > match.start():
            continue
        cell_attrs, f_attrs = _attrs(cell.group(0)), _attrs(b"<f " + match.group(1) + b">")
        if "r" not in cell_attrs:
            continue
        row, column = parse_ref(cell_attrs["r"])
        value = pat.value.match(piece, match.end())
        cached = bool(value and value.group(1)) or (value is not None and cell_attrs.get("t") in ("str", "inlineStr"))
        text = html.unescape((match.group(2) or b"").decode("utf-8", "replace")).strip()
        shared = f_attrs.get("si") if f_attrs.get("t") == "shared" else None
        found.append(Formula(row, column, text.removeprefix("="), cached, shared, master=bool(shared and text)))
    return found


# -- .ods ---------------------------------------------------------------------------------------------------

_ODS_TOKEN = re.compile(rb"<table:table-row\b[^>]*>|<table:table-column\b[^>]*>|<table:table[\s>][^>]*>|</table:table>")


def scan_ods(archive: zipfile.ZipFile, limit: Limits) -> dict[str, tuple[set[int], set[int]]]:
    """Table name -> (hidden rows, hidden columns), 1-based, from table:visibility="collapse"/"filter"."""
    out: dict[str, tuple[set[int], set[int]]] = {}
    name, row, column = None, 0, 0
    for piece in _pieces(archive, "content.xml", limit, b"</table:table-row>"):
        for token in _ODS_TOKEN.findall(piece):
            if token.startswith(b"</"):
                name = None
                continue
            a = _attrs(token)
            if token.startswith(b"<table:table-row"):
                count = int(a.get("number-rows-repeated", "1"))
                if name is not None and a.get("visibility") in ("collapse", "filter"):
                    out[name][0].update(range(row + 1, row + 1 + min(count, 1 << 16)))
                row += count
            elif token.startswith(b"<table:table-column"):
                count = int(a.get("number-columns-repeated", "1"))
                if name is not None and a.get("visibility") in ("collapse", "filter"):
                    out[name][1].update(range(column + 1, column + 1 + min(count, 16384)))
                column += count
            else:
                name, row, column = a.get("name", ""), 0, 0
                out[name] = (set(), set())
    return out
