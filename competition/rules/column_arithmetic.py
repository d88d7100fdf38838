"""The formula language's operators on whole columns, exact and row by row.

Each result row is present only where every operand row it needs is (a conditional or
``and``/``or`` needs only the operands it evaluates), and only where the row-by-row
evaluator would give a value without an error (a division by zero is not present): the
engine evaluates the rows that are not present one by one, so errors and missing values
keep their row-by-row meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from competition.rules.columns import Column, magnitude, narrowed, widened


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or (a.dtype == b.dtype and bool(np.array_equal(a, b)))


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    bound = magnitude(a) * magnitude(b)
    return narrowed(widened(a, bound) * widened(b, bound))


def _reduced(numerators: np.ndarray, denominators: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators divided by their common factors, while they are int64
    (products grow fast; smaller terms stay int64 longer)."""
    if numerators.dtype == object or denominators.dtype == object:
        return numerators, denominators
    common = np.gcd(numerators, denominators)
    common[common == 0] = 1
    return numerators // common, denominators // common


def add(a: Column, b: Column, sign: int = 1) -> Column:
    present = a.present & b.present
    if _same(a.denominators, b.denominators):
        bound = magnitude(a.numerators) + magnitude(b.numerators)
        top = widened(a.numerators, bound) + sign * widened(b.numerators, bound)
        return Column(narrowed(top), a.denominators, present)
    top = _product(a.numerators, b.denominators) + sign * _product(b.numerators, a.denominators)
    numerators, denominators = _reduced(narrowed(top), _product(a.denominators, b.denominators))
    return Column(numerators, denominators, present)


def multiply(a: Column, b: Column) -> Column:
    numerators, denominators = _reduced(
        _product(a.numerators, b.numerators), _product(a.denominators, b.denominators)
    )
    return Column(numerators, denominators, a.present & b.present)


def divide(a: Column, b: Column) -> Column:
    """a / b; rows dividing by zero are not present (the row-by-row evaluator flags them)."""
    zero = b.numerators == 0
    divisor = np.where(zero, 1, b.numerators)
    sign = np.where(divisor < 0, -1, 1)
    numerators = _product(a.numerators * sign, b.denominators)
    denominators = _product(a.denominators, np.abs(divisor))
    numerators, denominators = _reduced(numerators, denominators)
    return Column(numerators, denominators, a.present & b.present & ~zero)


def negate(a: Column) -> Column:
    return Column(-a.numerators, a.denominators, a.present)


def absolute(a: Column) -> Column:
    return Column(np.abs(a.numerators), a.denominators, a.present)


def floor(a: Column) -> Column:
    return Column(a.numerators // a.denominators, np.ones(len(a), dtype=np.int64), a.present)


def ceil(a: Column) -> Column:
    return negate(floor(negate(a)))


def cross(a: Column, b: Column) -> tuple[np.ndarray, np.ndarray]:
    """a's and b's numerators over one denominator per row, to compare them."""
    if _same(a.denominators, b.denominators):
        return a.numerators, b.numerators
    return _product(a.numerators, b.denominators), _product(b.numerators, a.denominators)


def boolean(values: np.ndarray, present: np.ndarray) -> Column:
    """A truth column: 1 for true, 0 for false, as the language's bools count in numbers."""
    ones = np.ones(len(values), dtype=np.int64)
    return Column(values.astype(np.int64), ones, present)


def truth(a: Column) -> np.ndarray:
    return np.asarray(a.numerators != 0, dtype=bool)


def compare(a: Column, b: Column, op: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Column:
    left, right = cross(a, b)
    return boolean(np.asarray(op(left, right), dtype=bool), a.present & b.present)


def choose(test: Column, body: Column, orelse: Column) -> Column:
    """``body if test else orelse``: each row is the branch its test takes, present where
    that branch is (both are computed for the column; the one not taken counts for nothing,
    as row by row, even where it is missing or divides by zero)."""
    chosen = truth(test)
    present = test.present & np.where(chosen, body.present, orelse.present)
    return _where(chosen, body, orelse, present)


def short_circuit(operands: Sequence[Column], both: bool) -> Column:
    """``a and b and …`` (``both``) or ``a or b or …``: each row is decided by its first
    operand that settles it (false for and, true for or), as row by row; the operands after
    it count for nothing, even where missing. A row is present where every operand up to
    the deciding one is."""
    rows = len(operands[0])
    undecided = np.ones(rows, dtype=bool)
    present = np.ones(rows, dtype=bool)
    for operand in operands:
        present &= ~undecided | operand.present
        settles = truth(operand) != both
        undecided &= operand.present & ~settles
    return boolean(undecided if both else ~undecided, present)


def _where(chosen: np.ndarray, a: Column, b: Column, present: np.ndarray) -> Column:
    if _same(a.denominators, b.denominators):
        bound = max(magnitude(a.numerators), magnitude(b.numerators))
        top = np.where(chosen, widened(a.numerators, bound), widened(b.numerators, bound))
        return Column(narrowed(top), a.denominators, present)
    top = np.where(chosen, *_widest(a.numerators, b.numerators))
    bottom = np.where(chosen, *_widest(a.denominators, b.denominators))
    return Column(narrowed(top), narrowed(bottom), present)


def _widest(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if a.dtype == object or b.dtype == object:
        return a.astype(object), b.astype(object)
    return a, b


def extreme(columns: Sequence[Column], larger: bool) -> Column:
    """min(...) or max(...) of the columns, row by row."""
    best = columns[0]
    for other in columns[1:]:
        left, right = cross(other, best)
        better = left > right if larger else left < right
        best = _where(np.asarray(better, dtype=bool), other, best, best.present & other.present)
    return best
