"""Which rows of a sheet are not data: spacers, 表尾 (signatures, dates), notes, unit lines and total rows.

One home for the rules so the row-by-row path (ledgers, lists) and the bulk path (etl.bulk.keep_rows) agree.
`row_reason` names why a row is skipped; the layout records that reason in the sheet's account.
"""
from __future__ import annotations

import re
from typing import Any

from etl.catalogue import normalise_label

UNITS_LINE = re.compile(r"^\s*(?:计量)?单位\s*[:：]\s*(?P<units>.+)$")
FOOTNOTE = re.compile(r"^\s*(注|备注|说明|数据来源|资料来源|填报|制表|审核|负责人|联系人)\s*[:：0-9１-９]")
TOTAL_ROW = {"合计", "总计", "全省合计", "全市合计", "小计", "全省", "总数"}

# Reasons, as the account shows them.
BLANK, FOOTER, UNITS, TOTAL = "空行", "表尾", "单位行", "合计行"


def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def row_reason(row: list[Any], zone_column: int | None) -> str | None:
    """Why the row is not data, or None when it is."""
    texts = [cell_text(v) for v in row]
    non_empty = [t for t in texts if t]
    if not non_empty:
        return BLANK
    if FOOTNOTE.match(non_empty[0]):
        return FOOTER
    if len(non_empty) == 1 and UNITS_LINE.match(non_empty[0]):
        return UNITS
    if zone_column and normalise_label(texts[zone_column - 1] if zone_column <= len(texts) else "") in TOTAL_ROW:
        return TOTAL
    return None


def dropped(row: list[Any], zone_column: int | None) -> bool:
    return row_reason(row, zone_column) is not None


def first_may_drop(value: Any) -> bool:
    """Could a row whose first non-blank cell holds this value be dropped? (bulk pre-filter)"""
    text = cell_text(value)
    return bool(FOOTNOTE.match(text) or UNITS_LINE.match(text))


def is_total(value: Any) -> bool:
    """Could a row whose zone cell holds this value be dropped? (bulk pre-filter)"""
    return normalise_label(cell_text(value)) in TOTAL_ROW
