"""Every string meant for translation reaches the catalogue: pybabel cannot see a ``_()``
call written inside an f-string, and such text stays English on the Chinese pages."""

from __future__ import annotations

import ast
from pathlib import Path

from competition.config import REPOSITORY_ROOT

MARKERS = {"_", "N_", "_l", "gettext", "lazy_gettext", "ngettext"}


def calls_inside_f_strings(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name | ast.Attribute)
                and (inner.func.id if isinstance(inner.func, ast.Name) else inner.func.attr)
                in MARKERS
                and inner.args
                and isinstance(inner.args[0], ast.Constant)
            ):
                found.append(inner.lineno)
    return found


def test_no_text_for_translation_is_written_inside_an_f_string() -> None:
    hidden = []
    for path in sorted((REPOSITORY_ROOT / "competition").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = Path(path).relative_to(REPOSITORY_ROOT)
        hidden += [f"{rel}:{line}" for line in calls_inside_f_strings(tree)]
    assert not hidden, f"pybabel cannot extract these: {hidden}"


def test_the_check_finds_one() -> None:
    assert calls_inside_f_strings(ast.parse("x = f\"{_('judge')} {name}\"")) == [1]
    assert calls_inside_f_strings(ast.parse("x = _('judge') + f'{name}'")) == []
