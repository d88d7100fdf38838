"""The coalesced-board benchmark on 40 welders, untimed, on both databases: its setup, the
bursts of marks through the real services and the check of every board against a full
recomputation still work, and its section names the goal."""

from __future__ import annotations

import pytest

from bench import board as bench


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_each_coalesced_board_equals_a_recomputation(
    database: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = postgres_url.rsplit("/", 1)[0]  # the bench makes and drops its own database
    monkeypatch.setattr(bench, "POSTGRES", server)
    (result,) = bench.measure(database, 40, [5], repeat=2)
    assert result.entrants == 40 and result.burst == 5
    assert len(result.updates) == 2 and all(size > 0 for size in result.diff_bytes)
    assert result.incremental == 2  # each burst folded in, never the field in full
    text = bench.section([result], "python bench/board.py --sizes 40")
    assert text.startswith(bench.TITLE) and "| 40 | 5 |" in text
