"""Evaluate the few formulas it is safe to evaluate when a workbook was saved without their results.

Workbooks written by POI/openpyxl carry `<f>SUM(C3:C4)</f>` and no `<v>`: Excel computes on opening, we must
not read an empty cell instead. Safe means exactly what Excel would show: numbers, references to cells of the
same sheet (`C3`, `$C$3`, other formula cells included, cycles refused), `SUM(…)` of ranges, references and
expressions, `+ - * /`, parentheses and signs. SUM skips text and empty cells as Excel does; arithmetic on
text is refused rather than guessed. Anything else raises NotEvaluable. Imported only by etl.read.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)"
                    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)(?![A-Z0-9_(!])"
                    r"|(?P<sum>SUM)\s*\(|(?P<op>[-+*/(),]))")
_ONE_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


class NotEvaluable(Exception):
    pass


def _column(letters: str) -> int:
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return column


def _cell(text: str, shift: tuple[int, int]) -> tuple[int, int]:
    dollar_col, letters, dollar_row, digits = _ONE_REF.fullmatch(text).groups()
    row = int(digits) + (0 if dollar_row else shift[0])
    column = _column(letters) + (0 if dollar_col else shift[1])
    if row < 1 or column < 1:
        raise NotEvaluable(text)
    return row, column


def tokens(formula: str, shift: tuple[int, int] = (0, 0)) -> list[tuple[str, Any]]:
    """('number', 3.0) / ('ref', ((r1, c1), (r2, c2))) / ('sum', None) / ('op', '+'). shift moves relative refs
    (a shared formula's text, written once at its master cell, applied to another cell)."""
    out, position, text = [], 0, formula.strip().upper()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise NotEvaluable(formula)
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "number":
            out.append(("number", float(value)))
        elif kind == "ref":
            first, _, last = value.partition(":")
            a = _cell(first, shift)
            out.append(("ref", (a, _cell(last, shift) if last else a)))
        else:
            out.append((kind, value))
    return out


class Evaluator:
    """value(row, column) -> the cell's value (None when empty); formula_at(row, column) -> the formula text (and
    its shift) of a cell saved without a result, or None."""

    def __init__(self, value: Callable[[int, int], Any],
                 formula_at: Callable[[int, int], tuple[str, tuple[int, int]] | None]):
        self._value, self._formula_at = value, formula_at
        self._done: dict[tuple[int, int], float] = {}
        self._busy: set[tuple[int, int]] = set()

    def cell(self, row: int, column: int) -> Any:
        """The cell's value, computing it when it is a formula without a saved result."""
        key = (row, column)
        if key in self._done:
            return self._done[key]
        formula = self._formula_at(row, column)
        if formula is None:
            return self._value(row, column)
        if key in self._busy:
            raise NotEvaluable("循环引用")
        self._busy.add(key)
        try:
            result = _Parser(tokens(*formula), self).parse()
        finally:
            self._busy.discard(key)
        self._done[key] = result
        return result


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise NotEvaluable(repr(value))


class _Parser:
    def __init__(self, items: list[tuple[str, Any]], cells: Evaluator):
        self.items, self.at, self.cells = items, 0, cells

    def parse(self) -> float:
        result = self.expr()
        if self.at != len(self.items):
            raise NotEvaluable("trailing")
        return result

    def peek(self) -> tuple[str, Any] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self, op: str | None = None) -> tuple[str, Any]:
        item = self.peek()
        if item is None or (op is not None and item != ("op", op)):
            raise NotEvaluable("syntax")
        self.at += 1
        return item

    def expr(self) -> float:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            value = value + self.term() if self.take()[1] == "+" else value - self.term()
        return value

    def term(self) -> float:
        value = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            if self.take()[1] == "*":
                value *= self.unary()
            else:
                divisor = self.unary()
                if divisor == 0:
                    raise NotEvaluable("#DIV/0!")
                value /= divisor
        return value

    def unary(self) -> float:
        if self.peek() in (("op", "-"), ("op", "+")):
            return -self.unary() if self.take()[1] == "-" else self.unary()
        return self.atom()

    def atom(self) -> float:
        kind, value = self.take()
        if kind == "number":
            return value
        if kind == "ref":
            (top, left), (bottom, right) = value
            if (top, left) != (bottom, right):
                raise NotEvaluable("a range outside SUM")
            return _number(self.cells.cell(top, left))
        if kind == "sum":
            return self.sum()
        if value == "(":
            inner = self.expr()
            self.take(")")
            return inner
        raise NotEvaluable("syntax")

    def sum(self) -> float:
        total = 0.0
        while True:
            item = self.peek()
            following = self.items[self.at + 1] if self.at + 1 < len(self.items) else None
            if item and item[0] == "ref" and following in (("op", ","), ("op", ")")):
                self.at += 1
                (top, left), (bottom, right) = item[1]
                if (bottom - top + 1) * (right - left + 1) > 1_000_000:
                    raise NotEvaluable("range too big")
                for row in range(min(top, bottom), max(top, bottom) + 1):
                    for column in range(min(left, right), max(left, right) + 1):
                        cell = self.cells.cell(row, column)
                        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                            total += cell  # SUM over references skips text, logicals and blanks, as Excel does
            else:
                total += self.expr()
            separator = self.take()
            if separator == ("op", ")"):
                return total
            if separator != ("op", ","):
                raise NotEvaluable("syntax")
