"""Project ledgers: the column-at-a-time extractor (etl/ledger.py), re-sent ledgers without 项目编号, status synonyms."""
import csv
import datetime as dt
import io

import pandas as pd
import pytest

from etl import layout, read
from etl.catalogue import normalise_label
from etl.errors import ErrorCollector, InputRejected
from etl.facts import ZoneResolver
from etl.ledger import extract_projects, normalise_labels
from etl.publish import load_files
from tests.builders import LEDGER_HEADER, digest, ledger_row, query, write_csv, write_xlsx


def without_id(row):
    """A ledger row as sent by an office whose sheet has no 项目编号 column."""
    return row[1:]


def test_resent_without_ids_updates_the_projects_stored_under_their_ids(tmp_path):
    db = tmp_path / "d.duckdb"
    rows = [ledger_row("YH-001", "甲项目", signed="2024-01-05"), ledger_row("YH-002", "乙项目", signed="2024-02-01"),
            ledger_row("TY-001", "甲项目", zone="太原高新区", signed="2024-03-01")]
    load_files([write_xlsx(tmp_path / "w1.xlsx", {"台账": [LEDGER_HEADER, *rows]})], db)
    resent = [without_id(r) for r in rows]
    resent[1] = without_id(ledger_row("", "乙项目", signed="2024-02-01", started="2024-04-01", status="开工"))
    week2 = write_xlsx(tmp_path / "w2.xlsx", {"台账": [LEDGER_HEADER[1:], *resent]})

    dry = load_files([week2], db, dry_run=True)
    diff = dry.project_diff.set_index("project_id")
    assert diff["status"].to_dict() == {"YH-002": "changed", "YH-001": "unchanged", "TY-001": "unchanged"}
    assert "项目：新增 0，更新 1，未变 2" in dry.summary_lines()

    result = load_files([week2], db)
    assert (result.changes["projects"].added, result.changes["projects"].changed) == (0, 1)
    assert "  3 个未填“项目编号”的项目按开发区和项目名称对应到库中已有项目，沿用其编号" in result.summary_lines()
    assert query(db, "SELECT project_id, zone_id, status FROM projects ORDER BY project_id") == [
        ("TY-001", "G142005", "签约"), ("YH-001", "X140802", "签约"), ("YH-002", "X140802", "开工")]


def test_a_ledger_that_starts_giving_ids_keeps_its_projects_under_the_new_ids(tmp_path):
    """Weeks sent without 项目编号, then the office adds the column: the same projects under their new 编号, not a
    second copy of each (that doubled every figure the ledger gives)."""
    db = tmp_path / "d.duckdb"
    rows = [ledger_row("YH-001", "甲项目", signed="2024-01-05", investment=50000),
            ledger_row("YH-002", "乙项目", signed="2024-02-01", investment=20000),
            ledger_row("TY-001", "甲项目", zone="太原高新区", signed="2024-03-01", investment=10000)]
    load_files([write_xlsx(tmp_path / "w1.xlsx", {"台账": [LEDGER_HEADER[1:], *[without_id(r) for r in rows]]})], db)
    before = query(db, "SELECT zone_id, year, indicator, value FROM ledger_indicator_values ORDER BY ALL")
    old_ids = dict(query(db, "SELECT project_name || zone_id, project_id FROM projects"))
    rows[1] = ledger_row("YH-002", "乙项目", signed="2024-02-01", started="2024-04-01", status="开工", investment=20000)
    week2 = write_xlsx(tmp_path / "w2.xlsx", {"台账": [LEDGER_HEADER, *rows]})

    dry = load_files([week2], db, dry_run=True)
    assert "项目：新增 0，更新 3，未变 0" in dry.summary_lines(), dry.summary_lines()
    result = load_files([week2], db)
    assert (result.changes["projects"].added, result.changes["projects"].changed) == (0, 3)
    assert query(db, "SELECT project_id, zone_id, status FROM projects ORDER BY project_id") == [
        ("TY-001", "G142005", "签约"), ("YH-001", "X140802", "签约"), ("YH-002", "X140802", "开工")]
    after = query(db, "SELECT zone_id, year, indicator, value FROM ledger_indicator_values ORDER BY ALL")
    assert [r for r in after if r[2] != "started_projects" and r[2] != "signed_started_projects"] == [
        r for r in before if r[2] != "started_projects" and r[2] != "signed_started_projects"]
    notes = "\n".join(result.summary_lines())
    assert f"{old_ids['甲项目X140802']} → YH-001" in notes and "3 个项目首次填写“项目编号”" in notes, notes
    # the history of each project runs on under its new id
    assert query(db, "SELECT count(*) FROM project_history WHERE project_id = 'YH-002'") == [(2,)]
    assert query(db, "SELECT count(*) FROM project_history WHERE project_id LIKE 'P%'") == [(0,)]
    # and a later send without the column still finds them
    load_files([write_xlsx(tmp_path / "w3.xlsx", {"台账": [LEDGER_HEADER[1:], *[without_id(r) for r in rows]]})], db)
    assert query(db, "SELECT count(*) FROM projects") == [(3,)]


def test_an_older_ledger_sent_after_a_newer_one_is_refused_rather_than_set_projects_back(tmp_path):
    db = tmp_path / "d.duckdb"
    week = {day: write_xlsx(tmp_path / f"{day}.xlsx", {"台账": [[f"项目台账（截至2024年6月{day}日）"], LEDGER_HEADER,
                                                             ledger_row("A", "甲项目", signed="2024-01-05", status=status),
                                                             ledger_row("B", "乙项目", signed="2024-02-05")]})
            for day, status in ((10, "签约"), (20, "开工"))}
    load_files([week[10]], db)
    load_files([week[20]], db)
    before = digest(db)
    with pytest.raises(InputRejected) as caught:
        load_files([week[10]], db)
    assert digest(db) == before
    assert [str(e) for e in caught.value.errors] == [
        "10.xlsx:台账:3: 本台账的项目截至 2024-06-10，早于库中的 2024-06-20（“甲项目”等 2 个项目）— 导入会把它们的状态和日期退回"
        "旧值；如这是新台账，请改正标题或“更新日期”列中的日期，如确要恢复旧数据，请在数据管理中回滚到当时的导入"]
    assert query(db, "SELECT status FROM projects WHERE project_id = 'A'") == [("开工",)]
    load_files([week[20]], db)  # the same day again is no step back


def test_resent_names_differing_in_spaces_and_width_match_the_stored_project(tmp_path):
    db = tmp_path / "d.duckdb"
    header = LEDGER_HEADER[1:]
    load_files([write_xlsx(tmp_path / "w1.xlsx", {"台账": [header, without_id(ledger_row("", "ABC 新材料项目（一期）"))]})],
               db)
    load_files([write_xlsx(tmp_path / "w0.xlsx", {"台账": [LEDGER_HEADER, ledger_row("YH-9", "丙项目")]})], db)
    stored = query(db, "SELECT project_id FROM projects WHERE project_name LIKE 'ABC%'")
    week2 = write_xlsx(tmp_path / "w2.xlsx", {"台账": [
        header, without_id(ledger_row("", " ＡＢＣ新材料　项目(一期) ", status="开工")),
        without_id(ledger_row("", "丙 项目", status="投产"))]})
    result = load_files([week2], db)
    assert (result.changes["projects"].added, result.changes["projects"].changed) == (0, 2)
    assert query(db, "SELECT project_id, status FROM projects ORDER BY project_id") == sorted(
        [(stored[0][0], "开工"), ("YH-9", "投产")])


def test_a_name_stored_twice_in_a_zone_is_refused_naming_both_ids(tmp_path):
    db = tmp_path / "d.duckdb"
    load_files([write_xlsx(tmp_path / "w1.xlsx", {"台账": [
        LEDGER_HEADER, ledger_row("YH-1", "甲项目"), ledger_row("YH-2", "甲 项目", investment=1)]})], db)
    before = digest(db)
    week2 = write_csv(tmp_path / "w2.csv", [",".join(LEDGER_HEADER[1:]),
                                            ",".join(str(v or "") for v in without_id(ledger_row("", "乙项目"))),
                                            ",".join(str(v or "") for v in without_id(ledger_row("", "甲项目")))])
    with pytest.raises(InputRejected) as caught:
        load_files([week2], db)
    assert [str(e) for e in caught.value.errors] == [
        "w2.csv:3:A: 项目“甲项目”在库中运城盐湖高新技术产业开发区有 2 个同名项目（编号 YH-1、YH-2）"
        "— 请在“项目编号”列填写其中一个编号"]
    assert digest(db) == before


@pytest.mark.parametrize(("written", "status"), [
    ("已签约未开工", "签约"), ("竣工投产", "投产"), ("已投产", "投产"), ("建成投产", "投产"), ("前期", "在谈"),
    ("前期工作", "在谈"), ("洽谈中", "在谈"), ("在谈", "在谈"), ("在建", "开工"), ("续建", "开工"), ("新开工", "开工"),
    ("已终止", "终止"), ("终止", "终止"), ("停建", "终止"), ("已竣工投产", "投产"), ("试生产", "投产"), ("拟开工", "签约")])
def test_status_synonyms(tmp_path, written, status):
    db = tmp_path / "d.duckdb"
    result = load_files([write_xlsx(tmp_path / "l.xlsx", {"台账": [LEDGER_HEADER, ledger_row("A", "甲项目", status=written)]})],
                        db)
    assert query(db, "SELECT status FROM projects") == [(status,)]
    notes = [note for account in result.accounts for note in account.notes]
    assert (f"项目状态按同义词读取：“{written}”→{status}（1 行）" in notes) == (written != status)


def test_a_status_behind_a_date_already_passed_is_told_but_stored_as_written(tmp_path):
    db = tmp_path / "d.duckdb"
    rows = [["台账（截至2024年6月30日）"], LEDGER_HEADER,
            ledger_row("A", "甲项目", signed=dt.date(2024, 1, 5), started=dt.date(2024, 3, 1), status="已签约未开工"),
            ledger_row("B", "乙项目", signed=dt.date(2023, 1, 5), started=dt.date(2023, 3, 1),
                       produced=dt.date(2024, 5, 1), status="在建"),
            ledger_row("C", "丙项目", signed=dt.date(2024, 1, 5), started=dt.date(2024, 9, 1), status="签约"),  # a plan
            ledger_row("D", "丁项目", signed=dt.date(2024, 1, 5), started=dt.date(2024, 2, 1), status="开工")]
    result = load_files([write_xlsx(tmp_path / "l.xlsx", {"台账": rows})], db)
    assert query(db, "SELECT project_id, status FROM projects ORDER BY 1") == [
        ("A", "签约"), ("B", "开工"), ("C", "签约"), ("D", "开工")]
    notes = [note for note in result.accounts[0].notes if note.startswith("项目状态落后")]
    assert notes == ["项目状态落后于已过的日期：第 3 行“签约”已填开工日期、第 4 行“开工”已填投产日期"
                     " — 看板按状态统计项目、按日期预警，请核对状态或日期"]


def ledger_lines(count: int) -> list[list[str]]:
    """A ledger with something for every rule: 万元 to convert, Excel-less text dates, blanks, status words."""
    statuses = ["签约", "在建", "", "竣工投产", "前期"]
    rows = []
    for i in range(count):
        rows.append([f"ID-{i}" if i % 3 else "", f"项目{i}", "盐湖高新区" if i % 2 else "太原高新区", f"投资方{i % 7}", "",
                     "装备制造", f"{i * 37 % 100000:,}", f"2023-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                     f"2024年{i % 12 + 1}月{i % 28 + 1}日" if i % 4 else "", "", statuses[i % 5],
                     str(round(i * 0.37, 2)), f"{i % 901}.5", "", f"负责人{i % 5}", " 备注 " if i % 11 == 0 else ""])
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(LEDGER_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("gbk")


def extracted(raw):
    errors = ErrorCollector(raw.file_name, raw.sheet)
    table = layout.understand(raw, errors)
    return extract_projects(table, errors, ZoneResolver()), sorted(errors.errors)


def test_big_csv_read_by_duckdb_gives_what_small_files_give(tmp_path):
    """A GBK ledger over 1 MB is read by DuckDB (etl.grid.Grid.from_csv), a small one by csv.reader: the
    projects and messages are the same, row for row, and a bad cell deep in the big file is located."""
    rows = ledger_lines(12_000)
    rows[9_000][7] = "2023-02-30"
    rows[9_001][6] = "12%"
    big = read.read_bytes(csv_bytes(rows), "big.csv").sheets[0]
    assert big.bulk_source is not None
    big_frame, big_errors = extracted(big)
    assert [str(e) for e in big_errors] == [
        "big.csv:9002:H: 日期“2023-02-30”不存在 — 应为日期，如 2021-11-15、2021/11/15 或 2021年11月15日",
        "big.csv:9003:G: “总投资（万元）”填写了百分比“12%” — 应为亿元/千万元/百万元/万元/元计的数值"]
    assert len(big_frame) == 12_000 - 2
    for start in (0, 5_000, 8_990):
        chunk = rows[start:start + 20]
        small_frame, small_errors = extracted(read.read_bytes(csv_bytes(chunk), "big.csv").sheets[0])
        part = big_frame[big_frame["row_number"].between(start + 2, start + 21)].reset_index(drop=True)
        part = part.assign(row_number=part["row_number"] - start)
        assert part.drop(columns=["cell_columns", "sha256"]).equals(small_frame.drop(columns=["cell_columns", "sha256"]))
        assert [(e.row + start, e.column, e.message) for e in small_errors] == [
            (e.row, e.column, e.message) for e in big_errors if start + 2 <= e.row <= start + 21]


def test_values_as_the_row_rules_give_them(tmp_path):
    rows = ledger_lines(13)
    frame, errors = extracted(read.read_bytes(csv_bytes(rows), "l.csv").sheets[0])
    assert errors == []
    first = frame.iloc[1].to_dict()  # row 3: 项目1
    assert (first["project_id"], first["zone_id"], first["total_investment"], first["status"]) == (
        "ID-1", "X140802", 0.0037, "开工")
    assert str(first["signed_date"]) == "2023-02-02" and str(first["started_date"]) == "2024-02-02"
    assert first["projected_tax"] == 0.00015 and first["projected_output"] == 0.37 and pd.isna(first["note"])
    derived = frame.iloc[0]
    assert derived["project_id"].startswith("P") and not derived["id_given"] and frame.iloc[1]["id_given"]
    assert frame.iloc[12]["status"] == "签约"  # no status written: from the dates (签约 only)
    assert frame.iloc[11]["note"] == "备注"


def test_names_folded_together_as_one_by_one():
    names = ["", " ", "ＡＢＣ　项目", "\u0301开头的重音", "e", "\u0301", "“引号”《书名》'x'", "a\x1cb\x85c", "ﬁ①㍿", "甲 项目 "]
    assert normalise_labels(names) == [normalise_label(n) for n in names]
    assert normalise_labels(["a\x00 b", "c d"]) == ["a\x00b", "cd"]


def test_cells_that_are_not_text_in_the_workbook_read_as_their_text(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", {"台账": [LEDGER_HEADER, ledger_row(7, 2024, investor=12345),
                                                    ledger_row(" A-8 ", " 乙项目 ", investor=" 某公司 ")]})
    frame, errors = extracted(read.read_file(path).sheets[0])
    assert errors == []
    assert frame[["project_id", "project_name", "investor"]].values.tolist() == [
        ["7", "2024", "12345"], ["A-8", "乙项目", "某公司"]]


def test_rows_handed_over_one_by_one_give_what_the_bulk_body_gives(tmp_path):
    """A layout that lists the rows itself (no bulk body) is read the same, row numbers included."""
    rows = ledger_lines(30)
    rows[3][7] = "明天"  # row 5
    raw = read.read_bytes(csv_bytes(rows), "l.csv").sheets[0]
    bulk_frame, bulk_errors = extracted(raw)
    errors = ErrorCollector(raw.file_name, raw.sheet)
    table = layout.understand(raw, errors)
    table.row_list, table.body = [r for r in table.body.rows() if r[0] % 2], None
    listed = extract_projects(table, errors, ZoneResolver())
    assert listed.drop(columns="cell_columns").equals(
        bulk_frame[bulk_frame["row_number"] % 2 == 1].reset_index(drop=True).drop(columns="cell_columns"))
    assert sorted(errors.errors) == [e for e in bulk_errors if e.row % 2] != []


@pytest.mark.parametrize("header", ["项目进展", "当前状态", "项目阶段"])
def test_a_status_column_under_another_usual_name_is_read(tmp_path, header):
    db = tmp_path / "d.duckdb"
    columns = [header if h == "项目状态" else h for h in LEDGER_HEADER]
    load_files([write_xlsx(tmp_path / "l.xlsx", {"台账": [columns, ledger_row("A", "甲项目", status="竣工投产")]})], db)
    assert query(db, "SELECT status FROM projects") == [("投产",)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_figure_that_python_rounds_is_kept_whether_written_as_text_or_as_a_number(tmp_path, kind):
    """A converted figure too big for the SQL rounding to be sure of (≥ 1e5 亿元) is rounded by Python's round():
    from the cell's number, whether the cell held text or a number — never left empty."""
    from etl.facts import resolve_unit, to_canonical

    amounts = ["2000000005", 2000000005, "1,999,999,999"]
    rows = [LEDGER_HEADER] + [ledger_row(f"YH-{i}", f"项目{i}", investment=a) for i, a in enumerate(amounts)]
    if kind == "csv":
        path = write_csv(tmp_path / "l.csv", [",".join(f'"{v}"' if v is not None else "" for v in r) for r in rows])
    else:
        path = write_xlsx(tmp_path / "l.xlsx", {"台账": rows})
    frame, errors = extracted(read.read_file(path).sheets[0])
    factor = resolve_unit("signed_investment", "万元", [])[0]
    assert errors == []
    assert frame["total_investment"].tolist() == [to_canonical(float(str(a).replace(",", "")), factor) for a in amounts]


def test_two_weeks_of_a_ledger_in_one_load_are_told_apart_from_a_copied_row(tmp_path):
    """Two weekly ledgers without 项目编号 loaded together: the message says what the clash is and what to do, in
    words (空, not Python's None)."""
    weeks = [write_xlsx(tmp_path / f"w{n}.xlsx", {"台账": [LEDGER_HEADER[1:], without_id(row)]}) for n, row in (
        (1, ledger_row("", "甲项目", signed="2024-01-05", started=None, status="签约")),
        (2, ledger_row("", "甲项目", signed="2024-01-05", started="2024-03-01", status="开工")))]
    with pytest.raises(InputRejected) as caught:
        load_files(weeks, tmp_path / "d.duckdb")
    message = str(caught.value.errors[0])
    assert "的项目（开发区和项目名称相同）重复但数值不同（此处 2024-03-01、开工，彼处 空、签约）" in message, message
    assert message.endswith("请按日期先后分次导入") and "None" not in message, message


@pytest.mark.parametrize("signed", ["2024-02-01", dt.date(2024, 2, 1)], ids=["text", "date-cell"])
def test_a_project_renamed_in_a_ledger_without_ids_is_pointed_out(tmp_path, signed):
    """Without 编号 a new name is a new project (the contract's rule); when its investor and signing day are those
    of a stored project this send leaves out, the reading notes say it may be the same one renamed."""
    db = tmp_path / "d.duckdb"
    first = [without_id(ledger_row("", "凯丰换热器二期项目", signed=signed, investor="凯丰节能科技有限公司")),
             without_id(ledger_row("", "甲项目", signed="2024-01-05"))]
    load_files([write_xlsx(tmp_path / "w1.xlsx", {"台账": [LEDGER_HEADER[1:], *first]})], db)
    old_id = dict(query(db, "SELECT project_name, project_id FROM projects"))["凯丰换热器二期项目"]
    renamed = [without_id(ledger_row("", "凯丰节能换热器二期工程", signed=signed, investor="凯丰节能科技有限公司")),
               first[1]]
    result = load_files([write_xlsx(tmp_path / "w2.xlsx", {"台账": [LEDGER_HEADER[1:], *renamed]})], db)
    notes = [note for account in result.accounts for note in account.notes]
    assert any(note.startswith("新项目“凯丰节能换热器二期工程”与库中未在本次台账出现的“凯丰换热器二期项目”") and old_id in note
               for note in notes), notes
    assert query(db, "SELECT count(*) FROM projects") == [(3,)]  # stored as sent: the clerk decides


def test_a_stored_project_in_talks_without_a_signing_day_is_no_rename_candidate(tmp_path):
    """(Its missing day once crashed the check: a traceback in place of the load.)"""
    db = tmp_path / "d.duckdb"
    talks = without_id(ledger_row("", "乙项目", signed=None, status="在谈", investor="某某科技有限公司"))
    load_files([write_xlsx(tmp_path / "w1.xlsx", {"台账": [LEDGER_HEADER[1:], talks]})], db)
    week2 = [without_id(ledger_row("", "丙项目", signed="2024-02-01", investor="某某科技有限公司"))]
    result = load_files([write_xlsx(tmp_path / "w2.xlsx", {"台账": [LEDGER_HEADER[1:], *week2]})], db)
    assert (result.changes["projects"].added, result.changes["projects"].changed) == (1, 0)
    assert not [note for account in result.accounts for note in account.notes if note.startswith("新项目")]


def test_stored_projects_a_resent_ledger_leaves_out_are_said_to_count_still(tmp_path):
    db = tmp_path / "d.duckdb"
    rows = [ledger_row("A", "甲项目", signed="2024-01-05"), ledger_row("B", "乙项目", signed="2024-02-05"),
            ledger_row("C", "丙项目", signed="2024-03-05", status="终止")]
    load_files([write_xlsx(tmp_path / "w1.xlsx", {"台账": [LEDGER_HEADER, *rows]})], db)
    result = load_files([write_xlsx(tmp_path / "w2.xlsx", {"台账": [LEDGER_HEADER, rows[0]]})], db)
    notes = [note for account in result.accounts for note in account.notes]
    assert "库中这些开发区另有 1 个项目本次台账未列出（如“乙项目”）：仍按库中的状态计入；已终止或转出的项目请留在台账中，" \
           "把项目状态写为“终止”" in notes, notes  # 丙项目 is 终止: not counted, not mentioned
    assert query(db, "SELECT count(*) FROM projects") == [(3,)]
