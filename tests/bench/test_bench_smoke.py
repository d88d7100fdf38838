"""The engine benchmark on 30 entrants, untimed: its generator, rule file and both
computations still work, the engine and the bare pandas script agree (a difference is
allowed only where float rounding meets an exact ``.xx5`` tie), and the engine's JSON lists
what its CSV does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench import engine as bench

ENTRANTS = 30


def test_engine_and_bare_pandas_agree(tmp_path: Path) -> None:
    rules = bench.write_rules(tmp_path)
    marks = tmp_path / "marks.csv"
    rows = bench.generate_marks(marks, ENTRANTS)
    assert rows == ENTRANTS * bench.ITEMS * (bench.JUDGES + 1)
    frame = pd.read_csv(marks, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["entrant", "item", "criterion", "judge", "value"]
    assert (frame["criterion"] == "score").sum() == ENTRANTS * bench.ITEMS * bench.JUDGES

    engine_out = tmp_path / "engine.csv"
    bare_out = tmp_path / "pandas.csv"
    bench.run_engine_in_process(rules, marks, engine_out)
    bench.run_subprocess(bench.pandas_command(marks, bare_out))

    json_out = tmp_path / "engine.json"
    bench.run_engine_in_process(rules, marks, json_out, "json")
    assert bench.json_agrees(json_out, engine_out)

    comparison = bench.compare(engine_out, bare_out, marks)
    assert comparison.entrants == ENTRANTS
    assert not comparison.missing
    assert comparison.ranks_consistent
    assert not comparison.unexplained_items, comparison.unexplained_items
    assert comparison.explained, comparison.summary()


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    bench.generate_marks(first, 5)
    bench.generate_marks(second, 5)
    assert first.read_bytes() == second.read_bytes()


def test_document_section_is_replaced_in_place(tmp_path: Path) -> None:
    document = tmp_path / "performance.md"
    document.write_text(
        "# Performance\n\nIntro.\n\n"
        f"{bench.SECTION_TITLE}\n\nold numbers\n\n"
        "## Websocket throughput\n\nkept\n",
        encoding="utf-8",
    )
    bench.update_document(document, f"{bench.SECTION_TITLE}\n\nnew numbers\n")
    text = document.read_text(encoding="utf-8")
    assert "old numbers" not in text
    assert text.count(bench.SECTION_TITLE) == 1
    assert text.index("new numbers") < text.index("## Websocket throughput")
    assert text.endswith("## Websocket throughput\n\nkept\n")


def test_incremental_bench_checks_every_update_against_a_full_recomputation() -> None:
    from bench import incremental

    ruleset = incremental.load_rule_file(incremental.RULES)
    result = incremental.measure(ruleset, 40, [4, 10], repeat=1)
    assert set(result.updates) == {1, 4, 10} and result.full > 0 and result.place > 0
    text = incremental.section([result], [4, 10], 1)
    assert text.startswith(incremental.SECTION_TITLE) and "update_many (10 changed)" in text
