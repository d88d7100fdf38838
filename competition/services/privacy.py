"""Which entrant attributes the public may see: those the rule file marks public, and never
one named like a phone, ID, passport, bank or e-mail field, whatever the rule file says."""

from __future__ import annotations

import re

from competition.rules.model import Attribute

PRIVATE = re.compile(
    r"phone|mobile|tel|e-?mail|id_?(card|no|number)|identity|passport|bank|"
    r"电话|手机|身份证|证件|银行|邮箱",
    re.IGNORECASE,
)


def is_public(name: str, attribute: Attribute) -> bool:
    return (
        attribute.public and not PRIVATE.search(name) and not PRIVATE.search(attribute.label or "")
    )
