"""The rule files shipped in a folder, each checked by the rules loader."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from competition.rules import RuleFileError, load_rule_file
from competition.rules.messages import DEFAULT_LOCALE

RULE_FILE_PATTERN = "*.yaml"


@dataclass(frozen=True)
class RuleFileSummary:
    path: str
    contest: str | None
    sha256: str
    problems: list[str]

    @property
    def valid(self) -> bool:
        return not self.problems


# (path, locale) → (the file's mtime and size when checked, its summary): the home page lists
# every rule file on every visit, and checking them all again took 300 ms a request
_CHECKED: dict[tuple[str, str], tuple[tuple[int, int], RuleFileSummary]] = {}


def list_rule_files(root: Path, locale: str = DEFAULT_LOCALE) -> list[RuleFileSummary]:
    """Every rule file under `root`, sorted by path; problems rendered in `locale`. A file is
    checked again only when it changed (its modification time or size)."""
    return [_summary(path, root, locale) for path in sorted(root.rglob(RULE_FILE_PATTERN))]


def _summary(path: Path, root: Path, locale: str) -> RuleFileSummary:
    try:
        stat = path.stat()
    except OSError:
        return summarise(path, root, locale)
    stamp, key = (stat.st_mtime_ns, stat.st_size), (str(path), locale)
    known = _CHECKED.get(key)
    if known is not None and known[0] == stamp:
        return known[1]
    summary = summarise(path, root, locale)
    _CHECKED[key] = (stamp, summary)
    return summary


def summarise(path: Path, root: Path, locale: str = DEFAULT_LOCALE) -> RuleFileSummary:
    relative = path.relative_to(root).as_posix()
    try:
        rule_set = load_rule_file(path, display=relative)
    except RuleFileError as error:
        return RuleFileSummary(
            path=relative,
            contest=None,
            sha256=_file_sha256(path),
            problems=[problem.render(locale) for problem in error.problems],
        )
    return RuleFileSummary(
        path=relative, contest=rule_set.contest, sha256=rule_set.sha256, problems=[]
    )


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""  # the loader's problem already says why the file cannot be read
