"""Times read as the clock in the hall reads them: the contest's zone, named, in the reader's
language (competition/local_time.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from competition.local_time import at, local_date, local_time, zone_label, zone_name
from competition.rules.messages import msg

# 21:04 UTC on 9 December is 05:04 the next morning in Beijing
EVENING_UTC = datetime(2026, 12, 9, 21, 4, 30, tzinfo=UTC)


def test_a_utc_time_is_shown_on_beijing_time_with_the_zone_named() -> None:
    assert local_time(EVENING_UTC, "Asia/Shanghai", "en") == "10 Dec 2026, 05:04 (Beijing time)"
    chinese = local_time(EVENING_UTC, "Asia/Shanghai", "zh_CN")
    assert chinese.startswith("2026年12月10日 05:04")
    assert "北京时间" in chinese or "Beijing time" in chinese  # translated once merged


def test_another_zone_is_named_by_its_iana_name_and_offset() -> None:
    assert (
        local_time(EVENING_UTC, "Asia/Urumqi", "en")
        == "10 Dec 2026, 03:04 (Asia/Urumqi, UTC+06:00)"
    )
    assert local_time(EVENING_UTC, "UTC", "en", seconds=True) == "9 Dec 2026, 21:04:30 (UTC)"
    # the offset is the one in force at that time: Berlin keeps winter time in December
    assert zone_label("Europe/Berlin", "en", EVENING_UTC) == "Europe/Berlin, UTC+01:00"
    assert zone_label("America/St_Johns", "en", EVENING_UTC) == "America/St_Johns, UTC-03:30"


def test_a_column_can_leave_the_zone_to_its_head() -> None:
    assert local_time(EVENING_UTC, "Asia/Shanghai", "zh_CN", named=False) == "2026年12月10日 05:04"


def test_a_date_is_the_day_in_the_zone() -> None:
    assert local_date(EVENING_UTC, "Asia/Shanghai", "zh_CN") == "2026年12月10日"
    assert local_date(EVENING_UTC, "America/New_York", "en") == "9 Dec 2026"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Asia/Shanghai", "Asia/Shanghai"),
        (" asia/urumqi ", "Asia/Urumqi"),
        ("Asia/Shangai", None),
        ("Beijing", None),
        ("../../etc/passwd", None),
        ("", None),
    ],
)
def test_only_iana_zone_names_are_zones(text: str, expected: str | None) -> None:
    assert zone_name(text) == expected


def test_a_message_shows_its_time_in_the_readers_language() -> None:
    message = msg("the publicity window is open until {end}", end=at(EVENING_UTC, "Asia/Shanghai"))
    assert message.render("en") == (
        "the publicity window is open until 10 Dec 2026, 05:04 (Beijing time)"
    )
    assert "2026年12月10日 05:04" in message.render("zh_CN")
