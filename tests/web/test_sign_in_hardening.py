"""Signing in against a hostile client: copied cookies after sign-out, redirects elsewhere,
password guessing in parallel and from one address, and the headers every page carries
(on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from competition.commands import main
from competition.extensions import db
from competition.models import User
from competition.services import users
from competition.services.authority import Refused
from tests.factories import make_admin

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def sign_in(client: FlaskClient, username: str = "admin", *, next_path: str = "") -> str:
    query = f"?next={next_path}" if next_path else ""
    response = client.post(f"/login{query}", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_a_session_cookie_copied_before_sign_out_no_longer_opens_the_console(
    client: FlaskClient, db_app: Flask
) -> None:
    make_admin()
    sign_in(client)
    cookie = client.get_cookie("session")
    assert cookie is not None and client.get("/console/").status_code == 200
    client.post("/logout")
    thief = db_app.test_client()
    thief.set_cookie("session", cookie.value)
    response = thief.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    sign_in(client)  # the account itself signs in again as before
    assert client.get("/console/").status_code == 200


@pytest.mark.parametrize(
    "hostile",
    [
        "%2F%09%2Fevil.example",  # "/\t/evil.example": a browser drops the tab
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",  # "/\\evil.example"
        "https%3A%2F%2Fevil.example%2F",
        "%2F%0A%2Fevil.example",
        "%20%2F%2Fevil.example",
        "javascript%3Aalert(1)",
    ],
)
def test_after_sign_in_a_next_link_never_leads_off_the_site(
    client: FlaskClient, hostile: str
) -> None:
    make_admin()
    assert sign_in(client, next_path=hostile) == "/console/"


def test_after_sign_in_a_next_path_of_this_site_is_followed(client: FlaskClient) -> None:
    make_admin()
    assert sign_in(client, next_path="%2Fconsole%2Fcontests%2Fnew") == "/console/contests/new"


def test_parallel_wrong_passwords_get_no_more_checks_than_the_lockout_allows(
    db_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_admin()
    db.session.commit()
    db.session.remove()
    checked: list[str] = []
    real_check = users.check_password_hash

    def counted(hashed: str, password: str) -> bool:
        checked.append(password)
        return real_check(hashed, password)

    monkeypatch.setattr(users, "check_password_hash", counted)
    answers: list[str] = []
    start = threading.Barrier(61)

    def attempt(number: int) -> None:
        with db_app.app_context():
            start.wait()
            try:
                users.authenticate("admin", f"guess {number}")
            except Refused as refused:
                answers.append(refused.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(61)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= users.MAX_FAILURES
    assert sorted(set(answers)) == ["locked", "unauthorised"] and len(answers) == 61
    with pytest.raises(Refused) as still:  # even the right password waits out the lockout
        users.authenticate("admin", PASSWORD)
    assert still.value.code == "locked"


def test_an_unknown_user_name_costs_the_same_password_check_as_a_known_one(
    db_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_admin()
    checked: list[str] = []
    real_check = users.check_password_hash
    monkeypatch.setattr(
        users, "check_password_hash", lambda h, p: checked.append(p) or real_check(h, p)
    )
    for name in ("admin", "nobody"):
        with pytest.raises(Refused) as refused:
            users.authenticate(name, "wrong password")
        assert refused.value.code == "unauthorised"
    assert checked == ["wrong password", "wrong password"]


def test_a_locked_admin_is_unlocked_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("SECRET_KEY", "x")
    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(main, ["--lang", "en", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    invoke("db", "upgrade")
    invoke("users", "create-admin", "--username", "zhang", "--password", PASSWORD)
    from competition import create_app

    with create_app().app_context():
        for _ in range(users.MAX_FAILURES):
            with pytest.raises(Refused):
                users.authenticate("zhang", "wrong")
        with pytest.raises(Refused) as locked:
            users.authenticate("zhang", PASSWORD)
        assert locked.value.code == "locked"
    assert invoke("users", "unlock", "zhang") == "'zhang' can sign in again\n"
    with create_app().app_context():
        assert users.authenticate("zhang", PASSWORD).username == "zhang"
    unknown = runner.invoke(main, ["--lang", "en", "users", "unlock", "nobody"])
    assert unknown.exit_code == 1 and "no such user" in unknown.stderr


def test_one_address_failing_again_and_again_is_asked_to_wait(client: FlaskClient) -> None:
    make_admin()
    users.create_user(users.SYSTEM, "li", PASSWORD)
    for _ in range(3):  # signing in successfully never counts against the address
        sign_in(client, "li")
    answers = [
        client.post("/login", data={"username": f"user{n}", "password": "x"}).status_code
        for n in range(11)
    ]
    assert answers == [200] * 10 + [429]
    page = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert page.status_code == 429 and "尝试次数过多" in page.text


def test_a_judge_link_guessed_again_and_again_is_asked_to_wait(client: FlaskClient) -> None:
    answers = [client.get(f"/judge/login/guess{n}").status_code for n in range(31)]
    assert answers == [403] * 30 + [429]


def test_every_page_carries_security_headers_with_a_csp_without_inline_script(
    client: FlaskClient,
) -> None:
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    script = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert script == "script-src 'self'" and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_the_session_cookie_is_secure_over_https_and_same_site_always(db_app: Flask) -> None:
    make_admin()
    for scheme, secure in (("http", False), ("https", True)):
        client = db_app.test_client()
        response = client.post(
            "/login",
            data={"username": "admin", "password": PASSWORD},
            base_url=f"{scheme}://localhost",
        )
        cookie = response.headers["Set-Cookie"]
        assert ("Secure" in cookie) is secure and "SameSite=Lax" in cookie and "HttpOnly" in cookie
        assert ("Strict-Transport-Security" in response.headers) is secure


def test_a_body_beyond_the_upload_limit_is_refused_before_it_is_read(
    client: FlaskClient, db_app: Flask
) -> None:
    db_app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    make_admin()
    sign_in(client)
    response = client.post("/login", data={"username": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413 and "1 MB" in response.text
    assert db.session.query(User).count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/contests/99999999999999999999/standings",
        "/api/contests/2147483648/standings",
        "/live/9223372036854775808",
        "/live/" + "9" * 5000,
        "/results/99999999999999999999/awards",
    ],
)
def test_an_id_no_database_can_hold_is_not_found(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404
