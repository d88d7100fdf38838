"""The award ceremony's slides: nothing before publication, then the tiers lowest first and
the titles, a long tier split over slides."""

from __future__ import annotations

import pytest
from flask import Flask

from competition.extensions import db
from competition.models import Contest
from competition.services.authority import Refused
from competition.services.ceremony import PER_SLIDE, ceremony_slides
from tests.factories import make_admin
from tests.scenes import orchard_contest, publish


def test_the_ceremony_shows_nothing_before_publication_then_the_lowest_tier_first(
    db_app: Flask,
) -> None:
    scene = orchard_contest(make_admin(), 16)
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    with pytest.raises(Refused) as refused:
        ceremony_slides(contest)
    assert refused.value.code == "not_published"

    publish(scene)
    slides = ceremony_slides(contest)
    assert [(s.kind, s.name, len(s.awardees)) for s in slides] == [
        ("award", "三等奖", 7),
        ("award", "二等奖", 5),
        ("award", "一等奖", 3),
        ("title", "亩均效益冠军园", PER_SLIDE),
        ("title", "亩均效益冠军园", 15 - PER_SLIDE),
    ]
    assert [a.label for a in slides[2].awardees] == ["果园YA016", "果园YA015", "果园YA014"]
    assert (slides[3].part, slides[3].parts) == (1, 2)
    # the public attributes in rule-file order; the phone number never
    assert slides[2].awardees[0].details.split(" · ")[1:] == ["农场15", "富士"]
    assert all("138" not in a.details for s in slides for a in s.awardees)
