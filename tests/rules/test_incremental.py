"""Incremental standings: one entrant recomputed must equal the whole event recomputed."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules import RuleSet, load_rule_file
from competition.rules.datafiles import Entrant, read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.incremental import can_update, update, update_many
from competition.rules.report import standings_dict
from competition.rules.standings import Standings
from tests.factories import REPOSITORY, make_entrants, make_marks, make_rules

SHIPPED = REPOSITORY / "scoring_rules"
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Cell = tuple[str, str, str, str]  # entrant, item, criterion, judge


@dataclass(frozen=True)
class Contest:
    rules: RuleSet
    entrants: list[Entrant]
    cells: list[Cell]  # every mark that may be entered
    values: dict[str, list[str]]  # the values a mark of each criterion may take


def welding() -> Contest:
    marks = read_marks_csv(SHIPPED / "welding_skills.sample.csv")
    rows = list(marks[["entrant", "item", "criterion", "judge", "value"]].itertuples(index=False))
    values: dict[str, list[str]] = {}
    for row in rows:
        values.setdefault(row.criterion, []).append(row.value)
    return Contest(
        load_rule_file(SHIPPED / "welding_skills.yaml"),
        read_entrants_csv(SHIPPED / "welding_skills.entrants.csv"),
        [(r.entrant, r.item, r.criterion, r.judge) for r in rows],
        {name: sorted(set(texts)) for name, texts in values.items()},
    )


RUNS = make_rules("""\
contest: runs with their best two counted
items: {label: run, points: run_points}
criteria:
  style:
    kind: judged
    judges: 3
    scale: {min: 0, max: 10, step: 0.5}
    tolerance: {max_deviation: 3}
  distance: {kind: measured, min: 0, max: 100, step: 0.5}
  distance_points:
    kind: points
    of: distance
    bands: {steps: [{min: 20, points: 5}, {min: 50, points: 10}], else: 0}
  run_points: {kind: derived, formula: "style + distance_points", round: {ndigits: 1}}
  best_runs: {kind: items, of: run_points, combine: best_k, k: 2}
total: {formula: best_runs, round: {ndigits: 1}}
""")

PLACING = make_rules("""\
contest: eligibility, tie-breaks, tiers and titles
entrants:
  attributes:
    is_worker: {type: bool, required: true}
    years: {type: number}
criteria:
  skill: {kind: judged, judges: 3, scale: {min: 0, max: 10, step: 1}, aggregate: median}
  theory: {kind: measured, min: 0, max: 100, step: 10}
  time: {kind: measured, min: 0, max: 10, step: 1}
  fouls: {kind: measured, min: 0, max: 3, step: 1, default: 0}
total: {formula: "skill * 10 + theory", round: {ndigits: 0}}
penalties:
  - {when: "fouls >= 1", deduct: "fouls * 5", label: fouls}
  - {when: "fouls >= 3", disqualify: true, label: three fouls}
eligibility:
  passed: "theory >= 40"
checks:
  - {when: "skill >= 8 and theory <= 50", label: re-examine}
ranking:
  tiebreak: [{key: time, order: asc}, {key: years, order: desc}]
awards:
  base: eligible
  tiers:
    - {name: gold, proportion: 0.2, require: [passed], prize: 500}
    - {name: silver, count: 2, prize: 200}
    - {name: merit, when: "total >= 100"}
titles:
  - {name: ace, when: "rank <= 2 and is_worker", needs_approval: true}
""")

GROUPS = make_rules("""\
contest: two divisions, one award list
entrants:
  attributes:
    division: {type: text, values: [A, B]}
  group_by: division
criteria:
  score: {kind: measured, min: 0, max: 10, step: 1}
  time: {kind: measured, min: 0, max: 5, step: 1}
total: {formula: score, round: {ndigits: 0}}
ranking:
  method: ordinal
  tiebreak: [{key: time, order: asc}]
awards:
  per_group: false
  ties: lower
  tiers:
    - {name: first, count: 1}
    - {name: second, proportion: 0.3}
""")


SHORT = make_rules("""\
contest: panels that may sit short, an unmarked run valued 0
items: {count: 2}
criteria:
  style:
    kind: judged
    judges: {min: 2, max: 4}
    scale: {min: 0, max: 10, step: 0.5}
    aggregate: trimmed_mean
    drop_high: {2: 0, 3: 1, 4: 1}
    drop_low: {2: 0, 3: 0, 4: 1}
    absent: 0
  runs: {kind: items, of: style}
total: {formula: runs, round: {ndigits: 2}}
""")


def short() -> Contest:
    ids = [f"S{n}" for n in range(1, 5)]
    cells = [(e, item, "style", f"J{j}") for e in ids for item in ("1", "2") for j in range(1, 5)]
    values = {"style": ["0", "3.5", "6", "9.5", "10"]}
    return Contest(SHORT, make_entrants({"entrant": e} for e in ids), cells, values)


def runs() -> Contest:
    ids = [f"R{n}" for n in range(1, 6)]
    cells: list[Cell] = []
    for entrant in ids:
        for item in ("1", "2", "3"):
            cells += [(entrant, item, "style", f"J{j}") for j in (1, 2, 3)]
            cells.append((entrant, item, "distance", ""))
    values = {"style": ["2", "5.5", "6", "9", "10"], "distance": ["10", "20", "49.5", "50", "80"]}
    return Contest(RUNS, make_entrants({"entrant": e} for e in ids), cells, values)


def placing() -> Contest:
    people = [
        ("P1", "1", "3"),
        ("P2", "0", "3"),
        ("P3", "1", "10"),
        ("P4", "1", ""),
        ("P5", "0", "1"),
    ]
    people += [("P6", "1", "3")]
    entrants = make_entrants({"entrant": e, "is_worker": w, "years": y} for e, w, y in people)
    cells: list[Cell] = []
    for entrant, _, _ in people:
        cells += [(entrant, "", "skill", f"J{j}") for j in (1, 2, 3)]
        cells += [(entrant, "", name, "") for name in ("theory", "time", "fouls")]
    values = {
        "skill": ["5", "8"],
        "theory": ["30", "50", "80"],
        "time": ["1", "2"],
        "fouls": ["0", "0", "0", "1", "3"],
    }
    return Contest(PLACING, entrants, cells, values)


def groups() -> Contest:
    divisions = ["B", "A", "B", "A", "A", "B", "A"]
    ids = [f"G{n}" for n in range(1, len(divisions) + 1)]
    entrants = make_entrants(
        {"entrant": e, "division": d} for e, d in zip(ids, divisions, strict=True)
    )
    cells = [(e, "", name, "") for e in ids for name in ("score", "time")]
    return Contest(GROUPS, entrants, cells, {"score": ["6", "7", "9"], "time": ["1", "2"]})


VOID = make_rules("""\
contest: elements without marks are void and score 0
items: {label: element, count: 2, points: element}
criteria:
  base_value: {kind: measured, min: 0, max: 10, step: 0.5}
  goe: {kind: judged, judges: 2, scale: {min: -3, max: 3, step: 1}, aggregate: mean}
  element: {kind: derived, formula: "0 if missing(goe) else base_value + goe"}
  elements: {kind: items, of: element, combine: sum}
total: {formula: elements}
""")


def void() -> Contest:
    ids = ["V1", "V2", "V3"]
    cells: list[Cell] = []
    for entrant in ids:
        for item in ("1", "2"):
            cells += [(entrant, item, "goe", f"J{j}") for j in (1, 2)]
            cells.append((entrant, item, "base_value", ""))
    values = {"goe": ["-3", "0", "1", "3"], "base_value": ["0", "2.5", "7"]}
    return Contest(VOID, make_entrants({"entrant": e} for e in ids), cells, values)


SKIPPED = make_rules("""\
contest: best of up to three runs, a run may be left out
items: {count: 3, not_taken: {codes: [DNI], counts: nothing}}
criteria:
  score: {kind: judged, judges: 1, scale: {min: 0, max: 100, step: 1}}
  best: {kind: items, of: score, combine: best}
  sum_taken: {kind: items, of: score, combine: sum}
total: {formula: best}
ranking:
  tiebreak: [{countback: score}]
""")


def skipped() -> Contest:
    """One judge a run, whose mark may be DNI: a run taken or not, never both."""
    ids = ["K1", "K2", "K3", "K4"]
    cells = [(e, item, "score", "J1") for e in ids for item in ("1", "2", "3")]
    values = {"score": ["40", "75", "75", "90", "DNI", "dni"]}
    return Contest(SKIPPED, make_entrants({"entrant": e} for e in ids), cells, values)


CONTESTS = {
    "welding": welding(),
    "runs": runs(),
    "placing": placing(),
    "groups": groups(),
    "void": void(),
    "short": short(),
    "skipped": skipped(),
}


class MarksLog:
    """The marks in force, each with a line that never changes (a mark id): a correction
    supersedes its mark with a new line at the end, as the append-only marks table does."""

    def __init__(self) -> None:
        self.marks: dict[Cell, tuple[int, str]] = {}
        self.next_line = 2

    def enter(self, cell: Cell, value: str) -> None:
        self.marks.pop(cell, None)
        self.marks[cell] = (self.next_line, value)
        self.next_line += 1

    def clear(self, entrant: str) -> None:
        self.marks = {cell: mark for cell, mark in self.marks.items() if cell[0] != entrant}

    def frame(self) -> pd.DataFrame:
        frame = make_marks([(*cell, value) for cell, (_, value) in self.marks.items()])
        frame["line"] = [line for line, _ in self.marks.values()]
        return frame


def full(contest: Contest, log: MarksLog) -> Standings:
    return compute_standings(contest.rules, log.frame(), contest.entrants, provisional=True)


def marks_of(log: MarksLog, entrant: str) -> pd.DataFrame:
    frame = log.frame()
    return frame[frame["entrant"] == entrant]


def table_view(standings: Standings, registered_in_order: bool = True) -> dict[str, Any]:
    """What callers look up in the table (reports, progress, exports, charts)."""
    table = standings.table
    ids = [e.id for e in table.entrants]
    return {
        "entrants": ids if registered_in_order else sorted(ids),
        "attributes": table.attributes,
        "item_rows": table.item_rows,
        "entrant_columns": table.entrant_columns,
        "item_columns": table.item_columns,
        "missing": table.missing,
        "flags": table.flags,
        "not_taken": table.not_taken,
        "panels": {
            name: (
                panel.values,
                panel.pending,
                panel.excess,
                panel.flags,
                panel.first_line,
                panel.absent,
                [
                    (e, i, j, v, line, Fraction(int(a), 10**panel.digits), bool(c))
                    for e, i, j, v, line, a, c in panel.marks[
                        ["entrant", "item", "judge", "value", "line", "adjusted", "counted"]
                    ].itertuples(index=False, name=None)
                ],
            )
            for name, panel in table.panels.items()
        },
    }


def assert_same(got: Standings, expected: Standings, registered_in_order: bool = True) -> None:
    assert got.rows == expected.rows
    assert got.awards == expected.awards
    assert got.complete == expected.complete
    assert table_view(got, registered_in_order) == table_view(expected, registered_in_order)
    assert standings_dict(got) == standings_dict(expected)
    assert standings_dict(got, "en") == standings_dict(expected, "en")


def steps(contest: Contest) -> st.SearchStrategy[list[tuple[str, int, int]]]:
    mark = st.tuples(st.just("mark"), st.integers(0, len(contest.cells) - 1), st.integers(0, 99))
    clear = st.tuples(st.just("clear"), st.integers(0, len(contest.entrants) - 1), st.just(0))
    return st.lists(st.one_of(mark, mark, mark, clear), min_size=1, max_size=6)


def value_of(contest: Contest, cell: Cell, choice: int) -> str:
    choices = contest.values[cell[2]]
    return choices[choice % len(choices)]


@SETTINGS
@pytest.mark.parametrize("name", list(CONTESTS))
@given(data=st.data())
def test_marks_entered_one_by_one_give_the_full_recomputation(
    name: str, data: st.DataObject
) -> None:
    contest = CONTESTS[name]
    log = MarksLog()
    count = len(contest.cells)
    order = data.draw(st.permutations(range(count)))  # the order judges entered them in
    left_out = data.draw(st.sets(st.integers(0, count - 1), max_size=count))
    choices = data.draw(st.lists(st.integers(0, 99), min_size=count, max_size=count))
    for index in order:
        if index not in left_out:
            cell = contest.cells[index]
            log.enter(cell, value_of(contest, cell, choices[index]))
    by_id = {e.id: e for e in contest.entrants}
    standings = full(contest, log)
    for kind, index, choice in data.draw(steps(contest)):
        if kind == "mark":
            cell = contest.cells[index]
            log.enter(cell, value_of(contest, cell, choice))
            entrant = cell[0]
        else:
            entrant = contest.entrants[index].id
            log.clear(entrant)
        standings = update(standings, marks_of(log, entrant), by_id[entrant])
        assert_same(standings, full(contest, log))


@SETTINGS
@pytest.mark.parametrize("name", list(CONTESTS))
@given(data=st.data())
def test_a_burst_of_marks_folded_in_at_once_gives_the_full_recomputation(
    name: str, data: st.DataObject
) -> None:
    """A coalesced update: several entrants' marks changed since the last board, recomputed
    together and the field placed once."""
    contest = CONTESTS[name]
    log = MarksLog()
    by_id = {e.id: e for e in contest.entrants}
    standings = full(contest, log)
    for burst in data.draw(st.lists(steps(contest), min_size=1, max_size=3)):
        touched: list[str] = []
        for kind, index, choice in burst:
            if kind == "mark":
                cell = contest.cells[index]
                log.enter(cell, value_of(contest, cell, choice))
                entrant = cell[0]
            else:
                entrant = contest.entrants[index].id
                log.clear(entrant)
            if entrant not in touched:
                touched.append(entrant)
        frame = log.frame()
        standings = update_many(
            standings, frame[frame["entrant"].isin(touched)], [by_id[e] for e in touched]
        )
        assert_same(standings, full(contest, log))


def test_a_batch_naming_an_entrant_twice_is_refused() -> None:
    contest = CONTESTS["welding"]
    log = MarksLog()
    with pytest.raises(ValueError):
        update_many(full(contest, log), log.frame(), [contest.entrants[0]] * 2)


def test_the_shipped_welding_marks_entered_in_file_order() -> None:
    contest = CONTESTS["welding"]
    log = MarksLog()
    standings = full(contest, log)
    by_id = {e.id: e for e in contest.entrants}
    marks = read_marks_csv(SHIPPED / "welding_skills.sample.csv")
    for row in marks.itertuples(index=False):
        log.enter((row.entrant, row.item, row.criterion, row.judge), row.value)
        standings = update(standings, marks_of(log, row.entrant), by_id[row.entrant])
    assert_same(standings, full(contest, log))
    assert standings.rows[0].award == "一等奖"


def test_the_previous_standings_are_left_as_they_were() -> None:
    contest = CONTESTS["welding"]
    log = MarksLog()
    for cell in contest.cells:
        log.enter(cell, value_of(contest, cell, 0))
    previous = full(contest, log)
    ranks = [(row.key, row.rank, row.award) for row in previous.rows]
    document = standings_dict(previous)
    flags = {key: list(messages) for key, messages in previous.table.flags.items()}
    log.enter(("W04", "", "theory", ""), "100")
    update(previous, marks_of(log, "W04"), contest.entrants[3])
    assert [(row.key, row.rank, row.award) for row in previous.rows] == ranks
    assert standings_dict(previous) == document
    assert previous.table.flags == flags


def test_a_new_entrant_counts_as_registered_where_the_full_list_has_it() -> None:
    contest = CONTESTS["welding"]
    log = MarksLog()
    for cell in contest.cells:
        log.enter(cell, value_of(contest, cell, 1))
    newcomer = contest.entrants[4]
    others = [e for e in contest.entrants if e.id != newcomer.id]
    frame = log.frame()
    previous = compute_standings(
        contest.rules, frame[frame["entrant"] != newcomer.id], others, provisional=True
    )
    got = update(previous, marks_of(log, newcomer.id), newcomer)
    assert_same(got, full(contest, log), registered_in_order=False)


def test_a_new_entrant_where_groups_follow_the_registration_order_needs_a_full_recomputation() -> (
    None
):
    contest = CONTESTS["groups"]
    previous = compute_standings(
        contest.rules, MarksLog().frame(), contest.entrants[1:], provisional=True
    )
    with pytest.raises(ValueError, match="recompute in full"):
        update(previous, MarksLog().frame(), contest.entrants[0])


def test_marks_of_another_entrant_are_refused() -> None:
    contest = CONTESTS["runs"]
    log = MarksLog()
    log.enter(contest.cells[0], "5")
    with pytest.raises(ValueError, match="other than R2"):
        update(full(contest, log), log.frame(), contest.entrants[1])


def test_welding_can_be_updated_one_entrant_at_a_time() -> None:
    assert can_update(CONTESTS["welding"].rules)
    assert all(can_update(contest.rules) for contest in CONTESTS.values())


def test_points_relative_to_the_best_need_the_whole_orchard_field() -> None:
    rules = load_rule_file(SHIPPED / "apple_orchard_per_mu_benefit.yaml")
    assert not can_update(rules)
    with pytest.raises(ValueError, match="recompute in full"):
        update(
            compute_standings(rules, MarksLog().frame(), [], provisional=True),
            MarksLog().frame(),
            Entrant("O1", "O1"),
        )


def test_a_zscore_panel_compares_each_entrant_with_the_field() -> None:
    rules = make_rules("""\
    contest: z-scores
    criteria:
      style: {kind: judged, judges: 3, scale: {min: 0, max: 10}, aggregate: zscore}
    total: {formula: style}
    """)
    assert not can_update(rules)


def test_a_team_is_scored_from_its_members() -> None:
    rules = make_rules("""\
    contest: teams
    entrants:
      kind: team
      team: {score: sum}
    criteria:
      score: {kind: measured, min: 0, max: 10}
    total: {formula: score}
    """)
    assert not can_update(rules)


def test_marks_that_choose_the_item_count_need_a_full_recomputation() -> None:
    """One diver's sixth dive turns the event into a six-dive one for every diver."""
    rules = make_rules("""\
contest: five or six dives
items: {count: [5, 6]}
criteria:
  dive: {kind: measured, min: 0, max: 100}
  dives: {kind: items, of: dive, combine: sum}
total: {formula: dives}
""")
    marks = make_marks([(e, str(n), "dive", "", "10") for e in ("A", "B") for n in range(1, 6)])
    marks["line"] = range(2, len(marks) + 2)
    standings = compute_standings(rules, marks, provisional=True)
    assert not can_update(standings.ruleset)
    with pytest.raises(ValueError, match="recompute in full"):
        update(standings, marks[marks["entrant"] == "A"], Entrant("A", "A"))


def test_open_ended_minmax_compares_with_the_field() -> None:
    rules = make_rules("""\
    contest: open minmax
    criteria:
      yield_kg: {kind: measured, min: 0}
      yield_points: {kind: points, of: yield_kg, minmax: {lo: 0, weight: 10}}
    total: {formula: yield_points}
    """)
    assert not can_update(rules)
