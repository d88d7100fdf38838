"""Translatable messages for the rules package, which must not import Flask.

Strings are marked with ``N_`` so that ``pybabel extract`` finds them, and rendered later in
the reader's language from the same compiled catalog Flask-Babel uses.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


def N_(message: str) -> str:  # noqa: N802 - the conventional name gettext tools look for
    """Mark a string for extraction; it is translated when rendered."""
    return message


@lru_cache(maxsize=8)
def _catalog(locale: str) -> gettext.NullTranslations:
    return gettext.translation(
        "messages", localedir=str(TRANSLATIONS_DIR), languages=[locale], fallback=True
    )


def translate(message: str, locale: str = DEFAULT_LOCALE) -> str:
    return _catalog(locale).gettext(message)


@dataclass(frozen=True)
class Message:
    """A message id with its parameters, rendered in any language on demand."""

    text: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        template = translate(self.text, locale)
        params = {
            key: value.render(locale) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            return self.text.format(**params)


def msg(text: str, **params: object) -> Message:
    return Message(text, params)
