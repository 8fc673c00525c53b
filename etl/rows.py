"""Which rows of a sheet are not data: spacers, 表尾 (signatures, dates), notes, unit lines, total rows, hidden rows,
a repeated header — and where a second table on the same sheet begins.

One home for the rules so the row-by-row path (ledgers, lists) and the bulk path (etl.grid.keep_rows) agree.
`row_reason` judges one row on its own; `settle` decides the rows that are a footer only because one stands above
them; `pick` applies both to a Table and records every skipped row in the sheet's account. The word lists are
data: etl/catalogue/rows.toml.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from etl import catalogue
from etl.catalogue import normalise_label
from etl.cells import cell_text
from etl.grid import keep_rows
from etl.paths import CATALOGUE_DIR
from etl.sheet import RawSheet

UNITS_LINE = re.compile(r"^\s*(?:计量)?单位\s*[:：]\s*(?P<units>.+)$")
_REMARK = re.compile(r"\([^()]*\)$|\([^()]*\)(?=:$)")  # "（签字）", "（万元）" after NFKC
_NOTE_FOLLOWER = re.compile(r"[:.、,;\d]")
# A line continuing a note or a signature ("1.本表为快报数", "（2）…", "2025年1月10日"): a footer only below one.
_CONTINUATION = re.compile(r"^(?:\(?\d{1,2}[).、]|\(\d{1,2}\)|[一二三四五六七八九十]{1,2}[、.]|"
                           r"(?:19|20)\d{2}[年./-]\d{1,2}(?:[月./-]\d{1,2}日?)?$)")

# Reasons, as the account shows them.
BLANK, FOOTER, NOTE, UNITS, TOTAL, HIDDEN, HEADER = "空行", "表尾", "说明", "单位行", "合计行", "隐藏", "重复表头"
GROUP = "分类标题"
MAYBE_FOOTER = "表尾?"  # a row that is footer only when it follows one (see settle); never recorded as such
MAYBE_GROUP = "分类标题?"  # "一、国家级开发区": footer when it follows one (a numbered note), else a group heading
# What a total row covers.
GRAND, SUB, PART = "grand", "sub", "part"


@cache
def _rules() -> dict:
    with open(CATALOGUE_DIR / "rows.toml", "rb") as handle:
        rules = tomllib.load(handle)
    for key in ("footer_labels", "note_labels", "grand_totals", "subtotal_endings", "part_prefixes"):
        rules[key] = [normalise_label(word) for word in rules[key]]
    rules["footer_labels"].sort(key=len, reverse=True)
    return rules


def fold(value: Any) -> str:
    return normalise_label(cell_text(value))


def is_footer_label(value: Any) -> bool:
    text = fold(value)
    return bool(text) and any(text.startswith(label) for label in _rules()["footer_labels"])


def is_bare_footer_label(value: Any) -> bool:
    """"填表人：" / "联系电话" / "单位负责人（签字）：" on its own: the value is in the next cell."""
    return _REMARK.sub("", fold(value)).rstrip(":") in _rules()["footer_labels"]


def is_note(value: Any) -> bool:
    text = fold(value)
    if not text:
        return False
    if any(text.startswith(mark) for mark in _rules()["note_marks"]):
        return True
    for label in _rules()["note_labels"]:
        if text.startswith(label):
            rest = text[len(label):]
            if not rest or _NOTE_FOLLOWER.match(rest):
                return True
    return False


def total_kind(value: Any) -> str | None:
    """GRAND, SUB or PART when the text names a total row ("合计", "太原市小计", "其中：国家级"), else None."""
    text = fold(value)
    if not text:
        return None
    rules = _rules()
    if any(text.startswith(prefix) for prefix in rules["part_prefixes"]):
        return PART
    qualified = _REMARK.sub("", text)  # "合计（国家级）": a total of some of the rows, like 其中
    if qualified != text and (qualified in rules["grand_totals"] or qualified in rules["subtotal_endings"]):
        return PART
    if text in rules["grand_totals"]:
        return GRAND
    if len(text) <= rules["subtotal_max_length"] and any(text.endswith(end) for end in rules["subtotal_endings"]):
        return SUB
    return None


def is_zone_header(value: Any) -> bool:
    return catalogue.column_synonyms().get(fold(value)) == "zone"


def is_header_word(value: Any) -> bool:
    """A column header ("开发区", "项目名称", "签约项目数（个）"), as a repeated header row holds in its zone cell."""
    text = _REMARK.sub("", fold(value))
    return text in catalogue.column_synonyms() or text in catalogue.indicator_aliases()


def _is_header_row(texts: list[str]) -> bool:
    return any(is_zone_header(t) for t in texts) and sum(map(is_header_word, texts)) >= 2


def _footer_start(value: Any) -> str | None:
    if is_note(value):
        return NOTE
    if is_footer_label(value):
        return FOOTER
    return None


def names_a_total(value: Any) -> bool:
    """合计 / 太原市小计 (not 其中: a part may be a zone's own row, 其中：盐湖高新区 | 36)."""
    return total_kind(value) in (GRAND, SUB)


def row_reason(row: list[Any], zone_column: int | None, name_column: int | None = None) -> str | None:
    """Why the row is not data (BLANK, FOOTER, NOTE, UNITS, TOTAL, HEADER, GROUP or MAYBE_FOOTER), or None when it is.
    `name_column`: a ledger's 项目名称 (or a list's 企业名称), where a 小计 row may be named while its zone cell
    holds the zone (typed on every row, or filled from a cell merged over the zone's block)."""
    texts = [cell_text(v) for v in row]
    filled = [index for index, text in enumerate(texts) if text]
    if not filled:
        return BLANK
    first = texts[filled[0]]
    zone_index = zone_column - 1 if zone_column and zone_column <= len(texts) else None
    zone = texts[zone_index] if zone_index is not None else ""
    if len({texts[i] for i in filled}) == 1 and UNITS_LINE.match(first):
        return UNITS
    start = _footer_start(first)
    if start and (not zone or zone_index == filled[0] or _footer_start(zone)
                  or _is_value_of_label(texts, filled, zone_index)):
        return start
    if total_kind(zone) or (not zone and total_kind(first)):
        return TOTAL
    name = texts[name_column - 1] if name_column and name_column <= len(texts) else ""
    if (filled[0] != zone_index and names_a_total(first)) or names_a_total(name):
        return TOTAL  # "小计" in 序号 or 项目名称 beside the zone it totals
    if (is_header_word(zone) if zone else is_header_word(first)) and _is_header_row(texts):
        return HEADER
    if not zone or _CONTINUATION.match(fold(zone)):
        return MAYBE_GROUP if _is_group_heading(texts, filled, zone_index) else MAYBE_FOOTER
    if _is_group_heading(texts, filled, zone_index):
        return GROUP
    return None


def _is_group_heading(texts: list[str], filled: list[int], zone_index: int | None) -> bool:
    """Only a group's name ("一 | 国家级开发区", "太原市", "一、省级开发区" merged across): no figure right of the zone
    cell (or one text filling the row), and no known zone — a zone without figures stays a data row."""
    if zone_index is None:
        return False
    label = texts[zone_index] if zone_index < len(texts) and texts[zone_index] else texts[filled[0]]
    if fold(label) in catalogue.zone_aliases() or _footer_start(label) or _digits_only(label):
        return False
    return all(index <= zone_index for index in filled) or len({texts[i] for i in filled}) == 1


def _digits_only(text: str) -> bool:
    return text.replace(".", "").isdigit()


def _is_value_of_label(texts: list[str], filled: list[int], zone_index: int | None) -> bool:
    """The zone cell holds the value of a footer label in the filled cell before it ("填表人：" | "张三")."""
    if zone_index is None or zone_index not in filled:
        return False
    position = filled.index(zone_index)
    return position > 0 and is_bare_footer_label(texts[filled[position - 1]])


def dropped(row: list[Any], zone_column: int | None, name_column: int | None = None) -> bool:
    """The row on its own is not data (a MAYBE_FOOTER row is kept unless settle finds a footer above it)."""
    return row_reason(row, zone_column, name_column) not in (None, MAYBE_FOOTER)


def first_may_drop(value: Any) -> bool:
    """Could a row whose first non-blank cell holds this value be dropped? (bulk pre-filter)"""
    text = cell_text(value)
    if text.isascii() and any(c.isdigit() for c in text):  # 项目编号, 序号, figures: unique per row, so keep it cheap
        return bool(_CONTINUATION.match(text))
    return bool(_footer_start(text) or UNITS_LINE.match(text) or total_kind(text) or _CONTINUATION.match(fold(text))
                or is_header_word(text))


def is_total(value: Any) -> bool:
    """Could a row whose zone cell holds this value be dropped? (bulk pre-filter; blank zone cells always are)"""
    return bool(total_kind(value) or _footer_start(value) or is_header_word(value) or _CONTINUATION.match(fold(value))
                or (cell_text(value) and fold(value) not in catalogue.zone_aliases()))  # a group heading


@dataclass
class SkippedRow:
    row: int  # 1-based Excel row
    reason: str
    cells: list[Any]

    @property
    def text(self) -> str:
        return " ".join(dict.fromkeys(t for t in (cell_text(v) for v in self.cells) if t))


def settle(judged: list[tuple[int, str | None, list[Any]]]) -> list[SkippedRow]:
    """The rows finally skipped, from the doubtful rows in sheet order with their row_reason (every row not
    listed is data). A MAYBE_FOOTER row is footer when the row above it is footer (blank and hidden rows
    in between carry the footer on), else data."""
    out: list[SkippedRow] = []
    footer_at = None  # the last row that belongs to a footer
    for number, reason, cells in judged:
        follows = footer_at is not None and footer_at == number - 1
        if reason in (FOOTER, NOTE) or (reason in (MAYBE_FOOTER, MAYBE_GROUP) and follows):
            footer_at = number
            reason = FOOTER if reason in (MAYBE_FOOTER, MAYBE_GROUP) else reason
        elif reason == MAYBE_GROUP:
            reason = GROUP
        elif reason in (BLANK, HIDDEN) and follows:
            footer_at = number
        if reason and reason != MAYBE_FOOTER:
            out.append(SkippedRow(number, reason, cells))
    return out


def pick(table, zone_column: int | None, in_bulk: bool, name_column: int | None = None) -> tuple[int, str] | None:
    """Keep the data rows of an etl.layout.Table (`in_bulk`: in table.body, else in table.row_list), put the skipped
    ones in table.skipped and the sheet's account, and return where a second table further down the sheet begins
    (a new title above the same header again) and its title, for etl.layout to read."""
    skipped = _keep(table, zone_column, None, in_bulk, name_column)
    second = _second_table(table, skipped)
    if second is not None:
        start, title = second
        skipped = _keep(table, zone_column, start - 1, in_bulk, name_column)
    table.skipped = skipped
    account = table.raw.account
    for row in skipped:
        account.skip_row(row.row, row.reason, row.text)
    account.rows += table.row_count
    return second


def _keep(table, zone_column: int | None, last_row: int | None, in_bulk: bool,
          name_column: int | None) -> list[SkippedRow]:
    raw = table.raw
    hidden = raw.hidden_rows

    def judge(rows: list[tuple[int, list[Any]]]) -> list[SkippedRow]:
        return settle([(n, HIDDEN if n in hidden else row_reason(cells, zone_column, name_column), cells)
                       for n, cells in rows])

    if in_bulk:  # big sheets: see etl/bulk.py, etl/ledger.py
        also = sorted(n for n in hidden if n > table.header_row and (last_row is None or n <= last_row))
        table.body = keep_rows(raw.grid(), table.header_row, zone_column,
                               lambda row: dropped(row, zone_column, name_column), first_may_drop, is_total,
                               also=also, settle=judge, last_row=last_row, name_column=name_column,
                               name_may_drop=names_a_total)
        return table.body.skipped
    end = len(raw.cells) if last_row is None else min(last_row, len(raw.cells))
    rows = [(index + 1, raw.cells[index]) for index in range(table.header_row, end)]
    skipped = judge(rows)
    left_out = {row.row for row in skipped}
    table.row_list = [(number, cells) for number, cells in rows if number not in left_out]
    return skipped


_TITLE_LOOKBACK = 6


def _second_table(table, skipped: list[SkippedRow]) -> tuple[int, str] | None:
    """(first row, title) of a second table: a repeated header with a title above it. A header repeated without a
    new title (copied every page) is only a skipped row."""
    for header in (row for row in skipped if row.reason == HEADER):
        above = _cells_between(table.raw, max(table.header_row + 1, header.row - _TITLE_LOOKBACK), header.row - 1)
        start, title = None, None
        for number, cells in reversed(above):
            texts = {cell_text(v) for v in cells} - {""}
            if not texts:
                continue
            if len(texts) == 1 and UNITS_LINE.match(next(iter(texts))):
                start = number
                continue
            if len(texts) == 1 and _is_title(next(iter(texts))):
                start, title = number, next(iter(texts))
                continue
            break
        if title is not None:
            return start, title
    return None


def _is_title(text: str) -> bool:
    return not (fold(text) in catalogue.zone_aliases() or _footer_start(text) or total_kind(text) or is_header_word(text))


def _cells_between(raw, first: int, last: int) -> list[tuple[int, list[Any]]]:
    if first > last:
        return []
    if raw.in_grid:
        return raw.grid().rows(f"row_number BETWEEN {first} AND {last}")
    return [(index + 1, raw.cells[index]) for index in range(first - 1, min(last, len(raw.cells)))]


class SheetFrom(RawSheet):
    """The same sheet read from row `start` down (what understand() sees of a second table): the rows above it
    look blank; cells, grid, account and hidden rows are the whole sheet's, so row numbers stay."""

    def __init__(self, whole: RawSheet, start: int):  # not super().__init__: that would make a new account
        self.__dict__.update(whole.__dict__)
        self.whole, self.start = whole, start

    @property
    def cells(self) -> list[list[Any]]:
        return self.whole.cells

    def grid(self):
        return self.whole.grid()

    def head(self, count: int) -> list[list[Any]]:
        rows = [cells for _, cells in _cells_between(self.whole, self.start, self.start + count - 1)]
        return [[] for _ in range(self.start - 1)] + rows
