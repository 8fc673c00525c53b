"""What one cell holds: its text, missing or a number (`1,234.56`, ` 36 `, `12.5%`, `—`). Lower than every stage."""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

MISSING_TOKENS = frozenset({"", "—", "——", "-", "--", "－", "–", "/", "／", "\\", "NA", "N/A", "n/a", "null", "None", "nan", "…"})

def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip() in MISSING_TOKENS


def parse_number(value: Any) -> tuple[float | None, str | None]:
    """Return (number or None if missing, problem). `12.5%` gives 12.5 with a problem for the caller to judge."""
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return None, f"“{value}”不是数字"
    if isinstance(value, (int, float)):
        return float(value), None
    if isinstance(value, (dt.date, dt.datetime)):
        return None, f"“{value}”是日期，不是数字"
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        return None, f"“{str(value).strip()[:40]}”不是数字"
    if number != number or number in (float("inf"), float("-inf")):
        return None, f"“{str(value).strip()[:40]}”不是数字"
    if percent:
        return number, "percent"
    return number, None
