"""The baseline for ``bench/engine.py``: the benchmark contest's standings in plain pandas.

Same MARKS.csv as ``competition rank``, plain float arithmetic, no checks:

    python bench/bare_pandas.py MARKS.csv OUT.csv

score = mean of the 9 judges' marks after sorting and dropping the highest and the lowest,
rounded to 2 digits; item points = score × dd rounded to 2 digits; total = sum over the items;
rank = descending, ties share the best place (method "min", i.e. competition ranking).

``round`` here is numpy's: on binary floats, half to even. At an exact ``.xx5`` tie of
score × dd the result may therefore differ by 0.01 from the engine's exact half-up.
"""

from __future__ import annotations

import sys

import pandas as pd

DROP_LOW = 1
DROP_HIGH = 1


def standings(marks_path: str) -> pd.DataFrame:
    """entrant, rank, total, then each item's points (``item:1`` …), best first."""
    marks = pd.read_csv(
        marks_path,
        dtype={"entrant": str, "item": str, "criterion": str, "judge": str, "value": float},
        keep_default_na=False,
    )
    score = marks[marks["criterion"] == "score"].sort_values(["entrant", "item", "value"])
    group = score.groupby(["entrant", "item"], sort=False)
    position = group.cumcount()
    size = group["value"].transform("size")
    kept = score[(position >= DROP_LOW) & (position < size - DROP_HIGH)]
    mean = kept.groupby(["entrant", "item"])["value"].mean().round(2)
    dd = marks[marks["criterion"] == "dd"].set_index(["entrant", "item"])["value"]
    points = (mean * dd.reindex(mean.index)).round(2)
    wide = points.unstack("item")
    wide.columns = [f"item:{item}" for item in wide.columns]
    result = pd.DataFrame({"total": points.groupby(level="entrant").sum().round(2)})
    result["rank"] = result["total"].rank(method="min", ascending=False).astype(int)
    result = result.join(wide).reset_index()
    result = result[["entrant", "rank", "total", *wide.columns]]
    return result.sort_values(["rank", "entrant"], kind="stable")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: bare_pandas.py MARKS.csv OUT.csv", file=sys.stderr)
        return 2
    standings(argv[0]).to_csv(argv[1], index=False, float_format="%.2f")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
