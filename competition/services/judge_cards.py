"""QR login cards for judges, as data for a printable A4 sheet.

Plain tokens are never stored, so cards are made from the (judge, login URL) pairs that
:func:`competition.services.judges.create_judge`, ``reissue_token`` or ``reissue_all`` have
just returned; printing again means issuing new tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import qrcode
import qrcode.image.svg

from competition.models import Contest, Judge


@dataclass(frozen=True)
class Card:
    judge_name: str
    unit: str
    contest_name: str
    url: str
    qr_svg: str
    needs_pin: bool


def qr_svg(text: str) -> str:
    """An inline SVG QR code: one path, no fonts, images or links, so it prints offline.
    Error correction M survives a crease or a smudge on a card carried around a venue."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(text)
    code.make(fit=True)
    return str(code.make_image().to_string(encoding="unicode"))


def card_sheet(contest: Contest, judges_with_links: Iterable[tuple[Judge, str]]) -> list[Card]:
    """One card per (judge, login URL), in the order given."""
    cards = []
    for judge, url in judges_with_links:
        if judge.contest_id != contest.id:
            raise ValueError(f"judge {judge.id} is not a judge of contest {contest.id}")
        cards.append(
            Card(
                judge_name=judge.name,
                unit=judge.unit,
                contest_name=contest.name,
                url=url,
                qr_svg=qr_svg(url),
                needs_pin=judge.pin_hash is not None,
            )
        )
    return cards
