"""A worker's record in a real browser: from a certificate's verification page to the
public record with the name masked, and the organiser's person page, on a big screen and a
phone (screenshots in test-artifacts/)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Certificate, Entrant, User
from competition.services import people
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, sign_in, watched_page
from tests.scenes import orchard_contest, publish
from tests.services.test_people import ZHANG

SIZES = {"big": (1920, 1080), "phone": (390, 844)}


def test_a_certificate_opens_the_holders_record_and_the_organiser_sees_it_all(
    browser: Browser, live_server: LiveServer, request: object
) -> None:
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        scene = orchard_contest(Actor.of_user(user))
        entrant = db.session.scalar(select(Entrant).where(Entrant.code == "YA004"))
        assert entrant is not None
        person = people.link_new_person(scene.admin, entrant.id, "张建军", "农场3", ZHANG)
        person_id = person.id
        publish(scene)
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.entrant_id == entrant.id)
        )
        assert certificate is not None
        code = certificate.code
        db.session.remove()
    ARTIFACTS.mkdir(exist_ok=True)
    for size, (width, height) in SIZES.items():
        viewport = {"width": width, "height": height}
        with watched_page(browser, request, viewport=viewport, locale="zh-CN") as page:  # type: ignore[arg-type]
            page.goto(f"{live_server.url}/verify/{code}")
            page.locator("a.person-link").click()
            expect(page.locator(".person-name")).to_have_text("张*军")
            expect(page.get_by_text("张建军")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / f"person_public_{size}.png"), full_page=True)
            sign_in(page, live_server)
            page.goto(f"{live_server.url}/console/people/{person_id}")
            expect(page.locator("h1")).to_have_text("张建军")
            expect(page.locator(".id-masked")).to_have_text("*" * 14 + ZHANG[-4:])
            page.screenshot(path=str(ARTIFACTS / f"person_console_{size}.png"), full_page=True)
