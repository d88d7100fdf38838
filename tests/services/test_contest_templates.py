"""A new contest started from a past one: the rule versions as stored, the events with
their item counts and award tiers, where it belongs, and the judges' panel with new login
cards; never its entrants, marks or publications; refused out of the actor's reach (on
SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import (
    AuditEntry,
    Contest,
    ContestRole,
    Entrant,
    Mark,
    Publication,
)
from competition.services import (
    assignments,
    contest_templates,
    contests,
    judges,
    people,
    pool,
    programmes,
)
from competition.services.audit_wording import Wording
from competition.services.authority import Actor, Refused
from competition.services.contests import RuleSource
from tests.factories import make_admin, make_member, make_union, make_user, rule_source

DIVING = "examples/diving_individual.yaml"


def past_contest(admin: Actor, ids: dict[str, int]) -> Contest:
    """Last year's welding contest of 宝塔区 in the city's programme, with a diving event of
    five dives, a second rule version, entrants, marks, and a panel of three pool judges
    (one revoked, one also seated for a single entrant) and a chief judge."""
    programme = programmes.create_programme(admin, "十百千万", 2025, ids["city"])
    contest = contests.create_contest(
        admin,
        "2025 焊工技能竞赛",
        [("焊工", rule_source()), ("跳水", rule_source(DIVING), 5)],
        blind=True,
        time_zone="Asia/Urumqi",
        programme_id=programme.id,
        organisation_id=ids["baota"],
        trade="焊工",
    )
    welding = contest.events[0]
    text = rule_source().text.replace("label: 焊缝外观", "label: 焊缝外观（修订）")
    contests.new_rule_version(admin, welding.id, RuleSource("welding_v2.yaml", text), "")
    db.session.add_all(
        Entrant(event_id=welding.id, code=code, name=name, attributes={"unit": "宝塔石化"})
        for code, name in (("W01", "王建国"), ("W02", "李明"))
    )
    db.session.commit()
    panel = []
    for name, unit in (("赵裁判", "市一建"), ("钱裁判", "市二建"), ("孙裁判", "市三建")):
        person = pool.add_person(admin, name, unit, "焊接")
        judge, _token = pool.add_to_contest(admin, contest.id, person.id, pin="2468")
        panel.append(judge)
    assignments.assign_panel(admin, panel[0].id, welding.id, "appearance")
    assignments.assign(admin, panel[1].id, welding.id, "appearance")
    assignments.assign(admin, panel[1].id, contest.events[1].id)
    first = db.session.scalars(select(Entrant).where(Entrant.code == "W01")).one()
    assignments.assign(admin, panel[2].id, welding.id, "appearance", first.id)
    outsider, _token = judges.create_judge(admin, contest.id, "周裁判", unit="市四建")
    judges.revoke(admin, outsider.id, "换人")
    chief = make_user(admin, "chief")
    db.session.add(ContestRole(user_id=chief.id, contest_id=contest.id, role="chief_judge"))
    db.session.add(
        Mark(
            event_id=welding.id,
            entrant_id=first.id,
            criterion="appearance",
            judge_id=panel[0].id,
            value="25",
            entered_by="judge",
        )
    )
    db.session.add(Publication(contest_id=contest.id, number=1, published_by="x", document={}))
    db.session.commit()
    return contest


def count(model: type, *where: object) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_a_new_contest_takes_the_past_ones_rules_events_and_panel(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    source = past_contest(admin, ids)
    started = contest_templates.start_from_contest(admin, source.id, "2026 焊工技能竞赛")
    new = started.contest
    assert (new.name, new.status, new.blind, new.time_zone) == (
        "2026 焊工技能竞赛",
        "draft",
        True,
        "Asia/Urumqi",
    )
    assert (new.programme_id, new.organisation_id, new.trade) == (
        source.programme_id,
        source.organisation_id,
        "焊工",
    )
    assert [(e.name, e.item_count) for e in new.events] == [("焊工", None), ("跳水", 5)]
    welding = new.events[0]
    # the version in force, as stored: the revised label, not the file on disk
    assert (welding.rules.version, welding.rules.source_name) == (1, "welding_v2.yaml")
    assert welding.rules.sha256 == source.events[0].rules.sha256 != rule_source().sha256
    assert welding.rules.pinned_at is None
    assert contests.ruleset_of(welding).rule.criteria["appearance"].label == "焊缝外观（修订）"
    assert contests.ruleset_of(new.events[1]).item_ids == ["1", "2", "3", "4", "5"]
    awards = contests.ruleset_of(welding).rule.awards
    assert awards is not None
    assert [(t.name, t.prize) for t in awards.tiers] == [
        ("一等奖", Decimal(3000)),
        ("二等奖", Decimal(2000)),
        ("三等奖", Decimal(1000)),
    ]
    # nothing of the past contest's results
    event_ids = [e.id for e in new.events]
    assert count(Entrant, Entrant.event_id.in_(event_ids)) == 0
    assert count(Mark, Mark.event_id.in_(event_ids)) == 0
    assert count(Publication, Publication.contest_id == new.id) == 0


def test_the_panel_is_copied_with_new_login_cards(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    source = past_contest(admin, ids)
    started = contest_templates.start_from_contest(admin, source.id, "2026 焊工技能竞赛")
    old = {j.name: j for j in judges.contest_judges(source.id)}
    new = judges.contest_judges(started.contest.id)
    assert [j.name for j in new] == ["孙裁判", "赵裁判", "钱裁判"]  # not the revoked 周裁判
    for judge in new:
        before = old[judge.name]
        assert (judge.unit, judge.person_id) == (before.unit, before.person_id)
        assert judge.token_hash != before.token_hash
    for judge, token in started.judges:
        assert judges.judge_for_token(token, "2468").id == judge.id  # the new card, same PIN
    names = {e.id: e.name for e in started.contest.events}
    seats = {(j.name, names[a.event_id], a.criterion) for j in new for a in j.assignments}
    assert seats == {
        ("赵裁判", "焊工", "appearance"),
        ("钱裁判", "焊工", "appearance"),
        ("钱裁判", "跳水", ""),
    }
    assert (started.assignments, started.left_out) == (3, 1)
    assert all(a.entrant_id is None for j in new for a in j.assignments)
    assert {
        r.role
        for r in db.session.scalars(
            select(ContestRole).where(ContestRole.contest_id == started.contest.id)
        )
    } == {"chief_judge"}
    # the old cards still open the old contest only
    assert all(j.contest_id == source.id for j in old.values())


def test_the_panel_can_be_left_behind(db_app: Flask) -> None:
    admin = make_admin()
    source = past_contest(admin, make_union(admin))
    started = contest_templates.start_from_contest(admin, source.id, "新竞赛", copy_judges=False)
    assert started.judges == [] and judges.contest_judges(started.contest.id) == []
    assert count(ContestRole, ContestRole.contest_id == started.contest.id) == 0


def test_one_audit_entry_says_where_the_contest_came_from(db_app: Flask) -> None:
    admin = make_admin()
    source = past_contest(admin, make_union(admin))
    started = contest_templates.start_from_contest(
        admin, source.id, "2026 焊工技能竞赛", trade="电焊"
    )
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contest.from_template")
    ).one()
    assert entry.subject == f"contest:{started.contest.id}"
    assert entry.after["template"] == {"contest": source.id, "name": "2025 焊工技能竞赛"}
    assert entry.after["events"][0] == {
        "name": "焊工",
        "rules_sha256": source.events[0].rules.sha256,
        "template_version": 2,
    }
    assert entry.after["events"][1]["item_count"] == 5
    assert [j["name"] for j in entry.after["judges"]] == ["孙裁判", "赵裁判", "钱裁判"]
    assert (entry.after["assignments"], entry.after["left_out"]) == (3, 1)
    assert (entry.after["trade"], entry.after["organisation"]) == ("电焊", "宝塔区总工会")
    assert "token" not in str(entry.after) and "pin" not in str(entry.after)
    read = Wording(started.contest, "en").read(entry)
    assert read.what.startswith("Created the contest from a past one")
    assert "2025 焊工技能竞赛" in read.after


def test_a_county_account_starts_from_its_own_contest_only(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    source = past_contest(admin, ids)
    baota = make_member(admin, "baota_office", ids["baota"])
    started = contest_templates.start_from_contest(
        baota, source.id, "2026 宝塔区焊工", programme_id=None, organisation_id=ids["works"]
    )
    assert (started.contest.organisation_id, started.contest.programme_id) == (ids["works"], None)
    assert source.id in [c.id for c in contest_templates.past_contests(baota)]
    assert contest_templates.rule_files(baota, db_app.config["SCORING_RULES_DIR"]) == []
    before = count(Contest)
    for office in ("ansai", "works"):
        other = make_member(admin, f"{office}_office", ids[office])
        assert source.id not in [c.id for c in contest_templates.past_contests(other)]
        with pytest.raises(Refused) as caught:
            contest_templates.start_from_contest(other, source.id, "偷来的竞赛")
        assert caught.value.code == "not_found"
        assert "no such contest among those you may open" in caught.value.render("en")
    with pytest.raises(Refused, match="or above it\\) may run a contest under it"):
        contest_templates.start_from_contest(
            baota, source.id, "越级", programme_id=None, organisation_id=ids["city"]
        )
    with pytest.raises(Refused, match="choose the organisation"):
        contest_templates.start_from_contest(
            baota, source.id, "无主", programme_id=None, organisation_id=None
        )
    assert count(Contest) == before
    assert count(AuditEntry, AuditEntry.action == "contest.from_template") == 1


def test_a_single_contests_organiser_or_a_bad_name_changes_nothing(db_app: Flask) -> None:
    admin = make_admin()
    source = past_contest(admin, make_union(admin))
    organiser = make_user(admin, "organiser")
    db.session.add(ContestRole(user_id=organiser.id, contest_id=source.id, role="organiser"))
    db.session.commit()
    with pytest.raises(Refused, match="only an admin or an organisation's account"):
        contest_templates.start_from_contest(organiser, source.id, "新竞赛")
    for name in ("", "   ", "长" * 201):
        with pytest.raises(Refused, match="a name of 1 to 200 characters"):
            contest_templates.start_from_contest(admin, source.id, name)
    with pytest.raises(Refused, match="no such contest"):
        contest_templates.start_from_contest(admin, 999_999, "新竞赛")
    assert count(Contest) == 1


def test_the_preview_names_what_is_copied(db_app: Flask) -> None:
    admin = make_admin()
    source = past_contest(admin, make_union(admin))
    shown = contest_templates.preview(admin, source.id)
    welding, diving = shown.events
    assert (welding.name, welding.version, welding.item_count) == ("焊工", 2, None)
    assert [name for name, _prize in welding.tiers] == ["一等奖", "二等奖", "三等奖"]
    assert diving.item_count == 5
    assert (shown.judges, shown.assignments, shown.left_out) == (3, 3, 1)


def test_a_judge_erased_on_request_does_not_return(db_app: Flask) -> None:
    admin = make_admin()
    source = past_contest(admin, make_union(admin))
    zhao = next(j for j in judges.contest_judges(source.id) if j.name == "赵裁判")
    people.erase_person(admin, zhao.person_id or 0, "本人申请")
    assert contest_templates.preview(admin, source.id).judges == 2
    started = contest_templates.start_from_contest(admin, source.id, "2026 焊工技能竞赛")
    assert [j.name for j in judges.contest_judges(started.contest.id)] == ["孙裁判", "钱裁判"]
