"""Read .csv / .xlsx / .xls / .et / .ods / .xlsb files into raw cell grids that remember their spreadsheet coordinates.

Row i of `RawSheet.cells` is the row a person sees as i + 1 in Excel/WPS; column j is letter j + 1.
"""
from __future__ import annotations

import csv
import hashlib
import os
import tempfile
import weakref
from pathlib import Path

from etl import workbooks
from etl.errors import InputError
from etl.sheet import BulkCsv, RawSheet, ReadResult, csv_rows

MAX_FILE_BYTES = 200 * 1024 * 1024
# Words that any accepted header contains; used to tell a right decoding from a wrong one.
_HEADER_HINTS = ("开发区", "指标", "项目", "企业", "年份", "园区", "目标")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# CSV files at least this big are read by DuckDB (etl.grid.Grid.from_csv) rather than csv.reader when they are
# plain UTF-8 without blank lines; smaller ones are not worth a temporary file.
BULK_CSV_BYTES = 1024 * 1024
_PREFIX_BYTES = 256 * 1024


def read_file(path: Path | str, display_name: str | None = None) -> ReadResult:
    path = Path(path)
    name = display_name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadResult(errors=[InputError(name, message=f"无法读取文件（{exc.strerror}）— 应为可读的 .xlsx 或 .csv 文件")])
    return read_bytes(data, name, path)


def read_bytes(data: bytes, name: str, path: Path | None = None) -> ReadResult:
    def fail(message: str) -> ReadResult:
        return ReadResult(errors=[InputError(name, message=message)])

    if len(data) > MAX_FILE_BYTES:
        return fail(f"文件过大（{len(data) // (1024 * 1024)} MB）— 单个文件应小于 {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data[:4096].strip() and not data.strip():  # (the prefix spares copying a big file)
        return fail("文件是空的 — 应包含表头和数据行")
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(name).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES + TEXT_SUFFIXES:
        return fail(f"不支持的文件类型“{suffix}” — 应为 .xlsx、.xls、.et、.ods、.xlsb 或 .csv")
    # What the bytes are decides how they are read, whatever the name says (an .xls may be an .xlsx or HTML).
    if data.startswith(b"PK\x03\x04"):
        return workbooks.read_zip(data, name, digest, suffix)
    if data.startswith(_OLE2_MAGIC):
        return workbooks.read_ole2(data, name, digest, suffix)
    markup = workbooks.markup_kind(data)
    if markup == "spreadsheetml":
        return fail("这是 Excel 2003 XML 表格（SpreadsheetML），无法读取 — 请在 Excel/WPS 中打开，“另存为” .xlsx 后再导入")
    if markup == "html":
        return workbooks.read_html(data, name, digest)
    if suffix in SPREADSHEET_SUFFIXES and b"\x00" in data[:8192]:
        return fail(workbooks.not_valid(suffix))
    if len(data) >= BULK_CSV_BYTES:
        bulk = _bulk_csv(data, name, digest, path)
        if bulk is not None:
            return bulk
    return _read_csv(data, name, digest)


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", "")


def _bulk_csv(data: bytes, name: str, digest: str, path: Path | None,
              transcoded_from: str | None = None) -> ReadResult | None:
    """A big CSV that DuckDB can read as csv.reader would: UTF-8 (checked in full by DuckDB as it reads),
    headers legible in UTF-8 so that no other encoding could be preferred, one record per line start.

    transcoded_from: data is the UTF-8 re-encoding of a file decode_text read in that encoding (GBK …)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    offset = 3 if bom else 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:8192]:
        return None
    if data.startswith((b"\n", b"\r"), offset) or data.find(b"\n\n") >= 0 or data.find(b"\n\r\n") >= 0:
        return None  # blank lines: csv.reader counts them as rows, DuckDB does not
    if data.count(b"\r") != data.count(b"\r\n"):
        return None  # a carriage return that does not end a line (or ends one on its own)
    start = data[offset:offset + _PREFIX_BYTES]
    try:
        prefix = start[: start.rfind(b"\n") + 1].decode("utf-8")
    except UnicodeDecodeError:
        return None
    legible = bom or transcoded_from or any(hint in prefix[:20_000] for hint in _HEADER_HINTS)
    if len(prefix) < 20_000 or not legible:
        return None
    delimiter = _sniff(prefix)
    head = csv_rows(prefix, delimiter)
    if len(head) <= 40:
        return None
    encoding = "utf-8-sig" if bom else "utf-8"
    if path is None or transcoded_from or Path(path).suffix.lower() not in (".csv", ".txt", ""):
        with tempfile.NamedTemporaryFile(prefix="devzone-", suffix=".csv", delete=False) as handle:
            handle.write(data)
        sheet = RawSheet(name, None, None, digest, transcoded_from or encoding,
                         BulkCsv(Path(handle.name), delimiter, head[:40], data, encoding))
        weakref.finalize(sheet, os.unlink, handle.name)  # DuckDB reads it when the sheet is understood
        return ReadResult(sheets=[sheet])
    return ReadResult(sheets=[RawSheet(name, None, None, digest, encoding,
                                       BulkCsv(Path(path), delimiter, head[:40], data, encoding))])


def _sniff(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def _read_csv(data: bytes, name: str, digest: str) -> ReadResult:
    text, encoding, problem = decode_text(data)
    if problem:
        return ReadResult(errors=[InputError(name, message=problem)])
    if len(data) >= BULK_CSV_BYTES and encoding not in ("utf-8", "utf-8-sig"):
        # GBK and the like: DuckDB reads UTF-8 only, so it gets the decoded text re-encoded in a temporary file.
        bulk = _bulk_csv(text.encode("utf-8"), name, digest, None, transcoded_from=encoding)
        if bulk is not None:
            return bulk
    delimiter = _sniff(text)
    return ReadResult(sheets=[RawSheet(name, None, csv_rows(text, delimiter), digest, encoding)])


def decode_text(data: bytes) -> tuple[str, str | None, str | None]:
    """Decode CSV bytes as UTF-8 (with or without BOM), UTF-16 or GBK/GB18030.

    charset-normalizer proposes; a candidate is accepted only if it decodes strictly, and among those
    we prefer one in which the headers we expect are legible, so GBK never passes silently as Big5.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", "utf-16")
    if b"\x00" in data[:8192]:
        return "", None, "文件含有二进制内容，不是文本 CSV — 应为 .csv（UTF-8 或 GBK 编码）或 .xlsx 文件"
    try:  # legible UTF-8 wins whatever else is proposed (see the loop below), so ask no further
        text = data.decode("utf-8")
        if any(hint in text[:20_000] for hint in _HEADER_HINTS):
            return text, "utf-8", None
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    candidates: list[str] = ["utf-8"]
    guess = charset_normalizer.from_bytes(data[:200_000], cp_isolation=["utf_8", "gb18030", "big5"]).best()
    if guess is not None:
        candidates.append(guess.encoding)
    candidates.append("gb18030")
    decoded: list[tuple[str, str]] = []
    for encoding in dict.fromkeys(candidates):
        try:
            decoded.append((data.decode(encoding), encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    if not decoded:
        return "", None, "无法识别文件编码（可能被截断或损坏）— 应为 UTF-8、UTF-8-BOM 或 GBK/GB18030 编码的 CSV"
    for text, encoding in decoded:
        if any(hint in text[:20_000] for hint in _HEADER_HINTS):
            return text, encoding, None
    text, encoding = decoded[0]
    return text, encoding, None


def _strict(data: bytes, codec: str, label: str) -> tuple[str, str | None, str | None]:
    try:
        return data.decode(codec), label, None
    except UnicodeDecodeError as exc:
        return "", None, f"文件声明为 {label} 编码，但第 {exc.start} 字节处无法解码（文件可能被截断）— 应为完整的 {label} 文本"
