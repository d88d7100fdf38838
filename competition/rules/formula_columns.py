"""Formulas evaluated for a whole column of rows at once, with the row-by-row meaning.

A rule file's formula runs once per entrant (and item): at 10,000 entrants that is tens of
thousands of closure calls on Fractions. The common operators compile here to column
operations (:mod:`competition.rules.column_arithmetic`); a formula with anything else (text,
``round`` to a computed number of digits) compiles to ``None`` and the engine keeps the
row-by-row evaluator. Rows the column cannot give (a missing input, a division by zero) are
not present in the result: the engine evaluates those rows one by one. Conditionals and
``and``/``or`` are lazy as row by row: both branches are computed for the whole column, but a
row is present when the branch it takes is, whatever the other holds.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import numpy as np

from competition.rules import column_arithmetic as ops
from competition.rules.columns import Column, constant, from_values, rounded, to_fractions
from competition.rules.formula import MISSING
from competition.rules.numbers import RoundingMode

Inputs = Mapping[str, Column]
ColumnEvaluator = Callable[[Inputs, int], Column]  # (columns by name, rows) → column


class _Unsupported(Exception):
    """The formula uses something only the row-by-row evaluator computes."""


_COMPARISONS: dict[type[ast.cmpop], Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


@lru_cache(maxsize=512)
def column_formula(text: str) -> ColumnEvaluator | None:
    """The column evaluator of a formula already accepted by ``parse_formula``, or ``None``
    when it needs the row-by-row evaluator."""
    try:
        return _Compiler(text).compile(ast.parse(text.strip(), mode="eval").body)
    except _Unsupported:
        return None


class _Compiler:
    def __init__(self, text: str) -> None:
        self.text = text.strip()

    def compile(self, node: ast.expr) -> ColumnEvaluator:
        number = self._number(node)
        if number is not None:
            return lambda inputs, rows: constant(number, rows)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.BoolOp):
            return self._boolean(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.IfExp):
            test, body, orelse = (self.compile(n) for n in (node.test, node.body, node.orelse))
            return lambda i, r: ops.choose(test(i, r), body(i, r), orelse(i, r))
        if isinstance(node, ast.Call):
            return self._call(node)
        raise _Unsupported

    def _number(self, node: ast.expr) -> Fraction | None:
        """A literal number (or bool) exactly as the row-by-row compiler reads it."""
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return Fraction(int(node.value))
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            segment = ast.get_source_segment(self.text, node) or repr(node.value)
            return Fraction(Decimal(segment.replace("_", "")))
        if isinstance(node, ast.Name) and node.id in ("true", "false"):
            return Fraction(int(node.id == "true"))
        return None

    def _name(self, name: str) -> ColumnEvaluator:
        return lambda inputs, rows: inputs[name]

    def _binary(self, node: ast.BinOp) -> ColumnEvaluator:
        left, right = self.compile(node.left), self.compile(node.right)
        if isinstance(node.op, ast.Add):
            return lambda i, r: ops.add(left(i, r), right(i, r))
        if isinstance(node.op, ast.Sub):
            return lambda i, r: ops.add(left(i, r), right(i, r), -1)
        if isinstance(node.op, ast.Mult):
            return lambda i, r: ops.multiply(left(i, r), right(i, r))
        if isinstance(node.op, ast.Div):
            return lambda i, r: ops.divide(left(i, r), right(i, r))
        raise _Unsupported

    def _unary(self, node: ast.UnaryOp) -> ColumnEvaluator:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda i, r: ops.negate(operand(i, r))
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):

            def negation(inputs: Inputs, rows: int) -> Column:
                value = operand(inputs, rows)
                return ops.boolean(~ops.truth(value), value.present)

            return negation
        raise _Unsupported

    def _boolean(self, node: ast.BoolOp) -> ColumnEvaluator:
        parts = [self.compile(value) for value in node.values]
        both = isinstance(node.op, ast.And)
        return lambda i, r: ops.short_circuit([part(i, r) for part in parts], both)

    def _compare(self, node: ast.Compare) -> ColumnEvaluator:
        operands = [self.compile(node.left), *(self.compile(c) for c in node.comparators)]
        operations = [_COMPARISONS[type(op)] for op in node.ops]

        def compared(inputs: Inputs, rows: int) -> Column:
            values = [operand(inputs, rows) for operand in operands]
            links = [ops.compare(values[n], values[n + 1], op) for n, op in enumerate(operations)]
            return ops.boolean(
                np.logical_and.reduce([ops.truth(link) for link in links]),
                np.logical_and.reduce([link.present for link in links]),
            )

        return compared

    def _call(self, node: ast.Call) -> ColumnEvaluator:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "round":
            return self._round(node)
        if name == MISSING:
            return self._missing(node)
        arguments = [self.compile(argument) for argument in node.args]
        if name in ("min", "max"):
            larger = name == "max"
            return lambda i, r: ops.extreme([a(i, r) for a in arguments], larger)
        if name == "clamp":
            value, low, high = arguments
            return lambda i, r: ops.extreme(
                [low(i, r), ops.extreme([high(i, r), value(i, r)], False)], True
            )
        single = {"abs": ops.absolute, "ceil": ops.ceil, "floor": ops.floor}[name]
        (argument,) = arguments
        return lambda i, r: single(argument(i, r))

    def _missing(self, node: ast.Call) -> ColumnEvaluator:
        argument = node.args[0]
        assert isinstance(argument, ast.Name)
        name = argument.id

        def absent(inputs: Inputs, rows: int) -> Column:
            return ops.boolean(~inputs[name].present, np.ones(rows, dtype=bool))

        return absent

    def _round(self, node: ast.Call) -> ColumnEvaluator:
        value = self.compile(node.args[0])
        digits = Fraction(0)
        if len(node.args) == 2:
            given = self._signed_number(node.args[1])
            if given is None or given.denominator != 1:
                raise _Unsupported
            digits = given
        ndigits = int(digits)
        return lambda i, r: rounded(value(i, r), ndigits, RoundingMode.half_up)

    def _signed_number(self, node: ast.expr) -> Fraction | None:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self._signed_number(node.operand)
            if inner is None:
                return None
            return -inner if isinstance(node.op, ast.USub) else inner
        return self._number(node)


def evaluate_values(
    text: str, inputs: Mapping[str, Sequence[object] | Column], rows: int
) -> tuple[list[Fraction | None], np.ndarray] | None:
    """``text`` over the values of its inputs (a column, or a list per name with ``None``
    where missing): each row's value and whether the column gave it; ``None`` when a column
    cannot be used (the formula, or an input holding text)."""
    result = evaluate_inputs(text, inputs, rows)
    return None if result is None else (to_fractions(result), result.present)


def evaluate_inputs(
    text: str, inputs: Mapping[str, Sequence[object] | Column], rows: int
) -> Column | None:
    """:func:`evaluate_values` as a column (a condition's truth needs no Fractions)."""
    evaluator = column_formula(text)
    if evaluator is None:
        return None
    columns: dict[str, Column] = {}
    for name, values in inputs.items():
        column = values if isinstance(values, Column) else from_values(values)
        if column is None:
            return None
        columns[name] = column
    return evaluator(columns, rows)
