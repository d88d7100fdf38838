"""Rule files built to hurt: each is refused with a FILE:LINE message, in bounded memory, and
no mutation of a shipped file makes the checker raise anything but its own error."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules.errors import RuleFileError
from competition.rules.loader import load_rule_text
from tests.factories import REPOSITORY

WELDING = (REPOSITORY / "scoring_rules" / "welding_skills.yaml").read_text(encoding="utf-8")
SHIPPED = sorted((REPOSITORY / "scoring_rules").rglob("*.yaml"))

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['x'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)


def with_derived(formula: str) -> str:
    """The welding rules with one more derived value computed by ``formula``."""
    extra = f"  theory_r:\n    kind: derived\n    label: r\n    formula: {formula}\n"
    return WELDING.replace("    step: 0.5\n", "    step: 0.5\n" + extra, 1)


BOMBS = {
    "nested aliases": (LAUGHS, "more than 100000 values"),
    "nested lists": ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than 64"),
    "nested keys": (
        "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n",
        "nested more than 64",
    ),
    "a huge file": ("# " + "x" * 600_000 + "\n", "larger than 512 KB"),
    "a 5,000-digit integer": (
        WELDING.replace("    max: 100\n", "    max: 1" + "0" * 5000 + "\n", 1),
        "more than 30 digits",
    ),
    "1e309 written as text": (
        WELDING.replace("    max: 100\n", "    max: 1e309\n", 1),
        "too many digits",
    ),
    "1.0e+309": (
        WELDING.replace("    max: 100\n", "    max: 1.0e+309\n", 1),
        "more than 30 digits",
    ),
    "round to a billion digits": (
        with_derived("round(theory, 1000000000)"),
        "round() rounds to at most 12 digits",
    ),
    "a 999-term sum": (with_derived("+".join(["theory"] * 999)), "longer than 2000"),
    "a 250-term sum": (with_derived("+".join(["theory"] * 250)), "nests more than 100 levels"),
    "deep parentheses": (with_derived("(" * 300 + "theory" + ")" * 300), "not a valid formula"),
    "deep calls": (with_derived("abs(" * 150 + "theory" + ")" * 150), "nests more than 100"),
    "a number of a million zeros": (with_derived("theory * 1e999999"), "more than 30 digits"),
}


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_with_its_line_in_bounded_memory(name: str) -> None:
    text, expected = BOMBS[name]
    tracemalloc.start()
    try:
        with pytest.raises(RuleFileError) as refused:
            load_rule_text(text, "bomb.yaml")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    lines = [problem.render("en") for problem in refused.value.problems]
    assert any(expected in line for line in lines), lines
    assert all(line.startswith("bomb.yaml") for line in lines)
    assert peak < 200 * 1024 * 1024


HOSTILE_VALUES = st.sampled_from(
    [
        "1" + "0" * 5000,
        "1e309",
        "-1e309",
        "1.5e-400",
        ".inf",
        ".nan",
        "1_0",
        "５",
        "٥",
        "[" * 500 + "]" * 500,
        "{a: " * 80 + "1" + "}" * 80,
        "*undefined",
        "&x [*x]",
        "!!python/object:os.system ls",
        "round(x, 99999999999)",
        "+".join(["x"] * 300),
        "'" + "x" * 5000 + "'",
        "",
        "null",
        "~",
        "[]",
        "{}",
        "- a\n- b",
        "\t",
        "\x00",
        "99999999999999999999",
        "-0.0",
        "0E+1",
        "true",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.sampled_from(SHIPPED),
    position=st.floats(min_value=0, max_value=1, allow_nan=False),
    value=HOSTILE_VALUES,
    how=st.sampled_from(["value", "line", "duplicate", "delete", "indent"]),
)
def test_no_mutation_of_a_shipped_file_crashes_the_checker(
    file: Path, position: float, value: str, how: str
) -> None:
    lines = file.read_text(encoding="utf-8").splitlines()
    index = min(int(position * len(lines)), len(lines) - 1)
    line = lines[index]
    if how == "value" and ":" in line:
        key = line.split(":", 1)[0]
        lines[index] = f"{key}: {value}"
    elif how == "line":
        lines[index] = value
    elif how == "duplicate":
        lines.insert(index, line)
    elif how == "delete":
        del lines[index]
    else:
        lines[index] = "  " + line
    try:
        load_rule_text("\n".join(lines) + "\n", "mutated.yaml")
    except RuleFileError as refused:
        assert all(p.render("en").startswith("mutated.yaml") for p in refused.problems)
