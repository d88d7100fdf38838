"""The rule file as a summary an organiser checks against the YAML: criteria, items, total,
ranking, tie-breaks, awards and titles."""

from __future__ import annotations

from competition.services.rule_summary import summary
from tests.factories import rule_source


def test_the_welding_rules_read_as_a_table_of_criteria_weights_and_awards() -> None:
    rules = summary(rule_source("welding_skills.yaml").load(), "en")
    lines = {line.name: line for line in rules.criteria}
    appearance = lines["appearance"]
    assert (appearance.label, appearance.kind, appearance.level) == (
        "焊缝外观",
        "judged by a panel",
        "per entrant",
    )
    assert appearance.panel == "5 judges" and appearance.scale == "0–30, step 0.5"
    assert appearance.how == "mean, dropping the 1 highest and 1 lowest"
    assert appearance.rounding == "2 decimals, half up"
    assert (lines["theory"].weight, lines["practical"].weight) == ("0.30", "0.70")
    assert lines["leg_size_mm"].scale == "0–30 mm"
    assert lines["undercut"].how.startswith("from 咬边总长 (mm): 15, minus 3 per 5; 0 above 30")
    assert rules.total == "理论考试 × 0.30 + 实操成绩 × 0.70"
    assert rules.tiebreaks == [
        "完成用时 (lowest first)",
        "实操成绩 (highest first)",
        "理论考试 (highest first)",
    ]
    assert [(t.name, t.share, t.require, t.prize) for t in rules.tiers] == [
        ("一等奖", "10%", "passed", "3,000 元"),
        ("二等奖", "20%", "passed", "2,000 元"),
        ("三等奖", "30%", "passed", "1,000 元"),
    ]
    assert ("passed", "theory >= 60 and practical >= 60") in rules.awards
    assert rules.titles == [("市技术能手", "rank <= 3 and is_worker (needs approval)")]
    assert "严重违反安全操作规程: disqualified" in rules.penalties


def test_items_say_how_many_and_which_criteria_are_given_per_item() -> None:
    ruleset = rule_source("examples/diving_individual.yaml").load()
    rules = summary(ruleset, "en")
    assert rules.items == [("What an item is", "跳水"), ("Items", "one of 5, 6, chosen per event")]
    chosen = dict(summary(ruleset.with_item_count(5), "en").items)
    assert chosen["Items"] == "5: 1, 2, 3, 4, 5"
    lines = {line.name: line for line in rules.criteria}
    execution = lines["execution"]
    assert (execution.level, execution.panel) == ("per item", "7 judges")
    assert execution.how == "sum, dropping the 2 highest and 2 lowest"
    assert lines["dives"].level == "per entrant"
