from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask, request

from competition import create_app
from competition.commands import main
from competition.config import REPOSITORY_ROOT, SettingError, database_uri, instance_secret_key
from competition.config import scoring_rules_dir as rules_dir_from
from competition.extensions import db


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    assert database_uri({}, tmp_path) == f"sqlite:///{tmp_path}/competition.db"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://judge@db/contest", "postgresql+psycopg://judge@db/contest"),
        ("postgresql://judge@db/contest", "postgresql+psycopg://judge@db/contest"),
        ("sqlite:////srv/contest.db", "sqlite:////srv/contest.db"),
    ],
)
def test_database_url_overrides_the_default(tmp_path: Path, url: str, expected: str) -> None:
    assert database_uri({"DATABASE_URL": url}, tmp_path) == expected


def test_app_reads_database_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "SECRET_KEY": "x"})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'elsewhere.db'}"


def test_secret_key_is_generated_once_private_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"

    first = create_app({"INSTANCE_PATH": instance}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": instance}).config["SECRET_KEY"]

    assert first == second
    assert len(first) >= 32
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    assert instance_secret_key(instance) == first


def test_secret_key_from_the_environment_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "from the environment")
    app = create_app({"INSTANCE_PATH": tmp_path / "instance"})

    assert app.config["SECRET_KEY"] == "from the environment"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_scoring_rules_dir_defaults_to_the_shipped_folder(tmp_path: Path) -> None:
    assert rules_dir_from({}) == REPOSITORY_ROOT / "scoring_rules"
    assert rules_dir_from({"SCORING_RULES_DIR": str(tmp_path)}) == tmp_path


def test_sqlite_pragmas_are_set_on_every_connection(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # a write waits up to 15 s for its turn before a mark is answered "busy"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000


def test_behind_a_proxy_the_app_sees_the_forwarded_scheme_and_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links the app makes for others (QR codes of the board, certificates) must read
    https://the.public.host/ behind nginx, and only when the proxy is trusted."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "scores.example.org"}
    for count, expected in (("1", "https://scores.example.org/"), ("0", "http://localhost/")):
        monkeypatch.setenv("PROXY_COUNT", count)
        app = create_app({"INSTANCE_PATH": tmp_path / "instance", "SECRET_KEY": "x"})
        app.add_url_rule("/probe", "probe", lambda: request.host_url)
        assert app.test_client().get("/probe", headers=forwarded).text == expected
    monkeypatch.setenv("PROXY_COUNT", "nginx")
    with pytest.raises(SettingError, match="PROXY_COUNT"):
        create_app({"INSTANCE_PATH": tmp_path / "instance", "SECRET_KEY": "x"})


def test_the_time_zone_of_new_contests_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"INSTANCE_PATH": tmp_path / "instance", "SECRET_KEY": "x"}
    assert create_app(settings).config["COMPETITION_TIME_ZONE"] == "Asia/Shanghai"
    monkeypatch.setenv("COMPETITION_TIME_ZONE", "asia/urumqi")
    assert create_app(settings).config["COMPETITION_TIME_ZONE"] == "Asia/Urumqi"
    monkeypatch.setenv("COMPETITION_TIME_ZONE", "Beijing")
    with pytest.raises(SettingError, match="COMPETITION_TIME_ZONE is 'Beijing'"):
        create_app(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PROXY_COUNT", "nginx"),
        ("SOCKETIO_ASYNC_MODE", "eventlet"),
        ("COMPETITION_TIME_ZONE", "Beijing"),
    ],
)
def test_a_bad_setting_is_a_message_in_the_readers_language_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    for command in (["db", "upgrade"], ["serve"]):
        result = CliRunner().invoke(main, ["--lang", "zh_CN", *command])
        assert result.exit_code == 1
        assert result.exc_info is not None and result.exc_info[0] is SystemExit
        assert name in result.output and value in result.output
        assert "Traceback" not in result.output
