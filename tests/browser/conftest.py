"""Real browser tests: Playwright for Python drives Debian's headless Chromium against the app
served on loopback by a real WSGI server, with CSRF, sessions and the Chinese UI as they are.

`make browsers` installs /usr/bin/chromium and a CJK font (`playwright install` cannot
download browsers on these machines, ../shared/SERVICES.md). Without Chromium these tests
fail in CI (CI=true) and are skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from competition import create_app
from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.realtime import live
from competition.services import users
from competition.services.authority import SYSTEM

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # the machines' network is closed: without these Chromium keeps calling Google's hosts
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = REPOSITORY_ROOT / "test-artifacts"
ADMIN = "admin"
ADMIN_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: run `make browsers`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a fresh SQLite database, served on a free loopback port in a daemon thread,
    with an admin account (ADMIN / ADMIN_PASSWORD)."""
    with serving(tmp_path, f"sqlite:///{tmp_path / 'browser.db'}") as server:
        yield server


@pytest.fixture
def postgres_live_server(tmp_path: Path, postgres_url: str) -> Iterator[LiveServer]:
    """:func:`live_server` on the test run's PostgreSQL database (emptied before and after)."""
    with serving(tmp_path, postgres_url) as server:
        yield server


@contextlib.contextmanager
def serving(tmp_path: Path, database: str) -> Iterator[LiveServer]:
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "browser test secret",
            "INSTANCE_PATH": tmp_path / "instance",
            "SQLALCHEMY_DATABASE_URI": database,
            "SCORING_RULES_DIR": REPOSITORY_ROOT / "scoring_rules",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        users.create_user(SYSTEM, ADMIN, ADMIN_PASSWORD, is_admin=True)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        live.shutdown(app)
        with app.app_context():
            db.session.remove()
            if not database.startswith("sqlite"):
                db.drop_all()
            db.engine.dispose()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item, so `page` knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@contextlib.contextmanager
def watched_page(
    browser: Browser, request: pytest.FixtureRequest, **context: Any
) -> Iterator[Page]:
    """A page in a fresh browser context (``context``: Playwright's new_context options); if
    the test fails, a full-page screenshot in test-artifacts/. Anything the Content Security
    Policy blocks (an inline handler, a script from elsewhere) fails the test."""
    opened_context = browser.new_context(**context)
    opened = opened_context.new_page()
    blocked: list[str] = []
    opened.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        yield opened
        assert not blocked, f"the CSP blocked: {blocked}"
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            # a screenshot that cannot be taken must not hide the real failure
            with contextlib.suppress(Exception):
                opened.screenshot(path=str(ARTIFACTS / f"{name}.failed.png"), full_page=True)
        opened_context.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test (Chinese locale, 1280×800)."""
    with watched_page(
        browser, request, viewport={"width": 1280, "height": 800}, locale="zh-CN"
    ) as opened:
        yield opened


def sign_in(
    page: Page, server: LiveServer, account: tuple[str, str] = (ADMIN, ADMIN_PASSWORD)
) -> None:
    """An account (the admin unless told) signs in to the console on the sign-in page."""
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill(account[0])
    page.get_by_label("密码").fill(account[1])
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
