"""Located input errors: `FILE[:SHEET]:ROW:COLUMN: what is wrong — what is expected`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_REPORTED_ERRORS = 300


def get_column_letter(column: int) -> str:
    """1 -> A, 27 -> AA, as Excel names columns (openpyxl's, without importing openpyxl)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, order=True)
class InputError:
    file_name: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None  # 1-based, as Excel shows it (A = 1)
    message: str = ""

    def location(self) -> str:
        parts = [self.file_name]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(str(self.row))
            if self.column is not None:
                parts.append(get_column_letter(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class InputRejected(Exception):
    """Raised with every error found in one load; nothing is stored."""

    def __init__(self, errors: list[InputError], accounts: list | None = None):
        self.errors = sorted(set(errors), key=_sort_key)
        self.accounts = accounts or []  # etl.account.SheetAccount of each sheet read before the refusal
        super().__init__(f"{len(self.errors)} input error(s)")

    def to_dict(self) -> dict:
        return {"rejected": True,
                "errors": [{"file": e.file_name, "sheet": e.sheet, "row": e.row, "column": e.column,
                            "location": e.location(), "message": e.message} for e in self.errors],
                "sheets": [account.to_dict() for account in self.accounts]}

    def report(self, limit: int = MAX_REPORTED_ERRORS) -> list[str]:
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"……另有 {len(self.errors) - limit} 处错误未列出（共 {len(self.errors)} 处）")
        return lines


def _sort_key(error: InputError):
    return (error.file_name, error.sheet or "", error.row or 0, error.column or 0, error.message)


class ErrorCollector:
    """Gathers errors for one file/sheet so every reader reports them the same way."""

    def __init__(self, file_name: str, sheet: str | None = None):
        self.file_name = file_name
        self.sheet = sheet
        self.errors: list[InputError] = []

    def add(self, message: str, row: int | None = None, column: int | None = None) -> None:
        self.errors.append(InputError(self.file_name, self.sheet, row, column, message))


# Raised by later stages and caught by the CLI, here so that `python -m etl` need not import those stages to start.

class OutliersUnconfirmed(InputRejected):
    """A real load with suspect figures that nobody confirmed; nothing is stored."""

    def to_dict(self) -> dict:
        return {**super().to_dict(), "outliers_unconfirmed": True}


class PublishBusy(Exception):
    """Another publish (load or rollback) holds the write lock longer than the caller was willing to wait."""

    def __init__(self, db_path: Path | str, waited: float):
        self.db_path = Path(db_path)
        self.waited = waited
        super().__init__("另一位管理员正在发布，请稍后重试")


class StorageVersionError(ValueError):
    """DEVZONE_STORAGE_VERSION is not a storage version this DuckDB can write."""
