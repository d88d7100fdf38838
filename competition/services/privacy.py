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


def masked_name(name: str) -> str:
    """A person's name as a public page shows it: 张* for two characters, 王*国 for three,
    the first and the last with a star for each between for longer ones (欧阳**锋)."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
