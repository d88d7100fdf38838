"""The viewers benchmark with three viewers and one mark per mode, untimed: its server
start in both async modes, raw websocket viewers, judge, measurements and report still work."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
import redis

from bench import viewers as bench


def test_both_modes_deliver_a_mark_to_every_viewer(postgres_url: str) -> None:
    try:
        redis.Redis.from_url(bench.REDIS_URL).ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {bench.REDIS_URL}: {error}")
        pytest.skip(f"Redis is not reachable at {bench.REDIS_URL}")
    args = argparse.Namespace(
        modes="threading,gevent", viewers="3", updates=1, entrants=4, database=postgres_url
    )

    results = bench.measure(args, postgres_url, lambda _: None)

    assert [r.mode for r in results] == ["threading", "gevent"]
    for result in results:
        (step,) = result.steps
        assert step.connected == 3
        assert step.delivered == [3], result
        assert step.rss_mb > 0 and step.cpu_per_update >= 0
    text = bench.section(results, args, "python bench/viewers.py --viewers 3")
    assert text.startswith(bench.SECTION_TITLE)
    assert "| threading | 3 | 3 (" in text and "| gevent | 3 | 3 (" in text


def test_document_section_is_replaced_in_place(tmp_path: Path) -> None:
    document = tmp_path / "performance.md"
    document.write_text(
        "# Performance\n\nIntro.\n\n## Engine: `competition rank`\n\nkept\n\n"
        f"{bench.SECTION_TITLE}\n\nold numbers\n\n## Later\n\nkept too\n",
        encoding="utf-8",
    )
    bench.update_document(document, f"{bench.SECTION_TITLE}\n\nnew numbers\n")
    text = document.read_text(encoding="utf-8")
    assert "old numbers" not in text and text.count(bench.SECTION_TITLE) == 1
    assert text.index("## Engine") < text.index("new numbers") < text.index("## Later")
    assert text.endswith("## Later\n\nkept too\n")
