"""Ranks, tie-breaks, groups, award boundaries and teams, on small hand-made contests."""

from __future__ import annotations

import pytest

from competition.rules import DataFileError
from tests.factories import make_entrants, make_rules, rows_by_entrant, standings_of

SIMPLE = """\
contest: simple
entrants:
  attributes:
    gender: {type: text, values: [男, 女]}
    is_worker: {type: bool}
    team: {type: text}
criteria:
  score: {kind: measured, min: 0, max: 100}
  time: {kind: measured, type: duration, default: 0}
total: {formula: score}
"""


def measured(**scores: object) -> list[tuple[str, str, str, str, str]]:
    return [(e, "", "score", "", str(v)) for e, v in scores.items()]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("competition", [1, 2, 2, 4]),
        ("dense", [1, 2, 2, 3]),
        ("modified", [1, 3, 3, 4]),
        ("ordinal", [1, 2, 3, 4]),
    ],
)
def test_ranking_methods(method: str, expected: list[int]) -> None:
    # 44, 42, 42, 41 (RULES.md §5)
    rules = make_rules(SIMPLE + f"ranking: {{method: {method}}}\n")
    standings = standings_of(rules, measured(A=44, B=42, C=42, D=41))
    assert [r.rank for r in standings.rows] == expected


def test_equal_totals_tie_exactly_even_when_reached_differently() -> None:
    rules = make_rules(
        SIMPLE.replace(
            "total: {formula: score}", "total: {formula: score / 3, round: {ndigits: 2}}"
        )
    )
    # 100/3 = 33.333… and 99.99/3 = 33.33 both display 33.33 and tie
    standings = standings_of(rules, measured(A=100, B="99.99"))
    rows = rows_by_entrant(standings)
    assert standings.total_text(rows["A"]) == standings.total_text(rows["B"]) == "33.33"
    assert rows["A"].rank == rows["B"].rank == 1 and rows["A"].shared


def test_tie_break_chain_decides_and_says_which_key() -> None:
    rules = make_rules(SIMPLE + "ranking:\n  tiebreak: [{key: time, order: asc}]\n")
    marks = measured(A=87, B=87, C=90) + [
        ("A", "", "time", "", "26:05"),
        ("B", "", "time", "", "24:10"),
    ]
    rows = rows_by_entrant(standings_of(rules, marks))
    # same 87.0 total: 24′10″ beats 26′05″ (RULES.md 1.9)
    assert (rows["C"].rank, rows["B"].rank, rows["A"].rank) == (1, 2, 3)
    assert rows["B"].decided_by == "time" and rows["A"].decided_by == "time"
    assert rows["C"].decided_by is None and not rows["B"].shared


def test_ranking_within_groups() -> None:
    rules = make_rules(SIMPLE.replace("criteria:", "  group_by: gender\ncriteria:"))
    entrants = make_entrants(
        [
            {"entrant": e, "gender": g, "is_worker": "1", "team": ""}
            for e, g in [("A", "男"), ("B", "女"), ("C", "男"), ("D", "女")]
        ]
    )
    standings = standings_of(rules, measured(A=80, B=70, C=90, D=60), entrants)
    assert [(r.key, r.group, r.rank) for r in standings.rows] == [
        ("C", "男", 1),
        ("A", "男", 2),
        ("B", "女", 1),
        ("D", "女", 2),
    ]


AWARDS = """\
awards:
  ties: {ties}
  tiers:
    - {{name: 一等奖, count: 1}}
    - {{name: 二等奖, count: 2}}
"""


def test_a_tie_at_the_boundary_gets_the_higher_award_by_default() -> None:
    rules = make_rules(SIMPLE + AWARDS.format(ties="higher"))
    rows = rows_by_entrant(standings_of(rules, measured(A=90, B=90, C=80, D=70)))
    # A and B share 1st: both 一等奖; they used two positions, so 二等奖 has one left
    assert [rows[k].award for k in "ABCD"] == ["一等奖", "一等奖", "二等奖", None]


def test_ties_lower_lets_the_tied_group_wait_for_the_next_tier() -> None:
    rules = make_rules(SIMPLE + AWARDS.format(ties="lower"))
    rows = rows_by_entrant(standings_of(rules, measured(A=90, B=90, C=80, D=70)))
    assert [rows[k].award for k in "ABCD"] == ["二等奖", "二等奖", "二等奖", None]


def test_proportional_tiers_with_threshold_and_money() -> None:
    rules = make_rules(
        SIMPLE
        + """\
awards:
  budget: 1000
  tiers:
    - {name: 一等奖, proportion: 0.10, prize: 500}
    - {name: 优秀奖, when: "total >= 60", prize: 100}
"""
    )
    scores = {f"E{i:02d}": 100 - 3 * i for i in range(20)}  # 100, 97, ..., 43
    standings = standings_of(rules, measured(**scores))
    rows = rows_by_entrant(standings)
    # 10 % of 20 = 2 一等奖; 优秀奖 for the rest with total ≥ 60: 94 … 61 → E02 … E13
    assert [k for k, r in rows.items() if r.award == "一等奖"] == ["E00", "E01"]
    assert sum(1 for r in rows.values() if r.award == "优秀奖") == 12
    assert standings.prize_total == 2 * 500 + 12 * 100


def test_titles_by_predicate_on_rank_and_attribute() -> None:
    rules = make_rules(SIMPLE + 'titles:\n  - {name: 技术能手, when: "rank <= 2 and is_worker"}\n')
    entrants = make_entrants(
        [
            {"entrant": e, "gender": "男", "is_worker": w, "team": ""}
            for e, w in [("A", "是"), ("B", "否"), ("C", "yes")]
        ]
    )
    rows = rows_by_entrant(standings_of(rules, measured(A=90, B=80, C=70), entrants))
    assert [[t.name for t in rows[k].titles] for k in "ABC"] == [["技术能手"], [], []]


@pytest.mark.parametrize(
    ("score", "expected"), [("sum", "243"), ("mean", "81"), ("best_k\n    k: 2", "165")]
)
def test_team_score_from_members(score: str, expected: str) -> None:
    rules = make_rules(
        SIMPLE.replace(
            "total: {formula: score}", "total: {formula: score, round: {ndigits: 0}}"
        ).replace("criteria:", f"  kind: team\n  team:\n    score: {score}\ncriteria:")
    )
    entrants = make_entrants(
        [
            {"entrant": e, "gender": "男", "is_worker": "1", "team": t}
            for e, t in [
                ("a1", "红队"),
                ("a2", "红队"),
                ("a3", "红队"),
                ("b1", "蓝队"),
                ("b2", "蓝队"),
                ("b3", "蓝队"),
            ]
        ]
    )
    # 红队 85 + 80 + 78 = 243 (RULES.md 1.15); mean 81; best two 85 + 80 = 165
    standings = standings_of(rules, measured(a1=85, a2=80, a3=78, b1=60, b2=70, b3=65), entrants)
    red = rows_by_entrant(standings)["红队"]
    assert standings.total_text(red) == expected and red.rank == 1
    assert [m.key for m in red.members] == ["a1", "a2", "a3"]


def test_medals_then_a_merit_award_down_to_half_the_field() -> None:
    # gold/silver/bronze for ranks 1–3, 优胜奖 for ranks 4 to ⌈N/2⌉: N = 18 → 4–9 (RULES.md 1.12)
    rules = make_rules(
        SIMPLE
        + """\
awards:
  tiers:
    - {name: 金牌, count: 1}
    - {name: 银牌, count: 1}
    - {name: 铜牌, count: 1}
    - {name: 优胜奖, when: "rank <= ceil(field_size / 2)"}
"""
    )
    standings = standings_of(rules, measured(**{f"E{i:02d}": 100 - i for i in range(18)}))
    awards = [row.award for row in standings.rows]
    assert awards == ["金牌", "银牌", "铜牌"] + ["优胜奖"] * 6 + [None] * 9


def test_qualifying_cut_lets_everyone_tied_at_the_cut_through() -> None:
    # top 3 go on; "第3名并列的均进入决赛": ties at the cut all advance (RULES.md 1.14)
    rules = make_rules(SIMPLE + 'titles:\n  - {name: 进入决赛, when: "rank <= 3"}\n')
    rows = rows_by_entrant(standings_of(rules, measured(A=90, B=85, C=80, D=80, E=70)))
    assert [k for k, r in rows.items() if r.titles] == ["A", "B", "C", "D"]


def test_awards_across_groups_use_the_tie_breaks_too() -> None:
    rules = make_rules(
        SIMPLE.replace("criteria:", "  group_by: gender\ncriteria:")
        + "ranking:\n  tiebreak: [{key: time, order: asc}]\n"
        + "awards:\n  per_group: false\n  tiers:\n"
        + "    - {name: 一等奖, count: 1}\n    - {name: 二等奖, count: 1}\n"
    )
    entrants = make_entrants(
        [
            {"entrant": e, "gender": g, "is_worker": "1", "team": ""}
            for e, g in [("A", "男"), ("B", "女"), ("C", "男")]
        ]
    )
    marks = measured(A=90, B=90, C=80) + [("A", "", "time", "", "10"), ("B", "", "time", "", "9")]
    rows = rows_by_entrant(standings_of(rules, marks, entrants))
    # A and B both 90, in different groups; B is faster, so B is first on the one list
    assert (rows["B"].award, rows["A"].award, rows["C"].award) == ("一等奖", "二等奖", None)


def test_a_team_short_of_members_is_incomplete_and_stops_a_final_ranking() -> None:
    rules = make_rules(
        SIMPLE.replace("criteria:", "  kind: team\n  team:\n    members: 3\ncriteria:")
    )
    entrants = make_entrants(
        [
            {"entrant": e, "gender": "男", "is_worker": "1", "team": t}
            for e, t in [
                ("a1", "红队"),
                ("a2", "红队"),
                ("b1", "蓝队"),
                ("b2", "蓝队"),
                ("b3", "蓝队"),
            ]
        ]
    )
    marks = measured(a1=99, a2=99, b1=60, b2=60, b3=60)
    with pytest.raises(DataFileError) as caught:
        standings_of(rules, marks, entrants)
    assert [p.render("en") for p in caught.value.problems] == [
        "marks: entrant 红队: incomplete: 2 of 3 members"
    ]
    provisional = standings_of(rules, marks, entrants, provisional=True)
    assert rows_by_entrant(provisional)["红队"].status == "incomplete"
    assert provisional.complete is False


def test_an_incomplete_team_names_the_member_who_is_missing_marks() -> None:
    rules = make_rules(SIMPLE.replace("criteria:", "  kind: team\n  team: {}\ncriteria:"))
    entrants = make_entrants(
        [{"entrant": e, "gender": "男", "is_worker": "1", "team": "红队"} for e in ("a1", "a2")]
    )
    with pytest.raises(DataFileError) as caught:
        standings_of(rules, measured(a1=90), entrants)
    assert [p.render("en") for p in caught.value.problems] == [
        "marks: entrant 红队: incomplete: member a2: score: no value"
    ]
