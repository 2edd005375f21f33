"""Timezones by the names people use: what `timezone <name>` resolves to (pure), and the
wall-clock move a zone change makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.zones import (
    NO_STEADY_ZONE,
    OUT_OF_RANGE,
    Candidates,
    Found,
    Unknown,
    find_zone,
    keep_wall_clock,
    resolve,
)


def _zone(typed: str) -> str:
    found = resolve(typed)
    assert isinstance(found, Found), (typed, found)
    return found.zone


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("PST", "America/Los_Angeles"),
        ("pdt", "America/Los_Angeles"),
        ("EST", "America/New_York"),
        ("EDT", "America/New_York"),
        ("CDT", "America/Chicago"),
        ("MST", "America/Denver"),
        ("CET", "Europe/Berlin"),
        ("CEST", "Europe/Berlin"),
        ("BST", "Europe/London"),
        ("JST", "Asia/Tokyo"),
        ("AEST", "Australia/Sydney"),
        ("AEDT", "Australia/Sydney"),
        ("NZDT", "Pacific/Auckland"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Pacific time", "America/Los_Angeles"),
        ("Eastern Standard Time", "America/New_York"),
        ("Central European Time", "Europe/Berlin"),
    ],
)
def test_abbreviations_and_spoken_names_resolve_to_the_zone_people_mean(typed, zone):
    assert _zone(typed) == zone


def test_an_abbreviation_is_said_back_in_capitals():
    assert resolve("pst") == Found("America/Los_Angeles", said="PST")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("Berlin time", "Europe/Berlin"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("NEW-YORK", "America/New_York"),
        ("Toronto", "America/Toronto"),
        ("Sydney", "Australia/Sydney"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("Port au Prince", "America/Port-au-Prince"),
        ("St. John's", "America/St_Johns"),
        ("Kiev", "Europe/Kyiv"),
        # Not in the IANA names, but what people say.
        ("San Francisco", "America/Los_Angeles"),
        ("Seattle", "America/Los_Angeles"),
        ("Bangalore", "Asia/Kolkata"),
        ("Bengaluru", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("Boston", "America/New_York"),
        ("Munich", "Europe/Berlin"),
        ("Beijing", "Asia/Shanghai"),
        ("Montreal", "America/Toronto"),
    ],
)
def test_cities_resolve_whatever_the_spaces_underscores_and_case(typed, zone):
    assert _zone(typed) == zone


def test_a_city_is_said_back_as_its_place_name():
    assert resolve("new_york") == Found("America/New_York", said="New York")
    assert resolve("san francisco") == Found("America/Los_Angeles", said="San Francisco")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("Europe/Amsterdam", "Europe/Amsterdam"),  # kept, though tzdata links it to Brussels
        ("Etc/GMT+5", "Etc/GMT+5"),
    ],
)
def test_iana_names_resolve_in_any_case(typed, zone):
    assert resolve(typed) == Found(zone)


def test_an_old_iana_name_resolves_to_the_zone_it_stands_for():
    assert resolve("Asia/Calcutta") == Found("Asia/Kolkata", said="Asia/Calcutta")
    assert resolve("US/Pacific") == Found("America/Los_Angeles", said="US/Pacific")


@pytest.mark.parametrize(
    ("typed", "zone", "said"),
    [
        ("UTC+2", "Etc/GMT-2", "UTC+2"),  # Etc names write the sign the other way round
        ("utc +2", "Etc/GMT-2", "UTC+2"),
        ("UTC_+_2", "Etc/GMT-2", "UTC+2"),  # as Discord's option hands it over
        ("GMT-5", "Etc/GMT+5", "UTC-5"),
        ("+3", "Etc/GMT-3", "UTC+3"),
        ("UTC+14", "Etc/GMT-14", "UTC+14"),
        ("UTC-12", "Etc/GMT+12", "UTC-12"),
        ("-07:00", "Etc/GMT+7", "UTC-7"),
    ],
)
def test_whole_hour_offsets_are_fixed_etc_zones(typed, zone, said):
    assert resolve(typed) == Found(zone, said=said, fixed=True)


@pytest.mark.parametrize(
    ("typed", "zone", "said"),
    [
        ("+05:30", "Asia/Kolkata", "UTC+5:30"),
        ("UTC+5:30", "Asia/Kolkata", "UTC+5:30"),
        ("utc+0545", "Asia/Kathmandu", "UTC+5:45"),
        ("UTC+9:30", "Australia/Darwin", "UTC+9:30"),  # not Adelaide: it changes in summer
    ],
)
def test_a_half_hour_offset_is_a_real_zone_that_keeps_it_all_year(typed, zone, said):
    assert resolve(typed) == Found(zone, said=said, fixed=True)
    tz = ZoneInfo(zone)
    offsets = {datetime(2026, month, 1, tzinfo=UTC).astimezone(tz).utcoffset() for month in (1, 7)}
    assert len(offsets) == 1


def test_utc_plus_zero_is_utc():
    assert resolve("GMT+0") == Found("UTC", said="UTC+0")


def test_offsets_no_zone_can_keep_are_refused_with_the_reason():
    assert resolve("UTC+15") == Unknown("UTC+15", hint=OUT_OF_RANGE)
    assert resolve("UTC+2:75") == Unknown("UTC+2:75", hint=OUT_OF_RANGE)
    # Newfoundland is -03:30 in winter only.
    assert resolve("-03:30") == Unknown("UTC-3:30", hint=NO_STEADY_ZONE)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Germany", "Europe/Berlin"),  # Busingen keeps Berlin's clocks: still one zone
        ("France", "Europe/Paris"),
        ("Japan", "Asia/Tokyo"),
        ("India", "Asia/Kolkata"),
        ("UK", "Europe/London"),
        ("United Kingdom", "Europe/London"),
        ("Switzerland", "Europe/Zurich"),
        ("South Korea", "Asia/Seoul"),
        ("UAE", "Asia/Dubai"),
        ("Netherlands", "Europe/Amsterdam"),
    ],
)
def test_a_country_with_one_zone_resolves_to_it(typed, zone):
    assert _zone(typed) == zone


@pytest.mark.parametrize(
    ("typed", "zones"),
    [
        ("IST", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")),
        ("ist", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")),
        ("CST", ("America/Chicago", "Asia/Shanghai", "America/Havana")),
        ("GMT", ("Europe/London", "UTC")),
        ("Spain", ("Europe/Madrid", "Atlantic/Canary")),
    ],
)
def test_an_ambiguous_name_offers_its_candidates(typed, zones):
    found = resolve(typed)
    assert isinstance(found, Candidates)
    assert found.zones == zones
    assert found.said == typed.upper() if len(typed) <= 3 else typed


def test_candidates_say_where_each_zone_is():
    found = resolve("IST")
    assert isinstance(found, Candidates)
    assert [option.where for option in found.options] == ["India", "Ireland", "Israel"]


def test_a_country_with_several_zones_offers_one_per_set_of_clocks():
    found = resolve("USA")
    assert isinstance(found, Candidates)
    # New York stands for Detroit and Indiana; Los Angeles is there; no two share clocks.
    assert found.zones[:5] == (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
    )
    assert "America/Detroit" not in found.zones
    assert "Pacific/Honolulu" in found.zones
    found = resolve("Australia")
    assert isinstance(found, Candidates)
    assert "Australia/Sydney" in found.zones and "Australia/Melbourne" not in found.zones


@pytest.mark.parametrize(
    "typed", ["Mars/Olympus", "Labs of Berlin", "Narnia", "", "   ", "x" * 80, "Europe"]
)
def test_what_names_no_zone_is_unknown(typed):
    assert isinstance(resolve(typed), Unknown)


def test_find_zone_takes_only_exact_iana_names_in_any_case():
    assert find_zone(" europe/berlin ") == "Europe/Berlin"
    assert find_zone("PST") is None


# --- keep_wall_clock --------------------------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
LA = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")


def test_keep_wall_clock_moves_to_the_same_clock_time_in_the_new_zone():
    monday_9_utc = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    moved = keep_wall_clock(monday_9_utc, ZoneInfo("UTC"), LA)
    assert moved == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert moved.astimezone(LA).strftime("%a %H:%M") == "Mon 09:00"


def test_keep_wall_clock_across_zones_on_different_dst_dates():
    # 22 March 2026: New York is already on summer time, Berlin not yet.
    at = datetime(2026, 3, 23, 9, 0, tzinfo=BERLIN)
    moved = keep_wall_clock(at, BERLIN, NEW_YORK)
    assert moved.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 23, 9, 0)
    assert moved - at.astimezone(UTC) == timedelta(hours=5)  # not the usual six


def test_a_clock_time_the_new_zone_skips_moves_to_the_first_that_exists():
    # 02:30 on 8 March 2026 does not exist in New York (clocks go 02:00 -> 03:00).
    at = datetime(2026, 3, 8, 2, 30, tzinfo=UTC)
    moved = keep_wall_clock(at, ZoneInfo("UTC"), NEW_YORK)
    assert moved.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:00 EDT"


def test_a_clock_time_the_new_zone_has_twice_takes_the_first():
    at = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    moved = keep_wall_clock(at, ZoneInfo("UTC"), NEW_YORK)
    assert moved.astimezone(NEW_YORK).strftime("%H:%M %Z") == "01:30 EDT"
