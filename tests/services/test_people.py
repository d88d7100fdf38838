"""People across contests: the ID number checked and never stored, the duplicate check,
linking from an import, the record from published results, export and erasure (PIPL)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from bench.programme import build
from competition.extensions import db
from competition.models import AuditEntry, Certificate, Contest, Entrant, Person, Publication
from competition.services import contests, entrant_lists, entrants, people, person_record
from competition.services.authority import Actor, Refused
from competition.services.entrant_sheets import SheetError
from competition.services.person_ids import (
    id_hash,
    id_problem,
    person_of_token,
    public_token,
)
from competition.services.privacy import masked_name
from tests.factories import (
    make_admin,
    make_contest,
    make_member,
    make_union,
    make_user,
    rule_source,
)
from tests.scenes import orchard_contest, publish
from tests.services.test_entrants import xlsx

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A well-formed ID number: the 17 digits and their check character."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


ZHANG = id_number("61060219850312001")  # 延安市宝塔区, born 1985-03-12
LI = id_number("61062119900101002")
MISTYPED = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")  # a wrong check character


def test_an_id_number_is_checked_by_its_shape_its_date_and_its_check_digit() -> None:
    assert id_problem("11010519491231002X") is None
    assert id_problem("11010519491231002x") is None  # a lower-case x is the same
    assert id_problem(ZHANG) is None
    assert "check digit" in id_problem(MISTYPED).render("en")  # type: ignore[union-attr]
    assert "18 characters" in id_problem("6106021985031200").render("en")  # type: ignore[union-attr]
    no_date = id_number("61060219851332001")
    assert "no date" in id_problem(no_date).render("en")  # type: ignore[union-attr]


def test_the_id_number_is_kept_only_as_a_keyed_hash_and_its_last_four(db_app: Flask) -> None:
    admin = make_admin()
    person = people.create_person(admin, "张建军", "延安市热力公司", ZHANG)
    row = (
        db.session.execute(text("SELECT * FROM people WHERE id = :id"), {"id": person.id})
        .mappings()
        .one()
    )
    assert ZHANG not in json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
    assert row["id_tail"] == ZHANG[-4:] and row["id_hash"] == id_hash(ZHANG)
    assert len(row["id_hash"]) == 64
    db_app.config["SECRET_KEY"] = "another server"
    assert id_hash(ZHANG) != row["id_hash"]  # keyed: a table of hashes alone tells nothing
    entries = db.session.scalars(select(AuditEntry)).all()
    assert not any(ZHANG in (e.after or "") for e in entries)


def test_the_same_id_number_is_not_put_on_record_twice(db_app: Flask) -> None:
    admin = make_admin()
    people.create_person(admin, "张建军", "延安市热力公司", ZHANG)
    with pytest.raises(Refused, match="already on record"):
        people.create_person(admin, "张建军", "另一单位", ZHANG)
    with pytest.raises(Refused, match="check digit"):
        people.create_person(admin, "李四", "", MISTYPED)
    assert [p.name for p in people.near_matches("张建军", "延安市热力公司")] == ["张建军"]
    assert people.near_matches("张建军", "别的单位") == []


def test_only_an_organiser_or_admin_puts_people_on_record(db_app: Flask) -> None:
    admin = make_admin()
    nobody = make_user(admin, "guest")
    with pytest.raises(Refused):
        people.create_person(nobody, "张三")


@pytest.fixture
def welding(db_app: Flask) -> tuple[Actor, Contest]:
    admin = make_admin()
    return admin, make_contest(admin)


HEADERS = ["编号", "姓名", "工作单位", "职工身份", "身份证号"]


def test_an_import_links_rows_by_id_number_and_reports_name_and_unit_matches(
    welding: tuple[Actor, Contest],
) -> None:
    admin, contest = welding
    known = people.create_person(admin, "张建军", "延安市热力公司", ZHANG)
    namesake = people.create_person(admin, "王芳", "延安市热力公司")
    sheet = xlsx(
        [
            HEADERS,
            ["W01", "张建军", "延安市热力公司", "是", ZHANG],
            ["W02", "李秀英", "市自来水公司", "是", LI.lower()],
            ["W03", "王芳", "延安市热力公司", "是", ""],
        ]
    )
    result = entrants.import_entrants(admin, contest.events[0].id, sheet, "报名表.xlsx")
    assert (result.people.linked, result.people.created) == (1, 1)
    assert [(n.row, n.code, n.person_id) for n in result.people.near] == [(4, "W03", namesake.id)]
    linked = {e.code: e.person_id for e in db.session.scalars(select(Entrant))}
    assert linked["W01"] == known.id
    assert linked["W03"] is None  # a near match is for the organiser to confirm
    made = db.session.get(Person, linked["W02"])
    assert made is not None and (made.name, made.unit, made.id_tail) == (
        "李秀英",
        "市自来水公司",
        LI[-4:],
    )
    stored = json.dumps([e.attributes for e in db.session.scalars(select(Entrant))])
    assert "id_number" not in stored and LI not in stored and ZHANG not in stored


def test_an_import_names_the_row_and_column_of_a_bad_id_number_and_imports_nothing(
    welding: tuple[Actor, Contest],
) -> None:
    admin, contest = welding
    people.create_person(admin, "张建军", "延安市热力公司", ZHANG)
    sheet = xlsx(
        [
            HEADERS,
            ["W01", "李秀英", "市自来水公司", "是", MISTYPED],
            ["W02", "王芳", "市自来水公司", "是", "12345"],
        ]
    )
    with pytest.raises(SheetError) as error:
        entrants.import_entrants(admin, contest.events[0].id, sheet, "报名表.xlsx")
    found = [(p.row, p.column, p.message.render("en")) for p in error.value.problems]
    assert [(r, c) for r, c, _ in found] == [(2, "身份证号"), (3, "身份证号")]
    assert "check digit" in found[0][2] and "18 characters" in found[1][2]
    someone_else = xlsx([HEADERS, ["W01", "李秀英", "市自来水公司", "是", ZHANG]])
    with pytest.raises(SheetError) as error:
        entrants.import_entrants(admin, contest.events[0].id, someone_else, "报名表.xlsx")
    assert error.value.problems[0].render("en").startswith("row 2, column 身份证号")
    assert db.session.scalars(select(Entrant)).all() == []


def test_an_organiser_links_an_entrant_and_sees_the_record_from_the_publication(
    db_app: Flask,
) -> None:
    scene = orchard_contest(make_admin())
    first = db.session.scalar(select(Entrant).where(Entrant.code == "YA004"))
    assert first is not None
    person = people.link_new_person(scene.admin, first.id, "张建军", "农场3", ZHANG)
    before = person_record.person_record(scene.admin, person.id)
    assert [e.published for e in before.entries] == [False]
    publish(scene)
    record = person_record.person_record(scene.admin, person.id)
    (entry,) = record.entries
    certificate = db.session.scalar(select(Certificate).where(Certificate.entrant_id == first.id))
    assert certificate is not None
    assert (entry.published, entry.rank, entry.award) == (True, certificate.rank, certificate.award)
    assert entry.total and entry.certificates == [certificate]
    assert [t.name for t in entry.titles] == certificate.titles


def test_a_person_is_seen_by_the_admin_and_the_organisers_of_a_contest_they_entered(
    db_app: Flask,
) -> None:
    admin = make_admin()
    scene = orchard_contest(admin)
    outsider = make_user(admin, "outsider")
    entrant = db.session.scalar(select(Entrant).where(Entrant.code == "YA001"))
    assert entrant is not None
    person = people.link_new_person(admin, entrant.id, "张建军")
    assert person_record.may_see(admin, person.id)
    assert not person_record.may_see(outsider, person.id)
    with pytest.raises(Refused):
        person_record.person_record(outsider, person.id)
    assert scene.contest_id


def test_erasure_blanks_the_person_keeps_the_results_and_audits_without_personal_values(
    db_app: Flask,
) -> None:
    scene = orchard_contest(make_admin())
    entrant = db.session.scalar(select(Entrant).where(Entrant.code == "YA004"))
    assert entrant is not None
    person = people.link_new_person(scene.admin, entrant.id, "张建军", "农场3", ZHANG)
    publish(scene)
    exported = person_record.export_person(scene.admin, person.id)
    assert exported["person"]["name"] == "张建军"
    assert exported["person"]["id_number"].endswith(ZHANG[-4:])
    assert ZHANG not in json.dumps(exported, ensure_ascii=False)
    assert exported["entries"][0]["code"] == "YA004"
    organiser = make_user(scene.admin, "organiser")
    with pytest.raises(Refused):
        people.erase_person(organiser, person.id, "本人申请")
    with pytest.raises(Refused, match="reason"):
        people.erase_person(scene.admin, person.id, " ")
    people.erase_person(scene.admin, person.id, "本人书面申请删除")
    db.session.expire_all()
    erased = db.session.get(Person, person.id)
    assert erased is not None and erased.erased_at is not None
    assert (erased.name, erased.unit, erased.id_hash, erased.id_tail) == ("", "", None, None)
    kept = db.session.get(Entrant, entrant.id)
    assert kept is not None and kept.code == "YA004" and kept.person_id == person.id
    assert person_record.person_record(scene.admin, person.id).entries[0].published
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erase"))
    assert entry is not None and entry.subject == f"person:{person.id}"
    assert entry.reason == "本人书面申请删除"
    written = f"{entry.before} {entry.after}"
    assert "张建军" not in written and "农场3" not in written and ZHANG[-4:] not in written
    assert "name" in written and "id_number" in written
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.export"))


def test_the_public_token_cannot_be_made_by_counting_and_names_are_masked(db_app: Flask) -> None:
    token = public_token(7)
    assert person_of_token(token) == 7
    assert person_of_token("7") is None
    assert person_of_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert person_of_token(token.replace("7-", "8-")) is None
    assert [masked_name(n) for n in ("张三", "王建国", "欧阳建锋", "A")] == [
        "张*",
        "王*国",
        "欧**锋",
        "A",
    ]


def test_a_record_over_many_contests_reads_each_ones_latest_publication(db_app: Flask) -> None:
    admin = make_admin()
    build(30, entrants=10, marks=0)  # its busiest person is second in ten contests
    busiest = db.session.scalars(
        select(Entrant.person_id)
        .group_by(Entrant.person_id)
        .order_by(func.count(Entrant.id).desc(), Entrant.person_id)
    ).first()
    assert busiest is not None
    record = person_record.person_record(admin, busiest)
    assert len(record.entries) == len({e.contest.id for e in record.entries}) == 10
    published = [e for e in record.entries if e.published]
    assert published and len(published) < len(record.entries)
    for entry in published:
        assert (
            entry.rank == 2
            and entry.award == "二等奖"
            and [t.name for t in entry.titles] == ["技术能手"]
        )
        (certificate,) = entry.certificates
        assert certificate.entrant_id == entry.entrant.id
    public = person_record.person_record(None, busiest)
    assert [e.contest.id for e in public.entries] == [e.contest.id for e in published]
    # an upheld appeal publishes a revision: the record follows it, not the first snapshot
    contest_id = published[0].contest.id
    first = db.session.scalars(
        select(Publication).where(Publication.contest_id == contest_id)
    ).one()
    document = json.loads(json.dumps(first.document))
    for row in document["events"][0]["rows"]:
        if row["key"] == published[0].entrant.code:
            row.update(rank=1, award="一等奖")
    db.session.add(
        Publication(contest_id=contest_id, number=2, published_by="admin", document=document)
    )
    db.session.commit()
    again = person_record.person_record(admin, busiest)
    revised = next(e for e in again.entries if e.contest.id == contest_id)
    assert (revised.rank, revised.award) == (1, "一等奖")


def test_the_organisers_of_the_organisation_running_the_contest_see_the_person(
    db_app: Flask,
) -> None:
    admin = make_admin()
    ids = make_union(admin)
    contest = contests.create_contest(
        admin, "宝塔石化焊工赛", [("焊工", rule_source())], organisation_id=ids["works"]
    )
    entrant = Entrant(event_id=contest.events[0].id, code="W01", name="张建军", attributes={})
    db.session.add(entrant)
    db.session.commit()
    person = people.link_new_person(admin, entrant.id, "张建军")
    county = make_member(admin, "baota", ids["baota"])  # the enterprise is under 宝塔区
    other = make_member(admin, "ansai", ids["ansai"])
    assert person_record.may_see(county, person.id)
    assert not person_record.may_see(other, person.id)
    assert entrant_lists.people_of([entrant]) == {person.id: person}
