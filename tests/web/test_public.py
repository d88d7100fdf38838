from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from competition.rules import load_rule_file
from competition.services import lifecycle
from tests.factories import make_admin, make_contest


def test_home_page_is_in_chinese_by_default(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)

    assert '<html lang="zh-CN">' in page
    assert "劳动技能竞赛评分系统" in page
    assert "评分规则文件" in page


def test_english_chosen_by_query_sticks_for_the_session(client: FlaskClient) -> None:
    assert "Skill contest scoring" in client.get("/?lang=en").get_data(as_text=True)

    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Rule files" in page
    assert "劳动技能竞赛评分系统" not in page

    assert "劳动技能竞赛评分系统" in client.get("/?lang=zh_CN").get_data(as_text=True)


def test_unknown_language_falls_back_to_chinese(client: FlaskClient) -> None:
    assert "劳动技能竞赛评分系统" in client.get("/?lang=fr").get_data(as_text=True)


def test_missing_page_is_a_friendly_translated_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
    assert "Page not found" in client.get("/no-such-page?lang=en").get_data(as_text=True)


def test_server_error_is_a_friendly_page_without_traceback(app: Flask) -> None:
    def broken_page() -> str:
        raise RuntimeError("database exploded")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/broken", view_func=broken_page)

    response = app.test_client().get("/broken")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错了" in page
    assert "database exploded" not in page
    assert "Traceback" not in page


def test_rule_file_table_lists_a_valid_file(
    client: FlaskClient, rules_dir: Path, shipped_rule_file: Path
) -> None:
    shutil.copy(shipped_rule_file, rules_dir / "welding.yaml")
    rule_set = load_rule_file(rules_dir / "welding.yaml")

    page = client.get("/?lang=en").get_data(as_text=True)

    assert rule_set.contest in page
    assert "welding.yaml" in page
    assert "status-valid" in page
    # the hash is there for an auditor, folded away in the "verify" section, not the content
    folded = page.split('<details class="verify-details"', 1)
    assert len(folded) == 2 and rule_set.sha256 in folded[1] and rule_set.sha256 not in folded[0]


def test_rule_file_table_shows_the_first_problem_of_an_invalid_file(
    client: FlaskClient, rules_dir: Path
) -> None:
    (rules_dir / "broken.yaml").write_text("contest: [unclosed\n", encoding="utf-8")

    page = client.get("/?lang=en").get_data(as_text=True)

    assert "status-invalid" in page
    assert "broken.yaml:" in page
    assert "status-valid" not in page


def test_empty_rules_folder_says_so(client: FlaskClient) -> None:
    assert "No rule files found." in client.get("/?lang=en").get_data(as_text=True)


def test_the_home_page_lists_the_contests_the_public_may_follow(db_app: Flask) -> None:
    admin = make_admin()
    make_contest(admin, "草稿中的竞赛")
    open_ = make_contest(admin, "2026 焊工技能竞赛")
    lifecycle.advance(admin, open_.id, "open_registration")
    page = db_app.test_client().get("/").get_data(as_text=True)
    assert "2026 焊工技能竞赛" in page and f"/live/{open_.id}" in page
    assert "草稿中的竞赛" not in page  # a draft is not public


def test_every_page_has_an_icon_and_the_browsers_default_address_finds_it(
    client: FlaskClient,
) -> None:
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").text
    moved = client.get("/favicon.ico")
    assert moved.status_code == 301 and moved.headers["Location"] == "/static/favicon.svg"
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
