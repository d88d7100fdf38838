"""The JSON Schema of a rule file, for editors that validate YAML as it is typed.

Generated from :class:`~competition.rules.model.RuleFile`, so it follows the rule language
as it grows; ``make schema`` writes it to ``scoring_rules/schema.json``. The schema checks
shapes and types only: the loader's checks (names that exist, weights that add up, formulas
that parse) still need ``competition rules check``.
"""

from __future__ import annotations

import json
from typing import Any

from competition.rules.model import RuleFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:competition:scoring-rules:rule-file"
SCHEMA_TITLE = "Competition rule file (劳动技能竞赛评分规则文件)"


def rule_file_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rule file, with keys as they are typed."""
    generated = _names_only(RuleFile.model_json_schema(by_alias=True))
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        **generated,
        "title": SCHEMA_TITLE,
    }


def _names_only(node: Any) -> Any:
    """Sections keyed by names (criteria, panels, ...) accept only keys that are valid names:
    pydantic writes ``patternProperties`` but leaves other keys allowed."""
    if isinstance(node, dict):
        node = {key: _names_only(value) for key, value in node.items()}
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_names_only(value) for value in node]
    return node


def rule_file_schema_text() -> str:
    """The schema as stable, pretty-printed JSON text ending in a newline."""
    return json.dumps(rule_file_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
