"""Which language a request or a command speaks, the catalogs that translate it, and the
template filters that show a time in a contest's zone."""

from __future__ import annotations

from datetime import datetime
from functools import cache, cached_property

from babel import support
from flask import Flask, current_app, has_app_context, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale

from competition import local_time as clock
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
    # a label's colon: full-width in Chinese text, ": " in English ("Judge: 王")
    colon = "：" if locale.startswith("zh") else ": "
    return {"current_locale": locale, "html_lang": locale.replace("_", "-"), "colon": colon}


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


def shown_zone(where: object = None) -> str:
    """The zone a page shows times in: ``where``'s (a contest, or anything with a
    ``time_zone``; or a zone name), else the app's COMPETITION_TIME_ZONE."""
    name = getattr(where, "time_zone", where)
    if isinstance(name, str) and clock.zone_name(name):
        return clock.zone_name(name) or name
    if has_app_context():
        return str(current_app.config.get("COMPETITION_TIME_ZONE") or clock.DEFAULT_TIME_ZONE)
    return clock.DEFAULT_TIME_ZONE


def _moment(value: datetime | str | None) -> datetime | None:
    """A datetime, or one written in ISO 8601 (as the published history keeps them)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def local_time(
    value: datetime | str | None, where: object = None, seconds: bool = False, named: bool = True
) -> str:
    """Template filter: ``{{ contest.publicity_ends_at | local_time(contest) }}`` gives
    "2026年12月10日 05:04（北京时间）"; ``named=False`` leaves the zone out, for a column
    whose head names it (``{{ zone_label(contest) }}``); ``seconds=True`` shows them."""
    moment = _moment(value)
    if moment is None:
        return ""
    return clock.local_time(
        moment, shown_zone(where), current_locale(), seconds=seconds, named=named
    )


def local_date(value: datetime | str | None, where: object = None) -> str:
    """Template filter: the date in the zone, "2026年12月10日" (a day needs no zone named)."""
    moment = _moment(value)
    return clock.local_date(moment, shown_zone(where), current_locale()) if moment else ""


def zone_label(where: object = None) -> str:
    """Template function: how the pages name the zone, 北京时间 or "Asia/Urumqi, UTC+06:00"."""
    return clock.zone_label(shown_zone(where), current_locale())


def init_time_filters(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_filter(local_date)
    app.add_template_global(zone_label)
    app.add_template_global(shown_zone)
