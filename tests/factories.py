"""Builders that let tests speak the domain: a rule set from YAML, marks from tuples."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import flask_migrate
import pandas as pd

from competition.extensions import db
from competition.models import Contest
from competition.rules import RuleSet, load_rule_text
from competition.rules.datafiles import Entrant, marks_frame
from competition.rules.engine import compute_standings
from competition.rules.standings import Row, Standings
from competition.services import contests, users
from competition.services.authority import SYSTEM, Actor
from competition.services.contests import RuleSource


def make_rules(text: str, source: str = "test.yaml") -> RuleSet:
    return load_rule_text(textwrap.dedent(text), source)


def make_marks(rows: Iterable[Sequence[object]]) -> pd.DataFrame:
    """Rows as (entrant, item, criterion, judge, value); numbers are written as text."""
    columns = ("entrant", "item", "criterion", "judge", "value")
    return marks_frame([dict(zip(columns, map(str, row), strict=True)) for row in rows])


def panel_marks(
    entrant: str, criterion: str, values: Sequence[object], item: str = ""
) -> list[tuple[str, str, str, str, str]]:
    """One panel's marks from judges J1, J2, ... in the order given."""
    return [(entrant, item, criterion, f"J{i}", str(v)) for i, v in enumerate(values, 1)]


def make_entrants(rows: Iterable[dict[str, str]]) -> list[Entrant]:
    entrants = []
    for line, row in enumerate(rows, start=2):
        attributes = {k: v for k, v in row.items() if k not in ("entrant", "name")}
        entrants.append(Entrant(row["entrant"], row.get("name", row["entrant"]), attributes, line))
    return entrants


def standings_of(
    rules: RuleSet,
    rows: Iterable[Sequence[object]],
    entrants: list[Entrant] | None = None,
    provisional: bool = False,
) -> Standings:
    return compute_standings(rules, make_marks(rows), entrants, provisional=provisional)


def rows_by_entrant(standings: Standings) -> dict[str, Row]:
    return {row.key: row for row in standings.rows}


# --- the database: contests, people, marks ----------------------------------------------------

REPOSITORY = Path(__file__).resolve().parent.parent


def make_admin(username: str = "admin") -> Actor:
    user = users.create_user(SYSTEM, username, "correct horse battery", is_admin=True)
    return Actor.of_user(user)


def make_user(admin: Actor, username: str) -> Actor:
    return Actor.of_user(users.create_user(admin, username, "correct horse battery"))


def rule_source(name: str = "welding_skills.yaml") -> RuleSource:
    path = REPOSITORY / "scoring_rules" / name
    return RuleSource(name, path.read_text(encoding="utf-8"))


def make_contest(
    admin: Actor,
    name: str = "2026 焊工技能竞赛",
    rules: str = "welding_skills.yaml",
    organisers: tuple[int, ...] = (),
    blind: bool = False,
) -> Contest:
    return contests.create_contest(
        admin, name, [("焊工", rule_source(rules))], blind=blind, organisers=organisers
    )


def migrated_schema() -> None:
    """An empty database at the newest schema, built by the migrations as in production
    (`competition serve` refuses anything else); inside an app context."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    flask_migrate.upgrade()


def make_union(admin: Actor) -> dict[str, int]:
    """A small union by level: the city, two counties, an enterprise under the first county
    (ids by short name: city, baota, ansai, works)."""
    from competition.services import organisations

    city = organisations.create_organisation(admin, "延安市总工会", "city")
    baota = organisations.create_organisation(
        admin, "宝塔区总工会", "county", parent_id=city.id, district="宝塔区"
    )
    ansai = organisations.create_organisation(
        admin, "安塞区总工会", "county", parent_id=city.id, district="安塞区"
    )
    works = organisations.create_organisation(
        admin, "宝塔石化工会", "enterprise", parent_id=baota.id, district="宝塔区"
    )
    return {"city": city.id, "baota": baota.id, "ansai": ansai.id, "works": works.id}


def make_member(admin: Actor, username: str, organisation_id: int) -> Actor:
    """An account of a union organisation."""
    user = users.create_user(
        admin, username, "correct horse battery", organisation_id=organisation_id
    )
    return Actor.of_user(user)
