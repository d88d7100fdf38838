"""`competition demo` loads the demo contests through the real services, once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from competition import create_app
from competition.commands import main
from competition.extensions import db
from competition.models import Contest, Entrant, Judge, Mark, SheetSignoff, User
from competition.realtime import live
from competition.services import board, certificates, lifecycle, marks, scoring
from competition.services.authority import Actor
from competition.services.demo import ORCHARD_CONTEST
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
    assert len(links) == 8 and len(set(links)) == 8
    assert "user admin, password demo-admin-2026" in result.stdout
    boards = re.findall(r"^http://127\.0\.0\.1:5000/live/\d+$", result.stdout, re.M)
    assert len(boards) == 2
    again = CliRunner().invoke(main, ["--lang", "en", "demo"])
    assert again.exit_code == 0
    relinks = re.findall(r"^http://\S+/judge/login/\S+$", again.stdout, re.M)
    assert len(relinks) == 8 and not set(relinks) & set(links)  # reissued: old links end
    with create_app().app_context():
        contests = {c.name: c for c in db.session.query(Contest)}
        assert len(contests) == 2
        orchards = contests["2026 延安市苹果亩均效益冠军园竞赛"]
        event = orchards.events[0]
        assert db.session.query(Entrant).filter_by(event_id=event.id).count() == 120
        counties = {
            e.attributes["county"] for e in db.session.query(Entrant).filter_by(event_id=event.id)
        }
        assert len(counties) == 13
        names = [e.name for e in db.session.query(Entrant).filter_by(event_id=event.id)]
        assert len(set(names)) == 120  # no two orchards read alike on the board
        assert db.session.query(Judge).count() == 8
        # 120 orchards × 6 measured values + 4 inspection items × (2 experts × 120 orchards
        # + the third expert × 117): the demo leaves three orchards to mark
        assert db.session.query(Mark).filter_by(event_id=event.id).count() == 720 + 4 * 357
        assert db.session.query(SheetSignoff).filter_by(event_id=event.id).count() == 2
        standings = event_standings(event)
        assert sum(1 for row in standings.rows if row.rank is not None) == 117
        welders = contests["2026 市职工职业技能大赛 · 焊工"]
        workers = db.session.query(Entrant).filter_by(event_id=welders.events[0].id).all()
        assert len(workers) == 40 and len({w.name for w in workers}) == 40
        assert welders.status == "registration" and welders.blind
        db.engine.dispose()


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
