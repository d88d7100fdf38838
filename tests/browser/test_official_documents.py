"""The award list and the certificates as a union office prints them, in a real browser on
the demo's orchard contest published: the organiser sets the issuing body, the date and the
seal on the results page; the award list prints on A4 portrait with the seal over the
issuer's line, the certificates one to an A4 landscape page with the verify address on one
line. Screenshots (1920×1080) and PDFs are kept in test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.models import Contest, Judge
from competition.services import lifecycle, marks, scoring
from competition.services.authority import Actor
from competition.services.demo import INSPECTION, ORCHARD_CONTEST, UNINSPECTED, load_demo
from competition.services.marks import MarkInput
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in
from tests.services.test_documents import seal_png

# A4 in PDF points (1/72 in): 210 × 297 mm
A4_SHORT, A4_LONG = 595, 842
WAIT = 20_000


def published_demo(server: LiveServer) -> int:
    """The demo's orchard contest with the last orchards marked by the third expert, every
    sheet signed, locked and published, as the README walks it."""
    with server.app.app_context():
        demo = load_demo(REPOSITORY_ROOT / "scoring_rules", server.url)
        contest = db.session.scalar(select(Contest).where(Contest.name == ORCHARD_CONTEST))
        assert contest is not None and demo.contests
        event = contest.events[0]
        organiser = Actor("system", None, "system", is_admin=True)
        expert = db.session.scalar(
            select(Judge).where(Judge.contest_id == contest.id, Judge.name == "张建华")
        )
        assert expert is not None
        judge = Actor("judge", expert.id, expert.name)
        for number in range(121 - UNINSPECTED, 121):
            for criterion, top in INSPECTION:
                mark = MarkInput(f"YA{number:03d}", criterion, str(top))
                marks.record_mark(judge, event.id, mark)
        scoring.sign_sheet(judge, event.id)
        for step in ("close_scoring", "lock", "publish"):
            # the expert's top marks on YA118 are flagged: overridden, with the reason
            lifecycle.advance(
                organiser, contest.id, step, "偏离评分已复核，结果公示", override=True
            )
        contest_id = contest.id
        db.session.remove()
    return contest_id


def lines_of(element: Locator) -> float:
    """How many lines an element's text takes (its height without padding and borders)."""
    return float(
        element.evaluate(
            """e => {
                const s = getComputedStyle(e), px = (v) => parseFloat(v) || 0;
                const inner = e.getBoundingClientRect().height - px(s.paddingTop)
                    - px(s.paddingBottom) - px(s.borderTopWidth) - px(s.borderBottomWidth);
                return inner / px(s.lineHeight);
            }"""
        )
    )


def centre_within(inner: Locator, outer: Locator) -> None:
    """``inner``'s centre lies on ``outer``'s box: the seal sits on the issuer's line."""
    seal, line = inner.bounding_box(), outer.bounding_box()
    assert seal is not None and line is not None
    x, y = seal["x"] + seal["width"] / 2, seal["y"] + seal["height"] / 2
    assert line["x"] <= x <= line["x"] + line["width"], (seal, line)
    assert line["y"] - 2 <= y <= line["y"] + line["height"] + 2, (seal, line)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's width and height in points, from the PDF's MediaBoxes."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_the_award_list_and_certificates_print_on_a4_under_the_issuer_and_seal(
    live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    contest_id = published_demo(live_server)
    page.set_viewport_size({"width": 1920, "height": 1080})
    sign_in(page, live_server)
    results = f"{live_server.url}/console/contests/{contest_id}/results/"
    page.goto(results + "?lang=en")
    missing = page.locator("#documents-missing")
    expect(missing).to_contain_text("no issuing body")
    expect(missing).to_contain_text("no seal image")

    # without issuer or seal the award list still prints, with a blank place to stamp
    page.goto(f"{live_server.url}/results/{contest_id}/awards")
    expect(page.locator(".sign-off .seal-blank")).to_be_visible()
    expect(page.locator(".sign-off img.seal")).to_have_count(0)

    page.goto(results + "?lang=en")
    form = page.locator("#documents-form")
    form.get_by_label("Issuing body").fill("延安市总工会")
    form.get_by_label("Date of issue").fill("2026-12-07")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("are saved")
    seal = tmp_path / "seal.png"
    seal.write_bytes(seal_png())
    page.locator("#seal-form").get_by_label("Seal image").set_input_files(seal)
    page.locator("#seal-form").get_by_role("button", name="Upload the seal").click()
    expect(page.get_by_role("status")).to_contain_text("The seal image is saved.")
    expect(page.locator("#documents-ready")).to_be_visible()
    expect(page.locator(".seal-preview img")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#documents").screenshot(path=str(ARTIFACTS / "documents_console.png"))

    # --- the award list: A4 portrait, money in yuan, the seal over the issuer ---------------
    page.goto(f"{live_server.url}/results/{contest_id}/awards?lang=zh_CN")
    table = page.locator(".award-table").first
    expect(table.locator("tbody tr")).to_have_count(15)
    expect(table.locator("thead th")).to_contain_text(["编号", "县（市、区）", "经营主体"])
    expect(table.locator("td.prize").first).to_have_text("20,000 元")
    expect(page.locator(".total-prize")).to_have_text("145,000 元")
    issuer = page.locator(".sign-off .issuer-name")
    expect(issuer).to_have_text("延安市总工会")
    expect(page.locator(".sign-off .sign-date")).to_have_text("2026年12月7日")
    page.screenshot(path=str(ARTIFACTS / "award_list_1920.png"), full_page=True)
    # printed: the width of an A4 page inside its margins (186 mm at 96 px to the inch)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 994})
    expect(page.locator(".sign-off img.seal")).to_be_visible()
    centre_within(page.locator(".sign-off img.seal"), issuer)
    for cell in table.locator("tbody td").all():
        assert lines_of(cell) < 1.5, f"{cell.inner_text()} wraps on A4"
    page.screenshot(path=str(ARTIFACTS / "award_list_a4.png"), full_page=True)
    pdf = page.pdf(path=str(ARTIFACTS / "award_list_a4.pdf"), prefer_css_page_size=True)
    sizes = page_sizes(pdf)
    assert sizes and all(round(w) == A4_SHORT and round(h) == A4_LONG for w, h in sizes)

    # --- the certificates: one A4 landscape page each, the verify address on one line -------
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(results + "certificates?lang=zh_CN")
    certificates = page.locator("article.certificate")
    expect(certificates).to_have_count(15)
    expect(page.locator("#documents-missing")).to_have_count(0)
    first = certificates.first
    expect(first.locator(".cert-text")).to_contain_text(re.compile("荣获|who won"))
    expect(first.locator(".issuer-name")).to_have_text("延安市总工会")
    page.emulate_media(media="print")
    for certificate in certificates.all()[:3]:
        centre_within(certificate.locator("img.seal"), certificate.locator(".issuer-block"))
        url = certificate.locator(".verify-url code")
        assert lines_of(url) < 1.5, "the verify address breaks across lines"
        box, card = url.bounding_box(), certificate.bounding_box()
        assert box is not None and card is not None
        assert box["x"] + box["width"] <= card["x"] + card["width"]
    first.screenshot(path=str(ARTIFACTS / "certificate_a4_landscape.png"))
    page.screenshot(path=str(ARTIFACTS / "certificates_1920.png"))
    pdf = page.pdf(path=str(ARTIFACTS / "certificates_a4.pdf"), prefer_css_page_size=True)
    sizes = page_sizes(pdf)
    assert len(sizes) == 15, f"{len(sizes)} pages for 15 certificates"
    assert all(round(w) == A4_LONG and round(h) == A4_SHORT for w, h in sizes)
