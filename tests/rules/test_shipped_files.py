"""Every rule file the project ships passes `rules check`, and every sample beside one ranks.

Files are found by globbing, so a rule file or sample added later is tested without edits
here: ``NAME.yaml`` is ranked with ``NAME.sample.csv`` and any ``NAME.VARIANT.sample.csv`` (a
6-dive event of a file serving 5 and 6), with ``NAME.entrants.csv`` if there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from competition.commands import main

SCORING_RULES = Path(__file__).resolve().parents[2] / "scoring_rules"
RULE_FILES = sorted(SCORING_RULES.rglob("*.yaml"))
SAMPLES = sorted(SCORING_RULES.rglob("*.sample.csv"))


def _id(path: Path) -> str:
    return path.relative_to(SCORING_RULES).as_posix()


def test_the_project_ships_rule_files() -> None:
    assert RULE_FILES, "scoring_rules/ ships no rule file"


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=_id)
def test_rules_check_accepts_shipped_file(rule_file: Path) -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "rules", "check", str(rule_file)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("sample", SAMPLES, ids=_id)
def test_sample_ranks_with_its_rule_file(sample: Path) -> None:
    stem = sample.name.removesuffix(".sample.csv").split(".")[0]  # NAME[.VARIANT].sample.csv
    rule_file = sample.with_name(f"{stem}.yaml")
    assert rule_file.exists(), f"{_id(sample)} has no rule file {stem}.yaml beside it"
    args = ["--lang", "en", "rank", str(rule_file), "--marks", str(sample), "--format", "json"]
    entrants = sample.with_name(f"{stem}.entrants.csv")
    if entrants.exists():
        args += ["--entrants", str(entrants)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    standings = json.loads(result.stdout)["standings"]
    assert standings, f"{_id(sample)} ranks nobody"
    assert any(row["rank"] is not None for row in standings)
