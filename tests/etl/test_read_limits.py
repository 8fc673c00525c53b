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
