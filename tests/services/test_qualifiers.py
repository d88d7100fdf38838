"""Qualifiers: declared by the final's organiser, refused where they cannot work, and carried
with their provenance in the transaction that publishes the source (both databases)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEntry, Contest, Entrant, Event, Qualifier
from competition.services import entrants, lifecycle, people, qualifiers
from competition.services.authority import Actor, Refused
from tests.factories import make_admin, make_contest, make_user
from tests.welding_scenes import WeldingRound, publish_round, welding_round


@pytest.fixture
def admin(db_app: Flask) -> Actor:
    return make_admin()


def city_final(admin: Actor, name: str = "市焊工决赛") -> Event:
    """A welding final taking registrations."""
    contest = make_contest(admin, name)
    lifecycle.advance(admin, contest.id, "open_registration")
    return contest.events[0]


def carried(final: Event) -> dict[str, Entrant]:
    query = select(Entrant).where(
        Entrant.event_id == final.id, Entrant.qualified_from_event_id.is_not(None)
    )
    return {e.code: e for e in db.session.scalars(query)}


def qualifier_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Qualifier)) or 0


def refusal(admin: Actor, final: Event, source: int, top: int | None, tier: str | None) -> str:
    with pytest.raises(Refused) as refused:
        qualifiers.declare(admin, final.id, source, top, tier)
    return refused.value.render("en")


# --- declaring --------------------------------------------------------------------------------


def test_an_orchard_contest_cannot_feed_a_welding_final(admin: Actor) -> None:
    final = city_final(admin)
    orchards = make_contest(admin, "苹果冠军园", rules="apple_orchard_per_mu_benefit.yaml")
    text = refusal(admin, final, orchards.events[0].id, 3, None)
    assert "entrants are 参赛果园 (orchards), the final's are 选手 (individuals)" in text
    assert "orchard)" not in text  # the rule files' labels, not their kind ids
    assert qualifier_count() == 0


def test_declarations_that_cannot_work_are_refused_with_the_reason(admin: Actor) -> None:
    final = city_final(admin)
    source = welding_round(admin, "企业赛", welders=3)
    assert "own contest" in refusal(admin, final, final.id, 3, None)
    assert "not an award tier" in refusal(admin, final, source.event_id, None, "优秀奖")
    assert "一等奖、二等奖、三等奖" in refusal(admin, final, source.event_id, None, "优秀奖")
    assert "either" in refusal(admin, final, source.event_id, None, None)
    assert "either" in refusal(admin, final, source.event_id, 3, "三等奖")
    assert "1 to 10000" in refusal(admin, final, source.event_id, 0, None)
    assert "no such source" in refusal(admin, final, 99999, 3, None)
    assert qualifier_count() == 0


def test_a_chain_back_to_the_final_is_a_cycle(admin: Actor) -> None:
    county, city = city_final(admin, "县决赛"), city_final(admin, "市决赛")
    qualifiers.declare(admin, city.id, county.id, 3, None)
    assert "cycle" in refusal(admin, county, city.id, 3, None)
    assert "already feeds" in refusal(admin, city, county.id, 5, None)
    assert qualifier_count() == 1


def test_a_final_past_registration_takes_no_qualifier(admin: Actor) -> None:
    final = welding_round(admin, "市决赛", welders=2)  # in scoring
    source = city_final(admin, "企业赛")
    final_event = db.session.get(Event, final.event_id)
    assert final_event is not None
    assert "only before scoring opens" in refusal(admin, final_event, source.id, 3, None)


def test_only_the_finals_organiser_declares_and_only_from_contests_they_may_open(
    admin: Actor,
) -> None:
    organiser = make_user(admin, "county")
    final = make_contest(admin, "市决赛", organisers=(organiser.id or 0,)).events[0]
    other = make_contest(admin, "别人的赛事").events[0]
    assert "no such source" in refusal(organiser, final, other.id, 3, None)
    outsider = make_user(admin, "outsider")
    with pytest.raises(Refused) as refused:
        qualifiers.declare(outsider, final.id, other.id, 3, None)
    assert refused.value.code == "forbidden"


# --- carrying on publication ----------------------------------------------------------------


def declared_and_published(
    admin: Actor, top: int | None = 3, tier: str | None = None, like: dict[str, str] | None = None
) -> tuple[Event, WeldingRound]:
    final = city_final(admin)
    source = welding_round(admin, "延安石化企业赛", like=like)
    qualifiers.declare(admin, final.id, source.event_id, top, tier)
    publish_round(admin, source)
    return final, source


def test_publishing_the_source_carries_its_top_three_with_their_provenance(
    admin: Actor,
) -> None:
    final, source = declared_and_published(admin)
    prefix = f"Q{source.event_id}-"
    entrants = carried(final)
    assert sorted(entrants) == [prefix + "W01", prefix + "W03", prefix + "W06"]
    first = entrants[prefix + "W01"]
    assert (first.name, first.qualified_rank, first.qualified_total) == ("王建国", 1, "95.85")
    assert first.qualified_from_event_id == source.event_id
    assert first.attributes == {"unit": "延安石化", "is_worker": "1"}  # as the source held them
    (qualifier,) = db.session.scalars(select(Qualifier))
    assert qualifier.carried_at is not None
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "qualifier.carry"))
    assert entry.after["count"] == 3 and entry.after["publication"] == 1
    (state,) = qualifiers.states_of(final)
    assert (state.state, state.carried) == ("carried", 3)


def test_a_tie_at_the_cut_takes_both_over(admin: Actor) -> None:
    """W02 marked exactly as W01: both rank 1, and the top 1 are two."""
    final, source = declared_and_published(admin, top=1, like={"W02": "W01"})
    entrants = carried(final)
    assert sorted(entrants) == [f"Q{source.event_id}-W01", f"Q{source.event_id}-W02"]
    assert {e.qualified_rank for e in entrants.values()} == {1}


def test_a_tier_takes_over_those_awarded_it_or_better(admin: Actor) -> None:
    """W05 ranks above W09 but fails theory, so has no award: it stays behind, W09 (三等奖)
    goes."""
    final, source = declared_and_published(admin, top=None, tier="三等奖")
    codes = {code.removeprefix(f"Q{source.event_id}-") for code in carried(final)}
    assert codes == {"W01", "W02", "W03", "W06", "W09"}
    assert "W05" not in codes and "W10" not in codes  # no award; withdrawn


def test_carrying_again_never_adds_anyone_twice(admin: Actor) -> None:
    """A declaration made after the source published is carried by hand, as often as asked."""
    final = city_final(admin)
    source = welding_round(admin, "企业赛")
    publish_round(admin, source)
    qualifier = qualifiers.declare(admin, final.id, source.event_id, 3, None)
    (state,) = qualifiers.states_of(final)
    assert state.state == "ready"
    assert qualifiers.carry_now(admin, final.id, qualifier.id) == 3
    assert qualifiers.carry_now(admin, final.id, qualifier.id) == 0
    assert len(carried(final)) == 3


def test_a_source_not_yet_published_is_not_carried_by_hand(admin: Actor) -> None:
    final = city_final(admin)
    source = welding_round(admin, "企业赛", welders=3)
    qualifier = qualifiers.declare(admin, final.id, source.event_id, 3, None)
    assert qualifiers.states_of(final)[0].state == "waiting"
    with pytest.raises(Refused, match="not published yet"):
        qualifiers.carry_now(admin, final.id, qualifier.id)
    assert carried(final) == {}


def test_nothing_is_carried_into_a_final_already_scoring(admin: Actor) -> None:
    final = city_final(admin)
    source = welding_round(admin, "企业赛")
    qualifiers.declare(admin, final.id, source.event_id, 3, None)
    entrants.add_entrant(admin, final.id, "S01", "孙师傅", {"unit": "延长油田", "is_worker": "1"})
    lifecycle.advance(admin, final.contest_id, "open_scoring", "按时开赛", override=True)
    publish_round(admin, source)
    assert carried(final) == {}
    (state,) = qualifiers.states_of(final)
    assert state.state == "closed" and state.carried_at is None
    source_contest = db.session.get(Contest, source.contest_id)
    assert source_contest is not None and source_contest.status == "published"


def test_a_person_already_in_the_final_is_stamped_with_the_provenance_not_added_twice(
    admin: Actor,
) -> None:
    """王建国 is on the final's own list and wins the source: his entrant there carries where
    he qualified, no second entrant is added, and carrying again changes nothing."""
    final = city_final(admin)
    entrants.add_entrant(admin, final.id, "S01", "王建国", {"unit": "延安石化", "is_worker": "1"})
    source = welding_round(admin, "延安石化企业赛")
    person = people.create_person(admin, "王建国", "延安石化")
    for event_id, code in ((final.id, "S01"), (source.event_id, "W01")):
        entrant = entrants.entrant_by_code(event_id, code)
        assert entrant is not None
        people.link_entrant(admin, entrant.id, person.id)
    qualifier = qualifiers.declare(admin, final.id, source.event_id, 3, None)
    publish_round(admin, source)
    found = carried(final)
    prefix = f"Q{source.event_id}-"
    assert sorted(found) == [prefix + "W03", prefix + "W06", "S01"]
    stamped = found["S01"]
    assert (stamped.qualified_from_event_id, stamped.qualified_rank) == (source.event_id, 1)
    assert stamped.qualified_total == "95.85" and stamped.name == "王建国"
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "qualifier.carry"))
    assert entry.after["stamped"] == ["S01"] and entry.after["count"] == 2
    (state,) = qualifiers.states_of(final)
    assert state.carried == 3
    assert qualifiers.carry_now(admin, final.id, qualifier.id) == 0
    assert len(carried(final)) == 3
    total = db.session.scalar(
        select(func.count()).select_from(Entrant).where(Entrant.event_id == final.id)
    )
    assert total == 3
