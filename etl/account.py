"""What a load read, sheet by sheet: the account a clerk reads to check that nothing was guessed.

Every stage adds to the same SheetAccount (the reader: skipped sheets, hidden rows; the layout: the table kind and
why, the unit and where it was found, each column's fate, rows skipped and why; the normaliser: notes about values).
The CLI prints `lines()`, `--json` prints `to_dict()`, the 数据管理 page shows both. Lower than every stage.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from etl.errors import get_column_letter


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    return get_column_letter(column)


@dataclass
class ColumnNote:
    column: int  # 1-based
    header: str
    outcome: str  # "→ 签约项目数（signed_investment）", "跳过：同比列", "跳过：隐藏列" …

    @property
    def letter(self) -> str:
        return column_letter(self.column)


@dataclass
class RowNote:
    row: int  # 1-based Excel row
    reason: str  # "隐藏", "合计", "表尾", "说明" …
    text: str = ""  # what the row said (first cells), for the clerk to recognise it


@dataclass
class SheetAccount:
    file_name: str
    sheet: str | None = None
    layout: str | None = None  # etl.layout LAYOUT_* key, None when the sheet was skipped or refused
    layout_name: str | None = None
    reason: str = ""  # why this table kind: "表头含“项目名称”" / "标题“2025年目标任务分解表”含“目标”"
    header_row: int | None = None
    units: list[str] = field(default_factory=list)  # "金额：万元（A2“金额单位：万元”）"
    columns: list[ColumnNote] = field(default_factory=list)
    skipped_rows: list[RowNote] = field(default_factory=list)
    skipped: str | None = None  # the whole sheet was not loaded, and why ("隐藏工作表", "说明页", "空白")
    rows: int = 0  # data rows read
    notes: list[str] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.file_name + (f":{self.sheet}" if self.sheet else "")

    def column(self, column: int, header: str, outcome: str) -> None:
        self.columns.append(ColumnNote(column, header, outcome))

    def skip_row(self, row: int, reason: str, text: str = "") -> None:
        self.skipped_rows.append(RowNote(row, reason, text[:60]))

    def rows_in(self, frame):
        """The rows of a frame with file_name and sheet columns that were read from this sheet."""
        return frame[(frame["file_name"] == self.file_name) & (frame["sheet"].fillna("") == (self.sheet or ""))]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def to_dict(self) -> dict:
        out = asdict(self)
        for column in out["columns"]:
            column["letter"] = column_letter(column["column"])
        return out

    def lines(self) -> list[str]:
        if self.skipped:
            return [f"{self.place}：未导入（{self.skipped}）"]
        head = f"{self.place}：读作{self.layout_name or self.layout or '（未识别）'}"
        if self.reason:
            head += f"（{self.reason}）"
        if self.header_row:
            head += f"，表头在第 {self.header_row} 行"
        head += f"，数据 {self.rows} 行"
        lines = [head]
        if self.units:
            lines.append("  单位：" + "；".join(self.units))
        for note in self.columns:
            lines.append(f"  {note.letter} 列“{note.header}” {note.outcome}")
        for reason, rows in group_rows(self.skipped_rows):
            said = [n for n in self.skipped_rows if n.reason == reason]
            if len(said) <= 3 and all(n.text for n in said):
                rows = "、".join(f"{n.row}（{n.text[:30]}）" for n in said)
            lines.append(f"  跳过{reason}：第 {rows} 行")
        lines.extend(f"  {note}" for note in self.notes)
        return lines


def group_rows(notes: list[RowNote]) -> list[tuple[str, str]]:  # also the 数据管理 page's
    """[(reason, "3、7–9、12")] in first-seen order of reasons: long runs of hidden rows read as ranges."""
    by_reason: dict[str, list[int]] = {}
    for note in notes:
        by_reason.setdefault(note.reason, []).append(note.row)
    out = []
    for reason, rows in by_reason.items():
        rows = sorted(set(rows))
        parts, start = [], rows[0]
        for previous, current in zip(rows, rows[1:] + [None], strict=True):
            if current != previous + 1 if current is not None else True:
                parts.append(str(start) if start == previous else f"{start}–{previous}")
                start = current
        out.append((reason, "、".join(parts)))
    return out
