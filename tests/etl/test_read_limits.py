"""Bombs are refused before anything big is built: each runs in a subprocess capped at 1.5 GB of address space,
so a reader that did allocate could only fail its own test, never the machine."""
import dataclasses
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from etl import xlsx_parts
from etl.read import read_file
from tests.etl.xlsx_bytes import rows_xml, write_sheet_xlsx

ROOT = Path(__file__).resolve().parents[2]
TABLE = rows_xml([["开发区", "签约项目数"], ["盐湖高新区", 36]])
CAPPED = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
from etl.read import read_file
result = read_file(sys.argv[1])
print(json.dumps({"errors": [str(e) for e in result.errors], "sheets": [len(s.cells) for s in result.sheets]}))
"""


def read_capped(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CAPPED, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_far_away_cell_is_refused_naming_the_sheet(tmp_path):
    path = write_sheet_xlsx(tmp_path / "far.xlsx", TABLE + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert read_capped(path)["errors"] == [
        "far.xlsx:数据: 工作表“数据”的内容范围过大（最远的单元格在 XFD1048576，1,048,576 行 × 16,384 列）— 可能是远处误填了内容："
        "请删除表格以外多余的行和列后保存，或把数据分成几个文件后再导入"]


def test_a_far_away_cell_claiming_a_near_row_is_found_too(tmp_path):
    path = write_sheet_xlsx(tmp_path / "liar.xlsx", TABLE + '<row r="3"><c r="Z1048576"><v>1</v></c></row>')
    assert "最远的单元格在 Z1048576，1,048,576 行 × 26 列" in read_capped(path)["errors"][0]


def test_far_away_empty_formatted_cells_are_harmless(tmp_path):
    path = write_sheet_xlsx(tmp_path / "styled.xlsx", TABLE + '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    assert read_capped(path) == {"errors": [], "sheets": [2]}


def test_zip_bomb_member_is_refused(tmp_path):
    path = write_sheet_xlsx(tmp_path / "bomb.xlsx", TABLE, extra={"xl/media/image1.bin": bytes(100 << 20)})
    [message] = read_capped(path)["errors"]
    assert message.startswith("bomb.xlsx: 压缩包成员“xl/media/image1.bin”的压缩比超过 300 倍（可能是压缩炸弹）")


def test_a_merged_range_over_the_whole_sheet_is_refused(tmp_path):
    path = write_sheet_xlsx(tmp_path / "merged.xlsx", TABLE,
                            after='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    assert read_capped(path)["errors"] == [
        "merged.xlsx:数据: 工作表“数据”的合并单元格共覆盖 17,179,869,184 个单元格，超过上限 1,000,000"
        " — 请取消整行/整列或大片区域的合并后保存再导入"]


def small(**changes) -> xlsx_parts.Limits:
    return dataclasses.replace(xlsx_parts.limits(), **changes)


def test_member_and_total_sizes_are_checked_on_the_inflated_bytes(tmp_path):
    path = write_sheet_xlsx(tmp_path / "s.xlsx", TABLE)
    with zipfile.ZipFile(path) as archive:
        xlsx_parts.check_zip(archive, xlsx_parts.limits())
        with pytest.raises(xlsx_parts.TooBig, match="压缩包成员“.*”解压后超过"):
            xlsx_parts.check_zip(archive, small(max_member_bytes=300))
        with pytest.raises(xlsx_parts.TooBig, match="解压后总大小超过"):
            xlsx_parts.check_zip(archive, small(max_total_bytes=1500))


def test_cell_count_and_area_limits_name_the_sheet(tmp_path):
    path = write_sheet_xlsx(tmp_path / "s.xlsx", rows_xml([[1, 2, 3]] * 10))
    with zipfile.ZipFile(path) as archive:
        part = "xl/worksheets/sheet1.xml"
        assert xlsx_parts.scan_sheet(archive, part, "数据", small(max_area=30)).max_row == 10
        with pytest.raises(xlsx_parts.TooBig, match="工作表“数据”有 30 个单元格，超过上限 29"):
            xlsx_parts.scan_sheet(archive, part, "数据", small(max_cells=29))
        with pytest.raises(xlsx_parts.TooBig, match=r"工作表“数据”的内容范围过大（最远的单元格在 C10，10 行 × 3 列）"):
            xlsx_parts.scan_sheet(archive, part, "数据", small(max_area=29))


def test_wide_sheet_extent_is_exact(tmp_path):
    row = "".join(f'<c r="{col}2"><v>1</v></c>' for col in ("A", "AB", "BC"))
    path = write_sheet_xlsx(tmp_path / "w.xlsx", f'<row r="2">{row}</row>')
    with zipfile.ZipFile(path) as archive:
        scan = xlsx_parts.scan_sheet(archive, "xl/worksheets/sheet1.xml", "数据", small(max_area=1000))
    assert (scan.max_row, scan.max_column) == (2, 55)
    assert len(read_file(path).sheets[0].cells[1]) == 55


def _patch_central_directory(path: Path, member: str, **fields: int) -> None:
    """Rewrite a member's CRC / declared size in the zip's central directory (what zipfile and the scan trust)."""
    import struct

    data = bytearray(path.read_bytes())
    offsets = {"crc": 16, "compressed": 20, "size": 24}
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length] == name:
            for field, value in fields.items():
                struct.pack_into("<I", data, at + offsets[field], value)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(member)


def test_the_scan_inflates_every_member_to_exactly_zipfiles_bytes(tmp_path, monkeypatch):
    import random

    monkeypatch.setattr(xlsx_parts, "_BLOCK", 1 << 16)
    rnd = random.Random(3)
    rows = [[f"开发区{rnd.randint(0, 10**6)}", rnd.random() * 1e4, rnd.randint(0, 99)] for _ in range(4000)]
    path = write_sheet_xlsx(tmp_path / "big.xlsx", rows_xml(rows), extra={"xl/media/a.bin": rnd.randbytes(3000)})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("docProps/stored.xml", "<x>" + "未压缩" * 5000 + "</x>")
    with zipfile.ZipFile(path) as archive:
        assert len(archive.read("xl/worksheets/sheet1.xml")) > 3 * xlsx_parts._BLOCK  # several blocks
        for info in archive.infolist():
            assert b"".join(xlsx_parts._inflate(archive, info, xlsx_parts.limits())) == archive.read(info), info.filename


@pytest.mark.parametrize("change", [{"crc": 12345}, {"size": 200}])
def test_a_sheet_that_does_not_match_its_checksum_or_declared_size_is_not_read(tmp_path, change):
    path = write_sheet_xlsx(tmp_path / "bad.xlsx", TABLE + rows_xml([["盐湖高新区", n] for n in range(50)], 3))
    _patch_central_directory(path, "xl/worksheets/sheet1.xml", **change)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        with pytest.raises(zipfile.BadZipFile):
            b"".join(xlsx_parts._inflate(archive, info, xlsx_parts.limits()))
    result = read_capped(path)
    assert result["sheets"] == [] and len(result["errors"]) == 1 and "bad.xlsx" in result["errors"][0]


def _compressed_stream(path: Path, member: str) -> tuple[int, int]:
    """Where a member's compressed bytes start in the file (after its local header) and how many there are."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    return info.header_offset + 30 + len(info.filename.encode()) + len(info.extra), info.compress_size


def test_a_sheet_whose_compressed_bytes_are_damaged_is_not_read(tmp_path):
    path = write_sheet_xlsx(tmp_path / "torn.xlsx", TABLE + rows_xml([["盐湖高新区", n] for n in range(3000)], 3))
    start, size = _compressed_stream(path, "xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    data[start + size // 2:start + size // 2 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    result = read_capped(path)
    assert result == {"errors": ["torn.xlsx: 不是有效的 .xlsx 文件（文件损坏、被截断或并非 Excel 表格）— 请用 Excel/WPS 打开确认后重新保存"],
                      "sheets": []}


@pytest.mark.parametrize("rows", [3, 3000])
def test_a_sheet_damaged_at_the_start_of_its_compressed_bytes_is_not_read(tmp_path, rows):
    """zipfile's own reader (the namespace sniff at the sheet's head) raises zlib.error, not BadZipFile."""
    path = write_sheet_xlsx(tmp_path / "torn.xlsx", TABLE + rows_xml([["盐湖高新区", n] for n in range(rows)], 3))
    start, _ = _compressed_stream(path, "xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    data[start + 10:start + 12] = bytes(b ^ 0xFF for b in data[start + 10:start + 12])
    path.write_bytes(bytes(data))
    result = read_capped(path)
    assert result["sheets"] == [] and len(result["errors"]) == 1, result
    assert result["errors"][0].startswith("torn.xlsx: 不是有效的 .xlsx 文件"), result


def test_a_zip_needing_a_newer_unzip_version_is_refused_not_raised(tmp_path):
    """A flipped byte in the central directory's "version needed" makes zipfile raise NotImplementedError."""
    path = write_sheet_xlsx(tmp_path / "odd.xlsx", TABLE)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    data[at + 6] = 200  # version needed to extract: 20.0
    path.write_bytes(bytes(data))
    result = read_capped(path)
    assert result["sheets"] == [] and result["errors"][0].startswith("odd.xlsx: 不是有效的 .xlsx 文件"), result


def test_the_cell_limit_counts_cells_exactly_where_it_matters(tmp_path):
    """The first count takes every tag starting '<c' (columns, conditional formats too); near the limit the cells
    are counted exactly, bare <c> cells included."""
    cols = "<cols>" + "".join(f'<col min="{i}" max="{i}" width="9"/>' for i in range(1, 6)) + "</cols>"
    rule = '<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1"><formula>1</formula></cfRule>' \
           "</conditionalFormatting>"
    path = write_sheet_xlsx(tmp_path / "s.xlsx", rows_xml([[1, 2, 3]] * 10), before=cols, after=rule)
    bare = write_sheet_xlsx(tmp_path / "b.xlsx", rows_xml([[1, 2, 3]] * 10) + '<row r="11"><c><v>1</v></c></row>')
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        assert xlsx_parts.scan_sheet(archive, part, "数据", small(max_cells=30)).cells == 30
        with pytest.raises(xlsx_parts.TooBig, match="工作表“数据”有 30 个单元格，超过上限 29"):
            xlsx_parts.scan_sheet(archive, part, "数据", small(max_cells=29))
    with zipfile.ZipFile(bare) as archive, pytest.raises(xlsx_parts.TooBig, match="工作表“数据”有 31 个单元格，超过上限 30"):
        xlsx_parts.scan_sheet(archive, part, "数据", small(max_cells=30))
