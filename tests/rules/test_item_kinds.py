"""Items of different kinds, items not taken, item counts an event chooses, and sums over
items that wait for every item (docs/rules.md §6)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.rules import DataFileError, RuleFileError, RuleSet
from competition.rules.inputs import value_problem
from competition.rules.not_taken import stored_value
from tests.factories import make_entrants, make_rules, rows_by_entrant, standings_of

GROUPS = """\
contest: groups
items:
  groups:
    tasks: { count: 2, prefix: T }
    modules: { ids: [M-a, M-b] }
criteria:
  time: { kind: measured, item_group: tasks, min: 0, max: 100 }
  task_points: { kind: derived, formula: 100 - time }
  quality: { kind: judged, item_group: modules, judges: 2, scale: {min: 0, max: 10} }
  tasks_total: { kind: items, of: task_points, combine: sum }
  modules_total: { kind: items, of: quality, combine: mean }
total: { formula: tasks_total + modules_total }
"""


def group_marks(entrant: str = "A") -> list[tuple[str, str, str, str, str]]:
    return [
        (entrant, "T1", "time", "", "30"),
        (entrant, "T2", "time", "", "45.5"),
        (entrant, "M-a", "quality", "J1", "8"),
        (entrant, "M-a", "quality", "J2", "9"),
        (entrant, "M-b", "quality", "J1", "6"),
        (entrant, "M-b", "quality", "J2", "7"),
    ]


def test_each_group_has_its_criteria_and_its_combination() -> None:
    # tasks: (100 − 30) + (100 − 45.5) = 124.5; modules: mean of 8.5 and 6.5 = 7.5
    standings = standings_of(make_rules(GROUPS), group_marks())
    row = rows_by_entrant(standings)["A"]
    assert row.status == "ok"
    assert standings.table.value("tasks_total", "A") == Fraction(249, 2)
    assert standings.table.value("modules_total", "A") == Fraction(15, 2)
    assert standings.total_text(row) == "132.00"
    # a task is never owed a quality mark, nor a module a time
    assert standings.table.value("quality", "A", "T1") is None
    assert ("A", "M-a") not in standings.table.item_columns["time"]


def test_a_mark_on_an_item_of_another_group_is_refused_with_its_row() -> None:
    marks = [*group_marks(), ("A", "T1", "quality", "J1", "5")]
    with pytest.raises(DataFileError) as caught:
        standings_of(make_rules(GROUPS), marks)
    rendered = [p.render("en") for p in caught.value.problems]
    assert rendered == [
        "marks:8: item: 'quality' is given only for the items of 'modules': M-a, M-b"
    ]


def test_a_missing_task_is_named_and_blocks_the_result() -> None:
    marks = [m for m in group_marks() if m[1] != "T2"]
    with pytest.raises(DataFileError) as caught:
        standings_of(make_rules(GROUPS), marks)
    assert [p.render("en") for p in caught.value.problems] == [
        "marks: entrant A: incomplete: time [T2]: no value"
    ]


def test_a_derived_value_over_two_groups_is_refused() -> None:
    text = GROUPS.replace("formula: 100 - time", "formula: 100 - time + quality")
    with pytest.raises(RuleFileError) as caught:
        make_rules(text)
    assert "it uses values of the item groups 'modules', 'tasks'" in str(caught.value)


def test_unknown_group_and_repeated_ids_are_refused() -> None:
    text = GROUPS.replace("item_group: tasks", "item_group: task").replace(
        "[M-a, M-b]", "[T1, M-b]"
    )
    with pytest.raises(RuleFileError) as caught:
        make_rules(text)
    message = str(caught.value)
    assert "criteria.time.item_group: no item group named 'task'; groups: tasks, modules" in message
    assert "items.groups: item ids must be unique across the groups: T1" in message


# --- items not taken ---------------------------------------------------------------------------

BEST_OF_THREE = """\
contest: runs
items:
  count: 3
  not_taken: {{ codes: [DNI, DNS], counts: {counts} }}
criteria:
  score: {{ kind: judged, judges: 2, scale: {{min: 0, max: 100}} }}
  best: {{ kind: items, of: score, combine: {combine} }}
total: {{ formula: best }}
"""


def runs(rules: str = "nothing", combine: str = "best") -> RuleSet:
    return make_rules(BEST_OF_THREE.format(counts=rules, combine=combine))


def run_marks(entrant: str, values: list[int | str]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for run, value in enumerate(values, 1):
        if isinstance(value, str):  # a code: one row for the run, no judge
            rows.append((entrant, str(run), "score", "", value))
        else:
            rows += [(entrant, str(run), "score", judge, str(value)) for judge in ("J1", "J2")]
    return rows


def test_a_run_not_taken_is_left_out_and_shown_as_such() -> None:
    standings = standings_of(runs(combine="sum"), run_marks("A", [80, "dni", 70]))
    row = rows_by_entrant(standings)["A"]
    assert row.status == "ok"
    assert standings.total_text(row) == "150.00"
    assert standings.table.not_taken == {("A", "2"): "DNI"}
    assert [(p.item, p.points) for p in row.items] == [("1", 80), ("2", None), ("3", 70)]


def test_a_run_not_taken_can_count_zero() -> None:
    standings = standings_of(runs("zero", "mean"), run_marks("A", [80, "DNS", 70]))
    assert standings.total_text(standings.rows[0]) == "50.00"


def test_a_run_with_marks_and_a_code_is_refused() -> None:
    marks = [*run_marks("A", [80, 75, 70]), ("A", "2", "score", "", "DNI")]
    with pytest.raises(DataFileError) as caught:
        standings_of(runs(), marks)
    problems = [p.render("en") for p in caught.value.problems]
    assert problems[0] == (
        "marks:4: value: item 2 of A was not taken (DNI on line 8): a mark for it cannot count"
    )


def test_a_code_for_an_unknown_entrant_is_refused_like_any_mark() -> None:
    entrants = make_entrants([{"entrant": "A"}])
    marks = [
        *run_marks("A", [80, 75, 70]),
        ("Z", "2", "score", "", "DNI"),
        ("", "1", "", "", "DNS"),
    ]
    with pytest.raises(DataFileError) as caught:
        standings_of(runs(), marks, entrants)
    problems = [p.render("en") for p in caught.value.problems]
    assert "marks:8: entrant: unknown entrant 'Z': not in the entrants file" in problems
    assert "marks:9: entrant: the entrant is empty" in problems


def test_a_run_neither_marked_nor_declared_is_still_missing() -> None:
    with pytest.raises(DataFileError) as caught:
        standings_of(runs(), run_marks("A", [80, 75]))
    assert [p.render("en") for p in caught.value.problems] == [
        "marks: entrant A: incomplete: score [3]: 0 of 2 marks"
    ]


def test_codes_are_accepted_from_a_tablet_only_where_items_may_be_left_out() -> None:
    assert value_problem(runs(), "score", "dni") is None
    assert stored_value(runs(), "score", " dni ") == "DNI"
    every_run = BEST_OF_THREE.format(counts="nothing", combine="best")
    plain = make_rules(
        every_run.replace("  not_taken: { codes: [DNI, DNS], counts: nothing }\n", "")
    )
    assert plain.rule.items is not None and plain.rule.items.not_taken is None
    assert value_problem(plain, "score", "DNI") is not None


@settings(max_examples=80, deadline=None)
@given(
    taken=st.lists(st.integers(0, 100), min_size=2, max_size=5),
    others=st.lists(st.lists(st.integers(0, 100), min_size=3, max_size=3), max_size=4),
    skipped=st.data(),
)
def test_a_skipped_run_never_changes_a_best_of_ranking_among_those_who_took_it(
    taken: list[int], others: list[list[int]], skipped: st.DataObject
) -> None:
    """Riders who took every run rank among themselves exactly as they would without the
    rider who skipped one; the skipper's best is the best of the runs taken."""
    rules = runs()
    skipper = [*taken[:2]]
    run = skipped.draw(st.integers(0, 2))
    skipper.insert(run, "DNI")  # type: ignore[arg-type]
    marks = run_marks("S", skipper[:3])
    for index, values in enumerate(others):
        marks += run_marks(f"R{index}", values)
    with_skipper = standings_of(rules, marks)
    without = standings_of(rules, [m for m in marks if m[0] != "S"]) if others else None
    rows = rows_by_entrant(with_skipper)
    assert rows["S"].total == max(v for v in skipper[:3] if v != "DNI")
    if without is not None:
        alone = rows_by_entrant(without)
        order = sorted(alone, key=lambda key: (alone[key].rank, key))
        assert sorted(order, key=lambda key: (rows[key].rank, key)) == order


# --- item counts an event chooses ----------------------------------------------------------------

DIVES = """\
contest: dives
items: { count: [5, 6] }
criteria:
  dive: { kind: measured, min: 0, max: 100 }
  dives: { kind: items, of: dive, combine: sum }
total: { formula: dives }
"""


def dive_marks(count: int) -> list[tuple[str, str, str, str, str]]:
    return [("A", str(n), "dive", "", "10") for n in range(1, count + 1)]


def test_an_event_chooses_five_or_six_items() -> None:
    rules = make_rules(DIVES)
    assert rules.item_counts == [5, 6]
    assert standings_of(rules, dive_marks(5)).rows[0].total == 50
    assert standings_of(rules, dive_marks(6)).rows[0].total == 60
    with pytest.raises(DataFileError, match=r"dive \[6\]: no value"):
        standings_of(rules.with_item_count(6), dive_marks(5))


def test_a_count_given_twice_or_no_count_is_refused_once() -> None:
    for written, refusal in (("[5, 5, 6]", "give each count once"), ("[]", "must not be empty")):
        with pytest.raises(RuleFileError) as caught:
            make_rules(DIVES.replace("[5, 6]", written))
        assert [p.render("en") for p in caught.value.problems] == [
            f"test.yaml:2: items.count: {refusal}"
        ]


def test_an_item_beyond_the_largest_count_is_unknown() -> None:
    with pytest.raises(DataFileError, match="unknown item; expected one of: 1, 2, 3, 4, 5, 6"):
        standings_of(make_rules(DIVES), dive_marks(7))


# --- sums over items (§9.5) ---------------------------------------------------------------------


def test_a_provisional_sum_waits_for_every_item() -> None:
    """Under --provisional a diver with a dive still to come has no total: a partial sum would
    rank them on the dives so far, against §9.5."""
    rules = make_rules(DIVES.replace("[5, 6]", "3"))
    marks = [("A", "1", "dive", "", "60"), ("A", "2", "dive", "", "70")]
    marks += [("B", str(n), "dive", "", "30") for n in (1, 2, 3)]
    standings = standings_of(rules, marks, provisional=True)
    rows = rows_by_entrant(standings)
    assert rows["A"].status == "incomplete" and rows["A"].rank is None
    assert rows["B"].rank == 1
