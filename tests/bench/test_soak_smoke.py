"""The soak benchmark, short and untimed: three judges marking for 8 s on SQLite while the
server is killed with -9 twice; every acked mark is stored once, the board equals a
recomputation, the audit chain verifies, and the report section is written."""

from __future__ import annotations

from pathlib import Path

from bench import soak


def test_a_short_soak_with_two_kills_loses_and_doubles_nothing(tmp_path: Path) -> None:
    document = tmp_path / "performance.md"
    document.write_text("# Performance\n\n## Engine\n\nkept\n", encoding="utf-8")
    argv = ["--databases", "sqlite", "--seconds", "8", "--judges", "3", "--entrants", "30"]
    code = soak.main([*argv, "--kills", "2", "--output", str(document)])
    assert code == 0
    text = document.read_text(encoding="utf-8")
    assert "## Engine\n\nkept" in text and soak.SECTION_TITLE in text
    row = next(line for line in text.splitlines() if line.startswith("| sqlite |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[3] == "2"  # kills
    assert int(cells[5].replace(",", "")) > 0  # acked
    assert cells[8:12] == ["0", "0", "0", "0"] and cells[12] == "intact"
