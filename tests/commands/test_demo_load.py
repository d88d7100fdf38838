"""`competition demo` loads the demo contests through the real services, once."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from competition import create_app
from competition.commands import main
from competition.extensions import db
from competition.models import (
    Certificate,
    Conflict,
    Contest,
    Entrant,
    Event,
    Judge,
    Mark,
    Organisation,
    Person,
    Programme,
    Qualifier,
    SheetSignoff,
    User,
)
from competition.realtime import live
from competition.services import (
    assignments,
    board,
    certificates,
    lifecycle,
    marks,
    person_record,
    scoring,
)
from competition.services.authority import Actor, Refused
from competition.services.demo import ORCHARD_CONTEST, WELDING_CONTEST
from competition.services.demo_programme import conflicted_judge_of, star
from competition.services.marks import MarkInput
from competition.services.standings import event_standings


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.delenv("SCORING_RULES_DIR", raising=False)
    return url


def test_demo_creates_both_contests_and_prints_a_link_per_judge(database: str) -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "demo"])
    assert result.exit_code == 0, result.output
    links = re.findall(r"^http://127\.0\.0\.1:5000/judge/login/\S+$", result.stdout, re.M)
    # the live contests' eight judges and 高志远, on the welding final but not assigned
    assert len(links) == 9 and len(set(links)) == 9
    assert "user admin, password demo-admin-2026" in result.stdout
    assert "user union, password demo-union-2026" in result.stdout
    boards = re.findall(r"^http://127\.0\.0\.1:5000/live/\d+$", result.stdout, re.M)
    assert len(boards) == 2
    assert re.search(r"^http://\S+/console/programmes/\d+/dashboard$", result.stdout, re.M)
    assert re.search(r"^http://\S+/people/\d+-[0-9a-f]{20}$", result.stdout, re.M)
    with create_app().app_context():
        before = _counts()
        db.engine.dispose()
    again = CliRunner().invoke(main, ["--lang", "en", "demo"])
    assert again.exit_code == 0
    relinks = re.findall(r"^http://\S+/judge/login/\S+$", again.stdout, re.M)
    assert len(relinks) == 9 and not set(relinks) & set(links)  # reissued: old links end
    with create_app().app_context():
        assert _counts() == before  # nothing but the links changed
        contests = {c.name: c for c in db.session.query(Contest)}
        assert len(contests) >= 30
        orchards = contests["2026 延安市苹果亩均效益冠军园竞赛"]
        event = orchards.events[0]
        assert db.session.query(Entrant).filter_by(event_id=event.id).count() == 120
        counties = {
            e.attributes["county"] for e in db.session.query(Entrant).filter_by(event_id=event.id)
        }
        assert len(counties) == 13
        names = [e.name for e in db.session.query(Entrant).filter_by(event_id=event.id)]
        assert len(set(names)) == 120  # no two orchards read alike on the board
        live = [orchards.id, contests["2026 市职工职业技能大赛 · 焊工"].id]
        assert db.session.query(Judge).filter(Judge.contest_id.in_(live)).count() == 9
        # 120 orchards × 6 measured values + 4 inspection items × (2 experts × 120 orchards
        # + the third expert × 117): the demo leaves three orchards to mark
        assert db.session.query(Mark).filter_by(event_id=event.id).count() == 720 + 4 * 357
        assert db.session.query(SheetSignoff).filter_by(event_id=event.id).count() == 2
        standings = event_standings(event)
        assert sum(1 for row in standings.rows if row.rank is not None) == 117
        welders = contests["2026 市职工职业技能大赛 · 焊工"]
        workers = db.session.query(Entrant).filter_by(event_id=welders.events[0].id).all()
        imported = [w for w in workers if w.qualified_from_event_id is None]
        assert len(imported) == 40 and len({w.name for w in imported}) == 40
        assert welders.status == "registration" and welders.blind
        db.engine.dispose()


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.query(model).count()
        for model in (
            Contest,
            Entrant,
            Person,
            Mark,
            Certificate,
            Qualifier,
            Conflict,
            Organisation,
        )
    )


def test_a_newcomer_can_see_the_orchard_contest_through_to_publication(database: str) -> None:
    """What README promises after `make run`: the third expert marks the three orchards left
    and signs; the admin closes scoring, locks and publishes; the award list is there."""
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    app = create_app()
    with app.app_context():
        contest = db.session.query(Contest).filter_by(name=ORCHARD_CONTEST).one()
        event = contest.events[0]
        expert = db.session.query(Judge).filter_by(contest_id=contest.id, name="张建华").one()
        judge = Actor("judge", expert.id, expert.name)
        owed = [s for s in scoring.judge_sheets(expert) if s.event_id == event.id][0]
        missing = owed.cells() - {(m.entrant, m.item, m.criterion) for m in owed.marks}
        assert len(missing) == 3 * 4
        for entrant, item, criterion in sorted(missing):
            marks.record_mark(judge, event.id, MarkInput(entrant, criterion, "3", item))
        scoring.sign_sheet(judge, event.id)
        admin = Actor.of_user(db.session.query(User).filter_by(username="admin").one())
        for step in ("close_scoring", "lock", "publish"):
            # the expert's 3s lie beyond the panel's max_deviation: a step takes an override
            kinds = [b.kind for b in lifecycle.preview(admin, contest.id, step).blockers]
            assert kinds == ["flagged_marks"]
            lifecycle.advance(admin, contest.id, step, "偏离评分已复核", override=True)
        awarded = [r for r in board.live_board(contest)["events"][0]["rows"] if r["award"]]
        assert len(awarded) == 15 and len(certificates.certificates_of(contest.id)) == 15
    live.shutdown(app)
    with app.app_context():
        db.engine.dispose()


def test_the_demo_is_the_unions_programme_of_the_year(database: str) -> None:
    """Three levels of unions, 30-odd contests over the months, both qualifier chains carried
    with their provenance, ~2,000 people, and an assignment refused for 回避."""
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    app = create_app()
    with app.app_context():
        levels = Counter(o.level for o in db.session.query(Organisation))
        assert levels["city"] == 1 and levels["county"] == 13 and levels["enterprise"] >= 4
        (programme,) = db.session.query(Programme).all()
        assert programme.budget == Decimal("5000000.00")
        contests = db.session.query(Contest).filter_by(programme_id=programme.id).all()
        assert len(contests) >= 30
        level_of = {o.id: o.level for o in db.session.query(Organisation)}
        by_level = Counter(level_of[c.organisation_id] for c in contests if c.organisation_id)
        assert set(by_level) == {"enterprise", "county", "city"}
        assert {"published", "registration", "scoring", "draft"} <= {c.status for c in contests}
        assert len({c.created_at.month for c in contests}) >= 6
        assert all(c.trade for c in contests)

        named = {c.name: c for c in contests}
        final = named[WELDING_CONTEST].events[0]
        carried = _qualified(final)
        assert len(carried) == 9  # the top 3 of three county rounds
        for entrant in carried:
            county_round = db.session.get(Event, entrant.qualified_from_event_id)
            assert county_round is not None
            assert level_of[county_round.contest.organisation_id] == "county"
            assert county_round.contest.status == "published"
        from_enterprises = [
            e
            for e in _qualified_into_any(
                {db.session.get(Event, c.qualified_from_event_id) for c in carried}
            )
            if level_of[e.source.contest.organisation_id] == "enterprise"
        ]
        assert from_enterprises

        orchards = named[ORCHARD_CONTEST].events[0]
        assert db.session.query(Entrant).filter_by(event_id=orchards.id).count() == 120
        stamped = _qualified(orchards)
        assert len(stamped) == 12 and all(re.fullmatch(r"YA\d{3}", e.code) for e in stamped)

        assert 1800 <= db.session.query(Person).count() <= 2500
        worker = star(named[WELDING_CONTEST])
        assert worker is not None
        record = person_record.person_record(None, worker.id)
        assert len(record.entries) == 2  # published: the enterprise and the county round
        assert any(e.titles for e in record.entries) and all(e.award for e in record.entries)
        assert db.session.query(Entrant).filter_by(person_id=worker.id).count() == 3

        judge = conflicted_judge_of(named[WELDING_CONTEST])
        assert judge is not None and not judge.assignments
        union = Actor.of_user(db.session.query(User).filter_by(username="union").one())
        with pytest.raises(Refused) as refused:
            assignments.assign(union, judge.id, final.id, "appearance")
        assert refused.value.code == "conflict" and "延长油田" in refused.value.render("en")
    live.shutdown(app)
    with app.app_context():
        db.engine.dispose()


def _qualified(event: Event) -> list[Entrant]:
    return (
        db.session.query(Entrant)
        .filter(Entrant.event_id == event.id, Entrant.qualified_from_event_id.is_not(None))
        .all()
    )


@dataclass(frozen=True)
class _Carried:
    entrant: Entrant
    source: Event


def _qualified_into_any(events: set[Event | None]) -> list[_Carried]:
    found = []
    for event in events:
        assert event is not None
        for entrant in _qualified(event):
            source = db.session.get(Event, entrant.qualified_from_event_id)
            assert source is not None
            found.append(_Carried(entrant, source))
    return found
