"""What one cell holds: its text, missing or a number (`1,234.56`, ` 36 `, `12.5%`, `—`). Lower than every stage."""
from __future__ import annotations

import datetime as dt
import re
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


_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?%?$")  # 1,234 / 12,345.6 / -1,234,567


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
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if text[:1] in ("'", "‘", "’"):  # the text prefix of a number typed as text, pasted along with it
        text = text[1:]
    if "," in text:
        if not _GROUPED.match(text):  # 12,5 is a decimal comma or a typo, not 125
            return None, (f"“{str(value).strip()[:40]}”中的逗号不在千分位上 — 小数请用小数点（如 12.5），"
                          "千分位每三位一个逗号（如 1,234.5）")
        text = text.replace(",", "")
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
