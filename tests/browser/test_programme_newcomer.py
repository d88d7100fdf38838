"""What README promises a newcomer after `make run`, on the whole demo programme, in a real
browser, on SQLite and on PostgreSQL: the union office opens its programme dashboard,
follows a county welding round into the city final (whose entrants list says where each
carried welder came from), reads a certificate's QR address and opens it on a phone — the
holder's record, masked, with their contests, awards and titles — and sees assigning a judge
to his own unit's welders refused with the reason."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.models import Contest
from competition.services.demo import WELDING_CONTEST, load_demo
from competition.services.demo_programme import star
from competition.services.demo_union import CONFLICTED, UNION
from competition.services.privacy import masked_name
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT = 20_000  # a bound on the server's work over the programme, not an assertion of speed


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_server(request: pytest.FixtureRequest) -> LiveServer:
    name = "live_server" if request.param == "sqlite" else "postgres_live_server"
    server: LiveServer = request.getfixturevalue(name)
    return server


def test_a_newcomer_walks_the_unions_programme(
    demo_server: LiveServer, browser: Browser, page: Page
) -> None:
    server = demo_server
    with server.app.app_context():
        demo = load_demo(REPOSITORY_ROOT / "scoring_rules", server.url, programme=True)
        assert demo.programme is not None
        final = db.session.query(Contest).filter_by(name=WELDING_CONTEST).one()
        worker = star(final)
        assert worker is not None
        worker_name = worker.name
        db.session.remove()
    suffix = "pg" if "postgresql" in str(server.app.config["SQLALCHEMY_DATABASE_URI"]) else "sq"
    ARTIFACTS.mkdir(exist_ok=True)

    # --- the union office's dashboard -----------------------------------------------------------
    page.set_viewport_size(DESK)
    sign_in(page, server, UNION)
    page.get_by_role("link", name="2026 年度“十百千万”劳动和技能竞赛").first.click()
    expect(page).to_have_url(demo.programme.dashboard_url)
    rows = page.locator("table.programme-contests tbody tr")
    assert rows.count() >= 30
    page.screenshot(path=str(ARTIFACTS / f"programme_dashboard_{suffix}.png"), full_page=True)

    # --- a county qualifier, then the city final it feeds ----------------------------------------
    county = "宝塔区 2026 职工焊工技能竞赛"
    page.get_by_role("link", name=county, exact=True).click()
    expect(page.locator("h1")).to_have_text(county)
    page.go_back()
    page.get_by_role("link", name=WELDING_CONTEST, exact=True).click()
    page.get_by_role("navigation", name="竞赛").get_by_role("link", name="参赛者").click()
    qualifiers = page.locator("#qualifiers tbody tr")
    expect(qualifiers).to_have_count(3)
    expect(page.locator('#qualifiers tr[data-state="carried"]')).to_have_count(3)
    expect(qualifiers.filter(has_text=county)).to_have_count(1)
    provenance = page.locator("table.entrants td.provenance").filter(has_text=county)
    expect(provenance).to_have_count(3)
    expect(provenance.first).to_contain_text(re.compile(r"\d"))
    page.locator("table.entrants").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"programme_final_entrants_{suffix}.png"))
    assert demo.programme.worker == worker_name
    carried = page.locator("table.entrants tbody tr").filter(has_text=worker_name)
    expect(carried.locator("td.provenance")).not_to_be_empty()

    # --- a certificate's QR address, opened on a phone --------------------------------------------
    page.goto(demo.programme.certificates_url)
    certificate = page.locator("article.certificate").filter(has_text=worker_name)
    expect(certificate).to_have_count(1)
    verify_url = certificate.locator(".verify-url code").inner_text().strip()
    assert re.fullmatch(re.escape(server.url) + r"/verify/[0-9a-f]{16}", verify_url)
    # the QR code draws that very address (its SVG carries no text: the page prints it below)
    expect(certificate.locator(".qr svg")).to_have_count(1)
    phones = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        phone = phones.new_page()
        phone.goto(verify_url)
        expect(phone.locator(".verify-valid")).to_be_visible()
        phone.locator("a.person-link").click()
        expect(phone).to_have_url(demo.programme.record_url)
        expect(phone.locator(".person-name")).to_have_text(masked_name(worker_name))
        assert worker_name not in phone.locator("body").inner_text()  # masked everywhere
        honours = phone.locator(".person-honours li")
        expect(honours).to_have_count(2)  # the enterprise and the county round, published
        expect(honours.filter(has_text=demo.programme.county_round)).to_have_count(1)
        expect(phone.locator(".person-honours")).to_contain_text("等奖")
        expect(phone.locator(".person-honours")).to_contain_text("技术能手")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # nothing wider than the phone
        phone.screenshot(
            path=str(ARTIFACTS / f"programme_person_phone_{suffix}.png"), full_page=True
        )
    finally:
        phones.close()

    # --- the conflicted assignment, refused with the reason ---------------------------------------
    page.goto(demo.programme.dashboard_url)
    page.get_by_role("link", name=WELDING_CONTEST, exact=True).click()
    page.get_by_role("navigation", name="竞赛").get_by_role("link", name="裁判").click()
    form = page.locator("form[action$='/judges/assignments']")
    form.locator("select[name=judge]").select_option(label=CONFLICTED[0])
    seats = form.locator("select[name=seat] option").all_inner_texts()
    form.locator("select[name=seat]").select_option(
        index=next(i for i, label in enumerate(seats) if "外观" in label)
    )
    form.get_by_role("button").click()
    refusal = page.locator(".flash-error").filter(has_text=CONFLICTED[1])
    expect(refusal.first).to_be_visible(timeout=WAIT)
    expect(refusal.first).to_contain_text(CONFLICTED[0])
    expect(page.locator("input[name=override], textarea[name=override]")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / f"programme_refusal_{suffix}.png"))
