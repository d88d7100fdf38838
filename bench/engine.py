"""Benchmark: ``competition rank`` against a bare pandas script, same CSV, same run.

    .venv/bin/python bench/engine.py [--sizes 1000,10000,50000] [--repeat N]
                                     [--output docs/performance.md] [--keep DIR]

For each size N it writes a rule file (6 items; ``score`` judged by 9 judges on 0–10 step
0.1, trimmed mean dropping the highest and the lowest mark; a measured difficulty ``dd``
1.0–3.0 per item; item points = score × dd; total = sum over the items) and a MARKS.csv for
N entrants with a fixed seed, then times

* ``competition rank RULES --marks MARKS.csv --format csv --output OUT`` and the same with
  ``--format json`` (the document with every entrant's breakdown) as subprocesses (wall
  time, interpreter start included) and in-process (the click group via CliRunner),
* ``bench/bare_pandas.py MARKS.csv OUT`` as a subprocess and in-process,

checks that the engine and pandas agree on every entrant's total and rank (and the JSON
with the CSV), prints a table and writes the section "Engine: ``competition rank``" of the
performance document.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run as `python bench/NAME.py`, not imported as bench.NAME
    sys.path.insert(0, str(ROOT))

from bench.performance_doc import rewrite_section  # noqa: E402

BARE_PANDAS = BENCH / "bare_pandas.py"
ITEMS = 6
JUDGES = 9
SEED = 20260101
GOAL_SIZE = 10_000
GOALS = {"csv": 1.5, "json": 3.0}  # format → largest ratio to the bare pandas script
FORMATS = tuple(GOALS)
SECTION_TITLE = "## Engine: `competition rank`"

RULES = """\
# Benchmark contest written by bench/engine.py.
contest: Benchmark · 6 items × 9 judges
version: 1
items: { count: 6 }
criteria:
  score:
    kind: judged
    judges: 9
    scale: { min: 0, max: 10, step: 0.1 }
    aggregate: trimmed_mean
    drop_high: 1
    drop_low: 1
    round: { ndigits: 2 }
  dd:
    kind: measured
    label: difficulty
    min: 1.0
    max: 3.0
    step: 0.1
  item_points:
    kind: derived
    formula: score * dd
    round: { ndigits: 2 }
  all_items:
    kind: items
    of: item_points
    combine: sum
total:
  formula: all_items
  round: { ndigits: 2 }
ranking:
  order: desc
  method: competition
"""


# --- inputs ------------------------------------------------------------------------------


def write_rules(folder: Path) -> Path:
    path = folder / "bench.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def generate_marks(path: Path, entrants: int, seed: int = SEED) -> int:
    """MARKS.csv for ``entrants`` × 6 items: a dd row and 9 judges' marks each; returns rows.

    Each entrant has a skill, each item a difficulty; a judge's mark is skill + noise on the
    0.1 grid of 0–10. Rows come entrant by entrant, item by item (dd first), as entered.
    """
    rng = np.random.default_rng(seed)
    skill = rng.normal(7.0, 1.0, size=(entrants, 1, 1))
    noise = rng.normal(0.0, 0.6, size=(entrants, ITEMS, JUDGES))
    tenths = np.clip(np.rint((skill + noise) * 10), 0, 100).astype(np.int64)
    dd_tenths = rng.integers(10, 31, size=(entrants, ITEMS))
    mark_text = np.array([f"{i / 10:.1f}" for i in range(101)], dtype=object)
    width = max(5, len(str(entrants)))
    ids = np.array([f"E{i:0{width}d}" for i in range(1, entrants + 1)], dtype=object)
    per_panel = JUDGES + 1
    shape = (entrants, ITEMS, per_panel)
    values = np.empty(shape, dtype=object)
    values[:, :, 0] = mark_text[dd_tenths]
    values[:, :, 1:] = mark_text[tenths]
    criterion = np.array(["dd", *(["score"] * JUDGES)], dtype=object)
    judge = np.array(["", *(f"J{j}" for j in range(1, JUDGES + 1))], dtype=object)
    item = np.array([str(i) for i in range(1, ITEMS + 1)], dtype=object)
    frame = pd.DataFrame(
        {
            "entrant": np.broadcast_to(ids[:, None, None], shape).ravel(),
            "item": np.broadcast_to(item[None, :, None], shape).ravel(),
            "criterion": np.broadcast_to(criterion[None, None, :], shape).ravel(),
            "judge": np.broadcast_to(judge[None, None, :], shape).ravel(),
            "value": values.ravel(),
        }
    )
    frame.to_csv(path, index=False, lineterminator="\n")
    return len(frame)


# --- the two computations ------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float | None = None


# Forked from this (large) process, a child's ru_maxrss would start at our own peak: Linux
# carries the high-water mark across fork and exec. So a small fresh interpreter launches each
# command, times it and reports the command's own rusage.
_LAUNCHER = """\
import json, os, sys, time
devnull = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ, file_actions=devnull)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
print(json.dumps([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def run_subprocess(command: Sequence[str | os.PathLike[str]]) -> Run:
    """Wall time (from spawn to exit) and peak RSS of one command run as a child process."""
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, *map(str, command)]
    done = subprocess.run(launcher, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{command} could not be launched:\n{done.stderr[-2000:]}")
    seconds, max_rss_kib, returncode = json.loads(done.stdout.splitlines()[-1])
    if returncode != 0:
        raise RuntimeError(f"{command} failed ({returncode}):\n{done.stderr[-2000:]}")
    return Run(seconds, max_rss_kib / 1024)  # ru_maxrss is in KiB on Linux


def engine_command(rules: Path, marks: Path, out: Path, output_format: str = "csv") -> list[str]:
    executable = Path(sys.executable).with_name("competition")
    program = [str(executable)] if executable.exists() else [sys.executable, "-m", "competition"]
    return [
        *program,
        "--lang",
        "en",
        "rank",
        str(rules),
        "--marks",
        str(marks),
        "--format",
        output_format,
        "--output",
        str(out),
    ]


def pandas_command(marks: Path, out: Path) -> list[str]:
    return [sys.executable, str(BARE_PANDAS), str(marks), str(out)]


def run_engine_in_process(rules: Path, marks: Path, out: Path, output_format: str = "csv") -> Run:
    from click.testing import CliRunner

    from competition.commands import main

    args = engine_command(rules, marks, out, output_format)
    args = args[args.index("--lang") :]
    start = time.perf_counter()
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    seconds = time.perf_counter() - start
    if result.exit_code != 0:
        raise RuntimeError(f"competition rank failed ({result.exit_code}):\n{result.output}")
    return Run(seconds)


def run_pandas_in_process(marks: Path, out: Path) -> Run:
    sys.path.insert(0, str(BENCH))
    try:
        import bare_pandas
    finally:
        sys.path.remove(str(BENCH))
    start = time.perf_counter()
    bare_pandas.main([str(marks), str(out)])
    return Run(time.perf_counter() - start)


def engine_phases(rules: Path, marks: Path) -> dict[str, float]:
    """Seconds per step of ``competition rank``, calling the engine's functions directly."""
    from competition.rules import load_rule_file
    from competition.rules.datafiles import read_marks_csv
    from competition.rules.engine import compute_standings
    from competition.rules.report import standings_dict
    from competition.rules.report_json import standings_json
    from competition.services.exports import standings_csv

    phases: dict[str, float] = {}
    start = time.perf_counter()
    ruleset = load_rule_file(rules)
    phases["load rules"] = time.perf_counter() - start
    start = time.perf_counter()
    frame = read_marks_csv(marks)
    phases["read MARKS.csv"] = time.perf_counter() - start
    start = time.perf_counter()
    standings = compute_standings(ruleset, frame)
    phases["compute standings"] = time.perf_counter() - start
    start = time.perf_counter()
    standings_csv(standings)
    phases["standings → CSV text"] = time.perf_counter() - start
    start = time.perf_counter()
    standings_dict(standings)
    phases["standings → document (standings_dict, the API's)"] = time.perf_counter() - start
    start = time.perf_counter()
    standings_json(standings)
    phases["standings → JSON text (standings_json, as rank does)"] = time.perf_counter() - start
    return phases


# --- agreement ---------------------------------------------------------------------------


@dataclass
class Comparison:
    entrants: int
    missing: list[str] = field(default_factory=list)  # in one output only
    total_mismatches: list[tuple[str, str, str]] = field(default_factory=list)  # id, eng, pd
    rank_mismatches: list[tuple[str, int, int]] = field(default_factory=list)
    item_mismatches: list[tuple[str, str, str, str]] = field(default_factory=list)
    unexplained_items: list[tuple[str, str, str, str]] = field(default_factory=list)
    ranks_consistent: bool = True  # the engine's ranks = rank(method=min) of its totals
    bare_lower: int = 0  # item points where pandas is below the engine

    @property
    def explained(self) -> bool:
        """Every difference comes from float rounding at an exact ``.xx5`` tie."""
        tied = {entrant for entrant, _, _, _ in self.item_mismatches}
        return (
            not self.missing
            and not self.unexplained_items
            and self.ranks_consistent
            and all(entrant in tied for entrant, _, _ in self.total_mismatches)
        )

    def summary(self) -> str:
        if not (self.missing or self.total_mismatches or self.rank_mismatches):
            return f"all {self.entrants:,} entrants agree on total and rank"
        parts = [
            f"{len(self.total_mismatches):,} totals and {len(self.rank_mismatches):,} ranks "
            f"of {self.entrants:,} entrants differ",
            f"{len(self.item_mismatches):,} of {self.entrants * ITEMS:,} item points differ "
            f"({len(self.item_mismatches) - len(self.unexplained_items):,} of them by 0.01 "
            f"at an exact .xx5 tie; pandas lower in {self.bare_lower:,})",
        ]
        if self.missing:
            parts.append(f"{len(self.missing)} entrants in one output only")
        if not self.ranks_consistent:
            parts.append("the engine's ranks do not follow its totals")
        return "; ".join(parts)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("entrant")


def _exact_score(marks: pd.DataFrame) -> Fraction:
    """The rule's score from one panel's marks, exactly (sorted, trimmed, mean, half-up)."""
    values = sorted(Fraction(v) for v in marks["value"])
    kept = values[1:-1]
    mean = sum(kept, Fraction(0)) / len(kept)
    return Fraction(int(mean * 100 + Fraction(1, 2)), 100)  # positive: floor(x + ½) is half-up


def compare(engine_csv: Path, pandas_csv: Path, marks_csv: Path) -> Comparison:
    """Totals, ranks and item points of both outputs; each difference checked for a tie."""
    engine = _read(engine_csv)
    bare = _read(pandas_csv)
    result = Comparison(len(engine))
    result.missing = sorted(set(engine.index) ^ set(bare.index))
    common = engine.index.intersection(bare.index, sort=False)
    engine, bare = engine.loc[common], bare.loc[common]
    engine_total = engine["total"].map(Fraction)
    bare_total = bare["total"].map(Fraction)
    for entrant in common[engine_total != bare_total]:
        result.total_mismatches.append(
            (entrant, engine.at[entrant, "total"], bare.at[entrant, "total"])
        )
    engine_rank = engine["rank"].astype(int)
    bare_rank = bare["rank"].astype(int)
    for entrant in common[engine_rank != bare_rank]:
        result.rank_mismatches.append((entrant, int(engine_rank[entrant]), int(bare_rank[entrant])))
    # Ranks: the engine's must be exactly rank(method="min") of its own totals, which is
    # what the pandas script does with its totals; then only the totals can differ.
    expected = engine_total.astype(float).rank(method="min", ascending=False).astype(int)
    result.ranks_consistent = bool((expected == engine_rank).all())
    for item in (str(i) for i in range(1, ITEMS + 1)):
        column = f"item:{item}"
        left = engine[column].map(Fraction)
        right = bare[column].map(Fraction)
        for entrant in common[left != right]:
            result.item_mismatches.append(
                (entrant, item, engine.at[entrant, column], bare.at[entrant, column])
            )
            result.bare_lower += bool(left[entrant] > right[entrant])
    if result.item_mismatches:
        _check_ties(result, marks_csv)
    return result


def _check_ties(result: Comparison, marks_csv: Path) -> None:
    wanted = {(entrant, item) for entrant, item, _, _ in result.item_mismatches}
    marks = pd.read_csv(marks_csv, dtype=str, keep_default_na=False)
    keys = pd.Series(list(zip(marks["entrant"], marks["item"], strict=True)), index=marks.index)
    marks = marks[keys.isin(wanted)]
    panels = dict(tuple(marks.groupby(["entrant", "item"], sort=False)))
    for entrant, item, engine_text, bare_text in result.item_mismatches:
        panel = panels[(entrant, item)]
        score = _exact_score(panel[panel["criterion"] == "score"])
        dd = Fraction(panel.loc[panel["criterion"] == "dd", "value"].iloc[0])
        product = score * dd * 1000
        tie = product.denominator == 1 and product.numerator % 10 == 5
        half_up = Fraction(int(score * dd * 100 + Fraction(1, 2)), 100)
        off_by_cent = abs(Fraction(engine_text) - Fraction(bare_text)) == Fraction(1, 100)
        if not (tie and off_by_cent and Fraction(engine_text) == half_up):
            result.unexplained_items.append((entrant, item, engine_text, bare_text))


# --- the benchmark -----------------------------------------------------------------------


@dataclass
class Result:
    entrants: int
    rows: int
    repeat: int
    engine: dict[str, list[Run]]  # format → runs
    engine_in_process: dict[str, list[Run]]
    bare: list[Run]
    bare_in_process: list[Run]
    phases: dict[str, float]
    comparison: Comparison
    json_agrees: bool  # the JSON's entrants, ranks and totals are the CSV's

    @staticmethod
    def median(runs: list[Run]) -> float:
        return statistics.median(r.seconds for r in runs)

    @staticmethod
    def peak(runs: list[Run]) -> float | None:
        values = [r.peak_rss_mb for r in runs if r.peak_rss_mb is not None]
        return max(values) if values else None

    def ratio(self, output_format: str) -> float:
        return self.median(self.engine[output_format]) / self.median(self.bare)

    def ratio_in_process(self, output_format: str) -> float:
        engine = self.median(self.engine_in_process[output_format])
        return engine / self.median(self.bare_in_process)


def json_agrees(json_path: Path, csv_path: Path) -> bool:
    """Whether the JSON document lists the CSV's entrants in its order with its ranks and
    totals."""
    document = json.loads(json_path.read_text(encoding="utf-8"))
    listed = [(r["entrant"], str(r["rank"]), r["total"]) for r in document["standings"]]
    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    return listed == list(zip(table["entrant"], table["rank"], table["total"], strict=True))


def bench_size(folder: Path, entrants: int, repeat: int, log: Callable[[str], None]) -> Result:
    rules = write_rules(folder)
    marks = folder / f"marks-{entrants}.csv"
    outputs = {fmt: folder / f"engine-{entrants}.{fmt}" for fmt in FORMATS}
    bare_out = folder / f"pandas-{entrants}.csv"
    rows = generate_marks(marks, entrants)
    log(f"{entrants} entrants: {rows} rows, {marks.stat().st_size / 2**20:.1f} MiB")
    engine: dict[str, list[Run]] = {fmt: [] for fmt in FORMATS}
    engine_in: dict[str, list[Run]] = {fmt: [] for fmt in FORMATS}
    bare: list[Run] = []
    bare_in: list[Run] = []
    for attempt in range(1, repeat + 1):  # interleaved, so drift hits all alike
        for fmt in FORMATS:
            engine[fmt].append(run_subprocess(engine_command(rules, marks, outputs[fmt], fmt)))
        bare.append(run_subprocess(pandas_command(marks, bare_out)))
        for fmt in FORMATS:
            engine_in[fmt].append(run_engine_in_process(rules, marks, outputs[fmt], fmt))
        bare_in.append(run_pandas_in_process(marks, bare_out))
        times = ", ".join(
            f"{fmt} {engine[fmt][-1].seconds:.2f} s (in-process {engine_in[fmt][-1].seconds:.2f} s)"
            for fmt in FORMATS
        )
        log(
            f"  run {attempt}/{repeat}: engine {times}, "
            f"pandas {bare[-1].seconds:.2f} s (in-process {bare_in[-1].seconds:.2f} s)"
        )
    phases = engine_phases(rules, marks)
    log("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    comparison = compare(outputs["csv"], bare_out, marks)
    log(f"  agreement: {comparison.summary()}")
    agrees = json_agrees(outputs["json"], outputs["csv"])
    log(f"  JSON and CSV {'agree' if agrees else 'DIFFER'}")
    return Result(
        entrants, rows, repeat, engine, engine_in, bare, bare_in, phases, comparison, agrees
    )


# --- report ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    versions = {}
    for module in ("pandas", "numpy"):
        versions[module] = __import__(module).__version__
    return {
        "cores": str(os.cpu_count() or "?"),
        "usable cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "Python": platform.python_version(),
        "pandas / numpy": f"{versions['pandas']} / {versions['numpy']}",
        "OS": f"{platform.system()} {platform.release()}",
    }


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _mb(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else "—"


def table(results: list[Result]) -> list[str]:
    header = [
        "entrants",
        "rows",
        "format",
        "competition rank (s)",
        "bare pandas (s)",
        "ratio",
        "goal",
        "in-process: engine / pandas (s)",
        "ratio in-process",
        "peak RSS engine / pandas (MB)",
        "runs",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    for r in results:
        for fmt in FORMATS:
            cells = [
                f"{r.entrants:,}",
                f"{r.rows:,}",
                fmt,
                f"{r.median(r.engine[fmt]):.2f}",
                f"{r.median(r.bare):.2f}",
                f"{r.ratio(fmt):.2f}×",
                f"≤ {GOALS[fmt]}×",
                f"{r.median(r.engine_in_process[fmt]):.2f} / {r.median(r.bare_in_process):.2f}",
                f"{r.ratio_in_process(fmt):.2f}×",
                f"{_mb(r.peak(r.engine[fmt]))} / {_mb(r.peak(r.bare))}",
                str(r.repeat),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def verdict(results: list[Result]) -> str:
    goal = next((r for r in results if r.entrants == GOAL_SIZE), None)
    if goal is None:
        return f"Not measured in this run (no {GOAL_SIZE:,}-entrant size)."
    lines = []
    for fmt in FORMATS:
        met = goal.ratio(fmt) <= GOALS[fmt]
        lines.append(
            f"**{'Met' if met else 'Not met'}** for `--format {fmt}`: {GOAL_SIZE:,} entrants "
            f"take {goal.median(goal.engine[fmt]):.2f} s with `competition rank` and "
            f"{goal.median(goal.bare):.2f} s with the bare pandas script, "
            f"{goal.ratio(fmt):.2f}× (goal ≤ {GOALS[fmt]}×; in-process "
            f"{goal.ratio_in_process(fmt):.2f}×)."
        )
    return "\n\n".join(lines)


def section(results: list[Result], info: dict[str, str], command: str) -> str:
    lines = [
        SECTION_TITLE,
        "",
        "Goal: 10,000 entrants × 6 items × 9 values within 1.5× (`--format csv`) and 3× "
        "(`--format json`, every entrant's breakdown with every judge's mark) the time of a "
        "bare pandas script computing the same standings from the same CSV, in the same run.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} with `{command}`.",
        "",
        "### Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
        "### Method",
        "",
        "- `bench/engine.py` writes a rule file: 6 items; `score` judged by 9 judges on "
        "0–10 step 0.1, trimmed mean dropping the highest and the lowest mark, rounded to "
        "2 digits; a measured difficulty `dd` 1.0–3.0 step 0.1 per item; `item_points = "
        "score * dd` rounded to 2 digits; `all_items` sums them; total = `all_items`; "
        "ranking descending, competition method.",
        f"- MARKS.csv is generated with a fixed seed ({SEED}): per entrant and item one "
        "`dd` row and 9 judges' marks, so rows = entrants × 6 × 10 (10,000 entrants: "
        "540,000 judged rows + 60,000 `dd` rows).",
        "- **competition rank**: `competition --lang en rank RULES --marks MARKS.csv "
        "--format csv --output OUT`, and the same with `--format json`, as subprocesses; "
        "wall time including interpreter start and imports. *In-process*: the same commands "
        "through click's `CliRunner` in the benchmark's process (imports already done).",
        "- **bare pandas**: `bench/bare_pandas.py MARKS.csv OUT` as a subprocess: "
        "`read_csv`, sort, drop each panel's highest and lowest mark, mean, round, × dd, "
        "round, sum per entrant, `rank(method='min', ascending=False)`, `to_csv`; plain "
        "floats, no checks. In-process: its `main` called directly.",
        "- Runs are interleaved (engine csv, engine json, pandas, then the same in-process); "
        "the table shows medians. Ratio = competition rank ÷ bare pandas. Peak RSS is each "
        "child's own `ru_maxrss` (`os.wait4` in a small launcher process, which also "
        "takes the wall time, so the launcher's own start is not counted).",
        "- The machine is shared (2 cores, other work may run at the same time): single "
        "runs vary by up to ±30 %; compare ratios from the same run, not across runs.",
        "- The engine's CSV and the pandas output are compared entrant by entrant (total, "
        "rank, each item's points); every difference is checked against an exact "
        "recomputation of that panel. The JSON must list the CSV's entrants, ranks and "
        "totals in the same order.",
        "",
        "### Results",
        "",
        *table(results),
        "",
        verdict(results),
        "",
        "Time inside `competition rank` (one in-process run, engine functions called directly):",
        "",
        "| entrants | " + " | ".join(results[0].phases) + " |",
        "|---:|" + "---:|" * len(results[0].phases),
        *(
            f"| {r.entrants:,} | " + " | ".join(f"{v:.2f} s" for v in r.phases.values()) + " |"
            for r in results
        ),
        "",
        "`competition rank --format json` writes `competition.rules.report_json.standings_json`: "
        "the bytes `json.dumps(standings_dict(...), ensure_ascii=False, indent=2)` would write "
        "(tests/rules/test_report.py, tests/commands/test_rank.py), without the "
        "standard library's pure-Python indenting encoder. It does not build that document: "
        "the parts every entrant repeats (item points, items' values, panels with every "
        "judge's mark) are written as text from templates, the rest of each entry is encoded "
        "as it is made, and the text is joined once. The column before is the document as "
        "plain data, for comparison.",
        "",
        "### Agreement",
        "",
        *(
            f"- {r.entrants:,} entrants: {r.comparison.summary()}; the JSON "
            f"{'agrees with' if r.json_agrees else '**differs from**'} the CSV."
            for r in results
        ),
        "",
        "The engine rounds exact fractions half-up; pandas rounds binary floats, so at an "
        "exact `.xx5` tie of score × dd `round(2)` goes either way depending on the "
        "float's last bit: marks 9.1 9.3 9.9 10 10 10 10 10 10 give score 9.89, × dd 2.5 "
        "= 24.725 exactly, which the engine rounds half-up to 24.73 while the float "
        "`9.89 * 2.5` is 24.72499… and pandas gives 24.72. Every differing item point above "
        "was recomputed exactly and is such a tie unless stated otherwise; a differing "
        "total follows from those items, and one total 0.01 off moves the rank of every "
        "entrant between its two values, hence the many differing ranks. Ranks themselves "
        "agree: the engine's ranks are exactly `rank(method='min')` of its own totals.",
    ]
    for r in results:
        if r.comparison.unexplained_items:
            lines.append("")
            lines.append(
                f"**Unexplained differences at {r.entrants:,} entrants** (first 10): "
                + ", ".join(
                    f"{e} item {i}: {a} vs {b}"
                    for e, i, a, b in r.comparison.unexplained_items[:10]
                )
            )
    return "\n".join(lines) + "\n"


def update_document(path: Path, text: str) -> None:
    """Replace this benchmark's section of the document, or append it."""
    rewrite_section(path, SECTION_TITLE, text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="entrant counts")
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per size (default 3; 1 from 50,000)"
    )
    parser.add_argument("--output", type=Path, help="write the section into this document")
    parser.add_argument("--keep", type=Path, help="keep the rule file, CSVs and outputs here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    load_before = load_average()
    folder = Path(tempfile.mkdtemp(prefix="bench-engine-")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        results = []
        for size in sizes:
            repeat = args.repeat if args.repeat is not None else (1 if size >= 50_000 else 3)
            results.append(bench_size(folder, size, repeat, log))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(table(results)))
    print()
    print(verdict(results))
    for r in results:
        print(f"{r.entrants:,} entrants: {r.comparison.summary()}")
    if args.output is not None:
        given = list(argv if argv is not None else sys.argv[1:])
        if "--keep" in given:  # a local folder says nothing about the measurement
            del given[given.index("--keep") : given.index("--keep") + 2]
        shown = ["python bench/engine.py", *given]
        info = machine()
        info["load average (1/5/15 min) before → after"] = f"{load_before} → {load_average()}"
        update_document(args.output, section(results, info, " ".join(shown)))
        print(f"wrote {args.output}")
    return 0 if all(r.comparison.explained and r.json_agrees for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
