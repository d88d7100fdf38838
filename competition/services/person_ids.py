"""The national ID (居民身份证号码) as this server may handle it: checked, then reduced to a
keyed hash and its last four characters, never kept; and the public token of a person's
page, which only this server can make.

Keys derive from SECRET_KEY, one per use, so that a stolen table of hashes cannot be tested
against a list of ID numbers by someone who does not also hold the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from flask import current_app

from competition.rules.messages import N_, Message, msg

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # GB 11643: the check character for the weighted sum modulo 11
_SHAPE = re.compile(r"\d{17}[\dX]")
_TOKEN = re.compile(r"(\d{1,12})-([0-9a-f]{20})")


def normalised(text: str) -> str:
    """The ID as compared: no spaces, a lower-case x as the X it stands for."""
    return "".join(text.split()).upper()


def id_problem(text: str) -> Message | None:
    """What is wrong with an 18-character ID number (None: nothing)."""
    value = normalised(text)
    if len(value) != 18 or not _SHAPE.fullmatch(value):
        return msg(N_("an ID number has 17 digits and a last digit or X (18 characters)"))
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        text = N_("the date of birth in this ID number ({birth}) is no date")
        return msg(text, birth=value[6:14])
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        return msg(N_("the check digit of this ID number is wrong: a digit is mistyped"))
    return None


def _key(purpose: bytes) -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, purpose, hashlib.sha256).digest()


def id_hash(text: str) -> str:
    """The keyed hash that finds the same person again from the same ID number."""
    return hmac.new(_key(b"person id"), normalised(text).encode(), hashlib.sha256).hexdigest()


def id_tail(text: str) -> str:
    return normalised(text)[-4:]


def masked_id(tail: str | None) -> str:
    """The ID as the console shows it: 14 stars and the last four."""
    return "*" * 14 + tail if tail else ""


def public_token(person_id: int) -> str:
    """The address of a person's public page: the id and a MAC of it, so that the pages of
    people cannot be walked by counting."""
    mac = hmac.new(_key(b"person page"), str(person_id).encode(), hashlib.sha256).hexdigest()
    return f"{person_id}-{mac[:20]}"


def person_of_token(token: str) -> int | None:
    """The person id a public token stands for, or None when it is not one of ours."""
    found = _TOKEN.fullmatch(token or "")
    if found is None:
        return None
    person_id = int(found.group(1))
    return person_id if hmac.compare_digest(public_token(person_id), token) else None
