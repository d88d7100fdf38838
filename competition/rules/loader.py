"""Rule file → :class:`RuleSet`, or every problem found, each with its file and line."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from competition.rules.checker import RuleChecker
from competition.rules.errors import Problem, RuleFileError
from competition.rules.messages import N_, msg
from competition.rules.model import RuleFile
from competition.rules.ruleset import RuleSet
from competition.rules.schema_errors import problems_from
from competition.rules.yamlsource import load_yaml


def load_rule_file(path: Path | str, display: str | None = None) -> RuleSet:
    """Read and validate a rule file; raises :class:`RuleFileError` with every problem."""
    path = Path(path)
    source = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        detail = error.strerror or str(error)
        raise RuleFileError(
            [Problem(source, None, "", msg(N_("cannot read the file: {detail}"), detail=detail))]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RuleFileError(
            [Problem(source, line, "", msg(N_("the file is not UTF-8 text")))]
        ) from None
    return load_rule_text(text, source, hashlib.sha256(raw).hexdigest())


def load_rule_text(text: str, source: str = "<rules>", sha256: str | None = None) -> RuleSet:
    """Validate rule-file text; ``sha256`` defaults to the hash of its UTF-8 encoding."""
    document = load_yaml(text, source)
    if document.problems:
        raise RuleFileError(document.problems)
    if not isinstance(document.data, dict):
        raise RuleFileError(
            [Problem(source, 1, "", msg(N_("expected a mapping of 'key: value' lines")))]
        )
    try:
        rule = RuleFile.model_validate(document.data)
    except ValidationError as error:
        raise RuleFileError(
            problems_from(error, document.data, document.source_map, source)
        ) from None
    checker = RuleChecker(rule, document.source_map, source)
    ruleset = checker.compile(text, sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest())
    if checker.problems:
        raise RuleFileError(sorted(checker.problems, key=lambda p: (p.line or 0, p.field)))
    return ruleset
