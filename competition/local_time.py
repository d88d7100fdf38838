"""Times as the people at a contest read a clock: stored in UTC, shown in the contest's zone
(an IANA name, Asia/Shanghai by default) with the zone named, in the reader's language.

No Flask here, so services, commands and pages all format a time the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_datetime

from competition.rules.messages import DEFAULT_LOCALE, N_, Message, translate

DEFAULT_TIME_ZONE = "Asia/Shanghai"
BEIJING = "Asia/Shanghai"
# the zones the console offers first; any IANA name is accepted
COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "UTC",
)
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})
# CLDR patterns per locale: (date, time, time with seconds)
PATTERNS = {
    "zh_CN": ("y年M月d日", "HH:mm", "HH:mm:ss"),
    "en": ("d MMM y", "HH:mm", "HH:mm:ss"),
}


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA name the machine knows, by its lower-case spelling."""
    return {name.lower(): name for name in available_timezones()}


def zone_name(text: str) -> str | None:
    """The IANA zone name ``text`` means, in its own spelling ("asia/shanghai" is
    "Asia/Shanghai"), or None when it names no zone."""
    return _zone_names().get(text.strip().lower())


def zone_of(name: str | None) -> ZoneInfo:
    """The zone called ``name``; Asia/Shanghai for a name the machine does not know."""
    return ZoneInfo(zone_name(name or "") or DEFAULT_TIME_ZONE)


def zone_label(
    name: str | None, locale: str = DEFAULT_LOCALE, moment: datetime | None = None
) -> str:
    """How a page names the zone: 北京时间 for Asia/Shanghai, UTC, else the IANA name with
    its offset from UTC at ``moment`` (now by default): "Asia/Urumqi, UTC+06:00"."""
    zone = zone_of(name)
    if zone.key == BEIJING:
        return translate(N_("Beijing time"), locale)
    if zone.key in _UTC_NAMES:
        return "UTC"
    offset = (moment or datetime.now(UTC)).astimezone(zone).utcoffset() or timedelta()
    return f"{zone.key}, {utc_offset(offset)}"


def utc_offset(offset: timedelta) -> str:
    """UTC+08:00, UTC-03:30."""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _patterns(locale: str) -> tuple[str, str, str]:
    return PATTERNS.get(locale, PATTERNS["en"])


def _aware(moment: datetime) -> datetime:
    """A time from the database is aware; a naive one is taken to be UTC, as stored."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_time(
    moment: datetime,
    zone: str | None,
    locale: str = DEFAULT_LOCALE,
    *,
    seconds: bool = False,
    named: bool = True,
) -> str:
    """``moment`` on the zone's clock: "2026年12月10日 05:04（北京时间）", or "10 Dec 2026,
    05:04 (Beijing time)"; ``named=False`` leaves the zone out (a column head names it)."""
    moment = _aware(moment)
    date_pattern, minutes, with_seconds = _patterns(locale)
    separator = " " if locale.startswith("zh") else ", "
    pattern = date_pattern + separator + (with_seconds if seconds else minutes)
    text = format_datetime(moment, pattern, tzinfo=zone_of(zone), locale=locale)
    if not named:
        return text
    label = zone_label(zone, locale, moment)
    return translate(N_("{time} ({zone})"), locale).format(time=text, zone=label)


def local_date(moment: datetime, zone: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """The date ``moment`` falls on in the zone: 2026年12月10日, 10 Dec 2026."""
    return format_datetime(
        _aware(moment), _patterns(locale)[0], tzinfo=zone_of(zone), locale=locale
    )


class LocalTime(Message):
    """A time as a parameter of a :class:`Message`: shown in the zone and the language of
    whoever reads the message (see :func:`at`)."""

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        moment = self.params["moment"]
        zone = self.params["zone"]
        assert isinstance(moment, datetime) and isinstance(zone, str)
        return local_time(moment, zone, locale)


def at(moment: datetime, zone: str) -> LocalTime:
    """``moment`` in ``zone``, to put into a message: ``msg(..., end=at(ends, zone))``."""
    return LocalTime("{moment}", {"moment": moment, "zone": zone})
