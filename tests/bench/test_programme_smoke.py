"""The programme benchmark on a small programme, untimed: it builds the data set it says
(marks, people in many contests with awards, titles and certificates), every page it times
answers, and it writes its section of docs/performance.md."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bench import programme as bench


def test_the_default_data_set_has_200000_marks() -> None:
    parser_defaults = {"contests": 2000, "entrants": 20, "marks": 5}
    assert (
        parser_defaults["contests"] * parser_defaults["entrants"] * parser_defaults["marks"]
        == 200_000
    )
    stars = Counter(bench.star_slots(2000, 20).values())
    assert min(stars.values()) >= 5 and max(stars.values()) == 10
    contests_of = {}
    for (contest, _entrant), star in bench.star_slots(2000, 20).items():
        contests_of.setdefault(star, set()).add(contest)
    assert all(len(contests_of[star]) == count for star, count in stars.items())


def test_the_bench_measures_and_writes_its_section(tmp_path: Path) -> None:
    args = argparse.Namespace(contests=30, entrants=10, marks=2, repeat=2)
    result = bench.measure("sqlite", args)
    assert result["marks"] == 30 * 10 * 2
    assert result["entered"] == 10  # the busiest person entered ten contests
    for key, _label in bench.MEASURED:
        timing = result[key]
        assert isinstance(timing, bench.Timing) and timing.p95 >= timing.median > 0
    document = tmp_path / "performance.md"
    document.write_text("# Performance\n\n## Other\n\nkept\n", encoding="utf-8")
    bench.rewrite_section(document, bench.TITLE, bench.section([result], "python bench", args))
    text = document.read_text(encoding="utf-8")
    assert "## Other\n\nkept" in text and bench.TITLE in text
    assert "| sqlite | 30 | 600 |" in text and "person (public)" in text
