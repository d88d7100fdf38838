"""docs/rules.md stays true as the rule language changes.

Every ```yaml block of the manual is one of three kinds:

- a deliberately broken rule file: the line just above its fence is
  ``<!-- broken: NAME.yaml -->``. It must fail to load, and every ```text block that quotes
  ``NAME.yaml:LINE:`` lines must quote exactly the problems that `competition rules check
  NAME.yaml` prints, in Chinese (the default) or in English (``--lang en``);
- a rule file: it has top-level ``criteria`` and ``total``. It must load. A block without a
  ``contest`` line gets one, as the manual's introduction tells the reader to do;
- a fragment (no ``criteria`` or no ``total``): only has to be a YAML mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from competition.rules import RuleFileError, load_rule_file

MANUAL = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\s*$")
BROKEN = re.compile(r"^<!--\s*broken:\s*(?P<name>[\w.-]+\.yaml)\s*-->$")
QUOTED = re.compile(r"^(?P<name>[\w.-]+\.yaml):\d+: ")


@dataclass(frozen=True)
class Block:
    line: int  # the line of the opening fence in the manual
    lang: str
    text: str  # the block as a saved file: its lines, each ending in a newline
    broken: str | None  # the file name of a deliberately broken rule file


def read_blocks(manual: Path = MANUAL) -> list[Block]:
    lines = manual.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        assert end < len(lines), f"docs/rules.md:{index + 1}: the code block is never closed"
        body = [line.removeprefix(fence["indent"]) for line in lines[index + 1 : end]]
        marker = BROKEN.match(lines[index - 1].strip()) if index > 0 else None
        blocks.append(
            Block(
                line=index + 1,
                lang=fence["lang"],
                text="".join(f"{line}\n" for line in body),
                broken=marker["name"] if marker else None,
            )
        )
        index = end + 1
    return blocks


BLOCKS = read_blocks()
BROKEN_FILES = [b for b in BLOCKS if b.lang == "yaml" and b.broken is not None]
UNMARKED = [b for b in BLOCKS if b.lang == "yaml" and b.broken is None]
OUTPUTS = [b for b in BLOCKS if b.lang == "text"]


def _mapping(block: Block) -> dict[object, object]:
    data = yaml.safe_load(block.text)
    assert isinstance(data, dict), f"docs/rules.md:{block.line}: not a YAML mapping"
    return data


def _is_rule_file(block: Block) -> bool:
    data = _mapping(block)
    return "criteria" in data and "total" in data


RULE_FILES = [b for b in UNMARKED if _is_rule_file(b)]


def _problems(block: Block, folder: Path) -> list[tuple[str, str]]:
    """What `competition rules check` prints for the block, in Chinese and in English;
    empty when the block is a valid rule file."""
    name = block.broken or f"block-{block.line}.yaml"
    text = block.text
    if block.broken is None and "contest" not in _mapping(block):
        text += "contest: 手册中的片段\n"  # at the end, so that line numbers stay the same
    path = folder / name
    path.write_text(text, encoding="utf-8")
    try:
        load_rule_file(path, display=name)
    except RuleFileError as error:
        return [(p.render("zh_CN"), p.render("en")) for p in error.problems]
    return []


def _id(block: Block) -> str:
    return block.broken or f"line-{block.line}"


def test_the_manual_has_rule_files_and_broken_examples() -> None:
    assert len(RULE_FILES) >= 30, "fewer rule files than expected: is the fence pattern right?"
    assert BROKEN_FILES, "no block is marked <!-- broken: NAME.yaml -->"
    names = [b.broken for b in BROKEN_FILES]
    assert len(names) == len(set(names)), f"two broken examples share a name: {names}"


def test_every_broken_marker_sits_on_the_line_above_a_yaml_fence() -> None:
    markers = [
        number
        for number, line in enumerate(MANUAL.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip().startswith("<!-- broken")
    ]
    assert len(markers) == len(BROKEN_FILES), (
        f"markers on lines {markers}, but only the blocks on lines "
        f"{[b.line for b in BROKEN_FILES]} are marked: write the marker as "
        "<!-- broken: NAME.yaml --> directly above the ```yaml line"
    )


@pytest.mark.parametrize("block", UNMARKED, ids=_id)
def test_every_yaml_block_is_a_mapping(block: Block) -> None:
    _mapping(block)


@pytest.mark.parametrize("block", RULE_FILES, ids=_id)
def test_rule_files_in_the_manual_pass_the_check(block: Block, tmp_path: Path) -> None:
    problems = _problems(block, tmp_path)
    assert not problems, f"docs/rules.md:{block.line}: " + "\n".join(en for _, en in problems)


@pytest.mark.parametrize("block", BROKEN_FILES, ids=_id)
def test_broken_examples_fail_exactly_as_the_manual_shows(block: Block, tmp_path: Path) -> None:
    problems = _problems(block, tmp_path)
    assert problems, f"docs/rules.md:{block.line}: {block.broken} is marked broken but passes"
    chinese = [zh for zh, _ in problems]
    english = [en for _, en in problems]
    quotes = [
        (output.line, lines)
        for output in OUTPUTS
        if (lines := [s for s in output.text.splitlines() if s.startswith(f"{block.broken}:")])
    ]
    assert quotes, f"docs/rules.md:{block.line}: no ```text block shows what {block.broken} gives"
    for line, quoted in quotes:
        assert quoted in (chinese, english), (
            f"docs/rules.md:{line}: the output quoted for {block.broken} is not what "
            "`competition rules check` prints (if only Chinese differs, run make translations)"
            "\nprinted:\n" + "\n".join(english) + "\n" + "\n".join(chinese)
        )


def test_every_quoted_rule_file_is_shown_in_the_manual() -> None:
    shown = {b.broken for b in BROKEN_FILES}
    orphans = [
        f"docs/rules.md:{output.line}: {line}"
        for output in OUTPUTS
        for line in output.text.splitlines()
        if (quote := QUOTED.match(line)) and quote["name"] not in shown
    ]
    assert not orphans, "output quoted for a file the manual does not show:\n" + "\n".join(orphans)
