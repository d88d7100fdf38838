"""Safe formulas over named values: arithmetic, comparisons, a few functions, nothing else.

A formula is parsed once with :mod:`ast`, checked against a whitelist and compiled into
closures that compute on exact Fractions. No attribute access, no subscripts, no calls
except the listed functions, no names but the rule file's own values.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from competition.rules.messages import N_, Message, msg
from competition.rules.numbers import RoundingMode, round_fraction

Value = Fraction | bool | str

# Bounds that keep a hostile formula from exhausting the stack, the memory or the time of the
# check and of every board: nesting levels (a sum of 90 terms is 90 levels), digits of a
# number written in the formula, and the digits round() may round to.
MAX_DEPTH = 100
MAX_DIGITS = 30
MAX_ROUND_DIGITS = 12


class Env(Protocol):
    """Where a formula looks up names: a dict, or the engine's view of one entrant."""

    def get(self, name: str, /) -> Value | None: ...


Evaluator = Callable[[Env], Value]


class FormulaSyntaxError(Exception):
    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("en"))


class MissingValue(Exception):
    """A value the formula needs has not been entered yet."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


class FormulaRuntimeError(Exception):
    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("en"))


def _number(value: Value) -> Fraction:
    if isinstance(value, bool):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    raise FormulaRuntimeError(msg(N_("'{value}' is text, not a number"), value=value))


def _truth(value: Value) -> bool:
    if isinstance(value, str):
        return value != ""
    return bool(value)


def _min(*args: Value) -> Value:
    return min(_number(a) for a in args)


def _max(*args: Value) -> Value:
    return max(_number(a) for a in args)


def _round(value: Value, ndigits: Value = Fraction(0)) -> Value:
    digits = _number(ndigits)
    if digits.denominator != 1:
        raise FormulaRuntimeError(msg(N_("round() needs a whole number of digits")))
    if abs(digits) > MAX_ROUND_DIGITS:
        raise FormulaRuntimeError(_round_digits_message())
    return round_fraction(_number(value), int(digits), RoundingMode.half_up)


def _clamp(value: Value, low: Value, high: Value) -> Value:
    return max(_number(low), min(_number(high), _number(value)))


def _round_digits_message() -> Message:
    return msg(
        N_("round() rounds to at most {limit} digits either side of the point"),
        limit=MAX_ROUND_DIGITS,
    )


FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int | None]] = {
    # name: (implementation, fewest arguments, most arguments)
    "min": (_min, 2, None),
    "max": (_max, 2, None),
    "abs": (lambda x: abs(_number(x)), 1, 1),
    "ceil": (lambda x: Fraction(math.ceil(_number(x))), 1, 1),
    "floor": (lambda x: Fraction(math.floor(_number(x))), 1, 1),
    "round": (_round, 1, 2),
    "clamp": (_clamp, 3, 3),
}
MISSING = "missing"  # missing(x): whether x has no value; it takes a name, not a value

_ARITHMETIC: dict[type[ast.operator], Callable[[Fraction, Fraction], Fraction]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
}

_COMPARISONS: dict[type[ast.cmpop], Callable[[Value, Value], bool]] = {
    ast.Lt: lambda a, b: _number(a) < _number(b),
    ast.LtE: lambda a, b: _number(a) <= _number(b),
    ast.Gt: lambda a, b: _number(a) > _number(b),
    ast.GtE: lambda a, b: _number(a) >= _number(b),
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


@dataclass(frozen=True)
class Formula:
    text: str
    names: frozenset[str]
    tested: frozenset[str]  # the names the formula asks missing() about
    _evaluate: Evaluator

    def evaluate(self, env: Env) -> Value:
        return self._evaluate(env)


class _Compiler:
    def __init__(self, text: str) -> None:
        self.text = text
        self.names: set[str] = set()
        self.tested: set[str] = set()

    def fail(self, text: str, **params: object) -> FormulaSyntaxError:
        return FormulaSyntaxError(msg(text, **params))

    def compile(self, node: ast.AST) -> Evaluator:
        if isinstance(node, ast.Expression):
            return self.compile(node.body)
        if isinstance(node, ast.Constant):
            return self._constant(node)
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
            return self._conditional(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        segment = ast.get_source_segment(self.text, node) or type(node).__name__
        return self._reject(segment)

    def _reject(self, segment: str) -> Evaluator:
        raise self.fail(N_("'{segment}' is not allowed in a formula"), segment=segment)

    def _constant(self, node: ast.Constant) -> Evaluator:
        value = node.value
        if isinstance(value, bool):
            return lambda env: value
        if isinstance(value, (int, float)):
            segment = ast.get_source_segment(self.text, node) or repr(value)
            written = Decimal(segment.replace("_", ""))
            if not _digits_fit(written):
                raise self.fail(
                    N_("the number {number} has more than {limit} digits"),
                    number=segment[:40],
                    limit=MAX_DIGITS,
                )
            number = Fraction(written)
            return lambda env: number
        if isinstance(value, str):
            return lambda env: value
        return self._reject(repr(value))

    def _name(self, name: str) -> Evaluator:
        if name in ("true", "false"):
            constant = name == "true"
            return lambda env: constant
        if name in FUNCTIONS or name == MISSING:
            raise self.fail(N_("'{name}' is a function: call it as {name}(...)"), name=name)
        self.names.add(name)

        def lookup(env: Env) -> Value:
            value = env.get(name)
            if value is None:
                raise MissingValue(name)
            return value

        return lookup

    def _binary(self, node: ast.BinOp) -> Evaluator:
        left, right = self.compile(node.left), self.compile(node.right)
        if isinstance(node.op, ast.Div):

            def divide(env: Env) -> Value:
                denominator = _number(right(env))
                if denominator == 0:
                    raise FormulaRuntimeError(msg(N_("division by zero")))
                return _number(left(env)) / denominator

            return divide
        operation = _ARITHMETIC.get(type(node.op))
        if operation is None:
            segment = ast.get_source_segment(self.text, node) or ""
            return self._reject(segment)
        return lambda env: operation(_number(left(env)), _number(right(env)))

    def _unary(self, node: ast.UnaryOp) -> Evaluator:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda env: -_number(operand(env))
        if isinstance(node.op, ast.UAdd):
            return lambda env: _number(operand(env))
        if isinstance(node.op, ast.Not):
            return lambda env: not _truth(operand(env))
        return self._reject(ast.get_source_segment(self.text, node) or "")

    def _conditional(self, node: ast.IfExp) -> Evaluator:
        """Only the branch taken is evaluated: a missing value or an error in the other one
        (``0 if missing(goe) else base_value + goe``) has no effect on the result."""
        test, body, orelse = (self.compile(n) for n in (node.test, node.body, node.orelse))
        return lambda env: body(env) if _truth(test(env)) else orelse(env)

    def _boolean(self, node: ast.BoolOp) -> Evaluator:
        """``and``/``or`` stop at the first operand that decides, as in Python, so the
        operands after it may be missing or in error; the result is a truth value."""
        parts = [self.compile(value) for value in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(_truth(part(env)) for part in parts)
        return lambda env: any(_truth(part(env)) for part in parts)

    def _compare(self, node: ast.Compare) -> Evaluator:
        operands = [self.compile(node.left), *(self.compile(c) for c in node.comparators)]
        operations = []
        for op in node.ops:
            operation = _COMPARISONS.get(type(op))
            if operation is None:
                return self._reject(ast.get_source_segment(self.text, node) or "")
            operations.append(operation)

        def compare(env: Env) -> Value:
            values = [operand(env) for operand in operands]
            return all(op(values[i], values[i + 1]) for i, op in enumerate(operations))

        return compare

    def _call(self, node: ast.Call) -> Evaluator:
        if not isinstance(node.func, ast.Name) or node.func.id not in (*FUNCTIONS, MISSING):
            segment = ast.get_source_segment(self.text, node.func) or ""
            raise self.fail(
                N_("unknown function '{name}'; allowed: {allowed}"),
                name=segment,
                allowed=", ".join((*FUNCTIONS, MISSING)),
            )
        if node.keywords:
            raise self.fail(N_("functions take positional arguments only"))
        name = node.func.id
        count = len(node.args)
        if name == MISSING:
            self._check_count(name, count, 1, 1)
            return self._missing(node.args[0])
        function, fewest, most = FUNCTIONS[name]
        self._check_count(name, count, fewest, most)
        if name == "round" and count == 2:
            digits = _literal_int(node.args[1])
            if digits is not None and abs(digits) > MAX_ROUND_DIGITS:
                raise FormulaSyntaxError(_round_digits_message())
        arguments = [self.compile(arg) for arg in node.args]
        return lambda env: function(*(argument(env) for argument in arguments))

    def _check_count(self, name: str, count: int, fewest: int, most: int | None) -> None:
        if fewest <= count and (most is None or count <= most):
            return
        if most is None:
            expected = f"{fewest}+"
        elif fewest == most:
            expected = str(fewest)
        else:
            expected = f"{fewest}–{most}"
        raise self.fail(
            N_("{name}() takes {expected} arguments, found {count}"),
            name=name,
            expected=expected,
            count=count,
        )

    def _missing(self, argument: ast.expr) -> Evaluator:
        """``missing(x)`` asks whether the value ``x`` is absent, so ``x`` must be a name
        (a computed value has no "absent" of its own); its answer is never missing."""
        reserved = ("true", "false", *FUNCTIONS, MISSING)
        if not isinstance(argument, ast.Name) or argument.id in reserved:
            raise self.fail(
                N_("missing() takes the name of a criterion or an attribute, found '{argument}'"),
                argument=ast.get_source_segment(self.text, argument) or "",
            )
        name = argument.id
        self.names.add(name)
        self.tested.add(name)
        return lambda env: env.get(name) is None


def _digits_fit(number: Decimal) -> bool:
    if not number.is_finite():
        return False
    return len(number.as_tuple().digits) <= MAX_DIGITS and abs(number.adjusted()) <= MAX_DIGITS


def _literal_int(node: ast.expr) -> int | None:
    """The whole number a node writes literally (``3``, ``-2``), else None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return sign * node.value
    return None


def _depth(tree: ast.AST) -> int:
    """How deep the tree nests, walked without recursion (stopping past MAX_DEPTH)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack and deepest <= MAX_DEPTH:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def parse_formula(text: str) -> Formula:
    """Compile ``text``; raises :class:`FormulaSyntaxError` with a message for the author."""
    source = text.strip()
    if not source:
        raise FormulaSyntaxError(msg(N_("the formula is empty")))
    if len(source) > 2000:
        raise FormulaSyntaxError(msg(N_("the formula is longer than 2000 characters")))
    try:
        tree = ast.parse(source, mode="eval")
    except (RecursionError, MemoryError):
        raise FormulaSyntaxError(_depth_message()) from None
    except SyntaxError as error:
        if error.offset is None:
            raise FormulaSyntaxError(
                msg(N_("not a valid formula: {detail}"), detail=error.msg)
            ) from None
        raise FormulaSyntaxError(
            msg(
                N_("not a valid formula: {detail} (column {column})"),
                detail=error.msg,
                column=error.offset,
            )
        ) from None
    if _depth(tree) > MAX_DEPTH:
        raise FormulaSyntaxError(_depth_message())
    compiler = _Compiler(source)
    evaluate = compiler.compile(tree)
    return Formula(source, frozenset(compiler.names), frozenset(compiler.tested), evaluate)


def _depth_message() -> Message:
    return msg(N_("the formula nests more than {limit} levels deep"), limit=MAX_DEPTH)
