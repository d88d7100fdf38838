"""Every problem in a rule file comes back as FILE:LINE: field.path: message."""

from __future__ import annotations

import textwrap
from datetime import timedelta

import pytest

from competition.rules import RuleFileError, load_rule_text
from competition.rules.model import duration_of

VALID = """\
contest: 测试赛
criteria:
  theory: {kind: measured, min: 0, max: 100}
  appearance:
    kind: judged
    judges: 5
    scale: {min: 0, max: 30, step: 0.5}
    aggregate: trimmed_mean
    drop_high: 1
    drop_low: 1
  practical: {kind: derived, formula: "appearance * 100 / 30"}
total:
  weights: {theory: 0.3, practical: 0.7}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        load_rule_text(textwrap.dedent(text), "f.yaml")
    return [p.render("en") for p in caught.value.problems]


def test_the_valid_file_loads_with_its_values_in_dependency_order() -> None:
    ruleset = load_rule_text(VALID, "f.yaml")
    assert ruleset.order.index("appearance") < ruleset.order.index("practical")
    assert ruleset.judges == {"appearance": 5}
    assert len(ruleset.sha256) == 64


def test_yaml_syntax_error_names_its_line() -> None:
    (only,) = problems("contest: x\ncriteria:\n  a: 1\n b: 2\n")
    assert only.startswith("f.yaml:4: YAML syntax error")


def test_unknown_key_lists_the_keys_allowed_there() -> None:
    text = VALID.replace(
        "theory: {kind: measured, min: 0, max: 100}",
        "theory: {kind: measured, min: 0, max: 100, colour: red}",
    )
    (only,) = problems(text)
    assert only.startswith("f.yaml:3: criteria.theory.colour: unknown key; expected one of:")
    assert "default" in only


def test_wrong_type_and_unknown_kind() -> None:
    text = VALID.replace("judges: 5", "judges: five").replace("kind: measured", "kind: mesured")
    found = problems(text)
    assert (
        "f.yaml:3: criteria.theory: unknown kind 'mesured'; expected one of 'judged', "
        "'measured', 'derived', 'points', 'weighted', 'items'" in found
    )
    assert "f.yaml:6: criteria.appearance.judges: expected a whole number, found 'five'" in found


def test_missing_required_field_points_at_its_parent() -> None:
    text = VALID.replace("    scale: {min: 0, max: 30, step: 0.5}\n", "")
    assert problems(text) == ["f.yaml:4: criteria.appearance.scale: required, but missing"]


def test_weights_that_do_not_add_up() -> None:
    text = VALID.replace("practical: 0.7", "practical: 0.6")
    assert problems(text) == ["f.yaml:13: total.weights: weights add up to 0.9, expected 1"]


def test_formula_naming_an_unknown_value() -> None:
    text = VALID.replace("appearance * 100 / 30", "apearance * 100 / 30")
    (only,) = problems(text)
    assert only.startswith("f.yaml:11: criteria.practical.formula: unknown name 'apearance'")


def test_unsafe_formula() -> None:
    text = VALID.replace("appearance * 100 / 30", "__import__('os').system('rm -rf /')")
    (only,) = problems(text)
    assert only.startswith(
        "f.yaml:11: criteria.practical.formula: unknown function '__import__('os').system'"
    )


def test_panel_that_would_drop_every_mark_and_a_scale_off_its_steps() -> None:
    text = VALID.replace("drop_high: 1", "drop_high: 4").replace("step: 0.5", "step: 0.7")
    found = problems(text)
    assert "f.yaml:4: criteria.appearance: dropping 5 of 5 judges leaves no mark to count" in found
    assert (
        "f.yaml:7: criteria.appearance.scale.step: max − min (30) is not a whole number of "
        "steps of 0.7"
    ) in found


def test_duplicate_keys_are_not_silently_overwritten() -> None:
    text = VALID.replace(
        "  theory: {kind: measured, min: 0, max: 100}\n",
        "  theory: {kind: measured, min: 0, max: 100}\n"
        "  theory: {kind: measured, min: 0, max: 50}\n",
    )
    assert problems(text) == ["f.yaml:4: criteria.theory: duplicate key (first written on line 3)"]


def test_circular_values() -> None:
    text = VALID.replace(
        'practical: {kind: derived, formula: "appearance * 100 / 30"}',
        'practical: {kind: derived, formula: "loop + 1"}\n'
        '  loop: {kind: derived, formula: "practical * 2"}',
    )
    found = problems(text)
    assert any("values depend on each other in a circle" in p for p in found)


def test_item_level_value_used_directly_in_the_total() -> None:
    text = """\
    contest: x
    items: {count: 3}
    criteria:
      run: {kind: judged, judges: 3, scale: {min: 0, max: 10}}
    total: {formula: run}
    """
    assert problems(text) == [
        "f.yaml:5: total.formula: 'run' is given per item; combine it over the items with a "
        "criterion of kind items first"
    ]


def test_awards_ranking_and_titles_are_checked_against_the_names() -> None:
    text = VALID + textwrap.dedent("""\
    ranking:
      tiebreak: [{key: speed}]
    awards:
      tiers:
        - {name: 一等奖, proportion: 0.1, count: 3}
        - {name: 二等奖, proportion: 0.2, require: [pass]}
    titles:
      - {name: 技术能手, when: "rank <= 3 and is_worker"}
    """)
    found = problems(text)
    assert any(
        p.startswith("f.yaml:15: ranking.tiebreak.0.key: unknown name 'speed'") for p in found
    )
    assert "f.yaml:18: awards.tiers.0: give count or proportion, not both" in found
    assert "f.yaml:19: awards.tiers.1.require: 'pass' is not defined under eligibility" in found
    assert any(p.startswith("f.yaml:21: titles.0.when: unknown name 'is_worker'") for p in found)


def test_messages_are_chinese_by_default() -> None:
    with pytest.raises(RuleFileError) as caught:
        load_rule_text(VALID.replace("practical: 0.7", "practical: 0.6"), "f.yaml")
    rendered = caught.value.problems[0].render()
    assert rendered.startswith("f.yaml:13: total.weights: ")
    assert "权重" in rendered


def test_a_rule_files_durations_become_time_spans() -> None:
    assert duration_of("7d") == timedelta(days=7)
    assert duration_of("48 h") == timedelta(hours=48)
    assert duration_of("1.5d") == timedelta(hours=36)
    assert duration_of("30min") == timedelta(minutes=30)
    with pytest.raises(ValueError, match="not a duration"):
        duration_of("a week")


def test_a_title_validity_is_a_whole_number_of_years_named_by_its_line() -> None:
    text = VALID + textwrap.dedent("""\
    titles:
      - {name: 技术能手, when: "rank <= 3", valid_years: 0}
      - {name: 技术标兵, when: "rank <= 1", valid_years: three}
    """)
    found = problems(text)
    assert "f.yaml:15: titles.0.valid_years: must be ≥ 1, found '0'" in found
    assert "f.yaml:16: titles.1.valid_years: expected a whole number, found 'three'" in found


def test_a_title_validity_is_carried_into_the_result() -> None:
    text = VALID + textwrap.dedent("""\
    titles:
      - {name: 技术能手, when: "rank <= 3", valid_years: 3}
      - {name: 技术标兵, when: "rank <= 1"}
    """)
    rule = load_rule_text(text, "f.yaml").rule
    assert [(t.name, t.valid_years) for t in rule.titles] == [("技术能手", 3), ("技术标兵", None)]
