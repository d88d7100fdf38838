"""Which language a request or a command speaks, and the catalogs that translate it."""

from __future__ import annotations

from functools import cache, cached_property

from babel import support
from flask import has_request_context, request, session
from flask_babel import Babel, Domain, get_locale

from competition.rules.messages import DEFAULT_LOCALE, LOCALES, TRANSLATIONS_DIR

DOMAIN = "messages"


def select_locale() -> str:
    """`?lang=` wins and is remembered in the session; Chinese is the default."""
    if not has_request_context():
        return DEFAULT_LOCALE
    requested = request.args.get("lang")
    if requested in LOCALES:
        session["lang"] = requested
        return requested
    remembered = session.get("lang")
    return remembered if remembered in LOCALES else DEFAULT_LOCALE


def current_locale() -> str:
    """The request's locale as one of LOCALES (Babel itself calls zh_CN "zh_Hans_CN")."""
    locale = get_locale()
    if locale is None:
        return DEFAULT_LOCALE
    return f"{locale.language}_{locale.territory}" if locale.territory else str(locale.language)


def locale_context() -> dict[str, object]:
    locale = current_locale()
    return {"current_locale": locale, "html_lang": locale.replace("_", "-")}


@cache
def translations(locale: str) -> support.NullTranslations:
    """The compiled catalog of `locale`, for requests and for code that runs without one."""
    return support.Translations.load(str(TRANSLATIONS_DIR), [locale], DOMAIN)


class CatalogDomain(Domain):  # type: ignore[misc]  # flask_babel ships no type hints
    """Finds catalogs by our locale codes, the way plain gettext in `competition.rules` does.

    Flask-Babel would look for Babel's CLDR name, zh_Hans_CN, and find no Chinese catalog.
    """

    def get_translations(self) -> support.NullTranslations:
        return translations(current_locale())


class CatalogBabel(Babel):  # type: ignore[misc]  # flask_babel ships no type hints
    @cached_property
    def domain_instance(self) -> CatalogDomain:
        return CatalogDomain(domain=DOMAIN)
