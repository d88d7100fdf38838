from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from competition.rules import load_rule_file
from competition.services.rulebook import list_rule_files


def test_valid_file_is_listed_with_its_contest_and_hash(
    rules_dir: Path, shipped_rule_file: Path
) -> None:
    (rules_dir / "welding").mkdir()
    copy = rules_dir / "welding" / "rules.yaml"
    shutil.copy(shipped_rule_file, copy)

    [summary] = list_rule_files(rules_dir)

    assert summary.path == "welding/rules.yaml"
    assert summary.contest == load_rule_file(copy).contest
    assert summary.sha256 == load_rule_file(copy).sha256
    assert summary.problems == []
    assert summary.valid


def test_invalid_file_lists_its_problems_and_still_has_a_hash(rules_dir: Path) -> None:
    broken = rules_dir / "broken.yaml"
    broken.write_text("contest: [unclosed\n", encoding="utf-8")

    [summary] = list_rule_files(rules_dir, locale="en")

    assert summary.contest is None
    assert not summary.valid
    assert summary.problems[0].startswith("broken.yaml:")
    assert summary.sha256 == hashlib.sha256(broken.read_bytes()).hexdigest()


def test_files_are_found_recursively_in_path_order_and_others_ignored(rules_dir: Path) -> None:
    for name in ("b.yaml", "a/z.yaml", "a/notes.txt"):
        (rules_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (rules_dir / name).write_text("contest: [unclosed\n", encoding="utf-8")

    assert [summary.path for summary in list_rule_files(rules_dir)] == ["a/z.yaml", "b.yaml"]


def test_missing_folder_has_no_rule_files(tmp_path: Path) -> None:
    assert list_rule_files(tmp_path / "nowhere") == []
