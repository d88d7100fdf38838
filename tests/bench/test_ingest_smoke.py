"""The ingest benchmark in --quick mode (2 judges, 3 viewers, 50 entrants, 1 s, SQLite,
threading), untimed: the echo and the real server start, judges sign in and mark, viewers
follow the board, every correctness check comes out clean and the report is produced."""

from __future__ import annotations

from pathlib import Path

from bench import ingest as bench


def test_quick_run_is_correct_and_reported(tmp_path: Path) -> None:
    args, options = bench.parse_args(["--quick", "--logs", str(tmp_path / "logs")])

    results = bench.measure(options, lambda _: None)

    (result,) = results
    assert (result.mode, result.database) == ("threading", "sqlite")
    (echo,), (serve,) = result.echo, result.serve
    assert echo.acked > 0 and serve.acked > 0
    assert serve.answers.get("ok", 0) == len(serve.ack_latencies) > 0
    assert serve.viewers == 3
    assert serve.lost == 0
    assert serve.doubled == 0
    assert serve.refused_stored == 0
    assert serve.wrong_boards == 0, serve.notes
    assert serve.wrong_totals == 0
    assert serve.unseen == 0
    assert serve.tracebacks == 0
    assert result.failures == 0

    table = bench.table(results)
    assert table.splitlines()[0].startswith("| mode | db | echo acks/s | marks/s | ratio |")
    assert "| threading | sqlite |" in table

    document = tmp_path / "performance.md"
    document.write_text(
        "# Performance\n\nIntro.\n\n## Engine: `competition rank`\n\nkept\n\n"
        f"{bench.SECTION_TITLE}\n\nold numbers\n\n## Later\n\nkept too\n",
        encoding="utf-8",
    )
    bench.update_document(document, bench.section(results, options, "python bench/ingest.py"))
    text = document.read_text(encoding="utf-8")
    assert "old numbers" not in text and text.count(bench.SECTION_TITLE) == 1
    assert text.index("## Engine") < text.index("| threading | sqlite |") < text.index("## Later")
    assert text.endswith("## Later\n\nkept too\n")
