"""Pydantic validation errors turned into ``FILE:LINE: field.path: message`` problems."""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from competition.rules.errors import Problem
from competition.rules.messages import N_, Message, msg
from competition.rules.model import UNION_BRANCHES, RuleFile
from competition.rules.yamlsource import Path, SourceMap

_SIMPLE: dict[str, str] = {
    "missing": N_("required, but missing"),
    "decimal_parsing": N_("expected a number, found '{input}'"),
    "decimal_type": N_("expected a number, found '{input}'"),
    "float_parsing": N_("expected a number, found '{input}'"),
    "float_type": N_("expected a number, found '{input}'"),
    "int_parsing": N_("expected a whole number, found '{input}'"),
    "int_type": N_("expected a whole number, found '{input}'"),
    "int_from_float": N_("expected a whole number, found '{input}'"),
    "string_type": N_("expected text, found '{input}'"),
    "bool_parsing": N_("expected true or false, found '{input}'"),
    "bool_type": N_("expected true or false, found '{input}'"),
    "dict_type": N_("expected a mapping of 'key: value' lines, found '{input}'"),
    "model_type": N_("expected a mapping of 'key: value' lines, found '{input}'"),
    "model_attributes_type": N_("expected a mapping of 'key: value' lines, found '{input}'"),
    "list_type": N_("expected a list, found '{input}'"),
    "decimal_max_digits": N_("too many digits in '{input}'"),
    "finite_number": N_("expected a finite number, found '{input}'"),
}


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _model_members(annotation: Any) -> list[Any]:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _model_members(a)]
    return [annotation]


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The schema model an error location points into, to list the keys it allows."""
    current: Any = RuleFile
    for step in loc:
        if step in UNION_BRANCHES:
            continue
        members = _model_members(current)
        model = next((m for m in members if isinstance(m, type) and issubclass(m, BaseModel)), None)
        container = next((m for m in members if typing.get_origin(m) in (dict, list)), None)
        if len(members) > 1 and isinstance(step, str):
            tagged = [
                m
                for m in members
                if isinstance(m, type)
                and issubclass(m, BaseModel)
                and "kind" in m.model_fields
                and typing.get_args(m.model_fields["kind"].annotation) == (step,)
            ]
            if tagged:
                current = tagged[0]
                continue
        if model is not None and isinstance(step, str):
            field = model.model_fields.get(step) or next(
                (f for f in model.model_fields.values() if f.alias == step), None
            )
            if field is None:
                return None
            current = field.annotation
        elif container is not None:
            current = typing.get_args(container)[-1]
        else:
            return None
    model = next(
        (m for m in _model_members(current) if isinstance(m, type) and issubclass(m, BaseModel)),
        None,
    )
    return model


def _allowed_keys(model: type[BaseModel] | None) -> str:
    if model is None:
        return ""
    return ", ".join(field.alias or name for name, field in model.model_fields.items())


def _data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[Path, list[str]]:
    """Split ``loc`` into the part present in the data and the rest (e.g. a missing key)."""
    path: list[str | int] = []
    current = data
    rest: list[str] = []
    for step in loc:
        if rest:
            rest.append(str(step))
        elif isinstance(current, dict) and step in current:
            path.append(step)
            current = current[step]
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            path.append(step)
            current = current[step]
        elif (
            step == "[key]"
            or step in UNION_BRANCHES
            or (isinstance(current, dict) and step == current.get("kind"))
        ):
            continue
        else:
            rest.append(str(step))
    return tuple(path), rest


def _message(error: ErrorDetails) -> Message:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    raw = error.get("input")
    shown = raw if isinstance(raw, (str, int, float)) else type(raw).__name__
    if kind == "extra_forbidden":
        allowed = _allowed_keys(_model_at(tuple(error["loc"][:-1])))
        return msg(N_("unknown key; expected one of: {allowed}"), allowed=allowed)
    if kind in ("literal_error", "enum"):
        return msg(
            N_("expected one of {expected}, found '{input}'"),
            expected=ctx.get("expected", ""),
            input=shown,
        )
    if kind == "union_tag_invalid":
        return msg(
            N_("unknown kind '{tag}'; expected one of {expected}"),
            tag=ctx.get("tag", ""),
            expected=ctx.get("expected_tags", ""),
        )
    if kind == "union_tag_not_found":
        return msg(
            N_("'kind' is required: one of judged, measured, derived, points, weighted, items")
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        symbol = {
            "greater_than": ">",
            "greater_than_equal": "≥",
            "less_than": "<",
            "less_than_equal": "≤",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return msg(
            N_("must be {symbol} {bound}, found '{input}'"), symbol=symbol, bound=bound, input=shown
        )
    if kind == "string_pattern_mismatch":
        if "min|h|d" in str(ctx.get("pattern", "")):
            return msg(
                N_("expected a duration such as 30min, 2h or 7d, found '{input}'"), input=shown
            )
        return msg(
            N_("'{input}' is not a valid name: use letters, digits and _, starting with a letter"),
            input=shown,
        )
    if kind in ("too_short", "string_too_short"):
        return msg(N_("must not be empty"))
    if kind in ("too_long", "string_too_long"):
        return msg(N_("too long"))
    if kind in _SIMPLE:
        return msg(_SIMPLE[kind], input=shown)
    return msg(N_("{detail}"), detail=error["msg"])


def problems_from(
    error: ValidationError, data: Any, source_map: SourceMap, source: str
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for detail in error.errors():
        loc = tuple(detail["loc"])
        path, rest = _data_path(data, loc)
        field = ".".join([*(str(p) for p in path), *rest])
        message = _message(detail)
        key = (field, message.text)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(source, source_map.line_of(path), field, message))
    return problems
