"""The final's Qualifiers section: declared from the console, refused with the reason and
nothing stored, its state, and where each carried entrant came from (both databases)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Qualifier
from competition.services import lifecycle
from tests.factories import make_admin, make_contest
from tests.welding_scenes import publish_round, welding_round

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def qualifier_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Qualifier)) or 0


def signed_in_final(client: FlaskClient) -> tuple[str, int]:
    """The final's entrant page (as the admin, in English) and an enterprise round's event."""
    admin = make_admin()
    final = make_contest(admin, "市焊工决赛")
    lifecycle.advance(admin, final.id, "open_registration")
    source = welding_round(admin, "延安石化企业赛")
    publish_round(admin, source)
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    client.get("/?lang=en")
    return f"/console/contests/{final.id}/events/{final.events[0].id}", source.event_id


def test_bad_declarations_get_a_clear_message_and_change_nothing(client: FlaskClient) -> None:
    base, source = signed_in_final(client)
    orchards = make_contest(make_admin("admin2"), "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    cases = [
        ({"source": source, "top": "abc"}, "Choose the earlier event"),
        ({"source": source, "tier": "优秀奖"}, "is not an award tier"),
        ({"source": source}, "give either how many advance"),
        ({"source": orchards.events[0].id, "top": "3"}, "are 参赛果园 (orchards)"),
        ({"source": "999999", "top": "3"}, "no such source event"),
    ]
    for data, message in cases:
        page = client.post(f"{base}/qualifiers/?lang=en", data=data, follow_redirects=True)
        assert page.status_code == 200 and message in page.text, message
    assert qualifier_count() == 0


def test_a_declared_qualifier_carries_and_the_list_shows_where_each_came_from(
    client: FlaskClient,
) -> None:
    base, source = signed_in_final(client)
    page = client.get(f"{base}/entrants/?lang=en")
    assert "延安石化企业赛 · 焊工 (一等奖、二等奖、三等奖)" in page.text  # a source to pick
    page = client.post(
        f"{base}/qualifiers/?lang=en",
        data={"source": source, "tier": "二等奖"},
        follow_redirects=True,
    )
    assert "Qualifier declared" in page.text and "二等奖 or better" in page.text
    assert "published before this was declared" in page.text
    (qualifier,) = db.session.scalars(select(Qualifier))
    carry = f"{base}/qualifiers/{qualifier.id}/carry?lang=en"
    page = client.post(carry, follow_redirects=True)
    assert "Entrants carried over: 3." in page.text
    assert "延安石化企业赛 · 焊工, rank 1, total 95.85" in page.text
    assert "entrants carried: 3" in page.text
    again = client.post(carry, follow_redirects=True)
    assert "Entrants carried over: 0." in again.text
    assert again.text.count("延安石化企业赛 · 焊工, rank") == 3
