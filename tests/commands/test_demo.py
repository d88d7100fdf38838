from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from competition.commands import main
from competition.rules import load_rule_file


def test_demo_lists_each_valid_rule_file_as_ok(
    runner: CliRunner, rules_dir: Path, shipped_rule_file: Path
) -> None:
    shutil.copy(shipped_rule_file, rules_dir / "welding.yaml")
    contest = load_rule_file(rules_dir / "welding.yaml").contest

    result = runner.invoke(
        main, ["--lang", "en", "demo", "--check-only"], env={"SCORING_RULES_DIR": str(rules_dir)}
    )

    assert result.exit_code == 0, result.output
    assert result.output == f"{contest}\twelding.yaml\tok\n"


def test_demo_fails_on_an_invalid_rule_file(runner: CliRunner, rules_dir: Path) -> None:
    (rules_dir / "broken.yaml").write_text("contest: [unclosed\n", encoding="utf-8")

    result = runner.invoke(
        main, ["demo", "--check-only"], env={"SCORING_RULES_DIR": str(rules_dir)}
    )

    assert result.exit_code == 1
    assert "broken.yaml:" in result.output


def test_demo_speaks_the_chosen_language(runner: CliRunner, rules_dir: Path) -> None:
    env = {"SCORING_RULES_DIR": str(rules_dir), "COMPETITION_LOCALE": None, "LANG": "C.UTF-8"}

    assert "没有评分规则文件" in runner.invoke(main, ["demo", "--check-only"], env=env).output
    english = {**env, "LANG": "en_GB.UTF-8"}
    assert "No rule files" in runner.invoke(main, ["demo", "--check-only"], env=english).output
    chosen = {**english, "COMPETITION_LOCALE": "zh_CN"}
    assert "没有评分规则文件" in runner.invoke(main, ["demo", "--check-only"], env=chosen).output
