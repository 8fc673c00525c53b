import datetime as dt

import pytest

from etl.read import read_bytes, read_file
from tests.builders import write_xlsx

HEADER = "开发区,年份,签约项目数"
ROW = "盐湖高新区,2021,36"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected_and_decoded(tmp_path, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes(f"{HEADER}\n{ROW}\n".encode(encoding))
    result = read_file(path)
    assert not result.errors
    assert result.sheets[0].cells[1] == ["盐湖高新区", "2021", "36"]


def test_gbk_text_is_not_mistaken_for_big5(tmp_path):
    text = "2021年全省开发区主要指标完成情况表\n开发区,年份,新培育“四上”企业数\n山西忻州经济开发区,2021,7\n"
    result = read_bytes(text.encode("gbk"), "x.csv")
    assert result.sheets[0].cells[0][0] == "2021年全省开发区主要指标完成情况表"
    assert result.sheets[0].encoding in ("gb18030", "gbk")


def test_gb18030_only_characters_survive():
    text = f"{HEADER},备注\n{ROW},㐀䶵\n"  # CJK extension A is outside GBK
    result = read_bytes(text.encode("gb18030"), "x.csv")
    assert result.sheets[0].cells[1][-1] == "㐀䶵"


@pytest.mark.parametrize("data, expected", [
    (b"", "文件是空的"),
    (b"   \n\n", "文件是空的"),
    (bytes(range(256)) * 8, "二进制"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不是有效的 .xlsx"),  # a broken OLE2 file
    (b"PK\x03\x04not really a zip", "不是有效的 .xlsx"),
])
def test_unreadable_bytes_give_one_clear_error(data, expected):
    result = read_bytes(data, "bad.csv")
    assert not result.sheets
    assert len(result.errors) == 1 and expected in result.errors[0].message
    assert str(result.errors[0]).startswith("bad.csv: ")


def test_truncated_gbk_is_refused_not_misdecoded():
    data = f"{HEADER}\n{ROW}\n太原".encode("gbk")[:-1]
    result = read_bytes(data, "t.csv")
    assert result.errors and "编码" in result.errors[0].message


def test_unknown_extension_is_refused():
    result = read_bytes(b"hello", "notes.docx")
    assert "不支持的文件类型" in result.errors[0].message


def test_xlsx_every_sheet_merged_cells_and_dates(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {
        "2020": [["2020年表"], ["开发区", "签约日期"], ["盐湖高新区", dt.datetime(2020, 3, 1)]],
        "2021": [["2021年表"], ["开发区", "签约日期"], ["盐湖高新区", dt.datetime(2021, 11, 15)]],
    })
    result = read_file(path)
    assert [s.sheet for s in result.sheets] == ["2020", "2021"]
    title_row = result.sheets[1].cells[0]
    assert title_row == ["2021年表", "2021年表"]  # the merged title fills its whole range
    assert result.sheets[1].cells[2][1] == dt.datetime(2021, 11, 15)
    assert result.sheets[0].sha256 == result.sheets[1].sha256


def test_xlsx_rows_keep_excel_numbering_when_top_rows_are_empty(tmp_path):
    import openpyxl
    workbook = openpyxl.Workbook()
    workbook.active["B4"] = "开发区"
    workbook.save(tmp_path / "gap.xlsx")
    cells = read_file(tmp_path / "gap.xlsx").sheets[0].cells
    assert cells[3][1] == "开发区" and len(cells) == 4
