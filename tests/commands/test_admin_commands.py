"""`competition db upgrade`, `users create-admin` and `audit verify` on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from competition.commands import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "c.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("SECRET_KEY", "test")
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["--lang", "en", *args])


def test_upgrade_then_create_an_admin_then_verify(database: Path) -> None:
    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("db", "upgrade").exit_code == 0
    created = invoke("users", "create-admin", "--username", "zhang", "--password", "s3cret-pw")
    assert created.exit_code == 0 and created.stdout == "admin 'zhang' created\n"
    again = invoke("users", "create-admin", "--username", "zhang", "--password", "s3cret-pw")
    assert again.exit_code == 1 and "the user name 'zhang' is taken" in again.stderr
    short = invoke("users", "create-admin", "--username", "li", "--password", "short")
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr
    verified = invoke("audit", "verify")
    assert verified.exit_code == 0
    assert verified.stdout.startswith("1 entries, chain intact; newest hash ")


def test_verify_fails_on_a_tampered_row(database: Path) -> None:
    import sqlite3

    invoke("db", "upgrade")
    invoke("users", "create-admin", "--username", "zhang", "--password", "s3cret-pw")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE audit_log SET actor = 'someone else'")
    result = invoke("audit", "verify")
    assert result.exit_code == 1
    assert result.stderr == "entry 1 was changed after it was written\n"


def test_an_anchor_printed_for_the_auditor_is_checked_later(database: Path, tmp_path: Path) -> None:
    import json

    invoke("db", "upgrade")
    invoke("users", "create-admin", "--username", "zhang", "--password", "s3cret-pw")
    printed = invoke("audit", "anchor")
    assert printed.exit_code == 0
    anchor = json.loads(printed.stdout)
    assert anchor["seq"] == 1 and len(anchor["hash"]) == 64 and len(anchor["seal"]) == 64
    kept = tmp_path / "anchor.json"
    kept.write_text(printed.stdout, encoding="utf-8")
    invoke("users", "create-admin", "--username", "li", "--password", "s3cret-pw")
    assert invoke("audit", "verify", "--anchor", str(kept)).exit_code == 0
    kept.write_text(json.dumps({**anchor, "hash": "0" * 64}), encoding="utf-8")
    forged = invoke("audit", "verify", "--anchor", str(kept))
    assert forged.exit_code == 1
    assert forged.stderr == "entry 1 no longer has the hash the auditor holds\n"
    kept.write_text("not json", encoding="utf-8")
    broken = invoke("audit", "verify", "--anchor", str(kept))
    assert broken.exit_code == 2 and "is not an anchor printed by `audit anchor`" in broken.stderr
