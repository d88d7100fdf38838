"""The judges page in a real browser (1280×800, Chinese): a judge seated on a panel chosen by
its label from a list, the criteria shown by their labels, one judge's card reprinted alone;
and the home page, whose rule-file hashes are folded away for auditors."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import User
from competition.services import judges
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, sign_in
from tests.factories import make_contest


def test_a_judge_is_seated_by_label_and_one_card_is_reprinted(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest = make_contest(admin, "苹果冠军园", rules="apple_orchard_per_mu_benefit.yaml")
        judges.create_judge(admin, contest.id, "王志刚", unit="延安市果业中心")
        _, kept = judges.create_judge(admin, contest.id, "李秀英")
        contest_id, event_id = contest.id, contest.events[0].id
        db.session.remove()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/console/contests/{contest_id}/judges/")
    form = page.locator("form[action$='/judges/assignments']")
    form.locator("select[name=judge]").select_option(label="王志刚")
    seat = form.locator("select[name=seat]")
    expect(seat.locator(f'option[value="{event_id}:panel:inspection"]')).to_contain_text(
        "现场考评专家组"
    )
    seat.select_option(value=f"{event_id}:panel:inspection")
    form.get_by_role("button").click()
    row = page.locator("tbody tr", has_text="王志刚")
    expect(row.locator(".tag")).to_have_count(4)
    expect(row).to_contain_text("树体结构与整形修剪")
    expect(row).not_to_contain_text("canopy_pruning")
    button = row.locator("form[action$='/card'] button")  # "print a new card"
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(178, 34, 34)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console_judges.png"), full_page=True)

    button.click()
    expect(page.locator("article.card")).to_have_count(1)
    expect(page.locator("article.card .judge")).to_contain_text("王志刚")
    expect(page.get_by_role("status")).to_contain_text("王志刚")
    page.screenshot(path=str(ARTIFACTS / "console_judge_card_reprint.png"), full_page=True)
    with live_server.app.app_context():
        assert judges.judge_for_token(kept).name == "李秀英"  # the other card still works
        db.session.remove()


def test_the_home_page_folds_the_rule_file_hashes_away(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    hashes = page.locator("code.sha256")
    expect(hashes.first).to_be_hidden()
    page.locator("#rule-files summary").click()
    expect(hashes.first).to_be_visible()
    expect(hashes.first).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home_verify_open.png"), full_page=True)
