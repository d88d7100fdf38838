"""The JSON Schema of a rule file: committed, current, strict, and written by the CLI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from competition.commands import main
from competition.config import REPOSITORY_ROOT
from competition.rules.schema import SCHEMA_DIALECT, rule_file_schema, rule_file_schema_text

COMMITTED = REPOSITORY_ROOT / "scoring_rules" / "schema.json"
SHIPPED = sorted((REPOSITORY_ROOT / "scoring_rules").rglob("*.yaml"))


def test_committed_schema_is_current() -> None:
    assert COMMITTED.is_file(), "scoring_rules/schema.json is missing: run make schema"
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == rule_file_schema(), (
        "scoring_rules/schema.json is stale (the rule-file model changed): run make schema"
    )
    assert COMMITTED.read_text(encoding="utf-8") == rule_file_schema_text(), (
        "scoring_rules/schema.json is not formatted as generated: run make schema"
    )


def test_schema_names_its_dialect_and_itself() -> None:
    schema = rule_file_schema()

    assert schema["$schema"] == SCHEMA_DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]
    assert schema["title"]
    assert schema["type"] == "object"


def test_required_top_level_keys_are_required() -> None:
    schema = rule_file_schema()

    assert set(schema["required"]) == {"contest", "criteria", "total"}
    assert {"contest", "criteria", "total", "ranking", "awards"} <= set(schema["properties"])


def test_unknown_keys_are_forbidden_everywhere() -> None:
    schema = rule_file_schema()

    assert schema["additionalProperties"] is False
    objects = {name: d for name, d in schema["$defs"].items() if d.get("type") == "object"}
    assert objects, "the schema defines no nested objects"
    open_ = sorted(
        name for name, d in objects.items() if d.get("additionalProperties") is not False
    )
    assert not open_, f"these sections accept unknown keys: {open_}"


def test_sections_keyed_by_names_accept_only_valid_names() -> None:
    properties = rule_file_schema()["properties"]
    for section in ("criteria", "panels", "eligibility"):
        assert properties[section]["additionalProperties"] is False, section
        assert list(properties[section]["patternProperties"]) == ["^[A-Za-z_][A-Za-z0-9_]*$"]


def test_keys_appear_as_typed_in_a_rule_file() -> None:
    """Aliases, not Python names: ``else`` and ``from``, never ``otherwise`` and ``start``."""
    definitions = rule_file_schema()["$defs"]

    assert "else" in definitions["Bands"]["properties"]
    assert "otherwise" not in definitions["Bands"]["properties"]
    assert "from" in definitions["Deduct"]["required"]
    assert "start" not in definitions["Deduct"]["properties"]


def _walk(schema: dict[str, Any], value: Any, node: dict[str, Any], where: str) -> list[str]:
    """A structural check (known keys, required keys, kinds, types): not full JSON Schema."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in node:
        for option in node["anyOf"]:
            if not _walk(schema, value, option, where):
                return []
        return [f"{where}: matches none of the allowed forms"]
    if "oneOf" in node and isinstance(value, dict) and "discriminator" in node:
        target = node["discriminator"]["mapping"].get(value.get("kind"))
        if target is None:
            return [f"{where}: unknown kind {value.get('kind')!r}"]
        return _walk(schema, value, {"$ref": target}, where)
    kind = node.get("type")
    if kind == "null":
        return [] if value is None else [f"{where}: expected null"]
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: expected a mapping"]
        problems = [
            f"{where}.{key}: required" for key in node.get("required", []) if key not in value
        ]
        properties = node.get("properties", {})
        for key, child in value.items():
            if key in properties:
                problems += _walk(schema, child, properties[key], f"{where}.{key}")
            elif "patternProperties" in node:
                (pattern_node,) = node["patternProperties"].values()
                problems += _walk(schema, child, pattern_node, f"{where}.{key}")
            elif isinstance(node.get("additionalProperties"), dict):
                problems += _walk(schema, child, node["additionalProperties"], f"{where}.{key}")
            elif node.get("additionalProperties") is False:
                problems.append(f"{where}.{key}: unknown key")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [
            p
            for index, child in enumerate(value)
            for p in _walk(schema, child, node.get("items", {}), f"{where}.{index}")
        ]
    if "enum" in node and value not in node["enum"]:
        return [f"{where}: {value!r} is not one of {node['enum']}"]
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind in checks and not checks[kind](value):
        return [f"{where}: expected {kind}, found {value!r}"]
    return []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_rule_file_fits_the_schema(path: Path) -> None:
    schema = rule_file_schema()
    document = yaml.safe_load(path.read_text(encoding="utf-8"))

    if importlib.util.find_spec("jsonschema") is not None:  # pragma: no cover - optional
        import jsonschema

        jsonschema.validate(document, schema)
    assert _walk(schema, document, schema, path.name) == []


def test_the_structural_walk_notices_unknown_and_missing_keys() -> None:
    schema = rule_file_schema()
    document = {"contest": "x", "criteria": {"a": {"kind": "derived"}}, "totl": {}}

    problems = _walk(schema, document, schema, "f")

    assert "f.totl: unknown key" in problems
    assert "f.total: required" in problems
    assert "f.criteria.a.formula: required" in problems


def test_rules_schema_writes_the_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "schema.json"

    result = runner.invoke(main, ["--lang", "en", "rules", "schema", "--output", str(target)])

    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert target.read_text(encoding="utf-8") == rule_file_schema_text()
    assert json.loads(target.read_text(encoding="utf-8"))["required"] == [
        "contest",
        "criteria",
        "total",
    ]


def test_rules_schema_prints_to_standard_output(runner: CliRunner) -> None:
    result = runner.invoke(main, ["rules", "schema"])

    assert result.exit_code == 0, result.output
    assert result.output == rule_file_schema_text()
    assert result.output.endswith("}\n")
