"""Benchmark: a full recomputation against an incremental update after one mark, welding rules.

    .venv/bin/python bench/incremental.py [--sizes 1000,10000] [--repeat N]

For each size N it makes N welding entrants and all their marks (fixed seed), computes the
provisional standings in full, then corrects one entrant's appearance mark and times both
``compute_standings`` over every mark and ``incremental.update`` with that entrant's marks,
checks that both give the same document, and prints a markdown table of median times.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from competition.rules import RuleSet, load_rule_file  # noqa: E402
from competition.rules.datafiles import Entrant  # noqa: E402
from competition.rules.engine import compute_standings  # noqa: E402
from competition.rules.incremental import update  # noqa: E402
from competition.rules.report import standings_dict  # noqa: E402
from competition.rules.standings import Standings  # noqa: E402

SEED = 20260101
RULES = ROOT / "scoring_rules" / "welding_skills.yaml"
UNITS = ["延安石化", "延长油田", "陕建八建", "延安职业技术学院"]


def contest(size: int) -> tuple[list[Entrant], pd.DataFrame]:
    """``size`` entrants with every mark in, as a marks log would list them."""
    rng = random.Random(SEED)
    entrants = [
        Entrant(f"W{n:05d}", f"选手{n}", {"unit": rng.choice(UNITS), "is_worker": "1"})
        for n in range(1, size + 1)
    ]
    rows: list[tuple[str, str, str, str, str]] = []
    for entrant in entrants:
        measured = {
            "theory": str(rng.randrange(80, 201) / 2),
            "leg_size_mm": str(rng.randrange(80, 121) / 10),
            "misalignment_mm": str(rng.randrange(0, 15) / 10),
            "undercut_mm": str(rng.randrange(0, 40)),
            "radiography_grade": str(rng.randrange(1, 4)),
            "completion_time": f"{rng.randrange(50, 90)}:{rng.randrange(0, 60):02d}",
        }
        rows += [(entrant.id, "", name, "", value) for name, value in measured.items()]
        rows += [
            (entrant.id, "", "appearance", f"J{j}", str(rng.randrange(36, 61) / 2))
            for j in range(1, 6)
        ]
    frame = pd.DataFrame(rows, columns=["entrant", "item", "criterion", "judge", "value"])
    frame["line"] = range(2, len(frame) + 2)
    return entrants, frame


def median_seconds(run: Callable[[], Standings], repeat: int) -> tuple[float, Standings]:
    times = []
    result: Standings | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


def measure(ruleset: RuleSet, size: int, repeat: int) -> tuple[float, float]:
    entrants, marks = contest(size)
    previous = compute_standings(ruleset, marks, entrants, provisional=True)
    target = entrants[size // 2]
    corrected = marks.copy()
    row = corrected.index[
        (corrected["entrant"] == target.id) & (corrected["criterion"] == "appearance")
    ][0]
    corrected = corrected.drop(index=row)
    superseding = pd.DataFrame(
        [[target.id, "", "appearance", "J1", "30", int(marks["line"].max()) + 1]],
        columns=corrected.columns,
    )
    corrected = pd.concat([corrected, superseding], ignore_index=True)
    own = corrected[corrected["entrant"] == target.id]
    full, expected = median_seconds(
        lambda: compute_standings(ruleset, corrected, entrants, provisional=True), repeat
    )
    step, got = median_seconds(lambda: update(previous, own, target), repeat * 3)
    if standings_dict(got) != standings_dict(expected):
        raise SystemExit(f"incremental standings differ from the full recomputation at {size}")
    return full, step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ruleset = load_rule_file(RULES)
    print("| entrants | full recompute | incremental update | speed-up |")
    print("|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        full, step = measure(ruleset, size, args.repeat)
        print(f"| {size:,} | {full * 1000:.0f} ms | {step * 1000:.0f} ms | {full / step:.1f}× |")


if __name__ == "__main__":
    main()
