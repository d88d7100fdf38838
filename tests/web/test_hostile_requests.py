"""Every HTTP route of the app, with hostile path values, query strings and form fields, as
anonymous and as the admin: each answers without a 5xx (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from competition.services import users
from tests.factories import make_admin
from tests.scenes import inspect, orchard_contest

PASSWORD = "correct horse battery"
INTS = ["0", "1", "2", "2147483647", "2147483648", "9223372036854775808", "9" * 30]
TEXTS = ["x", "%00", "..%2F..%2Fetc%2Fpasswd", "a" * 300, quote("中文"), "%F0%9F%98%80", "-1"]
QUERY = (
    "?lang=%00&next=%2F%2Fevil.example&seconds=99999999999999999999&use=sample"
    "&page=-1&q=" + "x" * 500
)
FORM = {
    "reason": "理由" * 1500,
    "name": "",
    "event": "99999999999999999999",
    "judge": "-1",
    "entrant": "\x00",
    "criterion": "../../x",
    "value": "1_0",
    "item": "٥",
    "panel": "nope",
    "seed": "x" * 5000,
    "mode": "nonsense",
    "username": "a" * 200,
    "password": "x",
    "pin": "١٢٣٤",
    "rule_file": "../../../etc/passwd",
    "decision": "maybe",
    "mark": "9" * 40,
    "appellant": "",
    "grounds": "",
    "role": "root",
    "user": "9" * 25,
    "display_name": "<script>",
    "note": "x" * 5000,
    "token": "%00",
}


def urls(rule: Rule) -> Iterator[str]:
    """The rule with each argument hostile in turn (the others a real id), then all hostile."""
    arguments = list(rule.arguments)

    def fill(values: dict[str, str]) -> str:
        path = rule.rule
        for name in arguments:
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", values[name], path)
        return path

    def hostile(name: str) -> list[str]:
        converter = type(rule._converters[name]).__name__
        return INTS if "Integer" in converter or "IdConverter" in converter else TEXTS

    base = {name: "1" for name in arguments}
    yield fill(base) + QUERY
    for name in arguments:
        for value in hostile(name):
            yield fill({**base, name: value})


@pytest.fixture
def scene_app(db_app: Flask) -> Flask:
    admin = make_admin()
    scene = orchard_contest(admin, count=3)
    inspect(scene, scene.codes[0])
    users.create_user(admin, "organiser", PASSWORD)
    return db_app


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_no_route_answers_5xx_to_hostile_input(scene_app: Flask, who: str) -> None:
    client: FlaskClient = scene_app.test_client()
    if who == "admin":
        signed = client.post("/login", data={"username": "admin", "password": PASSWORD})
        assert signed.status_code == 302
    failures = []
    rules = sorted(scene_app.url_map.iter_rules(), key=lambda r: r.rule)
    for rule in rules:
        if rule.endpoint in ("static", "auth.logout"):
            continue
        for url in urls(rule):
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data=FORM)
                if response.status_code >= 500:
                    failures.append((method, url[:120], response.status_code))
    assert failures == []
