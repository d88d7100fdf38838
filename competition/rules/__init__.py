"""The rule language and engine: parse and validate rule files, compute standings.

Pure Python, pandas and exact fractions; nothing here imports Flask or the database.
"""

from competition.rules.errors import DataFileError, Problem, ProblemsError, RuleFileError
from competition.rules.loader import load_rule_file, load_rule_text
from competition.rules.ruleset import RuleSet

__all__ = [
    "DataFileError",
    "Problem",
    "ProblemsError",
    "RuleFileError",
    "RuleSet",
    "load_rule_file",
    "load_rule_text",
]
