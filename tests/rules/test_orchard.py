"""The apple-orchard per-mu benefit championship, checked by hand against its sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from competition.rules import load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.standings import Standings
from tests.factories import rows_by_entrant

RULES = Path(__file__).resolve().parents[2] / "scoring_rules"
NAME = "apple_orchard_per_mu_benefit"


@pytest.fixture(scope="module")
def orchards() -> Standings:
    return compute_standings(
        load_rule_file(RULES / f"{NAME}.yaml"),
        read_marks_csv(RULES / f"{NAME}.sample.csv"),
        read_entrants_csv(RULES / f"{NAME}.entrants.csv"),
    )


def text(standings: Standings, name: str, entrant: str) -> str | None:
    return standings.value_text(name, standings.table.value(name, entrant))


def test_ya004_by_hand(orchards: Standings) -> None:
    # (608 076 − 167 598) 元 / 18 亩 = 24 471.00 元/亩
    assert text(orchards, "net_income_per_mu", "YA004") == "24471.00"
    # best orchard YA015: 26 115.80 元/亩 → 40 × 24 471 / 26 115.8 = 37.481… → 37.48
    assert text(orchards, "income_points", "YA015") == "40.00"
    assert text(orchards, "income_points", "YA004") == "37.48"
    # 4 445 kg/亩 ≥ benchmark 3 000 → capped at 10
    assert text(orchards, "yield_points", "YA004") == "10.00"
    # premium rate 0.7782 → (0.7782 − 0.50) / 0.40 × 15 = 10.4325 → 10.43
    assert text(orchards, "premium_rate", "YA004") == "0.7782"
    assert text(orchards, "premium_points", "YA004") == "10.43"
    # commercial rate 0.9527 ≥ 0.95 → 5
    assert text(orchards, "commercial_points", "YA004") == "5"
    # inspection: middle of three experts per item: 6.5 + 7 + 4.5 + 3.5 = 21.5
    assert text(orchards, "inspection", "YA004") == "21.5"
    # total 37.48 + 10 + 10.43 + 5 + 21.5 = 84.41
    assert orchards.total_text(rows_by_entrant(orchards)["YA004"]) == "84.41"


def test_the_best_fifteen_are_champion_orchards_graded_three_five_seven(
    orchards: Standings,
) -> None:
    champions = [r for r in orchards.rows if any(t.name == "亩均效益冠军园" for t in r.titles)]
    assert len(champions) == 15 and all(r.rank is not None and r.rank <= 15 for r in champions)
    awards = [r.award for r in orchards.rows if r.award]
    assert awards == ["一等奖"] * 3 + ["二等奖"] * 5 + ["三等奖"] * 7
    # 3 × 20 000 + 5 × 10 000 + 7 × 5 000 = 145 000, within the 150 000 budget
    assert orchards.prize_total == 145000


def test_phone_numbers_are_declared_private(orchards: Standings) -> None:
    assert orchards.ruleset.rule.entrants.attributes["phone"].public is False
